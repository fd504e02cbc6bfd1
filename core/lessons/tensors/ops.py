"""The chain's operations: the fixed set (``OPS``, ``OP_USAGE``), ``Op``, their text form (``parse_ops``,
``ops_to_text``) and the checks on their arguments (``validate_ops``).

A chain's text is read with regular expressions, never evaluated; only names in the fixed set are accepted.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import N_, TensorOpError
from core.lessons.tensors.helpers import _is_int, _short
from core.lessons.tensors.spec import MAX_ARG, MAX_OPS, MAX_OPS_TEXT, MAX_RANK

# The fixed set of operations: name -> (fewest arguments, most arguments), and how each is called.
_ARITY = {
    "view": (1, MAX_RANK),
    "reshape": (1, MAX_RANK),
    "unsqueeze": (1, 1),
    "squeeze": (0, MAX_RANK),  # squeeze(1, 2, 3): several dims, since PyTorch 2.0
    "flatten": (0, 2),
    "permute": (0, MAX_RANK),  # permute() with no dims reaches PyTorch, which raises TypeError: explained
    "transpose": (2, 2),
    "t": (0, 0),
    "contiguous": (0, 0),
    "expand": (1, MAX_RANK),
    "size": (0, 1),
}
OPS = tuple(_ARITY)
OP_USAGE = {
    "view": "view(*shape)",
    "reshape": "reshape(*shape)",
    "unsqueeze": "unsqueeze(dim)",
    "squeeze": "squeeze(), squeeze(dim) or squeeze(*dims)",
    "flatten": "flatten(start_dim=0, end_dim=-1)",
    "permute": "permute(*dims)",
    "transpose": "transpose(dim0, dim1)",
    "t": "t()",
    "contiguous": "contiguous()",
    "expand": "expand(*sizes)",
    "size": "size() or size(dim)",
}


@dataclass(frozen=True)
class Op:
    """One operation of a chain: a name from ``OPS`` and its whole-number arguments."""

    name: str
    args: tuple[int, ...] = ()

    def __post_init__(self):
        if isinstance(self.args, list):
            object.__setattr__(self, "args", tuple(self.args))

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.args))})"


def validate_ops(ops: Sequence[Op]) -> list[Op]:
    """The chain as a list, after checking names, argument counts and types, length, and that size() comes last."""
    ops = list(ops)
    if len(ops) > MAX_OPS:
        raise TensorOpError(N_("A chain can have at most {limit} operations; this one has {count}."),
                            code="too_many_ops", count=len(ops), limit=MAX_OPS)
    for i, op in enumerate(ops):
        _check_op(op)
        if op.name == "size" and i < len(ops) - 1:
            raise TensorOpError(N_("{call} gives a number, not a tensor, so nothing can follow it: move it to the end "
                                   "or remove the operations after it."), code="after_size", call=str(op))
    return ops


def _check_op(op: Op) -> None:
    if not isinstance(op, Op):
        raise TypeError(f"expected an Op, got {type(op).__name__}")  # a programming error, not a user's
    if not isinstance(op.name, str) or op.name not in _ARITY:
        raise TensorOpError(N_("{name} is not one of the operations here. Choose one of: {allowed}."),
                            code="unknown_op", name=_short(op.name), allowed=", ".join(OPS))
    low, high = _ARITY[op.name]
    args = op.args if isinstance(op.args, tuple) else ()
    good_values = isinstance(op.args, tuple) and all(_is_int(x) and -MAX_ARG <= x <= MAX_ARG for x in args)
    if not good_values or not low <= len(args) <= high:
        count = f"{low}" if low == high else f"{low} to {high}"
        got = _short(", ".join(map(repr, op.args)) if isinstance(op.args, tuple) else op.args)
        raise TensorOpError(N_("Write it as {usage}: {name} takes {count} whole number(s), each from {lowest:,} to "
                               "{limit:,}; got {name}({got})."), code="bad_args",
                            name=op.name, usage=OP_USAGE[op.name], min_args=low, max_args=high, got=got,
                            limit=MAX_ARG, lowest=-MAX_ARG, count=count)


def ops_to_text(ops: Sequence[Op]) -> str:
    """The compact text of a chain, for URLs: ``view(2,-1).flatten()``; ``parse_ops`` reads it back."""
    return ".".join(f"{op.name}({','.join(map(str, op.args))})" for op in ops)


_PREFIX = re.compile(r"\s*(?:a\s*\.|\.)?\s*")  # an optional "a." (or just ".") before the first operation
_OP_TEXT = re.compile(r"(?P<name>[A-Za-z_]\w*)\s*\((?P<args>[^()]*)\)\s*")
_DOT = re.compile(r"\.\s*")
_INT_TEXT = re.compile(r"[+-]?\d+")


def parse_ops(text: str) -> list[Op]:
    """The chain written in ``text``, e.g. ``a.view(2, -1).flatten()``; the inverse of ``ops_to_text``.

    Read with regular expressions, never evaluated. "a." in front is optional and whitespace is allowed;
    an empty text (or just "a") is an empty chain.
    """
    if len(text) > MAX_OPS_TEXT:
        raise TensorOpError(N_("The operations text is {length:,} characters long; the playground's shared server "
                               "reads at most {limit:,}, so that reading it stays quick for everyone."),
                            code="ops_too_long", length=len(text), limit=MAX_OPS_TEXT)
    if text.strip() in ("", "a"):
        return []
    ops, pos = [], _PREFIX.match(text).end()
    while True:
        match = _OP_TEXT.match(text, pos)
        if not match:
            raise _ops_syntax(text, pos)
        ops.append(Op(match["name"], _parse_args(match["args"], text, match.start("args"))))
        pos = match.end()
        if pos == len(text):
            return validate_ops(ops)
        dot = _DOT.match(text, pos)
        if not dot:
            raise _ops_syntax(text, pos)
        pos = dot.end()


def _parse_args(inner: str, text: str, offset: int) -> tuple[int, ...]:
    parts = inner.split(",")
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]  # a trailing comma, as Python allows: view(6,)
    if len(parts) == 1 and not parts[0].strip():
        return ()
    args, pos = [], offset
    for part in parts:
        if not _INT_TEXT.fullmatch(part.strip()):
            raise _ops_syntax(text, pos + len(part) - len(part.lstrip()))
        args.append(int(part))
        pos += len(part) + 1
    return tuple(args)


def _ops_syntax(text: str, pos: int) -> TensorOpError:
    near = text[pos:pos + 20] or "(the end)"
    return TensorOpError(N_("Could not read the operations at character {position}: {near!r}. Write them like "
                            "view(2, -1).flatten(): a name, whole numbers in parentheses separated by commas, and a "
                            "dot between operations."), code="ops_syntax", position=pos + 1, near=near)


def _expand_target(sizes: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape ``expand(*sizes)`` asks for, with -1 read as "keep"; None where -1 has no size to keep."""
    new = len(sizes) - len(shape)  # expand adds new dimensions at the front
    if new < 0 or -1 in sizes[:new]:
        return None
    return tuple(shape[i - new] if size == -1 else size for i, size in enumerate(sizes))
