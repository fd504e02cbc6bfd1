"""Users' CSV files: encodings (UTF-8, BOM, CP949), separators and decimal commas, the limits a shared server sets
on an upload (or, on the command line, this machine's memory), and scored files written back in the same format.
``load`` reads a built-in data set by name or a CSV by path."""

import codecs
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.data.builtin import BUILTIN, load_builtin
from core.data.table import Table
from core.errors import N_, DataError
from core.uploads import TooLarge, read_capped

# Limits on a user's CSV (stated in the README). A shared server must not be exhausted by one upload.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 200
# On one's own machine (the command line): by memory (local_limits), within these.
LOCAL_MAX_BYTES = 8 * 2**30
LOCAL_MAX_ROWS = 50_000_000
LOCAL_MAX_COLUMNS = 2_000
_HEAD = 64 * 1024  # bytes read first, to tell text from binary and find the separator
EMPTY = N_("The file is empty. Choose a CSV file with a header row and data rows.")


def _numeric_like(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# whole numbers too: "2" beside "1,5" in one column; ASCII: pandas reads neither "٣" nor a no-break space as a number
_DECIMAL_COMMA = re.compile(r"\s*-?\d+(,\d+)?\s*", re.ASCII)


@dataclass(frozen=True)
class Limits:
    """What one file may hold before it is refused: an upload to a shared server, or a file on one's own machine."""

    max_bytes: int
    max_rows: int
    max_columns: int
    local: bool = False  # a file on this machine, read from its path (the command line): no whole-file copy


def upload_limits() -> Limits:
    """A shared server's limits on one upload (the module's constants, read when asked: tests lower them)."""
    return Limits(MAX_BYTES, MAX_ROWS, MAX_COLUMNS)


def local_limits() -> Limits:
    """The command line's limits, by this machine's memory: a file up to a quarter of the memory available (a
    DataFrame and the training arrays take a few times the file's size), at most LOCAL_MAX_BYTES."""
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not Linux: trust the fixed cap
        available = 4 * LOCAL_MAX_BYTES
    return Limits(min(LOCAL_MAX_BYTES, available // 4), LOCAL_MAX_ROWS, LOCAL_MAX_COLUMNS, local=True)


class _Counted(io.RawIOBase):
    """A binary file that reports how far it has been read: the command line's progress bar while pandas parses."""

    def __init__(self, file, progress):
        self.file, self.progress, self.done = file, progress, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.file.readinto(buffer)
        self.done += n or 0
        self.progress(self.done)
        return n


def read_csv(source, name: str | None = None, limits: Limits | None = None, progress=None) -> Table:
    """Read a CSV (path, bytes or file-like) into a Table with no target chosen yet. Raises DataError with a fix.

    ``limits``: an upload's by default; ``local_limits()`` for a file on this machine, which pandas then parses from
    its path (no copy of the whole file in memory), calling ``progress(bytes read)`` as it goes.
    """
    limits = limits or upload_limits()
    path = Path(source) if isinstance(source, (str, Path)) else None
    name = name or (path.name if path is not None else "upload.csv")
    try:
        if path is not None and limits.local:
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise TooLarge(size)
            with path.open("rb") as f:
                head, raw = f.read(_HEAD), None
        else:
            raw = read_capped(source, limits.max_bytes)
            head = raw[:_HEAD]
    except TooLarge as err:
        raise _too_big(err.size, limits) from None
    except FileNotFoundError:
        raise DataError(N_("No such file: {path}. Check the path."), code="csv_not_found", path=str(path)) from None
    except PermissionError:
        raise DataError(N_("{path} cannot be read (permission denied)."), code="csv_not_found",
                        path=str(path)) from None
    except IsADirectoryError:
        raise DataError(N_("{path} is a folder, not a CSV file."), code="csv_not_found", path=str(path)) from None
    if head[:4] == b"PK\x03\x04" or b"\x00" in head[:8192]:
        raise DataError(N_("This is not a CSV text file (it looks like a binary file such as an Excel workbook). "
                           "Save it as CSV (comma-separated) and upload that."), code="csv_binary")
    bom = head.startswith(codecs.BOM_UTF8)
    text = _head_text(head)
    if not text.strip():  # after decoding, so that a byte-order mark or Unicode spaces alone count as empty
        raise DataError(EMPTY, code="csv_empty")
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    spaced = re.search(re.escape(sep) + r"[ \t]", text) is not None  # "a, b": spaces after the separator
    frame, encoding = _parse(path if raw is None else raw, sep, spaced, limits, progress)
    if len(frame) > limits.max_rows:
        raise DataError(N_("The file has more than {limit:,} rows. Use a sample of at most {limit:,} rows."),
                        code="csv_too_many_rows", limit=limits.max_rows)
    if frame.shape[1] > limits.max_columns:
        raise DataError(N_("The file has {n} columns; the limit is {limit}. Keep the columns you need and upload "
                           "again."), code="csv_too_many_columns", n=frame.shape[1], limit=limits.max_columns)
    if frame.shape[1] < 2:
        raise DataError(N_("The file has fewer than two columns, so there is nothing to predict from. A CSV needs "
                           "a target column and at least one feature column, separated by commas or semicolons."),
                        code="csv_one_column")
    if all(_numeric_like(str(c)) for c in frame.columns):
        raise DataError(N_("The first row looks like data, not column names. Add a header row with a name for each "
                           "column and upload again."), code="csv_no_header")
    frame.columns = [" ".join(str(c).splitlines()).strip() for c in frame.columns]  # a quoted name may span lines
    if frame.columns.has_duplicates:  # "a" and "a " are one name once spaces are removed
        twice = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataError(N_("Column names must be unique; {names} appears more than once (spaces around names are "
                           "ignored). Rename the columns and upload again."), code="csv_duplicate_columns",
                        columns=twice, names=", ".join(map(repr, twice)))
    decimal = "."
    if sep == ";":  # Excel in many locales writes ';' with decimal commas
        for col in [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]:
            values = frame[col].dropna().astype(str)
            if len(values) and values.str.fullmatch(_DECIMAL_COMMA).all():
                frame[col] = pd.to_numeric(values.str.replace(",", ".", regex=False)).reindex(frame.index)
                decimal = "," if values.str.contains(",", regex=False).any() else decimal
    notes = [f"encoding {encoding}" + (" with a byte-order mark" if bom else ""), f"separator {sep!r}"]
    if decimal == ",":
        notes.append("decimal comma")
    return Table(frame=frame, target=None, name=name, source=f"uploaded file {name}", notes=notes,
                 encoding=encoding, bom=bom, sep=sep, decimal=decimal)


def _head_text(head: bytes) -> str:
    """The start of the file as text, to find the header and the separator (a character cut in two at the end of
    the head is dropped)."""
    for encoding in ("utf-8-sig", "cp949"):  # utf-8-sig also reads plain UTF-8; CP949: Korean Excel exports
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as err:
            if err.start >= len(head) - 4:  # only the last few bytes: a character cut by the head's end
                return head[:err.start].decode(encoding)
    raise _not_text()


def _not_text() -> DataError:
    return DataError(N_("The file is not text in UTF-8 or CP949. Save it from your spreadsheet as 'CSV UTF-8' and "
                        "upload it again."), code="csv_encoding")


def _parse(source, sep: str, spaced: bool, limits: Limits, progress) -> tuple[pd.DataFrame, str]:
    """pandas' C parser over the bytes (or the file itself), in UTF-8, else CP949; (frame, the encoding's name).

    Two options cost time and are used only where needed (bench/bench_bigcsv.py, 2,000,000 rows): ``nrows``, which
    makes pandas read in chunks and join them (2.6 s where 1.3 s), only for an upload, where it stops a file of tiny
    rows early (a local file is bounded by its size in bytes already); ``skipinitialspace`` (+0.8 s) only where the
    file's head has spaces after its separators.
    """
    options = {"sep": sep, "skipinitialspace": spaced}
    if not limits.local:
        options["nrows"] = limits.max_rows + 1
    for encoding, label in (("utf-8-sig", "UTF-8"), ("cp949", "CP949")):
        try:
            if isinstance(source, Path):
                with source.open("rb") as f:
                    stream = _Counted(f, progress) if progress else f
                    frame = pd.read_csv(stream, encoding=encoding, **options)
            else:
                frame = pd.read_csv(io.BytesIO(source), encoding=encoding, **options)
            return frame, label
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise DataError(EMPTY, code="csv_empty") from None
        except pd.errors.ParserError as err:
            detail = str(err).strip()  # pandas ends its message with a line break
            raise DataError(N_("The file is not a well-formed CSV: {detail}. Every row needs as many fields as the "
                               "header."), code="csv_malformed", detail=detail) from None
    raise _not_text()


def to_csv_bytes(frame: pd.DataFrame, like: Table) -> bytes:
    """``frame`` as a CSV file in the format ``like`` was read in: its separator and decimal mark; UTF-8, with a
    byte-order mark where the input had one or was CP949 (so that Excel opens it with the right letters)."""
    text = frame.to_csv(index=False, sep=like.sep, decimal=like.decimal)
    return text.encode("utf-8-sig" if like.bom or like.encoding == "CP949" else "utf-8")


def _too_big(size: int, limits: Limits) -> DataError:
    if limits.local:
        return DataError(N_("The file is {size_mb:,.1f} MB; this machine reads files up to {limit_mb:,} MB (a quarter "
                            "of its free memory, at most {cap_gb} GB). Use a sample, or free memory."),
                         code="csv_too_big", size_mb=size / 2**20, limit_mb=limits.max_bytes // 2**20,
                         cap_gb=LOCAL_MAX_BYTES // 2**30)
    return DataError(N_("The file is {size_mb:.1f} MB; the limit is {limit_mb} MB. Upload a smaller sample."),
                     code="csv_too_big", size_mb=size / 2**20, limit_mb=limits.max_bytes // 2**20)


def load(source: str, target: str | None = None, limits: Limits | None = None, progress=None) -> Table:
    """A built-in data set by name, or a CSV by path; ``target`` overrides (for a CSV: names) the column to predict."""
    table = load_builtin(source) if source in BUILTIN else read_csv(source, limits=limits, progress=progress)
    if target:
        table.target = target
    return table
