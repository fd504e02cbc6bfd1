"""The Train page's run panels: the live run (progress, Stop, the loss chart, redrawn every second while it goes),
its results beside the baselines, saving or downloading it, and this session's runs compared."""

import numpy as np
import pandas as pd
import streamlit as st

from core import checkpoint
from core.data import describe_units
from core.errors import PlaygroundError
from core.export import export_onnx
from core.training.model import MLP, ModelConfig
from dashboard import (
    charts,
    checkpoints,
    class_panels,
    datasets,
    network_panel,
    runs,
    state,
    sweep_panel,
    transport_panel,
)
from dashboard.i18n import N_, _, error_text, message_text, readable, show_error

ENDED = {"finished": N_("Finished: {epochs} epochs."),
         "stopped": N_("Stopped after {epochs} full epochs; the weights learned so far are kept."),
         "abandoned": N_("Stopped because the page was closed.")}
STATES = {"queued": N_("waiting"), "running": N_("running"), "finished": N_("finished"), "stopped": N_("stopped"),
          "abandoned": N_("closed"), "error": N_("failed")}
BASELINES = {"mean": N_("predict the mean"), "linear": N_("linear regression"),
             "hgb": N_("gradient boosting (HistGradientBoosting)")}


X_AXIS_LABELS = {"epoch": N_("Epoch"), "step": N_("Step (mini-batches)"), "time": N_("Wall time (s)")}


def curve_labels(classifier: bool = False) -> dict:
    labels = {"batch": _("training loss (every N batches)"), "train": _("training loss (epoch)"),
              "test": _("test MSE"), "smoothed": _("smoothed"), "loss": _("loss (MSE, target units²)"),
              "val": _("validation MSE"), "lr": _("learning rate (schedule)"),
              **{axis: message_text(label) for axis, label in X_AXIS_LABELS.items()}}
    if classifier:
        labels |= {"test": _("test log loss"), "val": _("validation log loss"), "loss": _("loss (cross-entropy)")}
    return labels


QUEUED_EVERY = 3.0  # seconds between redraws while the run on show waits: most of a big class's tabs, at once


def live_panel():
    """The run on show; while a run goes it redraws itself every second (every QUEUED_EVERY seconds while it waits
    in the queue), and the rest of the page stays put."""
    if runs.has_active_runs():
        run = runs.current()
        waiting = run is not None and run.state == "queued"
        st.fragment(run_every=QUEUED_EVERY if waiting else 1.0)(_live)(waiting)
    else:
        _live()


def _live(waiting: bool = False):
    run = runs.current()
    if run is None:
        st.info(_("No run yet: choose your settings and press Start."))
        return
    if waiting and run.state != "queued":
        st.rerun()  # its turn came: the page again, redrawing every second from now on
    runs.heartbeat()
    status, pause_col, step_col, stop_col = st.columns([5, 2, 2, 2], vertical_alignment="center")
    if transport_panel.buttons(run, pause_col, step_col, stop_col):
        st.rerun(scope="fragment")
    epochs = run.settings.get("epochs", 1)
    if run.state == "queued":
        status.info(_("Waiting for a free slot ({ahead} ahead). Every worker is training someone's model.",
                      ahead=run.ahead), icon=":material/hourglass_top:")
    elif run.state == "running" and not run.reports:
        status.info(_("Starting: a worker process loads PyTorch and the data, then the first batches report (some "
                      "seconds for the first run on a server)…"), icon=":material/hourglass_top:")
    elif run.state == "running" and run.paused:
        status.info(transport_panel.paused_text(run), icon=":material/pause_circle:")
    elif run.state == "running":
        left, speed = run.seconds_left, run.samples_per_s
        status.progress(run.progress, text=_(
            "Epoch {epoch} of {epochs} · {speed} samples/s · about {left} s left",
            epoch=run.reports[-1]["epoch"] if run.reports else 1, epochs=epochs,
            speed=f"{speed:,.0f}" if speed else "…", left=f"{left:,.0f}" if left is not None else "…"))
    elif run.state == "error":
        status.error(error_text(run.error), icon=":material/error:")
    elif run.info.get("released"):
        status.warning(transport_panel.released_text(), icon=":material/timer_off:")
    else:
        status.success(_(ENDED[run.state], epochs=len(run.history)), icon=":material/check_circle:")
    if run.info.get("restarts"):
        st.caption(_("The cluster lost the worker that trained this run and started it again on another one ({n} "
                     "time(s)). It is seeded, so it learns the same; its curves began again.",
                     n=run.info["restarts"]))
    classifier = class_panels.is_classifier(run)
    if classifier:
        class_panels.live_metrics(run, epochs)
    elif run.history:
        m1, m2, m3 = st.columns(3)
        m1.metric(_("Test MAE"), readable(run.history[-1]["test_mae"]))
        m2.metric(_("Training loss (MSE)"), readable(run.history[-1]["train_loss"]))
        m3.metric(_("Epoch"), f"{run.history[-1]['epoch']} / {epochs}")
    figure = _live_figure(run, *_chart_options(), classifier)
    st.plotly_chart(figure, key="tr_live_chart", config=charts.CONFIG)
    if figure.layout.yaxis.range is not None:  # a sweep's outliers left out of the axis (charts.outlier_free_range)
        st.caption(_("Some points lie above the chart (a member whose loss jumped or diverged), so that the other "
                     "curves stay apart: the log scale, or a double-click on the chart, shows them all."))
    used = runs.trained_on(run)
    network_panel.boundary_panel(run, used and used["prepared"])
    network_panel.network_panel(run, used and used["prepared"])
    if run.history:
        st.download_button(_("Download the curves (CSV)"), data=lambda: charts.curves_csv(run), mime="text/csv",
                           file_name=f"{run.label}-curves.csv", on_click="ignore", key="tr_curves_csv",
                           icon=":material/download:")
    if runs.first_look_at_end(run):
        st.rerun()  # the run ended: draw the whole page once, with its results


CHART_OPTIONS = {"tr_log": False, "tr_batches": True, "tr_smooth": 0.6, "tr_x_axis": "epoch"}  # key → default


def _chart_options() -> tuple[bool, float, bool, str]:
    """The loss chart's options, kept for the session when the page is left and come back to."""
    for key, default in CHART_OPTIONS.items():
        state.seed(key, default)
    a, b, c, d = st.columns(4)
    log = a.toggle(_("Log scale"), key="tr_log")
    batches = b.toggle(_("Every N batches"), key="tr_batches")
    smoothing = c.slider(_("Smoothing"), 0.0, 0.99, step=0.01, key="tr_smooth", help=_(
        "An exponential moving average of the every-N-batches loss, as in TensorBoard, drawn over the raw values; "
        "the per-epoch points are never smoothed. 0 shows the raw values alone."))
    shown = {a: message_text(X_AXIS_LABELS[a]) for a in charts.X_AXES}  # in this run's language, for AppTest too
    axis = d.selectbox(_("x axis"), charts.X_AXES, format_func=shown.get, key="tr_x_axis")
    for key in CHART_OPTIONS:
        state.keep(key)
    return log, smoothing, batches, axis


def _live_figure(run, log: bool, smoothing: float, batches: bool, axis: str, classifier: bool = False):
    """The live chart, built again only when the run reported something new or an option changed: the fragment
    redraws every second, and most seconds of a slow run bring nothing new."""
    version = (run.id, len(run.reports), len(run.history), log, smoothing, batches, axis, _("Loss"))
    cached = st.session_state.get("tr_live_figure")
    if cached is None or cached[0] != version:
        cached = (version, charts.loss_figure([run], curve_labels(classifier), log, smoothing, batches, _("Loss"),
                                              axis))
        st.session_state["tr_live_figure"] = cached
    return cached[1]


def results_panel(run, used: dict) -> None:
    """The finished (or stopped) run's test errors beside the baselines, predicted against actual, residuals."""
    result, prepared = run.result, used["prepared"]
    if prepared.task == "classify":
        return class_panels.results_panel(run, used)
    units = prepared.info["units"].get(prepared.info["target"], "")
    mine = sweep_panel.kept_label(run) if result.sweep else _("your MLP")
    rows = [{_("model"): mine, "MAE": result.metrics["test_mae"], "RMSE": result.metrics["test_rmse"],
             "R²": result.metrics["test_r2"]}]
    for base in run.baselines or datasets.baselines(prepared):  # fitted by the worker; else here
        rows.append({_("model"): message_text(BASELINES[base["name"]]), "MAE": base["test_mae"],
                     "RMSE": base["test_rmse"], "R²": base["test_r2"]})
    table = pd.DataFrame(rows)
    if units.startswith("$"):
        table[_("MAE in dollars")] = [describe_units(v, units) for v in table["MAE"]]
    big = table[["MAE", "RMSE"]].abs().max().max() >= 100  # 35,312 rather than 35312.1234
    # On a phone the model's name stays pinned while the numbers scroll sideways; with three number columns it fits
    # 390 px (tests/browser/test_e2e.py).
    st.dataframe(table, hide_index=True, column_config={
        _("model"): st.column_config.TextColumn(pinned=True, width=160),
        "MAE": st.column_config.NumberColumn(format="localized" if big else "%.4f", width=68),
        "RMSE": st.column_config.NumberColumn(format="localized" if big else "%.4f", width=68),
        "R²": st.column_config.NumberColumn(format="%.3f", width=56)})
    st.caption(_("Test-set errors in {target}'s units ({units}); baselines fitted on the same split.",
                 target=prepared.info["target"], units=units or "—"))
    if result.sweep:
        sweep_panel.sweep_panel(run, prepared.info["n_val"])
    if result.metrics.get("best_epoch"):
        st.caption(_("Validation RMSE {rmse}: the weights of epoch {best} of {epochs}, the best on the {n:,} "
                     "validation rows, were kept (early stopping).", rmse=readable(result.metrics["val_rmse"]),
                     best=result.metrics["best_epoch"], epochs=len(result.history), n=prepared.info["n_val"]))
    _overfitting_note(run, used, result.metrics["test_mae"])
    y_pred = np.asarray(result.predictions)
    scatter, hist = st.columns(2)
    scatter.plotly_chart(charts.predicted_vs_actual(prepared.y_test, y_pred, {
        "title": _("Predicted vs actual (test rows)"), "actual": _("actual"), "predicted": _("predicted"),
        "points": _("test rows"), "perfect": _("perfect prediction")}), key="tr_scatter",
        config=charts.CONFIG)
    hist.plotly_chart(charts.residual_histogram(prepared.y_test, y_pred, {
        "title": _("Residuals (predicted − actual)"), "x": _("residual"), "y": _("rows")}), key="tr_hist",
        config=charts.CONFIG)


def _overfitting_note(run, used: dict, mae: float) -> None:
    """When linear regression beats the MLP on the same test rows (diabetes at the lecture's settings does): say so,
    with the figures that explain it, and what to try."""
    linear = next((b["test_mae"] for b in run.baselines or [] if b["name"] == "linear"), None)
    if linear is None or not linear < mae or not run.history:
        return
    weights = MLP(ModelConfig(**(run.result.model_config or used["model_config"]))).n_parameters()  # as trained
    best = min(run.history, key=lambda h: h["test_mse"])
    st.info(_("Linear regression beats this MLP on the same test rows (MAE {linear} against {mae}). With "
              "{rows:,} training rows and {weights:,} weights, the network can learn the training rows' noise: "
              "overfitting. Its test MSE was lowest at epoch {best} of {epochs}. Try fewer epochs, a smaller network "
              "(e.g. 16, 16) or dropout, and compare again.", linear=readable(linear), mae=readable(mae),
              rows=used["prepared"].info["n_train"], weights=weights, best=best["epoch"], epochs=len(run.history)),
            icon=":material/lightbulb:")


def save_panel(run, used: dict) -> None:
    """Save the run as this browser's checkpoint, or download it; the file is built only when one is asked for."""
    st.subheader(_("Save the model"))
    name_col, save_col, download_col, onnx_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    typed = name_col.text_input(_("Checkpoint name"), value=f"{used['prepared'].info['name'].removesuffix('.csv')}-run",
                                key=f"tr_name_{run.id}")
    try:
        name, bad_name = checkpoint.sanitize_name(typed or "run"), None
    except PlaygroundError as err:
        name, bad_name = None, err

    def build() -> dict:  # also called by the download button's handler, outside this script run: no session state
        # a sweep's result is its best member alone: its own config (run.result.model_config), not the sweep's
        return checkpoint.build(name=name, model_config=run.result.model_config or used["model_config"],
                                train_config=used["train_config"],
                                prepared=used["prepared"], result=run.result.with_tensors())

    if save_col.button(_("Save"), width="stretch"):
        try:
            if bad_name:
                raise bad_name
            st.success(_("Saved as {name}: it is now on the Predict page.", name=checkpoints.save_mine(build()).stem))
        except PlaygroundError as err:
            show_error(err)
    download_col.download_button(_("Download .pt"), lambda: checkpoint.to_bytes(build()), file_name=f"{name}.pt",
                                 mime="application/octet-stream", width="stretch", on_click="ignore",
                                 disabled=bad_name is not None)
    onnx_col.download_button(_("Download .onnx"), lambda: export_onnx(build()), file_name=f"{name}.onnx",
                             mime="application/octet-stream", width="stretch", on_click="ignore",
                             disabled=bad_name is not None,
                             help=_("The model as ONNX, for Netron (to see its graph) or onnxruntime: input the "
                                    "encoded features, output the prediction in the target's units. Exporting takes "
                                    "some seconds."))


def compare_panel() -> None:
    """This session's runs side by side, once there are two with an epoch behind them."""
    mine = [r for r in runs.mine() if r.history]
    if len(mine) < 2:
        return
    st.header(_("Compare runs"))
    log, smoothing = st.session_state.get("tr_log", False), st.session_state.get("tr_smooth", 0.6)
    axis = st.session_state.get("tr_x_axis", "epoch")
    labels = curve_labels(all(class_panels.is_classifier(r) for r in mine))
    st.plotly_chart(charts.loss_figure(mine, labels, log, smoothing, False, _("This session's runs"), axis),
                    key="tr_compare_chart", config=charts.CONFIG)
    st.dataframe(pd.DataFrame([{_("run"): r.label, _("state"): message_text(STATES[r.state]),
                                **{k: str(v) for k, v in r.settings.items()},
                                **_compared(r)} for r in mine]),
                 hide_index=True, placeholder="—")  # a run that ended without a result


def _compared(run) -> dict:
    """A run's test figures for the comparison table: a regressor's MAE and R², a classifier's accuracy."""
    metrics = run.result.metrics if run.result else {}
    if "test_accuracy" in metrics:
        return {_("accuracy"): metrics["test_accuracy"], _("log loss"): metrics["test_log_loss"]}
    # a sweep's figures are the member's it kept: which one
    kept = {_("member kept"): sweep_panel.kept_member(run)} if run.result is not None and run.result.sweep else {}
    return kept | {"MAE": metrics.get("test_mae"), "R²": metrics.get("test_r2")}
