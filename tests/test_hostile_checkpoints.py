"""Hostile checkpoints refused before anything is allocated for them, in a child process with its own memory and
time limits when they come from outside (an upload), with a message that says why; and the child's limits hold.
How long each refusal takes and what it costs the server process: bench/bench_hostile.py."""

import time

import pytest

from core import checkpoint, isolate
from core.errors import CheckpointError
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict
from dashboard.i18n import translate
from tests.hostile_checkpoints import KINDS


@pytest.fixture(scope="module")
def valid(diabetes_prepared):
    p = diabetes_prepared
    mc, tc = ModelConfig(n_features=p.n_features, hidden=(8, 4)), TrainConfig(max_steps=10, device="cpu")
    return checkpoint.build(name="valid", model_config=config_dict(mc), train_config=config_dict(tc), prepared=p,
                            result=Trainer(mc, tc).fit(p))


@pytest.fixture(scope="module")
def files(valid):
    return {name: make(valid) for name, (make, _) in KINDS.items()}


@pytest.mark.parametrize("name", list(KINDS))
def test_each_hostile_kind_is_refused_with_its_reason(files, name):
    with pytest.raises(CheckpointError) as err:
        checkpoint.load(files[name])
    assert err.value.code == KINDS[name][1], str(err.value)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message and err.value.__cause__ is None
    assert message.endswith(str(checkpoint.ONLY_OURS)) or err.value.code in ("not_finite", "dtype", "architecture")
    params = err.value.params
    assert translate(err.value.template, "ko", **params) != translate(err.value.template, "en", **params)  # Korean


def test_an_upload_is_checked_in_a_child_process_and_loads_when_it_passes(valid, files):
    isolate.warm()
    loaded = checkpoint.load_untrusted(checkpoint.to_bytes(valid))
    assert loaded["features"] == valid["features"]
    with pytest.raises(CheckpointError) as err:
        checkpoint.load_untrusted(files["config asks for 200,000 inputs"])
    assert err.value.code == "architecture"


def _allocate(mib: int) -> int:
    return len(bytearray(mib * 2**20))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _fail() -> None:
    raise ValueError("bad input")


def test_the_childs_memory_and_time_limits_hold():
    assert isolate.run(_allocate, 16, memory=256 * 2**20) == 16 * 2**20
    with pytest.raises(isolate.Exceeded) as err:
        isolate.run(_allocate, 1024, memory=256 * 2**20)
    assert err.value.what == "memory"
    started = time.monotonic()
    with pytest.raises(isolate.Exceeded) as err:
        isolate.run(_sleep, 30, timeout=0.5)
    assert err.value.what == "time" and time.monotonic() - started < 10
    with pytest.raises(ValueError, match="bad input"):
        isolate.run(_fail)


def test_a_check_that_runs_out_of_time_or_memory_is_a_clear_refusal(monkeypatch, valid):
    def exceeded(what):
        def run(*args, **kwargs):
            raise isolate.Exceeded(what)
        return run

    for what, code in (("time", "check_time"), ("memory", "check_memory")):
        monkeypatch.setattr(isolate, "run", exceeded(what))
        with pytest.raises(CheckpointError) as err:
            checkpoint.load_untrusted(checkpoint.to_bytes(valid))
        assert err.value.code == code and "refused" in str(err.value)
