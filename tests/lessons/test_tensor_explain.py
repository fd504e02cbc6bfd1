"""core/lessons/tensors/explain.py: what PyTorch refused, explained.

Every error a learner can cause in a chain is checked for its ``code`` and for the values its message mentions.
"""

import math

import pytest

from core.errors import PlaygroundError, TensorOpError
from core.lessons.tensors import TensorSpec, parse_ops, run_chain
from core.lessons.tensors.chain import _TORCH_OPS
from core.lessons.tensors.explain import _fitting_shapes
from tests.lessons.tensor_helpers import arange


def error_of(spec, ops) -> TensorOpError:
    """The explained error a chain ends with (the chain itself must be valid)."""
    result = run_chain(spec, parse_ops(ops) if isinstance(ops, str) else ops)
    assert result.error is not None, "the chain was expected to fail"
    assert result.steps[-1].error is result.error and not result.steps[-1].ok
    return result.error


# ---------------------------------------------------------------------------------------------------------------
# Explained errors


def test_view_on_a_transposed_tensor_explains_contiguity_and_the_fix():
    result = run_chain(arange(2, 3, dtype="int64"), parse_ops("t().view(6)"))
    assert len(result.steps) == 2 and result.steps[0].ok and result.result.shape == (3, 2)
    err = result.error
    assert err.code == "view_non_contiguous" and isinstance(err, PlaygroundError)
    assert err.params["fix"] == "b.contiguous().view(6)" and err.params["fix_reshape"] == "b.reshape(6)"
    assert err.params["strides"] == "(1, 3)" and "contiguous" in str(err) and "strides" in str(err)
    assert result.steps[-1].torch_code == "b.view(6)"
    assert "view size is not compatible" in result.steps[-1].torch_message
    assert result.steps[-1].tensor is None and result.steps[-1].shape_text is None


def test_shape_that_does_not_fit_lists_shapes_that_do():
    err = error_of(arange(2, 3), "view(4)")
    assert err.code == "shape_mismatch" and err.params["numel"] == 6 and err.params["product"] == 4
    assert err.params["shapes"] == "(6,), (1, 6), (2, 3), (3, 2), (6, 1)"
    assert "-1" in str(err) and err.params["example"] == "view(2, -1)"
    assert error_of(arange(2, 3), "reshape(4, -1)").code == "shape_mismatch"


def test_fitting_shapes_stay_few_for_numbers_with_many_divisors():
    shapes = _fitting_shapes(10_000)
    assert len(shapes) == 8 and shapes[0] == (10_000,) and (100, 100) in shapes
    assert all(math.prod(s) == 10_000 for s in shapes)


def test_two_minus_ones():
    err = error_of(arange(2, 3), "view(-1, -1)")
    assert err.code == "two_minus_one" and err.params["call"] == "a.view(-1, -1)"


@pytest.mark.parametrize("ops_text, low, high", [
    ("squeeze(2)", -2, 1), ("transpose(0, 2)", -2, 1), ("size(-3)", -2, 1), ("flatten(0, 2)", -2, 1),
    ("unsqueeze(3)", -3, 2), ("unsqueeze(-4)", -3, 2),
])
def test_dimension_out_of_range_gives_the_valid_range(ops_text, low, high):
    err = error_of(arange(2, 3), ops_text)
    assert err.code == "dim_out_of_range" and (err.params["low"], err.params["high"]) == (low, high)
    assert f"{low}..{high}" in str(err) and err.params["rank"] == 2


def test_size_of_a_zero_d_tensor():
    assert error_of(TensorSpec(values_text="[[5]]"), "squeeze().size(0)").code == "no_dims"


@pytest.mark.parametrize("ops_text, code", [
    ("expand(3, 4)", "expand_mismatch"), ("expand(4)", "expand_rank"), ("expand(-1, 2, 3)", "expand_new_minus_one"),
    ("expand(-2, 2, 3)", "bad_size"), ("view(-2, 3)", "bad_size"), ("squeeze(0, -2)", "duplicate_dims"),
    ("permute(0, 0)", "bad_permutation"), ("permute(0)", "bad_permutation"), ("permute(0, 5)", "bad_permutation"),
    ("permute()", "bad_permutation"),
    ("unsqueeze(0).t()", "t_rank"), ("flatten(1, 0)", "flatten_order"),
])
def test_other_explained_errors(ops_text, code):
    err = error_of(arange(2, 3), ops_text)
    assert err.code == code and err.params["call"].startswith(("a.", "b."))
    assert err.params["call"] in str(err)


def test_expand_mismatch_names_the_dimension():
    err = error_of(arange(2, 3), "expand(3, 4)")
    assert (err.params["dim"], err.params["size"], err.params["wanted"]) == (0, 2, 3)


def test_bad_permutation_gives_an_example():
    assert error_of(arange(2, 3, 4), "permute(0, 1)").params["example"] == "permute(2, 1, 0)"


def test_a_failed_step_keeps_the_numpy_side_and_the_steps_before_it():
    result = run_chain(arange(2, 3), parse_ops("unsqueeze(0).squeeze(0).t().view(6).flatten()"))
    assert [s.ok for s in result.steps] == [True, True, True, False]  # flatten never ran
    assert result.steps[-1].numpy.array.shape == [6]
    assert result.result.shape == (3, 2) and result.numpy_result.shape == (3, 2)


def test_unexplained_torch_errors_fall_back_to_torch_error(monkeypatch):
    def refuse(t, args):
        raise RuntimeError("something new in PyTorch")

    monkeypatch.setitem(_TORCH_OPS, "contiguous", refuse)
    err = error_of(arange(2, 3), "contiguous()")
    assert err.code == "torch_error" and err.params["detail"] == "something new in PyTorch"
