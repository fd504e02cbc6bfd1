"""ONNX export: the file onnxruntime runs predicts what the PyTorch model predicts, to 1e-5, from the same rows."""

import json

import numpy as np
import onnx
import pytest
from sklearn.model_selection import train_test_split

from core import checkpoint, data
from core.export import export_onnx, onnx_bytes, onnx_predict
from core.predict import Predictor
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict


def _checkpoint(prepared, **model):
    config = ModelConfig(n_features=prepared.n_features, n_numeric=prepared.n_numeric, **model)
    train = TrainConfig(epochs=2, device="cpu", batch_size=64)
    result = Trainer(config, train).fit(prepared)
    return checkpoint.build(name="exported", model_config=config_dict(config), train_config=config_dict(train),
                            prepared=prepared, result=result)


@pytest.mark.parametrize("model", [{}, {"embedding": "piecewise", "ensemble": 3, "dropout": 0.1},
                                   {"embedding": "periodic", "hidden": (32,), "activation": "gelu"}],
                         ids=["lecture", "strong-like", "periodic"])
def test_onnxruntime_predicts_what_pytorch_predicts(california_table, model):
    prepared = data.prepare(california_table, data.DataConfig(val_size=0.2, feature_transform="quantile"))
    saved = _checkpoint(prepared, **model)
    exported = export_onnx(saved)  # in a child process, as the app does it
    rows = california_table.frame.drop(columns=[california_table.target])
    _, test = train_test_split(rows, test_size=0.2, random_state=0)
    matrix, _ = data.transform(test, saved["preprocessing"])
    by_onnx = onnx_predict(exported, matrix)
    by_torch = Predictor(saved).predict_frame(test).predictions
    assert by_onnx.shape == (len(test),)  # any number of rows
    np.testing.assert_allclose(by_onnx, by_torch, rtol=1e-5, atol=1e-5)  # in the target's units: $100,000


def test_the_file_names_its_inputs_and_target(diabetes_prepared):
    saved = _checkpoint(diabetes_prepared, hidden=(8,))
    model = onnx.load_from_string(onnx_bytes(saved))
    onnx.checker.check_model(model)
    props = {p.key: p.value for p in model.metadata_props}
    assert props["torch_playground.target"] == "progression"
    assert json.loads(props["torch_playground.features"]) == saved["preprocessing"]["encoded_names"]
    assert [i.name for i in model.graph.input] == ["features"] and model.graph.output[0].name == "prediction"
