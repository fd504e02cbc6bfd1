"""Activation functions, their derivatives by autograd, softmax with a temperature, and the lecture's nn.Linear lab."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from core.errors import N_, ConfigError

# name → (function, formula in LaTeX). Torch's own functions: the reference the page draws.
FUNCTIONS = {
    "sigmoid": (torch.sigmoid, r"\sigma(x) = \frac{1}{1 + e^{-x}}"),
    "tanh": (torch.tanh, r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}"),
    "relu": (torch.relu, r"\mathrm{ReLU}(x) = \max(0, x)"),
    "leaky_relu": (F.leaky_relu, r"\mathrm{LeakyReLU}(x) = \max(0, x) + 0.01 \min(0, x)"),
    "elu": (F.elu, r"\mathrm{ELU}(x) = \begin{cases} x & x > 0 \\ e^{x} - 1 & x \le 0 \end{cases}"),
    "gelu": (F.gelu, r"\mathrm{GELU}(x) = x \, \Phi(x)"),
    "silu": (F.silu, r"\mathrm{SiLU}(x) = x \, \sigma(x)"),
    "softplus": (F.softplus, r"\mathrm{Softplus}(x) = \log(1 + e^{x})"),
}
TORCH_NAMES = {"sigmoid": "torch.sigmoid", "tanh": "torch.tanh", "relu": "torch.relu",
               "leaky_relu": "F.leaky_relu", "elu": "F.elu", "gelu": "F.gelu", "silu": "F.silu",
               "softplus": "F.softplus"}
MAX_POINTS = 2001
MAX_RANGE = 1000.0
MAX_VECTOR = 50


def _check_names(names):
    unknown = [n for n in names if n not in FUNCTIONS]
    if unknown:
        raise ConfigError(N_("Unknown activation(s): {names}. Choose from {choices}."), code="unknown_activation",
                          names=", ".join(unknown), choices=", ".join(FUNCTIONS))


def curves(names, lo: float = -5.0, hi: float = 5.0, points: int = 401) -> dict:
    """For each activation: x, f(x) and f'(x), the derivative computed by autograd (``backward`` on the sum)."""
    _check_names(names)
    if not (-MAX_RANGE <= lo < hi <= MAX_RANGE):
        raise ConfigError(N_("Choose a range with lower < upper, both within ±{limit:g}."), code="bad_range",
                          limit=MAX_RANGE)
    points = max(2, min(int(points), MAX_POINTS))
    out = {}
    for name in names:
        x = torch.linspace(lo, hi, points, dtype=torch.float64, requires_grad=True)
        y = FUNCTIONS[name][0](x)
        y.sum().backward()  # each y_i depends only on x_i, so x.grad holds f'(x_i)
        out[name] = {"x": x.detach().tolist(), "y": y.detach().tolist(), "dy": x.grad.tolist()}
    return out


def softmax(values, temperature: float = 1.0) -> list[float]:
    """``torch.softmax(values / temperature)``: a higher temperature flattens it, a lower one sharpens it."""
    if not values or len(values) > MAX_VECTOR:
        raise ConfigError(N_("Give between 1 and {limit} numbers."), code="softmax_size", limit=MAX_VECTOR)
    if not (0.01 <= temperature <= 100):
        raise ConfigError(N_("The temperature must be between 0.01 and 100."), code="temperature")
    logits = torch.tensor([float(v) for v in values], dtype=torch.float64)
    return torch.softmax(logits / temperature, dim=0).tolist()


@dataclass
class LinearLab:
    """The lecture's ``nn.Linear(4, 1)`` applied to ``x = [0, 1, 1, 1]``, then through an activation."""

    weight: list  # (1, 4)
    bias: list  # (1,)
    x: list  # (4,)
    output: float
    grad_fn: str  # e.g. "<AddmmBackward0>" / "<ViewBackward0>"
    activation: str
    activated: float
    activated_grad_fn: str


def linear_lab(seed: int = 0, x=(0.0, 1.0, 1.0, 1.0), weight=None, bias=None, activation: str = "sigmoid") -> LinearLab:
    """``nn.Linear(len(x), 1)`` with weights from a seeded generator (or given), applied to x, then an activation."""
    _check_names([activation])
    x = torch.tensor([float(v) for v in x], dtype=torch.float32)  # (in_features,)
    if not 1 <= len(x) <= 16:
        raise ConfigError(N_("x must have between 1 and 16 numbers."), code="lab_size")
    layer = nn.Linear(len(x), 1)
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        bound = 1 / len(x) ** 0.5  # nn.Linear's default initialisation range
        layer.weight.uniform_(-bound, bound, generator=generator)
        layer.bias.uniform_(-bound, bound, generator=generator)
        if weight is not None:
            w = torch.tensor([float(v) for v in weight], dtype=torch.float32)
            if w.numel() != len(x):
                raise ConfigError(N_("The weight needs {n} numbers, one per input."), code="lab_weight",
                                  n=len(x))
            layer.weight.copy_(w.view(1, -1))
        if bias is not None:
            layer.bias.fill_(float(bias))
    out = layer(x)  # (1,)
    act = FUNCTIONS[activation][0](out)
    return LinearLab(weight=layer.weight.detach().view(-1).tolist(), bias=layer.bias.detach().tolist(),
                     x=x.tolist(), output=float(out.item()), grad_fn=_grad_fn_text(out), activation=activation,
                     activated=float(act.item()), activated_grad_fn=_grad_fn_text(act))


def _grad_fn_text(t: torch.Tensor) -> str:
    return f"<{type(t.grad_fn).__name__}>" if t.grad_fn is not None else "None"


def code(names, lo: float, hi: float, lab: LinearLab | None = None, temperature: float | None = None,
         vector=None) -> str:
    """The PyTorch lines for what the Activations page shows."""
    lines = ["import torch", "import torch.nn.functional as F", "",
             f"x = torch.linspace({lo:g}, {hi:g}, 401, requires_grad=True)"]
    for name in names:
        lines += [f"y = {TORCH_NAMES[name]}(x)", "y.sum().backward()  # x.grad now holds the derivative",
                  f"{name}_y, {name}_dy = y.detach(), x.grad.clone()", "x.grad = None"]
    if vector is not None and temperature is not None:
        lines += ["", f"logits = torch.tensor({[float(v) for v in vector]})",
                  f"probs = torch.softmax(logits / {temperature:g}, dim=0)"]
    if lab is not None:
        lines += ["", f"linear = torch.nn.Linear({len(lab.x)}, 1)", "with torch.no_grad():",
                  f"    linear.weight.copy_(torch.tensor([{', '.join(f'{w:.4f}' for w in lab.weight)}]))",
                  f"    linear.bias.fill_({lab.bias[0]:.4f})",
                  f"x = torch.FloatTensor({lab.x})",
                  "out = linear(x)", "print(out)  # tensor([...], grad_fn=<ViewBackward0>)",
                  f"print({TORCH_NAMES[lab.activation]}(out))"]
    return "\n".join(lines)
