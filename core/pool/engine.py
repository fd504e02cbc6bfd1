"""Where training runs execute: the ``Engine`` interface the pool reaches its workers through, and ``ProcessEngine``,
spawned worker processes, niced, that end with their server, each on a pipe of its own.

Processes, because training threads inside one Python process fight over the GIL and stall every page of the server
(docs/performance.md). A distributed engine can serve the same pool later through the same two methods.

Why not ``ProcessPoolExecutor``: its workers share one call queue and (here) one events queue, and one worker killed
at the wrong instant (the kernel's OOM killer, ``kill -9``) breaks the whole executor, ending every running run, and
can leave a shared queue's lock held for good, so that no later run reported anything until the server restarted
(issue 13). Here every worker has its own pipe and its own stop flag: a dead worker ends only its own run, within the
moment its process is gone, and a warm spare takes the next run while a replacement starts.
"""

import multiprocessing as mp
import os
import queue
import threading
import time
from concurrent.futures import Future
from multiprocessing.connection import wait

from core.isolate import bare_main
from core.training.run import Job, execute
from core.training.transport import Transport

DEFAULT_NICE = 10  # workers' niceness: the server's page work (nice 0) comes first


class Engine:
    """Where runs execute: the pool's only way to reach its workers.

    ``start`` runs a job somewhere and returns ``(future, transport)``: the Future completes when that worker is
    done with the run, and the ``Transport`` (core/training/transport.py) stops (``set()``), pauses, resumes and
    steps it. Runs report through ``events``, a queue of ``(run_id, event)`` pairs.
    """

    events: queue.Queue

    def start(self, run_id: str, job: Job):
        raise NotImplementedError

    def shutdown(self):
        pass


class WorkerDied(RuntimeError):
    """The process running a run ended before the run did (killed, out of memory)."""


def _worker_main(conn, cells, nice: int, server: int):
    """A worker process: set up, say "ready", then run one job at a time from the pipe, reporting on it, until the
    pipe closes or says None."""
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)  # training yields the cores to the server's page work: reruns stay quick while a class trains
    # The server's pid comes from the server: a worker still starting (importing torch takes seconds) when its server
    # is killed would read its new parent (init) here, and watch that forever.
    threading.Thread(target=_exit_with_parent, args=(server,), name="parent-watch", daemon=True).start()
    import core.training.trainer  # noqa: F401  (torch and core imported now, so the first run starts at once)

    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe: nothing more to do
            return
        if message is None:
            return
        run_id, number, job = message
        execute(job, lambda event, run_id=run_id: conn.send(("event", (run_id, event))), Transport(cells, number))
        conn.send(("done", run_id))


def _exit_with_parent(parent: int, every: float = 0.5):
    """End this worker once the server that started it is gone (killed, crashed): otherwise it would train on for
    nobody, and idle ones would wait forever, each holding a few hundred MiB."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


class _Worker:
    """One worker process, its end of their pipe, its transport's cells, and the job it runs (None while idle)."""

    def __init__(self, ctx, nice: int):
        self.conn, child = ctx.Pipe(duplex=True)
        self.cells = ctx.RawArray("q", 3)  # no lock: a process killed while touching it cannot leave it held
        self.process = ctx.Process(target=_worker_main, args=(child, self.cells, nice, os.getpid()),
                                   name="training-worker", daemon=True)
        with bare_main():
            self.process.start()
        child.close()  # the worker's end lives in the worker only: its death closes the pipe
        self.sending = threading.Lock()
        self.ready = False  # set when the worker says so (torch imported)
        self.job: tuple[str, Future] | None = None


class ProcessEngine(Engine):
    """``workers`` processes that run jobs, plus ``spare`` idle ones, already started, that take over at once when
    one dies (each costs an idle torch process's memory, a few hundred MiB). Runs report on each worker's own pipe;
    a thread per worker forwards them to ``events``, a plain in-process queue."""

    def __init__(self, workers: int, context: str = "spawn", nice: int = 0, spare: int | None = None):
        self.workers = workers
        self.spare = int(os.environ.get("TORCH_PLAYGROUND_SPARE_WORKERS", 1)) if spare is None else spare
        self.nice = nice
        self.ctx = mp.get_context(context)
        self.events = queue.Queue()
        self.lock = threading.Lock()
        self.closed = False
        self.numbers = iter(range(1, 2**62))
        self.replaced = 0  # workers started again after one died
        self.all: list[_Worker] = []
        for _ in range(workers + self.spare):
            self._add()

    def _add(self) -> _Worker:
        worker = _Worker(self.ctx, self.nice)
        with self.lock:
            self.all.append(worker)
        threading.Thread(target=self._serve, args=(worker,), name="training-worker-pipe", daemon=True).start()
        return worker

    def pids(self) -> list[int]:
        with self.lock:
            return [w.process.pid for w in self.all]

    def pid_of(self, run_id: str) -> int | None:
        """The process running ``run_id`` now (for operators and fault tests), or None."""
        with self.lock:
            return next((w.process.pid for w in self.all if w.job and w.job[0] == run_id), None)

    def start(self, run_id: str, job: Job):
        future = Future()
        with self.lock:
            if self.closed:
                raise RuntimeError("the engine is shut down")
            idle = [w for w in self.all if w.job is None]
            if not idle:
                raise RuntimeError("no idle worker: the pool runs at most `workers` runs at once")
            worker = max(idle, key=lambda w: w.ready)  # a started one first: the spare, not a worker still starting
            number = next(self.numbers)
            worker.job = (run_id, future)
        future.set_running_or_notify_cancel()
        # The job may be large (a data set's arrays) and the worker may still be importing torch: the send can
        # take a while, and must not hold up the caller (the pool holds its lock while it dispatches).
        threading.Thread(target=self._send, args=(worker, (run_id, number, job)), daemon=True).start()
        return future, Transport(worker.cells, number)

    def _send(self, worker: _Worker, message):
        with worker.sending:  # one message at a time on the pipe: two threads' bytes must not interleave
            try:
                worker.conn.send(message)
            except (OSError, ValueError):  # the worker died first: its thread reports that
                pass

    def _serve(self, worker: _Worker):
        """Forward the worker's reports until it ends; if it ends with a run unfinished, fail that run's future and
        start another worker in its place."""
        conn, sentinel = worker.conn, worker.process.sentinel
        while True:
            ready = wait([conn, sentinel], timeout=1.0)
            if not ready:
                continue
            try:
                if conn not in ready and not conn.poll():
                    break  # the process is gone, and what it sent before it died has all been read
                kind, body = conn.recv()
            except (EOFError, OSError):  # the pipe closed, mid-message or not: the worker is gone
                break
            self._handle(worker, kind, body)
        worker.process.join(timeout=5)
        with self.lock:
            if worker in self.all:
                self.all.remove(worker)
            job, worker.job = worker.job, None
            closed = self.closed
        conn.close()
        if job is not None:
            job[1].set_exception(WorkerDied(f"the worker process ended (exit code {worker.process.exitcode})"))
        if not closed:
            self.replaced += 1
            self._add()

    def _handle(self, worker: _Worker, kind: str, body):
        if kind == "ready":
            worker.ready = True
        elif kind == "event":
            self.events.put(body)
        elif kind == "done":
            with self.lock:
                job, worker.job = worker.job, None
            if job is not None:
                job[1].set_result(None)

    def shutdown(self):
        """Close every worker's pipe: idle ones exit at once, busy ones after their (stopped) run's last report."""
        with self.lock:
            self.closed = True
            workers = list(self.all)
        for worker in workers:  # read after the job the worker runs, if any: one pipe, in order
            threading.Thread(target=self._send, args=(worker, None), daemon=True).start()
