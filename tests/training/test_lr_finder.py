"""The learning-rate range test: rates that grow geometrically from start to end, a stop on divergence, a
suggestion a tenth of where the loss was lowest, the same curve for the same seed, and the command line's report."""

import json
import math

import pytest

from core.errors import ConfigError
from core.training.lr_finder import LRFinderConfig, find_lr, suggest
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig


@pytest.fixture(scope="module")
def curve(diabetes_prepared):
    return find_lr(diabetes_prepared, ModelConfig(n_features=diabetes_prepared.n_features),
                   TrainConfig(device="cpu"))


def test_the_rate_grows_geometrically_from_start_towards_end(curve):
    config = LRFinderConfig()
    assert curve.lrs[0] == pytest.approx(config.start_lr)
    ratios = [b / a for a, b in zip(curve.lrs, curve.lrs[1:])]
    assert all(r == pytest.approx((config.end_lr / config.start_lr) ** (1 / (config.steps - 1))) for r in ratios)
    assert len(curve.lrs) == len(curve.losses) == len(curve.raw) <= config.steps


def test_it_stops_once_the_loss_blows_up(curve):
    assert curve.stopped_early  # up to 10 diverges on this data
    assert curve.losses[-1] > LRFinderConfig().diverge * min(curve.losses[:-1]) or not math.isfinite(curve.losses[-1])


def test_the_suggestion_is_a_tenth_of_the_rate_at_the_lowest_loss(curve):
    lowest = min(range(len(curve.losses)), key=curve.losses.__getitem__)
    assert curve.suggestion == pytest.approx(curve.lrs[lowest] / 10)
    assert curve.lrs[0] < curve.suggestion < curve.lrs[-1]


def test_the_same_seed_draws_the_same_curve(diabetes_prepared, curve):
    again = find_lr(diabetes_prepared, ModelConfig(n_features=diabetes_prepared.n_features),
                    TrainConfig(device="cpu"))
    assert again.losses == curve.losses and again.suggestion == curve.suggestion


def test_no_suggestion_when_the_loss_never_falls():
    assert suggest([1e-3, 1e-2, 1e-1, 1.0], [1.0, 1.1, 1.5, 9.0]) is None
    assert suggest([1e-3, 1e-2, 1e-1, 1.0], [1.0, 0.5, 0.2, 9.0]) == pytest.approx(1e-2)


@pytest.mark.parametrize("bad", [{"start_lr": 1.0, "end_lr": 0.1}, {"steps": 5}, {"end_lr": 1e3}])
def test_impossible_ranges_are_refused(bad):
    with pytest.raises(ConfigError):
        LRFinderConfig(**bad)


def test_the_command_line_suggests_a_rate(capsys):
    from core.cli import main

    assert main(["lr-find", "--dataset", "diabetes", "--quiet", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["suggestion"] > 0 and report["steps"] == len(report["lrs"])
    assert main(["lr-find", "--dataset", "diabetes", "--quiet"]) == 0
    assert "Suggested learning rate" in capsys.readouterr().out


def test_with_a_sweep_selected_the_range_test_is_one_models(diabetes_prepared):
    single = find_lr(diabetes_prepared, ModelConfig(n_features=10), TrainConfig(device="cpu"))
    swept = find_lr(diabetes_prepared, ModelConfig(n_features=10, ensemble=3),
                    TrainConfig(device="cpu", sweep="lr", sweep_values=(1e-3, 1e-2, 0.1)))
    assert swept.losses == single.losses and swept.suggestion == single.suggestion
