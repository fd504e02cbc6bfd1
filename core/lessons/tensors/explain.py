"""Explaining what PyTorch refused: a learner's ``TensorOpError`` with the fix, judged from the tensor's shape
(not from PyTorch's wording), and the shape arithmetic those explanations use."""

import math
from collections.abc import Sequence

import torch

from core.errors import N_, TensorOpError
from core.lessons.tensors.helpers import _tuple_text
from core.lessons.tensors.ops import Op


def _explain(op: Op, t: torch.Tensor, var: str) -> TensorOpError | None:
    """A learner's explanation of why PyTorch refused ``op`` on ``t``, judged from the shape, not torch's wording."""
    call = f"{var}.{op}"
    if op.name in ("view", "reshape"):
        return _explain_shape(op, t, var, call)
    if op.name == "unsqueeze":
        return _explain_dims(op.args, t, call, extra=1)
    if op.name == "size" and t.dim() == 0:
        return TensorOpError(N_("{call}: a 0-D tensor (a single number) has no dimensions to ask the size of; "
                                "size() gives its empty shape, torch.Size([])."), code="no_dims", call=call)
    if op.name == "squeeze":
        return _explain_dims(op.args, t, call) or _explain_duplicates(op.args, t, call)
    if op.name in ("transpose", "size"):
        return _explain_dims(op.args, t, call)
    if op.name == "flatten":
        return _explain_flatten(op, t, call)
    if op.name == "permute":
        return _explain_permute(op, t, call)
    if op.name == "t" and t.dim() > 2:
        return TensorOpError(N_("{call}: t() transposes tensors of at most 2 dimensions, and this one has {rank} "
                                "(shape {shape}). Use transpose(dim0, dim1) to swap two dimensions, or permute(...) "
                                "to put them all in a new order."), code="t_rank", call=call, rank=t.dim(),
                             shape=_tuple_text(t.shape))
    if op.name == "expand":
        return _explain_expand(op, t, call)
    return None


def _explain_shape(op: Op, t: torch.Tensor, var: str, call: str) -> TensorOpError | None:
    sizes, numel = op.args, t.numel()
    if sizes.count(-1) > 1:
        return TensorOpError(N_("{call} has more than one -1: PyTorch can work out only one size from the others. "
                                "Give all sizes but one as numbers, e.g. {example}."),
                             code="two_minus_one", call=call, example=_working_example(op, t))
    for size in sizes:
        if size < -1:
            return _bad_size(call, size)
    product = math.prod(s for s in sizes if s != -1)
    if -1 in sizes and product == 0 == numel:
        example = f"{op.name}({', '.join('1' if s == -1 else str(s) for s in sizes)})"
        return TensorOpError(N_("{call}: the tensor has no elements and another size is 0, so any size would do for "
                                "the -1, and PyTorch cannot work it out. Give that size as a number, e.g. {example}."),
                             code="ambiguous_minus_one", call=call, example=example)
    fits = numel == product if -1 not in sizes else product > 0 and numel % product == 0
    if not fits:
        shapes = ", ".join(_tuple_text(s) for s in _fitting_shapes(numel))
        example = _working_example(op, t)
        return TensorOpError(N_("{call} does not fit: the tensor has {numel} elements, but the sizes given multiply "
                                "to {product} (with a -1, {numel} must be a multiple of that). Shapes with {numel} "
                                "elements: {shapes}; or let PyTorch work out one size with -1, e.g. {example}."),
                             code="shape_mismatch", call=call, numel=numel, product=product, shapes=shapes,
                             example=example)
    if op.name == "view":
        args = ", ".join(map(str, sizes))
        return TensorOpError(N_("{call} cannot work here: {var} is not contiguous. Its elements are not stored in "
                                "memory in row order (shape {shape}, strides {strides}), because an operation such as "
                                "t(), transpose, permute or expand changed only the strides, not the data. view "
                                "never copies, so it refuses. Fix: {fix} copies the data into row order first, or "
                                "{fix_reshape} copies only when it must."), code="view_non_contiguous",
                             call=call, var=var, shape=_tuple_text(t.shape), strides=_tuple_text(t.stride()),
                             fix=f"{var}.contiguous().view({args})", fix_reshape=f"{var}.reshape({args})")
    return None


def _explain_dims(dims: Sequence[int], t: torch.Tensor, call: str, extra: int = 0) -> TensorOpError | None:
    low, high = _dim_range(t.dim() + extra)
    for dim in dims:
        if not low <= dim <= high:
            return TensorOpError(N_("{call}: dimension {dim} is out of range for a {rank}-D tensor of shape {shape}; "
                                    "use {low}..{high} (negative numbers count from the end)."),
                                 code="dim_out_of_range", call=call, dim=dim, rank=t.dim(),
                                 shape=_tuple_text(t.shape), low=low, high=high)
    return None


def _explain_duplicates(dims: Sequence[int], t: torch.Tensor, call: str) -> TensorOpError | None:
    seen = set()
    for dim in dims:
        if dim % max(t.dim(), 1) in seen:
            return TensorOpError(N_("{call} names dimension {dim} more than once (negative numbers count from the end, "
                                    "so -1 is the last one); name each dimension once."),
                                 code="duplicate_dims", call=call, dim=dim)
        seen.add(dim % max(t.dim(), 1))
    return None


def _explain_flatten(op: Op, t: torch.Tensor, call: str) -> TensorOpError | None:
    out_of_range = _explain_dims(op.args, t, call)
    if out_of_range or len(op.args) < 2:
        return out_of_range
    start, end = (d % max(t.dim(), 1) for d in op.args)
    if start > end:
        return TensorOpError(N_("{call}: start_dim {start} comes after end_dim {end} in this {rank}-D tensor; "
                                "flatten joins the dimensions from start_dim to end_dim, so start_dim must not come "
                                "after end_dim."), code="flatten_order", call=call,
                             start=op.args[0], end=op.args[1], rank=t.dim())
    return None


def _explain_permute(op: Op, t: torch.Tensor, call: str) -> TensorOpError:
    rank = t.dim()
    if rank == 0:  # permute(()) would do, but permute() is a TypeError, and no dims are left to list
        return TensorOpError(N_("{call}: a 0-D tensor (a single number) has no dimensions to put in a new order, so "
                                "there is nothing to permute: leave this step out. (PyTorch refuses permute() with no "
                                "dims as well: it needs them, as permute(*dims).)"), code="permute_0d", call=call)
    example = f"permute({', '.join(str(d) for d in reversed(range(rank)))})"
    return TensorOpError(N_("{call}: permute needs every dimension of this {rank}-D tensor exactly once, in the new "
                            "order: a rearrangement of {dims}, e.g. {example}."),
                         code="bad_permutation", call=call, rank=rank, example=example,
                         dims=", ".join(map(str, range(rank))))


def _explain_expand(op: Op, t: torch.Tensor, call: str) -> TensorOpError | None:
    sizes, shape = op.args, tuple(t.shape)
    new = len(sizes) - len(shape)
    if new < 0:
        return TensorOpError(N_("{call} gives {count} size(s) for a {rank}-D tensor of shape {shape}; expand needs "
                                "at least one size per dimension (new dimensions are added at the front)."),
                             code="expand_rank", call=call, count=len(sizes),
                             rank=len(shape), shape=_tuple_text(shape))
    if -1 in sizes[:new]:
        return TensorOpError(N_("{call}: -1 means 'keep this size', but a new leading dimension has no size to "
                                "keep; give it a number."), code="expand_new_minus_one", call=call)
    for dim, (old, wanted) in enumerate(zip(shape, sizes[new:], strict=True)):
        if wanted not in (-1, old) and old != 1:
            return TensorOpError(N_("{call}: dimension {dim} has size {size}, and expand can only stretch dimensions "
                                    "of size 1 (keep a size with -1 or the same number). It copies nothing: a "
                                    "stretched dimension repeats the same memory with stride 0."),
                                 code="expand_mismatch",
                                 call=call, dim=dim, size=old, wanted=wanted)
    return None


def _bad_size(call: str, size: int) -> TensorOpError:
    return TensorOpError(N_("{call}: sizes must be whole numbers, 0 or more, or -1; {size} is not allowed."),
                         code="bad_size", call=call, size=size)


def _dim_range(rank: int) -> tuple[int, int]:
    """The dimensions a tensor of ``rank`` accepts; a 0-D tensor takes -1 and 0, like a 1-D one."""
    rank = max(rank, 1)
    return -rank, rank - 1


def _fitting_shapes(numel: int, limit: int = 8) -> list[tuple[int, ...]]:
    """A few shapes with ``numel`` elements: (6,), (1, 6), (2, 3), (3, 2), (6, 1) for 6."""
    pairs = [(d, numel // d) for d in range(1, numel + 1) if numel % d == 0]
    if len(pairs) > limit - 1:  # keep the most even splits, which are the interesting ones
        pairs = sorted(sorted(pairs, key=lambda p: abs(p[0] - p[1]))[:limit - 1])
    return [(numel,)] + pairs


def _working_example(op: Op, t: torch.Tensor) -> str:
    """An example call with one -1 that works on ``t``, e.g. "view(2, -1)"; reshape where view would refuse ``t``
    (not contiguous), so that the suggestion is never another error."""
    numel = t.numel()
    sizes = (next((d for d in range(2, numel + 1) if numel % d == 0), 1), -1)
    name = op.name
    if name == "view":
        try:
            t.view(*sizes)  # a view copies nothing, so trying it costs nothing
        except RuntimeError:
            name = "reshape"
    return f"{name}({', '.join(map(str, sizes))})"
