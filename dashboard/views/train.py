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
from dashboard.i18n import N_, _, error_text, message_text
from dashboard.sidebar import seed

LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 10.0]
BATCH_SIZES = [1, 8, 16, 20, 32, 64, 128, 256, 1024]
SOURCE_LABELS = {"california": N_("California housing (the lecture's)"), "diabetes": N_("Diabetes (bundled, offline)"),
                 "csv": N_("Your CSV")}
ENDED = {"finished": N_("Finished: {epochs} epochs."),
         "stopped": N_("Stopped after {epochs} full epochs; the weights learned so far are kept."),
         "abandoned": N_("Stopped because the page was closed.")}
STATES = {"queued": N_("waiting"), "running": N_("running"), "finished": N_("finished"), "stopped": N_("stopped"),
          "abandoned": N_("closed"), "error": N_("failed")}
BASELINES = {"mean": N_("predict the mean"), "linear": N_("linear regression"),
             "hgb": N_("gradient boosting (HistGradientBoosting)")}
pool, owner = training.pool(), training.owner()
pool.heartbeat(owner)

st.title(_("Train an MLP regressor"))
st.markdown(_("Choose data and settings, press Start, and watch the model learn: the loss (MSE) on the training "
              "batches and on the held-out test rows, live. Training runs in a separate worker process, so this "
              "page stays responsive."))

# --- 1. data ------------------------------------------------------------------------------------------------------
st.header(_("1. Data"))
california = training.california_ok()
sources = ["california", "diabetes", "csv"] if california else ["diabetes", "csv"]
if not california:
    st.warning(_("The California housing data is not cached here and cannot be downloaded (no network), so the "
                 "bundled diabetes data is selected instead. Connect once and scikit-learn downloads and caches it "
                 "(about 400 kB)."), icon=":material/cloud_off:")
labels = {s: _(SOURCE_LABELS[s]) for s in sources}
state.seed("tr_source", sources[0])
if st.session_state["tr_source"] not in sources:
    st.session_state["tr_source"] = sources[0]
source = st.radio(_("Data set"), sources, format_func=labels.get, key="tr_source", horizontal=True)
state.keep("tr_source")
test_size = 0.2
prepared = None
try:
    if source == "csv":
        upload = st.file_uploader(_("Upload a CSV (comma or semicolon separated; UTF-8 or CP949)"), type=["csv", "txt"], help=_("Up to 50 MB, 500,000 rows and 200 "
                                                                              "columns. Numeric columns become "
                                                                              "features; text columns with at most "
                                                                              "20 distinct values are one-hot "
                                                                              "encoded."))
        if upload is None:
            st.info(_("Upload a CSV file to see its preview and choose the column to predict."))
        else:
            raw = upload.getvalue()
            table = training.read_upload(raw, upload.name)
            st.dataframe(table.frame.head(8), height=240)
            numeric = [c for c in table.frame.columns if pd.api.types.is_numeric_dtype(table.frame[c])]
            target = st.selectbox(_("Target: the column to predict"), list(table.frame.columns),
                                  index=len(table.frame.columns) - 1 if not numeric else
                                  list(table.frame.columns).index(numeric[-1]), key=f"tr_target_{training.digest(raw)}",
                                  help=_("A numeric column. Every other usable column becomes a feature."))
            prepared = training.prepare_upload(raw, upload.name, target, test_size, seed())
    else:
        prepared = training.builtin(source, test_size, seed())
except PlaygroundError as err:
    state.show_error(err)

if prepared is not None:
    report = prepared.report
    st.caption(_("{rows:,} rows used: {train:,} for training (X_train, y_train), {test:,} held out for testing "
                 "(X_test, y_test); {features} features; predicting {target}.", rows=report["rows_used"], train=prepared.info["n_train"],
                 test=prepared.info["n_test"], features=len(prepared.features), target=prepared.info["target"]))
    with st.expander(_("Columns used, encoded and dropped")):
        st.markdown(_("Numeric features: {columns}", columns=", ".join(report["numeric"]) or "—"))
        for item in report["encoded"]:
            st.markdown(_("**{column}**: text, one-hot encoded ({categories})", column=item["column"], categories=", ".join(item["categories"])))
        for item in report["dropped"]:
            st.markdown(_("**{column}** dropped: {reason}", column=item["column"],
                          reason=message_text(item["template"], item)))
        if report["rows_dropped_no_target"]:
            st.markdown(_("{n:,} rows without a target value were dropped.", n=report["rows_dropped_no_target"]))
        if report["imputed_train"] + report["imputed_test"]:
            st.markdown(_("{n:,} empty feature cells were filled from the training split (median, or most frequent "
                          "text).", n=report["imputed_train"] + report["imputed_test"]))

# --- 2. settings --------------------------------------------------------------------------------------------------
st.header(_("2. Model and training"))
devices = ["auto", "cpu"] + (["cuda"] if training.cuda_available() else [])
with st.form("tr_settings", border=True):
    left, middle, right = st.columns(3)
    hidden_text = left.text_input(_("Hidden layers"), value="128, 128", key="tr_hidden", help=_("Sizes separated by "
                                                                                            "commas: 128, 128 is "
                                                                                            "two nn.Linear layers "
                                                                                            "of 128 units."))
    activation = left.selectbox(_("Activation"), list(ACTIVATIONS), key="tr_activation",
                                help=_("Applied after every hidden layer; ReLU is the lecture's."))
    dropout = left.slider(_("Dropout"), 0.0, 0.8, 0.0, 0.05, key="tr_dropout", help=_("Share of hidden units "
                                                                                         "zeroed at random while "
                                                                                         "training; fights "
                                                                                         "overfitting."))
    optimizer = middle.selectbox(_("Optimizer"), ["adam", "sgd"], format_func=str.capitalize,
                                 key="tr_optimizer", help=_("Adam (the lecture's) adapts each weight's step; SGD "
                                                            "uses momentum 0.9."))
    lr = middle.select_slider(_("Learning rate"), LEARNING_RATES, value=1e-3, key="tr_lr", format_func=lambda v: f"{v:g}",
                              help=_("How far each step moves the weights. 0.001 is the lecture's; 10 makes the "
                                     "loss explode."))
    batch_size = middle.select_slider(_("Batch size"), BATCH_SIZES, value=20, key="tr_batch",
                                      help=_("Rows per mini-batch: one zero_grad/backward/step each. The lecture "
                                             "uses 20."))
    epochs = right.number_input(_("Epochs"), 1, 500, 20, key="tr_epochs", help=_("Passes over X_train, "
                                                                                    "reshuffled each time."))
    device = right.selectbox(_("Device"), devices, key="tr_device", help=_("auto picks CUDA when present, else "
                                                                              "the CPU."))
    report_every = right.select_slider(_("Plot every N batches"), [10, 25, 50, 100, 200], value=50,
                                       key="tr_report", help=_("How often the training loss is sent to the chart "
                                                               "(and a Stop is noticed)."))
    start = st.form_submit_button(_("Start training"), type="primary", disabled=prepared is None)

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
CURVE_LABELS = {"batch": _("training loss (every N batches)"), "train": _("training loss (epoch)"), "test": _("test MSE"),
                "epoch": _("Epoch"), "loss": _("loss (MSE, target units²)")}


def live_run():
    run_id = st.session_state.get("tr_current")
    run = pool.get(run_id, owner) if run_id else None
    if run is None:
        st.info(_("No run yet: choose your settings and press Start."))
        return
    pool.heartbeat(owner)
    status, stop_col = st.columns([4, 1], vertical_alignment="center")
    if run.active and stop_col.button(_("Stop"), type="secondary", width="stretch"):
        pool.stop(run.id, owner)
        st.rerun(scope="fragment")
    epochs = run.settings.get("epochs", 1)
    if run.state == "queued":
        status.info(_("Waiting for a free slot ({ahead} ahead). Every worker is training someone's model.", ahead=run.ahead), icon=":material/hourglass_top:")
    elif run.state == "running":
        last, left, speed = run.reports[-1] if run.reports else None, run.seconds_left, run.samples_per_s
        status.progress(run.progress, text=_("Epoch {epoch} of {epochs} · {speed} samples/s · about {left} s left", epoch=last["epoch"] if last else 1, epochs=epochs,
                                              speed=f"{speed:,.0f}" if speed else "…",
                                              left=f"{left:,.0f}" if left is not None else "…"))
    elif run.state == "error":
        status.error(error_text(run.error), icon=":material/error:")
    else:
        status.success(_(ENDED[run.state], epochs=len(run.history)), icon=":material/check_circle:")
    if run.history:
        m1, m2, m3 = st.columns(3)
        m1.metric(_("Test MAE"), f"{run.history[-1]['test_mae']:.4g}")
        m2.metric(_("Training loss (MSE)"), f"{run.history[-1]['train_loss']:.4g}")
        m3.metric(_("Epoch"), f"{run.history[-1]['epoch']} / {epochs}")
    log, smoothing, batches = chart_options()
    st.plotly_chart(live_figure(run, log, smoothing, batches), key="tr_live_chart")
    if not run.active and st.session_state.get("tr_shown") != run.id:
        st.session_state["tr_shown"] = run.id
        st.rerun()  # the run ended: draw the whole page once, with its results


def live_figure(run, log: bool, smoothing: float, batches: bool):
    """The live chart, built again only when the run reported something new or an option changed: the fragment
    redraws every second, and most seconds of a slow run bring nothing new."""
    version = (run.id, len(run.reports), len(run.history), log, smoothing, batches, _("Loss"))
    cached = st.session_state.get("tr_live_figure")
    if cached is None or cached[0] != version:
        cached = (version, charts.loss_figure([run], CURVE_LABELS, log, smoothing, batches, _("Loss")))
        st.session_state["tr_live_figure"] = cached
    return cached[1]


def chart_options():
    a, b, c = st.columns(3)
    log = a.toggle(_("Log scale"), key="tr_log")
    batches = b.toggle(_("Every N batches"), value=True, key="tr_batches")
    smoothing = c.slider(_("Smoothing"), 0.0, 0.99, 0.6, 0.01, key="tr_smooth", help=_("An exponential moving "
                                                                                          "average, as in "
                                                                                          "TensorBoard: 0 shows "
                                                                                          "the raw values."))
    return log, smoothing, batches


st.header(_("3. Training"))
if training.has_active_runs():
    st.fragment(run_every=1.0)(live_run)()  # redraws itself every second while a run goes; the page stays put
else:
    live_run()

# --- 4. results ---------------------------------------------------------------------------------------------------
current = pool.get(st.session_state.get("tr_current", ""), owner)
meta = st.session_state.get("tr_runs", {}).get(current.id) if current else None
if current is not None and current.result is not None and meta is not None:
    result, used = current.result.with_tensors(), meta["prepared"]
    st.header(_("4. Results"))
    units = used.info["units"].get(used.info["target"], "")
    rows = [{_("model"): _("your MLP"), "MAE": result.metrics["test_mae"], "RMSE": result.metrics["test_rmse"],
             "R²": result.metrics["test_r2"]}]
    for base in current.baselines or training.baselines(used):  # fitted by the worker; else here
        rows.append({_("model"): message_text(BASELINES[base["name"]]), "MAE": base["test_mae"],
                     "RMSE": base["test_rmse"], "R²": base["test_r2"]})
    table = pd.DataFrame(rows)
    if units.startswith("$"):
        table[_("MAE in dollars")] = [describe_units(v, units) for v in table["MAE"]]
    st.dataframe(table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                        for c in ("MAE", "RMSE", "R²")})
    st.caption(_("Test-set errors in {target}'s units ({units}); baselines fitted on the same split.", target=used.info["target"], units=units or "—"))
    y_pred = np.asarray(result.predictions)
    scatter, hist = st.columns(2)
    scatter.plotly_chart(charts.predicted_vs_actual(used.y_test, y_pred, {
        "title": _("Predicted vs actual (test rows)"), "actual": _("actual"), "predicted": _("predicted"),
        "points": _("test rows"), "perfect": _("perfect prediction")}), key="tr_scatter")
    hist.plotly_chart(charts.residual_histogram(used.y_test, y_pred, {
        "title": _("Residuals (predicted − actual)"), "x": _("residual"), "y": _("rows")}), key="tr_hist")

    # --- 5. save ----------------------------------------------------------------------------------------------
    st.subheader(_("Save the model"))
    name_col, save_col, download_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    name = name_col.text_input(_("Checkpoint name"), value=f"{used.info['name'].removesuffix('.csv')}-run",
                               key=f"tr_name_{current.id}")
    built = checkpoint.build(name=name or "run", model_config=meta["model_config"],
                             train_config=meta["train_config"], prepared=used, result=result)
    if save_col.button(_("Save"), width="stretch"):
        try:
            path = models.save_mine(built)
            st.success(_("Saved as {name}: it is now on the Predict page.", name=path.stem))
        except PlaygroundError as err:
            state.show_error(err)
    download_col.download_button(_("Download .pt"), checkpoint.to_bytes(built), file_name=f"{built['name']}.pt",
                                 mime="application/octet-stream", width="stretch")

# --- 6. compare ---------------------------------------------------------------------------------------------------
runs = [r for r in pool.runs_of(owner) if r.history]
if len(runs) > 1:
    st.header(_("Compare runs"))
    log, smoothing = st.session_state.get("tr_log", False), st.session_state.get("tr_smooth", 0.6)
    st.plotly_chart(charts.loss_figure(runs, CURVE_LABELS, log, smoothing, False, _("This session's runs")),
                    key="tr_compare_chart")
    st.dataframe(pd.DataFrame([{_("run"): r.label, _("state"): _(STATES[r.state]),
                                **{k: str(v) for k, v in r.settings.items()},
                                "MAE": r.result.metrics["test_mae"] if r.result else None,
                                "R²": r.result.metrics["test_r2"] if r.result else None} for r in runs]),
                 hide_index=True, placeholder="—")  # a run that ended without a result

# --- 6. the microscope --------------------------------------------------------------------------------------------
if prepared is not None:
    microscope_panel.draw(prepared, float(lr), optimizer, int(batch_size), seed())

# --- 7. the code --------------------------------------------------------------------------------------------------
if prepared is not None:
    with st.expander(_("The code: the same training as a plain PyTorch script")):
        st.caption(_("Runnable as it stands: data loading and scaling, the model class with __init__ and forward, "
                     "the loop with shuffling and mini-batches, evaluation, and saving the state_dict."))
        st.code(training.script_for(prepared, source, hidden_text, activation, dropout, optimizer, lr, batch_size,
                                    epochs, seed()), language="python")
