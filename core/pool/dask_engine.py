"""A Dask cluster behind the pool (issue 16): ``DaskEngine`` runs each job as a task on a ``dask.distributed``
worker, so a class can train on several machines while the pool, its queue and its owners stay as they are.

Chosen with ``$TORCH_PLAYGROUND_DASK`` (the scheduler's address, e.g. ``tcp://10.0.0.5:8786``); without it the pool
uses its own worker processes (core/pool/engine.py). Why Dask: no broker to run, a 2-worker cluster starts in about
3 s with some 160 MiB resident, and its ``Queue`` and ``Variable`` carry what the pipes and shared memory carry for
the local engine (issue 16's measurements). It cannot interrupt a running task (dask/distributed#4694); the trainer
stops itself, cooperatively, as it does for the local engine.

Per run: a ``Queue`` that the worker's task puts the run's events on (from a thread of its own, so that the trainer
never waits for the network) and that a thread here forwards to ``events``; and a ``Variable`` holding the run's
transport cells (stop, pause, steps granted: core/training/transport.py), which the pool writes and a thread in the
task copies into the trainer's own cells every ``POLL`` seconds: a stop or a pause reaches the run within that
(0.05 s) plus one step. A worker lost mid-run: Dask runs the task again on another worker; its events begin again
(the run is seeded, so it learns the same), and the pool starts the run's curves again (``info["restarts"]``).
A run that asks for CUDA needs a worker started with ``--resources GPU=1``.
"""

import pickle
import queue
import threading
import time
import uuid
from concurrent.futures import Future

from core import cluster_task
from core.pool.engine import Engine, WorkerDied
from core.training.run import Job
from core.training.transport import Transport

POLL = cluster_task.POLL


class _RemoteCells:
    """The pool's side of a run's transport cells: a list kept here, mirrored to the run's ``Variable`` by the
    engine's sender thread (``outbox``): the pool writes them under its lock, which must never wait on a network."""

    def __init__(self, variable, outbox: queue.SimpleQueue):
        self.variable, self.values, self.outbox = variable, [0, 0, 0], outbox
        outbox.put((variable, list(self.values)))

    def __getitem__(self, i):
        return self.values[i]

    def __setitem__(self, i, value):
        self.values[i] = value
        self.outbox.put((self.variable, list(self.values)))


class DaskEngine(Engine):
    """Runs jobs as tasks on the Dask cluster at ``address`` (or on ``client``'s). ``workers`` is the cluster's
    number of worker threads when it was connected to: what the pool runs at once."""

    def __init__(self, address: str | None = None, client=None):
        from distributed import Client

        self.client = client or Client(address, timeout=30)
        self.owns_client = client is None
        self.events = queue.Queue()
        self.workers = max(sum(self.client.nthreads().values()), 1)
        self.closed = False
        self._tasks: dict[str, object] = {}  # run id → its Dask future (for operators and fault tests)
        self._outbox = queue.SimpleQueue()  # (Variable, cells) to set, in order
        self._sender = threading.Thread(target=self._send_cells, daemon=True, name="dask-run-controls")
        self._sender.start()

    def _send_cells(self):
        while (item := self._outbox.get()) is not None:
            variable, values = item
            try:
                variable.set(values)
            except Exception:  # the scheduler gone: the run's task cannot read it either
                pass

    def start(self, run_id: str, job: Job):
        from distributed import Queue, Variable

        if self.closed:
            raise RuntimeError("the engine is shut down")
        names = (f"torch-playground-events-{run_id}-{uuid.uuid4().hex[:6]}", f"torch-playground-control-{run_id}")
        events, control = Queue(names[0], client=self.client), Variable(names[1], client=self.client)
        cells = _RemoteCells(control, self._outbox)
        resources = {"GPU": 1} if job.train_config.device == "cuda" else None
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)  # opened on the worker (core/cluster_task.py)
        task = self.client.submit(cluster_task.run, run_id, payload, names, key=f"train-{run_id}", pure=False,
                                  resources=resources)
        self._tasks[run_id] = task
        future = Future()
        future.set_running_or_notify_cancel()
        threading.Thread(target=self._forward, args=(run_id, task, events, control, future), daemon=True,
                         name="dask-run-events").start()
        return future, Transport(cells, 1)

    def _forward(self, run_id, task, events, control, future: Future):
        """Forward the run's events until its task is done and its queue empty; then complete ``future``."""
        while True:
            finished = task.done()
            try:
                batch = events.get(timeout=0.2, batch=True) if not finished else events.get(batch=True)
            except Exception:  # the queue or the scheduler is gone
                batch = []
            for event in batch:
                self.events.put((run_id, pickle.loads(event)))  # pickled by the run's task (core/cluster_task.py)
            if finished and not batch:
                break
            if not batch:
                time.sleep(0.05)
        self._tasks.pop(run_id, None)
        error = task.exception() if task.status == "error" else None
        for thing in (events, control):
            try:
                thing.close() if hasattr(thing, "close") else thing.delete()
            except Exception:
                pass
        if error is not None or task.status == "cancelled":
            future.set_exception(WorkerDied(f"the cluster could not finish the run ({error or 'cancelled'})"))
        else:
            future.set_result(None)

    def shutdown(self):
        self.closed = True
        self._outbox.put(None)  # after the stops the pool has just asked for, which go out first
        self._sender.join(timeout=5)
        if self.owns_client:
            try:
                self.client.close()
            except Exception:
                pass
