"""In a real browser (issue 14): a learner runs the learning-rate range test and takes its suggestion with one
click, then a sweep of 8 learning rates, drawn one colour per rate on the live chart, whose results name the member
kept and list every member beside it, the diverged one marked. In English and Korean, on the bundled diabetes data.
Screenshots go to tests/artifacts/e2e/ (recipe-*.png)."""

import re

import pytest

from tests.browser import test_e2e as e2e
from tests.browser.harness import (
    button,
    choose,
    dataframe_cells,
    main,
    plain,
    plotly_traces,
    shown,
    wait_until_idle,
    wait_until_settled,
    widget,
    words,
)
from tests.browser.test_e2e import browser, page, pytestmark, server  # noqa: F401 (one server, a fresh page per test)

RATES = ("0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "1")


def table_with(page, text: str) -> list[str]:  # noqa: F811
    """The cells of the one st.dataframe on the page that holds ``text``."""
    frames = main(page).locator('[data-testid="stDataFrame"]').filter(has=page.locator("td", has_text=text))
    assert frames.count() == 1, f"{frames.count()} tables hold {text!r}"
    return dataframe_cells(frames.first)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_range_tests_rate_in_one_click_then_a_sweep_of_eight_rates(server, page, lang):  # noqa: F811
    page.goto(f"{server}/train?lang={lang}")
    wait_until_idle(page)
    widget(page, "stRadio", e2e.s("Data set", lang)).get_by_text(e2e.s("Diabetes (bundled, offline)", lang)).click()
    wait_until_settled(page)

    # the range test: its chart, its suggestion, and the slider set to it by one click
    main(page).get_by_text(e2e.s("Find a learning rate (the range test)", lang)).click()
    button(page, e2e.s("Run the range test", lang)).click()
    suggested = shown(words("Suggested learning rate: **{lr}** ({steps} steps{ended}).", lang))
    e2e.wait_for_text(page, suggested, timeout=e2e.RUN)
    page.wait_for_function("() => document.querySelector('.st-key-tr_lr_chart .js-plotly-plot')?.data",
                           timeout=e2e.RENDER)
    curve = plotly_traces(page, "tr_lr_chart")
    assert curve and curve[0]["points"] >= 20, curve  # the loss against the rate, drawn
    before, after = plain(words("Use {lr} (the nearest rate on the slider)", lang)).split("{lr}")
    use = main(page).locator('[data-testid="stButton"] button').filter(
        has_text=shown(words("Use {lr} (the nearest rate on the slider)", lang)))
    rate = re.fullmatch(re.escape(before) + "(.+?)" + re.escape(after), use.inner_text().strip()).group(1)
    e2e.snap(page, f"recipe-{lang}-1-range-test", at=main(page).get_by_text(suggested))
    use.click()
    slider = widget(page, "stSlider", e2e.s("Learning rate", lang)).locator('[data-testid="stSliderThumbValue"]')
    page.wait_for_function("([el, want]) => el.textContent.trim() === want", arg=[slider.element_handle(), rate],
                           timeout=e2e.RENDER)

    # a sweep of the 8 rates: a colour each on the live chart, then every member in the results
    main(page).get_by_text(e2e.s("Make it good: the recipe", lang)).click()
    choose(page, widget(page, "stSelectbox", e2e.s("Many models at once (a sweep)", lang)),
           e2e.s("8 learning rates, 0.0001 to 1", lang))
    e2e.fill_in_form(page, "stNumberInput", e2e.s("Epochs", lang), "3")
    button(page, e2e.s("Start training", lang), "stFormSubmitButton").click()
    results = e2e.heading(page, "4. Results", lang)
    results.wait_for(timeout=e2e.RUN)
    wait_until_settled(page)
    assert main(page).locator('[data-testid="stException"]').count() == 0
    names = [t["name"] for t in plotly_traces(page, "tr_live_chart")]
    assert {f"lr={r}" for r in RATES} <= set(names), names  # one curve per rate, the diverged one included
    e2e.snap(page, f"recipe-{lang}-2-sweep-chart", at=e2e.heading(page, "3. Training", lang))

    kept_word, diverged = e2e.s("kept", lang), e2e.s("diverged: stopped", lang)
    cells = table_with(page, diverged)
    rows = [cells[i:i + 4] for i in range(0, len(cells), 4)]  # value, test MAE, test RMSE, outcome
    assert [r[0] for r in rows] == list(RATES), rows
    assert rows[-1][3] == diverged and [r[3] for r in rows].count(kept_word) == 1
    kept = next(r for r in rows if r[3] == kept_word)
    assert float(kept[2]) == min(float(r[2]) for r in rows[:-1])  # no validation split: the lowest test error
    mine = e2e.s("your MLP ({member})", lang, member=f"lr={kept[0]}")
    assert table_with(page, mine)[0] == mine  # the results table's model is the kept member, named as on the chart
    why = e2e.s("Kept {member}, the member with the lowest test MSE. Chosen by the test rows, its test errors flatter "
                "it: give the recipe a validation share for an honest pick. A member that diverged was stopped where "
                "it did; the others trained on.", lang, member=f"lr={kept[0]}")
    assert why in main(page).locator('[data-testid="stCaptionContainer"]').all_inner_texts()  # which one, and why
    e2e.snap(page, f"recipe-{lang}-3-sweep-members", at=results)
