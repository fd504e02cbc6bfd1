"""Train: choose data and settings, train in a worker process with live curves, stop, read, save and compare."""

import streamlit as st
import torch

from core.errors import PlaygroundError
from dashboard import (
    depth_panel,
    leaderboard_panel,
    lr_finder_panel,
    microscope_panel,
    presets_panel,
    recipe_panel,
    run_panels,
    runs,
    train_panels,
    transport_panel,
)
from dashboard.i18n import _, show_error
from dashboard.sidebar import seed

runs.heartbeat()
st.title(_("Train an MLP"))
st.markdown(_("Choose data and settings, press Start, and watch the model learn: the loss on the training batches "
              "and on the held-out test rows, and what happens inside the network, live. A numeric target trains a "
              "regressor (MSE), classes a classifier (cross-entropy). Training runs in a separate worker process, so "
              "this page stays responsive."))

presets_panel.banner()  # where an instructor's link opened this page
runs.moved_notice()  # where this browser's runs ran on another of the class's servers

st.header(_("1. Data"))
source, prepared = train_panels.data_panel(seed())

st.header(_("2. Model and training"))
devices = ["auto", "cpu"] + (["cuda"] if torch.cuda.is_available() else [])
choices, start = train_panels.settings_form(can_start=prepared is not None, devices=devices)
recipe_panel.ladder_panel()
depth_panel.depth_panel()
if start and prepared is not None:
    try:
        model_config, train_config = choices.configs(prepared.shape, seed())
        runs.start(prepared, model_config, train_config, choices.settings(prepared, model_config, train_config))
    except PlaygroundError as err:
        show_error(err)
if prepared is not None:
    lr_finder_panel.draw(prepared, choices, seed())

st.header(_("3. Training"))
run_panels.live_panel()

run = runs.current()
used = runs.trained_on(run) if run is not None else None
if run is not None and run.result is not None and used is not None:
    st.header(_("4. Results"))
    run_panels.results_panel(run, used)
    transport_panel.continue_panel(run, used)
    run_panels.save_panel(run, used)

run_panels.compare_panel()
if (preset := presets_panel.active()) is not None:
    leaderboard_panel.leaderboard_panel(preset)

if prepared is not None:
    if prepared.task == "regress":  # the microscope's step is the regressor's (MSE)
        microscope_panel.draw(prepared, choices, seed())
    train_panels.code_panel(prepared, source, choices, seed())
