"""The ``>>>`` examples of PyTorch's and NumPy's own docstrings, and the edge cases around them, run through the
playground's engine and compared with torch and NumPy called directly (STYLE rule 8).

Each case names the docstring it was copied from, as installed (torch 2.13, NumPy 2.4): ``torch.Tensor.view.__doc__``,
``torch.squeeze.__doc__``, ``numpy.reshape.__doc__``, ... The docstring's constructor becomes a ``TensorSpec``
(``torch.randn`` becomes the playground's seeded ``rand``, ``torch.empty`` its ``zeros``: the examples show shapes),
and its calls become a chain; the reference is the docstring's own call on the same starting tensor.

Left out, because a chain takes whole numbers only: ``x.view(torch.int32)`` and the other dtype views of
``Tensor.view``; NumPy's ``order='F'`` / ``'A'`` / ``'K'`` examples; ``np.arange(3)[::-1]`` (PyTorch has no negative
strides); ``np.squeeze(x)[()]`` (indexing is not an operation here).

A case agrees when the engine gives what PyTorch gives (values, shape, strides, dtype), or, where PyTorch raises,
explains it (not the catch-all ``torch_error``) beside PyTorch's own message of the same type; its NumPy column gives
what NumPy gives, or NumPy's own error; and the copy-ready code, run, does the same.
"""

import contextlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

from core.errors import TensorOpError
from core.lessons import tensors
from core.lessons.tensors import (
    MAX_ELEMENTS,
    MAX_RANK,
    MAX_TEXT,
    TensorSpec,
    chain_code,
    creation_code,
    make_tensor,
    parse_ops,
    parse_values,
    run_chain,
)


@dataclass(frozen=True)
class Case:
    source: str  # the docstring the example was copied from, or "edge" for the edge cases
    spec: TensorSpec
    start: Callable[[], torch.Tensor]  # the docstring's own constructor
    chain: str
    torch_ref: Callable[[torch.Tensor], Any]  # the docstring's own call(s)
    numpy_ref: Callable[[np.ndarray], Any] | None = None  # the NumPy equivalent, called directly

    def __str__(self) -> str:
        return f"{self.source}:{self.chain}"


def rand(*shape):
    """torch.randn(*shape) in a docstring: the playground's seeded rand, and the same numbers made directly."""
    return TensorSpec(source="rand", shape=shape), lambda: torch.rand(shape, generator=torch.Generator().manual_seed(0))


def values(text, dtype="int64"):
    """torch.tensor(<text>) / np.array(<text>) in a docstring (whole numbers there make int64)."""
    made = eval(text, {"nan": math.nan, "inf": math.inf})  # tests only, constant text: the reference's own literal
    return TensorSpec(source="values", values_text=text, dtype=dtype), lambda: torch.tensor(
        made, dtype=tensors.DTYPES[dtype])


def shaped(source, *shape, dtype="float32"):
    """torch.zeros / torch.ones / torch.empty / np.arange(n).reshape(shape) in a docstring."""
    dt = tensors.DTYPES[dtype]
    made = {"zeros": lambda: torch.zeros(shape, dtype=dt), "ones": lambda: torch.ones(shape, dtype=dt),
            "arange": lambda: torch.arange(math.prod(shape), dtype=dt).reshape(shape)}[source]
    return TensorSpec(source=source, shape=shape, dtype=dtype), made


def case(source, made, chain, torch_ref, numpy_ref=None) -> Case:
    spec, start = made
    return Case(source, spec, start, chain, torch_ref, numpy_ref)


VIEW_X, VIEW_A = rand(4, 4), rand(1, 2, 3, 4)
SQUEEZE_X = shaped("zeros", 2, 1, 2, 1, 2)
UNSQUEEZE_X = values("[1, 2, 3, 4]")
FLATTEN_T = values("[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]")
PERMUTE_X = rand(2, 3, 5)
EXPAND_X = values("[[1], [2], [3]]")
NP_RESHAPE_A, NP_RESHAPE_A2 = shaped("arange", 3, 2, dtype="int64"), values("[[1,2,3], [4,5,6]]")
NP_EXPAND_X = values("[1, 2]")
NP_SQUEEZE_X, NP_SQUEEZE_X2 = values("[[[0], [1], [2]]]"), values("[[1234]]")
NP_RAVEL_X = values("[[1, 2, 3], [4, 5, 6]]")

DOCSTRING_CASES = [
    # torch.Tensor.view.__doc__
    case("Tensor.view", VIEW_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("Tensor.view", VIEW_X, "view(16).size()", lambda x: x.view(16).size(), lambda x: np.reshape(x, 16).shape),
    case("Tensor.view", VIEW_X, "view(-1, 8).size()", lambda x: x.view(-1, 8).size(),
         lambda x: np.reshape(x, (-1, 8)).shape),
    case("Tensor.view", VIEW_A, "size()", lambda a: a.size(), lambda a: a.shape),
    case("Tensor.view", VIEW_A, "transpose(1, 2).size()", lambda a: a.transpose(1, 2).size(),
         lambda a: np.swapaxes(a, 1, 2).shape),
    case("Tensor.view", VIEW_A, "view(1, 3, 2, 4).size()", lambda a: a.view(1, 3, 2, 4).size(),
         lambda a: np.reshape(a, (1, 3, 2, 4)).shape),
    case("Tensor.view", VIEW_A, "transpose(1, 2)", lambda a: a.transpose(1, 2), lambda a: np.swapaxes(a, 1, 2)),
    case("Tensor.view", VIEW_A, "view(1, 3, 2, 4)", lambda a: a.view(1, 3, 2, 4),
         lambda a: np.reshape(a, (1, 3, 2, 4))),
    # torch.reshape.__doc__ (torch.Tensor.reshape.__doc__ has no examples)
    case("torch.reshape", shaped("arange", 4), "reshape(2, 2)", lambda a: torch.reshape(a, (2, 2)),
         lambda a: np.reshape(a, (2, 2))),
    case("torch.reshape", values("[[0, 1], [2, 3]]"), "reshape(-1)", lambda b: torch.reshape(b, (-1,)),
         lambda b: np.reshape(b, (-1,))),
    # torch.squeeze.__doc__
    case("torch.squeeze", SQUEEZE_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("torch.squeeze", SQUEEZE_X, "squeeze().size()", lambda x: torch.squeeze(x).size(),
         lambda x: np.squeeze(x).shape),
    case("torch.squeeze", SQUEEZE_X, "squeeze(0).size()", lambda x: torch.squeeze(x, 0).size(),
         lambda x: np.squeeze(x, axis=0).shape),  # NumPy raises: axis 0 has size 2
    case("torch.squeeze", SQUEEZE_X, "squeeze(1).size()", lambda x: torch.squeeze(x, 1).size(),
         lambda x: np.squeeze(x, axis=1).shape),
    case("torch.squeeze", SQUEEZE_X, "squeeze(1, 2, 3).size()", lambda x: torch.squeeze(x, (1, 2, 3)).size(),
         lambda x: np.squeeze(x, axis=(1, 2, 3)).shape),  # NumPy raises: axis 2 has size 2
    case("torch.squeeze", SQUEEZE_X, "squeeze(1, 3)", lambda x: torch.squeeze(x, (1, 3)),
         lambda x: np.squeeze(x, axis=(1, 3))),
    # torch.unsqueeze.__doc__
    case("torch.unsqueeze", UNSQUEEZE_X, "unsqueeze(0)", lambda x: torch.unsqueeze(x, 0),
         lambda x: np.expand_dims(x, 0)),
    case("torch.unsqueeze", UNSQUEEZE_X, "unsqueeze(1)", lambda x: torch.unsqueeze(x, 1),
         lambda x: np.expand_dims(x, 1)),
    # torch.flatten.__doc__
    case("torch.flatten", FLATTEN_T, "flatten()", lambda t: torch.flatten(t), np.ravel),
    case("torch.flatten", FLATTEN_T, "flatten(1)", lambda t: torch.flatten(t, start_dim=1),
         lambda t: t.reshape(2, 4)),
    # torch.permute.__doc__ and torch.Tensor.permute.__doc__
    case("torch.permute", PERMUTE_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("torch.permute", PERMUTE_X, "permute(2, 0, 1).size()", lambda x: torch.permute(x, (2, 0, 1)).size(),
         lambda x: np.transpose(x, (2, 0, 1)).shape),
    case("Tensor.permute", PERMUTE_X, "permute(2, 0, 1)", lambda x: x.permute(2, 0, 1),
         lambda x: np.transpose(x, (2, 0, 1))),
    # torch.transpose.__doc__
    case("torch.transpose", rand(2, 3), "transpose(0, 1)", lambda x: torch.transpose(x, 0, 1),
         lambda x: np.swapaxes(x, 0, 1)),
    # torch.t.__doc__
    case("torch.t", rand(), "t()", lambda x: torch.t(x), lambda x: x.T),
    case("torch.t", rand(3), "t()", lambda x: torch.t(x), lambda x: x.T),
    case("torch.t", rand(2, 3), "t()", lambda x: torch.t(x), lambda x: x.T),
    # torch.Tensor.expand.__doc__
    case("Tensor.expand", EXPAND_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("Tensor.expand", EXPAND_X, "expand(3, 4)", lambda x: x.expand(3, 4), lambda x: np.broadcast_to(x, (3, 4))),
    case("Tensor.expand", EXPAND_X, "expand(-1, 4)", lambda x: x.expand(-1, 4),
         lambda x: np.broadcast_to(x, (3, 4))),
    # torch.Tensor.size.__doc__ (torch.empty: zeros here)
    case("Tensor.size", shaped("zeros", 3, 4, 5), "size()", lambda t: t.size(), lambda t: t.shape),
    case("Tensor.size", shaped("zeros", 3, 4, 5), "size(1)", lambda t: t.size(dim=1), lambda t: t.shape[1]),
    # torch.Tensor.contiguous.__doc__ has no examples: the lecture's t().contiguous()
    case("Tensor.contiguous", shaped("arange", 2, 3), "t().contiguous()", lambda a: a.t().contiguous(),
         lambda a: np.ascontiguousarray(a.T)),
    # numpy.reshape.__doc__
    case("np.reshape", NP_RESHAPE_A, "reshape(2, 3)", lambda a: torch.reshape(a, (2, 3)),
         lambda a: np.reshape(a, (2, 3))),
    case("np.reshape", NP_RESHAPE_A, "flatten().reshape(2, 3)", lambda a: a.flatten().reshape(2, 3),
         lambda a: np.reshape(np.ravel(a), (2, 3))),
    case("np.reshape", NP_RESHAPE_A2, "reshape(6)", lambda a: a.reshape(6), lambda a: np.reshape(a, 6)),
    case("np.reshape", NP_RESHAPE_A2, "reshape(3, -1)", lambda a: a.reshape(3, -1), lambda a: np.reshape(a, (3, -1))),
    # numpy.expand_dims.__doc__
    case("np.expand_dims", NP_EXPAND_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(0)", lambda x: x.unsqueeze(0),
         lambda x: np.expand_dims(x, axis=0)),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(0).size()", lambda x: x.unsqueeze(0).size(),
         lambda x: np.expand_dims(x, axis=0).shape),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(1)", lambda x: x.unsqueeze(1),
         lambda x: np.expand_dims(x, axis=1)),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(1).size()", lambda x: x.unsqueeze(1).size(),
         lambda x: np.expand_dims(x, axis=1).shape),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(0).unsqueeze(1)", lambda x: x.unsqueeze(0).unsqueeze(1),
         lambda x: np.expand_dims(x, axis=(0, 1))),
    case("np.expand_dims", NP_EXPAND_X, "unsqueeze(0).unsqueeze(2)", lambda x: x.unsqueeze(0).unsqueeze(2),
         lambda x: np.expand_dims(x, axis=(2, 0))),
    # numpy.squeeze.__doc__
    case("np.squeeze", NP_SQUEEZE_X, "size()", lambda x: x.size(), lambda x: x.shape),
    case("np.squeeze", NP_SQUEEZE_X, "squeeze().size()", lambda x: x.squeeze().size(), lambda x: np.squeeze(x).shape),
    case("np.squeeze", NP_SQUEEZE_X, "squeeze(0).size()", lambda x: x.squeeze(0).size(),
         lambda x: np.squeeze(x, axis=0).shape),
    case("np.squeeze", NP_SQUEEZE_X, "squeeze(1).size()", lambda x: x.squeeze(1).size(),
         lambda x: np.squeeze(x, axis=1).shape),  # NumPy's ValueError, PyTorch's unchanged tensor
    case("np.squeeze", NP_SQUEEZE_X, "squeeze(2).size()", lambda x: x.squeeze(2).size(),
         lambda x: np.squeeze(x, axis=2).shape),
    case("np.squeeze", NP_SQUEEZE_X2, "size()", lambda x: x.size(), lambda x: x.shape),
    case("np.squeeze", NP_SQUEEZE_X2, "squeeze()", lambda x: x.squeeze(), np.squeeze),
    case("np.squeeze", NP_SQUEEZE_X2, "squeeze().size()", lambda x: x.squeeze().size(),
         lambda x: np.squeeze(x).shape),
    # numpy.ravel.__doc__
    case("np.ravel", NP_RAVEL_X, "flatten()", lambda x: x.flatten(), np.ravel),
    case("np.ravel", NP_RAVEL_X, "reshape(-1)", lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
    case("np.ravel", NP_RAVEL_X, "t().flatten()", lambda x: x.t().flatten(), lambda x: np.ravel(x.T)),
    case("np.ravel", shaped("arange", 2, 3, 2, dtype="int64"), "transpose(1, 2).flatten()",
         lambda a: a.transpose(1, 2).flatten(), lambda a: np.arange(12).reshape(2, 3, 2).swapaxes(1, 2).ravel()),
    # numpy.transpose.__doc__
    case("np.transpose", values("[[1, 2], [3, 4]]"), "t()", lambda a: a.t(), np.transpose),
    case("np.transpose", values("[[1, 2], [3, 4]]"), "permute(1, 0)", lambda a: a.permute(1, 0), np.transpose),
    case("np.transpose", values("[1, 2, 3, 4]"), "t()", lambda a: a.t(), np.transpose),
    case("np.transpose", shaped("ones", 1, 2, 3), "permute(1, 0, 2).size()", lambda a: a.permute(1, 0, 2).size(),
         lambda a: np.transpose(a, (1, 0, 2)).shape),
    case("np.transpose", shaped("ones", 2, 3, 4, 5), "permute(3, 2, 1, 0).size()",
         lambda a: a.permute(3, 2, 1, 0).size(), lambda a: np.transpose(a).shape),
    case("np.transpose", shaped("arange", 3, 4, 5, dtype="int64"), "permute(-1, 0, -2).size()",
         lambda a: a.permute(-1, 0, -2).size(), lambda a: np.transpose(a, (-1, 0, -2)).shape),
]

SCALAR = values("[[5.0]]", "float32")  # squeeze() makes the 0-D tensor torch.tensor(5.)
EMPTY = shaped("zeros", 0, 4)
EDGE_CASES = [
    # ±inf and nan, as torch prints them; float32's largest number as torch prints it
    case("edge", values("[inf, -inf, 1.0]", "float32"), "unsqueeze(0)", lambda a: a.unsqueeze(0),
         lambda a: np.expand_dims(a, 0)),
    case("edge", values("[[nan, 1.0], [2.0, nan]]", "float64"), "t().flatten()", lambda a: a.t().flatten(),
         lambda a: np.ravel(a.T)),
    case("edge", values("[3.4028235e+38, -3.4028235e+38]", "float32"), "view(2, 1)", lambda a: a.view(2, 1),
         lambda a: np.reshape(a, (2, 1))),
    case("edge", values("[1e39]", "float32"), "size()", lambda a: a.size(), lambda a: a.shape),  # inf, as torch
    case("edge", values("[nan, 0, inf]", "bool"), "flatten()", lambda a: a.flatten(), np.ravel),
    case("edge", values("[9223372036854775808]", "float32"), "size()", lambda a: a.size(), lambda a: a.shape),
    # empty tensors: a shape with a 0, [] and [[]], expand to 0
    case("edge", EMPTY, "size()", lambda a: a.size(), lambda a: a.shape),
    case("edge", EMPTY, "t()", lambda a: a.t(), lambda a: a.T),
    case("edge", EMPTY, "reshape(2, -1)", lambda a: a.reshape(2, -1), lambda a: a.reshape(2, -1)),
    case("edge", EMPTY, "unsqueeze(1).flatten()", lambda a: a.unsqueeze(1).flatten(),
         lambda a: np.expand_dims(a, 1).ravel()),
    case("edge", EMPTY, "view(0, -1)", lambda a: a.view(0, -1)),  # PyTorch: the -1 is ambiguous
    case("edge", shaped("arange", 3, 0, dtype="int64"), "squeeze()", lambda a: a.squeeze(), np.squeeze),
    case("edge", values("[]", "float32"), "size()", lambda a: a.size(), lambda a: a.shape),
    case("edge", values("[[]]", "float32"), "squeeze()", lambda a: a.squeeze(), np.squeeze),
    case("edge", values("[[], []]", "int64"), "t()", lambda a: a.t(), lambda a: a.T),
    case("edge", values("[[1, 2, 3, 4]]"), "expand(0, 4)", lambda a: a.expand(0, 4),
         lambda a: np.broadcast_to(a, (0, 4))),
    case("edge", values("[1, 2, 3, 4]"), "expand(2, 0, 4)", lambda a: a.expand(2, 0, 4),
         lambda a: np.broadcast_to(a, (2, 0, 4))),
    # permute with no dims: a TypeError in PyTorch, whatever the rank; permute(0) of a 0-D tensor
    case("edge", SCALAR, "squeeze().permute()", lambda a: a.squeeze().permute()),
    case("edge", SCALAR, "permute()", lambda a: a.permute()),
    case("edge", SCALAR, "squeeze().permute(0)", lambda a: a.squeeze().permute(0)),
    case("edge", shaped("arange", 2, 3), "permute(0, 0)", lambda a: a.permute(0, 0)),
    # squeeze with several dims: a dimension twice, one out of range
    case("edge", SQUEEZE_X, "squeeze(1, 1)", lambda x: x.squeeze((1, 1))),
    case("edge", SQUEEZE_X, "squeeze(1, 5)", lambda x: x.squeeze((1, 5))),
    case("edge", SQUEEZE_X, "squeeze(-2, 1)", lambda x: x.squeeze((-2, 1)), lambda x: np.squeeze(x, axis=(-2, 1))),
    # a size that does not fit, on a tensor that is not contiguous
    case("edge", shaped("arange", 2, 3), "t().view(4)", lambda a: a.t().view(4)),
    # the NumPy column's a.shape of 0-D and 1-D arrays
    case("edge", SCALAR, "squeeze().size()", lambda a: a.squeeze().size(), lambda a: np.squeeze(a).shape),
    case("edge", shaped("arange", 4), "size()", lambda a: a.size(), lambda a: a.shape),
]

ALL_CASES = DOCSTRING_CASES + EDGE_CASES


def call(function, x):
    """(result, None) or (None, the exception) of a reference call."""
    try:
        return function(x), None
    except (RuntimeError, IndexError, TypeError, ValueError) as err:  # np.exceptions.AxisError is both
        return None, err


def run_code(code: str) -> dict:
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()), np.errstate(over="ignore"):  # np.array([1e39], np.float32)
        exec(code, namespace)  # tests only: the app never runs code
    return namespace


def assert_same_torch(got, expected):
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, torch.Tensor)
        torch.testing.assert_close(got, expected, equal_nan=True, rtol=0, atol=0)
        assert got.shape == expected.shape and got.stride() == expected.stride() and got.dtype == expected.dtype
    elif isinstance(expected, torch.Size):
        assert list(got) == list(expected)
    else:
        assert got == expected


def assert_same_numpy(got, expected):
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got, expected)
        assert got.shape == expected.shape and got.dtype == expected.dtype
    else:  # x.shape (a tuple, printed (1, 1, 4), (4,) and ()) or x.shape[d]
        assert type(got) is type(expected) and got == expected and str(got) == str(expected)


def last_name(result) -> str:
    done = [s for s in result.steps if s.ok]
    return done[-1].name if done else "a"


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_the_engine_agrees_with_torch_and_numpy(case):
    a = case.start()
    assert_same_torch(make_tensor(case.spec), a)  # the same starting tensor as the docstring's
    result = run_chain(case.spec, parse_ops(case.chain))
    expected, torch_error = call(case.torch_ref, a)
    torch_code, numpy_code = chain_code(case.spec, parse_ops(case.chain))
    if torch_error is not None:
        assert not result.ok, f"PyTorch raises {torch_error!r}, the engine does not"
        assert result.error.code != "torch_error", "PyTorch's error is not explained"
        assert result.steps[-1].torch_message.startswith(type(torch_error).__name__ + ":")
        with pytest.raises(type(torch_error)):  # the copy-ready code fails the same way
            run_code(torch_code)
    else:
        assert result.ok, str(result.error)
        assert_same_torch(result.result, expected)
        assert_same_torch(run_code(torch_code)[last_name(result)], expected)
    if case.numpy_ref is None:
        return
    x = a.numpy().copy()
    expected_np, numpy_error = call(case.numpy_ref, x)
    sides = [s.numpy for s in result.steps]
    failed = next((i for i, side in enumerate(sides) if side is None or side.error), len(sides))
    assert all(side is not None and side.error is None for side in sides[:failed]), sides
    if numpy_error is not None:  # the NumPy column shows NumPy's own error, and stops there
        assert sides[failed].error.startswith(type(numpy_error).__name__ + ":"), sides[failed]
        assert all(side is None for side in sides[failed + 1:])
        with pytest.raises(type(numpy_error)):
            run_code(numpy_code)
    else:
        assert failed == len(sides), sides
        assert_same_numpy(result.numpy_result, expected_np)
        assert_same_numpy(run_code(numpy_code)[last_name(result)], expected_np)


def test_view_docstring_transpose_and_view_differ():
    """torch.Tensor.view.__doc__: ``torch.equal(b, c)`` is False: same shape, other order."""
    spec, _start = VIEW_A
    b, c = run_chain(spec, parse_ops("transpose(1, 2)")).result, run_chain(spec, parse_ops("view(1, 3, 2, 4)")).result
    assert b.shape == c.shape and not torch.equal(b, c)


# ---------------------------------------------------------------------------------------------------------------
# Edge cases around the examples: the explanations and the NumPy column's text


def test_numpy_shape_prints_as_numpy_does():
    """NumPy prints ``a.shape`` as a tuple: (1, 1, 4), (4,) and ()."""
    for spec, chain, text in [(values("[[2, 3, 4, 5]]")[0], "unsqueeze(1).size()", "(1, 1, 4)"),
                              (values("[4, 5]")[0], "size()", "(2,)"),
                              (SCALAR[0], "squeeze().size()", "()")]:
        result = run_chain(spec, parse_ops(chain))
        assert str(result.steps[-1].numpy.value) == text
        assert chain_code(spec, parse_ops(chain))[1].rstrip().endswith(f"  # {text}")


@pytest.mark.parametrize("chain", ["squeeze().permute(0)", "squeeze().permute()", "squeeze().permute(0, 0)"])
def test_permute_of_a_zero_d_tensor_is_explained_without_an_empty_list(chain):
    err = run_chain(SCALAR[0], parse_ops(chain)).error
    assert err is not None and err.code == "permute_0d"
    assert "of ," not in str(err) and "e.g. permute()" not in str(err)


def test_permute_with_no_dims_shows_torchs_own_message():
    step = run_chain(shaped("arange", 2, 3)[0], parse_ops("permute()")).steps[-1]
    assert step.torch_message.startswith("TypeError: ") and "sparse_coo" not in step.torch_message
    assert "permute(1, 0)" in str(step.error)


@pytest.mark.parametrize("chain", ["t().view(4)", "t().view(5, 7)", "transpose(0, 1).view(-1, 4)"])
def test_a_size_mismatch_suggests_what_works_on_a_non_contiguous_tensor(chain):
    spec = shaped("arange", 2, 3)[0]
    err = run_chain(spec, parse_ops(chain)).error
    assert err.code == "shape_mismatch"
    before = chain.rsplit(".", 1)[0]
    assert run_chain(spec, parse_ops(f"{before}.{err.params['example']}")).ok, err.params["example"]


@pytest.mark.parametrize("text, dtype", [
    ("[2147483647.5]", "int32"), ("[-2147483648.5]", "int32"), ("[2147483648]", "int32"), ("[nan]", "int32"),
    ("[inf]", "int64"), ("[9223372036854775808]", "int64"), ("[1" + "0" * 400 + "]", "float64"),
    ("[1" + "0" * 400 + "]", "float32"),
])
def test_values_torch_refuses_are_explained(text, dtype):
    made = eval(text, {"nan": math.nan, "inf": math.inf})  # tests only
    with pytest.raises((RuntimeError, ValueError, OverflowError)):
        torch.tensor(made, dtype=tensors.DTYPES[dtype])
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(values_text=text, dtype=dtype))
    assert err.value.code in ("values_out_of_range", "values_not_finite") and str(err.value)


@pytest.mark.parametrize("text, dtype", [
    ("[nan, inf, -inf]", "float32"), ("[3.4028235e+38]", "float32"), ("[[], []]", "float64"), ("[]", "int32"),
    ("[2147483647, -2147483648, 2.9, -2.9]", "int32"), ("[1e999, -1e999]", "float64"), ("[nan, 0]", "bool"),
    ("[torch.nan, torch.inf, -np.inf, float('nan'), math.inf]", "float32"),
])
def test_the_creation_code_makes_the_same_tensor(text, dtype):
    spec = TensorSpec(values_text=text, dtype=dtype)
    torch_line, numpy_line = creation_code(spec)
    made = make_tensor(spec)
    assert_same_torch(run_code(f"import torch\n{torch_line}")["a"], made)
    np.testing.assert_array_equal(run_code(f"import numpy as np\n{numpy_line}")["a"], made.numpy())


def test_typed_nan_and_inf_are_read_as_floats_and_nothing_else_runs():
    assert str(parse_values("[nan, -inf, inf, torch.nan, np.inf, math.nan, float('-inf')]")) == (
        "[nan, -inf, inf, nan, inf, nan, -inf]")
    for text in ["[nan()]", "[os.nan]", "[float('1e3')]", "[float(1)]", "[torch.pi]", "[nan + 1]", "[-nan.real]"]:
        with pytest.raises(TensorOpError) as err:
            parse_values(text)
        assert err.value.code in ("values_syntax", "values_not_numbers"), text


# ---------------------------------------------------------------------------------------------------------------
# The shared server's caps: the only refusals of what torch would run, each worded as the server's limit


def test_the_server_caps_say_they_are_the_servers():
    caps = [
        lambda: make_tensor(TensorSpec(source="zeros", shape=(MAX_ELEMENTS + 1,))),
        lambda: make_tensor(TensorSpec(source="zeros", shape=(1,) * (MAX_RANK + 1))),
        lambda: parse_values("[1" + " " * MAX_TEXT + "]"),
    ]
    for cap in caps:
        with pytest.raises(TensorOpError) as err:
            cap()
        assert "server" in str(err.value), str(err.value)
    assert "server" in str(run_chain(values("[1.0]")[0], parse_ops("expand(101, 100)")).error)
    assert "server" in str(run_chain(shaped("ones", *(1,) * MAX_RANK)[0], parse_ops("unsqueeze(0)")).error)


def test_a_shape_text_is_capped_before_it_is_read():
    text = "1, " * 2_000_000  # 6 MB: reading it cost seconds of the shared server's CPU; read, it is too_many_dims
    with pytest.raises(TensorOpError) as err:
        tensors.parse_shape(text)
    assert err.value.code == "shape_too_long" and "server" in str(err.value)
    assert err.value.params["limit"] == tensors.MAX_SHAPE_TEXT


@pytest.mark.parametrize("text, shape", [("2, 3", (2, 3)), ("(0, 4)", (0, 4)), ("2x3", (2, 3)), (" 4 ", (4,)),
                                         ("()", ()), ("5,", (5,))])
def test_a_shape_text_is_read(text, shape):
    assert tensors.parse_shape(text) == shape
    assert make_tensor(TensorSpec(source="zeros", shape=tensors.parse_shape(text))).shape == shape


@pytest.mark.parametrize("text", ["2, three", "2.5", "1e3", "__import__('os')", "2, 3]"])
def test_a_shape_text_that_is_not_whole_numbers_is_explained(text):
    with pytest.raises(TensorOpError) as err:
        tensors.parse_shape(text)
    assert err.value.code == "shape_syntax" and str(err.value)
