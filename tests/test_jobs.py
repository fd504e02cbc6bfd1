"""The training pool: worker processes, a queue, progress streaming, stopping, and owners kept apart."""

import time

import pytest

from core.jobs import TrainingPool
from core.model import ModelConfig
from core.run import Job
from core.trainer import TrainConfig


@pytest.fixture(scope="module")
def pool():
    pool = TrainingPool(workers=1, abandon_after=1.5)
    yield pool
    pool.shutdown()


def job(prepared, **kw):
    return Job(prepared, ModelConfig(n_features=prepared.n_features, hidden=(32,)),
               TrainConfig(**{"device": "cpu", "epochs": 3, "report_every": 5, **kw}))


def wait(pool, run_id, owner, until=lambda r: not r.active, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = pool.get(run_id, owner)
        if until(run):
            return run
        pool.heartbeat(owner)
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} still {pool.get(run_id, owner).state}")


def test_a_run_streams_progress_and_finishes(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared), owner="alice", label="first", settings={"lr": 1e-3})
    run = wait(pool, run_id, "alice")
    assert run.state == "finished" and run.error is None
    assert [h["epoch"] for h in run.history] == [1, 2, 3]
    assert run.batches and run.batches[-1]["step"] == run.history[-1]["step"]
    assert run.info["epochs"] == 3 and run.settings == {"lr": 1e-3} and run.label == "first"
    result = run.result.with_tensors()
    assert result.status == "finished" and "out.weight" in result.state_dict
    assert result.metrics["test_mae"] == pytest.approx(run.history[-1]["test_mae"], rel=1e-5)


def test_owners_see_only_their_own_runs(pool, diabetes_prepared):
    mine = pool.submit(job(diabetes_prepared, epochs=1), owner="bob")
    theirs = pool.submit(job(diabetes_prepared, epochs=1), owner="carol")
    assert pool.get(theirs, "bob") is None and pool.get(mine, "carol") is None
    assert {r.id for r in pool.runs_of("bob")} == {mine}
    assert {r.id for r in pool.runs_of("carol")} == {theirs}
    pool.stop(theirs, "bob")  # not bob's: nothing happens
    assert wait(pool, theirs, "carol").state == "finished"
    wait(pool, mine, "bob")


def test_runs_beyond_the_workers_wait_their_turn(pool, diabetes_prepared):
    first = pool.submit(job(diabetes_prepared, epochs=400), owner="dan")
    second = pool.submit(job(diabetes_prepared, epochs=1), owner="dan")
    third = pool.submit(job(diabetes_prepared, epochs=1), owner="dan")
    wait(pool, first, "dan", until=lambda r: r.state == "running")
    assert pool.get(second, "dan").state == "queued" and pool.get(second, "dan").ahead == 0
    assert pool.get(third, "dan").ahead == 1
    pool.stop(second, "dan")  # a queued run never starts
    assert pool.get(second, "dan").state == "stopped" and pool.get(third, "dan").ahead == 0
    pool.stop(first, "dan")  # the running one stops and frees its worker for the next
    assert wait(pool, third, "dan").state == "finished"
    first_run = pool.get(first, "dan")
    assert first_run.state == "stopped" and first_run.result is not None  # what it learned is kept
    assert len(first_run.history) < 400
    assert pool.get(second, "dan").result is None


def test_stop_takes_effect_within_a_second(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, epochs=5000), owner="erin")
    wait(pool, run_id, "erin", until=lambda r: len(r.batches) > 3)
    asked = time.monotonic()
    pool.stop(run_id, "erin")
    run = wait(pool, run_id, "erin")
    assert run.state == "stopped" and time.monotonic() - asked < 1.5


def test_divergence_is_an_error_state_with_the_message(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, lr=10.0), owner="frank")
    run = wait(pool, run_id, "frank")
    assert run.state == "error" and run.error["code"] == "diverged"
    assert "Lower the learning rate" in run.error["message"]


def test_a_silent_owner_is_abandoned_and_its_worker_freed(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, epochs=5000), owner="gone")
    deadline = time.monotonic() + 30
    while pool.get(run_id, "gone").active and time.monotonic() < deadline:
        time.sleep(0.1)  # no heartbeat: the tab was closed
    assert pool.get(run_id, "gone").state == "abandoned"
    after = pool.submit(job(diabetes_prepared, epochs=1), owner="next")
    assert wait(pool, after, "next").state == "finished"


def test_forget_drops_a_finished_run(pool, diabetes_prepared):
    run_id = pool.submit(job(diabetes_prepared, epochs=1), owner="hana")
    wait(pool, run_id, "hana")
    pool.forget(run_id, "hana")
    assert pool.runs_of("hana") == []


def test_workers_never_rerun_the_parents_main_script(tmp_path, monkeypatch, diabetes_prepared):
    """Under `streamlit run`, __main__ is the page script; spawned workers must not import (run) it again."""
    import sys
    import types

    marker = tmp_path / "main-ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    pool = TrainingPool(workers=1)
    try:
        run_id = pool.submit(job(diabetes_prepared, epochs=1), owner="ivy")
        assert wait(pool, run_id, "ivy").state == "finished"
    finally:
        pool.shutdown()
    assert not marker.exists()
    assert sys.modules["__main__"] is fake_main  # put back as it was
