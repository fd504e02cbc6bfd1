"""Classification (issue 15): the task chosen from the target, the 2-D teaching sets, cross-entropy training checked
against scikit-learn's metrics, the Palmer penguins as their package ships them, checkpoints and prediction."""

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import accuracy_score, log_loss

from core import checkpoint, data
from core.cli import main
from core.data.task import MAX_CLASSES
from core.data.toy import TOYS, ToyConfig, generate, load_toy
from core.errors import CheckpointError, DataError
from core.predict import Predictor
from core.training.baselines import baselines
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict

PENGUINS = Path(__import__("palmerpenguins").__file__).parent / "data" / "penguins.csv"  # as the package ships it
PENGUIN_FEATURES_LEFT_OUT = ("body_mass_g", "sex", "year")  # three measurements and the island remain


def fit(prepared, **train):
    model = ModelConfig(**prepared.shape)
    return Trainer(model, TrainConfig(device="cpu", **train)).fit(prepared), model


@pytest.mark.parametrize("name, at_least", [("moons", 0.97), ("circles", 0.97), ("xor", 0.95)])
def test_the_teaching_sets_reach_their_accuracy_quickly_at_the_default_settings(name, at_least):
    prepared = data.prepare(load_toy(ToyConfig(name=name, samples=1000, noise=0.1)))
    started = time.perf_counter()
    result, _ = fit(prepared)
    assert result.metrics["test_accuracy"] >= at_least
    assert time.perf_counter() - started < 30  # the 10 s is measured in bench/bench_classify.py; this: no hang


def test_teaching_sets_are_seeded_two_classes_of_the_asked_size():
    for name in TOYS:
        X, y = generate(ToyConfig(name=name, samples=300, seed=4))
        again, _ = generate(ToyConfig(name=name, samples=300, seed=4))
        other, _ = generate(ToyConfig(name=name, samples=300, seed=5))
        assert X.shape == (300, 2) and set(y) == {0, 1} and np.array_equal(X, again) and not np.array_equal(X, other)
        assert np.abs(X).max() < 4  # every set lies in the plane the page draws, about ±1.5
    with pytest.raises(DataError, match="Noise"):
        generate(ToyConfig(noise=3))
    with pytest.raises(DataError, match="40 to 100,000"):
        generate(ToyConfig(samples=5))


def test_the_log_loss_and_accuracy_are_scikit_learns_on_the_returned_probabilities():
    prepared = data.prepare(load_toy(ToyConfig(name="gaussians", noise=0.5)))
    result, _ = fit(prepared, epochs=3)
    probabilities = np.array(result.probabilities, dtype=np.float64)
    probabilities /= probabilities.sum(1, keepdims=True)  # float32 sums to 1 within 1e-7; log_loss wants exactly
    assert probabilities.shape == (len(prepared.y_test), 2)
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-6)
    y = prepared.y_test.astype(int)
    assert result.metrics["test_log_loss"] == pytest.approx(log_loss(y, probabilities, labels=[0, 1]), rel=1e-5)
    assert result.metrics["test_accuracy"] == pytest.approx(accuracy_score(y, result.predictions))
    assert result.history[-1]["test_log_loss"] == pytest.approx(result.metrics["test_log_loss"])
    assert "test_mse" not in result.metrics  # no regression figures on classes


def test_the_training_loss_is_torchs_cross_entropy_of_the_model():
    prepared = data.prepare(load_toy(ToyConfig(name="moons")))
    result, model_config = fit(prepared, epochs=1, batch_size=len(prepared.y_train), lr=1e-9)  # one step, barely moves
    from core.training.model import MLP

    model = MLP(model_config)
    model.load_state_dict(result.with_tensors().state_dict)
    with torch.no_grad():
        logits = model(torch.from_numpy(prepared.X_train))
    expected = torch.nn.CrossEntropyLoss()(logits, torch.from_numpy(prepared.y_train).long())
    assert result.history[0]["train_loss"] == pytest.approx(float(expected), rel=1e-4)


@pytest.fixture(scope="module")
def penguins():
    return data.load(str(PENGUINS), "species")


def test_penguin_species_from_three_measurements_and_the_island_matches_logistic_regression(penguins):
    prepared = data.prepare(penguins, data.DataConfig(exclude=PENGUIN_FEATURES_LEFT_OUT))
    assert prepared.task == "classify" and prepared.classes == ["Adelie", "Chinstrap", "Gentoo"]
    assert prepared.features == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "island"]
    result, _ = fit(prepared)
    logistic = next(b for b in baselines(prepared) if b["name"] == "logistic")
    assert result.metrics["test_accuracy"] >= logistic["test_accuracy"] - 0.02
    majority = next(b for b in baselines(prepared) if b["name"] == "majority")
    assert majority["test_accuracy"] == pytest.approx(np.mean(prepared.y_test == 0))  # Adelie, the largest class


def test_the_split_keeps_each_class_share(penguins):
    prepared = data.prepare(penguins, data.DataConfig(exclude=PENGUIN_FEATURES_LEFT_OUT, val_size=0.2))
    shares = [np.bincount(y.astype(int), minlength=3) / len(y) for y in
              (prepared.y_train, prepared.y_val, prepared.y_test)]
    for share in shares[1:]:
        np.testing.assert_allclose(share, shares[0], atol=0.03)
    assert prepared.info["class_counts"] == dict(zip(prepared.classes, np.bincount(prepared.y_train.astype(int))))


def test_a_boolean_target_csv_trains_as_a_binary_classifier(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    path = tmp_path / "churn.csv"
    pd.DataFrame({"tenure": x[:, 0], "calls": x[:, 1], "churned": np.where(x.sum(1) > 0, "true", "false")}).to_csv(
        path, index=False)
    prepared = data.prepare(data.load(str(path), "churned"))
    assert prepared.task == "classify" and prepared.classes == ["False", "True"]
    result, model = fit(prepared, epochs=5)
    assert model.n_outputs == 2 and result.metrics["test_accuracy"] > 0.9


@pytest.mark.parametrize("values, task", [
    (["red", "green", "blue"] * 10, "classify"),  # text
    ([1, 2, 3, 4, 5] * 6, "classify"),  # a rating: few whole numbers
    (list(range(30)), "regress"),  # many whole numbers: a quantity
    ([0.5, 1.5, 2.25] * 10, "regress"),  # fractions
])
def test_auto_chooses_the_task_from_the_target(values, task):
    frame = pd.DataFrame({"x": np.linspace(0, 1, len(values)) ** 2, "y": values})
    assert data.prepare(data.Table(frame=frame, target="y", name="t")).task == task


def test_a_classifier_refuses_a_target_with_too_many_classes_and_a_regressor_refuses_text():
    frame = pd.DataFrame({"x": np.arange(200) ** 2.0, "y": np.arange(200) * 0.5})
    with pytest.raises(DataError, match=f"at most {MAX_CLASSES} classes"):
        data.prepare(data.Table(frame=frame, target="y", name="t"), data.DataConfig(task="classify"))
    frame["y"] = ["a", "b"] * 100
    with pytest.raises(DataError, match="not numeric"):
        data.prepare(data.Table(frame=frame, target="y", name="t"), data.DataConfig(task="regress"))


def test_an_imbalanced_target_is_reported_with_the_majority_share():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=500), "fraud": ["no"] * 460 + ["yes"] * 40})
    prepared = data.prepare(data.Table(frame=frame, target="fraud", name="t"))
    warning = next(w for w in prepared.report["warnings"] if w["code"] == "imbalanced")
    assert warning["label"] == "no" and warning["fraction"] == pytest.approx(0.92, abs=0.01)
    assert "92% of the training rows are 'no'" in warning["message"]


def test_early_stopping_and_an_ensemble_work_on_classes():
    prepared = data.prepare(load_toy(ToyConfig(name="spiral", noise=0.05)), data.DataConfig(val_size=0.2))
    model = ModelConfig(**prepared.shape, ensemble=3)
    result = Trainer(model, TrainConfig(device="cpu", epochs=30, patience=3, batch_size=64, lr=3e-3)).fit(prepared)
    best = min(result.history, key=lambda r: r["val_log_loss"])
    assert result.metrics["best_epoch"] == best["epoch"]
    assert result.metrics["val_log_loss"] == pytest.approx(best["val_log_loss"])
    assert "val_accuracy" in result.history[0]
    assert result.metrics["test_accuracy"] > 0.8


def test_a_classifier_checkpoint_predicts_the_trainers_probabilities(tmp_path):
    prepared = data.prepare(load_toy(ToyConfig(name="circles")))
    result, model = fit(prepared, epochs=3)
    saved = checkpoint.save(checkpoint.build(name="circles", model_config=config_dict(model),
                                             train_config=config_dict(TrainConfig()), prepared=prepared,
                                             result=result))
    predictor = Predictor.from_file(saved)
    scaling = prepared.preprocessing["numeric"]  # the test rows' raw values: standard scaling undone
    rows = pd.DataFrame({c["name"]: prepared.X_test[:, j] * c["scale"] + c["mean"] for j, c in enumerate(scaling)})
    report = predictor.predict_frame(rows)
    np.testing.assert_allclose(report.probabilities, result.probabilities, atol=1e-5)
    table = report.frame(rows, "predicted_class")
    assert list(table.columns[-4:]) == ["predicted_class", "probability_0", "probability_1", "note"]
    assert list(table["predicted_class"]) == [prepared.classes[i] for i in np.argmax(result.probabilities, 1)]


def test_a_checkpoint_whose_classes_do_not_fit_its_outputs_is_refused(tmp_path):
    prepared = data.prepare(load_toy(ToyConfig(name="xor")))
    result, model = fit(prepared, epochs=1)
    saved = checkpoint.build(name="xor", model_config=config_dict(model), train_config=config_dict(TrainConfig()),
                             prepared=prepared, result=result)
    saved["preprocessing"]["target"]["classes"] = ["0", "1", "2"]
    path = tmp_path / "edited.pt"
    path.write_bytes(checkpoint.to_bytes(saved))
    with pytest.raises(CheckpointError):
        checkpoint.load(path)


def test_the_cli_trains_a_teaching_set_and_reports_classes(tmp_path, capsys):
    assert main(["train", "--dataset", "moons", "--noise", "0.2", "--samples", "400", "--epochs", "5", "--quiet",
                 "--json", "--name", "m"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["task"] == "classify" and out["classes"] == ["0", "1"] and out["n_train"] + out["n_test"] == 400
    assert 0.5 < out["test_accuracy"] <= 1 and out["test_log_loss"] > 0
    assert sum(map(sum, out["confusion"])) == out["n_test"]
    assert [b["name"] for b in out["baselines"]] == ["majority", "logistic", "hgb"]
    assert main(["predict", "--checkpoint", "m", "--values", "x1=1.0", "x2=-0.4", "--json"]) == 0
    predicted = json.loads(capsys.readouterr().out)
    assert predicted["prediction"] in ("0", "1") and sum(predicted["probabilities"].values()) == pytest.approx(1)


def test_the_cli_forces_a_task(tmp_path, capsys):
    frame = pd.DataFrame({"x": np.linspace(0, 3, 120), "grade": [1, 2, 3] * 40})
    path = tmp_path / "grades.csv"
    frame.to_csv(path, index=False)
    for task, expected in (("auto", "classify"), ("regress", "regress")):
        assert main(["train", "--dataset", str(path), "--target", "grade", "--task", task, "--epochs", "1",
                     "--quiet", "--json", "--no-baselines"]) == 0
        assert json.loads(capsys.readouterr().out)["task"] == expected


def test_the_predict_pages_loading_code_runs_and_names_the_class(tmp_path, capsys, monkeypatch):
    from core.predict import loading_code

    prepared = data.prepare(load_toy(ToyConfig(name="moons")))
    result, model = fit(prepared, epochs=3)
    saved = checkpoint.build(name="m", model_config=config_dict(model), train_config=config_dict(TrainConfig()),
                             prepared=prepared, result=result)
    (tmp_path / "m.pt").write_bytes(checkpoint.to_bytes(saved))
    monkeypatch.chdir(tmp_path)
    code = loading_code("m", saved["model_config"], "class", {"x1": 1.0, "x2": -0.5}, prepared.classes)
    exec(compile(code, "loading_code", "exec"), {})
    chosen = capsys.readouterr().out.split()[0]
    expected = Predictor(saved).predict_one({"x1": 1.0, "x2": -0.5})[1].labels()[0]
    assert chosen == expected
