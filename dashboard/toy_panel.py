"""The Train page's 2-D teaching sets (issue 15): which set, its noise and size, and "Regenerate" (a new seed for
the points), in TensorFlow Playground's manner; the points are drawn with the decision boundary behind them."""

import streamlit as st

from core.data.toy import TOYS, ToyConfig
from dashboard import datasets, presets_panel, state
from dashboard.i18n import N_, _

TOY_LABELS = {"moons": N_("two moons"), "circles": N_("circles"), "xor": N_("XOR"), "gaussians": N_("two Gaussians"),
              "spiral": N_("spiral")}
SAMPLES = [200, 500, 1000, 2000, 5000]
_DEFAULT = ToyConfig()


# what an instructor's preset carries of the teaching set (key → param, parse): the set, its noise, its size and
# its points' seed, so that every student of the class trains on the very same points
IN_PRESETS = {"tr_toy": ("toy", state.one_of(list(TOYS))), "tr_toy_noise": ("noise", float),
              "tr_toy_samples": ("points", state.one_of(SAMPLES, int)), "tr_toy_seed": ("toy_seed", int)}


def preset_settings() -> dict:
    """The teaching set's settings on screen as a preset saves them (param → text)."""
    return {param: str(st.session_state[key]) for key, (param, _parse) in IN_PRESETS.items()
            if key in st.session_state}


def _regenerate():
    st.session_state["tr_toy_seed"] = int(st.session_state.get("tr_toy_seed", _DEFAULT.seed)) + 1


def toy_panel(split_seed: int, split_settings: dict):
    """The teaching set's controls; its prepared split (the points' seed is its own, so Regenerate draws new points
    while the split and the model keep the sidebar's seed)."""
    for key, default in (("tr_toy", _DEFAULT.name), ("tr_toy_noise", _DEFAULT.noise),
                         ("tr_toy_samples", _DEFAULT.samples), ("tr_toy_seed", _DEFAULT.seed)):
        presets_panel.seed(key, *IN_PRESETS[key], control="toy")  # an instructor's preset first, where a link names one
        state.seed(key, default)
    shown = {name: _(TOY_LABELS[name]) for name in TOYS}
    name_col, noise_col, size_col, again_col = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    name = presets_panel.control("tr_toy", "toy", lambda off: name_col.selectbox(
        _("Teaching set"), TOYS, format_func=shown.get, key="tr_toy", disabled=off))
    noise = presets_panel.control("tr_toy_noise", "toy", lambda off: noise_col.slider(
        _("Noise"), 0.0, 0.5, step=0.05, key="tr_toy_noise", disabled=off,
        help=_("The standard deviation of the noise added to each point: more noise blurs the border between the "
               "classes.")))
    samples = presets_panel.control("tr_toy_samples", "toy", lambda off: size_col.selectbox(
        _("Points"), SAMPLES, key="tr_toy_samples", disabled=off))
    presets_panel.control("tr_toy_seed", "toy", lambda off: again_col.button(
        _("Regenerate"), on_click=_regenerate, width="stretch", disabled=off,
        help=_("New random points from the same recipe (a new seed).")))
    for key in ("tr_toy", "tr_toy_noise", "tr_toy_samples", "tr_toy_seed"):
        state.keep(key)
    return datasets.toy(name, int(samples), float(noise), int(st.session_state["tr_toy_seed"]), split_seed,
                        **split_settings)
