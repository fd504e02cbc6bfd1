"""The sidebar every page shares: language, seed and the lecture's two CUDA facts."""

import streamlit as st
import torch

from dashboard import i18n
from dashboard.i18n import _


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
