"""One training step under a microscope: one mini-batch through forward → loss → ``loss.backward()`` →
``optimizer.step()`` → ``optimizer.zero_grad()``, with what each line did written down as plain numbers.

A ``Microscope`` is a small stateful object a page keeps in its session and advances one step at a time. It uses
plain ``torch.optim.Adam``/``SGD`` rather than the trainer's fused kernels (``core/training/optim.py``): a learner
reads this file, and the numbers are the same (tests/training/test_optim.py). With the same seed it takes the
trainer's own steps: one ``torch.Generator`` draws the initial weights, then each epoch's shuffle, as ``Trainer.fit``
does.

Skipping ``zero_grad`` shows why it exists: ``loss.backward()`` *adds* into ``.grad``, so without clearing it the
next step's gradient is the sum of this batch's and every earlier uncleared batch's.

It runs on the CPU: every phase is read back as numbers, so a GPU would only add transfers. Dropout masks come from
torch's process-wide RNG (``nn.Dropout`` takes no generator), so with dropout > 0 the masks, and what follows from
them, are not reproducible by ``seed``; with dropout 0 (the default) every number is.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.data import Prepared
from core.errors import N_, ConfigError
from core.messages import render
from core.training.model import MLP, ModelConfig
from core.training.trainer import TrainConfig

SHOW = 5  # rows of predictions, values of a tensor: enough to see, few enough to read

# The line of code each phase runs, for a page that highlights the current one.
PHASES = {
    "forward": "pred = model(xb)",
    "loss": "loss = loss_fn(pred, yb)",
    "backward": "loss.backward()",
    "update": "optimizer.step()",
    "zero_grad": "optimizer.zero_grad()",
}


@dataclass
class ForwardPhase:
    """``pred = model(xb)`` on one mini-batch."""

    inputs_shape: list  # [batch, n_features]
    outputs_shape: list  # [batch, 1]
    rows: list  # indices into X_train of this batch's rows, in batch order
    predictions: list  # first SHOW predictions, in the target's units
    predictions_scaled: list  # the same, on the standardised target the model is trained on
    targets: list  # first SHOW true values, in the target's units
    targets_scaled: list


@dataclass
class LossPhase:
    """``loss = loss_fn(pred, yb)``: mean squared error of this batch."""

    value: float  # on the standardised target: the number backward differentiates
    value_units: float  # the same MSE in the target's units squared (value × scale²)
    target_scale: float  # the target's standard deviation on the training split (1.0: not standardised)
    finite: bool  # False once training has diverged (too large a learning rate)


@dataclass
class ParamGrad:
    """One parameter tensor's ``.grad`` after ``loss.backward()``."""

    name: str  # e.g. "hidden.0.weight"
    shape: list
    norm: float  # of .grad now
    values: list  # first SHOW values of the flattened .grad
    own_norm: float  # of this batch's gradient alone (.grad now minus .grad before backward)
    own_values: list
    previous_norm: float  # of what .grad held before backward: 0.0 after zero_grad


@dataclass
class BackwardPhase:
    """``loss.backward()``: every parameter's gradient of this batch's loss, added into ``.grad``."""

    accumulated: bool  # .grad still held earlier gradients (zero_grad was skipped), so backward added to them
    total_norm: float  # of all .grad together
    own_total_norm: float  # of this batch's gradients alone
    params: list  # of ParamGrad, in model.named_parameters() order


@dataclass
class ParamUpdate:
    """How one parameter tensor changed in ``optimizer.step()``."""

    name: str
    shape: list
    update_norm: float  # ‖after − before‖
    max_abs_change: float  # max |after − before| over the tensor's entries
    weight_norm: float  # ‖before‖, to judge the update against
    before: list  # first SHOW values of the flattened tensor
    after: list
    change: list  # after − before for those values


@dataclass
class UpdatePhase:
    """``optimizer.step()``: each parameter moves against (Adam: a running average of) its gradient."""

    optimizer: str  # "adam" or "sgd"
    lr: float
    total_update_norm: float
    params: list  # of ParamUpdate


@dataclass
class ZeroGradPhase:
    """``optimizer.zero_grad()``, or its absence."""

    called: bool
    cleared: bool  # every .grad is None or all zeros now
    kept_norm: float  # of the gradients still in .grad: 0.0 when cleared, else what the next backward adds to


@dataclass
class StepTrace:
    """One full step on one mini-batch, phase by phase. Plain data: ``dataclasses.asdict(trace)`` is JSON-ready."""

    step: int  # optimizer steps taken so far, this one included (1-based)
    epoch: int  # 1-based; an epoch is one pass over X_train
    batch: int  # 1-based index of this mini-batch within its epoch
    batches_per_epoch: int
    epoch_end: bool  # this was the epoch's last mini-batch: the next step starts a new epoch with a new shuffle
    forward: ForwardPhase
    loss: LossPhase
    backward: BackwardPhase
    update: UpdatePhase
    zero_grad: ZeroGradPhase


def _head(t: torch.Tensor) -> list:
    return t.detach().flatten()[:SHOW].tolist()


def _norm(t: torch.Tensor | None) -> float:
    return 0.0 if t is None else float(t.detach().norm())


def _total_norm(norms) -> float:
    return math.sqrt(sum(n * n for n in norms))


class Microscope:
    """Walks one mini-batch at a time through one training step and records what every line did.

    ``history`` holds one plain dict per step taken: step, epoch, batch, loss, loss_units, zero_grad, grad_norm.
    """

    def __init__(self, prepared: Prepared, model_config: ModelConfig, train_config: TrainConfig | None = None):
        """The settings the trainer would use (``TrainConfig`` checks them): its learning rate, optimizer, momentum,
        batch size and seed; epochs, device and reporting do not apply to single steps on the CPU."""
        cfg = train_config or TrainConfig()
        lr, optimizer, batch_size, seed, momentum = cfg.lr, cfg.optimizer, cfg.batch_size, cfg.seed, cfg.momentum
        if prepared.n_features != model_config.n_features:
            raise ConfigError(N_("The model expects {expected} features; the data has {actual}."),
                              code="feature_mismatch", expected=model_config.n_features, actual=prepared.n_features)
        self.model_config = model_config
        self.lr, self.optimizer_name, self.batch_size, self.seed = lr, optimizer, batch_size, seed
        self.momentum = momentum  # SGD only
        self.target = dict(prepared.preprocessing["target"])  # name, mean, scale: y_scaled = (y - mean) / scale
        self.shapes = {k: list(getattr(prepared, k).shape) for k in ("X_train", "X_test", "y_train", "y_test")}
        self.X = torch.as_tensor(np.ascontiguousarray(prepared.X_train), dtype=torch.float32)  # (n_train, n_features)
        y = (prepared.y_train - self.target["mean"]) / self.target["scale"]
        self.y = torch.as_tensor(np.ascontiguousarray(y), dtype=torch.float32).unsqueeze(1)  # (n_train, 1)
        self.n = len(self.X)

        self.generator = torch.Generator().manual_seed(seed)  # weights first, then each epoch's shuffle
        self.model = MLP(model_config)
        self.model.reset_parameters(self.generator)
        self.model.train()
        self._optimizer = None  # made at the first step: see the property
        self.loss_fn = nn.MSELoss()

        self.steps = 0
        self.epoch = 0  # the epoch of the last step taken; 0 before the first
        self.batch = 0  # that step's mini-batch within its epoch
        self.order = None  # (n_train,) this epoch's shuffled row indices; drawn when an epoch starts
        self.history = []

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        """The lecture's own torch.optim optimizer, made when the first step needs it: the first one in a process
        imports torch._dynamo, which held up the Train page's first draw (docs/performance.md)."""
        if self._optimizer is None:
            params = self.model.parameters()
            self._optimizer = (torch.optim.Adam(params, lr=self.lr) if self.optimizer_name == "adam" else
                               torch.optim.SGD(params, lr=self.lr, momentum=self.momentum))
        return self._optimizer

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(self.n / self.batch_size)

    def _next_rows(self) -> torch.Tensor:
        if self.order is None or self.batch == self.batches_per_epoch:
            self.order = torch.randperm(self.n, generator=self.generator)
            self.epoch, self.batch = self.epoch + 1, 0
        start = self.batch * self.batch_size
        self.batch += 1
        return self.order[start:start + self.batch_size]

    def step(self, zero_grad: bool = True) -> StepTrace:
        """One step on the next mini-batch; ``zero_grad=False`` leaves ``.grad`` for the next backward to add to."""
        rows = self._next_rows()
        xb, yb = self.X[rows], self.y[rows]  # (batch, n_features), (batch, 1)
        mean, scale = self.target["mean"], self.target["scale"]
        params = list(self.model.named_parameters())

        pred = self.model(xb)  # (batch, 1)
        forward = ForwardPhase(
            inputs_shape=list(xb.shape), outputs_shape=list(pred.shape), rows=rows.tolist(),
            predictions=[p * scale + mean for p in _head(pred)], predictions_scaled=_head(pred),
            targets=[t * scale + mean for t in _head(yb)], targets_scaled=_head(yb),
        )

        loss = self.loss_fn(pred, yb)
        value = loss.item()
        loss_phase = LossPhase(value=value, value_units=value * scale**2, target_scale=scale,
                               finite=math.isfinite(value))

        # A copy of .grad before backward: what is left of it after is this batch's own gradient.
        previous = [None if p.grad is None else p.grad.clone() for _, p in params]
        loss.backward()
        grads = []
        for (name, p), prev in zip(params, previous):
            own = p.grad if prev is None else p.grad - prev
            grads.append(ParamGrad(name=name, shape=list(p.shape), norm=_norm(p.grad), values=_head(p.grad),
                                   own_norm=_norm(own), own_values=_head(own), previous_norm=_norm(prev)))
        backward = BackwardPhase(
            accumulated=any(prev is not None and bool(prev.any()) for prev in previous),
            total_norm=_total_norm(g.norm for g in grads), own_total_norm=_total_norm(g.own_norm for g in grads),
            params=grads,
        )

        before = [p.detach().clone() for _, p in params]
        self.optimizer.step()
        updates = []
        for (name, p), old in zip(params, before):
            change = p.detach() - old
            updates.append(ParamUpdate(name=name, shape=list(p.shape), update_norm=_norm(change),
                                       max_abs_change=float(change.abs().max()), weight_norm=_norm(old),
                                       before=_head(old), after=_head(p), change=_head(change)))
        update = UpdatePhase(optimizer=self.optimizer_name, lr=self.lr, params=updates,
                             total_update_norm=_total_norm(u.update_norm for u in updates))

        if zero_grad:
            self.optimizer.zero_grad()
        kept = [p.grad for _, p in params if p.grad is not None]
        clear = ZeroGradPhase(called=zero_grad, cleared=all(not bool(g.any()) for g in kept),
                              kept_norm=_total_norm(_norm(g) for g in kept))

        self.steps += 1
        trace = StepTrace(step=self.steps, epoch=self.epoch, batch=self.batch,
                          batches_per_epoch=self.batches_per_epoch, epoch_end=self.batch == self.batches_per_epoch,
                          forward=forward, loss=loss_phase, backward=backward, update=update, zero_grad=clear)
        self.history.append({"step": self.steps, "epoch": self.epoch, "batch": self.batch, "loss": value,
                             "loss_units": loss_phase.value_units, "zero_grad": zero_grad,
                             "grad_norm": backward.total_norm})
        return trace

    def vocabulary(self) -> dict:
        """The lecture's train/test words on this data: shapes, mini-batches, and an epoch as numbers."""
        n, bs, batches = self.n, self.batch_size, self.batches_per_epoch
        last = n - (batches - 1) * bs  # the last mini-batch holds what is left
        return {
            **self.shapes,  # "X_train": [n_train, n_features], ..., "y_test": [n_test]
            "n_train": n,
            "n_test": self.shapes["X_test"][0],
            "n_features": self.shapes["X_train"][1],
            "target": self.target["name"],
            "batch_size": bs,
            "xb": [min(bs, n), self.shapes["X_train"][1]],  # one mini-batch of inputs
            "yb": [min(bs, n), 1],  # its targets, one column as the model's output
            "batches_per_epoch": batches,  # ceil(n_train / batch_size)
            "full_batches": n // bs,
            "last_batch_size": last,
            "rows_per_epoch": n,  # an epoch is one pass over X_train: every row once, in a new shuffled order
            "steps_per_epoch": batches,  # one optimizer step per mini-batch
            "steps_taken": self.steps,
            "epochs_taken": self.steps / batches,  # e.g. 1.5: one pass and half of the next
        }

    def code(self, zero_grad: bool = True, say=None) -> str:
        """The PyTorch lines of one step as ``step(zero_grad)`` performs them.

        ``say(template, **params)`` words the comments (a page passes its language's); by default, core's English.
        """
        say = say or (lambda template, **params: render(template, params))
        lr, momentum = repr(self.lr), repr(self.momentum)
        if self.optimizer_name == "adam":
            make = f"torch.optim.Adam(model.parameters(), lr={lr})"
            how = say(N_("each weight moves about lr = {lr} against its gradient's running average"), lr=lr)
        else:
            make = f"torch.optim.SGD(model.parameters(), lr={lr}, momentum={momentum})"
            how = (say(N_("each weight -= lr × its gradient, lr = {lr}"), lr=lr) if not self.momentum
                   else say(N_("velocity = {momentum} × velocity + gradient; each weight -= lr × velocity, lr = "
                               "{lr}"), momentum=momentum, lr=lr))
        bs, features = min(self.batch_size, self.n), self.shapes["X_train"][1]
        clear = (f"{PHASES['zero_grad']}  # " + say(N_("clear .grad, so the next backward starts from nothing"))
                 if zero_grad else
                 f"# {PHASES['zero_grad']}  # " + say(N_("skipped: .grad keeps this batch's gradient, so the next "
                                                         "loss.backward() ADDS to it: gradients pile up step after "
                                                         "step")))
        return "\n".join([
            "# " + say(N_("Built once, before the first step:")),
            "#   model = MLP(config); model.reset_parameters(torch.Generator().manual_seed(seed))",
            f"#   optimizer = {make}",
            "#   loss_fn = nn.MSELoss()",
            "xb, yb = X[rows], y[rows]  # " + say(N_("one mini-batch: xb ({bs}, {features}), yb ({bs}, 1), y "
                                                    "standardised"), bs=bs, features=features),
            f"{PHASES['forward']}  # " + say(N_("forward: ({bs}, 1)"), bs=bs),
            f"{PHASES['loss']}  # " + say(N_("mean squared error of this batch")),
            f"{PHASES['backward']}  # " + say(N_("each parameter's .grad += d loss / d parameter")),
            f"{PHASES['update']}  # {how}",
            clear,
        ]) + "\n"

    def __repr__(self):
        return (f"Microscope({self.optimizer_name}, lr={self.lr}, batch_size={self.batch_size}, seed={self.seed}, "
                f"step={self.steps}, epoch={self.epoch}, batch={self.batch}/{self.batches_per_epoch})")
