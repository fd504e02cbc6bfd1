"""Code to copy: ``chain_code`` gives PyTorch and NumPy code that reproduces a chain, one line per step.

The line that makes ``a`` comes from ``creation_code`` (in spec.py, beside ``make_tensor``).
"""

from collections.abc import Sequence

from core.lessons.tensors.chain import run_chain
from core.lessons.tensors.helpers import _short
from core.lessons.tensors.ops import Op
from core.lessons.tensors.spec import TensorSpec


def chain_code(spec: TensorSpec, ops: Sequence[Op]) -> tuple[str, str]:
    """Copy-ready PyTorch and NumPy code that reproduces the chain, one line per step, printing each shape.

    Runs the chain to annotate each print with its output; a step that fails is kept, with the error as a comment.
    """
    result = run_chain(spec, ops)
    uses_torch = spec.source == "rand"  # the NumPy code borrows PyTorch's random numbers
    torch_lines = ["import torch", "", result.torch_create, f"print(a.shape)  # {result.start.shape_text}"]
    numpy_lines = ["import numpy as np"] + (["import torch"] if uses_torch else []) + [
        "", result.numpy_create, f"print(a.shape)  # {result.numpy_start.shape_text}"]
    numpy_going = True
    prev = "a"
    for step in result.steps:
        refused = step.torch_message or (f"refused by the playground: {step.error.code}" if step.error else None)
        torch_lines += _code_lines(step.name, step.torch_code, step.shape_text, step.value is not None, refused)
        if numpy_going and step.numpy is not None:
            side = step.numpy
            shown = side.array.shape_text if side.array else (None if side.error else str(side.value))
            numpy_lines += _code_lines(step.name, side.code.format(v=prev), shown, side.value is not None,
                                       side.error)
            numpy_going = side.error is None
        elif numpy_going:
            numpy_lines.append(f"# no NumPy equivalent for {step.torch_code}")
            numpy_going = False
        prev = step.name
    return "\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n"


def _code_lines(name: str, code: str, shown: str | None, is_value: bool, error: str | None) -> list[str]:
    if error:
        return [f"{name} = {code}  # {_short(error, 100)}"]
    return [f"{name} = {code}", f"print({name if is_value else name + '.shape'})  # {shown}"]
