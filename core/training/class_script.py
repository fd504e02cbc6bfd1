"""The plain PyTorch script of a classifier's run (issue 15), as ``script.py`` writes a regressor's: the same points
or CSV, the stratified split, scaling, ``class MLP`` with one output per class, ``nn.CrossEntropyLoss`` on the
logits, the loop, and the test accuracy and log loss (softmax probabilities) printed to six decimals.

On a 2-D teaching set the script draws the same points as the app (scikit-learn's generators, or XOR and the
spiral written out as core/data/toy.py draws them) and repeats the run number for number without dropout
(tests/training/test_classify_script.py checks it against ``Trainer``). The recipe's extras (a validation split,
schedules, L1, clipping, embeddings, ensembles) are the regressor's script's; this one says so where a run used them.
"""

import textwrap

from core.data.toy import TOYS
from core.errors import N_
from core.training.model import ModelConfig
from core.training.script import LOOP_HEAD, _model_section, _optimizer_line, _string
from core.training.trainer import TrainConfig

_TOY = {  # how core/data/toy.py draws each set, as a learner would write it
    "moons": ["from sklearn.datasets import make_moons"],
    "circles": ["from sklearn.datasets import make_circles"],
    "gaussians": ["from sklearn.datasets import make_blobs"],
    "xor": [],
    "spiral": [],
}


def _toy_load(origin: dict) -> str:
    name = origin["name"]
    head = ("# The app's teaching set, drawn again: points in the plane, two classes.\n"
            f"N_POINTS, NOISE, POINTS_SEED = {origin['samples']!r}, {origin['noise']!r}, {origin['seed']!r}"
            f"  # {name}\n")
    body = {
        "moons": "X, y = make_moons(N_POINTS, noise=NOISE, random_state=POINTS_SEED)\n"
                 "X = (X - [0.5, 0.25]) * 1.2  # centred on the origin",
        "circles": "X, y = make_circles(N_POINTS, noise=NOISE, factor=0.5, random_state=POINTS_SEED)\nX = X * 1.4",
        "gaussians": "X, y = make_blobs(N_POINTS, centers=[(-0.8, -0.8), (0.8, 0.8)], cluster_std=0.35 + NOISE,\n"
                     "                  random_state=POINTS_SEED)",
        "xor": "rng = np.random.default_rng(POINTS_SEED)\n"
               "X = rng.uniform(-1.5, 1.5, size=(N_POINTS, 2))\n"
               "X += np.sign(X) * 0.05  # a thin margin along the axes\n"
               "y = (X[:, 0] * X[:, 1] > 0).astype(int)  # class 1 where both coordinates have the same sign\n"
               "X = X + rng.normal(0.0, NOISE, size=X.shape) if NOISE else X",
        "spiral": "rng = np.random.default_rng(POINTS_SEED)\n"
                  "y = np.arange(N_POINTS) % 2\n"
                  "t = rng.uniform(0.05, 1.0, size=N_POINTS)\n"
                  "angle = t * 1.75 * 2 * np.pi + y * np.pi  # two arms, half a turn apart\n"
                  "X = np.column_stack([np.cos(angle), np.sin(angle)]) * (1.5 * t)[:, None]\n"
                  "X = X + rng.normal(0.0, NOISE, size=X.shape) if NOISE else X",
    }[name]
    return head + body + "\nclasses = [\"0\", \"1\"]"


def _csv_load() -> str:
    return ("# A simpler version of what the app does with a CSV: numeric feature columns only, and rows with an\n"
            "# empty cell dropped; the classes are the target's distinct values, in sorted order.\n"
            "df = pd.read_csv(CSV_PATH).dropna()\n"
            "classes = sorted(df[TARGET].astype(str).unique())\n"
            "y = df[TARGET].astype(str).map(classes.index).to_numpy()\n"
            "X = df.drop(columns=[TARGET]).select_dtypes(\"number\").to_numpy()")


def classifier_script(info: dict, model_config: ModelConfig, train_config: TrainConfig, csv_path: str | None = None,
                      save_path: str = "model.pt") -> str:
    """The runnable script for a classifier's run; ``info`` is ``Prepared.info`` (a teaching set's ``origin``, or the
    CSV's target and classes)."""
    origin = info.get("origin", {})
    toy = origin.get("name") in TOYS
    data_imports = _TOY[origin["name"]] if toy else ["import pandas as pd"]
    numpy = ["import numpy as np"] if toy and origin["name"] in ("xor", "spiral") else []
    imports = sorted([*data_imports, *numpy, "import torch",
                      "from sklearn.metrics import accuracy_score, log_loss",
                      "from sklearn.model_selection import train_test_split",
                      "from sklearn.preprocessing import StandardScaler", "from torch import nn"],
                     key=lambda line: (line.startswith("from"), line))
    settings = [f"SEED = {train_config.seed!r}", f"TEST_SIZE = {info['test_size']!r}",
                f"EPOCHS = {train_config.epochs!r}", f"BATCH_SIZE = {train_config.batch_size!r}",
                f"LEARNING_RATE = {train_config.lr!r}"]
    if not toy:
        settings += [f"CSV_PATH = {_string(csv_path or info['name'])}", f"TARGET = {_string(info['target'])}"]
    settings.append(f"PATH = {_string(save_path)}  # where the trained weights are saved")
    extras = _left_out(info, model_config, train_config)
    model = _model_section(model_config, classifier=True)
    parts = [
        f'"""{TITLE}\n\n{NEEDS}\n"""',
        "\n".join(imports),
        "\n".join(settings),
        "# 1. Data\n" + (_toy_load(origin) if toy else _csv_load()),
        SPLIT,
        "# 2. Model\ntorch.manual_seed(SEED)  # the same seed gives the same initial weights and the same shuffles"
        + ("\n" + textwrap.fill(LEFT_OUT, 118, initial_indent="# ", subsequent_indent="# ") if extras else ""),
    ]
    tail = ["model = MLP(X_train.shape[1], len(classes))\nloss_fn = nn.CrossEntropyLoss()  # softmax and the log "
            "loss in one, on the logits\n" + _optimizer_line(train_config), LOOP, RESULTS]
    return "\n\n".join(parts) + "\n\n\n" + model + "\n\n\n" + "\n\n".join(tail) + "\n"


def _left_out(info: dict, model_config: ModelConfig, train_config: TrainConfig) -> bool:
    """Whether the run used settings this script does not write out."""
    return bool(info.get("val_size") or info.get("feature_transform", "standard") != "standard"
                or model_config.embedding != "none" or model_config.ensemble > 1 or train_config.l1
                or train_config.clip_grad or train_config.schedule != "constant" or train_config.warmup)


SPLIT = """\
# The split keeps each class's share in both parts (stratify), as the app's does.
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED, stratify=y)

# Normalisation (from the lecture): every feature gets mean 0 and standard deviation 1, learned from the training rows.
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

X_train = torch.tensor(X_train, dtype=torch.float32)  # (n_train, n_features)
y_train = torch.tensor(y_train, dtype=torch.int64).unsqueeze(1)  # (n_train, 1): class indices, as the loss takes them
X_test = torch.tensor(X_test, dtype=torch.float32)  # (n_test, n_features)
y_test = torch.tensor(y_test, dtype=torch.int64)  # (n_test,)"""

LOOP = "# 3. Training\nn = len(X_train)\n" + LOOP_HEAD + """
        loss = loss_fn(model(xb), yb.squeeze(1))
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(xb)
    train_loss = total_loss / n  # the mean cross-entropy over the training rows

    model.eval()  # switches dropout off
    with torch.no_grad():
        probabilities = model(X_test).softmax(-1)  # (n_test, n_classes): each row sums to 1
        test_accuracy = (probabilities.argmax(-1) == y_test).float().mean().item()
    model.train()
    print(f"epoch {epoch:3d}  train loss {train_loss:.4f}  test accuracy {test_accuracy:.4f}")"""

RESULTS = """\
# 4. The final model on the test rows: accuracy, and the log loss of its probabilities
with torch.no_grad():
    logits = model(X_test)
print(f"Test accuracy: {accuracy_score(y_test, logits.argmax(-1)):.6f}")
print(f"Test log loss: {nn.functional.cross_entropy(logits, y_test).item():.6f}")
probabilities = logits.softmax(-1).double()
probabilities /= probabilities.sum(1, keepdim=True)
print(f"(scikit-learn's log_loss agrees: {log_loss(y_test, probabilities, labels=range(len(classes))):.6f})")

# 5. Save the weights. Predicting on new rows also needs the scaler and the classes from above.
torch.save(model.state_dict(), PATH)
print(f"Saved the weights to {PATH}")"""

TITLE = N_("Train an MLP classifier with PyTorch: the Torch Playground's settings as a plain script.")
NEEDS = N_("Needs torch and scikit-learn (pandas for a CSV). Runs on the CPU: for a model this small that is as fast "
           "as a GPU.")
LEFT_OUT = N_("The app's run also used settings of the recipe this classifier's script leaves out, so its numbers "
              "differ from the app's.")
# The script's prose comments, marked so the page shows them in the reader's language (script.py's COMMENTS hold the
# ones both scripts share; shapes such as "(batch, 1)" stay as they are).
COMMENTS = (
    TITLE, NEEDS, LEFT_OUT,
    N_("The app's teaching set, drawn again: points in the plane, two classes."), N_("centred on the origin"),
    N_("a thin margin along the axes"), N_("class 1 where both coordinates have the same sign"),
    N_("two arms, half a turn apart"),
    N_("A simpler version of what the app does with a CSV: numeric feature columns only, and rows with an empty cell "
       "dropped; the classes are the target's distinct values, in sorted order."),
    N_("The split keeps each class's share in both parts (stratify), as the app's does."),
    N_("Normalisation (from the lecture): every feature gets mean 0 and standard deviation 1, learned from the "
       "training rows."),
    N_("softmax and the log loss in one, on the logits"), N_("the mean cross-entropy over the training rows"),
    N_("4. The final model on the test rows: accuracy, and the log loss of its probabilities"),
    N_("5. Save the weights. Predicting on new rows also needs the scaler and the classes from above."),
)
