"""core/lessons/tensors/numpy_side.py: where PyTorch and NumPy differ, and where the NumPy side stops."""

import pytest

from core.lessons.tensors import TensorSpec, parse_ops, run_chain
from tests.lessons.tensor_helpers import LECTURE_A, arange

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
