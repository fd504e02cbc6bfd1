"""The training loop of the lecture: shuffle each epoch, mini-batches, ``zero_grad`` → ``backward`` → ``step``,
then evaluation under ``model.eval()`` and ``torch.no_grad()``.

The recipe's options (issue 14) hook into the same loop, each off by default so the lecture's loop is unchanged:
an L1 penalty added to the loss, gradient clipping before the step, a learning-rate schedule (core/training/
schedule.py) setting each step's rate, an ensemble's members each trained on its own loss, and, with a validation
split, the validation RMSE after every epoch, early stopping after ``patience`` epochs without a better one, and the
best epoch's weights restored at the end.

Two things differ from the textbook loop, for speed (docs/performance.md): the data set sits on the device as two
tensors and each epoch takes one shuffled copy that batches slice, instead of a ``DataLoader`` that collates every
batch; and the optimizer step calls torch's fused kernel directly (``core/training/optim.py``).
"""

import math
import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch
from sklearn.metrics import r2_score
from torch import nn
from torch.nn import functional as F

from core.data import Prepared
from core.errors import N_, ConfigError, TrainingDiverged
from core.training.callbacks import DivergenceCheck, StopTraining
from core.training.device import resolve_device
from core.training.model import MLP, ModelConfig
from core.training.optim import OPTIMIZERS, MemberOptimizer, make_optimizer
from core.training.probe import Probe
from core.training.resume import capture, restore, to_numpy, to_tensors
from core.training.schedule import SCHEDULES, factor

SWEEPS, MAX_SWEEP = ("lr", "weight_decay", "seed"), 8


@dataclass
class TrainConfig:
    epochs: int = 20
    batch_size: int = 20
    lr: float = 1e-3
    optimizer: str = "adam"  # "adam", "adamw" or "sgd"
    momentum: float = 0.9  # SGD only
    weight_decay: float = 0.0  # adam, sgd: an L2 penalty's gradient; adamw: decoupled decay of the weights
    l1: float = 0.0  # adds l1 × the sum of |weight| over the layers' weights (not biases) to the loss
    clip_grad: float = 0.0  # the gradients' largest total norm before each step (clip_grad_norm_); 0: no clipping
    schedule: str = "constant"  # the learning rate over the run: "constant", "step", "cosine" or "one_cycle"
    warmup: float = 0.0  # share of the steps with a linear warm-up of the learning rate
    patience: int = 0  # with a validation split: stop after this many epochs without a better validation RMSE
    sweep: str = ""  # "lr", "weight_decay" or "seed": one member per value of sweep_values, trained side by side
    sweep_values: tuple[float, ...] = ()  # 2 to 8 values; the model's ensemble is their number
    seed: int = 0  # seeds initial weights and shuffling through the run's own torch.Generator
    device: str = "auto"  # "auto": CUDA, then MPS, else the CPU
    report_every: int = 50  # batches between on_report events (live curves, Stop checks, NaN checks)
    watch: bool = False  # the network view: each report carries per-layer figures (core/training/probe.py)
    max_steps: int = 0  # end after this many optimizer steps; 0 = no limit (tiny runs in tests)

    def __post_init__(self):
        if not 1 <= self.epochs <= 10_000:
            raise ConfigError(N_("Epochs must be between 1 and 10,000."), code="epochs")
        if not 1 <= self.batch_size <= 1_000_000:
            raise ConfigError(N_("Batch size must be at least 1."), code="batch_size")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 100):
            raise ConfigError(N_("The learning rate must be a positive number no larger than 100 (the lecture "
                                 "uses 0.001)."), code="lr")
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(N_("Unknown optimizer {name!r}; choose one of {choices}."), code="optimizer",
                              name=str(self.optimizer), choices=", ".join(OPTIMIZERS))
        if not 0 <= self.momentum < 1 or self.weight_decay < 0:
            raise ConfigError(N_("Momentum must be in [0, 1) and weight decay at least 0."), code="momentum")
        if self.schedule not in SCHEDULES:
            raise ConfigError(N_("Unknown schedule {name!r}; choose one of {choices}."), code="schedule",
                              name=str(self.schedule), choices=", ".join(SCHEDULES))
        if not (0 <= self.warmup <= 0.5 and self.l1 >= 0 and self.clip_grad >= 0 and 0 <= self.patience <= 10_000):
            raise ConfigError(N_("Warm-up is a share from 0 to 0.5 of the steps; L1, clipping and patience are at "
                                 "least 0."), code="recipe")
        self.sweep_values = tuple(float(v) for v in self.sweep_values)
        if self.sweep and (self.sweep not in SWEEPS or not 2 <= len(self.sweep_values) <= MAX_SWEEP
                           or not all(math.isfinite(v) and v >= 0 for v in self.sweep_values)
                           or self.sweep == "lr" and not all(0 < v <= 100 for v in self.sweep_values)):
            raise ConfigError(N_("A sweep tries 2 to 8 values of the learning rate, the weight decay or the seed, each "
                                 "a number at least 0 (learning rates above 0)."), code="sweep")
        if self.report_every < 1 or self.max_steps < 0:
            raise ConfigError(N_("report_every must be at least 1 and max_steps at least 0."), code="report_every")


@dataclass
class TrainResult:
    """What a run produced: plain data and CPU tensors, so it can cross a process boundary."""

    state_dict: dict
    history: list  # one dict per epoch
    metrics: dict  # test metrics of the final model, in the target's units
    status: str  # "finished" or "stopped"
    steps: int
    seconds: float
    device: str
    predictions: list = field(default_factory=list)  # final test-set predictions, in the target's units
    model_config: dict | None = None  # where the weights are another model's than the one asked for (a sweep's best)
    sweep: list | None = None  # a sweep's members at its last epoch: value, test_mse, test_mae, diverged, val_rmse
    probabilities: list = field(default_factory=list)  # a classifier's: each test row's class probabilities
    resume: dict | None = None  # what continuing the run needs (core/training/resume.py); None for a sweep

    def portable(self) -> "TrainResult":
        """A copy whose weights are NumPy arrays: pickled by value, so it survives the worker process exiting.

        (Tensors put on a multiprocessing queue travel as shared-memory handles that die with their process.)
        """
        return replace(self, state_dict={k: v.numpy() if isinstance(v, torch.Tensor) else v
                                         for k, v in self.state_dict.items()}, resume=to_numpy(self.resume))

    def with_tensors(self) -> "TrainResult":
        """The inverse of ``portable``: weights as CPU tensors again, ready for ``load_state_dict``."""
        return replace(self, state_dict={k: torch.as_tensor(v) for k, v in self.state_dict.items()},
                       resume=to_tensors(self.resume))


class Trainer:
    """Trains an MLP on prepared data and announces what happens through callbacks.

    ``history`` is a list of per-epoch dicts: epoch, step, train_loss (MSE on the training batches, in the
    target's units squared), test_mse, test_mae, seconds (since the start), epoch_seconds, samples_per_s, lr (the
    last step's rate); with a validation split also val_mse, val_mae, val_rmse. A classifier's (data whose target
    is classes) has test_log_loss and test_accuracy instead of the test and validation MSE and MAE (train_loss is
    the cross-entropy), and early stopping watches val_log_loss.
    """

    def __init__(self, model_config: ModelConfig, train_config: TrainConfig | None = None, callbacks=(),
                 transport=None):
        self.model_config = model_config
        self.train_config = train_config or TrainConfig()
        self.callbacks = [DivergenceCheck(), *callbacks]
        self.transport = transport  # pauses and steps the run (core/training/transport.py), where one is given
        self.device = resolve_device(self.train_config.device)
        # this run's own randomness: one torch.Generator per member (the first is the run's), not the global RNG
        # an ensemble's member i draws its weights and its shuffles as a single run of seed + i would; a sweep's
        # members are the run of its seed (or of each swept seed), differing only in the swept value
        cfg = self.train_config
        if cfg.sweep and model_config.ensemble != len(cfg.sweep_values):
            raise ConfigError(N_("A sweep of {n} values trains {n} members: set the ensemble to {n}."),
                              code="sweep_members", n=len(cfg.sweep_values))
        seeds = [int(v) for v in cfg.sweep_values] if cfg.sweep == "seed" else \
            [cfg.seed] * model_config.ensemble if cfg.sweep else range(cfg.seed, cfg.seed + model_config.ensemble)
        self.generators = [torch.Generator().manual_seed(s) for s in seeds]
        self.generator = self.generators[0]
        with torch.random.fork_rng(devices=[]):  # nn.Linear's own initialisation draws from the global RNG
            self.model = MLP(model_config)
        self.model.reset_parameters(self.generators if model_config.ensemble > 1 else self.generator)
        self.model.to(self.device)
        self.loss_fn = nn.MSELoss()  # a classifier's: cross-entropy on the logits (set by ``targets``)
        self.task = "regress"
        self.history = []
        self.baseline_mse = None

    def notify(self, name: str, **kw):
        for callback in self.callbacks:
            getattr(callback, name)(self, **kw)

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(array), dtype=torch.float32).to(self.device)

    def targets(self, y: np.ndarray, target: dict) -> torch.Tensor:
        """What the loss compares the model's output with, (n, 1): a regressor's standardised target, or a
        classifier's class indices (int64, as ``CrossEntropyLoss`` takes them). Sets the loss for the task."""
        self.task = target.get("task", "regress")
        if self.task == "classify":
            self.loss_fn = lambda logits, yb: F.cross_entropy(logits, yb.squeeze(-1))
            return torch.as_tensor(np.asarray(y), dtype=torch.int64).unsqueeze(1).to(self.device)
        return self._tensor((y - target["mean"]) / target["scale"]).unsqueeze(1)

    @torch.no_grad()
    def evaluate(self, X: torch.Tensor, y: torch.Tensor, target: dict) -> tuple[torch.Tensor, dict]:
        """Predictions under ``model.eval()`` and ``no_grad`` and their errors: a regressor's values (target units)
        with their MSE and MAE; a classifier's class probabilities (n, classes), softmax of the logits, with the log
        loss (the cross-entropy) and the accuracy."""
        self.model.eval()
        out = self.model(X)
        self.model.train()
        if self.task == "classify":
            labels = y.long()
            probabilities = out.softmax(-1)
            return probabilities, {"test_log_loss": float(F.cross_entropy(out, labels)),
                                   "test_accuracy": float((probabilities.argmax(-1) == labels).float().mean())}
        pred = out.squeeze(1) * target["scale"] + target["mean"]  # (n_test,)
        err = pred - y
        return pred, {"test_mse": float((err * err).mean()), "test_mae": float(err.abs().mean())}

    def fit(self, data: Prepared, resume: TrainResult | None = None) -> TrainResult:
        """Train on ``data``, or, given an earlier run's ``resume``, on from where it ended up to ``epochs`` in all
        (core/training/resume.py). Weights and shuffles come from the run's own generator; dropout draws its masks
        from torch's global RNG (``nn.Dropout`` takes no generator), so the run seeds that with its seed and gives
        the caller its own state back afterwards: a seeded run with dropout repeats in any process."""
        cuda = [self.device.index if self.device.index is not None else torch.cuda.current_device()] \
            if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(self.train_config.seed)
            return self._fit(data, resume)

    def _fit(self, data: Prepared, resume: TrainResult | None = None) -> TrainResult:
        cfg, target = self.train_config, data.preprocessing["target"]
        if data.n_features != self.model_config.n_features:
            raise ConfigError(N_("The model expects {expected} features; the data has {actual}."),
                              code="feature_mismatch", expected=self.model_config.n_features, actual=data.n_features)
        if self.model.embed is not None:
            self.model.embed.fit(data.X_train)  # the piecewise bins' edges: the training rows' quantiles
        if data.task == "classify" and self.model_config.n_outputs != len(data.classes):
            raise ConfigError(N_("A classifier of {n} classes needs {n} outputs; the model has {outputs}."),
                              code="outputs_mismatch", n=len(data.classes), outputs=self.model_config.n_outputs)
        if data.task == "classify" and cfg.sweep:
            raise ConfigError(N_("A sweep trains regressors only, so far: train a classifier's rates one run at a "
                                 "time, or use the learning-rate finder."), code="sweep_task")
        X = self._tensor(data.X_train)  # (n_train, n_features), moved to the device once
        y = self.targets(data.y_train, target)  # (n_train, 1)
        X_test, y_test = self._tensor(data.X_test), self._tensor(data.y_test)
        val = (self._tensor(data.X_val), self._tensor(data.y_val)) if data.has_validation else None
        n, bs = len(X), cfg.batch_size
        batches = math.ceil(n / bs)
        optimizer = self._optimizer()
        self.probe = Probe(self.model, X, boundary=self.task == "classify") if cfg.watch else None
        total_steps = cfg.max_steps or cfg.epochs * batches  # what a schedule is planned over
        scheduled = cfg.schedule != "constant" or cfg.warmup > 0
        loss_units = target["scale"] ** 2  # scaled-target MSE × scale² = MSE in the target's units
        # the loss of always predicting the mean: the target's variance, or the classes' entropy (their shares)
        self.baseline_mse = float(np.var(data.y_train)) if self.task == "regress" else _entropy(data.y_train)
        self.history, self.best = [], None
        done, step, taken = restore(self, optimizer, resume) if resume is not None else (0, 0, 0.0)
        self.patience_from = done  # a continued run's patience counts from where it continued
        status, start, transport = "finished", time.perf_counter() - taken, self.transport
        held = transport is not None and transport.holding()  # paused: the last step was reported, now wait
        self.model.train()
        self.notify("on_train_begin", epochs=cfg.epochs, batches_per_epoch=batches, n_train=n,
                    n_test=len(X_test), device=str(self.device))
        try:
            for epoch in range(done + 1, cfg.epochs + 1):
                self.notify("on_epoch_begin", epoch=epoch)
                epoch_start = time.perf_counter()
                X_epoch, y_epoch = self._shuffled(X, y)  # one shuffled copy per epoch; batches are slices of it
                losses, epoch_loss, epoch_rows = [], 0.0, 0  # losses: this report window's batch means
                for batch, i in enumerate(range(0, n, bs), start=1):
                    if held:  # the step before said it was paused, and was reported: wait for a step or to go on
                        transport.wait()  # (stopped meanwhile: StopTraining)
                    xb, yb = X_epoch[..., i:i + bs, :], y_epoch[..., i:i + bs, :]  # (batch, n_features), (batch, 1)
                    if scheduled:
                        rate = factor(step, total_steps, cfg.schedule, cfg.warmup)
                        optimizer.set_factor(rate) if cfg.sweep else optimizer.set_lr(cfg.lr * rate)
                    optimizer.zero_grad()
                    loss = self._loss(xb, yb)
                    loss.backward()
                    if cfg.clip_grad:
                        nn.utils.clip_grad_norm_(optimizer.params, cfg.clip_grad, foreach=True)
                    held = transport is not None and transport.holding()  # paused: this step is reported now
                    reporting = held or (step + 1) % cfg.report_every == 0 or batch == batches or \
                        step + 1 == cfg.max_steps
                    watching = reporting and self.probe is not None and self.probe.due(batch == batches or held)
                    if watching:
                        self.probe.before_step()  # this step's report says how far it moved the weights
                    optimizer.step()
                    losses.append(self._reported.detach())  # summed once per window: no per-batch sync
                    step += 1
                    if reporting:
                        # every batch but an epoch's last holds bs rows: weight that one by its own size
                        rows, last_rows = len(losses) * bs, min(bs, n - i)
                        members = None
                        if cfg.sweep:  # each member's own loss; the report's is the mean over those still learning
                            rows += last_rows - bs
                            members = self._members_report(losses, bs, last_rows, rows, loss_units, optimizer)
                            alive = [m for m in members if m is not None]
                            total = sum(alive) / len(alive) * rows if alive else math.nan
                        else:
                            total = float(torch.stack(losses).sum()) * bs
                            if last_rows != bs:
                                total += (last_rows - bs) * float(losses[-1])
                                rows += last_rows - bs
                            total *= loss_units
                        epoch_loss, epoch_rows = epoch_loss + total, epoch_rows + rows
                        extra = {"members": members} if members is not None else {}
                        if watching:
                            extra["network"] = self.probe.snapshot()
                        self.notify("on_report", epoch=epoch, batch=batch, step=step,
                                    loss=total / rows, batches=batches, seconds=time.perf_counter() - start, **extra)
                        losses = []
                    if step == cfg.max_steps:
                        break
                if cfg.sweep:  # each member's figures; the record's own are the best member's, not the mean's
                    metrics = self._members_metrics(X_test, y_test, val, target)
                else:
                    _, metrics = self.evaluate(X_test, y_test, target)
                if val is not None and not cfg.sweep:
                    _, on_val = self.evaluate(*val, target)
                    metrics |= {"val" + k[4:]: v for k, v in on_val.items()}  # test_mse → val_mse, …
                    if self.task == "regress":
                        metrics["val_rmse"] = math.sqrt(on_val["test_mse"])
                now = time.perf_counter()
                record = {"epoch": epoch, "step": step, "train_loss": epoch_loss / epoch_rows, **metrics,
                          "seconds": now - start, "epoch_seconds": now - epoch_start,
                          "samples_per_s": epoch_rows / max(now - epoch_start, 1e-9), "lr": optimizer.lr}
                self.history.append(record)
                self.notify("on_epoch_end", record=record)
                patience_over = val is not None and self._keep_best(record)
                if patience_over or step == cfg.max_steps:
                    break
        except StopTraining as stop:
            status = stop.reason
        except TrainingDiverged:
            self.notify("on_train_end", result=None)
            raise
        last = None
        if self.best is not None:  # the validation split's best epoch, not the last
            last = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
            self.model.load_state_dict(self.best["state"])
        sweep = self._pick_member() if cfg.sweep and self.history else None
        seconds = time.perf_counter() - start
        result = self._result(X_test, y_test, target, status, step, seconds)
        if not cfg.sweep:
            result.resume = capture(self, optimizer, step, seconds, last)
        if sweep is not None:  # the members' figures beside the metrics, which hold numbers only (checkpoints)
            result.sweep = sweep.pop("sweep")
            result.metrics |= sweep
            result.model_config = config_dict(self.model_config)
        self.notify("on_train_end", result=result)
        return result

    def _shuffled(self, X, y):
        """This epoch's order of the training rows: (n, ·) copies; an ensemble's, one order per member from its own
        generator, (k, n, ·), so each member sees the batches a single run of its seed would."""
        if len(self.generators) == 1:
            order = torch.randperm(len(X), generator=self.generator).to(self.device)
            return X[order], y[order]
        order = torch.stack([torch.randperm(len(X), generator=g) for g in self.generators]).to(self.device)
        return X[order], y[order]  # (k, n, n_features), (k, n, 1)

    @property
    def val_key(self) -> str:
        """The validation figure early stopping watches (lower is better)."""
        return "val_log_loss" if self.task == "classify" else "val_rmse"

    def _loss(self, xb, yb):
        """The loss to minimise on one batch; ``self._reported`` is the part reported as the training loss (the MSE,
        without the L1 penalty; an ensemble's mean over its members). The lecture's loss alone by default."""
        cfg, k = self.train_config, self.model_config.ensemble
        if k == 1:
            loss = self._reported = self.loss_fn(self.model(xb), yb)
        else:  # each member's loss, summed: every member gets the gradient it would get trained alone
            out = self.model.members(xb)  # (k, batch, n_outputs)
            if self.task == "classify":
                per_member = F.cross_entropy(out.flatten(0, 1), yb.flatten(), reduction="none").view(k, -1).mean(1)
            else:
                per_member = ((out - yb) ** 2).mean(dim=(1, 2))  # (k,)
            if cfg.sweep:  # each member's own loss reported; a diverged member's is masked out (self.alive)
                loss, self._reported = (per_member * self.alive).sum(), per_member.detach()
            else:
                loss, self._reported = per_member.sum(), per_member.detach().mean()
        if cfg.l1:
            weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
            loss = loss + cfg.l1 * sum(w.abs().sum() for w in weights)
        return loss

    def _pick_member(self) -> dict:
        """A sweep ends as its best member, a model of its own (what is saved and predicts); the members' last
        figures stay in the metrics."""
        member = self.best["member"] if self.best is not None else self.history[-1]["best_member"]
        self.model = self.model.member(member).to(self.device)
        self.model_config = self.model.config
        return {"best_member": member, "best_value": self.train_config.sweep_values[member],
                "sweep": self.history[-1]["members"]}

    def _optimizer(self):
        cfg, k = self.train_config, self.model_config.ensemble
        if not cfg.sweep:
            return make_optimizer(cfg.optimizer, self.model.parameters(), cfg.lr, cfg.momentum, cfg.weight_decay)
        self.alive = torch.ones(k, device=self.device)
        values = list(cfg.sweep_values)
        return MemberOptimizer(cfg.optimizer, self.model.parameters(), values if cfg.sweep == "lr" else [cfg.lr] * k,
                               cfg.momentum, values if cfg.sweep == "weight_decay" else [cfg.weight_decay] * k)

    def _members_report(self, losses, bs, last_rows, rows, units, optimizer) -> list:
        """A sweep's per-member training loss over this report window (None for a member that diverged). A member
        whose loss is not finite, or over 1,000 times the mean's, is frozen: its weights and optimizer state are
        zeroed and its rate set to 0, so it stops (its NaN cannot spread) while the others train on."""
        stacked = torch.stack(losses)  # (window, k)
        totals = stacked.sum(0) * bs + (last_rows - bs) * stacked[-1]  # every batch but the last holds bs rows
        out = []
        for i, total in enumerate((totals * units / rows).tolist()):
            if not self.alive[i]:
                out.append(None)
            elif not math.isfinite(total) or total > 1000 * self.baseline_mse:
                self._freeze(i, optimizer)
                out.append(None)
            else:
                out.append(total)
        return out

    @torch.no_grad()
    def _freeze(self, i: int, optimizer):
        self.alive[i] = 0.0
        optimizer.freeze(i)
        for p in self.model.parameters():
            p[i].zero_()
        member = optimizer.members[i]
        for state in getattr(member, "exp_avg", []) + getattr(member, "exp_avg_sq", []) + \
                getattr(member, "momentum_buffers", []):
            state.zero_()

    @torch.no_grad()
    def _members_metrics(self, X_test, y_test, val, target) -> dict:
        """A sweep's per-member test (and validation) errors, and the best member's as the record's own: the lowest
        validation RMSE where there is a validation split, else the lowest test MSE (which flatters the pick: the
        CLI and the page say so, and a validation share makes it honest)."""
        self.model.eval()
        members = []
        for name, (X, y) in (("test", (X_test, y_test)), ("val", val or (None, None))):
            if X is None:
                continue
            err = self.model.members(X).squeeze(-1) * target["scale"] + target["mean"] - y  # (k, rows)
            for i, (mse, mae) in enumerate(zip((err * err).mean(1).tolist(), err.abs().mean(1).tolist())):
                if name == "test":
                    members.append({"value": self.train_config.sweep_values[i], "diverged": not self.alive[i],
                                    "test_mse": mse, "test_mae": mae})
                else:
                    members[i] |= {"val_mse": mse, "val_rmse": math.sqrt(mse)}
        self.model.train()
        for m in members:
            if m["diverged"]:
                m.update({k: None for k in m if k not in ("value", "diverged")})
        alive = [m for m in members if not m["diverged"]] or members
        best = min(alive, key=lambda m: m.get("val_rmse") if val is not None else m["test_mse"])
        picked = {k: best[k] for k in ("test_mse", "test_mae", "val_mse", "val_rmse") if k in best}
        return {"members": members, "best_member": members.index(best), **picked}

    def _keep_best(self, record: dict) -> bool:
        """Remembers the best epoch on the validation split (a copy of its weights); True when ``patience`` epochs
        have passed without a better one: time to stop."""
        key = self.val_key
        if self.best is None or record[key] < self.best[key]:
            self.best = {"epoch": record["epoch"], key: record[key], "member": record.get("best_member"),
                         "state": {k: v.detach().clone() for k, v in self.model.state_dict().items()}}
        patience = self.train_config.patience
        return bool(patience) and record["epoch"] - max(self.best["epoch"], self.patience_from) >= patience

    def _result(self, X_test, y_test, target, status, steps, seconds) -> TrainResult:
        """The final model's test figures and predictions: a regressor's values with RMSE and R², a classifier's
        chosen classes' indices with each row's probabilities."""
        pred, metrics = self.evaluate(X_test, y_test, target)
        pred_np, y_np = pred.cpu().numpy(), y_test.cpu().numpy()
        if not np.isfinite(pred_np).all():
            raise TrainingDiverged(N_("Training diverged: the model's predictions are not finite numbers. Lower the "
                                      "learning rate and train again."), code="diverged_predictions")
        extra = {}
        if self.task == "classify":  # pred_np: (n_test, classes) probabilities
            extra = {"probabilities": pred_np.tolist()}
            pred_np = pred_np.argmax(1).astype(float)
        else:
            metrics["test_rmse"] = math.sqrt(metrics["test_mse"])
            metrics["test_r2"] = float(r2_score(y_np, pred_np)) if len(y_np) > 1 else float("nan")
        if self.history:
            metrics["train_loss"] = self.history[-1]["train_loss"]
        if self.best is not None:
            metrics |= {self.val_key: self.best[self.val_key], "best_epoch": self.best["epoch"]}
        state_dict = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        return TrainResult(state_dict=state_dict, history=list(self.history), metrics=metrics, status=status,
                           steps=steps, seconds=seconds, device=str(self.device), predictions=pred_np.tolist(),
                           **extra)


def _entropy(codes: np.ndarray) -> float:
    """The log loss of always predicting each class's share of the rows: the classes' entropy, in nats."""
    shares = np.bincount(codes.astype(int)) / len(codes)
    shares = shares[shares > 0]
    return float(-(shares * np.log(shares)).sum())


def config_dict(config) -> dict:
    """A config dataclass as plain types (tuples become lists), for checkpoints and JSON."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
