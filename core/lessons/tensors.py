"""The tensor playground's engine: make a tensor ``a``, apply a chain of shape operations, compare with NumPy.

A learner types values (``[[2, 3, 4, 5]]``, as in the lecture's ``torch.FloatTensor([[2, 3, 4, 5]])``) or picks a
shape, then a chain such as ``view(2, -1).flatten()``. ``run_chain`` applies it one operation at a time and records,
after every step, what PyTorch did (shape, strides, contiguity, whether memory is shared with ``a``) beside what the
NumPy equivalent does, with a note where the two libraries behave differently. ``chain_code`` gives both as
copy-ready code.

Nothing here runs user text as code: values go through ``ast.literal_eval`` and a check that only numbers in
(nested) lists remain; operations come from a fixed table and are dispatched through dicts, never ``getattr``.
Every tensor is capped at ``MAX_ELEMENTS`` before it is allocated, because the app runs on a shared server.
Errors a learner can cause are ``TensorOpError`` with a ``code`` and ``params`` the page can translate.
"""

import ast
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from core.errors import TensorOpError

MAX_ELEMENTS = 10_000  # elements in any tensor made or produced (expand included: later steps would materialise it)
MAX_RANK = 6  # dimensions
MAX_TEXT = 20_000  # characters of typed values; bounds parsing (literal_eval's syntax tree takes ~300 bytes a char)
MAX_OPS = 20  # operations in one chain
MAX_OPS_TEXT = 2_000  # characters of a chain's text (it travels in the page URL)
MAX_ARG = MAX_ELEMENTS  # no size above this fits a capped tensor, and no dimension comes near it
MAX_SHOWN = 200  # a step lists all its values up to this many elements, beyond that only a preview
PREVIEW = 20  # values in that preview, in row-major order

SOURCES = ("values", "arange", "zeros", "ones", "rand")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32,
          "bool": torch.bool}
FLOAT_DTYPES = ("float32", "float64")
_NP_DTYPE_CODE = {"float32": "np.float32", "float64": "np.float64", "int64": "np.int64", "int32": "np.int32",
                  "bool": "np.bool_"}
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_FLOAT64_MAX = float(np.finfo(np.float64).max)
_VALUE_RANGE = {  # (lowest, highest) a typed number may be; floats typed into int tensors are truncated first
    "float32": (-_FLOAT32_MAX, _FLOAT32_MAX),
    "float64": (-_FLOAT64_MAX, _FLOAT64_MAX),
    "int64": (-(2**63), 2**63 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "bool": (-math.inf, math.inf),  # any finite number: 0 is False, the rest True
}

# The fixed set of operations: name -> (fewest arguments, most arguments), and how each is called.
_ARITY = {
    "view": (1, MAX_RANK),
    "reshape": (1, MAX_RANK),
    "unsqueeze": (1, 1),
    "squeeze": (0, 1),
    "flatten": (0, 2),
    "permute": (0, MAX_RANK),  # permute() with no dims fits only a 0-D tensor
    "transpose": (2, 2),
    "t": (0, 0),
    "contiguous": (0, 0),
    "expand": (1, MAX_RANK),
    "size": (0, 1),
}
OPS = tuple(_ARITY)
OP_USAGE = {
    "view": "view(*shape)",
    "reshape": "reshape(*shape)",
    "unsqueeze": "unsqueeze(dim)",
    "squeeze": "squeeze() or squeeze(dim)",
    "flatten": "flatten(start_dim=0, end_dim=-1)",
    "permute": "permute(*dims)",
    "transpose": "transpose(dim0, dim1)",
    "t": "t()",
    "contiguous": "contiguous()",
    "expand": "expand(*sizes)",
    "size": "size() or size(dim)",
}

# Names the code gives each step's result; a is the starting tensor, and l, o, t read badly as variables.
_NAMES = "bcdefghijkmnpqrsuvwxyz"


# ---------------------------------------------------------------------------------------------------------------
# Plain data in and out


@dataclass(frozen=True)
class TensorSpec:
    """How to make the starting tensor ``a``."""

    source: str = "values"  # one of SOURCES
    values_text: str = "[[2, 3, 4, 5]]"  # a nested list of numbers; used when source == "values"
    shape: tuple[int, ...] = (2, 3)  # used by arange, zeros, ones and rand
    dtype: str = "float32"  # one of DTYPES; rand makes floats only, arange no bools
    seed: int = 0  # rand draws from torch.Generator().manual_seed(seed), never the global generator

    def __post_init__(self):
        if isinstance(self.shape, list):  # a widget may hand a list; frozen, hence object.__setattr__
            object.__setattr__(self, "shape", tuple(self.shape))


@dataclass(frozen=True)
class Op:
    """One operation of a chain: a name from ``OPS`` and its whole-number arguments."""

    name: str
    args: tuple[int, ...] = ()

    def __post_init__(self):
        if isinstance(self.args, list):
            object.__setattr__(self, "args", tuple(self.args))

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.args))})"


@dataclass
class TensorFacts:
    """What a tensor (or NumPy array) looks like after a step."""

    shape: list[int]
    shape_text: str  # as the library prints it: "torch.Size([1, 1, 4])" or "(1, 1, 4)"
    strides: list[int]  # in elements (NumPy's own are in bytes)
    is_contiguous: bool
    shares_memory: bool  # with the starting tensor a (PyTorch: same storage; NumPy: np.shares_memory)
    dtype: str  # "float32"
    numel: int
    values: Any  # nested lists from .tolist(); None when numel > MAX_SHOWN
    preview: list = field(default_factory=list)  # the first PREVIEW values, row-major, when values is None


@dataclass
class NumpySide:
    """The NumPy equivalent of one step."""

    code: str  # "np.reshape(a, (2, -1))"
    array: TensorFacts | None = None  # None for a.shape / a.shape[d], and when NumPy raised
    value: int | list[int] | None = None  # what a.shape[d] (an int) or a.shape (a list) gives
    error: str | None = None  # NumPy's own message, e.g. "ValueError: cannot select an axis to squeeze out ..."


@dataclass
class Step:
    """One operation applied: the PyTorch result or its explained error, the NumPy side, and how they differ."""

    index: int  # 1 for the first operation
    op: Op
    name: str  # the variable holding this step's result in the code: "b", "c", ...
    torch_code: str  # "a.view(2, -1)": the operation on the previous step's variable
    chain_code: str  # "a.view(2, -1).flatten()": the chain so far, as the lecture writes it
    tensor: TensorFacts | None = None  # None for size() and when the operation failed
    value: int | list[int] | None = None  # what size(d) (an int) or size() (a list) gives
    shape_text: str | None = None  # "torch.Size([1, 1, 4])", or "1" for size(0); None when the operation failed
    error: TensorOpError | None = None  # why PyTorch refused, with the fix
    torch_message: str | None = None  # PyTorch's own message when it refused, e.g. "view size is not compatible..."
    numpy: NumpySide | None = None  # None where NumPy stopped earlier, has no equivalent, or a playground cap applied
    disagree: str | None = None  # how PyTorch and NumPy differ at this step
    disagree_code: str | None = None
    disagree_params: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ChainResult:
    """Every step of a chain, up to and including the one that failed (if any)."""

    spec: TensorSpec
    ops: list[Op]
    torch_create: str  # "a = torch.FloatTensor([[2, 3, 4, 5]])"
    numpy_create: str  # "a = np.array([[2, 3, 4, 5]], dtype=np.float32)"
    start: TensorFacts  # a itself
    numpy_start: TensorFacts
    steps: list[Step]
    error: TensorOpError | None  # the failed step's error; that step is steps[-1]
    result: Any  # the last successful step's output: a tensor, or size()'s int / list; a if no step succeeded
    numpy_result: Any  # the same on the NumPy side; None once NumPy raised or had no equivalent

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Preset:
    """One of the lecture's examples, ready to load into the page."""

    name: str  # the example as code, e.g. "a.view(2, -1).flatten()"
    spec: TensorSpec
    ops: tuple[Op, ...]
    expected: str | None  # what the last step shows: "torch.Size([4])", or "1" for size(0); None if it fails
    error_code: str | None = None  # the code of the explained error, for an example that fails on purpose


# ---------------------------------------------------------------------------------------------------------------
# Making the starting tensor


def make_tensor(spec: TensorSpec) -> torch.Tensor:
    """The starting tensor ``a`` described by ``spec``; checks the size cap before anything is allocated."""
    dtype = _check_source_and_dtype(spec)
    if spec.source == "values":
        return torch.tensor(parse_values(spec.values_text, spec.dtype), dtype=dtype)
    shape = _check_shape(spec.shape)
    if spec.source == "arange":
        return torch.arange(math.prod(shape), dtype=dtype).reshape(shape)
    if spec.source == "zeros":
        return torch.zeros(shape, dtype=dtype)
    if spec.source == "ones":
        return torch.ones(shape, dtype=dtype)
    return torch.rand(shape, generator=torch.Generator().manual_seed(_check_seed(spec.seed)), dtype=dtype)


def _check_source_and_dtype(spec: TensorSpec) -> torch.dtype:
    if spec.source not in SOURCES:
        raise TensorOpError(f"Unknown way to make a tensor: {_short(spec.source)}. Choose one of "
                            f"{', '.join(SOURCES)}.", code="unknown_source", source=_short(spec.source),
                            allowed=", ".join(SOURCES))
    if spec.dtype not in DTYPES:
        raise TensorOpError(f"Unknown dtype {_short(spec.dtype)}. Choose one of {', '.join(DTYPES)}.",
                            code="unknown_dtype", dtype=_short(spec.dtype), allowed=", ".join(DTYPES))
    if spec.source == "rand" and spec.dtype not in FLOAT_DTYPES:
        raise TensorOpError(f"rand draws numbers between 0 and 1, so it makes float tensors only; choose float32 "
                            f"or float64 instead of {spec.dtype}.", code="rand_needs_float", dtype=spec.dtype)
    if spec.source == "arange" and spec.dtype == "bool":
        raise TensorOpError("arange counts 0, 1, 2, ..., which a bool tensor cannot hold; choose a number dtype, "
                            "or zeros/ones for a bool tensor.", code="arange_not_bool")
    return DTYPES[spec.dtype]


def _check_shape(shape) -> tuple[int, ...]:
    if not isinstance(shape, tuple) or not shape or not all(_is_int(s) and s >= 1 for s in shape):
        raise TensorOpError(f"The shape must be 1 to {MAX_RANK} whole numbers of at least 1, e.g. (2, 3); "
                            f"got {_short(shape)}.", code="bad_shape", shape=_short(shape), limit=MAX_RANK)
    if len(shape) > MAX_RANK:
        raise _too_many_dims(len(shape))
    _check_numel(math.prod(shape))  # before allocating: the product is exact, however large
    return shape


def _check_seed(seed) -> int:
    if not _is_int(seed) or not 0 <= seed < 2**63:
        raise TensorOpError(f"The seed must be a whole number from 0 to {2**63 - 1}; got {_short(seed)}.",
                            code="bad_seed", seed=_short(seed))
    return seed


def _check_numel(numel: int) -> None:
    if numel > MAX_ELEMENTS:
        raise TensorOpError(f"That tensor would have {numel:,} elements; the playground allows at most "
                            f"{MAX_ELEMENTS:,}, so that no one can use up the shared server's memory. "
                            "Use a smaller shape.", code="too_big", numel=numel, limit=MAX_ELEMENTS)


def _too_many_dims(rank: int) -> TensorOpError:
    return TensorOpError(f"That tensor would have {rank} dimensions; the playground allows at most {MAX_RANK}.",
                         code="too_many_dims", rank=rank, limit=MAX_RANK)


# An upper bound on how many numbers a text holds (every Python number literal contains a match), counted before
# parsing so that a huge list is refused without building it.
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|True|False")
_SCAN_LIMIT = 20 * MAX_TEXT


def parse_values(text: str, dtype: str = "float32") -> list:
    """The nested list of numbers typed in ``text`` (tuples become lists), checked to make a ``dtype`` tensor.

    Parsed with ``ast.literal_eval`` only: names, calls and operators are refused, so nothing typed runs.
    """
    if len(text) <= _SCAN_LIMIT:  # counting is cheap, parsing is not: a list too big is told so by its size
        _check_numel(len(_NUMBER_TOKEN.findall(text)))
    if len(text) > MAX_TEXT:
        raise TensorOpError(f"The values are {len(text):,} characters long; at most {MAX_TEXT:,} are read. For a "
                            "big tensor, choose arange, zeros, ones or rand and a shape instead.",
                            code="values_too_long", length=len(text), limit=MAX_TEXT)
    if not text.strip():
        raise _values_empty()
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise TensorOpError("Could not read the values. Type numbers in square brackets, separated by commas, e.g. "
                            "[[2, 3, 4, 5]]; only plain numbers and True/False are read, nothing is run.",
                            code="values_syntax") from None
    if not isinstance(value, list | tuple):
        raise TensorOpError(f"Put the numbers in square brackets, e.g. [[2, 3, 4, 5]]; got {_short(value)} "
                            f"({type(value).__name__}).", code="values_not_list", found=_short(value),
                            kind=type(value).__name__)
    _check_numel(math.prod(_nested_shape(value, ())))
    value = _as_lists(value)
    _check_range(value, dtype)
    return value


def _nested_shape(value, path: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a nested list of numbers; raises where it is not rectangular or holds anything else."""
    if _is_number(value):
        return ()
    if not isinstance(value, list | tuple):
        raise TensorOpError(f"Only numbers (and True/False) can go in a tensor; found {_short(value)} at "
                            f"{_where(path)}.", code="values_not_numbers", found=_short(value), where=_where(path))
    if len(path) >= MAX_RANK:
        raise _too_many_dims(len(path) + 1)
    if not value:
        raise _values_empty()
    first = _nested_shape(value[0], path + (0,))
    for i, item in enumerate(value[1:], start=1):
        shape = _nested_shape(item, path + (i,))
        if shape != first:
            raise _not_rectangular(path, i, shape, first)
    return (len(value),) + first


def _not_rectangular(path, i, shape, first) -> TensorOpError:
    here, there = _where(path + (i,)), _where(path + (0,))
    if not shape or not first:
        return TensorOpError(f"Numbers and lists are mixed at the same level ({there} and {here}): every row of a "
                             "tensor must be a list of the same length, e.g. [[1, 2], [3, 4]].",
                             code="values_mixed", where=here, first=there)
    return TensorOpError(f"The rows are not all the same length: {here} has shape {_tuple_text(shape)} but {there} "
                         f"has {_tuple_text(first)}. A tensor is rectangular: every row needs the same number of "
                         "values, e.g. [[1, 2], [3, 4]].", code="values_ragged", where=here, shape=_tuple_text(shape),
                         first=there, first_shape=_tuple_text(first))


def _values_empty() -> TensorOpError:
    return TensorOpError("There are no numbers to make a tensor from ([] and [[]] are empty). Type at least one, "
                         "e.g. [[2, 3, 4, 5]].", code="values_empty")


def _check_range(value, dtype: str) -> None:
    low, high = _VALUE_RANGE[dtype]
    for number in _flat(value):
        # 1e999 reads as inf (literal_eval cannot make nan); a whole number is finite, however long, and
        # math.isfinite(10**400) would raise OverflowError
        if isinstance(number, float) and not math.isfinite(number):
            raise TensorOpError(f"A value is infinite ({_short(number)}): a number like 1e999 is too large for any "
                                "number type. Use a finite number.", code="values_infinite", value=_short(number))
        if dtype not in FLOAT_DTYPES and isinstance(number, float):
            number = math.trunc(number)  # what torch.tensor and np.array do with 2.7 in an int tensor
        if not low <= number <= high:
            low_text, high_text = (f"{x:g}" if isinstance(x, float) else str(x) for x in (low, high))
            raise TensorOpError(f"The value {_short(number)} does not fit in a tensor of dtype {dtype} (from "
                                f"{low_text} to {high_text}). Use smaller numbers or another dtype.",
                                code="values_out_of_range",
                                value=_short(number), dtype=dtype, low=low_text, high=high_text)


def _flat(value):
    for item in value:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


def _as_lists(value):
    return [_as_lists(v) for v in value] if isinstance(value, list | tuple) else value


# ---------------------------------------------------------------------------------------------------------------
# Operations: the fixed set, their text form, and checks on their arguments


def validate_ops(ops: Sequence[Op]) -> list[Op]:
    """The chain as a list, after checking names, argument counts and types, length, and that size() comes last."""
    ops = list(ops)
    if len(ops) > MAX_OPS:
        raise TensorOpError(f"A chain can have at most {MAX_OPS} operations; this one has {len(ops)}.",
                            code="too_many_ops", count=len(ops), limit=MAX_OPS)
    for i, op in enumerate(ops):
        _check_op(op)
        if op.name == "size" and i < len(ops) - 1:
            raise TensorOpError(f"{op} gives a number, not a tensor, so nothing can follow it: move it to the end "
                                "or remove the operations after it.", code="after_size", call=str(op))
    return ops


def _check_op(op: Op) -> None:
    if not isinstance(op, Op):
        raise TypeError(f"expected an Op, got {type(op).__name__}")  # a programming error, not a user's
    if not isinstance(op.name, str) or op.name not in _ARITY:
        raise TensorOpError(f"{_short(op.name)} is not one of the operations here. Choose one of: "
                            f"{', '.join(OPS)}.", code="unknown_op", name=_short(op.name), allowed=", ".join(OPS))
    low, high = _ARITY[op.name]
    args = op.args if isinstance(op.args, tuple) else ()
    good_values = isinstance(op.args, tuple) and all(_is_int(x) and -MAX_ARG <= x <= MAX_ARG for x in args)
    if not good_values or not low <= len(args) <= high:
        count = f"{low}" if low == high else f"{low} to {high}"
        got = _short(", ".join(map(repr, op.args)) if isinstance(op.args, tuple) else op.args)
        raise TensorOpError(f"Write it as {OP_USAGE[op.name]}: {op.name} takes {count} whole number(s), each from "
                            f"{-MAX_ARG:,} to {MAX_ARG:,}; got {op.name}({got}).", code="bad_args",
                            name=op.name, usage=OP_USAGE[op.name], min_args=low, max_args=high, got=got,
                            limit=MAX_ARG)


def ops_to_text(ops: Sequence[Op]) -> str:
    """The compact text of a chain, for URLs: ``view(2,-1).flatten()``; ``parse_ops`` reads it back."""
    return ".".join(f"{op.name}({','.join(map(str, op.args))})" for op in ops)


_PREFIX = re.compile(r"\s*(?:a\s*\.|\.)?\s*")  # an optional "a." (or just ".") before the first operation
_OP_TEXT = re.compile(r"(?P<name>[A-Za-z_]\w*)\s*\((?P<args>[^()]*)\)\s*")
_DOT = re.compile(r"\.\s*")
_INT_TEXT = re.compile(r"[+-]?\d+")


def parse_ops(text: str) -> list[Op]:
    """The chain written in ``text``, e.g. ``a.view(2, -1).flatten()``; the inverse of ``ops_to_text``.

    Read with regular expressions, never evaluated. "a." in front is optional and whitespace is allowed;
    an empty text (or just "a") is an empty chain.
    """
    if len(text) > MAX_OPS_TEXT:
        raise TensorOpError(f"The operations text is {len(text):,} characters long; at most {MAX_OPS_TEXT:,} are "
                            "read.", code="ops_too_long", length=len(text), limit=MAX_OPS_TEXT)
    if text.strip() in ("", "a"):
        return []
    ops, pos = [], _PREFIX.match(text).end()
    while True:
        match = _OP_TEXT.match(text, pos)
        if not match:
            raise _ops_syntax(text, pos)
        ops.append(Op(match["name"], _parse_args(match["args"], text, match.start("args"))))
        pos = match.end()
        if pos == len(text):
            return validate_ops(ops)
        dot = _DOT.match(text, pos)
        if not dot:
            raise _ops_syntax(text, pos)
        pos = dot.end()


def _parse_args(inner: str, text: str, offset: int) -> tuple[int, ...]:
    parts = inner.split(",")
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]  # a trailing comma, as Python allows: view(6,)
    if len(parts) == 1 and not parts[0].strip():
        return ()
    args, pos = [], offset
    for part in parts:
        if not _INT_TEXT.fullmatch(part.strip()):
            raise _ops_syntax(text, pos + len(part) - len(part.lstrip()))
        args.append(int(part))
        pos += len(part) + 1
    return tuple(args)


def _ops_syntax(text: str, pos: int) -> TensorOpError:
    near = text[pos:pos + 20] or "(the end)"
    return TensorOpError(f"Could not read the operations at character {pos + 1}: {near!r}. Write them like "
                         "view(2, -1).flatten(): a name, whole numbers in parentheses separated by commas, and a dot "
                         "between operations.", code="ops_syntax", position=pos + 1, near=near)


# ---------------------------------------------------------------------------------------------------------------
# Running a chain


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
    "permute": lambda t, args: t.permute(args),  # a tuple, so that permute() with no dims reaches PyTorch
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
    except (RuntimeError, IndexError) as err:
        step.error = _explain(op, t, var)
        if step.error is None:
            step.error = TensorOpError(f"PyTorch could not do {var}.{op}: {err}", code="torch_error",
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
    """The playground's own limits, checked before PyTorch runs: PyTorch would allow an expand to a million elements
    (a stride-0 view), or to size 0 (an empty tensor, which shares no memory to compare)."""
    if op.name == "unsqueeze" and t.dim() + 1 > MAX_RANK:
        raise _too_many_dims(t.dim() + 1)
    if op.name == "expand":
        for size in op.args:
            if size == 0 or size < -1:
                raise _bad_size(call, size)
        target = _expand_target(op.args, tuple(t.shape))
        if target is not None:
            _check_numel(math.prod(target))  # a stride-0 view now, but later steps and NumPy would materialise it


def _expand_target(sizes: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape ``expand(*sizes)`` asks for, with -1 read as "keep"; None where -1 has no size to keep."""
    new = len(sizes) - len(shape)  # expand adds new dimensions at the front
    if new < 0 or -1 in sizes[:new]:
        return None
    return tuple(shape[i - new] if size == -1 else size for i, size in enumerate(sizes))


def _tensor_facts(t: torch.Tensor, a: torch.Tensor) -> TensorFacts:
    values, preview = _values(t.numel(), t.tolist, lambda: t.reshape(-1)[:PREVIEW].tolist())
    return TensorFacts(shape=list(t.shape), shape_text=str(t.shape), strides=list(t.stride()),
                       is_contiguous=t.is_contiguous(),
                       shares_memory=t.untyped_storage().data_ptr() == a.untyped_storage().data_ptr(),
                       dtype=str(t.dtype).removeprefix("torch."), numel=t.numel(), values=values, preview=preview)


def _array_facts(x: np.ndarray, a: np.ndarray) -> TensorFacts:
    values, preview = _values(x.size, x.tolist, lambda: x.ravel()[:PREVIEW].tolist())
    return TensorFacts(shape=list(x.shape), shape_text=str(x.shape), strides=[s // x.itemsize for s in x.strides],
                       is_contiguous=bool(x.flags.c_contiguous), shares_memory=bool(np.shares_memory(x, a)),
                       dtype=str(x.dtype), numel=int(x.size), values=values, preview=preview)


def _values(numel: int, all_values: Callable, first_values: Callable) -> tuple[Any, list]:
    if numel <= MAX_SHOWN:
        return all_values(), []
    return None, first_values()


# ---------------------------------------------------------------------------------------------------------------
# Explaining what PyTorch refused


def _explain(op: Op, t: torch.Tensor, var: str) -> TensorOpError | None:
    """A learner's explanation of why PyTorch refused ``op`` on ``t``, judged from the shape, not torch's wording."""
    call = f"{var}.{op}"
    if op.name in ("view", "reshape"):
        return _explain_shape(op, t, var, call)
    if op.name == "unsqueeze":
        return _explain_dims(op.args, t, call, extra=1)
    if op.name == "size" and t.dim() == 0:
        return TensorOpError(f"{call}: a 0-D tensor (a single number) has no dimensions to ask the size of; "
                             "size() gives its empty shape, torch.Size([]).", code="no_dims", call=call)
    if op.name in ("squeeze", "transpose", "size"):
        return _explain_dims(op.args, t, call)
    if op.name == "flatten":
        return _explain_flatten(op, t, call)
    if op.name == "permute":
        return _explain_permute(op, t, call)
    if op.name == "t" and t.dim() > 2:
        return TensorOpError(f"{call}: t() transposes tensors of at most 2 dimensions, and this one has {t.dim()} "
                             f"(shape {_tuple_text(t.shape)}). Use transpose(dim0, dim1) to swap two dimensions, or "
                             "permute(...) to put them all in a new order.", code="t_rank", call=call, rank=t.dim(),
                             shape=_tuple_text(t.shape))
    if op.name == "expand":
        return _explain_expand(op, t, call)
    return None


def _explain_shape(op: Op, t: torch.Tensor, var: str, call: str) -> TensorOpError | None:
    sizes, numel = op.args, t.numel()
    if sizes.count(-1) > 1:
        return TensorOpError(f"{call} has more than one -1: PyTorch can work out only one size from the others. "
                             f"Give all sizes but one as numbers, e.g. {op.name}({_example_shape(numel)}).",
                             code="two_minus_one", call=call, example=f"{op.name}({_example_shape(numel)})")
    for size in sizes:
        if size < -1:
            return _bad_size(call, size)
    product = math.prod(s for s in sizes if s != -1)
    fits = numel == product if -1 not in sizes else product > 0 and numel % product == 0
    if not fits:
        shapes = ", ".join(_tuple_text(s) for s in _fitting_shapes(numel))
        example = f"{op.name}({_example_shape(numel)})"
        return TensorOpError(f"{call} does not fit: the tensor has {numel} elements, but the sizes given multiply "
                             f"to {product} (with a -1, {numel} must be a multiple of that). Shapes with {numel} "
                             f"elements: {shapes}; or let PyTorch work out one size with -1, e.g. {example}.",
                             code="shape_mismatch", call=call, numel=numel, product=product, shapes=shapes,
                             example=example)
    if op.name == "view":
        args = ", ".join(map(str, sizes))
        return TensorOpError(f"{call} cannot work here: {var} is not contiguous. Its elements are not stored in "
                             f"memory in row order (shape {_tuple_text(t.shape)}, strides {_tuple_text(t.stride())}), "
                             "because an operation such as t(), transpose, permute or expand changed only the strides, "
                             "not the data. view never copies, so it refuses. Fix: "
                             f"{var}.contiguous().view({args}) copies the data into row order first, or "
                             f"{var}.reshape({args}) copies only when it must.", code="view_non_contiguous",
                             call=call, shape=_tuple_text(t.shape), strides=_tuple_text(t.stride()),
                             fix=f"{var}.contiguous().view({args})", fix_reshape=f"{var}.reshape({args})")
    return None


def _explain_dims(dims: Sequence[int], t: torch.Tensor, call: str, extra: int = 0) -> TensorOpError | None:
    low, high = _dim_range(t.dim() + extra)
    for dim in dims:
        if not low <= dim <= high:
            return TensorOpError(f"{call}: dimension {dim} is out of range for a {t.dim()}-D tensor of shape "
                                 f"{_tuple_text(t.shape)}; use {low}..{high} (negative numbers count from the end).",
                                 code="dim_out_of_range", call=call, dim=dim, rank=t.dim(),
                                 shape=_tuple_text(t.shape), low=low, high=high)
    return None


def _explain_flatten(op: Op, t: torch.Tensor, call: str) -> TensorOpError | None:
    out_of_range = _explain_dims(op.args, t, call)
    if out_of_range or len(op.args) < 2:
        return out_of_range
    start, end = (d % max(t.dim(), 1) for d in op.args)
    if start > end:
        return TensorOpError(f"{call}: start_dim {op.args[0]} comes after end_dim {op.args[1]} in this "
                             f"{t.dim()}-D tensor; flatten joins the dimensions from start_dim to end_dim, so "
                             "start_dim must not come after end_dim.", code="flatten_order", call=call,
                             start=op.args[0], end=op.args[1], rank=t.dim())
    return None


def _explain_permute(op: Op, t: torch.Tensor, call: str) -> TensorOpError:
    rank = t.dim()
    example = f"permute({', '.join(str(d) for d in reversed(range(rank)))})"
    return TensorOpError(f"{call}: permute needs every dimension of this {rank}-D tensor exactly once, in the new "
                         f"order: a rearrangement of {', '.join(map(str, range(rank)))}, e.g. {example}.",
                         code="bad_permutation", call=call, rank=rank, example=example)


def _explain_expand(op: Op, t: torch.Tensor, call: str) -> TensorOpError | None:
    sizes, shape = op.args, tuple(t.shape)
    new = len(sizes) - len(shape)
    if new < 0:
        return TensorOpError(f"{call} gives {len(sizes)} size(s) for a {len(shape)}-D tensor of shape "
                             f"{_tuple_text(shape)}; expand needs at least one size per dimension (new dimensions "
                             "are added at the front).", code="expand_rank", call=call, count=len(sizes),
                             rank=len(shape), shape=_tuple_text(shape))
    if -1 in sizes[:new]:
        return TensorOpError(f"{call}: -1 means 'keep this size', but a new leading dimension has no size to keep; "
                             "give it a number.", code="expand_new_minus_one", call=call)
    for dim, (old, wanted) in enumerate(zip(shape, sizes[new:], strict=True)):
        if wanted not in (-1, old) and old != 1:
            return TensorOpError(f"{call}: dimension {dim} has size {old}, and expand can only stretch dimensions of "
                                 f"size 1 (keep a size with -1 or the same number). It copies nothing: a stretched "
                                 "dimension repeats the same memory with stride 0.", code="expand_mismatch",
                                 call=call, dim=dim, size=old, wanted=wanted)
    return None


def _bad_size(call: str, size: int) -> TensorOpError:
    return TensorOpError(f"{call}: sizes must be whole numbers of at least 1, or -1; {size} is not allowed.",
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


def _example_shape(numel: int) -> str:
    """Sizes for an example with one -1, e.g. "2, -1"."""
    first = next((d for d in range(2, numel + 1) if numel % d == 0), 1)
    return f"{first}, -1"


# ---------------------------------------------------------------------------------------------------------------
# The NumPy side


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
        return f"np.squeeze({{v}}, axis={args[0]})", lambda x: np.squeeze(x, axis=args[0])
    if name == "flatten":
        return _numpy_flatten(args, shape)
    if name == "permute":
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
    return "{v}.shape", lambda x: list(x.shape)


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
        step.disagree_code, step.disagree, step.disagree_params = found


def _disagreement(step: Step, t: torch.Tensor) -> tuple[str, str, dict] | None:
    """(code, message, params) where the two libraries differ on input ``t``, judged from both sides' results."""
    side, op = step.numpy, step.op
    if side is None:
        return None
    numpy_failed = side.error is not None
    if step.error and not numpy_failed:
        return _torch_only_fails(step, t)
    if numpy_failed and not step.error:
        if op.name == "squeeze" and op.args and t.dim() > 0:  # a 0-D tensor has no size to name
            dim, size = op.args[0], t.shape[op.args[0]]
            return "squeeze_not_one", (
                f"squeeze({dim}) on a dimension of size {size}: PyTorch returns the tensor unchanged, while NumPy "
                "raises an error, because np.squeeze removes only axes of size 1."), {"dim": dim, "size": size}
        return "numpy_only_fails", f"NumPy raises an error here ({side.error}), PyTorch does not.", {
            "numpy_error": side.error}
    if step.error or numpy_failed or step.tensor is None or side.array is None:
        return None
    if step.tensor.shape != side.array.shape:
        params = {"torch_shape": _tuple_text(step.tensor.shape), "numpy_shape": _tuple_text(side.array.shape)}
        return "shape_differs", (f"PyTorch gives shape {params['torch_shape']}, NumPy gives "
                                 f"{params['numpy_shape']}."), params
    if step.tensor.shares_memory and not side.array.shares_memory:
        return "memory_torch_only", ("PyTorch's result still shares memory with a (a view), but NumPy's is a copy: "
                                     "changing it would not change a."), {}
    if side.array.shares_memory and not step.tensor.shares_memory:
        return "memory_numpy_only", ("NumPy's result still shares memory with a (a view), but PyTorch's is a copy: "
                                     "changing it would not change a."), {}
    return None


def _torch_only_fails(step: Step, t: torch.Tensor) -> tuple[str, str, dict]:
    side, code = step.numpy, step.error.code
    numpy_shape = _tuple_text(side.array.shape) if side.array else str(side.value)
    if code == "view_non_contiguous":
        return "view_copies", (
            "PyTorch's view refuses a tensor that is not contiguous, but NumPy's reshape silently copies the data "
            f"instead (shape {numpy_shape}; np.shares_memory with a is "
            f"{side.array.shares_memory}), so changing the result may not change a."), {
            "numpy_shape": numpy_shape, "shares_memory": side.array.shares_memory}
    if code == "t_rank":
        reverse = ", ".join(str(d) for d in reversed(range(t.dim())))
        return "t_reverses_all", (
            f"PyTorch's t() works only up to 2-D, while NumPy's .T reverses all the axes: shape "
            f"{_tuple_text(t.shape)} becomes {numpy_shape}. In PyTorch, permute({reverse}) does that."), {
            "shape": _tuple_text(t.shape), "numpy_shape": numpy_shape, "permute": f"permute({reverse})"}
    return "torch_only_fails", f"PyTorch raises an error here, but NumPy's {side.code} gives {numpy_shape}.", {
        "numpy_code": side.code, "numpy_shape": numpy_shape}


# ---------------------------------------------------------------------------------------------------------------
# Code to copy


def creation_code(spec: TensorSpec) -> tuple[str, str]:
    """The line that makes ``a`` in PyTorch and in NumPy, e.g. ``a = torch.FloatTensor([[2, 3, 4, 5]])``."""
    _check_source_and_dtype(spec)
    dtype = spec.dtype
    torch_dtype, np_dtype = f"dtype=torch.{dtype}", f"dtype={_NP_DTYPE_CODE[dtype]}"
    if spec.source == "values":
        values = repr(parse_values(spec.values_text, dtype))
        if dtype == "float32":
            torch_line = f"torch.FloatTensor({values})"  # as the lecture writes it
        else:
            torch_line = f"torch.tensor({values}, {torch_dtype})"
        return f"a = {torch_line}", f"a = np.array({values}, {np_dtype})"
    shape = _check_shape(spec.shape)
    sizes = ", ".join(map(str, shape))
    if spec.source == "arange":
        numel = math.prod(shape)
        reshape = f".reshape({sizes})" if len(shape) > 1 else ""
        torch_args = f"{numel}" if dtype == "int64" else f"{numel}, {torch_dtype}"  # int64 is arange's default
        return f"a = torch.arange({torch_args}){reshape}", f"a = np.arange({numel}, {np_dtype}){reshape}"
    if spec.source in ("zeros", "ones"):
        torch_args = sizes if dtype == "float32" else f"{sizes}, {torch_dtype}"
        return (f"a = torch.{spec.source}({torch_args})",
                f"a = np.{spec.source}({_tuple_text(shape)}, {np_dtype})")
    seed = _check_seed(spec.seed)
    extra = "" if dtype == "float32" else f", {torch_dtype}"
    rand = f"torch.rand({sizes}, generator=torch.Generator().manual_seed({seed}){extra})"
    # NumPy's generator draws other numbers than PyTorch's, so the NumPy code takes PyTorch's.
    return f"a = {rand}", f"a = {rand}.numpy()"


def chain_code(spec: TensorSpec, ops: Sequence[Op]) -> tuple[str, str]:
    """Copy-ready PyTorch and NumPy code that reproduces the chain, one line per step, printing each shape.

    Runs the chain to annotate each print with its output; a step that fails is kept, with the error as a comment.
    """
    result = run_chain(spec, ops)
    uses_torch = spec.source == "rand"  # the NumPy code borrows PyTorch's random numbers
    torch_lines = ["import torch", "", result.torch_create, f"print(a.shape)  # {result.start.shape_text}"]
    numpy_lines = ["import numpy as np"] + (["import torch"] if uses_torch else []) + [
        "", result.numpy_create, f"print(a.shape)  # {result.numpy_start.shape_text}"]
    numpy_going = True
    prev = "a"
    for step in result.steps:
        refused = step.torch_message or (f"refused by the playground: {step.error.code}" if step.error else None)
        torch_lines += _code_lines(step.name, step.torch_code, step.shape_text, step.value is not None, refused)
        if numpy_going and step.numpy is not None:
            side = step.numpy
            shown = side.array.shape_text if side.array else (None if side.error else str(side.value))
            numpy_lines += _code_lines(step.name, side.code.format(v=prev), shown, side.value is not None,
                                       side.error)
            numpy_going = side.error is None
        elif numpy_going:
            numpy_lines.append(f"# no NumPy equivalent for {step.torch_code}")
            numpy_going = False
        prev = step.name
    return "\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n"


def _code_lines(name: str, code: str, shown: str | None, is_value: bool, error: str | None) -> list[str]:
    if error:
        return [f"{name} = {code}  # {_short(error, 100)}"]
    return [f"{name} = {code}", f"print({name if is_value else name + '.shape'})  # {shown}"]


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x) -> bool:
    return type(x) in (int, float, bool)  # exact types: literal_eval makes no subclasses, complex is refused


def _tuple_text(seq) -> str:
    """Python's tuple text: (6,) and (2, 3)."""
    return str(tuple(seq))


def _where(path: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in path) or "the top level"


def _short(value, limit: int = 40) -> str:
    """A value as text on one line, cut short: user input can be long, and can hold line breaks (then: its repr)."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---------------------------------------------------------------------------------------------------------------
# The lecture's examples

_LECTURE_A = TensorSpec(source="values", values_text="[[2, 3, 4, 5]]", dtype="float32")
_ARANGE_2_3 = TensorSpec(source="arange", shape=(2, 3), dtype="int64")  # torch.arange(6).reshape(2, 3)


def _preset(spec: TensorSpec, chain: str, expected: str | None, error_code: str | None = None) -> Preset:
    created = "arange(6).reshape(2, 3)." if spec is _ARANGE_2_3 else "a."
    return Preset(created + chain, spec, tuple(parse_ops(chain)), expected, error_code)


PRESETS: tuple[Preset, ...] = (
    _preset(_LECTURE_A, "view(2, 2)", "torch.Size([2, 2])"),
    _preset(_LECTURE_A, "view(2, -1).flatten()", "torch.Size([4])"),
    _preset(_LECTURE_A, "unsqueeze(1)", "torch.Size([1, 1, 4])"),
    _preset(_LECTURE_A, "unsqueeze(1).squeeze(0)", "torch.Size([1, 4])"),
    _preset(_LECTURE_A, "size(0)", "1"),
    _preset(_LECTURE_A, "squeeze(1)", "torch.Size([1, 4])"),  # unchanged in PyTorch, an error in NumPy
    _preset(_LECTURE_A, "expand(3, -1)", "torch.Size([3, 4])"),
    _preset(_ARANGE_2_3, "t().view(6)", None, "view_non_contiguous"),
    _preset(_ARANGE_2_3, "t().contiguous().view(6)", "torch.Size([6])"),
    _preset(_ARANGE_2_3, "t().reshape(6)", "torch.Size([6])"),
)
