"""What each column of a table is for: a feature (numeric, or text one-hot encoded), the target, an identifier, a
column the user left out, or one with nothing to learn from (empty, constant, free text). Each role comes with its
reason, a marked template a page translates, so the app, the command line and the checkpoint say the same thing.

Identifiers are dropped by default, because a row number or an ID teaches a model nothing about new rows and can
leak the target (a file sorted by price numbers its rows by price): an unnamed first column (a pandas index, R's row
names), a column named like an identifier whose values never repeat, and whole numbers that count up in file order.
``keep`` names columns to use as features all the same.
"""

import difflib
import re

import numpy as np
import pandas as pd

from core.data import dates
from core.errors import N_, DataError
from core.messages import render

MAX_CATEGORIES = 20  # a text column with at most this many distinct values is one-hot encoded
CONSTANT = N_("a single value in every row carries no information")
FEATURE_ROLES = ("numeric", "date", "categorical")
_ID_WORDS = {"id", "ids", "index", "idx", "row", "rowid", "rownum", "rownumber"}
_ID_KOREAN = ("번호", "순번")
_TIME_WORDS = {"year", "yr", "month", "day", "date", "time", "week", "hour", "연도", "년", "월", "일", "년도", "날짜",
               "일자"}


def _words(name: str) -> set[str]:
    """A column name's words, lower case: "userID" → {"user", "id"}, "row_number" → {"row", "number"}."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name))
    return {w.lower() for w in re.split(r"[^0-9A-Za-z가-힣]+", spaced) if w}


def _whole_numbers(values: pd.Series) -> np.ndarray | None:
    """The column as int64 when every cell holds a whole number (no gaps), else None."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values) or values.isna().any():
        return None
    array = values.to_numpy(dtype=float)
    if not np.all(np.abs(array) < 2**53) or not np.all(array == np.round(array)):  # exact as int64; NaN/inf fail too
        return None
    return array.astype(np.int64)


def identifier(frame: pd.DataFrame, column: str, position: int) -> tuple[str, str, dict] | None:
    """(code, reason template, params) when ``column`` looks like an identifier rather than a measurement."""
    name, values = str(column), frame[column]
    if position == 0 and (not name.strip() or re.fullmatch(r"Unnamed: \d+", name)):
        return "unnamed_index", N_("an unnamed first column, like a pandas index or R's row names"), {}
    words = _words(name)
    named = words & _ID_WORDS or any(word in name for word in _ID_KOREAN)
    if named and len(values) > 1 and values.notna().all() and values.is_unique:
        return "named_id", N_("named like an identifier, and no value repeats"), {}
    numbers = _whole_numbers(values)
    if numbers is not None and len(numbers) >= 3 and not words & _TIME_WORDS:
        steps = np.diff(numbers)
        if np.all(steps > 0) and np.median(steps) == 1:  # 1, 2, 3, ... with or without gaps (rows filtered out)
            return "counts_up", N_("whole numbers that count up in file order ({first}, {second}, …), as row numbers "
                                   "do"), {"first": int(numbers[0]), "second": int(numbers[1])}
    return None


_NOT_A_COLUMN = {  # (no suggestion, with one), for each list of names a user gives
    "exclude": (N_("There is no column {name!r} to leave out. Columns: {names}."),
                N_("There is no column {name!r} to leave out. Did you mean {suggestion!r}? Columns: {names}.")),
    "keep": (N_("There is no column {name!r} to keep. Columns: {names}."),
             N_("There is no column {name!r} to keep. Did you mean {suggestion!r}? Columns: {names}.")),
    "target": (N_("There is no column {name!r}. Columns: {names}."),
               N_("There is no column {name!r}. Did you mean {suggestion!r}? Columns: {names}.")),
}


def not_a_column(frame: pd.DataFrame, name: str, given: str) -> DataError:
    """The error for a name that is not one of the frame's columns, naming the nearest one where there is one."""
    columns = [str(c) for c in frame.columns]
    suggestion = did_you_mean(name, columns)
    template = _NOT_A_COLUMN[given][suggestion is not None]
    near = {"suggestion": suggestion} if suggestion is not None else {}
    return DataError(template, code="target_missing" if given == "target" else "no_such_column", name=name,
                     target=name, columns=columns, names=", ".join(columns), **near)


def check_names(frame: pd.DataFrame, names, given: str) -> list[str]:
    """``names`` (given for ``given``: "exclude" or "keep"), each a column of the frame; else a DataError."""
    for name in names:
        if name not in frame.columns:
            raise not_a_column(frame, name, given)
    return list(names)


def did_you_mean(name: str, columns: list[str]) -> str | None:
    """The column ``name`` was probably meant to be: the same but for case, spaces and underscores, else one a
    letter or two away; None if none is near."""
    plain = {re.sub(r"[\s_]+", "", c).lower(): c for c in columns}
    match = plain.get(re.sub(r"[\s_]+", "", str(name)).lower())
    if match is None:
        close = difflib.get_close_matches(str(name), columns, n=1, cutoff=0.8)
        match = close[0] if close else None
    return match


def _constant(values: pd.Series) -> bool:
    """One value (or none) in every non-empty cell; for numbers, min == max, without counting distinct values."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return not values.min() < values.max()
    return values.nunique(dropna=True) <= 1


DATE_REASON = N_("dates written {format}: used as year, month, day of week and days since 1970")


def plan_columns(frame: pd.DataFrame, target: str, exclude=(), keep=()) -> dict:
    """Every column's role, in file order, with the reason; and the features: numeric ones, dates (each expanded into
    ``dates.PARTS``), then text ones to one-hot encode. ``dates``: ``{"name", "format", "label", "ambiguous"}`` each.

    ``exclude``: columns the user leaves out. ``keep``: columns to use even where they look like identifiers.
    """
    exclude, keep = set(exclude), set(keep)
    roles, numeric, found_dates, categorical = [], [], [], []

    def add(col, role: str, code: str, reason: str, **params):  # reason: a marked template, filled in with params
        roles.append({"column": col, "role": role, "code": code, **params, "template": reason,
                      "reason": render(reason, params)})

    for position, col in enumerate(frame.columns):
        values = frame[col]
        looks_like_id = identifier(frame, col, position) if col not in keep and col != target else None
        if col == target:
            add(col, "target", "target", N_("the column to predict"))
        elif col in exclude:
            add(col, "excluded", "excluded", N_("left out by you"))
        elif values.isna().all():
            add(col, "empty", "all_missing", N_("all values are missing"))
        elif looks_like_id:
            code, reason, params = looks_like_id
            add(col, "identifier", code, reason, **params)
        elif _constant(values):
            add(col, "constant", "constant", CONSTANT)
        elif (date := dates.detect(values, col)) is not None:
            found_dates.append({"name": col, **date})
            add(col, "date", "date", DATE_REASON, format=date["label"])
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            numeric.append(col)
            add(col, "numeric", "numeric", N_("a numeric feature"))
        elif (distinct := values.nunique(dropna=True)) <= MAX_CATEGORIES:
            categorical.append(col)
            add(col, "categorical", "categorical", N_("a text feature, one-hot encoded"))
        else:
            add(col, "text", "too_many_categories", N_("text with {distinct} distinct values (more than {limit} "
                                                       "cannot be one-hot encoded usefully)"),
                distinct=int(distinct), limit=MAX_CATEGORIES)
    dropped = [r for r in roles if r["role"] not in (*FEATURE_ROLES, "target")]
    return {"numeric": numeric, "dates": found_dates, "categorical": categorical, "dropped": dropped, "roles": roles}


def default_target(frame: pd.DataFrame) -> str | None:
    """The column a page proposes to predict: the last numeric one that is not an identifier, a date part or a
    constant; else the last column. A proposal only: the page asks the reader to check it."""
    for position in reversed(range(len(frame.columns))):
        col = frame.columns[position]
        values = frame[col]
        if (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
                and values.nunique(dropna=True) > 1 and not _words(col) & _TIME_WORDS
                and identifier(frame, col, position) is None):
            return str(col)
    return str(frame.columns[-1]) if len(frame.columns) else None
