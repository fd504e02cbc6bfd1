"""core/data/prepare.py and preprocessing.py: the column plan, the split, and preprocessing checked against
scikit-learn's own fitted ColumnTransformer (STYLE rule 8)."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core import data
from tests.data.helpers import csv_bytes, mixed_csv, prepare_csv, same_split, scrambled, simple_csv, table_from

# ---------------------------------------------------------------------------------------------------------------
# Column plan


def test_column_plan_uses_encodes_and_drops_with_reasons():
    n = 30
    rows = [(scrambled(i, n), ["Seoul", "Busan", "Incheon"][i % 3], f"house {i}", None, 7, "KR", 3 * i + i % 5)
            for i in range(n)]
    prepared = prepare_csv(csv_bytes(["x", "city", "name", "empty", "seven", "country", "y"], rows))
    report = prepared.report

    assert report["numeric"] == ["x"]
    assert report["encoded"] == [{"column": "city", "categories": ["Busan", "Incheon", "Seoul"]}]
    assert prepared.preprocessing["encoded_names"] == ["x", "city=Busan", "city=Incheon", "city=Seoul"]
    assert prepared.n_features == 4

    dropped = {d["column"]: d for d in report["dropped"]}
    assert {c: d["code"] for c, d in dropped.items()} == {
        "name": "too_many_categories", "empty": "all_missing", "seven": "constant", "country": "constant"}
    assert f"{n} distinct values" in dropped["name"]["reason"]
    assert str(data.MAX_CATEGORIES) in dropped["name"]["reason"]
    assert "missing" in dropped["empty"]["reason"]
    assert "single value" in dropped["seven"]["reason"]


@pytest.mark.parametrize("distinct, encoded", [(data.MAX_CATEGORIES, True), (data.MAX_CATEGORIES + 1, False)])
def test_text_columns_are_encoded_up_to_max_categories(distinct, encoded):
    frame = pd.DataFrame({"kind": [f"k{i % distinct}" for i in range(60)], "y": np.arange(60.0)})
    plan = data.plan_columns(frame, "y")
    assert (plan["categorical"] == ["kind"]) is encoded
    assert bool(plan["dropped"]) is not encoded


def test_one_hot_columns_mark_the_row_category_and_ignore_unknown_ones():
    prepared = prepare_csv(simple_csv())
    rows = pd.DataFrame({"x": [1.0, 1.0, 1.0], "city": ["Busan", "Seoul", "Jeju"]})
    encoded, imputed = data.transform(rows, prepared.preprocessing)
    np.testing.assert_array_equal(encoded[:, 1:], [[1, 0, 0], [0, 0, 1], [0, 0, 0]])  # Busan, Incheon, Seoul
    assert imputed == 0


# ---------------------------------------------------------------------------------------------------------------
# Preprocessing against scikit-learn


@pytest.mark.parametrize("seed", [0, 3])
def test_transform_matches_sklearn_column_transformer(seed):
    table = table_from(mixed_csv())
    prepared = data.prepare(table, data.DataConfig(seed=seed))
    assert prepared.report["numeric"] == ["x1", "x2"] and prepared.report["encoded"][0]["column"] == "city"

    X_train, X_test, y_train, y_test = same_split(table, ["x1", "x2", "city"], seed=seed)
    X_train, X_test = X_train.astype({"city": object}), X_test.astype({"city": object})
    reference = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["x1", "x2"]),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(sparse_output=False)), ["city"]),
    ]).fit(X_train)

    np.testing.assert_allclose(prepared.X_train, reference.transform(X_train), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(prepared.X_test, reference.transform(X_test), rtol=1e-5, atol=1e-6)
    encoded, _ = data.transform(X_test, prepared.preprocessing)  # as a prediction applies it
    np.testing.assert_allclose(encoded, reference.transform(X_test), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(prepared.y_train, y_train.to_numpy(np.float32))
    np.testing.assert_allclose(prepared.y_test, y_test.to_numpy(np.float32))


def test_ties_empty_training_columns_and_unseen_categories_match_sklearn():
    """The edges computed without SimpleImputer (preprocessing.py says why): a tie for the most frequent text (the
    smallest wins), a column empty in every training row (imputed with 0), a category only in the test rows."""
    X_train = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0], "gone": [np.nan] * 4,
                            "city": ["Seoul", "Busan", None, "Seoul"], "tie": ["b", "a", "b", "a"]})
    X_test = pd.DataFrame({"a": [np.nan, 2.0], "gone": [5.0, np.nan], "city": ["Daegu", None], "tie": [None, "b"]})
    plan = {"numeric": ["a", "gone"], "categorical": ["city", "tie"]}
    fitted = data.fit_preprocessing(X_train, pd.Series([1.0, 2.0, 3.0, 4.0]), plan, "y", True)
    reference = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()),
         ["a", "gone"]),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(sparse_output=False, handle_unknown="ignore")), ["city", "tie"]),
    ]).fit(X_train.astype({"city": object, "tie": object}))
    assert [c["fill"] for c in fitted["categorical"]] == ["Seoul", "a"]
    for X in (X_train, X_test):
        encoded, _ = data.transform(X, fitted)
        np.testing.assert_allclose(encoded, reference.transform(X.astype({"city": object, "tie": object})),
                                   rtol=1e-6, atol=1e-6)


def test_target_scaling_round_trips():
    prepared = prepare_csv(simple_csv())
    t = prepared.preprocessing["target"]
    assert (t["mean"], t["scale"]) == (pytest.approx(prepared.y_train.mean()), pytest.approx(prepared.y_train.std()))
    scaled = data.scale_target(prepared.y_train, prepared.preprocessing)
    assert scaled.mean() == pytest.approx(0, abs=1e-5)
    np.testing.assert_allclose(data.unscale_target(scaled, prepared.preprocessing), prepared.y_train, rtol=1e-5)

    unscaled = prepare_csv(simple_csv(), scale_target=False).preprocessing["target"]
    assert (unscaled["mean"], unscaled["scale"]) == (0.0, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# Missing values


def test_missing_cells_are_imputed_and_counted():
    raw = mixed_csv()
    table = table_from(raw)
    prepared = data.prepare(table)
    frame = table.frame
    with_target = frame[frame["y"].notna()]
    empty_cells = int(with_target[["x1", "x2", "city"]].isna().sum().sum())
    assert empty_cells > 0

    report = prepared.report
    assert report["imputed_train"] + report["imputed_test"] == empty_cells
    assert report["rows"] == len(frame)
    assert report["rows_dropped_no_target"] == int(frame["y"].isna().sum()) > 0
    assert report["rows_used"] == len(with_target) == prepared.info["n_train"] + prepared.info["n_test"]
    assert not np.isnan(prepared.X_train).any() and not np.isnan(prepared.X_test).any()


def test_imputation_uses_training_medians_and_the_most_frequent_text():
    cities = ["Seoul"] * 3 + ["Busan"]
    rows = [(None if i % 5 == 0 else i * 1.5, None if i % 6 == 0 else cities[i % 4], i % 9) for i in range(40)]
    table = table_from(csv_bytes(["x", "city", "y"], rows))
    prepared = data.prepare(table)
    X_train, _, _, _ = same_split(table, ["x", "city"])
    assert prepared.preprocessing["numeric"][0]["median"] == pytest.approx(X_train["x"].median())
    assert prepared.preprocessing["categorical"][0]["fill"] == "Seoul"

    empty = pd.DataFrame({"x": [np.nan], "city": [np.nan]})
    encoded, imputed = data.transform(empty, prepared.preprocessing)
    num = prepared.preprocessing["numeric"][0]
    np.testing.assert_allclose(encoded[0], [(num["median"] - num["mean"]) / num["scale"], 0, 1], rtol=1e-6)
    assert imputed == 2


def test_a_column_with_values_only_in_test_rows_is_kept_aligned():
    """All-empty in the training split: scikit-learn's imputer would skip it and shift every later column."""
    _, test_rows = train_test_split(np.arange(30), test_size=0.2, random_state=0)
    rows = [(i % 7, i if i in test_rows[:2] else None, i * 3 % 11) for i in range(30)]
    table = table_from(csv_bytes(["x", "sparse", "y"], rows))
    prepared = data.prepare(table)
    assert prepared.report["numeric"] == ["x", "sparse"]
    X_train, _, _, _ = same_split(table, ["x", "sparse"])
    assert prepared.preprocessing["numeric"][0]["mean"] == pytest.approx(X_train["x"].mean())
    np.testing.assert_allclose(prepared.X_train[:, 0].std(), 1, atol=1e-5)
    assert (prepared.report["imputed_train"], prepared.report["imputed_test"]) == (24, 4)


# ---------------------------------------------------------------------------------------------------------------
# Units


@pytest.mark.parametrize("value, unit, text", [
    (2.068, "$100,000", "$206,800"),
    (3.8707, "$10,000", "$38,707"),
    (41.5, "years", "41.5 years"),
])
def test_describe_units(value, unit, text):
    assert data.describe_units(value, unit) == text


@pytest.mark.parametrize("values", [[1 + 2j, 3], [np.complex128(1 + 2j), "3"]], ids=["complex dtype", "objects"])
def test_a_complex_value_is_not_a_number_rather_than_silently_made_real(values, recwarn):
    """Found by the hypothesis form-value test: 1+2j became 1.0, its imaginary part dropped with only a warning."""
    series = pd.Series(values) if isinstance(values[1], int) else pd.Series(values, dtype=object)
    out = data.to_numbers(series)
    assert math.isnan(out.iloc[0]) and out.iloc[1] == 3.0
    assert not [w for w in recwarn if issubclass(w.category, np.exceptions.ComplexWarning)]
