"""Predictions from a checkpoint: raw rows in, the target's units out, every unusable row reported by its line."""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from core import checkpoint, data, predict
from core.errors import PredictionError
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict


def _train(prepared, name):
    mc = ModelConfig(n_features=prepared.n_features, hidden=(8,))
    tc = TrainConfig(max_steps=30, device="cpu")
    result = Trainer(mc, tc).fit(prepared)
    ckpt = checkpoint.build(name=name, model_config=config_dict(mc), train_config=config_dict(tc),
                            prepared=prepared, result=result)
    return ckpt, result


def _test_rows(table, prepared) -> pd.DataFrame:
    """The test split's raw rows (what a user would type or upload), by repeating prepare's split."""
    frame = table.frame[table.frame[table.target].notna()]
    _, X_test = train_test_split(frame[prepared.features], test_size=prepared.info["test_size"],
                                 random_state=prepared.info["seed"])
    return X_test


@pytest.fixture(scope="module")
def diabetes(diabetes_prepared):
    """(checkpoint dict, TrainResult, raw test rows) of one tiny diabetes run."""
    ckpt, result = _train(diabetes_prepared, "diabetes")
    return ckpt, result, _test_rows(data.load_diabetes(), diabetes_prepared)


@pytest.fixture(scope="module")
def predictor(diabetes):
    return Predictor(copy.deepcopy(diabetes[0]))


@pytest.fixture(scope="module")
def rows(diabetes) -> pd.DataFrame:
    """Five raw test rows, with the index a user's frame would have."""
    return diabetes[2].head(5).reset_index(drop=True)


def _houses_csv() -> bytes:
    rng = np.random.default_rng(0)
    n = 80
    city = rng.choice(["Seoul", "Busan", "Daegu"], n)
    med_inc = rng.uniform(1, 10, n).round(3)
    rooms_2020 = rng.uniform(2, 8, n).round(2)
    rooms_2021 = (rooms_2020 + rng.normal(0, 0.3, n)).round(2)
    price = 0.4 * med_inc + 0.2 * rooms_2021 + np.select([city == "Seoul", city == "Busan"], [2.0, 1.0], 0.5)
    frame = pd.DataFrame({"MedInc": med_inc, "rooms_2020": rooms_2020, "rooms_2021": rooms_2021, "city": city,
                          "price": price.round(3)})
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def houses():
    """(predictor, raw test rows) for a CSV with numeric columns and a text column one-hot encoded."""
    table = data.read_csv(_houses_csv(), name="houses.csv")
    table.target = "price"
    prepared = data.prepare(table)
    assert prepared.preprocessing["categorical"][0]["name"] == "city"
    ckpt, _ = _train(prepared, "houses")
    return Predictor(ckpt), _test_rows(table, prepared).reset_index(drop=True)


def _csv(frame: pd.DataFrame, **cells) -> pd.DataFrame:
    """``frame`` written as a CSV and read back as an upload is, with ``cells`` {"column": {row: text}} replaced."""
    text = frame.astype(object).copy()
    for column, changes in cells.items():
        for row, value in changes.items():
            text.loc[row, column] = value
    return data.read_csv(text.to_csv(index=False).encode()).frame


# ---------------------------------------------------------------------------------------------------------------
# Predictions in the target's units


def test_predictions_match_the_trainers_test_predictions(diabetes, predictor):
    _, result, test_rows = diabetes
    report = predictor.predict_frame(test_rows)
    assert report.predictions.shape == (len(test_rows),)
    np.testing.assert_allclose(report.predictions, result.predictions, rtol=1e-4, atol=1e-3)
    assert 25 < np.mean(report.predictions) < 350  # disease progression scores, not standardised values
    assert (report.problems, report.n_bad_rows, report.imputed) == ([], 0, 0)


def test_predict_one_from_a_dict(diabetes, predictor, rows):
    _, result, _ = diabetes
    value, report = predictor.predict_one(rows.iloc[0].to_dict())
    assert isinstance(value, float)
    assert value == pytest.approx(result.predictions[0], rel=1e-4)
    assert report.problems == []


def test_predict_one_takes_the_command_lines_text_values(predictor, rows):
    values = rows.iloc[1].to_dict()
    as_text = {k: str(v) for k, v in reversed(values.items())}  # `--values bmi=26.2 ...` in any order
    assert predictor.predict_one(as_text)[0] == pytest.approx(predictor.predict_one(values)[0])


def test_dataframe_columns_may_come_in_any_order_with_extra_columns(predictor, rows):
    expected = predictor.predict_frame(rows).predictions
    shuffled = rows[list(reversed(rows.columns))].assign(patient_id=range(5), progression=0.0, notes="x")
    shuffled.index = [10, 3, 7, 1, 99]  # a filtered frame keeps its old index
    report = predictor.predict_frame(shuffled)
    np.testing.assert_array_equal(report.predictions, expected)
    assert report.problems == []


def test_a_frame_of_one_dict_equals_predict_one(predictor, rows):
    row = rows.iloc[2].to_dict()
    assert predictor.predict_frame(pd.DataFrame([row])).predictions[0] == pytest.approx(predictor.predict_one(row)[0])


def test_from_file_predicts_like_the_dict_it_was_saved_from(diabetes, predictor, rows):
    path = checkpoint.save(copy.deepcopy(diabetes[0]))
    loaded = Predictor.from_file(path)
    np.testing.assert_array_equal(loaded.predict_frame(rows).predictions, predictor.predict_frame(rows).predictions)
    assert loaded.test_mae == diabetes[1].metrics["test_mae"]
    assert loaded.features == list(rows.columns) and loaded.target == "progression"


def test_no_rows_give_no_predictions(predictor, rows):
    report = predictor.predict_frame(rows.iloc[:0])
    assert report.predictions.shape == (0,) and report.problems == []


def test_defaults_are_a_predictable_row(predictor, diabetes):
    defaults = predictor.defaults()
    assert list(defaults) == predictor.features
    assert defaults["bmi"] == next(c["median"] for c in diabetes[0]["preprocessing"]["numeric"] if c["name"] == "bmi")
    value, report = predictor.predict_one(defaults)
    assert np.isfinite(value) and report.out_of_range == []


# ---------------------------------------------------------------------------------------------------------------
# Missing and unknown columns


def test_missing_columns_are_named_with_the_expected_columns(predictor, rows):
    with pytest.raises(PredictionError) as err:
        predictor.predict_frame(rows.drop(columns=["bmi", "s5"]))
    assert err.value.code == "missing_columns"
    assert err.value.params["missing"] == ["bmi", "s5"]
    assert err.value.params["expected"] == predictor.features
    message = str(err.value)
    assert message.startswith("Missing column(s): bmi, s5.")
    assert "age, sex, bmi, bp, s1, s2, s3, s4, s5, s6" in message
    assert "found" not in message


@pytest.mark.parametrize(("renamed", "hint"), [
    ("Medinc", "MedInc (found 'Medinc'?)"),
    ("medinc", "MedInc (found 'medinc'?)"),
    ("MedIncome", "MedInc (found 'MedIncome'?)"),
    (" MedInc", "MedInc (found ' MedInc'?)"),
])
def test_a_misspelled_column_gets_a_hint(houses, renamed, hint):
    predictor, test_rows = houses
    with pytest.raises(PredictionError, match="Missing column") as err:
        predictor.predict_frame(test_rows.rename(columns={"MedInc": renamed}))
    assert hint in str(err.value)


def test_a_case_only_difference_gets_a_hint(predictor, rows):
    with pytest.raises(PredictionError) as err:
        predictor.predict_frame(rows.rename(columns={"bmi": "BMI"}))
    assert "bmi (found 'BMI'?)" in str(err.value)


def test_a_hint_never_points_at_another_needed_column(houses):
    predictor, test_rows = houses
    with pytest.raises(PredictionError) as err:
        predictor.predict_frame(test_rows.drop(columns=["rooms_2020"]))
    assert "rooms_2021" not in str(err.value).split(".")[0]  # it is there and used; it is not a misspelling
    assert str(err.value).startswith("Missing column(s): rooms_2020.")


def test_predict_one_refuses_unknown_and_missing_features(predictor, rows):
    values = rows.iloc[0].to_dict()
    with pytest.raises(PredictionError) as err:
        predictor.predict_one({**values, "BMI": 30.0})
    assert err.value.code == "unknown_columns" and err.value.params["unknown"] == ["BMI"]
    assert "BMI" in str(err.value) and "expects age, sex, bmi" in str(err.value)

    del values["bmi"]
    with pytest.raises(PredictionError) as err:
        predictor.predict_one(values)
    assert err.value.code == "missing_columns" and err.value.params["missing"] == ["bmi"]


# ---------------------------------------------------------------------------------------------------------------
# Unusable values: reported by row and line, never silently dropped


def test_value_outside_the_training_range_is_flagged_but_predicted(predictor, diabetes, rows):
    bmi = next(c for c in diabetes[0]["preprocessing"]["numeric"] if c["name"] == "bmi")
    report = predictor.predict_frame(rows.assign(bmi=[rows.bmi[0], 100.0, rows.bmi[2], 1.0, rows.bmi[4]]))
    assert np.isfinite(report.predictions).all()
    assert report.out_of_range == [
        {"row": 2, "column": "bmi", "value": 100.0, "min": bmi["min"], "max": bmi["max"]},
        {"row": 4, "column": "bmi", "value": 1.0, "min": bmi["min"], "max": bmi["max"]},
    ]
    assert bmi["min"] < rows.bmi[0] < bmi["max"]
    assert report.n_out_of_range_rows == 2 and report.problems == [] and report.n_bad_rows == 0


@pytest.mark.parametrize(("text", "code", "says"), [
    ("abc", "not_a_number", "bmi=abc is not a number"),
    ("26,5", "not_a_number", "bmi=26,5 is not a number"),
    ("inf", "infinite", "bmi=inf is infinite"),
    ("-inf", "infinite", "bmi=-inf is infinite"),
])
def test_unusable_value_in_a_csv_row_is_reported_and_other_rows_predicted(predictor, rows, text, code, says):
    expected = predictor.predict_frame(rows).predictions
    report = predictor.predict_frame(_csv(rows, bmi={2: text}))
    assert np.isnan(report.predictions[2])
    np.testing.assert_allclose(np.delete(report.predictions, 2), np.delete(expected, 2), rtol=1e-6)
    [problem] = report.problems
    assert problem["row"] == 3 and problem["line"] == 4  # line 1 is the header
    assert problem["column"] == "bmi" and problem["code"] == code and problem["message"] == says
    assert report.n_bad_rows == 1
    assert report.imputed == 0  # a bad value is reported, not passed off as an empty cell


def test_infinite_value_in_a_dataframe_is_reported(predictor, rows):
    report = predictor.predict_frame(rows.assign(s1=[1.0, np.inf, 1.0, 1.0, -np.inf]))
    assert [(p["row"], p["code"]) for p in report.problems] == [(2, "infinite"), (5, "infinite")]
    assert np.isnan(report.predictions[[1, 4]]).all() and np.isfinite(report.predictions[[0, 2, 3]]).all()


def test_empty_cell_is_imputed_with_the_training_median_and_predicted(predictor, diabetes, rows):
    median = next(c["median"] for c in diabetes[0]["preprocessing"]["numeric"] if c["name"] == "bp")
    report = predictor.predict_frame(_csv(rows, bp={1: ""}))
    assert report.imputed == 1 and report.problems == [] and np.isfinite(report.predictions).all()
    filled = predictor.predict_frame(rows.assign(bp=[rows.bp[0], median, *rows.bp[2:]]))
    np.testing.assert_allclose(report.predictions, filled.predictions, rtol=1e-6)


def test_empty_cells_in_a_row_that_cannot_be_predicted_are_not_counted_as_imputed(predictor, rows):
    report = predictor.predict_frame(_csv(rows, bp={1: "", 3: ""}, bmi={1: "?"}))
    assert report.n_bad_rows == 1 and report.imputed == 1


def test_problems_listed_are_capped_but_all_counted(monkeypatch, predictor, rows):
    monkeypatch.setattr(predict, "MAX_LISTED", 2)
    report = predictor.predict_frame(_csv(rows, s2={0: "x", 1: "x", 2: "x", 3: "x"}))
    assert len(report.problems) == 2 and report.n_bad_rows == 4


def test_unseen_category_is_reported(houses):
    predictor, test_rows = houses
    city = predictor.categorical["city"]
    assert city["categories"] == ["Busan", "Daegu", "Seoul"]
    report = predictor.predict_frame(_csv(test_rows.head(4), city={1: "Tokyo"}))
    [problem] = report.problems
    assert (problem["row"], problem["line"], problem["column"], problem["value"], problem["code"]) == (
        2, 3, "city", "Tokyo", "unseen_category")
    assert "Tokyo was not seen in training (known: Busan, Daegu, Seoul)" in problem["message"]
    assert np.isnan(report.predictions[1]) and np.isfinite(report.predictions[[0, 2, 3]]).all()


def test_empty_category_is_imputed_with_the_most_frequent(houses):
    predictor, test_rows = houses
    rows = test_rows.head(4)
    report = predictor.predict_frame(_csv(rows, city={0: ""}))
    assert report.imputed == 1 and report.problems == []
    filled = predictor.predict_frame(rows.assign(city=[predictor.categorical["city"]["fill"], *rows.city[1:]]))
    np.testing.assert_allclose(report.predictions, filled.predictions, rtol=1e-6)


def test_categories_predict_like_the_trainer(houses):
    predictor, test_rows = houses
    report = predictor.predict_frame(_csv(test_rows))
    assert report.problems == [] and np.isfinite(report.predictions).all()
    by_city = pd.Series(report.predictions).groupby(test_rows.city).mean()
    assert by_city.index.tolist() == ["Busan", "Daegu", "Seoul"]


@pytest.mark.parametrize(("value", "says"), [("abc", "bmi=abc is not a number"), ("", "bmi= is not a number"),
                                             (float("inf"), "bmi=inf is infinite")])
def test_predict_one_refuses_a_value_that_is_not_a_number(predictor, rows, value, says):
    with pytest.raises(PredictionError) as err:
        predictor.predict_one({**rows.iloc[0].to_dict(), "bmi": value})
    assert err.value.code == "bad_value"
    assert str(err.value) == f"{says}. Enter a number for each feature."


def test_predict_one_reports_out_of_range_and_still_predicts(predictor, rows):
    value, report = predictor.predict_one({**rows.iloc[0].to_dict(), "age": 150})
    assert np.isfinite(value)
    assert [(o["column"], o["value"]) for o in report.out_of_range] == [("age", 150.0)]


# ---------------------------------------------------------------------------------------------------------------
# The table a user downloads, and units


def test_report_frame_appends_predictions_and_notes(predictor, rows):
    upload = _csv(rows, bmi={1: "abc"}, age={3: "150"})
    report = predictor.predict_frame(upload)
    table = report.frame(upload, "predicted_progression")
    assert list(table.columns) == [*upload.columns, "predicted_progression", "note"]
    assert list(upload.columns) == list(rows.columns)  # the user's frame is not changed
    np.testing.assert_array_equal(table["predicted_progression"].to_numpy(), report.predictions)
    assert table["note"].tolist() == ["", "bmi=abc is not a number", "", "age outside training range", ""]


def test_report_frame_keeps_the_users_index(predictor, rows):
    upload = rows.assign(age=[20.0, 20.0, 200.0, 20.0, 20.0])
    upload.index = ["a", "b", "c", "d", "e"]
    table = predictor.predict_frame(upload).frame(upload, "pred")
    assert table.loc["c", "note"] == "age outside training range" and table.loc["a", "note"] == ""
    assert table["pred"].notna().all()


def test_describe_writes_california_dollars_out(diabetes):
    fake = {**copy.deepcopy(diabetes[0]), "target": "MedHouseVal", "units": {"MedHouseVal": "$100,000"}}
    assert Predictor(fake).describe(2.068) == "$206,800"
    assert Predictor(fake).describe(0.5) == "$50,000"


def test_describe_keeps_other_units(predictor):
    assert predictor.describe(152.13) == "152.1 score"
    assert predictor.describe(float("nan")) == "nan score"


def test_a_scored_california_file_has_the_dollars_the_form_shows(california_table):
    """California's target is in units of $100,000: the scored file carries whole dollars beside them, as the
    one-row form and the results show (a diabetes file, in its own units, does not)."""
    prepared = data.prepare(california_table)
    ckpt, _ = _train(prepared, "california")
    predictor = Predictor(copy.deepcopy(ckpt))
    rows = _test_rows(california_table, prepared).head(5)
    report = predictor.predict_frame(rows)
    scored = report.frame(rows, "predicted_MedHouseVal", dollars=predictor.dollars)
    assert predictor.dollars == 100_000
    np.testing.assert_allclose(scored["predicted_MedHouseVal_dollars"], np.round(report.predictions * 100_000))
    value = float(report.predictions[0])
    assert predictor.describe(value) == f"${scored['predicted_MedHouseVal_dollars'].iloc[0]:,.0f}"


def test_a_file_in_other_units_gets_no_dollars_column(predictor, rows):
    report = predictor.predict_frame(rows)
    assert predictor.dollars is None
    assert list(report.frame(rows, "predicted", dollars=predictor.dollars).columns)[-2:] == ["predicted", "note"]
