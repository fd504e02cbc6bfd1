"""The multilayer perceptron of the lecture: ``__init__`` builds the layers, ``forward`` runs them.

Two options of the recipe (issue 14) extend it without changing the lecture's model (both off by default):
numerical embeddings (core/training/embeddings.py) turn each number into a small vector before the first layer, and
an ensemble of k members trains k independent MLPs as one batched model: each layer is one ``(k, out, in)`` weight,
k ``nn.Linear`` weights stacked, multiplied by ``torch.baddbmm``, so k models cost about one model's Python overhead,
and the prediction is the members' mean. Its forward and backward make the very matrix products a single model's
``nn.Linear`` makes, member by member, so on the CPU a member's numbers are a single run's bit for bit
(bench/bench_sweep.py: a sweep's eight curves are the eight runs'); where the products are arranged otherwise
(``x @ weight`` on ``(k, in, out)``, as before) they round differently in the last bit, and at a high learning rate
such differences grow until the two runs part ways.
"""

import math
from dataclasses import dataclass, replace

import torch
from torch import nn

from core.errors import N_, ConfigError
from core.training.embeddings import EMBEDDINGS, make_embedding

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
    embedding: str = "none"  # "none", "periodic" or "piecewise": numerical embeddings of the numeric inputs
    embedding_dim: int = 16  # each embedded number becomes this many values
    embedding_bins: int = 16  # piecewise: bins per number (edges from training quantiles); periodic: frequencies
    n_numeric: int = 0  # how many of the first inputs are numbers to embed (the rest, one-hot, pass through); 0: all
    ensemble: int = 1  # members trained together as one batched model; the prediction is their mean

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
        if self.embedding not in EMBEDDINGS:
            raise ConfigError(N_("Unknown embedding {name!r}; choose one of {choices}."), code="embedding",
                              name=str(self.embedding), choices=", ".join(EMBEDDINGS))
        if not (1 <= self.embedding_dim <= 64 and 2 <= self.embedding_bins <= 128
                and 0 <= self.n_numeric <= self.n_features):
            raise ConfigError(N_("Embeddings: 1 to 64 values per number and 2 to 128 bins or frequencies."),
                              code="embedding_size")
        if not 1 <= self.ensemble <= 32:
            raise ConfigError(N_("An ensemble has 1 to 32 members."), code="ensemble")

    @property
    def n_embedded(self) -> int:
        """The inputs the embedding turns into vectors (none without one)."""
        return 0 if self.embedding == "none" else (self.n_numeric or self.n_features)

    @property
    def n_inputs(self) -> int:
        """The first hidden layer's inputs: the embedded numbers' vectors, then the inputs passed through."""
        return self.n_features + self.n_embedded * (self.embedding_dim - 1)


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


def _members_linear(x, weight, bias):
    """bias + x @ weightᵀ member by member, with the product nn.Linear's forward makes. For one output that is a
    matrix-vector product (torch's addmm hands it to gemv), which no batched product rounds alike: one per member."""
    if weight.shape[1] == 1:
        members = zip(x.unbind(0), weight[:, 0].unbind(0), bias[:, 0].unbind(0))  # views, one call each
        return torch.stack([torch.addmv(b, xi, w) for xi, w, b in members]).unsqueeze(-1)
    return torch.baddbmm(bias, x, weight.transpose(1, 2))


class _MembersLinear(torch.autograd.Function):
    """``_members_linear`` whose gradients are the very products nn.Linear's backward makes (gradient @ weight for the
    input, gradientᵀ @ input for the weight): autograd's own backward of ``baddbmm`` puts them the other way round,
    which rounds differently in the last bit, enough for two runs at a high rate to part ways."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return _members_linear(x, weight, bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad_x = torch.bmm(grad, weight) if ctx.needs_input_grad[0] else None
        return grad_x, torch.bmm(grad.transpose(1, 2), x), grad.sum(1, keepdim=True)


class BatchedLinear(nn.Module):
    """k independent ``nn.Linear(n_in, n_out)`` layers in one: x (k, batch, n_in) → (k, batch, n_out). While
    training it computes its gradients itself (``_MembersLinear``); otherwise (evaluation, ONNX export) plain
    operations."""

    def __init__(self, k: int, n_in: int, n_out: int):
        super().__init__()
        self.in_features = n_in
        self.weight = nn.Parameter(torch.empty(k, n_out, n_in))  # member i's nn.Linear weight is weight[i]
        self.bias = nn.Parameter(torch.empty(k, 1, n_out))  # and its bias bias[i, 0]

    def forward(self, x):
        if torch.is_grad_enabled():
            return _MembersLinear.apply(x, self.weight, self.bias)
        return _members_linear(x, self.weight, self.bias)


class MLP(nn.Module):
    """Linear → activation (→ dropout) for each hidden size, then a linear output layer."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embed = make_embedding(config)  # None without embeddings (the lecture's model)
        sizes, k = (config.n_inputs, *config.hidden), config.ensemble
        linear = nn.Linear if k == 1 else (lambda i, o: BatchedLinear(k, i, o))
        self.hidden = nn.ModuleList(linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[config.activation]()
        self.drop = nn.Dropout(config.dropout) if config.dropout > 0 else None
        self.out = linear(sizes[-1], config.n_outputs)

    def forward(self, x):  # x: (batch, n_features)
        if self.config.ensemble > 1:
            return self.members(x).mean(0)  # the ensemble's prediction: the mean of its members'
        if self.embed is not None:
            x = self.embed(x.unsqueeze(0)).squeeze(0)  # (batch, n_inputs)
        for layer in self.hidden:
            x = self.act(layer(x))  # (batch, hidden[i])
            if self.drop is not None:
                x = self.drop(x)
        return self.out(x)  # (batch, n_outputs)

    def members(self, x):
        """Each member's own prediction, (k, batch, n_outputs): what an ensemble trains (each member on its own
        loss). ``x`` is one batch for all, (batch, n_features), or one batch per member, (k, batch, n_features)."""
        k = self.config.ensemble
        if k == 1:
            return self(x.reshape(-1, x.shape[-1])).reshape(1, -1, self.config.n_outputs)
        if x.dim() == 2:
            x = x.unsqueeze(0).expand(k, -1, -1)  # (k, batch, n_features): every member sees the same batch
        if self.embed is not None:
            x = self.embed(x)  # (k, batch, n_inputs): each member's own embedding
        for layer in self.hidden:
            x = self.act(layer(x))  # (k, batch, hidden[i])
            if self.drop is not None:
                x = self.drop(x)
        return self.out(x)

    def reset_parameters(self, generator: torch.Generator | list[torch.Generator] | None = None):
        """nn.Linear's own initialisation, drawn from ``generator`` instead of the process-wide RNG. An ensemble's
        members may each have their own generator (a list): member i, its embedding first, is then initialised as a
        single model drawn from that generator."""
        k = self.config.ensemble
        generators = generator if isinstance(generator, list) else [generator] * k
        for member, generator in enumerate(generators):
            if self.embed is not None:
                self.embed.reset_member(member, generator)
            for layer in (*self.hidden, self.out):
                n_in = layer.in_features
                weight, bias = (layer.weight, layer.bias) if k == 1 else \
                    (torch.empty(layer.weight.shape[1], n_in), torch.empty(layer.weight.shape[1]))  # as nn.Linear's
                nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
                nn.init.uniform_(bias, -1 / math.sqrt(n_in), 1 / math.sqrt(n_in), generator=generator)
                if k > 1:
                    with torch.no_grad():
                        layer.weight[member].copy_(weight)
                        layer.bias[member, 0].copy_(bias)

    def member(self, i: int) -> "MLP":
        """Member ``i`` of an ensemble as a model of its own (ensemble 1): the weights a single run would have."""
        single = MLP(replace(self.config, ensemble=1))
        state = {}
        for name, t in self.state_dict().items():
            if name == "embed.edges":
                state[name] = t.clone()  # from the data: the same for every member
            elif name.startswith("embed."):
                state[name] = t[i:i + 1].clone()  # (1, ...): a single model's embedding has one member
            else:  # BatchedLinear: (k, out, in) and (k, 1, out) → nn.Linear's (out, in) and (out,)
                state[name] = (t[i] if name.endswith("weight") else t[i, 0]).clone()
        single.load_state_dict(state)
        return single

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
