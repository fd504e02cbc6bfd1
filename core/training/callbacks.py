"""Callbacks: how the trainer reports progress and how it is stopped.

The trainer calls ``notify(name, **kw)``; each callback has a no-op method for every event and overrides the ones
it cares about. Stopping is an exception: a callback raises ``StopTraining`` (the Stop button, an early stop) or
``TrainingDiverged`` (a NaN loss), and the trainer still runs ``on_train_end``.
"""

import math
import sys

from core.errors import N_, TrainingDiverged
from core.training import events


class StopTraining(Exception):
    """Raised by a callback to end a run early; what was learned so far is kept."""

    def __init__(self, reason: str = "stopped"):
        super().__init__(reason)
        self.reason = reason


class Callback:
    """Base class. Every method receives the trainer first, then the event's data as keywords."""

    def on_train_begin(self, trainer, **kw):
        pass

    def on_epoch_begin(self, trainer, epoch, **kw):
        pass

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        """Every ``TrainConfig.report_every`` batches (and at an epoch's last batch); ``loss`` is the mean training
        loss over the batches since the last report."""

    def on_epoch_end(self, trainer, record, **kw):
        pass

    def on_train_end(self, trainer, result, **kw):
        pass


class DivergenceCheck(Callback):
    """Ends the run with a clear error when the training loss is NaN, infinite, or exploding.

    Exploding: more than ``factor`` times the loss of always predicting the mean (the variance of the training
    target). Adam at learning rate 10 rarely reaches NaN; it oscillates at losses 10⁴–10¹⁰ times that, which is
    divergence all the same.
    """

    def __init__(self, factor: float = 1000.0):
        self.factor = factor

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        baseline = getattr(trainer, "baseline_mse", None)
        exploded = baseline is not None and baseline > 0 and loss > self.factor * baseline
        if math.isfinite(loss) and not exploded:
            return
        lr = trainer.train_config.lr
        params = {"loss": str(loss), "epoch": epoch, "step": step, "lr": lr, "lower": lr / 10}
        if not math.isfinite(loss):
            raise TrainingDiverged(N_("Training diverged: the loss became {loss} at epoch {epoch}, step {step} "
                                      "(learning rate {lr:g}). Lower the learning rate (try {lower:g}) and train "
                                      "again."), code="diverged", **params)
        raise TrainingDiverged(N_("Training diverged: the loss reached {value:.3g}, over {factor:,.0f} times the loss "
                                  "of always predicting the mean ({baseline:.3g}) at epoch {epoch}, step {step} "
                                  "(learning rate {lr:g}). Lower the learning rate (try {lower:g}) and train again."),
                               code="diverged", value=loss, factor=self.factor, baseline=baseline, **params)


class StopOnEvent(Callback):
    """Stops the run when ``event.is_set()``: a ``threading.Event`` or a ``multiprocessing.Event``."""

    def __init__(self, event):
        self.event = event

    def _check(self):
        if self.event.is_set():
            raise StopTraining("stopped")

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self._check()

    def on_epoch_end(self, trainer, record, **kw):
        self._check()


class EventSink(Callback):
    """Turns events into plain dicts for ``emit`` (a queue's ``put``): how a worker process streams progress."""

    def __init__(self, emit):
        self.emit = emit

    def on_train_begin(self, trainer, **kw):
        self.emit(events.begin(**kw))

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.emit(events.report(epoch, batch, step, loss, kw["seconds"], kw.get("members"), kw.get("network")))

    def on_epoch_end(self, trainer, record, **kw):
        self.emit(events.epoch(record))


class ProgressBar(Callback):
    """A tqdm progress bar over epochs on stderr, with the latest losses; for the command line."""

    def __init__(self, file=sys.stderr):
        self.file = file
        self.bar = None

    def on_train_begin(self, trainer, **kw):
        from tqdm import tqdm

        self.bar = tqdm(total=kw["epochs"] * kw["batches_per_epoch"], file=self.file, unit="batch",
                        desc="training", dynamic_ncols=True, leave=True)

    def on_report(self, trainer, epoch, batch, step, loss, **kw):
        self.bar.update(step - self.bar.n)
        self.bar.set_postfix_str(f"epoch {epoch} loss {loss:.4g}", refresh=False)

    def on_epoch_end(self, trainer, record, **kw):
        self.bar.update(record["step"] - self.bar.n)
        self.bar.set_postfix_str(f"epoch {record['epoch']} loss {record['train_loss']:.4g} "
                                 f"test MAE {record['test_mae']:.4g}")

    def on_train_end(self, trainer, result, **kw):
        if self.bar is not None:
            self.bar.close()
