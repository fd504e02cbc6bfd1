"""View state that survives page switches and round-trips through the URL, so a link opens exactly that view.

A widget's value is seeded once per session (from ``?param=`` in the URL when present, else from what the user last
chose on that page, else a default), and every run writes it back to the URL.
"""

import streamlit as st

_KEPT = "_kept_view_state"


def seed(key: str, default, param: str | None = None, parse=None):
    """Give widget ``key`` its starting value before it is drawn."""
    if key in st.session_state:
        return
    kept = st.session_state.setdefault(_KEPT, {})
    value = kept.get(key, default)
    if param and param in st.query_params:
        try:
            value = parse(st.query_params[param]) if parse else st.query_params[param]
        except (ValueError, TypeError, KeyError):
            pass  # a hand-edited link with a bad value: keep the default rather than fail
    st.session_state[key] = value


_ONE = "_one_per_session"


def one_per_session(slot: str, key: tuple, make):
    """``make()``, kept in this session for as long as ``key`` stays the same: one value per ``slot``, replaced when
    the key changes and released with the session. For what an upload makes (its table, its split, its scored
    rows): a server-wide cache kept every class member's files after their tabs had closed (issue 13)."""
    held = st.session_state.setdefault(_ONE, {})
    if slot not in held or held[slot][0] != key:
        held.pop(slot, None)  # the old value goes before the new one is made: one at a time in memory
        held[slot] = (key, make())
    return held[slot][1]


_NO_DEFAULT = object()


def keep(key: str, param: str | None = None, dump=str, default=_NO_DEFAULT):
    """Remember widget ``key``'s value for this session and put it in the URL as ``?param=``; a value equal to
    ``default`` leaves the URL (the link opens it anyway), so that a link holds only what was changed."""
    value = st.session_state.get(key)
    st.session_state.setdefault(_KEPT, {})[key] = value
    if param is None:
        return
    if default is not _NO_DEFAULT and value == default:
        if param in st.query_params:
            del st.query_params[param]
        return
    text = dump(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text



def one_of(options, cast=str):
    """A URL value's parser: ``cast(text)`` when it is one of ``options``, else a ValueError (the default is kept)."""
    def parse(text):
        value = cast(text)
        if value not in options:
            raise ValueError(text)
        return value
    return parse
