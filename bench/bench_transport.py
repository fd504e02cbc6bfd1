"""Benchmark: the transport's cost and its response (issue 15). Figures only.

1. What checking for a pause at every step costs a run that is never paused: the lecture's California MLP
   (8→128→128→1, batch 20, one torch thread) with and without a ``Transport`` on a worker's shared-memory cells
   (``multiprocessing.RawArray``), alternated ``--repeats`` times; printed: each median throughput and the median
   over back-to-back pairs of 1 - with/without.
2. How soon the controls act, through the pool's real worker process: from ``pause()`` to the run's last report
   no longer moving, and from ``step()`` to the report of that one step reaching the pool (the page then draws it
   at its next redraw, at most a second later); medians over ``--presses``.
3. Continuing: 3 epochs, then 3 more, against 6 in one go: the largest weight difference (0: the same weights).

    python bench/bench_transport.py
"""

import argparse
import multiprocessing as mp
import statistics
import time

import torch

from core import data
from core.pool import TrainingPool
from core.training.model import ModelConfig
from core.training.run import Job, set_threads
from core.training.trainer import TrainConfig, Trainer
from core.training.transport import Transport


def throughput(prepared, model, transport) -> float:
    trainer = Trainer(model, TrainConfig(epochs=1, device="cpu"), transport=transport)
    started = time.perf_counter()
    trainer.fit(prepared)
    return len(prepared.y_train) / (time.perf_counter() - started)


def last_step(pool, run_id) -> int:
    run = pool.get(run_id, "bench")
    return run.reports[-1]["step"] if run.reports else 0


def until(condition, timeout=30.0, every=0.001):
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        time.sleep(every)
    return time.perf_counter()


def response(prepared, presses: int) -> tuple[float, float]:
    pool = TrainingPool(workers=1, abandon_after=600)
    try:
        job = Job(prepared, ModelConfig(**prepared.shape), TrainConfig(epochs=1000, device="cpu"))
        run_id = pool.submit(job, "bench")
        until(lambda: last_step(pool, run_id) > 0, timeout=120)
        pauses, steps = [], []
        for _ in range(presses):
            asked = time.perf_counter()
            pool.pause(run_id, "bench")
            before, changed = last_step(pool, run_id), time.perf_counter()
            while time.perf_counter() - changed < 0.5:  # held once its reports have stopped for half a second
                if (now := last_step(pool, run_id)) != before:
                    before, changed = now, time.perf_counter()
                time.sleep(0.001)
            pauses.append(max(changed - asked, 0.0))  # the held step's report was the last to come
            asked = time.perf_counter()
            pool.step(run_id, "bench")
            steps.append(until(lambda held=before: last_step(pool, run_id) == held + 1) - asked)
            pool.resume(run_id, "bench")
            time.sleep(0.2)
        pool.stop(run_id, "bench")
        return statistics.median(pauses), statistics.median(steps)
    finally:
        pool.shutdown()


def continued(prepared) -> float:
    model = ModelConfig(**prepared.shape)
    whole = Trainer(model, TrainConfig(epochs=6, device="cpu")).fit(prepared)
    first = Trainer(model, TrainConfig(epochs=3, device="cpu")).fit(prepared)
    then = Trainer(model, TrainConfig(epochs=6, device="cpu")).fit(prepared, first.portable().with_tensors())
    return max(float((whole.state_dict[k] - then.state_dict[k]).abs().max()) for k in whole.state_dict)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--presses", type=int, default=5)
    args = parser.parse_args()
    set_threads(1)
    torch.manual_seed(0)
    california = data.prepare(data.load_builtin("california"))
    model = ModelConfig(**california.shape)
    cells = mp.get_context("spawn").RawArray("q", 3)
    plain, held = [], []
    for number in range(1, args.repeats + 1):
        plain.append(throughput(california, model, None))
        held.append(throughput(california, model, Transport(cells, number)))
    cost = statistics.median(1 - h / p for p, h in zip(plain, held))
    print(f"California, 8→128→128→1, batch 20, 1 epoch, one thread, {args.repeats} pairs: without a transport "
          f"{statistics.median(plain):,.0f} rows/s, with one (never paused) {statistics.median(held):,.0f} rows/s: "
          f"cost {100 * cost:.1f} %")
    pause, step = response(california, args.presses)
    print(f"through a worker process, median of {args.presses}: Pause holds the run within {1000 * pause:.0f} ms; "
          f"One step's report reaches the pool {1000 * step:.0f} ms after the press")
    print(f"3 epochs then 3 more against 6 in one go: largest weight difference {continued(california):.1e}")


if __name__ == "__main__":
    main()
