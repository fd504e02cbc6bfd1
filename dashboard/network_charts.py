"""Charts of what is inside the network (issue 15): the decision boundary behind the points, each layer's gradient
norm over the steps, weight matrices as heatmaps, and a TensorFlow Playground-style diagram of a small net. Each is
built from the plain lists a run's reports carry (core/training/probe.py), in one go.Figure call."""

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import COLORS, LAYOUT, chart_title

DIVERGING = [[0.0, "#f59322"], [0.5, "#e8eaeb"], [1.0, "#0877bd"]]  # TensorFlow Playground's orange, grey, blue


def _raw(values, column: dict | None):
    """Scaled model inputs back in the column's own units (standard scaling undone); as they are without it."""
    values = np.asarray(values, dtype=float)
    return values if column is None else values * column["scale"] + column["mean"]


def boundary_figure(boundary: dict, prepared, labels: dict) -> go.Figure:
    """The model's class probability over the plane as a heatmap, the training points (circles) and test points
    (crosses) over it, coloured by their class."""
    numeric = prepared.preprocessing["numeric"] if not prepared.preprocessing.get("feature_transform") else None
    cx, cy = (numeric[0], numeric[1]) if numeric else (None, None)
    binary = boundary["classes"] == 2
    data = [{"type": "heatmap", "x": _raw(boundary["x"], cx).tolist(), "y": _raw(boundary["y"], cy).tolist(),
             "z": boundary["z"], "colorscale": DIVERGING if binary else "Viridis", "zmin": 0,
             "zmax": 1 if binary else boundary["classes"] - 1, "opacity": 0.75, "hoverinfo": "skip",
             "colorbar": {"title": {"text": labels["probability"] if binary else labels["class"]}}}]
    for split, X, y, symbol in (("train", prepared.X_train, prepared.y_train, "circle"),
                                ("test", prepared.X_test, prepared.y_test, "x")):
        for k, name in enumerate(prepared.classes):
            rows = y == k
            data.append({"type": "scatter", "x": _raw(X[rows, 0], cx).tolist(), "y": _raw(X[rows, 1], cy).tolist(),
                         "mode": "markers", "name": f"{labels[split]}: {name}",
                         "marker": {"symbol": symbol, "size": 6 if split == "train" else 8,
                                    "color": COLORS[k % len(COLORS)] if not binary else ("#f59322", "#0877bd")[k],
                                    "line": {"width": 1, "color": "#333"}}})
    features = prepared.features
    layout = {"title": chart_title(labels["title"]), "height": 420, "xaxis": {"title": {"text": features[0]}},
              "yaxis": {"title": {"text": features[1]}, "scaleanchor": "x"}, **LAYOUT}
    return go.Figure(data=data, layout=layout)


def gradient_figure(history: list, labels: dict, per_epoch: int, log: bool = True) -> go.Figure:
    """Each layer's gradient norm (solid) and update-to-weight ratio (dotted, second axis) over the steps."""
    data = []
    n_layers = len(history[0]["layers"]) if history else 0
    x = [h["step"] / max(per_epoch, 1) for h in history]
    for i in range(n_layers):
        color, name = COLORS[i % len(COLORS)], labels["layer"](i + 1)
        data.append({"type": "scatter", "x": x, "y": [h["layers"][i]["grad_norm"] for h in history],
                     "name": f"{name} · {labels['grad']}", "mode": "lines", "line": {"color": color},
                     "legendgroup": name})
        data.append({"type": "scatter", "x": x, "y": [h["layers"][i]["update_ratio"] for h in history],
                     "name": f"{name} · {labels['update']}", "mode": "lines", "yaxis": "y2",
                     "line": {"color": color, "dash": "dot", "width": 1}, "legendgroup": name})
    layout = {"title": chart_title(labels["title"]), "height": 360, "xaxis": {"title": {"text": labels["x"]}},
              "yaxis": {"title": {"text": labels["grad"]}, "type": "log" if log else "linear"},
              "yaxis2": {"title": {"text": labels["update"]}, "overlaying": "y", "side": "right", "type": "log",
                         "showgrid": False, "tickformat": ".0e"}, **LAYOUT}
    return go.Figure(data=data, layout=layout)


def weights_figure(matrix: list, title: str, labels: dict) -> go.Figure:
    """A weight matrix (out × in, as nn.Linear holds it) as a heatmap, 0 in the middle of the colour scale."""
    values = np.asarray(matrix, dtype=float)
    top = float(np.abs(values).max()) or 1.0
    data = [{"type": "heatmap", "z": values.tolist(), "colorscale": DIVERGING, "zmin": -top, "zmax": top,
             "colorbar": {"thickness": 10}}]
    layout = {"title": chart_title(title), "height": 260, "xaxis": {"title": {"text": labels["inputs"]}, "dtick": 1},
              "yaxis": {"title": {"text": labels["units"]}, "autorange": "reversed", "dtick": 1}, **LAYOUT}
    return go.Figure(data=data, layout=layout)


def diagram_figure(snapshot: dict, names: list[str], labels: dict) -> go.Figure:
    """The network as TensorFlow Playground draws it: a column of units per layer, each edge coloured by its weight's
    sign (blue positive, orange negative) and as wide as its size; each unit coloured by its value on one row."""
    units, layers = snapshot["units"], snapshot["layers"]
    columns = [len(u) for u in units]
    tallest = max(columns)
    position = [[(c, (n - 1) / 2 - j) for j in range(n)] for c, n in enumerate(columns)]  # each column centred
    heaviest = max(max(abs(w) for row in layer["weight"] for w in row) for layer in layers if "weight" in layer)
    shapes = []
    for c, layer in enumerate(layers):
        for o, row in enumerate(layer.get("weight", [])):
            for i, w in enumerate(row):
                (x0, y0), (x1, y1) = position[c][i], position[c + 1][o]
                shapes.append({"type": "line", "x0": x0, "y0": y0, "x1": x1, "y1": y1, "layer": "below",
                               "line": {"color": "#0877bd" if w > 0 else "#f59322",
                                        "width": 0.3 + 4 * abs(w) / (heaviest or 1)}})
    x = [p[0] for col in position for p in col]
    y = [p[1] for col in position for p in col]
    values = [v for u in units for v in u]
    top = max(abs(v) for v in values) or 1.0
    text = [names[j] if c == 0 else labels["layer"](c) if c < len(columns) - 1 else labels["output"]
            for c, n in enumerate(columns) for j in range(n)]
    data = [{"type": "scatter", "x": x, "y": y, "mode": "markers", "hovertext": [
        f"{t}: {v:.3g}" for t, v in zip(text, values)], "hoverinfo": "text", "showlegend": False,
        "marker": {"size": 22, "color": values, "colorscale": DIVERGING, "cmin": -top, "cmax": top,
                   "line": {"width": 1, "color": "#333"}, "showscale": True,
                   "colorbar": {"title": {"text": labels["value"]}, "thickness": 10}}}]
    layout = {"title": chart_title(labels["title"]), "height": 80 + 40 * tallest, "shapes": shapes,
              "xaxis": {"visible": False}, "yaxis": {"visible": False}, **LAYOUT}
    return go.Figure(data=data, layout=layout)
