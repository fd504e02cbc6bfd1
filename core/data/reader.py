"""Users' CSV files: encodings (UTF-8, BOM, CP949), separators and decimal commas, and the limits a shared server
sets on an upload. ``load`` reads a built-in data set by name or a CSV by path."""

import io
import re
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
EMPTY = N_("The file is empty. Choose a CSV file with a header row and data rows.")


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp949"):  # utf-8-sig also reads plain UTF-8; CP949: Korean Excel exports
        try:
            return raw.decode(encoding), ("UTF-8" if encoding == "utf-8-sig" else "CP949")
        except UnicodeDecodeError:
            continue
    raise DataError(N_("The file is not text in UTF-8 or CP949. Save it from your spreadsheet as 'CSV UTF-8' and "
                       "upload it again."), code="csv_encoding")


def _numeric_like(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# whole numbers too: "2" beside "1,5" in one column; ASCII: pandas reads neither "٣" nor a no-break space as a number
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+(,\d+)?\s*$", re.ASCII)


def read_csv(source, name: str | None = None) -> Table:
    """Read a CSV (path, bytes or file-like) into a Table with no target chosen yet. Raises DataError with a fix."""
    path = Path(source) if isinstance(source, (str, Path)) else None
    name = name or (path.name if path is not None else "upload.csv")
    try:
        raw = read_capped(source, MAX_BYTES)
    except TooLarge as err:
        raise _too_big(err.size) from None
    except FileNotFoundError:
        raise DataError(N_("No such file: {path}. Check the path."), code="csv_not_found", path=str(path)) from None
    except PermissionError:
        raise DataError(N_("{path} cannot be read (permission denied)."), code="csv_not_found",
                        path=str(path)) from None
    except IsADirectoryError:
        raise DataError(N_("{path} is a folder, not a CSV file."), code="csv_not_found", path=str(path)) from None
    if raw[:4] == b"PK\x03\x04" or b"\x00" in raw[:8192]:
        raise DataError(N_("This is not a CSV text file (it looks like a binary file such as an Excel workbook). "
                           "Save it as CSV (comma-separated) and upload that."), code="csv_binary")
    text, encoding = _decode(raw)
    if not text.strip():  # after decoding, so that a byte-order mark or Unicode spaces alone count as empty
        raise DataError(EMPTY, code="csv_empty")
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, nrows=MAX_ROWS + 1, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(EMPTY, code="csv_empty") from None
    except pd.errors.ParserError as err:
        detail = str(err).strip()  # pandas ends its message with a line break
        raise DataError(N_("The file is not a well-formed CSV: {detail}. Every row needs as many fields as the "
                           "header."), code="csv_malformed", detail=detail) from None
    if len(frame) > MAX_ROWS:
        raise DataError(N_("The file has more than {limit:,} rows. Use a sample of at most {limit:,} rows."),
                        code="csv_too_many_rows", limit=MAX_ROWS)
    if frame.shape[1] > MAX_COLUMNS:
        raise DataError(N_("The file has {n} columns; the limit is {limit}. Keep the columns you need and upload "
                           "again."), code="csv_too_many_columns", n=frame.shape[1], limit=MAX_COLUMNS)
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
    notes = [f"encoding {encoding}", f"separator {sep!r}"]
    if sep == ";":  # Excel in many locales writes ';' with decimal commas
        for col in [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]:
            values = frame[col].dropna().astype(str)
            if len(values) and values.map(lambda v: bool(_DECIMAL_COMMA.match(v))).all():
                frame[col] = pd.to_numeric(values.str.replace(",", ".", regex=False)).reindex(frame.index)
    return Table(frame=frame, target=None, name=name, source=f"uploaded file {name}", notes=notes)


def _too_big(size: int) -> DataError:
    return DataError(N_("The file is {size_mb:.1f} MB; the limit is {limit_mb} MB. Upload a smaller sample."),
                     code="csv_too_big", size_mb=size / 2**20, limit_mb=MAX_BYTES // 2**20)


def load(source: str, target: str | None = None) -> Table:
    """A built-in data set by name, or a CSV by path; ``target`` overrides (for a CSV: names) the column to predict."""
    table = load_builtin(source) if source in BUILTIN else read_csv(source)
    if target:
        table.target = target
    return table
