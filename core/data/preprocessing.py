"""Preprocessing fitted on the training split: scikit-learn's imputer, scaler and one-hot encoder, exported as plain
lists (``Prepared.preprocessing``, saved in checkpoints) and applied by ``transform`` to training, test and prediction
rows alike, so what the model saw in training and what it sees in prediction cannot drift apart."""

import math
import re

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def fit_preprocessing(X_train: pd.DataFrame, y_train: pd.Series, plan: dict, target: str, scale_target: bool) -> dict:
    """Fit scikit-learn's imputer, scaler and one-hot encoder on the training split; return their parameters as lists.

    ``keep_empty_features``: a column with values only in test rows is imputed with 0 rather than silently skipped,
    which would shift every later column's parameters.
    """
    num, cat = plan["numeric"], plan["categorical"]
    columns = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent", keep_empty_features=True),
                               OneHotEncoder(handle_unknown="ignore")), cat),
    ])
    columns.fit(X_train)
    numeric = []
    if num:
        (_, imputer), (_, scaler) = columns.named_transformers_["num"].steps
        values = X_train[num].astype(float)
        for i, col in enumerate(num):
            numeric.append({
                "name": col,
                "median": float(imputer.statistics_[i]),
                "mean": float(scaler.mean_[i]),
                "scale": float(scaler.scale_[i]),
                "min": float(values[col].min()),
                "max": float(values[col].max()),
            })
    categorical = []
    if cat:
        (_, imputer), (_, encoder) = columns.named_transformers_["cat"].steps
        for i, col in enumerate(cat):
            categorical.append({
                "name": col,
                "fill": str(imputer.statistics_[i]),
                "categories": [str(c) for c in encoder.categories_[i]],
            })
    y = y_train.to_numpy(float)
    return {
        "numeric": numeric,
        "categorical": categorical,
        "target": {
            "name": target,
            "mean": float(y.mean()) if scale_target else 0.0,
            "scale": float(y.std()) if scale_target and y.std() > 0 else 1.0,
            "min": float(y.min()),
            "max": float(y.max()),
        },
        "encoded_names": [c["name"] for c in numeric]
        + [f"{c['name']}={v}" for c in categorical for v in c["categories"]],
    }


def transform(X: pd.DataFrame, preprocessing: dict) -> tuple[np.ndarray, int]:
    """Apply saved preprocessing to raw feature columns: (encoded float32 matrix, number of cells imputed).

    The fitted scikit-learn objects are not kept (a checkpoint holds plain lists, loaded with weights_only=True),
    so this applies their saved parameters; tests/data/test_prepare.py checks it against the ColumnTransformer itself.
    """
    parts, imputed = [], 0
    numeric = preprocessing["numeric"]
    if numeric:
        values = X[[c["name"] for c in numeric]].to_numpy(dtype=np.float64, na_value=np.nan)  # (rows, n_numeric)
        missing = np.isnan(values)
        imputed += int(missing.sum())
        medians = np.array([c["median"] for c in numeric])
        values = np.where(missing, medians, values)
        parts.append((values - np.array([c["mean"] for c in numeric])) / np.array([c["scale"] for c in numeric]))
    for col in preprocessing["categorical"]:
        values = X[col["name"]]
        missing = values.isna()
        imputed += int(missing.sum())
        values = values.astype(object).where(~missing, col["fill"]).astype(str)
        parts.append((values.to_numpy()[:, None] == np.array(col["categories"], dtype=object)[None, :]).astype(float))
    matrix = np.concatenate(parts, axis=1) if parts else np.empty((len(X), 0))
    return matrix.astype(np.float32), imputed


def scale_target(y: np.ndarray, preprocessing: dict) -> np.ndarray:
    t = preprocessing["target"]
    return (y - t["mean"]) / t["scale"]


def unscale_target(y, preprocessing: dict):
    t = preprocessing["target"]
    return y * t["scale"] + t["mean"]


def describe_units(value: float, unit: str) -> str:
    """A value with its unit written out where the unit is a multiple of dollars (2.068 × $100,000 → $206,800)."""
    match = re.fullmatch(r"\$([\d,]+)", unit or "")
    if match and math.isfinite(value):
        return f"${value * float(match.group(1).replace(',', '')):,.0f}"
    return f"{value:.4g} {unit}".strip()
