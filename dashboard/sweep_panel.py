"""A finished sweep's members side by side: each value's test errors at the last epoch (and validation RMSE), which
ones diverged, and which one the sweep kept and why: the model the results above, the save and the prediction use.

The kept member is the lowest validation RMSE where there is a validation split (of any member at any epoch: the
weights of that epoch, which the table's last-epoch figures may not show); without one the lowest test MSE at the
last epoch, which flatters it (the test rows chose it), and the caption says so, as the command line does.
"""

import math

import pandas as pd
import streamlit as st

from core.training.script import sweep_member
from dashboard import runs
from dashboard.charts import member_label
from dashboard.i18n import N_, _, message_text

SETTINGS = {"lr": N_("Learning rate"), "weight_decay": N_("Weight decay"), "seed": N_("Seed")}


def setting_name(run) -> str:
    """The swept setting as the page's controls name it (학습률 in Korean: the glossary's words)."""
    return message_text(SETTINGS.get(run.settings.get("sweep", "lr"), SETTINGS["lr"]))


def kept_label(run) -> str:
    """The results table's name for the kept member, as the chart's legend names it: "your MLP (lr=0.03)"."""
    return _("your MLP ({member})", member=kept_member(run))


def kept_member(run) -> str:
    """The kept member as the chart's legend names it: "lr=0.03"."""
    return member_label(run.settings.get("sweep", "lr"), run.result.metrics["best_value"])


def members_table(members: list, kept: int, setting: str) -> pd.DataFrame:
    """One row per member: its value, test MAE and RMSE, validation RMSE where there is one, and what became of it."""
    validated = any(m.get("val_rmse") is not None for m in members)
    rows = []
    for i, m in enumerate(members):
        status = _("diverged: stopped") if m["diverged"] else _("kept") if i == kept else ""
        row = {setting: f"{m['value']:g}", _("test MAE"): m["test_mae"],
               _("test RMSE"): None if m["test_mse"] is None else math.sqrt(m["test_mse"])}
        if validated:
            row[_("validation RMSE")] = m.get("val_rmse")
        rows.append(row | {_("outcome"): status})
    return pd.DataFrame(rows)


def sweep_panel(run, n_val: int) -> None:
    """The members' table and why the kept one was kept."""
    members, metrics = run.result.sweep, run.result.metrics
    setting = setting_name(run)
    table = members_table(members, metrics["best_member"], setting)
    st.markdown(_("**The sweep's members** at the last epoch"))
    st.dataframe(table, hide_index=True, placeholder="—", column_config={  # a diverged member's figures: "—"
        setting: st.column_config.TextColumn(pinned=True, width=150),
        **{c: st.column_config.NumberColumn(format="%.4f", width=96) for c in table.columns[1:-1]},
        _("outcome"): st.column_config.TextColumn(width=140)})
    member = kept_member(run)
    if n_val:
        st.caption(_("Kept {member} as it was at epoch {epoch}, the lowest validation RMSE of any member "
                     "at any epoch: the model above, the one you save and predict with. A member that diverged was "
                     "stopped where it did; the others trained on.", member=member,
                     epoch=metrics.get("best_epoch", len(run.result.history))))
    else:
        st.caption(_("Kept {member}, the member with the lowest test MSE. Chosen by the test rows, its "
                     "test errors flatter it: give the recipe a validation share for an honest pick. A member that "
                     "diverged was stopped where it did; the others trained on.", member=member))


def script_member(model_config, train_config):
    """The configs of the sweep member the page's script trains, and a caption that says which: the member the
    finished sweep on show kept, else the form's own value of the swept setting."""
    run = runs.current()
    done = run is not None and run.result is not None and run.result.sweep and \
        run.settings.get("sweep") == train_config.sweep
    model_config, one = sweep_member(model_config, train_config, run.result.metrics["best_value"] if done else None)
    member = member_label(train_config.sweep, getattr(one, train_config.sweep))
    if done:
        st.caption(_("A sweep trains one model per value; this script trains the one it kept, {member}, exactly as "
                     "the sweep did (on the CPU to the last bit). Change that value in the script for another "
                     "member.", member=member))
    else:
        st.caption(_("A sweep trains one model per value; this script trains one of them, {member} (the form's own "
                     "value): set it to any of the sweep's values for that member, exactly as the sweep trains it.",
                     member=member))
    return model_config, one
