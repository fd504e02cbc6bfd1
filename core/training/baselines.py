"""Yardsticks for the MLP: scikit-learn models fitted on the same split and preprocessing it trains on.

A network that does not beat the mean predictor has learned nothing; one that does not beat linear regression has
learned nothing a straight line could not; gradient-boosted trees are what a tabular model usually has to match.
"""

import math
import time

from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from threadpoolctl import threadpool_limits  # installed with scikit-learn

from core.data import Prepared

MODELS = (
    ("mean", "Mean predictor", lambda: DummyRegressor(strategy="mean")),
    ("linear", "Linear regression", LinearRegression),
    ("hgb", "Gradient-boosted trees", lambda: HistGradientBoostingRegressor(random_state=0)),
)


def baselines(prepared: Prepared) -> list[dict]:
    """Fit each baseline on the training split; its test MAE, RMSE and R² in the target's units, and the seconds
    fitting and predicting took. A classifier's yardsticks are other models (core/training/classify.py)."""
    if prepared.task == "classify":
        from core.training.classify import classifier_baselines

        return classifier_baselines(prepared)
    rows = []
    for name, label, make in MODELS:
        start = time.perf_counter()
        # One thread: gradient boosting's OpenMP threads spin-wait when other processes hold the cores, as on a
        # shared server (docs/performance.md).
        with threadpool_limits(1):
            model = make().fit(prepared.X_train, prepared.y_train)
            pred = model.predict(prepared.X_test)  # (n_test,)
        seconds = time.perf_counter() - start
        y = prepared.y_test
        rows.append({
            "name": name,
            "label": label,
            "test_mae": float(mean_absolute_error(y, pred)),
            "test_rmse": float(root_mean_squared_error(y, pred)),
            "test_r2": float(r2_score(y, pred)) if len(y) > 1 else math.nan,
            "seconds": seconds,
        })
    return rows
