"""The recipe of issue 14, part by part: each does what its one-line explanation says, against scikit-learn or torch
as the reference where one exists."""

import math

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import QuantileTransformer, RobustScaler

from core import checkpoint, data
from core.errors import CheckpointError
from core.predict import Predictor
from core.training.model import MLP, ModelConfig
from core.training.presets import PRESETS, split
from core.training.trainer import TrainConfig, Trainer, config_dict


def _prepared(table, **settings):
    return data.prepare(table, data.DataConfig(**settings))


def _model(prepared, **kw):
    return ModelConfig(n_features=prepared.n_features, n_numeric=prepared.n_numeric, **kw)


@pytest.fixture(scope="module")
def california_recipe(california_table):
    return _prepared(california_table, val_size=0.2, feature_transform="quantile")


def test_a_validation_split_is_64_16_20_and_leaves_the_test_rows_alone(california_table, california_recipe):
    plain = _prepared(california_table)
    p = california_recipe
    n = len(california_table.frame)
    assert (len(p.X_train), len(p.X_val), len(p.X_test)) == (13209, 3303, 4128) and n == 20640
    assert p.info["n_val"] == 3303 and p.info["val_size"] == 0.2
    np.testing.assert_array_equal(p.y_test, plain.y_test)  # the same test rows as the lecture's 80/20 split
    assert plain.X_val is None and not plain.has_validation


def test_the_quantile_transform_is_scikit_learns_on_the_raw_training_values(california_table, california_recipe):
    frame = california_table.frame
    features = [c for c in frame.columns if c != california_table.target]
    rest, _ = train_test_split(frame, test_size=0.2, random_state=0)
    train, val = train_test_split(rest, test_size=0.2, random_state=0)
    reference = QuantileTransformer(output_distribution="normal", n_quantiles=1000, subsample=10**9,
                                    random_state=0).fit(train[features])
    np.testing.assert_allclose(california_recipe.X_train, reference.transform(train[features]), atol=2e-3)
    np.testing.assert_allclose(california_recipe.X_val, reference.transform(val[features]), atol=2e-3)
    skewed = features.index("Population")  # skewed in the raw data, a bell curve after the transform
    assert abs(np.median(california_recipe.X_train[:, skewed])) < 0.01
    assert california_recipe.X_train[:, skewed].std() == pytest.approx(1.0, abs=0.05)


def test_robust_scaling_squeezes_outliers_smoothly(california_table):
    p = _prepared(california_table, feature_transform="robust")
    frame = california_table.frame
    features = [c for c in frame.columns if c != california_table.target]
    train, _ = train_test_split(frame, test_size=0.2, random_state=0)
    x = RobustScaler().fit_transform(train[features])
    np.testing.assert_allclose(p.X_train, x / np.sqrt(1 + (x / 3) ** 2), atol=1e-4)
    occupancy = features.index("AveOccup")  # robust-scaled values up to ~700 on the training rows
    assert np.abs(x[:, occupancy]).max() > 500 and np.abs(p.X_train[:, occupancy]).max() < 3.0


def test_piecewise_linear_encoding_counts_the_bins_below_a_value():
    config = ModelConfig(n_features=2, n_numeric=1, hidden=(4,), embedding="piecewise", embedding_bins=4)
    model = MLP(config)
    model.embed.fit(np.array([[0.0, 1], [1, 0], [2, 1], [3, 0], [4, 1]]))  # edges at 0, 1, 2, 3, 4
    codes = model.embed.encode(torch.tensor([[2.5], [-1.0], [9.0]]))
    np.testing.assert_allclose(codes.numpy(), [[[1, 1, 0.5, 0]],  # two bins full, half the third
                                               [[-1, 0, 0, 0]],  # below the first edge: the first bin goes on
                                               [[1, 1, 1, 6]]])  # above the last: the last bin goes on
    assert model(torch.zeros(3, 2)).shape == (3, 1) and config.n_inputs == 16 + 1  # one-hot input passed through


def test_an_ensembles_members_learn_as_if_each_were_alone():
    single, ensemble = ModelConfig(n_features=3, hidden=(8,)), ModelConfig(n_features=3, hidden=(8,), ensemble=3)
    alone, together = MLP(single), MLP(ensemble)
    alone.reset_parameters(torch.Generator().manual_seed(0))
    together.reset_parameters(torch.Generator().manual_seed(0))  # member 0 is initialised as the single model
    x, y = torch.randn(10, 3), torch.randn(10, 1)
    torch.testing.assert_close(together(x), together.members(x).mean(0))  # predicts its members' mean
    torch.nn.functional.mse_loss(alone(x), y).backward()
    ((together.members(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()  # the trainer's ensemble loss
    torch.testing.assert_close(together.hidden[0].weight.grad[0], alone.hidden[0].weight.grad)
    torch.testing.assert_close(together.out.bias.grad[0, 0], alone.out.bias.grad)


def test_early_stopping_keeps_the_best_epoch(diabetes_table_recipe):
    p = diabetes_table_recipe
    trainer = Trainer(_model(p), TrainConfig(epochs=300, lr=0.01, patience=5, device="cpu"))
    result = trainer.fit(p)
    val = [h["val_rmse"] for h in result.history]
    best = int(np.argmin(val)) + 1
    assert len(result.history) == best + 5 < 300  # stopped five epochs after the best
    assert result.metrics["best_epoch"] == best and result.metrics["val_rmse"] == min(val)
    _, restored = trainer.evaluate(trainer._tensor(p.X_val), trainer._tensor(p.y_val), p.preprocessing["target"])
    assert math.sqrt(restored["test_mse"]) == pytest.approx(min(val), rel=1e-6)  # the best epoch's weights


@pytest.fixture(scope="module")
def diabetes_table_recipe():
    return _prepared(data.load_diabetes(), val_size=0.2, feature_transform="quantile")


def test_l1_drives_weights_towards_zero(diabetes_prepared):
    def weight_sum(l1):
        result = Trainer(_model(diabetes_prepared, hidden=(32,)), TrainConfig(epochs=20, l1=l1, device="cpu")) \
            .fit(diabetes_prepared)
        return sum(float(v.abs().sum()) for k, v in result.state_dict.items() if k.endswith("weight"))

    assert weight_sum(0.01) < 0.5 * weight_sum(0.0)


def test_clipping_bounds_every_step(diabetes_prepared):
    before = Trainer(_model(diabetes_prepared, hidden=(16,)), TrainConfig(device="cpu"))
    start = {k: v.clone() for k, v in before.model.state_dict().items()}
    config = TrainConfig(optimizer="sgd", momentum=0.0, lr=1.0, clip_grad=1e-3, max_steps=1, device="cpu")
    trainer = Trainer(_model(diabetes_prepared, hidden=(16,)), config)
    result = trainer.fit(diabetes_prepared)
    moved = math.sqrt(sum(float(((result.state_dict[k] - start[k]) ** 2).sum()) for k in start))
    assert 0 < moved <= 1e-3 * 1.0001  # one SGD step of lr 1 moves at most the clipped norm


def test_a_schedule_sets_each_steps_rate(diabetes_prepared):
    result = Trainer(_model(diabetes_prepared), TrainConfig(epochs=4, schedule="cosine", lr=0.01, device="cpu")) \
        .fit(diabetes_prepared)
    rates = [h["lr"] for h in result.history]
    assert rates[0] < 0.01 and all(a > b for a, b in zip(rates, rates[1:])) and rates[-1] < 1e-5


def test_the_strong_preset_trains_saves_and_predicts_with_its_transforms(diabetes_table_recipe, tmp_path):
    data_settings, model_settings, train_settings = split(PRESETS["strong"] | {"ensemble": 3, "epochs": 8})
    p = data.prepare(data.load_diabetes(), data.DataConfig(**data_settings))
    model_config = ModelConfig(**model_settings, n_features=p.n_features, n_numeric=p.n_numeric)
    train_config = TrainConfig(**train_settings, device="cpu")
    result = Trainer(model_config, train_config).fit(p)
    saved = checkpoint.build(name="strong", model_config=config_dict(model_config),
                             train_config=config_dict(train_config), prepared=p, result=result)
    loaded = checkpoint.load(checkpoint.to_bytes(saved))
    assert loaded["train_config"]["optimizer"] == "adamw" and loaded["model_config"]["ensemble"] == 3
    assert loaded["data"]["feature_transform"] == "quantile" and loaded["data"]["n_val"] == p.info["n_val"]
    table = data.load_diabetes().frame
    rest, test = train_test_split(table, test_size=0.2, random_state=0)
    predicted = Predictor(loaded).predict_frame(test).predictions
    np.testing.assert_allclose(predicted, result.predictions, rtol=1e-5)  # same transforms, same embeddings


def test_a_damaged_quantile_table_or_ensemble_is_refused_before_building(diabetes_table_recipe):
    p = diabetes_table_recipe
    config = _model(p, hidden=(8,), ensemble=2)
    result = Trainer(config, TrainConfig(max_steps=2, device="cpu")).fit(p)
    good = checkpoint.build(name="x", model_config=config_dict(config), train_config={}, prepared=p, result=result)
    checkpoint.validate(good)
    shuffled = {**good, "preprocessing": {**good["preprocessing"], "feature_transform": {
        **good["preprocessing"]["feature_transform"],
        "quantiles": good["preprocessing"]["feature_transform"]["quantiles"][::-1]}}}
    with pytest.raises(CheckpointError, match="damaged"):
        checkpoint.validate(shuffled)
    fewer = {**good, "model_config": {**good["model_config"], "ensemble": 3}}
    with pytest.raises(CheckpointError, match=r"hidden.0.weight: \[2, 8, 10\] \(config: \[3, 8, 10\]\)"):
        checkpoint.validate(fewer)


@pytest.mark.parametrize("embedding", ["none", "piecewise", "periodic"])
def test_each_ensemble_member_trains_as_the_single_run_of_its_own_seed(diabetes_prepared, embedding):
    p, kw = diabetes_prepared, {"hidden": (16, 16), "embedding": embedding, "embedding_bins": 8, "embedding_dim": 4}
    together = Trainer(_model(p, ensemble=3, **kw), TrainConfig(epochs=2, seed=5, device="cpu")).fit(p)
    for member in range(3):  # its own initial weights and its own shuffles: seed 5 + member
        alone = Trainer(_model(p, **kw), TrainConfig(epochs=2, seed=5 + member, device="cpu")).fit(p)
        for name in ("hidden.0.weight", "hidden.1.weight", "out.weight"):
            if embedding == "none":  # the very products nn.Linear makes (core/training/model.py): bit for bit
                assert torch.equal(together.state_dict[name][member], alone.state_dict[name]), name
            torch.testing.assert_close(together.state_dict[name][member], alone.state_dict[name],
                                       rtol=1e-4, atol=1e-5)
        for name in [k for k in alone.state_dict if k.startswith("embed.") and k != "embed.edges"]:
            torch.testing.assert_close(together.state_dict[name][member], alone.state_dict[name][0],
                                       rtol=1e-4, atol=1e-5)


def test_a_version_1_ensemble_checkpoint_loads_as_the_same_model(diabetes_table_recipe):
    """Version 1 held an ensemble's layer weights as (k, in, out): such a file, saved by an earlier app, still predicts
    what it predicted; one whose weights are not in that layout is refused, not misread."""
    p = diabetes_table_recipe
    config = _model(p, hidden=(8,), ensemble=2)
    result = Trainer(config, TrainConfig(max_steps=5, device="cpu")).fit(p)
    good = checkpoint.build(name="x", model_config=config_dict(config), train_config={}, prepared=p, result=result)
    old_layout = {name: t.transpose(1, 2).contiguous() if name.endswith("weight") else t
                  for name, t in good["state_dict"].items()}
    old = checkpoint.load(checkpoint.to_bytes({**good, "version": 1, "state_dict": old_layout}))
    x = torch.as_tensor(p.X_test, dtype=torch.float32)
    with torch.no_grad():
        assert torch.equal(checkpoint.build_model(old)(x), checkpoint.build_model(checkpoint.load(
            checkpoint.to_bytes(good)))(x))
    with pytest.raises(CheckpointError, match=r"hidden.0.weight: \[2, 10, 8\] \(config: \[2, 8, 10\]\)"):
        checkpoint.load(checkpoint.to_bytes({**good, "version": 1}))
