"""Numerical embeddings (Gorishniy, Rubachev & Babenko 2022, "On Embeddings for Numerical Features in Tabular Deep
Learning"): each number becomes a small vector before the MLP's first layer, so the first layer can respond to a
feature's value in steps or waves rather than along one straight line. One-hot inputs pass through unchanged.

- ``piecewise``: piecewise-linear encoding. The training values' quantiles cut each feature into bins; a value
  becomes one number per bin: 1 for the bins below it, its position inside its own bin, 0 above. A linear layer per
  feature (bins → ``embedding_dim``) and a ReLU follow.
- ``periodic``: ``cos(2π c x)`` and ``sin(2π c x)`` for ``embedding_bins`` trainable frequencies c drawn from
  N(0, σ²), then a linear layer per feature and a ReLU (the paper's "PLR").

Each member of an ensemble has its own embedding weights (the bins' edges, taken from the data, are shared), so a
member is exactly the single model of its seed; every tensor here has the members first: (k, ...).
"""

import math

import numpy as np
import torch
from torch import nn

EMBEDDINGS = ("none", "piecewise", "periodic")
PERIODIC_SIGMA = 1.0  # the frequencies' initial spread, for inputs of about unit scale (quantile-normal): measured


class _PerFeatureLinear(nn.Module):
    """A separate ``nn.Linear(n_in, n_out)`` for each of ``n`` features and each of ``k`` members:
    (k, batch, n, n_in) → (k, batch, n, n_out)."""

    def __init__(self, k: int, n: int, n_in: int, n_out: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(k, n, n_in, n_out))
        self.bias = nn.Parameter(torch.empty(k, 1, n, n_out))

    def forward(self, x):
        return torch.einsum("kbfi,kfio->kbfo", x, self.weight) + self.bias

    def reset_member(self, member: int, generator):
        bound = 1 / math.sqrt(self.weight.shape[2])  # nn.Linear's bias bound, for weight and bias alike
        nn.init.uniform_(self.weight[member], -bound, bound, generator=generator)  # contiguous: drawn in order
        nn.init.uniform_(self.bias[member], -bound, bound, generator=generator)


class _Embedding(nn.Module):
    def __init__(self, k: int, n_embedded: int, n_codes: int, dim: int):
        super().__init__()
        self.n = n_embedded
        self.linear = _PerFeatureLinear(k, n_embedded, n_codes, dim)

    def forward(self, x):  # x: (k, batch, n_features), one batch per member
        numbers, rest = x[..., :self.n], x[..., self.n:]
        vectors = torch.relu(self.linear(self.encode(numbers)))  # (k, batch, n, dim)
        return torch.cat([vectors.flatten(2), rest], dim=2)  # (k, batch, n·dim + one-hot inputs)

    def fit(self, X: np.ndarray) -> None:
        """Whatever the embedding takes from the training rows (the piecewise bins' edges)."""

    def reset_member(self, member: int, generator):
        self.linear.reset_member(member, generator)


class PiecewiseLinear(_Embedding):
    def __init__(self, k: int, n_embedded: int, bins: int, dim: int):
        super().__init__(k, n_embedded, bins, dim)
        # (n, bins + 1) edges; evenly spaced until fit() puts them at the training quantiles
        self.register_buffer("edges", torch.linspace(-2, 2, bins + 1).repeat(n_embedded, 1))

    def fit(self, X: np.ndarray) -> None:
        quantiles = np.quantile(X[:, :self.n], np.linspace(0, 1, self.edges.shape[1]), axis=0).T  # (n, bins + 1)
        self.edges.copy_(torch.as_tensor(quantiles, dtype=torch.float32))

    def encode(self, x):  # (k, batch, n) → (k, batch, n, bins)
        left, width = self.edges[:, :-1], (self.edges[:, 1:] - self.edges[:, :-1]).clamp_min(1e-6)
        t = (x.unsqueeze(-1) - left) / width  # each value's position within each bin
        # below the first edge and above the last the encoding keeps going (the paper's own clamps)
        return torch.cat([t[..., :1].clamp_max(1), t[..., 1:-1].clamp(0, 1), t[..., -1:].clamp_min(0)], dim=-1)


class Periodic(_Embedding):
    def __init__(self, k: int, n_embedded: int, frequencies: int, dim: int):
        super().__init__(k, n_embedded, 2 * frequencies, dim)
        self.frequencies = nn.Parameter(torch.empty(k, 1, n_embedded, frequencies))

    def encode(self, x):  # (k, batch, n) → (k, batch, n, 2·frequencies)
        v = 2 * math.pi * self.frequencies * x.unsqueeze(-1)
        return torch.cat([torch.cos(v), torch.sin(v)], dim=-1)

    def reset_member(self, member: int, generator):
        nn.init.normal_(self.frequencies[member], 0.0, PERIODIC_SIGMA, generator=generator)
        super().reset_member(member, generator)


def make_embedding(config) -> _Embedding | None:
    """The embedding a ``ModelConfig`` asks for, or None."""
    if config.embedding == "none":
        return None
    kind = PiecewiseLinear if config.embedding == "piecewise" else Periodic
    return kind(config.ensemble, config.n_embedded, config.embedding_bins, config.embedding_dim)
