"""The Tensors page's panels: making ``a``, the chain of operations (typed, or added one at a time), each step beside
NumPy's, and the code. The view lives in the URL (``?src=&values=&shape=&dtype=&ops=``)."""

import numpy as np
import streamlit as st
import torch

from core.lessons import tensors
from dashboard import state
from dashboard.i18n import N_, _, error_text, message_text

PRESETS = {p.name: p for p in tensors.PRESETS}
DEFAULT = tensors.PRESETS[0]
SOURCE_LABELS = {"values": N_("values (a nested list)"), "rand": N_("rand (seeded)")}  # the others are code names
VIEW = (("ten_source", "src"), ("ten_values", "values"), ("ten_shape", "shape"), ("ten_dtype", "dtype"),
        ("ten_ops", "ops"))  # widget key → URL parameter


def seed_view() -> None:
    """The widgets' starting values: from the URL, else this session's last, else the lecture's first example."""
    state.seed("ten_source", DEFAULT.spec.source, "src", lambda s: s if s in tensors.SOURCES else DEFAULT.spec.source)
    state.seed("ten_values", DEFAULT.spec.values_text, "values")
    state.seed("ten_shape", ", ".join(map(str, DEFAULT.spec.shape)), "shape")
    state.seed("ten_dtype", DEFAULT.spec.dtype, "dtype", lambda s: s if s in tensors.DTYPES else "float32")
    state.seed("ten_ops", tensors.ops_to_text(DEFAULT.ops), "ops")


def keep_view() -> None:
    for key, param in VIEW:
        state.keep(key, param)


def _view_of(preset) -> dict:
    return {"ten_source": preset.spec.source, "ten_values": preset.spec.values_text,
            "ten_shape": ", ".join(map(str, preset.spec.shape)), "ten_dtype": preset.spec.dtype,
            "ten_ops": tensors.ops_to_text(preset.ops)}


def matching_preset() -> str | None:
    """The lecture's example the view on the page is, if it is one; None once the view was edited by hand. Called
    before the selector is drawn, so that it shows "custom" rather than an example the page no longer holds."""
    shown = {key: st.session_state.get(key) for key, _param in VIEW}
    chosen = st.session_state.get("ten_preset")
    if chosen in PRESETS and _matches(_view_of(PRESETS[chosen]), shown):
        return chosen
    return next((name for name, p in PRESETS.items() if _matches(_view_of(p), shown)), None)


def _matches(preset: dict, shown: dict) -> bool:
    if shown["ten_source"] != preset["ten_source"] or shown["ten_ops"] != preset["ten_ops"]:
        return False
    if shown["ten_dtype"] != preset["ten_dtype"]:
        return False
    field = "ten_values" if preset["ten_source"] == "values" else "ten_shape"  # the other field is not used
    return shown[field] == preset[field]


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


def make_panel() -> str:
    """How ``a`` is made; returns the source chosen."""
    st.subheader(_("1. Make a tensor"))
    labels = {s: _(SOURCE_LABELS.get(s, s)) for s in tensors.SOURCES}  # fixed per run: AppTest formats with it too
    source = st.radio(_("From"), tensors.SOURCES, format_func=labels.get, key="ten_source", horizontal=True)
    # both stay drawn (one disabled) so neither loses what was typed in it
    st.text_input(_("Values, as in `torch.FloatTensor([[2, 3, 4, 5]])`"), key="ten_values",
                  disabled=source != "values")
    st.text_input(_("Shape, e.g. 2, 3"), key="ten_shape", disabled=source == "values")
    st.selectbox(_("dtype"), list(tensors.DTYPES), key="ten_dtype")
    return source


def chain_panel() -> None:
    st.subheader(_("2. Chain operations"))
    st.text_input(_("Operations on `a` (edit freely)"), key="ten_ops",
                  help=_("Like the lecture's code: view(2, -1).flatten(). Allowed: {ops}.", ops=", ".join(tensors.OPS)))
    op_col, args_col = st.columns([3, 2])
    op_col.selectbox(_("Add an operation"), tensors.OPS, key="ten_add_op",
                     format_func=lambda name: tensors.OP_USAGE.get(name, name))
    args_col.text_input(_("Arguments"), key="ten_add_args", placeholder="2, -1")
    add_col, clear_col = st.columns([1, 1, 2])[:2]
    add_col.button(_("Add"), on_click=add_op, width="stretch")
    clear_col.button(_("Clear"), on_click=lambda: st.session_state.update(ten_ops=""), width="stretch")


def spec_from_view(source: str, seed: int) -> tensors.TensorSpec:
    """The tensor the widgets describe; TensorOpError where the shape text is too long or not whole numbers."""
    shape = tensors.parse_shape(st.session_state["ten_shape"]) if source != "values" else DEFAULT.spec.shape
    return tensors.TensorSpec(source=source, values_text=st.session_state["ten_values"], shape=shape,
                              dtype=st.session_state["ten_dtype"], seed=seed)


def values_text(facts, library: str) -> str:
    """Values printed the way the library prints them: tensor([[2., 3.]]) / array([[2., 3.]], dtype=float32)."""
    if facts.values is None:
        return _("{n:,} values; the first {k}: {preview}", n=facts.numel, k=len(facts.preview), preview=facts.preview)
    if library == "torch":
        return repr(torch.tensor(facts.values, dtype=tensors.DTYPES[facts.dtype]))
    return repr(np.array(facts.values, dtype=facts.dtype))


def facts_line(facts, shape_text: str) -> None:
    contiguous, memory = _("yes") if facts.is_contiguous else _("no"), (
        _("shares memory with `a` (a view)") if facts.shares_memory else _("a copy"))
    labels = {"shape": _("shape"), "strides": _("strides"), "contiguous": _("contiguous"), "memory": _("memory")}
    st.markdown(f"**{labels['shape']}** `{shape_text}` · **{labels['strides']}** `{tuple(facts.strides)}` · "
                f"**{labels['contiguous']}** {contiguous} · **{labels['memory']}** {memory}")


def start_panel(result) -> None:
    """``a`` itself, in PyTorch and in NumPy."""
    st.subheader(_("The tensor `a`"))
    torch_col, numpy_col = st.columns(2)
    with torch_col:
        st.caption(_("PyTorch"))
        st.code(f"{result.torch_create}\n{values_text(result.start, 'torch')}", language="python")
        facts_line(result.start, result.start.shape_text)
    with numpy_col:
        st.caption(_("NumPy"))
        st.code(f"{result.numpy_create}\n{values_text(result.numpy_start, 'numpy')}", language="python")
        facts_line(result.numpy_start, result.numpy_start.shape_text)


def step_panel(i: int, step) -> None:
    """One step of the chain: PyTorch's result or its explained error, NumPy's beside it, and where they differ."""
    with st.container(border=True):
        head, remove = st.columns([5, 1], vertical_alignment="center")
        head.markdown("#### " + _("Step {i}: `{code}`", i=step.index, code=step.chain_code))
        remove.button(_("Remove"), key=f"ten_remove_{i}", on_click=remove_op, args=(i,))
        torch_col, numpy_col = st.columns(2)
        with torch_col:
            st.caption(_("PyTorch"))
            _torch_side(step)
        with numpy_col:
            st.caption(_("NumPy"))
            _numpy_side(step)
        if step.disagree:
            differ = _("PyTorch and NumPy differ here")
            st.warning(f"**{differ}**: {message_text(step.disagree_template, step.disagree_params)}",
                       icon=":material/compare_arrows:")


def _torch_side(step) -> None:
    if step.error is not None:
        st.error(error_text(step.error))
        if step.torch_message:
            st.caption(_("PyTorch's own message: {message}", message=step.torch_message))
    elif step.tensor is None:
        st.code(f"{step.name} = {step.torch_code}\n{step.shape_text}", language="python")
        st.markdown(_("gives the number {value}", value=step.value))
    else:
        st.code(f"{step.name} = {step.torch_code}\n{values_text(step.tensor, 'torch')}", language="python")
        facts_line(step.tensor, step.shape_text)


def _numpy_side(step) -> None:
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
        facts_line(side.array, side.array.shape_text)


def code_panel(spec, ops) -> None:
    with st.expander(_("Code"), expanded=False):
        st.caption(_("The PyTorch lines for what is on screen, ready to copy."))
        torch_code, numpy_code = tensors.chain_code(spec, ops)
        code_torch, code_numpy = st.tabs([_("PyTorch"), _("NumPy")])
        code_torch.code(torch_code, language="python")
        code_numpy.code(numpy_code, language="python")
