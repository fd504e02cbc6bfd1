"""The microscope against references: autograd for the gradients, plain torch.optim for the updates, the trainer
for the steps themselves."""

import copy
import math
from dataclasses import asdict

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from core.errors import ConfigError
from core.lessons.microscope import PHASES, Microscope, StepTrace
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer


def scope(prepared, **kw):
    return Microscope(prepared, ModelConfig(n_features=prepared.n_features, hidden=(16, 8)), TrainConfig(**kw))


def batch(prepared, rows):
    """The rows' inputs and standardised targets, from the prepared arrays themselves."""
    t = prepared.preprocessing["target"]
    xb = torch.as_tensor(prepared.X_train[rows], dtype=torch.float32)
    yb = torch.as_tensor((prepared.y_train[rows] - t["mean"]) / t["scale"], dtype=torch.float32).unsqueeze(1)
    return xb, yb


def reference_grads(model, xb, yb) -> dict:
    """Each parameter's gradient of the batch's MSE, by torch.autograd.grad on a copy of the model."""
    twin = copy.deepcopy(model)
    names, params = zip(*twin.named_parameters())
    return dict(zip(names, torch.autograd.grad(F.mse_loss(twin(xb), yb), params)))


def test_backward_gives_autograds_gradients(diabetes_prepared):
    ms = scope(diabetes_prepared)
    before = copy.deepcopy(ms.model)
    trace = ms.step(zero_grad=False)  # leaves .grad in place to compare in full
    ref = reference_grads(before, *batch(diabetes_prepared, trace.forward.rows))
    names = [name for name, _ in ms.model.named_parameters()]
    assert [g.name for g in trace.backward.params] == names == ["hidden.0.weight", "hidden.0.bias",
                                                                "hidden.1.weight", "hidden.1.bias",
                                                                "out.weight", "out.bias"]
    for (name, p), g in zip(ms.model.named_parameters(), trace.backward.params):
        torch.testing.assert_close(p.grad, ref[name])
        assert g.shape == list(ref[name].shape)
        assert g.norm == pytest.approx(float(ref[name].norm()), rel=1e-5)
        torch.testing.assert_close(torch.tensor(g.values), ref[name].flatten()[:5])
        assert g.own_norm == g.norm and g.own_values == g.values and g.previous_norm == 0.0
    assert not trace.backward.accumulated
    assert trace.backward.total_norm == pytest.approx(math.sqrt(sum(float(r.norm()) ** 2 for r in ref.values())))


def test_forward_and_loss_in_both_units(diabetes_prepared):
    ms = scope(diabetes_prepared, batch_size=20)
    before = copy.deepcopy(ms.model)
    trace = ms.step()
    rows, t = trace.forward.rows, diabetes_prepared.preprocessing["target"]
    xb, yb = batch(diabetes_prepared, rows)
    with torch.no_grad():
        pred = before(xb)
    assert trace.forward.inputs_shape == [20, diabetes_prepared.n_features] and trace.forward.outputs_shape == [20, 1]
    assert len(rows) == 20 == len(set(rows))
    torch.testing.assert_close(torch.tensor(trace.forward.predictions_scaled), pred[:5, 0])
    torch.testing.assert_close(torch.tensor(trace.forward.predictions), pred[:5, 0] * t["scale"] + t["mean"])
    assert trace.forward.targets == pytest.approx(diabetes_prepared.y_train[rows[:5]].tolist(), rel=1e-5)
    assert trace.loss.value == pytest.approx(float(F.mse_loss(pred, yb)), rel=1e-5)
    in_units = pred[:, 0] * t["scale"] + t["mean"] - torch.as_tensor(diabetes_prepared.y_train[rows])
    assert trace.loss.value_units == pytest.approx(float((in_units**2).mean()), rel=1e-4)
    assert trace.loss.finite and trace.loss.target_scale == t["scale"]


@pytest.mark.parametrize("optimizer, lr, momentum", [("adam", 1e-3, 0.9), ("sgd", 1e-2, 0.9), ("sgd", 1e-2, 0.0)])
def test_step_is_the_reference_optimizers_update(diabetes_prepared, optimizer, lr, momentum):
    ms = scope(diabetes_prepared, optimizer=optimizer, lr=lr, momentum=momentum)
    twin = copy.deepcopy(ms.model)
    if optimizer == "adam":
        ref = torch.optim.Adam(twin.parameters(), lr=lr)
    else:
        ref = torch.optim.SGD(twin.parameters(), lr=lr, momentum=momentum)
    for _ in range(3):
        trace = ms.step()
        old = [p.detach().clone() for p in twin.parameters()]  # (a copy: the step changes them in place)
        ref.zero_grad()
        xb, yb = batch(diabetes_prepared, trace.forward.rows)
        F.mse_loss(twin(xb), yb).backward()
        ref.step()
        for p, q, o, u in zip(ms.model.parameters(), twin.parameters(), old, trace.update.params):
            torch.testing.assert_close(p, q)
            q = q.detach()
            assert u.update_norm == pytest.approx(float((q - o).norm()), rel=1e-4, abs=1e-9)
            assert u.max_abs_change == pytest.approx(float((q - o).abs().max()), rel=1e-4, abs=1e-9)
            assert u.before == pytest.approx(o.flatten()[:5].tolist())
            assert u.after == pytest.approx(q.flatten()[:5].tolist())
            assert u.change == pytest.approx([a - b for a, b in zip(u.after, u.before)], abs=1e-7)
        if optimizer == "sgd" and momentum == 0.0:  # plain SGD: the change is exactly −lr × gradient
            for u, g in zip(trace.update.params, trace.backward.params):
                assert u.change == pytest.approx([-lr * v for v in g.values], rel=1e-3, abs=1e-8)
    assert trace.update.optimizer == optimizer and trace.update.lr == lr


def test_with_zero_grad_each_step_sees_only_its_own_batch(diabetes_prepared):
    ms = scope(diabetes_prepared)
    first = ms.step(zero_grad=True)
    assert first.zero_grad.called and first.zero_grad.cleared and first.zero_grad.kept_norm == 0.0
    assert all(p.grad is None or not p.grad.any() for p in ms.model.parameters())
    before = copy.deepcopy(ms.model)
    second = ms.step(zero_grad=False)
    ref = reference_grads(before, *batch(diabetes_prepared, second.forward.rows))
    for name, p in ms.model.named_parameters():
        torch.testing.assert_close(p.grad, ref[name])
    assert not second.backward.accumulated
    assert all(g.previous_norm == 0.0 and g.own_norm == g.norm for g in second.backward.params)


def test_without_zero_grad_gradients_accumulate(diabetes_prepared):
    ms = scope(diabetes_prepared)
    model_1 = copy.deepcopy(ms.model)
    first = ms.step(zero_grad=False)
    g1 = reference_grads(model_1, *batch(diabetes_prepared, first.forward.rows))
    assert not first.zero_grad.called and not first.zero_grad.cleared
    assert first.zero_grad.kept_norm == pytest.approx(first.backward.total_norm)

    model_2 = copy.deepcopy(ms.model)  # the weights after the first step: the second batch's gradient is taken here
    second = ms.step(zero_grad=False)
    g2 = reference_grads(model_2, *batch(diabetes_prepared, second.forward.rows))
    assert second.backward.accumulated
    for (name, p), g in zip(ms.model.named_parameters(), second.backward.params):
        torch.testing.assert_close(p.grad, g1[name] + g2[name])
        assert g.norm == pytest.approx(float((g1[name] + g2[name]).norm()), rel=1e-5)
        assert g.own_norm == pytest.approx(float(g2[name].norm()), rel=1e-4, abs=1e-7)
        assert g.previous_norm == pytest.approx(float(g1[name].norm()), rel=1e-5)
        torch.testing.assert_close(torch.tensor(g.own_values), g2[name].flatten()[:5], rtol=1e-4, atol=1e-6)
    assert second.backward.own_total_norm != pytest.approx(second.backward.total_norm, rel=1e-3)

    third = ms.step(zero_grad=True)  # zero_grad again: this step still adds to both, then clears
    assert third.backward.accumulated and third.zero_grad.cleared
    assert ms.history[-1]["zero_grad"] and not ms.history[0]["zero_grad"]


def test_the_same_seed_gives_the_same_steps(diabetes_prepared):
    def run(seed):
        ms = scope(diabetes_prepared, seed=seed)
        return [asdict(ms.step(zero_grad=z)) for z in (True, False, True)], ms.model.state_dict()

    (a, wa), (b, wb), (c, _) = run(3), run(3), run(4)
    assert a == b
    torch.testing.assert_close(wa, wb, rtol=0, atol=0)
    assert a[0]["forward"]["rows"] != c[0]["forward"]["rows"]
    assert a[0]["update"]["params"][0]["before"] != c[0]["update"]["params"][0]["before"]


def test_its_steps_are_the_trainers_steps(diabetes_prepared):
    config = ModelConfig(n_features=diabetes_prepared.n_features, hidden=(16, 8))
    result = Trainer(config, TrainConfig(device="cpu", epochs=1, max_steps=3, seed=2)).fit(diabetes_prepared)
    ms = Microscope(diabetes_prepared, config, TrainConfig(seed=2))
    for _ in range(3):
        ms.step()
    torch.testing.assert_close(ms.model.state_dict(), result.state_dict)


@pytest.mark.parametrize("batch_size", [100, 20])
def test_counters_roll_over_after_an_epoch(diabetes_prepared, batch_size):
    ms = scope(diabetes_prepared, batch_size=batch_size)
    n = len(diabetes_prepared.y_train)
    batches = math.ceil(n / batch_size)
    traces = [ms.step() for _ in range(batches + 1)]
    assert [(t.step, t.epoch, t.batch) for t in traces] == \
        [(i + 1, 1, i + 1) for i in range(batches)] + [(batches + 1, 2, 1)]
    assert [t.epoch_end for t in traces] == [False] * (batches - 1) + [True, False]
    epoch_rows = [r for t in traces[:batches] for r in t.forward.rows]
    assert sorted(epoch_rows) == list(range(n))  # an epoch: every training row exactly once
    assert len(traces[batches - 1].forward.rows) == n - (batches - 1) * batch_size
    assert traces[batches].forward.rows != epoch_rows[:batch_size]  # a new shuffle for the new epoch
    assert [(h["step"], h["epoch"], h["batch"]) for h in ms.history] == [(t.step, t.epoch, t.batch) for t in traces]
    assert ms.vocabulary()["epochs_taken"] == pytest.approx((batches + 1) / batches)


def test_vocabulary_matches_the_data(diabetes_prepared):
    p = diabetes_prepared
    v = scope(p, batch_size=20).vocabulary()
    assert v["X_train"] == list(p.X_train.shape) and v["X_test"] == list(p.X_test.shape)
    assert v["y_train"] == list(p.y_train.shape) and v["y_test"] == list(p.y_test.shape)
    n = len(p.y_train)
    assert v["n_train"] == n == v["rows_per_epoch"] and v["n_test"] == len(p.y_test)
    assert v["batches_per_epoch"] == math.ceil(n / 20) == v["steps_per_epoch"]
    assert v["full_batches"] * 20 + (v["last_batch_size"] if n % 20 else 0) == n
    assert v["xb"] == [20, p.n_features] and v["yb"] == [20, 1]
    assert v["steps_taken"] == 0 and v["epochs_taken"] == 0 and v["target"] == "progression"


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("zero_grad", [True, False])
def test_code_is_the_step_it_describes(diabetes_prepared, optimizer, zero_grad):
    ms = scope(diabetes_prepared, optimizer=optimizer)
    ms.step(zero_grad=False)  # gradients and optimizer state already in play
    source = ms.code(zero_grad)
    compile(source, "<microscope>", "exec")
    for line in PHASES.values():
        assert line in source
    assert ("\noptimizer.zero_grad()" in source) == zero_grad
    if not zero_grad:
        assert "# optimizer.zero_grad()" in source and "pile up" in source
    assert ("torch.optim.Adam" if optimizer == "adam" else "torch.optim.SGD") in source

    model, optim = copy.deepcopy((ms.model, ms.optimizer))  # optimizer state included; .grad is not copied
    for p, q in zip(ms.model.parameters(), model.parameters()):
        q.grad = p.grad.clone()
    trace: StepTrace = ms.step(zero_grad)
    X, y = batch(diabetes_prepared, list(range(len(diabetes_prepared.y_train))))
    exec(source, {"model": model, "optimizer": optim, "loss_fn": nn.MSELoss(), "X": X, "y": y,
                  "rows": torch.tensor(trace.forward.rows)})
    for p, q in zip(ms.model.parameters(), model.parameters()):
        torch.testing.assert_close(p, q)
        assert (p.grad is None) == (q.grad is None) == zero_grad
        if not zero_grad:
            torch.testing.assert_close(p.grad, q.grad)


def test_settings_a_learner_can_get_wrong_are_messages(diabetes_prepared):
    p = diabetes_prepared
    for kw in ({"optimizer": "rmsprop"}, {"lr": 0.0}, {"lr": float("nan")}, {"batch_size": 0}, {"momentum": 1.0}):
        with pytest.raises(ConfigError):
            scope(p, **kw)
    with pytest.raises(ConfigError, match="features"):
        Microscope(p, ModelConfig(n_features=p.n_features + 1))


def test_a_batch_larger_than_the_data_is_one_batch_an_epoch(diabetes_prepared):
    ms = scope(diabetes_prepared, batch_size=10_000)
    a, b = ms.step(), ms.step()
    assert (a.epoch, a.batch, a.epoch_end, b.epoch) == (1, 1, True, 2)
    assert len(a.forward.rows) == len(diabetes_prepared.y_train) == ms.vocabulary()["xb"][0]
    assert f"xb ({len(diabetes_prepared.y_train)}, " in ms.code()


def test_the_step_code_reads_in_korean_and_stays_python(diabetes_prepared):
    from dashboard.i18n import translate

    scope = Microscope(diabetes_prepared, ModelConfig(n_features=diabetes_prepared.n_features, hidden=(16, 8)),
                       TrainConfig(optimizer="sgd"))
    for zero_grad in (True, False):
        korean = scope.code(zero_grad, say=lambda template, **params: translate(template, "ko", **params))
        english = scope.code(zero_grad)
        assert "순전파" in korean and "변화도" in korean and "forward:" not in korean
        code = [[line.split("  #")[0] for line in text.splitlines() if not line.startswith("# ")]
                for text in (korean, english)]
        assert code[0] == code[1]  # the code itself is the same
        compile(korean, "step.py", "exec")
