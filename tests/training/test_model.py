import pytest
import torch
from torch import nn

from core.errors import ConfigError
from core.training.model import ACTIVATIONS, MLP, ModelConfig


def test_default_is_the_lectures_mlp():
    model = MLP(ModelConfig(n_features=8))
    assert [(l.in_features, l.out_features) for l in model.hidden] == [(8, 128), (128, 128)]
    assert (model.out.in_features, model.out.out_features) == (128, 1)
    assert isinstance(model.act, nn.ReLU)
    assert model.n_parameters() == 8 * 128 + 128 + 128 * 128 + 128 + 128 + 1


@pytest.mark.parametrize("hidden", [(4,), (16, 8), (32, 16, 8)])
@pytest.mark.parametrize("batch", [1, 20])
def test_output_shape(hidden, batch):
    model = MLP(ModelConfig(n_features=5, hidden=hidden))
    assert model(torch.randn(batch, 5)).shape == (batch, 1)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_forward_matches_layers_applied_by_hand(name):
    model = MLP(ModelConfig(n_features=3, hidden=(6, 4), activation=name))
    x = torch.randn(7, 3)
    act = ACTIVATIONS[name]()
    expected = model.out(act(model.hidden[1](act(model.hidden[0](x)))))
    torch.testing.assert_close(model(x), expected)


def test_dropout_is_active_in_train_mode_only():
    model = MLP(ModelConfig(n_features=4, hidden=(256,), dropout=0.5))
    x = torch.randn(32, 4)
    model.eval()
    torch.testing.assert_close(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))


def test_seeded_initialisation_is_reproducible_and_independent_of_global_rng():
    a, b = MLP(ModelConfig(n_features=8)), MLP(ModelConfig(n_features=8))
    a.reset_parameters(torch.Generator().manual_seed(3))
    torch.manual_seed(12345)  # another user's global seed must not matter
    b.reset_parameters(torch.Generator().manual_seed(3))
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        torch.testing.assert_close(pa, pb, msg=name)
    b.reset_parameters(torch.Generator().manual_seed(4))
    assert not torch.equal(a.hidden[0].weight, b.hidden[0].weight)


def test_initialisation_has_nn_linear_bounds():
    model = MLP(ModelConfig(n_features=16, hidden=(64,)))
    model.reset_parameters(torch.Generator().manual_seed(0))
    bound = 1 / 16 ** 0.5
    assert model.hidden[0].weight.abs().max() <= bound
    assert model.hidden[0].bias.abs().max() <= bound


@pytest.mark.parametrize("kwargs", [
    {"n_features": 0},
    {"hidden": ()},
    {"hidden": (0,)},
    {"hidden": (10_000,)},
    {"hidden": (8,) * 9},
    {"activation": "swish2"},
    {"dropout": 1.0},
    {"dropout": -0.1},
])
def test_bad_config_is_a_clear_error(kwargs):
    with pytest.raises(ConfigError):
        ModelConfig(**kwargs)
