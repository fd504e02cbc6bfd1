"""core/data.py: the built-in data sets, reading users' CSV files, the column plan, the split and preprocessing.

The preprocessing is checked against scikit-learn's own fitted ColumnTransformer (STYLE rule 8); every error a user
can cause is checked for its ``code`` and for a message that says what to do.
"""

import io
import math
import socket

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core import data
from core.errors import DataError, DatasetUnavailable, PlaygroundError

CALIFORNIA_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]


def csv_bytes(header, rows, sep=",", encoding="utf-8") -> bytes:
    """A CSV file's bytes from a header and rows of cells; None is an empty cell."""
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def simple_csv(n=30, **kw) -> bytes:
    """``n`` rows of x, a city and y = 2x + 1 (a little off the line), enough to prepare."""
    cities = ["Seoul", "Busan", "Incheon"]
    return csv_bytes(["x", "city", "y"], [(i, cities[i % 3], 2 * i + 1 + (i % 4) / 10) for i in range(n)], **kw)


def mixed_csv(n=60, seed=0) -> bytes:
    """Numeric and text features with empty cells, and a few rows without a target."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        x1 = round(float(rng.normal(10, 3)), 3)
        x2 = int(rng.integers(0, 100))
        city = ["Seoul", "Busan", "Incheon", "Daegu"][int(rng.integers(0, 4))]
        y = round(2 * x1 - 0.1 * x2 + float(rng.normal()), 3)
        rows.append((
            None if i % 7 == 3 else x1,
            None if i % 11 == 5 else x2,
            None if i % 9 == 4 else city,
            None if i % 13 == 6 else y,
        ))
    return csv_bytes(["x1", "x2", "city", "y"], rows)


def table_from(raw, target="y") -> data.Table:
    table = data.read_csv(raw)
    table.target = target
    return table


def prepare_csv(raw, target="y", **config) -> data.Prepared:
    return data.prepare(table_from(raw, target), data.DataConfig(**config))


def same_split(table: data.Table, features: list[str], seed: int = 0, test_size: float = 0.2):
    """The rows with a target, split as prepare splits them: (X_train, X_test, y_train, y_test)."""
    frame = table.frame[table.frame[table.target].notna()]
    return train_test_split(frame[features], frame[table.target], test_size=test_size, random_state=seed)


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
    monkeypatch.setattr(data, "_can_reach", lambda *args, **kwargs: False)
    data._california_frame.cache_clear()
    yield
    data._california_frame.cache_clear()  # the next caller loads the real cache again


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
    data._diabetes_frame.cache_clear()
    try:
        assert data.load_builtin("diabetes").frame.shape == (442, 11)
    finally:
        data._diabetes_frame.cache_clear()


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


# ---------------------------------------------------------------------------------------------------------------
# Reading CSV files


@pytest.mark.parametrize("encoding, named", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp949", "CP949")])
def test_csv_encodings_keep_korean_names_and_values(encoding, named):
    raw = csv_bytes(["면적", "구", "가격"], [(30 + i, "강남" if i % 2 else "서초", 5 + i) for i in range(25)],
                    encoding=encoding)
    table = data.read_csv(raw)
    assert list(table.frame.columns) == ["면적", "구", "가격"]  # no byte-order mark on the first name
    assert set(table.frame["구"]) == {"강남", "서초"}
    assert f"encoding {named}" in table.notes

    prepared = data.prepare(table_from(raw, "가격"))
    assert set(prepared.preprocessing["encoded_names"]) == {"면적", "구=강남", "구=서초"}


def test_byte_order_mark_is_not_part_of_the_first_name():
    table = data.read_csv(b"\xef\xbb\xbfx,y\n1,2\n3,4\n")
    assert list(table.frame.columns) == ["x", "y"]
    assert table.frame["x"].tolist() == [1, 3]


def test_semicolon_separated():
    table = data.read_csv(simple_csv(sep=";"))
    assert list(table.frame.columns) == ["x", "city", "y"]
    assert pd.api.types.is_numeric_dtype(table.frame["y"])
    assert "separator ';'" in table.notes


def test_semicolon_with_decimal_commas_reads_numbers():
    raw = csv_bytes(["x", "y"], [("1,5", "2,25"), ("2", "3"), ("-0,5", "4,0"), (None, "7")], sep=";")
    frame = data.read_csv(raw).frame
    np.testing.assert_allclose(frame["x"].to_numpy(float), [1.5, 2.0, -0.5, np.nan])
    np.testing.assert_allclose(frame["y"].to_numpy(float), [2.25, 3.0, 4.0, 7.0])


def test_semicolon_text_with_commas_stays_text():
    raw = csv_bytes(["name", "y"], [("Kim, Minsu", 1), ("Lee, Jiwoo", 2)], sep=";")
    assert data.read_csv(raw).frame["name"].tolist() == ["Kim, Minsu", "Lee, Jiwoo"]


@pytest.mark.parametrize("kind", ["bytes", "path", "str path", "binary file", "BytesIO", "text file"])
def test_csv_sources_read_the_same(kind, tmp_path):
    raw = simple_csv()
    path = tmp_path / "houses.csv"
    path.write_bytes(raw)
    sources = {
        "bytes": lambda: raw,
        "path": lambda: path,
        "str path": lambda: str(path),
        "binary file": lambda: path.open("rb"),
        "BytesIO": lambda: io.BytesIO(raw),
        "text file": lambda: io.StringIO(raw.decode()),
    }
    source = sources[kind]()
    table = data.read_csv(source)
    if hasattr(source, "close"):
        source.close()
    pd.testing.assert_frame_equal(table.frame, data.read_csv(raw).frame)
    assert table.name == ("houses.csv" if "path" in kind else "upload.csv")


def test_pandas_index_column_is_dropped_with_a_note():
    original = pd.DataFrame({"x": np.arange(25) * 1.5, "y": np.arange(25) % 7})
    table = data.read_csv(original.to_csv().encode())  # header ",x,y"
    pd.testing.assert_frame_equal(table.frame, original)
    assert any("index" in note for note in table.notes)


def test_a_named_id_column_is_kept():
    table = data.read_csv(csv_bytes(["id", "x", "y"], [(i, i * 2, i % 3) for i in range(5)]))
    assert list(table.frame.columns) == ["id", "x", "y"]
    assert not any("index" in note for note in table.notes)


def test_spaces_around_names_are_removed():
    assert list(data.read_csv(b" x , y\n1,2\n").frame.columns) == ["x", "y"]


# ---------------------------------------------------------------------------------------------------------------
# Column plan


def test_column_plan_uses_encodes_and_drops_with_reasons():
    n = 30
    rows = [(i, ["Seoul", "Busan", "Incheon"][i % 3], f"house {i}", None, 7, "KR", 3 * i + i % 5) for i in range(n)]
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
# Errors a user can cause


def rows_of(n, target=lambda i: 2 * i + 1):
    return csv_bytes(["x", "y"], [(i, target(i)) for i in range(n)])


ERRORS = [
    # id, file bytes, target (None: reading the file fails), config, code, words the message must hold
    ("zero bytes", b"", None, {}, "csv_empty", "empty"),
    ("whitespace only", b"  \n\t\r\n  ", None, {}, "csv_empty", "empty"),
    ("byte-order mark only", b"\xef\xbb\xbf\r\n", None, {}, "csv_empty", "empty"),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), None, {}, "csv_binary", "Save it as CSV"),
    ("NUL bytes", b"x,y\n1,\x002\n", None, {}, "csv_binary", "Save it as CSV"),
    ("neither UTF-8 nor CP949", b"x,y\n\xff\xfe\xfa,1\n", None, {}, "csv_encoding", "CSV UTF-8"),
    ("no header", b"1,2,3\n4,5,6\n7,8,9\n", None, {}, "csv_no_header", "header row"),
    ("one column", b"x\ty\n1\t2\n3\t4\n", None, {}, "csv_one_column", "commas or semicolons"),
    ("extra field in a later row", b"x,y\n1,2\n3,4,5\n", None, {}, "csv_malformed", "line 3"),
    ("unclosed quote", b'x,y\n"1,2\n3,4\n', None, {}, "csv_malformed", "as many fields"),
    ("names equal without spaces", b"x ,x,y\n1,2,3\n", None, {}, "csv_duplicate_columns", "unique"),
    ("too few rows", rows_of(data.MIN_ROWS - 1), "y", {}, "too_few_rows", f"at least {data.MIN_ROWS}"),
    ("header only", b"x,y\n", "y", {}, "too_few_rows", "Only 0 rows"),
    ("too few targets", rows_of(30, lambda i: i if i < 10 else ""), "y", {}, "too_few_rows", "Only 10 rows"),
    ("no such target", rows_of(30), "price", {}, "target_missing", "Columns: x, y"),
    ("no target chosen", rows_of(30), "", {}, "target_missing", "Choose the target"),
    ("text target", rows_of(30, lambda i: f"high{i}"), "y", {}, "target_not_numeric", "'high0' on line 2"),
    ("true/false target", rows_of(30, lambda i: i % 2 == 0), "y", {}, "target_not_numeric", "'True' on line 2"),
    ("constant target", rows_of(30, lambda i: 5), "y", {}, "target_constant", "same value"),
    ("no usable feature", csv_bytes(["c", "e", "y"], [(1, None, i) for i in range(30)]), "y", {}, "no_features",
     "c: a single value"),
    ("infinite feature", csv_bytes(["x", "y"], [("inf" if i == 4 else i, i) for i in range(30)]), "y", {},
     "infinite", "Column 'x' has infinite values (lines 6)"),
    ("infinite target", rows_of(30, lambda i: "-inf" if i == 0 else i), "y", {}, "infinite", "'y'"),
    ("test share too small", rows_of(30), "y", {"test_size": 0.0}, "test_size", "between 0.05 and 0.5"),
    ("test share too large", rows_of(30), "y", {"test_size": 0.9}, "test_size", "between 0.05 and 0.5"),
]


@pytest.mark.parametrize("raw, target, config, code, words", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_user_errors_have_a_code_and_say_what_to_do(raw, target, config, code, words):
    with pytest.raises(DataError) as err:
        table = data.read_csv(raw)
        if target is not None:
            table.target = target
            data.prepare(table, data.DataConfig(**config))
    assert err.value.code == code
    assert words in str(err.value)
    assert "\n" not in str(err.value)  # one sentence for st.error, not a pasted parser message


def test_data_errors_are_playground_errors():
    with pytest.raises(PlaygroundError):
        data.read_csv(b"")


def test_encoding_error_bytes_fail_both_decodings():
    raw = b"x,y\n\xff\xfe\xfa,1\n"
    for encoding in ("utf-8", "cp949"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(encoding)


def test_target_missing_lists_the_columns():
    with pytest.raises(DataError) as err:
        prepare_csv(simple_csv(), target="price")
    assert err.value.params["columns"] == ["x", "city", "y"]
    assert "x, city, y" in str(err.value)


@pytest.mark.parametrize("make", [lambda p: p / "missing.csv", lambda p: p], ids=["no such file", "a folder"])
def test_a_path_that_is_not_a_file(make, tmp_path):
    with pytest.raises(DataError) as err:
        data.read_csv(make(tmp_path))
    assert err.value.code == "csv_not_found"


@pytest.mark.parametrize("kind", ["bytes", "path", "BytesIO"])
def test_a_file_over_the_size_limit(kind, monkeypatch, tmp_path):
    monkeypatch.setattr(data, "MAX_BYTES", 100)
    raw = simple_csv(20)
    assert len(raw) > 100
    path = tmp_path / "big.csv"
    path.write_bytes(raw)
    with pytest.raises(DataError) as err:
        data.read_csv({"bytes": raw, "path": path, "BytesIO": io.BytesIO(raw)}[kind])
    assert err.value.code == "csv_too_big"
    assert "smaller" in str(err.value)


def test_row_limit(monkeypatch):
    monkeypatch.setattr(data, "MAX_ROWS", 30)
    assert len(data.read_csv(rows_of(30)).frame) == 30
    with pytest.raises(DataError) as err:
        data.read_csv(rows_of(31))
    assert err.value.code == "csv_too_many_rows"
    assert "at most 30 rows" in str(err.value)


def test_column_limit(monkeypatch):
    monkeypatch.setattr(data, "MAX_COLUMNS", 5)
    assert data.read_csv(csv_bytes(list("abcde"), [range(5)])).frame.shape == (1, 5)
    with pytest.raises(DataError) as err:
        data.read_csv(csv_bytes(list("abcdef"), [range(6)]))
    assert err.value.code == "csv_too_many_columns"
    assert "6 columns; the limit is 5" in str(err.value)


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
