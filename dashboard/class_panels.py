"""The Train page's panels for a classifier (issue 15): the live figures, and the results beside the majority class,
logistic regression and gradient boosting, with the confusion matrix and each class's precision and recall."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.training.classify import class_report
from dashboard import charts, datasets
from dashboard.i18n import N_, _, message_text, readable

BASELINES = {"majority": N_("always the majority class"), "logistic": N_("logistic regression"),
             "hgb": N_("gradient boosting (HistGradientBoosting)")}


def is_classifier(run) -> bool:
    return bool(run.history) and "test_accuracy" in run.history[0]


def live_metrics(run, epochs: int) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(_("Test accuracy"), f"{run.history[-1]['test_accuracy']:.3f}")
    m2.metric(_("Training loss (cross-entropy)"), readable(run.history[-1]["train_loss"]))
    m3.metric(_("Epoch"), f"{run.history[-1]['epoch']} / {epochs}")


def results_panel(run, used: dict) -> None:
    result, prepared = run.result, used["prepared"]
    rows = [{_("model"): _("your MLP"), _("accuracy"): result.metrics["test_accuracy"],
             _("log loss"): result.metrics["test_log_loss"]}]
    for base in run.baselines or datasets.baselines(prepared):
        rows.append({_("model"): message_text(BASELINES[base["name"]]), _("accuracy"): base["test_accuracy"],
                     _("log loss"): base["test_log_loss"]})
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        _("model"): st.column_config.TextColumn(pinned=True, width=180),
        _("accuracy"): st.column_config.NumberColumn(format="%.3f"),
        _("log loss"): st.column_config.NumberColumn(format="%.4f")})
    st.caption(_("Accuracy: the share of test rows whose most probable class is the right one. Log loss: the "
                 "cross-entropy of the predicted probabilities, lower is better (it also punishes confident "
                 "mistakes). Baselines fitted on the same split."))
    if result.metrics.get("best_epoch"):
        st.caption(_("Validation log loss {loss}: the weights of epoch {best} of {epochs}, the best on the {n:,} "
                     "validation rows, were kept (early stopping).", loss=readable(result.metrics["val_log_loss"]),
                     best=result.metrics["best_epoch"], epochs=len(result.history), n=prepared.info["n_val"]))
    report = class_report(prepared.y_test, result.predictions, prepared.classes)
    matrix, table = st.columns(2)
    matrix.plotly_chart(confusion_figure(report["confusion"], prepared.classes, {
        "title": _("Confusion matrix (test rows)"), "true": _("true class"), "predicted": _("predicted class")}),
        key="tr_confusion", config=charts.CONFIG)
    counts = prepared.info["class_counts"]
    table.dataframe(pd.DataFrame([{_("class"): c["class"], _("training rows"): counts[c["class"]],
                                   _("precision"): c["precision"], _("recall"): c["recall"],
                                   _("test rows"): c["support"]} for c in report["per_class"]]), hide_index=True,
                    column_config={_("precision"): st.column_config.NumberColumn(format="%.3f"),
                                   _("recall"): st.column_config.NumberColumn(format="%.3f")})
    table.caption(_("Precision: of the rows predicted as the class, the share that are. Recall: of the rows of the "
                    "class, the share found."))


def confusion_figure(confusion: list, classes: list[str], labels: dict) -> go.Figure:
    """Rows: the true class; columns: the predicted one; each cell's count written in it."""
    data = [{"type": "heatmap", "z": confusion, "x": classes, "y": classes, "colorscale": "Blues",
             "text": [[str(n) for n in row] for row in confusion], "texttemplate": "%{text}", "showscale": False}]
    layout = {"title": charts.chart_title(labels["title"]), "height": 320,
              "xaxis": {"title": {"text": labels["predicted"]}, "type": "category"},
              "yaxis": {"title": {"text": labels["true"]}, "autorange": "reversed", "type": "category"},
              **charts.LAYOUT}
    return go.Figure(data=data, layout=layout)
