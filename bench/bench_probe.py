"""Benchmark: the network view's cost (issue 15). Figures only.

The same run with and without ``TrainConfig.watch`` (its reports then carry every layer's weight and gradient
norms, update ratio, activation statistics and small weight matrices, at each epoch's end and at most every
``probe.EVERY_SECONDS`` between: core/training/probe.py), at the default reporting interval (every 50 batches), on
one torch thread, alternated ``--repeats`` times. Printed: the median training throughput (rows/s) of each; the
cost as the median over the pairs (one run without, then one with, back to back) of 1 - watched/plain (target:
under 5 %; this machine's speed drifts by about 10 % over seconds, and a pair's two runs see the same drift); and,
measured inside the watched runs, the share of their time spent in the probe itself (its forward pass, norms and
copies), which no other process can inflate. Two models: California's lecture MLP (8→128→128→1, batch 20) and a
teaching set's narrow net that the diagram draws (moons, 2→8→8→2, batch 20).

    python bench/bench_probe.py
    python bench/bench_probe.py --repeats 21 --epochs 2
"""

import argparse
import statistics
import time
from unittest.mock import patch

from core import data
from core.data.toy import ToyConfig, load_toy
from core.training import trainer as trainer_module
from core.training.model import ModelConfig
from core.training.probe import Probe
from core.training.run import set_threads
from core.training.trainer import TrainConfig, Trainer


class _Timed(Probe):
    spent = 0.0

    def before_step(self):
        started = time.perf_counter()
        super().before_step()
        _Timed.spent += time.perf_counter() - started

    def snapshot(self):
        started = time.perf_counter()
        out = super().snapshot()
        _Timed.spent += time.perf_counter() - started
        return out


def throughput(prepared, model, epochs, watch) -> tuple[float, float]:
    """Rows per second, and the share of the run's time spent in the probe."""
    trainer = Trainer(model, TrainConfig(epochs=epochs, device="cpu", watch=watch))
    _Timed.spent = 0.0
    started = time.perf_counter()
    with patch.object(trainer_module, "Probe", _Timed):
        trainer.fit(prepared)
    seconds = time.perf_counter() - started
    return epochs * len(prepared.y_train) / seconds, _Timed.spent / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    set_threads(1)
    california = data.prepare(data.load_builtin("california"))
    moons = data.prepare(load_toy(ToyConfig(samples=10_000)))
    cases = (("California, 8→128→128→1", california, ModelConfig(**california.shape)),
             ("moons (10,000 points), 2→8→8→2", moons, ModelConfig(**moons.shape, hidden=(8, 8))))
    for name, prepared, model in cases:
        figures = {False: [], True: []}
        for _ in range(args.repeats):
            for watch in (False, True):
                figures[watch].append(throughput(prepared, model, args.epochs, watch))
        plain, watched = (statistics.median(r for r, _ in figures[w]) for w in (False, True))
        cost = statistics.median(1 - w / p for (p, _), (w, _) in zip(figures[False], figures[True]))
        inside = statistics.median(share for _, share in figures[True])
        print(f"{name}, batch 20, {args.epochs} epoch(s), one thread, {args.repeats} pairs: without the view "
              f"{plain:,.0f} rows/s, with it {watched:,.0f} rows/s: cost {100 * cost:.1f} % (target < 5 %); time "
              f"inside the probe {100 * inside:.1f} % of the watched runs")


if __name__ == "__main__":
    main()
