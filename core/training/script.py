"""The plain PyTorch script that does what the app does with the chosen settings, as a learner writes it after the
lecture: load, split, scale, ``class MLP(nn.Module)``, the loop of ``zero_grad`` → ``backward`` → ``step``,
evaluation under ``model.eval()`` and ``torch.no_grad()``, and ``torch.save(model.state_dict(), PATH)``.

Without dropout, on a built-in data set, the script repeats the app's run number for number: ``torch.manual_seed``
followed by building the layers in the same order draws the same initial weights as the trainer's own generator,
and ``torch.randperm`` then draws the same shuffles (tests/training/test_script.py checks it against ``Trainer``).
"""

import re

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


def _model_section(model_config: ModelConfig) -> str:
    sizes = model_config.hidden
    act = ACTIVATIONS[model_config.activation].__name__  # "ReLU", "GELU", ...: the class in torch.nn
    drop = model_config.dropout > 0
    init = ["        super().__init__()"]
    inputs = "n_features"
    for i, size in enumerate(sizes, start=1):
        init.append(f"        self.fc{i} = nn.Linear({inputs}, {size})")
        inputs = str(size)
    init.append(f"        self.out = nn.Linear({inputs}, 1)")
    init.append(f"        self.act = nn.{act}()")
    if drop:
        init.append(f"        self.drop = nn.Dropout({model_config.dropout!r})  # only while training")
    forward = []
    for i, size in enumerate(sizes, start=1):
        step = f"self.act(self.fc{i}(x))"
        forward.append(f"        x = {f'self.drop({step})' if drop else step}  # (batch, {size})")
    forward.append("        return self.out(x)  # (batch, 1)")
    return "\n".join([
        "class MLP(nn.Module):",
        "    def __init__(self, n_features):",
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
        name = "Adam"
    if train_config.weight_decay:
        args.append(f"weight_decay={train_config.weight_decay!r}")
    return f"optimizer = torch.optim.{name}({', '.join(args)})"


def training_script(data_source: str, target: str | None, model_config: ModelConfig, train_config: TrainConfig,
                    test_size: float = 0.2, csv_path: str | None = None, save_path: str = "model.pt") -> str:
    """The complete, runnable PyTorch script equivalent to these settings.

    ``data_source``: "california", "diabetes", or a CSV (then ``target`` names the column to predict and
    ``csv_path``, else ``data_source`` if it ends in .csv, else "data.csv", is the file the script reads).
    """
    data_imports, data_settings, load = _data_section(data_source, target, csv_path)
    imports = sorted([
        *data_imports,
        "import torch",
        "from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error",
        "from sklearn.model_selection import train_test_split",
        "from sklearn.preprocessing import StandardScaler",
        "from torch import nn",
    ], key=lambda line: (line.startswith("from"), line))  # the order isort and ruff keep
    settings = [
        f"SEED = {train_config.seed!r}",
        f"TEST_SIZE = {test_size!r}",
        f"EPOCHS = {train_config.epochs!r}",
        f"BATCH_SIZE = {train_config.batch_size!r}",
        f"LEARNING_RATE = {train_config.lr!r}",
        *data_settings,
        f"PATH = {_string(save_path)}  # where the trained weights are saved",
    ]
    needs = NEEDS_PANDAS if "import pandas as pd" in data_imports else NEEDS
    head = [
        f'"""{TITLE}\n\n{needs}\n"""',
        "\n".join(imports),
        "\n".join(settings),
        "# 1. Data\n" + load,
        TRAIN_TEST,
        "# 2. Model\ntorch.manual_seed(SEED)  # the same seed gives the same initial weights and the same shuffles",
    ]
    tail = [
        "model = MLP(X_train.shape[1])\nloss_fn = nn.MSELoss()\n" + _optimizer_line(train_config),
        LOOP,
        RESULTS,
    ]
    # Two blank lines around the class (PEP 8), one between the other sections.
    text = "\n\n".join(head) + "\n\n\n" + _model_section(model_config) + "\n\n\n" + "\n\n".join(tail)
    return text + "\n"


TRAIN_TEST = """\
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED)

# Normalisation (from the lecture) makes training stable: every feature gets mean 0 and standard deviation 1.
# The scaler learns from the training rows only, so nothing about the test rows leaks into training.
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
# The target too: the model learns (y - y_mean) / y_std, and its predictions are turned back into y's units.
y_mean, y_std = float(y_train.mean()), float(y_train.std())

X_train = torch.tensor(X_train, dtype=torch.float32)  # (n_train, n_features)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)  # (n_train, 1)
X_test = torch.tensor(X_test, dtype=torch.float32)  # (n_test, n_features)
y_test = torch.tensor(y_test, dtype=torch.float32)  # (n_test,), in y's units"""

LOOP = """\
# 3. Training
n = len(X_train)
for epoch in range(1, EPOCHS + 1):
    perm = torch.randperm(n)  # a new order of the training rows every epoch
    total_loss = 0.0
    for i in range(0, n, BATCH_SIZE):
        idx = perm[i:i + BATCH_SIZE]
        xb, yb = X_train[idx], y_train[idx]  # (batch, n_features), (batch, 1)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(xb)
    train_loss = total_loss / n * y_std**2  # MSE in y's units squared, as the app shows it

    model.eval()  # switches dropout off
    with torch.no_grad():
        pred = model(X_test).squeeze(1) * y_std + y_mean  # (n_test,), back in y's units
        test_mae = (pred - y_test).abs().mean().item()
    model.train()
    print(f"epoch {epoch:3d}  train loss {train_loss:.4f}  test MAE {test_mae:.4f}")"""

RESULTS = """\
# 4. The final model on the test rows (pred: the last epoch's predictions), in y's units
print(f"Test MAE:  {mean_absolute_error(y_test, pred):.4f}")
print(f"Test RMSE: {root_mean_squared_error(y_test, pred):.4f}")
print(f"Test R²:   {r2_score(y_test, pred):.4f}")

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
