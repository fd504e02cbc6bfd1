"""The recipe's controls on the Train page (issue 14): the two presets, one click each, and "make it good" settings,
each with a one-line explanation. Values and defaults come from core/training/presets.py, whose names the settings
form, the CLI and the checkpoint share."""

import json

import pandas as pd
import streamlit as st

from core.data.transforms import FEATURE_TRANSFORMS
from core.training.embeddings import EMBEDDINGS
from core.training.presets import ASIDES, LADDER, LADDER_FILE, PRESETS
from core.training.schedule import SCHEDULES
from dashboard.i18n import N_, _

VAL_SIZES = [0.0, 0.1, 0.15, 0.2, 0.25, 0.3]
WEIGHT_DECAYS = [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1]
L1S = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
CLIPS = [0.0, 0.1, 0.5, 1.0, 5.0]
WARMUPS = [0.0, 0.05, 0.1, 0.2]
BINS = [4, 8, 16, 32, 48, 64]
DIMS = [4, 8, 16, 32]
ENSEMBLES = [1, 2, 4, 8, 16]
# many models at once: the values a sweep trains side by side, one member each (core/training/trainer.py)
SWEEP_VALUES = {"": (), "lr": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0), "seed": tuple(range(8)),
                "weight_decay": (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)}
SWEEP_LABELS = {"": N_("none: one model"), "lr": N_("8 learning rates, 0.0001 to 1"), "seed": N_("8 seeds, 0 to 7"),
                "weight_decay": N_("6 weight decays, 0 to 0.1")}
TRANSFORM_LABELS = {"standard": N_("standard scaling (the lecture's)"), "robust": N_("robust + smooth clipping"),
                    "quantile": N_("quantile → normal")}
EMBEDDING_LABELS = {"none": N_("none (the lecture's)"), "piecewise": N_("piecewise-linear"),
                    "periodic": N_("periodic")}
SCHEDULE_LABELS = {"constant": N_("constant (the lecture's)"), "step": N_("step: ×0.1 at ½ and ¾"),
                   "cosine": N_("cosine to 0"), "one_cycle": N_("one-cycle")}
PRESET_LABELS = {"lecture": N_("Lecture preset"), "strong": N_("Strong preset")}
PRESET_HELP = {"lecture": N_("Exactly the seed notebook's settings: Adam at 0.001, batch 20, 20 epochs, no validation "
                             "split."),
               "strong": N_("The tabular papers' recipe, tuned here: 64/16/20 split with early stopping, quantile "
                            "features, periodic embeddings, AdamW, batch 256, an ensemble of 8.")}

# widget key → (setting, URL parameter, the widget's choices or None for a free number)
WIDGETS = {
    "tr_val": ("val_size", "val", VAL_SIZES), "tr_patience": ("patience", "patience", None),
    "tr_transform": ("feature_transform", "transform", FEATURE_TRANSFORMS),
    "tr_embedding": ("embedding", "emb", EMBEDDINGS), "tr_bins": ("embedding_bins", "bins", BINS),
    "tr_dim": ("embedding_dim", "dim", DIMS), "tr_ensemble": ("ensemble", "k", ENSEMBLES),
    "tr_wd": ("weight_decay", "wd", WEIGHT_DECAYS), "tr_l1": ("l1", "l1", L1S), "tr_clip": ("clip_grad", "clip", CLIPS),
    "tr_schedule": ("schedule", "sched", SCHEDULES), "tr_warmup": ("warmup", "warmup", WARMUPS),
}
# the settings form's own widgets a preset also sets (dashboard/train_panels.py draws them)
FORM_WIDGETS = {"tr_hidden": "hidden", "tr_dropout": "dropout", "tr_optimizer": "optimizer", "tr_lr": "lr",
                "tr_batch": "batch_size", "tr_epochs": "epochs", "tr_activation": "activation"}


def widget_value(setting: str, value):
    """A preset's value as its widget holds it (hidden sizes as the text typed: "128, 128")."""
    return ", ".join(map(str, value)) if setting == "hidden" else value


def _apply(name: str) -> None:
    """A preset's button: every widget it names takes the preset's value (a callback: before the form is drawn)."""
    values = PRESETS[name]
    for key, (setting, *_rest) in WIDGETS.items():
        st.session_state[key] = values[setting]
    for key, setting in FORM_WIDGETS.items():
        st.session_state[key] = widget_value(setting, values[setting])
    st.session_state["tr_sweep"] = ""  # a preset is one model


def preset_buttons() -> None:
    """Two buttons above the form, each filling the whole form; the form's values can then be changed at will."""
    columns = st.columns(len(PRESETS))
    for column, name in zip(columns, PRESETS):
        column.button(_(PRESET_LABELS[name]), key=f"tr_preset_{name}", on_click=_apply, args=(name,),
                      help=_(PRESET_HELP[name]), width="stretch")


def _shown(labels: dict) -> dict:
    """Option → its label in this run's language, worked out now (AppTest calls format_func outside the run)."""
    return {k: _(v) for k, v in labels.items()}


def recipe_controls() -> dict:
    """The recipe's settings inside the form, grouped as the lesson tells them; returns setting → value."""
    out = {}
    with st.expander(_("Make it good: the recipe"), expanded=False):
        st.caption(_("Each part is a trick the tabular deep-learning papers use; the Strong preset turns them all on. "
                     "The Lecture preset turns them off."))
        left, middle, right = st.columns(3)
        number = "{:g}".format
        out["val_size"] = left.select_slider(
            _("Validation share"), VAL_SIZES, key="tr_val", format_func=number,
            help=_("Rows held out of training to choose the best epoch; 0.2 with the test share 0.2 gives 64/16/20."))
        out["patience"] = left.number_input(
            _("Early stopping patience"), 0, 200, key="tr_patience",
            help=_("With a validation share: stop after this many epochs without a better validation RMSE, and keep "
                   "the best epoch's weights. 0: train every epoch."))
        out["feature_transform"] = left.selectbox(
            _("Feature transform"), list(FEATURE_TRANSFORMS), key="tr_transform",
            format_func=_shown(TRANSFORM_LABELS).get,
            help=_("After standard scaling: squeeze outliers (robust), or map each column's ranks onto a bell curve "
                   "(quantile), fitted on the training rows."))
        out["embedding"] = middle.selectbox(
            _("Numerical embeddings"), list(EMBEDDINGS), key="tr_embedding",
            format_func=_shown(EMBEDDING_LABELS).get,
            help=_("Turn each number into a small vector before the first layer, so the network can bend its "
                   "response to a feature's value."))
        out["embedding_bins"] = middle.select_slider(
            _("Bins or frequencies"), BINS, key="tr_bins",
            help=_("Piecewise-linear: bins cut at the training quantiles; periodic: sine and cosine frequencies."))
        out["embedding_dim"] = middle.select_slider(_("Values per number"), DIMS, key="tr_dim",
                                                    help=_("How many values each embedded number becomes."))
        out["ensemble"] = middle.select_slider(
            _("Ensemble members"), ENSEMBLES, key="tr_ensemble",
            help=_("k networks trained together as one batched model; the prediction is their mean."))
        out["weight_decay"] = right.select_slider(
            _("Weight decay"), WEIGHT_DECAYS, key="tr_wd", format_func=number,
            help=_("Pulls weights towards 0 each step: an L2 penalty for Adam and SGD, decoupled for AdamW."))
        out["l1"] = right.select_slider(_("L1 penalty"), L1S, key="tr_l1", format_func=number,
                                        help=_("Adds this × the sum of |weight| to the loss: drives weights to 0."))
        out["clip_grad"] = right.select_slider(
            _("Gradient clipping"), CLIPS, key="tr_clip", format_func=number,
            help=_("Rescales the gradients when their total norm is larger than this, before each step. 0: off."))
        out["schedule"] = right.selectbox(_("Learning-rate schedule"), list(SCHEDULES), key="tr_schedule",
                                          format_func=_shown(SCHEDULE_LABELS).get,
                                          help=_("How the learning rate changes over the run; drawn on the chart."))
        out["warmup"] = right.select_slider(_("Warm-up share"), WARMUPS, key="tr_warmup", format_func=number,
                                            help=_("The first steps raise the rate linearly from near 0."))
    out["sweep"] = st.selectbox(
        _("Many models at once (a sweep)"), list(SWEEP_VALUES), key="tr_sweep", format_func=_shown(SWEEP_LABELS).get,
        help=_("Trains one model per value side by side, as one batched model, each drawn in its own colour: too "
               "small a rate is slow, too big a one diverges (and is frozen). Each is the run of its value trained "
               "alone (on the CPU, to the last bit). The best one is the result."))
    return out


def ladder_panel() -> None:
    """The tricks ladder as measured by bench/bench_quality.py (docs/ladder.json): each trick's ΔRMSE and seconds."""
    try:
        figures = json.loads(LADDER_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # not measured on this installation: nothing to show
    with st.expander(_("The tricks ladder: what each part of the recipe adds on California housing")):
        names = {name: _(name) for name, _values in LADDER + ASIDES}
        rows = [{_("trick"): names.get(r["rung"], r["rung"]), _("test RMSE"): r["test_rmse"],
                 _("change"): "" if r["delta"] is None else f"{r['delta']:+.4f}", _("seconds"): r["seconds"]}
                for r in figures["rungs"] + figures["asides"]]
        rows.append({_("trick"): _("gradient boosting (HistGradientBoostingRegressor), same test rows"),
                     _("test RMSE"): figures["boosting"]["test_rmse"], _("change"): "",
                     _("seconds"): figures["boosting"]["seconds"]})
        st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
            _("trick"): st.column_config.TextColumn(pinned=True, width=300),
            _("test RMSE"): st.column_config.NumberColumn(format="%.4f", width=80),
            _("change"): st.column_config.TextColumn(width=80),
            _("seconds"): st.column_config.NumberColumn(format="%.0f", width=64)})
        st.caption(_("Each row adds one trick to the rows above it; the last rows change one thing of the Strong "
                     "preset instead. Test RMSE in $100,000 on the 4,128 test rows of seed 0's split, training on "
                     "one CPU thread; measured with `{command}`.", command=figures["command"]))
