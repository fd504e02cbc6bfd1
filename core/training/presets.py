"""Two presets, one click (or ``--preset``) each: every setting of the data split, the model and the training.

- ``lecture``: the seed notebook's settings, which are the config dataclasses' own defaults (80/20 split, standard
  scaling, 128-128 ReLU MLP, Adam at 0.001, batch 20, 20 epochs). Nothing else.
- ``strong``: the recipe of the tabular deep-learning papers (Gorishniy et al. 2021 and 2022, TabM 2025),
  tuned on California housing here (bench/bench_quality.py measures it): a validation split for early stopping,
  quantile-normal features, periodic embeddings, AdamW with weight decay, batch 256, and an ensemble of
  members trained as one batched model.

A preset is a flat dict of setting → value, named as the dataclasses' fields and the CLI's options are, so the CLI
and the Train page fill the same names; anything set explicitly overrides a preset's value.
"""

from dataclasses import fields
from pathlib import Path

from core.data.prepare import DataConfig
from core.errors import N_
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig

CONFIGS = (DataConfig, ModelConfig, TrainConfig)
_NOT_SETTINGS = {"n_features", "n_numeric", "n_outputs", "exclude", "keep", "scale_target", "task", "device",
                 "report_every", "max_steps", "seed", "sweep", "sweep_values"}  # from the data, or not the recipe's

STRONG = {
    "val_size": 0.2,  # with test_size 0.2: 64/16/20, the papers' split
    "feature_transform": "quantile",
    "embedding": "periodic",  # periodic beat piecewise-linear here: 0.430 against 0.437 (issue 14's note)
    "embedding_bins": 16,  # frequencies
    "embedding_dim": 16,
    "hidden": (128, 128),
    "dropout": 0.0,
    "ensemble": 8,
    "optimizer": "adamw",
    "lr": 8e-3,  # higher than one model's best: the ensemble's mean averages out the noisier members
    "weight_decay": 1e-4,
    "batch_size": 256,
    "epochs": 45,  # at most: about 55 s on one CPU thread (bench/bench_quality.py); early stopping may end sooner
    "patience": 16,
}


def settings() -> dict:
    """Every preset-able setting with its default (the lecture's value)."""
    return {f.name: getattr(config(), f.name) for config in CONFIGS for f in fields(config)
            if f.name not in _NOT_SETTINGS}


PRESETS = {"lecture": settings(), "strong": settings() | STRONG}


def split(values: dict) -> tuple[dict, dict, dict]:
    """Flat settings → the keyword arguments of DataConfig, ModelConfig and TrainConfig."""
    return tuple({f.name: values[f.name] for f in fields(config) if f.name in values} for config in CONFIGS)


def preset_configs(values: dict, prepared, seed: int = 0, device: str = "cpu"):
    """The ModelConfig and TrainConfig of flat settings for prepared data (the data part goes to DataConfig first)."""
    _data, model, train = split(values)
    return (ModelConfig(**model, **prepared.shape),
            TrainConfig(**train, seed=seed, device=device))


# The tricks ladder: from the lecture to the strong preset, one trick at a time (bench/bench_quality.py --ladder
# measures each rung; the Train page shows its table). Each rung adds its settings to the rungs before it.
LADDER = (
    (N_("the lecture's settings"), {}),
    (N_("+ validation split, early stopping (batch 256, up to 45 epochs)"),
     {"val_size": 0.2, "patience": 16, "batch_size": 256, "epochs": 45}),
    (N_("+ quantile transform of the features"), {"feature_transform": "quantile"}),
    (N_("+ periodic embeddings"), {"embedding": "periodic", "embedding_bins": 16, "embedding_dim": 16}),
    (N_("+ AdamW, weight decay 1e-4"), {"optimizer": "adamw", "weight_decay": 1e-4}),
    (N_("+ learning rate 0.008 (too high for one model: noisier, more varied members)"), {"lr": 8e-3}),
    (N_("+ ensemble of 8, trained as one batched model"), {"ensemble": 8}),
)


# Tricks the Strong preset leaves out, each measured as a change to it: what they would have cost or gained.
ASIDES = (
    (N_("Strong, with a cosine schedule instead of a constant rate"), {"schedule": "cosine"}),
    (N_("Strong, with piecewise-linear embeddings instead of periodic"), {"embedding": "piecewise",
                                                                        "embedding_bins": 32}),
    (N_("Strong, with robust scaling instead of the quantile transform"), {"feature_transform": "robust"}),
)
LADDER_FILE = Path(__file__).resolve().parents[2] / "docs" / "ladder.json"  # bench/bench_quality.py --write


def ladder() -> list[tuple[str, dict]]:
    """(rung, its whole settings), cumulative from the lecture's."""
    out, values = [], dict(PRESETS["lecture"])
    for name, added in LADDER:
        values = values | added
        out.append((name, dict(values)))
    return out
