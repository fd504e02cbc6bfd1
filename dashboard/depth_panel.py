"""The vanishing-gradients lesson on the Train page (issue 15): one click sets eight sigmoid layers, another the same
depth with ReLU; the network view then shows the first-to-last gradient ratio of each run (core/lessons/gradients.py
holds the lesson's network and the test that checks it)."""

import streamlit as st

from core.lessons.gradients import DepthConfig
from dashboard.i18n import _

DEPTH = DepthConfig()


def _deep(activation: str) -> None:
    st.session_state["tr_hidden"] = ", ".join([str(DEPTH.width)] * DEPTH.depth)
    st.session_state["tr_activation"] = activation


def depth_panel() -> None:
    with st.expander(_("The vanishing-gradients lesson: {depth} sigmoid layers against {depth} ReLU layers",
                       depth=DEPTH.depth)):
        st.markdown(_("A sigmoid's slope is at most 1/4, so on its way back through {depth} sigmoid layers the "
                      "gradient shrinks by up to (1/4)^{depth} ≈ {factor:.0e}: the first layers hardly learn. ReLU's "
                      "slope is 1 wherever a unit is active, so the gradient reaches the first layer. Set one of the "
                      "two networks, press Start, and read the first-to-last gradient ratio under \"Inside the "
                      "network\" (on the two moons: about 1e-6 with sigmoid, 0.3 with ReLU, after the first epoch).",
                      depth=DEPTH.depth, factor=0.25 ** DEPTH.depth))
        sigmoid, relu = st.columns(2)
        sigmoid.button(_("{depth} sigmoid layers", depth=DEPTH.depth), on_click=_deep, args=("sigmoid",),
                       key="tr_deep_sigmoid", width="stretch")
        relu.button(_("{depth} ReLU layers", depth=DEPTH.depth), on_click=_deep, args=("relu",), key="tr_deep_relu",
                    width="stretch")
