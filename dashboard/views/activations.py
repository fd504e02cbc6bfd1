"""Activations: curves with autograd derivatives, softmax with a temperature, and the lecture's nn.Linear lab."""

import streamlit as st

from core.lessons import activations
from dashboard import activation_panels as panels
from dashboard.i18n import _
from dashboard.sidebar import seed

st.title(_("Activation functions"))
st.markdown(_("An activation makes a network more than a stack of linear maps. Pick some, see their shapes and "
              "their derivatives (computed by autograd: `y.sum().backward()`, then `x.grad`)."))
names, lo, hi = panels.curves_panel()

st.header(_("Softmax with a temperature"))
st.markdown(_("`torch.softmax(logits / T, dim=0)` turns scores into probabilities that sum to 1. A high "
              "temperature T flattens them; a low one picks a winner."))
vector, temperature = panels.softmax_panel()

st.header(_("The lecture's `nn.Linear(4, 1)`"))
st.markdown(_("A linear layer computes `x @ weight.T + bias`. Here it is applied to `x = [0, 1, 1, 1]` with seeded "
              "weights (change them), then through an activation."))
lab = panels.linear_lab_panel(seed())
st.warning(_("`F.sigmoid` and `F.tanh` are deprecated: use `torch.sigmoid` and `torch.tanh`."),
           icon=":material/warning:")

with st.expander(_("Code")):
    st.caption(_("The PyTorch lines for what is on screen, ready to copy."))
    st.code(activations.code(names or [], lo, hi, lab=lab, temperature=temperature, vector=vector),
            language="python")
