"""Baselines: scikit-learn's mean predictor, linear regression and gradient-boosted trees on the app's split."""

import math

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error

from core import data
from core.training.baselines import baselines

FIELDS = {"name", "label", "test_mae", "test_rmse", "test_r2", "seconds"}


@pytest.fixture(scope="module")
def diabetes_rows(diabetes_prepared):
    return baselines(diabetes_prepared)


def test_each_baseline_reports_every_field(diabetes_rows):
    assert [row["name"] for row in diabetes_rows] == ["mean", "linear", "hgb"]
    assert [row["label"] for row in diabetes_rows] == ["Mean predictor", "Linear regression",
                                                       "Gradient-boosted trees"]
    for row in diabetes_rows:
        assert set(row) == FIELDS
        assert all(isinstance(row[k], float) and math.isfinite(row[k]) for k in FIELDS - {"name", "label"})
        assert row["seconds"] >= 0 and row["test_rmse"] >= row["test_mae"] > 0


def test_diabetes_baselines_are_in_the_targets_units(diabetes_rows, diabetes_prepared):
    mean, linear, _ = diabetes_rows
    y = diabetes_prepared.y_test
    assert mean["test_mae"] == pytest.approx(mean_absolute_error(y, np.full_like(y, diabetes_prepared.y_train.mean())))
    assert abs(mean["test_r2"]) < 0.05  # the mean of the training rows: about nothing explained
    assert linear["test_mae"] < mean["test_mae"]


@pytest.mark.california
def test_california_baselines_rank_mean_then_linear_then_trees(california_table):
    rows = {row["name"]: row for row in baselines(data.prepare(california_table))}
    assert rows["mean"]["test_mae"] > rows["linear"]["test_mae"] > rows["hgb"]["test_mae"]
    assert rows["mean"]["test_mae"] == pytest.approx(0.906, abs=0.03)
    assert rows["linear"]["test_mae"] == pytest.approx(0.533, abs=0.03)
    assert rows["hgb"]["test_mae"] == pytest.approx(0.31, abs=0.03)
    assert rows["hgb"]["test_r2"] > 0.8
