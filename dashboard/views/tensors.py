"""Tensors: make a tensor, chain view/reshape/unsqueeze/squeeze/flatten/... live, and compare every step with NumPy."""

import streamlit as st

from core.errors import TensorOpError
from core.lessons import tensors
from dashboard import tensor_panels as panels
from dashboard.i18n import _, show_error
from dashboard.sidebar import seed

st.title(_("Tensor playground"))
st.markdown(_("Make a tensor `a`, then chain operations on it. After every step you see its values, `shape`, "
              "strides, whether it is contiguous and whether it shares memory with `a` (a view) or is a copy — and "
              "what NumPy does with the same step."))
panels.seed_view()
st.session_state["ten_preset"] = panels.matching_preset()  # "custom" (none) once the view was edited by hand
st.selectbox(_("The lecture's examples"), list(panels.PRESETS), key="ten_preset",
             on_change=panels.load_preset, help=_("Load an example: it replaces the tensor and the operations below."),
             placeholder=_("Custom: your own tensor and operations. Load an example to replace them."))

make, chain = st.columns(2)
with make:
    source = panels.make_panel()
with chain:
    panels.chain_panel()
panels.keep_view()

try:
    spec = panels.spec_from_view(source, seed())
    ops = tensors.parse_ops(st.session_state["ten_ops"])
    result = tensors.run_chain(spec, ops)
except ValueError:
    st.error(_("Type the shape as whole numbers separated by commas, e.g. 2, 3."))
    st.stop()
except TensorOpError as err:
    show_error(err)
    st.stop()

panels.start_panel(result)
if not result.steps:
    st.info(_("No operations yet: add one above, or load an example."))
for i, step in enumerate(result.steps):
    panels.step_panel(i, step)
panels.code_panel(spec, ops)
