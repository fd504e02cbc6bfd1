"""Activation curves, derivatives, softmax and the nn.Linear lab against torch as the reference."""

import pytest
import torch
import torch.nn.functional as F

from core.errors import ConfigError
from core.lessons import activations

REFERENCE = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "leaky_relu": F.leaky_relu,
             "elu": F.elu, "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus}


@pytest.mark.parametrize("name", list(activations.FUNCTIONS))
def test_curve_and_autograd_derivative_match_torch(name):
    curve = activations.curves([name], -4, 4, 81)[name]
    x = torch.tensor(curve["x"], dtype=torch.float64)
    torch.testing.assert_close(torch.tensor(curve["y"], dtype=torch.float64), REFERENCE[name](x))
    # derivative against a central finite difference (ReLU-like kinks at 0 excluded)
    h = 1e-6
    numeric = (REFERENCE[name](x + h) - REFERENCE[name](x - h)) / (2 * h)
    away = x.abs() > 1e-3
    torch.testing.assert_close(torch.tensor(curve["dy"], dtype=torch.float64)[away], numeric[away], atol=1e-5,
                               rtol=1e-4)


def test_known_derivatives():
    c = activations.curves(["sigmoid", "tanh", "relu"], -1, 1, 3)
    assert c["sigmoid"]["dy"][1] == pytest.approx(0.25)
    assert c["tanh"]["dy"][1] == pytest.approx(1.0)
    assert c["relu"]["dy"] == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("kwargs,code", [
    ({"names": ["swish"]}, "unknown_activation"),
    ({"names": ["relu"], "lo": 3, "hi": 1}, "bad_range"),
    ({"names": ["relu"], "lo": -1e9, "hi": 1}, "bad_range"),
])
def test_bad_curve_requests(kwargs, code):
    with pytest.raises(ConfigError) as err:
        activations.curves(**kwargs)
    assert err.value.code == code


def test_points_are_capped():
    assert len(activations.curves(["relu"], -1, 1, 10**9)["relu"]["x"]) == activations.MAX_POINTS


def test_softmax_matches_torch_and_temperature_flattens():
    v = [1.0, 2.0, 3.0, 0.5]
    probs = activations.softmax(v, 1.0)
    torch.testing.assert_close(torch.tensor(probs, dtype=torch.float64),
                               torch.softmax(torch.tensor(v, dtype=torch.float64), 0))
    assert sum(probs) == pytest.approx(1.0)
    hot, cold = activations.softmax(v, 10.0), activations.softmax(v, 0.1)
    assert max(hot) - min(hot) < max(probs) - min(probs) < max(cold) - min(cold)
    assert cold[2] > 0.99


@pytest.mark.parametrize("values,temperature", [([], 1.0), ([1.0] * 51, 1.0), ([1.0], 0.0), ([1.0], 1000)])
def test_softmax_bad_input(values, temperature):
    with pytest.raises(ConfigError):
        activations.softmax(values, temperature)


def test_linear_lab_is_the_lectures_layer():
    lab = activations.linear_lab(seed=0)
    assert lab.x == [0.0, 1.0, 1.0, 1.0] and len(lab.weight) == 4 and len(lab.bias) == 1
    expected = sum(w * x for w, x in zip(lab.weight, lab.x)) + lab.bias[0]
    assert lab.output == pytest.approx(expected, abs=1e-6)
    assert lab.activated == pytest.approx(torch.sigmoid(torch.tensor(expected)).item(), abs=1e-6)
    assert lab.grad_fn.endswith("Backward0>") and lab.activated_grad_fn == "<SigmoidBackward0>"
    bound = 0.5  # nn.Linear(4, 1): U(-1/sqrt(4), 1/sqrt(4))
    assert all(abs(w) <= bound for w in lab.weight)
    assert activations.linear_lab(seed=0) == lab and activations.linear_lab(seed=1) != lab


def test_linear_lab_with_edited_weights():
    lab = activations.linear_lab(weight=[1, 2, 3, 4], bias=0.5, activation="relu")
    assert lab.output == pytest.approx(2 + 3 + 4 + 0.5)
    assert lab.activated == pytest.approx(9.5) and lab.activated_grad_fn == "<ReluBackward0>"
    with pytest.raises(ConfigError):
        activations.linear_lab(weight=[1, 2])


def test_code_panel_runs_and_reproduces_the_lab():
    lab = activations.linear_lab(seed=3, activation="tanh")
    source = activations.code(["relu", "gelu"], -3, 3, lab=lab, temperature=2.0, vector=[1, 2])
    namespace = {}
    exec(compile(source, "<code panel>", "exec"), namespace)  # the test runs it; the app never does
    assert namespace["out"].item() == pytest.approx(lab.output, abs=1e-3)
    torch.testing.assert_close(namespace["relu_dy"], (torch.linspace(-3, 3, 401) > 0).float())
