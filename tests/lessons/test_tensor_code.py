"""core/lessons/tensors/code.py and presets.py: copy-ready code, and the lecture's examples.

The generated code is checked by running it (here, in the tests only: the app never runs code).
"""

import contextlib
import io

import numpy as np
import pytest
import torch

from core.lessons.tensors import PRESETS, TensorSpec, chain_code, creation_code, ops_to_text, parse_ops, run_chain
from tests.lessons.tensor_helpers import LECTURE_A, arange

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
        assert got_np == result.numpy_result


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
