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


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server (tests/postgres.py): a function that makes a fresh database, its URL. Skipped
    without Debian's postgresql package, except in CI (CI=true), where that fails."""
    import subprocess

    from tests.postgres import server

    try:
        with server() as database:
            yield database
    except (FileNotFoundError, subprocess.CalledProcessError) as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the store on PostgreSQL: {err}")
        pytest.skip(str(err))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The shared store's database: SQLite (the default) and PostgreSQL (several machines), a fresh one each."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres")()
