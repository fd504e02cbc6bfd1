"""Train: choose data and settings, train in a worker process with live curves, stop, read, save and compare."""

import numpy as np
import pandas as pd
import streamlit as st

from core import checkpoint
from core.data import describe_units
from core.errors import PlaygroundError
from core.training.model import ACTIVATIONS, ModelConfig, parse_hidden
from core.training.run import Job
from core.training.trainer import TrainConfig, config_dict
from dashboard import charts, microscope_panel, models, state, training
from dashboard.i18n import error_text, t
from dashboard.sidebar import seed

LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 10.0]
BATCH_SIZES = [1, 8, 16, 20, 32, 64, 128, 256, 1024]
pool, owner = training.pool(), training.owner()
pool.heartbeat(owner)

st.title(t("tr.title"))
st.markdown(t("tr.intro"))

# --- 1. data ------------------------------------------------------------------------------------------------------
st.header(t("tr.data"))
california = training.california_ok()
sources = ["california", "diabetes", "csv"] if california else ["diabetes", "csv"]
if not california:
    st.warning(t("tr.california_unavailable"), icon=":material/cloud_off:")
labels = {s: t(f"tr.source.{s}") for s in sources}
state.seed("tr_source", sources[0])
if st.session_state["tr_source"] not in sources:
    st.session_state["tr_source"] = sources[0]
source = st.radio(t("tr.source"), sources, format_func=labels.get, key="tr_source", horizontal=True)
state.keep("tr_source")
test_size = 0.2
prepared = None
try:
    if source == "csv":
        upload = st.file_uploader(t("tr.upload"), type=["csv", "txt"], help=t("tr.upload_help"))
        if upload is None:
            st.info(t("tr.upload_first"))
        else:
            raw = upload.getvalue()
            table = training.read_upload(raw, upload.name)
            st.dataframe(table.frame.head(8), height=240)
            numeric = [c for c in table.frame.columns if pd.api.types.is_numeric_dtype(table.frame[c])]
            target = st.selectbox(t("tr.target"), list(table.frame.columns),
                                  index=len(table.frame.columns) - 1 if not numeric else
                                  list(table.frame.columns).index(numeric[-1]), key=f"tr_target_{training.digest(raw)}",
                                  help=t("tr.target_help"))
            prepared = training.prepare_upload(raw, upload.name, target, test_size, seed())
    else:
        prepared = training.builtin(source, test_size, seed())
except PlaygroundError as err:
    state.show_error(err)

if prepared is not None:
    report = prepared.report
    st.caption(t("tr.data_summary", rows=report["rows_used"], train=prepared.info["n_train"],
                 test=prepared.info["n_test"], features=len(prepared.features), target=prepared.info["target"]))
    with st.expander(t("tr.columns")):
        st.markdown(t("tr.columns_used", columns=", ".join(report["numeric"]) or "—"))
        for item in report["encoded"]:
            st.markdown(t("tr.column_encoded", column=item["column"], categories=", ".join(item["categories"])))
        for item in report["dropped"]:
            st.markdown(t(f"tr.drop.{item['code']}", column=item["column"], distinct=item.get("distinct", "")))
        if report["rows_dropped_no_target"]:
            st.markdown(t("tr.rows_dropped", n=report["rows_dropped_no_target"]))
        if report["imputed_train"] + report["imputed_test"]:
            st.markdown(t("tr.imputed", n=report["imputed_train"] + report["imputed_test"]))

# --- 2. settings --------------------------------------------------------------------------------------------------
st.header(t("tr.settings"))
devices = ["auto", "cpu"] + (["cuda"] if training.cuda_available() else [])
with st.form("tr_settings", border=True):
    left, middle, right = st.columns(3)
    hidden_text = left.text_input(t("tr.hidden"), value="128, 128", key="tr_hidden", help=t("tr.hidden_help"))
    activation = left.selectbox(t("tr.activation"), list(ACTIVATIONS), key="tr_activation",
                                help=t("tr.activation_help"))
    dropout = left.slider(t("tr.dropout"), 0.0, 0.8, 0.0, 0.05, key="tr_dropout", help=t("tr.dropout_help"))
    optimizer = middle.selectbox(t("tr.optimizer"), ["adam", "sgd"], format_func=str.capitalize,
                                 key="tr_optimizer", help=t("tr.optimizer_help"))
    lr = middle.select_slider(t("tr.lr"), LEARNING_RATES, value=1e-3, key="tr_lr", format_func=lambda v: f"{v:g}",
                              help=t("tr.lr_help"))
    batch_size = middle.select_slider(t("tr.batch_size"), BATCH_SIZES, value=20, key="tr_batch",
                                      help=t("tr.batch_size_help"))
    epochs = right.number_input(t("tr.epochs"), 1, 500, 20, key="tr_epochs", help=t("tr.epochs_help"))
    device = right.selectbox(t("tr.device"), devices, key="tr_device", help=t("tr.device_help"))
    report_every = right.select_slider(t("tr.report_every"), [10, 25, 50, 100, 200], value=50,
                                       key="tr_report", help=t("tr.report_every_help"))
    start = st.form_submit_button(t("tr.start"), type="primary", disabled=prepared is None)

if start and prepared is not None:
    try:
        hidden = parse_hidden(hidden_text)
        model_config = ModelConfig(n_features=prepared.n_features, hidden=hidden, activation=activation,
                                   dropout=dropout)
        train_config = TrainConfig(epochs=int(epochs), batch_size=int(batch_size), lr=float(lr), optimizer=optimizer,
                                   seed=seed(), device=device, report_every=int(report_every))
        label = f"#{len(pool.runs_of(owner)) + 1} {prepared.info['name']} lr={lr:g} {'-'.join(map(str, hidden))}"
        settings = {"data": prepared.info["name"], "target": prepared.info["target"], "hidden": list(hidden),
                    "activation": activation, "dropout": dropout, "optimizer": optimizer, "lr": lr,
                    "batch_size": int(batch_size), "epochs": int(epochs), "seed": seed(), "device": device}
        run_id = pool.submit(Job(prepared, model_config, train_config, baselines=True), owner, label, settings)
        st.session_state.setdefault("tr_runs", {})[run_id] = {"prepared": prepared,
                                                               "model_config": config_dict(model_config),
                                                               "train_config": config_dict(train_config)}
        st.session_state["tr_current"] = run_id
    except PlaygroundError as err:
        state.show_error(err)

# --- 3. the live run ----------------------------------------------------------------------------------------------
CURVE_LABELS = {"batch": t("tr.curve_batch"), "train": t("tr.curve_train"), "test": t("tr.curve_test"),
                "epoch": t("tr.epoch"), "loss": t("tr.loss_axis")}


def live_run():
    run_id = st.session_state.get("tr_current")
    run = pool.get(run_id, owner) if run_id else None
    if run is None:
        st.info(t("tr.no_run"))
        return
    pool.heartbeat(owner)
    status, stop_col = st.columns([4, 1], vertical_alignment="center")
    if run.active and stop_col.button(t("tr.stop"), type="secondary", width="stretch"):
        pool.stop(run.id, owner)
        st.rerun(scope="fragment")
    epochs = run.settings.get("epochs", 1)
    if run.state == "queued":
        status.info(t("tr.queued", ahead=run.ahead), icon=":material/hourglass_top:")
    elif run.state == "running":
        last, left, speed = run.reports[-1] if run.reports else None, run.seconds_left, run.samples_per_s
        status.progress(run.progress, text=t("tr.progress", epoch=last["epoch"] if last else 1, epochs=epochs,
                                              speed=f"{speed:,.0f}" if speed else "…",
                                              left=f"{left:,.0f}" if left is not None else "…"))
    elif run.state == "error":
        status.error(error_text_of(run.error), icon=":material/error:")
    else:
        status.success(t(f"tr.state.{run.state}", epochs=len(run.history)), icon=":material/check_circle:")
    if run.history:
        m1, m2, m3 = st.columns(3)
        m1.metric(t("tr.test_mae"), f"{run.history[-1]['test_mae']:.4g}")
        m2.metric(t("tr.train_loss"), f"{run.history[-1]['train_loss']:.4g}")
        m3.metric(t("tr.epoch"), f"{run.history[-1]['epoch']} / {epochs}")
    log, smoothing, batches = chart_options()
    st.plotly_chart(live_figure(run, log, smoothing, batches), key="tr_live_chart")
    if not run.active and st.session_state.get("tr_shown") != run.id:
        st.session_state["tr_shown"] = run.id
        st.rerun()  # the run ended: draw the whole page once, with its results


def live_figure(run, log: bool, smoothing: float, batches: bool):
    """The live chart, built again only when the run reported something new or an option changed: the fragment
    redraws every second, and most seconds of a slow run bring nothing new."""
    version = (run.id, len(run.reports), len(run.history), log, smoothing, batches, t("tr.chart_title"))
    cached = st.session_state.get("tr_live_figure")
    if cached is None or cached[0] != version:
        cached = (version, charts.loss_figure([run], CURVE_LABELS, log, smoothing, batches, t("tr.chart_title")))
        st.session_state["tr_live_figure"] = cached
    return cached[1]


def error_text_of(error: dict) -> str:
    err = PlaygroundError(error.get("message", ""), code=error.get("code"), **(error.get("params") or {}))
    return error_text(err)


def chart_options():
    a, b, c = st.columns(3)
    log = a.toggle(t("tr.log_scale"), key="tr_log")
    batches = b.toggle(t("tr.show_batches"), value=True, key="tr_batches")
    smoothing = c.slider(t("tr.smoothing"), 0.0, 0.99, 0.6, 0.01, key="tr_smooth", help=t("tr.smoothing_help"))
    return log, smoothing, batches


st.header(t("tr.live"))
if training.has_active_runs():
    st.fragment(run_every=1.0)(live_run)()  # redraws itself every second while a run goes; the page stays put
else:
    live_run()

# --- 4. results ---------------------------------------------------------------------------------------------------
current = pool.get(st.session_state.get("tr_current", ""), owner)
meta = st.session_state.get("tr_runs", {}).get(current.id) if current else None
if current is not None and current.result is not None and meta is not None:
    result, used = current.result.with_tensors(), meta["prepared"]
    st.header(t("tr.results"))
    units = used.info["units"].get(used.info["target"], "")
    rows = [{t("tr.model"): t("tr.mlp"), "MAE": result.metrics["test_mae"], "RMSE": result.metrics["test_rmse"],
             "R²": result.metrics["test_r2"]}]
    for base in current.baselines or training.baselines(used):  # fitted by the worker; else here
        rows.append({t("tr.model"): t(f"tr.baseline.{base['name']}"), "MAE": base["test_mae"],
                     "RMSE": base["test_rmse"], "R²": base["test_r2"]})
    table = pd.DataFrame(rows)
    if units.startswith("$"):
        table[t("tr.mae_dollars")] = [describe_units(v, units) for v in table["MAE"]]
    st.dataframe(table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                        for c in ("MAE", "RMSE", "R²")})
    st.caption(t("tr.results_caption", target=used.info["target"], units=units or "—"))
    y_pred = np.asarray(result.predictions)
    scatter, hist = st.columns(2)
    scatter.plotly_chart(charts.predicted_vs_actual(used.y_test, y_pred, {
        "title": t("tr.scatter_title"), "actual": t("tr.actual"), "predicted": t("tr.predicted"),
        "points": t("tr.test_rows"), "perfect": t("tr.perfect")}), key="tr_scatter")
    hist.plotly_chart(charts.residual_histogram(used.y_test, y_pred, {
        "title": t("tr.residuals_title"), "x": t("tr.residual"), "y": t("tr.count")}), key="tr_hist")

    # --- 5. save ----------------------------------------------------------------------------------------------
    st.subheader(t("tr.save"))
    name_col, save_col, download_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    name = name_col.text_input(t("tr.checkpoint_name"), value=f"{used.info['name'].removesuffix('.csv')}-run",
                               key=f"tr_name_{current.id}")
    built = checkpoint.build(name=name or "run", model_config=meta["model_config"],
                             train_config=meta["train_config"], prepared=used, result=result)
    if save_col.button(t("tr.save_button"), width="stretch"):
        try:
            path = models.save_mine(built)
            st.success(t("tr.saved", name=path.stem))
        except PlaygroundError as err:
            state.show_error(err)
    download_col.download_button(t("tr.download"), checkpoint.to_bytes(built), file_name=f"{built['name']}.pt",
                                 mime="application/octet-stream", width="stretch")

# --- 6. compare ---------------------------------------------------------------------------------------------------
runs = [r for r in pool.runs_of(owner) if r.history]
if len(runs) > 1:
    st.header(t("tr.compare"))
    log, smoothing = st.session_state.get("tr_log", False), st.session_state.get("tr_smooth", 0.6)
    st.plotly_chart(charts.loss_figure(runs, CURVE_LABELS, log, smoothing, False, t("tr.compare_title")),
                    key="tr_compare_chart")
    st.dataframe(pd.DataFrame([{t("tr.run"): r.label, t("tr.state"): t(f"tr.state_short.{r.state}"),
                                **{k: str(v) for k, v in r.settings.items()},
                                "MAE": r.result.metrics["test_mae"] if r.result else None,
                                "R²": r.result.metrics["test_r2"] if r.result else None} for r in runs]),
                 hide_index=True, placeholder="—")  # a run that ended without a result

# --- 6. the microscope --------------------------------------------------------------------------------------------
if prepared is not None:
    microscope_panel.draw(prepared, float(lr), optimizer, int(batch_size), seed())

# --- 7. the code --------------------------------------------------------------------------------------------------
if prepared is not None:
    with st.expander(t("tr.code")):
        st.caption(t("tr.code_caption"))
        st.code(training.script_for(prepared, source, hidden_text, activation, dropout, optimizer, lr, batch_size,
                                    epochs, seed()), language="python")
