"""The Activations page's panels: the curves and their autograd derivatives, softmax with a temperature, and the
lecture's ``nn.Linear(4, 1)`` with editable weights. The view lives in the URL (``?act=&range=&deriv=...``)."""

import streamlit as st
import torch

from core.errors import PlaygroundError
from core.lessons import activations
from dashboard import charts, state
from dashboard.i18n import _, show_error

NAMES = list(activations.FUNCTIONS)
LABELS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU",
          "gelu": "GELU", "silu": "SiLU", "softplus": "Softplus"}


def curves_panel() -> tuple[list[str], float, float]:
    """The chosen activations drawn over the chosen range; returns (names, lower, upper)."""
    state.seed("act_names", ["sigmoid", "tanh", "relu"], "act",
               lambda s: [n for n in s.split(",") if n in activations.FUNCTIONS])
    state.seed("act_range", (-5.0, 5.0), "range", lambda s: tuple(sorted(float(v) for v in s.split(",")))[:2])
    state.seed("act_deriv", True, "deriv", lambda s: s == "1")
    left, right = st.columns([3, 2])
    with right:
        names = st.multiselect(_("Activations"), NAMES, format_func=LABELS.get, key="act_names",
                               placeholder=_("Choose one or more"))
        lo, hi = st.slider(_("Range of x"), -10.0, 10.0, step=0.5, key="act_range")
        derivatives = st.toggle(_("Show derivatives (dashed)"), key="act_deriv")
    state.keep("act_names", "act", ",".join)
    state.keep("act_range", "range", lambda r: f"{r[0]:g},{r[1]:g}")
    state.keep("act_deriv", "deriv", lambda v: "1" if v else "0")
    with left:
        if not names or lo >= hi:
            st.info(_("Choose at least one activation to draw."))
        else:
            words = {"derivative": _("derivative"), "title": _("f(x) and f′(x)")}
            st.plotly_chart(charts.activation_curves(activations.curves(names, lo, hi), names, LABELS, derivatives,
                                                     words), key="act_chart", config=charts.CONFIG)
    if names:
        with st.expander(_("Formulas"), expanded=True):
            for name in names:
                st.latex(activations.FUNCTIONS[name][1])
    return names, lo, hi


def softmax_panel() -> tuple[list[float] | None, float]:
    """Scores typed in, their softmax at a temperature; returns (the scores, or None if unreadable; T)."""
    state.seed("act_logits", "1, 2, 3, 0.5", "logits")
    state.seed("act_temp", 1.0, "temp", float)
    col_in, col_chart = st.columns([1, 2])
    with col_in:
        text = st.text_input(_("Scores (logits), separated by commas"), key="act_logits")
        temperature = st.slider(_("Temperature T"), 0.1, 10.0, step=0.1, key="act_temp")
    state.keep("act_logits", "logits")
    state.keep("act_temp", "temp", lambda v: f"{v:g}")
    with col_chart:
        try:
            vector = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
            probabilities = activations.softmax(vector, temperature)
        except ValueError:
            st.error(_("Type numbers separated by commas, e.g. 1, 2, 3."))
            return None, temperature
        except PlaygroundError as err:
            show_error(err)
            return None, temperature
        st.plotly_chart(charts.softmax_bars(vector, probabilities, _("probability"),
                                                           _("logit, in the order typed")), key="softmax_chart",
                        config=charts.CONFIG)
    return vector, temperature


def linear_lab_panel(seed: int):
    """``nn.Linear(4, 1)`` on the lecture's x with the seeded (or edited) weights, then an activation."""
    seeded = activations.linear_lab(seed=seed)
    reset = st.button(_("Reset to the seeded weights"))
    fresh = reset or st.session_state.get("lab_seed") != seed
    st.session_state["lab_seed"] = seed
    for i, w in enumerate([*seeded.weight, seeded.bias[0]]):
        if fresh:
            st.session_state[f"lab_w{i}"] = round(w, 4)
        state.seed(f"lab_w{i}", round(w, 4))
    weight_cols = st.columns(5)
    weight = [weight_cols[i].number_input(_("weight[0, {i}]", i=i), step=0.1, format="%.4f", key=f"lab_w{i}")
              for i in range(4)]
    bias = weight_cols[4].number_input(_("bias"), step=0.1, format="%.4f", key="lab_w4")
    for i in range(5):
        state.keep(f"lab_w{i}")
    state.seed("lab_act", "sigmoid", "lab")
    activation = st.selectbox(_("Then apply"), NAMES, format_func=LABELS.get, key="lab_act")
    state.keep("lab_act", "lab")
    lab = activations.linear_lab(seed=seed, weight=weight, bias=bias, activation=activation)
    out_col, act_col = st.columns(2)
    out_col.metric(_("Output of the layer"), f"{lab.output:.4f}")
    act_col.metric(_("After the activation"), f"{lab.activated:.4f}")
    st.code(f"tensor([{lab.output:.4f}], grad_fn={lab.grad_fn})\n"
            f"tensor([{lab.activated:.4f}], grad_fn={lab.activated_grad_fn})", language="text")
    st.markdown(_("`grad_fn` records how the output was made, so `backward()` can find the gradients: `{grad_fn}`.",
                  grad_fn=lab.grad_fn))
    if lab.grad_fn != "<AddBackward0>":  # the lecture's slide, from an older PyTorch
        st.caption(_("The lecture's slide shows `grad_fn=<AddBackward0>`: the last step of `x @ weight.T + bias` "
                     "written out as a product and an addition. `nn.Linear` in PyTorch {version} runs one fused "
                     "`addmm` instead and, for a 1-D `x` like this one, reshapes around it, so the last operation "
                     "recorded is `{grad_fn}`. The output and its gradients are the same.",
                     version=torch.__version__.split("+")[0], grad_fn=lab.grad_fn))
    return lab
