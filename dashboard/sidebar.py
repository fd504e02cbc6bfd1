"""The sidebar every page shares: language, seed and the lecture's two CUDA facts."""

import streamlit as st
import torch

from dashboard import i18n
from dashboard.i18n import t


def _keep_language_in_url():
    st.query_params["lang"] = st.session_state["lang"]


def seed() -> int:
    """The session's seed, chosen in the sidebar."""
    return int(st.session_state.get("seed", 0))


def draw_sidebar():
    with st.sidebar:
        st.selectbox(t("sidebar.language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key="lang",
                     on_change=_keep_language_in_url)
        if "seed" not in st.session_state:
            st.session_state["seed"] = 0
        st.number_input(t("sidebar.seed"), min_value=0, max_value=2**31 - 1, step=1, key="seed",
                        help=t("sidebar.seed_help"))
        st.caption(t("sidebar.device"))
        available = torch.cuda.is_available()
        st.markdown(t("sidebar.cuda_available", value=available))
        st.markdown(t("sidebar.cuda_count", value=torch.cuda.device_count() if available else 0))
        st.caption(t("sidebar.share"))
