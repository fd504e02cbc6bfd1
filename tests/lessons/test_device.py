"""core/lessons/device.py: the Device page's facts and experiments, and core/training/device.py's choice of device."""

import pytest
import torch

from core.errors import ConfigError
from core.lessons import device
from core.training.device import available_devices, mps_available, resolve_device


def test_facts_are_the_lectures_calls():
    facts = device.facts()
    assert facts["cuda_available"] == torch.cuda.is_available()
    assert facts["device_count"] == (torch.cuda.device_count() if torch.cuda.is_available() else 0)
    assert len(facts["gpus"]) == facts["device_count"]
    assert facts["process_bytes"] > 10 * 2**20


def test_auto_picks_cuda_only_where_present():
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else
                                           "mps" if mps_available() else "cpu")
    assert available_devices()[0] == "cpu"


def test_allocation_shows_memory_rise_and_fall():
    r = device.allocation_demo((1024, 1024, 32), "cpu")  # 128 MiB
    assert r["bytes"] == 1024 * 1024 * 32 * 4
    assert r["during"] - r["before"] > 0.8 * r["bytes"]
    assert r["during"] - r["after"] > 0.8 * r["bytes"]


@pytest.mark.parametrize("shape,code", [((1024, 1024, 256), "alloc_too_big"), ((0, 3), "alloc_shape"),
                                        ((), "alloc_shape")])
def test_allocation_is_capped_and_checked(shape, code):
    with pytest.raises(ConfigError) as err:
        device.allocation_demo(shape, "cpu")
    assert err.value.code == code


def test_matmul_timing_reports_each_device_and_caps_size():
    rows = device.matmul_timing(4096, ["cpu"], repeats=1)
    assert [r["device"] for r in rows] == ["cpu"]
    assert rows[0]["n"] == device.MAX_MATMUL["cpu"] and rows[0]["capped"]
    assert rows[0]["seconds"] > 0 and rows[0]["gflops"] > 0


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_allocation_and_move():
    r = device.allocation_demo((1024, 1024, 64), "cuda")
    assert r["device"].startswith("cuda") and r["during"] - r["before"] >= r["bytes"]
    assert r["after"] <= r["before"] + 2**20
    assert len(device.matmul_timing(256, repeats=1)) == 1 + torch.cuda.device_count()
