"""The Train page's "training step under a microscope": one mini-batch through one step, phase by phase."""

import pandas as pd
import streamlit as st

from core.errors import PlaygroundError
from core.lessons.microscope import Microscope
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig
from dashboard import charts
from dashboard.i18n import N_, _, show_error

BACKWARD = N_("**Backward**: every parameter now has a `.grad` (all together: norm {total:.4g}).")
BACKWARD_ACCUMULATED = N_("**Backward, accumulated**: `zero_grad()` was skipped, so `.grad` holds this batch's "
                          "gradient (norm {own:.4g}) plus the earlier ones: norm {total:.4g}.")


def _scope(prepared, config: TrainConfig) -> Microscope:
    """This session's microscope for these data and settings (rebuilt when they change, or on Reset)."""
    key = (prepared.info["name"], prepared.info["target"], prepared.info["seed"], prepared.n_features, config)
    kept = st.session_state.get("tr_scope")
    if kept is None or kept[0] != key:
        scope = Microscope(prepared, ModelConfig(n_features=prepared.n_features, hidden=(16, 8)), config)
        st.session_state["tr_scope"] = (key, scope, [])
    return st.session_state["tr_scope"]


def draw(prepared, choices, seed: int):
    """The panel, with the settings form's learning rate, optimizer and batch size (``choices``) and the seed."""
    st.header(_("One training step under a microscope"))
    st.markdown(_("Walk one mini-batch through one step: forward → loss → `loss.backward()` (the gradients appear) "
                  "→ `optimizer.step()` (the weights move) → `optimizer.zero_grad()` (the gradients are cleared). "
                  "A small model (16, 8) keeps the numbers readable; the data and optimizer settings are the ones "
                  "above."))
    try:
        config = TrainConfig(lr=float(choices.lr), optimizer=choices.optimizer, batch_size=int(choices.batch_size),
                             seed=seed)
        key, scope, traces = _scope(prepared, config)
    except PlaygroundError as err:
        show_error(err)
        return
    v = scope.vocabulary()
    st.markdown(_("`X_train` {X_train}, `y_train` {y_train} for learning; `X_test` {X_test}, `y_test` {y_test} "
                  "held out. With batch size {batch}, one epoch (one pass over the {n} rows of `X_train`) is "
                  "{batches} steps.", X_train=v["X_train"], X_test=v["X_test"], y_train=v["y_train"],
                  y_test=v["y_test"], batch=v["batch_size"], batches=v["batches_per_epoch"], n=v["n_train"]))
    toggle_col, step_col, reset_col = st.columns([3, 1, 1], vertical_alignment="center")
    zero_grad = toggle_col.toggle(_("Call optimizer.zero_grad() after each step"), value=True, key="mic_zero_grad",
                                  help=_("Switch it off and watch .grad pile up: backward adds to what is already "
                                         "there."))
    if step_col.button(_("Take one step"), type="primary", width="stretch"):
        with st.spinner(_("One step: forward, loss, backward, optimizer.step() (the first one also sets up autograd "
                          "and the optimizer, a few seconds)…"), show_time=True):
            traces.append(scope.step(zero_grad=zero_grad))
    if reset_col.button(_("Reset"), width="stretch"):
        st.session_state.pop("tr_scope", None)
        st.rerun()
    st.code(scope.code(zero_grad, say=_), language="python")
    if not traces:
        st.info(_("Press “Take one step”."))
        return
    trace = traces[-1]
    st.subheader(_("Step {step}: epoch {epoch}, mini-batch {batch} of {batches}", step=trace.step, epoch=trace.epoch,
                   batch=trace.batch, batches=trace.batches_per_epoch))
    f, lo = trace.forward, trace.loss
    st.markdown(_("**Forward**: `model(xb)` maps the batch {shape} to predictions {out}. The first rows:",
                  shape=f.inputs_shape, out=f.outputs_shape))
    st.dataframe(pd.DataFrame({_("prediction"): f.predictions, _("actual"): f.targets}), hide_index=True)
    st.markdown(_("**Loss**: MSE {value:.4f} on the standardised target ({units:.4g} in the target's units²).",
                  value=lo.value, units=lo.value_units))
    b = trace.backward
    st.markdown(_(BACKWARD_ACCUMULATED if b.accumulated else BACKWARD, total=b.total_norm, own=b.own_total_norm))
    st.dataframe(pd.DataFrame([{_("parameter"): p.name, "shape": str(p.shape), _(".grad norm"): p.norm,
                                _("this batch's own"): p.own_norm, _("first values of .grad"): str(
                                    [round(x, 5) for x in p.values])} for p in b.params]), hide_index=True)
    u = trace.update
    st.markdown(_("**Step**: `optimizer.step()` ({optimizer}, learning rate {lr:g}) moved the weights by "
                  "{total:.4g} in all.", optimizer=u.optimizer, lr=u.lr, total=u.total_update_norm))
    st.dataframe(pd.DataFrame([{_("parameter"): p.name, _("change (norm)"): p.update_norm,
                                _("largest change"): p.max_abs_change, _("weight norm"): p.weight_norm}
                               for p in u.params]), hide_index=True)
    z = trace.zero_grad
    if z.called:
        st.success(_("**zero_grad**: the gradients are cleared; the next backward starts from nothing."),
                   icon=":material/restart_alt:")
    else:
        st.warning(_("**zero_grad skipped**: `.grad` keeps a norm of {norm:.4g}; the next backward adds to it. "
                     "This is why the training loop calls `zero_grad()` every step.", norm=z.kept_norm),
                   icon=":material/stacks:")
    if len(traces) > 1:
        figure = charts.gradient_steps([tr.step for tr in traces], [tr.backward.total_norm for tr in traces],
                                       [tr.backward.own_total_norm for tr in traces],
                                       {"grad": _("norm of .grad"), "own": _("norm of each batch's own gradient"),
                                        "title": _("Gradients step by step"), "step": _("step")})
        st.plotly_chart(figure, key="mic_chart", config=charts.CONFIG)
