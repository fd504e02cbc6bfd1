"""The lecture's CUDA section, as facts and small experiments for the Device page: ``torch.cuda.is_available()``,
``device_count()``, allocating and freeing a tensor while watching memory, and an ``a @ b`` timing per device."""

import torch

from core.errors import N_, ConfigError
from core.training.device import available_devices, mps_available, resolve_device

MAX_ALLOC_BYTES = {"cpu": 256 * 2**20, "cuda": 1024 * 2**20, "mps": 256 * 2**20}  # per demo; a shared server
MAX_MATMUL = {"cpu": 1024, "cuda": 4096, "mps": 2048}


def process_memory_bytes() -> int:
    """Resident memory of this process (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            import os

            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def facts() -> dict:
    """What the lecture prints: ``torch.cuda.is_available()``, ``device_count()``, names and memory."""
    cuda = torch.cuda.is_available()
    gpus = []
    for i in range(torch.cuda.device_count() if cuda else 0):
        props = torch.cuda.get_device_properties(i)
        gpus.append({"index": i, "name": props.name, "total_bytes": int(props.total_memory),
                     "allocated_bytes": int(torch.cuda.memory_allocated(i)),
                     "reserved_bytes": int(torch.cuda.memory_reserved(i))})
    return {"cuda_available": cuda, "device_count": torch.cuda.device_count() if cuda else 0, "gpus": gpus,
            "mps_available": mps_available(), "torch": str(torch.__version__), "cpu_threads": torch.get_num_threads(),
            "process_bytes": process_memory_bytes(), "default": str(resolve_device("auto"))}


def memory_used(device: torch.device) -> int:
    if device.type == "cuda":
        return int(torch.cuda.memory_allocated(device))
    if device.type == "mps":
        return int(torch.mps.current_allocated_memory())
    return process_memory_bytes()


def allocation_demo(shape, device_name: str = "auto") -> dict:
    """Allocate a float32 tensor of ``shape`` on a device, report memory before, after, and after freeing it."""
    device = resolve_device(device_name)
    shape = tuple(int(s) for s in shape)
    if not shape or any(s < 1 for s in shape):
        raise ConfigError(N_("Give a shape of positive sizes, e.g. 1024, 1024, 64."), code="alloc_shape")
    numel = 1
    for s in shape:
        numel *= s
    nbytes, limit = numel * 4, MAX_ALLOC_BYTES[device.type]
    if nbytes > limit:
        raise ConfigError(N_("That tensor needs {mib:,} MiB; the limit here is {limit_mib} MiB on {device} (the "
                             "server is shared). Choose a smaller shape."), code="alloc_too_big",
                          mib=round(nbytes / 2**20), limit_mib=limit // 2**20, device=device.type)
    before = memory_used(device)
    a = torch.zeros(shape, dtype=torch.float32, device=device)  # zeros, not empty: the pages are really touched
    during = memory_used(device)
    text = f"{a.device}"
    del a
    if device.type == "cuda":
        torch.cuda.empty_cache()
    after = memory_used(device)
    return {"device": text, "shape": list(shape), "bytes": nbytes, "before": before, "during": during,
            "after": after}


def matmul_timing(n: int, devices=None, repeats: int = 5) -> list[dict]:
    """Seconds for one ``a @ b`` of two n×n float32 matrices on each device (after a warm-up), with GFLOP/s."""
    import time

    rows = []
    for name in devices or available_devices():
        device = resolve_device(name)
        size = min(int(n), MAX_MATMUL[device.type])
        generator = torch.Generator().manual_seed(0)
        a = torch.rand(size, size, generator=generator).to(device)
        b = torch.rand(size, size, generator=generator).to(device)
        times = []
        for i in range(repeats + 1):
            start = time.perf_counter()
            (a @ b).sum().item()  # .item() waits for the GPU to finish
            if i:  # the first run warms up (kernel selection, caches)
                times.append(time.perf_counter() - start)
        best = min(times)
        rows.append({"device": str(device), "n": size, "seconds": best, "gflops": 2 * size**3 / best / 1e9,
                     "capped": size != int(n)})
    return rows
