"""Hostile checkpoint files, as an attacker on a shared class server would craft them (issue 13): small files that
ask for gigabytes, archives that inflate, metadata that unpickles into millions of objects, and damage that once
passed validation. Each maker takes a valid checkpoint dict (and may change a copy of it) and returns the file's
bytes; ``KINDS`` maps a name to (maker, the refusal's code). Used by tests/test_hostile_checkpoints.py and
bench/bench_hostile.py."""

import copy
import io
import zipfile

import torch

from core import checkpoint


def _saved(change):
    def make(valid: dict) -> bytes:
        ckpt = copy.deepcopy(valid)
        change(ckpt)
        return checkpoint.to_bytes(ckpt)
    return make


def _with_member(name: str, payload: bytes, compress=zipfile.ZIP_DEFLATED, replace: str | None = None):
    """The valid file's archive with one member added (or ``replace``'s member's bytes swapped for ``payload``)."""
    def make(valid: dict) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(checkpoint.to_bytes(valid)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for info in source.infolist():
                body = source.read(info)
                if replace and info.filename.endswith(replace):
                    body = payload
                target.writestr(info, body)
            if not replace:
                target.writestr(zipfile.ZipInfo(f"archive/data/{name}"), payload, compress_type=compress,
                                compresslevel=9)
        return out.getvalue()
    return make


def wide_config(ckpt):
    """A 5.6 KB file whose configuration asks for 200,000 inputs: building that model first took gigabytes."""
    ckpt["model_config"]["n_features"] = 200_000
    ckpt["model_config"]["hidden"] = [4096, 4096]


def long_history(entries: int):
    return _saved(lambda c: c.update(history=[{"epoch": i} for i in range(entries)]))


def nan_weights(ckpt):
    name = next(iter(ckpt["state_dict"]))
    ckpt["state_dict"][name] = ckpt["state_dict"][name].clone()
    ckpt["state_dict"][name][0] = float("nan")


def float64_weights(ckpt):
    ckpt["state_dict"] = {k: v.double() for k, v in ckpt["state_dict"].items()}


def empty_dict_bomb(count: int) -> bytes:
    """data.pkl as a list of ``count`` empty dicts: one byte each in the file, 64 bytes each once unpickled."""
    return b"\x80\x02]q\x00(" + b"}" * count + b"e."


KINDS = {
    "config asks for 200,000 inputs": (_saved(wide_config), "architecture"),
    "history of 20,000 epochs": (long_history(20_000), "too_long"),
    "history of 400,000 entries (2M pickle operations)": (long_history(400_000), "metadata_too_big"),
    "zip member inflating to 300 MiB": (_with_member("99", bytes(300 * 2**20)), "unpacked_too_big"),
    "data.pkl of 9 MiB": (_with_member(None, b"\x80\x02X" + bytes(9 * 2**20) + b".", replace="data.pkl"),
                          "metadata_too_big"),
    "data.pkl of 4 million empty dicts": (_with_member(None, empty_dict_bomb(4_000_000), replace="data.pkl"),
                                          "metadata_too_big"),
    "feature name of 2 MB": (_saved(lambda c: c["features"].__setitem__(0, "x" * 2_000_000)), "too_long"),
    "a feature name with NUL": (_saved(lambda c: c["features"].__setitem__(0, "age\x00")), "bad_name"),
    "a checkpoint name with a line break": (_saved(lambda c: c.update(name="teacher\n(shared)")), "bad_name"),
    "60,000 features": (_saved(lambda c: c.update(features=[f"f{i}" for i in range(60_000)])), "too_long"),
    "test_mae is a string": (_saved(lambda c: c["metrics"].update(test_mae="0.5")), "incomplete"),
    "NaN in the weights": (_saved(nan_weights), "not_finite"),
    "float64 weights": (_saved(float64_weights), "dtype"),
    "a weight missing": (_saved(lambda c: c["state_dict"].pop("out.bias")), "architecture"),
    "weights as lists": (_saved(lambda c: c.update(state_dict={k: v.tolist() for k, v in c["state_dict"].items()})),
                         "architecture"),
    "a tensor too many": (_saved(lambda c: c["state_dict"].update(extra=torch.zeros(3))), "architecture"),
}
