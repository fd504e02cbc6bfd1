"""Feature transforms after the lecture's standard scaling, for the numeric columns (and date parts) only; one-hot
columns stay 0 and 1.

- ``standard``: the lecture's ``StandardScaler`` alone (nothing more is done).
- ``robust``: scikit-learn's ``RobustScaler`` (median and interquartile range), then RealMLP's smooth clipping
  ``x / sqrt(1 + (x / 3)²)`` (Holzmüller et al. 2024): an outlier ends near ±3 instead of at ±50.
- ``quantile``: scikit-learn's ``QuantileTransformer(output_distribution="normal")``, as every model of Gorishniy et
  al. 2021 and TabM uses: each column's ranks mapped onto a normal curve, so skewed columns (population, rooms)
  become bell-shaped.

Both are fitted on the training split's standardised values. Both are unchanged by standardising first (ranks, and
median/IQR ratios, do not move under a positive affine map), so fitting after ``StandardScaler`` is the same as
fitting on the raw values; the parameters are saved as plain lists and applied by rebuilding the scikit-learn object
from them, so training, test and prediction rows take one code path.
"""

import numpy as np
from sklearn.preprocessing import QuantileTransformer, RobustScaler

FEATURE_TRANSFORMS = ("standard", "robust", "quantile")
MAX_QUANTILES = 1000  # QuantileTransformer's default n_quantiles
QUANTILE_SAMPLE = 1_000_000  # rows the quantiles are estimated from (scikit-learn subsamples beyond this)
CLIP = 3.0  # smooth clipping's scale: values beyond ±CLIP are squeezed towards ±CLIP·√… (RealMLP's default)


def fit(block: np.ndarray, kind: str, seed: int = 0) -> dict | None:
    """The transform of ``kind`` fitted on ``block`` (training rows, standardised numeric columns); None for
    ``standard``, which adds nothing."""
    if kind == "standard" or block.shape[1] == 0:
        return None
    if kind == "robust":
        scaler = RobustScaler().fit(block)
        return {"kind": "robust", "center": scaler.center_.tolist(), "scale": scaler.scale_.tolist()}
    if kind == "quantile":
        q = QuantileTransformer(output_distribution="normal", n_quantiles=min(MAX_QUANTILES, len(block)),
                                subsample=QUANTILE_SAMPLE, random_state=seed).fit(block)
        return {"kind": "quantile", "quantiles": q.quantiles_.tolist(), "references": q.references_.tolist()}
    raise ValueError(f"unknown feature transform {kind!r}")


def apply(block: np.ndarray, params: dict | None) -> np.ndarray:
    """``block`` (rows, numeric columns) transformed as fitted; returned as a new float64 array."""
    if params is None or block.shape[1] == 0:
        return block
    if params["kind"] == "robust":
        x = (block - np.asarray(params["center"])) / np.asarray(params["scale"])
        return x / np.sqrt(1 + (x / CLIP) ** 2)
    q = QuantileTransformer(output_distribution="normal", n_quantiles=len(params["quantiles"]))
    q.quantiles_, q.references_ = np.asarray(params["quantiles"], float), np.asarray(params["references"], float)
    q.n_features_in_ = q.quantiles_.shape[1]
    return q.transform(block)


def well_formed(params, n_columns: int) -> bool:
    """Whether a checkpoint's saved transform has the form ``apply`` needs for ``n_columns`` columns (finite numbers,
    the right lengths, quantiles in order), so a damaged file is refused before anything is computed."""
    if params is None:
        return True
    try:
        if params["kind"] == "robust":
            center, scale = np.asarray(params["center"], float), np.asarray(params["scale"], float)
            return center.shape == scale.shape == (n_columns,) and np.isfinite(center).all() and (scale > 0).all() \
                and np.isfinite(scale).all()
        if params["kind"] == "quantile":
            if not 2 <= len(params["quantiles"]) <= MAX_QUANTILES:
                return False
            quantiles, references = np.asarray(params["quantiles"], float), np.asarray(params["references"], float)
            return (quantiles.shape == (len(references), n_columns) and np.isfinite(quantiles).all()
                    and (np.diff(quantiles, axis=0) >= 0).all() and np.isfinite(references).all()
                    and references[0] == 0 and references[-1] == 1 and (np.diff(references) > 0).all())
    except (KeyError, TypeError, ValueError):
        return False
    return False
