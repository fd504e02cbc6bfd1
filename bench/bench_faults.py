"""Benchmark: a class server's pool under worker kills (issue 13). Figures only: nothing here asserts on time.

``--kills`` times (default 20): two runs go at once on a pool of two workers (plus its warm spare), both reporting
every batch (batch size 1, report every batch: the heaviest event traffic the Train page offers); once the doomed
run reports, its worker is killed with SIGKILL at a different instant each time. Printed per kill and in sum:

  final after kill  seconds from the kill until the killed run's state is final (an error naming the dead process)
  survivor          whether the run on the other worker finished, and with the same metrics as the same seeded job
                    run alone before the kills
  next start        seconds from submitting a run right after the kill until its first report (the spare takes it)
  wedged            runs still "queued"/"running" 30 s after the kill (the old shared-queue engine wedged for good)

and the time a fresh worker takes to start (spawn and import torch) on this machine, which the spare hides.

    python bench/bench_faults.py                 # 20 kills
    python bench/bench_faults.py --kills 5
"""

import argparse
import os
import signal
import statistics
import time

from core import data
from core.pool import TrainingPool
from core.training.model import ModelConfig
from core.training.run import Job
from core.training.trainer import TrainConfig


def job(prepared, **kw):
    return Job(prepared, ModelConfig(n_features=prepared.n_features, hidden=(16,)),
               TrainConfig(**{"device": "cpu", "epochs": 1, "report_every": 1, "batch_size": 1, **kw}))


def until(pool, run_id, owner, check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = pool.get(run_id, owner)
        pool.heartbeat(owner)
        if check(run):
            return run
        time.sleep(0.01)
    return pool.get(run_id, owner)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    prepared = data.prepare(data.load_builtin("diabetes"), data.DataConfig(seed=0))
    started = time.monotonic()
    pool = TrainingPool(workers=2, abandon_after=3600)
    first = until(pool, pool.submit(job(prepared, batch_size=64), "warm"), "warm", lambda r: not r.active, 120)
    print(f"pool of 2 workers + {pool.engine.spare} spare: first run done {time.monotonic() - started:.1f} s after "
          f"the pool was made (spawn, import torch, train): {first.state}")
    reference = until(pool, pool.submit(job(prepared, report_every=1), "ref"), "ref", lambda r: not r.active, 120)
    finals, starts, wedged, same = [], [], 0, 0
    for i in range(args.kills):
        doomed = pool.submit(job(prepared, epochs=500), f"kill{i}")
        other = pool.submit(job(prepared), f"other{i}")
        until(pool, doomed, f"kill{i}", lambda r: r.state == "running" and r.reports)
        time.sleep(0.013 * i)
        os.kill(pool.engine.pid_of(doomed), signal.SIGKILL)
        killed = time.monotonic()
        nxt = pool.submit(job(prepared, batch_size=64), f"next{i}")
        dead = until(pool, doomed, f"kill{i}", lambda r: not r.active, 30)
        final = time.monotonic() - killed
        reported = until(pool, nxt, f"next{i}", lambda r: bool(r.reports) or not r.active, 30)
        start = time.monotonic() - killed
        survivor = until(pool, other, f"other{i}", lambda r: not r.active, 120)
        until(pool, nxt, f"next{i}", lambda r: not r.active, 60)
        runs = [pool.get(r, o) for r, o in ((doomed, f"kill{i}"), (other, f"other{i}"), (nxt, f"next{i}"))]
        wedged += sum(r.active for r in runs)
        match = survivor.state == "finished" and survivor.result.metrics == reference.result.metrics
        same += match
        finals.append(final)
        starts.append(start)
        print(f"kill {i + 1:2d}: final after kill {final:5.2f} s ({dead.state}, {dead.error and dead.error['code']})"
              f"  survivor {survivor.state}, same result {match}  next start {start:5.2f} s"
              f" ({'reported' if reported.reports else reported.state})")
    print(f"\n{args.kills} kills: killed run final after max {max(finals):.2f} s "
          f"(median {statistics.median(finals):.2f} s)")
    print(f"survivors finished with the same result: {same}/{args.kills}; wedged runs: {wedged}")
    print(f"next run's first report after median {statistics.median(starts):.2f} s (max {max(starts):.2f} s); "
          f"workers replaced: {pool.engine.replaced}")
    spawn = time.monotonic()
    pool.engine._add()  # one more worker, timed until it says it is ready
    newest = pool.engine.all[-1]
    while not newest.ready and time.monotonic() - spawn < 120:
        time.sleep(0.01)
    print(f"a fresh worker starts (spawn + import torch) in {time.monotonic() - spawn:.2f} s on this machine "
          f"(load {', '.join(f'{x:.2f}' for x in os.getloadavg())}); the warm spare hides it")
    pool.shutdown()


if __name__ == "__main__":
    main()
