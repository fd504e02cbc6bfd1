"""The events one run reports, defined once: the trainer's ``EventSink`` and ``execute`` make them, a worker process
sends them, and the pool applies them to the run's ``RunState``. Each is a plain dict (picklable, any process)
with its kind under ``"event"``:

- ``begin``: epochs, batches_per_epoch, n_train, n_test, device;
- ``report``: every ``TrainConfig.report_every`` batches, ``REPORT_FIELDS`` (loss: the mean training loss over
  those batches, in the target's units squared; seconds since the start);
- ``epoch``: one per finished epoch, the history record (epoch, step, train_loss, test_mse, test_mae, seconds, ...);
- ``done``: the last event of a run that trained, with its portable ``TrainResult`` and the baselines (or None);
- ``error``: the last event of a run that could not train: ``ERROR_FIELDS``, the English message with the template
  and params it was made from (so a page can translate it), and a traceback for bugs.
"""

BEGIN, REPORT, EPOCH, DONE, ERROR = "begin", "report", "epoch", "done", "error"
FINAL = (DONE, ERROR)
REPORT_FIELDS = ("epoch", "batch", "step", "loss", "seconds")
ERROR_FIELDS = ("message", "template", "advice", "code", "params")


def begin(**info) -> dict:
    return {"event": BEGIN, **info}


def report(epoch: int, batch: int, step: int, loss: float, seconds: float, members: list | None = None,
           network: dict | None = None) -> dict:
    """``members``: a sweep's per-member losses over the same batches (None for one that diverged); ``network``:
    the network view's figures (core/training/probe.py), where the run watches its network."""
    event = {"event": REPORT, "epoch": epoch, "batch": batch, "step": step, "loss": loss, "seconds": seconds}
    extra = {k: v for k, v in (("members", members), ("network", network)) if v is not None}
    return event | extra


NETWORK_FIGURES = ("weight_norm", "grad_norm", "update_ratio", "act_mean", "act_std", "dead")


def network_figures(event: dict) -> dict:
    """A report's network view without its matrices and unit values: what a chart over the steps needs."""
    return {"step": event["step"], "epoch": event["epoch"],
            "layers": [{k: layer[k] for k in NETWORK_FIGURES} for layer in event["network"]["layers"]]}


def epoch(record: dict) -> dict:
    return {"event": EPOCH, **record}


def done(result, baselines: list | None) -> dict:
    return {"event": DONE, "result": result, "baselines": baselines}


def error(message: str, code: str, params: dict | None = None, template: str | None = None,
          advice: str | None = None, traceback: str | None = None) -> dict:
    event = {"event": ERROR, "message": message, "template": template or message, "advice": advice, "code": code,
             "params": dict(params or {})}
    return event if traceback is None else {**event, "traceback": traceback}


def payload(event: dict) -> dict:
    """The event's fields without its kind."""
    return {k: v for k, v in event.items() if k != "event"}
