"""Benchmark: a sweep of 8 learning rates as one batched model against one run, and against each rate alone (issue
14). Figures only.

California housing, the lecture's model and batch (8→128→128→1, Adam, batch 20), ``--epochs`` epochs, one torch
thread. Printed: the wall time of one run at the lecture's rate, of the sweep of all eight rates together (target:
at most 2× the one run), and of the eight rates trained one after another; and, for each rate, the largest relative
difference between its curve in the sweep (test MSE per epoch) and the same rate trained alone (float tolerance),
or that it diverged in both. (Batched and single matrix products round differently in the last bit; at a high rate
those differences grow from step to step, as they would between two thread counts, so the gap is printed after the
first epoch and at its largest.)

    python bench/bench_sweep.py                # 2 epochs
    python bench/bench_sweep.py --epochs 5
"""

import argparse
import math
import time

from core import data
from core.errors import TrainingDiverged
from core.training.model import ModelConfig
from core.training.run import set_threads
from core.training.trainer import TrainConfig, Trainer

RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0)


def timed(make):
    started = time.perf_counter()
    try:
        result = make()
    except TrainingDiverged:
        result = None
    return result, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    set_threads(1)
    prepared = data.prepare(data.load_builtin("california"), data.DataConfig(seed=0))
    single = ModelConfig(n_features=prepared.n_features)
    one, one_s = timed(lambda: Trainer(single, TrainConfig(epochs=args.epochs, device="cpu")).fit(prepared))
    swept, sweep_s = timed(lambda: Trainer(ModelConfig(n_features=prepared.n_features, ensemble=len(RATES)),
                                           TrainConfig(epochs=args.epochs, device="cpu", sweep="lr",
                                                       sweep_values=RATES)).fit(prepared))
    alone_s, lines = 0.0, []
    for i, lr in enumerate(RATES):
        alone, seconds = timed(lambda lr=lr: Trainer(single, TrainConfig(epochs=args.epochs, lr=lr, device="cpu"))
                               .fit(prepared))
        alone_s += seconds
        curve = [h["members"][i]["test_mse"] for h in swept.history]
        if alone is None or None in curve:
            where = [w for w, gone in (("alone", alone is None), ("in the sweep", None in curve)) if gone]
            lines.append(f"  lr {lr:g}: diverged {' and '.join(where)}")
            continue
        gaps = [abs(a - b["test_mse"]) / b["test_mse"] for a, b in zip(curve, alone.history)]
        lines.append(f"  lr {lr:g}: final test MSE {curve[-1]:.4f}; relative difference from alone after epoch 1 "
                     f"{gaps[0]:.1e}, largest {max(gaps):.1e}")
    print(f"California, {args.epochs} epochs, batch 20, one thread: one run {one_s:.2f} s (test MSE "
          f"{one.metrics['test_mse']:.4f}); the sweep of {len(RATES)} rates {sweep_s:.2f} s = "
          f"{sweep_s / one_s:.2f}× one run (target ≤ 2×); the {len(RATES)} rates one by one {alone_s:.2f} s "
          f"({alone_s / sweep_s:.2f}× the sweep)")
    print("\n".join(lines))
    print(f"kept: lr {swept.metrics['best_value']:g} (test MSE {swept.metrics['test_mse']:.4f})"
          if not math.isnan(swept.metrics["test_mse"]) else "")


if __name__ == "__main__":
    main()
