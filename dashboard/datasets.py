"""The Train page's data: the built-in sets prepared per split (cached per server), an upload read and prepared once
per file and settings (held by its session only, released with it), and the baselines fitted on a split (when the
worker could not)."""

import hashlib

import streamlit as st

from core import data
from core.data.toy import ToyConfig, load_toy
from core.uploads import CSV_TYPES, check_file_name
from dashboard import state


@st.cache_data(show_spinner=False, max_entries=8)
def california_ok() -> bool:
    return data.california_available()


@st.cache_data(show_spinner=False, max_entries=16)
def builtin(name: str, test_size: float, seed: int, exclude: tuple = (), keep: tuple = (), val_size: float = 0.0,
            feature_transform: str = "standard") -> data.Prepared:
    return data.prepare(data.load_builtin(name), data.DataConfig(test_size=test_size, seed=seed, exclude=exclude,
                                                                 keep=keep, val_size=val_size,
                                                                 feature_transform=feature_transform))


@st.cache_data(show_spinner=False, max_entries=32)
def toy(name: str, samples: int, noise: float, points_seed: int, seed: int, val_size: float = 0.0,
        feature_transform: str = "standard") -> data.Prepared:
    """A 2-D teaching set's points (drawn from their own seed), split with the page's seed."""
    table = load_toy(ToyConfig(name=name, samples=samples, noise=noise, seed=points_seed))
    return data.prepare(table, data.DataConfig(seed=seed, val_size=val_size, feature_transform=feature_transform))


@st.cache_data(show_spinner=False, max_entries=16)
def builtin_table(name: str) -> data.Table:
    return data.load_builtin(name)


@st.cache_data(show_spinner=False, max_entries=32)
def identifiers(_table: data.Table, key: tuple, target: str) -> list[str]:
    """The columns of the table (``key`` names it) that look like identifiers: left out unless a reader keeps one."""
    return [r["column"] for r in data.plan_columns(_table.frame, target)["roles"] if r["role"] == "identifier"]


def read_upload(raw: bytes, name: str) -> data.Table:
    """The uploaded CSV read once per session and file (held by the session, released with it)."""
    check_file_name(name, CSV_TYPES)
    return state.one_per_session("upload_table", (digest(raw), name), lambda: data.read_csv(raw, name=name))


def prepare_upload(raw: bytes, name: str, target: str, test_size: float, seed: int, exclude: tuple = (),
                   keep: tuple = (), val_size: float = 0.0, feature_transform: str = "standard") -> data.Prepared:
    """The uploaded CSV's split for these settings, made once per session and settings (held by the session)."""
    def make():
        table = data.read_csv(raw, name=name)
        table.target = target
        return data.prepare(table, data.DataConfig(test_size=test_size, seed=seed, exclude=exclude, keep=keep,
                                                   val_size=val_size, feature_transform=feature_transform))

    key = (digest(raw), name, target, test_size, seed, tuple(exclude), tuple(keep), val_size, feature_transform)
    return state.one_per_session("upload_prepared", key, make)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:12]


@st.cache_data(show_spinner=False, max_entries=32)
def _baselines(key: tuple, _prepared: data.Prepared) -> list[dict]:
    from core.training.baselines import baselines as fit

    return fit(_prepared)


def baselines(prepared: data.Prepared) -> list[dict]:
    """Mean predictor, linear regression and gradient boosting on the same split (cached per data and split)."""
    key = (prepared.info["name"], prepared.info["target"], prepared.info["seed"], prepared.info["n_train"],
           hashlib.sha256(prepared.X_train.tobytes()).hexdigest()[:16])
    return _baselines(key, prepared)
