"""The Train page's data, cached per server: the built-in sets prepared per split, uploads read and prepared once
per file (keyed by their bytes), and the baselines fitted on a split (when the worker could not)."""

import hashlib

import streamlit as st

from core import data


@st.cache_data(show_spinner=False, max_entries=8)
def california_ok() -> bool:
    return data.california_available()


@st.cache_data(show_spinner=False, max_entries=16)
def builtin(name: str, test_size: float, seed: int, exclude: tuple = (), keep: tuple = ()) -> data.Prepared:
    return data.prepare(data.load_builtin(name), data.DataConfig(test_size=test_size, seed=seed, exclude=exclude,
                                                                 keep=keep))


@st.cache_data(show_spinner=False, max_entries=16)
def builtin_table(name: str) -> data.Table:
    return data.load_builtin(name)


@st.cache_data(show_spinner=False, max_entries=32)
def identifiers(_table: data.Table, key: tuple, target: str) -> list[str]:
    """The columns of the table (``key`` names it) that look like identifiers: left out unless a reader keeps one."""
    return [r["column"] for r in data.plan_columns(_table.frame, target)["roles"] if r["role"] == "identifier"]


@st.cache_data(show_spinner=False, max_entries=16)
def read_upload(raw: bytes, name: str) -> data.Table:
    return data.read_csv(raw, name=name)


@st.cache_data(show_spinner=False, max_entries=16)
def prepare_upload(raw: bytes, name: str, target: str, test_size: float, seed: int, exclude: tuple = (),
                   keep: tuple = ()) -> data.Prepared:
    table = data.read_csv(raw, name=name)
    table.target = target
    return data.prepare(table, data.DataConfig(test_size=test_size, seed=seed, exclude=exclude, keep=keep))


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
