"""The lean optimizers against torch.optim as the reference: same updates, step after step."""

import pytest
import torch

from core.errors import ConfigError
from core.training.model import MLP, ModelConfig
from core.training.optim import LeanAdam, LeanAdamW, LeanSGD, make_optimizer


def _twin_models():
    a = MLP(ModelConfig(n_features=8, hidden=(16, 16)))
    a.reset_parameters(torch.Generator().manual_seed(0))
    b = MLP(ModelConfig(n_features=8, hidden=(16, 16)))
    b.load_state_dict(a.state_dict())
    return a, b


@pytest.mark.parametrize("make", [
    lambda p: (LeanAdam(p, lr=1e-2), None),
    lambda p: (LeanAdam(p, lr=3e-3, weight_decay=0.01, betas=(0.8, 0.99)), None),
    lambda p: (LeanAdamW(p, lr=3e-3, weight_decay=0.05), None),
    lambda p: (LeanSGD(p, lr=1e-2, momentum=0.9), None),
    lambda p: (LeanSGD(p, lr=1e-2, momentum=0.0, weight_decay=0.001), None),
])
def test_updates_match_torch_optim(make):
    a, b = _twin_models()
    lean, _ = make(list(a.parameters()))
    if isinstance(lean, LeanAdam):  # LeanAdamW against torch.optim.AdamW: decoupled decay is what differs
        ref = getattr(torch.optim, lean.reference)(b.parameters(), lr=lean.lr, betas=lean.betas, eps=lean.eps,
                               weight_decay=lean.weight_decay)
    else:
        ref = torch.optim.SGD(b.parameters(), lr=lean.lr, momentum=lean.momentum, weight_decay=lean.weight_decay)
    assert lean.use_kernel  # the fused kernel is what the trainer relies on for speed
    g = torch.Generator().manual_seed(1)
    for _ in range(6):
        x, y = torch.randn(20, 8, generator=g), torch.randn(20, 1, generator=g)
        for model, opt in ((a, lean), (b, ref)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        torch.testing.assert_close(pa, pb, msg=name)


def test_zero_grad_clears_gradients():
    a, _ = _twin_models()
    opt = LeanAdam(a.parameters())
    a(torch.randn(4, 8)).sum().backward()
    assert all(p.grad is not None for p in a.parameters())
    opt.zero_grad()
    assert all(p.grad is None for p in a.parameters())


def test_fallback_without_kernel_still_trains(monkeypatch):
    monkeypatch.delattr(torch, "_fused_adam_")
    a, b = _twin_models()
    lean, ref = LeanAdam(a.parameters(), lr=1e-2), torch.optim.Adam(b.parameters(), lr=1e-2)
    assert not lean.use_kernel
    x, y = torch.randn(20, 8), torch.randn(20, 1)
    for model, opt in ((a, lean), (b, ref)):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    torch.testing.assert_close(a.out.weight, b.out.weight)


def test_unknown_optimizer_is_a_clear_error():
    with pytest.raises(ConfigError, match="adam"):
        make_optimizer("rmsprop", [torch.nn.Parameter(torch.zeros(1))], 0.1)
