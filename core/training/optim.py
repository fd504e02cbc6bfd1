"""Adam, AdamW and SGD steps through torch's own fused kernels, without ``torch.optim``'s per-step Python bookkeeping.

Why not just ``torch.optim.Adam(fused=True).step()``: at the lecture's batch size of 20 a step is almost all Python,
and ``Optimizer.step``'s bookkeeping made the trainer slower than ``MLPRegressor`` (docs/performance.md, "Training").
These classes keep the state torch.optim keeps (``exp_avg``, ``exp_avg_sq``, ``step``; ``momentum_buffer``) and call
the same kernels (``torch._fused_adam_``, ``torch._fused_adamw_``, ``torch._fused_sgd_``) once per step.
tests/training/test_optim.py checks every update against ``torch.optim.Adam``/``AdamW``/``SGD`` as the reference.
Where a kernel is missing (another torch build or device), they fall back to ``torch.optim`` unchanged.
"""

import torch

from core.errors import N_, ConfigError


def _has(op: str) -> bool:
    return hasattr(torch, op)


class _Lean:
    fixed_grads = None  # a sweep member's gradient views (MemberOptimizer), else each parameter's .grad

    def __init__(self, params, use_kernel: bool, make_fallback):
        self.params = [p for p in params if p.requires_grad]
        self.use_kernel = use_kernel
        # torch.optim is only built where the kernel is missing: constructing it imports torch._dynamo (~1 s).
        self.fallback = None if use_kernel else make_fallback(self.params)

    def zero_grad(self):
        """Clears gradients as ``zero_grad(set_to_none=True)`` does: backward hands over fresh ones (faster)."""
        for p in self.params:
            p.grad = None

    def set_lr(self, lr: float):
        """A new learning rate from the next step on (a schedule, the learning-rate finder)."""
        self.lr = lr
        if self.fallback is not None:
            for group in self.fallback.param_groups:
                group["lr"] = lr

    def _grads(self):
        if self.fixed_grads is not None:
            return self.fixed_grads
        grads = [p.grad for p in self.params]
        if any(g is None for g in grads):  # a parameter the loss did not reach
            grads = [torch.zeros_like(p) if g is None else g for p, g in zip(self.params, grads)]
        return grads

    def state(self) -> dict:
        """What the next steps depend on besides the weights (a continued run's, core/training/resume.py)."""
        if self.fallback is not None:
            return {"torch_optim": self.fallback.state_dict()}
        return {name: [t.detach().clone() for t in getattr(self, name)] for name in self.buffers} | self._counts()

    @torch.no_grad()
    def load(self, state: dict):
        """Takes ``state()`` back; each buffer must have its parameter's shape (``ValueError`` otherwise)."""
        if self.fallback is not None:
            return self.fallback.load_state_dict(state["torch_optim"])
        for name in self.buffers:
            mine, theirs = getattr(self, name), state[name]
            if len(mine) != len(theirs) or any(a.shape != b.shape for a, b in zip(mine, theirs)):
                raise ValueError(f"the optimizer's {name} does not fit this model")
            for a, b in zip(mine, theirs):
                a.copy_(b)
        self._set_counts(state)

    def __repr__(self):
        kind = "fused kernel" if self.use_kernel else "torch.optim"
        return f"{type(self).__name__}(lr={self.lr}, {kind})"


class LeanAdam(_Lean):
    """Adam (Kingma & Ba), numerically the same as ``torch.optim.Adam(params, lr, betas, eps, weight_decay)``: weight
    decay is an L2 penalty, added to the gradient before Adam rescales it."""

    kernel, reference = "_fused_adam_", "Adam"
    buffers = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, step_count=None):
        params = list(params)
        use_kernel = _has(self.kernel) and all(p.device.type in ("cpu", "cuda") for p in params)
        reference = getattr(torch.optim, self.reference)
        super().__init__(params, use_kernel, lambda ps: reference(ps, lr=lr, betas=betas, eps=eps,
                                                                  weight_decay=weight_decay))
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        if use_kernel:
            self.exp_avg = [torch.zeros_like(p) for p in self.params]
            self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
            # One step count for every parameter (the kernel only reads it): one add a step, not one per tensor.
            # A sweep's members share one too, counted by the MemberOptimizer (step_count given).
            self.count_steps = step_count is None
            if step_count is None:
                step_count = torch.zeros((), dtype=torch.float32, device=self.params[0].device if params else None)
            self.step_count = step_count
            self.steps = [self.step_count] * len(self.params)

    def _counts(self) -> dict:
        return {"step": float(self.step_count)}

    def _set_counts(self, state: dict):
        self.step_count.fill_(state["step"])

    @torch.no_grad()
    def step(self):
        if not self.use_kernel:
            return self.fallback.step()
        if self.count_steps:
            self.step_count.add_(1)
        getattr(torch, self.kernel)(self.params, self._grads(), self.exp_avg, self.exp_avg_sq, [], self.steps,
                                    lr=self.lr, beta1=self.betas[0], beta2=self.betas[1],
                                    weight_decay=self.weight_decay, eps=self.eps, amsgrad=False, maximize=False)


class LeanAdamW(LeanAdam):
    """AdamW (Loshchilov & Hutter), numerically the same as ``torch.optim.AdamW``: weight decay shrinks the weights
    directly (``w -= lr * weight_decay * w``), apart from Adam's rescaling, which is what makes it regularise."""

    kernel, reference = "_fused_adamw_", "AdamW"


class LeanSGD(_Lean):
    """SGD with momentum, numerically the same as ``torch.optim.SGD(params, lr, momentum, weight_decay)``."""

    def __init__(self, params, lr=1e-2, momentum=0.9, weight_decay=0.0):
        params = list(params)
        use_kernel = _has("_fused_sgd_") and all(p.device.type in ("cpu", "cuda") for p in params)
        super().__init__(params, use_kernel, lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum,
                                                                        weight_decay=weight_decay))
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.momentum_buffers = [torch.zeros_like(p) for p in self.params] if use_kernel and momentum else []
        self.first_step = True  # torch.optim.SGD seeds the momentum buffer with the first gradient
        self.buffers = ("momentum_buffers",)

    def _counts(self) -> dict:
        return {"first_step": self.first_step}

    def _set_counts(self, state: dict):
        self.first_step = bool(state["first_step"])

    @torch.no_grad()
    def step(self):
        if not self.use_kernel:
            return self.fallback.step()
        torch._fused_sgd_(self.params, self._grads(), self.momentum_buffers, weight_decay=self.weight_decay,
                          momentum=self.momentum, lr=self.lr, dampening=0.0, nesterov=False, maximize=False,
                          is_first_step=self.first_step)
        self.first_step = False


OPTIMIZERS = ("adam", "adamw", "sgd")


def make_optimizer(name: str, params, lr: float, momentum: float = 0.9, weight_decay: float = 0.0,
                   step_count=None):
    if name in ("adam", "adamw"):
        return (LeanAdam if name == "adam" else LeanAdamW)(params, lr=lr, weight_decay=weight_decay,
                                                          step_count=step_count)
    if name == "sgd":
        return LeanSGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    raise ConfigError(N_("Unknown optimizer {name!r}; choose one of {choices}."), code="optimizer", name=str(name),
                      choices=", ".join(OPTIMIZERS))


class MemberOptimizer:
    """A sweep's optimizer: the members of one batched model (every parameter's first dimension) each stepped by
    their own lean optimizer with their own learning rate and weight decay, on views of the stacked tensors.

    So member i is updated exactly as a single run with its rate would be (the same fused kernel on the same
    numbers), and k members cost k kernel calls a step rather than k models' Python. Gradients are zeroed in place
    rather than dropped, so the member views of them stay valid from step to step.
    """

    def __init__(self, name: str, params, lrs, momentum: float = 0.9, weight_decays=None):
        self.params = [p for p in params if p.requires_grad]
        for p in self.params:
            p.grad = torch.zeros_like(p)
        decays = list(weight_decays) if weight_decays is not None else [0.0] * len(lrs)
        self.base = list(lrs)
        self.members = []
        device = self.params[0].device
        self.step_count = torch.zeros((), dtype=torch.float32, device=device)  # Adam's, shared by the members
        for i, (lr, decay) in enumerate(zip(lrs, decays)):
            member = make_optimizer(name, [p[i] for p in self.params], lr, momentum, decay, self.step_count)
            if not member.use_kernel:  # torch.optim steps leaf tensors only, not a member's views
                raise ConfigError(N_("A sweep needs torch's fused optimizer kernels, which this device lacks; train "
                                     "the rates one run at a time."), code="sweep_device")
            member.fixed_grads = [p.grad[i] for p in self.params]  # views that zero_grad keeps valid
            self.members.append(member)
        self.lr = self.base[0]
        self.frozen = set()

    def zero_grad(self):
        for p in self.params:
            p.grad.zero_()

    def set_factor(self, factor: float):
        """Every member's own rate × ``factor`` (a schedule's)."""
        for member, base in zip(self.members, self.base):
            member.set_lr(base * factor)
        self.lr = self.members[0].lr

    def freeze(self, i: int):
        """Member ``i`` stops moving (a diverged one): rate 0 from now on, and no kernel call."""
        self.base[i] = 0.0
        self.members[i].set_lr(0.0)
        self.frozen.add(i)

    @torch.no_grad()
    def step(self):
        self.step_count.add_(1)
        for i, member in enumerate(self.members):
            if i not in self.frozen:
                member.step()
