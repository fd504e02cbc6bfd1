"""How the starting tensor ``a`` is described and made: the playground's limits, ``TensorSpec``, reading typed
values (``parse_values``), ``make_tensor`` and its checks, and ``creation_code``, the line that makes ``a``.

Typed values are read with ``ast.literal_eval`` only (after naming nan and inf, as PyTorch prints them), and every size
is checked before anything is allocated; the texts are capped in length before they are read.
"""

import ast
import math
import re
from dataclasses import dataclass

import numpy as np
import torch

from core.errors import N_, TensorOpError
from core.lessons.tensors.helpers import _is_int, _is_number, _short, _tuple_text, _where

MAX_ELEMENTS = 10_000  # elements in any tensor made or produced (expand included: later steps would materialise it)
MAX_RANK = 6  # dimensions
MAX_TEXT = 20_000  # characters of typed values; bounds parsing (literal_eval's syntax tree takes ~300 bytes a char)
MAX_SHAPE_TEXT = 100  # characters of a typed shape: MAX_RANK sizes fit many times over; a 5 MB one took 3.5 s to read
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
_INT_RANGE = {"int64": (-(2**63), 2**63 - 1), "int32": (-(2**31), 2**31 - 1)}  # (lowest, highest)
_FLOAT64_MAX = float(np.finfo(np.float64).max)


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


# ---------------------------------------------------------------------------------------------------------------
# Making the starting tensor


def make_tensor(spec: TensorSpec) -> torch.Tensor:
    """The starting tensor ``a`` described by ``spec``; checks the size cap before anything is allocated."""
    dtype = _check_source_and_dtype(spec)
    if spec.source == "values":
        return _tensor_from(parse_values(spec.values_text, spec.dtype), dtype, spec.dtype)
    shape = _check_shape(spec.shape)
    if spec.source == "arange":
        return torch.arange(math.prod(shape), dtype=dtype).reshape(shape)
    if spec.source == "zeros":
        return torch.zeros(shape, dtype=dtype)
    if spec.source == "ones":
        return torch.ones(shape, dtype=dtype)
    return torch.rand(shape, generator=torch.Generator().manual_seed(_check_seed(spec.seed)), dtype=dtype)


def _tensor_from(values: list, dtype: torch.dtype, name: str) -> torch.Tensor:
    """torch.tensor(values): parse_values has checked what PyTorch refuses; anything it missed is still explained."""
    try:
        return torch.tensor(values, dtype=dtype)
    except (RuntimeError, ValueError, OverflowError, TypeError) as err:
        raise TensorOpError(N_("PyTorch could not make a {dtype} tensor from these values: {detail}"),
                            code="values_torch_error", dtype=name, detail=_short(str(err), 200)) from None


def _check_source_and_dtype(spec: TensorSpec) -> torch.dtype:
    if spec.source not in SOURCES:
        raise TensorOpError(N_("Unknown way to make a tensor: {source}. Choose one of {allowed}."),
                            code="unknown_source", source=_short(spec.source),
                            allowed=", ".join(SOURCES))
    if spec.dtype not in DTYPES:
        raise TensorOpError(N_("Unknown dtype {dtype}. Choose one of {allowed}."), code="unknown_dtype",
                            dtype=_short(spec.dtype), allowed=", ".join(DTYPES))
    if spec.source == "rand" and spec.dtype not in FLOAT_DTYPES:
        raise TensorOpError(N_("rand draws numbers between 0 and 1, so it makes float tensors only; choose float32 "
                               "or float64 instead of {dtype}."), code="rand_needs_float", dtype=spec.dtype)
    if spec.source == "arange" and spec.dtype == "bool":
        raise TensorOpError(N_("arange counts 0, 1, 2, ..., which a bool tensor cannot hold; choose a number dtype, "
                               "or zeros/ones for a bool tensor."), code="arange_not_bool")
    return DTYPES[spec.dtype]


def _check_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, tuple) and len(shape) > MAX_RANK:  # first: a long tuple is not read further
        raise _too_many_dims(len(shape))
    if not isinstance(shape, tuple) or not all(_is_int(s) and s >= 0 for s in shape):
        raise TensorOpError(N_("The shape must be at most {limit} whole numbers, each 0 or more, e.g. (2, 3) or "
                               "(0, 4); got {shape}."), code="bad_shape", shape=_short(shape), limit=MAX_RANK)
    _check_numel(math.prod(shape))  # before allocating: the product is exact, however large
    huge = [s for s in shape if s > MAX_ARG]
    if huge:  # with a 0 beside it the product passes, but torch cannot even hold such a size
        raise TensorOpError(N_("A size of {size:,} is larger than any tensor the playground's shared server allows "
                               "({limit:,} elements), even with a 0 beside it. Use sizes of at most {limit:,}."),
                            code="too_big", size=huge[0], limit=MAX_ARG)
    return shape


_SHAPE_SIZE = re.compile(r"[+-]?\d+")


def parse_shape(text: str) -> tuple[int, ...]:
    """The shape typed in ``text``: "2, 3", "(2, 3)" or "2x3"; "" and "()" are a 0-D tensor's shape.

    The text's length is capped before it is read; the sizes are checked by ``make_tensor``.
    """
    if len(text) > MAX_SHAPE_TEXT:
        raise TensorOpError(N_("The shape is {length:,} characters long; the playground's shared server reads at "
                               "most {limit:,}, so that reading it stays quick for everyone. A shape is at most {rank} "
                               "whole numbers, e.g. 2, 3."), code="shape_too_long", length=len(text),
                            limit=MAX_SHAPE_TEXT, rank=MAX_RANK)
    parts = [p.strip() for p in text.replace("x", ",").replace("(", "").replace(")", "").split(",")]
    parts = [p for p in parts if p]
    if not all(_SHAPE_SIZE.fullmatch(p) for p in parts):
        raise TensorOpError(N_("Could not read the shape {shape}: type whole numbers separated by commas, e.g. 2, 3 "
                               "(or (2, 3), or 2x3)."), code="shape_syntax", shape=_short(text))
    return tuple(int(p) for p in parts)


def _check_seed(seed) -> int:
    if not _is_int(seed) or not 0 <= seed < 2**63:
        raise TensorOpError(N_("The seed must be a whole number from 0 to {highest}; got {seed}."),
                            code="bad_seed", seed=_short(seed), highest=2**63 - 1)
    return seed


def _check_numel(numel: int) -> None:
    if numel > MAX_ELEMENTS:
        raise TensorOpError(N_("That tensor would have {numel:,} elements; the playground allows at most {limit:,}, "
                               "so that no one can use up the shared server's memory. Use a smaller shape."),
                            code="too_big", numel=numel, limit=MAX_ELEMENTS)


def _too_many_dims(rank: int) -> TensorOpError:
    return TensorOpError(N_("That tensor would have {rank} dimensions; the playground's shared server allows at most "
                            "{limit} (a limit of this server, not of PyTorch)."),
                         code="too_many_dims", rank=rank, limit=MAX_RANK)


# An upper bound on how many numbers a text holds (every Python number literal contains a match), counted before
# parsing so that a huge list is refused without building it.
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|True|False|nan|inf")
_SCAN_LIMIT = 20 * MAX_TEXT


def parse_values(text: str, dtype: str = "float32") -> list:
    """The nested list of numbers typed in ``text`` (tuples become lists), checked to make a ``dtype`` tensor.

    Parsed with ``ast.literal_eval`` only: names, calls and operators are refused, so nothing typed runs; the one
    exception is nan and inf, as PyTorch prints them (also ``torch.nan``, ``np.inf``, ``math.inf``, ``float('nan')``),
    which are replaced by their values in the syntax tree before ``literal_eval`` reads it.
    """
    if len(text) <= _SCAN_LIMIT:  # counting is cheap, parsing is not: a list too big is told so by its size
        _check_numel(len(_NUMBER_TOKEN.findall(text)))
    if len(text) > MAX_TEXT:
        raise TensorOpError(N_("The values are {length:,} characters long; the playground's shared server reads at "
                               "most {limit:,}, so that reading them stays quick for everyone. For a big tensor, "
                               "choose arange, zeros, ones or rand and a shape instead."),
                            code="values_too_long", length=len(text), limit=MAX_TEXT)
    if not text.strip():
        raise _values_empty()
    try:
        value = ast.literal_eval(_NamedFloats().visit(ast.parse(text.strip(), mode="eval")))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise TensorOpError(N_("Could not read the values. Type numbers in square brackets, separated by commas, "
                               "e.g. [[2, 3, 4, 5]]; only plain numbers, True/False, nan and inf are read, nothing is "
                               "run."),
                            code="values_syntax") from None
    if not isinstance(value, list | tuple):
        raise TensorOpError(N_("Put the numbers in square brackets, e.g. [[2, 3, 4, 5]]; got {found} ({kind})."),
                            code="values_not_list", found=_short(value),
                            kind=type(value).__name__)
    _check_numel(math.prod(_nested_shape(value, ())))
    value = _as_lists(value)
    _check_range(value, dtype)
    return value


_FLOAT_NAMES = {"nan": math.nan, "inf": math.inf}
_FLOAT_MODULES = ("torch", "np", "numpy", "math")
_FLOAT_TEXTS = ("nan", "inf", "-inf", "+inf")


class _NamedFloats(ast.NodeTransformer):
    """nan and inf in the syntax tree become constants: nan, inf, torch.nan, np.inf, math.inf, float('nan'), ...

    Nothing else is touched, so ``literal_eval`` still refuses every other name, attribute and call.
    """

    def visit_Name(self, node):
        return ast.Constant(_FLOAT_NAMES[node.id]) if node.id in _FLOAT_NAMES else node

    def visit_Attribute(self, node):
        module = node.value.id if isinstance(node.value, ast.Name) else None
        return ast.Constant(_FLOAT_NAMES[node.attr]) if (
            module in _FLOAT_MODULES and node.attr in _FLOAT_NAMES) else node  # children left alone: nan.real stays

    def visit_Call(self, node):
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if (isinstance(node.func, ast.Name) and node.func.id == "float" and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str) and arg.value.strip().lower() in _FLOAT_TEXTS):
            return ast.Constant(float(arg.value))
        return node


def _nested_shape(value, path: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a nested list of numbers; raises where it is not rectangular or holds anything else."""
    if _is_number(value):
        return ()
    if not isinstance(value, list | tuple):
        raise TensorOpError(N_("Only numbers (and True/False) can go in a tensor; found {found} at {where}."),
                            code="values_not_numbers", found=_short(value), where=_where(path))
    if len(path) >= MAX_RANK:
        raise _too_many_dims(len(path) + 1)
    if not value:
        return (0,)  # an empty tensor, as torch.tensor([]) and torch.tensor([[]]) make
    first = _nested_shape(value[0], path + (0,))
    for i, item in enumerate(value[1:], start=1):
        shape = _nested_shape(item, path + (i,))
        if shape != first:
            raise _not_rectangular(path, i, shape, first)
    return (len(value),) + first


def _not_rectangular(path, i, shape, first) -> TensorOpError:
    here, there = _where(path + (i,)), _where(path + (0,))
    if not shape or not first:
        return TensorOpError(N_("Numbers and lists are mixed at the same level ({first} and {where}): every row of "
                                "a tensor must be a list of the same length, e.g. [[1, 2], [3, 4]]."),
                             code="values_mixed", where=here, first=there)
    return TensorOpError(N_("The rows are not all the same length: {where} has shape {shape} but {first} has "
                            "{first_shape}. A tensor is rectangular: every row needs the same number of values, e.g. "
                            "[[1, 2], [3, 4]]."), code="values_ragged", where=here, shape=_tuple_text(shape),
                         first=there, first_shape=_tuple_text(first))


def _values_empty() -> TensorOpError:
    return TensorOpError(N_("There are no values: type numbers in square brackets, e.g. [[2, 3, 4, 5]] (or [] for "
                            "an empty tensor)."), code="values_empty")


def _check_range(value, dtype: str) -> None:
    """What torch.tensor refuses, as a learner's message: checked here, so that creation_code never shows it."""
    if dtype == "bool":
        return  # any number, nan and inf included: 0 is False, the rest True
    for number in _flat(value):
        if dtype in FLOAT_DTYPES:
            # floats pass as they are (past float32's largest they become inf, as in PyTorch and NumPy); a whole
            # number goes through float(), which fails past float64's largest (math.isfinite(10**400) would too)
            if _is_int(number) and not _fits_float(number):
                raise TensorOpError(N_("The whole number {value} is too large to read: PyTorch turns it into a float "
                                       "first, and floats stop at about {high}. Use a smaller number, or inf."),
                                    code="values_out_of_range", value=_short(number), dtype=dtype,
                                    high=f"{_FLOAT64_MAX:g}")
            continue
        if isinstance(number, float) and not math.isfinite(number):
            raise TensorOpError(N_("{value} cannot go in a tensor of dtype {dtype}: whole-number tensors have no nan "
                                   "or inf. Use float32 or float64 for it."),
                                code="values_not_finite", value=_short(number), dtype=dtype)
        low, high = _INT_RANGE[dtype]
        # compared before truncating, as PyTorch does: 2147483647.5 does not fit int32 although 2147483647 does;
        # 2.0**63 is refused for int64 too, where PyTorch would silently wrap it round to -2**63
        if not low <= number <= high:
            raise TensorOpError(N_("The value {value} does not fit in a tensor of dtype {dtype} (from {low} to "
                                   "{high}). Use smaller numbers or another dtype."),
                                code="values_out_of_range", value=_short(number), dtype=dtype, low=low, high=high)


def _fits_float(number: int) -> bool:
    try:
        float(number)
    except OverflowError:
        return False
    return True


def _flat(value):
    for item in value:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


def _as_lists(value):
    return [_as_lists(v) for v in value] if isinstance(value, list | tuple) else value


# ---------------------------------------------------------------------------------------------------------------
# The starting tensor as code (run_chain records it; chain_code in code.py starts with it)


def creation_code(spec: TensorSpec) -> tuple[str, str]:
    """The line that makes ``a`` in PyTorch and in NumPy, e.g. ``a = torch.FloatTensor([[2, 3, 4, 5]])``."""
    _check_source_and_dtype(spec)
    dtype = spec.dtype
    torch_dtype, np_dtype = f"dtype=torch.{dtype}", f"dtype={_NP_DTYPE_CODE[dtype]}"
    if spec.source == "values":
        values = parse_values(spec.values_text, dtype)
        torch_values, np_values = _values_code(values, "torch"), _values_code(values, "np")
        if dtype == "float32":
            torch_line = f"torch.FloatTensor({torch_values})"  # as the lecture writes it
        else:
            torch_line = f"torch.tensor({torch_values}, {torch_dtype})"
        return f"a = {torch_line}", f"a = np.array({np_values}, {np_dtype})"
    shape = _check_shape(spec.shape)
    sizes = ", ".join(map(str, shape)) or "()"  # torch.zeros(()) for a 0-D tensor: torch.zeros() is a TypeError
    if spec.source == "arange":
        numel = math.prod(shape)
        reshape = f".reshape({sizes})" if len(shape) != 1 else ""
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


def _values_code(value, module: str) -> str:
    """The values as Python code: repr, but nan and inf as torch.nan / np.inf (plain nan is not a Python name)."""
    if isinstance(value, list):
        return "[" + ", ".join(_values_code(v, module) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{module}.nan" if math.isnan(value) else f"{'-' if value < 0 else ''}{module}.inf"
    return repr(value)
