"""Small helpers the tensor playground's modules share: exact type checks, and values as short text."""


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x) -> bool:
    return type(x) in (int, float, bool)  # exact types: literal_eval makes no subclasses, complex is refused


def _tuple_text(seq) -> str:
    """Python's tuple text: (6,) and (2, 3)."""
    return str(tuple(seq))


def _where(path: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in path) or "the top level"


def _short(value, limit: int = 40) -> str:
    """A value as text on one line, cut short: user input can be long, and can hold line breaks (then: its repr)."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
