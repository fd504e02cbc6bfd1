"""A run executes in a worker process: plain data in, progress events out, stoppable from the parent."""

import multiprocessing as mp
import pickle
import queue

import pytest
import torch

from core.training.model import ModelConfig
from core.training.run import Job, execute
from core.training.trainer import TrainConfig, TrainResult

pytestmark = pytest.mark.slow  # worker processes


def job(prepared, **kw):
    return Job(prepared, ModelConfig(n_features=prepared.n_features),
               TrainConfig(**{"device": "cpu", "epochs": 3, "report_every": 5, **kw}))


def events_until_end(q, timeout=60):
    events = []
    while True:
        event = q.get(timeout=timeout)
        events.append(event)
        if event["event"] in ("done", "error"):
            return events


def test_job_and_events_are_plain_picklable_data(diabetes_prepared):
    events = []
    execute(job(diabetes_prepared), events.append)
    pickle.loads(pickle.dumps(job(diabetes_prepared)))
    for event in events:
        pickle.loads(pickle.dumps(event))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "begin" and kinds[-1] == "done"
    assert kinds.count("epoch") == 3 and "report" in kinds
    result = events[-1]["result"]
    assert isinstance(result, TrainResult) and result.status == "finished"


@pytest.fixture
def ctx():
    return mp.get_context("spawn")  # what the app uses: no state inherited from the server process


def test_runs_in_a_worker_process_and_streams_progress(ctx, diabetes_prepared):
    q, stop = ctx.Queue(), ctx.Event()
    worker = ctx.Process(target=execute, args=(job(diabetes_prepared), q.put, stop))
    worker.start()
    events = events_until_end(q)
    worker.join(30)
    assert worker.exitcode == 0
    epochs = [e for e in events if e["event"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    result = events[-1]["result"].with_tensors()
    assert result.status == "finished"
    assert all(isinstance(t, torch.Tensor) for t in result.state_dict.values())
    # the same seeded run in this process gives the same weights
    local = []
    execute(job(diabetes_prepared), local.append)
    torch.testing.assert_close(local[-1]["result"].with_tensors().state_dict["out.weight"],
                               result.state_dict["out.weight"])


def test_stop_event_from_the_parent_ends_the_worker_run(ctx, diabetes_prepared):
    q, stop = ctx.Queue(), ctx.Event()
    worker = ctx.Process(target=execute, args=(job(diabetes_prepared, epochs=5000), q.put, stop))
    worker.start()
    first = q.get(timeout=60)
    assert first["event"] == "begin"
    while q.get(timeout=60)["event"] != "epoch":
        pass
    stop.set()
    events = events_until_end(q, timeout=10)
    worker.join(10)
    result = events[-1]["result"]
    assert result.status == "stopped"
    assert len(result.history) < 5000


def test_divergence_in_a_worker_is_an_error_event(ctx, diabetes_prepared):
    q = ctx.Queue()
    worker = ctx.Process(target=execute, args=(job(diabetes_prepared, lr=10.0), q.put))
    worker.start()
    events = events_until_end(q)
    worker.join(30)
    assert events[-1]["event"] == "error" and events[-1]["code"] == "diverged"
    assert "Lower the learning rate" in events[-1]["message"]
    with pytest.raises(queue.Empty):
        q.get(timeout=0.2)
