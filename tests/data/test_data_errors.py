"""Every error a user can cause with data: its ``code``, and a message that says what to do."""

import io

import pytest

from core import data
from core.data import reader
from core.errors import DataError, PlaygroundError
from tests.data.helpers import csv_bytes, prepare_csv, simple_csv

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
    ("header only", b"x,y\n", "y", {}, "too_few_rows", "only 0 rows"),
    ("a small file", rows_of(16), "y", {}, "too_few_rows", "The file has only 16 rows"),
    ("too few targets", rows_of(30, lambda i: i if i < 10 else ""), "y", {}, "too_few_rows", "Only 10 rows have"),
    ("no such target", rows_of(30), "price", {}, "target_missing", "Columns: x, y"),
    ("no target chosen", rows_of(30), "", {}, "target_missing", "Choose the target"),
    ("text target", rows_of(30, lambda i: f"high{i}"), "y", {"task": "regress"}, "target_not_numeric",
     "'high0' on line 2"),
    ("true/false target", rows_of(30, lambda i: i % 2 == 0), "y", {"task": "regress"}, "target_not_numeric",
     "'True' on line 2"),
    ("text target, a value per row", rows_of(30, lambda i: f"high{i}"), "y", {}, "sparse_classes", "30 distinct"),
    ("too many classes", rows_of(300, lambda i: f"c{i % 60}"), "y", {"task": "classify"}, "too_many_classes",
     "at most 50"),
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
    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    raw = simple_csv(20)
    assert len(raw) > 100
    path = tmp_path / "big.csv"
    path.write_bytes(raw)
    with pytest.raises(DataError) as err:
        data.read_csv({"bytes": raw, "path": path, "BytesIO": io.BytesIO(raw)}[kind])
    assert err.value.code == "csv_too_big"
    assert "smaller" in str(err.value)


def test_row_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 30)
    assert len(data.read_csv(rows_of(30)).frame) == 30
    with pytest.raises(DataError) as err:
        data.read_csv(rows_of(31))
    assert err.value.code == "csv_too_many_rows"
    assert "at most 30 rows" in str(err.value)


def test_column_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_COLUMNS", 5)
    assert data.read_csv(csv_bytes(list("abcde"), [range(5)])).frame.shape == (1, 5)
    with pytest.raises(DataError) as err:
        data.read_csv(csv_bytes(list("abcdef"), [range(6)]))
    assert err.value.code == "csv_too_many_columns"
    assert "6 columns; the limit is 5" in str(err.value)
