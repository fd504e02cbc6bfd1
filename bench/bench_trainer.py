"""Benchmark: the project's trainer against the textbook PyTorch loop and scikit-learn's MLPRegressor.

All variants train the default model (MLP 8→128→128→1, ReLU, Adam lr 1e-3, batch 20, MSE on a standardised target)
on California housing with the same split and features (``core.data.prepare`` defaults), and report test MAE in
$100k. Variants, run interleaved (a, b, c0, c, d per seed, then again per repeat) so machine noise hits them alike:

  (a)  textbook   DataLoader(TensorDataset, shuffle=True) + nn.Module + torch.optim.Adam + zero_grad/backward/step
  (b)  sklearn    MLPRegressor(solver="adam", batch_size=20, alpha=0, fixed max_iter)
  (t0) training   the trainer's loop inline (randperm + one gather per epoch, slices, LeanAdam) and nothing else
  (c0) bare       (t0) plus what the trainer records, written by hand: each epoch's training loss and test MSE/MAE
                  (under model.eval() and torch.no_grad()) — the like-for-like baseline for the callback machinery
  (c)  trainer    core.trainer.Trainer(...).fit(prep) (includes its built-in DivergenceCheck)
  (d)  trainer+cb the trainer with a recording Callback and an EventSink(list.append)

Time is wall-clock per variant from building the model to the final test evaluation, divided by the epochs
(seconds per epoch, median over runs; "cpu s/ep" is the same in process CPU time, steadier when other processes
share the CPUs); samples/s = training rows × epochs / that time. Figures only: nothing here asserts on time.

    python bench/bench_trainer.py                          # 20 epochs, seed 0
    python bench/bench_trainer.py --epochs 20 --seeds 0,1,2 --repeats 1 --json out.json
    python bench/bench_trainer.py --quick                  # 2 epochs, smoke run
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import torch  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPRegressor  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from core import data  # noqa: E402
from core.training.callbacks import Callback, EventSink  # noqa: E402
from core.training.model import MLP, ModelConfig  # noqa: E402
from core.training.optim import LeanAdam  # noqa: E402
from core.training.trainer import TrainConfig, Trainer  # noqa: E402

BATCH, LR, HIDDEN = 20, 1e-3, (128, 128)
VARIANTS = {"a": "textbook loop", "b": "MLPRegressor", "t0": "training only", "c0": "bare loop", "c": "trainer",
            "d": "trainer+callbacks"}


class TextbookMLP(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_features, HIDDEN[0]), nn.ReLU(), nn.Linear(HIDDEN[0], HIDDEN[1]),
                                 nn.ReLU(), nn.Linear(HIDDEN[1], 1))

    def forward(self, x):
        return self.net(x)


class Recorder(Callback):
    """Trivial work on every event: keep it."""

    def __init__(self):
        self.events = []

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.events.append(loss)

    def on_epoch_end(self, trainer, record, **kw):
        self.events.append(record)


def mae(pred, y):
    return float(np.abs(np.asarray(pred, dtype=np.float64).ravel() - y).mean())


def run_textbook(d, epochs, seed):
    torch.manual_seed(seed)  # initial weights and the DataLoader's shuffling
    X, y = torch.from_numpy(d["X_train"]), torch.from_numpy(d["y_scaled"]).unsqueeze(1)
    loader = DataLoader(TensorDataset(X, y), batch_size=BATCH, shuffle=True)
    model, loss_fn = TextbookMLP(X.shape[1]), nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(d["X_test"])).squeeze(1).numpy()
    return mae(pred * d["scale"] + d["mean"], d["y_test"])


def run_sklearn(d, epochs, seed):
    model = MLPRegressor(hidden_layer_sizes=HIDDEN, batch_size=BATCH, learning_rate_init=LR, max_iter=epochs,
                         alpha=0.0, solver="adam", shuffle=True, tol=0, n_iter_no_change=10**9,
                         early_stopping=False, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(d["X_train"], d["y_scaled"])
    return mae(model.predict(d["X_test"]) * d["scale"] + d["mean"], d["y_test"])


def run_bare(d, epochs, seed, records=True):
    """The trainer's loop by hand (same RNG use, so same weights). With ``records``, it also keeps what the trainer's
    history keeps, the cheapest way: each epoch's mean training loss and test MSE/MAE."""
    generator = torch.Generator().manual_seed(seed)
    model = MLP(ModelConfig(n_features=d["X_train"].shape[1]))
    model.reset_parameters(generator)
    X, y = torch.from_numpy(d["X_train"]), torch.from_numpy(d["y_scaled"]).unsqueeze(1)
    X_test, y_test = torch.from_numpy(d["X_test"]), torch.from_numpy(d["y_test"])
    optimizer, loss_fn, n = LeanAdam(model.parameters(), lr=LR), nn.MSELoss(), len(X)
    history = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        X_epoch, y_epoch = X[order], y[order]
        losses = []
        for i in range(0, n, BATCH):
            optimizer.zero_grad()
            loss = loss_fn(model(X_epoch[i:i + BATCH]), y_epoch[i:i + BATCH])
            loss.backward()
            optimizer.step()
            if records:
                losses.append(loss.detach())
        if records:
            model.eval()
            with torch.no_grad():
                err = model(X_test).squeeze(1) * d["scale"] + d["mean"] - y_test
            model.train()
            history.append((float(torch.stack(losses).mean()) * d["scale"] ** 2, float((err * err).mean()),
                            float(err.abs().mean())))
    model.eval()
    with torch.no_grad():
        pred = model(X_test).squeeze(1).numpy()
    return mae(pred * d["scale"] + d["mean"], d["y_test"])


def run_trainer(d, epochs, seed, callbacks=False):
    extra = [Recorder(), EventSink([].append)] if callbacks else []
    trainer = Trainer(ModelConfig(n_features=d["prep"].n_features),
                      TrainConfig(epochs=epochs, device="cpu", seed=seed), callbacks=extra)
    result = trainer.fit(d["prep"])
    return result.metrics["test_mae"], result


def warm_up(d):
    """One-off costs (imports, first kernel calls, torch.optim's lazy imports) stay out of the timings."""
    small = dict(d, X_train=d["X_train"][:200], y_scaled=d["y_scaled"][:200])
    run_textbook(small, 1, 0)
    run_sklearn(small, 1, 0)
    run_bare(small, 1, 0)
    run_bare(small, 1, 0, records=False)
    Trainer(ModelConfig(n_features=d["prep"].n_features),
            TrainConfig(epochs=1, device="cpu", seed=0, max_steps=10)).fit(d["prep"])


def measure(d, epochs, seeds, repeats):
    runs = {k: [] for k in VARIANTS}  # variant -> [{"seed", "seconds", "mae", ...}]
    n_train = len(d["X_train"])
    for rep in range(repeats):
        for seed in seeds:
            for key in VARIANTS:
                start, cpu = time.perf_counter(), time.process_time()
                if key == "a":
                    out, extra = run_textbook(d, epochs, seed), {}
                elif key == "b":
                    out, extra = run_sklearn(d, epochs, seed), {}
                elif key == "t0":
                    out, extra = run_bare(d, epochs, seed, records=False), {}
                elif key == "c0":
                    out, extra = run_bare(d, epochs, seed), {}
                else:
                    out, result = run_trainer(d, epochs, seed, callbacks=key == "d")
                    extra = {"trainer_epoch_seconds": statistics.median(h["epoch_seconds"] for h in result.history),
                             "trainer_samples_per_s": statistics.median(h["samples_per_s"] for h in result.history)}
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                runs[key].append({"repeat": rep, "seed": seed, "seconds": seconds, "epoch_seconds": seconds / epochs,
                                  "cpu_epoch_seconds": cpu / epochs,
                                  "samples_per_s": n_train * epochs / seconds, "test_mae": out, **extra})
                print(f"  repeat {rep} seed {seed} {VARIANTS[key]:<18} {seconds:7.2f} s  MAE {out:.4f}", flush=True)
    return runs


def summarise(runs, seeds):
    summary = {}
    for key, rs in runs.items():
        maes = {s: statistics.mean(r["test_mae"] for r in rs if r["seed"] == s) for s in seeds}
        summary[key] = {"name": VARIANTS[key], "epoch_seconds": statistics.median(r["epoch_seconds"] for r in rs),
                        "cpu_epoch_seconds": statistics.median(r["cpu_epoch_seconds"] for r in rs),
                        "samples_per_s": statistics.median(r["samples_per_s"] for r in rs),
                        "test_mae": statistics.mean(maes.values()), "test_mae_per_seed": maes}
    t = {k: v["epoch_seconds"] for k, v in summary.items()}
    m = {k: v["test_mae"] for k, v in summary.items()}
    targets = [  # (name, figure, format, passed)
        ("trainer throughput / textbook >= 1.5x", t["a"] / t["c"], "{:.2f}x", t["a"] / t["c"] >= 1.5),
        ("MLPRegressor time / trainer time >= 1.0", t["b"] / t["c"], "{:.2f}x", t["b"] / t["c"] >= 1.0),
        ("|MAE trainer - textbook| <= 0.01", abs(m["c"] - m["a"]), "{:.4f}", abs(m["c"] - m["a"]) <= 0.01),
        ("|MAE trainer - MLPRegressor| <= 0.01", abs(m["c"] - m["b"]), "{:.4f}", abs(m["c"] - m["b"]) <= 0.01),
        ("callback overhead trainer / bare - 1 < 5%", t["c"] / t["c0"] - 1, "{:+.1%}", t["c"] / t["c0"] - 1 < 0.05),
        ("callback overhead trainer+cb / bare - 1 < 5%", t["d"] / t["c0"] - 1, "{:+.1%}",
         t["d"] / t["c0"] - 1 < 0.05),
    ]
    return summary, targets


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--seeds", default="0", help="comma-separated, e.g. 0,1,2")
    p.add_argument("--threads", type=int, default=1, help="torch threads and BLAS threads (default 1, as the app)")
    p.add_argument("--quick", action="store_true", help="2 epochs: a smoke run")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    epochs = 2 if args.quick else args.epochs
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]

    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)  # numpy's BLAS too, so MLPRegressor gets the same number of threads
    prep = data.prepare(data.load_california())
    target = prep.preprocessing["target"]
    d = {"prep": prep, "X_train": prep.X_train, "X_test": prep.X_test, "y_test": prep.y_test.astype(np.float64),
         "mean": target["mean"], "scale": target["scale"],
         "y_scaled": ((prep.y_train - target["mean"]) / target["scale"]).astype(np.float32)}
    blas = ", ".join(f"{i['internal_api']} {i['num_threads']}t" for i in threadpool_info())
    machine = {"python": platform.python_version(), "torch": torch.__version__, "sklearn": sklearn.__version__,
               "numpy": np.__version__, "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
               "blas": blas, "platform": platform.platform()}
    print(f"torch {machine['torch']}, scikit-learn {machine['sklearn']}, numpy {machine['numpy']}, "
          f"Python {machine['python']} on {machine['platform']}")
    print(f"CPUs: {machine['cpu_count']}; torch.set_num_threads({args.threads}) -> {machine['torch_threads']} "
          f"torch thread(s); BLAS limited to {args.threads}: {blas}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"California housing: {len(prep.X_train)} train / {len(prep.X_test)} test rows, {prep.n_features} "
          f"features; {epochs} epochs, batch {BATCH}, seeds {seeds}, repeats {args.repeats}\n")

    warm_up(d)
    runs = measure(d, epochs, seeds, args.repeats)
    summary, targets = summarise(runs, seeds)

    print(f"\n{'variant':<22}{'s/epoch':>10}{'cpu s/ep':>10}{'samples/s':>12}{'test MAE':>10}   MAE per seed")
    for key, s in summary.items():
        per_seed = " ".join(f"{v:.4f}" for v in s["test_mae_per_seed"].values())
        print(f"({key}) {s['name']:<17}{s['epoch_seconds']:>10.3f}{s['cpu_epoch_seconds']:>10.3f}"
              f"{s['samples_per_s']:>12,.0f}"
              f"{s['test_mae']:>10.4f}   {per_seed}")
    c = runs["c"]
    print(f"(trainer's own history: median epoch_seconds {statistics.median(r['trainer_epoch_seconds'] for r in c):.3f}"
          f", samples_per_s {statistics.median(r['trainer_samples_per_s'] for r in c):,.0f})")
    t = {k: v["epoch_seconds"] for k, v in summary.items()}
    print(f"(the two extra callbacks alone, (d)/(c) - 1: {t['d'] / t['c'] - 1:+.1%}; the trainer against training "
          f"alone, (c)/(t0) - 1: {t['c'] / t['t0'] - 1:+.1%}, which adds loss tracking and per-epoch test evaluation)")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (other processes share the CPUs)")
    print(f"\ntargets (MAE: mean over seeds {seeds}; with few seeds MAE differences are noisy)")
    for name, figure, fmt, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {name:<46} {fmt.format(figure)}")

    if args.json:
        out = {"machine": machine, "epochs": epochs, "seeds": seeds, "repeats": args.repeats, "threads": args.threads,
               "summary": summary, "runs": runs,
               "targets": [{"name": n, "figure": f, "pass": ok} for n, f, _, ok in targets]}
        Path(args.json).write_text(json.dumps(out, indent=2))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
