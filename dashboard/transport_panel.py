"""The Train page's transport (issue 15), as TensorFlow Playground has it, for the real run in its worker: Pause,
One step and Resume beside Stop while it goes, and "continue for N more epochs" once it has ended."""

import streamlit as st

from core.training.trainer import TrainConfig
from dashboard import runs
from dashboard.i18n import _
from dashboard.train_panels import PAGE_EPOCHS

MAX_EPOCHS = 10_000  # TrainConfig's own limit, over the earlier epochs and the new ones together


def buttons(run, pause_col, step_col, stop_col) -> bool:
    """Pause (or Resume), One step (while paused) and Stop for a running run; True when one was pressed."""
    pressed = False
    if run.state == "running" and run.reports:
        if not run.paused and pause_col.button(_("Pause"), width="stretch", icon=":material/pause:", key="tr_pause",
                                               help=_("Hold the run after its current step.")):
            runs.pause(run)
            pressed = True
        if run.paused and pause_col.button(_("Resume"), type="primary", width="stretch", key="tr_resume",
                                           icon=":material/play_arrow:"):
            runs.resume(run)
            pressed = True
        if run.paused and step_col.button(_("One step"), width="stretch", icon=":material/skip_next:", key="tr_step",
                                          help=_("One mini-batch: zero_grad, backward, step; then the charts show "
                                                 "what it changed.")):
            runs.step(run)
            pressed = True
    if run.active and stop_col.button(_("Stop"), type="secondary", width="stretch", key="tr_stop"):
        runs.stop(run)
        pressed = True
    return pressed


def paused_text(run) -> str:
    last = run.reports[-1]
    return _("Paused at epoch {epoch}, step {step}. One step trains on one mini-batch and shows it; Resume goes on. "
             "A paused run keeps its worker for at most {minutes} minutes without a step, then stops, keeping what "
             "it learned, so that others' runs are not held up.", epoch=last["epoch"], step=f"{last['step']:,}",
             minutes=f"{runs.pool().pause_limit / 60:g}")


def released_text() -> str:
    return _("Paused for over {minutes} minutes without a step, so the run was stopped to free its worker for "
             "others. Its weights are kept: continue it below.", minutes=f"{runs.pool().pause_limit / 60:g}")


def continue_panel(run, used: dict) -> None:
    """Train the ended run on for more epochs: a new run that starts where this one ended and draws on its curves."""
    resume = getattr(run.result, "resume", None)
    done = len(run.result.history)
    if run.active or resume is None or done >= MAX_EPOCHS:
        return
    with st.form(f"tr_continue_{run.id}", border=False, enter_to_submit=False):
        more_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
        more = more_col.number_input(_("More epochs"), min_value=1, max_value=min(PAGE_EPOCHS, MAX_EPOCHS - done),
                                     value=min(TrainConfig.epochs, MAX_EPOCHS - done), step=1, key=f"tr_more_{run.id}")
        pressed = button_col.form_submit_button(_("Continue training"), icon=":material/fast_forward:")
    st.caption(_("Trains on from where this run ended, as if it had been asked for more epochs in the first place: "
                 "its weights, the optimizer's state (Adam's moving averages) and the shuffling go on; a learning-"
                 "rate schedule is stretched over the longer run. This run stays as it is; the continuation is a "
                 "new run, drawn from epoch {epoch} on.", epoch=done + 1))
    if pressed:
        runs.continue_run(run, used, int(more))
        st.rerun()
