"""Torch Playground's entry point and router: `streamlit run dashboard/app.py`.

The sidebar (language, seed, device facts) is drawn here on every run, so its choices persist across pages.
"""

import sys
from pathlib import Path

import streamlit as st

from dashboard import i18n  # installed (pip install -e .): importable from dashboard/, where streamlit run starts
from dashboard.i18n import _
from dashboard.sidebar import draw_sidebar, reconnect_notice

st.set_page_config(page_title="Torch Playground", page_icon="🔥", layout="wide")
if st.query_params.get("lang") != i18n.init_language():  # kept in the URL on every page, so a reload keeps it
    st.query_params["lang"] = st.session_state["lang"]

VIEWS = Path(__file__).parent / "views"
page = st.navigation([
    st.Page(VIEWS / "tensors.py", title=_("Tensors"), icon=":material/grid_on:", url_path="tensors",
            default=True),
    st.Page(VIEWS / "activations.py", title=_("Activations"), icon=":material/show_chart:",
            url_path="activations"),
    st.Page(VIEWS / "train.py", title=_("Train"), icon=":material/model_training:", url_path="train"),
    st.Page(VIEWS / "predict.py", title=_("Predict"), icon=":material/online_prediction:", url_path="predict"),
    st.Page(VIEWS / "device.py", title=_("Device"), icon=":material/memory:", url_path="device"),
])
draw_sidebar()
reconnect_notice()
if "dashboard.runs" in sys.modules:  # this server has had runs (imported lazily: scikit-learn is slow to import)
    from dashboard import runs

    if runs.has_active_runs():  # this browser's, from any of its tabs: tell the pool a tab is open, on any page
        with st.sidebar:
            runs.keep_alive()
page.run()
