"""Tensors: make a tensor, chain view/reshape/unsqueeze/squeeze/flatten/... live, and compare every step with NumPy."""

import numpy as np
import streamlit as st
import torch

from core.errors import TensorOpError
from core.lessons import tensors
from dashboard import state
from dashboard.i18n import N_, _, error_text, message_text
from dashboard.sidebar import seed

PRESETS = {p.name: p for p in tensors.PRESETS}
DEFAULT = tensors.PRESETS[0]
SOURCE_LABELS = {"values": N_("values (a nested list)"), "rand": N_("rand (seeded)")}  # the others are code names


def load_preset():
    preset = PRESETS.get(st.session_state.get("ten_preset"))
    if preset is not None:
        st.session_state["ten_source"] = preset.spec.source
        st.session_state["ten_values"] = preset.spec.values_text
        st.session_state["ten_shape"] = ", ".join(map(str, preset.spec.shape))
        st.session_state["ten_dtype"] = preset.spec.dtype
        st.session_state["ten_ops"] = tensors.ops_to_text(preset.ops)


def add_op():
    text = st.session_state.get("ten_ops", "").strip()
    call = f"{st.session_state['ten_add_op']}({st.session_state.get('ten_add_args', '').strip()})"
    st.session_state["ten_ops"] = f"{text}.{call}" if text else call


def remove_op(index: int):
    ops = tensors.parse_ops(st.session_state.get("ten_ops", ""))
    st.session_state["ten_ops"] = tensors.ops_to_text(ops[:index] + ops[index + 1:])


def values_text(facts, library: str) -> str:
    """Values printed the way the library prints them: tensor([[2., 3.]]) / array([[2., 3.]], dtype=float32)."""
    if facts.values is None:
        return _("{n:,} values; the first {k}: {preview}", n=facts.numel, k=len(facts.preview), preview=facts.preview)
    if library == "torch":
        return repr(torch.tensor(facts.values, dtype=tensors.DTYPES[facts.dtype]))
    return repr(np.array(facts.values, dtype=facts.dtype))


def facts_table(facts, shape_text: str):
    st.markdown(f"**{_('shape')}** `{shape_text}` · **{_('strides')}** `{tuple(facts.strides)}` · "
                f"**{_('contiguous')}** {_('yes') if facts.is_contiguous else _('no')} · "
                f"**{_('memory')}** {_('shares memory with `a` (a view)') if facts.shares_memory else _('a copy')}")


def parse_shape(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace("x", ",").replace("(", "").replace(")", "").split(",")
                 if part.strip())


st.title(_("Tensor playground"))
st.markdown(_("Make a tensor `a`, then chain operations on it. After every step you see its values, `shape`, "
              "strides, whether it is contiguous and whether it shares memory with `a` (a view) or is a copy — and "
              "what NumPy does with the same step."))

state.seed("ten_source", DEFAULT.spec.source, "src", lambda s: s if s in tensors.SOURCES else DEFAULT.spec.source)
state.seed("ten_values", DEFAULT.spec.values_text, "values")
state.seed("ten_shape", ", ".join(map(str, DEFAULT.spec.shape)), "shape")
state.seed("ten_dtype", DEFAULT.spec.dtype, "dtype", lambda s: s if s in tensors.DTYPES else "float32")
state.seed("ten_ops", tensors.ops_to_text(DEFAULT.ops), "ops")

st.selectbox(_("The lecture's examples"), list(PRESETS), index=None, key="ten_preset", on_change=load_preset,
             help=_("Load an example: it replaces the tensor and the operations below."), placeholder=_("Load an example: it replaces the tensor and the operations "
                                                       "below."))

make, chain = st.columns(2)
with make:
    st.subheader(_("1. Make a tensor"))
    labels = {s: _(SOURCE_LABELS.get(s, s)) for s in tensors.SOURCES}  # fixed per run: AppTest formats with it too
    source = st.radio(_("From"), tensors.SOURCES, format_func=labels.get, key="ten_source", horizontal=True)
    # both stay drawn (one disabled) so neither loses what was typed in it
    st.text_input(_("Values, as in `torch.FloatTensor([[2, 3, 4, 5]])`"), key="ten_values", disabled=source != "values")
    st.text_input(_("Shape, e.g. 2, 3"), key="ten_shape", disabled=source == "values")
    st.selectbox(_("dtype"), list(tensors.DTYPES), key="ten_dtype")
with chain:
    st.subheader(_("2. Chain operations"))
    st.text_input(_("Operations on `a` (edit freely)"), key="ten_ops", help=_("Like the lecture's code: view(2, -1).flatten(). "
                                                             "Allowed: {ops}.", ops=", ".join(tensors.OPS)))
    op_col, args_col = st.columns([3, 2])
    op_col.selectbox(_("Add an operation"), tensors.OPS, key="ten_add_op",
                     format_func=lambda name: tensors.OP_USAGE.get(name, name))
    args_col.text_input(_("Arguments"), key="ten_add_args", placeholder="2, -1")
    add_col, clear_col = st.columns([1, 1, 2])[:2]
    add_col.button(_("Add"), on_click=add_op, width="stretch")
    clear_col.button(_("Clear"), on_click=lambda: st.session_state.update(ten_ops=""), width="stretch")

for key, param in (("ten_source", "src"), ("ten_values", "values"), ("ten_shape", "shape"), ("ten_dtype", "dtype"),
                   ("ten_ops", "ops")):
    state.keep(key, param)

try:
    shape = parse_shape(st.session_state["ten_shape"]) if source != "values" else DEFAULT.spec.shape
    spec = tensors.TensorSpec(source=source, values_text=st.session_state["ten_values"], shape=shape,
                              dtype=st.session_state["ten_dtype"], seed=seed())
    ops = tensors.parse_ops(st.session_state["ten_ops"])
    result = tensors.run_chain(spec, ops)
except ValueError:
    st.error(_("Type the shape as whole numbers separated by commas, e.g. 2, 3."))
    st.stop()
except TensorOpError as err:
    state.show_error(err)
    st.stop()

st.subheader(_("The tensor `a`"))
torch_col, numpy_col = st.columns(2)
with torch_col:
    st.caption(_("PyTorch"))
    st.code(f"{result.torch_create}\n{values_text(result.start, 'torch')}", language="python")
    facts_table(result.start, result.start.shape_text)
with numpy_col:
    st.caption(_("NumPy"))
    st.code(f"{result.numpy_create}\n{values_text(result.numpy_start, 'numpy')}", language="python")
    facts_table(result.numpy_start, result.numpy_start.shape_text)

if not result.steps:
    st.info(_("No operations yet: add one above, or load an example."))
for i, step in enumerate(result.steps):
    with st.container(border=True):
        head, remove = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f"#### {_('Step {i}: `{code}`', i=step.index, code=step.chain_code)}")
        remove.button(_("Remove"), key=f"ten_remove_{i}", on_click=remove_op, args=(i,))
        torch_col, numpy_col = st.columns(2)
        with torch_col:
            st.caption(_("PyTorch"))
            if step.error is not None:
                st.error(error_text(step.error))
                if step.torch_message:
                    st.caption(_("PyTorch's own message: {message}", message=step.torch_message))
            elif step.tensor is None:
                st.code(f"{step.name} = {step.torch_code}\n{step.shape_text}", language="python")
                st.markdown(_("gives the number {value}", value=step.value))
            else:
                st.code(f"{step.name} = {step.torch_code}\n{values_text(step.tensor, 'torch')}", language="python")
                facts_table(step.tensor, step.shape_text)
        with numpy_col:
            st.caption(_("NumPy"))
            side = step.numpy
            if side is None:
                st.caption(_("NumPy stopped at an earlier step, or has no equivalent here."))
            elif side.error:
                st.code(f"{step.name} = {side.code}", language="python")
                st.error(_("NumPy raises: {error}", error=side.error))
            elif side.array is None:
                st.code(f"{step.name} = {side.code}\n{side.value}", language="python")
            else:
                st.code(f"{step.name} = {side.code}\n{values_text(side.array, 'numpy')}", language="python")
                facts_table(side.array, side.array.shape_text)
        if step.disagree:
            st.warning(f"**{_('PyTorch and NumPy differ here')}**: "
                       f"{message_text(step.disagree_template, step.disagree_params)}",
                       icon=":material/compare_arrows:")

with st.expander(_("Code"), expanded=False):
    st.caption(_("The PyTorch lines for what is on screen, ready to copy."))
    torch_code, numpy_code = tensors.chain_code(spec, ops)
    code_torch, code_numpy = st.tabs([_("PyTorch"), _("NumPy")])
    code_torch.code(torch_code, language="python")
    code_numpy.code(numpy_code, language="python")
