"""The task a Dask worker runs for the pool's ``DaskEngine`` (core/pool/dask_engine.py), kept out of ``core.pool`` and
importing nothing heavy until it runs. Dask's scheduler unpickles every task it is given: a task that named a module
of ``core.pool`` (whose package imports the trainer), or carried the ``Job`` itself, made the scheduler import torch
and scikit-learn on a class's first run, holding every other replica's submissions for about 4 s (measured with
bench/bench_cluster.py), and a scheduler machine without torch could not have scheduled at all. So the job travels as
pickled bytes, opened on the worker, and so do the events (a run's result holds the trainer's own types), opened by
the engine.
"""

import pickle
import queue
import threading

POLL = 0.05  # seconds between a task's reads of its transport cells


def run(run_id: str, payload: bytes, names: tuple[str, str]) -> None:
    """Train the pickled Job ``payload``, putting its events on the run's queue, reading its cells."""
    from distributed import Queue, Variable

    from core.training.run import execute
    from core.training.transport import Transport

    job = pickle.loads(payload)  # from the app's own engine (core/pool/dask_engine.py), never from a user's file

    events, control = Queue(names[0]), Variable(names[1])
    cells, done = [0, 0, 0], threading.Event()
    outbox = queue.SimpleQueue()

    def read_cells():  # the trainer reads a local list at every step; this keeps it current
        while not done.is_set():
            try:
                cells[:] = control.get(timeout=5)
            except Exception:  # the scheduler busy or gone: keep the last values, try again
                pass
            done.wait(POLL)

    def send():  # the network's round trips off the trainer's thread, in order
        while (event := outbox.get()) is not None:
            events.put(pickle.dumps(event, protocol=pickle.HIGHEST_PROTOCOL))  # opaque to the scheduler

    cells[:] = control.get(timeout=30)  # a stop or pause asked before the task began holds from its first step
    readers = [threading.Thread(target=read_cells, daemon=True), threading.Thread(target=send, daemon=True)]
    for thread in readers:
        thread.start()
    try:
        execute(job, outbox.put, Transport(cells, 1))
    finally:
        done.set()
        outbox.put(None)
        readers[1].join()  # every event is on the queue before the task ends
