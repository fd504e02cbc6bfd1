import math
import threading

import numpy as np
import pytest
import torch

from core import data
from core.errors import ConfigError, TrainingDiverged
from core.training.callbacks import Callback, StopOnEvent, StopTraining
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer


def train(prepared, callbacks=(), **kw):
    config = TrainConfig(**{"device": "cpu", "epochs": 3, **kw})
    return Trainer(ModelConfig(n_features=prepared.n_features), config, callbacks).fit(prepared)


class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self, trainer, **kw):
        self.events.append(("train_begin", kw))

    def on_epoch_begin(self, trainer, epoch, **kw):
        self.events.append(("epoch_begin", {"epoch": epoch}))

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.events.append(("report", {"epoch": epoch, "batch": batch, "step": step, "loss": loss, **kw}))

    def on_epoch_end(self, trainer, record, **kw):
        self.events.append(("epoch_end", record))

    def on_train_end(self, trainer, result, **kw):
        self.events.append(("train_end", {"result": result}))

    def names(self, name):
        return [kw for n, kw in self.events if n == name]


def test_history_records_every_epoch(diabetes_prepared):
    result = train(diabetes_prepared, epochs=4)
    assert [h["epoch"] for h in result.history] == [1, 2, 3, 4]
    for h in result.history:
        assert {"train_loss", "test_mse", "test_mae", "seconds", "epoch_seconds", "samples_per_s", "step"} <= set(h)
        assert h["test_mae"] > 0 and math.isfinite(h["train_loss"])
    assert result.history[-1]["step"] == 4 * math.ceil(len(diabetes_prepared.y_train) / 20)
    assert result.status == "finished"
    assert {"test_mae", "test_mse", "test_rmse", "test_r2"} <= set(result.metrics)


def test_learning_reduces_the_loss_and_beats_the_mean(diabetes_prepared):
    result = train(diabetes_prepared, epochs=15, lr=3e-3)
    assert result.history[-1]["train_loss"] < 0.5 * result.history[0]["train_loss"]
    mean_mae = np.abs(diabetes_prepared.y_test - diabetes_prepared.y_train.mean()).mean()
    assert result.metrics["test_mae"] < mean_mae


def test_metrics_are_computed_in_the_targets_units(diabetes_prepared):
    result = train(diabetes_prepared, epochs=2)
    pred, y = np.array(result.predictions), diabetes_prepared.y_test
    assert pred.shape == y.shape
    assert result.metrics["test_mae"] == pytest.approx(np.abs(pred - y).mean(), rel=1e-5)
    assert result.metrics["test_rmse"] == pytest.approx(np.sqrt(((pred - y) ** 2).mean()), rel=1e-5)
    assert result.history[-1]["test_mae"] == pytest.approx(result.metrics["test_mae"], rel=1e-5)
    assert 25 < pred.mean() < 350  # disease progression scores, not standardised values


def test_evaluation_runs_in_eval_mode_without_gradients(diabetes_prepared):
    seen = []

    class Spy(Callback):
        def on_epoch_end(self, trainer, record, **kw):
            seen.append((trainer.model.training, torch.is_grad_enabled()))

    trainer = Trainer(ModelConfig(n_features=diabetes_prepared.n_features, dropout=0.3),
                      TrainConfig(device="cpu", epochs=1), [Spy()])
    calls = []
    original = trainer.model.forward

    def forward(x):
        calls.append((trainer.model.training, torch.is_grad_enabled(), len(x)))
        return original(x)

    trainer.model.forward = forward
    trainer.fit(diabetes_prepared)
    n_test = len(diabetes_prepared.y_test)
    evaluation = [c for c in calls if c[2] == n_test]
    assert evaluation and all(training is False and grad is False for training, grad, _ in evaluation)
    assert seen == [(True, True)]  # back to training mode afterwards


def test_callbacks_hear_every_event_in_order(diabetes_prepared):
    rec = Recorder()
    result = train(diabetes_prepared, [rec], epochs=2, report_every=5)
    names = [n for n, _ in rec.events]
    assert names[0] == "train_begin" and names[-1] == "train_end"
    assert names.count("epoch_begin") == names.count("epoch_end") == 2
    batches = math.ceil(len(diabetes_prepared.y_train) / 20)
    assert rec.names("train_begin")[0]["batches_per_epoch"] == batches
    steps = [e["step"] for e in rec.names("report")]
    assert steps == sorted(steps) and steps[-1] == result.steps == 2 * batches
    per_epoch = [e for e in rec.names("report") if e["epoch"] == 1]
    assert len(per_epoch) == math.ceil(batches / 5)  # every 5 batches, and the epoch's last batch
    assert rec.names("train_end")[0]["result"] is result


def test_batch_losses_average_to_the_epoch_loss(diabetes_prepared):
    rec = Recorder()
    result = train(diabetes_prepared, [rec], epochs=1, report_every=3)
    events = rec.names("report")
    rows = [min(3 * 20, len(diabetes_prepared.y_train) - (e["step"] - 1) // 3 * 60) for e in events]
    weighted = sum(e["loss"] * r for e, r in zip(events, rows)) / sum(rows)
    assert weighted == pytest.approx(result.history[0]["train_loss"], rel=1e-4)


def test_same_seed_same_run_other_seed_other_run(diabetes_prepared):
    torch.manual_seed(1)
    a = train(diabetes_prepared, seed=7, epochs=2)
    torch.manual_seed(99)  # the process-wide seed belongs to nobody's run
    b = train(diabetes_prepared, seed=7, epochs=2)
    c = train(diabetes_prepared, seed=8, epochs=2)
    for k in a.state_dict:
        torch.testing.assert_close(a.state_dict[k], b.state_dict[k])
    assert a.metrics["test_mae"] == b.metrics["test_mae"]
    assert not torch.equal(a.state_dict["out.weight"], c.state_dict["out.weight"])


def test_max_steps_makes_a_tiny_run(diabetes_prepared):
    result = train(diabetes_prepared, epochs=50, max_steps=7)
    assert result.steps == 7 and len(result.history) == 1


def test_stop_from_another_thread_keeps_what_was_learned(california_table):
    """The Stop button's flag is set by another thread while the run trains; the run ends within one report interval
    of it (counted in steps, not seconds) and keeps what it learned."""
    prepared = data.prepare(california_table)
    stop, ready, go = threading.Event(), threading.Event(), threading.Event()
    box = {}

    class Handshake(Callback):  # holds the run at one report while the other thread sets the flag
        def on_report(self, trainer, epoch, batch, step, loss, **kw):
            if step >= 500 and "asked_at" not in box:
                box["asked_at"] = step
                ready.set()
                assert go.wait(30)

    def run():
        box["result"] = train(prepared, [Handshake(), StopOnEvent(stop)], epochs=200, report_every=10)

    worker = threading.Thread(target=run)
    worker.start()
    assert ready.wait(60)
    stop.set()
    go.set()
    worker.join(30)
    assert not worker.is_alive()
    result = box["result"]
    assert result.status == "stopped"
    assert box["asked_at"] <= result.steps <= box["asked_at"] + 10  # within one report interval (10 batches)
    # The weights learned so far are kept: far better than an untrained model.
    assert result.metrics["test_mae"] < 0.9 and result.state_dict["out.weight"].abs().sum() > 0


def test_a_callback_can_stop_early(diabetes_prepared):
    class EarlyStop(Callback):
        def on_epoch_end(self, trainer, record, **kw):
            if record["epoch"] == 2:
                raise StopTraining("early_stop")

    rec = Recorder()
    result = train(diabetes_prepared, [EarlyStop(), rec], epochs=10)
    assert result.status == "early_stop" and len(result.history) == 2
    assert rec.names("train_end")[0]["result"] is result


@pytest.mark.parametrize("optimizer,lr", [("adam", 10.0), ("sgd", 10.0)])
def test_divergence_ends_the_run_with_a_clear_error(diabetes_prepared, optimizer, lr):
    rec = Recorder()
    with pytest.raises(TrainingDiverged, match="Lower the learning rate") as info:
        train(diabetes_prepared, [rec], optimizer=optimizer, lr=lr, epochs=5)
    assert info.value.code == "diverged" and "diverged" in str(info.value)
    assert rec.names("train_end")  # cleanup still ran
    assert len(rec.names("epoch_end")) < 5


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"batch_size": 0}, {"lr": 0}, {"lr": -1}, {"lr": float("nan")},
                                    {"optimizer": "lbfgs"}, {"momentum": 1.5}, {"device": "tpu"}])
def test_bad_settings_are_clear_errors(diabetes_prepared, kwargs):
    with pytest.raises(ConfigError):
        Trainer(ModelConfig(n_features=diabetes_prepared.n_features), TrainConfig(**kwargs))


def test_cuda_requested_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ConfigError, match="CUDA"):
        Trainer(ModelConfig(n_features=3), TrainConfig(device="cuda"))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_run_matches_cpu_quality(diabetes_prepared):
    cpu = train(diabetes_prepared, epochs=5)
    gpu = train(diabetes_prepared, epochs=5, device="cuda")
    assert gpu.device.startswith("cuda")
    assert all(t.device.type == "cpu" for t in gpu.state_dict.values())  # results always come back on the CPU
    assert gpu.metrics["test_mae"] == pytest.approx(cpu.metrics["test_mae"], rel=0.15)


def test_a_seeded_run_with_dropout_repeats_in_one_process_and_leaves_the_callers_rng_alone(diabetes_prepared):
    """The command line trains in its own process, the app in a worker: the same seed gives the same model either
    way, dropout included, and training does not move the caller's random numbers."""
    model = ModelConfig(n_features=diabetes_prepared.n_features, hidden=(32,), dropout=0.3)
    config = TrainConfig(epochs=2, device="cpu", seed=5)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first = Trainer(model, config).fit(diabetes_prepared)
    assert torch.equal(torch.get_rng_state(), before)
    torch.rand(10)  # the caller's global RNG moves on between the two runs
    second = Trainer(model, config).fit(diabetes_prepared)
    assert first.metrics == second.metrics
    assert all(torch.equal(first.state_dict[k], second.state_dict[k]) for k in first.state_dict)
    other = Trainer(model, TrainConfig(epochs=2, device="cpu", seed=6)).fit(diabetes_prepared)
    assert other.metrics != first.metrics
