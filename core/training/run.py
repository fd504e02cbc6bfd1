"""One training run as plain data in, plain data out: what a worker process executes.

The app never trains in a thread of its server process (threads fight over the GIL and stall every page); it sends
a ``Job`` to a worker process, which calls ``execute``. Everything in a ``Job`` and every event is picklable:
configs are dataclasses of plain fields, data are NumPy arrays, results are lists, floats and CPU tensors.
"""

import traceback
from dataclasses import dataclass

import torch

from core.data import Prepared
from core.errors import N_, PlaygroundError
from core.messages import render
from core.training import events
from core.training.callbacks import EventSink, StopOnEvent
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer


@dataclass
class Job:
    prepared: Prepared
    model_config: ModelConfig
    train_config: TrainConfig
    threads: int = 1  # torch threads in the worker: one per run keeps runs from slowing each other
    baselines: bool = False  # also fit the baselines on the same split, in the worker (core.baselines)
    task: str = "train"  # or "lr_find": the learning-rate range test on these settings (core/training/lr_finder.py)
    resume: object = None  # a portable TrainResult to train on from (its weights, optimizer state, epochs and steps)


def set_threads(threads: int) -> None:
    """Torch's intra-op threads for this process (a process-wide setting: call it only where the process is yours)."""
    if threads and threads > 0 and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def execute(job: Job, emit, stop=None, callbacks=()) -> None:
    """Train ``job`` and report through ``emit(dict)``; the last event is ``done`` (with a portable
    ``TrainResult``: call ``with_tensors()`` on it) or ``error`` (with a message and its code).

    ``stop`` is any object with ``is_set()`` (a ``multiprocessing.Event``): the run ends within one report
    interval and keeps what it has learned; a ``Transport`` (core/training/transport.py) also pauses and steps it.
    Meant to be the body of a worker process; it owns that process's thread count (the trainer seeds and restores
    the global RNG that dropout uses itself).
    """
    set_threads(job.threads)
    sinks = [EventSink(emit), *callbacks] + ([StopOnEvent(stop)] if stop is not None else [])
    try:
        if job.task == "lr_find":  # seconds of steps, no epochs: its result is the curve and the suggestion
            from core.training.lr_finder import find_lr

            emit(events.done(find_lr(job.prepared, job.model_config, job.train_config), None))
            return
        transport = stop if hasattr(stop, "holding") else None
        resume = job.resume.with_tensors() if job.resume is not None else None
        result = Trainer(job.model_config, job.train_config, sinks, transport).fit(job.prepared, resume)
    except PlaygroundError as err:
        emit(events.error(str(err), code=err.code, params=err.params, template=err.template, advice=err.advice))
        return
    except Exception as err:  # a bug, not bad input: report it so the page can show it without hanging
        internal, detail = N_("Internal error: {detail}"), f"{type(err).__name__}: {err}"
        emit(events.error(render(internal, {"detail": detail}), code="internal", params={"detail": detail},
                          template=internal, traceback=traceback.format_exc()))
        return
    emit(events.done(result.portable(),  # receiver: result.with_tensors()
                     _baselines(job.prepared) if job.baselines else None))


def _baselines(prepared: Prepared) -> list[dict] | None:
    """The baselines for the result, fitted here rather than in the server, where a class's fits loaded it
    (docs/performance.md). None if they fail: the result still stands, and the page can fit them itself."""
    from core.training.baselines import baselines

    try:
        return baselines(prepared)
    except Exception:
        return None
