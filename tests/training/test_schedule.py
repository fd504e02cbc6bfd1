"""The schedules' formulas against torch's own schedulers, step by step."""

import pytest
import torch

from core.training.schedule import factor, rates


def _torch_rates(make, total: int, lr: float = 0.01) -> list[float]:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = make(optimizer)
    out = []
    for _ in range(total):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return out


@pytest.mark.parametrize("total", [7, 100, 523])
@pytest.mark.parametrize("schedule, make", [
    ("cosine", lambda o, n: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=n)),
    ("step", lambda o, n: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[n // 2, 3 * n // 4], gamma=0.1)),
    ("one_cycle", lambda o, n: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=n,
                                                                   cycle_momentum=False)),
    ("constant", lambda o, n: torch.optim.lr_scheduler.ConstantLR(o, factor=1.0)),
])
def test_each_schedule_is_torchs_own(schedule, make, total):
    expected = _torch_rates(lambda o: make(o, total), total)
    ours = [0.01 * factor(s, total, schedule) for s in range(total)]
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_warmup_rises_linearly_then_the_schedule_runs_over_the_rest():
    total, warm = 200, 20  # warmup=0.1
    expected = _torch_rates(lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
        torch.optim.lr_scheduler.LinearLR(o, start_factor=1 / warm, end_factor=1.0, total_iters=warm - 1),
        torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total - warm)], milestones=[warm]), total)
    ours = [0.01 * factor(s, total, "cosine", warmup=0.1) for s in range(total)]
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert ours[0] == pytest.approx(0.01 / warm) and max(ours) == pytest.approx(0.01)


def test_the_chart_of_a_schedule_spans_every_step():
    points = rates(0.001, 1000, "cosine", points=50)
    assert points[0] == (1, 0.001) and points[-1][0] == 1000 and len(points) == 51
    assert all(a[1] >= b[1] for a, b in zip(points, points[1:]))  # cosine only falls
