"""Benchmark: a sweep of 8 learning rates as one batched model against one run, and against each rate alone (issue
14). Figures only.

California housing, the lecture's model and batch (8→128→128→1, Adam, batch 20), ``--epochs`` epochs, one torch
thread (the app's worker's; ``--threads`` for more, one run and the sweep alike). Printed: the wall time of one run
at the lecture's rate and of the sweep of all eight rates together (target: at most 2× the one run), each measured
``--repeat`` times, one after the other in turns, since this shared machine's speed drifts by a tenth or more from
minute to minute: the medians, their ratio and each turn's ratio; then the eight rates trained one after another,
and for each rate how far its curve in the sweep (test MSE per epoch) is from the same rate trained alone: "equal"
where every number is the same float, else the largest relative difference (a member makes the very products a
single run makes, core/training/model.py, so on the CPU they are equal; at a high rate any last-bit difference would
grow from step to step). Last, what no saving of Python can remove: the 128×128 layer's three matrix products and
Adam's step, for one model and for eight, each timed alone, and the least a sweep step can cost on this CPU (one
run's step with those two made eight members').

    python bench/bench_sweep.py                # 2 epochs, 5 turns
    python bench/bench_sweep.py --epochs 5 --repeat 3
    python bench/bench_sweep.py --threads 2    # both run on two torch threads
    python bench/bench_sweep.py --device cuda  # where a GPU is at hand
"""

import argparse
import math
import statistics
import time

import torch

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


def clock(device: str) -> float:
    """perf_counter once the device's queued work is done (CUDA runs asynchronously)."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter()


def products_seconds(k: int, device: str, batch: int = 20, width: int = 128, repeat: int = 2000) -> float:
    """Seconds a step of k members spends in the hidden 128×128 layer's three matrix products alone (forward, input
    gradient, weight gradient), as the trainer makes them: the arithmetic no Python saving removes."""
    x, grad = torch.randn(k, batch, width, device=device), torch.randn(k, batch, width, device=device)
    weight, bias = torch.randn(k, width, width, device=device), torch.randn(k, 1, width, device=device)
    started = clock(device)
    for _ in range(repeat):
        torch.baddbmm(bias, x, weight.transpose(1, 2))
        torch.bmm(grad, weight)
        torch.bmm(grad.transpose(1, 2), x)
    return (clock(device) - started) / repeat


def optimizer_seconds(model_config: ModelConfig, train_config: TrainConfig, repeat: int = 2000) -> float:
    """Seconds one optimizer step takes, the trainer's own optimizer for these settings (a sweep's: one fused kernel
    call per member), on random gradients."""
    optimizer = Trainer(model_config, train_config)._optimizer()
    for p in optimizer.params:
        p.grad = torch.randn_like(p) if p.grad is None else p.grad.normal_()  # a sweep's: its members' views stay
    started = clock(train_config.device)
    for _ in range(repeat):
        optimizer.step()
    return (clock(train_config.device) - started) / repeat


def compare(lr, curve, alone) -> str:
    """How member ``lr``'s test-MSE curve in the sweep compares with the same rate trained alone."""
    if alone is None or None in curve:
        where = [w for w, gone in (("alone", alone is None), ("in the sweep", None in curve)) if gone]
        return f"  lr {lr:g}: diverged {' and '.join(where)}"
    mine = [h["test_mse"] for h in alone.history]
    if curve == mine:
        return f"  lr {lr:g}: final test MSE {curve[-1]:.4f}; equal to the run alone at every epoch"
    gaps = [abs(a - b) / b for a, b in zip(curve, mine)]
    return f"  lr {lr:g}: final test MSE {curve[-1]:.4f}; differs from alone by up to {max(gaps):.1e} (relative)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5, help="turns of one run and the sweep, measured in turn")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch threads, for one run and the sweep alike")
    args = parser.parse_args()
    set_threads(args.threads)
    device = args.device
    prepared = data.prepare(data.load_builtin("california"), data.DataConfig(seed=0))
    single = ModelConfig(n_features=prepared.n_features)
    swept_config = ModelConfig(n_features=prepared.n_features, ensemble=len(RATES))
    sweep = TrainConfig(epochs=args.epochs, device=device, sweep="lr", sweep_values=RATES)
    ones, sweeps = [], []
    for _ in range(args.repeat):
        one, seconds = timed(lambda: Trainer(single, TrainConfig(epochs=args.epochs, device=device)).fit(prepared))
        ones.append(seconds)
        swept, seconds = timed(lambda: Trainer(swept_config, sweep).fit(prepared))
        sweeps.append(seconds)
    alone_s, lines = 0.0, []
    for i, lr in enumerate(RATES):
        alone, seconds = timed(lambda lr=lr: Trainer(single, TrainConfig(epochs=args.epochs, lr=lr, device=device))
                               .fit(prepared))
        alone_s += seconds
        lines.append(compare(lr, [h["members"][i]["test_mse"] for h in swept.history], alone))
    one_s, sweep_s = statistics.median(ones), statistics.median(sweeps)
    turns = ", ".join(f"{s / o:.2f}×" for o, s in zip(ones, sweeps))
    print(f"California, {args.epochs} epochs, batch 20, {args.threads} thread(s), {device}, {args.repeat} turns: "
          f"one run {one_s:.2f} s (median; test MSE {one.metrics['test_mse']:.4f}); the sweep of {len(RATES)} rates "
          f"{sweep_s:.2f} s (median) = {sweep_s / one_s:.2f}× one run (target ≤ 2×; turn by turn {turns}); the "
          f"{len(RATES)} rates one by one {alone_s:.2f} s ({alone_s / sweep_s:.2f}× the sweep)")
    steps = args.epochs * math.ceil(len(prepared.X_train) / 20)
    one_products, products = products_seconds(1, device), products_seconds(len(RATES), device)
    one_adam = optimizer_seconds(single, TrainConfig(device=device))
    adam = optimizer_seconds(swept_config, sweep)
    one_step, floor = one_s / steps, one_s / steps - one_products - one_adam + products + adam
    print(f"a step: one run {one_step * 1e6:.0f} µs, the sweep {sweep_s / steps * 1e6:.0f} µs. The 128×128 layer's "
          f"three products: {one_products * 1e6:.0f} µs for one model, {products * 1e6:.0f} µs for {len(RATES)}; "
          f"Adam's step: {one_adam * 1e6:.0f} µs, {adam * 1e6:.0f} µs. So a sweep step costs at least one run's "
          f"step with those two made {len(RATES)} members': {floor * 1e6:.0f} µs, {floor / one_step:.2f}× one run")
    print("\n".join(lines))
    print(f"kept: lr {swept.metrics['best_value']:g} (test MSE {swept.metrics['test_mse']:.4f})")


if __name__ == "__main__":
    main()
