"""The network view's figures (issue 15), each checked against torch computing it directly, and the vanishing-
gradients lesson."""

import numpy as np
import pytest
import torch

from core import data
from core.data.toy import ToyConfig, load_toy
from core.lessons.gradients import DepthConfig, compare
from core.training import events
from core.training.callbacks import Callback
from core.training.model import MLP, ModelConfig
from core.training.probe import DIAGRAM_UNITS, PROBE_ROWS, Probe, gradient_ratio
from core.training.run import Job, execute
from core.training.trainer import TrainConfig, Trainer


@pytest.fixture(scope="module")
def moons():
    return data.prepare(load_toy(ToyConfig(name="moons")))


def _one_step(model, X, y):
    """One Adam step on a batch with the probe's before/after around it, as the trainer does on a report step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    probe = Probe(model, X)
    loss = torch.nn.functional.cross_entropy(model(X[:32]), y[:32])
    loss.backward()
    before = [p.detach().clone() for p in (model.hidden[0].weight, model.hidden[1].weight, model.out.weight)]
    probe.before_step()
    optimizer.step()
    return probe.snapshot(), before


def test_each_layers_figures_are_torchs_own():
    torch.manual_seed(0)
    model = MLP(ModelConfig(n_features=2, hidden=(12, 6), n_outputs=2))
    X, y = torch.randn(300, 2), torch.randint(0, 2, (300,))
    snapshot, before = _one_step(model, X, y)
    layers = [model.hidden[0], model.hidden[1], model.out]
    rows = X[:PROBE_ROWS]
    with torch.no_grad():
        h1 = torch.relu(layers[0](rows))
        h2 = torch.relu(layers[1](h1))
        outs = [h1, h2, layers[2](h2)]
    for figures, layer, w0, out in zip(snapshot["layers"], layers, before, outs):
        w = layer.weight.detach()
        assert figures["weight_norm"] == pytest.approx(float(torch.linalg.norm(w)), rel=1e-5)
        assert figures["grad_norm"] == pytest.approx(float(torch.linalg.norm(layer.weight.grad)), rel=1e-5)
        assert figures["update_ratio"] == pytest.approx(float((w - w0).norm() / w.norm()), rel=1e-4)
        assert figures["act_mean"] == pytest.approx(float(out.mean()), abs=1e-6)
        assert figures["act_std"] == pytest.approx(float(out.std(unbiased=False)), rel=1e-4)
        np.testing.assert_allclose(figures["weight"], w.numpy(), rtol=1e-6)  # (out, in), as nn.Linear holds it
    for figures, out in zip(snapshot["layers"][:2], outs[:2]):
        assert figures["dead"] == pytest.approx(float((out.amax(0) <= 0).float().mean()))
    assert snapshot["layers"][-1]["dead"] is None  # the output layer has no ReLU
    assert snapshot["units"][0] == pytest.approx(rows[0].tolist())  # the diagram: the row, then every layer's units
    assert [len(u) for u in snapshot["units"]] == [2, 12, 6, 2]


def test_a_wide_net_sends_no_diagram_and_no_large_matrix():
    model = MLP(ModelConfig(n_features=8, hidden=(128, 128)))
    snapshot = Probe(model, torch.randn(100, 8)).snapshot()
    assert "units" not in snapshot and 128 > DIAGRAM_UNITS
    assert ["weight" in layer for layer in snapshot["layers"]] == [True, False, True]  # 8×128 and 128×1 are small
    assert snapshot["layers"][0]["grad_norm"] == 0 and snapshot["layers"][0]["update_ratio"] is None  # no step yet


def test_an_ensembles_view_is_its_first_members():
    torch.manual_seed(1)
    batched = MLP(ModelConfig(n_features=3, hidden=(5,), n_outputs=1, ensemble=3))
    batched.reset_parameters()  # BatchedLinear starts empty: the trainer initialises every member
    X = torch.randn(50, 3)
    mine = Probe(batched, X).snapshot()
    alone = Probe(batched.member(0), X).snapshot()
    for a, b in zip(mine["layers"], alone["layers"]):
        for key in ("weight_norm", "act_mean", "act_std"):
            assert a[key] == pytest.approx(b[key], rel=1e-5, abs=1e-7)
        assert a["dead"] == b["dead"]
        np.testing.assert_allclose(a["weight"], b["weight"], rtol=1e-6)


class _Reports(Callback):
    def __init__(self):
        self.reports = []

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.reports.append({"epoch": epoch, "batch": batch, **kw})


def test_watching_changes_nothing_the_run_learns_and_every_epoch_ends_with_a_snapshot(moons):
    model = ModelConfig(**moons.shape, hidden=(8, 8))
    plain = Trainer(model, TrainConfig(device="cpu", epochs=3, seed=3)).fit(moons)
    seen = _Reports()
    watched = Trainer(model, TrainConfig(device="cpu", epochs=3, seed=3, watch=True), [seen]).fit(moons)
    assert [r["test_log_loss"] for r in watched.history] == [r["test_log_loss"] for r in plain.history]
    for key, tensor in plain.state_dict.items():
        assert torch.equal(tensor, watched.state_dict[key])
    ends = [r for r in seen.reports if r["batch"] == max(s["batch"] for s in seen.reports)]
    assert len(ends) == 3 and all("network" in r for r in ends)


def test_the_worker_streams_the_view_and_the_pool_keeps_figures_without_matrices(moons):
    emitted = []
    job = Job(moons, ModelConfig(**moons.shape, hidden=(4, 4)), TrainConfig(device="cpu", epochs=2, watch=True))
    execute(job, emitted.append)
    watched = [e for e in emitted if e["event"] == events.REPORT and "network" in e]
    assert len(watched) >= 2 and "weight" in watched[-1]["network"]["layers"][0]
    figures = events.network_figures(watched[-1])
    assert figures["step"] == watched[-1]["step"] and "weight" not in figures["layers"][0]
    assert set(figures["layers"][0]) == set(events.NETWORK_FIGURES)


def test_eight_sigmoid_layers_starve_the_first_layer_and_relu_does_not(moons):
    result = compare(moons, DepthConfig(depth=8, epochs=1))
    assert result["sigmoid"]["ratio"] < 1e-2  # (1/4)^8 ≈ 1.5e-5 at most, through eight sigmoids
    assert result["relu"]["ratio"] > 1e-1
    assert len(result["sigmoid"]["grad_norms"]) == 9  # eight hidden layers and the output layer
    assert result["sigmoid"]["ratio"] == pytest.approx(
        result["sigmoid"]["grad_norms"][0] / result["sigmoid"]["grad_norms"][-1])
    assert gradient_ratio({"layers": [{"grad_norm": 1.0}, {"grad_norm": 0.0}]}) != gradient_ratio(
        {"layers": [{"grad_norm": 1.0}, {"grad_norm": 0.0}]})  # NaN when the last layer has no gradient
