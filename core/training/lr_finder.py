"""The learning-rate range test (Smith 2017, "Cyclical Learning Rates"; fastai's ``lr_find``): train from a fresh
model with a rate that grows exponentially every mini-batch, from 1e-7 to 10 over about 100 steps, and watch the
loss. Where it falls fastest the rate is useful; where it blows up the rate is too large. The suggestion is
a tenth of the rate at the lowest (smoothed) loss, fastai's "minimum" suggestion. The loss is read on the same
2,048 training rows after every step rather than on the step's own batch: at the lecture's batch of 20 a batch's
loss is too noisy to read (on California, two seeds suggested 1e-8 and 1.5e-3 that way).

The model, optimizer, seed and batches are the run's own (``Trainer``), so the suggestion is for these settings;
the model is thrown away afterwards, and nothing else changes.
"""

import math
from dataclasses import dataclass, replace

import torch

from core.data import Prepared
from core.errors import N_, ConfigError
from core.training.model import ModelConfig
from core.training.optim import make_optimizer
from core.training.trainer import TrainConfig, Trainer

PROBE_ROWS = 2048  # a batch of 20 gives a loss too noisy to read; the same 2,048 training rows after each step do not


@dataclass
class LRFinderConfig:
    start_lr: float = 1e-7
    end_lr: float = 10.0
    steps: int = 100
    smoothing: float = 0.98  # the loss's exponential moving average (debiased), as TensorBoard's and fastai's
    diverge: float = 4.0  # stop once the smoothed loss is this many times its lowest so far

    def __post_init__(self):
        if not (0 < self.start_lr < self.end_lr <= 100) or not 10 <= self.steps <= 10_000:
            raise ConfigError(N_("The learning-rate finder needs 0 < start < end ≤ 100 and 10 to 10,000 steps."),
                              code="lr_finder")


@dataclass
class LRFinderResult:
    lrs: list  # the rate of each step
    losses: list  # the smoothed training loss after each step, in the scaled target's units
    raw: list  # the loss of each step's batch
    suggestion: float | None  # None when the loss never fell
    stopped_early: bool  # ended on divergence before end_lr
    status: str = "finished"  # as a TrainResult's, for the pool that ran it

    def to_dict(self) -> dict:
        return {"lrs": self.lrs, "losses": self.losses, "raw": self.raw, "suggestion": self.suggestion,
                "stopped_early": self.stopped_early}


def find_lr(data: Prepared, model_config: ModelConfig, train_config: TrainConfig | None = None,
            config: LRFinderConfig | None = None) -> LRFinderResult:
    """Run the range test on ``data``'s training rows with these settings; the test rows are not touched."""
    config, train_config = config or LRFinderConfig(), train_config or TrainConfig()
    if train_config.sweep:  # a sweep's members are single models: the range test is one model's
        model_config = replace(model_config, ensemble=1)
        train_config = replace(train_config, sweep="", sweep_values=())
    trainer = Trainer(model_config, train_config)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(train_config.seed)  # dropout's masks, as in a run
        return _find(trainer, data, config)


def _find(trainer: Trainer, data: Prepared, config: LRFinderConfig) -> LRFinderResult:
    cfg, target = trainer.train_config, data.preprocessing["target"]
    X = trainer._tensor(data.X_train)
    y = trainer.targets(data.y_train, target)  # (n, 1): the standardised target, or a classifier's classes
    n, bs = len(X), cfg.batch_size
    optimizer = make_optimizer(cfg.optimizer, trainer.model.parameters(), config.start_lr, cfg.momentum,
                               cfg.weight_decay)
    ratio = (config.end_lr / config.start_lr) ** (1 / (config.steps - 1))
    lrs, losses, raw = [], [], []
    average, lowest, stopped = 0.0, math.inf, False
    order, position = torch.randperm(n, generator=trainer.generator), 0
    probe = order[:PROBE_ROWS].to(trainer.device)  # the loss is read on these rows after every step
    trainer.model.train()
    for step in range(config.steps):
        if position + bs > n:  # a new shuffle once the rows run out, as a new epoch would
            order, position = torch.randperm(n, generator=trainer.generator), 0
        index = order[position:position + bs].to(trainer.device)
        position += bs
        lr = config.start_lr * ratio ** step
        optimizer.set_lr(lr)
        optimizer.zero_grad()
        loss = trainer.loss_fn(trainer.model(X[index]), y[index])
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            value = float(trainer.loss_fn(trainer.model(X[probe]), y[probe]))
        average = config.smoothing * average + (1 - config.smoothing) * value
        smoothed = average / (1 - config.smoothing ** (step + 1))
        lrs.append(lr)
        raw.append(value)
        losses.append(smoothed)
        lowest = min(lowest, smoothed)
        if not math.isfinite(smoothed) or smoothed > config.diverge * lowest:
            stopped = True
            break
    return LRFinderResult(lrs, losses, raw, suggest(lrs, losses), stopped)


def suggest(lrs: list[float], losses: list[float]) -> float | None:
    """fastai's "minimum" suggestion: a tenth of the rate at which the smoothed loss was lowest (there the rate is
    already nearly too large; a tenth of it still falls fast and stays stable). None if the loss never fell."""
    finite = [(v, lr) for lr, v in zip(lrs, losses) if math.isfinite(v)]
    if len(finite) < 3 or min(finite)[0] >= finite[0][0]:
        return None
    return min(finite)[1] / 10
