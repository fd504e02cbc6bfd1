"""The lecture's examples, ready to load into the page: ``Preset`` and ``PRESETS``."""

from dataclasses import dataclass

from core.lessons.tensors.ops import Op, parse_ops
from core.lessons.tensors.spec import TensorSpec


@dataclass(frozen=True)
class Preset:
    """One of the lecture's examples, ready to load into the page."""

    name: str  # the example as code, e.g. "a.view(2, -1).flatten()"
    spec: TensorSpec
    ops: tuple[Op, ...]
    expected: str | None  # what the last step shows: "torch.Size([4])", or "1" for size(0); None if it fails
    error_code: str | None = None  # the code of the explained error, for an example that fails on purpose


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
