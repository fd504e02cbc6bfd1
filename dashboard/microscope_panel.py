"""The Train page's "training step under a microscope": one mini-batch through one step, phase by phase."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.errors import PlaygroundError
from core.lessons.microscope import Microscope
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig
from dashboard import state
from dashboard.i18n import t


def _scope(prepared, lr: float, optimizer: str, batch_size: int, seed: int) -> Microscope:
    """This session's microscope for these data and settings (rebuilt when they change, or on Reset)."""
    key = (prepared.info["name"], prepared.info["target"], prepared.info["seed"], prepared.n_features, lr, optimizer,
           batch_size, seed)
    kept = st.session_state.get("tr_scope")
    if kept is None or kept[0] != key:
        scope = Microscope(prepared, ModelConfig(n_features=prepared.n_features, hidden=(16, 8)),
                           TrainConfig(lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed))
        st.session_state["tr_scope"] = (key, scope, [])
    return st.session_state["tr_scope"]


def draw(prepared, lr: float, optimizer: str, batch_size: int, seed: int):
    st.header(t("mic.title"))
    st.markdown(t("mic.intro"))
    try:
        key, scope, traces = _scope(prepared, lr, optimizer, batch_size, seed)
    except PlaygroundError as err:
        state.show_error(err)
        return
    v = scope.vocabulary()
    st.markdown(t("mic.vocabulary", X_train=v["X_train"], X_test=v["X_test"], y_train=v["y_train"],
                  y_test=v["y_test"], batch=v["batch_size"], batches=v["batches_per_epoch"], n=v["n_train"]))
    toggle_col, step_col, reset_col = st.columns([3, 1, 1], vertical_alignment="center")
    zero_grad = toggle_col.toggle(t("mic.zero_grad"), value=True, key="mic_zero_grad", help=t("mic.zero_grad_help"))
    if step_col.button(t("mic.step"), type="primary", width="stretch"):
        traces.append(scope.step(zero_grad=zero_grad))
    if reset_col.button(t("mic.reset"), width="stretch"):
        st.session_state.pop("tr_scope", None)
        st.rerun()
    st.code(scope.code(zero_grad), language="python")
    if not traces:
        st.info(t("mic.first_step"))
        return
    trace = traces[-1]
    st.subheader(t("mic.step_title", step=trace.step, epoch=trace.epoch, batch=trace.batch,
                   batches=trace.batches_per_epoch))
    f, lo = trace.forward, trace.loss
    st.markdown(t("mic.forward", shape=f.inputs_shape, out=f.outputs_shape))
    st.dataframe(pd.DataFrame({t("mic.prediction"): f.predictions, t("mic.actual"): f.targets}), hide_index=True)
    st.markdown(t("mic.loss", value=lo.value, units=lo.value_units))
    b = trace.backward
    st.markdown(t("mic.backward_accumulated" if b.accumulated else "mic.backward", total=b.total_norm,
                  own=b.own_total_norm))
    st.dataframe(pd.DataFrame([{t("mic.param"): p.name, "shape": str(p.shape), t("mic.grad_norm"): p.norm,
                                t("mic.own_norm"): p.own_norm, t("mic.first_values"): str(
                                    [round(x, 5) for x in p.values])} for p in b.params]), hide_index=True)
    u = trace.update
    st.markdown(t("mic.update", optimizer=u.optimizer, lr=u.lr, total=u.total_update_norm))
    st.dataframe(pd.DataFrame([{t("mic.param"): p.name, t("mic.update_norm"): p.update_norm,
                                t("mic.max_change"): p.max_abs_change, t("mic.weight_norm"): p.weight_norm}
                               for p in u.params]), hide_index=True)
    z = trace.zero_grad
    if z.called:
        st.success(t("mic.cleared"), icon=":material/restart_alt:")
    else:
        st.warning(t("mic.kept", norm=z.kept_norm), icon=":material/stacks:")
    if len(traces) > 1:
        figure = go.Figure()
        figure.add_scatter(x=[tr.step for tr in traces], y=[tr.backward.total_norm for tr in traces],
                           name=t("mic.grad_in_grad"), mode="lines+markers")
        figure.add_scatter(x=[tr.step for tr in traces], y=[tr.backward.own_total_norm for tr in traces],
                           name=t("mic.grad_own"), mode="lines+markers", line={"dash": "dash"})
        figure.update_layout(title=t("mic.chart_title"), xaxis_title=t("mic.step_axis"), height=300,
                             margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.3})
        st.plotly_chart(figure, key="mic_chart")
