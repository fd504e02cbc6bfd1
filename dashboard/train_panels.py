"""The Train page's set-up panels: the data (built-in or an uploaded CSV, with its column report), the settings form,
and the same run as a plain PyTorch script. Every default comes from the config dataclasses."""

from dataclasses import dataclass, fields

import pandas as pd
import streamlit as st

from core.data import DataConfig, default_target
from core.errors import PlaygroundError
from core.training import class_script
from core.training.class_script import classifier_script
from core.training.model import ACTIVATIONS, ModelConfig, parse_hidden
from core.training.notebook import training_notebook
from core.training.optim import OPTIMIZERS
from core.training.presets import PRESETS, split
from core.training.script import COMMENTS, comments_in, training_script
from core.training.trainer import TrainConfig
from dashboard import datasets, presets_panel, recipe_panel, state, sweep_panel, toy_panel
from dashboard.i18n import N_, _, message_text, show_error

SOURCE_LABELS = {"california": N_("California housing (the lecture's)"), "diabetes": N_("Diabetes (bundled, offline)"),
                 "toy": N_("2-D classification (teaching sets)"), "csv": N_("Your CSV")}
# the presets' own rates are on the slider too (the Strong preset's 0.008), so a preset never shows another value
LEARNING_RATES = sorted({1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 10.0} | {p["lr"] for p in PRESETS.values()})
BATCH_SIZES = [1, 8, 16, 20, 32, 64, 128, 256, 1024]
REPORT_EVERY = [10, 25, 50, 100, 200]
PAGE_EPOCHS = 500  # the most epochs one run started from the page trains (a continuation adds at most as many)
OPTIMIZER_NAMES = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD"}
ROLE_LABELS = {"numeric": N_("numeric feature"), "categorical": N_("text feature"), "date": N_("date, expanded"),
               "target": N_("target"), "identifier": N_("identifier, left out"), "excluded": N_("left out"),
               "empty": N_("empty, left out"), "constant": N_("constant, left out"), "text": N_("free text, left out")}
_MODEL, _TRAIN, _LECTURE = ModelConfig(), TrainConfig(), PRESETS["lecture"]


@dataclass
class Choices:
    """What the settings form holds, as typed; ``configs`` checks it and makes the trainer's configs."""

    hidden: str = ", ".join(map(str, _MODEL.hidden))
    activation: str = _MODEL.activation
    dropout: float = _MODEL.dropout
    optimizer: str = _TRAIN.optimizer
    lr: float = _TRAIN.lr
    batch_size: int = _TRAIN.batch_size
    epochs: int = _TRAIN.epochs
    device: str = _TRAIN.device
    report_every: int = _TRAIN.report_every
    # the recipe (dashboard/recipe_panel.py); the lecture's values by default
    val_size: float = _LECTURE["val_size"]
    patience: int = _LECTURE["patience"]
    feature_transform: str = _LECTURE["feature_transform"]
    embedding: str = _LECTURE["embedding"]
    embedding_bins: int = _LECTURE["embedding_bins"]
    embedding_dim: int = _LECTURE["embedding_dim"]
    ensemble: int = _LECTURE["ensemble"]
    weight_decay: float = _LECTURE["weight_decay"]
    l1: float = _LECTURE["l1"]
    clip_grad: float = _LECTURE["clip_grad"]
    schedule: str = _LECTURE["schedule"]
    warmup: float = _LECTURE["warmup"]
    sweep: str = ""  # "", or one member per value of recipe_panel.SWEEP_VALUES[sweep], side by side

    def values(self) -> dict:
        """The choices as the presets name them (core/training/presets.py)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name in _LECTURE}
        return values | {"hidden": parse_hidden(self.hidden)}

    def configs(self, shape: dict, seed: int) -> tuple[ModelConfig, TrainConfig]:
        """The model's and the trainer's configs for data of this ``Prepared.shape``; ConfigError where a value is
        out of range. The page's runs watch their network (the network view)."""
        _data, model, train = split(self.values())
        swept = recipe_panel.SWEEP_VALUES.get(self.sweep, ())
        if swept:  # many models at once: one member per value
            model["ensemble"] = len(swept)
        model = ModelConfig(**model, **shape)
        train = TrainConfig(**train, seed=seed, device=self.device, report_every=int(self.report_every),
                            sweep=self.sweep if swept else "", sweep_values=swept, watch=True)
        return model, train

    def settings(self, prepared, model: ModelConfig, train: TrainConfig) -> dict:
        """What the comparison table shows for a run of these choices: the lecture's settings, then every recipe
        setting that differs from the lecture's."""
        shown = {"data": prepared.info["name"], "target": prepared.info["target"], "hidden": list(model.hidden),
                 "activation": model.activation, "dropout": model.dropout, "optimizer": train.optimizer,
                 "lr": train.lr, "batch_size": train.batch_size, "epochs": train.epochs, "seed": train.seed,
                 "device": train.device}
        shown |= {k: v for k, v in self.values().items() if k not in shown and v != _LECTURE[k]}
        return shown | ({"sweep": self.sweep, "sweep_values": list(train.sweep_values)} if train.sweep else {})


def data_panel(seed: int):
    """Choose the data and the columns to leave out; returns (source, prepared data or None). The split follows the
    settings form's validation share and feature transform (the form is drawn below, so they are read from the
    session: the values Start was pressed with)."""
    _seed_settings()
    split_settings = {"val_size": float(st.session_state["tr_val"]),
                      "feature_transform": st.session_state["tr_transform"]}
    california = datasets.california_ok()
    sources = ["california", "diabetes", "toy", "csv"] if california else ["diabetes", "toy", "csv"]
    if not california:
        st.warning(_("The California housing data is not cached here and cannot be downloaded (no network), so the "
                     "bundled diabetes data is selected instead. Connect once and scikit-learn downloads and caches "
                     "it (about 400 kB), or start the app with SCIKIT_LEARN_DATA set to a folder that holds "
                     "scikit-learn's cache of it."), icon=":material/cloud_off:")
    labels = {s: _(SOURCE_LABELS[s]) for s in sources}
    presets_panel.seed("tr_source", "data", lambda text: text if text in sources else sources[0])
    state.seed("tr_source", sources[0], "data")
    if st.session_state["tr_source"] not in sources:
        st.session_state["tr_source"] = sources[0]
    source = presets_panel.control("tr_source", "data", lambda off: st.radio(
        _("Data set"), sources, format_func=labels.get, key="tr_source", horizontal=True, disabled=off))
    state.keep("tr_source", "data", default=sources[0])
    try:
        if source == "csv":
            upload = _upload()
            if upload is None:
                return source, None
            raw, name, table, target = upload
            key = f"tr_exclude_{datasets.digest(raw)}_{target}"
            exclude, keep = _leave_out(table, key, target)
            prepared = datasets.prepare_upload(raw, name, target, DataConfig.test_size, seed, exclude, keep,
                                               **split_settings)
        elif source == "toy":
            prepared, key = toy_panel.toy_panel(seed, split_settings), "tr_exclude_toy"
        else:
            table = datasets.builtin_table(source)
            key = f"tr_exclude_{source}_{table.target}"
            exclude, keep = _leave_out(table, key, table.target)
            prepared = datasets.builtin(source, DataConfig.test_size, seed, exclude, keep, **split_settings)
    except PlaygroundError as err:
        show_error(err)
        return source, None
    _column_report(prepared, key)
    return source, prepared


def _upload():
    """An uploaded CSV, its preview and the target chosen: (bytes, file name, table, target), or None."""
    upload = st.file_uploader(_("Upload a CSV (comma or semicolon separated; UTF-8 or CP949)"),
                              help=_("Up to 50 MB, 500,000 rows and 200 columns. Numeric columns become features; "
                                     "text columns with at most 20 distinct values are one-hot encoded."))
    if upload is None:
        st.info(_("Upload a CSV file to see its preview and choose the column to predict."))
        return None
    raw = upload.getvalue()
    table = datasets.read_upload(raw, upload.name)
    st.dataframe(table.frame.head(8), height=240)
    columns = [str(c) for c in table.frame.columns]
    proposed = default_target(table.frame)
    target = st.selectbox(_("Target: the column to predict"), columns, index=columns.index(proposed) if proposed in
                          columns else len(columns) - 1, key=f"tr_target_{datasets.digest(raw)}",
                          help=_("A numeric column. Every other usable column becomes a feature."))
    st.caption(_("Proposed: the last numeric column that is not an identifier or a date part. Check that it is the "
                 "one to predict."))
    return raw, upload.name, table, target


def _leave_out(table, key: str, target: str) -> tuple[tuple, tuple]:
    """The columns to leave out, identifiers chosen to begin with; (excluded, identifiers kept as features)."""
    identifiers = datasets.identifiers(table, key, target)
    options = [str(c) for c in table.frame.columns if c != target]
    chosen = st.multiselect(_("Leave out"), options, default=[c for c in identifiers if c in options], key=key,
                            placeholder=_("None: every column is used"),
                            help=_("Columns the model should not learn from: identifiers (chosen for you), or the "
                                   "target's own parts, which would give the answer away. Remove an identifier from "
                                   "here to use it as a feature."))
    return (tuple(c for c in chosen if c not in identifiers), tuple(c for c in identifiers if c not in chosen))


def _also_leave_out(key: str, columns: list[str]) -> None:
    """The leak warning's button: its columns join the "Leave out" choice (a callback: before the widget is drawn)."""
    chosen = list(st.session_state.get(key, []))
    st.session_state[key] = chosen + [c for c in columns if c not in chosen]


def _column_report(prepared, exclude_key: str) -> None:
    report = prepared.report
    st.caption(_("{rows:,} rows used: {train:,} for training (X_train, y_train), {test:,} held out for testing "
                 "(X_test, y_test); {features} features; predicting {target}.", rows=report["rows_used"],
                 train=prepared.info["n_train"], test=prepared.info["n_test"], features=len(prepared.features),
                 target=prepared.info["target"]))
    if prepared.has_validation:
        st.caption(_("Of the training rows, {val:,} are held out for validation (X_val): the best epoch is chosen on "
                     "them, so the test rows stay unseen until the end.", val=prepared.info["n_val"]))
    if prepared.n_features != len(prepared.features):
        pre = prepared.preprocessing
        st.caption(_("So X_train has {inputs} columns, the model's inputs: {numeric} numeric, {dates} from dates "
                     "(year, month, day of week, days since 1970 for each) and {onehot} one-hot columns for text (one "
                     "per category).", inputs=prepared.n_features, numeric=len(pre["numeric"]),
                     dates=sum(len(d["parts"]) for d in pre.get("dates", [])),
                     onehot=sum(len(c["categories"]) for c in pre["categorical"])))
    for warning in report["warnings"]:
        st.warning(message_text(warning["template"], warning), icon=":material/warning:")
        if warning["code"] == "leak":
            st.button(_("Leave out {names}", names=warning["names"]), on_click=_also_leave_out,
                      args=(exclude_key, warning["columns"]), key=f"tr_leak_{exclude_key}")
    with st.expander(_("Columns used, encoded and dropped")):
        st.markdown(_("Numeric features: {columns}", columns=", ".join(report["numeric"]) or "—"))
        for item in report.get("dates", []):
            st.markdown(_("**{column}**: dates written {format}, used as year, month, day of week and days since "
                          "1970", column=item["column"], format=item["format"]))
        for item in report["encoded"]:
            st.markdown(_("**{column}**: text, one-hot encoded ({categories})", column=item["column"],
                          categories=", ".join(item["categories"])))
        st.dataframe(pd.DataFrame([{_("column"): r["column"], _("role"): message_text(ROLE_LABELS[r["role"]]),
                                    _("why"): message_text(r["template"], r)} for r in report["roles"]]),
                     hide_index=True)
        if report["rows_dropped_no_target"]:
            st.markdown(_("{n:,} rows without a target value were dropped.", n=report["rows_dropped_no_target"]))
        if report["imputed_train"] + report["imputed_test"]:
            st.markdown(_("{n:,} empty feature cells were filled from the training split (median, or most frequent "
                          "text).", n=report["imputed_train"] + report["imputed_test"]))


def _number(value: float) -> str:
    return f"{value:g}"


def _whole(low: int, high: int):
    return lambda text: min(max(int(text), low), high)


# The settings form's widgets, each in the address bar as ?param= (the view a link opens): key → (param, parse, dump)
SETTINGS_IN_URL = {
    "tr_hidden": ("hidden", str, str),
    "tr_activation": ("act", state.one_of(ACTIVATIONS), str),
    "tr_dropout": ("dropout", lambda t: min(max(round(round(float(t) / 0.05) * 0.05, 2), 0.0), 0.8),
                   _number),
    "tr_optimizer": ("opt", state.one_of(OPTIMIZERS), str),
    "tr_lr": ("lr", state.one_of(LEARNING_RATES, float), _number),
    "tr_batch": ("batch", state.one_of(BATCH_SIZES, int), str),
    "tr_epochs": ("epochs", _whole(1, PAGE_EPOCHS), str),
    "tr_report": ("every", state.one_of(REPORT_EVERY, int), str),
    "tr_patience": ("patience", _whole(0, 200), str),
    "tr_sweep": ("sweep", state.one_of(list(recipe_panel.SWEEP_VALUES)), str),
    **{key: (param, state.one_of(options, type(options[0])), _number if isinstance(options[0], float) else str)
       for key, (_setting, param, options) in recipe_panel.WIDGETS.items() if options is not None},
}
_FIELDS = {"tr_hidden": "hidden", "tr_activation": "activation", "tr_dropout": "dropout", "tr_optimizer": "optimizer",
           "tr_lr": "lr", "tr_batch": "batch_size", "tr_epochs": "epochs", "tr_report": "report_every",
           "tr_sweep": "sweep",
           **{key: setting for key, (setting, *_rest) in recipe_panel.WIDGETS.items()}}


def _seed_settings() -> None:
    """Every setting's starting value: the link's ``?param=``, else this session's last choice, else ``Choices()``."""
    default = Choices()
    for key, (param, parse, _dump) in SETTINGS_IN_URL.items():
        presets_panel.seed(key, param, parse)  # an instructor's preset first, where the link names one
        state.seed(key, getattr(default, _FIELDS[key]), param, parse)


def current_settings() -> dict:
    """The data set and the settings on screen as the address bar holds them (param → text): what a preset saves."""
    shown = {param: dump(st.session_state[key]) for key, (param, _parse, dump) in SETTINGS_IN_URL.items()
             if key in st.session_state}
    data = {"data": st.session_state["tr_source"]} if "tr_source" in st.session_state else {}
    return shown | data | (toy_panel.preset_settings() if data.get("data") == "toy" else {})


def _control(column, kind: str, label: str, key: str, **kw):
    """A settings widget (``column.<kind>``) that an instructor's preset may fix or hide."""
    return presets_panel.control(key, SETTINGS_IN_URL[key][0], lambda off: getattr(column, kind)(
        _(label), key=key, disabled=off, **kw))


def settings_form(can_start: bool, devices: list[str]) -> tuple[Choices, bool]:
    """The model and training settings, each with a one-line explanation; (the choices, whether Start was pressed).

    Each setting starts from the link's ``?param=``, else this session's last choice, else ``Choices()``; the values
    Start was pressed with go back into the address bar.
    """
    default = Choices()
    _seed_settings()
    recipe_panel.preset_buttons()
    with st.form("tr_settings", border=True, enter_to_submit=False):  # Enter in a field never starts a run
        left, middle, right = st.columns(3)
        choices = Choices(
            hidden=_control(left, "text_input", N_("Hidden layers"), "tr_hidden", help=_(
                "Sizes separated by commas: 128, 128 is two nn.Linear layers of 128 units.")),
            activation=_control(left, "selectbox", N_("Activation"), "tr_activation", options=list(ACTIVATIONS),
                                help=_("Applied after every hidden layer; ReLU is the lecture's.")),
            dropout=_control(left, "slider", N_("Dropout"), "tr_dropout", min_value=0.0, max_value=0.8, step=0.05,
                             help=_("Share of hidden units zeroed at random while training; fights overfitting.")),
            optimizer=_control(middle, "selectbox", N_("Optimizer"), "tr_optimizer", options=list(OPTIMIZERS),
                               format_func=OPTIMIZER_NAMES.get,
                               help=_("Adam (the lecture's) adapts each weight's step; AdamW is Adam with "
                                      "decoupled weight decay; SGD uses momentum 0.9.")),
            lr=_control(middle, "select_slider", N_("Learning rate"), "tr_lr", options=LEARNING_RATES,
                        format_func=_number, help=_("How far each step moves the weights. 0.001 is the lecture's; "
                                                    "10 makes the loss explode.")),
            batch_size=_control(middle, "select_slider", N_("Batch size"), "tr_batch", options=BATCH_SIZES,
                                help=_("Rows per mini-batch: one zero_grad/backward/step each. The lecture uses "
                                       "20.")),
            epochs=_control(right, "number_input", N_("Epochs"), "tr_epochs", min_value=1, max_value=PAGE_EPOCHS,
                            help=_("Passes over X_train, reshuffled each time.")),
            device=right.selectbox(_("Device"), devices, key="tr_device",
                                   help=_("auto picks CUDA when present, else the CPU.")),
            report_every=_control(right, "select_slider", N_("Plot every N batches"), "tr_report",
                                  options=REPORT_EVERY, help=_("How often the training loss is sent to the chart "
                                                               "(and a Stop is noticed).")),
            **recipe_panel.recipe_controls(),
        )
        start = st.form_submit_button(_("Start training"), type="primary", disabled=not can_start)
        share = presets_panel.share_fields()
    for key, (param, _parse, dump) in SETTINGS_IN_URL.items():
        state.keep(key, param, dump, default=getattr(default, _FIELDS[key]))
    if share:
        presets_panel.save(current_settings())
    return choices, start


def code_panel(prepared, source: str, choices: Choices, seed: int) -> None:
    """The complete PyTorch script for the settings on screen (invalid settings: the defaults)."""
    with st.expander(_("The code: the same training as a plain PyTorch script")):
        st.caption(_("Runnable as it stands: data loading and scaling, the model class with __init__ and forward, "
                     "the loop with shuffling and mini-batches, evaluation, and saving the state_dict."))
        try:
            model, train = choices.configs(prepared.shape, seed)
        except PlaygroundError:
            model, train = Choices().configs(prepared.shape, seed)
        if train.sweep:  # the script trains one member, a run of its own
            model, train = sweep_panel.script_member(model, train)
        csv = source == "csv"
        if prepared.task == "classify":  # the same points or file, CrossEntropyLoss on the logits
            script = classifier_script(prepared.info, model, train, csv_path=prepared.info["name"] if csv else None)
        else:
            script = training_script(source, prepared.info["target"], model, train,
                                     test_size=prepared.info["test_size"], csv_path=prepared.info["name"] if csv
                                     else None, val_size=prepared.info["val_size"],
                                     feature_transform=prepared.info["feature_transform"])
        shown = comments_in(script, lambda c: _(c) if c in COMMENTS or c in class_script.COMMENTS else c)
        st.code(shown, language="python")
        py_col, nb_col = st.columns(2)
        py_col.download_button(_("Download the script (`.py`)"), shown, file_name="train_mlp.py", mime="text/x-python",
                               on_click="ignore", width="stretch")
        nb_col.download_button(_("Download as a notebook (`.ipynb`)"), lambda: training_notebook(shown),
                               file_name="train_mlp.ipynb", mime="application/x-ipynb+json", on_click="ignore",
                               width="stretch", help=_("The same code in cells, one per section, for Jupyter or "
                                                       "Colab: it repeats this page's run with the same seed."))
