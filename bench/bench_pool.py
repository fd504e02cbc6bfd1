"""Benchmark: what the training pool costs, how it holds up under twenty runs at once, and how pages feel meanwhile.

Three parts, measured side by side in one run of this script (figures only: nothing here asserts on time):

  (A) machinery   the trainer alone in this process (``Trainer(...).fit(prepared)``, one torch thread) against the same
                  run through ``TrainingPool(workers=1)``: a spawned worker process, progress streamed back on its
                  own pipe, forwarded to ``engine.events`` and the pool's pump thread here, a poller
                  thread calling ``pool.get()`` and ``heartbeat()`` once a second as the Train page does. Interleaved
                  repeats, same seed for both in a repeat. Throughput is the run's own history (median epoch
                  samples_per_s); wall time is submit → "done" applied in the parent (the pool's timestamps), with
                  the pool's start-up kept out by a warm-up job first.
  (B) many runs   ``--runs`` jobs (owners s0..s19, seeds 0..19) submitted at once to a pool of ``--workers``: total wall
                  time, aggregate throughput (samples trained / wall) against one run alone in the same pool just
                  before, each run's slowdown, queue waits, that every owner got exactly its own finished run (results
                  differ by seed and match an in-process reference for two seeds), and the peak memory (VmHWM) of
                  the parent and of the workers. A poller thread plays the twenty open pages.
  (C) page reruns ``AppTest`` reruns of the Tensors page and of the Train page in this process, once a second, first
                  with the machine idle (before any batch) and then while a second batch of ``--runs`` jobs trains in
                  the worker processes. (The AppTest's Train page has its own cached pool in this process; it stays
                  idle.) The second batch's throughput shows what the page reruns cost the training.

Other processes share the CPUs (this is a 2-core machine shared with other sessions): the load average is printed at
the start and the end, and part B reports how much CPU went to the workers, to this process (the pool's pump thread
and the pollers) and to others. There is no broker process: the pool is this process and its worker processes.

    python bench/bench_pool.py                      # A: California 5 epochs x 5 repeats; B, C: 20 runs x 8 epochs
    python bench/bench_pool.py --runs 20 --run-epochs 8 --workers 2 --json out.json
    python bench/bench_pool.py --quick              # smoke run: 1 epoch, 6 runs x 2 epochs, few page reruns

Worker processes are spawned with a bare ``__main__`` (``core.pool`` swaps an empty module in while it starts them),
so they do not import this file; they import torch and ``core`` in the pool's initializer. Everything that does work
still sits under ``main()``, and Streamlit is imported only in part C (the workers never import it).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if __name__ == "__main__":
    # The workers are spawned with a bare ``__main__`` (see ``core.pool._bare_main``), so they never import this file
    # and these imports stay out of them whether or not they sit under the guard: what the workers load (torch and
    # ``core``, in the pool's initializer) is what the pool itself puts there. The guard is kept anyway; harmless.
    import numpy as np  # noqa: E402
    import torch  # noqa: E402

    from core import data  # noqa: E402
    from core.pool import TrainingPool  # noqa: E402
    from core.training.model import ModelConfig  # noqa: E402
    from core.training.run import Job  # noqa: E402
    from core.training.trainer import TrainConfig, Trainer  # noqa: E402

APP = str(ROOT / "dashboard" / "app.py")
TICK = os.sysconf("SC_CLK_TCK")


# --- /proc readings ---------------------------------------------------------------------------------------------

def hwm_mib(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a process, in MiB; None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15 of stat(5)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK  # user nice system idle iowait irq softirq steal


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def pool_pids(pool) -> dict:
    engine = pool.engine
    return {"workers": sorted(engine.pids())}


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values, q):
    return float(np.percentile(values, q)) if values else float("nan")


# --- the pages' side of the pool ---------------------------------------------------------------------------------

class PagePoller:
    """What open Train pages do: once a second each owner's page asks the pool for its run and sends a heartbeat.

    Records the longest queue seen (``ahead``) and how long each ``get`` took; ``done`` is set once no run is active.
    """

    def __init__(self, pool, runs: dict, interval: float = 1.0):
        self.pool, self.runs, self.interval = pool, dict(runs), interval
        self.max_ahead, self.ticks, self.get_seconds = 0, 0, []
        self.done, self._stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._loop, name="page-poller", daemon=True)

    def start(self) -> "PagePoller":
        self.thread.start()
        return self

    def _loop(self):
        while not self._stop.is_set():
            tick, active = time.monotonic(), 0
            for owner, run_id in self.runs.items():
                self.pool.heartbeat(owner)
                start = time.perf_counter()
                run = self.pool.get(run_id, owner)
                self.get_seconds.append(time.perf_counter() - start)
                self.max_ahead = max(self.max_ahead, run.ahead)
                active += run.active
            self.ticks += 1
            if not active:
                self.done.set()
                return
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - tick)))

    def wait(self, timeout: float):
        if not self.done.wait(timeout):
            self._stop.set()
            raise TimeoutError(f"runs still active after {timeout:.0f} s")


def job(prep, epochs: int, seed: int, max_steps: int = 0):
    return Job(prep, ModelConfig(n_features=prep.n_features),
               TrainConfig(epochs=epochs, seed=seed, device="cpu", max_steps=max_steps))


def run_all(pool, jobs: dict, timeout: float) -> tuple[dict, PagePoller]:
    """Submit ``{owner: Job}`` at once, poll like the pages until all are done; ``{owner: (run_id, RunState)}``."""
    ids = {owner: pool.submit(j, owner, label=owner, settings={"seed": j.train_config.seed})
           for owner, j in jobs.items()}
    poller = PagePoller(pool, ids).start()
    poller.wait(timeout)
    return {owner: (run_id, pool.get(run_id, owner)) for owner, run_id in ids.items()}, poller


def warm_pool(pool, prep, workers: int) -> float:
    """One tiny job per worker, at once, so every worker has imported torch and trained before anything is timed."""
    start = time.perf_counter()
    runs, _ = run_all(pool, {f"warm{i}": job(prep, 1, 0, max_steps=10) for i in range(workers)}, timeout=300)
    assert all(r.state == "finished" for _, r in runs.values()), {o: r.state for o, (_, r) in runs.items()}
    return time.perf_counter() - start


def median_sps(history) -> float:
    return statistics.median(h["samples_per_s"] for h in history)


# --- (A) ----------------------------------------------------------------------------------------------------------

def part_a(prep, epochs: int, repeats: int) -> dict:
    print(f"(A) machinery overhead: trainer in-process vs TrainingPool(workers=1); California, {epochs} epochs, "
          f"{repeats} repeat(s) interleaved (load average {load_average()})")
    start = time.perf_counter()
    pool = TrainingPool(workers=1)
    startup = time.perf_counter() - start
    warm = warm_pool(pool, prep, 1)
    Trainer(ModelConfig(n_features=prep.n_features), TrainConfig(epochs=1, device="cpu", max_steps=10)).fit(prep)
    pids = pool_pids(pool)
    worker, parent = pids["workers"][0], os.getpid()
    print(f"  pool start-up {startup:.2f} s + warm-up job {warm:.2f} s (kept out of the timings)")
    rows = []
    for rep in range(repeats):
        for kind in (("in-process", "pool") if rep % 2 == 0 else ("pool", "in-process")):
            cpu0 = {pid: cpu_seconds(pid) for pid in (worker, parent)}
            busy0, begin = machine_busy_seconds(), time.perf_counter()
            if kind == "in-process":
                result = Trainer(ModelConfig(n_features=prep.n_features),
                                 TrainConfig(epochs=epochs, device="cpu", seed=rep)).fit(prep)
                wall, history = time.perf_counter() - begin, result.history
            else:
                runs, _ = run_all(pool, {f"a{rep}": job(prep, epochs, rep)}, timeout=600)
                run = runs[f"a{rep}"][1]
                assert run.state == "finished", (run.state, run.error)
                result, history, wall = run.result, run.history, run.ended - run.submitted
            span = time.perf_counter() - begin  # the pooled run's span includes waiting for the 1 s poller
            cpu = {pid: cpu_seconds(pid) - cpu0[pid] for pid in cpu0}
            train_cpu = cpu[parent] if kind == "in-process" else cpu[worker]
            plumbing = 0.0 if kind == "in-process" else cpu[parent]  # the pump and the poller, in this process
            row = {"repeat": rep, "variant": kind, "wall_s": wall, "fit_s": result.seconds,
                   "samples_per_s": median_sps(history), "test_mae": result.metrics["test_mae"],
                   "train_cpu_s": train_cpu, "plumbing_cpu_s": plumbing,
                   "others_cores": (machine_busy_seconds() - busy0 - sum(cpu.values())) / span}
            rows.append(row)
            extra = (f"  outside fit {wall - result.seconds:4.2f} s  this process cpu {plumbing:.2f} s"
                     if kind == "pool" else "")
            print(f"  repeat {rep} {kind:<10}  wall {wall:6.2f} s  fit {result.seconds:6.2f} s  "
                  f"{row['samples_per_s']:>8,.0f} samples/s  training cpu {train_cpu:5.2f} s  MAE "
                  f"{row['test_mae']:.4f}  others {row['others_cores']:.1f} cores{extra}", flush=True)
    pool.shutdown()

    keys = ("wall_s", "fit_s", "samples_per_s", "train_cpu_s", "plumbing_cpu_s", "others_cores")
    summary, best = {}, {}
    for kind in ("in-process", "pool"):
        rs = [r for r in rows if r["variant"] == kind]
        summary[kind] = {k: statistics.median(r[k] for r in rs) for k in keys}
        best[kind] = {"wall_s": min(r["wall_s"] for r in rs), "samples_per_s": max(r["samples_per_s"] for r in rs)}
    same_mae = max(abs(a["test_mae"] - b["test_mae"]) for a in rows for b in rows
                   if a["repeat"] == b["repeat"] and a["variant"] != b["variant"])
    i, p = summary["in-process"], summary["pool"]
    out = {"epochs": epochs, "repeats": repeats, "startup_s": startup, "warmup_s": warm, "rows": rows,
           "summary": summary, "best": best,
           "throughput_overhead": i["samples_per_s"] / p["samples_per_s"] - 1,
           "wall_overhead": p["wall_s"] / i["wall_s"] - 1,
           "best_throughput_overhead": best["in-process"]["samples_per_s"] / best["pool"]["samples_per_s"] - 1,
           "best_wall_overhead": best["pool"]["wall_s"] / best["in-process"]["wall_s"] - 1,
           "cpu_overhead": (p["train_cpu_s"] + p["plumbing_cpu_s"]) / i["train_cpu_s"] - 1,
           "max_mae_difference": same_mae}
    pairs = []  # pool against in-process within each repeat: neighbours in time, so slow drifts in load cancel
    for rep in range(repeats):
        ri, rp = (next(r for r in rows if r["repeat"] == rep and r["variant"] == kind)
                  for kind in ("in-process", "pool"))
        pairs.append({"throughput": ri["samples_per_s"] / rp["samples_per_s"] - 1,
                      "wall": rp["wall_s"] / ri["wall_s"] - 1,
                      "cpu": (rp["train_cpu_s"] + rp["plumbing_cpu_s"]) / ri["train_cpu_s"] - 1})
    out["paired"] = {k: {"median": statistics.median(p[k] for p in pairs), "min": min(p[k] for p in pairs),
                         "max": max(p[k] for p in pairs)} for k in ("throughput", "wall", "cpu")}
    print(f"\n  {'variant':<12}{'wall s':>9}{'fit s':>9}{'samples/s':>12}{'train cpu s':>13}{'plumbing cpu s':>16}"
          f"{'others':>8}   medians over repeats")
    for kind, s in summary.items():
        print(f"  {kind:<12}{s['wall_s']:>9.2f}{s['fit_s']:>9.2f}{s['samples_per_s']:>12,.0f}{s['train_cpu_s']:>13.2f}"
              f"{s['plumbing_cpu_s']:>16.2f}{s['others_cores']:>6.1f} c")
    print("  (samples/s: median epoch of the run's own history; wall: Trainer() + fit in-process, submit → done "
          "applied\n   through the pool; train cpu: the process that trained; plumbing: this process (the pool's "
          "pump thread\n   reading the event queue, and the poller); others: CPU cores busy with other processes "
          "meanwhile)")
    print(f"  overhead of the pool (medians): throughput {out['throughput_overhead']:+.1%}, wall time "
          f"{out['wall_overhead']:+.1%}; best of each: throughput {out['best_throughput_overhead']:+.1%}, wall "
          f"{out['best_wall_overhead']:+.1%}; CPU (training + plumbing) {out['cpu_overhead']:+.1%}; same seed, "
          f"|Δ MAE| ≤ {same_mae:.2g}")
    print("  paired per repeat (median, range): " + "; ".join(
        f"{k} {v['median']:+.1%} ({v['min']:+.0%} to {v['max']:+.0%})" for k, v in out["paired"].items())
        + "\n  (a range wider than the 5% target means the other processes on the machine decide these figures)\n")
    return out


# --- (B) ----------------------------------------------------------------------------------------------------------

def solo_run(pool, prep, epochs: int) -> dict:
    workers = pool_pids(pool)["workers"]
    cpu0 = sum(cpu_seconds(p) for p in workers)
    runs, _ = run_all(pool, {"solo": job(prep, epochs, 1000)}, timeout=600)
    run = runs["solo"][1]
    assert run.state == "finished", (run.state, run.error)
    n = prep.info["n_train"] * len(run.history)
    return {"wall_s": run.ended - run.started, "e2e_s": run.ended - run.submitted, "samples": n,
            "samples_per_s_e2e": n / (run.ended - run.submitted), "samples_per_s": median_sps(run.history),
            "samples_per_cpu_s": n / max(sum(cpu_seconds(p) for p in workers) - cpu0, 1e-9)}


def batch(pool, prep, epochs: int, n_runs: int, prefix: str, seed0: int, during=None) -> dict:
    """``n_runs`` jobs at once; ``during(poller)`` runs in this thread while they train (part C's page reruns)."""
    pids = pool_pids(pool)
    ours = [os.getpid(), *pids["workers"]]
    cpu0 = {pid: cpu_seconds(pid) for pid in ours}
    busy0, start = machine_busy_seconds(), time.time()
    jobs = {f"{prefix}{i}": job(prep, epochs, seed0 + i) for i in range(n_runs)}
    ids = {owner: pool.submit(j, owner, label=owner, settings={"seed": j.train_config.seed})
           for owner, j in jobs.items()}
    poller = PagePoller(pool, ids).start()
    extra = during(poller) if during else None
    poller.wait(timeout=3600)
    wall_clock = time.time() - start
    busy = machine_busy_seconds() - busy0
    cpu = {pid: cpu_seconds(pid) - cpu0[pid] for pid in ours}
    runs = {owner: pool.get(run_id, owner) for owner, run_id in ids.items()}
    first, last = min(r.submitted for r in runs.values()), max(r.ended for r in runs.values())
    samples = sum(prep.info["n_train"] * len(r.history) for r in runs.values())
    workers_cpu = sum(cpu[p] for p in pids["workers"])
    return {"ids": ids, "runs": runs, "poller": poller, "during": extra, "wall_s": last - first,
            "samples": samples, "samples_per_s": samples / (last - first),
            "cpu": {"workers_s": workers_cpu, "parent_s": cpu[os.getpid()],
                    "machine_busy_s": busy, "others_s": busy - sum(cpu.values()),
                    "available_s": wall_clock * (os.cpu_count() or 1), "wall_clock_s": wall_clock}}


def check_batch(pool, b: dict, epochs: int, seed0: int) -> dict:
    """Every owner sees exactly its one run, finished, with its own seed's results."""
    problems = []
    for i, (owner, run_id) in enumerate(b["ids"].items()):
        mine = pool.runs_of(owner)
        run = b["runs"][owner]
        if [r.id for r in mine] != [run_id]:
            problems.append(f"{owner} sees {[r.id for r in mine]}, not [{run_id}]")
        if run.state != "finished" or run.result is None or run.result.status != "finished":
            problems.append(f"{owner}: {run.state} {run.error}")
            continue
        if [h["epoch"] for h in run.history] != list(range(1, epochs + 1)):
            problems.append(f"{owner}: history epochs {[h['epoch'] for h in run.history]}")
        if run.settings.get("seed") != seed0 + i:
            problems.append(f"{owner}: settings {run.settings}")
        if abs(run.result.metrics["test_mae"] - run.history[-1]["test_mae"]) > 1e-5 * run.history[-1]["test_mae"]:
            problems.append(f"{owner}: result MAE {run.result.metrics['test_mae']} vs its history's last epoch")
    maes = [r.result.metrics["test_mae"] for r in b["runs"].values() if r.result is not None]
    distinct = len({round(m, 9) for m in maes})
    if distinct != len(b["runs"]):
        problems.append(f"only {distinct} distinct MAEs among {len(b['runs'])} runs")
    return {"problems": problems, "distinct_maes": distinct, "mae_min": min(maes, default=float("nan")),
            "mae_max": max(maes, default=float("nan"))}


def reference(prep, b: dict, epochs: int, seed0: int, owners: list) -> list[dict]:
    """The same jobs trained here, in-process: the pool must give the same weights and metrics."""
    out = []
    for owner in owners:
        seed = seed0 + list(b["ids"]).index(owner)
        ref = Trainer(ModelConfig(n_features=prep.n_features), TrainConfig(epochs=epochs, device="cpu", seed=seed)
                      ).fit(prep)
        got = b["runs"][owner].result.with_tensors()
        weights = max(float((got.state_dict[k] - v).abs().max()) for k, v in ref.state_dict.items())
        out.append({"owner": owner, "seed": seed, "mae_pool": got.metrics["test_mae"],
                    "mae_reference": ref.metrics["test_mae"],
                    "mae_difference": abs(got.metrics["test_mae"] - ref.metrics["test_mae"]),
                    "max_weight_difference": weights})
    return out


def describe_batch(b: dict, solo: dict, name: str) -> dict:
    runs = b["runs"].values()
    waits = [r.started - r.submitted for r in runs]
    walls = [r.ended - r.started for r in runs]
    slow = [w / solo["wall_s"] for w in walls]
    in_run = [median_sps(r.history) for r in runs if r.history]
    cpu = b["cpu"]
    figures = {"runs": len(b["runs"]), "wall_s": b["wall_s"], "samples": b["samples"],
               "samples_per_s": b["samples_per_s"], "ratio_to_solo": b["samples_per_s"] / solo["samples_per_s_e2e"],
               "run_wall_median_s": statistics.median(walls), "run_wall_max_s": max(walls),
               "slowdown_median": statistics.median(slow), "slowdown_max": max(slow),
               "slowdown_min": min(slow), "in_run_samples_per_s_median": statistics.median(in_run),
               "queue_wait_median_s": statistics.median(waits), "queue_wait_max_s": max(waits),
               "samples_per_worker_cpu_s": b["samples"] / max(cpu["workers_s"], 1e-9),
               "max_ahead": b["poller"].max_ahead, "get_ms_median": pct(b["poller"].get_seconds, 50) * 1e3,
               "get_ms_max": max(b["poller"].get_seconds, default=float("nan")) * 1e3, "cpu": cpu}
    print(f"  {name}: {figures['runs']} runs in {b['wall_s']:.1f} s → {b['samples_per_s']:,.0f} samples/s "
          f"= {figures['ratio_to_solo']:.2f}x one run alone ({solo['samples_per_s_e2e']:,.0f})")
    print(f"    {'':<22}{'median':>10}{'max':>10}")
    print(f"    {'run wall s':<22}{figures['run_wall_median_s']:>10.2f}{figures['run_wall_max_s']:>10.2f}"
          f"   (solo {solo['wall_s']:.2f} s)")
    print(f"    {'slowdown vs solo':<22}{figures['slowdown_median']:>9.2f}x{figures['slowdown_max']:>9.2f}x"
          f"   (min {figures['slowdown_min']:.2f}x)")
    print(f"    {'queue wait s':<22}{figures['queue_wait_median_s']:>10.2f}{figures['queue_wait_max_s']:>10.2f}"
          f"   (most runs ahead seen by a page: {figures['max_ahead']})")
    print(f"    {'pool.get ms':<22}{figures['get_ms_median']:>10.2f}{figures['get_ms_max']:>10.2f}"
          f"   ({len(b['poller'].get_seconds)} page polls)")
    print(f"    in-run speed: median {figures['in_run_samples_per_s_median']:,.0f} samples/s per run "
          f"(solo {solo['samples_per_s']:,.0f})")
    print(f"    CPU over {cpu['wall_clock_s']:.1f} s x {os.cpu_count()} cores = {cpu['available_s']:.0f} s: workers "
          f"{cpu['workers_s']:.1f} s, this process {cpu['parent_s']:.1f} s, "
          f"everything else on the machine {cpu['others_s']:.1f} s")
    print(f"    samples per worker CPU second: {figures['samples_per_worker_cpu_s']:,.0f} (solo "
          f"{solo['samples_per_cpu_s']:,.0f}): the workers got {cpu['workers_s'] / cpu['wall_clock_s']:.2f} "
          f"cores on average")
    return figures


def memory(pool, label: str) -> dict:
    pids = pool_pids(pool)
    out = {"parent": hwm_mib(os.getpid()), "workers": [hwm_mib(p) for p in pids["workers"]]}
    known = set(pids["workers"])
    others = [p for p in children(os.getpid()) if p not in known]
    out["other_children"] = {p: hwm_mib(p) for p in others}
    print(f"  peak memory (VmHWM) {label}: this process {out['parent']:.0f} MiB, workers "
          f"{', '.join(f'{m:.0f}' for m in out['workers'] if m)} MiB"
          + (f"; other child processes (the page's own idle pool, resource tracker) "
             f"{', '.join(f'{m:.0f}' for m in out['other_children'].values() if m)} MiB" if others else ""))
    return out


# --- (C) ----------------------------------------------------------------------------------------------------------

class Pages:
    """Two AppTest sessions of the app, one left on the Tensors page, one on the Train page."""

    def __init__(self):
        from streamlit.logger import set_log_level
        from streamlit.testing.v1 import AppTest  # only here: the worker processes never import Streamlit

        set_log_level("error")  # Streamlit outside `streamlit run` warns about that, harmlessly, on every call
        from dashboard import runs
        self.tensors = AppTest.from_file(APP, default_timeout=120)
        self.train = AppTest.from_file(APP, default_timeout=120)
        start = time.perf_counter()
        self.tensors.run()
        self.train.run()
        self.train.switch_page("views/train.py")
        self.train.run()  # the first Train page run makes the page's own (idle) pool in this process
        self.first_s = time.perf_counter() - start
        # That pool is made inside a script run, as in the real server, where Streamlit has made the page script the
        # __main__ module; its workers are still spawned with a bare __main__ (core.pool), so they do not run the app
        # again. runs.pool() is st.cache_resource (one per process): this is the very pool the page made.
        self.pool = runs.pool()
        self.exceptions = []
        self._check()

    def _check(self):
        for name, at in (("tensors", self.tensors), ("train", self.train)):
            if at.exception:
                self.exceptions.append(f"{name}: {[e.value for e in at.exception][:1]}")

    def rerun(self, samples: dict):
        for name, at in (("tensors", self.tensors), ("train", self.train)):
            start = time.perf_counter()
            at.run()
            samples[name].append(time.perf_counter() - start)
        self._check()

    def measure(self, count: int | None = None, until: threading.Event | None = None, interval: float = 1.0,
                warm: int = 0) -> dict:
        """Rerun both pages once every ``interval`` s, ``count`` times or until ``until`` is set."""
        samples = {"tensors": [], "train": []}
        for _ in range(warm):
            self.rerun({"tensors": [], "train": []})
        while (count is None or len(samples["train"]) < count) and not (until is not None and until.is_set()):
            tick = time.monotonic()
            self.rerun(samples)
            time.sleep(max(0.0, interval - (time.monotonic() - tick)))
        return samples


def page_figures(samples: dict) -> dict:
    return {name: {"n": len(s), "median_ms": pct(s, 50) * 1e3, "p95_ms": pct(s, 95) * 1e3,
                   "max_ms": max(s, default=float("nan")) * 1e3} for name, s in samples.items()}


# --- main ---------------------------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=5, help="(A) epochs of California per run")
    p.add_argument("--repeats", type=int, default=5, help="(A) interleaved repeats")
    p.add_argument("--runs", type=int, default=20, help="(B, C) runs submitted at once")
    p.add_argument("--run-epochs", type=int, default=8, help="(B, C) epochs of California per run")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="(B, C) worker processes")
    p.add_argument("--page-reruns", type=int, default=15, help="(C) idle reruns of each page")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 epoch, 6 runs x 2 epochs, 4 page reruns")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats, args.runs, args.run_epochs, args.page_reruns = 1, 1, 6, 2, 4
    torch.set_num_threads(1)
    os.environ.setdefault("TORCH_PLAYGROUND_WORKERS", "1")  # the AppTest page's own pool: idle, so keep it small
    load_start = os.getloadavg()

    prep = data.prepare(data.load_california())
    machine = {"python": platform.python_version(), "torch": torch.__version__, "cpu_count": os.cpu_count(),
               "torch_threads": torch.get_num_threads(), "platform": platform.platform(),
               "load_average_start": load_start}
    print(f"torch {machine['torch']}, Python {machine['python']} on {machine['platform']}")
    print(f"CPUs: {machine['cpu_count']}; this process: torch.set_num_threads(1) -> {machine['torch_threads']} "
          f"thread(s); pool workers: 1 torch thread each (Job.threads)")
    print(f"load average at the start: {load_average()} (other sessions share these CPUs)")
    print(f"California housing: {prep.info['n_train']} train / {prep.info['n_test']} test rows, {prep.n_features} "
          f"features; default model (8→128→128→1), Adam lr 1e-3, batch 20, report every 50 batches\n")

    a = part_a(prep, args.epochs, args.repeats)

    print(f"(B) {args.runs} runs at once on TrainingPool(workers={args.workers}); California, {args.run_epochs} "
          f"epochs each (load average {load_average()})")
    start = time.perf_counter()
    pool = TrainingPool(workers=args.workers)
    startup = time.perf_counter() - start
    warm = warm_pool(pool, prep, args.workers)
    solo = solo_run(pool, prep, args.run_epochs)
    print(f"  pool start-up {startup:.2f} s + warm-up {warm:.2f} s; one run alone: {solo['wall_s']:.2f} s "
          f"(submit → done {solo['e2e_s']:.2f} s), {solo['samples_per_s_e2e']:,.0f} samples/s end to end, "
          f"{solo['samples_per_s']:,.0f} in its history")

    print(f"\n(C, idle) page reruns before any batch (load average {load_average()})")
    start = time.perf_counter()
    pages = Pages()
    print(f"  first runs of both pages (imports, caches, the page's own idle pool): "
          f"{time.perf_counter() - start:.1f} s")
    idle = page_figures(pages.measure(count=args.page_reruns, warm=2))
    for name, f in idle.items():
        print(f"  {name:<8} rerun median {f['median_ms']:6.0f} ms  p95 {f['p95_ms']:6.0f} ms  max {f['max_ms']:6.0f} ms"
              f"  (n={f['n']})")

    print(f"\n(B) the batch, nothing else running here (load average {load_average()})")
    b_batch = batch(pool, prep, args.run_epochs, args.runs, "s", 0)
    b = describe_batch(b_batch, solo, "batch s0..")
    b["check"] = check_batch(pool, b_batch, args.run_epochs, 0)
    b["memory_after_batch"] = memory(pool, "after the batch")

    print(f"\n(C, training) page reruns while a second batch of {args.runs} runs trains (owners p0.., seeds 100..; "
          f"load average {load_average()})")
    loaded_samples = {}

    def reruns(poller):
        loaded_samples.update(pages.measure(until=poller.done, warm=0))

    c_batch = batch(pool, prep, args.run_epochs, args.runs, "p", 100, during=reruns)
    loaded = page_figures(loaded_samples)
    for name, f in loaded.items():
        print(f"  {name:<8} rerun median {f['median_ms']:6.0f} ms  p95 {f['p95_ms']:6.0f} ms  max {f['max_ms']:6.0f} ms"
              f"  (n={f['n']})")
    c_train = describe_batch(c_batch, solo, "batch p0.. (with page reruns in this process)")
    c_train["check"] = check_batch(pool, c_batch, args.run_epochs, 100)
    mem_end = memory(pool, "at the end")

    owners = list(b_batch["ids"])
    refs = reference(prep, b_batch, args.run_epochs, 0, [owners[0], owners[-1]])
    b["reference"] = refs
    check = b["check"]
    print(f"\n  correctness (batch s0..): {len(owners)} owners each see exactly their one run, finished: "
          f"{'yes' if not check['problems'] else 'NO'}; {check['distinct_maes']} distinct test MAEs "
          f"({check['mae_min']:.4f}–{check['mae_max']:.4f}); second batch: "
          f"{'ok' if not c_train['check']['problems'] else 'PROBLEMS'}")
    for problem in (check["problems"] + c_train["check"]["problems"])[:10]:
        print(f"    problem: {problem}")
    for r in refs:
        print(f"  reference {r['owner']} (seed {r['seed']}) trained in-process: MAE {r['mae_reference']:.6f} vs pool "
              f"{r['mae_pool']:.6f}, |Δ| {r['mae_difference']:.2g}; max |Δ weight| {r['max_weight_difference']:.2g}")
    if pages.exceptions:
        print(f"  page exceptions: {pages.exceptions[:3]}")

    pool.shutdown()
    pages.pool.shutdown()
    deadline = time.monotonic() + 10  # shutdown does not wait for the workers to exit (they take a second or two)
    while len(children(os.getpid())) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    print(f"  child processes still alive after both pools' shutdown: {len(children(os.getpid()))} "
          f"(multiprocessing's resource tracker stays)")

    print(f"\nload average at the end: {load_average()} (start: {', '.join(f'{x:.2f}' for x in load_start)}; "
          f"other processes share the CPUs)")
    ref_ok = all(r["mae_difference"] <= 1e-6 and r["max_weight_difference"] <= 1e-5 for r in refs)
    targets = [  # (name, figure, format, passed)
        ("(A) pool throughput overhead < 5%", a["throughput_overhead"], "{:+.1%}", a["throughput_overhead"] < 0.05),
        ("(A) pool wall-time overhead < 5%", a["wall_overhead"], "{:+.1%}", a["wall_overhead"] < 0.05),
        (f"(B) {args.runs} runs: aggregate / one run alone >= 1.5x", b["ratio_to_solo"], "{:.2f}x",
         b["ratio_to_solo"] >= 1.5),
        ("(B) every owner: exactly its own run, finished", len(check["problems"]), "{} problems",
         not check["problems"]),
        ("(B) results differ by seed and match reference", max(r["mae_difference"] for r in refs), "|Δ MAE| {:.2g}",
         ref_ok and check["distinct_maes"] == len(owners)),
        ("(C) Train page rerun p95 while training < 300 ms", loaded["train"]["p95_ms"], "{:.0f} ms",
         loaded["train"]["p95_ms"] < 300),
        ("(C) Tensors page rerun p95 while training < 300 ms", loaded["tensors"]["p95_ms"], "{:.0f} ms",
         loaded["tensors"]["p95_ms"] < 300),
    ]
    print("\ntargets")
    for name, figure, fmt, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {name:<52} {fmt.format(figure)}")
    pt, pw = a["paired"]["throughput"], a["paired"]["wall"]
    print(f"  (for reading them: (A) best-of overheads {a['best_throughput_overhead']:+.1%} throughput, "
          f"{a['best_wall_overhead']:+.1%} wall, {a['cpu_overhead']:+.1%} CPU; paired medians {pt['median']:+.1%} "
          f"throughput ({pt['min']:+.0%} to {pt['max']:+.0%}), {pw['median']:+.1%} wall ({pw['min']:+.0%} to "
          f"{pw['max']:+.0%});\n   (B) median slowdown per run "
          f"{b['slowdown_median']:.2f}x, the workers got {b['cpu']['workers_s'] / b['cpu']['wall_clock_s']:.2f} of "
          f"{os.cpu_count()} cores while other processes took {b['cpu']['others_s'] / b['cpu']['wall_clock_s']:.2f}, "
          f"samples per worker CPU second {b['samples_per_worker_cpu_s'] / solo['samples_per_cpu_s']:.2f}x solo's;\n"
          f"   (C) idle p95 Train {idle['train']['p95_ms']:.0f} ms, Tensors {idle['tensors']['p95_ms']:.0f} ms; the "
          f"second batch, with page reruns here, ran at {c_train['ratio_to_solo']:.2f}x one run alone)")

    if args.json:
        machine["load_average_end"] = os.getloadavg()
        for part in (b, c_train):
            part.pop("poller", None)
        out = {"machine": machine, "args": vars(args), "A": a,
               "B": {**b, "solo": solo, "pool_startup_s": startup, "pool_warmup_s": warm},
               "C": {"idle": idle, "training": loaded, "second_batch": c_train, "first_runs_s": pages.first_s,
                     "exceptions": pages.exceptions},
               "memory_end": mem_end,
               "targets": [{"name": n, "figure": f, "pass": ok} for n, f, _, ok in targets]}
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
