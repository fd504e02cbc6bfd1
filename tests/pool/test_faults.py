"""Faults a shared class server meets: a worker killed mid-run (the kernel's OOM killer, kill -9) while it reports
every batch, a run whose worker ends without a final event, and a stop that arrives after its run has ended.

The pool must heal: the killed run ends in an error within seconds, runs on the other workers go on to the same
result they would have had, and every later run finishes (issue 13: a worker killed while it held the one shared
events queue's lock had wedged all training until a restart)."""

import os
import signal
import time
from concurrent.futures import Future

import pytest

from core.pool import Engine, TrainingPool
from core.pool.pool import NO_RESULT, QUIET_END
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig
from core.training.transport import Transport
from tests.pool.test_pool import wait

KILLS = 5  # in the suite; bench/bench_faults.py does 20


def job(prepared, **kw):
    return Job(prepared, ModelConfig(n_features=prepared.n_features, hidden=(16,)),
               TrainConfig(**{"device": "cpu", "epochs": 2, "report_every": 1, "batch_size": 1, **kw}))


def until_reporting(pool, run_id, owner):
    return wait(pool, run_id, owner, until=lambda r: r.state == "running" and r.reports)


@pytest.mark.slow
def test_killing_workers_mid_run_ends_only_their_runs_and_the_pool_goes_on(diabetes_prepared):
    pool = TrainingPool(workers=2, abandon_after=3600)
    try:
        small = {"epochs": 1, "batch_size": 8, "report_every": 2}
        reference = wait(pool, pool.submit(job(diabetes_prepared, **small), "ref"), "ref")
        assert reference.state == "finished"
        for i in range(KILLS):
            doomed = pool.submit(job(diabetes_prepared, epochs=500), "kill")  # minutes: it is killed long before
            other = pool.submit(job(diabetes_prepared, **small), "other")
            until_reporting(pool, doomed, "kill")
            time.sleep(0.05 * i)  # a different instant of its reporting each time
            pid = pool.engine.pid_of(doomed)
            os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            dead = wait(pool, doomed, "kill", timeout=10)
            assert time.monotonic() - killed_at < 10
            assert dead.state == "error" and dead.error["code"] == "worker_died", dead.error
            survivor = wait(pool, other, "other")  # on another worker: unharmed, and the same seeded result
            assert survivor.state == "finished"
            assert survivor.result.metrics == reference.result.metrics
        after = wait(pool, pool.submit(job(diabetes_prepared, **small), "after"), "after")
        assert after.state == "finished" and after.result.metrics == reference.result.metrics
        assert pool.engine.replaced == KILLS
        assert len(pool.engine.pids()) == pool.workers + pool.engine.spare  # every dead worker replaced
    finally:
        pool.shutdown()


@pytest.mark.slow
def test_a_killed_idle_worker_is_replaced_and_runs_still_start_at_once(diabetes_prepared):
    pool = TrainingPool(workers=1, abandon_after=3600)
    try:
        wait(pool, pool.submit(job(diabetes_prepared, epochs=1, batch_size=64), "a"), "a", timeout=120)  # a busy CI
        deadline = time.monotonic() + 120
        while not all(w.ready for w in pool.engine.all) and time.monotonic() < deadline:
            time.sleep(0.1)  # the worker and the spare have both started
        victim = pool.engine.pids()[0]
        os.kill(victim, signal.SIGKILL)  # idle, between runs
        time.sleep(0.5)
        run = wait(pool, pool.submit(job(diabetes_prepared, epochs=1, batch_size=64), "b"), "b", timeout=60)
        assert run.state == "finished"
        assert pool.engine.replaced == 1 and victim not in pool.engine.pids()
        assert len(pool.engine.pids()) == 2  # the dead one replaced, as the new spare
    finally:
        pool.shutdown()


class SilentEngine(Engine):
    """An engine whose worker is done with every run at once, without a word: no events, no final one."""

    def __init__(self):
        import queue

        self.events = queue.Queue()

    def start(self, run_id, job):
        future = Future()
        future.set_result(None)
        return future, Transport([0, 0, 0], 1)


def test_a_run_that_ends_without_a_final_event_becomes_an_error_not_running_for_ever(diabetes_prepared):
    pool = TrainingPool(workers=1, engine=SilentEngine())
    try:
        run_id = pool.submit(job(diabetes_prepared), "me")
        run = wait(pool, run_id, "me", timeout=QUIET_END + 5)
        assert run.state == "error" and run.error["template"] == NO_RESULT
        assert pool.load()["running"] == 0
    finally:
        pool.shutdown()


def test_a_late_stop_does_not_stop_the_next_run_on_that_worker():
    import multiprocessing as mp

    shared = mp.get_context("spawn").RawArray("q", 3)
    first, second = Transport(shared, 1), Transport(shared, 2)
    first.set()  # the owner pressed Stop as the first run ended; the worker has started the second
    first.pause()  # or Pause
    assert first.is_set() and not second.is_set() and not second.holding()
    second.set()
    assert second.is_set()
