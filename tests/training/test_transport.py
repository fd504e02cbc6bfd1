"""Pause, step, resume and "continue for N more epochs" in the trainer (issue 15's transport), in one process: a
thread plays the pool's part on the transport's cells, as the worker's shared memory would carry them."""

import threading
import time

import pytest
import torch

from core.data import DataConfig, load_diabetes, prepare
from core.data.toy import ToyConfig, load_toy
from core.errors import ConfigError
from core.training.callbacks import Callback
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer
from core.training.transport import Transport


def fit(prepared, epochs, resume=None, transport=None, callbacks=(), model=None, **kw):
    model = ModelConfig(**{"n_features": prepared.n_features, "hidden": (16,), **(model or {})})
    config = TrainConfig(**{"device": "cpu", "epochs": epochs, **kw})
    return Trainer(model, config, callbacks, transport).fit(prepared, resume)


def same_weights(a, b) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("settings", [
    {}, {"optimizer": "sgd", "lr": 1e-2}, {"optimizer": "adamw", "weight_decay": 0.01},
    {"model": {"dropout": 0.2}}, {"model": {"ensemble": 3}}], ids=["adam", "sgd", "adamw", "dropout", "ensemble"])
def test_continuing_a_run_gives_the_weights_of_one_longer_run(diabetes_prepared, settings):
    """3 epochs, then 3 more, is 6 epochs in one go to the bit: weights, optimizer state, shuffles and dropout's
    masks all carry on (through the portable copy a worker sends)."""
    whole = fit(diabetes_prepared, 6, **settings)
    first = fit(diabetes_prepared, 3, **settings)
    then = fit(diabetes_prepared, 6, resume=first.portable().with_tensors(), **settings)
    assert same_weights(whole.state_dict, then.state_dict)
    assert [h["epoch"] for h in then.history] == [1, 2, 3, 4, 5, 6] and then.steps == whole.steps
    assert then.history[-1]["test_mse"] == whole.history[-1]["test_mse"]
    assert then.history[:3] == first.history  # the earlier epochs are the earlier run's, unchanged
    assert then.seconds >= first.seconds  # the clock goes on from where the run ended


def test_a_classifier_continues_too():
    moons = prepare(load_toy(ToyConfig("moons", samples=400)))
    model = {"n_outputs": 2}
    whole = fit(moons, 4, model=model)
    then = fit(moons, 4, resume=fit(moons, 2, model=model), model=model)
    assert same_weights(whole.state_dict, then.state_dict)
    assert then.metrics["test_accuracy"] == whole.metrics["test_accuracy"]


def test_early_stopping_keeps_its_best_and_counts_patience_from_the_continuation():
    """A run that early-stopped continues from its last weights (not the best it reports), and its patience counts
    again from where it continued, so it trains at least that many epochs more."""
    val = prepare(load_diabetes(), DataConfig(val_size=0.2))
    first = fit(val, 200, patience=2, lr=3e-2)
    assert len(first.history) < 200 and first.metrics["best_epoch"] < len(first.history)
    then = fit(val, len(first.history) + 10, resume=first, patience=2, lr=3e-2)
    assert len(then.history) >= len(first.history) + 2
    assert then.metrics["best_epoch"] >= first.metrics["best_epoch"]  # the best over the whole run
    best = min(then.history, key=lambda h: h["val_rmse"])
    assert then.metrics["best_epoch"] == best["epoch"]


def test_a_run_with_other_settings_is_refused(diabetes_prepared):
    first = fit(diabetes_prepared, 1)
    with pytest.raises(ConfigError) as err:
        fit(diabetes_prepared, 2, resume=first, model={"hidden": (8,)})
    assert err.value.code == "resume_mismatch" and "settings it was trained with" in str(err.value)


class Steps(Callback):
    def __init__(self):
        self.reports = []

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.reports.append((step, time.monotonic(), "network" in kw))


def test_pause_holds_the_run_step_moves_it_one_step_and_resume_lets_it_go(diabetes_prepared):
    cells, seen = [0, 0, 0], Steps()
    pool_side = Transport(cells, 7)
    pool_side.pause()  # paused before its first step: it waits, then steps one at a time
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=fit(
        diabetes_prepared, 2, transport=Transport(cells, 7), callbacks=[seen], report_every=1000, watch=True)))
    worker.start()
    time.sleep(0.3)
    assert seen.reports == []  # held: not one step taken
    for n in (1, 2, 3):
        pool_side.step()
        deadline = time.monotonic() + 5
        while len(seen.reports) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        assert [s for s, _, _ in seen.reports] == list(range(1, n + 1))  # exactly one step each, reported at once
    assert all(network for _, _, network in seen.reports)  # each held step carries the network view
    pool_side.resume()
    worker.join(timeout=30)
    steps = len(range(0, len(diabetes_prepared.y_train), 20))
    assert result["r"].status == "finished" and result["r"].steps == 2 * steps
    assert same_weights(result["r"].state_dict, fit(diabetes_prepared, 2).state_dict)  # pausing changes nothing


def test_stopping_a_paused_run_ends_it_at_once_keeping_its_steps(diabetes_prepared):
    cells, seen = [0, 0, 0], Steps()
    pool_side, result = Transport(cells, 3), {}
    worker = threading.Thread(target=lambda: result.update(r=fit(  # 18,000 steps: seconds, even on a fast CPU
        diabetes_prepared, 1000, transport=Transport(cells, 3), callbacks=[seen], report_every=1)))
    worker.start()
    deadline = time.monotonic() + 5
    while not seen.reports and time.monotonic() < deadline:  # paused once it is training, however fast
        time.sleep(0.01)
    pool_side.pause()
    time.sleep(0.2)
    stopped_at = time.monotonic()
    pool_side.set()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - stopped_at < 1
    assert result["r"].status == "stopped" and 0 < result["r"].steps < 1000 * 18
    assert result["r"].resume["step"] == result["r"].steps  # and it can be continued


def test_a_pause_for_another_job_number_does_not_hold_this_one(diabetes_prepared):
    cells = [0, 5, 0]  # a pause left for job 5, which has ended; this is job 6
    result = fit(diabetes_prepared, 1, transport=Transport(cells, 6))
    assert result.status == "finished"
