"""Predict page: a placeholder until its issue lands."""

import streamlit as st

from dashboard.i18n import t

st.title(t("nav.predict"))
st.info(t("placeholder.soon", command="predict"))
