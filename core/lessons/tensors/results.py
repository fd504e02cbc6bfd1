"""What running a chain gives back: ``TensorFacts`` about a tensor or array, the ``NumpySide`` of a step, each
``Step``, and the whole ``ChainResult``; and how the facts are read from a tensor and from an array."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from core.errors import TensorOpError
from core.lessons.tensors.ops import Op
from core.lessons.tensors.spec import MAX_SHOWN, PREVIEW, TensorSpec


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
    value: int | tuple[int, ...] | None = None  # what a.shape[d] (an int) or a.shape (a tuple) gives
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
    disagree: str | None = None  # how PyTorch and NumPy differ at this step, in English
    disagree_code: str | None = None
    disagree_template: str | None = None  # the marked sentence ``disagree`` was made from, with its params
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


def _tensor_facts(t: torch.Tensor, a: torch.Tensor) -> TensorFacts:
    values, preview = _values(t.numel(), t.tolist, lambda: t.reshape(-1)[:PREVIEW].tolist())
    return TensorFacts(shape=list(t.shape), shape_text=str(t.shape), strides=list(t.stride()),
                       is_contiguous=t.is_contiguous(),
                       shares_memory=_same_storage(t, a),
                       dtype=str(t.dtype).removeprefix("torch."), numel=t.numel(), values=values, preview=preview)


def _same_storage(t: torch.Tensor, a: torch.Tensor) -> bool:
    """Whether ``t`` is ``a``'s memory (a view); an empty tensor's storage has no address (0), so there its base."""
    if t.untyped_storage().nbytes() == 0 or a.untyped_storage().nbytes() == 0:
        return t is a or t._base is a
    return t.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()


def _array_facts(x: np.ndarray, a: np.ndarray) -> TensorFacts:
    values, preview = _values(x.size, x.tolist, lambda: x.ravel()[:PREVIEW].tolist())
    return TensorFacts(shape=list(x.shape), shape_text=str(x.shape), strides=[s // x.itemsize for s in x.strides],
                       is_contiguous=bool(x.flags.c_contiguous), shares_memory=bool(np.shares_memory(x, a)),
                       dtype=str(x.dtype), numel=int(x.size), values=values, preview=preview)


def _values(numel: int, all_values: Callable, first_values: Callable) -> tuple[Any, list]:
    if numel <= MAX_SHOWN:
        return all_values(), []
    return None, first_values()
