"""End to end, in a real browser: the paths people take through the whole app, one page after another in one session.

A learner (English and Korean): a lecture example and a typed chain on the Tensors page, a few curves on the
Activations page, a short run on the bundled diabetes data whose chart grows while it trains, a saved checkpoint,
and a prediction with it on the Predict page. An analyst: their own CSV trained and saved, then a CSV of rows scored,
with one bad row reported by its line and the downloaded file checked with pandas.

Screenshots of the key steps go to tests/artifacts/e2e/ for people to look at; a failing test leaves
<test>-failure.png (and the page's text beside it) there too.
"""

import math
import os
import re
import time

import pandas as pd
import pytest

from dashboard.i18n import translate
from tests.browser.harness import (
    ARTIFACTS,
    app_server,
    browser_missing,
    button,
    choose,
    chromium,
    dataframe_cells,
    exactly,
    go_to,
    main,
    new_context,
    plain,
    plotly_traces,
    rerun_of,
    shown,
    wait_until_idle,
    wait_until_settled,
    widget,
    words,
)

missing = browser_missing()
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the browser tests: {missing}")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(missing), reason=missing or "")]

SHOTS = ARTIFACTS / "e2e"
# Bounded waits, generous for a busy two-core machine: a page render, and a training run with the pool's first start.
RENDER = 30_000
RUN = 180_000
LOCALES = {"en": "en-US", "ko": "ko-KR"}
# The learner's run (diabetes, 512×512, batch 1): long enough for the chart, redrawn once a second, to be seen growing
# on a fast machine (15 epochs took 2 s on a 2026-12 AMD EPYC, and the chart was drawn whole at its first look).
LEARNER_EPOCHS = 60
DATA_SUMMARY = ("{rows:,} rows used: {train:,} for training (X_train, y_train), {test:,} held out for testing (X_test, "
                "y_test); {features} features; predicting {target}.")


def s(english: str, lang: str, **params) -> str:
    """The app's words for ``english`` in ``lang``, as the browser shows them."""
    return plain(translate(english, lang, **params))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app for the module, with its own checkpoint folder (the conftest's per-test folder is set up too late for
    a module's server) and one training worker, so the runs here do not crowd the machine's two cores."""
    folder = tmp_path_factory.mktemp("e2e-checkpoints")
    with app_server(env={"TORCH_PLAYGROUND_CHECKPOINTS": str(folder), "TORCH_PLAYGROUND_WORKERS": "1"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, request):
    """A fresh browser context (a new Streamlit session) per test; a screenshot and the page's text if it fails."""
    callspec = getattr(request.node, "callspec", None)
    lang = callspec.params.get("lang", "en") if callspec else "en"
    context = new_context(browser, viewport={"width": 1280, "height": 1400}, locale=LOCALES[lang],
                          accept_downloads=True)
    context.set_default_timeout(RENDER)
    page = context.new_page()
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for stale in SHOTS.glob(f"{name}-failure.*"):  # from an earlier run: not this one's story
        stale.unlink()
    failed = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(SHOTS / f"{name}-failure.png"))
            port = page.url.split(":")[2].split("/")[0]
            (SHOTS / f"{name}-failure.txt").write_text(
                f"{page.url}\nserver log: {ARTIFACTS / f'server-{port}.log'}\n\n"
                + page.locator("body").inner_text(timeout=5_000))
        except Exception as err:  # the page may be the thing that broke; the test's own error is the one to report
            print(f"no failure screenshot: {err}")
    context.close()


def snap(page, name: str, at=None):
    """A screenshot for people to look at, with ``at`` scrolled to the top (Streamlit scrolls its main block, not
    the page, so a full-page shot would show no more)."""
    if at is not None:
        at.first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def heading(page, key: str, lang: str, level: str = "h2"):
    return main(page).locator(level, has_text=exactly(s(key, lang)))


def main_text(page) -> str:
    return main(page).inner_text()


def between(text: str, start: str, end: str | None = None) -> str:
    """The part of ``text`` after ``start`` and before ``end``."""
    assert start in text, f"{start!r} is not on the page"
    rest = text.split(start, 1)[1]
    return rest.split(end, 1)[0] if end and end in rest else rest


def wait_for_text(page, text, timeout: float = RENDER):
    """Wait until the main block shows ``text`` (a string or a pattern) and the run that drew it has finished."""
    main(page).get_by_text(text).first.wait_for(timeout=timeout)
    wait_until_settled(page, timeout)


def wait_for_curves(page, names: list[str], derivative: str):
    """Wait until the activation chart draws these curves, each with its dashed derivative, in its traces and in its
    legend (SVG text)."""
    expected = [n for name in names for n in (name, f"{name}′ ({derivative})")]
    page.wait_for_function(
        "want => { const el = document.querySelector('.st-key-act_chart .js-plotly-plot');"
        " const legend = Array.from(document.querySelectorAll('.st-key-act_chart .legendtext'), t => t.textContent);"
        " return el && el.data && JSON.stringify(el.data.map(d => d.name)) === JSON.stringify(want)"
        " && JSON.stringify(legend) === JSON.stringify(want); }",
        arg=expected, timeout=RENDER)
    wait_until_settled(page)


def set_slider_to_lowest(page, label: str) -> str:
    """Move a (select_)slider to its first value with the keyboard, as a person would; returns the value shown."""
    box = widget(page, "stSlider", label)
    handle = box.locator('input[type="range"]')
    handle.focus()
    handle.press("Home")
    return box.locator('[data-testid="stSliderThumbValue"]').inner_text()


def fill_in_form(page, kind: str, label: str, value: str):
    """Type into a widget inside st.form: Tab leaves the field (Enter would submit the form)."""
    field = widget(page, kind, label).locator("input")
    field.fill(value)
    field.press("Tab")


def live_sample(page) -> dict:
    """The live chart now, read in one go: whether the run is going (its progress bar shows), the points drawn in
    all, and each curve's last y."""
    return page.evaluate(
        """() => { const el = document.querySelector('.st-key-tr_live_chart .js-plotly-plot');
                   const traces = el && el.data ? el.data : [];
                   return {running: !!document.querySelector('[data-testid="stMain"] [data-testid="stProgress"]'),
                           points: traces.reduce((n, d) => n + (d.x || []).length, 0),
                           last: traces.map(d => d.y && d.y.length ? d.y[d.y.length - 1] : null)}; }""")


def train(page, lang: str, epochs: int, shot: str | None = None, hidden: str | None = None,
          smallest_batches: bool = False) -> list[dict]:
    """Set the form, press Start and wait for the results; returns the live chart sampled every quarter second while
    the run went. ``shot``: a screenshot's name, taken the first time the chart has grown during the run."""
    if hidden:
        fill_in_form(page, "stTextInput", s("Hidden layers", lang), hidden)
    fill_in_form(page, "stNumberInput", s("Epochs", lang), str(epochs))
    if smallest_batches:  # batch size 1 and a point every 10 batches: thousands of steps, a run of some seconds
        assert set_slider_to_lowest(page, s("Batch size", lang)) == "1"
        assert set_slider_to_lowest(page, s("Plot every N batches", lang)) == "10"
    button(page, s("Start training", lang), "stFormSubmitButton").click()
    samples, shot_taken = [], False
    results = heading(page, "4. Results", lang)
    page.wait_for_timeout(500)
    deadline = time.monotonic() + RUN / 1000
    while not results.count() and time.monotonic() < deadline:
        sample = live_sample(page)
        samples.append(sample)
        seen = [x["points"] for x in samples if x["running"] and x["points"]]
        if shot and not shot_taken and len(seen) > 1 and seen[-1] > seen[0]:
            snap(page, shot, at=heading(page, "3. Training", lang))
            shot_taken = True
        page.wait_for_timeout(250)
    results.wait_for(timeout=RENDER)
    print("live chart while running (points):", [x["points"] for x in samples if x["running"]])
    return samples


# --- the learner ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_learners_path_from_tensors_to_a_prediction(server, page, lang):
    # Tensors: the lecture's unsqueeze example, then a chain typed by hand
    page.goto(f"{server}/?lang={lang}")
    wait_until_idle(page)
    assert main(page).locator("h1").first.inner_text().strip() == s("Tensor playground", lang)
    if lang == "ko":  # Korean set in a real CJK font, not tofu boxes
        assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK KR\"', '텐서')") or \
            page.evaluate("() => document.fonts.check('16px sans-serif', '텐서')")
    choose(page, widget(page, "stSelectbox", s("The lecture's examples", lang)), "a.unsqueeze(1)")
    step1 = s("Step {i}: `{code}`", lang, i=1, code="a.unsqueeze(1)")
    wait_for_text(page, step1)
    wait_for_text(page, "torch.Size([1, 1, 4])")
    ops = widget(page, "stTextInput", s("Operations on `a` (edit freely)", lang)).locator("input")
    assert ops.input_value() == "unsqueeze(1)"
    assert "torch.Size([1, 1, 4])" in between(main_text(page), step1)
    assert "(1, 1, 4)" in between(main_text(page), step1)  # NumPy's side agrees

    ops.fill("view(2, -1).flatten()")
    with rerun_of(page):
        ops.press("Enter")
    step2 = s("Step {i}: `{code}`", lang, i=2, code="a.view(2, -1).flatten()")
    wait_for_text(page, step2)
    text = main_text(page)
    first = s("Step {i}: `{code}`", lang, i=1, code="a.view(2, -1)")
    assert "torch.Size([2, 2])" in between(text, first, step2)
    assert "torch.Size([4])" in between(text, step2)
    assert main(page).locator('[data-testid="stAlert"]').count() == 0  # no error, no disagreement with NumPy
    snap(page, f"learner-{lang}-1-tensors", at=main(page).get_by_text(first))

    # Activations: drop Tanh, add GELU; the chart's traces (and its legend) follow, each with its derivative
    go_to(page, s("Activations", lang), s("Activation functions", lang))
    choices = widget(page, "stMultiSelect", s("Activations", lang))
    derivative = s("derivative", lang)
    choices.locator('button[aria-label="Remove Tanh"]').click()
    wait_for_curves(page, ["Sigmoid", "ReLU"], derivative)  # redrawn before the next change, so none is lost
    choose(page, choices, "GELU")
    page.keyboard.press("Escape")
    wait_for_curves(page, ["Sigmoid", "ReLU", "GELU"], derivative)
    traces = plotly_traces(page, "act_chart")
    assert all(t["points"] > 50 for t in traces), traces  # curves, not a few dots
    wait_until_idle(page)
    snap(page, f"learner-{lang}-2-activations")

    # Train: the bundled diabetes data, a short run whose chart grows while it trains
    go_to(page, s("Train", lang), s("Train an MLP", lang))
    diabetes = s("Diabetes (bundled, offline)", lang)
    widget(page, "stRadio", s("Data set", lang)).locator('[data-testid="stRadioOption"]',
                                                          has_text=exactly(diabetes)).click()
    wait_for_text(page, shown(words(DATA_SUMMARY, lang), target="progression", features=10))
    samples = train(page, lang, epochs=LEARNER_EPOCHS, shot=f"learner-{lang}-3-train-running", hidden="512, 512",
                    smallest_batches=True)
    running = [x for x in samples if x["running"] and x["points"] > 0]
    assert len(running) >= 2, f"the chart never drew a point while the run went: {samples[-5:]}"
    first_seen = running[0]
    later = [x for x in running if x["points"] > first_seen["points"]]
    assert later, f"the live chart did not grow while the run went: {running}"
    assert later[0]["last"] != first_seen["last"]
    wait_for_text(page, s("Finished: {epochs} epochs.", lang, epochs=LEARNER_EPOCHS))
    assert main(page).locator('[data-testid="stException"]').count() == 0
    final = plotly_traces(page, "tr_live_chart")
    assert [t["points"] for t in final][-2:] == [LEARNER_EPOCHS] * 2, final  # train and test loss: a point an epoch
    snap(page, f"learner-{lang}-4-train-results", at=heading(page, "3. Training", lang))

    # Save the checkpoint under a name of one's own (Korean letters stay in Korean)
    name = "당뇨병-모델" if lang == "ko" else "diabetes-e2e"
    name_field = widget(page, "stTextInput", s("Checkpoint name", lang)).locator("input")
    name_field.fill(name)
    button(page, s("Save", lang)).click()  # leaving the field commits the name, as a person's click does
    wait_for_text(page, s("Saved as {name}: it is now on the Predict page.", lang, name=name))
    snap(page, f"learner-{lang}-5-saved", at=heading(page, "Save the model", lang, "h3"))

    # Reload the page (a new Streamlit session): the saved model is still this browser's own
    page.reload()
    wait_until_idle(page)

    # Predict: the checkpoint is listed as mine; the form's medians give a prediction and its typical error
    go_to(page, s("Predict", lang), s("Predict with a saved model", lang))
    chosen = widget(page, "stSelectbox", s("Checkpoint", lang)).locator("input")
    assert chosen.input_value() == f"{name} ({s('mine', lang)})"
    button(page, s("Predict", lang), "stFormSubmitButton").click()
    metric = main(page).locator('[data-testid="stMetric"]')
    metric.wait_for(timeout=RENDER)
    assert metric.locator('[data-testid="stMetricLabel"]').inner_text().strip() == \
        s("Predicted {target}", lang, target="progression")
    value = metric.locator('[data-testid="stMetricValue"]').inner_text()
    assert re.search(r"\d", value), value
    wait_for_text(page, shown(words("On the test rows this model was typically off by about **{mae}** (its test MAE).",
                                    lang)))
    assert main(page).locator('[data-testid="stException"]').count() == 0
    snap(page, f"learner-{lang}-6-predict", at=heading(page, "2. Predict one row", lang))


def test_enter_in_a_training_setting_starts_nothing(server, page):
    """Enter in a text field of st.form submits it by default: one Start gave three runs. Only Start starts one."""
    page.goto(server)
    wait_until_idle(page)
    go_to(page, "Train", "Train an MLP")
    for kind, label, value in (("stTextInput", "Hidden layers", "8"), ("stNumberInput", "Epochs", "1")):
        field = widget(page, kind, label).locator("input")
        field.fill(value)
        field.press("Enter")
    page.wait_for_timeout(2_000)
    wait_until_settled(page)
    assert main(page).get_by_text(s("No run yet: choose your settings and press Start.", "en")).count() == 1
    assert main(page).locator('[data-testid="stProgress"]').count() == 0


def test_a_reload_mid_run_shows_the_same_run(server, page):
    """Runs belong to the browser, like its checkpoints: a reload reattaches to the run that is going."""
    page.goto(server)
    wait_until_idle(page)
    go_to(page, "Train", "Train an MLP")
    widget(page, "stRadio", "Data set").locator('[data-testid="stRadioOption"]',
                                                has_text=exactly("Diabetes (bundled, offline)")).click()
    wait_until_settled(page)
    fill_in_form(page, "stNumberInput", "Epochs", "500")
    assert set_slider_to_lowest(page, "Batch size") == "1"  # 176,500 steps: minutes, far longer than a reload
    button(page, "Start training", "stFormSubmitButton").click()
    stop = button(page, "Stop")
    stop.wait_for(timeout=RUN)
    page.reload()
    wait_until_idle(page)
    stop.wait_for(timeout=RENDER)  # the same run, still going, in the new session
    assert main(page).get_by_text(s("No run yet: choose your settings and press Start.", "en")).count() == 0
    snap(page, "reload-mid-run", at=heading(page, "3. Training", "en"))
    stop.click()
    wait_for_text(page, re.compile("Stopped after"))


PHONE = {"width": 390, "height": 844}
OVERLAPS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')).map(plot => {
  const bar = plot.querySelector('.modebar'), title = plot.querySelector('.gtitle');
  if (!bar || !title) return null;
  const a = bar.getBoundingClientRect(), b = title.getBoundingClientRect();
  return {title: title.textContent, bar: !!a.width,
          overlap: a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom}; })"""


def test_a_phone_shows_every_title_and_the_whole_results_table(server, page):
    """At 390 px: with Plotly's toolbar showing (a tap on the chart), no chart title lies under it; the results table
    (model, MAE, RMSE, R²) fits the screen, its last column not cut off."""
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/train?lang=en&data=diabetes")
    wait_until_idle(page)
    train(page, "en", epochs=3)
    wait_for_text(page, s("Finished: {epochs} epochs.", "en", epochs=3))
    plots = main(page).locator(".js-plotly-plot")
    assert plots.count() >= 3  # the live chart, predicted-vs-actual, residuals
    for i in range(plots.count()):
        plots.nth(i).scroll_into_view_if_needed()
        plots.nth(i).hover()  # Plotly shows its toolbar on hover, as after a tap on a phone
        page.wait_for_timeout(200)
        found = [c for c in page.evaluate(OVERLAPS) if c]
        assert not [c for c in found if c["overlap"] and c["bar"]], found
    table = heading(page, "4. Results", "en").locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    table.scroll_into_view_if_needed()
    snap(page, "phone-results", at=heading(page, "4. Results", "en"))
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box  # inside the screen
    spill = table.locator(".dvn-scroller").evaluate("e => e.scrollWidth - e.clientWidth")
    assert spill <= 1, f"the results table is {spill}px wider than the phone: its last columns are cut off"


# --- the analyst ----------------------------------------------------------------------------------------------------

BONUS = {"Seoul": 30.0, "Busan": 10.0, "Daegu": 0.0}  # what a city adds to a flat's price


def analyst_table(rows: int = 240) -> pd.DataFrame:
    """Two numbers, a city (text, three categories) and a price that depends on all three, a little noisily."""
    frame = pd.DataFrame({"area": [40 + (i * 7) % 80 for i in range(rows)],
                          "city": [list(BONUS)[i % 3] for i in range(rows)],
                          "age": [(i * 13) % 30 for i in range(rows)]})
    noise = [(i % 5) - 2 for i in range(rows)]
    frame["price"] = price(frame["area"], frame["age"], frame["city"].map(BONUS)) + noise
    return frame[["area", "price", "city", "age"]]  # the target is not the last column: it has to be chosen


def price(area, age, bonus):
    return 2.0 * area - 0.8 * age + bonus


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_analysts_path_from_a_csv_to_scored_rows(server, page, lang, tmp_path):
    data_csv = tmp_path / "flats.csv"
    analyst_table().to_csv(data_csv, index=False)

    # Train: upload the CSV, choose the target, read what became of the columns, train, save
    page.goto(f"{server}/train?lang={lang}")
    wait_until_idle(page)
    widget(page, "stRadio", s("Data set", lang)).locator('[data-testid="stRadioOption"]',
                                                          has_text=exactly(s("Your CSV", lang))).click()
    uploader = widget(page, "stFileUploader", s("Upload a CSV (comma or semicolon separated; UTF-8 or CP949)", lang))
    uploader.locator('input[type="file"]').set_input_files(str(data_csv))
    target = widget(page, "stSelectbox", s("Target: the column to predict", lang))
    target.wait_for(timeout=RENDER)
    assert target.locator("input").input_value() == "age"  # the last numeric column, until the analyst chooses
    choose(page, target, "price")
    wait_for_text(page, shown(words(DATA_SUMMARY, lang), rows=240, target="price", features=3))
    main(page).locator('[data-testid="stExpander"] summary',
                       has_text=s("Columns used, encoded and dropped", lang)).click()
    wait_for_text(page, s("**{column}**: text, one-hot encoded ({categories})", lang, column="city",
                          categories="Busan, Daegu, Seoul"))
    wait_for_text(page, s("Numeric features: {columns}", lang, columns="area, age"))
    train(page, lang, epochs=30)
    wait_for_text(page, s("Finished: {epochs} epochs.", lang, epochs=30))
    name = f"flats-{lang}"
    name_field = widget(page, "stTextInput", s("Checkpoint name", lang)).locator("input")
    assert name_field.input_value() == "flats-run"  # the file's name suggests one
    name_field.fill(name)
    button(page, s("Save", lang)).click()  # leaving the field commits the name, as a person's click does
    wait_for_text(page, s("Saved as {name}: it is now on the Predict page.", lang, name=name))
    snap(page, f"analyst-{lang}-1-trained", at=heading(page, "4. Results", lang))

    # Predict: score a CSV with one bad row (line 4 of the file: a word where a number belongs)
    go_to(page, s("Predict", lang), s("Predict with a saved model", lang))
    assert widget(page, "stSelectbox", s("Checkpoint", lang)).locator("input").input_value() == \
        f"{name} ({s('mine', lang)})"
    rows_csv = tmp_path / "new-flats.csv"
    rows = pd.DataFrame({"id": [101, 102, 103, 104, 105], "city": ["Seoul", "Busan", "Daegu", "Seoul", "Busan"],
                         "area": ["55", "80", "lots", "62", "90"], "age": [3, 10, 5, 20, 1]})
    rows.to_csv(rows_csv, index=False)
    widget(page, "stFileUploader", s("CSV of feature rows", lang)).locator('input[type="file"]').set_input_files(
        str(rows_csv))
    wait_for_text(page, s("Predicted {n:,} of {total:,} rows.", lang, n=4, total=5))
    wait_for_text(page, s("{n:,} row(s) could not be predicted; they stay in the file with an empty prediction and a "
                          "note. The problems, by line of the file:", lang, n=1))
    problems = main(page).locator('[data-testid="stDataFrame"]').filter(
        has=page.locator('[role="columnheader"]', has_text=exactly(s("line", lang))))
    problems.wait_for(timeout=RENDER)
    cells = dataframe_cells(problems)
    assert cells[:3] == ["4", "area", "lots"], cells  # line 4 of the file: the header is line 1
    snap(page, f"analyst-{lang}-2-scored", at=heading(page, "3. Score a CSV", lang))

    with page.expect_download(timeout=RENDER) as download:
        button(page, s("Download the CSV with predictions", lang), "stDownloadButton").click()
    assert download.value.suggested_filename == "new-flats-predicted.csv"
    scored = pd.read_csv(download.value.path(), encoding="utf-8-sig")
    assert len(scored) == len(rows)
    assert list(scored["id"]) == list(rows["id"])  # every row kept, in order, with the columns it came with
    predicted = scored["predicted_price"]
    assert [math.isnan(v) for v in predicted] == [False, False, True, False, False]
    assert "area" in str(scored["note"][2]) and scored["note"].drop(index=2).isna().all()
    good = rows.drop(index=2)
    truth = price(good["area"].astype(float), good["age"], good["city"].map(BONUS))
    assert (predicted.drop(index=2) - truth).abs().max() < 20, (predicted, truth)  # the trained model's answers
