"""Who is asking: this browser session (the owner of its training runs) and this browser (the owner of its saved
checkpoints, the same after a page reload)."""

import hashlib
import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx


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


def reconnected_afresh() -> bool:
    """True when this tab's page asked the server to reconnect it to its earlier session and got a new one instead:
    the server restarted, or (behind a class's load balancer) the tab reached another replica. The page's
    JavaScript names its earlier session in the websocket's handshake (Sec-WebSocket-Protocol: "streamlit, <XSRF
    token>, <session id>"); Streamlit then quietly starts a fresh session, and the page's state is gone."""
    entries = [e.strip() for e in (st.context.headers.get("Sec-WebSocket-Protocol") or "").split(",")]
    earlier = entries[2] if len(entries) > 2 else ""
    ctx = get_script_run_ctx()
    return bool(earlier) and ctx is not None and earlier != ctx.session_id
