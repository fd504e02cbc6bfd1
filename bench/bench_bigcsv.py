"""Benchmark: big tables as an analyst's own machine meets them, side by side with bare pandas.

1. column roles and the leak check on 500,000 rows x 20 columns (target: < 1 s together);
2. the command line's read and preparation of a 2,000,000 x 20 CSV, about 300 MB (target: < 15 s), beside a bare
   ``pandas.read_csv`` of the same file;
3. one training epoch on it at batch size 256, one torch thread (target: < 10 s).

    python bench/bench_bigcsv.py            # the sizes above
    python bench/bench_bigcsv.py --quick    # 200,000 rows: a smoke run

The CSV is written to a temporary folder and removed afterwards.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch


def table(rows: int, columns: int = 20, seed: int = 0) -> pd.DataFrame:
    """Numeric features, an ISO date (three years of days), two text ones, a few empty cells, a target that depends
    on some of them."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(rows, columns - 4)).round(4), columns=[f"x{i}" for i in range(columns - 4)])
    frame["day"] = (np.datetime64("2022-01-01") + rng.integers(0, 3 * 365, rows)).astype(str)
    frame["region"] = rng.choice(["north", "south", "east", "west"], rows)
    frame["kind"] = rng.choice([f"k{i}" for i in range(12)], rows)
    frame.loc[rng.random(rows) < 0.01, "x0"] = np.nan
    frame["y"] = (2 * frame["x1"] - frame["x2"] + (frame["region"] == "north") + rng.normal(0, 0.5, rows)).round(4)
    return frame


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def sklearn_beside(read, big) -> str:
    """The measured reason core/data/preprocessing.py fits medians and counts categories itself: the same fit and
    transform by SimpleImputer + StandardScaler + OneHotEncoder in a ColumnTransformer (what it matches in
    tests/data/test_prepare.py), timed beside ``fit_preprocessing`` + ``transform`` on the same rows."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from core.data import fit_preprocessing, transform

    num = [c["name"] for c in big.preprocessing["numeric"]]
    cat = [c["name"] for c in big.preprocessing["categorical"]]
    rows = read.frame.iloc[:big.info["n_train"]]
    plan = {"numeric": num, "categorical": cat}
    _, ours_s = timed(lambda: transform(rows, fit_preprocessing(rows, rows["y"], plan, "y", True)))
    reference = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent", keep_empty_features=True),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)])
    as_objects = rows.astype({c: object for c in cat})
    _, sklearn_s = timed(lambda: reference.fit_transform(as_objects))
    return (f"fit + transform {ours_s:.2f} s here, {sklearn_s:.2f} s by scikit-learn ({sklearn_s / ours_s:.1f}x) "
            f"on {len(rows):,} rows (numeric and text columns; the date is this project's own)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows of the big CSV (default 2,000,000)")
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    args = parser.parse_args(argv)
    rows = 200_000 if args.quick else args.rows
    torch.set_num_threads(1)
    from core import data
    from core.data.leaks import find_leak
    from core.data.preprocessing import source_columns
    from core.data.roles import plan_columns

    print(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    medium = table(500_000)
    plan, plan_s = timed(lambda: plan_columns(medium, "y"))
    prepared = data.prepare(data.Table(frame=medium, target="y", name="m"))
    source = source_columns(prepared.preprocessing)  # the date's four parts included
    _, leak_s = timed(lambda: find_leak(prepared.X_train, prepared.y_train, prepared.preprocessing["encoded_names"],
                                        source, "y"))
    print(f"(1) 500,000 x 20: column roles {plan_s:.2f} s, leak check {leak_s:.2f} s, together {plan_s + leak_s:.2f} s"
          f" (target < 1 s)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        table(rows).to_csv(path, index=False)
        size = path.stat().st_size
        _, bare_s = timed(lambda: pd.read_csv(path))
        read, read_s = timed(lambda: data.read_csv(path, limits=data.local_limits()))
        read.target = "y"
        big, prepare_s = timed(lambda: data.prepare(read))
        print(f"(2) {rows:,} x 20 CSV, {size / 2**20:,.0f} MB: bare pandas.read_csv {bare_s:.2f} s; this read "
              f"{read_s:.2f} s ({read_s / bare_s:.2f}x bare) + prepare {prepare_s:.2f} s = {read_s + prepare_s:.2f} s "
              f"(target < 15 s)")
        print(f"    beside scikit-learn's ColumnTransformer on the same training rows: {sklearn_beside(read, big)}")
    from core.training.model import ModelConfig
    from core.training.trainer import TrainConfig, Trainer

    trainer = Trainer(ModelConfig(n_features=big.n_features), TrainConfig(epochs=1, batch_size=256, device="cpu"))
    result, fit_s = timed(lambda: trainer.fit(big))
    print(f"(3) one epoch at batch 256 on {big.info['n_train']:,} rows ({result.steps:,} steps, one torch thread): "
          f"{result.history[0]['epoch_seconds']:.2f} s, {fit_s:.2f} s with the final evaluation (target < 10 s); "
          f"test MAE {result.metrics['test_mae']:.3f}")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
