"""Learning-rate schedules: the rate of every optimizer step, as a formula of the step number.

A formula rather than ``torch.optim.lr_scheduler`` objects: the trainer's optimizers are the lean ones
(core/training/optim.py), and the Train page draws the whole schedule before a run starts. Each formula is torch's
own scheduler written out, and tests/training/test_schedule.py checks it step by step against ``CosineAnnealingLR``,
``MultiStepLR`` and ``OneCycleLR`` as references.

- ``constant``: the lecture's rate at every step.
- ``step``: the rate × 0.1 at half and again at three quarters of the steps (``MultiStepLR``, the classic ResNet
  schedule).
- ``cosine``: from the rate down to 0 along half a cosine (``CosineAnnealingLR``, Loshchilov & Hutter).
- ``one_cycle``: up from rate/25 to the rate over the first 30 % of the steps, then down to rate/25/10⁴ (Smith's
  one-cycle policy, ``OneCycleLR``'s defaults for the rate; its momentum cycling is not done:
  ``cycle_momentum=False``).

``warmup`` (a share of the steps) adds a linear warm-up before any of them: rate × (t + 1)/W for the first W steps
(``LinearLR``), and the schedule runs over the steps after it.
"""

import math

SCHEDULES = ("constant", "step", "cosine", "one_cycle")
ONE_CYCLE_PEAK, ONE_CYCLE_START, ONE_CYCLE_END = 0.3, 25.0, 1e4  # OneCycleLR's pct_start, div_factor, final_div


def _cosine(start: float, end: float, share: float) -> float:
    return end + (start - end) * (1 + math.cos(math.pi * share)) / 2


def factor(step: int, total: int, schedule: str, warmup: float = 0.0) -> float:
    """The multiple of the base rate for optimizer step ``step`` (0-based) of ``total``."""
    warm = int(round(warmup * total))
    if step < warm:
        return (step + 1) / warm
    step, total = step - warm, max(total - warm, 1)
    if schedule == "constant":
        return 1.0
    if schedule == "step":
        return 0.1 ** ((step >= total // 2) + (step >= 3 * total // 4))
    if schedule == "cosine":
        return _cosine(1.0, 0.0, min(step, total) / total)
    if schedule == "one_cycle":
        peak = ONE_CYCLE_PEAK * total - 1  # OneCycleLR's end of the first phase
        low, final = 1 / ONE_CYCLE_START, 1 / ONE_CYCLE_START / ONE_CYCLE_END
        if step <= peak:
            return _cosine(low, 1.0, step / peak) if peak > 0 else 1.0
        return _cosine(1.0, final, min((step - peak) / (total - 1 - peak), 1.0))
    raise ValueError(f"unknown schedule {schedule!r}")


def rates(lr: float, total: int, schedule: str, warmup: float = 0.0, points: int = 0) -> list[tuple[int, float]]:
    """(step, rate) for a chart of the whole schedule: every step, or ``points`` evenly spaced ones (and the last)."""
    every = max(1, total // points) if points else 1
    steps = list(range(0, total, every)) + ([total - 1] if total and (total - 1) % every else [])
    return [(s + 1, lr * factor(s, total, schedule, warmup)) for s in steps]
