"""core/data/reader.py: users' CSV files in their encodings and separators, as path, bytes or file."""

import io

import numpy as np
import pandas as pd
import pytest

from core import data
from tests.data.helpers import csv_bytes, scrambled, simple_csv, table_from

# ---------------------------------------------------------------------------------------------------------------
# Reading CSV files


@pytest.mark.parametrize("encoding, named", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp949", "CP949")])
def test_csv_encodings_keep_korean_names_and_values(encoding, named):
    raw = csv_bytes(["면적", "구", "가격"], [(30 + scrambled(i, 25), "강남" if i % 2 else "서초", 5 + i)
                                           for i in range(25)], encoding=encoding)
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


def test_spaces_around_names_are_removed():
    assert list(data.read_csv(b" x , y\n1,2\n").frame.columns) == ["x", "y"]
