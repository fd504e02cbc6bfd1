"""core/lessons/tensors/chain.py and results.py: running a chain, step by step.

Every operation is checked against calling PyTorch and NumPy directly (STYLE rule 8), with what each step records:
shape, strides, contiguity, and whether memory is shared with ``a``.
"""

import numpy as np
import pytest
import torch

from core.lessons import tensors
from core.lessons.tensors import MAX_SHOWN, PREVIEW, Op, TensorSpec, make_tensor, parse_ops, run_chain
from tests.lessons.tensor_helpers import LECTURE_A, arange

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
    return x.shape[args[0]] if args else x.shape


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
        assert side.value == reference == namespace["out"] and type(side.value) is type(reference)


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
    assert result.steps[-1].value == [2, 3, 12] and result.steps[-1].numpy.value == (2, 3, 12)
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
