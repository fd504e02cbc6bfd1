"""A class leaderboard under an instructor's preset (issue 16): students join with a nickname (nobody is on it
otherwise); each one's best figure, from every replica, redrawn every few seconds. The preset's owner also sees how
many runs are queued, running and ended, and the spread of every student's best figure, with no names."""

import time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import classroom
from core.errors import PlaygroundError
from core.store import Store
from dashboard.charts import CONFIG, LAYOUT, chart_title
from dashboard.i18n import _, message_text, show_error
from dashboard.identity import browser

REFRESH = 5.0  # seconds between redraws of the board
SHARED_FOR = 2.0  # seconds one replica's tabs share a board read from the database (a class's tabs redraw at once)


def leaderboard_panel(preset) -> None:
    """The board of ``preset`` (a core.store.Preset): joining or leaving it, and the board itself, live."""
    st.header(_("Class leaderboard"))
    me, store = browser(), Store.shared()
    name = _joined_as(store, preset.name, me)
    if name is None:
        st.caption(_("Join with a nickname to put your best result on your class's board. Until you join, nobody "
                     "else sees anything of your runs (your instructor sees only how many there are and how their "
                     "results spread)."))
        with st.form("lb_join_form", border=False):
            nick = st.text_input(_("Nickname"), max_chars=classroom.MAX_NICKNAME, key="lb_nickname")
            if st.form_submit_button(_("Join the leaderboard"), icon=":material/emoji_events:"):
                _join(store, preset.name, me, nick)
    else:
        st.caption(_("You are on the board as **{name}**.", name=name))
        if st.button(_("Leave the leaderboard"), key="lb_leave"):
            classroom.leave(store, preset.name, me)
            st.session_state.pop(_JOINED, None)
            st.rerun()
    st.fragment(run_every=REFRESH)(_board)(preset.name, preset.owner == me)


_JOINED = "_lb_joined"  # session key: (preset, nickname or None, when read)


def _joined_as(store, preset: str, me: str) -> str | None:
    """This browser's nickname on ``preset``'s board, read from the database at most every 30 s (it changes when
    this page joins or leaves, which sets it, or when another tab of the browser does)."""
    held = st.session_state.get(_JOINED)
    if held is None or held[0] != preset or time.monotonic() - held[2] > 30:
        held = st.session_state[_JOINED] = (preset, classroom.joined_as(store, preset, me), time.monotonic())
    return held[1]


def _join(store, preset: str, me: str, nick: str) -> None:
    try:
        name = classroom.join(store, preset, me, nick)
    except PlaygroundError as err:
        show_error(err)
        return
    st.session_state[_JOINED] = (preset, name, time.monotonic())
    st.rerun()


@st.cache_data(ttl=SHARED_FOR, show_spinner=False, max_entries=256)
def _read(url: str, preset: str, instructor: bool):
    """The board (no one marked as "you") and, for the preset's owner, the class's view: shared by this replica's
    tabs for SHARED_FOR seconds, so a class redrawing every REFRESH seconds asks the database once per replica."""
    store = Store.shared(url)
    return classroom.board(store, preset), classroom.class_view(store, preset) if instructor else None


def metric_name(metric: str | None) -> str:
    return message_text(classroom.METRICS[metric][1]) if metric in classroom.METRICS else "—"


def _board(preset: str, instructor: bool) -> None:
    board, view = _read(Store.shared().url, preset, instructor)
    mine = _joined_as(Store.shared(), preset, browser())
    figure = metric_name(board.metric)
    if not board.entries:
        st.info(_("Nobody is on the board yet: join, train, and your best {figure} appears here.", figure=figure),
                icon=":material/emoji_events:")
    else:
        you = _("(you)")
        rows = [{_("Rank"): e.rank, _("Nickname"): f"{e.nickname} {you}" if e.nickname == mine else e.nickname,
                 figure: e.value, _("Runs"): e.runs} for e in board.entries]
        st.dataframe(pd.DataFrame(rows),
                     hide_index=True, column_config={figure: st.column_config.NumberColumn(format="%.4f")})
        better = _("lower is better") if classroom.METRICS[board.metric][0] else _("higher is better")
        st.caption(_("Each student's best {figure} ({better}), from every server of the class.", figure=figure,
                     better=better))
    if board.others:
        st.caption(_("{n} students' runs were measured on another figure (their validation setting differs) and "
                     "are not ranked here.", n=board.others))
    if view is not None:
        _class_view(view)


def _class_view(view) -> None:
    """The preset's owner's view: runs by state across every replica, and the spread of the students' bests."""
    st.subheader(_("Your class (only you, the preset's owner, see this)"))
    ended = sum(n for state, n in view.states.items() if state not in ("queued", "running"))
    left, middle, right, far = st.columns(4)
    left.metric(_("Queued"), view.states.get("queued", 0))
    middle.metric(_("Running"), view.states.get("running", 0))
    right.metric(_("Ended"), ended)
    far.metric(_("Students with a result"), view.students)
    if view.quantiles is None:
        return
    figure = metric_name(view.metric)
    best, q1, median, q3, worst = view.quantiles
    st.caption(_("{figure}, each student's best: best {best:.4g}, quartiles {q1:.4g} / {median:.4g} / {q3:.4g}, "
                 "worst {worst:.4g}.", figure=figure, best=best, q1=q1, median=median, q3=q3, worst=worst))
    chart = go.Figure(go.Box(x=view.values, boxpoints="all", jitter=0.4, name="", hoverinfo="x"))
    chart.update_layout(title=chart_title(_("The spread of the class's best {figure}", figure=figure)),
                        xaxis_title=figure, height=260, showlegend=False, **LAYOUT)
    st.plotly_chart(chart, config=CONFIG, key="lb_spread")
