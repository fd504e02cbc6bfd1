"""The Train page's network view (issue 15): inside the network while it learns, redrawn with the live chart.

The decision boundary (a classifier of two inputs), each layer's gradient norm and update ratio over the steps, the
latest figures per layer (with the first-to-last gradient ratio and what it means), the weight matrices of small
layers as heatmaps, and, for nets of at most 16 units a layer, the network drawn as TensorFlow Playground draws it.
Everything comes from the run's reports (core/training/probe.py); nothing is computed in the server.
"""

import pandas as pd
import streamlit as st

from core.training.probe import gradient_ratio
from dashboard import network_charts
from dashboard.charts import CONFIG
from dashboard.i18n import _, readable

VANISHING, HEALTHY = 1e-2, 1e-1  # the first-to-last gradient ratio's bands, as the lesson reads them


def _labels() -> dict:
    return {"layer": lambda n: _("layer {n}", n=n), "grad": _("gradient norm"), "update": _("update / weight"),
            "x": _("Epoch"), "title": _("Gradients per layer"), "output": _("output"), "value": _("value"),
            "inputs": _("inputs"), "units": _("units"), "probability": _("probability of class 1"),
            "class": _("class"), "train": _("training"), "test": _("test")}


def boundary_panel(run, prepared) -> None:
    """The latest decision boundary behind the points, where the run is a classifier of two inputs."""
    boundary = (run.network or {}).get("boundary")
    if boundary is None or prepared is None or prepared.n_features != 2:
        return
    labels = _labels() | {"title": _("Decision boundary (after step {step})", step=run.network_history[-1]["step"])}
    st.plotly_chart(network_charts.boundary_figure(boundary, prepared, labels), key="tr_boundary", config=CONFIG)
    st.caption(_("The background is the model's probability of class 1 at each point of the plane (for more "
                 "classes, the class it would choose); circles are training rows, crosses test rows."))


def network_panel(run, prepared) -> None:
    """The network's figures over the steps and now: gradients, update ratios, activations, dead units, weights."""
    snapshot, history = run.network, run.network_history
    if not snapshot or not history:
        return
    # On by default for the small nets the diagram draws; a wide net's view is one click away (redrawn every second,
    # its charts cost the browser enough to slow the live chart on a busy machine). The default is the widget's own,
    # not seeded into the session state: a fragment's rerun can reset a widget to its default (streamlit#11266),
    # which turned a seeded view off in the middle of a run.
    if not st.toggle(_("Inside the network"), value="units" in snapshot, key=f"tr_network_{run.id}", help=_(
            "Each layer's gradients, updates and outputs while the run goes, streamed from the worker.")):
        return
    with st.container(border=True):
        per_epoch = run.info.get("batches_per_epoch") or 1
        st.plotly_chart(network_charts.gradient_figure(history, _labels(), per_epoch), key="tr_gradients",
                        config=CONFIG)
        ratio = gradient_ratio(snapshot)
        verdict = (_("vanishing: the first layer learns far more slowly than the last") if ratio < VANISHING else
                   _("healthy: the gradient reaches the first layer") if ratio > HEALTHY else
                   _("weak: the first layer learns more slowly than the last"))
        st.markdown(_("First-to-last layer gradient ratio **{ratio}**: {verdict}.", ratio=f"{ratio:.2g}",
                      verdict=verdict))
        st.table(pd.DataFrame([{
            _("layer"): _("layer {n}", n=i + 1), _("shape"): f"{layer['inputs']} → {layer['units']}",
            _("weight norm"): readable(layer["weight_norm"]), _("gradient norm"): readable(layer["grad_norm"]),
            _("update / weight"): "—" if layer["update_ratio"] is None else f"{layer['update_ratio']:.1e}",
            _("mean output"): readable(layer["act_mean"]), _("output spread"): readable(layer["act_std"]),
            _("dead ReLUs"): "—" if layer["dead"] is None else f"{100 * layer['dead']:.0f}%"}
            for i, layer in enumerate(snapshot["layers"])]).set_index(_("layer")))  # a light HTML table, redrawn often
        st.caption(_("Update / weight: how far the last step moved the layer's weights (about 1e-3 is a healthy "
                     "pace). Dead ReLUs: units that output 0 on every one of 64 training rows, so no gradient "
                     "reaches them."))
        if "units" in snapshot:
            encoded = prepared.preprocessing["encoded_names"] if prepared is not None else []
            names = encoded if len(encoded) == len(snapshot["units"][0]) else \
                [f"x{j + 1}" for j in range(len(snapshot["units"][0]))]
            st.plotly_chart(network_charts.diagram_figure(snapshot, names, _labels() | {
                "title": _("The network on training row {row}", row=snapshot["row"] + 1)}), key="tr_diagram",
                config=CONFIG)
            st.caption(_("Edges: blue for a positive weight, orange for a negative one, wider for a larger one. "
                         "Units: coloured by their output on that row."))
        small = [(i, layer) for i, layer in enumerate(snapshot["layers"]) if "weight" in layer]
        for column, (i, layer) in zip(st.columns(max(len(small), 1)), small):
            column.plotly_chart(network_charts.weights_figure(layer["weight"], _("layer {n}", n=i + 1), _labels()),
                                key=f"tr_weights_{i}", config=CONFIG)
