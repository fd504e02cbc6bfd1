"""Dates in a table: found in text columns (ISO, day-first and month-first, month names, Korean Excel's
"2024. 3. 5.") and in numeric columns named as dates (Excel's serial day numbers, 20240305), then expanded into
four numbers a model can use: year, month, day of week and a time index (days since 1970-01-01).

A format is chosen once, on the training file, and saved with the preprocessing, so a prediction row is read and
expanded exactly as the training rows were. ``pandas.to_datetime`` does the parsing with that explicit format.
"""

import re
import warnings

import numpy as np
import pandas as pd

PARTS = ("year", "month", "weekday", "days")  # weekday: Monday 0 … Sunday 6; days: since 1970-01-01, with the time
_UNIT = "datetime64[us]"  # years 1 to 9999 and beyond; nanoseconds end in 2262 (and wrap around without a word)
MIN_SHARE = 0.95  # of a column's non-empty values that must read as dates in one format
SAMPLE = 2000  # distinct values looked at to choose a format
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (its serial 60 is the 1900-02-29 that never was)
_EXCEL_RANGE = (20_000, 80_000)  # serial days 1954 … 2119: a column named as a date holding these is Excel's
_DATE_WORDS = {"date", "dates", "datetime", "dt"}
_DATE_KOREAN = ("날짜", "일자")  # inside a compound too: 판매일자

_DAYS = (  # (format, how a reader writes it); where day-first and month-first both read every value, the first wins
    ("%Y-%m-%d", "YYYY-MM-DD"), ("%Y/%m/%d", "YYYY/MM/DD"), ("%Y.%m.%d", "YYYY.MM.DD"), ("%Y. %m. %d.", "YYYY. M. D."),
    ("%m/%d/%Y", "MM/DD/YYYY"), ("%d/%m/%Y", "DD/MM/YYYY"), ("%d.%m.%Y", "DD.MM.YYYY"), ("%d-%m-%Y", "DD-MM-YYYY"),
    ("%m-%d-%Y", "MM-DD-YYYY"), ("%m/%d/%y", "MM/DD/YY"), ("%d/%m/%y", "DD/MM/YY"), ("%d.%m.%y", "DD.MM.YY"),
    ("%d-%b-%Y", "DD-Mon-YYYY"), ("%d %b %Y", "DD Mon YYYY"), ("%b %d %Y", "Mon DD YYYY"),
    ("%b %d, %Y", "Mon DD, YYYY"), ("%d %B %Y", "DD Month YYYY"), ("%B %d, %Y", "Month DD, YYYY"))
_TIMES = (("", ""), (" %H:%M", " hh:mm"), (" %H:%M:%S", " hh:mm:ss"))
_FORMATS = [(day + time, label + time_label) for day, label in _DAYS for time, time_label in _TIMES] + [
    ("ISO8601", "ISO 8601")]  # last: 'T', fractions of a second, time zones
KNOWN_FORMATS = frozenset([fmt for fmt, _ in _FORMATS] + ["excel", "%Y%m%d"])  # what a checkpoint may name
_SWAPPED = {"%m/%d/": "%d/%m/", "%d/%m/": "%m/%d/", "%d-%m-": "%m-%d-", "%m-%d-": "%d-%m-"}
_LOOKS_LIKE_DATE = re.compile(r"\d{1,4}\s*[-/.]\s*\d{1,2}|[A-Za-z]{3,}\.? \d|\d[ -][A-Za-z]{3,}")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")  # a time zone: dropped, so a date keeps its own wall-clock day


def words_say_date(name) -> bool:
    words = {w.lower() for w in re.split(r"[^0-9A-Za-z가-힣]+", str(name)) if w}
    return bool(words & _DATE_WORDS) or any(word in str(name) for word in _DATE_KOREAN)


def detect(values: pd.Series, name) -> dict | None:
    """``{"format", "label", "ambiguous"}`` when the column holds dates, else None.

    ``ambiguous``: every value reads both day-first and month-first (no day above 12), so the order was guessed.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _numeric_dates(values.dropna(), name) if words_say_date(name) else None
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return None
    distinct = pd.Series(values.dropna().unique()).astype(str).str.strip().drop_duplicates()
    if distinct.empty:
        return None
    sample = distinct.iloc[:SAMPLE]
    if sample.str.contains(_LOOKS_LIKE_DATE).mean() < MIN_SHARE:
        return None
    for fmt, label in _FORMATS:
        if _share(sample, fmt) >= MIN_SHARE and _share(distinct, fmt) >= MIN_SHARE:
            swapped = _swap(fmt)
            ambiguous = swapped is not None and _share(distinct, swapped) >= MIN_SHARE
            return {"format": fmt, "label": label, "ambiguous": bool(ambiguous)}
    return None


def _numeric_dates(present: pd.Series, name) -> dict | None:
    """Excel serial day numbers or 20240305-style whole numbers, in a column whose name says it is a date."""
    values = present.to_numpy(dtype=float)
    if not len(values):
        return None
    if not np.all(values == np.round(values)):
        return None
    if np.all((values >= _EXCEL_RANGE[0]) & (values <= _EXCEL_RANGE[1])):
        return {"format": "excel", "label": "Excel serial day", "ambiguous": False}
    whole = pd.Series(values.astype(np.int64))
    if np.all((values >= 1000_01_01) & (values <= 9999_12_31)) and _share(whole, "%Y%m%d") >= MIN_SHARE:
        return {"format": "%Y%m%d", "label": "YYYYMMDD", "ambiguous": False}
    return None


def _swap(fmt: str) -> str | None:
    for order, other in _SWAPPED.items():
        if fmt.startswith(order):
            return other + fmt[len(order):]
    return None


def _share(values: pd.Series, fmt: str) -> float:
    return float(parse(values, fmt).notna().mean()) if len(values) else 0.0


def parse(values: pd.Series, fmt: str) -> pd.Series:
    """The column as datetimes in the saved format; NaT where a cell is empty or does not read as a date.

    Each distinct value is read once (a column of 2,000,000 rows holds a few thousand days): ``to_datetime`` over
    every cell took 0.6 s a pass on bench/bench_bigcsv.py's file, the distinct values and a lookup far less.
    """
    codes, distinct = pd.factorize(pd.Series(values))  # -1: an empty cell
    read = _parse_distinct(pd.Series(distinct, dtype=object), fmt).to_numpy(dtype=_UNIT)
    out = np.full(len(codes), np.datetime64("NaT"), dtype=_UNIT)
    present = codes >= 0
    out[present] = read[codes[present]]
    return pd.Series(out)


def _parse_distinct(values: pd.Series, fmt: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if fmt == "excel":
            days = pd.to_numeric(values, errors="coerce")
            days = days.where((days >= 1) & (days <= 2_958_465)).to_numpy(dtype=float)  # 9999-12-31: the last
            micro = np.where(np.isnan(days), 0, np.round(days * 86_400_000_000)).astype(np.int64)
            return pd.Series(np.where(np.isnan(days), np.datetime64("NaT"),
                                      np.datetime64(EXCEL_EPOCH, "us") + micro.astype("timedelta64[us]")))
        if fmt == "%Y%m%d":
            numbers = pd.to_numeric(values, errors="coerce")
            text = numbers.where(numbers == numbers.round()).map(lambda v: f"{int(v)}", na_action="ignore")
            return pd.to_datetime(text, format=fmt, errors="coerce")
        text = values.map(str, na_action="ignore").str.strip()
        if fmt == "ISO8601":
            text = text.str.replace(_OFFSET, "", regex=True)
        try:
            return pd.to_datetime(text, format=fmt, errors="coerce")
        except (ValueError, OverflowError, TypeError):  # a mix pandas refuses as a whole: read value by value
            return text.map(lambda v: pd.to_datetime(v, format=fmt, errors="coerce"), na_action="ignore").astype(
                _UNIT)


def expand(moments: pd.Series) -> np.ndarray:
    """(rows, 4) float64: year, month, day of week, days since 1970-01-01 (NaN where there is no date)."""
    moments = pd.Series(moments)
    days = (moments - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return np.column_stack([moments.dt.year.to_numpy(dtype=float, na_value=np.nan),
                            moments.dt.month.to_numpy(dtype=float, na_value=np.nan),
                            moments.dt.day_of_week.to_numpy(dtype=float, na_value=np.nan),
                            days.to_numpy(dtype=float, na_value=np.nan)])


def from_days(days: float) -> pd.Timestamp:
    """The moment ``days`` after 1970-01-01 (``PARTS``' time index), in microseconds: any year from 1 to 9999."""
    return pd.Timestamp(np.datetime64("1970-01-01", "us") + np.timedelta64(int(round(days * 86_400_000_000)), "us"))


def iso(moment) -> str:
    """A datetime as the ISO text a form shows and ``parse`` reads back: the date, and the time where it has one."""
    m = pd.Timestamp(moment)
    day = f"{m.year:04d}-{m.month:02d}-{m.day:02d}"  # strftime's %Y writes year 1 as '1'
    return day if m == m.normalize() else f"{day} {m.hour:02d}:{m.minute:02d}:{m.second:02d}"
