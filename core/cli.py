"""The command line: ``python -m core train|predict|list``, installed as ``torch-playground`` too.

Progress goes to stderr, results to stdout; bad input exits with status 2 and one sentence that says what to fix.
"""

import argparse
import functools
import json
import sys
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from core import cli_text
from core.errors import ConfigError, PlaygroundError


def _sweep(text: str) -> tuple[str, tuple[float, ...]]:
    name, _sep, values = text.partition("=")
    try:
        return name.strip(), tuple(float(v) for v in values.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=V1,V2,... (e.g. lr=1e-4,1e-3,1e-2)") from None


def _hidden(text: str) -> tuple[int, ...]:
    from core.training.model import parse_hidden

    try:
        return parse_hidden(text)
    except ConfigError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


class _ShowDefaults(argparse.HelpFormatter):
    """``--help`` shows each option's default (the config dataclasses' own; sizes as typed, 128,128), except where
    there is none to show (None, a flag's False) or the help says it already."""

    def _get_help_string(self, action):
        default, text = action.default, action.help or ""
        if default is None or default is False or default is argparse.SUPPRESS or "(default" in text:
            return text
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        return f"{text} (default: {shown})"


def _preset_option(group, flag: str, help: str, **kw):
    """An option a preset fills: no default of its own (None: the preset's value is used), and its help names each
    preset's value."""
    from core.training.presets import PRESETS

    dest = flag.lstrip("-").replace("-", "_")
    shown = ", ".join(f"{name}: {','.join(map(str, v[dest])) if isinstance(v[dest], tuple) else v[dest]}"
                      for name, v in PRESETS.items())
    group.add_argument(flag, default=None, help=f"{help} ({shown})", **kw)


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    from core.data import BUILTIN
    from core.data.task import TASKS
    from core.data.toy import TOYS, ToyConfig
    from core.data.transforms import FEATURE_TRANSFORMS
    from core.training.device import DEVICE_CHOICES
    from core.training.embeddings import EMBEDDINGS
    from core.training.lr_finder import LRFinderConfig
    from core.training.model import ACTIVATIONS
    from core.training.optim import OPTIMIZERS
    from core.training.presets import PRESETS
    from core.training.schedule import SCHEDULES
    from core.training.trainer import TrainConfig

    root = argparse.ArgumentParser(prog=prog, description="Torch Playground: train an MLP regressor or "
                                   "classifier and predict with saved checkpoints.")
    sub = root.add_subparsers(dest="command", required=True)

    training = TrainConfig()  # the defaults live in the config dataclasses (through core/training/presets.py)
    common = argparse.ArgumentParser(add_help=False)  # the data and the model: train and lr-find alike
    toy = ToyConfig()
    common.add_argument("--dataset", default="california", help=f"{' or '.join(BUILTIN)}; a 2-D classification set "
                        f"({', '.join(TOYS)}); or the path of a CSV file")
    common.add_argument("--target", help="the column to predict (required for a CSV)")
    common.add_argument("--task", choices=TASKS, default="auto", help="auto: classify a text, boolean or few-valued "
                        "whole-number target, regress otherwise")
    common.add_argument("--samples", type=int, default=toy.samples, help="points of a 2-D classification set")
    common.add_argument("--noise", type=float, default=toy.noise, help="a 2-D set's noise (standard deviation)")
    common.add_argument("--preset", choices=list(PRESETS), default="lecture",
                        help="every setting below at once: lecture (the seed notebook's) or strong (the tabular "
                        "papers' recipe); options given explicitly override it")
    setting = functools.partial(_preset_option, common)
    setting("--batch-size", type=int, help="rows per optimizer step")
    setting("--optimizer", choices=OPTIMIZERS, help="the optimizer (adamw: decoupled weight decay)")
    setting("--hidden", type=_hidden, help="hidden layer sizes, e.g. 128,128")
    setting("--activation", choices=list(ACTIVATIONS), help="the activation after each hidden layer")
    setting("--dropout", type=float, help="probability of zeroing a hidden unit while training")
    setting("--embedding", choices=EMBEDDINGS, help="numerical embeddings of each number before the first layer")
    setting("--embedding-bins", type=int, help="piecewise: bins per number; periodic: frequencies")
    setting("--embedding-dim", type=int, help="values each embedded number becomes")
    setting("--ensemble", type=int, help="members trained together as one batched model; predicts their mean")
    setting("--feature-transform", choices=FEATURE_TRANSFORMS, help="after standard scaling: nothing more, robust "
            "scaling with smooth clipping, or a quantile transform to a normal curve")
    setting("--test-size", type=float, help="share of rows held out for testing")
    setting("--val-size", type=float, help="share of the other rows held out for validation and early stopping "
            "(0: none)")
    common.add_argument("--exclude", nargs="+", default=[], metavar="COLUMN",
                        help="columns to leave out of the features (e.g. the target's own parts)")
    common.add_argument("--keep", nargs="+", default=[], metavar="COLUMN",
                        help="columns to use as features even though they look like identifiers")
    common.add_argument("--seed", type=int, default=training.seed, help="seeds the split, the weights and shuffling")
    common.add_argument("--device", choices=DEVICE_CHOICES, default=training.device,
                        help="auto: CUDA, then MPS, else the CPU")
    common.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    common.add_argument("--json", action="store_true", help="print one JSON object with the results on stdout")
    common.add_argument("--quiet", action="store_true", help="no progress bar")

    train = sub.add_parser("train", help="train an MLP regressor and save a checkpoint", parents=[common],
                           formatter_class=_ShowDefaults)
    setting = functools.partial(_preset_option, train)
    setting("--epochs", type=int, help="passes over the training rows (at most: early stopping may end sooner)")
    setting("--lr", type=float, help="learning rate")
    setting("--schedule", choices=SCHEDULES, help="the learning rate over the run")
    setting("--warmup", type=float, help="share of the steps with a linear warm-up of the learning rate")
    setting("--weight-decay", type=float, help="adam, sgd: L2 penalty; adamw: decoupled decay of the weights")
    setting("--l1", type=float, help="L1 penalty: this × the sum of |weight| is added to the loss")
    setting("--clip-grad", type=float, help="clip the gradients' total norm to this before each step (0: off)")
    setting("--momentum", type=float, help="SGD's momentum")
    setting("--patience", type=int, help="with --val-size: stop after this many epochs without a better validation "
            "RMSE, and keep the best epoch's weights (0: train every epoch)")
    train.add_argument("--sweep", type=_sweep, metavar="NAME=V1,V2,...",
                       help="train 2 to 8 models side by side as one batched model, one per value of lr, "
                       "weight_decay or seed (e.g. lr=1e-4,1e-3,1e-2,0.1); the best one is saved")
    train.add_argument("--max-steps", type=int, default=training.max_steps,
                       help="stop after this many optimizer steps (0: no limit)")
    train.add_argument("--out", help="checkpoint folder (default: $TORCH_PLAYGROUND_CHECKPOINTS or ./checkpoints)")
    train.add_argument("--name", help="checkpoint name (default: DATASET-DATE-TIME)")
    train.add_argument("--script", metavar="FILE", help="also write the plain PyTorch script of this run (.py)")
    train.add_argument("--notebook", metavar="FILE", help="also write it as a Jupyter notebook (.ipynb)")
    train.add_argument("--onnx", metavar="FILE", help="also export the trained model as ONNX (see: export --help)")
    train.add_argument("--no-baselines", action="store_true",
                       help="skip the mean, linear and gradient-boosting baselines on the same split")

    finder, ranges = sub.add_parser("lr-find", parents=[common], formatter_class=_ShowDefaults,
                                    help="the learning-rate range test: a rate to start from for these settings"), \
        LRFinderConfig()
    finder.add_argument("--start-lr", type=float, default=ranges.start_lr, help="the rate of the first step")
    finder.add_argument("--end-lr", type=float, default=ranges.end_lr, help="the rate of the last step")
    finder.add_argument("--steps", type=int, default=ranges.steps, help="steps from the first rate to the last")

    predict = sub.add_parser("predict", help="predict with a saved checkpoint")
    predict.add_argument("--checkpoint", required=True, help="a checkpoint file, or a name in the checkpoint folder")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", help="a CSV of feature rows")
    source.add_argument("--values", nargs="+", metavar="NAME=VALUE", help="one row of feature values")
    predict.add_argument("--out", help="write the CSV with predictions here (default: stdout)")
    predict.add_argument("--json", action="store_true",
                         help="print JSON instead of text (with --csv: a summary on stdout; give --out for the CSV)")

    export = sub.add_parser("export", help="export a checkpoint's model as ONNX (for Netron, onnxruntime)",
                            description="The ONNX graph takes the encoded features (core.data.transform of the raw "
                            "columns, as the checkpoint's preprocessing makes them) and outputs the prediction in the "
                            "target's units; the feature names are in the file's metadata.")
    export.add_argument("--checkpoint", required=True, help="a checkpoint file, or a name in the checkpoint folder")
    export.add_argument("--onnx", required=True, metavar="FILE", help="the ONNX file to write")

    listing = sub.add_parser("list", help="list saved checkpoints")
    listing.add_argument("--dir", help="checkpoint folder (default: $TORCH_PLAYGROUND_CHECKPOINTS or ./checkpoints)")
    listing.add_argument("--json", action="store_true")
    return root


def cmd_train(args) -> int:
    from core import checkpoint
    from core.training.baselines import baselines
    from core.training.callbacks import ProgressBar
    from core.training.script import sweep_member
    from core.training.trainer import TrainConfig, Trainer, config_dict

    _threads(args)
    table, prepared, model_config = _data_and_model(args)
    sweep, values = args.sweep or ("", ())
    train_config = TrainConfig(**_configs(args)[2], seed=args.seed, device=args.device, max_steps=args.max_steps,
                               sweep=sweep, sweep_values=values)
    if sweep:  # one member per value
        model_config = replace(model_config, ensemble=len(train_config.sweep_values))
    callbacks = [] if args.quiet else [ProgressBar()]
    trainer = Trainer(model_config, train_config, callbacks)
    try:
        result = trainer.fit(prepared)
    except KeyboardInterrupt:
        print("Interrupted: nothing was saved.", file=sys.stderr)
        return 130
    stem = args.name or f"{Path(table.name).stem}-{datetime.now():%Y%m%d-%H%M%S}"
    name = args.name or checkpoint.unique_name(stem, args.out)
    saved = checkpoint.save(checkpoint.build(name=name, model_config=result.model_config or config_dict(model_config),
                                             train_config=config_dict(train_config), prepared=prepared,
                                             result=result), args.out)
    summary = cli_text.train_summary(table, prepared, result, saved, None if args.no_baselines else baselines(prepared))
    if sweep:  # the script of the member kept, the model saved: a sweep trains it exactly as that run
        model_config, train_config = sweep_member(model_config, train_config, result.metrics["best_value"])
    summary |= _write_code(args, prepared, model_config, train_config)
    if args.onnx:
        summary["onnx"] = _export(checkpoint.load(saved), args.onnx)
    print(json.dumps(summary) if args.json else cli_text.train_text(summary))
    return 0


def _write_code(args, prepared, model_config, train_config) -> dict:
    """The run as a script and/or a notebook, where --script/--notebook ask for them; their paths for the summary."""
    from core.training.notebook import training_notebook
    from core.training.script import training_script

    if not (args.script or args.notebook):
        return {}
    source = "csv" if prepared.info["name"].lower().endswith((".csv", ".txt")) else args.dataset
    if prepared.task == "classify":
        from core.training.class_script import classifier_script

        script = classifier_script(prepared.info, model_config, train_config,
                                   csv_path=args.dataset if source == "csv" else None)
    else:
        script = training_script(source, prepared.info["target"], model_config, train_config,
                                 test_size=prepared.info["test_size"],
                                 csv_path=args.dataset if source == "csv" else None,
                                 val_size=prepared.info["val_size"],
                                 feature_transform=prepared.info["feature_transform"])
    written = {}
    for key, path, text in (("script", args.script, script), ("notebook", args.notebook, None)):
        if path:
            Path(path).write_text(text if text is not None else training_notebook(script), encoding="utf-8")
            written[key] = str(path)
    return written


def _threads(args) -> None:
    from core.training.run import set_threads

    if args.threads < 1:
        raise ConfigError("--threads must be at least 1.")
    set_threads(args.threads)


def _configs(args) -> tuple[dict, dict, dict]:
    """The keyword arguments of DataConfig, ModelConfig and TrainConfig: the preset's values, with the options given
    explicitly in their place."""
    from core.training.presets import PRESETS, split

    values = PRESETS[args.preset]
    return split(values | {k: getattr(args, k) for k in values if getattr(args, k, None) is not None})


def _data_and_model(args):
    """The table, its prepared split (warnings on stderr) and the model's config, from the options train and
    lr-find share."""
    from core import data
    from core.training.model import ModelConfig

    table = _read(args)
    if table.target is None:
        columns = ", ".join(map(str, table.frame.columns))
        raise ConfigError(f"Name the column to predict with --target (columns: {columns}).")
    data_settings, model_settings, _ = _configs(args)
    with _stages(args.quiet) as on_stage:
        prepared = data.prepare(table, data.DataConfig(**data_settings, seed=args.seed, exclude=args.exclude,
                                                        keep=args.keep, task=args.task), on_stage)
    for warning in prepared.report["warnings"]:
        print(f"warning: {warning['message']}", file=sys.stderr)
        if warning["code"] == "leak":
            print(f"  to leave them out: --exclude {' '.join(warning['columns'])}", file=sys.stderr)
    model_config = ModelConfig(**model_settings, **prepared.shape)
    return table, prepared, model_config


def cmd_lr_find(args) -> int:
    """The range test on the training rows: the suggested rate, and the loss at every tenth step."""
    from core.training.lr_finder import LRFinderConfig, find_lr
    from core.training.trainer import TrainConfig

    _threads(args)
    settings = _configs(args)[2]
    train_config = TrainConfig(batch_size=settings["batch_size"], optimizer=settings["optimizer"], seed=args.seed,
                               device=args.device)
    finder = LRFinderConfig(start_lr=args.start_lr, end_lr=args.end_lr, steps=args.steps)
    _, prepared, model_config = _data_and_model(args)
    result = find_lr(prepared, model_config, train_config, finder)
    if args.json:
        print(json.dumps({**result.to_dict(), "steps": len(result.lrs)}))
        return 0
    for i in range(0, len(result.lrs), max(1, len(result.lrs) // 10)):
        print(f"  lr {result.lrs[i]:9.2e}  loss {result.losses[i]:.4f} (MSE of the standardised target)")
    ended = "the loss diverged" if result.stopped_early else f"it reached {finder.end_lr:g}"
    print(f"{len(result.lrs)} steps from {finder.start_lr:g} until {ended}.")
    if result.suggestion is None:
        print("The loss never fell: no rate to suggest. Check the data, or widen --start-lr/--end-lr.")
    else:
        print(f"Suggested learning rate: {result.suggestion:.2g} (a tenth of where the loss was lowest); "
              f"train with --lr {result.suggestion:.2g}.")
    return 0


def _read(args):
    """The data set: a built-in one, a 2-D classification set drawn from --seed, or a CSV read from its path within
    this machine's limits, with a bar of the bytes read on stderr for a file over a few MB."""
    from core import data
    from core.data.toy import TOYS, ToyConfig, load_toy

    dataset, target, quiet = args.dataset, args.target, args.quiet
    if dataset in TOYS:
        return load_toy(ToyConfig(name=dataset, samples=args.samples, noise=args.noise, seed=args.seed))
    path = Path(dataset)
    size = path.stat().st_size if dataset not in data.BUILTIN and path.is_file() else 0
    if quiet or size < 8 * 2**20:
        return data.load(dataset, target, limits=data.local_limits())
    from tqdm import tqdm

    with tqdm(total=size, unit="B", unit_scale=True, desc="reading", file=sys.stderr, leave=False) as bar:
        return data.load(dataset, target, limits=data.local_limits(), progress=lambda done: bar.update(done - bar.n))


@contextmanager
def _stages(quiet: bool):
    """A bar over the preparation's stages on stderr (splitting, fitting the preprocessing, ...)."""
    if quiet:
        yield None
        return
    from tqdm import tqdm

    from core.data.prepare import STAGES

    with tqdm(total=len(STAGES), desc="preparing", unit="stage", file=sys.stderr, leave=False) as bar:
        def on_stage(i: int, name: str):
            bar.update(i - bar.n)
            bar.set_postfix_str(name)

        yield on_stage


def _parse_values(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ConfigError(f"{pair!r} is not NAME=VALUE (e.g. MedInc=3.5).")
        values[name.strip()] = value.strip()
    return values


def cmd_predict(args) -> int:
    from core import checkpoint, data
    from core.predict import Predictor

    if args.csv and args.json and not args.out:
        raise ConfigError("With --csv and --json, give --out for the scored CSV: stdout holds the JSON summary.")
    predictor = Predictor.from_file(checkpoint.resolve(args.checkpoint))
    if args.values:
        value, report = predictor.predict_one(_parse_values(args.values))
        if predictor.classes:  # the chosen class and every class's probability
            chosen, shares = report.labels()[0], dict(zip(predictor.classes, report.probabilities[0].tolist()))
            print(json.dumps({"target": predictor.target, "prediction": chosen, "probabilities": shares,
                              "out_of_range": report.out_of_range}) if args.json else
                  f"{predictor.target}: {chosen!r} (" + ", ".join(f"{c}: {p:.3f}" for c, p in shares.items()) + ")")
        elif args.json:
            print(json.dumps({"target": predictor.target, "prediction": value, "out_of_range": report.out_of_range}))
        else:
            print(f"{predictor.target}: {value:.6g} ({predictor.describe(value)})")
            for item in report.out_of_range:
                shown = {k: f"{item[k]:g}" if isinstance(item[k], float) else item[k] for k in ("value", "min", "max")}
                print(f"warning: {item['column']}={shown['value']} is outside the training range "
                      f"[{shown['min']}, {shown['max']}]", file=sys.stderr)
        return 0
    source = data.read_csv(args.csv, limits=data.local_limits())
    report = predictor.predict_frame(source.frame)
    table = report.frame(source.frame, f"predicted_{predictor.target}", dollars=predictor.dollars)
    if args.out:  # in the input's own format: separator, decimal mark, and a byte-order mark where it had one
        Path(args.out).write_bytes(data.to_csv_bytes(table, source))
        print(f"Wrote {len(table)} predictions to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(table.to_csv(index=False, sep=source.sep, decimal=source.decimal))
    print(cli_text.predict_text(report, predictor.target), file=sys.stderr, end="")
    if args.json:
        print(json.dumps({"target": predictor.target, "rows": len(table), "predicted": len(table) - report.n_bad_rows,
                          "bad_rows": report.n_bad_rows, "problems": [p["message"] for p in report.problems],
                          "out_of_range_rows": report.n_out_of_range_rows, "filled": report.filled,
                          "ignored": report.ignored, "against_target": report.against_target, "out": args.out}))
    return 0


def _export(saved: dict, path: str) -> str:
    from core.export import onnx_bytes

    Path(path).write_bytes(onnx_bytes(saved))
    return str(path)


def cmd_export(args) -> int:
    from core import checkpoint

    path = _export(checkpoint.load(checkpoint.resolve(args.checkpoint)), args.onnx)
    print(f"Wrote {path}: input 'features' (the encoded columns), output 'prediction' in the target's units.")
    return 0


def cmd_list(args) -> int:
    from core import checkpoint

    items = checkpoint.list_checkpoints(args.dir)
    if args.json:
        print(json.dumps(items))
        return 0
    if not items:
        print(f"No checkpoints in {checkpoint.checkpoint_dir(args.dir)}.")
    for item in items:
        if "error" in item:
            print(f"{item['name']}: unreadable ({item['error']})")
        else:
            figure = f"test accuracy {item['test_accuracy']:.4f}" if item["task"] == "classify" else \
                f"test MAE {item['test_mae']:.4f}"
            print(f"{item['name']}: {item['dataset']} → {item['target']}, {figure}, {item['epochs']} epochs, "
                  f"{item['created']}")
    return 0


def main(argv=None, prog: str | None = None) -> int:
    """Run one command; returns the exit status. ``prog``: the name ``--help`` shows (default: how it was called)."""
    args = parser(prog).parse_args(argv)
    try:
        return {"train": cmd_train, "lr-find": cmd_lr_find, "predict": cmd_predict, "export": cmd_export,
                "list": cmd_list}[args.command](args)
    except PlaygroundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a folder that cannot be written, a file that vanished
        print(f"error: {err.strerror or err}: {err.filename or ''}. Check the path and its permissions.",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130

