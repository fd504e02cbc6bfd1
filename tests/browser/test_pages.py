"""Every page in a real browser, in English and Korean: screenshots saved for people to look at, and the checks a
person would make looking at them (a title in the right language, no error box, nothing spilling sideways, Korean
set in a real font)."""

import os
import re

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    app_server,
    browser_missing,
    chromium,
    main,
    new_context,
    rerun_of,
    runs_finished,
    wait_until_idle,
    wait_until_settled,
    widget,
)

PAGES = {"tensors": ("Tensor", "텐서"), "activations": ("Activation", "활성화"), "train": ("Train", "학습"),
         "predict": ("Predict", "예측"), "device": ("Device", "장치")}

missing = browser_missing()
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the browser tests: {missing}")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(missing), reason=missing or "")]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:  # one Playwright per module: a second one inside the first's event loop fails
        yield b


@pytest.fixture(scope="module")
def browser_page(browser):
    with app_server() as url:
        context = new_context(browser, viewport={"width": 1280, "height": 2200}, locale="en-US")
        page = context.new_page()
        yield url, page
        context.close()


@pytest.mark.parametrize("width", [1440, 390])  # a laptop, a phone
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_the_browser(browser_page, name, lang, width):
    url, page = browser_page
    page.set_viewport_size({"width": width, "height": 2200})
    path = "" if name == "tensors" else name  # the default page lives at the root
    page.goto(f"{url}/{path}?lang={lang}")
    wait_until_idle(page)
    wait_until_settled(page)
    shot = ARTIFACTS / "screenshots" / f"{name}-{lang}-{width}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    title = page.locator('[data-testid="stMain"] h1').first.inner_text()
    assert PAGES[name][0 if lang == "en" else 1] in title
    assert page.locator('[data-testid="stException"]').count() == 0
    overflow = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                             " return m.scrollWidth - m.clientWidth; }")
    assert overflow <= 1, f"the page spills {overflow}px sideways"
    if lang == "ko":  # Korean glyphs come from a CJK font, not tofu boxes
        assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK KR\"', '학습')") or \
            page.evaluate("() => document.fonts.check('16px sans-serif', '학습')")


# Set on the page before Streamlit's own code runs: whether its "Running…" indicator ever showed, and when it first did.
STATUS_WATCH_JS = """(() => { window.__status = null; new MutationObserver(() => {
  if (window.__status === null && document.querySelector('[data-testid="stStatusWidget"]'))
    window.__status = performance.now(); }).observe(document, {childList: true, subtree: true}); })()"""


def test_a_wait_on_a_fresh_server_says_it_is_working(browser):
    """The first page of a fresh server waits seconds for torch and the data (more on a busy one): Streamlit's running
    indicator says so, instead of grey skeletons alone (this app once hid it with toolbarMode = "minimal")."""
    with app_server() as url:
        context = new_context(browser, viewport={"width": 1280, "height": 900}, locale="en-US")
        context.add_init_script(STATUS_WATCH_JS)
        page = context.new_page()
        page.goto(f"{url}/train?lang=en")
        wait_until_idle(page)
        waited = page.evaluate("() => performance.now()")
        seen = page.evaluate("() => window.__status")
        print(f"first page drawn after {waited / 1000:.1f} s; running indicator from {seen}")
        assert waited < 1500 or seen is not None, "seconds of waiting with nothing that says the app is working"
        assert page.locator('[data-testid="stMainMenu"]').count() == 1  # the viewers' menu, not a developer's
        context.close()


def test_the_server_refuses_an_oversized_upload(browser_page, tmp_path):
    """.streamlit/config.toml caps uploads at 50 MB: the server refuses a bigger file before the app sees it."""
    url, page = browser_page
    page.goto(f"{url}/train?lang=en")
    wait_until_idle(page)
    page.get_by_text("Your CSV").click()
    page.wait_for_selector('[data-testid="stFileUploader"]')
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * (51 * 2**20 // 4))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
    page.wait_for_selector("text=/50(\\.0)?\\s?MB or smaller|too large/i", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "upload-too-big.png"))
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_harness_waits_for_the_run_an_action_caused(browser_page):
    """This app hides Streamlit's "Running" widget, so the browser tests wait on the websocket's script-finished
    messages instead: after rerun_of, the run the action caused has finished and its output is on the page."""
    url, page = browser_page
    page.goto(f"{url}/?lang=en")
    wait_until_idle(page)
    before = runs_finished(page)
    assert before >= 1
    ops = widget(page, "stTextInput", "Operations on `a` (edit freely)").locator("input")
    for chain, shape in (("view(4, 1)", "torch.Size([4, 1])"), ("view(2, 2)", "torch.Size([2, 2])")):
        ops.fill(chain)
        with rerun_of(page):
            ops.press("Enter")
        assert shape in main(page).inner_text()  # no waiting for it: the run is over
    assert runs_finished(page) >= before + 2


# What a Korean page may show in Latin letters: code and math (removed before reading), the names of libraries,
# units and model families as the PyTorch Korea tutorials write them, a data set's own column names, and an English
# term in parentheses right after its Korean one, as the glossary (docs/glossary.md) glosses a first use.
LATIN_ALLOWED = {"PyTorch", "NumPy", "Tensor", "shape", "CPU", "GPU", "CUDA", "MiB", "GiB", "CSV", "MLP", "MSE",
                 "MAE", "RMSE", "ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "Softplus", "Adam",
                 "SGD", "Sgd", "AdamW", "L1", "L2", "SCIKIT_LEARN_DATA", "scikit", "learn", "fastai", "kB", "auto",
                 "cpu", "float32", "True", "False",
                 "sigmoid", "tanh", "relu", "gelu", "silu", "elu", "softplus", "leaky_relu", "dtype", "view",
                 "contiguous", "stride"}
CODE_NAMES = {"arange", "zeros", "ones", "rand", "autograd", "weight", "bias", "forward", "__init__", "optimizer",
              "state_dict", "zero_grad", "float32", "pt", "onnx"}  # PyTorch's own names, as in code (weight[0, 1])
DATASET_COLUMNS = {"age", "sex", "bmi", "bp", "progression", "MedInc", "HouseAge", "AveRooms", "AveBedrms",
                   "Population", "AveOccup", "Latitude", "Longitude", "MedHouseVal"}
VISIBLE_PROSE = """() => { const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelectorAll('code, pre, .katex, [data-testid="stCode"], .js-plotly-plot, [data-testid="stDataFrame"],'
    + ' [data-testid*="Icon"], [data-testid="stFileUploaderDropzoneInstructions"],'
    + ' section[data-testid="stFileUploaderDropzone"] button'
  ).forEach(e => e.remove());
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT), parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  document.querySelectorAll('[data-testid="stMain"] input[placeholder]').forEach(e => {  // a shown placeholder
    const box = e.closest('[data-baseweb="select"]');  // a select with a value hides its placeholder
    if (!e.value && (!box || !box.innerText.trim())) parts.push(e.getAttribute('placeholder')); });
  return parts.join(" "); }"""


@pytest.mark.parametrize("name", list(PAGES))
def test_no_english_is_left_on_a_korean_page(browser_page, name):
    """Lists the Latin words a Korean page shows outside code, math, glosses and Streamlit's own widget text (the
    file uploader's "Upload" and "50MB per file", which Streamlit does not let an app translate)."""
    url, page = browser_page
    page.goto(f"{url}/{'' if name == 'tensors' else name}?lang=ko")
    wait_until_idle(page)
    wait_until_settled(page)
    text = page.evaluate(VISIBLE_PROSE)
    text = re.sub(r"(?<=[가-힣])\s?\([A-Za-z][^()가-힣]*\)", "", text)  # 학습률(learning rate): a gloss
    words = {w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if len(w.strip("_")) > 1 and not w.isdigit()}
    words -= LATIN_ALLOWED | CODE_NAMES | DATASET_COLUMNS
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "screenshots" / f"english-left-{name}.txt").write_text("\n".join(sorted(words)) + "\n")
    assert not words, f"English left on the Korean {name} page: {sorted(words)}"
