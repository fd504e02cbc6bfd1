"""From a table to training data: the target and the column plan checked, the seeded train/test split, and the
preprocessing fitted on the training split only (core/data/preprocessing.py)."""

import math
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from core.data import dates
from core.data import task as tasks
from core.data.dates import PARTS
from core.data.leaks import find_leak
from core.data.preprocessing import fit_preprocessing, n_numeric, source_columns, transform
from core.data.roles import MAX_CATEGORIES, check_names, not_a_column, plan_columns
from core.data.table import Table
from core.data.transforms import FEATURE_TRANSFORMS
from core.errors import N_, DataError
from core.messages import render

MIN_ROWS = 20  # after dropping rows without a target: enough for a test split of a few rows
FEW_TEST_ROWS = 30  # a test split smaller than this gives a test MAE that moves a lot with the seed
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the model computes in float32: larger numbers count as infinite


@dataclass
class DataConfig:
    test_size: float = 0.2  # share of rows held out for the test split
    val_size: float = 0.0  # share of the remaining rows held out for validation (early stopping); 0: none
    feature_transform: str = "standard"  # after standard scaling: "standard" (nothing more), "robust" or "quantile"
    seed: int = 0  # seeds the split; the same seed gives the same split
    scale_target: bool = True  # train on a standardised target; metrics and predictions stay in its own units
    exclude: tuple[str, ...] = ()  # columns left out of the features
    keep: tuple[str, ...] = ()  # columns used as features even where they look like identifiers (core/data/roles.py)
    task: str = "auto"  # "regress", "classify", or "auto": classify text, boolean and few-valued whole targets

    def __post_init__(self):
        self.exclude, self.keep = tuple(map(str, self.exclude)), tuple(map(str, self.keep))

    def check(self):
        """Raised by ``prepare``, not on construction: a page may hold a config it has not used yet."""
        if not 0.05 <= self.test_size <= 0.5:
            raise DataError(N_("The test share must be between 0.05 and 0.5 (0.2 holds out one row in five)."),
                            code="test_size")
        if self.val_size != 0 and not 0.05 <= self.val_size <= 0.5:
            raise DataError(N_("The validation share must be 0 (no validation split) or between 0.05 and 0.5 of the "
                               "training rows (0.2 with a test share of 0.2 gives 64/16/20)."), code="val_size")
        if self.task not in tasks.TASKS:
            raise DataError(N_("Unknown task {name!r}; choose one of {choices}."), code="task", name=str(self.task),
                            choices=", ".join(tasks.TASKS))
        if self.feature_transform not in FEATURE_TRANSFORMS:
            raise DataError(N_("Unknown feature transform {name!r}; choose one of {choices}."),
                            code="feature_transform", name=str(self.feature_transform),
                            choices=", ".join(FEATURE_TRANSFORMS))


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
    X_val: np.ndarray | None = None  # (n_val, n_encoded): the validation split, where DataConfig.val_size asks
    y_val: np.ndarray | None = None  # (n_val,)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_numeric(self) -> int:
        """The matrix's first columns that are numbers (numeric columns, date parts); one-hot columns follow."""
        return n_numeric(self.preprocessing)

    @property
    def task(self) -> str:
        """"regress" or "classify"."""
        return self.preprocessing["target"].get("task", "regress")

    @property
    def classes(self) -> list[str]:
        """A classifier's class labels, in the order of the model's outputs (none for a regressor)."""
        return list(self.preprocessing["target"].get("classes", []))

    @property
    def shape(self) -> dict:
        """What a model of this data must take and give: ModelConfig's n_features, n_numeric and n_outputs (a
        classifier's: one logit per class)."""
        return {"n_features": self.n_features, "n_numeric": self.n_numeric, "n_outputs": len(self.classes) or 1}

    @property
    def has_validation(self) -> bool:
        return self.X_val is not None and len(self.X_val) > 0

    @property
    def features(self) -> list[str]:
        p = self.preprocessing
        return [c["name"] for c in p["numeric"]] + [d["name"] for d in p.get("dates", [])] + [
            c["name"] for c in p["categorical"]]



def _rows(mask: pd.Series, limit: int = 5) -> str:
    """File line numbers of the rows in ``mask``, as a spreadsheet counts them: the header is line 1."""
    rows = [str(int(i) + 2) for i in np.flatnonzero(mask.to_numpy())[:limit]]
    more = int(mask.sum()) - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def _check_target(frame: pd.DataFrame, target: str | None, task: str = "regress") -> tuple[pd.Series, list | None]:
    """The target as numbers (a classifier's: class indices), and the classes (None for a regressor)."""
    if not target:
        raise DataError(N_("Choose the target column: the one the model should predict."), code="target_missing",
                        target="", columns=list(map(str, frame.columns)))
    if target not in frame.columns:
        raise not_a_column(frame, target, "target")
    values = frame[target]
    numbers = to_numbers(values)
    if task == "auto":
        task = tasks.detect(values, numbers)
    if task == "classify":
        return tasks.encode(values, target)
    is_bool = pd.api.types.is_bool_dtype(values)
    if is_bool or not pd.api.types.is_numeric_dtype(values):
        bad = values.notna() & (is_bool or numbers.isna())
        if bad.any():  # none where every cell is empty (a file with a header and no rows): too_few_rows says so
            example = str(values[bad].iloc[0])  # str: no numpy repr such as np.True_
            raise DataError(N_("The target column {target!r} is not numeric (e.g. {example!r} on line {line}). A "
                               "regressor predicts numbers: choose a numeric column."),
                            code="target_not_numeric", target=target, example=example, line=_rows(bad, 1))
    return numbers, None


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
                raise DataError(N_("Column {column!r} has infinite values (lines {lines}); numbers beyond ±3.4e38 are "
                                   "infinite in the model's float32. Replace them with numbers or leave those cells "
                                   "empty."), code="infinite", column=col, lines=_rows(pd.Series(inf)))


STAGES = ("checking the target and columns", "splitting", "fitting the preprocessing", "transforming",
          "looking for leaks")  # what ``on_stage`` is told, in order


def prepare(table: Table, config: DataConfig | None = None, on_stage=None) -> Prepared:
    """Check the table, choose columns, split it, and fit imputation, encoding and scaling on the training split.

    ``on_stage(i, name)`` is called as each of the ``STAGES`` begins: a progress bar for a big file.
    """
    stage = (lambda i: on_stage(i, STAGES[i])) if on_stage else (lambda i: None)
    stage(0)
    config = config or DataConfig()
    config.check()
    frame = table.frame
    y_all, classes = _check_target(frame, table.target, config.task)
    check_names(frame, config.exclude, "exclude")
    check_names(frame, config.keep, "keep")
    if table.target in config.exclude:
        raise DataError(N_("The target {target!r} cannot also be left out: choose another target, or keep it in."),
                        code="target_excluded", target=table.target)
    _check_finite(frame, table.target, y_all)
    has_target = y_all.notna()
    frame, y_all = frame[has_target], y_all[has_target]
    if len(table.frame) < MIN_ROWS:
        raise DataError(N_("The file has only {n} rows; at least {minimum} are needed to train a model and test it "
                           "on rows it has not seen. Add rows (a few hundred give a steadier test figure)."),
                        code="too_few_rows", n=len(table.frame), minimum=MIN_ROWS)
    if len(frame) < MIN_ROWS:
        raise DataError(N_("Only {n} rows have a target value; at least {minimum} are needed to train and test a "
                           "model. Add rows or choose another target."), code="too_few_rows",
                        n=len(frame), minimum=MIN_ROWS)
    if classes:
        tasks.check_rows(y_all, classes, table.target)
    if y_all.nunique() <= 1:
        raise DataError(N_("The target column {target!r} has the same value in every row, so there is nothing to "
                           "learn. Choose a column whose values vary."), code="target_constant", target=table.target)
    plan = plan_columns(table.frame, table.target, config.exclude, config.keep)  # file order: identifiers count up
    if not plan["numeric"] and not plan["dates"] and not plan["categorical"]:
        reasons = "; ".join(f"{d['column']}: {d['reason']}" for d in plan["dropped"]) or "no other columns"
        raise DataError(N_("No column can be used as a feature ({reasons}). Add numeric columns, or text columns with "
                           "at most {limit} distinct values."), code="no_features", reasons=reasons,
                        limit=MAX_CATEGORIES, dropped=[d["column"] for d in plan["dropped"]])

    features = plan["numeric"] + [d["name"] for d in plan["dates"]] + plan["categorical"]
    X = frame[features].copy()
    for col in plan["categorical"]:
        if not pd.api.types.is_string_dtype(X[col]) or pd.api.types.is_object_dtype(X[col]):  # mixed: as text
            X[col] = X[col].astype("string").astype(object).where(X[col].notna(), np.nan)
    stage(1)
    X_train, X_test, y_train, y_test = train_test_split(X, y_all, test_size=config.test_size, random_state=config.seed,
                                                        stratify=_strata(y_all, config.test_size, classes))
    X_val = y_val = None
    if config.val_size:  # from the training rows, so the test split is the same with and without validation
        X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=config.val_size,
                                                          random_state=config.seed,
                                                          stratify=_strata(y_train, config.val_size, classes))
    stage(2)

    preprocessing = fit_preprocessing(X_train, y_train, plan, table.target, config.scale_target and not classes,
                                      config.feature_transform, config.seed, classes)
    stage(3)
    Xtr, imputed_train = transform(X_train, preprocessing)
    with np.errstate(over="ignore"):  # checked next
        Xte, imputed_test = transform(X_test, preprocessing)
        Xva, imputed_val = transform(X_val, preprocessing) if X_val is not None else (None, 0)
    _check_scaled(Xte, X_test, table.frame, preprocessing)
    if X_val is not None:
        _check_scaled(Xva, X_val, table.frame, preprocessing)
    stage(4)
    leaks = _leak(Xtr, y_train, preprocessing, config.seed)
    n_rows = len(table.frame)
    report = {
        "rows": n_rows,
        "rows_used": len(frame),
        "rows_dropped_no_target": int(n_rows - len(frame)),
        "numeric": plan["numeric"],
        "dates": [{"column": d["name"], "format": d["label"], "parts": list(PARTS)} for d in plan["dates"]],
        "encoded": [{"column": c["name"], "categories": c["categories"]} for c in preprocessing["categorical"]],
        "dropped": plan["dropped"],
        "roles": plan["roles"],
        "warnings": _warnings(len(X_test)) + date_warnings(plan["dates"], X) + leaks
        + (class_warnings(y_train, classes) if classes else []),
        "imputed_train": imputed_train,
        "imputed_test": imputed_test,
        "imputed_val": imputed_val,
        "notes": list(table.notes),
    }
    info = {
        "name": table.name,
        "source": table.source,
        "target": table.target,
        "units": {k: v for k, v in table.units.items() if k in features or k == table.target},
        "n_train": len(X_train),
        "n_test": len(X_test),
        "n_val": 0 if X_val is None else len(X_val),
        "test_size": config.test_size,
        "val_size": config.val_size,
        "feature_transform": config.feature_transform,
        "seed": config.seed,
        "task": "classify" if classes else "regress",
        **({"classes": list(classes), "class_counts": class_counts(y_train, classes)} if classes else {}),
        **({"origin": dict(table.origin)} if table.origin else {}),
        "excluded": list(config.exclude),
        "kept": list(config.keep),
    }
    return Prepared(Xtr, y_train.to_numpy(np.float32), Xte, y_test.to_numpy(np.float32), preprocessing, report, info,
                    Xva, None if y_val is None else y_val.to_numpy(np.float32))


def _strata(y: pd.Series, share: float, classes: list | None):
    """A classifier's split keeps each class's share in both parts (``stratify``), where every class has two rows
    and each part can hold one of each; else (a regressor, a class of one row) a plain random split."""
    if not classes:
        return None
    counts, held = y.value_counts(), math.ceil(len(y) * share)
    return y if counts.min() >= 2 and len(counts) <= min(held, len(y) - held) else None


def class_counts(y: pd.Series, classes: list[str]) -> dict[str, int]:
    """Training rows per class, in the classes' order."""
    counts = y.value_counts()
    return {label: int(counts.get(float(i), 0)) for i, label in enumerate(classes)}


IMBALANCED = 0.8  # the majority class's share of the training rows above which accuracy alone misleads


def class_warnings(y: pd.Series, classes: list[str]) -> list[dict]:
    """Class imbalance, said with the accuracy that always choosing the majority class would reach."""
    counts = class_counts(y, classes)
    label, top = max(counts.items(), key=lambda item: item[1])
    share = top / max(len(y), 1)
    if share <= IMBALANCED:
        return []
    params = {"label": label, "share": f"{100 * share:.0f}%"}  # as text: a '%' in a template reads as printf's
    template = N_("The classes are imbalanced: {share} of the training rows are {label!r}, so always choosing "
                  "that class is already {share} accurate. Judge the model by its per-class recall and its log "
                  "loss, and compare it with the majority-class baseline.")
    return [{"code": "imbalanced", **params, "fraction": share, "template": template,
             "message": render(template, params)}]


def _leak(X: np.ndarray, y: pd.Series, preprocessing: dict, seed: int) -> list[dict]:
    """A warning when a few features give the target almost exactly on the training rows (core/data/leaks.py)."""
    found = find_leak(X, y.to_numpy(np.float64), preprocessing["encoded_names"], source_columns(preprocessing),
                      preprocessing["target"]["name"], seed)
    return [found] if found else []


def date_warnings(found: list[dict], X: pd.DataFrame) -> list[dict]:
    """Dates whose day and month order was guessed, and cells of a date column that read as no date."""
    out = []
    for date in found:
        params = {"column": date["name"], "format": date["label"]}
        if date["ambiguous"]:
            template = N_("Column {column!r} holds dates whose day and month can be read either way (no day above "
                          "12); they were read as {format}. If that is wrong, write them as YYYY-MM-DD.")
            out.append({"code": "ambiguous_dates", **params, "template": template,
                        "message": render(template, params)})
        raw = X[date["name"]]
        unread = raw.notna().to_numpy() & dates.parse(raw, date["format"]).isna().to_numpy()
        if unread.any():
            params = {**params, "n": int(unread.sum()), "example": str(raw[unread].iloc[0])}
            template = N_("{n} value(s) of the date column {column!r} do not read as dates written {format} (e.g. "
                          "{example!r}); they are treated as empty cells and filled. Correct them if they are dates.")
            out.append({"code": "unreadable_dates", **params, "template": template,
                        "message": render(template, params)})
    return out


def _warnings(n_test: int) -> list[dict]:
    """What a reader should know before trusting the figures: marked templates with their params."""
    if n_test >= FEW_TEST_ROWS:
        return []
    template = N_("Only {n} rows are held out for testing, so the test MAE is measured on few rows: another seed or "
                  "a few more rows can move it a lot. Treat it as rough, and add rows if you can (a few hundred give a "
                  "steadier figure).")
    return [{"code": "few_test_rows", "n": n_test, "template": template, "message": render(template, {"n": n_test})}]


def _check_scaled(matrix: np.ndarray, X: pd.DataFrame, frame: pd.DataFrame, preprocessing: dict):
    """A test value so far outside the training rows' spread (1e20 beside values near 1e-45) that it is infinite
    once scaled; training values themselves always scale to finite numbers."""
    for j, col in enumerate(preprocessing["numeric"]):  # the matrix's first columns
        far = ~np.isfinite(matrix[:, j])
        if far.any():
            name, value = col["name"], float(X[col["name"]].to_numpy(dtype=float)[far][0])
            lines = _rows(pd.Series(frame.index.isin(X.index[far])))
            raise DataError(N_("Column {column!r} has infinite values once scaled (lines {lines}, e.g. {value:g}): "
                               "they lie too far from the training rows' values (mean {mean:.3g}, standard deviation "
                               "{scale:.3g}) for the model's float32. Check those values or leave the cells empty."),
                            code="infinite", column=name, lines=lines, value=value, mean=col["mean"],
                            scale=col["scale"])
