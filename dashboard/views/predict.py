"""Predict: choose a saved checkpoint, predict one row with a form, or score a whole CSV."""

import math

import pandas as pd
import streamlit as st

from core import checkpoint
from core.errors import PlaygroundError
from dashboard import models, state, training
from dashboard.i18n import _, unit_text, with_unit

st.title(_("Predict with a saved model"))
st.markdown(_("Pick a checkpoint — yours from the Train page, or one your instructor trained before class — then "
              "try one row, or score a whole CSV."))

# --- 1. checkpoints -----------------------------------------------------------------------------------------------
st.header(_("1. Checkpoints"))
uploaded = st.file_uploader(_("Upload a checkpoint (.pt) from another machine"), type=["pt", "pth"], help=_("Only Torch Playground checkpoints are "
                                                                       "accepted. The file is read with "
                                                                       "weights_only=True: nothing in it can run."), key="pr_upload")
if uploaded is not None:
    raw = uploaded.getvalue()
    seen = st.session_state.setdefault("pr_uploads", {})
    digest = training.digest(raw)
    if digest not in seen:  # check and store each uploaded file once, not on every rerun
        try:
            ckpt = checkpoint.load(raw)  # weights_only=True: nothing in the file runs
            stem = checkpoint.sanitize_name(uploaded.name)
            ckpt["name"] = checkpoint.unique_name(stem, models.session_folder())
            seen[digest] = ("ok", models.save_mine(ckpt).stem)
        except PlaygroundError as err:
            seen[digest] = ("error", err)
    kind, value = seen[digest]
    if kind == "ok":
        st.success(_("Added as {name}.", name=value))
    else:
        state.show_error(value)

items = models.listing()
usable = [i for i in items if "error" not in i]
if not usable:
    st.info(_("No checkpoints yet. Train a model and save it on the Train page, or upload one above."))
    st.stop()
table = pd.DataFrame([{
    _("name"): i["name"], _("whose"): _("mine") if i["mine"] else _("shared"),
    _("data"): i["dataset"], _("target"): i["target"], _("features"): len(i["features"]),
    "MAE": i["test_mae"], "R²": i["test_r2"], _("created (UTC)"): i["created"][:16].replace("T", " "),
    _("size"): f"{i['bytes'] / 1024:,.0f} KiB"} for i in usable])
st.dataframe(table, hide_index=True, column_config={"MAE": st.column_config.NumberColumn(format="%.4f"),
                                                    "R²": st.column_config.NumberColumn(format="%.3f")})
broken = [i for i in items if "error" in i]
if broken:
    with st.expander(_("{n} file(s) in the folder cannot be used", n=len(broken))):
        for item in broken:
            st.caption(f"{item['name']}: {item['error']}")

labels = {i["path"]: f"{i['name']} ({_('mine') if i['mine'] else _('shared')})" for i in usable}
state.seed("pr_choice", usable[0]["path"])
if st.session_state["pr_choice"] not in labels:
    st.session_state["pr_choice"] = usable[0]["path"]
path = st.selectbox(_("Checkpoint"), list(labels), format_func=labels.get, key="pr_choice")
state.keep("pr_choice")
chosen = next(i for i in usable if i["path"] == path)
download_col, delete_col = st.columns(2)
with open(path, "rb") as f:
    download_col.download_button(_("Download this checkpoint"), f.read(), file_name=f"{chosen['name']}.pt", width="stretch")
if chosen["mine"] and delete_col.button(_("Delete this checkpoint"), width="stretch"):
    models.delete_mine(chosen["name"])
    st.rerun()

try:
    predictor = models.predictor(path)
except PlaygroundError as err:
    state.show_error(err)
    st.stop()
units, target = predictor.units, predictor.target
mae = predictor.test_mae

# --- 2. one row ---------------------------------------------------------------------------------------------------
st.header(_("2. Predict one row"))
st.caption(_("Every field starts at the training median, with its unit and the range seen in training."))
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
            col.caption(_("Training range: {lo:,.4g} to {hi:,.4g}", lo=info["min"], hi=info["max"]))
        else:
            info = predictor.categorical[name]
            values[name] = col.selectbox(name, info["categories"], index=info["categories"].index(info["fill"])
                                         if info["fill"] in info["categories"] else 0, key=f"pr_{name}")
    predicted = st.form_submit_button(_("Predict"), type="primary")
if predicted:
    try:
        value, report = predictor.predict_one(values)
        st.metric(_("Predicted {target}", target=target), with_unit(value, units.get(target, "")))
        if mae is not None and math.isfinite(mae):
            st.markdown(_("On the test rows this model was typically off by about **{mae}** (its test MAE).", mae=with_unit(mae, units.get(target, ""))))
        for item in report.out_of_range:
            st.warning(_("{column} = {value:,.4g} is outside the training range ({lo:,.4g} to {hi:,.4g}): the "
                         "model never saw such values, so treat this prediction with care.", column=item["column"], value=item["value"], lo=item["min"],
                         hi=item["max"]), icon=":material/warning:")
    except PlaygroundError as err:
        state.show_error(err)

# --- 3. a whole CSV -----------------------------------------------------------------------------------------------
st.header(_("3. Score a CSV"))
st.caption(_("The file needs these columns (others are kept and ignored): {columns}.", columns=", ".join(predictor.features)))
rows_file = st.file_uploader(_("CSV of feature rows"), type=["csv", "txt"], key="pr_rows")
if rows_file is not None:
    try:
        scored, report = models.score(rows_file.getvalue(), rows_file.name, path)
        good = len(scored) - report.n_bad_rows
        st.success(_("Predicted {n:,} of {total:,} rows.", n=good, total=len(scored)))
        if report.n_bad_rows:
            st.error(_("{n:,} row(s) could not be predicted; they stay in the file with an empty prediction and a "
                       "note. The problems, by line of the file:", n=report.n_bad_rows))
            problems = [{_("line"): p["line"], _("column"): p["column"], _("value"): p["value"],
                         _("problem"): models.problem_text(p)} for p in report.problems]
            st.dataframe(pd.DataFrame(problems), hide_index=True)
        if report.n_out_of_range_rows:
            st.warning(_("{n:,} row(s) have values outside the training range (see the note column).", n=report.n_out_of_range_rows))
        st.dataframe(scored.head(1000), hide_index=True, placeholder="")  # as in the file: an empty prediction
        st.download_button(_("Download the CSV with predictions"), lambda: scored.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{rows_file.name.rsplit('.', 1)[0]}-predicted.csv", mime="text/csv",
                           on_click="ignore")  # the CSV is written when clicked, not on every rerun
    except PlaygroundError as err:
        state.show_error(err)

# --- 4. the code --------------------------------------------------------------------------------------------------
with st.expander(_("Code")):
    st.caption(_("The lecture's loading pattern: build the model class from the saved config, load_state_dict, "
                 "eval(), then predict under torch.no_grad()."))
    config = predictor.checkpoint["model_config"]
    st.code(f'''import torch
from core.training.model import MLP, ModelConfig  # the class that was trained: __init__ and forward

PATH = "{chosen['name']}.pt"
ckpt = torch.load(PATH, map_location="cpu", weights_only=True)  # tensors and plain types only: runs no code
model = MLP(ModelConfig(**ckpt["model_config"]))  # {config["hidden"]} hidden, {config["activation"]}
model.load_state_dict(ckpt["state_dict"])
model.eval()  # dropout off

# the saved preprocessing: impute, standardise, one-hot — then predict and undo the target's scaling
from core.data import transform, unscale_target
import pandas as pd
rows = pd.DataFrame([{values!r}])
x, _ = transform(rows, ckpt["preprocessing"])
with torch.no_grad():
    pred = unscale_target(model(torch.from_numpy(x)).squeeze(1), ckpt["preprocessing"])
print(pred)  # {target}''', language="python")
