"""Regression or classification: which one a target column asks for, and its classes.

``auto`` (the default) classifies where the target is text, boolean, or whole numbers with at most
``AUTO_CLASSES`` distinct values (0/1, a rating from 1 to 5), and regresses otherwise. The classes are the distinct
values as text, in scikit-learn's ``LabelEncoder`` order (numbers by value, text alphabetically); the model predicts
their indices.
"""

import numpy as np
import pandas as pd

from core.errors import N_, DataError

TASKS = ("auto", "regress", "classify")
AUTO_CLASSES = 10  # whole-number targets with at most this many values are classes under "auto"
MAX_CLASSES = 50  # a classifier's largest number of classes


def label(value) -> str:
    """A class as text: whole numbers without ".0" (1.0 → "1", as a CSV with an empty cell reads them)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def detect(values: pd.Series, numbers: pd.Series) -> str:
    """"classify" or "regress" for a target column (``numbers``: its values as floats, NaN where not a number)."""
    present = values.notna()
    if pd.api.types.is_bool_dtype(values) or (numbers[present].isna().any()):  # booleans, or any text
        return "classify"
    whole = numbers[present]
    if len(whole) and (whole == np.round(whole)).all() and whole.nunique() <= AUTO_CLASSES:
        return "classify"
    return "regress"


def encode(values: pd.Series, target: str) -> tuple[pd.Series, list[str]]:
    """The target as class indices (float, NaN where the cell is empty) and the classes' labels."""
    present = values.dropna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    distinct = sorted(present.unique(), key=(float if numeric else str))
    labels = [label(v) for v in distinct]
    if len(set(labels)) < len(labels):  # 1 and "1" in one text column: one class
        labels = sorted(set(labels))
    if len(labels) > MAX_CLASSES:
        raise DataError(N_("The target {target!r} has {n} distinct values; a classifier takes at most {limit} "
                           "classes. Choose a column with fewer values, or train a regressor (--task regress) if "
                           "they are numbers."), code="too_many_classes", target=target, n=len(labels),
                        limit=MAX_CLASSES)
    index = {name: i for i, name in enumerate(labels)}
    codes = values.map(lambda v: np.nan if pd.isna(v) else index[label(v)]).astype(float)
    return codes, labels


def check_rows(codes: pd.Series, labels: list[str], target: str):
    """Classes a model can learn: more than one, and not mostly a row each (names, identifiers, free text). Checked
    once the rows without a target are gone and enough rows remain (``prepare``'s row checks come first)."""
    present = int(codes.notna().sum())
    if len(labels) > max(present // 2, 2):
        raise DataError(N_("The target {target!r} has {n} distinct values in {rows} rows, too few rows per class to "
                           "learn classes from: it looks like names or identifiers. Choose a column that sorts the "
                           "rows into a few groups."), code="sparse_classes", target=target, n=len(labels),
                        rows=present)
