"""Checkpoints: one dict of plain types and tensors, saved atomically, loaded with ``weights_only=True`` only.

A checkpoint holds everything needed to rebuild the model and to predict with it::

    {"format": "torch-playground-checkpoint", "version": 2, "name": ..., "created": ISO time,
     "state_dict": {...}, "model_config": {...}, "train_config": {...},
     "features": [...], "target": "...", "preprocessing": {...}, "units": {...},
     "history": [...], "metrics": {...}, "data": {...}, "versions": {...}}

Loading never unpickles arbitrary objects: ``torch.load(..., weights_only=True)`` refuses anything but tensors and
plain containers, so a file built to run code when unpickled is refused before any of its code runs.

That stops code, not memory or time. Before anything is allocated for it, a file is checked the way safetensors
checks declared shapes against its bytes: the archive's unpacked size and its metadata's size are capped before
unpickling; the metadata is checked against a schema (types, ranges, lengths); the weights' names, shapes and dtypes
are compared with the shapes the model configuration implies, and must be finite, before any model is built. An
upload (``load_untrusted``) is checked first in a child process with its own memory and time limits
(core/isolate.py), so that even a file built to exhaust the unpickler costs the server nothing.

Version 1 held an ensemble's (or a sweep's) layers as ``(k, in, out)``, each member's ``nn.Linear`` weight
transposed; version 2 holds ``nn.Linear``'s own ``(k, out, in)``. A version 1 file is read as the same model.
"""

import io
import os
import pickle
import platform
import re
import socket
import struct
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import torch

from core import isolate
from core.checkpoint_checks import (  # noqa: F401  (ONLY_OURS re-exported: callers read it here)
    _REQUIRED,
    MAX_BYTES,
    ONLY_OURS,
    _check_archive,
    _config,
    _refuse,
    _runs_code,
    _weights_fit,
    _well_formed,
    _within_limits,
)
from core.data.preprocessing import source_columns
from core.errors import N_, CheckpointError
from core.training.model import MLP
from core.uploads import TooLarge, has_control_characters, read_capped

FORMAT = "torch-playground-checkpoint"
VERSION = 2
READS = (1, 2)  # the format versions this app reads (version 1: see above)
SUFFIX = ".pt"
ENV_DIR = "TORCH_PLAYGROUND_CHECKPOINTS"
MAX_NAME = 80  # letters in a checkpoint's name
MAX_NAME_BYTES = 240  # file systems allow 255 bytes per file name; a Korean letter takes 3 bytes, some letters 4
CHECK_MEMORY = 1 << 30  # bytes the child that checks an upload may allocate (core/isolate.py)
CHECK_SECONDS = 20.0  # and seconds it may take; a real checkpoint takes well under one
EXISTS = N_("A checkpoint named {name!r} already exists. Choose another name or delete the old one first.")


def checkpoint_dir(directory=None) -> Path:
    """The folder checkpoints live in: ``directory``, else $TORCH_PLAYGROUND_CHECKPOINTS, else ./checkpoints."""
    return Path(directory or os.environ.get(ENV_DIR) or "checkpoints")


def sanitize_name(name: str) -> str:
    """A file-name stem from a user's name: letters (any script), digits, '-', '_' and '.'; no path parts."""
    if has_control_characters(str(name or "")):
        raise CheckpointError(N_("A checkpoint's name cannot contain control characters (such as NUL or a line "
                                 "break). Type the name again."), code="bad_name", name=repr(name))
    stem = re.sub(r"\.pt$", "", str(name or "").strip(), flags=re.IGNORECASE)
    stem = re.sub(r"[^\w.\-]+", "_", stem)  # \w is Unicode-aware: Korean names stay readable
    stem = _clip(stem.strip("._-")).strip("._-")
    if not stem:
        raise CheckpointError(N_("Give the checkpoint a name made of letters, digits, '-', '_' or '.'."),
                              code="bad_name", name=str(name))
    return stem


def _clip(stem: str, suffix: str = "") -> str:
    """``stem`` cut between letters so that ``stem + suffix`` keeps within MAX_NAME letters and MAX_NAME_BYTES."""
    stem = stem[:MAX_NAME - len(suffix)].encode()[:MAX_NAME_BYTES - len(suffix.encode())]
    return stem.decode(errors="ignore") + suffix  # "ignore" drops a letter cut in half


def versions() -> dict:
    import numpy
    import sklearn

    return {"torch": str(torch.__version__), "scikit-learn": str(sklearn.__version__),
            "numpy": str(numpy.__version__), "python": platform.python_version()}


def build(*, name: str, model_config: dict, train_config: dict, prepared, result) -> dict:
    """The checkpoint dict for a finished (or stopped) run; ``prepared`` is data.Prepared, ``result`` TrainResult."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": sanitize_name(name),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "state_dict": result.state_dict,
        "model_config": model_config,
        "train_config": train_config,
        "features": list(prepared.features),
        "target": prepared.info["target"],
        "preprocessing": prepared.preprocessing,
        "units": dict(prepared.info.get("units", {})),
        "history": list(result.history),
        "metrics": dict(result.metrics),
        "status": result.status,
        "data": {k: v for k, v in prepared.info.items() if k != "units"} | {
            "dropped": [d["column"] for d in prepared.report["dropped"]]},
        "versions": versions(),
    }


def to_bytes(checkpoint: dict) -> bytes:
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    return buffer.getvalue()


def save(checkpoint: dict, directory=None, *, overwrite: bool = False) -> Path:
    """Write ``<dir>/<name>.pt`` atomically: a killed process leaves no partial file under a listed name.

    Refuses to replace an existing file unless ``overwrite``; the name is sanitised, so it can never leave the folder.
    """
    folder = checkpoint_dir(directory)
    name = sanitize_name(checkpoint.get("name", ""))
    try:
        return _save(checkpoint, folder, name, overwrite)
    except OSError as err:  # disk full, permission denied, a file where the folder should be
        raise CheckpointError(N_("Could not write the checkpoint to {folder}: {reason}. Check the folder and free "
                                 "space, then save again."), code="write_failed", folder=str(folder),
                              reason=str(err.strerror or err)) from None


def _save(checkpoint: dict, folder: Path, name: str, overwrite: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = {**checkpoint, "name": name}
    final = folder / f"{name}{SUFFIX}"
    payload = to_bytes(checkpoint)
    # Not *.pt: never listed. The writer's host and pid in the name let a restart tell a killed save's leftover from
    # a save another server (sharing the folder) has in progress.
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{_HOST}-{os.getpid()}-", suffix=".partial", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, final)
        else:
            try:
                os.link(tmp, final)  # atomic, and fails if the name exists: no race between check and write
            except FileExistsError:
                raise CheckpointError(EXISTS, code="exists", name=name) from None
            except OSError:  # file systems without hard links: fall back to an exclusive check, then rename
                if final.exists():
                    raise CheckpointError(EXISTS, code="exists", name=name) from None
                os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return final


PARTIAL = ".tmp-*.partial"  # what _save writes before the rename; a killed save leaves one behind
STALE_PARTIAL = 600.0  # seconds: a save takes well under one; an older partial file is a killed save's leftover
_HOST = re.sub(r"[^\w.]", "_", socket.gethostname()) or "host"


def clean_partials(directory=None, older_than: float = STALE_PARTIAL) -> int:
    """Remove the partial files that killed saves left in the folder and its sessions' folders, as PostgreSQL clears
    its temporary files at start: one whose writer (this host, its pid) is gone at once, any other once it is older
    than ``older_than`` (another server sharing the folder may be saving it now). Returns how many were removed."""
    folder, removed, now = checkpoint_dir(directory), 0, time.time()
    for path in [*folder.glob(PARTIAL), *folder.glob(f"*/*/{PARTIAL}")]:
        try:
            if _writer_gone(path.name) or now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
        except OSError:  # gone already (another server cleaned it), or not ours to remove
            pass
    return removed


def _writer_gone(name: str) -> bool:
    """Whether the partial file ``name`` (.tmp-<host>-<pid>-<random>.partial) was written by a process of this host
    that has ended."""
    parts = name[len(".tmp-"):].rsplit("-", 2)
    if len(parts) != 3 or parts[0] != _HOST or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False  # this process's own save, in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


def unique_name(stem: str, directory=None, also=()) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... whichever is not taken yet in the folder, nor in the folders ``also``."""
    stem = sanitize_name(stem)
    folders = [checkpoint_dir(directory), *map(Path, also)]
    name, i = stem, 1
    while any((folder / f"{name}{SUFFIX}").exists() for folder in folders):
        i += 1
        name = _clip(stem, f"-{i}")  # a long stem is shortened, or saving would cut the suffix off again
    return name


def load(source, *, map_location="cpu") -> dict:
    """Load and validate a checkpoint from a path, bytes or a file-like object. Never runs code from the file."""
    try:
        data = read_capped(source, MAX_BYTES)
    except TooLarge:
        raise _refuse(N_("The file is too large to be a checkpoint of this app."), "file_too_big") from None
    except (FileNotFoundError, IsADirectoryError):
        raise CheckpointError(N_("No checkpoint file at {path}."), code="not_found", path=str(source)) from None
    if not data:
        raise _refuse(N_("The file is empty."), "empty")
    _check_archive(data)
    try:
        obj = torch.load(io.BytesIO(data), map_location=map_location, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError,
            IndexError, TypeError, AttributeError, UnicodeDecodeError, MemoryError, OverflowError,
            struct.error) as err:  # struct.error: a pickle cut off inside a length field
        if isinstance(err, pickle.UnpicklingError) and _runs_code(data, str(err)):
            raise _refuse(N_("The file contains Python objects that could run code when loaded, so it was refused "
                             "and nothing in it was run."), "unsafe") from None
        raise _refuse(N_("The file is not a readable checkpoint (it is corrupt, truncated or not a PyTorch file)."),
                      "corrupt") from None
    return validate(obj)


def load_untrusted(data: bytes, *, map_location="cpu") -> dict:
    """``load`` for a file from outside (an upload): checked first in a child process with CHECK_MEMORY bytes and
    CHECK_SECONDS seconds, then, if it passed, loaded here, where its caps bound what it costs."""
    try:
        isolate.run(_check, data, memory=CHECK_MEMORY, timeout=CHECK_SECONDS)
    except isolate.Exceeded as err:
        if err.what == "time":
            raise _refuse(N_("Checking the file took more than {seconds:g} seconds, so it was refused (a checkpoint "
                             "of this app loads in well under one)."), "check_time", seconds=CHECK_SECONDS) from None
        raise _refuse(N_("Checking the file needed more than {limit_mib:,} MiB of memory, so it was refused (a "
                         "checkpoint of this app needs far less)."), "check_memory",
                      limit_mib=CHECK_MEMORY // 2**20) from None
    return load(data, map_location=map_location)


def _check(data: bytes) -> None:
    load(data)  # in the child: the dict stays there; only a refusal comes back


def validate(obj) -> dict:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        if isinstance(obj, dict) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
            raise _refuse(N_("This is a bare state_dict (weights only): it lacks the model's configuration and "
                             "preprocessing."), "bare_state_dict")
        raise _refuse(N_("This PyTorch file is not a Torch Playground checkpoint."), "foreign")
    if obj.get("version") not in READS:
        raise _refuse(N_("This checkpoint has format version {version!r}; this app reads versions 1 to "
                         "{supported}."), "version", version=obj.get("version"), supported=VERSION)
    missing = [k for k in _REQUIRED if k not in obj]
    if missing:
        raise _refuse(N_("The checkpoint lacks {missing}."), "incomplete", missing=", ".join(missing))
    _within_limits(obj)
    if not _well_formed(obj):
        raise _refuse(N_("The checkpoint's metadata is damaged (its features, preprocessing or metrics do not have "
                         "the expected form)."), "incomplete")
    _from_version_1(obj)
    _weights_fit(obj)  # names, shapes, dtypes and finiteness, before any model is built
    model = build_model(obj)  # the weights must fit the architecture the config describes
    pre = obj["preprocessing"]
    width = len(source_columns(pre))  # what transform() makes
    if not model.config.n_features == width == len(pre["encoded_names"]):
        raise _refuse(N_("The checkpoint's preprocessing does not match its model's number of inputs."),
                      "incomplete")
    return obj


def _from_version_1(obj: dict) -> None:
    """A version 1 ensemble's layer weights, (k, in, out), as version 2 holds them, (k, out, in): views, no copies.
    The names and shapes are checked next, as any file's."""
    weights = obj["state_dict"]
    if obj["version"] == 1 and obj["model_config"].get("ensemble", 1) != 1 and isinstance(weights, dict):
        for name, t in weights.items():
            if name.startswith(("hidden.", "out.")) and name.endswith(".weight") and isinstance(t, torch.Tensor) \
                    and t.dim() == 3:
                weights[name] = t.transpose(1, 2)
    obj["version"] = VERSION


def build_model(checkpoint: dict) -> MLP:
    """The lecture's pattern: instantiate the model class from the saved config, then ``load_state_dict``."""
    try:
        config = _config(checkpoint)
        model = MLP(config)
        model.load_state_dict(checkpoint["state_dict"])
    except (TypeError, ValueError, RuntimeError, KeyError) as err:
        # load_state_dict's first line is only a heading; the mismatches follow it, one per line
        lines = [line.strip().rstrip(".") for line in str(err).splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("Error(s) in loading")]
        detail = "; ".join(lines)[:300] or type(err).__name__
        raise CheckpointError(N_("The checkpoint's weights do not fit its model configuration ({detail}). It was "
                                 "saved by a different architecture or edited."), code="architecture",
                              detail=detail) from None
    except CheckpointError:
        raise
    except Exception as err:  # ConfigError from a tampered config
        raise CheckpointError(N_("The checkpoint's model configuration is invalid: {detail}"), code="architecture",
                              detail=str(err)) from None
    model.eval()
    return model


def summary(checkpoint: dict, path: Path | None = None) -> dict:
    """The metadata a list of checkpoints shows: name, data, features, target, metrics, date, size."""
    info = {
        "name": checkpoint.get("name", path.stem if path else ""),
        "dataset": checkpoint.get("data", {}).get("name", ""),
        "target": checkpoint["target"],
        "features": list(checkpoint["features"]),
        "test_mae": checkpoint["metrics"].get("test_mae"),
        "test_rmse": checkpoint["metrics"].get("test_rmse"),
        "test_r2": checkpoint["metrics"].get("test_r2"),
        "test_accuracy": checkpoint["metrics"].get("test_accuracy"),  # a classifier's (its MAE and R² are None)
        "task": checkpoint["preprocessing"]["target"].get("task", "regress"),
        "epochs": len(checkpoint["history"]),
        "hidden": list(checkpoint["model_config"].get("hidden", [])),
        "created": checkpoint.get("created", ""),
    }
    if path is not None:
        info["path"] = str(path)
        info["bytes"] = path.stat().st_size
    return info


def list_checkpoints(directory=None) -> list[dict]:
    """Summaries of the readable checkpoints in the folder, newest first; unreadable files are listed as such."""
    folder = checkpoint_dir(directory)
    if not folder.is_dir():
        return []
    clean_partials(folder)
    items = []
    for path in folder.glob(f"*{SUFFIX}"):
        try:
            items.append(summary(load(path), path))
        except CheckpointError as err:
            items.append({"name": path.stem, "path": str(path), "error": str(err), "created": "",
                          "bytes": path.stat().st_size})
    return sorted(items, key=lambda item: item.get("created", ""), reverse=True)


def resolve(name_or_path, directory=None) -> Path:
    """A checkpoint path from a path, or from a bare name in the checkpoint folder."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    candidate = checkpoint_dir(directory) / f"{sanitize_name(str(name_or_path))}{SUFFIX}"
    if candidate.is_file():
        return candidate
    raise CheckpointError(N_("No checkpoint {path!r} (looked for {first} and {second}). List them with "
                             "`python -m core list`."), code="not_found", path=str(name_or_path), first=str(path),
                          second=str(candidate))


def delete(name: str, directory=None) -> None:
    path = checkpoint_dir(directory) / f"{sanitize_name(name)}{SUFFIX}"
    if not path.is_file():
        raise CheckpointError(N_("No checkpoint named {path!r}."), code="not_found", path=str(name))
    path.unlink()
