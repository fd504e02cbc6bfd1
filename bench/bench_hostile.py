"""Benchmark: what a hostile checkpoint upload costs the server process (issue 13). Figures only, no asserts.

Each kind of tests/hostile_checkpoints.py, plus the issue's own full-size files (a 5.6 KB file asking for 200,000
inputs, a 1.7-million-entry history, a zip member that inflates to 1 GiB, a 50 MB feature name), is given to
``checkpoint.load_untrusted`` as the Predict page's upload does: checked in a child process (1 GiB, 20 s), refused
there. Printed per file: its size, the refusal's code, the seconds until the refusal, and the server process's
memory growth (resident set after minus before, and the growth of its peak, VmHWM). A valid checkpoint is loaded the
same way for comparison, and the fork server's one-off start is timed first.

    python bench/bench_hostile.py
"""

import copy
import sys
import time
from pathlib import Path

from core import checkpoint, data, isolate
from core.errors import CheckpointError
from core.training.model import ModelConfig
from core.training.trainer import TrainConfig, Trainer, config_dict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' hostile files
from tests.hostile_checkpoints import KINDS, _saved, _with_member, long_history, wide_config  # noqa: E402


def status(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def main():
    prepared = data.prepare(data.load_builtin("diabetes"), data.DataConfig(seed=0))
    mc, tc = ModelConfig(n_features=prepared.n_features, hidden=(64, 64)), TrainConfig(max_steps=20, device="cpu")
    valid = checkpoint.build(name="valid", model_config=config_dict(mc), train_config=config_dict(tc),
                             prepared=prepared, result=Trainer(mc, tc).fit(prepared))
    started = time.perf_counter()
    isolate.warm()
    print(f"fork server started (imports torch once) in {time.perf_counter() - started:.2f} s\n")
    files = {"valid checkpoint (accepted)": checkpoint.to_bytes(valid)}
    files |= {name: make(copy.deepcopy(valid)) for name, (make, _) in KINDS.items()}
    files["issue: 200,000 inputs (5.6 KB)"] = _saved(wide_config)(valid)
    files["issue: history of 1.7 million entries"] = long_history(1_700_000)(valid)
    files["issue: zip member inflating to 1 GiB"] = _with_member("98", bytes(2**30))(valid)
    files["issue: feature name of 50 MB"] = _saved(lambda c: c["features"].__setitem__(0, "x" * 50_000_000))(valid)
    print(f"{'file':52s} {'size':>10s}  {'result':18s} {'seconds':>8s} {'RSS +MB':>8s} {'peak +MB':>8s}")
    for name, raw in files.items():
        rss, peak = status("VmRSS"), status("VmHWM")
        begin = time.perf_counter()
        try:
            checkpoint.load_untrusted(raw)
            result = "accepted"
        except CheckpointError as err:
            result = err.code
        seconds = time.perf_counter() - begin
        print(f"{name:52s} {len(raw):>10,d}  {result:18s} {seconds:8.3f} {(status('VmRSS') - rss) / 2**20:8.1f} "
              f"{(status('VmHWM') - peak) / 2**20:8.1f}")
        del raw


if __name__ == "__main__":
    main()
