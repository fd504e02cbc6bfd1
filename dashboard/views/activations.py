"""Activations: curves with autograd derivatives, softmax with a temperature, and the lecture's nn.Linear lab."""

import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from core.errors import PlaygroundError
from core.lessons import activations
from dashboard import state
from dashboard.i18n import _
from dashboard.sidebar import seed

NAMES = list(activations.FUNCTIONS)
COLORS = qualitative.D3  # plotly.colors, not plotly.express: that import alone took 0.45 s
LABELS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU",
          "gelu": "GELU", "silu": "SiLU", "softplus": "Softplus"}


def parse_numbers(text: str) -> list[float]:
    return [float(part) for part in text.replace(";", ",").split(",") if part.strip()]


st.title(_("Activation functions"))
st.markdown(_("An activation makes a network more than a stack of linear maps. Pick some, see their shapes and "
              "their derivatives (computed by autograd: `y.sum().backward()`, then `x.grad`)."))

# --- curves --------------------------------------------------------------------------------------------------
state.seed("act_names", ["sigmoid", "tanh", "relu"], "act",
           lambda s: [n for n in s.split(",") if n in activations.FUNCTIONS])
state.seed("act_range", (-5.0, 5.0), "range", lambda s: tuple(sorted(float(v) for v in s.split(",")))[:2])
state.seed("act_deriv", True, "deriv", lambda s: s == "1")
left, right = st.columns([3, 2])
with right:
    names = st.multiselect(_("Activations"), NAMES, format_func=LABELS.get, key="act_names")
    lo, hi = st.slider(_("Range of x"), -10.0, 10.0, step=0.5, key="act_range")
    show_dy = st.toggle(_("Show derivatives (dashed)"), key="act_deriv")
state.keep("act_names", "act", ",".join)
state.keep("act_range", "range", lambda r: f"{r[0]:g},{r[1]:g}")
state.keep("act_deriv", "deriv", lambda v: "1" if v else "0")

with left:
    if not names:
        st.info(_("Choose at least one activation to draw."))
    elif lo >= hi:
        st.info(_("Choose at least one activation to draw."))
    else:
        data = activations.curves(names, lo, hi)
        figure = go.Figure()
        for i, name in enumerate(names):
            color = COLORS[i % len(COLORS)]
            figure.add_scatter(x=data[name]["x"], y=data[name]["y"], name=LABELS[name], line={"color": color})
            if show_dy:
                figure.add_scatter(x=data[name]["x"], y=data[name]["dy"], line={"color": color, "dash": "dash"},
                                   name=f"{LABELS[name]}′ ({_('derivative')})")
        figure.update_layout(title=_("f(x) and f′(x)"), height=420, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                             legend={"orientation": "h", "y": -0.15})
        st.plotly_chart(figure, key="act_chart")
if names:
    with st.expander(_("Formulas"), expanded=True):
        for name in names:
            st.latex(activations.FUNCTIONS[name][1])

# --- softmax -------------------------------------------------------------------------------------------------
st.header(_("Softmax with a temperature"))
st.markdown(_("`torch.softmax(logits / T, dim=0)` turns scores into probabilities that sum to 1. A high "
              "temperature T flattens them; a low one picks a winner."))
state.seed("act_logits", "1, 2, 3, 0.5", "logits")
state.seed("act_temp", 1.0, "temp", float)
col_in, col_chart = st.columns([1, 2])
with col_in:
    logits_text = st.text_input(_("Scores (logits), separated by commas"), key="act_logits")
    temperature = st.slider(_("Temperature T"), 0.1, 10.0, step=0.1, key="act_temp")
state.keep("act_logits", "logits")
state.keep("act_temp", "temp", lambda v: f"{v:g}")
vector = None
with col_chart:
    try:
        vector = parse_numbers(logits_text)
        probs = activations.softmax(vector, temperature)
        bars = go.Figure(go.Bar(x=[f"{v:g}" for v in vector], y=probs, text=[f"{p:.3f}" for p in probs],
                                textposition="outside"))
        bars.update_layout(yaxis={"range": [0, 1.1], "title": _("probability")}, height=300,
                           margin={"l": 10, "r": 10, "t": 10, "b": 10})
        st.plotly_chart(bars, key="softmax_chart")
    except ValueError:
        vector = None
        st.error(_("Type numbers separated by commas, e.g. 1, 2, 3."))
    except PlaygroundError as err:
        vector = None
        state.show_error(err)

# --- nn.Linear lab -------------------------------------------------------------------------------------------
st.header(_("The lecture's `nn.Linear(4, 1)`"))
st.markdown(_("A linear layer computes `x @ weight.T + bias`. Here it is applied to `x = [0, 1, 1, 1]` with seeded "
              "weights (change them), then through an activation."))
seeded = activations.linear_lab(seed=seed())
reset = st.button(_("Reset to the seeded weights"))
fresh = reset or st.session_state.get("lab_seed") != seed()
st.session_state["lab_seed"] = seed()
for i, w in enumerate([*seeded.weight, seeded.bias[0]]):
    key = f"lab_w{i}"
    if fresh:
        st.session_state[key] = round(w, 4)
    state.seed(key, round(w, 4))
weight_cols = st.columns(5)
weight = [weight_cols[i].number_input(_("weight[0, {i}]", i=i), step=0.1, format="%.4f", key=f"lab_w{i}")
          for i in range(4)]
bias = weight_cols[4].number_input(_("bias"), step=0.1, format="%.4f", key="lab_w4")
for i in range(5):
    state.keep(f"lab_w{i}")
state.seed("lab_act", "sigmoid", "lab")
lab_activation = st.selectbox(_("Then apply"), NAMES, format_func=LABELS.get, key="lab_act")
state.keep("lab_act", "lab")
lab = activations.linear_lab(seed=seed(), weight=weight, bias=bias, activation=lab_activation)
out_col, act_col = st.columns(2)
out_col.metric(_("Output of the layer"), f"{lab.output:.4f}")
act_col.metric(_("After the activation"), f"{lab.activated:.4f}")
st.code(f"tensor([{lab.output:.4f}], grad_fn={lab.grad_fn})\n"
        f"tensor([{lab.activated:.4f}], grad_fn={lab.activated_grad_fn})", language="text")
st.markdown(_("`grad_fn` records how the output was made, so `backward()` can find the gradients: `{grad_fn}`.", grad_fn=lab.grad_fn))
st.warning(_("`F.sigmoid` and `F.tanh` are deprecated: use `torch.sigmoid` and `torch.tanh`."), icon=":material/warning:")

with st.expander(_("Code")):
    st.caption(_("The PyTorch lines for what is on screen, ready to copy."))
    st.code(activations.code(names or [], lo, hi, lab=lab, temperature=temperature, vector=vector), language="python")
