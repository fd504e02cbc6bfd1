"""core/data/dates.py: dates found in the shapes public data sets and spreadsheet exports have, expanded into year,
month, day of week and days since 1970, and read the same way in prediction.

The shapes: Vega's seattle-weather.csv (ISO dates, one a day), the UCI bike-sharing day.csv (``dteday`` with an
``instant`` row number), a pandas ``to_csv()`` with its index and a datetime column, US Excel (3/5/2024), European
Excel (05.03.2024 with ``;`` and decimal commas), Korean Excel (2024. 3. 5.), Excel serial day numbers, 20240305.
pandas' own calendar (``Timestamp.year``, ``.weekday()``) is the reference for every expanded number.
"""

import io

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import train_test_split

from core import checkpoint, data
from core.data import dates
from core.errors import CheckpointError
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict

RNG = np.random.default_rng(4)


def seattle_weather(n=400, start="2012-01-01") -> pd.DataFrame:
    """Like Vega's seattle-weather.csv: a date a day; temperature follows the season (the month)."""
    days = pd.date_range(start, periods=n, freq="D")
    season = -np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365)
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "precipitation": RNG.gamma(1, 3, n).round(1),
                         "wind": RNG.uniform(1, 8, n).round(1),
                         "temp_max": (13 + 10 * season + RNG.normal(0, 1.5, n)).round(1)})


def prepared_from(raw: bytes, target: str, **config):
    table = data.read_csv(raw)
    table.target = target
    return data.prepare(table, data.DataConfig(**config))


def roles(prepared) -> dict:
    return {r["column"]: r for r in prepared.report["roles"]}


def trained_predictor(prepared) -> Predictor:
    config = ModelConfig(n_features=prepared.n_features, hidden=(16,))
    result = Trainer(config, TrainConfig(epochs=2, device="cpu")).fit(prepared)
    saved = checkpoint.build(name="dates", model_config=config_dict(config), train_config={}, prepared=prepared,
                             result=result)
    return Predictor(checkpoint.load(checkpoint.to_bytes(saved)))


# ---------------------------------------------------------------------------------------------------------------
# Formats


ONE_DAY = pd.Timestamp("2024-03-17 00:00")  # a day above 12: day-first and month-first cannot both read it
WRITTEN = [  # (how a program writes a column of dates, its values, the label reported)
    ("ISO (pandas, R, Vega)", ["2024-03-17", "2023-12-01", "2024-01-05"], "YYYY-MM-DD"),
    ("ISO with a time", ["2024-03-17 00:00:00", "2023-12-01 08:30:00", "2024-01-05 23:59:59"],
     "YYYY-MM-DD hh:mm:ss"),
    ("ISO with a time zone", ["2024-03-17T00:00:00+09:00", "2023-12-01T08:30:00Z", "2024-01-05T10:00:00-05:00"],
     "ISO 8601"),
    ("US Excel", ["3/17/2024", "12/1/2023", "1/5/2024"], "MM/DD/YYYY"),
    ("UK Excel", ["17/03/2024", "01/12/2023", "05/01/2024"], "DD/MM/YYYY"),
    ("German Excel", ["17.03.2024", "01.12.2023", "05.01.2024"], "DD.MM.YYYY"),
    ("Korean Excel", ["2024. 3. 17.", "2023. 12. 1.", "2024. 1. 5."], "YYYY. M. D."),
    ("slashes, year first", ["2024/03/17", "2023/12/01", "2024/01/05"], "YYYY/MM/DD"),
    ("month names (Vega's stocks.csv)", ["Mar 17 2024", "Dec 1 2023", "Jan 5 2024"], "Mon DD YYYY"),
    ("day-month-year with month names", ["17-Mar-2024", "01-Dec-2023", "05-Jan-2024"], "DD-Mon-YYYY"),
]


@pytest.mark.parametrize("how, values, label", WRITTEN, ids=[w[0] for w in WRITTEN])
def test_dates_as_programs_write_them_are_found_and_read_right(how, values, label):
    found = dates.detect(pd.Series(values + [None]), "when")
    assert found is not None and found["label"] == label and not found["ambiguous"]
    read = dates.parse(pd.Series(values), found["format"])
    assert read.iloc[0].normalize() == ONE_DAY
    assert (read.iloc[1].year, read.iloc[1].month, read.iloc[1].day) == (2023, 12, 1)
    assert (read.iloc[2].year, read.iloc[2].month, read.iloc[2].day) == (2024, 1, 5)


def test_a_time_zone_keeps_the_wall_clock_day():
    read = dates.parse(pd.Series(["2024-03-17T23:30:00+09:00"]), "ISO8601")
    assert read.iloc[0] == pd.Timestamp("2024-03-17 23:30")  # not moved to 14:30 UTC, not another day


@pytest.mark.parametrize("name, values, expected", [
    ("Order Date", [45368, 45261, 45296], "2024-03-17"),  # Excel's serial days: 45368 is 2024-03-17 in Excel
    ("date", [20240317, 20231201, 20240105], "2024-03-17"),
    ("판매일자", [20240317, 20231201, 20240105], "2024-03-17"),
])
def test_numbers_in_a_column_named_as_a_date_are_read_as_dates(name, values, expected):
    found = dates.detect(pd.Series(values), name)
    assert found is not None
    assert dates.parse(pd.Series(values), found["format"]).iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("name, values", [
    ("year", [2001, 2002, 2003]),  # a year is a number: it stays numeric
    ("price", [45368, 45261, 45296]),  # serial-day-sized numbers, but not named as a date
    ("region", ["north", "south", "east"]),
    ("code", ["A-12", "B-13", "C-14"]),
    ("version", ["1.2", "3.4.5", "2.0"]),
    ("score", ["10-12", "3-4", "7-9"]),  # ranges, not dates
])
def test_other_columns_are_not_taken_for_dates(name, values):
    assert dates.detect(pd.Series(values), name) is None


def test_day_and_month_that_read_both_ways_are_read_month_first_with_a_warning():
    frame = seattle_weather(60)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%m/%d/%Y")
    frame = frame[pd.to_datetime(frame["date"]).dt.day <= 12]  # no day above 12: either order reads every value
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max")
    assert roles(prepared)["date"]["role"] == "date"
    warning = next(w for w in prepared.report["warnings"] if w["code"] == "ambiguous_dates")
    assert "MM/DD/YYYY" in warning["message"] and "YYYY-MM-DD" in warning["message"]


# ---------------------------------------------------------------------------------------------------------------
# Expansion, in training


def test_a_date_column_is_expanded_into_year_month_weekday_and_days_as_pandas_counts_them():
    frame = seattle_weather()
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max", scale_target=False)
    role = roles(prepared)["date"]
    assert role["role"] == "date" and "YYYY-MM-DD" in role["reason"] and "day of week" in role["reason"]
    assert prepared.features == ["precipitation", "wind", "date"]
    names = prepared.preprocessing["encoded_names"]
    assert names[2:] == ["date.year", "date.month", "date.weekday", "date.days"]

    # undo the scaling of the training matrix and compare with pandas' calendar for the same rows
    parts = prepared.preprocessing["dates"][0]["parts"]
    scaled = prepared.X_train[:, 2:6].astype(np.float64)
    numbers = scaled * [p["scale"] for p in parts] + [p["mean"] for p in parts]
    split = data.DataConfig()
    train_rows, _ = train_test_split(frame, test_size=split.test_size, random_state=split.seed)
    moments = pd.to_datetime(train_rows["date"])
    expected = np.column_stack([moments.dt.year, moments.dt.month, moments.dt.day_of_week,
                                (moments - pd.Timestamp("1970-01-01")).dt.days])
    np.testing.assert_allclose(numbers, expected, atol=1e-3)


def test_dates_with_few_values_are_not_one_hot_encoded_and_a_new_year_still_predicts():
    """Before: three distinct dates were one-hot encoded, so a later date was 'not seen in training'."""
    frame = seattle_weather(90)
    frame["date"] = RNG.choice(["2012-06-30", "2013-06-30", "2014-06-30"], len(frame))
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max")
    assert roles(prepared)["date"]["role"] == "date" and prepared.report["encoded"] == []
    predictor = trained_predictor(prepared)
    report = predictor.predict_frame(pd.DataFrame({"precipitation": [1.0], "wind": [3.0], "date": ["2016-06-30"]}))
    assert report.n_bad_rows == 0 and np.isfinite(report.predictions[0])
    assert report.out_of_range == [{"row": 1, "column": "date", "value": "2016-06-30", "min": "2012-06-30",
                                    "max": "2014-06-30"}]


def test_many_distinct_dates_are_no_longer_dropped_as_free_text():
    frame = seattle_weather(92)  # 92 distinct values: before, 'text with 92 distinct values', dropped
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max")
    assert "date" in prepared.features and "date" not in [d["column"] for d in prepared.report["dropped"]]


def test_a_pandas_to_csv_with_its_index_and_a_datetime_column():
    frame = seattle_weather(120)
    frame["date"] = pd.to_datetime(frame["date"]) + pd.to_timedelta(RNG.integers(0, 24, len(frame)), unit="h")
    kept = frame[frame["wind"] > 2]  # filtered: the index has gaps
    prepared = prepared_from(kept.to_csv().encode(), "temp_max")  # the index, and '2012-01-01 05:00:00'
    r = roles(prepared)
    assert r["Unnamed: 0"]["role"] == "identifier" and r["date"]["role"] == "date"


def test_bike_sharing_day_csv_shape_instant_is_an_identifier_and_dteday_a_date():
    n = 120
    days = pd.date_range("2011-01-01", periods=n)
    casual, registered = RNG.integers(100, 900, n), RNG.integers(600, 4000, n)
    frame = pd.DataFrame({"instant": np.arange(1, n + 1), "dteday": days.strftime("%Y-%m-%d"),
                          "temp": RNG.uniform(0.1, 0.8, n).round(3), "casual": casual, "registered": registered,
                          "cnt": casual + registered})
    prepared = prepared_from(frame.to_csv(index=False).encode(), "cnt", exclude=("casual", "registered"))
    r = roles(prepared)
    assert (r["instant"]["role"], r["dteday"]["role"]) == ("identifier", "date")


def test_european_excel_file_with_semicolons_decimal_commas_and_dotted_dates():
    frame = seattle_weather(80)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d.%m.%Y")
    raw = frame.to_csv(index=False, sep=";", decimal=",").encode("cp949")
    table = data.read_csv(raw)
    assert table.decimal == "," and table.frame["date"].iloc[0] == "01.01.2012"  # the dates are not numbers
    table.target = "temp_max"
    prepared = data.prepare(table)
    assert roles(prepared)["date"]["reason"].startswith("dates written DD.MM.YYYY")


def test_values_that_do_not_read_as_dates_are_filled_and_named_in_a_warning():
    frame = seattle_weather(100)
    frame.loc[7, "date"] = "unknown"
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max")
    warning = next(w for w in prepared.report["warnings"] if w["code"] == "unreadable_dates")
    assert warning["n"] == 1 and "'unknown'" in warning["message"]
    assert prepared.report["imputed_train"] + prepared.report["imputed_test"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Prediction


@pytest.fixture(scope="module")
def uk_predictor():
    frame = seattle_weather(300)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d/%m/%Y")
    return trained_predictor(prepared_from(frame.to_csv(index=False).encode(), "temp_max")), frame


def test_prediction_rows_are_read_in_the_training_format_or_as_iso_and_score_the_same(uk_predictor):
    predictor, frame = uk_predictor
    rows = frame.drop(columns="temp_max").iloc[:20].reset_index(drop=True)
    iso = rows.assign(date=pd.to_datetime(rows["date"], format="%d/%m/%Y").dt.strftime("%Y-%m-%d"))
    as_trained, as_iso = predictor.predict_frame(rows), predictor.predict_frame(iso)
    assert as_trained.n_bad_rows == as_iso.n_bad_rows == 0
    np.testing.assert_allclose(as_trained.predictions, as_iso.predictions)


def test_a_prediction_row_with_a_date_is_expanded_as_in_training(uk_predictor):
    predictor, _ = uk_predictor
    row = {"precipitation": 0.0, "wind": 3.0, "date": "17/03/2012"}
    value, _ = predictor.predict_one(row)
    by_hand = np.array([[0.0, 3.0, 2012, 3, pd.Timestamp("2012-03-17").weekday(),
                         (pd.Timestamp("2012-03-17") - pd.Timestamp("1970-01-01")).days]])
    pre = predictor.preprocessing
    figures = pre["numeric"] + pre["dates"][0]["parts"]
    scaled = (by_hand - [f["mean"] for f in figures]) / [f["scale"] for f in figures]
    with torch.no_grad():
        out = predictor.model(torch.tensor(scaled, dtype=torch.float32)).item()
    assert value == pytest.approx(out * pre["target"]["scale"] + pre["target"]["mean"], rel=1e-5)


def test_a_date_that_does_not_read_is_a_reported_row_and_a_blank_one_is_filled(uk_predictor):
    predictor, frame = uk_predictor
    rows = frame.drop(columns="temp_max").iloc[:3].reset_index(drop=True)
    rows.loc[1, "date"], rows.loc[2, "date"] = "someday", None
    report = predictor.predict_frame(rows)
    assert report.n_bad_rows == 1 and np.isnan(report.predictions[1]) and np.isfinite(report.predictions[2])
    problem = report.problems[0]
    assert (problem["row"], problem["code"], problem["column"]) == (2, "not_a_date", "date")
    assert "DD/MM/YYYY" in problem["message"]
    median = predictor.date_range("date")[2]
    assert report.filled == {"date": {"count": 1, "value": median}}


def test_a_checkpoint_naming_a_date_format_of_its_own_is_refused(uk_predictor):
    predictor, _ = uk_predictor
    tampered = {**predictor.checkpoint}
    tampered["preprocessing"] = {**tampered["preprocessing"],
                                 "dates": [{**tampered["preprocessing"]["dates"][0], "format": "%Y%m%d%H%M%S%f%z"}]}
    buffer = io.BytesIO()
    torch.save(tampered, buffer)
    with pytest.raises(CheckpointError, match="damaged"):
        checkpoint.load(buffer.getvalue())


def test_dates_far_from_today_keep_their_year_and_predict():
    """Nanosecond datetimes end in 2262 and wrap around silently; year 1 and year 9999 must stay what they are."""
    frame = seattle_weather(60)
    frame.loc[0, "date"], frame.loc[1, "date"] = "0001-01-01", "9999-12-31"
    prepared = prepared_from(frame.to_csv(index=False).encode(), "temp_max")
    years = prepared.preprocessing["dates"][0]["parts"][0]
    assert (years["min"], years["max"]) == (1, 9999)
    predictor = trained_predictor(prepared)
    assert predictor.date_range("date")[:2] == ("0001-01-01", "9999-12-31")
    report = predictor.predict_frame(pd.DataFrame({"precipitation": [1.0], "wind": [2.0], "date": ["0001-01-01"]}))
    assert report.n_bad_rows == 0 and np.isfinite(report.predictions[0])
