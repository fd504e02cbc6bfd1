"""A run's transport, as TensorFlow Playground has it: stop, pause, resume and one step at a time (issue 15).

Three shared integers per worker carry it: the number of the job to stop, the number of the job to hold paused, and
a count of single steps granted, which only the pool adds to. The pool writes them and the worker reads them at
every step without a system call (a read of shared memory, under a microsecond: ``bench/bench_transport.py``);
job numbers keep a late stop or pause, meant for a run that has ended, from touching the next run on that worker.

The trainer asks ``holding()`` after each step: while paused, it reports at once (so the page shows the step the run
stopped at) and calls ``wait()`` before its next step, which returns when the run is resumed or a step is granted,
and raises ``StopTraining`` when it is stopped. How long a paused run may hold its worker is the pool's to bound
(``TrainingPool.pause_limit``): it stops a run paused longer without a step, keeping what it learned.
"""

import time

from core.training.callbacks import StopTraining

STOP, PAUSE, STEPS = range(3)  # the cells' places


class Transport:
    """One run's controls over ``cells`` (a ``multiprocessing.RawArray("q", 3)``, or a list in one process).

    The pool calls ``set`` (stop), ``pause``, ``resume`` and ``step``; the worker's trainer calls ``is_set``,
    ``holding`` and ``wait``. Each side makes its own ``Transport`` on the same cells with the job's ``number``.
    """

    def __init__(self, cells, number: int, poll: float = 0.01):
        self.cells, self.number, self.poll = cells, number, poll
        self.taken = cells[STEPS]  # the steps granted before this job began are not this job's

    # --- the pool's side --------------------------------------------------------------------------------------

    def set(self):
        """Stop the run: it ends within a report interval, or at once while paused, keeping what it learned."""
        self.cells[STOP] = self.number

    def pause(self):
        self.cells[PAUSE] = self.number

    def resume(self):
        self.cells[PAUSE] = 0

    def step(self):
        """One more step while paused (the pool is the only writer of this count)."""
        self.cells[STEPS] += 1

    # --- the worker's side ------------------------------------------------------------------------------------

    def is_set(self) -> bool:
        return self.cells[STOP] == self.number

    def holding(self) -> bool:
        """Whether the run is paused (and not stopped): the trainer reports now and waits before its next step."""
        return self.cells[PAUSE] == self.number and self.cells[STOP] != self.number

    def wait(self) -> None:
        """Until the run is resumed or one step is granted; raises ``StopTraining`` if it is stopped meanwhile."""
        while True:
            if self.is_set():
                raise StopTraining("stopped")
            if self.cells[PAUSE] != self.number:
                return
            if self.cells[STEPS] > self.taken:
                self.taken += 1
                return
            time.sleep(self.poll)
