"""Which device a run uses. Decided once at the entry point and passed in; core never calls ``.cuda()``."""

import torch

from core.errors import N_, ConfigError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def available_devices() -> list[str]:
    """The device names a user may choose on this machine, CPU first."""
    names = ["cpu"]
    names += [f"cuda:{i}" if torch.cuda.device_count() > 1 else "cuda" for i in range(torch.cuda.device_count())]
    if mps_available():
        names.append("mps")
    return names


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA when present, then MPS, else the CPU; a named device must exist here."""
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if mps_available() else torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ConfigError(N_("Unknown device {name!r}; choose one of {choices}."), code="unknown_device", name=name,
                          choices=", ".join(DEVICE_CHOICES)) from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(N_("CUDA was asked for, but torch.cuda.is_available() is False here. Use --device cpu or "
                             "auto."),
                          code="no_cuda")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ConfigError(N_("There is no {device}: this machine has {count} CUDA device(s)."), code="no_such_cuda",
                          device=str(device), count=torch.cuda.device_count())
    if device.type == "mps" and not mps_available():
        raise ConfigError(N_("MPS (Apple GPU) is not available here. Use --device cpu or auto."), code="no_mps")
    if device.type not in ("cpu", "cuda", "mps"):
        raise ConfigError(N_("Unsupported device {name!r}; choose one of {choices}."), code="unknown_device", name=name,
                          choices=", ".join(DEVICE_CHOICES))
    return device
