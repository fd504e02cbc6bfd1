"""Two presets, one click (or ``--preset``) each: every setting of the data split, the model and the training.

- ``lecture``: the seed notebook's settings, which are the config dataclasses' own defaults (80/20 split, standard
  scaling, 128-128 ReLU MLP, Adam at 0.001, batch 20, 20 epochs). Nothing else.
- ``strong``: the recipe of the tabular deep-learning papers (Gorishniy et al. 2021 and 2022, TabM 2025),
  tuned on California housing here (bench/bench_quality.py measures it): a validation split for early stopping,
  quantile-normal features, piecewise-linear embeddings, AdamW with weight decay, batch 256, and an ensemble of
  members trained as one batched model.

A preset is a flat dict of setting → value, named as the dataclasses' fields and the CLI's options are, so the CLI
and the Train page fill the same names; anything set explicitly overrides a preset's value.
"""

from dataclasses import fields

from core.data.prepare import DataConfig
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig

CONFIGS = (DataConfig, ModelConfig, TrainConfig)
_NOT_SETTINGS = {"n_features", "n_numeric", "n_outputs", "exclude", "keep", "scale_target", "device", "report_every",
                 "max_steps", "seed"}  # filled from the data, or not part of the recipe

STRONG = {
    "val_size": 0.2,  # with test_size 0.2: 64/16/20, the papers' split
    "feature_transform": "quantile",
    "embedding": "piecewise",
    "embedding_bins": 32,
    "embedding_dim": 16,
    "hidden": (128, 128),
    "dropout": 0.0,
    "ensemble": 8,
    "optimizer": "adamw",
    "lr": 1e-3,
    "weight_decay": 1e-4,
    "batch_size": 256,
    "epochs": 200,
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
