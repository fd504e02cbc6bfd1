"""Benchmark: classification (issue 15). Figures only.

The 2-D teaching sets (noise 0.1, 1,000 points, split seed 0) at the lecture's default settings (8→128→128→2 would
be California's; here 2→128→128→2, Adam 0.001, batch 20, 20 epochs) on one torch thread: test accuracy and the
seconds from generating the points to the trained model (targets: moons and circles ≥ 0.97, XOR ≥ 0.95, each in
under 10 s). Then the Palmer penguins (the palmerpenguins package's CSV; species from bill length, bill depth,
flipper length and island) over split seeds: the MLP's test accuracy beside logistic regression's and gradient
boosting's on the same split (target: within 0.02 of logistic regression).

    python bench/bench_classify.py
    python bench/bench_classify.py --seeds 0,1,2,3,4
"""

import argparse
import time
from pathlib import Path

from core import data
from core.data.toy import TOYS, ToyConfig, load_toy
from core.training.baselines import baselines
from core.training.model import ModelConfig
from core.training.run import set_threads
from core.training.trainer import TrainConfig, Trainer

TARGETS = {"moons": 0.97, "circles": 0.97, "xor": 0.95}


def train(prepared, seed=0):
    return Trainer(ModelConfig(**prepared.shape), TrainConfig(device="cpu", seed=seed)).fit(prepared)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="the penguins' split and model seeds")
    args = parser.parse_args()
    set_threads(1)
    print("2-D sets, noise 0.1, 1,000 points, default settings, one thread:")
    for name in TOYS:
        started = time.perf_counter()
        prepared = data.prepare(load_toy(ToyConfig(name=name)))
        result = train(prepared)
        seconds = time.perf_counter() - started
        target = TARGETS.get(name)
        verdict = f" (target ≥ {target}: {'met' if result.metrics['test_accuracy'] >= target else 'NOT met'})" \
            if target else ""
        print(f"  {name:<10} test accuracy {result.metrics['test_accuracy']:.3f}  log loss "
              f"{result.metrics['test_log_loss']:.4f}  {seconds:.2f} s{verdict}")
    path = Path(__import__("palmerpenguins").__file__).parent / "data" / "penguins.csv"
    table = data.load(str(path), "species")
    print("Palmer penguins (bill length, bill depth, flipper length, island → species), 80/20 stratified:")
    for seed in (int(s) for s in args.seeds.split(",")):
        prepared = data.prepare(table, data.DataConfig(exclude=("body_mass_g", "sex", "year"), seed=seed))
        started = time.perf_counter()
        result = train(prepared, seed)
        seconds = time.perf_counter() - started
        others = {b["name"]: b["test_accuracy"] for b in baselines(prepared)}
        gap = result.metrics["test_accuracy"] - others["logistic"]
        print(f"  seed {seed}: MLP {result.metrics['test_accuracy']:.4f} ({seconds:.2f} s)  logistic regression "
              f"{others['logistic']:.4f}  gradient boosting {others['hgb']:.4f}  majority {others['majority']:.4f}"
              f"  (MLP − logistic {gap:+.4f}; target ≥ −0.02)")


if __name__ == "__main__":
    main()
