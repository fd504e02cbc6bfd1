"""The translations: the Korean gettext catalog checked by the catalog tools themselves, and every sentence core can
show (errors, the tensor playground's notes, row problems, dropped columns) produced for real and read in Korean.

* the catalog (dashboard/catalog.py, Babel and GNU msgfmt): every message translated, none fuzzy, in step with the
  source, every placeholder kept;
* real errors, caused by calling core with bad input: their template, filled in with their own params, reads in
  Korean and keeps the values the English sentence mentions;
* every English sentence core marks is produced by one of those cases, or says here why it cannot be.
"""

import os
import pickle
import re
import shutil
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest
import torch

from core import checkpoint, classroom, data
from core.data import builtin
from core.data.toy import ToyConfig, load_toy
from core.data.toy import generate as generate_toy
from core.errors import CheckpointError, PlaygroundError
from core.lessons import activations, device, tensors
from core.lessons.tensors import (
    Op,
    TensorSpec,
    make_tensor,
    parse_ops,
    parse_shape,
    parse_values,
    run_chain,
    validate_ops,
)
from core.lessons.tensors.chain import _TORCH_OPS
from core.predict import Predictor
from core.store import Preset, Store, preset_name
from core.training.callbacks import DivergenceCheck
from core.training.device import resolve_device
from core.training.model import MLP, ModelConfig, parse_hidden
from core.training.run import Job, execute
from core.training.trainer import TrainConfig, Trainer
from dashboard import catalog
from dashboard.i18n import translate

HANGUL = re.compile("[\uac00-\ud7a3]")

# Sentences core marks that no test here can produce (English → why); each is still in the catalog, checked above.
NOT_TRIGGERED = {
    "A sweep needs torch's fused optimizer kernels, which this device lacks; train the rates one run at a time.":
        "core/training/optim.py, on a device without torch's fused Adam/SGD kernels (MPS); CPU and CUDA have them",
    "The training process ended unexpectedly (it may have run out of memory). Try a smaller model or data set.":
        "set by core/pool/pool.py when a training process dies (killed for memory); tests/pool/test_faults.py kills "
        "workers for real",
    "The training process finished this run without reporting a result. Start it again.":
        "the pool's watchdog (core/pool/pool.py); tests/pool/test_faults.py has an engine that ends a run without its "
        "final event",
    "There is no {device}: this machine has {count} CUDA device(s).": "needs a machine with CUDA",
    "MPS (Apple GPU) is not available here. Use --device cpu or auto.": "only macOS machines have MPS to ask for",
    "PyTorch could not make a {dtype} tensor from these values: {detail}":
        "a safety net: parse_values refuses first what torch.tensor would (tests/lessons/test_tensor_docstrings.py)",
    "NumPy's result still shares memory with a (a view), but PyTorch's is a copy: changing it would not change a.":
        "no chain of the playground's operations is known to reach it (a random search of thousands found none)",
}
if torch.cuda.is_available():
    NOT_TRIGGERED["CUDA was asked for, but torch.cuda.is_available() is False here. Use --device cpu or auto."] = (
        "this machine has CUDA, so asking for it is no error here")

DISAGREEMENT_CHAINS = {  # a chain whose last step shows each disagreement (None: no chain known to produce it)
    "squeeze_not_one": ("[[2, 3, 4, 5]]", None, "squeeze(1)"),
    "numpy_only_fails": ("[[5]]", None, "squeeze().transpose(0, -1)"),
    "shape_differs": ("[[5]]", None, "squeeze().contiguous()"),
    "memory_torch_only": ("[7]", None, "expand(6, 4).flatten()"),
    "view_copies": (None, (2, 3), "t().view(6)"),
    "t_reverses_all": (None, (2, 3, 4), "t()"),
    "torch_only_fails": (None, (2, 3), "reshape(-2, 3)"),
    "memory_numpy_only": None,
}



# ---------------------------------------------------------------------------------------------------------------
# Real errors


LECTURE_A = TensorSpec(source="values", values_text="[[2, 3, 4, 5]]")


def arange(*shape, dtype="float32") -> TensorSpec:
    return TensorSpec(source="arange", shape=shape, dtype=dtype)


def chain(spec: TensorSpec, text: str):
    return lambda tmp, mp: run_chain(spec, parse_ops(text))


def call(fn, *args, **kwargs):
    return lambda tmp, mp: fn(*args, **kwargs)


def csv(text: str | bytes):
    return call(data.read_csv, text.encode() if isinstance(text, str) else text)


def frame_table(target, **columns) -> data.Table:
    return data.Table(frame=pd.DataFrame(columns), target=target, name="t")


def prepare(target, config=None, **columns):
    return call(data.prepare, frame_table(target, **columns), config)


N = 25  # rows: enough to get past the row count check
VARIED = [float(i) for i in range(N)]  # counts up: a target here (as a feature it would be an identifier)
SCRAMBLED = [float((7 * i + 3) % N) for i in range(N)]  # a feature


def _ckpt_dict() -> dict:
    """A small, valid checkpoint made by hand: two numeric features a and b, one hidden layer."""
    config = ModelConfig(n_features=2, hidden=(2,))
    column = {"median": 0.0, "mean": 0.0, "scale": 1.0, "min": -1.0, "max": 1.0}
    return {
        "format": checkpoint.FORMAT, "version": checkpoint.VERSION, "name": "small",
        "state_dict": MLP(config).state_dict(),
        "model_config": {"n_features": 2, "hidden": [2], "activation": "relu", "dropout": 0.0, "n_outputs": 1},
        "train_config": {}, "features": ["a", "b"], "target": "y", "history": [], "metrics": {}, "units": {},
        "preprocessing": {"numeric": [{"name": "a", **column}, {"name": "b", **column}], "categorical": [],
                          "target": {"name": "y", "mean": 0.0, "scale": 1.0, "min": 0.0, "max": 1.0},
                          "encoded_names": ["a", "b"]},
    }


def predictor(method, *args):
    return lambda tmp, mp: getattr(Predictor(_ckpt_dict()), method)(*args)


def save_twice(tmp, mp):
    checkpoint.save({"name": "m"}, tmp)
    checkpoint.save({"name": "m"}, tmp)


def save_into_a_file(tmp, mp):
    (tmp / "file").write_text("not a folder")
    checkpoint.save({"name": "m"}, tmp / "file")


def diverge(loss):
    fake = SimpleNamespace(baseline_mse=1.0, train_config=SimpleNamespace(lr=0.5))
    return call(DivergenceCheck().on_report, fake, epoch=3, batch=2, step=12, loss=loss)


def toy_run(hidden=(4,), resume=None):
    """One epoch on the moons, or on from ``resume``."""
    model = ModelConfig(n_features=2, n_outputs=2, hidden=hidden)
    return Trainer(model, TrainConfig(device="cpu", epochs=2 if resume else 1)).fit(data.prepare(load_toy()), resume)


def nan_predictions(tmp, mp):
    trainer = Trainer(ModelConfig(n_features=2, hidden=(2,)), TrainConfig(device="cpu"))
    with torch.no_grad():
        trainer.model.out.weight.fill_(float("nan"))
    trainer._result(torch.zeros(3, 2), torch.zeros(3), {"mean": 0.0, "scale": 1.0}, "finished", 0, 0.0)


def internal_error(tmp, mp):
    events = []
    job = Job(prepared=None, model_config=ModelConfig(n_features=2, hidden=(2,)),
              train_config=TrainConfig(device="cpu"), threads=torch.get_num_threads())
    with torch.random.fork_rng(devices=[]):  # execute seeds the global generator, as a worker process may
        execute(job, events.append)
    event = events[-1]
    return PlaygroundError(event["template"], code=event["code"], **event["params"])


def california(reachable: bool):
    def run(tmp, mp):
        import sklearn.datasets

        def fetch(*, download_if_missing=True, **kw):
            raise OSError("not cached") if not download_if_missing else ConnectionError("download failed")

        mp.setattr(sklearn.datasets, "fetch_california_housing", fetch)
        mp.setattr(builtin, "_can_reach", lambda host: reachable)
        builtin._california_frame.__wrapped__()  # the function under its cache, which stays as it was

    return run


def feature_mismatch(tmp, mp):
    from core.lessons.microscope import Microscope

    Microscope(data.prepare(frame_table("y", x=SCRAMBLED, y=VARIED)), ModelConfig(n_features=3))


def unreadable(tmp, mp):
    from core.data import reader

    def refuse(source, limit):
        raise PermissionError(13, "Permission denied")

    mp.setattr(reader, "read_capped", refuse)  # as root, chmod 000 still reads
    data.read_csv(tmp / "locked.csv")


def far_once_scaled(tmp, mp):
    """A test value 1e30 beside training values near 1e-40: finite, but infinite in float32 once standardised."""
    import numpy as np

    from core.data.prepare import _check_scaled

    frame = pd.DataFrame({"x": [1e30]})
    _check_scaled(np.array([[np.inf]], dtype=np.float32), frame, frame,
                  {"numeric": [{"name": "x", "mean": 0.0, "scale": 1e-40}]})


def too_big_here(tmp, mp):
    """A file on this machine larger than the command line reads: the limit comes from memory, lowered here."""
    from core.data import reader

    (tmp / "big.csv").write_bytes(b"a,b\n" + b"1,2\n" * 100)
    data.read_csv(tmp / "big.csv", limits=reader.Limits(100, 10, 10, local=True))


def torch_refuses(tmp, mp):
    def refuse(t, args):
        raise RuntimeError("something new in PyTorch")

    mp.setitem(_TORCH_OPS, "contiguous", refuse)
    return run_chain(arange(2, 3), parse_ops("contiguous()"))


def script(source, target):
    def run(tmp, mp):
        from core.training.script import training_script

        training_script(source, target, ModelConfig(), TrainConfig(device="cpu"))

    return run


def case(code, fn, *must, id=None):
    return pytest.param(code, fn, must, id=id or code)


CASES = [
    # model and device settings
    case("no_inputs", call(ModelConfig, n_features=0)),
    case("hidden_sizes", call(ModelConfig, hidden=()), "4096"),
    case("hidden_text", call(parse_hidden, "128, x"), "128"),
    case("model_activation", call(ModelConfig, activation="swish"), "swish"),
    case("dropout", call(ModelConfig, dropout=1.0)),
    case("embedding", call(ModelConfig, embedding="fourier"), "'fourier'", "piecewise"),
    case("embedding_size", call(ModelConfig, embedding_bins=500), "128"),
    case("ensemble", call(ModelConfig, ensemble=64), "32"),
    *([] if torch.cuda.is_available() else [case("no_cuda", call(resolve_device, "cuda"), "CUDA")]),
    # activations
    case("unknown_activation", call(activations.curves, ["swish"]), "swish"),
    case("bad_range", call(activations.curves, ["relu"], 5.0, 1.0), "±1000"),
    case("softmax_size", call(activations.softmax, []), "50"),
    case("temperature", call(activations.softmax, [1.0], 0.0), "0.01", "100"),
    case("lab_size", call(activations.linear_lab, x=[]), "16"),
    case("lab_weight", call(activations.linear_lab, weight=[1.0]), "4개"),
    # training
    case("diverged", diverge(float("nan")), "nan", "에폭 3", "스텝 12", "0.5", id="diverged-nan"),
    case("diverged", diverge(5e6), "5e+06", "1,000배", "에폭 3", id="diverged-exploding"),
    case("diverged_predictions", nan_predictions),
    case("epochs", call(TrainConfig, epochs=0), "10,000"),
    case("report_every", call(TrainConfig, report_every=0), "report_every"),
    case("feature_mismatch", feature_mismatch, "3", "1"),
    case("unknown_device", call(resolve_device, "tpu"), "'tpu'", id="unknown_device-tpu"),
    case("unknown_device", call(resolve_device, "meta"), "'meta'", id="unknown_device-meta"),
    case("batch_size", call(TrainConfig, batch_size=0)),
    case("lr", call(TrainConfig, lr=-1.0), "0.001"),
    case("optimizer", call(TrainConfig, optimizer="rmsprop"), "adam"),
    case("momentum", call(TrainConfig, momentum=1.0)),
    case("schedule", call(TrainConfig, schedule="linear"), "'linear'", "cosine"),
    case("recipe", call(TrainConfig, warmup=0.9), "0.5"),
    case("sweep", call(TrainConfig, sweep="lr", sweep_values=(0.1,)), "2", "8"),
    case("sweep_members", call(Trainer, ModelConfig(n_features=2), TrainConfig(sweep="lr", sweep_values=(0.1, 1.0))),
         "2"),
    case("internal", internal_error),
    # checkpoints
    case("bad_name", call(checkpoint.sanitize_name, "...")),
    case("write_failed", save_into_a_file, "file"),
    case("exists", save_twice, "'m'"),
    case("not_found", lambda tmp, mp: checkpoint.load(tmp / "nope.pt"), "nope.pt", id="not_found-load"),
    case("not_found", lambda tmp, mp: checkpoint.resolve("nope", tmp), "nope", id="not_found-resolve"),
    case("not_found", lambda tmp, mp: checkpoint.delete("nope", tmp), "nope", id="not_found-delete"),
    case("empty", call(checkpoint.load, b"")),
    case("corrupt", call(checkpoint.load, b"junk")),
    case("file_too_big", lambda tmp, mp: (mp.setattr(checkpoint, "MAX_BYTES", 10), checkpoint.load(b"x" * 11))),
    case("unsafe", call(checkpoint.load, pickle.dumps(os.getcwd, protocol=2)), "실행되지 않았습니다"),
    case("bare_state_dict", call(checkpoint.load, checkpoint.to_bytes({"w": torch.zeros(1)})), "state_dict"),
    case("foreign", call(checkpoint.load, checkpoint.to_bytes({"a": 1}))),
    case("version", call(checkpoint.load, checkpoint.to_bytes({"format": checkpoint.FORMAT, "version": 99}))),
    case("incomplete", call(checkpoint.load, checkpoint.to_bytes({"format": checkpoint.FORMAT, "version": 1})),
         id="incomplete-missing"),
    case("incomplete", lambda tmp, mp: checkpoint.validate({**_ckpt_dict(), "features": "a,b"}),
         id="incomplete-damaged"),
    case("incomplete", lambda tmp, mp: checkpoint.validate(
        {**_ckpt_dict(), "preprocessing": {**_ckpt_dict()["preprocessing"], "encoded_names": ["a", "b", "c"]}}),
        id="incomplete-width"),
    case("architecture", lambda tmp, mp: checkpoint.validate({**_ckpt_dict(), "state_dict": {}}),
         id="architecture-weights"),
    case("architecture", call(checkpoint.build_model, {"model_config": {"hidden": []}, "state_dict": {}}),
         id="architecture-config"),
    # data sets and CSV files
    case("california_unavailable", california(reachable=False), "--dataset diabetes", id="california-offline"),
    case("california_unavailable", california(reachable=True), "--dataset diabetes", id="california-failed"),
    case("unknown_dataset", call(data.load_builtin, "iris"), "'iris'"),
    case("csv_encoding", csv(b"x,y\n\xff\xfe\xfa,1\n"), "UTF-8", "CP949"),
    case("csv_not_found", lambda tmp, mp: data.read_csv(tmp / "nope.csv"), "nope.csv", id="csv_not_found-file"),
    case("csv_not_found", lambda tmp, mp: data.read_csv(tmp), id="csv_not_found-folder"),
    case("csv_not_found", unreadable, "locked.csv", id="csv_not_found-permission"),
    case("csv_binary", csv(b"PK\x03\x04 a workbook")),
    case("csv_empty", csv(b""), id="csv_empty-nothing"),
    case("csv_empty", csv(b"\xef\xbb\xbf\xef\xbb\xbf\n"), id="csv_empty-two-byte-order-marks"),
    case("csv_malformed", csv("a,b\n1,2\n1,2,3\n"), "3"),
    case("csv_too_many_rows", csv("a,b\n" + "1,2\n" * (data.MAX_ROWS + 1)), "500,000"),
    case("csv_too_many_columns", csv(",".join(f"c{i}" for i in range(201)) + "\n" + ",".join(["1"] * 201) + "\n"),
         "201", "200"),
    case("csv_one_column", csv("a\n1\n2\n")),
    case("csv_no_header", csv("1,2\n3,4\n")),
    case("csv_duplicate_columns", csv("a,a \n1,2\n"), "'a'"),
    case("csv_too_big", csv(b"a" * (data.MAX_BYTES + 1)), "50 MB"),
    case("csv_too_big", too_big_here, "8 GB", id="csv_too_big-local"),
    case("target_missing", prepare(None, x=SCRAMBLED, y=VARIED), id="target_missing-none"),
    case("target_missing", prepare("z", x=SCRAMBLED, y=VARIED), id="target_missing-unknown"),
    case("target_missing", prepare("Y", x=SCRAMBLED, y=VARIED), "'y'", id="target_missing-did-you-mean"),
    case("target_excluded", prepare("y", data.DataConfig(exclude=("y",)), x=SCRAMBLED, y=VARIED), "'y'"),
    case("no_such_column", prepare("y", data.DataConfig(exclude=("z",)), x=SCRAMBLED, y=VARIED), "'z'",
         id="no_such_column-exclude"),
    case("no_such_column", prepare("y", data.DataConfig(exclude=("X",)), x=SCRAMBLED, y=VARIED), "'x'",
         id="no_such_column-exclude-did-you-mean"),
    case("no_such_column", prepare("y", data.DataConfig(keep=("z",)), x=SCRAMBLED, y=VARIED), "'z'",
         id="no_such_column-keep"),
    case("no_such_column", prepare("y", data.DataConfig(keep=("X",)), x=SCRAMBLED, y=VARIED), "'x'",
         id="no_such_column-keep-did-you-mean"),
    case("target_missing", script("data.csv", None), id="target_missing-script"),
    case("target_not_numeric", prepare("y", data.DataConfig(task="regress"), x=SCRAMBLED, y=["cheap"] * N), "'y'",
         "'cheap'"),
    case("infinite", prepare("y", x=[float("inf")] + VARIED[1:], y=VARIED), "'x'"),
    case("task", prepare("y", data.DataConfig(task="guess"), x=SCRAMBLED, y=VARIED), "'guess'"),
    case("too_big", call(tensors.make_tensor, TensorSpec(source="zeros", shape=(10**30, 0))), "10,000",
         id="too_big-huge-size-beside-0"),
    case("sparse_classes", prepare("y", x=SCRAMBLED, y=[f"name{i}" for i in range(N)]), "'y'", str(N)),
    case("too_many_classes", prepare("y", data.DataConfig(task="classify"), x=[(7 * i) % 120 for i in range(120)],
                                     y=[f"c{i % 60}" for i in range(120)]), "60", "50"),
    case("toy_samples", call(generate_toy, ToyConfig(samples=5)), "100,000"),
    case("toy_noise", call(generate_toy, ToyConfig(noise=5.0)), "0.1"),
    case("outputs_mismatch", lambda tmp, mp: Trainer(ModelConfig(n_features=2), TrainConfig(device="cpu"))
         .fit(data.prepare(load_toy())), "2"),
    case("sweep_task", lambda tmp, mp: Trainer(ModelConfig(n_features=2, n_outputs=2, ensemble=2), TrainConfig(
        device="cpu", sweep="lr", sweep_values=(1e-3, 1e-2))).fit(data.prepare(load_toy()))),
    case("preset_name", lambda tmp, mp: preset_name(" ./ ")),
    case("preset_size", lambda tmp, mp: Store(f"sqlite:///{tmp}/a.db").save_preset(Preset("x", {"a": "b" * 201})),
         "64", "200"),
    case("preset_taken", lambda tmp, mp: [Store(f"sqlite:///{tmp}/b.db").save_preset(Preset("lab", {}, owner=o))
                                          for o in ("teacher", "student")], "'lab'"),
    case("nickname", lambda tmp, mp: classroom.nickname(" \t "), "24"),
    case("nickname_taken", lambda tmp, mp: [classroom.join(Store(f"sqlite:///{tmp}/c.db"), "lab", who, "Ada")
                                            for who in ("one", "two")], "'Ada'"),
    case("resume_mismatch", lambda tmp, mp: toy_run(hidden=(4,), resume=toy_run(hidden=(8,)))),
    case("resume_none", lambda tmp, mp: toy_run(resume=replace(toy_run(), resume=None))),
    case("infinite", far_once_scaled, "'x'", "1e+30", id="infinite-once-scaled"),
    case("test_size", prepare("y", data.DataConfig(test_size=0.9), x=SCRAMBLED, y=VARIED), "0.05", "0.5"),
    case("val_size", prepare("y", data.DataConfig(val_size=0.01), x=SCRAMBLED, y=VARIED), "0.05", "64/16/20"),
    case("feature_transform", prepare("y", data.DataConfig(feature_transform="log"), x=SCRAMBLED, y=VARIED),
         "'log'", "quantile"),
    case("too_few_rows", prepare("y", x=SCRAMBLED[:5], y=VARIED[:5]), "5개", "20개", id="too_few_rows-file"),
    case("too_few_rows", prepare("y", x=SCRAMBLED, y=VARIED[:10] + [None] * (N - 10)), "10개", "20개",
         id="too_few_rows-targets"),
    case("target_constant", prepare("y", x=SCRAMBLED, y=[1.0] * N), "'y'"),
    case("no_features", prepare("y", x=[1.0] * N, y=VARIED)),
    # device
    case("alloc_shape", call(device.allocation_demo, (0,), "cpu")),
    case("alloc_too_big", call(device.allocation_demo, (1024, 1024, 1024), "cpu"), "4,096 MiB", "cpu", "256 MiB"),
    # predictions
    case("missing_columns", predictor("predict_frame", pd.DataFrame({"A": [1.0], "b": [2.0]})), "'A'", "a, b"),
    case("duplicate_columns", predictor("predict_frame", pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])),
         "'a'"),
    case("unknown_columns", predictor("predict_one", {"c": 1.0}), "c", "a, b"),
    case("bad_value", predictor("predict_one", {"a": "x", "b": 1.0})),
    # tensors: the starting tensor
    case("unknown_source", call(make_tensor, TensorSpec(source="linspace")), "linspace", "arange, zeros"),
    case("unknown_dtype", call(make_tensor, TensorSpec(dtype="float16")), "float16", "float32"),
    case("rand_needs_float", call(make_tensor, TensorSpec(source="rand", dtype="int64")), "int64"),
    case("arange_not_bool", call(make_tensor, TensorSpec(source="arange", dtype="bool"))),
    case("bad_shape", call(make_tensor, TensorSpec(source="zeros", shape=(-1, 2))), "(-1, 2)", "6개"),
    case("shape_too_long", call(parse_shape, "2, " * 60), "최대 100자"),
    case("shape_syntax", call(parse_shape, "2; x"), "2; x을(를)"),
    case("bad_seed", call(make_tensor, TensorSpec(source="rand", seed=-1)), "-1"),
    case("too_big", call(make_tensor, TensorSpec(source="zeros", shape=(200, 200))), "40,000", "10,000",
         id="too_big-shape"),
    case("too_big", call(parse_values, "[" + "1, " * 10_001 + "]"), "10,001", id="too_big-values"),
    case("too_big", chain(TensorSpec(values_text="[7]"), "expand(200, 200)"), "40,000", id="too_big-expand"),
    case("too_many_dims", call(make_tensor, TensorSpec(source="zeros", shape=(1,) * 7)), "7차원", "6차원",
         id="too_many_dims-shape"),
    case("too_many_dims", call(parse_values, "[[[[[[[1]]]]]]]"), "7차원", id="too_many_dims-values"),
    case("too_many_dims", chain(TensorSpec(source="zeros", shape=(1,) * 6), "unsqueeze(0)"), "7차원",
         id="too_many_dims-unsqueeze"),
    case("values_too_long", call(parse_values, " " * (tensors.MAX_TEXT + 1)), "20,001", "20,000"),
    case("values_syntax", call(parse_values, "[1, 2"), "[[2, 3, 4, 5]]"),
    case("values_not_list", call(parse_values, "5"), "5 (int)"),
    case("values_not_numbers", call(parse_values, "[1, 'a']"), "[1] 위치에 a이(가)"),
    case("values_mixed", call(parse_values, "[1, [2]]"), "[0], [1]"),
    case("values_ragged", call(parse_values, "[[1, 2], [3]]"), "[1]", "(1,)", "[0]", "(2,)"),
    case("values_empty", call(parse_values, ""), id="values_empty-nothing"),
    case("values_not_finite", call(parse_values, "[nan]", "int32"), "nan", "int32"),
    case("values_out_of_range", call(parse_values, "[2147483647.5]", "int32"), "int32", id="values_out_of_range-int32"),
    case("values_out_of_range", call(parse_values, "[1" + "0" * 400 + "]"), "inf", id="values_out_of_range-huge"),
    case("values_out_of_range", call(parse_values, "[3000000000]", "int32"), "3000000000", "int32", "2147483647"),
    # tensors: the chain
    case("too_many_ops", call(validate_ops, [Op("contiguous")] * 21), "20개", "21개"),
    case("after_size", call(parse_ops, "size(0).view(1)"), "size(0)"),
    case("unknown_op", call(validate_ops, [Op("numpy")]), "numpy", "view, reshape"),
    case("bad_args", call(parse_ops, "view()"), "view(*shape)", "-10,000", "view()", id="bad_args-view"),
    case("bad_args", call(parse_ops, "transpose(1)"), "2개", id="bad_args-transpose"),
    case("ops_too_long", call(parse_ops, "t()." * 600), "2,400", "2,000"),
    case("ops_syntax", call(parse_ops, "view(2, x)"), "9번째", "'x)'"),
    # tensors: what PyTorch refused
    case("torch_error", torch_refuses, "a.contiguous()", "something new in PyTorch"),
    case("no_dims", chain(TensorSpec(values_text="[[5]]"), "squeeze().size(0)"), "b.size(0)"),
    case("t_rank", chain(arange(2, 3, 4), "t()"), "3차원", "(2, 3, 4)"),
    case("two_minus_one", chain(LECTURE_A, "view(-1, -1)"), "view(2, -1)"),
    case("shape_mismatch", chain(LECTURE_A, "view(3, 2)"), "4개", "6입니다", "(2, 2)"),
    case("view_non_contiguous", chain(arange(2, 3), "t().view(6)"), "b.view(6)", "(3, 2)", "(1, 3)",
         "b.contiguous().view(6)", "b.reshape(6)"),
    case("dim_out_of_range", chain(LECTURE_A, "unsqueeze(5)"), "-3..2", id="dim_out_of_range-unsqueeze"),
    case("dim_out_of_range", chain(LECTURE_A, "transpose(0, 2)"), "차원 2", "-2..1", id="dim_out_of_range-transpose"),
    case("dim_out_of_range", chain(LECTURE_A, "flatten(3)"), "차원 3", id="dim_out_of_range-flatten"),
    case("flatten_order", chain(arange(2, 3, 4), "flatten(2, 0)"), "start_dim 2", "end_dim 0"),
    case("bad_permutation", chain(arange(2, 3), "permute(0)"), "permute(1, 0)"),
    case("expand_rank", chain(arange(2, 3), "expand(3)"), "1개", "(2, 3)"),
    case("expand_new_minus_one", chain(LECTURE_A, "expand(-1, 1, 4)")),
    case("expand_mismatch", chain(LECTURE_A, "expand(2, 3)"), "차원 1", "크기는 4"),
    case("bad_size", chain(LECTURE_A, "expand(-3, 4)"), "-3은", id="bad_size-expand"),  # 삼: a final consonant
    case("bad_size", chain(arange(2, 3), "reshape(-2, 3)"), "-2는", id="bad_size-reshape"),
    case("permute_0d", chain(TensorSpec(source="zeros", shape=()), "permute()"), "0차원"),
    case("duplicate_dims", chain(arange(1, 3), "squeeze(0, 0)"), "두 번"),
    case("ambiguous_minus_one", chain(TensorSpec(source="zeros", shape=(0, 4)), "view(0, -1)"), "-1"),
]



def error_of(fn, tmp_path, monkeypatch) -> PlaygroundError:
    try:
        out = fn(tmp_path, monkeypatch)
    except PlaygroundError as err:
        return err
    if isinstance(out, tensors.ChainResult):
        assert out.error is not None, "the chain was expected to fail"
        return out.error
    assert isinstance(out, PlaygroundError), "expected an error"
    return out


def korean(err: PlaygroundError) -> str:
    text = translate(err.template, "ko", **err.params)
    return f"{text} {translate(err.advice, 'ko')}" if err.advice else text


# ---------------------------------------------------------------------------------------------------------------
# The catalog, checked by the catalog tools


def test_the_korean_catalog_is_complete_and_passes_the_catalog_tools_checks():
    """Babel: every message of the source in the catalog, translated, not fuzzy, nothing stale; GNU msgfmt -c: every
    {placeholder} of the English kept and none added (CI installs Debian's gettext for it)."""
    if os.environ.get("CI") == "true":
        assert shutil.which("msgfmt"), "CI must run msgfmt -c (apt-get install gettext)"
    assert catalog.problems("ko") == []


def test_a_changed_english_sentence_becomes_fuzzy_and_fails_the_check(tmp_path, monkeypatch):
    """What a translator is told when English changes: update marks the entry fuzzy, keeps the old Korean as a
    suggestion and the old English in a comment; check then fails until someone looks."""
    (tmp_path / "core").mkdir()
    (tmp_path / "dashboard").mkdir()
    source = tmp_path / "core" / "m.py"
    source.write_text('from core.messages import N_\nA = N_("The file is empty.")\nB = N_("Batch size: {n}")\n')
    monkeypatch.setattr(catalog, "ROOT", tmp_path)
    monkeypatch.setattr(catalog, "LOCALE", tmp_path / "locale")
    catalog.update("ko")
    po = catalog.read("ko")
    po["The file is empty."].string = "파일이 비어 있습니다."
    po["Batch size: {n}"].string = "배치 크기: {n}"
    catalog.write(po, "ko")
    assert catalog.problems("ko") == []
    source.write_text('from core.messages import N_\nA = N_("The file is empty!")\nB = N_("Batch size: {n}")\n')
    catalog.update("ko")
    changed = catalog.read("ko")["The file is empty!"]
    assert "fuzzy" in changed.flags and changed.string == "파일이 비어 있습니다."
    assert "#. English before: The file is empty." in catalog.po_path("ko").read_text()  # for the translator
    assert catalog.msgfmt_problems("ko") == [] or any("fuzzy" in p for p in catalog.msgfmt_problems("ko"))
    assert any("fuzzy" in p for p in catalog.problems("ko"))
    if shutil.which("msgfmt"):  # and msgfmt refuses a translation that loses a placeholder
        po = catalog.read("ko")
        po["Batch size: {n}"].string = "배치 크기"
        catalog.write(po, "ko")
        assert any("'n'" in p for p in catalog.msgfmt_problems("ko"))


def test_the_catalog_compiles_for_the_standard_librarys_gettext():
    assert translate("Train", "ko") != "Train" and HANGUL.search(translate("Train", "ko"))
    assert translate("Train", "en") == "Train"
    assert translate("a sentence nobody marked", "ko") == "a sentence nobody marked"


# ---------------------------------------------------------------------------------------------------------------
# Real errors, in Korean


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch on pickles it did not write
@pytest.mark.parametrize("code, fn, must", CASES)
def test_real_errors_read_in_korean(code, fn, must, tmp_path, monkeypatch):
    err = error_of(fn, tmp_path, monkeypatch)
    assert err.code == code, str(err)
    assert all(isinstance(v, str | int | float | bool) or isinstance(v, list) and all(isinstance(x, str) for x in v)
               for v in err.params.values()), err.params  # plain values: their text is the same everywhere
    text = korean(err)
    leftover = text
    for value in err.params.values():
        leftover = leftover.replace(str(value), "")
    assert HANGUL.search(text) and "{" not in leftover, text
    for part in must:
        assert part in text, f"{part!r} missing from {text!r} (English: {err})"


def produced_sentences(tmp_path, monkeypatch) -> set[str]:
    """The marked sentences the cases here produce: errors (and their shared advice), notes, reasons, problems."""
    found = set()
    for param in CASES:
        with monkeypatch.context() as mp:
            err = error_of(param.values[1], tmp_path, mp)
        found |= {err.template, err.advice}
    for chain_spec in DISAGREEMENT_CHAINS.values():
        if chain_spec:
            values, shape, ops = chain_spec
            spec = TensorSpec(values_text=values) if values else arange(*shape)
            found.add(run_chain(spec, parse_ops(ops)).steps[-1].disagree_template)
    frame = pd.DataFrame({"Unnamed: 0": VARIED, "ID": [f"c{i}" for i in range(N)], "n": VARIED, "y": VARIED,
                          "gone": [None] * N, "same": [1.0] * N, "many": [f"t{i}" for i in range(N)],
                          "x": SCRAMBLED, "city": ["a", "b"] * (N // 2) + ["a"], "left": SCRAMBLED})
    found |= {r["template"] for r in data.plan_columns(frame, "y", exclude=("left",))["roles"]}
    found |= {w["template"] for w in data.prepare(data.Table(frame=frame, target="y", name="t")).report["warnings"]}
    imbalanced = pd.DataFrame({"x": SCRAMBLED * 4, "y": ["no"] * (4 * N - 10) + ["yes"] * 10})
    found |= {w["template"] for w in data.prepare(data.Table(frame=imbalanced, target="y", name="t")).report[
        "warnings"]}
    a, b = SCRAMBLED, [float((11 * i + 5) % N) for i in range(N)]
    for leaky in ({"x": a, "y": [2 * v + 1 for v in a]}, {"a": a, "b": b, "y": [p + q for p, q in zip(a, b)]},
                  {"x": a, "y": [2.0 ** v for v in a]}):  # one column, two together, the target in another form
        prepared = data.prepare(data.Table(frame=pd.DataFrame(leaky), target="y", name="t"))
        found |= {w["template"] for w in prepared.report["warnings"]}
    from core import isolate
    from tests.hostile_checkpoints import KINDS

    for make, _code in KINDS.values():  # hostile checkpoints, each refused with its reason
        try:
            checkpoint.load(make(_ckpt_dict()))
        except CheckpointError as err:
            found |= {err.template, err.advice}
    from core.training.lr_finder import LRFinderConfig
    from core.training.presets import ladder
    from core.uploads import CSV_TYPES, check_file_name

    found |= {name for name, _values in ladder()}  # the tricks ladder's rungs, as its table names them

    for attempt in (lambda: check_file_name("a\x00.csv"), lambda: check_file_name("a.exe", CSV_TYPES),
                    lambda: checkpoint.sanitize_name("two\nlines"),  # names a crafted request sends
                    lambda: LRFinderConfig(steps=5)):
        try:
            attempt()
        except PlaygroundError as err:
            found.add(err.template)
    for what in ("time", "memory"):  # the upload check's child ran out of its limits
        with monkeypatch.context() as mp:
            mp.setattr(isolate, "run", lambda *a, what=what, **k: (_ for _ in ()).throw(isolate.Exceeded(what)))
            try:
                checkpoint.load_untrusted(b"")
            except CheckpointError as err:
                found.add(err.template)
    rows = pd.DataFrame({"a": ["x", "inf", 1e300], "b": [0.0, 0.0, 0.0]})
    ones = _ckpt_dict()  # weights all 1: 1e300 overflows whatever the global RNG drew for the others
    ones["state_dict"] = {k: torch.ones_like(v) for k, v in ones["state_dict"].items()}
    found |= {p["template"] for p in Predictor(ones).predict_frame(rows).problems}
    unseen = dict(_ckpt_dict())
    unseen["preprocessing"] = {**unseen["preprocessing"], "numeric": unseen["preprocessing"]["numeric"][:1],
                               "categorical": [{"name": "b", "fill": "p", "categories": ["p", "q"]}],
                               "encoded_names": ["a", "b=p", "b=q"]}
    unseen["model_config"] = {**unseen["model_config"], "n_features": 3}
    unseen["state_dict"] = MLP(ModelConfig(n_features=3, hidden=(2,))).state_dict()
    found |= {p["template"] for p in Predictor(unseen).predict_frame(pd.DataFrame({"a": [0.0], "b": ["r"]})).problems}
    found.add(run_chain(LECTURE_A, parse_ops("squeeze(0, 1)")).steps[-1].disagree_template)  # several dims
    days = [f"{1 + i % 12:02d}/{1 + i % 9:02d}/2024" for i in range(N - 1)] + ["unknown"]  # no day above 12
    frame = pd.DataFrame({"day": days, "x": SCRAMBLED, "y": VARIED})
    found |= {r["template"] for r in data.plan_columns(frame, "y")["roles"]}
    prepared = data.prepare(data.Table(frame=frame, target="y", name="t"))
    found |= {w["template"] for w in prepared.report["warnings"]}  # ambiguous, and a value that is no date
    dated = dict(_ckpt_dict())
    dated["preprocessing"] = {**prepared.preprocessing, "target": dated["preprocessing"]["target"]}
    dated["features"], dated["model_config"] = prepared.features, {**dated["model_config"], "n_features": 5}
    dated["state_dict"] = MLP(ModelConfig(n_features=5, hidden=(2,))).state_dict()
    found |= {p["template"] for p in Predictor(dated).predict_frame(pd.DataFrame({"x": [0.0], "day": ["?"]})).problems}
    found.add(internal_error(tmp_path, monkeypatch).template)
    from core.lessons.microscope import Microscope
    from core.training.script import comments_in, training_script

    small = data.prepare(data.Table(frame=pd.DataFrame({"x": SCRAMBLED, "y": VARIED}), target="y", name="t"))
    for settings in ({"optimizer": "adam"}, {"optimizer": "sgd", "momentum": 0.0}, {"optimizer": "sgd"}):
        scope = Microscope(small, ModelConfig(n_features=1, hidden=(2,)), TrainConfig(**settings))
        for zero_grad in (True, False):  # the microscope's code comments
            scope.code(zero_grad, say=lambda template, **params: found.add(template) or template)
    for source in ("california", "diabetes", "houses.csv"):  # the generated script's comments, dropout included
        script = training_script(source, "y", ModelConfig(n_features=3, dropout=0.1), TrainConfig())
        comments_in(script, lambda c: found.add(c) or c)
    for transform in ("quantile", "robust"):  # and every recipe line: validation, transforms, L1, clipping, warm-up
        recipe = TrainConfig(l1=1e-5, clip_grad=1.0, schedule="cosine", warmup=0.1, patience=3)
        script = training_script("diabetes", None, ModelConfig(n_features=3, ensemble=2), recipe, val_size=0.2,
                                 feature_transform=transform)
        comments_in(script, lambda c: found.add(c) or c)
    from core.data.toy import ToyConfig, load_toy
    from core.training.class_script import classifier_script

    for name in ("spiral", "moons", "xor"):  # the classifier's script: each teaching set's lines, and a CSV's
        toy = data.prepare(load_toy(ToyConfig(name=name)), data.DataConfig(val_size=0.2))
        comments_in(classifier_script(toy.info, ModelConfig(**toy.shape), TrainConfig()), lambda c: found.add(c) or c)
    classes = pd.DataFrame({"x": SCRAMBLED * 2, "y": ["a", "b"] * N})
    labelled = data.prepare(data.Table(frame=classes, target="y", name="t.csv"))
    comments_in(classifier_script(labelled.info, ModelConfig(**labelled.shape), TrainConfig()),
                lambda c: found.add(c) or c)
    from core.training.presets import ASIDES

    found |= {name for name, _values in ASIDES}  # the ladder's rows that change one thing of the Strong preset
    found |= {name for _lower, name in classroom.METRICS.values()}  # the leaderboard's figures, by their names
    return found - {None}


def test_every_sentence_core_marks_is_produced_here_in_korean_or_says_why_not(tmp_path, monkeypatch):
    marked = {m.id for m in catalog.extract() if m.id and any(path.startswith("core/") for path, _ in m.locations)}
    missing = marked - produced_sentences(tmp_path, monkeypatch) - NOT_TRIGGERED.keys()
    assert not sorted(missing), "add a case that produces it, or say why none can in NOT_TRIGGERED"
    assert NOT_TRIGGERED.keys() <= marked, "NOT_TRIGGERED names a sentence core no longer marks"
    for english in NOT_TRIGGERED:
        assert HANGUL.search(translate(english, "ko"))


# ---------------------------------------------------------------------------------------------------------------
# Where PyTorch and NumPy disagree


@pytest.mark.parametrize("code", sorted(k for k, v in DISAGREEMENT_CHAINS.items() if v))
def test_disagreements_read_in_korean(code):
    values, shape, ops = DISAGREEMENT_CHAINS[code]
    spec = TensorSpec(values_text=values) if values else arange(*shape)
    step = run_chain(spec, parse_ops(ops)).steps[-1]
    assert step.disagree_code == code, step.disagree
    text = translate(step.disagree_template, "ko", **step.disagree_params)
    assert HANGUL.search(text) and "{" not in text
    for value in step.disagree_params.values():
        assert str(value) in text  # every param the English mentions is shown


def test_disagreement_values_show_as_in_english():
    step = run_chain(arange(2, 3, 4), parse_ops("t()")).steps[-1]
    text = translate(step.disagree_template, "ko", **step.disagree_params)
    assert "(2, 3, 4)" in text and "(4, 3, 2)" in text and "permute(2, 1, 0)" in text


def test_negative_longitudes_are_not_called_east_in_korean():
    """California's longitudes are negative: west of Greenwich. A unit of '동경 °' beside -122 says 122° east."""
    from dashboard.i18n import UNITS

    shown = translate(UNITS["°E"], "ko")
    assert "서경 −" in shown and "동경 +" in shown
    assert "남위 −" in translate(UNITS["°N"], "ko")
