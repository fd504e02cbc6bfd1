"""Where training runs execute: the ``Engine`` interface the pool reaches its workers through, and ``ProcessEngine``,
the standard library's ``ProcessPoolExecutor`` over spawned processes, niced, that end with their server.

Processes, because training threads inside one Python process fight over the GIL and stall every page of the server
(docs/performance.md). A distributed engine can serve the same pool later through the same two methods.
"""

import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from core.training.run import Job, execute

DEFAULT_NICE = 10  # workers' niceness: the server's page work (nice 0) comes first


class Engine:
    """Where runs execute: the pool's only way to reach its workers.

    ``start`` runs a job somewhere and returns ``(future, stop)``: the Future completes when that worker is done
    with the run, and ``stop.set()`` asks the run to end. Runs report through ``events``, a queue of
    ``(run_id, event)`` pairs.
    """

    events: queue.Queue

    def start(self, run_id: str, job: Job):
        raise NotImplementedError

    def shutdown(self):
        pass


# In each worker process: the queue its runs report to, and the shared stop flags (set by _init_worker).
_EVENTS = None
_STOPS = None


def _init_worker(events, stops, nice: int, server: int):
    global _EVENTS, _STOPS
    _EVENTS, _STOPS = events, stops
    # A worker exits only when the pool shuts down, when nobody reads events any more: its exit must not wait to
    # flush them into a full pipe (that hung the server's exit).
    events.cancel_join_thread()
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)  # training yields the cores to the server's page work: reruns stay quick while a class trains
    # The server's pid comes from the server: a worker still starting (importing torch takes seconds) when its server
    # is killed would read its new parent (init) here, and watch that forever.
    threading.Thread(target=_exit_with_parent, args=(server,), name="parent-watch", daemon=True).start()
    import core.training.trainer  # noqa: F401  (torch and core imported now, so the first run starts at once)


def _exit_with_parent(parent: int, every: float = 0.5):
    """End this worker once the server that started it is gone (killed, crashed): otherwise it would train on for
    nobody, and idle ones would wait forever, each holding a few hundred MiB."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _warm():
    return os.getpid()


class StopFlag:
    """One byte of shared memory per running run: the pool sets it, the worker reads it without a system call."""

    def __init__(self, flags, slot: int):
        self.flags, self.slot = flags, slot

    def set(self):
        self.flags[self.slot] = 1

    def is_set(self) -> bool:
        return bool(self.flags[self.slot])


def _execute_in_worker(run_id: str, slot: int, job: Job):
    execute(job, lambda event: _EVENTS.put((run_id, event)), StopFlag(_STOPS, slot))


@contextmanager
def _bare_main():
    """Spawned processes re-import the parent's ``__main__`` by its path. Under ``streamlit run`` that is the page
    script (Streamlit swaps it in while a script runs), so every worker would run the app; give them a bare one."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class ProcessEngine(Engine):
    """``ProcessPoolExecutor`` over spawned processes. Events come back on one ``multiprocessing.Queue`` and stop
    flags live in shared memory, both handed to each worker when it starts: no broker process in between."""

    def __init__(self, workers: int, context: str = "spawn", nice: int = 0):
        self.workers = workers
        self.nice = nice
        self.ctx = mp.get_context(context)
        self.events = self.ctx.Queue()
        self.capacity = 4 * workers + 16  # runs that may hold a flag at once (running ones, and a few finishing)
        self.flags = self.ctx.RawArray("b", self.capacity)
        self.free = deque(range(self.capacity))
        self.lock = threading.Lock()
        self.executor = self._executor()

    def _executor(self):
        with _bare_main():
            executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_init_worker,
                                           initargs=(self.events, self.flags, self.nice, os.getpid()))
            for _ in range(self.workers):  # start every worker now, while __main__ is bare
                executor.submit(_warm)
        return executor

    def start(self, run_id: str, job: Job):
        with self.lock:
            slot = self.free.popleft()
        self.flags[slot] = 0
        try:
            future = self.executor.submit(_execute_in_worker, run_id, slot, job)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start a fresh pool and go on
            self.executor = self._executor()
            future = self.executor.submit(_execute_in_worker, run_id, slot, job)
        future.add_done_callback(lambda _f: self._free(slot))
        return future, StopFlag(self.flags, slot)

    def _free(self, slot: int):
        with self.lock:
            self.free.append(slot)

    def shutdown(self):
        self.executor.shutdown(wait=False, cancel_futures=True)
