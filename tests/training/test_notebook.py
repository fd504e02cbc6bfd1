"""The notebook download: the training script as cells that run top to bottom in a fresh Jupyter kernel and repeat
the app's run (the same split, scaling, initial weights and shuffles), in English or with the page's comments."""

import re

import nbformat
import pytest

from core.training.model import ModelConfig
from core.training.notebook import training_notebook
from core.training.script import COMMENTS, comments_in, training_script
from core.training.trainer import TrainConfig, Trainer


def _run(text: str, cwd) -> str:
    from nbclient import NotebookClient

    notebook = nbformat.reads(text, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return "".join(out.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("name") == "stdout")


@pytest.mark.slow
def test_the_notebook_runs_in_a_fresh_kernel_and_repeats_the_apps_run(tmp_path, monkeypatch, diabetes_prepared):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # one torch thread in the kernel, as the trainer runs here
    from core import data

    # the recipe's settings too: a validation split with early stopping, quantile features, AdamW, a schedule
    model_config = ModelConfig(n_features=10, hidden=(32, 32))
    train_config = TrainConfig(epochs=12, seed=0, optimizer="adamw", weight_decay=1e-4, schedule="one_cycle",
                               patience=3, batch_size=32, device="cpu")
    split = {"val_size": 0.2, "feature_transform": "quantile"}
    script = training_script("diabetes", None, model_config, train_config, **split)
    printed = _run(training_notebook(script), tmp_path)
    maes = [float(m) for m in re.findall(r"^epoch +\d+ .* test MAE (\S+)", printed, re.M)]
    app = Trainer(model_config, train_config).fit(data.prepare(data.load_diabetes(), data.DataConfig(**split)))
    assert maes == pytest.approx([h["test_mae"] for h in app.history], abs=2e-4)  # printed to 4 decimals
    final = float(re.search(r"^Test MAE:\s+(\S+)$", printed, re.M).group(1))
    assert final == pytest.approx(app.metrics["test_mae"], rel=1e-6)  # the app's test metric, to a millionth
    assert (tmp_path / "model.pt").exists()  # its last cell saved the weights beside it


def test_cells_follow_the_scripts_sections_and_hold_every_line_of_its_code():
    script = training_script("california", None, ModelConfig(n_features=8, dropout=0.1), TrainConfig())
    notebook = nbformat.reads(training_notebook(script), as_version=4)  # sources joined into strings
    nbformat.validate(notebook)
    kinds = [c["cell_type"] for c in notebook["cells"]]
    assert kinds[0] == "markdown" and notebook["cells"][0]["source"].startswith("# Train an MLP regressor")
    headings = [c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown"][1:]
    assert [h.split(".")[0] for h in headings] == ["## 1", "## 2", "## 3", "## 4", "## 5"]
    code = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "code")
    body = script.split('"""', 2)[2]
    lines = [line for line in body.splitlines() if line.strip() and not re.match(r"^# \d+\. ", line)]
    assert [line for line in code.splitlines() if line.strip()] == lines


def test_a_korean_page_downloads_a_korean_notebook():
    from dashboard.i18n import translate

    script = training_script("diabetes", None, ModelConfig(n_features=10), TrainConfig())
    korean = training_notebook(comments_in(script, lambda c: translate(c, "ko") if c in COMMENTS else c))
    cells = nbformat.reads(korean, as_version=4)["cells"]
    assert cells[0]["source"].startswith("# PyTorch로 MLP") and "## 1. 데이터" in [c["source"] for c in cells]


def test_the_command_line_writes_the_script_and_the_notebook_of_its_run(tmp_path, capsys):
    from core.cli import main

    script, notebook = tmp_path / "run.py", tmp_path / "run.ipynb"
    assert main(["train", "--dataset", "diabetes", "--epochs", "2", "--quiet", "--no-baselines", "--out",
                 str(tmp_path), "--script", str(script), "--notebook", str(notebook)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote the notebook: {notebook}" in out
    assert "EPOCHS = 2" in script.read_text() and "load_diabetes" in script.read_text()
    cells = nbformat.read(notebook, as_version=4).cells
    assert "EPOCHS = 2" in "".join(c.source for c in cells if c.cell_type == "code")
