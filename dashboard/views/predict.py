"""Predict: choose a saved checkpoint, predict one row with a form, or score a whole CSV."""

import math

import pandas as pd
import streamlit as st

from core import checkpoint
from core.errors import PlaygroundError
from dashboard import models, state, training
from dashboard.i18n import t, unit_text, with_unit

st.title(t("pr.title"))
st.markdown(t("pr.intro"))

# --- 1. checkpoints -----------------------------------------------------------------------------------------------
st.header(t("pr.checkpoints"))
uploaded = st.file_uploader(t("pr.upload"), type=["pt", "pth"], help=t("pr.upload_help"), key="pr_upload")
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
        st.success(t("pr.upload_ok", name=value))
    else:
        state.show_error(value)

items = models.listing()
usable = [i for i in items if "error" not in i]
if not usable:
    st.info(t("pr.none"))
    st.stop()
table = pd.DataFrame([{
    t("pr.col_name"): i["name"], t("pr.col_owner"): t("pr.mine") if i["mine"] else t("pr.shared"),
    t("pr.col_data"): i["dataset"], t("pr.col_target"): i["target"], t("pr.col_features"): len(i["features"]),
    "MAE": i["test_mae"], "R²": i["test_r2"], t("pr.col_created"): i["created"][:16].replace("T", " "),
    t("pr.col_size"): f"{i['bytes'] / 1024:,.0f} KiB"} for i in usable])
st.dataframe(table, hide_index=True, column_config={"MAE": st.column_config.NumberColumn(format="%.4f"),
                                                    "R²": st.column_config.NumberColumn(format="%.3f")})
broken = [i for i in items if "error" in i]
if broken:
    with st.expander(t("pr.unreadable", n=len(broken))):
        for item in broken:
            st.caption(f"{item['name']}: {item['error']}")

labels = {i["path"]: f"{i['name']} ({t('pr.mine') if i['mine'] else t('pr.shared')})" for i in usable}
state.seed("pr_choice", usable[0]["path"])
if st.session_state["pr_choice"] not in labels:
    st.session_state["pr_choice"] = usable[0]["path"]
path = st.selectbox(t("pr.choose"), list(labels), format_func=labels.get, key="pr_choice")
state.keep("pr_choice")
chosen = next(i for i in usable if i["path"] == path)
download_col, delete_col = st.columns(2)
with open(path, "rb") as f:
    download_col.download_button(t("pr.download"), f.read(), file_name=f"{chosen['name']}.pt", width="stretch")
if chosen["mine"] and delete_col.button(t("pr.delete"), width="stretch"):
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
st.header(t("pr.one"))
st.caption(t("pr.one_caption"))
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
            col.caption(t("pr.range", lo=info["min"], hi=info["max"]))
        else:
            info = predictor.categorical[name]
            values[name] = col.selectbox(name, info["categories"], index=info["categories"].index(info["fill"])
                                         if info["fill"] in info["categories"] else 0, key=f"pr_{name}")
    predicted = st.form_submit_button(t("pr.predict"), type="primary")
if predicted:
    try:
        value, report = predictor.predict_one(values)
        st.metric(t("pr.answer", target=target), with_unit(value, units.get(target, "")))
        if mae is not None and math.isfinite(mae):
            st.markdown(t("pr.typically", mae=with_unit(mae, units.get(target, ""))))
        for item in report.out_of_range:
            st.warning(t("pr.out_of_range", column=item["column"], value=item["value"], lo=item["min"],
                         hi=item["max"]), icon=":material/warning:")
    except PlaygroundError as err:
        state.show_error(err)

# --- 3. a whole CSV -----------------------------------------------------------------------------------------------
st.header(t("pr.batch"))
st.caption(t("pr.batch_caption", columns=", ".join(predictor.features)))
rows_file = st.file_uploader(t("pr.batch_upload"), type=["csv", "txt"], key="pr_rows")
if rows_file is not None:
    try:
        scored, report = models.score(rows_file.getvalue(), rows_file.name, path)
        good = len(scored) - report.n_bad_rows
        st.success(t("pr.scored", n=good, total=len(scored)))
        if report.n_bad_rows:
            st.error(t("pr.bad_rows", n=report.n_bad_rows))
            problems = [{t("pr.line"): p["line"], t("pr.column"): p["column"], t("pr.value"): p["value"],
                         t("pr.problem"): models.problem_text(p)} for p in report.problems]
            st.dataframe(pd.DataFrame(problems), hide_index=True)
        if report.n_out_of_range_rows:
            st.warning(t("pr.rows_out_of_range", n=report.n_out_of_range_rows))
        st.dataframe(scored.head(1000), hide_index=True, placeholder="")  # as in the file: an empty prediction
        st.download_button(t("pr.download_csv"), lambda: scored.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{rows_file.name.rsplit('.', 1)[0]}-predicted.csv", mime="text/csv",
                           on_click="ignore")  # the CSV is written when clicked, not on every rerun
    except PlaygroundError as err:
        state.show_error(err)

# --- 4. the code --------------------------------------------------------------------------------------------------
with st.expander(t("common.code")):
    st.caption(t("pr.code_caption"))
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
