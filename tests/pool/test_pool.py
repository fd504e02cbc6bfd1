"""The training pool: worker processes, a queue, progress streaming, stopping, and owners kept apart."""

import os
import time

import pytest

from core.pool import DEFAULT_NICE, TrainingPool
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig
from tests.pool.engines import ENGINES, engine

pytestmark = pytest.mark.slow  # worker processes: each pool spawns its own


@pytest.fixture(scope="module", params=ENGINES)
def pool(request):
    """One worker: the pool's own process, or a Dask cluster's (the same tests, both engines)."""
    with engine(request.param) as chosen:
        pool = TrainingPool(workers=1, abandon_after=1.5, engine=chosen)
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
    assert run.reports and run.reports[-1]["step"] == run.history[-1]["step"]
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


def test_a_stop_ends_the_run_at_the_workers_next_report(pool, diabetes_prepared):
    """The worker reads its stop flag at every report (and epoch end), so a stop takes effect within one report
    interval, counted in steps: one asked as the run starts ends it at its very first report."""
    deadline = time.monotonic() + 30
    while pool.load()["running"] and time.monotonic() < deadline:  # the last test's stopped run frees its worker
        time.sleep(0.05)
    run_id = pool.submit(job(diabetes_prepared, epochs=5000, report_every=5), owner="erin")
    assert pool.get(run_id, "erin").state == "running"  # the worker was free: dispatched at once
    pool.stop(run_id, "erin")  # microseconds later; the worker has yet to unpickle the job and build its model
    run = wait(pool, run_id, "erin")
    assert run.state == "stopped" and run.result is not None
    assert run.result.steps == 5 and [r["step"] for r in run.reports] == [5] and not run.history


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


def test_workers_train_at_a_lower_priority_than_the_server(pool, diabetes_prepared):
    """A class's training must not starve the server's page work: the workers run niced, the server does not."""
    if not hasattr(pool.engine, "pids"):
        pytest.skip("a cluster's workers are its operator's to nice")
    wait(pool, pool.submit(job(diabetes_prepared, epochs=1), owner="erin"), "erin")  # the workers have started
    server = os.getpriority(os.PRIO_PROCESS, 0)
    workers = [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.engine.pids()]
    assert workers and all(w == min(19, server + DEFAULT_NICE) for w in workers), (server, workers)


SERVER = """
import os, signal, sys, time
from core import data
from core.pool import TrainingPool
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig

if __name__ == "__main__":
    prepared = data.prepare(data.load_builtin("diabetes"), data.DataConfig(seed=0))
    pool = TrainingPool(workers=2, abandon_after=3600)  # only the exit can stop the run
    long = Job(prepared, ModelConfig(n_features=prepared.n_features),
               TrainConfig(epochs=10_000, batch_size=1, device="cpu"))
    run_id = pool.submit(long, "someone")  # about an hour of training; the second worker stays idle
    while pool.get(run_id, "someone").state != "running" or not pool.get(run_id, "someone").reports:
        time.sleep(0.05)
    print(" ".join(map(str, pool.engine.pids())), flush=True)
    if sys.argv[1] == "exit":
        sys.exit(0)
    time.sleep(600)  # until killed
"""


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def _server(tmp_path, how: str):
    import subprocess
    import sys

    script = tmp_path / "server.py"
    script.write_text(SERVER)  # imports core from anywhere: the project is installed (pip install -e .)
    proc = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 3 and all(_alive(pid) for pid in workers)  # two workers and the warm spare
    return proc, workers


def _gone_within(pids, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(_alive(pid) for pid in pids)


@pytest.mark.skipif(not os.path.exists("/proc"), reason="reads processes from /proc")
def test_a_server_that_exits_stops_its_runs_instead_of_waiting_for_them(tmp_path):
    """Ctrl+C or a restart of the app: the server exits at once (the runs stop) rather than after every run ends."""
    proc, workers = _server(tmp_path, "exit")
    try:
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    assert _gone_within(workers, 30)


@pytest.mark.skipif(not os.path.exists("/proc"), reason="reads processes from /proc")
def test_workers_end_when_their_server_is_killed(tmp_path):
    """A server killed outright leaves no workers behind, training for nobody or idle, each holding memory."""
    import signal

    proc, workers = _server(tmp_path, "kill")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:
        assert _gone_within(workers, 30), [pid for pid in workers if _alive(pid)]
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_worker_fits_the_baselines_when_asked(pool, diabetes_prepared):
    """The app asks the worker for the baselines (so a class's fits do not load the server); they are the same rows
    the server would fit on that split."""
    from core.training.baselines import baselines

    asked = wait(pool, pool.submit(Job(diabetes_prepared, ModelConfig(n_features=diabetes_prepared.n_features,
                                                                       hidden=(8,)),
                                       TrainConfig(device="cpu", epochs=1), baselines=True), owner="finn"), "finn")
    plain = wait(pool, pool.submit(job(diabetes_prepared, epochs=1), owner="finn"), "finn")
    here = baselines(diabetes_prepared)
    assert [b["name"] for b in asked.baselines] == [b["name"] for b in here] == ["mean", "linear", "hgb"]
    assert [b["test_mae"] for b in asked.baselines] == pytest.approx([b["test_mae"] for b in here], rel=1e-9)
    assert plain.baselines is None


def test_a_runs_progress_and_time_left_come_from_its_last_report():
    from core.pool import RunState

    run = RunState("1", "o", "", {}, state="running", info={"epochs": 4, "batches_per_epoch": 10})
    assert run.progress == 0.0 and run.seconds_left is None and run.samples_per_s is None
    run.reports.append({"epoch": 2, "batch": 5, "step": 15, "loss": 1.0, "seconds": 3.0})
    run.history.append({"epoch": 1, "samples_per_s": 1234.0})
    assert run.progress == 15 / 40
    assert run.seconds_left == pytest.approx(3.0 * 25 / 15)  # 25 steps to go at 15 steps per 3 s
    assert run.samples_per_s == 1234.0
