"""The multilayer perceptron of the lecture: ``__init__`` builds the layers, ``forward`` runs them."""

import math
from dataclasses import dataclass

import torch
from torch import nn

from core.errors import N_, ConfigError

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "leaky_relu": nn.LeakyReLU,
}


@dataclass
class ModelConfig:
    n_features: int = 8
    hidden: tuple[int, ...] = (128, 128)
    activation: str = "relu"  # a key of ACTIVATIONS
    dropout: float = 0.0  # probability of zeroing a hidden unit while training
    n_outputs: int = 1

    def __post_init__(self):
        self.hidden = tuple(int(h) for h in self.hidden)
        if self.n_features < 1:
            raise ConfigError(N_("The model needs at least one input feature."), code="no_inputs")
        if not self.hidden or any(h < 1 or h > 4096 for h in self.hidden) or len(self.hidden) > 8:
            raise ConfigError(N_("Hidden layers: give 1 to 8 sizes, each between 1 and 4096 (e.g. 128,128)."),
                              code="hidden_sizes")
        if self.activation not in ACTIVATIONS:
            raise ConfigError(N_("Unknown activation {name!r}; choose one of {choices}."), code="model_activation",
                              name=str(self.activation), choices=", ".join(ACTIVATIONS))
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(N_("Dropout is a probability: choose a value from 0 up to (not including) 1."),
                              code="dropout")


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer sizes typed as text, "128, 128" (the Train page's field, ``--hidden``); ``ModelConfig`` checks
    their range."""
    try:
        sizes = tuple(int(part) for part in str(text).replace(" ", "").split(",") if part)
    except ValueError:
        sizes = ()
    if not sizes:
        raise ConfigError(N_("Hidden layers: type whole numbers separated by commas, e.g. 128, 128."),
                          code="hidden_text")
    return sizes


class MLP(nn.Module):
    """Linear → activation (→ dropout) for each hidden size, then a linear output layer."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        sizes = (config.n_features, *config.hidden)
        self.hidden = nn.ModuleList(nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[config.activation]()
        self.drop = nn.Dropout(config.dropout) if config.dropout > 0 else None
        self.out = nn.Linear(sizes[-1], config.n_outputs)

    def forward(self, x):  # x: (batch, n_features)
        for layer in self.hidden:
            x = self.act(layer(x))  # (batch, hidden[i])
            if self.drop is not None:
                x = self.drop(x)
        return self.out(x)  # (batch, n_outputs)

    def reset_parameters(self, generator: torch.Generator | None = None):
        """nn.Linear's own initialisation, drawn from ``generator`` instead of the process-wide RNG."""
        for layer in (*self.hidden, self.out):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            bound = 1 / math.sqrt(layer.in_features)
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
