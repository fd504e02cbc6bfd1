"""The Train page's learning-rate finder: the range test run in a worker (like a training run, under an owner of its
own so it never joins the session's runs), its curve, and the suggestion one click from the settings form."""

import math

import streamlit as st

from core.errors import PlaygroundError
from core.training.run import Job
from dashboard import charts, runs
from dashboard.i18n import _, readable, show_error
from dashboard.identity import browser
from dashboard.train_panels import LEARNING_RATES

FINDER = "tr_lr_finder"  # session key: the range test's run id


def _owner() -> str:
    return f"{browser()}/lr-find"


def nearest_rate(lr: float) -> float:
    """The settings slider's rate nearest to ``lr`` on a log scale."""
    return min(LEARNING_RATES, key=lambda r: abs(math.log10(r) - math.log10(lr)))


def _use(lr: float):
    st.session_state["tr_lr"] = lr  # a callback: before the form is drawn again


def draw(prepared, choices, seed: int) -> None:
    with st.expander(_("Find a learning rate (the range test)")):
        st.markdown(_("Trains a fresh copy of this model for up to 100 mini-batches while the learning rate grows "
                      "from 1e-7 to 10, and watches the loss (Smith's range test, as fastai's `lr_find`). Where the "
                      "loss falls fastest the rate is useful; where it shoots up the rate is too large. The "
                      "suggestion is a tenth of the rate at the lowest loss."))
        if st.button(_("Run the range test"), key="tr_lr_find_start"):
            try:
                model_config, train_config = choices.configs(prepared.shape, seed)
                job = Job(prepared, model_config, train_config, task="lr_find")
                st.session_state[FINDER] = runs.pool().submit(job, _owner(), "lr-find")
            except PlaygroundError as err:  # a setting out of range
                show_error(err)
        run_id = st.session_state.get(FINDER)
        run = runs.pool().get(run_id, _owner()) if run_id else None
        if run is not None and run.active:
            _waiting()
        elif run is not None:
            _result(run)


@st.fragment(run_every=1.0)
def _waiting():
    """While the test runs (a second or so, longer when the workers are busy): a word, and the heartbeat that keeps
    it from being abandoned; then the whole page again, with the result."""
    run = runs.pool().get(st.session_state.get(FINDER), _owner())
    runs.pool().heartbeat(_owner())
    if run is None or not run.active:
        st.rerun()
    st.info(_("Running the range test in a worker process…"), icon=":material/hourglass_top:")


def _result(run) -> None:
    if run.state == "error":
        show_error(run.error)
        return
    found = run.result
    st.plotly_chart(charts.lr_finder_figure(found.lrs, found.losses, found.suggestion, {
        "title": _("The range test"), "lr": _("learning rate (log scale)"),
        "loss": _("smoothed loss (MSE of the standardised target)"), "suggested": _("suggested")}),
        key="tr_lr_chart", config=charts.CONFIG)
    if found.suggestion is None:
        st.warning(_("The loss never fell, so there is no rate to suggest. Check the data and the model."))
        return
    slider = nearest_rate(found.suggestion)
    st.success(_("Suggested learning rate: **{lr}** ({steps} steps{ended}).", lr=readable(found.suggestion),
                 steps=len(found.lrs), ended=_(", stopped when the loss blew up") if found.stopped_early else ""))
    st.button(_("Use {lr} (the nearest rate on the slider)", lr=f"{slider:g}"), key="tr_lr_use",
              on_click=_use, args=(slider,))
