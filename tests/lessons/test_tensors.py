"""core/tensors.py: the tensor playground's engine.

Every operation is checked against calling PyTorch and NumPy directly (STYLE rule 8); every error a learner can cause
is checked for its ``code`` and for the values its message mentions; user text is shown never to run.
"""

import contextlib
import io
import math
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import PlaygroundError, TensorOpError
from core.lessons import tensors
from core.lessons.tensors import (
    MAX_ELEMENTS,
    MAX_OPS,
    MAX_SHOWN,
    MAX_TEXT,
    OPS,
    PRESETS,
    PREVIEW,
    Op,
    TensorSpec,
    chain_code,
    creation_code,
    make_tensor,
    ops_to_text,
    parse_ops,
    parse_values,
    run_chain,
    validate_ops,
)

LECTURE_A = TensorSpec(source="values", values_text="[[2, 3, 4, 5]]", dtype="float32")


def arange(*shape, dtype="float32") -> TensorSpec:
    return TensorSpec(source="arange", shape=shape, dtype=dtype)


def error_of(spec, ops) -> TensorOpError:
    """The explained error a chain ends with (the chain itself must be valid)."""
    result = run_chain(spec, parse_ops(ops) if isinstance(ops, str) else ops)
    assert result.error is not None, "the chain was expected to fail"
    assert result.steps[-1].error is result.error and not result.steps[-1].ok
    return result.error


# ---------------------------------------------------------------------------------------------------------------
# Every operation against PyTorch and NumPy called directly

SHAPES = [(6,), (2, 3), (1, 4), (3, 1), (2, 1, 3), (2, 3, 4), (1, 1)]
OP_CASES = [
    "view(-1)", "view(2, -1)", "view(3, 2)", "view(1, -1, 1)", "view(4)", "view(-1, -1)",
    "reshape(-1)", "reshape(3, -1)", "reshape(-1, 1)",
    "unsqueeze(0)", "unsqueeze(1)", "unsqueeze(-1)", "unsqueeze(5)",
    "squeeze()", "squeeze(0)", "squeeze(1)", "squeeze(-1)", "squeeze(4)",
    "flatten()", "flatten(1)", "flatten(0, 1)", "flatten(-2, -1)", "flatten(1, 0)", "flatten(5)",
    "permute(1, 0)", "permute(0)", "permute(2, 0, 1)", "permute(0, 0)",
    "transpose(0, 1)", "transpose(-1, 0)", "transpose(0, 3)",
    "t()", "contiguous()",
    "expand(2, -1)", "expand(3, -1, -1)", "expand(-1, 4)", "expand(2, 2, 3)", "expand(5)",
    "size()", "size(0)", "size(-1)", "size(3)",
]


def numpy_reference(op: Op, x: np.ndarray, torch_out):
    """What NumPy gives when called directly; flatten and expand take PyTorch's result shape as their target."""
    name, args = op.name, op.args
    if name in ("view", "reshape"):
        return np.reshape(x, args)
    if name == "unsqueeze":
        return np.expand_dims(x, args[0])
    if name == "squeeze":
        return np.squeeze(x, axis=args[0] if args else None)
    if name == "flatten":
        return x.ravel() if len(torch_out.shape) == 1 else x.reshape(tuple(torch_out.shape))
    if name == "permute":
        return np.transpose(x, args)
    if name == "transpose":
        return np.swapaxes(x, *args)
    if name == "t":
        return x.T
    if name == "contiguous":
        return np.ascontiguousarray(x)
    if name == "expand":
        return np.broadcast_to(x, tuple(torch_out.shape))
    return x.shape[args[0]] if args else list(x.shape)


def check_against_references(spec: TensorSpec, ops: list[Op]):
    """Run the chain and compare its last step with PyTorch and NumPy called directly on the same input."""
    result = run_chain(spec, ops)
    a = make_tensor(spec)
    t = a
    for op in ops[:-1]:  # the leading ops are valid by construction
        t = getattr(t, op.name)(*op.args)
    x = np.ascontiguousarray(a.numpy()).copy()
    for step in result.steps[:-1]:
        x = numpy_reference(step.op, x, None if step.tensor is None else torch.empty(step.tensor.shape))
    op, step = ops[-1], result.steps[-1]
    try:
        expected = getattr(t, op.name)(*op.args)
    except (RuntimeError, IndexError):
        assert step.error is not None and step.torch_message
        assert result.error is step.error
        return result, None
    assert step.error is None and result.error is None
    assert step.torch_code == f"{'a' if len(ops) == 1 else result.steps[-2].name}.{op}"
    if isinstance(expected, torch.Tensor):
        torch.testing.assert_close(result.result, expected)
        facts = step.tensor
        assert facts.shape == list(expected.shape) and facts.shape_text == str(expected.shape)
        assert facts.strides == list(expected.stride())
        assert facts.is_contiguous == expected.is_contiguous()
        assert facts.shares_memory == (expected.untyped_storage().data_ptr() == a.untyped_storage().data_ptr())
        assert facts.values == expected.tolist() and facts.dtype == "float32"
    else:
        assert step.value == (expected if isinstance(expected, int) else list(expected))
        assert step.shape_text == str(expected)
    check_numpy_side(step, op, x, expected, result)
    return result, expected


def check_numpy_side(step, op, x, torch_out, result):
    side = step.numpy
    if side is None:
        return
    previous = "a" if step.index == 1 else result.steps[step.index - 2].name
    try:
        reference = numpy_reference(op, x, torch_out)
    except (ValueError, IndexError):
        assert side.error is not None
        return
    assert side.error is None
    namespace = {"np": np, previous: x}
    exec(f"out = {side.code.format(v=previous)}", namespace)  # tests only: the app never runs code
    if isinstance(reference, np.ndarray):
        np.testing.assert_array_equal(result.numpy_result, reference)
        np.testing.assert_array_equal(namespace["out"], reference)
        assert side.array.shape == list(reference.shape) and side.array.shape_text == str(reference.shape)
        assert side.array.values == reference.tolist()
        assert side.array.strides == [s // reference.itemsize for s in reference.strides]
    else:
        assert side.value == reference == (list(namespace["out"]) if op.args == () else namespace["out"])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("op_text", OP_CASES)
def test_each_operation_matches_torch_and_numpy(shape, op_text):
    check_against_references(arange(*shape), parse_ops(op_text))


@pytest.mark.parametrize("shape", [s for s in SHAPES if len(s) >= 2], ids=str)
@pytest.mark.parametrize("op_text", OP_CASES)
def test_each_operation_on_a_non_contiguous_tensor(shape, op_text):
    check_against_references(arange(*shape), [Op("transpose", (0, -1))] + parse_ops(op_text))


@pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "bool"])
def test_other_dtypes_flow_through(dtype):
    spec = TensorSpec(source="values", values_text="[[0, 1, 2], [3, 0, 5]]", dtype=dtype)
    result = run_chain(spec, parse_ops("t().reshape(-1).unsqueeze(0)"))
    expected = torch.tensor([[0, 1, 2], [3, 0, 5]], dtype=tensors.DTYPES[dtype]).t().reshape(-1).unsqueeze(0)
    torch.testing.assert_close(result.result, expected)
    np.testing.assert_array_equal(result.numpy_result, expected.numpy())
    assert result.steps[-1].tensor.dtype == dtype == result.steps[-1].numpy.array.dtype


def test_steps_record_code_names_and_the_chain_so_far():
    result = run_chain(LECTURE_A, parse_ops("a.view(2, -1).flatten().unsqueeze(0).size(1)"))
    assert [s.name for s in result.steps] == ["b", "c", "d", "e"]
    assert [s.torch_code for s in result.steps] == ["a.view(2, -1)", "b.flatten()", "c.unsqueeze(0)", "d.size(1)"]
    assert result.steps[1].chain_code == "a.view(2, -1).flatten()"
    assert [s.numpy.code for s in result.steps] == ["np.reshape(a, (2, -1))", "b.ravel()", "np.expand_dims(c, 0)",
                                                   "d.shape[1]"]
    assert [s.shape_text for s in result.steps] == ["torch.Size([2, 2])", "torch.Size([4])", "torch.Size([1, 4])",
                                                   "4"]
    assert result.steps[-1].value == 4 and result.steps[-1].tensor is None and result.result == 4
    assert result.start.shape_text == "torch.Size([1, 4])" and result.numpy_start.shape_text == "(1, 4)"
    assert result.ok and all(s.ok and s.disagree is None for s in result.steps)


def test_numpy_translations_of_partial_flatten_and_expand():
    result = run_chain(arange(2, 3, 4), parse_ops("flatten(1).unsqueeze(1).expand(-1, 3, -1).size()"))
    assert [s.numpy.code for s in result.steps] == ["a.reshape(2, 12)", "np.expand_dims(b, 1)",
                                                   "np.broadcast_to(c, (2, 3, 12))", "d.shape"]
    assert result.steps[-1].value == [2, 3, 12] == result.steps[-1].numpy.value
    assert result.steps[-1].shape_text == "torch.Size([2, 3, 12])"


def test_big_results_give_a_preview_instead_of_all_values():
    result = run_chain(arange(30, 30), parse_ops("t()"))
    facts = result.steps[0].tensor
    assert facts.numel == 900 > MAX_SHOWN and facts.values is None
    assert facts.preview == torch.arange(900.).reshape(30, 30).t().reshape(-1)[:PREVIEW].tolist()
    assert result.steps[0].numpy.array.values is None and result.steps[0].numpy.array.preview == facts.preview
    small = run_chain(arange(2, 3), parse_ops("t()")).steps[0].tensor
    assert small.values == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]] and small.preview == []


# ---------------------------------------------------------------------------------------------------------------
# Memory: views share it, copies do not


def last_shares(spec, ops_text) -> tuple[bool, bool]:
    step = run_chain(spec, parse_ops(ops_text)).steps[-1]
    assert step.ok
    return step.tensor.shares_memory, step.numpy.array.shares_memory


@pytest.mark.parametrize("ops_text, shares", [
    ("view(3, 2)", True),
    ("unsqueeze(0).squeeze(0)", True),
    ("t()", True),
    ("permute(1, 0)", True),
    ("expand(2, 2, 3)", True),
    ("reshape(6)", True),  # contiguous: a view
    ("t().reshape(6)", False),  # not contiguous: a copy
    ("flatten()", True),
    ("t().flatten()", False),
    ("contiguous()", True),  # already contiguous: the same tensor
    ("t().contiguous()", False),  # rearranged into a new block of memory
    ("t().contiguous().view(6)", False),  # a view, but of the copy
])
def test_memory_sharing_flags(ops_text, shares):
    assert last_shares(arange(2, 3), ops_text) == (shares, shares)


def test_contiguous_flags_and_strides_follow_the_lecture():
    result = run_chain(arange(2, 3), parse_ops("t().contiguous()"))
    transposed, fixed = result.steps[0].tensor, result.steps[1].tensor
    assert (transposed.strides, transposed.is_contiguous) == ([1, 3], False)
    assert (fixed.strides, fixed.is_contiguous) == ([2, 1], True)
    assert result.steps[0].numpy.array.is_contiguous is False and result.steps[1].numpy.array.is_contiguous is True
    expanded = run_chain(LECTURE_A, parse_ops("expand(3, -1)")).steps[0].tensor
    assert expanded.strides == [0, 1]


# ---------------------------------------------------------------------------------------------------------------
# Where PyTorch and NumPy differ


def disagreement(spec, ops_text):
    step = run_chain(spec, parse_ops(ops_text)).steps[-1]
    assert step.disagree, "expected the libraries to differ"
    return step


def test_squeeze_of_a_dimension_not_of_size_one():
    step = disagreement(LECTURE_A, "squeeze(1)")
    assert step.ok and step.tensor.shape == [1, 4] and step.tensor.shares_memory
    assert step.numpy.error.startswith("ValueError") and step.numpy.array is None
    assert step.disagree_code == "squeeze_not_one" and step.disagree_params == {"dim": 1, "size": 4}
    assert "unchanged" in step.disagree


def test_view_on_a_non_contiguous_tensor_numpy_copies():
    step = disagreement(arange(2, 3), "t().view(6)")
    assert step.error.code == "view_non_contiguous"
    assert step.numpy.code == "np.reshape(b, (6,))" and step.numpy.array.shape == [6]
    assert step.numpy.array.shares_memory is False
    assert step.disagree_code == "view_copies" and "copies" in step.disagree


def test_t_on_three_dimensions_numpy_reverses_all_axes():
    step = disagreement(arange(2, 3, 4), "t()")
    assert step.error.code == "t_rank" and step.numpy.array.shape == [4, 3, 2]
    assert step.disagree_code == "t_reverses_all" and step.disagree_params["permute"] == "permute(2, 1, 0)"


def test_flatten_of_an_expanded_tensor_is_a_view_in_torch_a_copy_in_numpy():
    step = disagreement(TensorSpec(values_text="[7]"), "expand(6, 4).flatten()")
    assert step.tensor.shares_memory and step.tensor.strides == [0]
    assert not step.numpy.array.shares_memory
    assert step.disagree_code == "memory_torch_only"


def test_contiguous_of_a_zero_d_tensor_is_one_d_in_numpy():
    step = disagreement(TensorSpec(values_text="[[5]]"), "squeeze().contiguous()")
    assert step.tensor.shape == [] and step.numpy.array.shape == [1]
    assert step.disagree_code == "shape_differs"


def test_negative_sizes_other_than_minus_one():
    step = disagreement(arange(2, 3), "reshape(-2, 3)")  # NumPy reads any negative size as "work it out"
    assert step.error.code == "bad_size" and step.disagree_code == "torch_only_fails"


def test_transpose_of_a_zero_d_tensor():
    step = disagreement(TensorSpec(values_text="[[5]]"), "squeeze().transpose(0, -1)")
    assert step.ok and step.disagree_code == "numpy_only_fails"


def test_squeeze_of_a_zero_d_tensor_works_in_both():
    step = run_chain(TensorSpec(values_text="[[5]]"), parse_ops("squeeze().squeeze(0)")).steps[-1]
    assert step.ok and step.tensor.shape == [] == step.numpy.array.shape and step.disagree is None


def test_numpy_stops_after_it_fails_and_pytorch_goes_on():
    result = run_chain(LECTURE_A, parse_ops("squeeze(1).view(4).size(0)"))
    assert result.ok and result.result == 4
    assert result.steps[0].numpy.error and result.steps[1].numpy is None and result.steps[2].numpy is None
    assert result.numpy_result is None


@pytest.mark.parametrize("spec, ops_text", [(LECTURE_A, p) for p in ["view(2, 2)", "unsqueeze(1).squeeze(0)",
                                                                      "expand(3, -1).contiguous()", "size()"]])
def test_agreeing_steps_have_no_note(spec, ops_text):
    assert all(s.disagree is None and s.disagree_code is None for s in run_chain(spec, parse_ops(ops_text)).steps)


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
    shapes = tensors._fitting_shapes(10_000)
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
    ("expand(0, 2, 3)", "bad_size"), ("view(-2, 3)", "bad_size"),
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

    monkeypatch.setitem(tensors._TORCH_OPS, "contiguous", refuse)
    err = error_of(arange(2, 3), "contiguous()")
    assert err.code == "torch_error" and err.params["detail"] == "something new in PyTorch"


# ---------------------------------------------------------------------------------------------------------------
# Only the fixed set of operations, with checked arguments


@pytest.mark.parametrize("name", ["numpy", "__class__", "fill_", "exec", "cuda", "eval", "T", "to", "data_ptr",
                                  "__getattribute__", "View", ""])
def test_names_outside_the_set_are_refused(name, monkeypatch):
    monkeypatch.setattr(tensors, "make_tensor", lambda spec: pytest.fail("nothing may run"))
    with pytest.raises(TensorOpError) as err:
        run_chain(LECTURE_A, [Op(name, ())])
    assert err.value.code == "unknown_op"
    if name:
        with pytest.raises(TensorOpError) as err:
            parse_ops(f"a.{name}()")
        assert err.value.code == "unknown_op" and "view" in err.value.params["allowed"]


@pytest.mark.parametrize("op", [
    Op("view", ()), Op("transpose", (0,)), Op("t", (0,)), Op("squeeze", (0, 1)), Op("flatten", (0, 1, 2)),
    Op("view", (1, 1, 1, 1, 1, 1, 1)), Op("view", (2.0, 3)), Op("view", (True,)), Op("view", ("2",)),
    Op("view", (10**20,)), Op("expand", (-10**6,)), Op("view", "6"), Op("size", (None,)),
])
def test_wrong_argument_counts_and_types_are_refused(op):
    with pytest.raises(TensorOpError) as err:
        validate_ops([op])
    assert err.value.code == "bad_args" and err.value.params["usage"] == tensors.OP_USAGE[op.name]


def test_size_is_terminal():
    with pytest.raises(TensorOpError) as err:
        run_chain(LECTURE_A, parse_ops("size(0)") + parse_ops("view(1)"))
    assert err.value.code == "after_size"
    with pytest.raises(TensorOpError) as err:
        parse_ops("a.size(0).view(1)")
    assert err.value.code == "after_size"


def test_chain_length_is_capped():
    with pytest.raises(TensorOpError) as err:
        validate_ops([Op("contiguous")] * (MAX_OPS + 1))
    assert err.value.code == "too_many_ops" and err.value.params == {"count": MAX_OPS + 1, "limit": MAX_OPS}
    assert len(run_chain(LECTURE_A, [Op("contiguous")] * MAX_OPS).steps) == MAX_OPS


def test_lists_of_arguments_become_tuples():
    assert Op("view", [2, -1]) == Op("view", (2, -1)) and str(Op("view", [2, -1])) == "view(2, -1)"


# ---------------------------------------------------------------------------------------------------------------
# The text form of a chain


def test_ops_to_text_is_compact():
    assert ops_to_text([Op("view", (2, -1)), Op("flatten", ())]) == "view(2,-1).flatten()"
    assert ops_to_text([]) == ""


@pytest.mark.parametrize("text", [
    "view(2,-1).flatten()", "a.view(2, -1).flatten()", "  a . view ( 2 ,-1 ) .\n flatten( )  ", ".view(2,-1).flatten()",
    "view(+2, -1).flatten()", "view(2, -1,).flatten()",
])
def test_parse_ops_tolerates_prefix_and_whitespace(text):
    assert parse_ops(text) == [Op("view", (2, -1)), Op("flatten", ())]


@pytest.mark.parametrize("text", ["", "   ", "a", " a "])
def test_empty_text_is_an_empty_chain(text):
    assert parse_ops(text) == []


@pytest.mark.parametrize("text", [
    "view(2,", "view(2.5)", "view(2)flatten()", "view(2)..flatten()", "view", "view(x)", "view((2, 3))",
    "a.view(2).", "b.view(2)", "view(2, , 3)", "view(2)[0]", "1view(2)", "a.a.view(2)", "view(2); import os",
    "__import__('os').system('x')",
])
def test_bad_ops_text_is_refused(text):
    with pytest.raises(TensorOpError) as err:
        parse_ops(text)
    assert err.value.code in ("ops_syntax", "unknown_op")
    if err.value.code == "ops_syntax":
        assert err.value.params["position"] >= 1 and "view(2, -1).flatten()" in str(err.value)


def test_ops_text_length_is_capped():
    with pytest.raises(TensorOpError) as err:
        parse_ops("t()." * 1000)
    assert err.value.code == "ops_too_long"


def test_every_op_round_trips_through_text():
    ops = [Op("view", (2, -1)), Op("reshape", (1, 4)), Op("unsqueeze", (0,)), Op("squeeze", ()),
           Op("squeeze", (-1,)), Op("flatten", (1,)), Op("flatten", (0, 1)), Op("permute", (1, 0)),
           Op("transpose", (0, 1)), Op("t", ()), Op("contiguous", ()), Op("expand", (3, -1)), Op("size", (0,))]
    assert parse_ops(ops_to_text(ops)) == ops
    assert {op.name for op in ops} == set(OPS)


def _op_strategy(names):
    def build(name):
        low, high = tensors._ARITY[name]
        return st.lists(st.integers(-tensors.MAX_ARG, tensors.MAX_ARG), min_size=low, max_size=high).map(
            lambda args: Op(name, tuple(args)))

    return st.sampled_from(names).flatmap(build)


_chains = st.tuples(st.lists(_op_strategy([n for n in OPS if n != "size"]), max_size=MAX_OPS - 1),
                    st.lists(_op_strategy(["size"]), max_size=1)).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=150, deadline=None)
@given(_chains)
def test_text_round_trip_property(ops):
    text = ops_to_text(ops)
    assert parse_ops(text) == ops
    spaced = " a . " + text.replace(",", " , ").replace(".", " . ") if ops else " a "
    assert parse_ops(spaced) == ops


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
    ("[]", "values_empty"),
    ("[[]]", "values_empty"),
    ("   ", "values_empty"),
    ("[[1, 2]", "values_syntax"),
    ("9" * 5000, "values_syntax"),
    ("[" * 300 + "]" * 300, "values_syntax"),
    ("[[[[[[[1]]]]]]]", "too_many_dims"),
    ("[1e999]", "values_infinite"),
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
                                         ("float32", "[1e39]"), ("int32", "[-2147483649.5]")])
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
    monkeypatch.setattr(tensors.ast, "literal_eval", refuse)


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
    (TensorSpec(source="zeros", shape=()), "bad_shape"),
    (TensorSpec(source="zeros", shape=(2, 0)), "bad_shape"),
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


# ---------------------------------------------------------------------------------------------------------------
# Copy-ready code: running it (here, in the tests only) reproduces the chain


def run_code(code: str) -> dict:
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, namespace)  # tests only: the app never runs code
    return namespace


def last_name(result) -> str:
    done = [s for s in result.steps if s.ok]
    return done[-1].name if done else "a"


@pytest.mark.parametrize("spec, ops_text", [
    (LECTURE_A, "view(2, -1).flatten()"),
    (LECTURE_A, "unsqueeze(1).squeeze(0).size(0)"),
    (LECTURE_A, "expand(3, -1).contiguous().t()"),
    (arange(2, 3, 4), "permute(2, 0, 1).flatten(1).reshape(-1, 2).size()"),
    (arange(2, 3, 4, dtype="int32"), "transpose(0, 2).contiguous().view(4, -1)"),
    (TensorSpec(source="rand", shape=(2, 3), seed=3, dtype="float64"), "t().unsqueeze(-1).expand(-1, -1, 2)"),
    (TensorSpec(source="ones", shape=(2, 3), dtype="bool"), "flatten()"),
    (TensorSpec(source="zeros", shape=(4,), dtype="int64"), "view(2, 2)"),
    (TensorSpec(values_text="[[0.1, 2.5], [3e-3, -4]]", dtype="float64"), "t().reshape(4)"),
    (TensorSpec(values_text="[[1.9, -2.7]]", dtype="int64"), "squeeze()"),
    (TensorSpec(values_text="[[1, 0]]", dtype="bool"), "t()"),
    (TensorSpec(values_text="[[5]]"), "squeeze()"),
    (LECTURE_A, ""),
])
def test_generated_code_reproduces_the_chain(spec, ops_text):
    result = run_chain(spec, parse_ops(ops_text))
    torch_code, numpy_code = chain_code(spec, parse_ops(ops_text))
    assert torch_code.startswith("import torch\n") and numpy_code.startswith("import numpy as np\n")
    assert result.ok
    got = run_code(torch_code)[last_name(result)]
    if isinstance(result.result, torch.Tensor):
        torch.testing.assert_close(got, result.result)
        assert got.stride() == result.result.stride()
    else:
        assert (list(got) if isinstance(got, torch.Size) else got) == result.result
    got_np = run_code(numpy_code)[last_name(result)]
    if isinstance(result.numpy_result, np.ndarray):
        np.testing.assert_array_equal(got_np, result.numpy_result)
        assert got_np.dtype == result.numpy_result.dtype
    else:
        assert (list(got_np) if isinstance(got_np, tuple) else got_np) == result.numpy_result


def test_generated_code_prints_each_shape():
    torch_code, numpy_code = chain_code(LECTURE_A, parse_ops("view(2, -1).flatten()"))
    assert torch_code == (
        "import torch\n\n"
        "a = torch.FloatTensor([[2, 3, 4, 5]])\n"
        "print(a.shape)  # torch.Size([1, 4])\n"
        "b = a.view(2, -1)\n"
        "print(b.shape)  # torch.Size([2, 2])\n"
        "c = b.flatten()\n"
        "print(c.shape)  # torch.Size([4])\n")
    assert numpy_code == (
        "import numpy as np\n\n"
        "a = np.array([[2, 3, 4, 5]], dtype=np.float32)\n"
        "print(a.shape)  # (1, 4)\n"
        "b = np.reshape(a, (2, -1))\n"
        "print(b.shape)  # (2, 2)\n"
        "c = b.ravel()\n"
        "print(c.shape)  # (4,)\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(torch_code, {})  # tests only
    assert out.getvalue() == "torch.Size([1, 4])\ntorch.Size([2, 2])\ntorch.Size([4])\n"


def test_generated_code_for_a_failing_chain_fails_at_the_same_line():
    torch_code, numpy_code = chain_code(arange(2, 3, dtype="int64"), parse_ops("t().view(6)"))
    assert "a = torch.arange(6).reshape(2, 3)\n" in torch_code
    assert "c = b.view(6)  # RuntimeError: view size is not compatible" in torch_code
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        run_code(torch_code)
    assert run_code(numpy_code)["c"].shape == (6,)  # NumPy's reshape copies instead


def test_generated_numpy_code_stops_where_numpy_fails():
    _, numpy_code = chain_code(LECTURE_A, parse_ops("squeeze(1).view(4)"))
    assert "b = np.squeeze(a, axis=1)  # ValueError" in numpy_code and "view" not in numpy_code
    with pytest.raises(ValueError):
        run_code(numpy_code)


@pytest.mark.parametrize("spec, torch_line, numpy_line", [
    (LECTURE_A, "a = torch.FloatTensor([[2, 3, 4, 5]])", "a = np.array([[2, 3, 4, 5]], dtype=np.float32)"),
    (TensorSpec(values_text="[1, 2]", dtype="int32"), "a = torch.tensor([1, 2], dtype=torch.int32)",
     "a = np.array([1, 2], dtype=np.int32)"),
    (arange(2, 3, dtype="int64"), "a = torch.arange(6).reshape(2, 3)",
     "a = np.arange(6, dtype=np.int64).reshape(2, 3)"),
    (arange(6, dtype="float32"), "a = torch.arange(6, dtype=torch.float32)", "a = np.arange(6, dtype=np.float32)"),
    (TensorSpec(source="zeros", shape=(2, 3)), "a = torch.zeros(2, 3)", "a = np.zeros((2, 3), dtype=np.float32)"),
    (TensorSpec(source="ones", shape=(4,), dtype="bool"), "a = torch.ones(4, dtype=torch.bool)",
     "a = np.ones((4,), dtype=np.bool_)"),
    (TensorSpec(source="rand", shape=(2, 3), seed=0),
     "a = torch.rand(2, 3, generator=torch.Generator().manual_seed(0))",
     "a = torch.rand(2, 3, generator=torch.Generator().manual_seed(0)).numpy()"),
])
def test_creation_lines(spec, torch_line, numpy_line):
    assert creation_code(spec) == (torch_line, numpy_line)


# ---------------------------------------------------------------------------------------------------------------
# The lecture's examples


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets_show_their_expected_result(preset):
    result = run_chain(preset.spec, preset.ops)
    if preset.error_code:
        assert result.error.code == preset.error_code and preset.expected is None
    else:
        assert result.ok and result.steps[-1].shape_text == preset.expected
    assert preset.name.endswith(ops_to_text(preset.ops).replace(",", ", "))


def test_presets_include_the_lecture():
    names = {p.name for p in PRESETS}
    assert {"a.view(2, 2)", "a.view(2, -1).flatten()", "a.unsqueeze(1)", "a.unsqueeze(1).squeeze(0)", "a.size(0)",
            "arange(6).reshape(2, 3).t().view(6)"} <= names
    assert creation_code(PRESETS[0].spec)[0] == "a = torch.FloatTensor([[2, 3, 4, 5]])"
