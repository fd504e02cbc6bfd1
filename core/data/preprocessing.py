"""Preprocessing fitted on the training split: scikit-learn's imputer, scaler and one-hot encoder, exported as plain
lists (``Prepared.preprocessing``, saved in checkpoints) and applied by ``transform`` to training, test and prediction
rows alike, so what the model saw in training and what it sees in prediction cannot drift apart."""

import math
import re
import warnings

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from core.data import dates as dates_
from core.data import transforms


def fit_preprocessing(X_train: pd.DataFrame, y_train: pd.Series, plan: dict, target: str, scale_target: bool,
                      feature_transform: str = "standard", seed: int = 0, classes: list[str] | None = None) -> dict:
    """Fit the imputer, scaler and one-hot encoder on the training split; return their parameters as lists.

    The numbers are scikit-learn's (SimpleImputer with ``keep_empty_features``, StandardScaler, OneHotEncoder), as
    tests/data/test_prepare.py checks against a fitted ColumnTransformer. Two steps are computed directly, for a
    measured reason (docs/performance.md, 2,000,000 rows): SimpleImputer's median sorts a masked array (5.8 s where
    ``np.nanmedian`` takes 0.4 s), and its most-frequent count walks object arrays in Python (``value_counts`` is
    pandas' hash table). A column with values only in test rows is imputed with 0, as ``keep_empty_features`` does,
    rather than skipped, which would shift every later column's parameters.

    ``feature_transform`` (core/data/transforms.py) is fitted last, on the standardised training values, and saved
    as ``feature_transform`` (absent for the lecture's ``standard``).

    A classifier's target (``classes`` given: ``y_train`` holds their indices) is not scaled; its entry records
    ``task: "classify"`` and the classes' labels, which a regressor's lacks.
    """
    num, cat = plan["numeric"], plan["categorical"]
    numeric = _fit_numbers(X_train[num].to_numpy(dtype=np.float64, na_value=np.nan), num) if num else []
    found = []
    for date in plan.get("dates", []):
        parts = dates_.expand(dates_.parse(X_train[date["name"]], date["format"]))  # (rows, len(PARTS))
        found.append({"name": date["name"], "format": date["format"], "label": date["label"],
                      "parts": _fit_numbers(parts, dates_.PARTS, key="part")})
    categorical = []
    for col in cat:
        counts = X_train[col].value_counts(dropna=True)
        if counts.empty:
            fill, categories = "0", ["0"]  # keep_empty_features: imputed with 0
        else:
            fill = str(min(counts.index[counts.to_numpy() == counts.max()]))  # ties: the smallest, as SimpleImputer
            categories = sorted(str(c) for c in counts.index)  # OneHotEncoder's order
        categorical.append({"name": col, "fill": fill, "categories": categories})
    y = y_train.to_numpy(float)
    preprocessing = {
        "numeric": numeric,
        "dates": found,
        "categorical": categorical,
        "target": {
            "name": target,
            "mean": float(y.mean()) if scale_target else 0.0,
            "scale": float(y.std()) if scale_target and y.std() > 0 else 1.0,
            "min": float(y.min()),
            "max": float(y.max()),
        } if classes is None else {"name": target, "task": "classify", "classes": list(classes), "mean": 0.0,
                                   "scale": 1.0, "min": 0.0, "max": float(len(classes) - 1)},
        "encoded_names": [c["name"] for c in numeric]
        + [f"{d['name']}.{p['part']}" for d in found for p in d["parts"]]
        + [f"{c['name']}={v}" for c in categorical for v in c["categories"]],
    }
    if feature_transform != "standard":
        standardised, _ = transform(X_train, preprocessing)
        n = n_numeric(preprocessing)
        preprocessing["feature_transform"] = transforms.fit(standardised[:, :n], feature_transform, seed)
    return preprocessing


def _fit_numbers(values: np.ndarray, names, key: str = "name") -> list[dict]:
    """Median imputation, then standard scaling, fitted on ``values`` (rows, len(names)); each column's figures."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-empty column: NaN, filled with 0 below
        medians = np.nan_to_num(np.nanmedian(values, axis=0), nan=0.0)
        lows, highs = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    values = np.where(np.isnan(values), medians, values)  # a new array: to_numpy may return a read-only view
    scaler = StandardScaler().fit(values)
    return [{key: name, "median": float(medians[i]), "mean": float(scaler.mean_[i]), "scale": float(scaler.scale_[i]),
             "min": float(lows[i]), "max": float(highs[i])} for i, name in enumerate(names)]


def source_columns(preprocessing: dict) -> list[str]:
    """The raw column each encoded column comes from, in the matrix's order (numeric, date parts, one-hot); its
    length is the matrix's width, the model's number of inputs."""
    return ([c["name"] for c in preprocessing["numeric"]] + [d["name"] for d, _ in date_parts(preprocessing)]
            + [c["name"] for c in preprocessing["categorical"] for _ in c["categories"]])


def n_numeric(preprocessing: dict) -> int:
    """How many of the matrix's first columns are numbers (numeric columns, then date parts); one-hot columns follow."""
    return len(preprocessing["numeric"]) + len(date_parts(preprocessing))


def date_parts(preprocessing: dict) -> list[tuple[dict, dict]]:
    """(date, part) for every number the dates are expanded into, in the matrix's order."""
    return [(d, p) for d in preprocessing.get("dates", []) for p in d["parts"]]


def _scaled(values: np.ndarray, figures: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(imputed and scaled values, missing mask) for columns fitted by ``_fit_numbers``."""
    missing = np.isnan(values)
    values = np.where(missing, np.array([c["median"] for c in figures]), values)  # a new array: X untouched
    values -= np.array([c["mean"] for c in figures])
    values /= np.array([c["scale"] for c in figures])
    return values, missing


def transform(X: pd.DataFrame, preprocessing: dict) -> tuple[np.ndarray, int]:
    """Apply saved preprocessing to raw feature columns: (encoded float32 matrix, number of cells imputed).

    The fitted scikit-learn objects are not kept (a checkpoint holds plain lists, loaded with weights_only=True),
    so this applies their saved parameters; tests/data/test_prepare.py checks it against the ColumnTransformer itself.
    A category not seen in training is all zeros, as ``handle_unknown="ignore"``.
    """
    numeric, categorical = preprocessing["numeric"], preprocessing["categorical"]
    found = preprocessing.get("dates", [])
    start = len(numeric) + len(date_parts(preprocessing))
    matrix = np.zeros((len(X), len(source_columns(preprocessing))), dtype=np.float32)
    imputed = 0
    if numeric:
        values, missing = _scaled(X[[c["name"] for c in numeric]].to_numpy(dtype=np.float64, na_value=np.nan), numeric)
        imputed += int(missing.sum())
        matrix[:, :len(numeric)] = values
    column = len(numeric)
    for date in found:  # a cell that is empty or reads as no date: every part imputed, counted once
        raw = X[date["name"]]
        moments = raw if pd.api.types.is_datetime64_any_dtype(raw) else dates_.parse(raw, date["format"])
        values, missing = _scaled(dates_.expand(moments), date["parts"])
        imputed += int(missing[:, 0].sum())
        matrix[:, column:column + len(date["parts"])] = values
        column += len(date["parts"])
    for col in categorical:
        codes, distinct = pd.factorize(X[col["name"]])  # -1: an empty cell
        missing = codes < 0
        imputed += int(missing.sum())
        # each distinct value looked up once, as text: a prediction file may read a text column's values as numbers
        lookup = pd.Index(col["categories"]).get_indexer(pd.Index(distinct).astype(str))  # -1: not seen in training
        codes = lookup[codes] if len(lookup) else np.full(len(codes), -1)
        codes[missing] = col["categories"].index(col["fill"])
        rows = np.flatnonzero(codes >= 0)
        matrix[rows, start + codes[rows]] = 1.0
        start += len(col["categories"])
    if preprocessing.get("feature_transform"):
        n = n_numeric(preprocessing)
        matrix[:, :n] = transforms.apply(matrix[:, :n].astype(np.float64), preprocessing["feature_transform"])
    return matrix, imputed


def scale_target(y: np.ndarray, preprocessing: dict) -> np.ndarray:
    t = preprocessing["target"]
    return (y - t["mean"]) / t["scale"]


def unscale_target(y, preprocessing: dict):
    t = preprocessing["target"]
    return y * t["scale"] + t["mean"]


def dollar_factor(unit: str) -> float | None:
    """How many dollars one unit is, where the unit is a multiple of dollars ("$100,000" → 100000.0); else None."""
    match = re.fullmatch(r"\$([\d,]+)", unit or "")
    return float(match.group(1).replace(",", "")) if match else None


def describe_units(value: float, unit: str) -> str:
    """A value with its unit written out where the unit is a multiple of dollars (2.068 × $100,000 → $206,800)."""
    factor = dollar_factor(unit)
    if factor is not None and math.isfinite(value):
        return f"${value * factor:,.0f}"
    return f"{value:.4g} {unit}".strip()
