"""Many models at once: a sweep trains one member per learning rate (or weight decay, or seed) as one batched model;
each member's curve is the run trained alone (on the CPU bit for bit), and one that diverges is frozen while the
others go on."""

import pytest
import torch

from core import checkpoint, data
from core.errors import ConfigError
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer

HIDDEN = (16, 16)


def _sweep(prepared, sweep, values, **train):
    config = ModelConfig(n_features=prepared.n_features, hidden=HIDDEN, ensemble=len(values))
    return Trainer(config, TrainConfig(sweep=sweep, sweep_values=values, device="cpu", **train)).fit(prepared)


def _alone(prepared, **train):
    return Trainer(ModelConfig(n_features=prepared.n_features, hidden=HIDDEN),
                   TrainConfig(device="cpu", **train)).fit(prepared)


def test_each_rate_is_the_run_trained_alone_and_a_diverging_one_is_frozen(diabetes_prepared):
    rates = (1e-4, 1e-3, 1e-2, 10.0)
    swept = _sweep(diabetes_prepared, "lr", rates, epochs=4)
    for i, lr in enumerate(rates[:3]):
        alone = _alone(diabetes_prepared, epochs=4, lr=lr)
        curve = [h["members"][i]["test_mse"] for h in swept.history]
        assert curve == [h["test_mse"] for h in alone.history]  # the same curve, float for float
        if lr == 1e-2:  # the best member, kept: the very weights of the run alone
            assert all(torch.equal(swept.state_dict[k], t) for k, t in alone.state_dict.items())
    assert [h["members"][3]["diverged"] for h in swept.history] == [True] * 4  # lr 10 blew up in epoch 1
    assert all(m["test_mse"] is not None for m in swept.sweep[:3])  # the others went on
    assert swept.metrics["best_value"] == 1e-2 and swept.model_config["ensemble"] == 1  # the best one, alone


def test_a_seed_sweep_is_the_seeds_runs_and_the_best_member_is_saved_and_predicts(diabetes_prepared):
    swept = _sweep(diabetes_prepared, "seed", (3, 7), epochs=2)
    for i, seed in enumerate((3, 7)):
        alone = _alone(diabetes_prepared, epochs=2, seed=seed)
        assert swept.history[-1]["members"][i]["test_mae"] == pytest.approx(alone.metrics["test_mae"], rel=1e-4)
    saved = checkpoint.build(name="best", model_config=swept.model_config, train_config={},
                             prepared=diabetes_prepared, result=swept)
    predicted = Predictor(checkpoint.load(checkpoint.to_bytes(saved))).predict_frame(
        data.load_diabetes().frame.head(5)).predictions
    assert len(predicted) == 5 and torch.isfinite(torch.as_tensor(predicted)).all()


def test_a_weight_decay_sweep_with_a_validation_split_picks_by_validation():
    prepared = data.prepare(data.load_diabetes(), data.DataConfig(val_size=0.2))
    swept = _sweep(prepared, "weight_decay", (0.0, 0.5), epochs=3, optimizer="adamw", lr=0.01)
    best = swept.metrics["best_member"]
    kept_epoch = swept.metrics["best_epoch"]
    assert swept.history[kept_epoch - 1]["members"][best]["val_rmse"] == swept.metrics["val_rmse"]


@pytest.mark.parametrize("kw", [{"sweep": "lr", "sweep_values": (0.1,)}, {"sweep": "lr", "sweep_values": (0.0, 1.0)},
                                {"sweep": "momentum", "sweep_values": (0.1, 0.2)}])
def test_a_bad_sweep_is_a_clear_error(kw):
    with pytest.raises(ConfigError, match="2 to 8 values"):
        TrainConfig(**kw)


def test_a_sweep_needs_one_member_per_value(diabetes_prepared):
    with pytest.raises(ConfigError, match="set the ensemble to 3"):
        Trainer(ModelConfig(n_features=10), TrainConfig(sweep="lr", sweep_values=(1e-3, 1e-2, 0.1)))
