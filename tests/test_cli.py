"""The command line: `python -m core train|predict|list`, as instructors and analysts script it."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from core.cli import main
from core.predict import Predictor
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs python -m core in subprocesses


def cli(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("ckpt")
    run = cli("train", "--dataset", "diabetes", "--epochs", "3", "--out", out, "--name", "diab", "--json")
    assert run.returncode == 0, run.stderr
    return run, out


def test_train_json_is_one_object_with_the_results(trained):
    run, out = trained
    summary = json.loads(run.stdout)  # the whole of stdout is exactly one JSON object
    assert {"test_mae", "test_rmse", "test_r2", "epochs", "seconds", "checkpoint"} <= set(summary)
    assert summary["epochs"] == 3 and summary["checkpoint"] == str(out / "diab.pt")
    assert (out / "diab.pt").is_file()
    assert "training" in run.stderr and "100%" in run.stderr  # the progress bar went to stderr


def test_train_refuses_to_overwrite_a_checkpoint(trained):
    _, out = trained
    before = (out / "diab.pt").read_bytes()
    code = main(["train", "--dataset", "diabetes", "--epochs", "1", "--out", str(out), "--name", "diab", "--quiet"])
    assert code == 2 and (out / "diab.pt").read_bytes() == before


def test_predict_values_matches_the_predictor(trained, capsys):
    _, out = trained
    values = {"age": 50, "sex": 1, "bmi": 25.3, "bp": 94, "s1": 180, "s2": 110, "s3": 45, "s4": 4, "s5": 4.6, "s6": 91}
    code = main(["predict", "--checkpoint", str(out / "diab.pt"), "--json", "--values",
                 *[f"{k}={v}" for k, v in values.items()]])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    expected, _ = Predictor.from_file(out / "diab.pt").predict_one(values)
    assert printed["prediction"] == pytest.approx(expected, rel=1e-6)
    assert printed["target"] == "progression"


def test_predict_text_output_names_the_target_and_warns_out_of_range(trained, capsys):
    _, out = trained
    code = main(["predict", "--checkpoint", str(out / "diab.pt"), "--values", "age=50", "sex=1", "bmi=80", "bp=94",
                 "s1=180", "s2=110", "s3=45", "s4=4", "s5=4.6", "s6=91"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.startswith("progression: ")
    assert "bmi=80 is outside the training range" in captured.err


def test_predict_csv_appends_predictions(trained, tmp_path):
    _, out = trained
    from core.data import load_diabetes

    rows = load_diabetes().frame.drop(columns="progression").head(25).astype({"bmi": object})
    rows.loc[3, "bmi"] = "heavy"
    rows.to_csv(tmp_path / "in.csv", index=False)
    run = cli("predict", "--checkpoint", out / "diab.pt", "--csv", tmp_path / "in.csv", "--out", tmp_path / "o.csv")
    assert run.returncode == 0, run.stderr
    scored = pd.read_csv(tmp_path / "o.csv")
    assert len(scored) == 25 and "predicted_progression" in scored
    assert scored["predicted_progression"].isna().tolist() == [i == 3 for i in range(25)]
    assert "line 5: bmi=heavy is not a number" in run.stderr  # reported by line, not dropped silently


def test_list_shows_saved_checkpoints(trained, capsys):
    _, out = trained
    assert main(["list", "--dir", str(out), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in items] == ["diab"] and items[0]["target"] == "progression"


def test_train_on_a_csv_with_target(tmp_path, capsys):
    from core.data import load_diabetes

    load_diabetes().frame.to_csv(tmp_path / "d.csv", index=False)
    code = main(["train", "--dataset", str(tmp_path / "d.csv"), "--target", "bmi", "--epochs", "1", "--quiet",
                 "--json", "--out", str(tmp_path / "ck")])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["target"] == "bmi" and "bmi" not in summary["features"] and "progression" in summary["features"]


def _bad_csv(tmp_path):
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    return ["train", "--dataset", str(tmp_path / "bad.csv"), "--target", "b"]


def _garbage_checkpoint(tmp_path):
    (tmp_path / "junk.pt").write_bytes(os.urandom(2048))
    return ["predict", "--checkpoint", str(tmp_path / "junk.pt"), "--values", "a=1"]


@pytest.mark.parametrize("make_args,expected", [
    (lambda p: ["train", "--dataset", str(p / "missing.csv"), "--target", "y"], "No such file"),
    (lambda p: ["train", "--dataset", "diabetes", "--lr", "-1"], "learning rate"),
    (lambda p: ["train", "--dataset", "diabetes", "--epochs", "0"], "Epochs"),
    (lambda p: ["train", "--dataset", "diabetes", "--target", "nope"], "There is no column 'nope'"),
    (lambda p: ["train", "--dataset", "diabetes", "--target", "BMI"], "Did you mean 'bmi'?"),
    (lambda p: ["train", "--dataset", "diabetes", "--exclude", "S5"], "to leave out. Did you mean 's5'?"),
    (lambda p: ["train", "--dataset", "diabetes", "--exclude", "progression"], "cannot also be left out"),
    (lambda p: ["predict", "--checkpoint", "diab", "--csv", "rows.csv", "--json"], "give --out"),
    (lambda p: ["train", "--dataset", "diabetes", "--hidden", "0"], "Hidden layers"),
    (_bad_csv, "at least 20"),
    (lambda p: ["predict", "--checkpoint", str(p / "none.pt"), "--values", "a=1"], "No checkpoint"),
    (_garbage_checkpoint, "not a readable checkpoint"),
])
def test_bad_input_is_one_sentence_and_exit_2(tmp_path, capsys, make_args, expected):
    code = main(make_args(tmp_path) + (["--quiet"] if make_args(tmp_path)[0] == "train" else []))
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["train", "--hidden", "a,b"], ["train", "--device", "tpu"], ["predict"], []])
def test_malformed_arguments_exit_2_with_usage(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2 and "usage:" in capsys.readouterr().err


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    run = cli("train", "--dataset", tmp_path / "missing.csv", "--target", "y")
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr.startswith("error: ")


@pytest.mark.california
def test_california_at_defaults_reaches_the_lectures_quality(california_table, tmp_path):
    run = cli("train", "--dataset", "california", "--json", "--quiet", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["epochs"] == 20 and summary["n_train"] == 16512
    assert summary["test_mae"] <= 0.37  # the lecture's loop: ~0.353; predicting the mean: 0.906


def test_train_defaults_are_the_configs_own_and_help_shows_them(capsys):
    """--help states each preset's value, and the default preset, lecture, is the dataclasses' own defaults (no copy
    that could drift from them); an explicit option overrides the preset."""
    from core.cli import _configs, parser
    from core.data import DataConfig
    from core.training.model import ModelConfig
    from core.training.presets import STRONG
    from core.training.trainer import TrainConfig

    args = parser().parse_args(["train"])
    model, training, split = ModelConfig(), TrainConfig(), DataConfig()
    data_kw, model_kw, train_kw = _configs(args)
    assert TrainConfig(**train_kw) == training and DataConfig(**data_kw) == split
    assert ModelConfig(**model_kw) == model
    assert (args.seed, args.device, args.max_steps) == (training.seed, training.device, training.max_steps)
    strong = _configs(parser().parse_args(["train", "--preset", "strong", "--lr", "0.01"]))[2]
    assert strong["lr"] == 0.01 and strong["batch_size"] == STRONG["batch_size"]
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option, shown in (("--epochs", training.epochs), ("--batch-size", training.batch_size), ("--lr", training.lr),
                          ("--hidden", ",".join(map(str, model.hidden))), ("--test-size", split.test_size)):
        after = text.split(f" {option} ", 1)[1]
        assert f"(lecture: {shown}, strong: " in after.split(" --", 1)[0], option


def test_train_help_and_a_bad_hidden_size_are_one_sentence(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--hidden", "128,x"])
    assert exit_.value.code == 2
    assert "whole numbers separated by commas" in capsys.readouterr().err


def bike_rentals(path, n=300, seed=0):
    """Like the UCI bike-sharing data: cnt is casual + registered, and 30 rows have no count yet."""
    import numpy as np

    rng = np.random.default_rng(seed)
    temp = rng.uniform(0, 35, n).round(1)
    frame = pd.DataFrame({"instant": np.arange(1, n + 1), "temp": temp, "hum": rng.uniform(20, 90, n).round(),
                          "casual": (temp * 3 + rng.normal(0, 5, n)).clip(0).round(),
                          "registered": (temp * 10 + rng.normal(0, 20, n)).clip(0).round()})
    frame["cnt"] = (frame["casual"] + frame["registered"]).astype(object)
    frame.loc[frame.index[-30:], "cnt"] = None
    frame.to_csv(path, index=False)
    return frame


def test_exclude_leaves_columns_out_and_predict_on_the_original_file_ignores_them(tmp_path):
    bike_rentals(tmp_path / "day.csv")
    run = cli("train", "--dataset", tmp_path / "day.csv", "--target", "cnt", "--exclude", "casual", "registered",
              "--epochs", "2", "--quiet", "--json", "--out", tmp_path / "ck", "--name", "bikes")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["features"] == ["temp", "hum"] and summary["excluded"] == ["casual", "registered"]
    roles = {c["column"]: (c["role"], c["reason"]) for c in summary["columns"]}
    assert roles["casual"] == ("excluded", "left out by you") and roles["instant"][0] == "identifier"
    assert summary["rows_dropped_no_target"] == 30 and summary["rows_used"] == 270
    assert [b["name"] for b in summary["baselines"]] == ["mean", "linear", "hgb"]
    assert all(b["test_mae"] > 0 for b in summary["baselines"])

    scored = cli("predict", "--checkpoint", tmp_path / "ck" / "bikes.pt", "--csv", tmp_path / "day.csv", "--out",
                 tmp_path / "scored.csv", "--json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["bad_rows"] == 0 and report["predicted"] == 300
    assert report["ignored"] == ["instant", "casual", "registered"]
    assert report["against_target"]["n"] == 270  # the rows that have a count
    assert "ignored column(s) the model does not use: instant, casual, registered" in scored.stderr


def test_the_text_summary_shows_baselines_dropped_rows_and_left_out_columns(tmp_path):
    bike_rentals(tmp_path / "day.csv")
    run = cli("train", "--dataset", tmp_path / "day.csv", "--target", "cnt", "--exclude", "casual", "--epochs", "1",
              "--quiet", "--out", tmp_path / "ck")
    assert run.returncode == 0, run.stderr
    assert "Linear regression:" in run.stdout and "(same split)" in run.stdout
    assert "Rows without a target value, dropped: 30 of 300." in run.stdout
    assert "Left out 'casual': left out by you." in run.stdout
    assert "Left out 'instant': whole numbers that count up in file order (1, 2, …)" in run.stdout


def test_predict_reports_the_blank_cells_it_filled_per_column(trained, tmp_path):
    _, out = trained
    from core.data import load_diabetes

    rows = load_diabetes().frame.head(10).copy()
    rows.loc[[1, 4, 7], "bmi"] = None
    rows.loc[2, "s5"] = None
    rows.to_csv(tmp_path / "blanks.csv", index=False)
    run = cli("predict", "--checkpoint", out / "diab.pt", "--csv", tmp_path / "blanks.csv", "--out",
              tmp_path / "o.csv", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    median = Predictor.from_file(out / "diab.pt").numeric["bmi"]["median"]
    assert report["filled"] == {"bmi": {"count": 3, "value": median}, "s5": {"count": 1, "value": pytest.approx(
        Predictor.from_file(out / "diab.pt").numeric["s5"]["median"])}}
    assert f"filled 3 empty cell(s) of bmi with {median:.6g}, as in training" in run.stderr
    assert report["against_target"]["n"] == 10 and report["against_target"]["mae"] > 0


def test_a_tiny_data_set_is_flagged_before_training(tmp_path):
    bike_rentals(tmp_path / "small.csv", n=80)
    run = cli("train", "--dataset", tmp_path / "small.csv", "--target", "cnt", "--epochs", "1", "--quiet",
              "--no-baselines", "--out", tmp_path / "ck")
    assert run.returncode == 0, run.stderr
    assert "warning: Only 10 rows are held out for testing" in run.stderr


def test_a_leak_is_named_on_stderr_with_the_flags_that_leave_it_out(tmp_path):
    bike_rentals(tmp_path / "day.csv")
    run = cli("train", "--dataset", tmp_path / "day.csv", "--target", "cnt", "--epochs", "1", "--quiet",
              "--no-baselines", "--out", tmp_path / "ck")
    assert run.returncode == 0, run.stderr
    assert "together give cnt almost exactly on the training rows" in run.stderr
    assert "to leave them out: --exclude" in run.stderr and "casual" in run.stderr and "registered" in run.stderr


def test_predict_writes_the_scored_file_in_the_inputs_own_format(tmp_path):
    """A Korean Excel user's CP949, ';' and decimal-comma file comes back with ';', decimal commas and a BOM."""
    lines = ["면적;나이;가격"] + [f"{40 + (i * 37) % 90},5;{(i * 13) % 40};{3 * (40 + (i * 37) % 90) + i % 7},5"
                              for i in range(60)]
    (tmp_path / "집.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    train = cli("train", "--dataset", tmp_path / "집.csv", "--target", "가격", "--epochs", "2", "--quiet",
                "--no-baselines", "--out", tmp_path / "ck", "--name", "houses")
    assert train.returncode == 0, train.stderr
    run = cli("predict", "--checkpoint", tmp_path / "ck" / "houses.pt", "--csv", tmp_path / "집.csv", "--out",
              tmp_path / "scored.csv")
    assert run.returncode == 0, run.stderr
    out = (tmp_path / "scored.csv").read_bytes()
    assert out.startswith(b"\xef\xbb\xbf")
    header, first = out.decode("utf-8-sig").splitlines()[:2]
    assert header == "면적;나이;가격;predicted_가격;note"
    assert first.split(";")[0] == "40,5" and "," in first.split(";")[3]  # decimal commas, predictions too


def test_dates_are_reported_expanded_and_read_again_in_predict(tmp_path):
    """A US Excel export (month/day/year): the summary names the date column and its format, and predict reads the
    same file's dates, a blank one filled and a wrong one reported by line."""
    import numpy as np

    rng = np.random.default_rng(1)
    days = pd.date_range("2021-01-01", periods=200)
    frame = pd.DataFrame({"Order Date": days.strftime("%m/%d/%Y"), "units": rng.integers(1, 9, 200),
                          "sales": (rng.uniform(5, 9, 200) * days.month + rng.normal(0, 1, 200)).round(2)})
    frame.to_csv(tmp_path / "orders.csv", index=False)
    run = cli("train", "--dataset", tmp_path / "orders.csv", "--target", "sales", "--epochs", "1", "--quiet",
              "--json", "--no-baselines", "--out", tmp_path / "ck", "--name", "orders")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["features"] == ["units", "Order Date"]
    assert summary["dates"] == [{"column": "Order Date", "format": "MM/DD/YYYY",
                                 "parts": ["year", "month", "weekday", "days"]}]
    role = next(c for c in summary["columns"] if c["column"] == "Order Date")
    assert role["role"] == "date" and role["reason"].startswith("dates written MM/DD/YYYY")
    text = cli("train", "--dataset", tmp_path / "orders.csv", "--target", "sales", "--epochs", "1", "--quiet",
               "--no-baselines", "--out", tmp_path / "ck2")
    assert "Date 'Order Date': dates written MM/DD/YYYY" in text.stdout

    frame.loc[3, "Order Date"], frame.loc[5, "Order Date"] = None, "soon"
    frame.drop(columns="sales").to_csv(tmp_path / "new.csv", index=False)
    scored = cli("predict", "--checkpoint", tmp_path / "ck" / "orders.pt", "--csv", tmp_path / "new.csv", "--out",
                 tmp_path / "scored.csv", "--json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["bad_rows"] == 1 and report["predicted"] == 199 and report["filled"]["Order Date"]["count"] == 1
    assert "line 7: Order Date=soon is not a date (training read MM/DD/YYYY)" in scored.stderr
    assert "filled 1 empty cell(s) of Order Date with '2021-" in scored.stderr
    out = pd.read_csv(tmp_path / "scored.csv", keep_default_na=False)
    assert out["Order Date"].iloc[0] == "01/01/2021"  # written back as it came in


def test_the_strong_preset_with_an_override_reports_validation_and_exports_onnx(tmp_path):
    import numpy as np

    from core import checkpoint, data
    from core.export import onnx_predict

    onnx_file = tmp_path / "diab.onnx"
    run = cli("train", "--dataset", "diabetes", "--preset", "strong", "--ensemble", "2", "--epochs", "6", "--out",
              tmp_path, "--name", "strong", "--json", "--quiet", "--onnx", onnx_file)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert (summary["n_train"], summary["n_val"], summary["n_test"]) == (282, 71, 89)  # 64/16/20 of 442 rows
    assert summary["val_rmse"] > 0 and 1 <= summary["best_epoch"] <= 6 and summary["onnx"] == str(onnx_file)
    saved = checkpoint.load(tmp_path / "strong.pt")
    assert saved["model_config"]["ensemble"] == 2  # the explicit option overrides the preset's 8
    assert saved["model_config"]["embedding"] == "periodic" and saved["train_config"]["optimizer"] == "adamw"
    rows = data.load_diabetes().frame.drop(columns=["progression"]).head(20)
    expected = Predictor(saved).predict_frame(rows).predictions
    np.testing.assert_allclose(onnx_predict(onnx_file.read_bytes(), data.transform(rows, saved["preprocessing"])[0]),
                               expected, rtol=1e-5)
    again = cli("export", "--checkpoint", tmp_path / "strong.pt", "--onnx", tmp_path / "again.onnx")
    assert again.returncode == 0 and (tmp_path / "again.onnx").stat().st_size > 1000, again.stderr


def test_a_preset_name_that_does_not_exist_is_refused_with_the_choices():
    run = cli("train", "--preset", "turbo")
    assert run.returncode == 2 and "lecture" in run.stderr and "strong" in run.stderr


def test_a_learning_rate_sweep_reports_every_member_and_saves_the_best(tmp_path):
    run = cli("train", "--dataset", "diabetes", "--sweep", "lr=1e-4,1e-2,10", "--epochs", "3", "--out", tmp_path,
              "--name", "swept", "--json", "--quiet", "--no-baselines")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert [m["value"] for m in summary["sweep"]] == [1e-4, 1e-2, 10.0]
    assert summary["sweep"][2]["diverged"] and summary["best_value"] == 1e-2  # 10 blew up, the others trained
    assert Predictor.from_file(tmp_path / "swept.pt").predict_one({"age": 50, "sex": 1, "bmi": 25, "bp": 90, "s1": 180,
                                                                   "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90})
