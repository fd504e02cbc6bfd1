"""Checkpoints: the save → load → same model round trip, refusal of unsafe and broken files, atomic saving, names."""

import copy
import io
import os
import pathlib
import pickle
import random
from datetime import datetime

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split

from core import checkpoint, data
from core.errors import CheckpointError
from core.predict import Predictor
from core.training.model import MLP, ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict


@pytest.fixture(scope="module")
def trained(diabetes_prepared):
    """One tiny diabetes run shared by the module: (prepared, model config, train config, result)."""
    p = diabetes_prepared
    mc = ModelConfig(n_features=p.n_features, hidden=(8, 4))
    tc = TrainConfig(max_steps=30, device="cpu")
    return p, mc, tc, Trainer(mc, tc).fit(p)


@pytest.fixture
def ckpt(trained):
    """A fresh checkpoint dict per test, so a test may tamper with it."""
    p, mc, tc, result = trained
    built = checkpoint.build(name="diabetes-tiny", model_config=config_dict(mc), train_config=config_dict(tc),
                             prepared=p, result=result)
    return copy.deepcopy(built)


@pytest.fixture(scope="module")
def valid_bytes(trained):
    p, mc, tc, result = trained
    return checkpoint.to_bytes(checkpoint.build(name="valid", model_config=config_dict(mc),
                                                train_config=config_dict(tc), prepared=p, result=result))


def raw_test_rows(prepared) -> "data.pd.DataFrame":
    """The test split's rows as the user has them (raw units), by repeating prepare's split."""
    frame = data.load_diabetes().frame
    X, y = frame[prepared.features], frame[prepared.info["target"]]
    _, X_test, _, _ = train_test_split(X, y, test_size=prepared.info["test_size"], random_state=prepared.info["seed"])
    return X_test


# ---------------------------------------------------------------------------------------------------------------
# Round trip


def test_round_trip_rebuilds_the_same_model(ckpt, trained, checkpoint_folder):
    p, mc, _, result = trained
    path = checkpoint.save(ckpt)
    assert path == checkpoint_folder / "diabetes-tiny.pt"

    loaded = checkpoint.load(path)  # a fresh dict, read from disk
    model = checkpoint.build_model(loaded)
    original = MLP(mc)
    original.load_state_dict(result.state_dict)
    original.eval()
    X = torch.from_numpy(p.X_test)
    with torch.no_grad():
        torch.testing.assert_close(model(X), original(X))
    assert not model.training


def test_loaded_predictor_matches_the_trainers_test_predictions(ckpt, trained):
    p, _, _, result = trained
    predictor = Predictor(checkpoint.load(checkpoint.save(ckpt)))
    report = predictor.predict_frame(raw_test_rows(p))
    np.testing.assert_allclose(report.predictions, result.predictions, rtol=1e-4, atol=1e-3)
    assert report.problems == [] and report.n_bad_rows == 0


def test_saved_file_holds_everything_needed_to_rebuild_and_predict(ckpt, trained):
    p, mc, tc, result = trained
    loaded = checkpoint.load(checkpoint.save(ckpt))
    assert loaded["format"] == checkpoint.FORMAT and loaded["version"] == checkpoint.VERSION
    assert loaded["name"] == "diabetes-tiny"
    assert set(loaded["state_dict"]) == set(result.state_dict)
    for key, tensor in result.state_dict.items():
        torch.testing.assert_close(loaded["state_dict"][key], tensor)
    assert loaded["model_config"] == config_dict(mc) == {**config_dict(mc), "hidden": [8, 4]}
    assert loaded["train_config"] == config_dict(tc)
    assert loaded["features"] == p.features == ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    assert loaded["target"] == "progression"
    assert loaded["preprocessing"] == p.preprocessing
    assert loaded["units"]["progression"] == "score"
    assert loaded["history"] == result.history and loaded["history"][-1]["step"] == 30
    assert loaded["metrics"] == result.metrics and loaded["metrics"]["test_mae"] > 0
    assert loaded["data"]["name"] == "diabetes" and loaded["data"]["n_test"] == len(p.y_test)
    assert loaded["data"]["dropped"] == []
    assert set(loaded["versions"]) == {"torch", "scikit-learn", "numpy", "python"}
    assert all(isinstance(v, str) for v in loaded["versions"].values())
    assert datetime.fromisoformat(loaded["created"]).tzinfo is not None


def test_saved_file_is_plain_types_that_torch_loads_with_weights_only(ckpt):
    path = checkpoint.save(ckpt)
    raw = torch.load(path, map_location="cpu", weights_only=True)  # raises on any non-plain object
    assert raw["features"] == ckpt["features"]
    assert isinstance(raw["preprocessing"]["numeric"], list)
    assert isinstance(raw["history"], list) and isinstance(raw["history"][0], dict)


@pytest.mark.parametrize("as_", ["path", "str", "bytes", "file"])
def test_load_accepts_paths_bytes_and_file_objects(ckpt, as_):
    path = checkpoint.save(ckpt)
    source = {"path": path, "str": str(path), "bytes": path.read_bytes(), "file": io.BytesIO(path.read_bytes())}[as_]
    assert checkpoint.load(source)["features"] == ckpt["features"]


# ---------------------------------------------------------------------------------------------------------------
# Files built to run code when unpickled


class _Touch:
    """Unpickling this creates ``marker``: a stand-in for any code an attacker would run."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (self.marker,)


class _System:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def _torch_save(obj, path):
    torch.save(obj, path)


def _torch_save_legacy(obj, path):
    torch.save(obj, path, _use_new_zipfile_serialization=False)


def _pickle_dump(obj, path, protocol=pickle.DEFAULT_PROTOCOL):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=protocol)


SAVERS = {
    "torch.save": _torch_save,
    "torch.save-legacy": _torch_save_legacy,
    "pickle.dump": _pickle_dump,
    "pickle.dump-protocol-2": lambda obj, path: _pickle_dump(obj, path, 2),
}


def test_the_malicious_payload_is_live(tmp_path):
    """Control: the payload really runs under plain unpickling, so the refusals below are not vacuous."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_Touch(marker)))
    assert marker.exists()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("payload", [_Touch, _System])
@pytest.mark.parametrize("saver", SAVERS.values(), ids=SAVERS.keys())
def test_file_that_runs_code_is_refused_and_nothing_runs(tmp_path, ckpt, saver, payload):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    saver({**ckpt, "state_dict": {"w": torch.ones(2)}, "extra": payload(marker)}, path)

    for source in (path, path.read_bytes(), io.BytesIO(path.read_bytes())):
        with pytest.raises(CheckpointError) as err:
            checkpoint.load(source)
        assert err.value.code == "unsafe"
        assert "nothing in it was run" in str(err.value)
    assert not marker.exists()


def test_unsafe_file_in_folder_is_listed_as_unreadable_without_running(tmp_path, checkpoint_folder):
    marker = tmp_path / "pwned"
    checkpoint_folder.mkdir()
    torch.save({"x": _Touch(marker)}, checkpoint_folder / "evil.pt")
    [entry] = checkpoint.list_checkpoints()
    assert entry["name"] == "evil" and "could run code" in entry["error"]
    with pytest.raises(CheckpointError, match="could run code"):
        Predictor.from_file(checkpoint.resolve("evil"))
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------------------------
# Broken and foreign files


def _tamper(change):
    """A file maker: the valid checkpoint with ``change(ckpt)`` applied, saved with torch.save."""
    def make(ckpt, valid_bytes):
        change(ckpt)
        return checkpoint.to_bytes(ckpt)
    return make


def _saved(obj):
    return lambda ckpt, valid_bytes: checkpoint.to_bytes(obj() if callable(obj) else obj)


def _set_hidden(ckpt):
    ckpt["model_config"]["hidden"] = [16]


def _reshape_weight(ckpt):
    ckpt["state_dict"]["hidden.0.weight"] = torch.zeros(8, 3)


def _bad_activation(ckpt):
    ckpt["model_config"]["activation"] = "rm -rf"


def _unknown_config_key(ckpt):
    ckpt["model_config"]["colour"] = "red"


def _hidden_out_of_range(ckpt):
    ckpt["model_config"]["hidden"] = [0]


def _hidden_not_numbers(ckpt):
    ckpt["model_config"]["hidden"] = ["big"]


BROKEN = {
    # name: (make file bytes from (ckpt, valid_bytes), expected code, words the message must contain)
    "random bytes": (lambda c, v: random.Random(0).randbytes(4096), "corrupt", "corrupt"),
    "random short": (lambda c, v: b"P", "corrupt", "corrupt"),
    "text file": (lambda c, v: b"age,bmi\n1,2\n", "corrupt", "corrupt"),
    "first half": (lambda c, v: v[: len(v) // 2], "corrupt", "truncated"),
    "all but the last byte": (lambda c, v: v[:-1], "corrupt", "truncated"),
    "pickle cut in a length field": (lambda c, v: b"\x80\x02X\x01", "corrupt", "truncated"),
    "empty": (lambda c, v: b"", "empty", "empty"),
    "foreign dict": (_saved({"a": 1}), "foreign", "not a Torch Playground checkpoint"),
    "foreign list": (_saved([1, 2, 3]), "foreign", "not a Torch Playground checkpoint"),
    "foreign tensor": (_saved(torch.ones(3)), "foreign", "not a Torch Playground checkpoint"),
    "plain pickle of a dict": (lambda c, v: pickle.dumps({"a": 1}), "corrupt", "not a PyTorch file"),
    "bare state_dict": (_saved(lambda: MLP(ModelConfig(n_features=10)).state_dict()), "bare_state_dict",
                        "bare state_dict"),
    "wrong version": (_tamper(lambda c: c.update(version=99)), "version", "version 99"),
    "no version": (_tamper(lambda c: c.pop("version")), "version", "version None"),
    "missing state_dict": (_tamper(lambda c: c.pop("state_dict")), "incomplete", "lacks state_dict"),
    "missing preprocessing and history": (_tamper(lambda c: [c.pop("preprocessing"), c.pop("history")]),
                                          "incomplete", "lacks preprocessing, history"),
    "hidden sizes changed": (_tamper(_set_hidden), "architecture", "do not fit"),
    "weight reshaped": (_tamper(_reshape_weight), "architecture", "(config: ["),
    "unknown activation": (_tamper(_bad_activation), "architecture", "Unknown activation"),
    "unknown config key": (_tamper(_unknown_config_key), "architecture", "colour"),
    "hidden size 0": (_tamper(_hidden_out_of_range), "architecture", "Hidden layers"),
    "hidden size not a number": (_tamper(_hidden_not_numbers), "architecture", "do not fit"),
}


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize(("make", "code", "words"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_or_foreign_file_is_refused_with_a_clear_message(tmp_path, ckpt, valid_bytes, make, code, words):
    raw = make(ckpt, valid_bytes)
    path = tmp_path / "upload.pt"
    path.write_bytes(raw)
    for source in (path, raw):
        with pytest.raises(CheckpointError) as err:
            checkpoint.load(source)
        assert err.value.code == code
        message = str(err.value)
        assert words in message
        assert "\n" not in message and "Traceback" not in message
        assert err.value.__cause__ is None  # raised `from None`: a page shows one sentence, no chained traceback
        if code != "unsafe":
            assert "run code" not in message  # garbage must not be reported as an attack


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(CheckpointError) as err:
        checkpoint.load(tmp_path / "nope.pt")
    assert err.value.code == "not_found" and "nope.pt" in str(err.value)


def test_folder_instead_of_file_is_not_found(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint file"):
        checkpoint.load(tmp_path)


@pytest.mark.parametrize("as_", ["path", "bytes", "file"])
def test_file_over_the_size_limit_is_refused_before_reading(monkeypatch, tmp_path, valid_bytes, as_):
    monkeypatch.setattr(checkpoint, "MAX_BYTES", 1000)
    path = tmp_path / "big.pt"
    path.write_bytes(valid_bytes)
    source = {"path": path, "bytes": valid_bytes, "file": io.BytesIO(valid_bytes)}[as_]
    with pytest.raises(CheckpointError, match="too large") as err:
        checkpoint.load(source)
    assert err.value.code == "file_too_big"


# ---------------------------------------------------------------------------------------------------------------
# Saving: atomic, never overwriting silently


def _fail(*args, **kwargs):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("step", ["fsync", "link"])
def test_failed_save_leaves_no_file_behind(monkeypatch, ckpt, checkpoint_folder, step):
    monkeypatch.setattr(checkpoint.os, step, _fail)
    if step == "link":  # without hard links save falls back to os.replace: make that fail too
        monkeypatch.setattr(checkpoint.os, "replace", _fail)
    with pytest.raises(CheckpointError, match="No space left on device. Check the folder") as err:
        checkpoint.save(ckpt)
    assert err.value.code == "write_failed"
    assert list(checkpoint_folder.iterdir()) == []  # neither a *.pt nor a temporary file
    assert checkpoint.list_checkpoints() == []


def test_failed_overwrite_keeps_the_old_file(monkeypatch, ckpt, checkpoint_folder):
    path = checkpoint.save(ckpt)
    before = path.read_bytes()
    monkeypatch.setattr(checkpoint.os, "replace", _fail)
    with pytest.raises(CheckpointError, match="Could not write"):
        checkpoint.save({**ckpt, "metrics": {"test_mae": 1.0}}, overwrite=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in checkpoint_folder.iterdir()) == ["diabetes-tiny.pt"]


def test_second_save_under_the_same_name_is_refused(ckpt, checkpoint_folder):
    path = checkpoint.save(ckpt)
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match="already exists") as err:
        checkpoint.save({**ckpt, "metrics": {**ckpt["metrics"], "test_mae": 1.0}})
    assert err.value.code == "exists"
    assert path.read_bytes() == before
    assert sorted(p.name for p in checkpoint_folder.iterdir()) == ["diabetes-tiny.pt"]


def test_second_save_is_refused_without_hard_links_too(monkeypatch, ckpt, checkpoint_folder):
    monkeypatch.setattr(checkpoint.os, "link", _fail)  # e.g. FAT or some network drives
    path = checkpoint.save(ckpt)
    assert checkpoint.load(path)["name"] == "diabetes-tiny"
    before = path.read_bytes()
    with pytest.raises(CheckpointError) as err:
        checkpoint.save(ckpt)
    assert err.value.code == "exists" and path.read_bytes() == before
    assert [p.name for p in checkpoint_folder.iterdir()] == ["diabetes-tiny.pt"]


def test_overwrite_replaces(ckpt, checkpoint_folder):
    checkpoint.save(ckpt)
    path = checkpoint.save({**ckpt, "metrics": {**ckpt["metrics"], "test_mae": 1.0}}, overwrite=True)
    assert checkpoint.load(path)["metrics"]["test_mae"] == 1.0
    assert [p.name for p in checkpoint_folder.iterdir()] == ["diabetes-tiny.pt"]


def test_unique_name_counts_up(ckpt):
    assert checkpoint.unique_name("run") == "run"
    checkpoint.save({**ckpt, "name": "run"})
    assert checkpoint.unique_name("run") == "run-2"
    checkpoint.save({**ckpt, "name": "run-2"})
    assert checkpoint.unique_name("run") == "run-3"
    assert checkpoint.unique_name("my run") == "my_run"  # sanitised like save


@pytest.mark.parametrize("stem", ["m" * 100, "집" * 100, "𝐀" * 100], ids=["ascii", "korean", "4-byte letters"])
def test_unique_name_of_a_long_name_can_be_saved(ckpt, checkpoint_folder, stem):
    first = checkpoint.save({**ckpt, "name": stem})
    second_name = checkpoint.unique_name(stem)
    second = checkpoint.save({**ckpt, "name": second_name})  # must not be cut back to the first name
    assert second != first and second.stem == second_name and second_name.endswith("-2")
    for path in (first, second):
        assert len(path.name.encode()) <= 255 and len(path.stem) <= checkpoint.MAX_NAME


# ---------------------------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(("name", "file_name"), [
    ("../../evil", "evil.pt"),
    ("/etc/passwd", "etc_passwd.pt"),
    ("a/b\\c", "a_b_c.pt"),
    ("..\\..\\windows", "windows.pt"),
    ("my first model", "my_first_model.pt"),
    ("집값 모델", "집값_모델.pt"),
    ("model.pt", "model.pt"),
    ("  spaced  ", "spaced.pt"),
    ("~/home", "home.pt"),
])
def test_saved_file_lies_directly_in_the_checkpoint_folder(tmp_path, ckpt, checkpoint_folder, name, file_name):
    path = checkpoint.save({**ckpt, "name": name})
    assert path.name == file_name
    assert path.resolve().parent == checkpoint_folder.resolve()
    assert [p.name for p in tmp_path.rglob("*.pt")] == [file_name]  # nothing written anywhere else
    assert checkpoint.load(path)["name"] == path.stem
    if not pathlib.Path(name).exists():  # resolve takes an existing path as it is (`--checkpoint FILE`)
        assert checkpoint.resolve(name) == path  # the user's own spelling finds it again


@pytest.mark.parametrize("name", ["", "   ", ".", "..", "...", "/", "../", "._-", ".pt", None])
def test_name_without_letters_is_refused(ckpt, checkpoint_folder, name):
    with pytest.raises(CheckpointError, match="Give the checkpoint a name") as err:
        checkpoint.save({**ckpt, "name": name})
    assert err.value.code == "bad_name"
    assert not checkpoint_folder.exists() or list(checkpoint_folder.iterdir()) == []


def test_build_sanitises_the_name(trained):
    p, mc, tc, result = trained
    built = checkpoint.build(name="../집값 모델", model_config=config_dict(mc), train_config=config_dict(tc),
                             prepared=p, result=result)
    assert built["name"] == "집값_모델"


# ---------------------------------------------------------------------------------------------------------------
# The folder, listing, resolving, deleting


def test_folder_comes_from_the_environment_and_directory_overrides(tmp_path, ckpt, checkpoint_folder, monkeypatch):
    assert checkpoint.checkpoint_dir() == checkpoint_folder
    assert checkpoint.save(ckpt).parent == checkpoint_folder

    other = tmp_path / "elsewhere"
    assert checkpoint.save({**ckpt, "name": "other"}, directory=other) == other / "other.pt"
    assert [c["name"] for c in checkpoint.list_checkpoints()] == ["diabetes-tiny"]
    assert [c["name"] for c in checkpoint.list_checkpoints(other)] == ["other"]
    assert checkpoint.resolve("other", other) == other / "other.pt"

    monkeypatch.delenv(checkpoint.ENV_DIR)
    assert checkpoint.checkpoint_dir() == pathlib.Path("checkpoints")
    assert checkpoint.checkpoint_dir(other) == other


def test_list_shows_metadata_newest_first(ckpt):
    old = checkpoint.save({**ckpt, "name": "old", "created": "2024-01-01T00:00:00+00:00"})
    checkpoint.save({**ckpt, "name": "new", "created": "2025-06-01T00:00:00+00:00"})
    checkpoint.save({**ckpt, "name": "middle", "created": "2024-06-01T00:00:00+00:00"})
    items = checkpoint.list_checkpoints()
    assert [c["name"] for c in items] == ["new", "middle", "old"]
    entry = items[-1]
    assert entry["dataset"] == "diabetes" and entry["target"] == "progression"
    assert entry["features"] == ckpt["features"]
    assert entry["test_mae"] == pytest.approx(ckpt["metrics"]["test_mae"])
    assert entry["created"] == "2024-01-01T00:00:00+00:00"
    assert entry["bytes"] == old.stat().st_size > 0
    assert entry["path"] == str(old) and entry["hidden"] == [8, 4] and entry["epochs"] == len(ckpt["history"])
    assert "error" not in entry


def test_list_marks_unreadable_files_instead_of_failing(ckpt, checkpoint_folder):
    checkpoint.save(ckpt)
    (checkpoint_folder / "broken.pt").write_bytes(b"not a checkpoint")
    (checkpoint_folder / "empty.pt").write_bytes(b"")
    torch.save({"a": 1}, checkpoint_folder / "foreign.pt")
    (checkpoint_folder / ".tmp-abc.partial").write_bytes(b"half a save")  # an interrupted save is never listed
    (checkpoint_folder / "notes.txt").write_text("not a checkpoint either")
    items = {c["name"]: c for c in checkpoint.list_checkpoints()}
    assert set(items) == {"diabetes-tiny", "broken", "empty", "foreign"}
    assert "error" not in items["diabetes-tiny"]
    assert "corrupt" in items["broken"]["error"] and items["broken"]["bytes"] == len(b"not a checkpoint")
    assert "empty" in items["empty"]["error"]
    assert "not a Torch Playground checkpoint" in items["foreign"]["error"]
    assert list(checkpoint.list_checkpoints())[0]["name"] == "diabetes-tiny"  # readable (dated) ones first


def test_list_of_a_missing_folder_is_empty(tmp_path):
    assert checkpoint.list_checkpoints(tmp_path / "never-made") == []


def test_delete_removes_and_then_reports_not_found(ckpt, checkpoint_folder):
    checkpoint.save({**ckpt, "name": "집값 모델"})
    checkpoint.delete("집값 모델")
    assert checkpoint.list_checkpoints() == []
    with pytest.raises(CheckpointError) as err:
        checkpoint.delete("집값 모델")
    assert err.value.code == "not_found"


def test_delete_cannot_leave_the_folder(tmp_path, ckpt):
    outside = tmp_path / "precious.pt"
    outside.write_bytes(b"keep me")
    with pytest.raises(CheckpointError):
        checkpoint.delete("../precious")
    assert outside.read_bytes() == b"keep me"


def test_resolve_finds_by_name_or_path(ckpt):
    path = checkpoint.save(ckpt)
    assert checkpoint.resolve("diabetes-tiny") == path
    assert checkpoint.resolve("diabetes-tiny.pt") == path
    assert checkpoint.resolve(str(path)) == path
    with pytest.raises(CheckpointError, match="python -m core list") as err:
        checkpoint.resolve("no-such-model")
    assert err.value.code == "not_found"


def _drop_first_feature(c):
    c["preprocessing"]["numeric"].pop(0)
    c["features"].pop(0)


@pytest.mark.parametrize("tamper", [
    lambda c: c.update(metrics=[1, 2]),
    lambda c: c.update(features="age"),
    lambda c: c["preprocessing"]["numeric"][0].update(mean="0"),
    lambda c: c["preprocessing"].pop("target"),
    lambda c: c.update(features=list(reversed(c["features"]))),
    lambda c: c["preprocessing"]["encoded_names"].pop(),
    _drop_first_feature,
])
def test_damaged_metadata_is_refused_before_anyone_reads_it(ckpt, tamper):
    tamper(ckpt)
    with pytest.raises(CheckpointError) as err:
        checkpoint.load(checkpoint.to_bytes(ckpt))
    assert err.value.code == "incomplete"


# ---------------------------------------------------------------------------------------------------------------
# Saves killed halfway, and what a restart cleans


KILLED_SAVES = 100


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a process to kill it mid-save")
def test_saves_killed_halfway_leave_no_partial_file_after_a_restart(ckpt, checkpoint_folder):
    """A save killed with SIGKILL at a random instant, 100 times (a forked process each time, saving a 4 MB
    checkpoint in a loop): every listed file still loads, and the first listing after (a restart's) removes every
    partial file those kills left, while a partial of a save still running elsewhere (a live pid) stays."""
    import signal
    import time

    n_features = ckpt["model_config"]["n_features"]
    ckpt["model_config"] = {**ckpt["model_config"], "hidden": [1000, 1000]}
    ckpt["state_dict"] = MLP(ModelConfig(n_features=n_features, hidden=(1000, 1000))).state_dict()
    rng = random.Random(0)
    checkpoint_folder.mkdir(parents=True)
    for i in range(KILLED_SAVES):
        pid = os.fork()
        if pid == 0:  # the child: save under new names until killed
            try:
                for j in range(1000):
                    checkpoint.save({**ckpt, "name": f"saved-{i}-{j}"}, checkpoint_folder)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    left = list(checkpoint_folder.glob(checkpoint.PARTIAL))
    print(f"{KILLED_SAVES} kills left {len(left)} partial files")
    assert left, "no kill landed inside a save: the test did not test anything"
    running = checkpoint_folder / f".tmp-{checkpoint._HOST}-{os.getppid()}-abcdefgh.partial"  # a live writer
    running.write_bytes(b"half of a save in progress")
    listed = checkpoint.list_checkpoints(checkpoint_folder)  # as at a restart: the first listing cleans
    assert list(checkpoint_folder.glob(checkpoint.PARTIAL)) == [running]
    assert listed and all("error" not in item for item in listed), [i for i in listed if "error" in i]


@pytest.mark.parametrize("name", ["a\x00b", "two\nlines", "bell\x07"])
def test_a_typed_name_with_control_characters_is_refused_not_rewritten(name):
    with pytest.raises(CheckpointError) as err:
        checkpoint.sanitize_name(name)
    assert err.value.code == "bad_name" and "control characters" in str(err.value)
