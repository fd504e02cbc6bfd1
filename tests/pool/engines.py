"""The engines the pool's job tests run against: its own worker processes, and a Dask cluster of worker processes
(a ``LocalCluster``, as a class's cluster would be, on this machine)."""

import contextlib

ENGINES = ("process", "dask")


@contextlib.contextmanager
def engine(kind: str, workers: int = 1):
    """None (the pool then starts its own worker processes) or a ``DaskEngine`` on a fresh local cluster."""
    if kind == "process":
        yield None
        return
    from distributed import Client, LocalCluster

    from core.pool.dask_engine import DaskEngine

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    try:
        yield DaskEngine(client=client)
    finally:
        client.close()
        cluster.close()
