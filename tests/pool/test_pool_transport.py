"""Pause, step, resume and continue through the pool's real worker processes (issue 15's transport): the owner's
buttons reach the worker through shared memory, a paused run holds its worker only so long, and a continued run
begins with the curves of the run it continues."""

import time

import pytest
import torch

from core.pool import TrainingPool
from tests.pool.engines import ENGINES, engine
from tests.pool.test_pool import job, wait

pytestmark = pytest.mark.slow  # worker processes


@pytest.fixture(scope="module", params=ENGINES)
def pool(request):
    with engine(request.param) as chosen:
        pool = TrainingPool(workers=1, abandon_after=10, pause_limit=3.0, engine=chosen)
        yield pool
        pool.shutdown()


def steps_of(pool, run_id, owner):
    run = pool.get(run_id, owner)
    return run.reports[-1]["step"] if run.reports else 0


def settle(pool, run_id, owner, seconds=0.6):
    """The run's last reported step once it has stopped moving for ``seconds``."""
    last, since = steps_of(pool, run_id, owner), time.monotonic()
    while time.monotonic() - since < seconds:
        pool.heartbeat(owner)
        time.sleep(0.05)
        now = steps_of(pool, run_id, owner)
        if now != last:
            last, since = now, time.monotonic()
    return last


def test_pause_holds_the_worker_step_moves_one_step_resume_finishes(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, epochs=2000, report_every=50), owner="ann")
    wait(pool, run_id, "ann", until=lambda r: r.reports)
    pool.pause(run_id, "ann")
    held = settle(pool, run_id, "ann")
    run = pool.get(run_id, "ann")
    assert run.paused and run.state == "running"
    for n in (1, 2):
        pool.step(run_id, "ann")
        assert settle(pool, run_id, "ann") == held + n  # exactly one step a press
    pool.resume(run_id, "ann")
    wait(pool, run_id, "ann", until=lambda r: steps_of(pool, run_id, "ann") > held + 100)
    assert not pool.get(run_id, "ann").paused
    pool.stop(run_id, "ann")
    assert wait(pool, run_id, "ann").state == "stopped"


def test_a_paused_run_is_released_after_the_pause_limit_keeping_its_weights(pool, diabetes_prepared):
    """A class's workers cannot all sit paused: after ``pause_limit`` seconds without a step the run ends, its
    weights kept, and the run waiting for the worker starts."""
    run_id = pool.submit(job(diabetes_prepared, epochs=2000), owner="bo")
    waiting = pool.submit(job(diabetes_prepared, epochs=1), owner="cy")
    wait(pool, run_id, "bo", until=lambda r: r.reports)
    pool.pause(run_id, "bo")
    paused_at = time.monotonic()
    run = wait(pool, run_id, "bo", timeout=20)
    assert run.state == "stopped" and run.info.get("released") and run.result is not None
    assert 3.0 <= time.monotonic() - paused_at < 8.0
    assert run.result.resume["step"] == run.result.steps  # it can be continued
    assert wait(pool, waiting, "cy").state == "finished"


def test_a_continued_run_starts_with_the_earlier_curves_and_trains_as_one_longer_run(pool, diabetes_prepared):
    first = wait(pool, pool.submit(job(diabetes_prepared, epochs=2), owner="di", label="#1"), "di")
    more = job(diabetes_prepared, epochs=4)
    more.resume = first.result
    then_id = pool.submit(more, owner="di", label="#2", continues=first.id)
    queued = pool.get(then_id, "di")
    assert queued.continues == first.id and [h["epoch"] for h in queued.history] == [1, 2]
    then = wait(pool, then_id, "di")
    whole = wait(pool, pool.submit(job(diabetes_prepared, epochs=4), owner="di"), "di")
    assert then.state == "finished" and [h["epoch"] for h in then.history] == [1, 2, 3, 4]
    a, b = then.result.with_tensors().state_dict, whole.result.with_tensors().state_dict
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert then.reports[0]["step"] == first.reports[0]["step"]  # the live chart's points from the start
    assert pool.get(first.id, "di").history == first.history  # the earlier run is unchanged


def test_nobody_else_can_pause_or_step_a_run(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, epochs=2000), owner="eve")
    wait(pool, run_id, "eve", until=lambda r: r.reports)
    pool.pause(run_id, "mallory")
    before = steps_of(pool, run_id, "eve")
    wait(pool, run_id, "eve", until=lambda r: steps_of(pool, run_id, "eve") > before + 200)  # still moving
    assert not pool.get(run_id, "eve").paused
    pool.stop(run_id, "eve")
    wait(pool, run_id, "eve")
