"""The vanishing-gradients lesson (issue 15): the same deep network with sigmoid and with ReLU, side by side.

A sigmoid's slope is at most 1/4, so backpropagation through eight sigmoid layers multiplies the gradient by at
most (1/4)^8 ≈ 1.5e-5 on its way to the first layer: the first layers hardly learn while the last ones do. ReLU's
slope is 1 where a unit is active, so the gradient reaches the first layer at about the last layer's size. The
figure that shows it is the first layer's gradient norm over the last layer's (``probe.gradient_ratio``),
measured by the network view at the end of the first epoch.
"""

from dataclasses import dataclass

from core.training.callbacks import Callback
from core.training.model import ModelConfig
from core.training.probe import gradient_ratio
from core.training.trainer import TrainConfig, Trainer

ACTIVATIONS = ("sigmoid", "relu")  # the lesson's pair; tanh (slope at most 1) sits between them


@dataclass
class DepthConfig:
    depth: int = 8  # hidden layers
    width: int = 128  # units in each
    epochs: int = 1  # the ratio is read at the end of the last epoch
    seed: int = 0

    def model(self, prepared, activation: str) -> ModelConfig:
        return ModelConfig(**prepared.shape, hidden=(self.width,) * self.depth, activation=activation)


class _LastSnapshot(Callback):
    def __init__(self):
        self.snapshot = None

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.snapshot = kw.get("network", self.snapshot)


def compare(prepared, config: DepthConfig | None = None, activations=ACTIVATIONS) -> dict:
    """Per activation: the first-to-last gradient-norm ratio, each layer's gradient norm (first to last) and the
    test figures, after ``config.epochs`` epochs of the same deep network on ``prepared``."""
    config = config or DepthConfig()
    out = {}
    for activation in activations:
        last = _LastSnapshot()
        trainer = Trainer(config.model(prepared, activation),
                          TrainConfig(epochs=config.epochs, seed=config.seed, device="cpu", watch=True), [last])
        result = trainer.fit(prepared)
        out[activation] = {"ratio": gradient_ratio(last.snapshot),
                           "grad_norms": [layer["grad_norm"] for layer in last.snapshot["layers"]],
                           "metrics": result.metrics}
    return out
