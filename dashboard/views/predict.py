"""Predict: choose a saved checkpoint, predict one row with a form, or score a whole CSV."""

import streamlit as st

from core.errors import PlaygroundError
from core.predict import loading_code
from dashboard import checkpoints
from dashboard import predict_panels as panels
from dashboard.i18n import _, show_error

st.title(_("Predict with a saved model"))
st.markdown(_("Pick a checkpoint — yours from the Train page, or one your instructor trained before class — then "
              "try one row, or score a whole CSV."))

st.header(_("1. Checkpoints"))
panels.upload_panel()
chosen = panels.choose_panel()
if chosen is None:
    st.stop()
try:
    predictor = checkpoints.predictor(chosen["path"])
except PlaygroundError as err:
    show_error(err)
    st.stop()

st.header(_("2. Predict one row"))
st.caption(_("Every field starts at the training median, with its unit and the range seen in training."))
values = panels.one_row_panel(predictor)

st.header(_("3. Score a CSV"))
panels.batch_panel(predictor, chosen["path"])

with st.expander(_("Code")):
    st.caption(_("The lecture's loading pattern: build the model class from the saved config, load_state_dict, "
                 "eval(), then predict under torch.no_grad()."))
    st.code(loading_code(chosen["name"], predictor.checkpoint["model_config"], predictor.target, values,
                         predictor.classes), language="python")
