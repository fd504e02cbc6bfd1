"""Columns that give the target away: a feature, or a linear combination of a few, that predicts the target almost
exactly on the training split. Bike rentals' count is casual + registered; a wage table holds log(wage) beside
wage. A model then reports R² 1.000 and learns nothing it can use on new rows, so the reader is told before
training, with the figure and the columns to leave out.

Cheap on purpose (checked on up to ``SAMPLE`` training rows): one least-squares fit on every feature first, and only
if that fits almost exactly, a greedy search (orthogonal matching pursuit) for the fewest columns that do.
"""

import numpy as np

from core.errors import N_
from core.messages import render

LEAK_R2 = 0.999  # R² on the training rows at or above which a fit is "almost exact"
SAMPLE = 50_000  # training rows the check looks at, at most (seeded)
MAX_COLUMNS = 4  # the most columns a warning names: beyond that it is not one column giving the answer away

ONE = N_("{column} gives {target} almost exactly on the training rows (R² {r2:.4f} on its own). If it is known only "
         "with or after the target, it gives the answer away: leave it out.")
MONOTONE = N_("{column} rises and falls with {target} almost exactly on the training rows (rank correlation "
              "{rho:.4f}): it may be the target in another form, such as its logarithm. If so, it gives the answer "
              "away: leave it out.")
SOME = N_("{names} together give {target} almost exactly on the training rows (R² {r2:.4f} from a linear "
          "combination). If they are parts of the target, or known only after it, they give the answer away: leave "
          "them out.")


def _r2(X: np.ndarray, y: np.ndarray) -> float:
    """R² of the least-squares fit of y on X's columns and an intercept."""
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum(residual**2)) / total if total > 0 else 0.0


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks along the first axis, ties given their mean rank (as Spearman's correlation takes them)."""
    import pandas as pd

    return pd.DataFrame(values).rank(method="average").to_numpy()


def _monotone(X: np.ndarray, y: np.ndarray, columns: list[str], target: str) -> dict | None:
    """One column that moves with the target in lockstep, though not on a straight line (log(wage) beside wage)."""
    ry, rx = _ranks(y[:, None])[:, 0], _ranks(X)
    ry, rx = ry - ry.mean(), rx - rx.mean(axis=0)
    denominator = np.linalg.norm(rx, axis=0) * np.linalg.norm(ry)
    rho = np.divide(rx.T @ ry, denominator, out=np.zeros(X.shape[1]), where=denominator > 0)  # (encoded columns,)
    best = int(np.argmax(np.abs(rho)))
    if abs(rho[best]) < LEAK_R2:
        return None
    params = {"column": columns[best], "columns": [columns[best]], "names": columns[best], "target": target,
              "rho": float(rho[best])}
    return {"code": "leak", **params, "template": MONOTONE, "message": render(MONOTONE, params)}


def find_leak(X: np.ndarray, y: np.ndarray, encoded_names: list[str], columns: list[str], target: str,
              seed: int = 0) -> dict | None:
    """The warning (a dict with ``code``, ``columns``, ``r2``, ``template``, ``message``) when a few feature columns
    give the target almost exactly on these training rows; else None.

    ``X``: the encoded training matrix (rows, encoded columns); ``columns[j]``: the table column encoded column j
    comes from (one-hot columns share theirs); ``encoded_names``: their names.
    """
    if len(X) < 3 or X.shape[1] == 0:
        return None
    if len(X) > SAMPLE:
        rows = np.random.default_rng(seed).choice(len(X), SAMPLE, replace=False)
        X, y = X[rows], y[rows]
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(X)) or not np.all(np.isfinite(y)):
        return None
    if _r2(X, y) < LEAK_R2:  # no subset fits better than all of them together; a monotone one may still
        return _monotone(X, y, columns, target)
    chosen, residual = [], y - y.mean()
    norms = np.linalg.norm(X - X.mean(axis=0), axis=0)
    norms[norms == 0] = np.inf
    r2 = 0.0
    while len(chosen) < X.shape[1]:
        scores = np.abs((X - X.mean(axis=0)).T @ residual) / norms
        scores[chosen] = -1
        chosen.append(int(np.argmax(scores)))
        r2 = _r2(X[:, chosen], y)
        names = list(dict.fromkeys(columns[j] for j in chosen))
        if r2 >= LEAK_R2 or len(names) > MAX_COLUMNS:
            break
        design = np.column_stack([X[:, chosen], np.ones(len(X))])
        residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    names = list(dict.fromkeys(columns[j] for j in chosen))
    if r2 < LEAK_R2 or len(names) > MAX_COLUMNS:
        return None  # the whole set fits, but no few columns do: a good model, not a leak
    params = {"column": names[0], "columns": names, "names": ", ".join(names), "target": target, "r2": r2}
    template = ONE if len(names) == 1 else SOME
    return {"code": "leak", **params, "template": template, "message": render(template, params)}
