"""Data for the regressor: the built-in data sets (builtin), users' CSV files (reader), the train/test split and
the column plan (prepare), and preprocessing fitted on the training split (preprocessing).

Everything a checkpoint needs to repeat the preprocessing is exported as plain lists and numbers
(``Prepared.preprocessing``), and the same ``transform`` is applied to training, test and prediction rows, so
what the model saw in training and what it sees in prediction cannot drift apart.
"""

from core.data.builtin import (
    BUILTIN,
    CALIFORNIA_UNITS,
    DIABETES_UNITS,
    california_available,
    load_builtin,
    load_california,
    load_diabetes,
)
from core.data.prepare import FLOAT32_MAX, MIN_ROWS, DataConfig, Prepared, prepare, to_numbers
from core.data.preprocessing import describe_units, fit_preprocessing, scale_target, transform, unscale_target
from core.data.reader import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    Limits,
    load,
    local_limits,
    read_csv,
    to_csv_bytes,
)
from core.data.roles import MAX_CATEGORIES, default_target, plan_columns
from core.data.table import Table

__all__ = [
    "BUILTIN", "CALIFORNIA_UNITS", "DIABETES_UNITS", "FLOAT32_MAX", "MAX_BYTES", "MAX_CATEGORIES", "MAX_COLUMNS",
    "MAX_ROWS", "MIN_ROWS", "Limits", "DataConfig", "Prepared", "Table", "california_available", "default_target",
    "describe_units", "fit_preprocessing", "load", "load_builtin", "load_california", "load_diabetes", "local_limits",
    "plan_columns", "prepare", "read_csv", "scale_target", "to_csv_bytes", "to_numbers", "transform",
    "unscale_target",
]
