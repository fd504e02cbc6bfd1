"""The pool on a Dask cluster (issue 16) beyond the job tests it shares with the local engine (test_pool.py,
test_pool_transport.py run against both): a cluster worker killed mid-run, and the engine chosen by a setting."""

import os
import signal

import pytest
import torch

from core.pool import TrainingPool
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer
from tests.pool.engines import engine
from tests.pool.test_pool import job, wait

pytestmark = pytest.mark.slow  # a cluster of worker processes


def test_a_worker_killed_mid_run_runs_it_again_elsewhere_and_loses_no_other_run(diabetes_prepared):
    with engine("dask", workers=2) as dask:
        pool = TrainingPool(workers=2, abandon_after=120, engine=dask)
        try:
            hit = pool.submit(job(diabetes_prepared, epochs=300), "ann")
            other = pool.submit(job(diabetes_prepared, epochs=300), "bob")
            wait(pool, hit, "ann", until=lambda r: len(r.history) >= 5, timeout=120)
            where = next(w for w, keys in dask.client.processing().items() if f"train-{hit}" in keys)
            os.kill(dask.client.run(os.getpid, workers=[where])[where], signal.SIGKILL)
            runs = {run_id: wait(pool, run_id, owner, timeout=240) for run_id, owner in ((hit, "ann"), (other, "bob"))}
        finally:
            pool.shutdown()
    again, untouched = runs[hit], runs[other]
    assert again.state == "finished" and again.info["restarts"] == 1  # and the page says so
    assert [h["epoch"] for h in again.history] == list(range(1, 301))  # its curves began again, once
    assert untouched.state == "finished" and "restarts" not in untouched.info
    alone = Trainer(ModelConfig(n_features=diabetes_prepared.n_features, hidden=(32,)),
                    TrainConfig(device="cpu", epochs=300, report_every=5)).fit(diabetes_prepared)
    weights = again.result.with_tensors().state_dict
    assert all(torch.equal(weights[k], alone.state_dict[k]) for k in weights)  # seeded: it learned the same


def test_the_setting_chooses_the_cluster(monkeypatch, diabetes_prepared):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        monkeypatch.setenv("TORCH_PLAYGROUND_DASK", cluster.scheduler_address)
        pool = TrainingPool()
        try:
            assert type(pool.engine).__name__ == "DaskEngine" and pool.workers == 2  # the cluster's threads
            assert wait(pool, pool.submit(job(diabetes_prepared, epochs=1), "cy"), "cy").state == "finished"
        finally:
            pool.shutdown()


def test_the_scheduler_never_needs_torch(diabetes_prepared):
    """Dask's scheduler unpickles every task: one that carried the Job, or named a module that imports the trainer,
    made the scheduler import torch on a class's first run (holding everyone's submissions for seconds), and a
    scheduler without torch could not schedule at all. A scheduler process of its own, as an operator starts one."""
    import subprocess
    import sys
    import time

    from distributed import Client

    from core.pool.dask_engine import DaskEngine
    from tests.browser.harness import free_port, stop

    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client = Client(address, timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the scheduler did not start"
                time.sleep(0.3)
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client.wait_for_workers(1, timeout=60)
        pool = TrainingPool(engine=DaskEngine(client=client))
        try:
            assert wait(pool, pool.submit(job(diabetes_prepared, epochs=2), "ann"), "ann").state == "finished"
        finally:
            pool.shutdown()
        probe = "sorted(m for m in __import__('sys').modules if m.split('.')[0] in ('torch', 'sklearn', 'core'))"
        loaded = client.run_on_scheduler(eval, probe)  # a builtin: this test's module would import torch there
        assert loaded == ["core", "core.cluster_task"], loaded  # the task's own small module, and nothing it runs
        client.close()
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                stop(proc)
