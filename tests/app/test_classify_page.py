"""The Train page as a classifier (issue 15): a 2-D teaching set trained from the page, with the decision boundary,
the network view and the classifier's results, in English and Korean."""

import json
from urllib.parse import parse_qs

import numpy as np
import pytest

from core.lessons import activations
from tests.app.test_train_page import headers, poll, start, train_page


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titled(at, words: str) -> list[dict]:
    return [c for c in charts(at) if words in json.dumps(c.get("layout", {}).get("title", {}), ensure_ascii=False)]


def teaching_set(at, name="moons"):
    at.radio(key="tr_source").set_value("toy").run()
    at.selectbox(key="tr_toy").set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang, finished, mlp, majority, boundary, inside", [
    ("en", "Finished", "your MLP", "always the majority class", "Decision boundary", "Inside the network"),
    ("ko", "완료", "내 MLP", "늘 최빈 클래스", "결정 경계", "신경망의 속"),
])
def test_a_teaching_set_trains_as_a_classifier_with_its_boundary_and_network(lang, finished, mlp, majority,
                                                                           boundary, inside):
    at = teaching_set(train_page(lang))
    start(at, source="toy", epochs=8, hidden="8, 8", report=10, lr=0.01)
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)) and any(finished in s.value for s in a.success))
    table = next(d.value for d in at.dataframe if mlp in list(d.value.iloc[:, 0]))  # the results, with baselines
    models = list(table.iloc[:, 0])
    assert mlp in models and majority in models
    assert table.iloc[models.index(mlp), 1] > 0.9 and table.iloc[models.index(majority), 1] == pytest.approx(0.5)
    drawn = titled(at, boundary)
    assert drawn and drawn[0]["data"][0]["type"] == "heatmap" and len(drawn[0]["data"][0]["z"]) == 40
    assert any(t.label == inside and t.value for t in at.toggle)  # on by default for a net the diagram draws
    diagram = [c for c in charts(at) if c.get("layout", {}).get("shapes")]
    assert diagram and len(diagram[0]["layout"]["shapes"]) == 2 * 8 + 8 * 8 + 8 * 2  # every weight an edge
    confusion = [c for c in charts(at) if c["data"] and c["data"][0].get("colorscale") and
                 c["data"][0].get("texttemplate")]
    assert confusion and sum(map(sum, confusion[0]["data"][0]["z"])) == 200  # every test row counted once


def test_regenerate_draws_new_points_and_keeps_the_set():
    at = teaching_set(train_page(), "spiral")
    seed = at.session_state["tr_toy_seed"]
    [b for b in at.button if b.label == "Regenerate"][0].click().run()
    assert not at.exception and at.session_state["tr_toy_seed"] == seed + 1
    assert at.selectbox(key="tr_toy").value == "spiral"
    script = next(c.value for c in at.code if "nn.CrossEntropyLoss()" in c.value)  # the classifier's own script
    assert f"N_POINTS, NOISE, POINTS_SEED = 1000, 0.1, {seed + 1}" in script  # the regenerated points


@pytest.fixture
def penguin_ckpt(checkpoint_folder):
    """A penguin species classifier in the shared folder, as an instructor would leave one."""
    from core import checkpoint, data
    from core.training.model import ModelConfig
    from core.training.trainer import TrainConfig, Trainer, config_dict
    from tests.training.test_classify import PENGUIN_FEATURES_LEFT_OUT, PENGUINS

    prepared = data.prepare(data.load(str(PENGUINS), "species"), data.DataConfig(exclude=PENGUIN_FEATURES_LEFT_OUT))
    model, train = ModelConfig(**prepared.shape, hidden=(16,)), TrainConfig(epochs=10, device="cpu")
    result = Trainer(model, train).fit(prepared)
    checkpoint.save(checkpoint.build(name="penguins", model_config=config_dict(model), train_config=config_dict(train),
                                     prepared=prepared, result=result), checkpoint_folder)
    return result


@pytest.mark.parametrize("lang, predict, probability", [("en", "Predict", "probability"), ("ko", "예측", "확률")])
def test_the_predict_page_gives_a_classifiers_class_and_its_probabilities(penguin_ckpt, lang, predict, probability):
    from tests.apptest import open_page

    at = open_page("views/predict.py", lang)
    assert not at.exception, [e.value for e in at.exception]
    listing = at.dataframe[0].value
    assert listing.iloc[0, 0] == "penguins" and listing.iloc[0].notna().sum() >= 6  # accuracy shown, MAE blank
    [b for b in at.button if b.label == predict][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value in ("Adelie", "Chinstrap", "Gentoo")
    shares = next(d.value for d in at.dataframe if probability in d.value.columns)
    assert list(shares.iloc[:, 0]) == ["Adelie", "Chinstrap", "Gentoo"]
    assert shares[probability].sum() == pytest.approx(1, abs=1e-5)
    assert shares.iloc[shares[probability].argmax(), 0] == at.metric[0].value
    link = at.get("page_link")[0].proto  # the same logits, one click from the Activations page's softmax
    logits = parse_qs(link.query_string)["logits"][0]
    assert link.page == "activations" and np.allclose(
        activations.softmax([float(v) for v in logits.split(",")]), shares[probability], atol=1e-3)
    code = at.code[-1].value
    assert "softmax(-1)" in code and "['Adelie', 'Chinstrap', 'Gentoo']" in code


def test_the_depth_lesson_sets_eight_sigmoid_or_relu_layers():
    at = train_page()
    [b for b in at.button if b.label == "8 sigmoid layers"][0].click().run()
    assert not at.exception
    assert at.text_input(key="tr_hidden").value == ", ".join(["128"] * 8)
    assert at.selectbox(key="tr_activation").value == "sigmoid"
    [b for b in at.button if b.label == "8 ReLU layers"][0].click().run()
    assert at.selectbox(key="tr_activation").value == "relu"
