"""The sidebar every page shares: language, seed and the lecture's two CUDA facts."""

import os

import streamlit as st
import torch

from core.classroom import ENV_REPLICA
from dashboard import i18n
from dashboard.i18n import _
from dashboard.identity import reconnected_afresh


def _keep_language_in_url():
    st.query_params["lang"] = st.session_state["lang"]


def seed() -> int:
    """The session's seed, chosen in the sidebar."""
    return int(st.session_state.get("seed", 0))


def draw_sidebar():
    with st.sidebar:
        st.selectbox(_("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key="lang",
                     on_change=_keep_language_in_url)
        if "seed" not in st.session_state:
            st.session_state["seed"] = 0
        st.number_input(_("Seed"), min_value=0, max_value=2**31 - 1, step=1, key="seed",
                        help=_("Seeds every random draw on these pages (rand tensors, initial weights, shuffling). "
                               "The same seed gives the same results."))
        st.caption(_("Device"))
        available = torch.cuda.is_available()
        st.markdown(_("`torch.cuda.is_available()` → `{value}`", value=available))
        st.markdown(_("`torch.cuda.device_count()` → `{value}`", value=torch.cuda.device_count() if available else 0))
        st.caption(_("The address bar holds this view: copy it to share exactly what you see."))


def reconnect_notice() -> None:
    """Where the connection dropped and the server could not take this tab back (it restarted, or the class's load
    balancer sent the tab to another replica), say so at the top of the page until it is read, rather than let the
    page start afresh in silence. A class's replicas are named in the sidebar."""
    if (name := os.environ.get(ENV_REPLICA)) is not None:
        st.sidebar.caption(_("Server: {name}", name=name))
    if st.session_state.get("_reconnect_read") or not reconnected_afresh():
        return
    with st.container(border=True):
        st.warning(_("The connection to the server was lost, and the server this page reached again does not know "
                     "it: the server restarted, or this class's servers changed. The page started afresh, with the "
                     "settings its address holds. Checkpoints you saved are kept; a run you were watching is not "
                     "shown here (the Train page says where it ran)."), icon=":material/sync_problem:")
        if st.button(_("Got it"), key="reconnect_read"):
            st.session_state["_reconnect_read"] = True
            st.rerun()
