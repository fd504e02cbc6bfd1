"""In a real browser (issue 15's transport): pause a run on the teaching set, step it one mini-batch at a time (the
status and the decision boundary's title move one step a press), resume, stop, and continue it for more epochs as a
new run. Screenshots go to tests/artifacts/e2e/ (transport-*.png)."""

import re

from tests.browser.harness import button, main, plotly_traces, shown, wait_until_idle, wait_until_settled
from tests.browser.test_e2e import (  # noqa: F401 (fixtures: one server, one browser, a fresh page per test)
    RENDER,
    RUN,
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

PAUSED = "Paused at epoch {epoch}, step {step}. One step trains on one mini-batch and shows it; Resume goes on. " \
         "A paused run keeps its worker for at most {minutes} minutes without a step, then stops, keeping what it " \
         "learned, so that others' runs are not held up."


def pressed(page, key: str):  # noqa: F811
    """The transport's button of widget key ``key`` (its text starts with its icon's name, a ligature). A button
    with a tooltip is drawn twice in its container, the first time inside the tooltip's target: that one."""
    return main(page).locator(f'.st-key-{key}:not([data-stale="true"]) button').first


def paused_step(page) -> int:  # noqa: F811
    """The step the status says the run is paused at."""
    status = main(page).get_by_text(shown(PAUSED)).first
    status.wait_for(timeout=RENDER)
    return int(re.search(r"step ([\d,]+)", status.inner_text()).group(1).replace(",", ""))


def wait_for_step(page, step: int):  # noqa: F811
    """The status and the boundary's title both say ``step``."""
    main(page).get_by_text(shown(PAUSED, step=f"{step:,}")).first.wait_for(timeout=RENDER)
    page.wait_for_function("""step => [...document.querySelectorAll('.st-key-tr_boundary .gtitle')]
        .some(t => t.textContent.includes(`after step ${step})`))""", arg=str(step), timeout=RENDER)


def test_pause_step_resume_stop_and_continue_a_run(server, page):  # noqa: F811
    page.goto(f"{server}/train")
    wait_until_idle(page)
    main(page).get_by_text(s("2-D classification (teaching sets)", "en"), exact=True).click()
    wait_until_settled(page)
    fill_in_form(page, "stTextInput", "Hidden layers", "8, 8")
    fill_in_form(page, "stNumberInput", "Epochs", "400")
    assert set_slider_to_lowest(page, "Batch size") == "1"  # 320,000 steps: it goes on until it is stopped
    button(page, "Start training", "stFormSubmitButton").click()
    pressed(page, "tr_pause").click(timeout=RUN)
    held, before = paused_step(page), None  # the last step reported before the press, then the one it held at
    while held != before:
        page.wait_for_timeout(1500)
        held, before = paused_step(page), held
    wait_for_step(page, held)
    snap(page, "transport-paused", at=heading(page, "3. Training", "en"))
    for n in (1, 2):  # each press: exactly one more step, in the status and in the boundary drawn after it
        pressed(page, "tr_step").click()
        wait_for_step(page, held + n)
    page.wait_for_timeout(1500)
    assert paused_step(page) == held + 2  # and no more while it waits
    snap(page, "transport-stepped", at=heading(page, "3. Training", "en"))
    pressed(page, "tr_resume").click()
    pressed(page, "tr_pause").wait_for(timeout=RENDER)  # going again
    page.wait_for_function("""step => [...document.querySelectorAll('.st-key-tr_boundary .gtitle')]
        .some(t => +(t.textContent.match(/after step ([\\d,]+)/) || [0, '0'])[1].replace(/,/g, '') > step)""",
                           arg=held + 50, timeout=RENDER)
    pressed(page, "tr_stop").click()
    main(page).get_by_text(re.compile("Stopped after")).first.wait_for(timeout=RENDER)
    heading(page, "4. Results", "en").wait_for(timeout=RENDER)
    done = int(re.search(r"Stopped after (\d+)", main(page).inner_text()).group(1))
    fill_in_form(page, "stNumberInput", "More epochs", "2")
    main(page).locator('[data-testid="stFormSubmitButton"] button', has_text="Continue training").click()
    finished = shown("Finished: {epochs} epochs.", epochs=done + 2)
    main(page).get_by_text(finished).first.wait_for(timeout=RUN)
    wait_until_settled(page)
    compare = heading(page, "Compare runs", "en")
    compare.wait_for(timeout=RENDER)
    names = [t["name"] for t in plotly_traces(page, "tr_compare_chart")]
    assert any(name.startswith("#2 ← #1 +2") for name in names), names  # the continuation, beside the run it continues
    snap(page, "transport-continued", at=compare)
