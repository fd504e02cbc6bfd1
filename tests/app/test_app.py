"""The app in Streamlit's AppTest: every page in both languages, the shared sidebar, shareable URLs, messages."""

import ast

import pytest
import torch

from tests.apptest import open_page
from tests.conftest import ROOT

PAGES = ["views/tensors.py", "views/activations.py", "views/train.py", "views/predict.py", "views/device.py"]
LANGS = ["en", "ko"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(page, lang):
    at = open_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    title = at.title[0].value
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in title)
    assert hangul == (lang == "ko") or page == PAGES[0] and lang == "en"


UI_CALLS = {"title", "header", "subheader", "markdown", "write", "caption", "info", "warning", "error", "success",
            "button", "text_input", "number_input", "selectbox", "multiselect", "slider", "toggle", "checkbox",
            "radio", "metric", "expander", "tabs", "form_submit_button", "select_slider", "text_area",
            "file_uploader", "download_button", "toast"}


def test_pages_hold_no_user_facing_literals():
    """Text shown to people comes from strings.py in both languages, never a literal in a page."""
    offenders = []
    for path in (ROOT / "dashboard" / "views").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in UI_CALLS:
                for arg in node.args[:1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip():
                        offenders.append(f"{path.name}:{node.lineno} {arg.value[:40]!r}")
                    if isinstance(arg, ast.JoinedStr) and any(isinstance(v, ast.Constant) and
                                                              any(c.isalpha() for c in v.value) for v in arg.values):
                        offenders.append(f"{path.name}:{node.lineno} f-string")
    assert not offenders


def test_language_defaults_from_the_url_and_persists_across_pages():
    at = open_page(query={"lang": "ko"})
    assert at.session_state["lang"] == "ko"
    at.switch_page("views/device.py")
    at.run()
    assert "장치" in at.title[0].value
    assert at.sidebar.selectbox[0].value == "ko"


def test_switching_language_in_the_sidebar():
    at = open_page("views/activations.py")
    assert at.title[0].value == "Activation functions"
    at.sidebar.selectbox[0].set_value("ko").run()
    assert at.title[0].value.startswith("활성화 함수")
    assert at.query_params["lang"] == ["ko"] or at.query_params["lang"] == "ko"


def test_sidebar_shows_the_lectures_cuda_facts():
    at = open_page()
    text = " ".join(m.value for m in at.sidebar.markdown)
    assert "torch.cuda.is_available()" in text and str(torch.cuda.is_available()) in text
    assert "torch.cuda.device_count()" in text


# --- Activations -------------------------------------------------------------------------------------------------

def _figure(at, index=0):
    import json

    return json.loads(at.get("plotly_chart")[index].proto.spec)


@pytest.mark.parametrize("lang", LANGS)
def test_activation_chart_traces_carry_torchs_values(lang):
    at = open_page("views/activations.py", lang, query={"act": "gelu,tanh", "range": "-3,3"})
    assert not at.exception
    fig = _figure(at)
    traces = {tr["name"]: tr for tr in fig["data"]}
    assert {"GELU", "Tanh"} <= set(traces)
    x = torch.tensor(traces["GELU"]["x"], dtype=torch.float64)
    assert x.min() == -3 and x.max() == 3
    torch.testing.assert_close(torch.tensor(traces["GELU"]["y"], dtype=torch.float64), torch.nn.functional.gelu(x))
    torch.testing.assert_close(torch.tensor(traces["Tanh"]["y"], dtype=torch.float64), torch.tanh(x))
    derivative = [tr for name, tr in traces.items() if name.startswith("Tanh′")][0]
    torch.testing.assert_close(torch.tensor(derivative["y"], dtype=torch.float64), 1 - torch.tanh(x) ** 2)


def test_activation_view_round_trips_through_the_url():
    at = open_page("views/activations.py")
    at.multiselect(key="act_names").set_value(["relu", "silu"]).run()
    assert at.query_params["act"] in (["relu,silu"], "relu,silu")
    link = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    fresh = open_page("views/activations.py", query=link)
    assert fresh.multiselect(key="act_names").value == ["relu", "silu"]


def test_softmax_bad_input_is_a_message_not_an_exception():
    at = open_page("views/activations.py", "ko")
    at.text_input(key="act_logits").set_value("1, two, 3").run()
    assert not at.exception and at.error
    assert "쉼표" in at.error[0].value


def test_linear_lab_reacts_to_edited_weights():
    at = open_page("views/activations.py")
    for i, w in enumerate([1.0, 2.0, 3.0, 4.0, 0.5]):
        at.number_input(key=f"lab_w{i}").set_value(w)
    at.selectbox(key="lab_act").set_value("relu").run()
    values = {m.label: m.value for m in at.metric}
    assert values["Output of the layer"] == "9.5000" and values["After the activation"] == "9.5000"
    assert any("deprecated" in w.value for w in at.warning)


def test_the_linear_labs_grad_fn_is_explained_against_the_lectures_slide():
    """torch 2.13 shows ViewBackward0 for nn.Linear on the lecture's 1-D x; the slide shows AddBackward0."""
    import torch

    shown = torch.nn.Linear(4, 1)(torch.tensor([0.0, 1, 1, 1])).grad_fn.name()
    at = open_page("views/activations.py")
    note = [c.value for c in at.caption if "AddBackward0" in c.value]
    assert note and shown in note[0] and "addmm" in note[0]


# --- Device ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_device_page_bad_shape_and_too_big_are_messages(lang):
    at = open_page("views/device.py", lang)
    at.text_input(key="dev_shape").set_value("1024, lots")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and at.error
    at.text_input(key="dev_shape").set_value("1024, 1024, 256")
    at.button[0].click().run()
    assert not at.exception and at.error and ("256 MiB" in at.error[0].value)


def test_device_page_allocates_and_times():
    at = open_page("views/device.py")
    at.text_input(key="dev_shape").set_value("256, 256, 16")
    at.button[0].click().run()
    assert not at.exception and "MiB" in at.success[0].value
    if not torch.cuda.is_available():
        assert any("No GPU here" in i.value for i in at.info)


# --- Tensors -----------------------------------------------------------------------------------------------------

from core.lessons import tensors  # noqa: E402


def _markdown_text(at):
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.code)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("preset", tensors.PRESETS, ids=lambda p: p.name)
def test_each_preset_shows_its_expected_shape(preset, lang):
    at = open_page(lang=lang)
    at.selectbox(key="ten_preset").set_value(preset.name).run()
    assert not at.exception
    assert at.text_input(key="ten_ops").value == tensors.ops_to_text(preset.ops)
    text = _markdown_text(at)
    if preset.expected is not None:
        assert preset.expected in text
        assert all(e.value.startswith(("NumPy raises", "NumPy는")) for e in at.error)  # only NumPy's side may fail
    else:  # the example that fails on purpose: an explanation, not a traceback
        assert at.error and "contiguous" in at.error[0].value
        assert ("reshape" in at.error[0].value)


def test_the_example_selector_says_custom_once_the_chain_is_edited_by_hand():
    at = open_page()
    second = tensors.PRESETS[1]
    at.selectbox(key="ten_preset").set_value(second.name).run()
    assert at.selectbox(key="ten_preset").value == second.name
    at.text_input(key="ten_ops").set_value(tensors.ops_to_text(second.ops) + ".flatten()").run()
    assert not at.exception
    assert at.selectbox(key="ten_preset").value is None  # the placeholder: custom
    assert at.selectbox(key="ten_preset").placeholder.startswith("Custom")
    at.text_input(key="ten_ops").set_value(tensors.ops_to_text(second.ops)).run()  # back to the example itself
    assert at.selectbox(key="ten_preset").value == second.name


def test_the_lecture_unsqueeze_example_shows_torch_size_1_1_4():
    at = open_page()
    at.text_input(key="ten_values").set_value("[[2, 3, 4, 5]]")
    at.text_input(key="ten_ops").set_value("a.unsqueeze(1)").run()
    assert "torch.Size([1, 1, 4])" in _markdown_text(at)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("field,value", [
    ("ten_values", "[[1, 2], [3]]"),
    ("ten_values", "__import__('os').system('echo hacked')"),
    ("ten_ops", "view(3, 3)"),
    ("ten_ops", "view(-1, -1)"),
    ("ten_ops", "unsqueeze(7)"),
    ("ten_ops", "numpy()"),
    ("ten_ops", "view(2,"),
])
def test_bad_input_is_explained_not_raised(field, value, lang):
    at = open_page(lang=lang)
    at.text_input(key=field).set_value(value).run()
    assert not at.exception
    assert at.error, f"{field}={value!r} should show a message"
    if lang == "ko":
        assert any(any("\uac00" <= ch <= "\ud7a3" for ch in e.value) for e in at.error)


def test_size_cap_is_a_message():
    at = open_page()
    at.radio(key="ten_source").set_value("zeros").run()
    at.text_input(key="ten_shape").set_value("1000, 1000").run()
    assert not at.exception and at.error and "10,000" in at.error[0].value


def test_add_and_remove_operations_live():
    at = open_page()
    at.text_input(key="ten_ops").set_value("view(2, 2)").run()
    at.selectbox(key="ten_add_op").set_value("flatten")
    at.text_input(key="ten_add_args").set_value("")
    add = [b for b in at.button if b.label in ("Add", "추가")][0]
    add.click().run()
    assert at.text_input(key="ten_ops").value == "view(2, 2).flatten()"
    assert "torch.Size([4])" in _markdown_text(at)
    at.button(key="ten_remove_0").click().run()
    assert at.text_input(key="ten_ops").value == "flatten()"


def test_numpy_disagreement_is_marked():
    at = open_page()
    at.text_input(key="ten_ops").set_value("squeeze(1)").run()
    assert any("NumPy" in w.value for w in at.warning)


def test_tensor_view_round_trips_through_the_url():
    at = open_page()
    at.radio(key="ten_source").set_value("arange").run()
    at.text_input(key="ten_shape").set_value("2, 3")
    at.text_input(key="ten_ops").set_value("t().reshape(6)").run()
    link = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert link["ops"] == "t().reshape(6)" and link["src"] == "arange"
    fresh = open_page(query=link)
    assert fresh.text_input(key="ten_ops").value == "t().reshape(6)"
    assert "torch.Size([6])" in _markdown_text(fresh)


def test_rand_uses_the_sidebar_seed():
    def values(seed_value):
        at = open_page()
        at.sidebar.number_input[0].set_value(seed_value)
        at.radio(key="ten_source").set_value("rand").run()
        at.text_input(key="ten_shape").set_value("2, 2")
        at.text_input(key="ten_ops").set_value("").run()
        return at.code[0].value

    assert values(1) == values(1) != values(2)
