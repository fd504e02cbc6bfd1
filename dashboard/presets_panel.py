"""Instructor presets on the Train page (issue 16): the settings on screen saved under a name, some controls fixed
or hidden (TensorFlow Playground's "hide controls"), and a link that opens the same view for every student. They
live in the app's database (core/store.py), so every replica of a class's server sees them."""

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from core.errors import PlaygroundError
from core.store import Preset, Store
from dashboard.i18n import N_, _, message_text, show_error
from dashboard.identity import browser

# what a preset can fix or hide: the data set, the teaching set (its noise, size and points with it) and the
# settings form's controls (param → label); the recipe's settings travel in a preset too, but stay the student's
CONTROLS = {"data": N_("Data set"), "toy": N_("Teaching set"), "hidden": N_("Hidden layers"),
            "act": N_("Activation"), "dropout": N_("Dropout"), "opt": N_("Optimizer"), "lr": N_("Learning rate"),
            "batch": N_("Batch size"), "epochs": N_("Epochs"), "every": N_("Plot every N batches")}
_OPEN, _SEEDED = "_preset", "_preset_seeded"  # session keys: the preset on show; the widgets it has seeded


def store() -> Store:
    """The server's one store for where its settings point (a test's checkpoint folder is its own)."""
    return Store.shared()


def active() -> Preset | None:
    """The preset the link names (``?preset=``), read once per session and name; None without one."""
    name = st.query_params.get("preset")
    held = st.session_state.get(_OPEN)
    if not name:
        st.session_state.pop(_OPEN, None)
        return None
    if held is None or held[0] != name:
        held = st.session_state[_OPEN] = (name, store().preset(name))
        st.session_state[_SEEDED] = set()
    return held[1]


def seed(key: str, param: str, parse, control: str | None = None) -> None:
    """Give widget ``key`` the preset's value: when the preset opens, and on every run where it is fixed or hidden
    (a disabled widget's value can still be sent by a crafted client; the preset's holds). ``control``: the
    CONTROLS entry that fixes it, where that is not ``param`` itself (the teaching set's noise, size and seed)."""
    preset = active()
    if preset is None or param not in preset.settings:
        return
    seeded = st.session_state.setdefault(_SEEDED, set())
    if key in seeded and (control or param) not in preset.locked | preset.hidden:
        return
    try:
        st.session_state[key] = parse(preset.settings[param])
    except (ValueError, TypeError, KeyError):
        return  # a value this version of the form no longer offers: the control keeps its own
    seeded.add(key)


def control(key: str, param: str, draw):
    """``draw(disabled)``'s widget value, disabled where the preset fixes ``param``; nothing drawn where it hides it
    (the preset's value, seeded, holds)."""
    preset = active()
    if preset is not None and param in preset.hidden and key in st.session_state:
        return st.session_state[key]
    return draw(preset is not None and param in preset.locked)


def banner() -> None:
    """Which preset this page opened, and what it fixes; or that the link names none."""
    name = st.query_params.get("preset")
    if not name:
        return
    preset = active()
    if preset is None:
        st.warning(_("There is no preset named {name!r}: the page opens with its own settings.", name=name),
                   icon=":material/link_off:")
        return
    fixed = [message_text(CONTROLS[p]) for p in CONTROLS if p in preset.locked | preset.hidden]
    st.info(_("Your instructor's preset “{name}”. Fixed for this class: {fixed}.", name=preset.name,
              fixed=", ".join(fixed) or "—"), icon=":material/school:")


def share_fields() -> bool:
    """Inside the settings form (so that saving submits the settings as they are on screen): a preset's name, the
    controls it fixes and hides, and its Save button; True when that was pressed."""
    with st.expander(_("For instructors: share these settings as a preset")):
        st.caption(_("Every student who opens the link gets these settings; the controls chosen below are fixed "
                     "(shown, not changeable) or hidden. The recipe's settings come along but stay changeable."))
        labels = {p: message_text(label) for p, label in CONTROLS.items()}
        st.text_input(_("Preset name"), key="tr_preset_name")
        none = _("None: every control stays the student's")
        st.multiselect(_("Fixed for students"), list(CONTROLS), format_func=labels.get, key="tr_preset_locked",
                       placeholder=none)
        st.multiselect(_("Hidden from students"), list(CONTROLS), format_func=labels.get, key="tr_preset_hidden",
                       placeholder=none)
        return st.form_submit_button(_("Save the preset"), icon=":material/share:")


def save(current: dict) -> None:
    """Save ``current`` (the settings on screen, param → text) under the form's preset name; show its link."""
    state = st.session_state
    try:
        preset = store().save_preset(Preset(state.get("tr_preset_name", ""), current,
                                            frozenset(state.get("tr_preset_locked", ())),
                                            frozenset(state.get("tr_preset_hidden", ())), browser()))
    except PlaygroundError as err:
        show_error(err)
        return
    st.success(_("Saved. The link for the class:"), icon=":material/check_circle:")
    st.code(link(preset.name), language=None)


def link(name: str) -> str:
    """This page's address with only ``?preset=name`` (and the language) for a query."""
    url = urlsplit(st.context.url or "/train")
    query = {"preset": name} | ({"lang": st.query_params["lang"]} if "lang" in st.query_params else {})
    return urlunsplit((url.scheme, url.netloc, url.path, urlencode(query), ""))
