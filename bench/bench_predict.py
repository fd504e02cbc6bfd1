"""Benchmark: scoring a 100,000-row CSV with a saved checkpoint, upload parsing included.

What the Predict page does with an uploaded file, timed step by step: read the bytes as CSV (core.data.read_csv:
encoding and separator detection, pandas), check and preprocess the rows and run the model (Predictor.predict_frame),
append the predictions (PredictionReport.frame), and write the CSV to download. The checkpoint is a California
model trained here for one epoch (the model's size, not its quality, sets the cost).

    python bench/bench_predict.py              # 100,000 rows, 5 repeats
    python bench/bench_predict.py --rows 20000 --repeats 3 --json out.json
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core import checkpoint, data  # noqa: E402
from core.predict import Predictor  # noqa: E402
from core.training.model import ModelConfig  # noqa: E402
from core.training.trainer import TrainConfig, Trainer, config_dict  # noqa: E402

TARGET_SECONDS = 2.0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as a page's server process)")
    p.add_argument("--json", metavar="PATH")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    table = data.load_california()
    prepared = data.prepare(table)
    mc, tc = ModelConfig(n_features=prepared.n_features), TrainConfig(epochs=1, device="cpu")
    result = Trainer(mc, tc).fit(prepared)
    with tempfile.TemporaryDirectory() as folder:
        path = checkpoint.save(checkpoint.build(name="bench", model_config=config_dict(mc),
                                                train_config=config_dict(tc), prepared=prepared, result=result), folder)
        predictor = Predictor.from_file(path)

    features = table.frame[prepared.features]
    rng = np.random.default_rng(0)
    rows = features.iloc[rng.integers(0, len(features), args.rows)].reset_index(drop=True)
    raw = rows.to_csv(index=False).encode()
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch thread(s); "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.rows:,} rows x {len(prepared.features)} features, {len(raw) / 2**20:.1f} MB of CSV; "
          f"model {list(mc.hidden)} hidden\n")

    steps = {"parse": [], "predict": [], "append": [], "to_csv": [], "total": []}
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        frame = data.read_csv(raw, name="rows.csv").frame
        t1 = time.perf_counter()
        report = predictor.predict_frame(frame)
        t2 = time.perf_counter()
        scored = report.frame(frame, f"predicted_{predictor.target}")
        t3 = time.perf_counter()
        scored.to_csv(io.BytesIO(), index=False)
        t4 = time.perf_counter()
        for key, value in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            steps[key].append(value)
    assert report.n_bad_rows == 0 and np.isfinite(report.predictions).all()

    print(f"{'step':<10}{'median s':>10}{'max s':>10}")
    for key, values in steps.items():
        print(f"{key:<10}{statistics.median(values):>10.3f}{max(values):>10.3f}")
    total = statistics.median(steps["total"])
    scoring = total - statistics.median(steps["to_csv"])
    print(f"\nrows per second (upload to predictions shown): {args.rows / scoring:,.0f}")
    print("\ntargets")
    ok = scoring < TARGET_SECONDS
    print(f"  {'PASS' if ok else 'MISS'}  {args.rows:,} rows scored, upload parsing included, < {TARGET_SECONDS:g} s"
          f"      {scoring:.3f} s (with writing the download too: {total:.3f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": args.rows, "steps": steps, "scoring_s": scoring,
                                               "total_s": total, "pass": ok}, indent=2))


if __name__ == "__main__":
    main()
