"""This session's training runs: the server's one pool (each session only ever sees its own runs), starting a run,
the run on show, and the heartbeats that tell the pool the tab is still open."""

import streamlit as st

from core.pool import RunState, TrainingPool
from core.training.run import Job
from core.training.trainer import config_dict
from dashboard.identity import owner

RUNS, CURRENT, SHOWN = "tr_runs", "tr_current", "tr_shown"  # session keys: what each run trained on; the run on show


@st.cache_resource(show_spinner=False)
def pool() -> TrainingPool:
    """One pool per server process, shared by every session; each session only ever sees its own runs."""
    return TrainingPool()  # $TORCH_PLAYGROUND_WORKERS and $TORCH_PLAYGROUND_WORKER_NICE, else its defaults


def heartbeat() -> None:
    pool().heartbeat(owner())


def has_active_runs() -> bool:
    return "owner" in st.session_state and any(r.active for r in pool().runs_of(owner()))


@st.fragment(run_every=5)
def keep_alive():
    """Tells the pool this session is still open while it has runs going, on whichever page it is."""
    if has_active_runs():
        heartbeat()


def start(prepared, model_config, train_config, settings: dict) -> str:
    """Queue a run of these configs on ``prepared`` for this session (its worker fits the baselines too); show it."""
    hidden = "-".join(map(str, model_config.hidden))
    label = f"#{len(mine()) + 1} {prepared.info['name']} lr={train_config.lr:g} {hidden}"
    run_id = pool().submit(Job(prepared, model_config, train_config, baselines=True), owner(), label, settings)
    st.session_state.setdefault(RUNS, {})[run_id] = {"prepared": prepared, "model_config": config_dict(model_config),
                                                     "train_config": config_dict(train_config)}
    st.session_state[CURRENT] = run_id
    return run_id


def current() -> RunState | None:
    """The run on show: the one this session started last."""
    run_id = st.session_state.get(CURRENT)
    return pool().get(run_id, owner()) if run_id else None


def trained_on(run: RunState) -> dict | None:
    """What ``run`` trained on: its prepared data and both configs (plain dicts), as the page started it."""
    return st.session_state.get(RUNS, {}).get(run.id)


def mine() -> list[RunState]:
    return pool().runs_of(owner())


def stop(run: RunState) -> None:
    pool().stop(run.id, owner())


def first_look_at_end(run: RunState) -> bool:
    """True once, when an ended run is first seen: the whole page is then drawn again, with its results."""
    if run.active or st.session_state.get(SHOWN) == run.id:
        return False
    st.session_state[SHOWN] = run.id
    return True
