"""The generated training script: valid for every setting, runnable, and the same model and numbers as the app's."""

import itertools
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
import torch
from torch import nn

from core.errors import ConfigError
from core.training.baselines import baselines
from core.training.model import ACTIVATIONS, MLP, ModelConfig
from core.training.script import training_script
from core.training.trainer import TrainConfig, Trainer

pytestmark = pytest.mark.slow  # runs the generated scripts in subprocesses


def run_script(source: str, cwd) -> subprocess.CompletedProcess:
    path = cwd / "train_mlp.py"
    path.write_text(source, encoding="utf-8")
    # One torch thread, as the trainer runs in these tests: the same arithmetic, and no spinning threads under load
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, str(path)], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def printed(run, name: str) -> float:
    return float(re.search(rf"^Test {name}:\s+(\S+)$", run.stdout, re.M).group(1))


def epoch_maes(run) -> list[float]:
    return [float(m) for m in re.findall(r"^epoch +\d+ .* test MAE (\S+)", run.stdout, re.M)]


def script_class(source: str) -> type:
    """The ``MLP`` class the script defines, executed on its own."""
    code = source[source.index("class MLP(nn.Module):"):source.index("\nmodel = MLP(")]
    namespace = {"nn": nn, "torch": torch}
    exec(code, namespace)
    return namespace["MLP"]


SETTINGS = list(itertools.product(ACTIVATIONS, (1, 2, 3), ("adam", "sgd"), (0.0, 0.2)))


@pytest.mark.parametrize("activation, depth, optimizer, dropout", SETTINGS)
def test_every_setting_gives_valid_python_whose_model_is_the_apps(activation, depth, optimizer, dropout):
    hidden = tuple(range(5, 5 + depth))
    model_config = ModelConfig(n_features=4, hidden=hidden, activation=activation, dropout=dropout)
    source = training_script("diabetes", None, model_config, TrainConfig(optimizer=optimizer, seed=3))
    compile(source, "train_mlp.py", "exec")
    assert f"nn.{ACTIVATIONS[activation].__name__}()" in source
    assert ("nn.Dropout(0.2)" in source) == (dropout > 0)
    assert f"torch.optim.{'Adam' if optimizer == 'adam' else 'SGD'}(" in source

    # The same seed draws the same initial weights, and the same weights give the same outputs
    torch.manual_seed(3)
    theirs = script_class(source)(4)
    ours = MLP(model_config)
    ours.reset_parameters(torch.Generator().manual_seed(3))
    for a, b in zip(theirs.parameters(), ours.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    x = torch.randn(7, 4)
    torch.testing.assert_close(theirs.eval()(x), ours.eval()(x))


def test_deepest_model_and_every_optimizer_option_are_written_out():
    model_config = ModelConfig(n_features=3, hidden=(8,) * 8, activation="leaky_relu", dropout=0.5)
    source = training_script("diabetes", None, model_config,
                             TrainConfig(optimizer="sgd", lr=0.05, momentum=0.8, weight_decay=1e-4, epochs=7,
                                         batch_size=32, seed=11), test_size=0.25, save_path="out/weights.pt")
    compile(source, "train_mlp.py", "exec")
    assert "self.fc8 = nn.Linear(8, 8)" in source and "self.fc9" not in source
    assert ("optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.8, weight_decay=0.0001)"
            in source)
    for line in ("SEED = 11", "TEST_SIZE = 0.25", "EPOCHS = 7", "BATCH_SIZE = 32", "LEARNING_RATE = 0.05",
                 'PATH = "out/weights.pt"'):
        assert line in source
    plain = training_script("diabetes", None, ModelConfig(n_features=3), TrainConfig(optimizer="sgd", momentum=0))
    assert "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)" in plain


def test_diabetes_script_runs_beats_the_mean_and_repeats_the_apps_run(tmp_path, diabetes_prepared):
    model_config = ModelConfig(n_features=10, hidden=(32, 32))
    train_config = TrainConfig(epochs=5, seed=0)
    source = training_script("diabetes", None, model_config, train_config)
    run = run_script(source, tmp_path)

    maes = epoch_maes(run)
    assert len(maes) == 5
    mae = printed(run, "MAE")
    assert mae == pytest.approx(maes[-1], abs=1e-4)  # 6 decimals against 4
    mean_mae = next(b["test_mae"] for b in baselines(diabetes_prepared) if b["name"] == "mean")
    assert mae < mean_mae
    assert printed(run, "RMSE") >= mae and 0 < printed(run, "R²") < 1

    # Without dropout the script repeats the app's run: same split, scaling, initial weights and shuffles
    history = Trainer(model_config, train_config).fit(diabetes_prepared).history
    assert maes == pytest.approx([h["test_mae"] for h in history], abs=2e-4)  # printed to 4 decimals

    state = torch.load(tmp_path / "model.pt", weights_only=True)
    model = script_class(source)(10)
    model.load_state_dict(state)
    assert list(state) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "out.weight", "out.bias"]


def test_csv_script_reads_numeric_columns_and_drops_empty_rows(tmp_path):
    rows = 80
    frame = pd.DataFrame({
        "rooms": [1 + i % 5 for i in range(rows)],
        "area": [20.0 + 3 * i for i in range(rows)],
        "district": ["north" if i % 2 else "south" for i in range(rows)],  # text: the simple script leaves it out
    })
    frame["price (만원)"] = 10 * frame["rooms"] + 0.5 * frame["area"]
    frame.loc[3, "area"] = None  # a row the script drops
    csv = tmp_path / "my data.csv"
    frame.to_csv(csv, index=False)
    model_config = ModelConfig(n_features=2, hidden=(16,), activation="tanh", dropout=0.1)
    source = training_script("my data.csv", "price (만원)", model_config, TrainConfig(epochs=3, lr=0.01),
                             csv_path=str(csv))
    assert "import pandas as pd" in source and "TARGET = \"price (만원)\"" in source
    run = run_script(source, tmp_path)
    assert len(epoch_maes(run)) == 3
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    assert state["fc1.weight"].shape == (16, 2)  # rooms and area; district is text
    script_class(source)(2).load_state_dict(state)


def test_csv_names_that_need_escaping_stay_valid_python():
    source = training_script("upload.csv", "it's \"y\"", ModelConfig(n_features=2), TrainConfig(),
                             csv_path="C:\\Users\\me\\data.csv", save_path="model.pt")
    compile(source, "train_mlp.py", "exec")
    namespace = {}
    exec("\n".join(line for line in source.splitlines() if line.startswith(("CSV_PATH", "TARGET"))), namespace)
    assert namespace == {"__builtins__": namespace["__builtins__"], "CSV_PATH": "C:\\Users\\me\\data.csv",
                         "TARGET": "it's \"y\""}
    assert 'CSV_PATH = "data.csv"' in training_script("csv", "y", ModelConfig(n_features=2), TrainConfig())


def test_a_csv_without_a_target_is_a_message():
    with pytest.raises(ConfigError, match="target column"):
        training_script("upload.csv", None, ModelConfig(n_features=2), TrainConfig())


def test_california_script_compiles():
    source = training_script("california", None, ModelConfig(), TrainConfig())
    compile(source, "train_mlp.py", "exec")
    assert "fetch_california_housing(return_X_y=True)" in source and "pandas" not in source


@pytest.mark.california
def test_california_script_learns_in_two_epochs(tmp_path, california_table):
    source = training_script("california", None, ModelConfig(), TrainConfig(epochs=2))
    run = run_script(source, tmp_path)
    assert len(epoch_maes(run)) == 2
    assert printed(run, "MAE") < 0.9  # the mean predictor's is 0.91
    assert (tmp_path / "model.pt").is_file()


def test_generated_script_passes_ruff(tmp_path):
    pytest.importorskip("ruff")
    paths = []
    for i, (source, target) in enumerate([("diabetes", None), ("data.csv", "y"), ("california", None)]):
        path = tmp_path / f"script_{i}.py"
        path.write_text(training_script(source, target, ModelConfig(dropout=0.3), TrainConfig(optimizer="sgd")),
                        encoding="utf-8")
        paths.append(str(path))
    rules = ["--isolated", "--line-length", "120", "--select", "E,F,W,I,B,UP"]
    check = subprocess.run([sys.executable, "-m", "ruff", "check", *rules, *paths], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("source", ["california", "diabetes", "houses.csv"])
def test_every_prose_comment_of_the_script_is_marked_for_translation(source):
    """The page shows the script's comments in the reader's language: each one must be in COMMENTS (a comment over
    two lines as one sentence), and replacing them leaves the code itself unchanged."""
    from core.training.script import COMMENTS, comments_in

    script = training_script(source, "price" if source.endswith(".csv") else None,
                             ModelConfig(n_features=8, dropout=0.2), TrainConfig())
    seen = []
    marked = comments_in(script, lambda c: seen.append(c) or f"<{c}>")
    prose = [c for c in seen if not c.startswith("(") and not c.startswith("x:")]  # shapes stay as they are
    assert prose and all(c in COMMENTS for c in prose), [c for c in prose if c not in COMMENTS]
    def code(text):  # after the module docstring, whose paragraphs are prose too
        body = text.split('"""', 2)[2]
        return [line.split("  #")[0] for line in body.splitlines() if not line.lstrip().startswith("# ")]

    assert code(marked) == code(script)
    assert marked.startswith('"""<Train an MLP regressor')
    compile(comments_in(script, lambda c: "한국어 주석"), "script.py", "exec")  # still Python


def test_the_script_reads_in_korean_on_the_page():
    from core.training.script import COMMENTS, comments_in
    from dashboard.i18n import translate

    script = training_script("california", None, ModelConfig(n_features=8), TrainConfig())
    korean = comments_in(script, lambda c: translate(c, "ko") if c in COMMENTS else c)
    assert "# 1. 데이터" in korean and "California housing (1990 census)" not in korean
    assert korean.startswith('"""PyTorch로 MLP') and "Needs torch" not in korean  # the module docstring too
    compile(korean, "script.py", "exec")
    assert korean.count("\n") < script.count("\n")  # the two-line sentences are one line each


@pytest.mark.parametrize("transform", ["quantile", "robust"])
def test_a_recipe_script_repeats_the_apps_run_to_a_millionth(tmp_path, transform):
    from core import data

    prepared = data.prepare(data.load_diabetes(), data.DataConfig(val_size=0.2, feature_transform=transform))
    model_config = ModelConfig(n_features=10, hidden=(32, 32))
    train_config = TrainConfig(optimizer="adamw", weight_decay=1e-3, l1=1e-5, clip_grad=1.0, schedule="cosine",
                               warmup=0.1, patience=4, epochs=40, batch_size=32, lr=3e-3, seed=0, device="cpu")
    source = training_script("diabetes", None, model_config, train_config, val_size=0.2, feature_transform=transform)
    assert "embeddings or an ensemble" not in source  # it leaves nothing out
    run = run_script(source, tmp_path)
    app = Trainer(model_config, train_config).fit(prepared)
    assert len(epoch_maes(run)) == len(app.history) < 40  # stopped early at the same epoch
    # the best epoch's weights, to a millionth of the figure (the app computes it in float32: 4e-6 apart at 44)
    assert printed(run, "MAE") == pytest.approx(app.metrics["test_mae"], rel=1e-6)
    assert printed(run, "RMSE") == pytest.approx(app.metrics["test_rmse"], rel=1e-6)


def test_a_script_says_what_it_leaves_out():
    source = training_script("diabetes", None, ModelConfig(n_features=10, embedding="periodic", ensemble=4),
                             TrainConfig())
    assert "numerical embeddings or an ensemble, which this script leaves out" in source.replace("\n# ", " ")


def test_a_sweeps_script_is_the_kept_members_run_and_repeats_it_to_a_millionth(tmp_path, capsys):
    import json

    from core.cli import main

    script = tmp_path / "kept.py"
    assert main(["train", "--dataset", "diabetes", "--epochs", "4", "--hidden", "32,32", "--sweep", "lr=3e-3,1e-2,1",
                 "--quiet", "--no-baselines", "--json", "--out", str(tmp_path), "--script", str(script)]) == 0
    summary = json.loads(capsys.readouterr().out)
    kept = summary["best_value"]
    assert kept in (3e-3, 1e-2) and [m["diverged"] for m in summary["sweep"]][-1]  # 1 diverged; not kept
    source = script.read_text()
    assert f"LEARNING_RATE = {kept!r}" in source and "ensemble" not in source  # one model, the kept member's rate
    run = run_script(source, tmp_path)
    assert printed(run, "MAE") == pytest.approx(summary["test_mae"], rel=1e-6)  # the saved model's figure


def test_a_sweep_on_screen_gives_the_script_of_one_member_not_an_ensembles():
    from core.training.script import sweep_member

    sweep = TrainConfig(sweep="seed", sweep_values=(3.0, 4.0), lr=0.01)
    model, train = sweep_member(ModelConfig(n_features=10, ensemble=2), sweep, 4.0)
    assert (model.ensemble, train.sweep, train.seed, train.lr) == (1, "", 4, 0.01)
    source = training_script("diabetes", None, ModelConfig(n_features=10, ensemble=2), sweep)
    assert "SEED = 0" in source and "leaves out" not in source  # the form's own seed, and nothing left out
