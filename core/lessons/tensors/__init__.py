"""The tensor playground's engine: make a tensor ``a``, apply a chain of shape operations, compare with NumPy.

A learner types values (``[[2, 3, 4, 5]]``, as in the lecture's ``torch.FloatTensor([[2, 3, 4, 5]])``) or picks a
shape, then a chain such as ``view(2, -1).flatten()``. ``run_chain`` applies it one operation at a time and records,
after every step, what PyTorch did (shape, strides, contiguity, whether memory is shared with ``a``) beside what the
NumPy equivalent does, with a note where the two libraries behave differently. ``chain_code`` gives both as
copy-ready code.

Nothing here runs user text as code: values go through ``ast.literal_eval`` and a check that only numbers in
(nested) lists remain; operations come from a fixed table and are dispatched through dicts, never ``getattr``.
Every tensor is capped at ``MAX_ELEMENTS`` before it is allocated, and every typed text in length before it is
read, because the app runs on a shared server; those caps are the only refusals of what PyTorch would run.
Errors a learner can cause are ``TensorOpError`` with a ``code`` and ``params`` the page can translate.

The modules, each importing only those above it:

* ``helpers``: exact type checks and values as short text, for messages;
* ``spec``: the limits, ``TensorSpec``, reading typed values and shapes, ``make_tensor`` and ``creation_code``;
* ``ops``: ``Op``, the fixed set of operations, a chain's text form and the checks on its arguments;
* ``explain``: why PyTorch refused an operation, with the fix;
* ``results``: ``TensorFacts``, ``NumpySide``, ``Step`` and ``ChainResult``;
* ``numpy_side``: the NumPy equivalent of each step, and where PyTorch and NumPy disagree;
* ``chain``: ``run_chain``;
* ``code``: ``chain_code``, the copy-ready code;
* ``presets``: the lecture's examples.

Everything public is re-exported here: ``from core.lessons import tensors; tensors.run_chain(...)``.
"""

from core.lessons.tensors.chain import run_chain
from core.lessons.tensors.code import chain_code
from core.lessons.tensors.ops import OP_USAGE, OPS, Op, ops_to_text, parse_ops, validate_ops
from core.lessons.tensors.presets import PRESETS, Preset
from core.lessons.tensors.results import ChainResult, NumpySide, Step, TensorFacts
from core.lessons.tensors.spec import (
    DTYPES,
    FLOAT_DTYPES,
    MAX_ARG,
    MAX_ELEMENTS,
    MAX_OPS,
    MAX_OPS_TEXT,
    MAX_RANK,
    MAX_SHAPE_TEXT,
    MAX_SHOWN,
    MAX_TEXT,
    PREVIEW,
    SOURCES,
    TensorSpec,
    creation_code,
    make_tensor,
    parse_shape,
    parse_values,
)

__all__ = [
    "DTYPES", "FLOAT_DTYPES", "MAX_ARG", "MAX_ELEMENTS", "MAX_OPS", "MAX_OPS_TEXT", "MAX_RANK", "MAX_SHAPE_TEXT",
    "MAX_SHOWN", "MAX_TEXT", "OPS", "OP_USAGE", "PRESETS", "PREVIEW", "SOURCES",
    "ChainResult", "NumpySide", "Op", "Preset", "Step", "TensorFacts", "TensorSpec",
    "chain_code", "creation_code", "make_tensor", "ops_to_text", "parse_ops", "parse_shape", "parse_values",
    "run_chain", "validate_ops",
]
