"""core/lessons/tensors/spec.py: making the starting tensor ``a``, and reading typed values.

Every error a learner can cause is checked for its ``code`` and for the values its message mentions; typed values are
shown never to run, and the size cap is checked before anything big is made.
"""

import ast
import math
import os

import numpy as np
import pytest
import torch

from core.errors import TensorOpError
from core.lessons import tensors
from core.lessons.tensors import (
    MAX_ELEMENTS,
    MAX_TEXT,
    TensorSpec,
    creation_code,
    make_tensor,
    parse_ops,
    parse_values,
    run_chain,
)

# ---------------------------------------------------------------------------------------------------------------
# Typed values: numbers only, nothing runs


@pytest.mark.parametrize("text, code", [
    ("__import__('os').system('x')", "values_syntax"),
    ("[1]*10**9", "values_syntax"),
    ("(lambda: 1)()", "values_syntax"),
    ("[0]*20001", "values_syntax"),
    ("{1: 2}", "values_not_list"),
    ("'abc'", "values_not_list"),
    ("5", "values_not_list"),
    ("{1, 2}", "values_not_list"),
    ("[1, 'a']", "values_not_numbers"),
    ("[[1, None]]", "values_not_numbers"),
    ("[1+2j]", "values_not_numbers"),
    ("[b'1']", "values_not_numbers"),
    ("[[1, 2], [3]]", "values_ragged"),
    ("[[[1], [2]], [[3, 4], [5, 6]]]", "values_ragged"),
    ("[1, [2]]", "values_mixed"),
    ("   ", "values_empty"),
    ("[[], [1]]", "values_ragged"),
    ("[nan()]", "values_syntax"),
    ("[os.nan]", "values_syntax"),
    ("[[1, 2]", "values_syntax"),
    ("9" * 5000, "values_syntax"),
    ("[" * 300 + "]" * 300, "values_syntax"),
    ("[[[[[[[1]]]]]]]", "too_many_dims"),
])
def test_values_that_are_not_a_list_of_numbers_are_refused(text, code, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(source="values", values_text=text))
    assert err.value.code == code and str(err.value)
    assert calls == []


def test_values_in_tuples_and_bools_are_numbers():
    assert parse_values("((1, 2.5), (True, -3))") == [[1, 2.5], [True, -3]]
    torch.testing.assert_close(make_tensor(TensorSpec(values_text="((1, 2.5), (True, -3))")),
                               torch.tensor([[1.0, 2.5], [1.0, -3.0]]))


@pytest.mark.parametrize("dtype, text", [("int32", "[2147483648]"), ("int64", "[9223372036854775808]"),
                                         ("float64", "[1" + "0" * 400 + "]"), ("int32", "[-2147483649.5]"),
                                         ("int32", "[2147483647.5]"), ("int64", "[9223372036854775807.0]")])
def test_values_out_of_range_for_the_dtype(dtype, text):
    with pytest.raises(TensorOpError) as err:
        parse_values(text, dtype)
    assert err.value.code == "values_out_of_range" and err.value.params["dtype"] == dtype


def test_values_at_the_edges_of_the_range_fit():
    assert make_tensor(TensorSpec(values_text="[2147483647, -2147483648, 2.9]", dtype="int32")).tolist() == [
        2147483647, -2147483648, 2]


def test_ragged_error_says_where():
    with pytest.raises(TensorOpError) as err:
        parse_values("[[1, 2], [3, 4], [5]]")
    assert err.value.params == {"where": "[2]", "shape": "(1,)", "first": "[0]", "first_shape": "(2,)"}


# ---------------------------------------------------------------------------------------------------------------
# The size cap: checked before anything big is made


@pytest.fixture
def no_big_allocation(monkeypatch):
    """Makes every way to build a big tensor fail the test."""
    def refuse(*args, **kwargs):
        pytest.fail("a tensor was allocated before the size check")

    for name in ("zeros", "ones", "rand", "arange", "tensor", "empty"):
        monkeypatch.setattr(torch, name, refuse)
    monkeypatch.setattr(ast, "literal_eval", refuse)


@pytest.mark.parametrize("source", ["zeros", "ones", "rand", "arange"])
def test_a_big_shape_is_refused_before_allocation(source, no_big_allocation):
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(source=source, shape=(1000, 1000)))
    assert err.value.code == "too_big" and err.value.params == {"numel": 1_000_000, "limit": MAX_ELEMENTS}
    assert "10,000" in str(err.value)


def test_a_huge_shape_is_refused_without_overflow(no_big_allocation):
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(source="zeros", shape=(10**9,) * 6))
    assert err.value.code == "too_big"


def test_a_long_list_of_values_is_refused_before_parsing(no_big_allocation):
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(source="values", values_text=str([0] * 20001)))
    assert err.value.code == "too_big" and err.value.params["numel"] == 20001


def test_values_text_length_is_capped(no_big_allocation):
    with pytest.raises(TensorOpError) as err:
        parse_values("[1" + " " * MAX_TEXT + "]")
    assert err.value.code == "values_too_long" and err.value.params["limit"] == MAX_TEXT


def test_expand_beyond_the_cap_is_refused_before_expanding(monkeypatch):
    spec = TensorSpec(values_text="[1.0]")
    monkeypatch.setattr(torch.Tensor, "expand", lambda *a: pytest.fail("expand ran"))
    monkeypatch.setattr(np, "broadcast_to", lambda *a: pytest.fail("broadcast_to ran"))
    result = run_chain(spec, parse_ops("expand(100, 100, 100)"))
    assert result.error.code == "too_big" and result.error.params["numel"] == 1_000_000
    assert result.steps[-1].numpy is None and result.steps[-1].disagree is None


def test_the_cap_itself_is_allowed():
    assert make_tensor(TensorSpec(source="zeros", shape=(100, 100))).numel() == MAX_ELEMENTS
    assert run_chain(TensorSpec(values_text="[1]"), parse_ops("expand(100, 100)")).ok


def test_rank_is_capped():
    with pytest.raises(TensorOpError) as err:
        make_tensor(TensorSpec(source="ones", shape=(1,) * 7))
    assert err.value.code == "too_many_dims" and err.value.params == {"rank": 7, "limit": 6}
    result = run_chain(TensorSpec(source="ones", shape=(1,) * 6), parse_ops("unsqueeze(0)"))
    assert result.error.code == "too_many_dims"


# ---------------------------------------------------------------------------------------------------------------
# Making the starting tensor


@pytest.mark.parametrize("source, dtype", [(s, d) for s in ("zeros", "ones", "arange") for d in tensors.DTYPES
                                           if (s, d) != ("arange", "bool")])  # refused: see test_bad_specs
def test_shape_sources_match_torch(source, dtype):
    made = {"zeros": torch.zeros, "ones": torch.ones, "arange": lambda shape, dtype: torch.arange(
        math.prod(shape), dtype=dtype).reshape(shape)}[source]
    expected = made((2, 3), dtype=tensors.DTYPES[dtype])
    torch.testing.assert_close(make_tensor(TensorSpec(source=source, shape=(2, 3), dtype=dtype)), expected)


def test_rand_is_seeded_and_leaves_the_global_generator_alone():
    state = torch.random.get_rng_state()
    first = make_tensor(TensorSpec(source="rand", shape=(3, 4), seed=7))
    torch.testing.assert_close(first, torch.rand(3, 4, generator=torch.Generator().manual_seed(7)))
    torch.testing.assert_close(first, make_tensor(TensorSpec(source="rand", shape=(3, 4), seed=7)))
    assert not torch.equal(first, make_tensor(TensorSpec(source="rand", shape=(3, 4), seed=8)))
    assert make_tensor(TensorSpec(source="rand", shape=(2,), dtype="float64")).dtype == torch.float64
    assert torch.equal(torch.random.get_rng_state(), state)


def test_shape_from_a_list_is_a_tuple():
    assert TensorSpec(source="zeros", shape=[2, 3]).shape == (2, 3)


@pytest.mark.parametrize("spec, code", [
    (TensorSpec(source="eval"), "unknown_source"),
    (TensorSpec(dtype="float16"), "unknown_dtype"),
    (TensorSpec(source="rand", dtype="int64"), "rand_needs_float"),
    (TensorSpec(source="arange", dtype="bool"), "arange_not_bool"),
    (TensorSpec(source="zeros", shape=(2, -3)), "bad_shape"),
    (TensorSpec(source="zeros", shape=(2.0, 3)), "bad_shape"),
    (TensorSpec(source="zeros", shape="23"), "bad_shape"),
    (TensorSpec(source="rand", seed=-1), "bad_seed"),
    (TensorSpec(source="rand", seed=True), "bad_seed"),
])
def test_bad_specs_are_refused(spec, code):
    with pytest.raises(TensorOpError) as err:
        make_tensor(spec)
    assert err.value.code == code
    with pytest.raises(TensorOpError):
        creation_code(spec)
