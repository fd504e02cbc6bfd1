"""The app in its reader's language: ``_("English {name}", name=...)`` looks the English up in the session's gettext
catalog (dashboard/locale, compiled at first use by dashboard/catalog.py) and fills in the params.

The language is per browser session: ``?lang=`` in the URL, else the last choice, else the browser's locale. Korean
follows the PyTorch Korea tutorials' glossary (docs/glossary.md): 손실 loss, 학습률 learning rate, 에폭 epoch, 가중치
weight, 변화도 gradient, 옵티마이저 optimizer, 과적합 overfitting; ``Tensor``, ``shape`` and ``NumPy`` stay in English.

Core marks its sentences with ``N_`` and raises errors that carry their template and params (core/errors.py), so
``error_text`` translates the very sentence an English reader sees.
"""

import functools
import gettext
import io
import math

import streamlit as st

from core.errors import PlaygroundError
from core.messages import N_, render
from dashboard.korean import particles

__all__ = ["N_", "_", "LANGUAGES", "error_text", "init_language", "lang", "message_text", "show_error", "translate",
           "readable", "unit_text", "with_unit"]

LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = "en"


@functools.cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language`` (English: the text as written), compiled once per server process."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    from dashboard.catalog import compiled

    return gettext.GNUTranslations(io.BytesIO(compiled(language)))


def translate(message: str, language: str, /, **params) -> str:
    """``message`` in ``language``, filled in with ``params``; the English where a translation cannot be filled in."""
    text = catalog(language).gettext(message)
    try:
        filled = render(text, params)
    except (KeyError, IndexError, ValueError, TypeError):
        return render(message, params)
    return particles(filled) if language == "ko" else filled


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


def _(message: str, /, **params) -> str:
    """``message`` in the session's language, filled in with ``params``."""
    return translate(message, lang(), **params)


def message_text(template: str, params: dict | None = None, advice: str | None = None) -> str:
    """A marked sentence from core (with its params, and a shared second sentence) in the session's language."""
    text = _(template, **(params or {}))
    return text + " " + _(advice) if advice else text


def error_text(err: PlaygroundError | dict) -> str:
    """A core error, raised here or reported by a run as a dict (core.training.events.ERROR_FIELDS), in the session's
    language; never a traceback."""
    if isinstance(err, dict):
        return message_text(err.get("template") or err.get("message", ""), err.get("params"), err.get("advice"))
    return message_text(err.template, err.params, err.advice)


UNITS = {  # the built-in data sets' units (core/data/builtin.py), as a reader of the page's language writes them
    "years": N_("years"), "rooms/household": N_("rooms/household"), "bedrooms/household": N_("bedrooms/household"),
    "people": N_("people"), "people/household": N_("people/household"), "°N": N_("°N"), "°E": N_("°E"),
    "1 or 2": N_("1 or 2"), "score": N_("score"), "ratio": N_("ratio"),
}


def unit_text(unit: str) -> str:
    """A unit of the built-in data sets in the session's language ("years" → "년"); others as they are."""
    return _(UNITS[unit]) if unit in UNITS else unit


def readable(value: float) -> str:
    """A figure as an analyst reads it: thousands separators and four significant digits, no exponent between
    0.001 and 10¹⁵ (35,312 not 3.531e+04; 0.4567; 3.531)."""
    if not math.isfinite(value):
        return str(value)
    size = abs(value)
    if size == 0:
        return "0"
    if size < 1e-3 or size >= 1e15:
        return f"{value:.3g}"
    return f"{value:,.{max(0, 3 - math.floor(math.log10(size)))}f}"


def with_unit(value: float, unit: str) -> str:
    """A value with its unit; multiples of dollars written out (2.068 × $100,000 → $206,800)."""
    from core.data import describe_units

    if (unit or "").startswith("$"):
        return describe_units(value, unit)
    return f"{readable(value)} {unit_text(unit)}".strip()


def show_error(err: PlaygroundError | dict) -> None:
    """A core error as a message in the page's language; never a traceback."""
    st.error(error_text(err), icon=":material/error:")
