"""Data for the regressor: the built-in data sets, users' CSV files, the train/test split and preprocessing.

Everything a checkpoint needs to repeat the preprocessing is exported as plain lists and numbers
(``Prepared.preprocessing``), and the same ``transform`` is applied to training, test and prediction rows, so
what the model saw in training and what it sees in prediction cannot drift apart.
"""

import functools
import io
import math
import re
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.errors import DataError, DatasetUnavailable

BUILTIN = ("california", "diabetes")

# Limits on a user's CSV (stated in the README). A shared server must not be exhausted by one upload.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 200
MIN_ROWS = 20  # after dropping rows without a target: enough for a test split of a few rows
MAX_CATEGORIES = 20  # a text column with at most this many distinct values is one-hot encoded
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the model computes in float32: larger numbers count as infinite

CALIFORNIA_UNITS = {
    "MedInc": "$10,000",
    "HouseAge": "years",
    "AveRooms": "rooms/household",
    "AveBedrms": "bedrooms/household",
    "Population": "people",
    "AveOccup": "people/household",
    "Latitude": "°N",
    "Longitude": "°E",
    "MedHouseVal": "$100,000",
}
DIABETES_UNITS = {
    "age": "years",
    "sex": "1 or 2",
    "bmi": "kg/m²",
    "bp": "mm Hg",
    "s1": "mg/dL",
    "s2": "mg/dL",
    "s3": "mg/dL",
    "s4": "ratio",
    "s5": "log mg/dL",
    "s6": "mg/dL",
    "progression": "score",
}


@dataclass
class DataConfig:
    test_size: float = 0.2  # share of rows held out for the test split
    seed: int = 0  # seeds the split; the same seed gives the same split
    scale_target: bool = True  # train on a standardised target; metrics and predictions stay in its own units


@dataclass
class Table:
    """A raw data set: a frame, the column to predict, and where it came from."""

    frame: pd.DataFrame
    target: str | None
    name: str
    source: str = ""
    units: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # how the file was read (encoding, separator, dropped index)


@dataclass
class Prepared:
    """Split, imputed, encoded and scaled data, ready for the trainer. Plain arrays; picklable."""

    X_train: np.ndarray  # (n_train, n_encoded) float32, scaled
    y_train: np.ndarray  # (n_train,) float32, in the target's units
    X_test: np.ndarray  # (n_test, n_encoded)
    y_test: np.ndarray  # (n_test,)
    preprocessing: dict  # plain types only: goes into the checkpoint
    report: dict  # what was used, encoded, dropped and imputed, and why
    info: dict  # name, source, target, units, row counts

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def features(self) -> list[str]:
        p = self.preprocessing
        return [c["name"] for c in p["numeric"]] + [c["name"] for c in p["categorical"]]


# ---------------------------------------------------------------------------------------------------------------
# Built-in data sets


def _can_reach(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to host opens within ``timeout`` seconds, DNS included (a hung resolver: no)."""
    result = []

    def attempt():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            pass

    probe = threading.Thread(target=attempt, daemon=True)
    probe.start()
    probe.join(timeout)
    return bool(result)


CALIFORNIA_HOST = "ndownloader.figshare.com"


@functools.lru_cache(maxsize=1)
def _california_frame() -> pd.DataFrame:
    from sklearn.datasets import fetch_california_housing

    try:
        bunch = fetch_california_housing(as_frame=True, download_if_missing=False)
    except OSError:
        if not _can_reach(CALIFORNIA_HOST):
            raise DatasetUnavailable(
                "The California housing data is not cached on this machine and cannot be downloaded (no network). "
                "Use the bundled diabetes data set (--dataset diabetes), which works offline, or connect once so "
                "scikit-learn can download and cache it (about 400 kB).",
                code="california_unavailable",
            ) from None
        try:
            bunch = fetch_california_housing(as_frame=True, n_retries=1, delay=0.5)
        except Exception as err:  # any network or archive failure: same advice
            raise DatasetUnavailable(
                f"Downloading the California housing data failed ({type(err).__name__}: {err}). "
                "Use the bundled diabetes data set (--dataset diabetes), which works offline, or try again later.",
                code="california_unavailable",
            ) from None
    return bunch.frame


def load_california() -> Table:
    """scikit-learn's California housing data: 20,640 block groups, 8 features, median value in $100,000."""
    return Table(
        frame=_california_frame().copy(),
        target="MedHouseVal",
        name="california",
        source="sklearn.datasets.fetch_california_housing (1990 U.S. census; downloaded once, then cached)",
        units=dict(CALIFORNIA_UNITS),
    )


def california_available() -> bool:
    """Whether the California data can be had right now (cached, or a download would start), in seconds."""
    try:
        _california_frame()
        return True
    except DatasetUnavailable:
        return False


@functools.lru_cache(maxsize=1)
def _diabetes_frame() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True, scaled=False)
    return bunch.frame.rename(columns={"target": "progression"})


def load_diabetes() -> Table:
    """scikit-learn's bundled diabetes data: 442 patients, 10 features, disease progression after a year."""
    return Table(
        frame=_diabetes_frame().copy(),
        target="progression",
        name="diabetes",
        source="sklearn.datasets.load_diabetes (bundled with scikit-learn; works offline)",
        units=dict(DIABETES_UNITS),
    )


def load_builtin(name: str) -> Table:
    if name == "california":
        return load_california()
    if name == "diabetes":
        return load_diabetes()
    raise DataError(f"Unknown data set {name!r}; choose one of {', '.join(BUILTIN)} or give a CSV file.",
                    code="unknown_dataset", name=name)


# ---------------------------------------------------------------------------------------------------------------
# Users' CSV files


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp949"):  # utf-8-sig also reads plain UTF-8; CP949: Korean Excel exports
        try:
            return raw.decode(encoding), ("UTF-8" if encoding == "utf-8-sig" else "CP949")
        except UnicodeDecodeError:
            continue
    raise DataError("The file is not text in UTF-8 or CP949. Save it from your spreadsheet as 'CSV UTF-8' and "
                    "upload it again.", code="csv_encoding")


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
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise _too_big(size)
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataError(f"No such file: {path}. Check the path.", code="csv_not_found", path=str(path)) from None
        except PermissionError:
            raise DataError(f"{path} cannot be read (permission denied).", code="csv_not_found",
                            path=str(path)) from None
        except IsADirectoryError:
            raise DataError(f"{path} is a folder, not a CSV file.", code="csv_not_found", path=str(path)) from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    else:
        raw = source.read(MAX_BYTES + 1)
        if isinstance(raw, str):  # a file opened in text mode
            raw = raw.encode("utf-8")
    name = name or "upload.csv"
    if len(raw) > MAX_BYTES:
        raise _too_big(len(raw))
    if raw[:4] == b"PK\x03\x04" or b"\x00" in raw[:8192]:
        raise DataError("This is not a CSV text file (it looks like a binary file such as an Excel workbook). "
                        "Save it as CSV (comma-separated) and upload that.", code="csv_binary")
    text, encoding = _decode(raw)
    if not text.strip():  # after decoding, so that a byte-order mark or Unicode spaces alone count as empty
        raise DataError("The file is empty. Choose a CSV file with a header row and data rows.", code="csv_empty")
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, nrows=MAX_ROWS + 1, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError("The file is empty. Choose a CSV file with a header row and data rows.",
                        code="csv_empty") from None
    except pd.errors.ParserError as err:
        detail = str(err).strip()  # pandas ends its message with a line break
        raise DataError(f"The file is not a well-formed CSV: {detail}. Every row needs as many fields as the header.",
                        code="csv_malformed", detail=detail) from None
    if len(frame) > MAX_ROWS:
        raise DataError(f"The file has more than {MAX_ROWS:,} rows. Use a sample of at most {MAX_ROWS:,} rows.",
                        code="csv_too_many_rows", limit=MAX_ROWS)
    if frame.shape[1] > MAX_COLUMNS:
        raise DataError(f"The file has {frame.shape[1]} columns; the limit is {MAX_COLUMNS}. Keep the columns "
                        "you need and upload again.", code="csv_too_many_columns", n=frame.shape[1], limit=MAX_COLUMNS)
    if frame.shape[1] < 2:
        raise DataError("The file has fewer than two columns, so there is nothing to predict from. A CSV needs "
                        "a target column and at least one feature column, separated by commas or semicolons.",
                        code="csv_one_column")
    if all(_numeric_like(str(c)) for c in frame.columns):
        raise DataError("The first row looks like data, not column names. Add a header row with a name for each "
                        "column and upload again.", code="csv_no_header")
    frame.columns = [" ".join(str(c).splitlines()).strip() for c in frame.columns]  # a quoted name may span lines
    if frame.columns.has_duplicates:  # "a" and "a " are one name once spaces are removed
        twice = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataError(f"Column names must be unique; {', '.join(map(repr, twice))} appears more than once "
                        "(spaces around names are ignored). Rename the columns and upload again.",
                        code="csv_duplicate_columns", columns=twice)
    notes = [f"encoding {encoding}", f"separator {sep!r}"]
    if sep == ";":  # Excel in many locales writes ';' with decimal commas
        for col in [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]:
            values = frame[col].dropna().astype(str)
            if len(values) and values.map(lambda v: bool(_DECIMAL_COMMA.match(v))).all():
                frame[col] = pd.to_numeric(values.str.replace(",", ".", regex=False)).reindex(frame.index)
    first = frame.columns[0]
    if first.startswith("Unnamed: 0") and frame[first].astype(str).tolist() == [str(i) for i in range(len(frame))]:
        frame = frame.drop(columns=first)
        notes.append("dropped a row-index column with no name")
    return Table(frame=frame, target=None, name=name, source=f"uploaded file {name}", notes=notes)


def _too_big(size: int) -> DataError:
    return DataError(f"The file is {size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB. Upload a smaller "
                     "sample.", code="csv_too_big", limit_mb=MAX_BYTES // 2**20)


def load(source: str, target: str | None = None) -> Table:
    """A built-in data set by name, or a CSV by path; ``target`` overrides (for a CSV: names) the column to predict."""
    table = load_builtin(source) if source in BUILTIN else read_csv(source)
    if target:
        table.target = target
    return table


# ---------------------------------------------------------------------------------------------------------------
# Columns, split and preprocessing


def _rows(mask: pd.Series, limit: int = 5) -> str:
    """File line numbers of the rows in ``mask``, as a spreadsheet counts them: the header is line 1."""
    rows = [str(int(i) + 2) for i in np.flatnonzero(mask.to_numpy())[:limit]]
    more = int(mask.sum()) - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def plan_columns(frame: pd.DataFrame, target: str) -> dict:
    """Which columns become numeric features, which are one-hot encoded, which are dropped and why."""
    numeric, categorical, dropped = [], [], []
    for col in frame.columns:
        if col == target:
            continue
        values = frame[col]
        if values.isna().all():
            dropped.append({"column": col, "reason": "all values are missing", "code": "all_missing"})
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            if values.nunique(dropna=True) <= 1:
                dropped.append({"column": col, "reason": "a single value in every row carries no information",
                                "code": "constant"})
            else:
                numeric.append(col)
        else:
            distinct = values.nunique(dropna=True)
            if distinct <= 1:
                dropped.append({"column": col, "reason": "a single value in every row carries no information",
                                "code": "constant"})
            elif distinct <= MAX_CATEGORIES:
                categorical.append(col)
            else:
                dropped.append({"column": col, "code": "too_many_categories", "distinct": int(distinct),
                                "reason": f"text with {distinct} distinct values (more than {MAX_CATEGORIES} "
                                          "cannot be one-hot encoded usefully)"})
    return {"numeric": numeric, "categorical": categorical, "dropped": dropped}


def _check_target(frame: pd.DataFrame, target: str | None) -> pd.Series:
    if not target:
        raise DataError("Choose the target column: the one the model should predict.", code="target_missing",
                        target="", columns=list(map(str, frame.columns)))
    if target not in frame.columns:
        raise DataError(f"There is no column {target!r}. Columns: {', '.join(map(str, frame.columns))}.",
                        code="target_missing", target=target, columns=list(map(str, frame.columns)))
    values = frame[target]
    numbers = to_numbers(values)
    is_bool = pd.api.types.is_bool_dtype(values)
    if is_bool or not pd.api.types.is_numeric_dtype(values):
        bad = values.notna() & (is_bool or numbers.isna())
        if bad.any():  # none where every cell is empty (a file with a header and no rows): too_few_rows says so
            example = str(values[bad].iloc[0])  # str: no numpy repr such as np.True_
            raise DataError(f"The target column {target!r} is not numeric (e.g. {example!r} on line "
                            f"{_rows(bad, 1)}). A regressor predicts numbers: choose a numeric column.",
                            code="target_not_numeric", target=target, example=example)
    return numbers


def to_numbers(values: pd.Series) -> pd.Series:
    """``values`` as floats, NaN where a value is not a number.

    A whole number too long for a float (309 digits or more, which pandas keeps as a Python int) becomes infinite,
    as 1e999 does, so that the checks for infinite values catch it; ``pd.to_numeric`` would raise OverflowError.
    A complex number with an imaginary part is not a number here (casting it to float would silently drop that part).
    """
    if values.dtype.kind == "c":
        values = values.astype(object)
    if values.dtype == object:
        values = values.map(_plain_number)
    return pd.to_numeric(values, errors="coerce").astype(float)


def _plain_number(value):
    if type(value) is int and abs(value) > sys.float_info.max:  # exact: int and float compare without converting
        return math.inf if value > 0 else -math.inf
    if isinstance(value, complex | np.complexfloating):
        return value.real if value.imag == 0 else math.nan
    return value


def _check_finite(frame: pd.DataFrame, target: str, y: pd.Series):
    """Infinite values, or numbers beyond float32's range, in the target (as numbers: ``y``) or a numeric column."""
    for col in frame.columns:
        values = y if col == target else frame[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            inf = np.abs(values.to_numpy(dtype=float, na_value=np.nan)) > FLOAT32_MAX
            if inf.any():
                raise DataError(f"Column {col!r} has infinite values (lines {_rows(pd.Series(inf))}); numbers beyond "
                                "±3.4e38 are infinite in the model's float32. Replace them with numbers or leave "
                                "those cells empty.", code="infinite", column=col)


def prepare(table: Table, config: DataConfig | None = None) -> Prepared:
    """Check the table, choose columns, split it, and fit imputation, encoding and scaling on the training split."""
    config = config or DataConfig()
    if not 0.05 <= config.test_size <= 0.5:
        raise DataError("The test share must be between 0.05 and 0.5 (0.2 holds out one row in five).",
                        code="test_size")
    frame = table.frame
    y_all = _check_target(frame, table.target)
    _check_finite(frame, table.target, y_all)
    has_target = y_all.notna()
    frame, y_all = frame[has_target], y_all[has_target]
    if len(frame) < MIN_ROWS:
        raise DataError(f"Only {len(frame)} rows have a target value; at least {MIN_ROWS} are needed to train and "
                        "test a model. Add rows or choose another target.", code="too_few_rows",
                        n=len(frame), minimum=MIN_ROWS)
    if y_all.nunique() <= 1:
        raise DataError(f"The target column {table.target!r} has the same value in every row, so there is nothing "
                        "to learn. Choose a column whose values vary.", code="target_constant", target=table.target)
    plan = plan_columns(frame, table.target)
    if not plan["numeric"] and not plan["categorical"]:
        reasons = "; ".join(f"{d['column']}: {d['reason']}" for d in plan["dropped"]) or "no other columns"
        raise DataError(f"No column can be used as a feature ({reasons}). Add numeric columns, or text columns "
                        f"with at most {MAX_CATEGORIES} distinct values.", code="no_features")

    features = plan["numeric"] + plan["categorical"]
    X = frame[features].copy()
    for col in plan["categorical"]:
        X[col] = X[col].astype("string").astype(object).where(X[col].notna(), np.nan)
    X_train, X_test, y_train, y_test = train_test_split(X, y_all, test_size=config.test_size, random_state=config.seed)

    preprocessing = fit_preprocessing(X_train, y_train, plan, table.target, config.scale_target)
    Xtr, imputed_train = transform(X_train, preprocessing)
    with np.errstate(over="ignore"):  # checked next
        Xte, imputed_test = transform(X_test, preprocessing)
    _check_scaled(Xte, X_test, table.frame, preprocessing)
    n_rows = len(table.frame)
    report = {
        "rows": n_rows,
        "rows_used": len(frame),
        "rows_dropped_no_target": int(n_rows - len(frame)),
        "numeric": plan["numeric"],
        "encoded": [{"column": c["name"], "categories": c["categories"]} for c in preprocessing["categorical"]],
        "dropped": plan["dropped"],
        "imputed_train": imputed_train,
        "imputed_test": imputed_test,
        "notes": list(table.notes),
    }
    info = {
        "name": table.name,
        "source": table.source,
        "target": table.target,
        "units": {k: v for k, v in table.units.items() if k in features or k == table.target},
        "n_train": len(X_train),
        "n_test": len(X_test),
        "test_size": config.test_size,
        "seed": config.seed,
    }
    return Prepared(Xtr, y_train.to_numpy(np.float32), Xte, y_test.to_numpy(np.float32), preprocessing, report, info)


def _check_scaled(matrix: np.ndarray, X: pd.DataFrame, frame: pd.DataFrame, preprocessing: dict):
    """A test value so far outside the training rows' spread (1e20 beside values near 1e-45) that it is infinite
    once scaled; training values themselves always scale to finite numbers."""
    for j, col in enumerate(preprocessing["numeric"]):  # the matrix's first columns
        far = ~np.isfinite(matrix[:, j])
        if far.any():
            name, value = col["name"], float(X[col["name"]].to_numpy(dtype=float)[far][0])
            lines = _rows(pd.Series(frame.index.isin(X.index[far])))
            raise DataError(f"Column {name!r} has infinite values once scaled (lines {lines}, e.g. {value:g}): they "
                            f"lie too far from the training rows' values (mean {col['mean']:.3g}, standard deviation "
                            f"{col['scale']:.3g}) for the model's float32. Check those values or leave the cells "
                            "empty.",
                            code="infinite", column=name)


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
    so this applies their saved parameters; tests/test_data.py checks it against the ColumnTransformer itself.
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
