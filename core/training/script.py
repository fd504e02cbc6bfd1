"""The plain PyTorch script that does what the app does with the chosen settings, as a learner writes it after the
lecture: load, split, scale, ``class MLP(nn.Module)``, the loop of ``zero_grad`` → ``backward`` → ``step``,
evaluation under ``model.eval()`` and ``torch.no_grad()``, and ``torch.save(model.state_dict(), PATH)``.

Without dropout, on a built-in data set, the script repeats the app's run number for number: ``torch.manual_seed``
followed by building the layers in the same order draws the same initial weights as the trainer's own generator,
and ``torch.randperm`` then draws the same shuffles (tests/training/test_script.py checks it against ``Trainer``).
"""

import re
import textwrap
from dataclasses import replace

from core.data import BUILTIN
from core.errors import N_, ConfigError
from core.training.model import ACTIVATIONS, ModelConfig
from core.training.trainer import TrainConfig

_DATA = {
    "california": {
        "import": "from sklearn.datasets import fetch_california_housing",
        "about": "# California housing (1990 census): 20,640 block groups, 8 features;\n"
                 "# y is the median house value in $100,000 (downloaded once, then cached by scikit-learn).",
        "load": "X, y = fetch_california_housing(return_X_y=True)",
    },
    "diabetes": {
        "import": "from sklearn.datasets import load_diabetes",
        "about": "# Diabetes (bundled with scikit-learn): 442 patients, 10 features;\n"
                 "# y is a measure of disease progression one year later.",
        "load": "X, y = load_diabetes(return_X_y=True, scaled=False)",
    },
}


def _string(text: str) -> str:
    """A Python literal for ``text``, in double quotes like the rest of the script where that needs no escapes."""
    literal = repr(text)
    if literal.startswith("'") and "'" not in text and '"' not in text:
        literal = f'"{literal[1:-1]}"'
    return literal


def _data_section(data_source: str, target: str | None, csv_path: str | None) -> tuple[list[str], list[str], str]:
    """(import lines, settings lines, loading code) for one data source."""
    if data_source in BUILTIN:
        data = _DATA[data_source]
        return [data["import"]], [], f"{data['about']}\n{data['load']}"
    if not target:
        raise ConfigError(N_("Choose the target column before showing the script: it needs to know what to predict."),
                          code="target_missing", target="")
    path = csv_path or (data_source if data_source.lower().endswith(".csv") else "data.csv")
    load = (
        "# A simpler version of what the app does with a CSV: numeric columns only, and rows with an empty cell\n"
        "# dropped. (The app also fills empty cells and one-hot encodes text columns, so its numbers can differ.)\n"
        "df = pd.read_csv(CSV_PATH).select_dtypes(\"number\").dropna()\n"
        "X = df.drop(columns=[TARGET]).to_numpy()\n"
        "y = df[TARGET].to_numpy()"
    )
    return ["import pandas as pd"], [f"CSV_PATH = {_string(path)}", f"TARGET = {_string(target)}"], load


def _model_section(model_config: ModelConfig, classifier: bool = False) -> str:
    """The MLP class; a classifier's has one output per class (``n_classes``, its logits)."""
    sizes = model_config.hidden
    act = ACTIVATIONS[model_config.activation].__name__  # "ReLU", "GELU", ...: the class in torch.nn
    drop = model_config.dropout > 0
    init = ["        super().__init__()"]
    inputs = "n_features"
    for i, size in enumerate(sizes, start=1):
        init.append(f"        self.fc{i} = nn.Linear({inputs}, {size})")
        inputs = str(size)
    init.append(f"        self.out = nn.Linear({inputs}, {'n_classes' if classifier else 1})")
    init.append(f"        self.act = nn.{act}()")
    if drop:
        init.append(f"        self.drop = nn.Dropout({model_config.dropout!r})  # only while training")
    forward = []
    for i, size in enumerate(sizes, start=1):
        step = f"self.act(self.fc{i}(x))"
        forward.append(f"        x = {f'self.drop({step})' if drop else step}  # (batch, {size})")
    forward.append("        return self.out(x)  # (batch, n_classes): the logits" if classifier else
                   "        return self.out(x)  # (batch, 1)")
    return "\n".join([
        "class MLP(nn.Module):",
        f"    def __init__(self, n_features{', n_classes' if classifier else ''}):",
        *init,
        "",
        "    def forward(self, x):  # x: (batch, n_features)",
        *forward,
    ])


def _optimizer_line(train_config: TrainConfig) -> str:
    args = ["model.parameters()", "lr=LEARNING_RATE"]
    if train_config.optimizer == "sgd":
        if train_config.momentum:
            args.append(f"momentum={train_config.momentum!r}")
        name = "SGD"
    else:
        name = "AdamW" if train_config.optimizer == "adamw" else "Adam"
    if train_config.weight_decay:
        args.append(f"weight_decay={train_config.weight_decay!r}")
    return f"optimizer = torch.optim.{name}({', '.join(args)})"


# torch's own scheduler for each schedule (core/training/schedule.py writes out the same formulas)
_SCHEDULERS = {
    "step": "lr_scheduler.MultiStepLR(optimizer, milestones=[{n} // 2, 3 * {n} // 4], gamma=0.1)",
    "cosine": "lr_scheduler.CosineAnnealingLR(optimizer, T_max={n})",
    "one_cycle": "lr_scheduler.OneCycleLR(optimizer, max_lr=LEARNING_RATE, total_steps={n}, "
                 "cycle_momentum=False)",
    "constant": "lr_scheduler.ConstantLR(optimizer, factor=1.0)",
}


def _scheduler_lines(train_config: TrainConfig) -> str:
    """The schedule as torch schedulers stepped after every optimizer step; "" for the lecture's constant rate."""
    if train_config.schedule == "constant" and not train_config.warmup:
        return ""
    lines = ["steps = EPOCHS * math.ceil(len(X_train) / BATCH_SIZE)  # the schedule spans every planned step"]
    if not train_config.warmup:
        return "\n".join([*lines, "scheduler = " + _SCHEDULERS[train_config.schedule].format(n="steps")])
    return "\n".join([
        *lines,
        "warm = round(WARMUP * steps)  # the first steps raise the rate linearly",
        "warmup = lr_scheduler.LinearLR(optimizer, start_factor=1 / warm, total_iters=warm - 1)",
        "after = " + _SCHEDULERS[train_config.schedule].format(n="(steps - warm)"),
        "scheduler = lr_scheduler.SequentialLR(optimizer, [warmup, after], milestones=[warm])",
    ])


def sweep_member(model_config: ModelConfig, train_config: TrainConfig, value: float | None = None):
    """A sweep's member ``value`` of its swept setting (None: the config's own value of it) as a run of its own: a
    sweep trains each member exactly as that run (on the CPU to the last bit), so that run's script repeats it."""
    if not train_config.sweep:
        return model_config, train_config
    own = {} if value is None else {train_config.sweep: int(value) if train_config.sweep == "seed" else float(value)}
    return replace(model_config, ensemble=1), replace(train_config, sweep="", sweep_values=(), **own)


def _left_out(model_config: ModelConfig) -> list[str]:
    """The app's settings this script does not write out: its numbers then differ from the app's."""
    out = []
    if model_config.embedding != "none":
        out.append(f"{model_config.embedding} embeddings")
    if model_config.ensemble > 1:
        out.append(f"an ensemble of {model_config.ensemble}")
    return out


def training_script(data_source: str, target: str | None, model_config: ModelConfig, train_config: TrainConfig,
                    test_size: float = 0.2, csv_path: str | None = None, save_path: str = "model.pt",
                    val_size: float = 0.0, feature_transform: str = "standard") -> str:
    """The complete, runnable PyTorch script equivalent to these settings.

    ``data_source``: "california", "diabetes", or a CSV (then ``target`` names the column to predict and
    ``csv_path``, else ``data_source`` if it ends in .csv, else "data.csv", is the file the script reads).
    """
    data_imports, data_settings, load = _data_section(data_source, target, csv_path)
    model_config, train_config = sweep_member(model_config, train_config)  # a sweep: the member of its own value
    tc, validation = train_config, val_size > 0
    scalers = ["StandardScaler"] + {"quantile": ["QuantileTransformer"], "robust": ["RobustScaler"]}.get(
        feature_transform, [])
    scheduler = _scheduler_lines(tc)
    imports = sorted([
        *data_imports,
        "import torch",
        "from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error",
        "from sklearn.model_selection import train_test_split",
        f"from sklearn.preprocessing import {', '.join(sorted(scalers))}",
        "from torch import nn",
        *(["from torch.optim import lr_scheduler"] if scheduler else []),
    ], key=lambda line: (line.startswith("from"), line))  # the order isort and ruff keep
    standard = (["import copy"] if validation else []) + (["import math"] if scheduler or validation else [])
    recipe = [f"VAL_SIZE = {val_size!r}  # share of the training rows held out for validation"] if validation else []
    recipe += [f"PATIENCE = {tc.patience!r}  # epochs without a better validation RMSE before stopping"] \
        if validation and tc.patience else []
    recipe += [f"L1 = {tc.l1!r}"] if tc.l1 else []
    recipe += [f"CLIP_GRAD = {tc.clip_grad!r}  # the gradients' largest total norm"] if tc.clip_grad else []
    recipe += [f"WARMUP = {tc.warmup!r}  # share of the steps"] if tc.warmup and scheduler else []
    settings = [
        f"SEED = {train_config.seed!r}",
        f"TEST_SIZE = {test_size!r}",
        f"EPOCHS = {train_config.epochs!r}",
        f"BATCH_SIZE = {train_config.batch_size!r}",
        f"LEARNING_RATE = {train_config.lr!r}",
        *recipe,
        *data_settings,
        f"PATH = {_string(save_path)}  # where the trained weights are saved",
    ]
    needs = NEEDS_PANDAS if "import pandas as pd" in data_imports else NEEDS
    head = [
        f'"""{TITLE}\n\n{needs}\n"""',
        "\n".join(standard + [""] * bool(standard) + imports),
        "\n".join(settings),
        "# 1. Data\n" + load,
        _train_test(validation, feature_transform),
        "# 2. Model\ntorch.manual_seed(SEED)  # the same seed gives the same initial weights and the same shuffles"
        + ("\n" + textwrap.fill(LEFT_OUT, 118, initial_indent="# ", subsequent_indent="# ")
           if _left_out(model_config) else ""),
    ]
    tail = [
        "model = MLP(X_train.shape[1])\nloss_fn = nn.MSELoss()\n" + _optimizer_line(train_config)
        + (f"\n{scheduler}" if scheduler else ""),
        _loop(tc, validation, bool(scheduler)),
        RESULTS if not validation else RESULTS.replace(RESULTS_HEAD, RESULTS_HEAD_BEST),
    ]
    # Two blank lines around the class (PEP 8), one between the other sections.
    text = "\n\n".join(head) + "\n\n\n" + _model_section(model_config) + "\n\n\n" + "\n\n".join(tail)
    return text + "\n"


def _train_test(validation: bool, feature_transform: str) -> str:
    """The split, the scaling fitted on the training rows, and the tensors; with a validation split and a feature
    transform where the run has them."""
    val = ", X_val" if validation else ""
    lines = ["X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED)"]
    if validation:
        lines += ["# Validation rows come out of the training rows: the best epoch is chosen on them, never on the "
                  "test rows.",
                  "X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=VAL_SIZE, "
                  "random_state=SEED)"]
    scaled = f"X_train{val}, X_test = (scaler.transform(x) for x in (X_train{val}, X_test))" if validation else \
        "X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)"
    lines += ["", *NORMALISE.splitlines()[:2], "scaler = StandardScaler().fit(X_train)", scaled]
    fit = {"quantile": ["# Each column's ranks mapped onto a bell curve (QuantileTransformer), fitted on the "
                        "training rows.",
                        "quantile = QuantileTransformer(output_distribution=\"normal\", n_quantiles=min(1000, "
                        "len(X_train)),",
                        "                               subsample=1_000_000, random_state=SEED).fit(X_train)",
                        f"X_train{val}, X_test = (quantile.transform(x) for x in (X_train{val}, X_test))"],
           "robust": ["# Robust scaling (median, interquartile range), then smooth clipping: outliers end near ±3.",
                      "robust = RobustScaler().fit(X_train)",
                      f"X_train{val}, X_test = (robust.transform(x) for x in (X_train{val}, X_test))",
                      f"X_train{val}, X_test = (x / (1 + (x / 3) ** 2) ** 0.5 for x in (X_train{val}, X_test))"],
           }.get(feature_transform, [])
    lines += fit + [*NORMALISE.splitlines()[2:], ""] + TENSORS.splitlines()
    if validation:
        lines += ["X_val = torch.tensor(X_val, dtype=torch.float32)  # (n_val, n_features)",
                  "y_val = torch.tensor(y_val, dtype=torch.float32)  # (n_val,), in y's units"]
    return "\n".join(lines)


NORMALISE = """\
# Normalisation (from the lecture) makes training stable: every feature gets mean 0 and standard deviation 1.
# The scaler learns from the training rows only, so nothing about the test rows leaks into training.
# The target too: the model learns (y - y_mean) / y_std, and its predictions are turned back into y's units.
y_mean, y_std = float(y_train.mean()), float(y_train.std())"""

TENSORS = """\
X_train = torch.tensor(X_train, dtype=torch.float32)  # (n_train, n_features)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)  # (n_train, 1)
X_test = torch.tensor(X_test, dtype=torch.float32)  # (n_test, n_features)
y_test = torch.tensor(y_test, dtype=torch.float32)  # (n_test,), in y's units"""


def _loop(tc: TrainConfig, validation: bool, scheduled: bool) -> str:
    """The lecture's loop, with the recipe's lines where the run uses them: L1, clipping, the scheduler's step, the
    validation RMSE with early stopping."""
    step = ["        loss = loss_fn(model(xb), yb)"]
    if tc.l1:
        step = ["        data_loss = loss_fn(model(xb), yb)",
                "        weights = [p for name, p in model.named_parameters() if name.endswith(\"weight\")]",
                "        loss = data_loss + L1 * sum(w.abs().sum() for w in weights)  # the L1 penalty"]
    step += ["        loss.backward()"]
    step += ["        nn.utils.clip_grad_norm_(model.parameters(), CLIP_GRAD)"] if tc.clip_grad else []
    step += ["        optimizer.step()"] + (["        scheduler.step()"] if scheduled else [])
    step += [f"        total_loss += {'data_loss' if tc.l1 else 'loss'}.item() * len(xb)"]
    head = ["# 3. Training", "n = len(X_train)"]
    if validation:
        head += ["best_rmse, best_epoch, best_state = math.inf, 0, None"]
    lines = head + LOOP_HEAD.splitlines() + step + LOOP_TAIL.splitlines()
    if validation:
        at = next(i for i, line in enumerate(lines) if "test_mae = " in line) + 1
        lines[at:at] = ["        val_pred = model(X_val).squeeze(1) * y_std + y_mean",
                        "        val_rmse = math.sqrt(((val_pred - y_val) ** 2).mean().item())"]
        lines[-1] = lines[-1].replace("test MAE {test_mae:.4f}", "test MAE {test_mae:.4f}  val RMSE {val_rmse:.4f}")
        lines += ["    if val_rmse < best_rmse:  # the best epoch so far on the validation rows: keep its weights",
                  "        best_rmse, best_epoch, best_state = val_rmse, epoch, copy.deepcopy(model.state_dict())"]
        if tc.patience:
            lines += ["    elif epoch - best_epoch >= PATIENCE:  # early stopping",
                      "        break"]
        lines += ["model.load_state_dict(best_state)",
                  "model.eval()",
                  "with torch.no_grad():",
                  "    pred = model(X_test).squeeze(1) * y_std + y_mean"]
    return "\n".join(lines)


LOOP_HEAD = """\
for epoch in range(1, EPOCHS + 1):
    perm = torch.randperm(n)  # a new order of the training rows every epoch
    total_loss = 0.0
    for i in range(0, n, BATCH_SIZE):
        idx = perm[i:i + BATCH_SIZE]
        xb, yb = X_train[idx], y_train[idx]  # (batch, n_features), (batch, 1)
        optimizer.zero_grad()"""

LOOP_TAIL = """\
    train_loss = total_loss / n * y_std**2  # MSE in y's units squared, as the app shows it

    model.eval()  # switches dropout off
    with torch.no_grad():
        pred = model(X_test).squeeze(1) * y_std + y_mean  # (n_test,), back in y's units
        test_mae = (pred - y_test).abs().mean().item()
    model.train()
    print(f"epoch {epoch:3d}  train loss {train_loss:.4f}  test MAE {test_mae:.4f}")"""

RESULTS_HEAD = "# 4. The final model on the test rows (pred: the last epoch's predictions), in y's units"
BEST_HEAD = N_("4. The final model on the test rows (pred: the best validation epoch's), in y's units")
RESULTS_HEAD_BEST = "# " + BEST_HEAD
LEFT_OUT = N_("The app's run also used numerical embeddings or an ensemble, which this script leaves out: it trains "
              "one plain MLP, so its numbers differ from the app's.")
RESULTS = """\
# 4. The final model on the test rows (pred: the last epoch's predictions), in y's units
print(f"Test MAE:  {mean_absolute_error(y_test, pred):.6f}")
print(f"Test RMSE: {root_mean_squared_error(y_test, pred):.6f}")
print(f"Test R²:   {r2_score(y_test, pred):.6f}")

# 5. Save the weights. Predicting on new rows also needs the scaler and y_mean, y_std from above.
torch.save(model.state_dict(), PATH)
print(f"Saved the weights to {PATH}")
# To load them back into a fresh model:
#   model = MLP(X_train.shape[1])
#   model.load_state_dict(torch.load(PATH, weights_only=True))"""


TITLE = N_("Train an MLP regressor with PyTorch: the Torch Playground's settings as a plain script.")
NEEDS = N_("Needs torch and scikit-learn. Runs on the CPU: for a model this small that is as fast as a GPU.")
NEEDS_PANDAS = N_("Needs torch, scikit-learn and pandas. Runs on the CPU: for a model this small that is as fast as "
                  "a GPU.")
# The script's prose comments, whole (a comment over two lines is one sentence), marked so the pages can show them in
# the reader's language with ``comments_in``; shapes such as "(batch, 1)" and commented-out code stay as they are.
COMMENTS = (
    TITLE, NEEDS, NEEDS_PANDAS,  # the module docstring's two paragraphs
    N_("where the trained weights are saved"), N_("1. Data"),
    N_("California housing (1990 census): 20,640 block groups, 8 features; y is the median house value in $100,000 "
       "(downloaded once, then cached by scikit-learn)."),
    N_("Diabetes (bundled with scikit-learn): 442 patients, 10 features; y is a measure of disease progression one "
       "year later."),
    N_("A simpler version of what the app does with a CSV: numeric columns only, and rows with an empty cell dropped. "
       "(The app also fills empty cells and one-hot encodes text columns, so its numbers can differ.)"),
    N_("Normalisation (from the lecture) makes training stable: every feature gets mean 0 and standard deviation 1. "
       "The scaler learns from the training rows only, so nothing about the test rows leaks into training."),
    N_("The target too: the model learns (y - y_mean) / y_std, and its predictions are turned back into y's units."),
    N_("(n_test,), in y's units"), N_("2. Model"),
    N_("the same seed gives the same initial weights and the same shuffles"), N_("only while training"),
    N_("3. Training"), N_("a new order of the training rows every epoch"),
    N_("MSE in y's units squared, as the app shows it"), N_("switches dropout off"),
    N_("(n_test,), back in y's units"),
    N_("4. The final model on the test rows (pred: the last epoch's predictions), in y's units"),
    N_("5. Save the weights. Predicting on new rows also needs the scaler and y_mean, y_std from above."),
    N_("To load them back into a fresh model:"),
    # the recipe's lines (issue 14)
    N_("share of the training rows held out for validation"),
    N_("epochs without a better validation RMSE before stopping"), N_("the gradients' largest total norm"),
    N_("share of the steps"),
    N_("Validation rows come out of the training rows: the best epoch is chosen on them, never on the test rows."),
    N_("Each column's ranks mapped onto a bell curve (QuantileTransformer), fitted on the training rows."),
    N_("Robust scaling (median, interquartile range), then smooth clipping: outliers end near ±3."),
    N_("(n_val,), in y's units"), N_("the schedule spans every planned step"),
    N_("the first steps raise the rate linearly"), N_("the L1 penalty"),
    N_("the best epoch so far on the validation rows: keep its weights"), N_("early stopping"),
    LEFT_OUT, BEST_HEAD,
)
_FULL_LINE = re.compile(r"^(\s*)# (\S.*)$")  # a comment line of prose (commented-out code is indented after '#')
_TRAILING = re.compile(r"^(.*?\S)  # (.*)$")


def comments_in(script: str, say) -> str:
    """``script`` with each prose comment, and each paragraph of its module docstring, replaced by ``say(text)`` (a
    page's translation); the code unchanged.

    Consecutive comment lines are one sentence: they are translated together, onto one line; a numbered heading
    ("# 1. Data") stands alone.
    """
    if script.startswith('"""') and '"""' in script[3:]:
        docstring, rest = script[3:].split('"""', 1)
        said = "\n\n".join(say(part.strip()) for part in docstring.split("\n\n"))
        return f'"""{said}\n"""' + comments_in(rest, say)
    lines, out, i = script.split("\n"), [], 0
    while i < len(lines):
        match = _FULL_LINE.match(lines[i])
        if match:
            indent, texts, j = match.group(1), [match.group(2)], i + 1
            heading = re.match(r"\d+\. ", texts[0])  # "# 1. Data": a section's heading stands alone
            while not heading and j < len(lines) and (more := _FULL_LINE.match(lines[j])) and more.group(1) == indent:
                texts.append(more.group(2))
                j += 1
            whole = " ".join(texts)
            said = say(whole)
            out.extend([f"{indent}# {said}"] if said != whole else lines[i:j])
            i = j
            continue
        match = _TRAILING.match(lines[i])
        out.append(f"{match.group(1)}  # {say(match.group(2))}" if match else lines[i])
        i += 1
    return "\n".join(out)
