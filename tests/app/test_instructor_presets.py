"""Instructor presets on the Train page (issue 16): saved from the settings on screen, some controls fixed or
hidden; the link opens the same view for a student, whose fixed controls cannot be changed."""

from urllib.parse import parse_qs, urlsplit

from tests.app.test_train_page import train_page
from tests.apptest import open_page


def save_preset(at, name, locked=(), hidden=()):
    at.text_input(key="tr_preset_name").set_value(name)
    at.multiselect(key="tr_preset_locked").set_value(list(locked))
    at.multiselect(key="tr_preset_hidden").set_value(list(hidden))
    next(b for b in at.button if b.label in ("Save the preset", "프리셋 저장")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_preset_fixes_and_hides_controls_for_every_student_who_opens_its_link():
    teacher = train_page()
    teacher.radio(key="tr_source").set_value("toy").run()
    teacher.select_slider(key="tr_lr").set_value(0.01)  # on screen, not started: saving submits the form
    teacher.slider(key="tr_dropout").set_value(0.2)
    teacher.text_input(key="tr_hidden").set_value("8, 8")
    save_preset(teacher, "week 3", locked=["lr", "data"], hidden=["dropout"])
    assert any("Saved" in s.value for s in teacher.success)
    link = teacher.code[0].value
    assert parse_qs(urlsplit(link).query)["preset"] == ["week-3"]  # and the page's language

    student = open_page("views/train.py", query={"preset": "week-3"})
    assert not student.exception, [e.value for e in student.exception]
    assert any("week-3" in i.value and "Learning rate" in i.value and "Dropout" in i.value for i in student.info)
    lr = student.select_slider(key="tr_lr")
    assert lr.value == 0.01 and lr.disabled  # fixed: shown, not changeable
    assert student.radio(key="tr_source").value == "toy" and student.radio(key="tr_source").disabled
    assert not [s for s in student.slider if s.key == "tr_dropout"]  # hidden
    assert student.session_state["tr_dropout"] == 0.2  # its value holds all the same
    hidden = student.text_input(key="tr_hidden")
    assert hidden.value == "8, 8" and not hidden.disabled  # neither fixed nor hidden: the student's to change
    hidden.set_value("16")
    student.session_state["tr_lr"] = 10.0  # what a crafted client could send for a disabled widget
    next(b for b in student.button if b.label == "Start training").click().run()
    assert student.select_slider(key="tr_lr").value == 0.01 and student.text_input(key="tr_hidden").value == "16"


def test_another_browser_cannot_overwrite_a_preset_and_an_unknown_link_says_so():
    save_preset(train_page(), "lab")
    other = save_preset(train_page(), "lab")  # a fresh session is another browser
    assert any("someone else's" in e.value for e in other.error)
    lost = open_page("views/train.py", query={"preset": "no-such"})
    assert any("There is no preset named 'no-such'" in w.value for w in lost.warning)


def test_a_teaching_set_preset_gives_every_student_the_same_points_and_fixes_them():
    teacher = train_page()
    teacher.radio(key="tr_source").set_value("toy").run()
    teacher.selectbox(key="tr_toy").set_value("spiral")
    teacher.slider(key="tr_toy_noise").set_value(0.3)
    teacher.selectbox(key="tr_toy_samples").set_value(500)
    next(b for b in teacher.button if b.label == "Regenerate").click().run()  # new points: seed 1
    save_preset(teacher, "spirals", locked=["toy", "data"])
    student = open_page("views/train.py", query={"preset": "spirals"})
    assert not student.exception, [e.value for e in student.exception]
    toy = student.selectbox(key="tr_toy")
    assert toy.value == "spiral" and toy.disabled
    assert student.slider(key="tr_toy_noise").value == 0.3 and student.slider(key="tr_toy_noise").disabled
    assert student.selectbox(key="tr_toy_samples").value == 500
    assert student.session_state["tr_toy_seed"] == teacher.session_state["tr_toy_seed"] == 1  # the very points
    assert next(b for b in student.button if b.label == "Regenerate").disabled
    student.session_state["tr_toy_seed"] = 7  # what a crafted client could do
    student.run()
    assert student.session_state["tr_toy_seed"] == 1
