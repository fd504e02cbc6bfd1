"""bench/bench_cluster.py --quick, as a test of what it checks that is not a timing: 3 replicas behind the real
nginx site on a Dask cluster and PostgreSQL, 12 simulated students: every run ends with its own in-process twin's
MAE, and every replica draws the same leaderboard with every student on it. (Its page-rerun and throughput figures
are the benchmark's to print, never a test's to assert.)"""

import os
import subprocess
import sys

import pytest

from tests.browser.nginx import nginx_missing
from tests.conftest import ROOT
from tests.postgres import binaries

missing = nginx_missing() or (None if binaries() else "no PostgreSQL (apt-get install postgresql)")
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the cluster benchmark's check: {missing}")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(missing), reason=missing or "")]


def test_a_class_on_three_replicas_and_a_cluster_gets_its_own_results_and_one_board():
    done = subprocess.run([sys.executable, "bench/bench_cluster.py", "--quick", "--db", "postgresql"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:]
    assert "runs: 12/12 finished with the MAE of the same run in this process" in out, out
    assert "the same on every replica: True; every student with their own run's figure: True" in out, out
    assert "[12, 12, 12] students as each replica draws it" in out, out
