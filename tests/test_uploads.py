"""core/uploads.py: the one capped reader CSVs and checkpoints go through."""

import io

import pytest

from core.uploads import TooLarge, read_capped


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "binary file", "text file"])
def test_every_source_reads_the_same_bytes_up_to_the_limit(kind, tmp_path):
    raw = "x,가\n1,2\n".encode()
    (tmp_path / "f.csv").write_bytes(raw)
    source = {"path": tmp_path / "f.csv", "str": str(tmp_path / "f.csv"), "bytes": raw, "binary file": io.BytesIO(raw),
              "text file": io.StringIO(raw.decode())}[kind]
    assert read_capped(source, len(raw)) == raw


def test_a_path_over_the_limit_is_refused_by_its_size_before_anything_is_read(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(10 * 2**30)  # 10 GiB, sparse: reading it would take the machine's memory
    with pytest.raises(TooLarge) as err:
        read_capped(path, 999)
    assert err.value.size == 10 * 2**30  # the file's size, not the bytes read


def test_a_stream_is_read_no_further_than_one_byte_past_the_limit():
    class Endless(io.RawIOBase):
        asked = []

        def read(self, n=-1):
            self.asked.append(n)
            return b"a" * n

    with pytest.raises(TooLarge) as err:
        read_capped(Endless(), 100)
    assert Endless.asked == [101] and err.value.size == 101


@pytest.mark.parametrize("make, error", [(lambda p: p / "missing", FileNotFoundError),
                                         (lambda p: p, IsADirectoryError)])
def test_a_path_that_cannot_be_opened_says_why(make, error, tmp_path):
    with pytest.raises(error):
        read_capped(make(tmp_path), 100)


@pytest.mark.parametrize("name", ["a\x00b.csv", "line\nbreak.csv", "esc\x1b[31m.csv", "c1\x85.csv", "x" * 256])
def test_a_file_name_with_control_characters_or_too_long_is_refused_with_a_message(name):
    from core.errors import DataError
    from core.uploads import check_file_name

    with pytest.raises(DataError) as err:
        check_file_name(name)
    assert err.value.code == "bad_file_name" and "Rename the file" in str(err.value)


@pytest.mark.parametrize("name", ["판매 데이터.csv", "houses (2024).csv", "tab\tseparated.csv".replace("\t", " ")])
def test_ordinary_file_names_pass(name):
    from core.uploads import check_file_name

    assert check_file_name(name) == name
