"""Plotly figures the pages share: loss curves (live and compared), predicted-vs-actual, residuals."""

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

COLORS = qualitative.D3  # plotly.colors, not plotly.express: that import slows every server start
LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "legend": {"orientation": "h", "y": -0.2}}


def smooth(values, weight: float) -> list[float]:
    """TensorBoard's smoothing: an exponential moving average, debiased so the first points are not dragged to 0."""
    out, last, norm = [], 0.0, 0.0
    for v in values:
        last = last * weight + (1 - weight) * v
        norm = norm * weight + (1 - weight)
        out.append(last / norm if norm else v)
    return out


def loss_figure(runs, labels: dict, log: bool, smoothing: float, batches: bool, title: str) -> go.Figure:
    """Training loss and test MSE per epoch for each run (x: epochs, fractional for every-N-batches points).

    ``runs`` are RunState-like objects with .label, .history, .reports, .info; ``labels`` holds the legend words.
    Built from plain dicts in one go.Figure call, which is several times faster than add_scatter/update_layout for
    a chart every live Train page redraws (docs/performance.md).
    """
    data = []
    for i, run in enumerate(runs):
        color = COLORS[i % len(COLORS)]
        prefix = f"{run.label}: " if len(runs) > 1 else ""
        per_epoch = run.info.get("batches_per_epoch") or 1
        if batches and run.reports:
            x = [b["epoch"] - 1 + b["batch"] / per_epoch for b in run.reports]
            y = [b["loss"] for b in run.reports]
            data.append({"type": "scatter", "x": x, "y": smooth(y, smoothing), "name": prefix + labels["batch"],
                         "mode": "lines", "line": {"color": color, "width": 1}, "opacity": 0.6})
        if run.history:
            epochs = [h["epoch"] for h in run.history]
            data.append({"type": "scatter", "x": epochs, "y": smooth([h["train_loss"] for h in run.history], smoothing),
                         "name": prefix + labels["train"], "mode": "lines+markers", "line": {"color": color}})
            data.append({"type": "scatter", "x": epochs, "y": smooth([h["test_mse"] for h in run.history], smoothing),
                         "name": prefix + labels["test"], "mode": "lines+markers",
                         "line": {"color": color, "dash": "dash"}})
    layout = {"title": {"text": title}, "height": 380, "xaxis": {"title": {"text": labels["epoch"]}},
              "yaxis": {"title": {"text": labels["loss"]}, "type": "log" if log else "linear"}, **LAYOUT}
    return go.Figure(data=data, layout=layout)


def predicted_vs_actual(y_true, y_pred, labels: dict) -> go.Figure:
    lo, hi = float(min(np.min(y_true), np.min(y_pred))), float(max(np.max(y_true), np.max(y_pred)))
    figure = go.Figure()
    figure.add_scatter(x=y_true, y=y_pred, mode="markers", marker={"size": 4, "opacity": 0.5}, name=labels["points"])
    figure.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line={"dash": "dot", "color": "gray"},
                       name=labels["perfect"])
    figure.update_layout(title=labels["title"], xaxis_title=labels["actual"], yaxis_title=labels["predicted"],
                         height=380, **LAYOUT)
    return figure


def residual_histogram(y_true, y_pred, labels: dict) -> go.Figure:
    residuals = np.asarray(y_pred) - np.asarray(y_true)
    figure = go.Figure(go.Histogram(x=residuals, nbinsx=50))
    figure.update_layout(title=labels["title"], xaxis_title=labels["x"], yaxis_title=labels["y"], height=380,
                         **LAYOUT)
    return figure


def activation_curves(data: dict, names: list[str], labels: dict, derivatives: bool, words: dict) -> go.Figure:
    """Each activation f(x) over the range, and (dashed, in the same colour) its autograd derivative f′(x)."""
    figure = go.Figure()
    for i, name in enumerate(names):
        color = COLORS[i % len(COLORS)]
        figure.add_scatter(x=data[name]["x"], y=data[name]["y"], name=labels[name], line={"color": color})
        if derivatives:
            figure.add_scatter(x=data[name]["x"], y=data[name]["dy"], line={"color": color, "dash": "dash"},
                               name=f"{labels[name]}′ ({words['derivative']})")
    figure.update_layout(title=words["title"], height=420, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         legend={"orientation": "h", "y": -0.15})
    return figure


def softmax_bars(logits: list[float], probabilities: list[float], axis: str) -> go.Figure:
    bars = go.Figure(go.Bar(x=[f"{v:g}" for v in logits], y=probabilities, text=[f"{p:.3f}" for p in probabilities],
                            textposition="outside"))
    bars.update_layout(yaxis={"range": [0, 1.1], "title": axis}, height=300,
                       margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return bars
