"""The NumPy side of a step: the NumPy equivalent of each operation, and the notes where PyTorch and NumPy
behave differently (``Step.disagree_code``, and the marked ``disagree_template`` with its ``disagree_params``)."""

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from core.lessons.tensors.explain import _dim_range
from core.lessons.tensors.helpers import _tuple_text
from core.lessons.tensors.ops import Op, _expand_target
from core.lessons.tensors.results import NumpySide, Step, _array_facts
from core.lessons.tensors.spec import MAX_ELEMENTS
from core.messages import N_, render


def _numpy_equivalent(op: Op, shape: tuple[int, ...]) -> tuple[str, Callable[[np.ndarray], Any]] | None:
    """The NumPy code (with {v} for the variable) and function for ``op`` on an array of ``shape``.

    None where there is no faithful equivalent (flatten or expand with arguments PyTorch refuses anyway).
    """
    args = op.args
    name = op.name
    if name == "view":
        return f"np.reshape({{v}}, {_tuple_text(args)})", lambda x: np.reshape(x, args)
    if name == "reshape":
        return f"{{v}}.reshape({', '.join(map(str, args))})", lambda x: x.reshape(args)
    if name == "unsqueeze":
        return f"np.expand_dims({{v}}, {args[0]})", lambda x: np.expand_dims(x, args[0])
    if name == "squeeze":
        if not args:
            return "np.squeeze({v})", np.squeeze
        axis = args[0] if len(args) == 1 else args
        return f"np.squeeze({{v}}, axis={axis})", lambda x: np.squeeze(x, axis=axis)
    if name == "flatten":
        return _numpy_flatten(args, shape)
    if name == "permute":
        if not args:  # PyTorch's permute() is a TypeError; np.transpose(x) would reverse the axes instead
            return None
        return f"np.transpose({{v}}, {_tuple_text(args)})", lambda x: np.transpose(x, args)
    if name == "transpose":
        return f"np.swapaxes({{v}}, {args[0]}, {args[1]})", lambda x: np.swapaxes(x, *args)
    if name == "t":
        return "{v}.T", lambda x: x.T
    if name == "contiguous":
        return "np.ascontiguousarray({v})", np.ascontiguousarray
    if name == "expand":
        target = _expand_target(args, shape)  # NumPy has no -1 for "keep": write the kept sizes out
        if target is None or math.prod(target) > MAX_ELEMENTS:
            return None
        return f"np.broadcast_to({{v}}, {_tuple_text(target)})", lambda x: np.broadcast_to(x, target)
    if args:  # size(d)
        return f"{{v}}.shape[{args[0]}]", lambda x: x.shape[args[0]]
    return "{v}.shape", lambda x: x.shape  # a tuple, printed as NumPy prints it: (1, 1, 4), (4,), ()


def _numpy_flatten(args: tuple[int, ...], shape: tuple[int, ...]):
    """ravel() for the whole array; for some dimensions, reshape with those sizes multiplied together."""
    rank = len(shape)
    start, end = (tuple(args) + (0, -1)[len(args):])
    low, high = _dim_range(rank)
    if not (low <= start <= high and low <= end <= high):
        return None
    start, end = start % max(rank, 1), end % max(rank, 1)
    if start > end:
        return None
    if rank == 0 or (start == 0 and end == rank - 1):
        return "{v}.ravel()", np.ravel
    target = shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:]
    return f"{{v}}.reshape({', '.join(map(str, target))})", lambda x: x.reshape(target)


def _numpy_step(step: Step, x: np.ndarray, var: str, a_np: np.ndarray) -> Any:
    """Fill in the step's NumPy side from array ``x``; returns NumPy's output, or None once NumPy cannot go on."""
    equivalent = _numpy_equivalent(step.op, x.shape)
    if equivalent is None:
        return None
    template, function = equivalent
    side = step.numpy = NumpySide(code=template.format(v=var))
    try:
        out = function(x)
    except (ValueError, IndexError) as err:  # np.exceptions.AxisError is both
        side.error = f"{type(err).__name__}: {err}"
        return None
    if isinstance(out, np.ndarray):
        side.array = _array_facts(out, a_np)
    else:
        side.value = out
    return out


def _note_disagreement(step: Step, t: torch.Tensor) -> None:
    """Explain where PyTorch and NumPy behave differently at this step, if they do."""
    found = _disagreement(step, t)
    if found:
        step.disagree_code, step.disagree_template, step.disagree_params = found
        step.disagree = render(step.disagree_template, step.disagree_params)


def _disagreement(step: Step, t: torch.Tensor) -> tuple[str, str, dict] | None:
    """(code, template, params) where the two libraries differ on input ``t``, judged from both sides' results."""
    side, op = step.numpy, step.op
    if side is None:
        return None
    numpy_failed = side.error is not None
    if step.error and not numpy_failed:
        return _torch_only_fails(step, t)
    if numpy_failed and not step.error:
        if op.name == "squeeze" and op.args and t.dim() > 0:  # a 0-D tensor has no size to name
            found = _squeeze_not_one(op.args, t)
            if found:
                return found
        return "numpy_only_fails", N_("NumPy raises an error here ({numpy_error}), PyTorch does not."), {
            "numpy_error": side.error}
    if step.error or numpy_failed or step.tensor is None or side.array is None:
        return None
    if step.tensor.shape != side.array.shape:
        params = {"torch_shape": _tuple_text(step.tensor.shape), "numpy_shape": _tuple_text(side.array.shape)}
        return "shape_differs", N_("PyTorch gives shape {torch_shape}, NumPy gives {numpy_shape}."), params
    if step.tensor.numel == 0:
        return None  # no elements, so no memory to share: np.shares_memory says False for any empty array
    if step.tensor.shares_memory and not side.array.shares_memory:
        return "memory_torch_only", N_("PyTorch's result still shares memory with a (a view), but NumPy's is a "
                                       "copy: changing it would not change a."), {}
    if side.array.shares_memory and not step.tensor.shares_memory:
        return "memory_numpy_only", N_("NumPy's result still shares memory with a (a view), but PyTorch's is a "
                                       "copy: changing it would not change a."), {}
    return None


def _squeeze_not_one(dims: tuple[int, ...], t: torch.Tensor) -> tuple[str, str, dict] | None:
    dim, size = next(((d, t.shape[d]) for d in dims if t.shape[d] != 1), (None, None))
    if dim is None:
        return None
    if len(dims) == 1:
        return "squeeze_not_one", N_(
            "squeeze({dim}) on a dimension of size {size}: PyTorch returns the tensor unchanged, while NumPy "
            "raises an error, because np.squeeze removes only axes of size 1."), {"dim": dim, "size": size}
    return "squeeze_not_one", N_(
        "squeeze({dims}) names dimension {dim}, of size {size}: PyTorch removes only the named dimensions of size 1 "
        "and keeps that one, while NumPy raises an error, because np.squeeze removes only axes of size 1."), {
        "dims": ", ".join(map(str, dims)), "dim": dim, "size": size}


def _torch_only_fails(step: Step, t: torch.Tensor) -> tuple[str, str, dict]:
    side, code = step.numpy, step.error.code
    numpy_shape = _tuple_text(side.array.shape) if side.array else str(side.value)
    if code == "view_non_contiguous":
        return "view_copies", N_(
            "PyTorch's view refuses a tensor that is not contiguous, but NumPy's reshape silently copies the data "
            "instead (shape {numpy_shape}; np.shares_memory with a is {shares_memory}), so changing the result may "
            "not change a."), {
            "numpy_shape": numpy_shape, "shares_memory": side.array.shares_memory}
    if code == "t_rank":
        reverse = ", ".join(str(d) for d in reversed(range(t.dim())))
        return "t_reverses_all", N_(
            "PyTorch's t() works only up to 2-D, while NumPy's .T reverses all the axes: shape {shape} becomes "
            "{numpy_shape}. In PyTorch, {permute} does that."), {
            "shape": _tuple_text(t.shape), "numpy_shape": numpy_shape, "permute": f"permute({reverse})"}
    return "torch_only_fails", N_("PyTorch raises an error here, but NumPy's {numpy_code} gives {numpy_shape}."), {
        "numpy_code": side.code, "numpy_shape": numpy_shape}
