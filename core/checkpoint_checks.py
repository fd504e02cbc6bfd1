"""What a checkpoint file must be before anything is built from it: limits on its archive and metadata, checked
before unpickling; a schema for its metadata (types, ranges, lengths); its weights' names, shapes and dtypes against
what its model configuration implies, and finite, before any model is allocated. ``core.checkpoint.load`` runs
these; a refusal is a CheckpointError that ends with ONLY_OURS.
"""

import io
import pickletools
import struct
import zipfile
import zlib

import torch

from core.data import transforms
from core.data.dates import KNOWN_FORMATS, PARTS
from core.data.preprocessing import n_numeric
from core.data.task import MAX_CLASSES
from core.data.transforms import MAX_QUANTILES
from core.errors import N_, CheckpointError
from core.training.model import MLP, ModelConfig
from core.uploads import has_control_characters

MAX_BYTES = 200 * 1024 * 1024  # far above any MLP this app trains; refuses giant uploads before unpickling
_CODE_OPCODES = {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX"}  # import or call
ONLY_OURS = N_("Only checkpoints saved by Torch Playground (its Train page or `python -m core train`) can be loaded.")
# What a checkpoint may hold (far above what this app saves; a file beyond any of them is refused before its model is
# built). The weights are capped by MAX_BYTES itself, since their shapes must match the file's tensors.
MAX_UNPACKED = MAX_BYTES  # the archive's members, uncompressed, in all: a small zip cannot inflate past this
MAX_METADATA = 8 * 2**20  # data.pkl (names, history, preprocessing; the weights are members of their own)
# Pickle operations in data.pkl, counted (read, never run) before unpickling: each can make an object, and a few
# megabytes of one-byte "empty dict" operations make millions of them (seconds and gigabytes). A checkpoint of
# 10,000 epochs and 2,000 features has 244,048 (1.1 MB).
MAX_METADATA_OPS = 1_000_000
MAX_FEATURES = 50_000  # encoded inputs (the command line's widest CSV, 2,000 columns, one-hot encoded stays below)
MAX_HISTORY = 10_000  # epochs: TrainConfig's own maximum
MAX_CATEGORIES = 10_000  # categories a text column's one-hot code may list
MAX_TEXT = 1_000  # letters in one name: a feature, a category, the target, a unit, a metric
MAX_ENTRIES = 200  # keys of the small dicts: metrics, units, data, configs, versions
LIMIT = N_("The checkpoint's `{field}` holds {count:,} entries; a checkpoint of this app holds at most {limit:,}.")
_REQUIRED = ("state_dict", "model_config", "train_config", "features", "target", "preprocessing", "history",
             "metrics")


def _refuse(why: str, code: str, **params) -> CheckpointError:
    """A file refused as a checkpoint: why (a marked template), then the one sentence every refusal ends with."""
    return CheckpointError(why, code=code, advice=ONLY_OURS, **params)


def _check_archive(data: bytes) -> None:
    """Before unpickling: a torch zip archive's unpacked size (a zip bomb is small only until unpacked) and the size
    of its metadata pickle. Not an archive: torch.load decides (the legacy format, or garbage)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, ValueError, EOFError, struct.error):
        return
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise _refuse(N_("The file unpacks to {mib:,} MiB, more than the {limit_mib:,} MiB a checkpoint may hold."),
                      "unpacked_too_big", mib=unpacked // 2**20, limit_mib=MAX_UNPACKED // 2**20)
    pickles = [m for m in members if m.filename.endswith("data.pkl")]
    metadata = sum(m.file_size for m in pickles)
    if metadata > MAX_METADATA:
        raise _refuse(N_("The checkpoint's metadata (names, history, preprocessing) takes {count:,} bytes, where a "
                         "checkpoint of this app needs at most {limit:,}."), "metadata_too_big", count=metadata,
                      limit=MAX_METADATA)
    if pickles and _operations(_pickle_stream(data), MAX_METADATA_OPS) > MAX_METADATA_OPS:
        raise _refuse(N_("The checkpoint's metadata (names, history, preprocessing) would make more than {limit:,} "
                         "objects, far more than a checkpoint of this app holds."), "metadata_too_big",
                      limit=MAX_METADATA_OPS)


def _operations(stream: bytes, limit: int) -> int:
    """How many pickle operations ``stream`` holds, counted up to ``limit + 1``; 0 if it is not a readable pickle
    (then torch.load refuses it with its own reason)."""
    count = 0
    try:
        for _ in pickletools.genops(stream):
            count += 1
            if count > limit:
                break
    except (ValueError, EOFError, IndexError, KeyError, struct.error):
        return 0
    return count


def _pickle_stream(data: bytes) -> bytes:
    """The pickle inside a file: ``data.pkl`` of a torch zip archive, else the bytes themselves."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
            if name is None:
                return data
            with archive.open(name) as member:
                return member.read(MAX_BYTES)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, RuntimeError, ValueError, EOFError):
        return data  # torch read it, so this is rare: classify the bytes as they are


def _runs_code(data: bytes, message: str) -> bool:
    """Whether ``weights_only`` refused the file for importing or calling something, rather than for being garbage.

    torch wraps every refusal, random bytes included, in the same "Weights only load failed" message, so its
    wording cannot tell the two apart. A named global can; pickle protocols 4-5 stop torch at their framing opcodes
    before any global is read, so a well-formed pickle is read (never run) with ``pickletools`` to find one.
    """
    if "GLOBAL " in message:
        return True
    try:
        ops = {op.name for op, _, _ in pickletools.genops(_pickle_stream(data))}
    except (ValueError, EOFError, IndexError, KeyError):  # not a well-formed pickle: corrupt, not dangerous
        return False
    return bool(ops & _CODE_OPCODES)


def _within_limits(obj: dict) -> None:
    """Lengths first, so that nothing below walks a list of millions."""
    pre = obj["preprocessing"] if isinstance(obj["preprocessing"], dict) else {}
    lists = {"features": obj["features"], "history": obj["history"],
             "preprocessing.encoded_names": pre.get("encoded_names", []),
             "preprocessing.numeric": pre.get("numeric", []), "preprocessing.categorical": pre.get("categorical", []),
             "preprocessing.dates": pre.get("dates", [])}
    limits = {"history": MAX_HISTORY}
    for field, value in lists.items():
        if isinstance(value, list | tuple | dict | str) and len(value) > limits.get(field, MAX_FEATURES):
            raise _refuse(LIMIT, "too_long", field=field, count=len(value), limit=limits.get(field, MAX_FEATURES))
    quantiles = pre.get("feature_transform", {}).get("quantiles", []) if isinstance(pre.get("feature_transform"),
                                                                                         dict) else []
    if isinstance(quantiles, list) and (len(quantiles) > MAX_QUANTILES or any(
            isinstance(row, list) and len(row) > MAX_FEATURES for row in quantiles[:MAX_QUANTILES])):
        raise _refuse(LIMIT, "too_long", field="preprocessing.feature_transform.quantiles", count=len(quantiles),
                      limit=MAX_QUANTILES)
    for column in pre.get("categorical", []) if isinstance(pre.get("categorical"), list) else []:
        categories = column.get("categories") if isinstance(column, dict) else None
        if isinstance(categories, list) and len(categories) > MAX_CATEGORIES:
            raise _refuse(LIMIT, "too_long", field="preprocessing.categorical.categories", count=len(categories),
                          limit=MAX_CATEGORIES)
    for field in ("metrics", "units", "data", "model_config", "train_config", "versions", "status"):
        value = obj.get(field)
        if isinstance(value, dict | list) and len(value) > MAX_ENTRIES:
            raise _refuse(LIMIT, "too_long", field=field, count=len(value), limit=MAX_ENTRIES)
    texts = list(_texts(obj))  # walked twice: lengths first, so no letter of a giant name is read
    longest = max(map(len, texts), default=0)
    if longest > MAX_TEXT:
        raise _refuse(N_("The checkpoint holds a name of {count:,} letters; names in a checkpoint of this app have "
                         "at most {limit:,}."), "too_long", count=longest, limit=MAX_TEXT)
    if any(has_control_characters(t) for t in texts):
        raise _refuse(N_("The checkpoint holds a name with control characters (such as NUL), which no checkpoint "
                         "of this app has."), "bad_name")


def _texts(obj: dict):
    """Every name a reader shows: features, target, the name, units, metrics' keys, categories, encoded names."""
    pre = obj["preprocessing"] if isinstance(obj["preprocessing"], dict) else {}
    yield from (t for t in obj["features"] if isinstance(t, str)) if isinstance(obj["features"], list) else ()
    for value in (obj["target"], obj.get("name"), obj.get("created")):
        if isinstance(value, str):
            yield value
    for field in ("units", "metrics", "data"):
        if isinstance(obj.get(field), dict):
            for key, value in obj[field].items():
                yield from (t for t in (key, value) if isinstance(t, str))
    yield from (t for t in pre.get("encoded_names", []) if isinstance(t, str))
    classes = pre.get("target", {}).get("classes", []) if isinstance(pre.get("target"), dict) else []
    yield from (t for t in classes if isinstance(t, str)) if isinstance(classes, list) else ()
    for column in pre.get("categorical", []) if isinstance(pre.get("categorical"), list) else []:
        if isinstance(column, dict) and isinstance(column.get("categories"), list):
            yield from (t for t in column["categories"] if isinstance(t, str))


def _expected_shapes(config: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The state_dict an MLP of this configuration has: the model built on the meta device, which holds shapes and
    no memory, so a configuration of any size allocates nothing here."""
    with torch.device("meta"):
        return {k: tuple(t.shape) for k, t in MLP(config).state_dict().items()}


def _weights_fit(obj: dict) -> None:
    config, weights = _config(obj), obj["state_dict"]
    if not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_FEATURES
               for s in (config.n_features, config.n_outputs)):
        raise _refuse(N_("The checkpoint's model configuration is out of range: inputs and outputs must be whole "
                         "numbers from 1 to {limit:,}."), "architecture", limit=MAX_FEATURES)
    if not isinstance(weights, dict) or not all(isinstance(t, torch.Tensor) for t in weights.values()):
        raise _refuse(N_("The checkpoint's weights are not a state_dict of tensors."), "architecture")
    expected = _expected_shapes(config)
    found = {k: tuple(t.shape) for k, t in weights.items()}
    if found != expected:
        wrong = [f"{k}: {list(found[k]) if k in found else 'missing'} (config: {list(v)})"
                 for k, v in expected.items() if found.get(k) != v]
        wrong += [f"{k}: not in the model" for k in found if k not in expected]
        raise CheckpointError(N_("The checkpoint's weights do not fit its model configuration ({detail}). It was "
                                 "saved by a different architecture or edited."), code="architecture",
                              detail="; ".join(wrong)[:300])
    if any(t.dtype != torch.float32 for t in weights.values()):
        dtypes = sorted({str(t.dtype) for t in weights.values()})
        raise CheckpointError(N_("The checkpoint's weights are {dtypes}; this app saves float32."), code="dtype",
                              dtypes=", ".join(dtypes))
    bad = sum(int((~torch.isfinite(t)).sum()) for t in weights.values())
    if bad:
        raise CheckpointError(N_("The checkpoint's weights hold {count:,} values that are not finite numbers (NaN or "
                                 "infinity): its training diverged, or the file was edited. Train the model again."),
                              code="not_finite", count=bad)


def _well_formed(obj: dict) -> bool:
    """The shapes every reader of a checkpoint relies on: lists of names, dicts of numbers."""
    pre = obj["preprocessing"]
    try:
        return (isinstance(obj["features"], list) and all(isinstance(f, str) for f in obj["features"])
                and isinstance(obj["target"], str) and isinstance(obj["history"], list)
                and isinstance(obj["metrics"], dict) and isinstance(obj.get("data", {}), dict)
                and all(isinstance(k, str) and (v is None or isinstance(v, float | int) and not isinstance(v, bool))
                        for k, v in obj["metrics"].items())
                and all(isinstance(h, dict) for h in obj["history"])
                and all(isinstance(k, str) and isinstance(v, str) for k, v in obj.get("units", {}).items())
                and isinstance(obj.get("units", {}), dict) and isinstance(obj["model_config"], dict)
                and isinstance(pre, dict) and isinstance(pre["encoded_names"], list)
                and all(isinstance(c["name"], str) and all(isinstance(c[k], float | int) for k in
                                                           ("median", "mean", "scale", "min", "max"))
                        for c in pre["numeric"])
                and all(isinstance(c["name"], str) and isinstance(c["fill"], str)
                        and isinstance(c["categories"], list) for c in pre["categorical"])
                and isinstance(pre.get("dates", []), list)
                and all(isinstance(d["name"], str) and d["format"] in KNOWN_FORMATS and isinstance(d["label"], str)
                        and [p["part"] for p in d["parts"]] == list(PARTS)
                        and all(isinstance(p[k], float | int) for p in d["parts"]
                                for k in ("median", "mean", "scale", "min", "max"))
                        for d in pre.get("dates", []))
                and all(isinstance(pre["target"][k], float | int) for k in ("mean", "scale"))
                and _classes_fit(pre["target"], obj["model_config"])
                and transforms.well_formed(pre.get("feature_transform"), n_numeric(pre))
                and [c["name"] for c in pre["numeric"]] + [d["name"] for d in pre.get("dates", [])]
                + [c["name"] for c in pre["categorical"]] == obj["features"])
    except (KeyError, TypeError):
        return False


def _classes_fit(target: dict, model_config: dict) -> bool:
    """A regressor's target has no classes; a classifier's has 2 to MAX_CLASSES distinct labels, one per output."""
    if "classes" not in target and target.get("task", "regress") == "regress":
        return True
    classes = target.get("classes")
    return (target.get("task") == "classify" and isinstance(classes, list) and 2 <= len(classes) <= MAX_CLASSES
            and all(isinstance(c, str) for c in classes) and len(set(classes)) == len(classes)
            and model_config.get("n_outputs") == len(classes))


def _config(checkpoint: dict) -> ModelConfig:
    """The saved model configuration, checked by ModelConfig itself (a dataclass: nothing allocated yet)."""
    try:
        config = ModelConfig(**checkpoint["model_config"])
    except (TypeError, ValueError, KeyError) as err:
        raise CheckpointError(N_("The checkpoint's weights do not fit its model configuration ({detail}). It was "
                                 "saved by a different architecture or edited."), code="architecture",
                              detail=str(err)[:300] or type(err).__name__) from None
    except Exception as err:  # ConfigError from a tampered config
        raise CheckpointError(N_("The checkpoint's model configuration is invalid: {detail}"), code="architecture",
                              detail=str(err)) from None
    return config
