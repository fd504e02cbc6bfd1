"""Continuing a run for more epochs (issue 15's "continue for N more epochs"): what a finished or stopped run keeps
so that training can go on from where it ended, and putting it back into a new trainer.

A run keeps its last weights (not the early-stopping best it reports, where that differs), its optimizer's state
(Adam's moving averages and step count, SGD's momentum), each member's shuffling generator, the global RNG that
dropout draws from, the epochs and steps done and the seconds taken, and the best epoch so far. So continuing a run
of E epochs for N more, on a constant learning rate, gives the very weights one run of E + N epochs gives
(tests/training/test_transport.py). A schedule is planned over the whole new length, so it is stretched, not
repeated. A run stopped mid-epoch continues with the next full epoch; the steps it took are kept in its weights.
Sweeps end as their best member alone, without a sweep's optimizer: they are not continued.
"""

import numpy as np
import torch

from core.errors import N_, ConfigError


def capture(trainer, optimizer, step: int, seconds: float, last_weights: dict | None) -> dict:
    """What ``restore`` needs to train on from here. ``last_weights``: the final weights where the result holds the
    best epoch's instead (early stopping), else None (the result's own weights are the last)."""
    cuda = trainer.device.type == "cuda"
    return {"epoch": len(trainer.history), "step": step, "seconds": seconds, "weights": last_weights,
            "optimizer": optimizer.state(), "generators": [g.get_state() for g in trainer.generators],
            "rng": torch.get_rng_state(), "cuda_rng": torch.cuda.get_rng_state(trainer.device) if cuda else None,
            "best": trainer.best and {k: v for k, v in trainer.best.items() if k != "state"} | {
                "state": {k: v.detach().cpu().clone() for k, v in trainer.best["state"].items()}}}


def restore(trainer, optimizer, result) -> tuple[int, int, float]:
    """Puts ``result``'s state (a ``TrainResult`` with ``resume``, tensors on the CPU) into ``trainer``, whose model
    and optimizer are freshly built for the same settings. Returns the epochs and steps done and the seconds taken.
    """
    state = result.resume
    if state is None or trainer.train_config.sweep:
        raise ConfigError(N_("This run cannot be continued (a sweep ends as its best member alone): start a new run "
                             "instead."), code="resume_none")
    try:
        trainer.model.load_state_dict(state["weights"] or result.state_dict)
        optimizer.load(state["optimizer"])
        if len(state["generators"]) != len(trainer.generators):
            raise ValueError("another number of members")
    except (RuntimeError, ValueError, KeyError) as err:
        raise ConfigError(N_("The run to continue does not fit these settings ({detail}): continue it with the "
                             "settings it was trained with."), code="resume_mismatch", detail=str(err)[:200]) from err
    for generator, saved in zip(trainer.generators, state["generators"]):
        generator.set_state(saved)
    torch.set_rng_state(state["rng"])
    if state["cuda_rng"] is not None and trainer.device.type == "cuda":
        torch.cuda.set_rng_state(state["cuda_rng"], trainer.device)
    best = state["best"]
    trainer.best = best and best | {"state": {k: v.to(trainer.device) for k, v in best["state"].items()}}
    trainer.history = [dict(h) for h in result.history]
    return state["epoch"], state["step"], state["seconds"]


def to_numpy(tree):
    """Tensors anywhere in a dict/list tree as NumPy arrays (pickled by value across processes)."""
    if isinstance(tree, torch.Tensor):
        return tree.detach().cpu().numpy()
    if isinstance(tree, dict):
        return {k: to_numpy(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(to_numpy(v) for v in tree)
    return tree


def to_tensors(tree):
    """The inverse of ``to_numpy``."""
    if isinstance(tree, np.ndarray):
        return torch.from_numpy(tree.copy())
    if isinstance(tree, dict):
        return {k: to_tensors(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(to_tensors(v) for v in tree)
    return tree
