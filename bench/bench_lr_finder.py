"""Benchmark: does the learning-rate finder's suggestion land near the best rate? (issue 14). Figures only.

California housing, the lecture's model and batch (8→128→128→1, Adam, batch 20), for each seed: the range test
(``core.training.lr_finder.find_lr``: 1e-7 → 10 over up to 100 steps, its seconds), then the same settings trained
for ``--epochs`` at each rate of a 7-point grid, 1e-4 … 1e-1, with the test RMSE of each. Printed: the suggestion,
the grid's best rate, and their ratio (the target: within a factor of 3).

    python bench/bench_lr_finder.py                 # seeds 0,1,2; 5 epochs per grid point
    python bench/bench_lr_finder.py --seeds 0 --epochs 20
"""

import argparse
import time

from core import data
from core.training.lr_finder import find_lr
from core.training.model import ModelConfig
from core.training.run import set_threads
from core.training.trainer import TrainConfig, Trainer

GRID = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    set_threads(1)
    prepared = data.prepare(data.load_builtin("california"), data.DataConfig(seed=0))
    model = ModelConfig(n_features=prepared.n_features)
    for seed in map(int, args.seeds.split(",")):
        started = time.perf_counter()
        found = find_lr(prepared, model, TrainConfig(device="cpu", seed=seed))
        seconds = time.perf_counter() - started
        rmse = {lr: Trainer(model, TrainConfig(device="cpu", seed=seed, lr=lr, epochs=args.epochs))
                .fit(prepared).metrics["test_rmse"] for lr in GRID}
        best = min(rmse, key=rmse.get)
        ratio = max(found.suggestion / best, best / found.suggestion)
        grid = "  ".join(f"{lr:g}: {v:.4f}" for lr, v in rmse.items())
        print(f"seed {seed}: finder {seconds:.2f} s, {len(found.lrs)} steps, suggests {found.suggestion:.2g}; "
              f"grid ({args.epochs} epochs, test RMSE) {grid}")
        print(f"         best {best:g}: the suggestion is within a factor of {ratio:.2f} of it "
              f"({'within' if ratio <= 3 else 'outside'} the target of 3)")


if __name__ == "__main__":
    main()
