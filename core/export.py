"""A trained model as an ONNX file: for Netron (which draws its graph), onnxruntime, or any other runtime.

The graph is the checkpoint's model with the target's scaling folded in: its input ``features`` is the matrix that
``core.data.transform(rows, checkpoint["preprocessing"])`` makes from raw rows (imputed, scaled, transformed,
one-hot; float32, one row per example, any number of rows), and its output ``prediction`` is in the target's own
units, one value per row. The feature and target names travel in the file's metadata.

Exported with torch's own exporter (``torch.onnx.export(dynamo=True)``, through ``torch.export``; not TorchScript,
deprecated in torch 2.13). Exporting takes seconds of Python, so the app runs it in a child process
(core/isolate.py) rather than in the server. tests/test_export.py checks every prediction against PyTorch's.
"""

import io
import json
import warnings

import numpy as np
import torch
from torch import nn

from core import isolate
from core.checkpoint import build_model
from core.data import unscale_target

OPSET = 18
EXPORT_SECONDS, EXPORT_MEMORY = 120.0, 2 << 30  # the child's limits: an 8-member strong model exports in ~10 s


class Served(nn.Module):
    """The model as it predicts: encoded features in, the target in its own units out."""

    def __init__(self, model: nn.Module, preprocessing: dict):
        super().__init__()
        self.model, self.preprocessing = model, preprocessing

    def forward(self, features):  # (rows, n_features) → (rows,)
        return unscale_target(self.model(features).squeeze(1), self.preprocessing)


def onnx_bytes(checkpoint: dict) -> bytes:
    """The checkpoint's model as an ONNX file's bytes (in this process: seconds)."""
    import onnx

    served = Served(build_model(checkpoint), checkpoint["preprocessing"]).eval()
    example = torch.zeros(2, served.model.config.n_features)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on its own deprecations and torchvision
        program = torch.onnx.export(served, (example,), dynamo=True, opset_version=OPSET, verbose=False,
                                    input_names=["features"], output_names=["prediction"],
                                    dynamic_shapes=({0: torch.export.Dim("rows")},))
    model = program.model_proto
    pre = checkpoint["preprocessing"]
    onnx.helper.set_model_props(model, {
        "torch_playground.name": str(checkpoint.get("name", "")),
        "torch_playground.target": str(checkpoint["target"]),
        "torch_playground.units": str(checkpoint.get("units", {}).get(checkpoint["target"], "")),
        "torch_playground.features": json.dumps(pre["encoded_names"]),
        "torch_playground.input": "core.data.transform(rows, checkpoint['preprocessing']) of the checkpoint's "
                                  "raw feature columns, float32",
    })
    model.doc_string = f"Torch Playground MLP predicting {checkpoint['target']} from {len(pre['encoded_names'])} inputs"
    out = io.BytesIO()
    onnx.save(model, out)
    return out.getvalue()


def export_onnx(checkpoint: dict) -> bytes:
    """``onnx_bytes`` in a child process with its own memory and time limits, so a server page never holds the
    Python lock for the seconds an export takes."""
    return isolate.run(onnx_bytes, checkpoint, memory=EXPORT_MEMORY, timeout=EXPORT_SECONDS)


def onnx_predict(data: bytes, features) -> np.ndarray:
    """Predictions of an exported model by onnxruntime, for ``features`` (rows, n_features) float32."""
    import onnxruntime

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(["prediction"], {"features": np.asarray(features, dtype=np.float32)})[0]
