"""The class leaderboard on the Train page (issue 16): a student joins with a nickname and finds their run's figure
on their preset's board; one who did not join is not on it; the preset's owner sees the class's counts and spread;
a page whose browser's runs ran on another replica says so."""

from streamlit.testing.v1 import AppTest

from core import classroom
from core.pool.pool import RunState
from core.store import Store
from tests.app.test_instructor_presets import save_preset
from tests.app.test_train_page import poll, start
from tests.apptest import APP


def tab(browser_id: str, preset: str | None = None, lang: str = "en") -> AppTest:
    """A Train page of browser ``browser_id``, opened by the preset's link."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"], at.session_state["browser"] = lang, browser_id
    if preset:
        at.query_params["preset"] = preset
    at.run()
    at.switch_page("views/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def board(at):
    """The leaderboard's table (the last dataframe with a Nickname column), or None."""
    tables = [d.value for d in at.dataframe if any(c in ("Nickname", "닉네임") for c in d.value.columns)]
    return tables[-1] if tables else None


def join(at, nickname: str):
    at.text_input(key="lb_nickname").set_value(nickname)
    next(b for b in at.button if b.label in ("Join the leaderboard", "순위표에 참가")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def finished(at):
    return any(h.startswith("4.") for h in (h.value for h in at.header))


def test_joined_students_are_ranked_by_their_own_figure_and_the_instructor_sees_the_class():
    save_preset(tab("teacher"), "week5")
    ada = join(tab("ada", "week5"), "Ada")
    assert any("You are on the board as **Ada**" in c.value for c in ada.caption)
    bob = tab("bob", "week5")  # trains, never joins
    assert any("Until you join, nobody else sees" in c.value for c in bob.caption)
    for student in (ada, bob):
        start(student, epochs=3)
    poll(ada, finished), poll(bob, finished)
    mae = float(next(m.value for m in ada.metric if m.label == "Test MAE"))
    shown = board(poll(ada, lambda a: board(a) is not None))
    assert list(shown["Nickname"]) == ["Ada (you)"]
    assert abs(shown["Test MAE"][0] - mae) < 0.01  # the figure her results show (to its two decimals)
    assert not any("bob" in str(v).lower() for v in shown.to_numpy().ravel())
    teacher = tab("teacher", "week5")
    assert list(board(teacher)["Nickname"]) == ["Ada"]
    counts = {m.label: m.value for m in teacher.metric}
    assert counts["Ended"] == "2" and counts["Students with a result"] == "2"  # bob counted, not named
    assert any("each student's best" in c.value for c in teacher.caption)
    assert "Ended" not in {m.label for m in ada.metric}  # a student never sees the class's figures


def test_korean_a_taken_nickname_and_leaving_the_board():
    save_preset(tab("teacher2"), "lab-ko")
    join(tab("ada2", "lab-ko", "ko"), "별")
    taken = join(tab("bob2", "lab-ko", "ko"), "별")
    assert any("이미 '별'" in e.value for e in taken.error)
    mine = tab("ada2", "lab-ko", "ko")
    assert any("**별**로 순위표에 올라 있습니다" in c.value for c in mine.caption)
    next(b for b in mine.button if b.label == "순위표에서 나가기").click().run()
    assert classroom.joined_as(Store.shared(), "lab-ko", "ada2") is None
    assert any("**별**" in c.value for c in join(tab("bob2", "lab-ko", "ko"), "별").caption)  # free again


def test_no_board_without_a_preset():
    at = tab("ada3")
    assert not any(h.value == "Class leaderboard" for h in at.header)


def test_a_browser_whose_runs_ran_on_another_replica_is_told_so():
    classroom.Recorder("elsewhere:8502")(RunState("1-x", "carol", "#1 diabetes lr=0.001 64-64", {},
                                                 state="running", tags={}))
    moved = tab("carol")
    warning = next(w.value for w in moved.warning if "elsewhere:8502" in w.value)
    assert "#1 diabetes lr=0.001 64-64" in warning and "Reload the page" in warning
    assert not any("elsewhere" in w.value for w in tab("dan").warning)  # another browser: nothing to say
    start(moved, epochs=2)  # carol starts again here: this replica is hers now
    assert not any("elsewhere" in w.value for w in tab("carol").warning)


def test_runs_that_died_with_a_restart_of_this_server_are_named():
    import os

    here = classroom.replica_name(os.environ, 8501)  # the app's own name (no $TORCH_PLAYGROUND_REPLICA here)
    classroom.Recorder(here)(RunState("1-y", "erin", "#1 california", {}, state="running", tags={}))
    classroom.Recorder(here)  # the server restarts
    warning = next(w.value for w in tab("erin", lang="ko").warning if "#1 california" in w.value)
    assert "서버가 다시 시작" in warning
