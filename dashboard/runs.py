"""This browser's training runs: the server's one pool (each browser only ever sees its own runs), starting a run,
the run on show, and the heartbeats that tell the pool a tab of it is still open.

Runs belong to the browser, like its checkpoints (``identity.browser``): a reload, or a second tab, shows the same
runs, and closing every tab of that browser for the pool's ``abandon_after`` (20 s) still stops them. What a run
trained on (its prepared data and configs) is kept beside the pool, in the server's memory, for the runs the pool
still holds.
"""

import os
import threading
import time

import streamlit as st

from core.classroom import Recorder, last_runs, replica_name
from core.pool import RunState, TrainingPool
from core.store import Store
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig, config_dict
from dashboard import presets_panel
from dashboard.i18n import _
from dashboard.identity import browser

CURRENT, SHOWN = "tr_current", "tr_shown"  # session keys: the run on show; the ended run last drawn in full
KEEP_DATA = 10  # runs per browser whose prepared data stay in the server's memory (results, save, download)


@st.cache_resource(show_spinner=False)
def pool() -> TrainingPool:
    """One pool per server process, shared by every session; each session only ever sees its own runs. Every run's
    state goes to the shared store too (the class's counts and leaderboard, a browser's runs across replicas)."""
    training = TrainingPool()  # $TORCH_PLAYGROUND_WORKERS and $TORCH_PLAYGROUND_WORKER_NICE, else its defaults
    training.on_change = Recorder(replica())
    return training


def replica() -> str:
    """This server's name among a class's replicas ($TORCH_PLAYGROUND_REPLICA, else host:port)."""
    return replica_name(os.environ, st.get_option("server.port"))


@st.cache_resource(show_spinner=False)
def _trained_on() -> tuple[dict, threading.Lock]:
    """(run id → (browser, what it trained on)) for the server process, and the lock every session takes to use it."""
    return {}, threading.Lock()


def heartbeat() -> None:
    pool().heartbeat(browser())


def has_active_runs() -> bool:
    return any(r.active for r in pool().runs_of(browser()))


@st.fragment(run_every=5)
def keep_alive():
    """Tells the pool this session is still open while it has runs going, on whichever page it is."""
    if has_active_runs():
        heartbeat()


def start(prepared, model_config, train_config, settings: dict) -> str:
    """Queue a run of these configs on ``prepared`` for this session (its worker fits the baselines too); show it."""
    hidden = "-".join(map(str, model_config.hidden))
    label = f"#{len(mine()) + 1} {prepared.info['name']} lr={train_config.lr:g} {hidden}"
    return _submit(Job(prepared, model_config, train_config, baselines=True), label, settings)


def continue_run(run: RunState, used: dict, more: int) -> str:
    """Queue ``run`` trained on for ``more`` epochs from where it ended (its weights, optimizer state and shuffles
    carry on), as a new run that begins with its curves; ``run`` itself stays as it is. Show the new one."""
    model_config = ModelConfig(**used["model_config"])
    train_config = TrainConfig(**used["train_config"] | {"epochs": len(run.result.history) + more})
    job = Job(used["prepared"], model_config, train_config, baselines=True, resume=run.result)
    label = f"#{len(mine()) + 1} ← {run.label.split()[0]} +{more}"
    return _submit(job, label, run.settings | {"epochs": train_config.epochs}, continues=run.id)


def _submit(job: Job, label: str, settings: dict, continues: str | None = None) -> str:
    me, prepared, model_config, train_config = browser(), job.prepared, job.model_config, job.train_config
    preset = presets_panel.active()  # the instructor preset the page opened: its leaderboard counts the run
    tags = {"db": Store.shared().url} | ({"preset": preset.name} if preset else {})
    run_id = pool().submit(job, me, label, settings, continues=continues, tags=tags)
    store, lock = _trained_on()
    with lock:
        held = [r.id for r in pool().runs_of(me)]  # oldest first
        kept = set(held[-KEEP_DATA:])  # the latest runs' data: older ones keep their curves, not their results
        for gone in [i for i, (whose, _used) in store.items() if whose == me and i not in kept]:
            del store[gone]
        store[run_id] = (me, {"prepared": prepared, "model_config": config_dict(model_config),
                              "train_config": config_dict(train_config)})
    st.session_state[CURRENT] = run_id
    return run_id


def current() -> RunState | None:
    """The run on show: the one this tab started or chose last; after a reload, the browser's latest run."""
    run_id = st.session_state.get(CURRENT)
    run = pool().get(run_id, browser()) if run_id else None
    if run is None:
        runs = mine()
        run = runs[-1] if runs else None
    return run


def trained_on(run: RunState) -> dict | None:
    """What ``run`` trained on: its prepared data and both configs (plain dicts), as the page started it."""
    store, lock = _trained_on()
    with lock:
        whose, used = store.get(run.id, (None, None))
    return used if whose == browser() else None


def mine() -> list[RunState]:
    return pool().runs_of(browser())


def stop(run: RunState) -> None:
    pool().stop(run.id, browser())


def pause(run: RunState) -> None:
    pool().pause(run.id, browser())


def resume(run: RunState) -> None:
    pool().resume(run.id, browser())


def step(run: RunState) -> None:
    pool().step(run.id, browser())


def first_look_at_end(run: RunState) -> bool:
    """True once, when an ended run is first seen: the whole page is then drawn again, with its results."""
    if run.active or st.session_state.get(SHOWN) == run.id:
        return False
    st.session_state[SHOWN] = run.id
    return True


def _last_runs():
    """core.classroom.last_runs for this browser, read at most every 30 s per session (it changes when this browser
    starts a run, after which this page has runs of its own)."""
    held = st.session_state.get("_last_runs")
    if held is None or time.monotonic() - held[1] > 30:
        held = st.session_state["_last_runs"] = (last_runs(Store.shared(), browser()), time.monotonic())
    return held[0]


def moved_notice() -> None:
    """Where this browser has no runs here but its latest ran on another replica, or died with this server's
    restart: say so. A class's load balancer keeps each browser on one replica (deploy/nginx.conf's hash); a page
    that lands on another (that replica stopped, or the replicas changed) would otherwise find its runs silently
    gone."""
    if mine() or (latest := _last_runs()) is None:
        return
    there, runs = latest
    labels = [label for label, _state in runs]
    if there == replica():
        lost = [label for label, state in runs if state == "lost"]
        if lost:
            st.warning(_("Your runs {runs} ended when this server restarted, before they could finish. Checkpoints "
                         "you saved are kept; start the runs again to see them here.", runs=", ".join(lost[-5:])),
                       icon=":material/restart_alt:")
    else:
        st.warning(_("This page is served by another of the class's servers ({here}) than the one your runs ran on "
                     "({there}): {runs}. That server stopped, or the class's servers changed, so those runs cannot "
                     "be shown or controlled from here. Checkpoints you saved are kept (the Predict page lists "
                     "them). Reload the page to reach {there} again; if this message comes back, start your runs "
                     "again here.", here=replica(), there=there, runs=", ".join(labels[-5:])),
                   icon=":material/swap_horiz:")
