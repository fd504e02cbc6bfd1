"""Each page's view is in its URL: a link opened in a fresh session shows the same settings, the language stays
across pages, and a setting left at its default stays out of the link."""

import pytest

from tests.apptest import open_page

TRAIN_VIEW = {"data": "diabetes", "hidden": "32, 16", "act": "tanh", "dropout": "0.1", "opt": "sgd", "lr": "0.01",
              "batch": "64", "epochs": "7", "every": "25"}


def test_a_train_link_opens_the_same_settings_in_a_fresh_session():
    at = open_page("views/train.py", query=TRAIN_VIEW)
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="tr_source").value == "diabetes"
    assert at.text_input(key="tr_hidden").value == "32, 16"
    assert at.selectbox(key="tr_activation").value == "tanh" and at.selectbox(key="tr_optimizer").value == "sgd"
    assert at.slider(key="tr_dropout").value == pytest.approx(0.1)
    assert at.select_slider(key="tr_lr").value == 0.01 and at.select_slider(key="tr_batch").value == 64
    assert at.number_input(key="tr_epochs").value == 7 and at.select_slider(key="tr_report").value == 25
    for param, value in TRAIN_VIEW.items():  # and the page writes the same view back
        assert at.query_params[param] == [value] or at.query_params[param] == value, param


def test_settings_at_their_defaults_stay_out_of_the_link_and_a_bad_value_is_ignored():
    at = open_page("views/train.py", query={"lr": "banana", "epochs": "9"})
    assert not at.exception
    assert at.select_slider(key="tr_lr").value == 0.001  # the default, not an error
    assert "lr" not in at.query_params and "hidden" not in at.query_params
    assert at.number_input(key="tr_epochs").value == 9


def test_the_language_stays_in_the_url_from_page_to_page():
    at = open_page("views/tensors.py", lang="ko")
    assert at.query_params["lang"] in ("ko", ["ko"])
    at.switch_page("views/device.py").run()
    assert not at.exception
    assert at.query_params["lang"] in ("ko", ["ko"])


def test_a_device_link_opens_the_same_shape_and_size():
    at = open_page("views/device.py", query={"shape": "256, 256", "n": "1024"})
    assert not at.exception
    assert at.text_input(key="dev_shape").value == "256, 256" and at.select_slider(key="dev_n").value == 1024


def test_device_timings_are_still_there_after_another_page():
    at = open_page("views/device.py")
    [b for b in at.button if b.label == "Time it"][0].click().run()
    timings = [d.value for d in at.dataframe]
    assert timings
    at.switch_page("views/tensors.py").run()
    at.switch_page("views/device.py").run()
    assert not at.exception and [d.value.shape for d in at.dataframe] == [t.shape for t in timings]
