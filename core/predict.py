"""Predictions from a checkpoint: raw feature rows in, the target's own units out.

The saved preprocessing is applied with the same ``data.transform`` that prepared the training data. Rows that
cannot be predicted are reported by number, never dropped silently; values outside the training range are flagged.
"""

import difflib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import r2_score

from core import checkpoint as ckpt
from core.data import dates as dates_
from core.data import describe_units, to_numbers, transform, unscale_target
from core.data import task as tasks
from core.data.preprocessing import dollar_factor
from core.errors import N_, PredictionError
from core.messages import render

MAX_LISTED = 1000  # problems listed one by one; beyond this they are counted


@dataclass
class PredictionReport:
    """Predictions for a table of rows: NaN where a row could not be predicted, with the reasons."""

    predictions: np.ndarray  # (rows,) in the target's units; a classifier's: the chosen class's index
    problems: list = field(default_factory=list)  # _problem's dicts: row, line, column, value, code, message, ...
    out_of_range: list = field(default_factory=list)  # {"row", "column", "value", "min", "max"}
    n_bad_rows: int = 0
    n_out_of_range_rows: int = 0
    imputed: int = 0  # empty cells filled with the training median / most frequent value
    filled: dict = field(default_factory=dict)  # {column: {"count", "value"}}: what filled its empty cells
    ignored: list = field(default_factory=list)  # columns of the rows the model does not use (the target aside)
    against_target: dict | None = None  # {"n", "mae", "rmse", "r2"} (a classifier's: {"n", "accuracy"}) when the
    # rows hold the target column
    probabilities: np.ndarray | None = None  # a classifier's: (rows, classes), NaN where a row was not predicted
    classes: list = field(default_factory=list)  # a classifier's class labels, in the probabilities' order
    logits: np.ndarray | None = None  # a classifier's raw outputs, (rows, classes): the probabilities' softmax input

    def labels(self) -> list:
        """A classifier's chosen class per row, as its label (None where the row was not predicted)."""
        return [None if math.isnan(p) else self.classes[int(p)] for p in self.predictions]

    def frame(self, rows: pd.DataFrame, column: str, problem_text=None, range_text=None,
              dollars: float | None = None) -> pd.DataFrame:
        """``rows`` with the predictions appended as ``column`` and a ``note`` column for flagged rows; where the
        target's unit is a multiple of dollars (``dollars`` per unit: California's $100,000), the predictions in
        whole dollars too, as ``column`` + "_dollars", so the file says what the form says.

        ``problem_text(problem)`` and ``range_text(item)`` word the notes (a page passes its language's);
        by default they are core's English.
        """
        problem_text = problem_text or (lambda p: p["message"])
        range_text = range_text or (lambda item: f"{item['column']} outside training range")
        notes = [[] for _ in range(len(rows))]
        for item in self.out_of_range:
            notes[item["row"] - 1].append(range_text(item))
        for item in self.problems:
            notes[item["row"] - 1].append(problem_text(item))
        out = rows.copy()
        out[column] = self.labels() if self.classes else self.predictions
        for j, label in enumerate(self.classes):  # each class's probability beside the chosen one
            out[f"probability_{label}"] = self.probabilities[:, j]
        if dollars is not None:
            out[f"{column}_dollars"] = np.round(self.predictions * dollars)
        out["note"] = ["; ".join(n) for n in notes]
        return out


def _problem(i: int, column: str, value, code: str, template: str, **params) -> dict:
    """A row that cannot be predicted: where (row, file line), which cell, why (``code``), and the sentence, in English
    (``message``) and as the marked ``template`` a page translates with this dict's own fields."""
    problem = {"row": int(i) + 1, "line": int(i) + 2, "column": column, "value": str(value), "code": code, **params}
    return {**problem, "template": template, "message": render(template, problem)}


class Predictor:
    """Rebuilds the model from a checkpoint (config → ``MLP`` → ``load_state_dict``) and predicts with it."""

    def __init__(self, checkpoint: dict):
        self.checkpoint = checkpoint
        self.model = ckpt.build_model(checkpoint)  # already in eval mode
        self.preprocessing = checkpoint["preprocessing"]
        self.features = list(checkpoint["features"])
        self.target = checkpoint["target"]
        self.units = dict(checkpoint.get("units", {}))
        self.numeric = {c["name"]: c for c in self.preprocessing["numeric"]}
        self.categorical = {c["name"]: c for c in self.preprocessing["categorical"]}
        self.dates = {d["name"]: d for d in self.preprocessing.get("dates", [])}
        self.classes = list(self.preprocessing["target"].get("classes", []))  # a classifier's; none for a regressor

    @classmethod
    def from_file(cls, source) -> "Predictor":
        return cls(ckpt.load(source))

    @property
    def test_mae(self) -> float | None:
        return self.checkpoint["metrics"].get("test_mae")

    @property
    def dollars(self) -> float | None:
        """Dollars per unit of the target, where its unit is a multiple of dollars (California: 100,000)."""
        return dollar_factor(self.units.get(self.target, ""))

    def describe(self, value: float) -> str:
        """A prediction with its unit, dollars spelled out for California (2.068 → $206,800)."""
        return describe_units(value, self.units.get(self.target, ""))

    def defaults(self) -> dict:
        """A starting value per feature: the training median, the median date (ISO text), or the most frequent
        category."""
        return {**{n: c["median"] for n, c in self.numeric.items()},
                **{n: self.date_range(n)[2] for n in self.dates},
                **{n: c["fill"] for n, c in self.categorical.items()}}

    def date_range(self, name: str) -> tuple[str, str, str]:
        """(first, last, median) date of a date feature in training, as ISO text."""
        days = self.dates[name]["parts"][-1]  # PARTS ends with days since 1970-01-01
        return tuple(dates_.iso(dates_.from_days(days[k])) for k in ("min", "max", "median"))

    def read_dates(self, name: str, raw: pd.Series) -> pd.Series:
        """A date column read in its training format; a value that does not read so is tried as ISO (2024-03-05,
        what the app's form and most programs write), which no other order can be mistaken for."""
        fmt = self.dates[name]["format"]
        moments = dates_.parse(raw, fmt)
        if fmt != "ISO8601" and moments.isna().any():
            moments = moments.fillna(dates_.parse(raw, "ISO8601"))
        return moments

    def _check_columns(self, columns: pd.Index):
        twice = sorted({str(c) for c in columns[columns.duplicated()] if c in self.features})
        if twice:  # rows[name] would be a frame of columns, not one column; read_csv refuses these already
            raise PredictionError(N_("Column names must be unique; {names} appears more than once. Keep one column "
                                     "of each name and try again."), code="duplicate_columns", columns=twice,
                                  names=", ".join(map(repr, twice)))
        missing = [f for f in self.features if f not in columns]
        if not missing:
            return
        # a misspelling is a column the checkpoint does not use; case is ignored ("BMI" for "bmi")
        unused = {str(c).lower(): str(c) for c in columns if c not in self.features}
        hints = []
        for name in missing:
            close = difflib.get_close_matches(str(name).lower(), list(unused), n=1, cutoff=0.6)
            hints.append(f"{name} (found {unused[close[0]]!r}?)" if close else name)
        raise PredictionError(N_("Missing column(s): {names}. This checkpoint expects the columns {columns}."),
                              code="missing_columns", missing=missing, expected=self.features,
                              names=", ".join(hints), columns=", ".join(self.features))

    def predict_frame(self, rows: pd.DataFrame) -> PredictionReport:
        """Predict every row of a DataFrame that has the checkpoint's feature columns (extra columns are ignored)."""
        self._check_columns(rows.columns)
        X = rows[self.features].reset_index(drop=True).copy()
        empty = X.isna().to_numpy()  # (rows, features): the cells imputation fills, unlike bad values set to NaN below
        bad = np.zeros(len(X), dtype=bool)
        problems, out_of_range = [], []
        oor_rows = np.zeros(len(X), dtype=bool)
        for name, col in self.numeric.items():
            raw = X[name]
            values = to_numbers(raw)
            not_number = raw.notna().to_numpy() & values.isna().to_numpy()
            infinite = np.isinf(values.to_numpy())
            for mask, code, template in ((not_number, "not_a_number", N_("{column}={value} is not a number")),
                                         (infinite, "infinite", N_("{column}={value} is infinite"))):
                for i in np.flatnonzero(mask):
                    if len(problems) < MAX_LISTED:
                        problems.append(_problem(i, name, raw.iloc[i], code, template))
                bad |= mask
            values[infinite] = np.nan
            v = values.to_numpy()
            outside = ~np.isnan(v) & ((v < col["min"]) | (v > col["max"]))
            oor_rows |= outside
            for i in np.flatnonzero(outside)[:MAX_LISTED - len(out_of_range)]:
                out_of_range.append({"row": int(i) + 1, "column": name, "value": float(v[i]),
                                     "min": col["min"], "max": col["max"]})
            X[name] = values
        for name, col in self.categorical.items():
            raw = X[name]
            text = raw.map(str, na_action="ignore").astype(object)  # not astype(str): it decodes bytes, or fails to
            unseen = raw.notna().to_numpy() & ~text.isin(col["categories"]).to_numpy()
            for i in np.flatnonzero(unseen):
                if len(problems) < MAX_LISTED:
                    problems.append(_problem(i, name, raw.iloc[i], "unseen_category",
                                             N_("{column}={value} was not seen in training (known: {known})"),
                                             known=", ".join(col["categories"])))
            bad |= unseen
            X[name] = text.where(raw.notna(), np.nan)
        for name, date in self.dates.items():
            raw = X[name]
            moments = self.read_dates(name, raw)
            not_date = raw.notna().to_numpy() & moments.isna().to_numpy()
            for i in np.flatnonzero(not_date):
                if len(problems) < MAX_LISTED:
                    problems.append(_problem(i, name, raw.iloc[i], "not_a_date",
                                             N_("{column}={value} is not a date (training read {format})"),
                                             format=date["label"]))
            bad |= not_date
            days, first, last = dates_.expand(moments)[:, -1], date["parts"][-1]["min"], date["parts"][-1]["max"]
            outside = ~np.isnan(days) & ((days < first) | (days > last))
            oor_rows |= outside
            lo, hi, _ = self.date_range(name)
            for i in np.flatnonzero(outside)[:MAX_LISTED - len(out_of_range)]:
                out_of_range.append({"row": int(i) + 1, "column": name, "value": dates_.iso(moments.iloc[i]),
                                     "min": lo, "max": hi})
            X[name] = moments
        with np.errstate(over="ignore"):  # a value beyond float32: the row is reported below
            matrix, _ = transform(X, self.preprocessing)
        probabilities = logits = None
        with torch.no_grad():
            out = self.model(torch.from_numpy(matrix))  # (rows, outputs)
        if self.classes:  # softmax of the logits; the chosen class is the most probable one
            probabilities = out.softmax(-1).numpy().astype(np.float64)
            logits = out.numpy().astype(np.float64)
            finite = np.isfinite(probabilities).all(1)
            predictions = np.where(finite, probabilities.argmax(1), np.nan).astype(np.float64)
        else:
            predictions = unscale_target(out.squeeze(1).numpy().astype(np.float64), self.preprocessing)
        # a value so far outside the training range (1e300, say) that the model's float32 overflows: the row names
        # its numeric feature farthest from the training mean (numeric features are the matrix's first columns)
        overflow = ~bad & ~np.isfinite(predictions)
        numeric = list(self.numeric) or self.features  # one-hot inputs alone (0 or 1) hardly overflow: name any
        for i in np.flatnonzero(overflow)[:max(MAX_LISTED - len(problems), 0)]:
            name = numeric[int(np.argmax(np.abs(matrix[i, :len(numeric)])))]
            problems.append(_problem(i, name, rows[name].iloc[i], "overflow",
                                     N_("{column}={value} is too far outside the training range to compute a "
                                        "prediction")))
        bad |= overflow
        predictions[bad] = np.nan
        if probabilities is not None:
            probabilities[bad] = logits[bad] = np.nan
        counts = empty[~bad].sum(axis=0)  # (features,): cells filled in the rows that were predicted
        fills = self.defaults()
        filled = {name: {"count": int(n), "value": fills[name]} for name, n in zip(self.features, counts) if n}
        ignored = [str(c) for c in rows.columns if c not in self.features and c != self.target]
        return PredictionReport(predictions, problems, out_of_range, int(bad.sum()), int(oor_rows.sum()),
                                int(counts.sum()), filled, ignored, self._against_target(rows, predictions),
                                probabilities, self.classes, logits)

    def _against_target(self, rows: pd.DataFrame, predictions: np.ndarray) -> dict | None:
        """Where the rows hold the target column too: the predictions' error against it (the rows with both)."""
        if self.target not in rows.columns:
            return None
        if self.classes:  # the share of rows whose chosen class is the file's
            actual = rows[self.target].reset_index(drop=True).map(tasks.label, na_action="ignore")
            both = actual.notna().to_numpy() & np.isfinite(predictions)
            if not both.any():
                return None
            chosen = np.array(self.classes, dtype=object)[predictions[both].astype(int)]
            return {"n": int(both.sum()), "accuracy": float((chosen == actual[both].to_numpy()).mean())}
        actual = to_numbers(rows[self.target].reset_index(drop=True)).to_numpy(dtype=float)
        both = np.isfinite(actual) & np.isfinite(predictions)
        if not both.any():
            return None
        error = predictions[both] - actual[both]
        r2 = float(r2_score(actual[both], predictions[both])) if both.sum() > 1 else math.nan
        return {"n": int(both.sum()), "mae": float(np.abs(error).mean()), "rmse": float(np.sqrt((error**2).mean())),
                "r2": r2}

    def predict_one(self, values: dict) -> tuple[float, PredictionReport]:
        """Predict one row given as ``{feature: value}``; raises PredictionError if it cannot be predicted. A
        classifier's value is the chosen class's index (``report.labels()``, ``report.probabilities``)."""
        unknown = [k for k in values if k not in self.features]
        if unknown:
            raise PredictionError(N_("Unknown feature(s): {names}. This checkpoint expects {columns}."),
                                  code="unknown_columns", unknown=unknown, expected=self.features,
                                  names=", ".join(unknown), columns=", ".join(self.features))
        report = self.predict_frame(pd.DataFrame([values]))
        if report.n_bad_rows:
            raise PredictionError(N_("{problems}. Enter a number for each feature."), code="bad_value",
                                  problems="; ".join(p["message"] for p in report.problems))
        return float(report.predictions[0]), report


def loading_code(name: str, model_config: dict, target: str, values: dict, classes: list | None = None) -> str:
    """The lecture's loading pattern for this checkpoint, as code to copy: the model class from the saved config,
    ``load_state_dict``, ``eval()``, the saved preprocessing, then a prediction under ``torch.no_grad()`` (a
    classifier's: the softmax of the logits, and the most probable class)."""
    if classes:
        last = f'''with torch.no_grad():
    probabilities = model(torch.from_numpy(x)).softmax(-1)  # one row per input row, one column per class
classes = ckpt["preprocessing"]["target"]["classes"]  # {classes!r}
print(classes[int(probabilities.argmax(-1)[0])], probabilities)  # {target}'''
    else:
        last = f'''with torch.no_grad():
    pred = unscale_target(model(torch.from_numpy(x)).squeeze(1), ckpt["preprocessing"])
print(pred)  # {target}'''
    return f'''import torch
from core.training.model import MLP, ModelConfig  # the class that was trained: __init__ and forward

PATH = "{name}.pt"
ckpt = torch.load(PATH, map_location="cpu", weights_only=True)  # tensors and plain types only: runs no code
model = MLP(ModelConfig(**ckpt["model_config"]))  # {model_config["hidden"]} hidden, {model_config["activation"]}
model.load_state_dict(ckpt["state_dict"])
model.eval()  # dropout off

# the saved preprocessing: impute, standardise, one-hot — then predict and undo the target's scaling
from core.data import transform, unscale_target
import pandas as pd
rows = pd.DataFrame([{values!r}])
x, _ = transform(rows, ckpt["preprocessing"])
{last}'''
