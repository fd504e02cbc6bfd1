"""Running a chain: ``run_chain`` makes ``a`` and applies each operation on PyTorch's side (through a fixed
dispatch table, never ``getattr``), after the playground's own limits, then on NumPy's side."""

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch

from core.errors import N_, TensorOpError
from core.lessons.tensors.explain import _bad_size, _explain
from core.lessons.tensors.numpy_side import _note_disagreement, _numpy_step
from core.lessons.tensors.ops import Op, _expand_target, validate_ops
from core.lessons.tensors.results import ChainResult, Step, _array_facts, _tensor_facts
from core.lessons.tensors.spec import MAX_RANK, TensorSpec, _check_numel, _too_many_dims, creation_code, make_tensor

# Names the code gives each step's result; a is the starting tensor, and l, o, t read badly as variables.
_NAMES = "bcdefghijkmnpqrsuvwxyz"


def _torch_size(t, args):
    size = t.size(*args)
    return size if isinstance(size, int) else list(size)


# Explicit dispatch: only these names can ever be called on a tensor.
_TORCH_OPS: dict[str, Callable[[torch.Tensor, tuple[int, ...]], Any]] = {
    "view": lambda t, args: t.view(*args),
    "reshape": lambda t, args: t.reshape(*args),
    "unsqueeze": lambda t, args: t.unsqueeze(*args),
    "squeeze": lambda t, args: t.squeeze(*args),
    "flatten": lambda t, args: t.flatten(*args),
    "permute": lambda t, args: t.permute(*args),  # as the code line writes it: permute() is PyTorch's TypeError
    "transpose": lambda t, args: t.transpose(*args),
    "t": lambda t, args: t.t(),
    "contiguous": lambda t, args: t.contiguous(),
    "expand": lambda t, args: t.expand(*args),
    "size": _torch_size,
}


def run_chain(spec: TensorSpec, ops: Sequence[Op]) -> ChainResult:
    """Make ``a`` from ``spec`` and apply ``ops`` one by one, recording every step on PyTorch's and NumPy's side.

    A bad spec or chain (unknown operation, wrong arguments) raises ``TensorOpError``. An operation PyTorch refuses
    ends the chain: that step is recorded with its explained error, and ``result.error`` is set.
    """
    ops = validate_ops(ops)
    a = make_tensor(spec)
    a_np = a.numpy().copy()  # NumPy's own array, so that NumPy's memory sharing is judged on NumPy's side alone
    torch_create, numpy_create = creation_code(spec)
    result = ChainResult(spec=spec, ops=ops, torch_create=torch_create, numpy_create=numpy_create,
                         start=_tensor_facts(a, a), numpy_start=_array_facts(a_np, a_np), steps=[], error=None,
                         result=a, numpy_result=a_np)
    var, chained, t, x = "a", "a", a, a_np
    for index, (op, name) in enumerate(zip(ops, _NAMES, strict=False), start=1):
        chained += f".{op}"
        step = Step(index=index, op=op, name=name, torch_code=f"{var}.{op}", chain_code=chained)
        out, ours = _torch_step(step, t, var, a)
        out_np = _numpy_step(step, x, var, a_np) if x is not None and not ours else None
        _note_disagreement(step, t)
        result.steps.append(step)
        if step.error:
            result.error = step.error
            break
        var, t, x = name, out, out_np
        result.result, result.numpy_result = out, out_np
    return result


def _torch_step(step: Step, t: torch.Tensor, var: str, a: torch.Tensor) -> tuple[Any, bool]:
    """Apply the step's operation to ``t`` and fill in the PyTorch side: (output, refused by a playground cap)."""
    op = step.op
    try:
        _precheck(op, t, f"{var}.{op}")
    except TensorOpError as err:
        step.error = err
        return None, True
    try:
        out = _TORCH_OPS[op.name](t, op.args)
    except (RuntimeError, IndexError, TypeError) as err:  # TypeError: permute() with no dims
        step.error = _explain(op, t, var)
        if step.error is None:
            step.error = TensorOpError(N_("PyTorch could not do {call}: {detail}"), code="torch_error",
                                       call=f"{var}.{op}", detail=str(err))
        step.torch_message = f"{type(err).__name__}: {err}"
        return None, False
    if isinstance(out, torch.Tensor):
        step.tensor = _tensor_facts(out, a)
        step.shape_text = step.tensor.shape_text
    else:
        step.value = out
        step.shape_text = str(torch.Size(out)) if isinstance(out, list) else str(out)
    return out, False


def _precheck(op: Op, t: torch.Tensor, call: str) -> None:
    """The shared server's own limits, checked before PyTorch runs: PyTorch would allow an expand to a million
    elements (a stride-0 view, but later steps and NumPy would materialise it), and a seventh dimension."""
    if op.name == "unsqueeze" and t.dim() + 1 > MAX_RANK:
        raise _too_many_dims(t.dim() + 1)
    if op.name == "expand":
        for size in op.args:
            if size < -1:  # PyTorch's own error would be "numel: integer multiplication overflow"
                raise _bad_size(call, size)
        target = _expand_target(op.args, tuple(t.shape))
        if target is not None:
            _check_numel(math.prod(target))
