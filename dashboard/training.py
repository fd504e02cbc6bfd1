"""The Train page's plumbing: the server's one training pool, this session's identity, its data, and heartbeats."""

import hashlib
import uuid

import streamlit as st

from core import data
from core.errors import PlaygroundError
from core.pool import TrainingPool


@st.cache_resource(show_spinner=False)
def pool() -> TrainingPool:
    """One pool per server process, shared by every session; each session only ever sees its own runs."""
    return TrainingPool()  # $TORCH_PLAYGROUND_WORKERS and $TORCH_PLAYGROUND_WORKER_NICE, else its defaults


def owner() -> str:
    """This browser session's id: the owner of its runs."""
    if "owner" not in st.session_state:
        st.session_state["owner"] = uuid.uuid4().hex
    return st.session_state["owner"]


XSRF_COOKIE = "_streamlit_xsrf"


def browser() -> str:
    """This browser's id: the owner of its saved checkpoints. It stays the same when the page is reloaded (a new
    Streamlit session), so a student's saved models are still theirs; without the cookie it comes from (XSRF
    protection off, or tests) it is the session's own id. Runs stay the session's: a closed tab stops its run."""
    if "browser" not in st.session_state:
        st.session_state["browser"] = browser_id(st.context.cookies.get(XSRF_COOKIE)) or owner()
    return st.session_state["browser"]


def browser_id(cookie: str | None) -> str | None:
    """A stable, one-way id from Streamlit's XSRF cookie: 16 random bytes per browser, kept across reloads but sent
    masked afresh each time ("2|mask|masked token|timestamp", hex; the mask repeats over the token). None when the
    cookie is missing or not of that form."""
    parts = (cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if not mask or len(masked) < 16:
        return None
    token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    return hashlib.sha256(b"torch-playground owner|" + token).hexdigest()[:32]


@st.cache_data(show_spinner=False, max_entries=8)
def california_ok() -> bool:
    return data.california_available()


@st.cache_data(show_spinner=False, max_entries=16)
def builtin(name: str, test_size: float, seed: int) -> data.Prepared:
    return data.prepare(data.load_builtin(name), data.DataConfig(test_size=test_size, seed=seed))


@st.cache_data(show_spinner=False, max_entries=16)
def read_upload(raw: bytes, name: str) -> data.Table:
    return data.read_csv(raw, name=name)


@st.cache_data(show_spinner=False, max_entries=16)
def prepare_upload(raw: bytes, name: str, target: str, test_size: float, seed: int) -> data.Prepared:
    table = data.read_csv(raw, name=name)
    table.target = target
    return data.prepare(table, data.DataConfig(test_size=test_size, seed=seed))


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:12]


def has_active_runs() -> bool:
    return "owner" in st.session_state and any(r.active for r in pool().runs_of(owner()))


@st.fragment(run_every=5)
def keep_alive():
    """Tells the pool this session is still open while it has runs going, on whichever page it is."""
    if has_active_runs():
        pool().heartbeat(owner())


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


@st.cache_data(show_spinner=False, max_entries=32)
def _baselines(key: tuple, _prepared: data.Prepared) -> list[dict]:
    from core.training.baselines import baselines as fit

    return fit(_prepared)


def baselines(prepared: data.Prepared) -> list[dict]:
    """Mean predictor, linear regression and gradient boosting on the same split (cached per data and split)."""
    key = (prepared.info["name"], prepared.info["target"], prepared.info["seed"], prepared.info["n_train"],
           hashlib.sha256(prepared.X_train.tobytes()).hexdigest()[:16])
    return _baselines(key, prepared)


def script_for(prepared: data.Prepared, source: str, hidden_text: str, activation: str, dropout: float,
               optimizer: str, lr: float, batch_size: int, epochs: int, seed: int) -> str:
    """The complete PyTorch script for the settings on screen (invalid settings: the defaults)."""
    from core.training.model import ModelConfig, parse_hidden
    from core.training.script import training_script
    from core.training.trainer import TrainConfig

    try:
        hidden = parse_hidden(hidden_text)
        model_config = ModelConfig(n_features=prepared.n_features, hidden=hidden, activation=activation,
                                   dropout=dropout)
        train_config = TrainConfig(epochs=int(epochs), batch_size=int(batch_size), lr=float(lr),
                                   optimizer=optimizer, seed=seed)
    except (ValueError, PlaygroundError):
        model_config, train_config = ModelConfig(n_features=prepared.n_features), TrainConfig(seed=seed)
    return training_script(source if source != "csv" else "csv", prepared.info["target"], model_config,
                           train_config, test_size=prepared.info["test_size"],
                           csv_path=prepared.info["name"] if source == "csv" else None)
