"""The Predict page in AppTest: checkpoints trained in the test, the form, a batch CSV, refused uploads."""

import io
import os
import pickle

import numpy as np
import pytest
import torch

from core import checkpoint, data
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict
from tests.apptest import open_page
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def diabetes_ckpt(diabetes_prepared):
    mc = ModelConfig(n_features=diabetes_prepared.n_features, hidden=(16,))
    tc = TrainConfig(epochs=3, device="cpu")
    result = Trainer(mc, tc).fit(diabetes_prepared)
    return checkpoint.build(name="diab-class", model_config=config_dict(mc), train_config=config_dict(tc),
                            prepared=diabetes_prepared, result=result)


@pytest.fixture
def shared(diabetes_ckpt, checkpoint_folder):
    """An instructor's checkpoint in the shared folder."""
    return checkpoint.save(diabetes_ckpt, checkpoint_folder)


def predict_page(lang="en"):
    at = open_page("views/predict.py", lang)
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at):
    [b for b in at.button if b.label in ("Predict", "예측")][0].click().run()
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_empty_folder_says_what_to_do(lang):
    at = predict_page(lang)
    assert at.info and ("Train page" in at.info[0].value or "학습 페이지" in at.info[0].value)


def test_form_predicts_what_the_predictor_predicts(shared):
    at = predict_page()
    assert "diab-class" in at.dataframe[0].value.iloc[:, 0].tolist()
    submit(at)
    predictor = Predictor.from_file(shared)
    expected, _ = predictor.predict_one(predictor.defaults())
    shown = at.metric[0].value
    assert shown.startswith(f"{expected:.4g}")
    assert any("typically off by about" in m.value for m in at.markdown)


def test_out_of_range_value_is_warned(shared):
    at = predict_page()
    at.number_input(key="pr_bmi").set_value(80.0)
    submit(at)
    assert any("bmi" in w.value and "outside the training range" in w.value for w in at.warning)
    assert at.metric  # still predicted


def test_batch_csv_reports_the_bad_row_by_line(shared):
    rows = data.load_diabetes().frame.drop(columns="progression").head(12).astype({"bmi": object})
    rows.loc[4, "bmi"] = "n/a?"
    at = predict_page()
    at.file_uploader(key="pr_rows").upload("rows.csv", rows.to_csv(index=False).encode(), "text/csv").run()
    assert not at.exception
    assert any("11 of 12" in s.value for s in at.success)
    problems = at.dataframe[1].value
    assert problems.iloc[0]["line"] == 6 and problems.iloc[0]["column"] == "bmi"
    scored = at.dataframe[2].value
    assert scored["predicted_progression"].isna().tolist() == [i == 4 for i in range(12)]
    shown = at.dataframe[2].proto  # a missing prediction is an empty cell, as in the file; not "None"
    assert shown.HasField("placeholder") and shown.placeholder == ""


def test_batch_csv_with_a_misspelled_column_lists_what_was_expected(shared):
    rows = data.load_diabetes().frame.drop(columns="progression").head(5).rename(columns={"bmi": "BMI_"})
    at = predict_page()
    at.file_uploader(key="pr_rows").upload("rows.csv", rows.to_csv(index=False).encode(), "text/csv").run()
    assert not at.exception and at.error
    assert "bmi" in at.error[0].value and "age, sex, bmi" in at.error[0].value


class RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("kind", ["corrupt", "code"])
def test_refused_uploads_run_nothing(tmp_path, kind):
    marker = tmp_path / "ran"
    if kind == "corrupt":
        raw = os.urandom(4096)
    else:
        buffer = io.BytesIO()
        torch.save({"format": "torch-playground-checkpoint", "x": RunsCode(marker)}, buffer)
        raw = buffer.getvalue()
        assert pickle  # the payload really would run under plain unpickling (see tests/test_checkpoint.py)
    at = predict_page()
    at.file_uploader(key="pr_upload").upload("model.pt", raw).run()
    assert not at.exception and at.error
    assert ("run code" in at.error[0].value) == (kind == "code")
    assert not marker.exists()
    assert any("No checkpoints yet" in i.value for i in at.info)  # nothing was added


def test_uploaded_checkpoint_becomes_mine_and_can_be_deleted(diabetes_ckpt, checkpoint_folder):
    at = predict_page()
    at.file_uploader(key="pr_upload").upload("../../etc/evil name.pt", checkpoint.to_bytes(diabetes_ckpt)).run()
    assert any("Added as" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert table.iloc[0]["whose"] == "mine"
    saved = list((checkpoint_folder / "sessions").rglob("*.pt"))
    assert len(saved) == 1 and saved[0].parent.parent == checkpoint_folder / "sessions"
    [b for b in at.button if b.label == "Delete this checkpoint"][0].click().run()
    assert not list((checkpoint_folder / "sessions").rglob("*.pt"))


def test_shared_checkpoints_cannot_be_deleted_from_the_page(shared):
    at = predict_page()
    assert not [b for b in at.button if b.label == "Delete this checkpoint"]
    assert shared.exists()


@pytest.mark.slow
def test_app_and_command_line_give_the_same_prediction(tmp_path, checkpoint_folder):
    import json
    import subprocess
    import sys

    out = checkpoint_folder
    run = subprocess.run([sys.executable, "-m", "core", "train", "--dataset", "diabetes", "--epochs", "2",
                          "--quiet", "--json", "--out", str(out), "--name", "cli-model"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    predictor = Predictor.from_file(out / "cli-model.pt")
    defaults = predictor.defaults()
    cli = subprocess.run([sys.executable, "-m", "core", "predict", "--checkpoint", str(out / "cli-model.pt"),
                          "--json", "--values", *[f"{k}={v!r}" for k, v in defaults.items()]], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)["prediction"]
    at = predict_page()
    submit(at)
    assert at.metric[0].value.startswith(f"{from_cli:.4g}")
    value, _ = predictor.predict_one({k: np.float64(v) for k, v in defaults.items()})
    assert value == from_cli  # exactly the same number, not merely close


def test_row_problems_read_in_korean(shared):
    rows = data.load_diabetes().frame.drop(columns="progression").head(4).astype({"bmi": object})
    rows.loc[1, "bmi"] = "많음"
    at = predict_page("ko")
    at.file_uploader(key="pr_rows").upload("rows.csv", rows.to_csv(index=False).encode(), "text/csv").run()
    assert not at.exception
    problems = at.dataframe[1].value
    assert problems.iloc[0, -1] == "bmi=많음은 숫자가 아닙니다"  # 음: a final consonant, so 은
    assert at.dataframe[2].value["note"].iloc[1] == "bmi=많음은 숫자가 아닙니다"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_scoring_says_what_it_filled_ignored_and_how_far_off_it_was(shared, lang):
    rows = data.load_diabetes().frame.head(12).copy()
    rows.loc[[2, 5], "bmi"] = None
    rows["patient"] = [f"p{i}" for i in range(12)]
    at = predict_page(lang)
    at.file_uploader(key="pr_rows").upload("rows.csv", rows.to_csv(index=False).encode(), "text/csv").run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    captions = " ".join(c.value for c in at.caption)
    success = " ".join(s.value for s in at.success)
    if lang == "en":
        assert "Filled 2 empty cell(s) of bmi" in info
        assert "Ignored column(s) the model does not use: patient." in captions
        assert "Against the file's own progression column (12 rows): MAE" in success
    else:
        assert "bmi의 빈 칸 2개" in info and "patient" in captions and "progression 열과 비교(행 12개)" in success


@pytest.fixture
def weather_ckpt(checkpoint_folder):
    """A model of the day's highest temperature from its date (ISO, like Vega's seattle-weather.csv) and wind."""
    days = np.datetime64("2012-01-01") + np.arange(200)
    raw = "date,wind,temp_max\n" + "".join(f"{d},{1 + i % 7},{5 + i / 20 + (i * 3) % 5}\n"
                                             for i, d in enumerate(days.astype(str)))
    table = data.read_csv(raw.encode())
    table.target = "temp_max"
    prepared = data.prepare(table)
    mc = ModelConfig(n_features=prepared.n_features, hidden=(8,))
    result = Trainer(mc, TrainConfig(epochs=2, device="cpu")).fit(prepared)
    saved = checkpoint.build(name="weather", model_config=config_dict(mc), train_config={}, prepared=prepared,
                             result=result)
    return checkpoint.save(saved, checkpoint_folder)


def test_the_form_takes_a_date_and_predicts_what_the_predictor_predicts(weather_ckpt):
    predictor = Predictor.from_file(weather_ckpt)
    first, last, median = predictor.date_range("date")  # of the training split's rows
    assert first.startswith("2012-01") and last.startswith("2012-07") and median.startswith("2012-04")
    at = predict_page()
    field = [t for t in at.text_input if t.key == "pr_date"][0]
    assert field.label == "date (date, YYYY-MM-DD)" and field.value == median
    assert any(f"Training dates: {first} to {last}" in c.value for c in at.caption)
    field.set_value("2012-03-17")
    submit(at)
    expected, _ = predictor.predict_one({**predictor.defaults(), "date": "2012-03-17"})
    assert at.metric[0].value.startswith(f"{expected:.4g}")

    field = [t for t in at.text_input if t.key == "pr_date"][0]
    field.set_value("2014-01-01")
    submit(at)
    assert any(f"2014-01-01 is outside the training dates ({first} to {last})" in w.value for w in at.warning)


def test_a_predict_link_opens_the_checkpoint_it_names(diabetes_ckpt, checkpoint_folder):
    """Two shared checkpoints: ?model= picks one by name in a fresh session; after choosing the other, the page's
    own link (copied from the address bar) opens that one."""
    first = checkpoint.save({**diabetes_ckpt, "name": "alpha"}, checkpoint_folder)
    second = checkpoint.save({**diabetes_ckpt, "name": "beta"}, checkpoint_folder)
    names = {str(first): "alpha", str(second): "beta"}
    for wanted in ("alpha", "beta"):
        at = open_page("views/predict.py", query={"model": wanted})
        assert not at.exception
        assert names[at.selectbox(key="pr_choice").value] == wanted
    other = next(p for p, n in names.items() if n != wanted)
    at.selectbox(key="pr_choice").set_value(other).run()
    link = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    reopened = open_page("views/predict.py", query=link)
    assert names[reopened.selectbox(key="pr_choice").value] == names[other]


def test_an_upload_never_shares_a_display_name_with_a_shared_checkpoint(diabetes_ckpt, shared):
    """A student's upload named like the instructor's checkpoint gets a name of its own, not "diab-class (mine)"
    beside "diab-class (shared)"."""
    at = predict_page()
    at.file_uploader(key="pr_upload").upload(f"{shared.stem}.pt", checkpoint.to_bytes(diabetes_ckpt)).run()
    assert any(f"Added as {shared.stem}-2." in s.value for s in at.success), [s.value for s in at.success]
    names = list(at.dataframe[0].value["name"])
    assert sorted(names) == sorted([shared.stem, f"{shared.stem}-2"])


@pytest.mark.parametrize("name", ["model\x00.pt", "model\n.pt", "x" * 300 + ".pt"])
def test_an_upload_whose_name_has_control_characters_is_refused_and_the_page_goes_on(diabetes_ckpt, name):
    at = predict_page()
    at.file_uploader(key="pr_upload").upload(name, checkpoint.to_bytes(diabetes_ckpt)).run()
    assert not at.exception and at.error
    assert "control characters" in at.error[0].value
    at.run()  # and again on the next rerun: a message, never an exception
    assert not at.exception


def test_a_hostile_upload_is_refused_in_a_child_process_with_its_reason(diabetes_ckpt):
    from tests.hostile_checkpoints import KINDS

    make, code = KINDS["config asks for 200,000 inputs"]
    at = predict_page()
    at.file_uploader(key="pr_upload").upload("wide.pt", make(diabetes_ckpt)).run()
    assert not at.exception and at.error
    assert "out of range" in at.error[0].value
    assert any("No checkpoints yet" in i.value for i in at.info)
