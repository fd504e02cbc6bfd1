"""Every user-facing string, in English and Korean, asked for by key: ``t("tensors.title")``.

Korean follows the PyTorch Korea tutorials' glossary (손실 loss, 학습률 learning rate, 에폭 epoch, 가중치 weight,
변화도 gradient, 편향 bias, 활성화 함수 activation function, 순전파 forward, 역전파 backward); ``Tensor``, ``shape``
and ``NumPy`` stay in English, and a term's English follows in parentheses where it first appears on a page.

Errors from ``core`` carry a ``code`` and ``params``; ``error_text`` shows them in the page's language, falling back
to core's English sentence where no translation exists.
"""

import streamlit as st

from core.errors import PlaygroundError
from dashboard.error_strings import ERRORS
from dashboard.strings import STRINGS

LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = "en"


def browser_language() -> str:
    """The language the browser asks for, when it is one of ours (``st.context.locale``, e.g. "ko-KR")."""
    try:
        locale = (st.context.locale or "").lower()
    except Exception:  # no browser (AppTest, bare mode)
        locale = ""
    return "ko" if locale.startswith("ko") else DEFAULT


def init_language() -> str:
    """The session's language: ``?lang=`` in the URL, else the last choice, else the browser's locale."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    elif st.session_state.get("lang") not in LANGUAGES:
        st.session_state["lang"] = browser_language()
    return st.session_state["lang"]


def lang() -> str:
    return st.session_state.get("lang", DEFAULT)


def t(key: str, **params) -> str:
    """The string for ``key`` in the session's language, formatted with ``params``."""
    entry = STRINGS[key]
    text = entry.get(lang()) or entry[DEFAULT]
    return text.format(**params) if params else text


def translated(table: dict, code: str | None, params: dict, english: str) -> str:
    """``table[code]`` in the session's language, formatted with ``params``; else the English sentence."""
    if lang() != DEFAULT and code in table:
        try:
            return table[code][lang()].format(**params)
        except (KeyError, IndexError, ValueError, TypeError):
            pass
    return english


def error_text(err: PlaygroundError) -> str:
    """A core error in the session's language: its translation by code where there is one, else its own sentence."""
    return translated(ERRORS, err.code, err.params, str(err))


def disagreement_text(step) -> str:
    """How PyTorch and NumPy differ at a tensor-playground step, in the session's language."""
    from dashboard import error_strings

    return translated(getattr(error_strings, "DISAGREEMENTS", {}), step.disagree_code, step.disagree_params,
                      step.disagree)


def unit_text(unit: str) -> str:
    """A unit of the built-in data sets in the session's language ("years" → "년"); others as they are."""
    key = f"unit.{unit}"
    return t(key) if key in STRINGS else unit


def with_unit(value: float, unit: str) -> str:
    """A value with its unit; multiples of dollars written out (2.068 × $100,000 → $206,800)."""
    from core.data import describe_units

    if (unit or "").startswith("$"):
        return describe_units(value, unit)
    return f"{value:.4g} {unit_text(unit)}".strip()
