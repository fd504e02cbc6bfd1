"""The Predict page's panels: an uploaded checkpoint checked and kept, the list to choose from, one row predicted
with a form, a whole CSV scored, and the loading code."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from core import checkpoint
from core.data import to_csv_bytes
from core.errors import PlaygroundError
from core.uploads import CHECKPOINT_TYPES, check_file_name
from dashboard import checkpoints, datasets, state
from dashboard.i18n import _, readable, show_error, unit_text, with_unit


def upload_panel() -> None:
    """A checkpoint from another machine: checked (weights_only=True, nothing in it runs) and kept once per file."""
    uploaded = st.file_uploader(_("Upload a checkpoint (.pt) from another machine"),
                                help=_("Only Torch Playground checkpoints are accepted. The file is read with "
                                       "weights_only=True: nothing in it can run."), key="pr_upload")
    checkpoints.warm_checker()
    if uploaded is None:
        return
    raw = uploaded.getvalue()
    seen = st.session_state.setdefault("pr_uploads", {})
    digest = datasets.digest(raw)
    if digest not in seen:  # check and store each uploaded file once, not on every rerun
        try:
            check_file_name(uploaded.name, CHECKPOINT_TYPES)
            with st.spinner(_("Checking the file…")):
                ckpt = checkpoints.check_upload(raw)  # weights_only=True, in a capped child process first
            stem = checkpoint.sanitize_name(uploaded.name)
            ckpt["name"] = checkpoints.unique_mine(stem)
            seen[digest] = ("ok", checkpoints.save_mine(ckpt).stem)
        except PlaygroundError as err:
            seen[digest] = ("error", err)
    kind, value = seen[digest]
    if kind == "ok":
        st.success(_("Added as {name}.", name=value))
    else:
        show_error(value)


def choose_panel() -> dict | None:
    """The usable checkpoints in a table and a chooser, with download and (for one's own) delete; the chosen one."""
    items = checkpoints.listing()
    usable = [i for i in items if "error" not in i]
    if not usable:
        st.info(_("No checkpoints yet. Train a model and save it on the Train page, or upload one above."))
        return None
    whose = {True: _("mine"), False: _("shared")}
    st.dataframe(pd.DataFrame([{
        _("name"): i["name"], _("whose"): whose[i["mine"]], _("data"): i["dataset"], _("target"): i["target"],
        _("features"): len(i["features"]), "MAE": i["test_mae"], "R²": i["test_r2"],
        _("accuracy"): i.get("test_accuracy"), _("created (UTC)"): i["created"][:16].replace("T", " "),
        _("size"): f"{i['bytes'] / 1024:,.0f} KiB"}
        for i in usable]), hide_index=True, placeholder="—", column_config={
            "MAE": st.column_config.NumberColumn(format="%.4f"), "R²": st.column_config.NumberColumn(format="%.3f"),
            _("accuracy"): st.column_config.NumberColumn(format="%.3f")})
    broken = [i for i in items if "error" in i]
    if broken:
        with st.expander(_("{n} file(s) in the folder cannot be used", n=len(broken))):
            for item in broken:
                st.caption(f"{item['name']}: {item['error']}")
    labels = {i["path"]: f"{i['name']} ({whose[i['mine']]})" for i in usable}
    by_name = {i["name"]: i["path"] for i in reversed(usable)}  # a name in both folders: this browser's own first
    state.seed("pr_choice", usable[0]["path"], "model", by_name.__getitem__)
    if st.session_state["pr_choice"] not in labels:
        st.session_state["pr_choice"] = usable[0]["path"]
    path = st.selectbox(_("Checkpoint"), list(labels), format_func=labels.get, key="pr_choice")
    state.keep("pr_choice", "model", lambda p: next(i["name"] for i in usable if i["path"] == p),
               default=usable[0]["path"])
    chosen = next(i for i in usable if i["path"] == path)
    download_col, delete_col = st.columns(2)
    download_col.download_button(_("Download this checkpoint"), lambda: Path(path).read_bytes(),
                                 file_name=f"{chosen['name']}.pt", width="stretch", on_click="ignore")
    if chosen["mine"] and delete_col.button(_("Delete this checkpoint"), width="stretch"):
        checkpoints.delete_mine(chosen["name"])
        st.rerun()
    return chosen


def one_row_panel(predictor) -> dict:
    """A form with a field per feature (the training median, its unit and range); returns the values entered."""
    units, target = predictor.units, predictor.target
    with st.form("pr_form"):
        columns = st.columns(3)
        values = {}
        for n, name in enumerate(predictor.features):
            col = columns[n % 3]
            if name in predictor.numeric:
                info = predictor.numeric[name]
                unit = f" ({unit_text(units[name])})" if units.get(name) else ""
                values[name] = col.number_input(f"{name}{unit}", value=float(info["median"]), format="%.4f",
                                                key=f"pr_{name}")
                col.caption(_("Training range: {lo} to {hi}", lo=readable(info["min"]), hi=readable(info["max"])))
            elif name in predictor.dates:
                first, last, median = predictor.date_range(name)
                values[name] = col.text_input(_("{column} (date, YYYY-MM-DD)", column=name), value=median,
                                              key=f"pr_{name}")
                col.caption(_("Training dates: {first} to {last}", first=first, last=last))
            else:
                info = predictor.categorical[name]
                index = info["categories"].index(info["fill"]) if info["fill"] in info["categories"] else 0
                values[name] = col.selectbox(name, info["categories"], index=index, key=f"pr_{name}")
        predicted = st.form_submit_button(_("Predict"), type="primary")
    if predicted:
        try:
            value, report = predictor.predict_one(values)
        except PlaygroundError as err:
            show_error(err)
            return values
        if predictor.classes:
            _class_probabilities(predictor, report)
            return values
        st.metric(_("Predicted {target}", target=target), with_unit(value, units.get(target, "")))
        mae = predictor.test_mae
        if mae is not None and math.isfinite(mae):
            st.markdown(_("On the test rows this model was typically off by about **{mae}** (its test MAE).",
                          mae=with_unit(mae, units.get(target, ""))))
        for item in report.out_of_range:
            if isinstance(item["value"], str):  # a date
                st.warning(_("{column} = {value} is outside the training dates ({lo} to {hi}): the model never saw "
                             "such dates, so treat this prediction with care.", column=item["column"],
                             value=item["value"], lo=item["min"], hi=item["max"]), icon=":material/warning:")
                continue
            st.warning(_("{column} = {value} is outside the training range ({lo} to {hi}): the model never saw such "
                         "values, so treat this prediction with care.", column=item["column"],
                         value=readable(item["value"]), lo=readable(item["min"]), hi=readable(item["max"])),
                       icon=":material/warning:")
    return values


def _what_was_done(report, target: str) -> None:
    """Cells filled (per column, and with what), columns ignored, and the error where the file holds the target."""
    for column, fill in report.filled.items():
        value = readable(fill["value"]) if isinstance(fill["value"], float) else repr(fill["value"])
        st.info(_("Filled {count:,} empty cell(s) of {column} with {value}, its value in training (the median, or "
                  "the most frequent text).", count=fill["count"], column=column, value=value),
                icon=":material/format_color_fill:")
    if report.ignored:
        st.caption(_("Ignored column(s) the model does not use: {columns}.", columns=", ".join(report.ignored)))
    if report.against_target and "accuracy" in report.against_target:
        t = report.against_target
        st.success(_("Against the file's own {target} column ({n:,} rows): accuracy {accuracy:.3f}.",
                     target=target, n=t["n"], accuracy=t["accuracy"]))
    elif report.against_target:
        t = report.against_target
        st.success(_("Against the file's own {target} column ({n:,} rows): MAE {mae}, RMSE {rmse}, R² {r2:.3f}.",
                     target=target, n=t["n"], mae=readable(t["mae"]), rmse=readable(t["rmse"]), r2=t["r2"]))


def batch_panel(predictor, path: str) -> None:
    """A CSV of feature rows scored; bad rows reported by line and kept, never dropped; the result to download."""
    st.caption(_("The file needs these columns (others are kept and ignored): {columns}.",
                 columns=", ".join(predictor.features)))
    rows_file = st.file_uploader(_("CSV of feature rows"), key="pr_rows")  # its name is checked in score()
    if rows_file is None:
        return
    try:
        scored, report, read_as = checkpoints.score(rows_file.getvalue(), rows_file.name, path)
    except PlaygroundError as err:
        show_error(err)
        return
    st.success(_("Predicted {n:,} of {total:,} rows.", n=len(scored) - report.n_bad_rows, total=len(scored)))
    if report.n_bad_rows:
        st.error(_("{n:,} row(s) could not be predicted; they stay in the file with an empty prediction and a note. "
                   "The problems, by line of the file:", n=report.n_bad_rows))
        st.dataframe(pd.DataFrame([{_("line"): p["line"], _("column"): p["column"], _("value"): p["value"],
                                    _("problem"): checkpoints.problem_text(p)} for p in report.problems]),
                     hide_index=True)
    if report.n_out_of_range_rows:
        st.warning(_("{n:,} row(s) have values outside the training range (see the note column).",
                     n=report.n_out_of_range_rows))
    _what_was_done(report, predictor.target)
    st.dataframe(scored.head(1000), hide_index=True, placeholder="")  # as in the file: an empty prediction
    st.download_button(_("Download the CSV with predictions"), lambda: to_csv_bytes(scored, read_as),
                       file_name=f"{rows_file.name.rsplit('.', 1)[0]}-predicted.csv", mime="text/csv",
                       on_click="ignore")  # written when clicked, not on every rerun, in the file's own format
    st.caption(_("The download keeps the file's separator and decimal mark; it is UTF-8, with a byte-order mark "
                 "where the file had one or was CP949, so that Excel opens it with the right letters."))


def _class_probabilities(predictor, report) -> None:
    """A classifier's answer: the chosen class, and every class's probability (softmax of the logits) as bars."""
    chosen, shares = report.labels()[0], report.probabilities[0]
    st.metric(_("Predicted {target}", target=predictor.target), chosen)
    accuracy = predictor.checkpoint["metrics"].get("test_accuracy")
    st.dataframe(pd.DataFrame({_("class"): predictor.classes, _("probability"): shares}), hide_index=True,
                 column_config={_("probability"): st.column_config.ProgressColumn(format="%.3f", min_value=0,
                                                                                    max_value=1)})
    if accuracy is not None:
        st.caption(_("The probabilities are the softmax of the model's outputs (its logits): they add up to 1. On "
                     "the test rows its most probable class was right {share} of the time (its test accuracy).",
                     share=f"{100 * accuracy:.1f}%"))
    if not np.isfinite(report.logits[0]).all():
        return
    logits = ", ".join(f"{v:.4g}" for v in report.logits[0])
    st.page_link("views/activations.py", label=_("These logits ({logits}) in the Activations page's softmax, with a "
                                                 "temperature to try", logits=logits), icon=":material/show_chart:",
                 query_params={"logits": logits})
