"""Benchmark: how good does the recipe make the MLP on California housing? (issue 14). Figures only.

One split, fixed by seed 0: 80/20 train/test as the lecture's, and 20 % of the training rows held out for validation:
64/16/20 (13,209 / 3,303 / 4,128 rows), the split of the published anchors. For each model seed: the Strong preset
(core/training/presets.py) trained on one torch thread, its test RMSE and MAE in $100,000 and its training seconds.
Beside it, in the same run and on the same test rows: scikit-learn's HistGradientBoostingRegressor fitted on the
training rows (64 %) and on training + validation (80 %, the project's split), and the Lecture preset.

Targets (issue 14): mean test RMSE <= 0.46 over 3 seeds within 60 s of training each; test MAE at most gradient
boosting's on the 80/20 split. The published anchors on the same task (Gorishniy et al. 2021; TabM 2025; their own
fixed split): tuned MLP 0.4985, ResNet 0.4856, FT-Transformer 0.4591, XGBoost 0.4334, TabM 0.4414.

    python bench/bench_quality.py                  # Strong, seeds 0,1,2, with the baselines and the Lecture preset
    python bench/bench_quality.py --ladder         # also the tricks ladder: one trick at a time (seed 0)
    python bench/bench_quality.py --ladder --write      # and save it for the Train page (docs/ladder.json)
"""

import argparse
import json
import math
import statistics
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from core import data
from core.training.presets import ASIDES, LADDER_FILE, PRESETS, ladder, preset_configs, split
from core.training.run import set_threads
from core.training.trainer import Trainer

ANCHORS = {"MLP (Gorishniy 2021)": 0.4985, "FT-Transformer": 0.4591, "XGBoost": 0.4334, "TabM": 0.4414}


def prepared_for(values: dict):
    data_settings = split(values)[0]
    return data.prepare(data.load_builtin("california"), data.DataConfig(**data_settings, seed=0))


def train(values: dict, seed: int, device: str) -> dict:
    prepared = prepared_for(values)
    model, config = preset_configs(values, prepared, seed, device)
    result = Trainer(model, config).fit(prepared)
    m = result.metrics
    return {"test_rmse": m["test_rmse"], "test_mae": m["test_mae"], "seconds": result.seconds,
            "epochs": len(result.history), "best_epoch": m.get("best_epoch"), "val_rmse": m.get("val_rmse")}


def boosting(prepared, with_validation: bool) -> dict:
    X, y = prepared.X_train, prepared.y_train
    if with_validation:
        X, y = np.concatenate([X, prepared.X_val]), np.concatenate([y, prepared.y_val])
    started = time.perf_counter()
    with threadpool_limits(1):  # one thread, as the MLP gets (OpenMP's threads otherwise spin against other work)
        pred = HistGradientBoostingRegressor(random_state=0).fit(X, y).predict(prepared.X_test)
    err = pred - prepared.y_test
    return {"test_rmse": math.sqrt(float(np.mean(err**2))), "test_mae": float(np.mean(np.abs(err))),
            "seconds": time.perf_counter() - started}


def line(name: str, runs: list[dict]) -> str:
    rmse = [r["test_rmse"] for r in runs]
    mae = statistics.mean(r["test_mae"] for r in runs)
    seconds = [r["seconds"] for r in runs]
    each = ", ".join(f"{v:.4f}" for v in rmse)
    return (f"{name:<58} RMSE {statistics.mean(rmse):.4f} ({each})  MAE {mae:.4f}  "
            f"{statistics.mean(seconds):5.1f} s (max {max(seconds):.1f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--ladder", action="store_true", help="also the tricks ladder")
    parser.add_argument("--ladder-seeds", default="0")
    parser.add_argument("--write", action="store_true",
                        help=f"write the ladder's figures to {LADDER_FILE.name} (the Train page shows them)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (the MLPs; gradient boosting: the CPU)")
    args = parser.parse_args()
    set_threads(args.threads)
    seeds = [int(s) for s in args.seeds.split(",")]
    strong = PRESETS["strong"]
    prepared = prepared_for(strong)
    print(f"California housing, split seed 0: {len(prepared.X_train):,} train / {len(prepared.X_val):,} validation / "
          f"{len(prepared.X_test):,} test rows; {args.threads} torch thread(s); device {args.device}; "
          f"model seeds {seeds}")
    runs = [train(strong, seed, args.device) for seed in seeds]
    print(line("Strong preset", runs))
    hgb64, hgb80 = boosting(prepared, False), boosting(prepared, True)
    print(line("HistGradientBoosting, fitted on the 64 % training rows", [hgb64]))
    print(line("HistGradientBoosting, fitted on 80 % (the 80/20 split)", [hgb80]))
    print(line("Lecture preset (80/20 split, 20 epochs)", [train(PRESETS["lecture"], seeds[0], args.device)]))
    mean = statistics.mean(r["test_rmse"] for r in runs)
    slowest = max(r["seconds"] for r in runs)
    mae = statistics.mean(r["test_mae"] for r in runs)
    print(f"target RMSE <= 0.46 within 60 s: mean {mean:.4f}, slowest run {slowest:.1f} s -> "
          f"{'met' if mean <= 0.46 and slowest <= 60 else 'NOT met'}; stretch <= 0.435: "
          f"{'met' if mean <= 0.435 else 'not met'}")
    print(f"test MAE {mae:.4f} vs gradient boosting's {hgb80['test_mae']:.4f} on the 80/20 split: "
          f"{'at most' if mae <= hgb80['test_mae'] else 'ABOVE'} it (ratio {mae / hgb80['test_mae']:.3f})")
    print("anchors (their own fixed split): " + ", ".join(f"{k} {v}" for k, v in ANCHORS.items()))
    if not args.ladder:
        return
    rungs, previous = [], None
    for name, values in ladder():
        figures = [train(values, int(s), args.device) for s in args.ladder_seeds.split(",")]
        rmse = statistics.mean(f["test_rmse"] for f in figures)
        seconds = statistics.mean(f["seconds"] for f in figures)
        delta = "" if previous is None else f"  Δ {rmse - previous:+.4f}"
        print(f"  {name:<66} RMSE {rmse:.4f}{delta}  {seconds:5.1f} s")
        rungs.append({"rung": name, "test_rmse": rmse, "delta": None if previous is None else rmse - previous,
                      "seconds": seconds, "seeds": len(figures)})
        previous = rmse
    asides = []
    for name, changed in ASIDES:
        figures = [train(strong | changed, int(s), args.device) for s in args.ladder_seeds.split(",")]
        rmse = statistics.mean(f["test_rmse"] for f in figures)
        seconds = statistics.mean(f["seconds"] for f in figures)
        print(f"  {name:<66} RMSE {rmse:.4f}  Δ {rmse - previous:+.4f} against Strong  {seconds:5.1f} s")
        asides.append({"rung": name, "test_rmse": rmse, "delta": rmse - previous, "seconds": seconds})
    if args.write:
        LADDER_FILE.write_text(json.dumps({
            "command": f"python bench/bench_quality.py --ladder --ladder-seeds {args.ladder_seeds} --write",
            "threads": args.threads, "seeds": args.ladder_seeds, "rungs": rungs, "asides": asides,
            "boosting": hgb80}, indent=1) + "\n")


if __name__ == "__main__":
    main()
