"""The classifier's generated script (issue 15) runs as it stands and repeats the app's run: the same points, split,
weights and shuffles, so the same test accuracy and log loss to six decimals."""

import contextlib
import io
import re

import pytest

from core import data
from core.data.toy import TOYS, ToyConfig, load_toy
from core.training.class_script import classifier_script
from core.training.model import ModelConfig
from core.training.notebook import training_notebook
from core.training.trainer import TrainConfig, Trainer


def run(script: str, cwd, monkeypatch) -> str:
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "train_classifier.py", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def figure(text: str, name: str) -> float:
    return float(re.search(rf"Test {name}: ([0-9.]+)", text).group(1))


@pytest.mark.parametrize("name", TOYS)
def test_the_script_repeats_the_apps_run_on_each_teaching_set(name, tmp_path, monkeypatch):
    prepared = data.prepare(load_toy(ToyConfig(name=name, samples=300, noise=0.2, seed=3)), data.DataConfig(seed=1))
    model, train = ModelConfig(**prepared.shape, hidden=(16, 8)), TrainConfig(epochs=3, seed=1, device="cpu")
    result = Trainer(model, train).fit(prepared)
    printed = run(classifier_script(prepared.info, model, train), tmp_path, monkeypatch)
    assert figure(printed, "accuracy") == pytest.approx(result.metrics["test_accuracy"], abs=1e-6)
    assert figure(printed, "log loss") == pytest.approx(result.metrics["test_log_loss"], rel=1e-5, abs=1e-6)
    assert (tmp_path / "model.pt").exists()


def test_a_csv_classifiers_script_runs_and_says_what_it_leaves_out(tmp_path, monkeypatch):
    from tests.training.test_classify import PENGUINS

    frame = __import__("pandas").read_csv(PENGUINS)[["bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                                                      "species"]]
    frame.to_csv(tmp_path / "penguins.csv", index=False)
    prepared = data.prepare(data.load(str(tmp_path / "penguins.csv"), "species"), data.DataConfig(val_size=0.2))
    model, train = ModelConfig(**prepared.shape), TrainConfig(epochs=5, device="cpu")
    script = classifier_script(prepared.info, model, train, csv_path="penguins.csv")
    assert "leaves out" in script  # the validation split
    printed = run(script, tmp_path, monkeypatch)
    assert figure(printed, "accuracy") > 0.9


def test_the_notebook_of_a_classifier_is_the_script_in_cells():
    prepared = data.prepare(load_toy(ToyConfig(name="xor")))
    script = classifier_script(prepared.info, ModelConfig(**prepared.shape), TrainConfig())
    notebook = training_notebook(script)
    assert "nn.CrossEntropyLoss()" in notebook and "make_moons" not in notebook and "rng.uniform" in notebook


def test_every_classifier_script_passes_ruff(tmp_path):
    import subprocess
    import sys

    paths = []
    for name in TOYS:
        prepared = data.prepare(load_toy(ToyConfig(name=name)))
        path = tmp_path / f"{name}.py"
        path.write_text(classifier_script(prepared.info, ModelConfig(**prepared.shape, dropout=0.2),
                                          TrainConfig(optimizer="sgd")), encoding="utf-8")
        paths.append(str(path))
    rules = ["--isolated", "--line-length", "120", "--select", "E,F,W,I,B,UP"]
    check = subprocess.run([sys.executable, "-m", "ruff", "check", *rules, *paths], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("name", [*TOYS, "csv"])
def test_every_prose_comment_of_a_classifier_script_is_marked_for_translation(name, tmp_path):
    from core.training import class_script, script
    from core.training.script import comments_in

    if name == "csv":
        from tests.training.test_classify import PENGUINS

        prepared = data.prepare(data.load(str(PENGUINS), "species"), data.DataConfig(val_size=0.2))
    else:
        prepared = data.prepare(load_toy(ToyConfig(name=name)))
    text = classifier_script(prepared.info, ModelConfig(**prepared.shape, dropout=0.1), TrainConfig())
    seen = []
    comments_in(text, lambda c: seen.append(c) or c)
    prose = [c for c in seen if not c.startswith("(") and not c.startswith("x:") and c not in TOYS]
    assert prose and all(c in class_script.COMMENTS or c in script.COMMENTS for c in prose), [
        c for c in prose if c not in class_script.COMMENTS and c not in script.COMMENTS]
    compile(comments_in(text, lambda c: "한국어 주석"), "train.py", "exec")  # still Python
