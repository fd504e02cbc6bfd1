"""core/data/reader.py: users' CSV files in their encodings and separators, as path, bytes or file."""

import io

import numpy as np
import pandas as pd
import pytest

from core import data
from core.errors import DataError
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
    assert table.encoding == named and table.bom == (encoding == "utf-8-sig")
    assert any(note.startswith(f"encoding {named}") for note in table.notes)

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


# ---------------------------------------------------------------------------------------------------------------
# Files that round-trip, and files on one's own machine


def excel_korean_semicolons() -> bytes:
    """What Korean Excel in a European-style locale writes: CP949, ';' between fields, decimal commas."""
    rows = ["면적;구;가격"] + [f"{30 + i},5;{'강남' if i % 2 else '서초'};{5 + i},25" for i in range(25)]
    return ("\r\n".join(rows) + "\r\n").encode("cp949")


def test_a_scored_file_keeps_the_inputs_separator_and_decimal_mark_and_gets_a_bom_for_excel():
    table = data.read_csv(excel_korean_semicolons())
    assert (table.encoding, table.bom, table.sep, table.decimal) == ("CP949", False, ";", ",")
    out = data.to_csv_bytes(table.frame.assign(predicted=[1.5] * 25), table)
    assert out.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel shows 면적, not mojibake
    text = out.decode("utf-8-sig")
    assert text.splitlines()[0] == "면적;구;가격;predicted" and "30,5;서초;5,25;1,5" in text.splitlines()[1]
    again = data.read_csv(out)  # and it reads back as it was
    pd.testing.assert_frame_equal(again.frame.drop(columns="predicted"), table.frame)


def test_a_plain_utf8_file_is_written_back_plain():
    raw = simple_csv()
    table = data.read_csv(raw)
    assert (table.encoding, table.bom, table.sep, table.decimal) == ("UTF-8", False, ",", ".")
    assert data.to_csv_bytes(table.frame, table) == table.frame.to_csv(index=False).encode()


def test_the_command_lines_limits_come_from_memory_not_the_upload_limits(tmp_path, monkeypatch):
    from core.data import reader

    path = tmp_path / "big.csv"
    path.write_bytes(simple_csv(200))
    monkeypatch.setattr(reader, "MAX_BYTES", 1000)  # an upload this size is refused...
    with pytest.raises(DataError) as err:
        data.read_csv(path)
    assert err.value.code == "csv_too_big" and "Upload a smaller sample" in str(err.value)
    local = data.local_limits()  # ...while the command line reads it, within a quarter of free memory
    assert local.local and local.max_bytes <= reader.LOCAL_MAX_BYTES
    seen = []
    table = data.read_csv(path, limits=local, progress=seen.append)
    assert len(table.frame) == 200 and seen and seen[-1] == path.stat().st_size  # progress reached the end


def test_a_file_read_from_its_path_is_the_same_as_its_bytes(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(excel_korean_semicolons())
    by_path = data.read_csv(path, limits=data.local_limits())
    by_bytes = data.read_csv(path.read_bytes())
    pd.testing.assert_frame_equal(by_path.frame, by_bytes.frame)
    assert (by_path.encoding, by_path.sep, by_path.decimal) == (by_bytes.encoding, by_bytes.sep, by_bytes.decimal)
