"""A class across replicas (issue 16): every run any replica's pool runs, recorded in the shared store as its state
changes; a leaderboard per instructor preset, which students join with a nickname (opt-in); what the instructor sees
(runs queued, running and ended, and the spread of the students' best figures, with no names); and which replica
last ran a browser's runs, so a page that lands on another one can say so.

Nothing here knows about Streamlit. A run's figure is its final model's: the validation figure where the run kept a
validation split (what early stopping watched), else the test figure the results show.
"""

import math
import re
import socket
import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import N_, ConfigError
from core.store import ENTRANTS, RUNS, Store

ENDED = ("finished", "stopped", "abandoned")  # ended runs that have a result: they can score
# a run's figure → (lower is better, its name on the page)
METRICS = {"val_rmse": (True, N_("Validation RMSE")), "test_mae": (True, N_("Test MAE")),
           "val_log_loss": (True, N_("Validation log loss")), "test_accuracy": (False, N_("Test accuracy"))}
MAX_NICKNAME = 24
ENV_REPLICA = "TORCH_PLAYGROUND_REPLICA"


def replica_name(environ: dict, port: int | None) -> str:
    """This server's name among the replicas: $TORCH_PLAYGROUND_REPLICA, else host:port."""
    return environ.get(ENV_REPLICA) or f"{socket.gethostname()}:{port or 8501}"


def score(metrics: dict | None) -> tuple[str, float] | None:
    """The leaderboard figure of a run's final metrics: (metric, value), or None where it has none (finite)."""
    metrics = metrics or {}
    classifier = "test_accuracy" in metrics
    for key in (("val_log_loss", "test_accuracy") if classifier else ("val_rmse", "test_mae")):
        value = metrics.get(key)
        if isinstance(value, (int, float)) and math.isfinite(value):
            return key, float(value)
    return None


class Recorder:
    """The pool's ``on_change``: writes each run's state (and, once it ended, its figure) under this replica's name
    to the store its page used (``run.tags["db"]``, a URL; else the default). Runs this replica recorded as queued or
    running before it last started are marked lost: they died with that process."""

    def __init__(self, replica: str, store: Store | None = None):
        self.replica = replica
        with (store or Store.shared()).engine.begin() as db:
            db.execute(update(RUNS).where(RUNS.c.replica == replica, RUNS.c.state.in_(("queued", "running")))
                       .values(state="lost"))  # when they were last heard of stays

    def __call__(self, run) -> None:
        store = Store.shared(run.tags.get("db"))
        figure = score(getattr(run.result, "metrics", None)) if run.state in ENDED else None
        row = {"replica": self.replica, "browser": run.owner, "preset": run.tags.get("preset"),
               "label": run.label[:200], "state": run.state, "metric": figure and figure[0],
               "value": figure and figure[1], "updated": time.time()}
        key = f"{self.replica}/{run.id}"
        with store.engine.begin() as db:
            if db.execute(update(RUNS).where(RUNS.c.id == key).values(**row)).rowcount == 0:
                db.execute(insert(RUNS).values(id=key, **row))


def nickname(name: str) -> str:
    """A nickname as the board shows it: spaces collapsed, no control characters, 1 to MAX_NICKNAME characters."""
    cleaned = re.sub(r"\s+", " ", "".join(c for c in str(name or "") if c.isprintable())).strip()
    if not cleaned or len(cleaned) > MAX_NICKNAME:
        raise ConfigError(N_("A nickname has 1 to {n} characters."), code="nickname", n=MAX_NICKNAME)
    return cleaned


def join(store: Store, preset: str, browser: str, name: str) -> str:
    """Put ``browser`` on ``preset``'s leaderboard as ``name`` (or rename it); returns the nickname as shown."""
    name = nickname(name)
    taken = ConfigError(N_("Someone in this class is already called {name!r}: choose another nickname."),
                        code="nickname_taken", name=name)
    row = {"nickname": name, "key": name.casefold(), "joined": time.time()}
    try:
        with store.engine.begin() as db:
            whose = db.execute(select(ENTRANTS.c.browser).where(ENTRANTS.c.preset == preset,
                                                                 ENTRANTS.c.key == row["key"])).scalar()
            if whose not in (None, browser):
                raise taken
            mine = and_(ENTRANTS.c.preset == preset, ENTRANTS.c.browser == browser)
            if db.execute(update(ENTRANTS).where(mine).values(**row)).rowcount == 0:
                db.execute(insert(ENTRANTS).values(preset=preset, browser=browser, **row))
    except IntegrityError as err:  # another replica took the name between the look and the write
        raise taken from err
    return name


def leave(store: Store, preset: str, browser: str) -> None:
    with store.engine.begin() as db:
        db.execute(delete(ENTRANTS).where(ENTRANTS.c.preset == preset, ENTRANTS.c.browser == browser))


def joined_as(store: Store, preset: str, browser: str) -> str | None:
    with store.engine.connect() as db:
        return db.execute(select(ENTRANTS.c.nickname).where(ENTRANTS.c.preset == preset,
                                                            ENTRANTS.c.browser == browser)).scalar()


@dataclass(frozen=True)
class Entry:
    rank: int
    nickname: str
    value: float
    runs: int  # the entrant's scored runs on this preset
    mine: bool


@dataclass(frozen=True)
class Board:
    metric: str | None  # the figure the board ranks by: the one most of the preset's scored runs have
    entries: list  # Entry, best first: only browsers that joined
    others: int  # joined browsers whose runs scored on another figure (validation on where the board's is off, ...)


def _lower_is_better(metric: str | None) -> bool:
    return METRICS.get(metric, (True,))[0]


def _best(store: Store, preset: str) -> tuple[str | None, dict, dict]:
    """(the board's metric, browser → its best value, browser → its scored runs) over the preset's ended runs."""
    with store.engine.connect() as db:
        counts = db.execute(select(RUNS.c.metric, func.count()).where(RUNS.c.preset == preset,
                                                                      RUNS.c.metric.is_not(None))
                            .group_by(RUNS.c.metric)).all()
        if not counts:
            return None, {}, {}
        metric = max(counts, key=lambda c: (c[1], c[0]))[0]
        best = (func.min if _lower_is_better(metric) else func.max)(RUNS.c.value)
        rows = db.execute(select(RUNS.c.browser, best, func.count()).where(RUNS.c.preset == preset,
                                                                           RUNS.c.metric == metric)
                          .group_by(RUNS.c.browser)).all()
    return metric, {b: v for b, v, _n in rows}, {b: n for b, _v, n in rows}


def board(store: Store, preset: str, browser: str | None = None) -> Board:
    """``preset``'s leaderboard: each joined browser's best figure, best first (ties: who joined first)."""
    metric, best, runs = _best(store, preset)
    with store.engine.connect() as db:
        entrants = db.execute(select(ENTRANTS.c.browser, ENTRANTS.c.nickname).where(ENTRANTS.c.preset == preset)
                              .order_by(ENTRANTS.c.joined)).all()
        scored_elsewhere = db.execute(select(func.count(func.distinct(RUNS.c.browser))).where(
            RUNS.c.preset == preset, RUNS.c.metric.is_not(None), RUNS.c.metric != metric,
            RUNS.c.browser.in_([b for b, _ in entrants if b not in best]))).scalar() if metric else 0
    lower = _lower_is_better(metric)
    ranked = sorted((e for e in entrants if e[0] in best), key=lambda e: best[e[0]] if lower else -best[e[0]])
    entries = [Entry(i + 1, name, best[b], runs[b], b == browser) for i, (b, name) in enumerate(ranked)]
    return Board(metric, entries, scored_elsewhere or 0)


@dataclass(frozen=True)
class ClassView:
    """What a preset's owner sees: how many runs are in each state, and the spread of every student's best figure
    (joined or not, with no names)."""

    states: dict  # state → runs, across every replica
    metric: str | None
    students: int  # browsers with a scored run
    quantiles: tuple | None  # (best, 25 %, median, 75 %, worst) of the students' best figures
    values: list  # the students' best figures, sorted best first (for the chart; no names)


def class_view(store: Store, preset: str) -> ClassView:
    with store.engine.connect() as db:
        states = dict(db.execute(select(RUNS.c.state, func.count()).where(RUNS.c.preset == preset)
                                 .group_by(RUNS.c.state)).all())
    metric, best, _runs = _best(store, preset)
    lower = _lower_is_better(metric)
    values = sorted(best.values(), reverse=not lower)
    quantiles = None
    if values:
        q = np.percentile(values, [0, 25, 50, 75, 100])
        quantiles = tuple(float(x) for x in (q if lower else q[::-1]))
    return ClassView(states, metric, len(values), quantiles, values)


def last_runs(store: Store, browser: str) -> tuple[str, list] | None:
    """Where ``browser``'s latest recorded run ran: (that replica, [(label, state)] of the browser's runs there,
    oldest first); None when it has none. A browser's requests all reach one replica while the load balancer's
    affinity holds: a page whose browser ran elsewhere last was moved, and runs marked lost died with a restart."""
    with store.engine.connect() as db:
        latest = db.execute(select(RUNS.c.replica).where(RUNS.c.browser == browser)
                            .order_by(RUNS.c.updated.desc()).limit(1)).scalar()
        if latest is None:
            return None
        rows = db.execute(select(RUNS.c.label, RUNS.c.state).where(RUNS.c.browser == browser,
                                                                  RUNS.c.replica == latest)
                          .order_by(RUNS.c.updated)).all()
    return latest, [tuple(r) for r in rows]
