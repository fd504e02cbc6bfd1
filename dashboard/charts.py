"""Plotly figures the pages share: loss curves (live and compared), predicted-vs-actual, residuals."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from core.training.schedule import rates

COLORS = qualitative.D3  # plotly.colors, not plotly.express: that import slows every server start
# Plotly's toolbar holds only what these charts use (zoom, pan, reset, save as PNG) and shows on hover; every title
# sits below the toolbar's row, left-aligned, so on a phone's narrow chart the toolbar covers no title (issue 12).
CONFIG = {"displayModeBar": "hover", "displaylogo": False,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]}
TOOLBAR_ROW = 36  # px: Plotly's toolbar is 26 px tall at the chart's top right, from 2 px down


def chart_title(text: str) -> dict:
    """A chart title under the toolbar's row, at the left, where a long title and the toolbar never meet."""
    return {"text": text, "x": 0, "xanchor": "left", "xref": "paper", "yref": "container", "y": 1,
            "yanchor": "top", "pad": {"t": TOOLBAR_ROW}}


MARGIN = {"l": 10, "r": 10, "t": TOOLBAR_ROW + 40, "b": 10}
LAYOUT = {"margin": MARGIN, "legend": {"orientation": "h", "y": -0.2}}


def smooth(values, weight: float) -> list[float]:
    """TensorBoard's smoothing: an exponential moving average, debiased so the first points are not dragged to 0."""
    out, last, norm = [], 0.0, 0.0
    for v in values:
        last = last * weight + (1 - weight) * v
        norm = norm * weight + (1 - weight)
        out.append(last / norm if norm else v)
    return out


X_AXES = ("epoch", "step", "time")  # what the loss chart's x axis counts: epochs, optimizer steps, wall-clock seconds


def _x(point: dict, axis: str, per_epoch: int, report: bool) -> float:
    """Where a report (every N batches) or an epoch record sits on the chosen x axis."""
    if axis == "step":
        return point["step"]
    if axis == "time":
        return point["seconds"]
    return point["epoch"] - 1 + point["batch"] / per_epoch if report else point["epoch"]


def loss_figure(runs, labels: dict, log: bool, smoothing: float, batches: bool, title: str,
                axis: str = "epoch") -> go.Figure:
    """Training loss and test MSE for each run; x by epoch (fractional for every-N-batches points), step or seconds.

    As in TensorBoard, smoothing applies to the noisy every-N-batches curve only, drawn over its raw values in a faint
    line; the per-epoch points are shown as they are. ``runs`` are RunState-like objects with .label, .history,
    .reports, .info; ``labels`` holds the legend and axis words. Built from plain dicts in one go.Figure call, several
    times faster than add_scatter/update_layout for a chart every live Train page redraws (docs/performance.md).
    """
    data, values, swept = [], [], len(runs) == 1 and runs[0].history[:1] and "members" in runs[0].history[0]
    if swept:
        data, values = _member_traces(runs[0], axis, smoothing, labels)
        runs = []  # a sweep: one colour per member instead of one per run
    for i, run in enumerate(runs):
        color = COLORS[i % len(COLORS)]
        prefix = f"{run.label}: " if len(runs) > 1 else ""
        per_epoch = run.info.get("batches_per_epoch") or 1
        if batches and run.reports:
            x = [_x(b, axis, per_epoch, True) for b in run.reports]
            y = [b["loss"] for b in run.reports]
            values += y
            smoothed = smoothing > 0
            data.append({"type": "scatter", "x": x, "y": y, "name": prefix + labels["batch"], "mode": "lines",
                         "line": {"color": color, "width": 1}, "opacity": 0.25 if smoothed else 0.7,
                         "showlegend": not smoothed, "legendgroup": f"{i}-batch"})
            if smoothed:
                data.append({"type": "scatter", "x": x, "y": smooth(y, smoothing), "mode": "lines",
                             "name": f"{prefix}{labels['batch']} · {labels['smoothed']}",
                             "line": {"color": color, "width": 1.5}, "opacity": 1.0, "legendgroup": f"{i}-batch"})
        if run.history:
            x = [_x(h, axis, per_epoch, False) for h in run.history]
            test, val = ("test_log_loss", "val_log_loss") if "test_log_loss" in run.history[0] else \
                ("test_mse", "val_mse")  # a classifier's curves are its cross-entropy
            for key, name, dash in (("train_loss", "train", None), (test, "test", "dash"), (val, "val", "dot")):
                if key not in run.history[0]:
                    continue
                y = [h[key] for h in run.history]
                values += y
                data.append({"type": "scatter", "x": x, "y": y, "name": prefix + labels[name],
                             "mode": "lines+markers", "line": {"color": color, "dash": dash}})
    yaxis = {"title": {"text": labels["loss"]}, "type": "log" if log else "linear"}
    if log:
        yaxis["tickvals"], yaxis["ticktext"] = log_ticks(values)
    elif swept and (span := outlier_free_range(values)) is not None:
        yaxis["range"] = span  # a member that diverges would flatten every other curve to a line at 0
    layout = {"title": chart_title(title), "height": 380, "xaxis": {"title": {"text": labels[axis]}}, "yaxis": yaxis,
              **LAYOUT}
    schedule = _schedule_trace(runs[0], axis, labels.get("lr", "")) if len(runs) == 1 else None
    if schedule is not None:  # the whole planned schedule on a second axis, from the start of the run
        data.append(schedule)
        layout["yaxis2"] = {"title": {"text": labels["lr"]}, "overlaying": "y", "side": "right", "showgrid": False,
                            "rangemode": "tozero", "tickformat": ".0e"}
    return go.Figure(data=data, layout=layout)


def _member_traces(run, axis: str, smoothing: float, labels: dict) -> tuple[list, list]:
    """A sweep's members on one chart, a colour each: the training loss every N batches (smoothed) and the test MSE
    per epoch (dashed); a member that diverged stops where it did."""
    data, values = [], []
    per_epoch = run.info.get("batches_per_epoch") or 1
    name = run.settings.get("sweep", "lr")
    reports = [r for r in run.reports if "members" in r]
    for j, member in enumerate(run.history[-1]["members"]):
        color, label = COLORS[j % len(COLORS)], member_label(name, member["value"])
        if reports:
            y = [r["members"][j] for r in reports]
            values += [v for v in y if v is not None]
            y = smooth([v if v is not None else float("nan") for v in y], smoothing) if smoothing else y
            data.append({"type": "scatter", "x": [_x(r, axis, per_epoch, True) for r in reports], "y": y,
                         "name": label, "mode": "lines", "line": {"color": color, "width": 1.5},
                         "legendgroup": label})
        y = [h["members"][j]["test_mse"] for h in run.history]
        values += [v for v in y if v is not None]
        data.append({"type": "scatter", "x": [_x(h, axis, per_epoch, False) for h in run.history], "y": y,
                     "name": f"{label} · {labels['test']}", "mode": "lines+markers", "legendgroup": label,
                     "line": {"color": color, "dash": "dash"}, "showlegend": not reports})
    return data, values


def member_label(setting: str, value: float) -> str:
    """A sweep member's name, in the legend and wherever the page names it: "lr=0.03"."""
    return f"{setting}={value:g}"


def outlier_free_range(values, factor: float = 10.0) -> list[float] | None:
    """A linear y axis's range that ignores outliers, as TensorBoard's scalars do by default: values more than
    ``factor`` times the upper quartile of all (a loss that jumped a hundredfold, not the slowest member's start)
    lie above the axis; None (autorange) where there are none. The lowest values are never cut: they are the best."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if len(finite) < 10:
        return None
    fence = factor * float(np.quantile(finite, 0.75))
    kept = [v for v in finite if v <= fence]
    if fence <= 0 or len(kept) == len(finite):
        return None
    lo, hi = min(kept), max(kept)
    pad = 0.05 * (hi - lo) or 0.05 * abs(hi)
    return [lo - pad, hi + pad]


def _schedule_trace(run, axis: str, name: str) -> dict | None:
    """The learning rate the run's schedule sets at every step, where it is not constant (not on the time axis,
    whose end is not known ahead)."""
    settings, per_epoch = getattr(run, "settings", {}), run.info.get("batches_per_epoch")
    if axis == "time" or not per_epoch or (settings.get("schedule", "constant") == "constant"
                                           and not settings.get("warmup")):
        return None
    total = settings["epochs"] * per_epoch
    points = rates(settings["lr"], total, settings.get("schedule", "constant"), settings.get("warmup", 0.0), 200)
    x = [step if axis == "step" else step / per_epoch for step, _lr in points]
    return {"type": "scatter", "x": x, "y": [lr for _step, lr in points], "name": name, "yaxis": "y2", "mode": "lines",
            "line": {"color": "#888", "width": 1.5, "dash": "dashdot"}, "hoverinfo": "x+y"}


def log_ticks(values) -> tuple[list[float], list[str]]:
    """Tick positions and labels for a log axis over ``values``: 1, 2 and 5 times powers of ten, each labelled with
    its own value (0.3 reads "0.3", not Plotly's minor "3"); every digit where the range is narrower than that, the
    ends themselves where even that gives fewer than three, and powers of ten alone over many decades."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v) and v > 0]
    if not finite:
        return [], []
    lo, hi = min(finite), max(finite)
    powers = range(math.floor(math.log10(lo)), math.floor(math.log10(hi)) + 1)
    for mantissas in ((1, 2, 5), range(1, 10)):
        ticks = [m * 10.0 ** k for k in powers for m in mantissas if lo <= m * 10.0 ** k <= hi]
        if len(ticks) >= 3:
            break
    if len(ticks) > 10:  # many decades: their powers alone
        ticks = [10.0 ** k for k in powers if lo <= 10.0 ** k <= hi]
    if len(ticks) < 3:
        ticks = sorted({float(f"{lo:.2g}"), *ticks, float(f"{hi:.2g}")})
    ticks = [float(f"{t:.6g}") for t in ticks]  # 0.30000000000000004 → 0.3
    return ticks, [tick_text(t) for t in ticks]


def tick_text(value: float) -> str:
    """A tick's value as a reader writes it: 0.002, 0.5, 20, 5,000, and 1e+06 / 2e-05 beyond that."""
    return f"{value:,.6g}" if 1e-4 <= abs(value) < 1e6 else f"{value:.0e}"


def predicted_vs_actual(y_true, y_pred, labels: dict) -> go.Figure:
    lo, hi = float(min(np.min(y_true), np.min(y_pred))), float(max(np.max(y_true), np.max(y_pred)))
    figure = go.Figure()
    figure.add_scatter(x=y_true, y=y_pred, mode="markers", marker={"size": 4, "opacity": 0.5}, name=labels["points"])
    figure.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line={"dash": "dot", "color": "gray"},
                       name=labels["perfect"])
    figure.update_layout(title=chart_title(labels["title"]), xaxis_title=labels["actual"],
                         yaxis_title=labels["predicted"],
                         height=380, **LAYOUT)
    return figure


def residual_histogram(y_true, y_pred, labels: dict) -> go.Figure:
    residuals = np.asarray(y_pred) - np.asarray(y_true)
    figure = go.Figure(go.Histogram(x=residuals, nbinsx=50))
    figure.update_layout(title=chart_title(labels["title"]), xaxis_title=labels["x"], yaxis_title=labels["y"],
                         height=380,
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
    figure.update_layout(title=chart_title(words["title"]), height=420, margin=MARGIN,
                         legend={"orientation": "h", "y": -0.15})
    return figure


def softmax_bars(logits: list[float], probabilities: list[float], axis: str, label: str) -> go.Figure:
    """One bar per position, labelled with its logit: equal logits are two bars of equal height, not one stacked."""
    positions = list(range(len(logits)))
    bars = go.Figure(go.Bar(x=positions, y=probabilities, text=[f"{p:.3f}" for p in probabilities],
                            textposition="outside"))
    bars.update_layout(yaxis={"range": [0, 1.1], "title": axis}, height=300,
                       xaxis={"tickmode": "array", "tickvals": positions, "title": label,
                              "ticktext": [f"{v:g}" for v in logits]},
                       margin={"l": 10, "r": 10, "t": TOOLBAR_ROW, "b": 10})  # no title: the toolbar's row
    return bars


def gradient_steps(steps: list[int], norms: list[float], own_norms: list[float], words: dict) -> go.Figure:
    """The microscope's steps: the norm of .grad (what accumulates when zero_grad is skipped) beside the norm of each
    batch's own gradient."""
    figure = go.Figure()
    figure.add_scatter(x=steps, y=norms, name=words["grad"], mode="lines+markers")
    figure.add_scatter(x=steps, y=own_norms, name=words["own"], mode="lines+markers", line={"dash": "dash"})
    figure.update_layout(title=chart_title(words["title"]), xaxis_title=words["step"], height=320, margin=MARGIN,
                         legend={"orientation": "h", "y": -0.3})
    return figure


CURVE_COLUMNS = ("kind", "epoch", "batch", "step", "seconds", "loss", "train_loss", "test_mse", "test_mae")


def curves_csv(run) -> bytes:
    """A run's curves as one CSV, the raw values: a ``report`` row every N batches (its mean training loss) and an
    ``epoch`` row per epoch (training loss, test MSE and MAE), each with its epoch, step and seconds since the start."""
    rows = [{"kind": "report", **{k: r.get(k) for k in ("epoch", "batch", "step", "seconds", "loss")}}
            for r in run.reports]
    rows += [{"kind": "epoch", **{k: h.get(k) for k in ("epoch", "step", "seconds", "train_loss", "test_mse",
                                                         "test_mae")}} for h in run.history]
    rows.sort(key=lambda r: (r["step"] or 0, r["kind"] == "epoch"))
    return pd.DataFrame(rows, columns=list(CURVE_COLUMNS)).to_csv(index=False).encode()


def lr_finder_figure(lrs: list[float], losses: list[float], suggestion: float | None, words: dict) -> go.Figure:
    """The range test's smoothed loss against the learning rate (log axis), with the suggested rate marked."""
    data = [{"type": "scatter", "x": lrs, "y": losses, "mode": "lines", "name": words["loss"]}]
    layout = {"title": chart_title(words["title"]), "height": 340, "showlegend": False, **LAYOUT,
              "xaxis": {"type": "log", "title": {"text": words["lr"]}}, "yaxis": {"title": {"text": words["loss"]}}}
    layout["xaxis"]["tickvals"], layout["xaxis"]["ticktext"] = log_ticks(lrs)  # 1e-07 … 10, not "100n 2 5 1μ"
    if suggestion is not None:
        layout["shapes"] = [{"type": "line", "x0": suggestion, "x1": suggestion, "yref": "paper", "y0": 0, "y1": 1,
                             "line": {"dash": "dot", "color": "green"}}]
        layout["annotations"] = [{"x": math.log10(suggestion), "yref": "paper", "y": 1, "showarrow": False,
                                  "text": words["suggested"], "xanchor": "left", "font": {"color": "green"}}]
    return go.Figure(data=data, layout=layout)
