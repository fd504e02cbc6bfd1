"""A ``TrainingPool`` runs training for many users of one server: worker processes (one torch thread each) behind an
``Engine`` (core/pool/engine.py), runs beyond them queued first-come first-served, each run's progress streamed back,
and a run stopped on request, when its owner goes silent (a closed browser tab), or when the pool shuts down. A
running run can be paused, stepped and resumed (core/training/transport.py); a paused one holds its worker for at
most ``pause_limit`` seconds without a step, then is stopped, keeping what it learned, so that a class's workers
cannot all sit paused while others wait.

Nothing here knows about Streamlit: the app holds one pool per server process and asks it about its own session's
runs only.
"""

import itertools
import os
import queue
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from core.errors import N_
from core.pool.engine import DEFAULT_NICE, Engine, ProcessEngine, WorkerDied
from core.training import events
from core.training.run import Job

ACTIVE = ("queued", "running")
QUIET_END = 3.0  # seconds a run may stay "running" after its worker is done with it, its last events still coming
PAUSE_LIMIT = 300.0  # seconds a paused run may hold its worker without a step ($TORCH_PLAYGROUND_PAUSE_LIMIT)


@dataclass
class RunState:
    """What the app knows about one run: a snapshot, safe to read while the run goes on."""

    id: str
    owner: str
    label: str
    settings: dict  # what the comparison table shows (plain values)
    state: str = "queued"  # queued → running → finished | stopped | error | abandoned
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    info: dict = field(default_factory=dict)  # the "begin" event: epochs, batches_per_epoch, n_train, device
    history: list = field(default_factory=list)  # one dict per finished epoch
    reports: list = field(default_factory=list)  # events.REPORT_FIELDS, every report_every batches
    network: dict | None = None  # the latest report's network view (core/training/probe.py), where the run watches
    network_history: list = field(default_factory=list)  # per report: step, epoch and each layer's figures
    result: object = None  # a portable TrainResult once finished or stopped
    baselines: list | None = None  # core.baselines rows on the run's split, when the job asked for them
    error: dict | None = None  # events.ERROR_FIELDS: message, template, code, params
    ahead: int = 0  # runs waiting before this one (while queued)
    paused: bool = False  # asked to pause (while running): the worker holds after its current step
    continues: str | None = None  # the id of the run this one continues, which it began with the history of
    tags: dict = field(default_factory=dict)  # the app's plain notes on the run (its preset), for ``on_change``

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def progress(self) -> float:
        """The share of the run's steps done by its last report, from 0 to 1."""
        total = (self.info.get("batches_per_epoch") or 0) * (self.info.get("epochs") or 0)
        return min(self.reports[-1]["step"] / total, 1.0) if self.reports and total else 0.0

    @property
    def seconds_left(self) -> float | None:
        """Training time still to go at the pace so far; None before the first report."""
        done = self.progress
        return self.reports[-1]["seconds"] * (1 - done) / done if done > 0 else None

    @property
    def samples_per_s(self) -> float | None:
        """Training rows per second in the last finished epoch."""
        return self.history[-1]["samples_per_s"] if self.history else None


WORKER_DIED = N_("The training process ended unexpectedly (it may have run out of memory). Try a smaller model or "
                 "data set.")
NO_RESULT = N_("The training process finished this run without reporting a result. Start it again.")
FAILURES = {"worker_died": WORKER_DIED, "no_result": NO_RESULT}  # a run's error code → its sentence


class TrainingPool:
    """Runs ``Job``s for many owners (browser sessions) on a fixed number of worker processes.

    ``workers`` defaults to $TORCH_PLAYGROUND_WORKERS, else the number of CPU cores. ``nice`` (default
    $TORCH_PLAYGROUND_WORKER_NICE, else 10) lowers the workers' CPU priority, so that a server whose cores are all
    training still answers its pages at once; training takes whatever CPU the pages leave. An owner whose last
    ``heartbeat`` is older than ``abandon_after`` seconds has its runs stopped (state "abandoned"); a run paused for
    ``pause_limit`` seconds (default $TORCH_PLAYGROUND_PAUSE_LIMIT, else 300) without a step is stopped, with
    ``info["released"]`` set. ``on_change``, when set, is called with a snapshot (without its curves) each time a
    run is queued, starts, restarts or ends, from a thread of its own (so a slow database never holds the pool).
    """

    def __init__(self, workers: int | None = None, abandon_after: float = 20.0, engine: Engine | None = None,
                 nice: int | None = None, pause_limit: float | None = None):
        address = os.environ.get("TORCH_PLAYGROUND_DASK")
        if engine is None and address:  # a Dask cluster's scheduler (issue 16): its worker threads run the runs
            from core.pool.dask_engine import DaskEngine

            engine = DaskEngine(address)
        workers = workers or getattr(engine, "workers", 0) or int(os.environ.get("TORCH_PLAYGROUND_WORKERS", 0)) \
            or os.cpu_count() or 1
        nice = int(os.environ.get("TORCH_PLAYGROUND_WORKER_NICE", DEFAULT_NICE)) if nice is None else nice
        self.engine = engine or ProcessEngine(workers, nice=nice)
        self.workers = workers
        self.abandon_after = abandon_after
        self.pause_limit = float(os.environ.get("TORCH_PLAYGROUND_PAUSE_LIMIT", PAUSE_LIMIT)) \
            if pause_limit is None else pause_limit
        self._paused: dict[str, float] = {}  # paused runs → when they last moved (paused, or stepped)
        self._carried: dict[str, tuple] = {}  # a continuation's earlier curves, to start again from on a restart
        self._runs: dict[str, RunState] = {}
        self._transports: dict[str, object] = {}
        self._jobs: dict[str, Job] = {}  # until started
        self._pending: deque[str] = deque()
        self._running: set[str] = set()
        self._heartbeats: dict[str, float] = {}
        self._quiet: dict[str, float] = {}  # runs whose worker is done but whose final event has not come (yet)
        self._lock = threading.RLock()
        self._closed = False
        self._counter = itertools.count(1)
        self.on_change = None
        self._changes: queue.SimpleQueue = queue.SimpleQueue()
        self._pump = threading.Thread(target=self._pump_events, name="training-pool", daemon=True)
        self._pump.start()
        threading.Thread(target=self._tell_changes, name="training-pool-changes", daemon=True).start()
        # At exit (Ctrl+C, a restart), stop the runs first: the executor's own exit hook waits for running jobs,
        # which kept a server from exiting until every run had finished. It is a hook of the same kind as the
        # executor's, run before it (these hooks run last registered, first called).
        if hasattr(threading, "_register_atexit"):
            threading._register_atexit(self.shutdown)

    # --- what the app calls ----------------------------------------------------------------------------------

    def submit(self, job: Job, owner: str, label: str = "", settings: dict | None = None,
               continues: str | None = None, tags: dict | None = None) -> str:
        """Queue a run for ``owner``; it starts as soon as a worker is free. Returns the run's id. ``continues``: the
        id of an ended run of the same owner that the job resumes; the new run starts with its curves."""
        run_id = f"{next(self._counter)}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            if self._closed:
                raise RuntimeError("the training pool is shut down")
            run = self._runs[run_id] = RunState(run_id, owner, label, dict(settings or {}), tags=dict(tags or {}))
            earlier = self._runs.get(continues)
            if earlier is not None and earlier.owner == owner:
                run.continues = continues
                self._carried[run_id] = (earlier.history, earlier.reports, earlier.network, earlier.network_history)
            self._start_curves(run)
            self._jobs[run_id] = job
            self._pending.append(run_id)
            self._heartbeats[owner] = time.monotonic()
            self._changed(run)
            self._dispatch()
        return run_id

    def get(self, run_id: str, owner: str) -> RunState | None:
        """A snapshot of one run, only for its owner."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.owner != owner:
                return None
            return self._snapshot(run)

    def runs_of(self, owner: str) -> list[RunState]:
        """Snapshots of every run of ``owner``, oldest first. Nobody else's."""
        with self._lock:
            return [self._snapshot(r) for r in self._runs.values() if r.owner == owner]

    def stop(self, run_id: str, owner: str, state: str = "stopped") -> None:
        """Stop a run: a queued one never starts; a running one ends within a report interval, keeping its weights."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.owner != owner or not run.active:
                return
            if run.state == "queued":
                self._pending.remove(run_id)
                self._jobs.pop(run_id, None)
                self._carried.pop(run_id, None)
                run.state, run.ended = state, time.time()
                self._changed(run)
            else:  # the worker ends it and reports "done" with what it learned; that event sets the state
                run.info["stop_requested"] = state
                self._transports[run_id].set()

    def pause(self, run_id: str, owner: str) -> None:
        """Hold a running run after its current step (it reports that step at once)."""
        with self._lock:
            run = self._running_of(run_id, owner)
            if run is not None and not run.paused:
                run.paused, self._paused[run_id] = True, time.monotonic()
                self._transports[run_id].pause()

    def resume(self, run_id: str, owner: str) -> None:
        with self._lock:
            run = self._running_of(run_id, owner)
            if run is not None and run.paused:
                run.paused = False
                self._paused.pop(run_id, None)
                self._transports[run_id].resume()

    def step(self, run_id: str, owner: str) -> None:
        """One step of a paused run, reported as soon as it is taken; the pause's time limit starts again."""
        with self._lock:
            run = self._running_of(run_id, owner)
            if run is not None and run.paused:
                self._paused[run_id] = time.monotonic()
                self._transports[run_id].step()

    def _start_curves(self, run: RunState):
        """A run's curves as it begins: empty, or a continuation's earlier run's."""
        history, reports, network, network_history = self._carried.get(run.id, ([], [], None, []))
        run.history, run.reports, run.network, run.network_history = \
            list(history), list(reports), network, list(network_history)

    def _running_of(self, run_id: str, owner: str) -> RunState | None:
        run = self._runs.get(run_id)
        ok = run is not None and run.owner == owner and run.state == "running" and run_id in self._transports
        return run if ok else None

    def stop_owner(self, owner: str, state: str = "stopped") -> None:
        with self._lock:
            for run in list(self._runs.values()):
                if run.owner == owner and run.active:
                    self.stop(run.id, owner, state)

    def forget(self, run_id: str, owner: str) -> None:
        """Drop a finished run from memory (its owner cleared it)."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None and run.owner == owner and not run.active:
                del self._runs[run_id]

    def heartbeat(self, owner: str) -> None:
        """The owner's page is still open. Pages call it on every rerun and on a timer while runs are active."""
        self._heartbeats[owner] = time.monotonic()

    def load(self) -> dict:
        with self._lock:
            return {"workers": self.workers, "running": len(self._running), "queued": len(self._pending)}

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            for run_id in list(self._running):
                self._transports[run_id].set()
        self.engine.shutdown()

    # --- inside ----------------------------------------------------------------------------------------------

    def _snapshot(self, run: RunState) -> RunState:
        ahead = list(self._pending).index(run.id) if run.state == "queued" else 0
        return replace(run, history=list(run.history), reports=list(run.reports), info=dict(run.info), ahead=ahead,
                       network_history=list(run.network_history))

    def _dispatch(self):
        while self._pending and len(self._running) < self.workers and not self._closed:
            run_id = self._pending.popleft()
            run = self._runs[run_id]
            self._running.add(run_id)
            run.state, run.started = "running", time.time()
            self._changed(run)
            future, self._transports[run_id] = self.engine.start(run_id, self._jobs.pop(run_id))
            future.add_done_callback(lambda f, run_id=run_id: self._finished(run_id, f))

    def _finished(self, run_id: str, future: Future):
        """The worker is done with the run (normally after its last event, or because the process died)."""
        error = future.exception() if not future.cancelled() else None
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None and run.active:
                if error is not None:  # WorkerDied, or an engine's own failure: the run cannot report any more
                    self._fail(run, "worker_died" if isinstance(error, WorkerDied) else "no_result")
                else:  # its final event is on its way (the pump applies it), or it never comes: the watchdog waits
                    self._quiet[run_id] = time.monotonic()
            self._release(run_id)

    def _fail(self, run: RunState, code: str):
        run.state, run.ended = "error", time.time()
        run.error = events.payload(events.error(FAILURES[code], code=code, template=FAILURES[code]))
        self._changed(run)

    def _changed(self, run: RunState):
        if self.on_change is not None:
            self._changes.put(replace(run, history=[], reports=[], network=None, network_history=[],
                                      info=dict(run.info)))

    def _tell_changes(self):
        while True:
            run = self._changes.get()
            try:
                self.on_change(run)
            except Exception as err:  # noqa: BLE001 - a database down must not stop the pool; the next change retries
                print(f"training pool: recording run {run.id} failed: {err!r}", flush=True)

    def _watch(self):
        """A run whose worker is done with it and that still has no final event after QUIET_END seconds gets an
        error, rather than staying "running" for ever; a run paused longer than ``pause_limit`` without a step is
        stopped, its worker freed for others."""
        now = time.monotonic()
        with self._lock:
            for run_id, since in list(self._paused.items()):
                run = self._runs.get(run_id)
                if run is None or not run.paused:
                    del self._paused[run_id]
                elif now - since > self.pause_limit:
                    run.info["released"] = True
                    del self._paused[run_id]
                    self.stop(run_id, run.owner)
            for run_id, since in list(self._quiet.items()):
                run = self._runs.get(run_id)
                if run is None or not run.active:
                    del self._quiet[run_id]
                elif now - since > QUIET_END:
                    self._fail(run, "no_result")
                    del self._quiet[run_id]

    def _release(self, run_id: str):
        with self._lock:
            self._running.discard(run_id)
            self._transports.pop(run_id, None)
            self._paused.pop(run_id, None)
            self._carried.pop(run_id, None)
            self._dispatch()

    def _apply(self, run_id: str, event: dict):
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:
                return
            kind = event["event"]
            if kind == events.BEGIN:
                if "epochs" in run.info:  # it began before: a cluster lost its worker and runs it again (seeded)
                    run.info["restarts"] = run.info.get("restarts", 0) + 1
                    self._start_curves(run)
                    self._changed(run)
                run.info.update(events.payload(event))
            elif kind == events.REPORT:
                run.reports.append({k: event[k] for k in (*events.REPORT_FIELDS, "members") if k in event})
                if "network" in event:  # the matrices only in the latest; the figures over time for the charts
                    run.network = event["network"]
                    run.network_history.append(events.network_figures(event))
            elif kind == events.EPOCH:
                run.history.append(events.payload(event))
            elif kind == events.DONE:
                run.result, run.baselines, run.paused = event["result"], event.get("baselines"), False
                asked = run.info.get("stop_requested")
                run.state = asked or ("finished" if event["result"].status == "finished" else "stopped")
                run.ended = time.time()
                self._changed(run)
            elif kind == events.ERROR:
                run.state, run.ended = "error", time.time()
                run.error = {k: event.get(k) for k in events.ERROR_FIELDS}
                self._changed(run)

    def _reap_abandoned(self):
        now = time.monotonic()
        with self._lock:
            owners = {r.owner for r in self._runs.values() if r.active}
            for owner in owners:
                if now - self._heartbeats.get(owner, now) > self.abandon_after:
                    self.stop_owner(owner, "abandoned")

    def _pump_events(self):
        last_reap = time.monotonic()
        while not self._closed:
            try:
                run_id, event = self.engine.events.get(timeout=0.2)
                self._apply(run_id, event)
            except queue.Empty:
                pass
            except (EOFError, OSError, ValueError):  # the queue was closed: shutting down
                return
            if time.monotonic() - last_reap > 1.0:
                self._reap_abandoned()
                self._watch()
                last_reap = time.monotonic()
