import os
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

torch.set_num_threads(1)  # as the app's workers and the command line run


@pytest.fixture(autouse=True)
def checkpoint_folder(tmp_path, monkeypatch):
    """Every test saves checkpoints in its own folder, never in the project's."""
    folder = tmp_path / "checkpoints"
    monkeypatch.setenv("TORCH_PLAYGROUND_CHECKPOINTS", str(folder))
    return folder


@pytest.fixture(scope="session")
def california_table():
    """The California housing data. Skipped where it cannot be had, except in CI (CI=true), where that fails."""
    from core import data
    from core.errors import DatasetUnavailable

    try:
        return data.load_california()
    except DatasetUnavailable as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the California tests: {err} (is SCIKIT_LEARN_DATA set?)")
        pytest.skip(str(err))


@pytest.fixture(scope="session")
def diabetes_prepared():
    from core import data

    return data.prepare(data.load_diabetes())
