"""In a real browser (issue 15): a teaching set trained from the Train page, its decision boundary and the network
view redrawn while the run goes, in English and Korean. Screenshots go to tests/artifacts/e2e/ (classify-*.png)."""

import re
import time

import pytest

from tests.browser.harness import button, main, wait_until_idle, wait_until_settled
from tests.browser.test_e2e import (  # noqa: F401 (fixtures: one server, one browser, a fresh page per test)
    RENDER,
    RUN,
    SHOTS,
    browser,
    fill_in_form,
    heading,
    page,
    pytestmark,
    s,
    server,
    set_slider_to_lowest,
    snap,
)
from tests.browser.test_pages import CODE_NAMES, DATASET_COLUMNS, LATIN_ALLOWED, VISIBLE_PROSE

TOY_COLUMNS = {"x1", "x2", "class", "XOR"}  # a teaching set's own column names, and the XOR set's name
SAMPLE = """() => {
  const plot = key => document.querySelector(`.st-key-${key}:not([data-stale="true"]) .js-plotly-plot`);
  const b = plot('tr_boundary'), g = plot('tr_gradients'), d = plot('tr_diagram');
  return {running: !!document.querySelector('[data-testid="stMain"] [data-testid="stProgress"]'),
          boundary: b && b.data ? JSON.stringify(b.data[0].z[20]) : null,
          gradients: g && g.data && g.data.length ? g.data[0].x.length : 0,
          diagram: d && d.data ? JSON.stringify(d.data[0].marker.color) : null}; }"""


def _running(samples: list) -> list:
    """The samples taken while the run went and its boundary was drawn."""
    return [x for x in samples if x["running"] and x["boundary"]]


def _all_redrawn(samples: list) -> bool:
    """The boundary and the diagram seen in two states, and the gradient chart at two lengths, while the run went."""
    running = _running(samples)
    return len({x["boundary"] for x in running}) > 1 and len({x["diagram"] for x in running if x["diagram"]}) > 1 \
        and len({x["gradients"] for x in running if x["gradients"]}) > 1


SCROLL_TO = """key => document.querySelector(`.st-key-${key}:not([data-stale="true"])`)
  ?.scrollIntoView({block: "start"})"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_decision_boundary_and_the_network_redraw_while_a_run_goes(server, page, lang):  # noqa: F811
    page.goto(f"{server}/train?lang={lang}")
    wait_until_idle(page)
    main(page).get_by_text(s("2-D classification (teaching sets)", lang), exact=True).click()
    wait_until_settled(page)
    fill_in_form(page, "stTextInput", s("Hidden layers", lang), "8, 8")
    # 400 epochs at batch 1 (320,000 steps) outlast any machine's sampling; the run is stopped once all is seen.
    fill_in_form(page, "stNumberInput", s("Epochs", lang), "400")
    assert set_slider_to_lowest(page, s("Batch size", lang)) == "1"
    main(page).locator('[data-testid="stFormSubmitButton"] button', has_text=s("Start training", lang)).click()
    results, samples, shot = heading(page, "4. Results", lang), [], False
    deadline = time.monotonic() + RUN / 1000
    while not results.count() and time.monotonic() < deadline and not (shot and _all_redrawn(samples)):
        sample = page.evaluate(SAMPLE)
        samples.append(sample)
        if not shot and len({x["boundary"] for x in _running(samples)}) > 1:
            page.wait_for_timeout(600)  # the redrawn charts painted
            SHOTS.mkdir(parents=True, exist_ok=True)
            for key in ("tr_boundary", "tr_gradients"):  # each chart as it is mid-run (redrawn every second)
                page.evaluate(SCROLL_TO, key)
                page.screenshot(path=str(SHOTS / f"classify-{lang}-{key}.png"))
            shot = True
        page.wait_for_timeout(250)
    if not results.count():
        button(page, s("Stop", lang)).click()
    results.wait_for(timeout=RENDER)
    running = _running(samples)
    assert len({x["boundary"] for x in running}) >= 2, "the boundary was not redrawn while the run went"
    assert len({x["diagram"] for x in running if x["diagram"]}) >= 2, "the diagram was not redrawn while the run went"
    grown = [x["gradients"] for x in running if x["gradients"]]  # 0: sampled while the chart was being replaced
    assert grown and max(grown) > min(grown), f"the gradient chart did not grow while the run went: {grown}"
    snap(page, f"classify-{lang}-results", at=heading(page, "4. Results", lang))
    if lang == "ko":  # the classifier's whole page, results and network view open, has no English left
        text = re.sub(r"(?<=[가-힣])\s?\([A-Za-z][^()가-힣]*\)", "", page.evaluate(VISIBLE_PROSE))
        words = {w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if len(w.strip("_")) > 1}
        left = words - LATIN_ALLOWED - CODE_NAMES - DATASET_COLUMNS - TOY_COLUMNS
        assert not left, f"English left on the Korean classifier page: {sorted(left)}"
