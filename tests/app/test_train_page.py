"""The Train page in AppTest: real runs in the server's worker pool, polled until done, as a browser would."""

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import checkpoint
from core.training.presets import PRESETS
from tests.apptest import APP, open_page


def train_page(lang="en"):
    at = open_page("views/train.py", lang, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(at, source="diabetes", epochs=3, lr=None, hidden="16, 16", report=10):
    if source != at.radio(key="tr_source").value:
        at.radio(key="tr_source").set_value(source).run()
    at.text_input(key="tr_hidden").set_value(hidden)
    at.number_input(key="tr_epochs").set_value(epochs)
    at.select_slider(key="tr_report").set_value(report)
    if lr is not None:
        at.select_slider(key="tr_lr").set_value(lr)
    [b for b in at.button if b.label in ("Start training", "학습 시작")][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def poll(at, until, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if until(at):
            return at
        time.sleep(0.3)
    raise AssertionError("the page never got there")


def headers(at):
    return [h.value for h in at.header]


def test_a_small_run_from_start_to_finish_then_saved(checkpoint_folder):
    at = start(train_page())
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)) and any("Finished" in s.value for s in a.success))
    table = at.dataframe[-1].value
    assert {"your MLP", "predict the mean", "linear regression"} <= set(table.iloc[:, 0])
    assert len(at.get("plotly_chart")) >= 3  # live curve, predicted-vs-actual, residuals
    [i for i in at.text_input if i.label == "Checkpoint name"][0].set_value("my-first-model")
    [b for b in at.button if b.label == "Save"][0].click().run()
    assert any("my-first-model" in s.value for s in at.success)
    mine = checkpoint_folder / "sessions" / at.session_state["owner"]
    assert [c["name"] for c in checkpoint.list_checkpoints(mine)] == ["my-first-model"]
    assert checkpoint.list_checkpoints() == []  # the shared folder: other sessions never see it


def test_diabetes_at_the_lectures_settings_says_linear_regression_wins_and_why():
    """The offline default at the lecture's settings (128, 128; 20 epochs) overfits: the page says so, with figures."""
    at = start(train_page(), epochs=20, hidden="128, 128", report=50)
    poll(at, lambda a: any("Finished" in s.value for s in a.success), timeout=120)
    table = at.dataframe[-1].value.set_index(at.dataframe[-1].value.columns[0])
    assert table.loc["linear regression", "MAE"] < table.loc["your MLP", "MAE"]
    note = [i.value for i in at.info if "Linear regression beats this MLP" in i.value]
    assert note and "353 training rows and 18,049 weights" in note[0] and "overfitting" in note[0]


def test_a_model_that_beats_linear_regression_gets_no_such_note():
    at = start(train_page(), epochs=3, hidden="16, 16")
    poll(at, lambda a: any("Finished" in s.value for s in a.success))
    table = at.dataframe[-1].value.set_index(at.dataframe[-1].value.columns[0])
    beaten = table.loc["linear regression", "MAE"] < table.loc["your MLP", "MAE"]
    assert any("Linear regression beats this MLP" in i.value for i in at.info) == beaten


def test_chart_options_are_kept_when_leaving_the_page_and_coming_back():
    at = start(train_page(), epochs=2)
    poll(at, lambda a: any("Finished" in s.value for s in a.success))
    at.toggle(key="tr_log").set_value(True)
    at.selectbox(key="tr_x_axis").set_value("time").run()
    at.switch_page("views/tensors.py").run()
    at.switch_page("views/train.py").run()
    assert not at.exception
    assert at.toggle(key="tr_log").value is True and at.selectbox(key="tr_x_axis").value == "time"


def test_stop_mid_run_keeps_the_model():
    at = start(train_page(), epochs=500)
    poll(at, lambda a: any(getattr(p, "value", None) for p in a.get("progress")) or a.metric)
    [b for b in at.button if b.label == "Stop"][0].click().run()
    poll(at, lambda a: any("Stopped" in s.value for s in a.success))
    assert any(h.startswith("4.") for h in headers(at))  # results of what was learned so far


def test_divergence_shows_its_message_and_the_page_keeps_working():
    at = start(train_page("ko"), lr=10.0)
    poll(at, lambda a: bool(a.error))
    assert any("학습률" in e.value for e in at.error)
    start(at, epochs=1, lr=1e-3)
    poll(at, lambda a: any("완료" in s.value for s in a.success))


CSV = "area,rooms,city,price\n" + "\n".join(
    f"{50 + i},{1 + i % 4},{['Seoul', 'Busan', 'Incheon'][i % 3]},{100 + 3 * i + 7 * (i % 4)}" for i in range(80))


def test_an_uploaded_csv_trains():
    at = train_page()
    at.radio(key="tr_source").set_value("csv").run()
    at.file_uploader[0].upload("houses.csv", CSV.encode(), "text/csv").run()
    assert not at.exception and not at.error
    target = [s for s in at.selectbox if s.label.startswith("Target")][0]
    assert target.value == "price"
    assert any("city" in m.value and "one-hot" in m.value for m in at.markdown)
    start(at, source="csv", epochs=2)
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)))


@pytest.mark.parametrize("content,expected", [
    (b"", "empty"),
    (b"PK\x03\x04binary", "not a CSV"),
    (b"1,2\n3,4\n", "header"),
    (b"a,b\n1,2\n3,4\n", "at least 20"),
    ("a,b\n" + "\n".join(f"{i},x{i}" for i in range(30)), "too few rows per class"),
])
def test_each_bad_csv_gets_its_message(content, expected):
    at = train_page()
    at.radio(key="tr_source").set_value("csv").run()
    raw = content.encode() if isinstance(content, str) else content
    at.file_uploader[0].upload("bad.csv", raw, "text/csv").run()
    if "not numeric" in expected or "per class" in expected:
        target = [s for s in at.selectbox if s.label.startswith("Target")][0]
        target.set_value("b").run()
    assert not at.exception
    assert at.error and expected in at.error[0].value


def test_two_sessions_do_not_see_each_others_runs():
    alice = start(train_page(), epochs=200)
    bob = train_page()
    assert any("No run yet" in i.value for i in bob.info)
    assert any(b.label == "Stop" for b in alice.button) and not any(b.label == "Stop" for b in bob.button)
    [b for b in alice.button if b.label == "Stop"][0].click().run()


def same_browser(browser_id: str, lang="en"):
    """A tab of one browser: its id, as identity.browser reads it from Streamlit's XSRF cookie, set beforehand."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"], at.session_state["browser"] = lang, browser_id
    at.run()
    at.switch_page("views/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reload_mid_run_shows_the_same_run_and_another_browser_sees_none():
    first = same_browser("browser-a")
    start(first, epochs=300)
    reloaded = same_browser("browser-a")  # a new session of the same browser: the page reloaded
    assert any(b.label == "Stop" for b in reloaded.button)
    assert reloaded.get("progress") or any(w in i.value for i in reloaded.info for w in ("Waiting", "Starting"))
    other = same_browser("browser-b")
    assert any("No run yet" in i.value for i in other.info) and not any(b.label == "Stop" for b in other.button)
    [b for b in reloaded.button if b.label == "Stop"][0].click().run()
    poll(reloaded, lambda a: any("Stopped" in s.value for s in a.success))
    assert any("Stopped" in s.value for s in poll(first, lambda a: a.success).success)  # the first tab sees it too


def test_a_reload_keeps_the_finished_runs_results_and_the_comparison():
    first = same_browser("browser-c")
    for lr in (1e-3, 3e-3):
        start(first, epochs=2, lr=lr)
        poll(first, lambda a: any("Finished" in s.value for s in a.success) and any(h.startswith("4.") for h in
                                                                                    headers(a)))
    reloaded = same_browser("browser-c")
    assert any(h.startswith("4.") for h in headers(reloaded))  # results, with save and download
    assert "Compare runs" in headers(reloaded)
    assert {"your MLP", "linear regression"} <= set(
        [d.value for d in reloaded.dataframe if "MAE" in d.value.columns][0].iloc[:, 0])


def test_microscope_shows_gradients_appear_and_accumulate():
    at = train_page()
    step = [b for b in at.button if b.label == "Take one step"][0]
    step.click().run()
    assert any("Backward" in m.value for m in at.markdown)
    assert any("zero_grad" in s.value for s in at.success)
    at.toggle(key="mic_zero_grad").set_value(False).run()
    [b for b in at.button if b.label == "Take one step"][0].click().run()
    [b for b in at.button if b.label == "Take one step"][0].click().run()
    assert any("accumulated" in m.value for m in at.markdown)
    assert any("zero_grad skipped" in w.value for w in at.warning)
    assert "# optimizer.zero_grad()" in " ".join(c.value for c in at.code)


def test_leaving_the_page_and_coming_back_shows_the_run():
    at = start(train_page(), epochs=300)
    at.switch_page("views/tensors.py").run()
    assert not at.exception
    at.switch_page("views/train.py").run()
    assert not at.exception
    assert at.get("progress") or any(w in i.value for i in at.info for w in ("Waiting", "Starting"))  # still ours
    [b for b in at.button if b.label == "Stop"][0].click().run()
    poll(at, lambda a: any("Stopped" in s.value for s in a.success))


def r_row_names_csv(n=60) -> bytes:
    """R's write.csv of a small table: row names 1..n in an unnamed first column, a year, a price to predict."""
    lines = ['"","area","age","year","price"']
    for i in range(n):
        area, age = 40 + (i * 37) % 90, (i * 13) % 40
        lines.append(f'"{i + 1}",{area},{age},{2000 + i % 20},{3.5 * area - 0.8 * age + (i % 7)}')
    return ("\n".join(lines) + "\n").encode()


def upload(at, raw: bytes, name="houses.csv"):
    at.radio(key="tr_source").set_value("csv").run()
    at.file_uploader[0].upload(name, raw, "text/csv").run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    return at


def roles_table(at) -> dict:
    frame = [d.value for d in at.dataframe if "role" in d.value.columns][0]
    return dict(zip(frame["column"], frame["role"]))


def leave_out(at):
    return [m for m in at.multiselect if m.label == "Leave out"][0]


def test_r_row_names_are_proposed_for_leaving_out_and_the_target_skips_them():
    at = upload(train_page(), r_row_names_csv())
    assert [s for s in at.selectbox if s.label.startswith("Target")][0].value == "price"  # not the year
    assert leave_out(at).value == ["Unnamed: 0"]
    assert roles_table(at)["Unnamed: 0"] == "identifier, left out"
    assert any("3 features" in c.value for c in at.caption)  # area, age, year


def test_removing_an_identifier_from_leave_out_makes_it_a_feature_and_leaving_out_a_column_drops_it():
    at = upload(train_page(), r_row_names_csv())
    leave_out(at).set_value(["year"]).run()
    assert not at.exception
    roles = roles_table(at)
    assert roles["Unnamed: 0"] == "numeric feature" and roles["year"] == "left out"
    assert any("3 features" in c.value for c in at.caption)  # Unnamed: 0, area, age


def test_a_small_test_split_is_flagged_on_the_page():
    at = upload(train_page(), r_row_names_csv(60))
    assert any("Only 12 rows are held out for testing" in w.value for w in at.warning)


def test_the_column_table_reads_in_korean():
    at = upload(train_page("ko"), r_row_names_csv())
    roles = roles_table(at) if any("role" in d.value.columns for d in at.dataframe) else None
    frame = [d.value for d in at.dataframe if "역할" in d.value.columns][0]
    assert roles is None and "식별자, 제외" in set(frame["역할"])
    assert [m for m in at.multiselect if m.label == "제외할 열"][0].value == ["Unnamed: 0"]


def bike_parts_csv(n=200) -> bytes:
    lines = ["temp,casual,registered,cnt"]
    for i in range(n):
        temp = (i * 37) % 35
        casual, registered = 3 * temp + (i * 7) % 41, 10 * temp + (i * 13) % 97
        lines.append(f"{temp},{casual},{registered},{casual + registered}")
    return ("\n".join(lines) + "\n").encode()


def test_a_leak_is_named_and_one_click_leaves_it_out():
    at = upload(train_page(), bike_parts_csv())
    assert [s for s in at.selectbox if s.label.startswith("Target")][0].value == "cnt"
    assert any("registered, casual together give cnt almost exactly" in w.value for w in at.warning)
    button = [b for b in at.button if b.label.startswith("Leave out ")][0]
    assert "casual" in button.label and "registered" in button.label
    button.click().run()
    assert not at.exception
    assert sorted(leave_out(at).value) == ["casual", "registered"]
    assert not any("almost exactly" in w.value for w in at.warning)
    assert any("1 features" in c.value for c in at.caption)


def weather_csv(n=120) -> bytes:
    """Like Vega's seattle-weather.csv: an ISO date a day, the weather, the day's highest temperature."""
    lines = ["date,precipitation,wind,temp_max"]
    for i in range(n):
        day = (np.datetime64("2012-01-01") + i).astype(str)
        lines.append(f"{day},{(i * 7) % 13 / 2},{1 + (i * 5) % 7},{5 + (i % 365) / 20 + (i * 3) % 5}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("lang, role, words", [("en", "date, expanded", "dates written YYYY-MM-DD"),
                                               ("ko", "날짜, 분해하여 사용", "YYYY-MM-DD 형식의 날짜")])
def test_a_date_column_is_shown_as_a_date_with_its_format(lang, role, words):
    at = upload(train_page(lang), weather_csv())
    frame = [d.value for d in at.dataframe if d.value.shape[1] == 3 and len(d.value) == 4][0]
    shown = dict(zip(frame.iloc[:, 0], zip(frame.iloc[:, 1], frame.iloc[:, 2])))
    assert shown["date"][0] == role and words in shown["date"][1]
    assert [s for s in at.selectbox if s.key.startswith("tr_target")][0].value == "temp_max"
    assert any("3 features" in c.value or "특성 3개" in c.value for c in at.caption)
    if lang == "en":
        assert any("So X_train has 6 columns, the model's inputs: 2 numeric, 4 from dates" in c.value
                   for c in at.caption)


def test_a_session_holds_one_uploaded_table_and_lets_the_old_one_go():
    """An upload's table and split are the session's, one at a time: a new file replaces the old one's (a
    server-wide cache kept every student's files after their tabs had closed)."""
    at = train_page()
    at.radio(key="tr_source").set_value("csv").run()
    at.file_uploader[0].upload("houses.csv", CSV.encode(), "text/csv").run()
    held = at.session_state["_one_per_session"]
    assert held["upload_table"][1].name == "houses.csv" and held["upload_prepared"][1].n_features > 0
    other = CSV.replace("price", "value")
    at.file_uploader[0].upload("flats.csv", other.encode(), "text/csv").run()
    held = at.session_state["_one_per_session"]
    assert held["upload_table"][1].name == "flats.csv"
    assert held["upload_prepared"][1].info["target"] == "value"
    assert set(held) <= {"upload_table", "upload_prepared"}


def test_a_file_of_the_wrong_kind_is_refused_by_its_name():
    at = train_page()
    at.radio(key="tr_source").set_value("csv").run()
    at.file_uploader[0].upload("houses.xlsx", CSV.encode(), "application/octet-stream").run()
    assert not at.exception and any(".csv, .txt" in e.value for e in at.error)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_range_test_runs_in_a_worker_and_its_suggestion_is_one_click_from_the_form(lang):
    from dashboard.i18n import translate
    from dashboard.lr_finder_panel import nearest_rate

    at = train_page(lang)
    at.radio(key="tr_source").set_value("diabetes").run()
    at.button(key="tr_lr_find_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    poll(at, lambda a: any(b.key == "tr_lr_use" for b in a.button), timeout=120)
    lead = translate("Suggested learning rate: **{lr}** ({steps} steps{ended}).", lang, lr="", steps="", ended="")
    said = [s.value for s in at.success if s.value.startswith(lead.split("**")[0])]
    assert said, [s.value for s in at.success]
    suggestion = float(said[0].split("**")[1].replace(",", ""))
    assert 1e-7 < suggestion < 10
    at.button(key="tr_lr_use").click().run()
    assert at.select_slider(key="tr_lr").value == nearest_rate(suggestion)  # the form now holds that rate
    assert not runs_listed(at)  # the range test never joins the session's runs


def runs_listed(at) -> list:
    from dashboard import runs

    owner = at.session_state["browser"]  # this session's browser id: the owner of its runs
    return runs.pool().runs_of(owner)


def test_the_strong_preset_fills_the_form_trains_with_validation_and_keeps_the_best_epoch(checkpoint_folder):
    at = train_page()
    at.radio(key="tr_source").set_value("diabetes").run()
    [b for b in at.button if b.label == "Strong preset"][0].click().run()
    assert (at.select_slider(key="tr_ensemble").value, at.selectbox(key="tr_optimizer").value,
            at.select_slider(key="tr_batch").value, at.select_slider(key="tr_val").value) == (8, "adamw", 256, 0.2)
    assert at.select_slider(key="tr_lr").value == PRESETS["strong"]["lr"]  # every value the preset sets is shown
    shown = " ".join(c.value for c in at.caption)
    assert "282 for training" in shown and "71 are held out for validation" in shown  # 64/16/20 of 442 rows
    at.number_input(key="tr_epochs").set_value(30)
    at.select_slider(key="tr_ensemble").set_value(2)
    at.selectbox(key="tr_schedule").set_value("cosine")
    [b for b in at.button if b.label == "Start training"][0].click().run()
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)), timeout=120)
    kept = [c.value for c in at.caption if c.value.startswith("Validation RMSE")]
    assert kept and "the best on the 71 validation rows" in kept[0]
    run = at.session_state["tr_live_figure"][1]
    names = [trace.name for trace in run.data]
    assert "validation MSE" in names and "learning rate (schedule)" in names
    [b for b in at.button if b.label == "Lecture preset"][0].click().run()
    assert (at.select_slider(key="tr_ensemble").value, at.selectbox(key="tr_optimizer").value,
            at.select_slider(key="tr_batch").value, at.select_slider(key="tr_val").value) == (1, "adam", 20, 0.0)


@pytest.mark.parametrize("lang, trick, boosting", [("en", "trick", "gradient boosting"),
                                                   ("ko", "기법", "그래디언트 부스팅")])
def test_the_tricks_ladder_lists_each_trick_with_its_measured_change(lang, trick, boosting):
    at = train_page(lang)
    ladder = [d.value for d in at.dataframe if trick in d.value.columns][0]
    rows = ladder[trick].tolist()
    assert len(rows) == 7 + 3 + 1 and rows[-1].startswith(boosting)  # every rung, the asides, the baseline
    assert ladder.iloc[-1, 1] > ladder.iloc[6, 1]  # gradient boosting's RMSE above the Strong preset's, as measured
    assert ladder.iloc[0, 2] == "" and ladder.iloc[3, 2].startswith("-")  # the embeddings' rung lowers the RMSE


def test_a_korean_sweep_with_a_validation_share_keeps_the_member_best_on_validation():
    at = train_page("ko")
    at.radio(key="tr_source").set_value("diabetes").run()
    at.selectbox(key="tr_sweep").set_value("lr")
    at.select_slider(key="tr_val").set_value(0.2)
    at.number_input(key="tr_epochs").set_value(2)
    [b for b in at.button if b.label == "학습 시작"][0].click().run()
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)), timeout=120)
    members = [d.value for d in at.dataframe if "결과" in d.value.columns][0]
    assert list(members.columns) == ["학습률(learning rate)", "테스트 MAE", "테스트 RMSE", "검증 RMSE", "결과"]
    kept = members.loc[members["결과"] == "남김", "학습률(learning rate)"].tolist()
    assert len(kept) == 1 and members["결과"].iloc[-1] == "발산: 멈춤"
    why = [c.value for c in at.caption if "검증 RMSE가 가장 낮은" in c.value]
    assert why and f"lr={kept[0]}" in why[0]  # the member it kept, and why
    results = [d.value for d in at.dataframe if "모델" in d.value.columns][-1]
    assert results["모델"].iloc[0] == f"내 MLP (lr={kept[0]})"


def test_a_learning_rate_sweep_draws_each_rate_and_saves_the_best_as_one_model(checkpoint_folder):
    at = train_page()
    at.radio(key="tr_source").set_value("diabetes").run()
    at.selectbox(key="tr_sweep").set_value("lr")
    at.number_input(key="tr_epochs").set_value(3)
    [b for b in at.button if b.label == "Start training"][0].click().run()
    poll(at, lambda a: any(h.startswith("4.") for h in headers(a)), timeout=120)
    names = [trace.name for trace in at.session_state["tr_live_figure"][1].data]
    assert {f"lr={lr:g}" for lr in (1e-4, 1e-3, 1.0)} <= set(names)  # one curve per rate, the diverged one too
    members = [d.value for d in at.dataframe if "outcome" in d.value.columns][0]
    assert members["Learning rate"].tolist() == ["0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "1"]
    assert members["outcome"].iloc[-1] == "diverged: stopped" and members["test MAE"].isna().iloc[-1]
    kept = members.loc[members["outcome"] == "kept"]
    assert len(kept) == 1 and kept["test RMSE"].iloc[0] == members["test RMSE"].min()  # no validation: by test MSE
    results = [d.value for d in at.dataframe if "model" in d.value.columns][-1]
    assert results["model"].iloc[0] == f"your MLP (lr={kept['Learning rate'].iloc[0]})"  # the model it shows
    assert results["MAE"].iloc[0] == pytest.approx(kept["test MAE"].iloc[0])
    assert any("lowest test MSE" in c.value and "validation share" in c.value for c in at.caption)
    member = f"lr={kept['Learning rate'].iloc[0]}"
    assert any(f"this script trains the one it kept, {member}" in c.value for c in at.caption)
    script = [c.value for c in at.code if "LEARNING_RATE = " in c.value][0]
    assert f"LEARNING_RATE = {kept['Learning rate'].iloc[0]}\n" in script and "ensemble" not in script
    [i for i in at.text_input if i.label == "Checkpoint name"][0].set_value("swept")
    [b for b in at.button if b.label == "Save"][0].click().run()
    saved = checkpoint.load(checkpoint_folder / "sessions" / at.session_state["owner"] / "swept.pt")
    assert saved["model_config"]["ensemble"] == 1 and saved["train_config"]["sweep"] == "lr"  # the best member

    at.selectbox(key="tr_sweep").set_value("")  # then one model: the comparison names the sweep's kept member
    at.number_input(key="tr_epochs").set_value(1)
    [b for b in at.button if b.label == "Start training"][0].click().run()
    poll(at, lambda a: "Compare runs" in headers(a) and any("Finished: 1" in x.value for x in a.success), timeout=120)
    compared = [d.value for d in at.dataframe if "member kept" in d.value.columns][0]
    assert compared["member kept"].tolist()[0] == member and compared["member kept"].isna().tolist()[1]
