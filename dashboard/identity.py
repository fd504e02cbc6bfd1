"""Who is asking: this browser session (the owner of its training runs) and this browser (the owner of its saved
checkpoints, the same after a page reload)."""

import hashlib
import uuid

import streamlit as st


def owner() -> str:
    """This browser session's id: the owner of its runs."""
    if "owner" not in st.session_state:
        st.session_state["owner"] = uuid.uuid4().hex
    return st.session_state["owner"]


XSRF_COOKIE = "_streamlit_xsrf"


def browser() -> str:
    """This browser's id: the owner of its saved checkpoints. It stays the same when the page is reloaded (a new
    Streamlit session), so a student's saved models are still theirs; without the cookie it comes from (XSRF
    protection off, or tests) it is the session's own id. Runs stay the session's: a closed tab stops its run."""
    if "browser" not in st.session_state:
        st.session_state["browser"] = browser_id(st.context.cookies.get(XSRF_COOKIE)) or owner()
    return st.session_state["browser"]


def browser_id(cookie: str | None) -> str | None:
    """A stable, one-way id from Streamlit's XSRF cookie: 16 random bytes per browser, kept across reloads but sent
    masked afresh each time ("2|mask|masked token|timestamp", hex; the mask repeats over the token). None when the
    cookie is missing or not of that form."""
    parts = (cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if not mask or len(masked) < 16:
        return None
    token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    return hashlib.sha256(b"torch-playground owner|" + token).hexdigest()[:32]
