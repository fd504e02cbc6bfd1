"""Start the real app with `streamlit run` on a free loopback port and drive it in headless Chromium (Playwright)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# As the machine's own probe runs it: no sandbox as root, and no background calls to a network that is not there.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(env: dict | None = None, timeout: float = 60.0):
    """`streamlit run dashboard/app.py` on a free port; yields its base URL; stops it afterwards."""
    with app_process(env, timeout) as (url, _proc):
        yield url


@contextmanager
def app_process(env: dict | None = None, timeout: float = 60.0):
    """As app_server, yielding (base URL, the server's process): a test may kill it."""
    port = free_port()
    log = open(ARTIFACTS / f"server-{port}.log", "w") if ARTIFACTS.mkdir(parents=True, exist_ok=True) is None else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
        yield url, proc
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End a server started for a test: SIGTERM, then SIGKILL if it has not ended within ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def chromium():
    with chromiums(()) as (browser,):
        yield browser


@contextmanager
def chromiums(*extra_args: tuple):
    """Headless Chromium browsers from one Playwright, one per tuple of extra command-line arguments."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browsers = [p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra), headless=True)
                    for extra in extra_args]
        try:
            yield browsers
        finally:
            for browser in browsers:
                browser.close()


# Streamlit's "Running..." status widget comes and goes with a delay and says nothing of which run it means, so the
# page alone cannot tell whether the run an action caused is over. The websocket can: every run ends with a
# ForwardMsg whose field 6 (script_finished) says how (0: a full run finished, 3: a fragment run finished). This
# init script counts them.
RUN_WATCH_JS = """
(() => {
  const runs = window.__runs = {full: 0, fragment: 0};
  // the top-level script_finished value of one ForwardMsg, or -1 (bench/bench_browser.py uses it too)
  const finishStatus = window.__scriptFinishStatus = data => {
    if (!(data instanceof ArrayBuffer)) return -1;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => { let x = 0, f = 1, c; do { c = b[i++]; x += (c & 0x7f) * f; f *= 128; } while (c & 0x80);
                           return x; };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), type = tag & 7;
      if (type === 0) { const v = varint(); if (field === 6) return v; }
      else if (type === 2) { const n = varint(); i += n; }
      else if (type === 1) i += 8;
      else if (type === 5) i += 4;
      else return -1;
    }
    return -1;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const status = finishStatus(e.data);
        if (status === 0 || status === 1) runs.full++;
        else if (status === 3) runs.fragment++;
      });
    }
  };
})();
"""


def new_context(browser, **options):
    """A browser context (a new Streamlit session per page) whose pages count their finished script runs."""
    context = browser.new_context(**options)
    context.add_init_script(RUN_WATCH_JS)
    return context


def runs_finished(page) -> int:
    """Full script runs this page has seen finish so far (-1: the page was not opened through new_context)."""
    return page.evaluate("() => window.__runs ? window.__runs.full : -1")


def wait_until_idle(page, timeout: float = 30_000, after: int = 0):
    """Wait for the app to finish its run: the page's main block is drawn, more than ``after`` full script runs have
    finished (for pages from new_context), and nothing is left running or stale."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    page.wait_for_load_state("networkidle", timeout=timeout)  # lazily loaded widget code has arrived
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]', timeout=timeout)
    page.wait_for_function("n => !window.__runs || window.__runs.full > n", arg=after, timeout=timeout)
    wait_until_settled(page, timeout)
    page.wait_for_timeout(300)  # plots finish laying out


@contextmanager
def rerun_of(page, timeout: float = 30_000):
    """Around an action on a page from new_context: afterwards, wait until the full run it caused has finished and
    the page has settled (not just until something already on the page is there)."""
    before = runs_finished(page)
    yield
    wait_until_idle(page, timeout, after=before)


def wait_until_settled(page, timeout: float = 30_000):
    """Wait until the script run that is drawing the page has finished (the app's root says so in
    data-test-script-state) and left no element stale from the run before. Call it once something the run draws
    has appeared: before that, the run may not have started yet (rerun_of does not have that problem)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stElementContainer\"][data-stale=\"true\"]')",
        timeout=timeout)


# --- driving the app the way a person does: by the words on screen ------------------------------------------------
# Widgets are found by their label's text (from dashboard.strings, in the page's language), never by Streamlit's
# generated class names, so the same test reads the English and the Korean page. Charts have no label: they are found
# by the key= the page gives them (Streamlit puts it on the element as the class st-key-<key>).


def plain(markdown: str) -> str:
    """A label or message as the browser shows it: Markdown's ** and ` markers gone."""
    return markdown.replace("**", "").replace("`", "")


def words(english: str, lang: str) -> str:
    """The app's template for ``english`` in ``lang``, unfilled (its gettext catalog's entry)."""
    from dashboard.i18n import catalog

    return catalog(lang).gettext(english)


def shown(template: str, **known) -> re.Pattern:
    """A str.format template as a pattern over the shown text: the fields in ``known`` filled in, any other
    {field} matching some text."""
    out, end = [], 0
    for field in re.finditer(r"\{(\w+)(?::([^{}]*))?\}", template):
        out.append(re.escape(plain(template[end:field.start()])))
        name, spec = field.group(1), field.group(2) or ""
        out.append(re.escape(format(known[name], spec)) if name in known else ".+?")
        end = field.end()
    out.append(re.escape(plain(template[end:])))
    return re.compile("".join(out))


def exactly(text: str) -> re.Pattern:
    """The whole shown text, nothing before or after it (so "Predict" does not also find "Predict one row")."""
    return re.compile(rf"^\s*{re.escape(plain(text))}\s*$")


def main(page):
    return page.locator('[data-testid="stMain"]')


def widget(page, kind: str, label: str):
    """The widget of Streamlit test id ``kind`` (stTextInput, stSelectbox, stSlider, ...) labelled ``label``."""
    return main(page).locator(f'[data-testid="{kind}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=exactly(label)))


def button(page, label: str, kind: str = "stButton"):
    """A button (kind: stButton, stFormSubmitButton, stDownloadButton) whose text reads ``label``."""
    return main(page).locator(f'[data-testid="{kind}"] button', has_text=exactly(label))


def choose(page, box, option: str, timeout: float = 30_000):
    """Pick ``option`` in a selectbox or multiselect: open its list, type to narrow it, click the option."""
    field = box.locator('input[role="combobox"]')
    field.click(timeout=timeout)
    field.fill(option)
    page.get_by_role("option", name=option, exact=True).click(timeout=timeout)


def go_to(page, nav_label: str, title: str, timeout: float = 30_000):
    """Follow the sidebar's link to another page (the same session, as a person clicking) and wait for it."""
    with rerun_of(page, timeout):
        page.locator('[data-testid="stSidebarNav"] a', has_text=nav_label).click(timeout=timeout)
    main(page).locator("h1", has_text=exactly(title)).wait_for(timeout=timeout)


def plotly_traces(page, key: str) -> list[dict] | None:
    """The traces a keyed st.plotly_chart draws right now: name, number of points, last y; None before it is drawn."""
    return page.evaluate(
        """key => { const el = document.querySelector(`.st-key-${key} .js-plotly-plot`);
                    if (!el || !el.data) return null;
                    return el.data.map(d => ({name: d.name ?? null, points: (d.x || []).length,
                                              last: d.y && d.y.length ? d.y[d.y.length - 1] : null})); }""", key)


def dataframe_cells(frame) -> list[str]:
    """The text of an st.dataframe's cells (its grid is a canvas; the accessible table beside it holds the text)."""
    return frame.locator("table td").all_inner_texts()
