"""core/data/builtin.py: California housing (scikit-learn's cache, or a clear message offline) and diabetes."""

import math
import socket

import numpy as np
import pytest

from core import data
from core.data import builtin
from core.errors import DataError, DatasetUnavailable
from tests.data.helpers import CALIFORNIA_FEATURES, same_split

# ---------------------------------------------------------------------------------------------------------------
# California housing


@pytest.fixture(scope="module")
def california_prepared(california_table):
    return data.prepare(california_table, data.DataConfig(seed=0))


@pytest.mark.california
def test_california_has_eight_features_and_its_documented_means(california_table):
    frame = california_table.frame
    assert california_table.target == "MedHouseVal"
    assert frame.shape == (20_640, 9)
    assert sorted(frame.columns) == sorted([*CALIFORNIA_FEATURES, "MedHouseVal"])
    assert frame["MedInc"].mean() == pytest.approx(3.8707, abs=1e-4)
    assert frame["MedHouseVal"].mean() == pytest.approx(2.0686, abs=1e-4)
    assert california_table.units["MedHouseVal"] == "$100,000"


@pytest.mark.california
def test_california_split_is_80_20(california_prepared):
    p = california_prepared
    assert (p.info["n_train"], p.info["n_test"]) == (16_512, 4_128)
    assert p.X_train.shape == (16_512, 8) and p.X_test.shape == (4_128, 8)
    assert p.y_train.shape == (16_512,) and p.y_test.shape == (4_128,)
    assert sorted(p.features) == sorted(CALIFORNIA_FEATURES)
    assert p.report["dropped"] == [] and p.report["encoded"] == []


@pytest.mark.california
def test_california_split_is_repeated_by_its_seed_and_changed_by_another(california_table, california_prepared):
    again = data.prepare(california_table, data.DataConfig(seed=0))
    other = data.prepare(california_table, data.DataConfig(seed=1))
    np.testing.assert_array_equal(again.X_train, california_prepared.X_train)
    np.testing.assert_array_equal(again.y_test, california_prepared.y_test)
    assert not np.array_equal(other.y_train, california_prepared.y_train)
    assert not np.array_equal(other.X_test, california_prepared.X_test)


@pytest.mark.california
def test_california_scaler_is_fitted_on_the_training_split_only(california_table, california_prepared):
    p = california_prepared
    np.testing.assert_allclose(p.X_train.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(p.X_train.std(axis=0), 1, atol=1e-3)
    assert np.abs(p.X_test.mean(axis=0)).max() > 1e-3  # held-out rows are scaled with the training statistics

    X_train, _, y_train, _ = same_split(california_table, p.features)
    np.testing.assert_allclose([c["mean"] for c in p.preprocessing["numeric"]], X_train.mean().to_numpy())
    np.testing.assert_allclose([c["scale"] for c in p.preprocessing["numeric"]], X_train.std(ddof=0).to_numpy())
    assert p.preprocessing["target"]["mean"] == pytest.approx(y_train.mean())
    np.testing.assert_allclose(p.y_train, y_train.to_numpy(np.float32))  # the target stays in its own units


@pytest.fixture
def california_not_cached(monkeypatch, tmp_path):
    """The loader sees an empty data home and no network; the cache is cleared on the way in and out."""
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "empty"))
    monkeypatch.setattr(builtin, "_can_reach", lambda *args, **kwargs: False)
    builtin._california_frame.cache_clear()
    yield
    builtin._california_frame.cache_clear()  # the next caller loads the real cache again


def test_california_unavailable_offline_points_to_diabetes(california_not_cached):
    with pytest.raises(DatasetUnavailable) as err:
        data.load_california()
    assert err.value.code == "california_unavailable"
    assert "diabetes" in str(err.value)
    assert isinstance(err.value, DataError)


def test_california_available_is_false_when_unavailable(california_not_cached):
    assert data.california_available() is False


# ---------------------------------------------------------------------------------------------------------------
# Diabetes and the built-in names


def test_diabetes_has_442_rows_and_ten_features(diabetes_prepared):
    table = data.load_diabetes()
    assert table.target == "progression"
    assert table.frame.shape == (442, 11)
    assert len(diabetes_prepared.features) == 10 and "progression" not in diabetes_prepared.features
    assert diabetes_prepared.info["n_train"] + diabetes_prepared.info["n_test"] == 442
    assert diabetes_prepared.info["n_test"] == math.ceil(0.2 * 442)


def test_diabetes_loads_without_a_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    builtin._diabetes_frame.cache_clear()
    try:
        assert data.load_builtin("diabetes").frame.shape == (442, 11)
    finally:
        builtin._diabetes_frame.cache_clear()


def test_load_by_name_with_another_target():
    table = data.load("diabetes", target="bmi")
    assert (table.name, table.target) == ("diabetes", "bmi")
    prepared = data.prepare(table)
    assert "bmi" not in prepared.features and "progression" in prepared.features


def test_unknown_builtin_name_lists_the_choices():
    with pytest.raises(DataError) as err:
        data.load_builtin("iris")
    assert err.value.code == "unknown_dataset"
    assert "california" in str(err.value) and "diabetes" in str(err.value)
