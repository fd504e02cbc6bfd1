"""dashboard/error_strings.py: Korean for every error code core raises, and for the tensor playground's notes.

Three kinds of check:

* core's source, read with ``ast``: every code it raises (``code="..."`` keywords, ``_refuse(why, "code")`` in
  checkpoint.py, error dicts ``{"message", "code", "params"}`` in jobs.py and run.py) has a Korean template, and each
  template names only params that every place raising that code passes;
* real errors, caused by calling core with bad input: ``ERRORS[code]["ko"].format(**err.params)`` works, is Korean,
  and keeps the values the English sentence mentions;
* real chains of tensor operations for each way PyTorch and NumPy disagree, formatted with ``DISAGREEMENTS``.
"""

import ast
import os
import pickle
import re
import string
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import torch

from core import checkpoint, data
from core.data import builtin
from core.errors import PlaygroundError
from core.lessons import activations, device, tensors
from core.lessons.tensors import Op, TensorSpec, make_tensor, parse_ops, parse_values, run_chain, validate_ops
from core.lessons.tensors.chain import _TORCH_OPS
from core.predict import Predictor
from core.training.callbacks import DivergenceCheck
from core.training.device import resolve_device
from core.training.model import MLP, ModelConfig, parse_hidden
from core.training.run import Job, execute
from core.training.trainer import TrainConfig, Trainer
from dashboard.error_strings import DISAGREEMENTS, ERRORS

CORE = Path(__file__).resolve().parents[1] / "core"
HANGUL = re.compile("[\uac00-\ud7a3]")

# Codes core raises that deliberately have no Korean (code → why). None today.
UNTRANSLATED: dict[str, str] = {}

# Codes raised in more than one file, with different meanings, so that one template cannot serve both.
KNOWN_SHARED: dict[str, str] = {}
# Codes raised in more than one file with the same meaning (checked by reading each sentence).
SHARED_SAME_MEANING = {
    "target_missing": "core/data.py (no target, or a name that is not a column), core/script.py (no target)",
}
# Raise sites whose params do not fill their code's template, on purpose (file, code) → why.
PARAMS_EXEMPT: dict[tuple[str, str], str] = {}

# Codes with no practical way to raise them in a unit test (code → why); their templates are still checked statically.
NOT_TRIGGERED = {
    "worker_died": "set by core/pool/pool.py when a training process dies (e.g. killed for memory); no params",
}
if torch.cuda.is_available():
    NOT_TRIGGERED["no_cuda"] = "this machine has CUDA, so asking for it is no error here"

DISAGREEMENT_CHAINS = {  # a chain whose last step shows each disagreement (None: no chain known to produce it)
    "squeeze_not_one": ("[[2, 3, 4, 5]]", None, "squeeze(1)"),
    "numpy_only_fails": ("[[5]]", None, "squeeze().transpose(0, -1)"),
    "shape_differs": ("[[5]]", None, "squeeze().contiguous()"),
    "memory_torch_only": ("[7]", None, "expand(6, 4).flatten()"),
    "view_copies": (None, (2, 3), "t().view(6)"),
    "t_reverses_all": (None, (2, 3, 4), "t()"),
    "torch_only_fails": (None, (2, 3), "reshape(-2, 3)"),
    # memory_numpy_only: NumPy sharing memory where PyTorch copies; no chain of the playground's operations is
    # known to reach it (a random search over thousands of chains found none). Checked with its params, {}.
    "memory_numpy_only": None,
}


# ---------------------------------------------------------------------------------------------------------------
# Reading core's source


@dataclass(frozen=True)
class Site:
    code: str
    file: str  # "core/data.py"
    line: int
    params: frozenset  # the keyword params passed with the code

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.code}"


def _str(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keywords(call: ast.Call) -> frozenset:
    names = [kw.arg for kw in call.keywords if kw.arg != "code"]
    assert None not in names, f"line {call.lineno}: **params cannot be checked; pass params by name"
    return frozenset(names)


def _refuse_params(tree: ast.Module) -> frozenset:
    """The params ``_refuse`` (checkpoint.py) passes with the code it is given."""
    refuse = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_refuse")
    call = next(n for n in ast.walk(refuse) if isinstance(n, ast.Call) and any(k.arg == "code" for k in n.keywords))
    return _keywords(call)


def _dict_site(node: ast.Dict) -> tuple[str, frozenset] | None:
    """An error passed on as a dict: {"message": ..., "code": "...", "params": {...}} (jobs.py, run.py)."""
    entries = {_str(k): v for k, v in zip(node.keys, node.values) if k is not None}
    if not {"message", "code", "params"} <= entries.keys() or _str(entries["code"]) is None:
        return None
    params = entries["params"]
    assert isinstance(params, ast.Dict) and all(_str(k) for k in params.keys), f"line {node.lineno}: literal params"
    return _str(entries["code"]), frozenset(_str(k) for k in params.keys)


def _scan_errors() -> list[Site]:
    sites = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        file = path.relative_to(CORE.parent).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "code" and _str(kw.value) is not None:
                        sites.append(Site(_str(kw.value), file, node.lineno, _keywords(node)))
                if isinstance(node.func, ast.Name) and node.func.id == "_refuse":
                    assert len(node.args) >= 2 and _str(node.args[1]), f"{file}:{node.lineno}: _refuse needs a code"
                    sites.append(Site(_str(node.args[1]), file, node.lineno, _refuse_params(tree)))
            elif isinstance(node, ast.Dict) and (found := _dict_site(node)):
                sites.append(Site(found[0], file, node.lineno, found[1]))
    return sites


def _scan_disagreements() -> list[Site]:
    """``return "code", message, params`` in core/lessons/tensors/numpy_side.py's disagreement functions."""
    file = "core/lessons/tensors/numpy_side.py"
    tree = ast.parse((CORE.parent / file).read_text(encoding="utf-8"))
    sites = []
    for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        dicts = {t.id: n.value for n in ast.walk(func) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict)
                 for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(func):
            if not (isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3
                    and _str(node.value.elts[0])):
                continue
            params = node.value.elts[2]
            params = dicts.get(params.id) if isinstance(params, ast.Name) else params
            assert isinstance(params, ast.Dict), f"{file}:{node.lineno}: params must be a dict literal"
            sites.append(Site(_str(node.value.elts[0]), file, node.lineno,
                              frozenset(_str(k) for k in params.keys)))
    return sites


SITES = _scan_errors()
CODES = {s.code for s in SITES}
DISAGREEMENT_SITES = _scan_disagreements()


def fields(template: str) -> set[str]:
    """The params a template names: "{call}", "{limit:,}", "{name!r}" → call, limit, name."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            assert field and not field.isdigit(), f"positional field in {template!r}"
            names.add(re.split(r"[.\[]", field)[0])
    return names


def test_the_scan_finds_codes_of_every_kind():
    assert len(SITES) > 100
    by_file = {s.file for s in SITES}
    assert {"core/lessons/activations.py", "core/training/callbacks.py", "core/checkpoint.py", "core/data/reader.py",
            "core/lessons/device.py", "core/predict.py", "core/lessons/tensors/spec.py",
            "core/lessons/tensors/ops.py", "core/lessons/tensors/explain.py", "core/lessons/tensors/chain.py",
            "core/training/trainer.py", "core/pool/pool.py", "core/training/run.py"} <= by_file
    assert {"corrupt", "incomplete", "csv_empty", "view_non_contiguous", "too_many_dims", "worker_died",
            "diverged"} <= CODES
    assert {s.code for s in DISAGREEMENT_SITES} == set(DISAGREEMENT_CHAINS)


def test_every_code_core_raises_has_korean():
    missing = sorted(CODES - ERRORS.keys() - UNTRANSLATED.keys())
    assert not missing, f"no Korean in dashboard/error_strings.py for: {missing}"


def test_every_entry_is_a_code_core_raises():
    assert not sorted(ERRORS.keys() - CODES), "entries for codes core no longer raises"
    assert not sorted(UNTRANSLATED.keys() & ERRORS.keys())


def test_codes_shared_between_files_are_known():
    files: dict[str, set] = {}
    for s in SITES:
        files.setdefault(s.code, set()).add(s.file)
    shared = {code for code, where in files.items() if len(where) > 1}
    assert shared == KNOWN_SHARED.keys() | SHARED_SAME_MEANING.keys(), (
        "a code raised in a new file: check that it means the same there (SHARED_SAME_MEANING), or rename it")


@pytest.mark.parametrize("table", [ERRORS, DISAGREEMENTS], ids=["errors", "disagreements"])
def test_entries_are_korean_templates(table):
    for code, entry in table.items():
        assert set(entry) == {"ko"}, code
        assert isinstance(entry["ko"], str) and HANGUL.search(entry["ko"]), code
        fields(entry["ko"])  # parses, no positional fields
        assert "  " not in entry["ko"] and entry["ko"] == entry["ko"].strip(), code


@pytest.mark.parametrize("site", SITES, ids=str)
def test_template_uses_only_params_its_raise_site_passes(site):
    if site.code not in ERRORS:
        pytest.skip(UNTRANSLATED.get(site.code, "untranslated"))
    unknown = fields(ERRORS[site.code]["ko"]) - site.params
    if (site.file, site.code) in PARAMS_EXEMPT:
        assert unknown, "the known clash is gone: update KNOWN_SHARED and PARAMS_EXEMPT"
        return
    assert not unknown, f"{site} passes {sorted(site.params)}; the Korean also names {sorted(unknown)}"


@pytest.mark.parametrize("site", DISAGREEMENT_SITES, ids=str)
def test_disagreement_template_uses_only_its_params(site):
    assert fields(DISAGREEMENTS[site.code]["ko"]) <= site.params


def test_constants_written_into_the_korean_match_core():
    """Some English sentences spell out constants that are not params; the Korean writes them too."""
    assert ", ".join(activations.FUNCTIONS) in ERRORS["unknown_activation"]["ko"]
    assert ", ".join(data.BUILTIN) in ERRORS["unknown_dataset"]["ko"]
    assert f"{data.MAX_CATEGORIES}개 이하" in ERRORS["no_features"]["ko"]
    assert f"버전 {checkpoint.VERSION}" in ERRORS["version"]["ko"]
    assert str(2**63 - 1) in ERRORS["bad_seed"]["ko"]
    from core.training.optim import OPTIMIZERS

    assert ", ".join(OPTIMIZERS) in ERRORS["optimizer"]["ko"]


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
VARIED = [float(i) for i in range(N)]


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
    return PlaygroundError(event["message"], code=event["code"], **event["params"])


def california(reachable: bool):
    def run(tmp, mp):
        import sklearn.datasets

        def fetch(*, download_if_missing=True, **kw):
            raise OSError("not cached") if not download_if_missing else ConnectionError("download failed")

        mp.setattr(sklearn.datasets, "fetch_california_housing", fetch)
        mp.setattr(builtin, "_can_reach", lambda host: reachable)
        builtin._california_frame.__wrapped__()  # the function under its cache, which stays as it was

    return run


def torch_refuses(tmp, mp):
    def refuse(t, args):
        raise RuntimeError("something new in PyTorch")

    mp.setitem(_TORCH_OPS, "contiguous", refuse)
    return run_chain(arange(2, 3), parse_ops("contiguous()"))


def microscope(**settings):
    """core/microscope.py checks its settings before it looks at the data, so none is needed."""
    def run(tmp, mp):
        from core.lessons.microscope import Microscope  # imported here: a broken module fails only these cases

        Microscope(None, ModelConfig(), **settings)

    return run


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
    case("diverged", diverge(5e6), "5000000.0", "에폭 3", id="diverged-exploding"),
    case("diverged_predictions", nan_predictions),
    case("epochs", call(TrainConfig, epochs=0), "10,000"),
    case("batch_size", call(TrainConfig, batch_size=0)),
    case("lr", call(TrainConfig, lr=-1.0), "0.001"),
    case("optimizer", call(TrainConfig, optimizer="rmsprop"), "adam"),
    case("momentum", call(TrainConfig, momentum=1.0)),
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
    case("target_missing", prepare(None, x=VARIED, y=VARIED), id="target_missing-none"),
    case("target_missing", prepare("z", x=VARIED, y=VARIED), id="target_missing-unknown"),
    case("target_missing", script("data.csv", None), id="target_missing-script"),
    case("target_not_numeric", prepare("y", x=VARIED, y=["cheap"] * N), "'y'", "'cheap'"),
    case("infinite", prepare("y", x=[float("inf")] + VARIED[1:], y=VARIED), "'x'"),
    case("test_size", prepare("y", data.DataConfig(test_size=0.9), x=VARIED, y=VARIED), "0.05", "0.5"),
    case("too_few_rows", prepare("y", x=VARIED[:5], y=VARIED[:5]), "5개", "20개"),
    case("target_constant", prepare("y", x=VARIED, y=[1.0] * N), "'y'"),
    case("no_features", prepare("y", x=[1.0] * N, y=VARIED)),
    # device
    case("alloc_shape", call(device.allocation_demo, (0,), "cpu")),
    case("alloc_too_big", call(device.allocation_demo, (1024, 1024, 1024), "cpu"), "4,096 MiB", "cpu", "256 MiB"),
    # predictions
    case("missing_columns", predictor("predict_frame", pd.DataFrame({"A": [1.0], "b": [2.0]})), "'a'", "'b'"),
    case("duplicate_columns", predictor("predict_frame", pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])),
         "'a'"),
    case("unknown_columns", predictor("predict_one", {"c": 1.0}), "'c'"),
    case("bad_value", predictor("predict_one", {"a": "x", "b": 1.0})),
    # tensors: the starting tensor
    case("unknown_source", call(make_tensor, TensorSpec(source="linspace")), "linspace", "arange, zeros"),
    case("unknown_dtype", call(make_tensor, TensorSpec(dtype="float16")), "float16", "float32"),
    case("rand_needs_float", call(make_tensor, TensorSpec(source="rand", dtype="int64")), "int64"),
    case("arange_not_bool", call(make_tensor, TensorSpec(source="arange", dtype="bool"))),
    case("bad_shape", call(make_tensor, TensorSpec(source="zeros", shape=(0, 2))), "(0, 2)", "6개"),
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
    case("values_empty", call(parse_values, "[[]]"), id="values_empty-nested"),
    case("values_infinite", call(parse_values, "[1e999]"), "inf"),
    case("values_out_of_range", call(parse_values, "[3000000000]", "int32"), "3000000000", "int32", "2147483647"),
    # tensors: the chain
    case("too_many_ops", call(validate_ops, [Op("contiguous")] * 21), "20개", "21개"),
    case("after_size", call(parse_ops, "size(0).view(1)"), "size(0)"),
    case("unknown_op", call(validate_ops, [Op("numpy")]), "numpy", "view, reshape"),
    case("bad_args", call(parse_ops, "view()"), "view(*shape)", "-10,000", "view()", id="bad_args-view"),
    case("bad_args", call(parse_ops, "transpose(1)"), "최소 2개, 최대 2개", id="bad_args-transpose"),
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
    case("bad_size", chain(LECTURE_A, "expand(0, 4)"), "0은(는)", id="bad_size-expand"),
    case("bad_size", chain(arange(2, 3), "reshape(-2, 3)"), "-2은(는)", id="bad_size-reshape"),
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


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch on pickles it did not write
@pytest.mark.parametrize("code, fn, must", CASES)
def test_real_errors_read_in_korean(code, fn, must, tmp_path, monkeypatch):
    err = error_of(fn, tmp_path, monkeypatch)
    assert err.code == code, str(err)
    assert all(isinstance(v, str | int | float | bool) or isinstance(v, list) and all(isinstance(x, str) for x in v)
               for v in err.params.values()), err.params  # plain values: their text is the same everywhere
    text = ERRORS[code]["ko"].format(**err.params)
    leftover = text
    for value in err.params.values():
        leftover = leftover.replace(str(value), "")
    assert HANGUL.search(text) and "{" not in leftover, text
    for part in must:
        assert part in text, f"{part!r} missing from {text!r} (English: {err})"


def test_every_code_is_raised_here_or_says_why_not():
    raised = {p.values[0] for p in CASES}
    assert not sorted(CODES - raised - NOT_TRIGGERED.keys()), "add a case that raises it"
    assert not sorted(raised & NOT_TRIGGERED.keys())
    for code in NOT_TRIGGERED:  # their params as the raise site passes them
        params = {s.params for s in SITES if s.code == code}
        assert params == {frozenset()} and HANGUL.search(ERRORS[code]["ko"].format())


def test_a_too_large_checkpoint_reads_in_korean(monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_BYTES", 10)
    with pytest.raises(PlaygroundError) as caught:
        checkpoint.load(b"x" * 11)
    assert caught.value.code == "file_too_big"
    assert HANGUL.search(ERRORS["file_too_big"]["ko"].format(**caught.value.params))


# ---------------------------------------------------------------------------------------------------------------
# Where PyTorch and NumPy disagree


@pytest.mark.parametrize("code", sorted(DISAGREEMENT_CHAINS))
def test_disagreements_read_in_korean(code):
    if DISAGREEMENT_CHAINS[code] is None:
        params = {}
    else:
        values, shape, ops = DISAGREEMENT_CHAINS[code]
        spec = TensorSpec(values_text=values) if values else arange(*shape)
        step = run_chain(spec, parse_ops(ops)).steps[-1]
        assert step.disagree_code == code, step.disagree
        params = step.disagree_params
    text = DISAGREEMENTS[code]["ko"].format(**params)
    assert HANGUL.search(text) and "{" not in text
    for value in params.values():
        assert str(value) in text  # every param the English mentions is shown


def test_disagreement_values_show_as_in_english():
    step = run_chain(arange(2, 3, 4), parse_ops("t()")).steps[-1]
    text = DISAGREEMENTS[step.disagree_code]["ko"].format(**step.disagree_params)
    assert "(2, 3, 4)" in text and "(4, 3, 2)" in text and "permute(2, 1, 0)" in text
    step = run_chain(LECTURE_A, parse_ops("squeeze(1)")).steps[-1]
    assert "squeeze(1)" in DISAGREEMENTS["squeeze_not_one"]["ko"].format(**step.disagree_params)
