"""Benchmark: the app in a real browser: how fast it feels to one person, and how it holds up for a class.

Everything runs against the real ``streamlit run dashboard/app.py`` (tests/browser/harness.py) in headless Chromium
(Playwright), measured side by side in one run of this script. Figures only: nothing here asserts.

  (1a) first render   a fresh server per repeat: from the moment it answers /_stcore/health to the moment a new page
                      shows the Tensors page's title (the h1 in stMain) and its widgets, with the app idle (the
                      harness's wait logic, done in the page: no stale element, no "Running"/"Stop" status, no
                      lazily-loaded widget still a skeleton; and, since this app's toolbarMode = "minimal" hides
                      that status widget, the run's script_finished message seen on the websocket). The browser
                      page is opened (blank) before the server starts, so browser start-up stays out.
  (1b) page visit     on that server, warm: click a sidebar link (Activations, Device, Train, Predict, Tensors, in
                      turn) until the new page's h1 shows its title and the app is idle. One round first visits every
                      page cold (reported apart); the rounds after it are the figures.
  (1c) tensor rerun   on the Tensors page, type ``view(4, 1)`` / ``view(2, 2)`` alternately in the operations field and
                      press Enter, until the step's shape text changes (``torch.Size([4, 1])`` <-> ``[2, 2]``).
  (2)  classroom      one server (TORCH_PLAYGROUND_WORKERS = CPUs unless --workers), --sessions browser contexts (one
                      Streamlit session each) on the Train page with the bundled diabetes data, seeds 0..N-1 set in
                      the sidebar, --epochs epochs, all pressing "Start training" at the same moment (each page's
                      click is scheduled in the page for one shared wall-clock instant). A warm-up run and then one
                      solo run (seed 0) come first on the same server. Reported: every session finished and shows its
                      own result (its MAE differs from the other seeds', seed 0's equals the solo run's, and each
                      equals an in-process reference run of the same settings), total time, each run's time from click
                      to "Finished" against the solo run, the queue ("Waiting for a free slot"), the server's memory
                      (streamlit process and all its descendants: VmRSS and PSS sampled once a second, VmHWM at the
                      end), and Tensors-page reruns from one more, idle session while the others train (and just
                      before, on the same server, for comparison).

How times are taken: in the page. A script added to every page (``add_init_script``) timestamps, with
``performance.timeOrigin + performance.now()`` (wall-clock milliseconds, sub-millisecond resolution), the user's action
(the keydown of Enter / the click, caught in the capture phase) and, from a MutationObserver set up before the action,
the first DOM change at which the expected content is there ("shown") and the last DOM change (or the run's
script_finished message, if later) after which the page stays complete and idle for QUIET_MS ("settled"; the quiet
window itself is not counted). So Playwright's own overhead (CDP round trips, polling) is outside the figures; times
are of the DOM, before the browser paints it. The same waits
observed from Python (``time.perf_counter()`` around the Playwright action and a ``wait_for_function`` polling every
animation frame) are printed beside them as "driver". The first render starts at the health answer, timed in Python
(``time.time()``, the same wall clock as the page's). The same script wraps the page's WebSocket, so each wait is also
split roughly: action -> the change sent to the server -> the server's first and last message handled -> settled
(messages are handled on the page's main thread, so a busy page delays them too). And /proc gives the CPU seconds
the server's process tree, the browser, this script and everything else used over the visits, the reruns and the load.

``--env KEY=VALUE`` passes settings to every server, to compare a configuration change in the same harness, e.g.
``--env STREAMLIT_RUNNER_POST_SCRIPT_GC=false`` (Streamlit's full gc.collect() after every script run).

The machine is a shared 2-core box: other sessions' processes (tests, other servers) run at the same time, and the
browser itself (up to --sessions + 2 pages) shares the two cores with the server. Load averages are printed at the
start and the end, and the CPU lines say how much CPU the server tree, the browser and everything else used.
``--browser-nice 19`` lowers the browser's priority, so the server gets the CPUs first, as it would if the students'
browsers ran on their own machines (the page timings then include the browser waiting for what is left).

    python bench/bench_browser.py                   # 3 fresh servers, 3 visit rounds, 20 tensor reruns, 20 sessions
    python bench/bench_browser.py --sessions 20 --epochs 30 --json out.json
    python bench/bench_browser.py --quick           # smoke run: 1 server, 1 visit round, 6 reruns, 4 sessions
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.harness import RUN_WATCH_JS, app_server, browser_missing, chromiums, plain  # noqa: E402

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported by browser_missing() in main()
    PlaywrightTimeout = TimeoutError

TICK = os.sysconf("SC_CLK_TCK")
QUIET_MS = 300  # "settled": the page stayed complete and idle, with no DOM change at all, this long after
VIEWPORT = {"width": 1280, "height": 1400}
RENDER = 60_000  # ms: generous bounds for a busy shared machine
PAGES = [("Activations", "Activation functions"), ("Device", "Device: CPU and CUDA"),
         ("Train", "Train an MLP"),
         ("Predict", "Predict with a saved model"), ("Tensors", "Tensor playground")]
SHAPES = {"view(4, 1)": "torch.Size([4, 1])", "view(2, 2)": "torch.Size([2, 2])"}  # the default chain is view(2, 2)


def queued_text() -> str:
    """What a queued run's page says, up to its count."""
    text = s("Waiting for a free slot ({ahead} ahead). Every worker is training someone's model.", ahead=0)
    return text.split("(")[0].strip()


def s(english: str, **params) -> str:
    """The app's English words, as the browser shows them."""
    return plain(english.format(**params) if params else english)


# --- in the page ---------------------------------------------------------------------------------------------------

JS = r"""
(() => {
  if (window.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const main = () => document.querySelector('[data-testid="stMain"]');
  const sidebar = () => document.querySelector('[data-testid="stSidebar"]');
  // The harness's idle: nothing left stale from the run before, no Running/Stop status, no widget still lazy-loading.
  const idle = () => !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !/Running|Stop/.test(document.querySelector('[data-testid="stStatusWidget"]')?.textContent || '');
  const title = () => { const h = main()?.querySelector('h1'); return h ? h.textContent.trim() : null; };
  const inputs = (root, testid) => root ? root.querySelectorAll(`[data-testid="${testid}"] input`).length : 0;
  const conds = {
    page: a => title() === a.title
      && (a.widgets || []).every(([where, testid, n]) => inputs(where === 'sidebar' ? sidebar() : main(), testid) >= n),
    text: a => {
      const t = main()?.textContent || '';
      return t.includes(a.has) && !(a.hasNot && t.includes(a.hasNot));
    },
  };
  const B = window.__bench = {now, idle, title, watches: {}, train: null, sent: [], received: []};
  const OPTS = {subtree: true, childList: true, attributes: true, characterData: true};
  // Streamlit's websocket: when each message to the server left and when each one from it was handled (on the
  // page's main thread, so late when the page is busy drawing), to split a wait roughly into server and browser;
  // and when a script run finished (ForwardMsg field 6, script_finished: 0 = a full run finished).
  const finishStatus = window.__scriptFinishStatus;  // tests/browser/harness.py's RUN_WATCH_JS, added first
  const NativeWebSocket = window.WebSocket;
  const keep = (list, item) => { list.push(item); if (list.length > 20000) list.splice(0, 5000); };
  B.lastFinish = -Infinity;  // when the last full script run finished (its script_finished message was handled)
  B.fullRuns = 0;
  B.hooks = [];  // called with each message from the server: (data, script_finished status or -1, time)
  B.finishes = [];
  B.checks = new Set();  // the open watches' checks, run again when a run finishes (that changes no DOM)
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const t = now();
        keep(B.received, [t, e.data?.byteLength ?? e.data?.length ?? 0]);
        const status = finishStatus(e.data);
        if (status >= 0) keep(B.finishes, [t, status]);
        B.hooks.forEach(hook => hook(e.data, status, t));
        if (status === 0 || status === 1) {
          B.lastFinish = t; B.fullRuns++; B.checks.forEach(check => check(t));
        }
      });
    }
    send(data) { keep(B.sent, now()); return super.send(data); }
  };

  // watch: start = the first Enter/click after arming; shown = first DOM change with the content there;
  // ready = first moment with it there, the app idle and a script run finished since the action; settled = the
  // last DOM change (or run end) before `quiet` ms of stillness in that state.
  B.watch = (name, kind, args, quiet) => {
    const w = B.watches[name] = {armed: now(), start: null, shown: null, ready: null, settled: null,
                                 readyAt: null, readyNow: false, lastMut: now(), mutations: 0, done: false};
    const onAction = e => { if (w.start === null && (e.type === 'click' || e.key === 'Enter')) w.start = now(); };
    window.addEventListener('keydown', onAction, true);
    window.addEventListener('click', onAction, true);
    const check = t => {
      const shown = conds[kind](args);
      if (shown && w.shown === null) w.shown = t;
      w.readyNow = shown && B.lastFinish > (w.start ?? w.armed) && idle();
      if (w.readyNow) { if (w.ready === null) w.ready = t; w.readyAt = t; }
    };
    const obs = new MutationObserver(() => { const t = now(); w.lastMut = t; w.mutations++; check(t); });
    obs.observe(document, OPTS);
    B.checks.add(check);
    check(now());
    const timer = setInterval(() => {
      if (w.readyNow && now() - Math.max(w.lastMut, w.readyAt) >= quiet) {
        w.settled = w.readyAt; w.done = true; obs.disconnect(); clearInterval(timer); B.checks.delete(check);
        window.removeEventListener('keydown', onAction, true);
        window.removeEventListener('click', onAction, true);
      }
    }, 10);
  };

  // One training session: the click on Start (scheduled for a shared instant), then the first time the page shows
  // the queue message, the progress bar, "Finished", and the results header with the app idle.
  B.trainWatch = a => {
    const w = B.train = {click: null, queued: null, running: null, finished: null, results: null, failed: null,
                         alerts: '', resultsSent: false, resultsRun: null, ticks: 0};
    const check = () => {
      const m = main();
      if (!m || w.click === null) return;
      const t = now();
      const alerts = Array.from(m.querySelectorAll('[data-testid="stAlert"]'), e => e.textContent).join(' | ');
      w.alerts = alerts;
      if (w.queued === null && alerts.includes(a.queued)) w.queued = t;
      if (w.running === null && m.querySelector('[data-testid="stProgress"]')) w.running = t;
      if (w.finished === null && alerts.includes(a.finished)) w.finished = t;
      const errorIcon = Array.from(m.querySelectorAll('[data-testid="stAlertDynamicIcon"]'))
        .some(e => e.textContent.trim() === 'error');  // the Train page's error box (icon=":material/error:")
      if (w.failed === null && (errorIcon || a.ended.some(text => alerts.includes(text)))) w.failed = t;
      // results: the run that sent the results header has finished (in message order) and its page is drawn
      if (w.finished !== null && w.results === null && w.resultsRun !== null && idle()
          && Array.from(m.querySelectorAll('h2'), h => h.textContent.trim()).includes(a.results)) w.results = t;
    };
    new MutationObserver(check).observe(document, OPTS);
    B.checks.add(check);
    const decoder = new TextDecoder(), header = a.results;
    B.hooks.push((data, status, t) => {
      if (w.click !== null && w.finished === null && status === 3) w.ticks++;  // a live-chart refresh (fragment run)
      if (w.click === null || w.resultsRun !== null || !(data instanceof ArrayBuffer)) return;
      if (!w.resultsSent) w.resultsSent = decoder.decode(data).includes(header);
      else if (status === 0) { w.resultsRun = t; check(); }
    });
    B.armClick = at => setTimeout(() => {
      const button = Array.from(document.querySelectorAll('[data-testid="stFormSubmitButton"] button'))
        .find(b => b.textContent.trim() === a.start);
      w.click = now();
      button.click();
    }, Math.max(0, at - now()));
  };
})();
"""


def new_page(browser, first_render_of: dict | None = None):
    """A new browser context (its own Streamlit session) with the timing script; optionally a watch armed from the
    very start of every document (for the first render)."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(RENDER)
    context.add_init_script(RUN_WATCH_JS)
    context.add_init_script(JS)
    if first_render_of is not None:
        context.add_init_script(f"window.__bench.watch('first', 'page', {json.dumps(first_render_of)}, {QUIET_MS});")
    return context, context.new_page()


def watch(page, name: str, kind: str, args: dict):
    page.evaluate("([n, k, a, q]) => window.__bench.watch(n, k, a, q)", [name, kind, args, QUIET_MS])


def watched(page, name: str, driver_start: float | None = None, timeout: float = RENDER) -> dict:
    """Wait for watch ``name`` to show its content (timing that from Python too) and to settle; its marks."""
    page.wait_for_function(f"() => window.__bench.watches[{name!r}]?.shown !== null", polling="raf", timeout=timeout)
    driver = time.perf_counter() - driver_start if driver_start is not None else None
    page.wait_for_function(f"() => window.__bench.watches[{name!r}]?.done", timeout=timeout)
    w = page.evaluate(f"() => window.__bench.watches[{name!r}]")
    w["driver_shown_s"] = driver
    return w


def split(page, w: dict) -> dict:
    """Where the wait of watch ``w`` went, from the websocket log: action -> the browser sent the change (send_s),
    -> the server's last message before the page settled was handled (server_s, including the handling of the
    messages before it), -> settled (tail_s: drawing after the last message)."""
    log = page.evaluate("([a, b]) => ({sent: window.__bench.sent.filter(t => t >= a && t <= b),"
                        " received: window.__bench.received.filter(r => r[0] >= a && r[0] <= b)})",
                        [w["start"], w["settled"]])
    if not log["sent"] or not log["received"]:
        return {"send_s": None, "first_message_s": None, "server_s": None, "tail_s": None,
                "messages": len(log["received"]), "bytes": 0}
    sent, first, last = log["sent"][0], log["received"][0][0], log["received"][-1][0]
    return {"send_s": (sent - w["start"]) / 1000, "first_message_s": (first - sent) / 1000,
            "server_s": (last - sent) / 1000, "tail_s": (w["settled"] - last) / 1000,
            "messages": len(log["received"]), "bytes": sum(r[1] for r in log["received"])}


def wait_idle(page, since: float | None = None, timeout: float = RENDER):
    """The page is drawn and idle: a full script run finished after ``since`` (the page's clock, ms; None: any run
    of this page), nothing stale or still loading, and so for QUIET_MS. (The harness also looks for Streamlit's
    "Running"/"Stop" status, but this app's ``toolbarMode = "minimal"`` hides that widget, so only the run's
    script_finished message tells that a run is over.)"""
    check = "s => window.__bench.lastFinish > s && window.__bench.idle()"
    since = -1e18 if since is None else since
    page.wait_for_function(check, arg=since, timeout=timeout)
    page.wait_for_timeout(QUIET_MS)
    page.wait_for_function(check, arg=since, timeout=timeout)


def page_now(page) -> float:
    return page.evaluate("() => window.__bench.now()")


def main_locator(page):
    return page.locator('[data-testid="stMain"]')


def labelled(root, kind: str, label: str):
    from tests.browser.harness import exactly

    return root.locator(f'[data-testid="{kind}"]').filter(
        has=root.page.locator('[data-testid="stWidgetLabel"]', has_text=exactly(label)))


# --- numbers -------------------------------------------------------------------------------------------------------

def pct(values, q: float) -> float:
    """The q-th percentile, linear between closest ranks (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def med(values) -> float:
    return statistics.median(values) if values else float("nan")


def stats(values) -> dict:
    return {"n": len(values), "median": med(values), "p95": pct(values, 95), "min": min(values, default=float("nan")),
            "max": max(values, default=float("nan"))}


def ms(x) -> str:
    return f"{x * 1000:7.0f} ms" if x == x else "      n/a"


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --- /proc ---------------------------------------------------------------------------------------------------------

def parents() -> dict:
    """{pid: ppid} for every process now."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                table[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def tree(root: int, table: dict | None = None) -> list[int]:
    """``root`` and all its descendants."""
    table = table or parents()
    kids = {}
    for pid, ppid in table.items():
        kids.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += kids.get(pid, [])
    return found


def proc_kib(pid: int, field: str, file: str = "status") -> int:
    """A kB figure from /proc/<pid>/<file> (e.g. VmRSS, VmHWM from status; Pss from smaps_rollup); 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine (both cores, every process) has spent busy since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK  # all but idle and iowait


class CpuProbe:
    """CPU seconds used so far by the server's process tree, by the browser (Chromium and the Playwright driver:
    this script's other descendants), by this script, and by the whole machine."""

    def __init__(self, root: int):
        self.root = root

    def __call__(self) -> dict:
        server = tree(self.root)
        browser = [p for p in tree(os.getpid()) if p not in set(server) and p != os.getpid()]
        return {"server": sum(cpu_seconds(p) for p in server), "server_main": cpu_seconds(self.root),
                "browser": sum(cpu_seconds(p) for p in browser),
                "driver": cpu_seconds(os.getpid()), "machine": machine_busy_seconds(), "wall": time.time()}

    @staticmethod
    def spent(before: dict, after: dict) -> dict:
        out = {k: after[k] - before[k] for k in before}
        out["others"] = out["machine"] - out["server"] - out["browser"] - out["driver"]
        return out


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def server_pid(url: str) -> int:
    """The ``streamlit run`` process serving ``url`` (the harness starts it with ``--server.port PORT``)."""
    port = url.rsplit(":", 1)[1]
    for pid in tree(os.getpid()):
        argv = command(pid).split()
        if "streamlit" in argv and "--server.port" in argv and argv[argv.index("--server.port") + 1] == port:
            return pid
    raise RuntimeError(f"no streamlit process for {url}")


CLASS_MARK = "--class-browser-for-bench"  # an argument Chromium ignores: marks the class's browser process


def class_browser_processes() -> set[int]:
    """The class's browser: the Chromium started with CLASS_MARK and all its descendants."""
    table = parents()
    roots = [pid for pid in tree(os.getpid(), table) if CLASS_MARK in command(pid).split()]
    return {pid for root in roots for pid in tree(root, table)}


def renice_browser(nice: int, which: str = "all") -> int:
    """Lower the priority of every thread of the browser (Chromium and the Playwright driver, this script's
    descendants that are not servers), so the server's processes come first, as if the browsers ran elsewhere.
    ``which``: "all" browser processes, only the "class" browser's, or all "but-class"."""
    changed = 0
    in_class = class_browser_processes() if which != "all" else set()
    for pid in tree(os.getpid()):
        argv = command(pid)
        if pid == os.getpid() or "streamlit" in argv or "multiprocessing" in argv:
            continue
        if (which == "class" and pid not in in_class) or (which == "but-class" and pid in in_class):
            continue
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                tid = int(task.name)
                if os.getpriority(os.PRIO_PROCESS, tid) != nice:
                    os.setpriority(os.PRIO_PROCESS, tid, nice)
                    changed += 1
        except (OSError, ValueError):
            pass  # gone meanwhile
    return changed


class Renicer:
    """Keeps new browser processes and threads at ``nice`` (pages start renderers as they open)."""

    def __init__(self, nice: int, interval: float = 0.5, which: str = "all"):
        self.nice, self.interval, self.which = nice, interval, which
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="renicer", daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            renice_browser(self.nice, self.which)
            self._stop.wait(self.interval)

    def __enter__(self):
        if self.nice:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()


class MemorySampler:
    """Once a second: the server's process tree, its total VmRSS and PSS, the streamlit process's CPU use, and how
    long the server takes to answer /_stcore/health (its event loop's responsiveness)."""

    def __init__(self, root: int, url: str, interval: float = 1.0):
        self.root, self.url, self.interval = root, url, interval
        self.samples, self.pids = [], set()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)

    def start(self) -> "MemorySampler":
        self.thread.start()
        return self

    def _loop(self):
        import urllib.request

        last = (time.time(), cpu_seconds(self.root))
        while not self._stop.is_set():
            pids = tree(self.root)
            self.pids.update(pids)
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=10) as answer:
                    answer.read()
                health = time.perf_counter() - start
            except OSError:
                health = float("nan")
            now = (time.time(), cpu_seconds(self.root))
            self.samples.append({"t": now[0], "processes": len(pids),
                                 "rss_mib": sum(proc_kib(p, "VmRSS") for p in pids) / 1024,
                                 "pss_mib": sum(proc_kib(p, "Pss", "smaps_rollup") for p in pids) / 1024,
                                 "health_s": health,
                                 "server_cpu_share": (now[1] - last[1]) / max(now[0] - last[0], 1e-6)})
            last = now
            self._stop.wait(self.interval)

    def during(self, key: str, since: float, until: float) -> list:
        return [x[key] for x in self.samples if since <= x["t"] <= until and x[key] == x[key]]

    def stop(self):
        self._stop.set()
        self.thread.join()

    def peak(self, key: str, since: float = 0.0) -> float:
        return max((x[key] for x in self.samples if x["t"] >= since), default=float("nan"))


# --- part 1: one person ----------------------------------------------------------------------------------------------

def first_render_condition() -> dict:
    """The Tensors page drawn: its title, its text inputs and selectboxes (with their lazily loaded code), the sidebar's
    language selectbox and seed input."""
    return {"title": s("Tensor playground"), "widgets": [["main", "stTextInput", 4], ["main", "stSelectbox", 3],
                                                 ["sidebar", "stSelectbox", 1], ["sidebar", "stNumberInput", 1]]}


def first_render(page, url: str, healthy: float, healthy_pc: float) -> dict:
    """Health answered (at ``healthy``, wall clock) -> the Tensors page drawn and idle in ``page``, a new blank page
    whose context arms the 'first' watch in every document."""
    page.goto(f"{url}/?lang=en", wait_until="commit")
    w = watched(page, "first", driver_start=healthy_pc, timeout=120_000)
    nav = page.evaluate("() => performance.timeOrigin")
    return {"title_s": (w["shown"] - healthy * 1000) / 1000, "ready_s": (w["ready"] - healthy * 1000) / 1000,
            "settled_s": (w["settled"] - healthy * 1000) / 1000, "navigation_start_s": (nav - healthy * 1000) / 1000,
            "driver_title_s": w["driver_shown_s"]}


def page_visits(page, rounds: int, probe) -> tuple[list, dict]:
    visits = []
    for rnd in range(rounds + 1):  # round 0: every page's first visit on this server (cold)
        if rnd == 1:
            cpu0 = probe()
        for k, (nav, title) in enumerate(PAGES):
            name = f"visit-{rnd}-{k}"
            watch(page, name, "page", {"title": s(title)})
            link = page.locator('[data-testid="stSidebarNav"] a', has_text=s(nav))
            start = time.perf_counter()
            link.click()
            w = watched(page, name, driver_start=start)
            visits.append({"round": rnd, "page": s(nav), "title_s": (w["shown"] - w["start"]) / 1000,
                           "settled_s": (w["settled"] - w["start"]) / 1000, "driver_title_s": w["driver_shown_s"],
                           **split(page, w)})
            page.wait_for_timeout(200)
    return visits, CpuProbe.spent(cpu0, probe()) if rounds else {}


def tensor_reruns(page, n: int, pause_ms: int = 250, until=None, tag: str = "t") -> list[dict]:
    """Alternate the operations between view(4, 1) and view(2, 2), Enter each time; times until the shape text changes
    (shown) and until the page settles. ``until()`` returning True ends it early."""
    field = labelled(main_locator(page), "stTextInput", s("Operations on `a` (edit freely)")).locator("input")
    shown = main_locator(page).inner_text()
    current = "view(4, 1)" if SHAPES["view(4, 1)"] in shown and SHAPES["view(2, 2)"] not in shown else "view(2, 2)"
    runs = []
    for i in range(n):
        if until is not None and until():
            break
        new = "view(4, 1)" if current == "view(2, 2)" else "view(2, 2)"
        name = f"{tag}{i}"
        watch(page, name, "text", {"has": SHAPES[new], "hasNot": SHAPES[current]})
        field.fill(new)
        start = time.perf_counter()
        field.press("Enter")
        w = watched(page, name, driver_start=start)
        runs.append({"to": new, "start": w["start"] / 1000, "shown_s": (w["shown"] - w["start"]) / 1000,
                     "settled_s": (w["settled"] - w["start"]) / 1000, "driver_shown_s": w["driver_shown_s"],
                     **split(page, w)})
        current = new
        page.wait_for_timeout(pause_ms)
    return runs


def part_one(browser, args, env: dict) -> dict:
    print(f"(1) one person: {args.repeats} fresh server(s); load average {load_average()}", flush=True)
    firsts = []
    for rep in range(args.repeats):
        context, page = new_page(browser, first_render_of=first_render_condition())  # blank, before the server
        try:
            with app_server(env=env) as url:
                fig = first_render(page, url, time.time(), time.perf_counter())
                firsts.append(fig)
                print(f"  (a) first render, server {rep + 1}: title {fig['title_s']:.2f} s, settled "
                      f"{fig['settled_s']:.2f} s (the browser's navigation began "
                      f"{fig['navigation_start_s'] * 1000:.0f} ms after the health answer; the driver saw the title "
                      f"at {fig['driver_title_s']:.2f} s)", flush=True)
                if rep < args.repeats - 1:
                    continue
                # (b) and (c) on the last server, now warm
                probe = CpuProbe(server_pid(url))
                wait_idle(page)
                visits, visit_cpu = page_visits(page, args.rounds, probe)
                for v in visits:
                    print(f"  (b) visit round {v['round']} {v['page']:<12} title {ms(v['title_s'])}  settled "
                          f"{ms(v['settled_s'])}  driver {ms(v['driver_title_s'])}", flush=True)
                wait_idle(page)  # the last visit was to Tensors
                cpu0 = probe()
                reruns = tensor_reruns(page, args.reruns)
                rerun_cpu = CpuProbe.spent(cpu0, probe())
                print("  (c) tensor reruns, shape shown (ms): " + " ".join(f"{r['shown_s'] * 1000:.0f}"
                                                                        for r in reruns), flush=True)
        finally:
            context.close()
    return {"first_render": firsts, "visits": visits, "visit_cpu_s": visit_cpu, "tensor_reruns": reruns,
            "tensor_rerun_cpu_s": rerun_cpu}


# --- part 2: a class ------------------------------------------------------------------------------------------------

def open_train_page(browser, url: str, seed: int, epochs: int):
    """A new session on the Train page: diabetes data, the sidebar seed, the epochs typed in the form."""
    context, page = new_page(browser)
    page.goto(f"{url}/train?lang=en")
    wait_idle(page)
    seed_field = labelled(page.locator('[data-testid="stSidebar"]'), "stNumberInput", s("Seed")).locator(
        "input")
    if seed_field.input_value() != str(seed):
        since = page_now(page)
        seed_field.fill(str(seed))
        seed_field.press("Enter")
        wait_idle(page, since)
    radio = labelled(main_locator(page), "stRadio", s("Data set"))
    since = page_now(page)
    radio.locator('[data-testid="stRadioOption"]', has_text=s("Diabetes (bundled, offline)")).click()
    main_locator(page).get_by_text("predicting progression").first.wait_for()
    wait_idle(page, since)
    epochs_field = labelled(main_locator(page), "stNumberInput", s("Epochs")).locator("input")
    epochs_field.fill(str(epochs))
    epochs_field.blur()  # inside st.form: leave the field (Enter would submit; Tab would show the next help tooltip)
    assert seed_field.input_value() == str(seed), (seed_field.input_value(), seed)
    page.evaluate("a => window.__bench.trainWatch(a)", {
        "start": s("Start training"), "queued": queued_text(),
        "finished": s("Finished: {epochs} epochs.", epochs=epochs), "results": s("4. Results"),
        "ended": [s("Stopped because the page was closed."),
                  s("Stopped after {epochs} full epochs; the weights learned so far are kept.",
                    epochs=0).split("0")[0].strip()]})
    return context, page


def train_state(page) -> dict:
    return page.evaluate("() => window.__bench.train")


def read_result(page) -> dict:
    """The session's result as shown: the results table's first row (the MLP) and the "Test MAE" metric."""
    from tests.browser.harness import dataframe_cells

    frame = main_locator(page).locator('[data-testid="stDataFrame"]').first
    frame.locator("table td").nth(1).wait_for(state="attached")
    cells = dataframe_cells(frame)
    mae_cell = cells[1] if len(cells) > 1 and cells[0] == s("your MLP") else None
    metric = main_locator(page).locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=s("Test MAE")))
    metric_text = metric.locator('[data-testid="stMetricValue"]').inner_text() if metric.count() else None
    seed = labelled(page.locator('[data-testid="stSidebar"]'), "stNumberInput", s("Seed")).locator(
        "input").input_value()
    return {"mae": float(mae_cell) if mae_cell else None, "mae_cell": mae_cell, "metric": metric_text,
            "seed_shown": int(seed), "alerts": train_state(page)["alerts"]}


def run_and_wait(page, timeout_s: float) -> dict:
    """Press Start (scheduled 200 ms ahead in the page) and wait for the results."""
    at = page.evaluate("() => window.__bench.now()") + 200
    page.evaluate("at => window.__bench.armClick(at)", at)
    page.wait_for_function("() => window.__bench.train.results !== null", timeout=timeout_s * 1000)
    return train_state(page)


def screenshots_of_the_load(sessions, idle_page, shots: Path) -> bool:
    """One session training now (its progress bar drawn), one waiting now, and the idle session's Tensors page."""
    now = [page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                         " return {running: !!m.querySelector('[data-testid=\"stProgress\"]'),"
                         " queued: window.__bench.train.alerts.includes('Waiting')}; }") for _, page in sessions]
    running = [k for k, x in enumerate(now) if x["running"]]
    queued = [k for k, x in enumerate(now) if x["queued"]]
    if running:
        sessions[running[0]][1].screenshot(path=str(shots / f"load-session{running[0]:02d}-training.png"))
    if queued:
        sessions[queued[-1]][1].screenshot(path=str(shots / f"load-session{queued[-1]:02d}-queued.png"))
    idle_page.screenshot(path=str(shots / "load-idle-tensors.png"))
    return bool(running)


def reference_maes(seeds, epochs: int) -> dict:
    """The same runs in this process (the form's defaults; one torch thread, as the workers): {seed: test MAE}."""
    import torch

    from core import data
    from core.training.model import ACTIVATIONS, ModelConfig
    from core.training.run import Job, execute
    from core.training.trainer import TrainConfig

    torch.set_num_threads(1)
    out = {}
    for seed in seeds:
        prepared = data.prepare(data.load_builtin("diabetes"), data.DataConfig(test_size=0.2, seed=seed))
        job = Job(prepared, ModelConfig(n_features=prepared.n_features, hidden=(128, 128),
                                        activation=list(ACTIVATIONS)[0], dropout=0.0),
                  TrainConfig(epochs=epochs, batch_size=20, lr=1e-3, optimizer="adam", seed=seed, device="auto",
                              report_every=50))
        events = []
        execute(job, events.append)
        done = [e for e in events if e["event"] == "done"]
        out[seed] = done[0]["result"].metrics["test_mae"] if done else None
    return out


def part_two(browser, args, env: dict, class_browser=None) -> dict:
    """The class's sessions open in ``class_browser`` (default: ``browser``); the solo run and the idle session that
    measures reruns during the load open in ``browser``."""
    class_browser = class_browser or browser
    n, epochs = args.sessions, args.epochs
    workers = args.workers or os.cpu_count() or 1
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\n(2) classroom: {n} sessions x {epochs} epochs on diabetes, TORCH_PLAYGROUND_WORKERS={workers}; "
          f"load average {load_average()}", flush=True)
    out = {"sessions": n, "epochs": epochs, "workers": workers}
    with app_server(env={**env, "TORCH_PLAYGROUND_WORKERS": str(workers)}) as url:
        root = server_pid(url)
        sampler = MemorySampler(root, url).start()
        # warm-up: the pool's workers, scikit-learn's import and a baseline fit in the server, kept out of the figures
        context, page = open_train_page(browser, url, seed=12345, epochs=1)
        start = time.perf_counter()
        run_and_wait(page, 600)
        out["warmup_s"] = time.perf_counter() - start
        context.close()
        # solo: seed 0, alone on the server
        context, page = open_train_page(browser, url, seed=0, epochs=epochs)
        solo = run_and_wait(page, 600)
        solo_result = read_result(page)
        page.screenshot(path=str(shots / "solo-finished.png"))
        context.close()
        out["solo"] = {"run_s": (solo["finished"] - solo["click"]) / 1000,
                       "results_s": (solo["results"] - solo["click"]) / 1000, **solo_result}
        print(f"  warm-up run {out['warmup_s']:.1f} s; solo run (seed 0): click -> Finished "
              f"{out['solo']['run_s']:.2f} s, -> results drawn {out['solo']['results_s']:.2f} s, "
              f"MAE {solo_result['mae_cell']}", flush=True)
        # the idle session, and its tensor reruns before the load
        idle_context, idle_page = new_page(browser)
        idle_page.goto(f"{url}/?lang=en")
        wait_idle(idle_page)
        out["idle_reruns_before"] = tensor_reruns(idle_page, args.load_reruns, tag="before")
        # the class
        sessions = []
        setup = time.perf_counter()
        for i in range(n):
            sessions.append(open_train_page(class_browser, url, seed=i, epochs=epochs))
        print(f"  {n} sessions opened and set up in {time.perf_counter() - setup:.0f} s; "
              f"load average {load_average()}", flush=True)
        probe = CpuProbe(root)
        cpu0 = probe()
        at = sessions[0][1].evaluate("() => window.__bench.now()") + 1000 + 60 * n
        for _, page in sessions:
            page.evaluate("at => window.__bench.armClick(at)", at)
        load_start = at / 1000
        states, shot_taken, last_poll = [None] * n, False, 0.0
        deadline = time.time() + args.timeout

        def all_done() -> bool:
            nonlocal states, last_poll
            if time.time() - last_poll >= 1.0:
                states = [train_state(p) for _, p in sessions]
                last_poll = time.time()
            return all(st and (st["finished"] is not None or st["failed"] is not None) for st in states)

        during, rerun_timeouts = [], 0
        while not all_done():
            if time.time() > deadline:
                break
            if time.time() >= load_start:
                try:
                    during += tensor_reruns(idle_page, 1, pause_ms=250, tag=f"load{len(during)}-")
                except PlaywrightTimeout:
                    rerun_timeouts += 1
                    idle_page.wait_for_function("() => window.__bench.idle()", timeout=RENDER)
                if not shot_taken and any(st and st["running"] for st in states):
                    shot_taken = screenshots_of_the_load(sessions, idle_page, shots)
            else:
                time.sleep(0.05)
        # results drawn
        for _, page in sessions:
            try:
                page.wait_for_function("() => window.__bench.train.results !== null",
                                       timeout=max(1, deadline - time.time()) * 1000)
            except Exception:  # reported below as not finished
                pass
        states = [train_state(p) for _, p in sessions]
        cpu = CpuProbe.spent(cpu0, probe())
        tree_after = tree(root)
        hwm = {p: proc_kib(p, "VmHWM") / 1024 for p in tree_after}
        out["server_processes"] = {str(p): {"vmhwm_mib": hwm[p], "command": command(p)[:120]} for p in tree_after}
        results = []
        for i, (_, page) in enumerate(sessions):
            st = states[i]
            shown = st["results"] is not None and st["failed"] is None
            r = read_result(page) if shown else {"mae": None, "mae_cell": None, "metric": None, "seed_shown": None,
                                                 "alerts": st["alerts"]}
            results.append({"seed": i, "click": st["click"] / 1000 if st["click"] else None,
                            "queued_seen": st["queued"] is not None,
                            "wait_s": (st["running"] - st["click"]) / 1000 if st["running"] and st["click"] else None,
                            "run_s": (st["finished"] - st["click"]) / 1000 if st["finished"] else None,
                            "results_s": (st["results"] - st["click"]) / 1000 if st["results"] else None,
                            "finished_at": st["finished"] / 1000 if st["finished"] else None,
                            "refreshes": st["ticks"], **r})
        for i in (0, n // 2, n - 1):
            sessions[i][1].screenshot(path=str(shots / f"load-session{i:02d}-finished.png"), full_page=i == n - 1)
        out["idle_reruns_after"] = tensor_reruns(idle_page, min(5, args.load_reruns), tag="after")
        sampler.stop()
        for context, _ in sessions:
            context.close()
        idle_context.close()
    finished = [r for r in results if r["finished_at"] is not None]
    clicks = [r["click"] for r in results if r["click"] is not None]
    last = max((r["finished_at"] for r in finished), default=float("nan"))
    out.update({
        "results": results, "idle_reruns_during": [r for r in during if r["start"] <= last],
        "idle_rerun_timeouts": rerun_timeouts,
        "total_s": last - min(clicks) if clicks else float("nan"),
        "click_spread_s": max(clicks) - min(clicks) if clicks else float("nan"),
        "health_s": sampler.during("health_s", load_start, last),
        "server_cpu_share": sampler.during("server_cpu_share", load_start, last),
        "health_before_s": sampler.during("health_s", 0, load_start),
        "memory": {"peak_rss_mib": sampler.peak("rss_mib", load_start), "peak_pss_mib": sampler.peak("pss_mib",
                                                                                                      load_start),
                   "peak_rss_mib_whole_run": sampler.peak("rss_mib"), "sum_vmhwm_mib": sum(hwm.values()),
                   "server_vmhwm_mib": hwm.get(root, float("nan")), "processes": len(tree_after),
                   "samples": sampler.samples},
        "cpu_s": cpu,
        "load_average_after": load_average(),
    })
    if args.reference:
        start = time.perf_counter()
        out["reference"] = reference_maes(range(n), epochs)
        out["reference_s"] = time.perf_counter() - start
    return out


def split_text(rows: list) -> str:
    rows = [r for r in rows if r.get("server_s") is not None]
    if not rows:
        return "no websocket log"
    m = {k: med([r[k] for r in rows]) * 1000 for k in ("send_s", "first_message_s", "server_s", "tail_s")}
    messages, kib = med([r["messages"] for r in rows]), med([r["bytes"] for r in rows]) / 1024
    return (f"action -> change sent {m['send_s']:.0f} ms; sent -> first server message {m['first_message_s']:.0f} ms,"
            f" -> last {m['server_s']:.0f} ms; last message -> settled {m['tail_s']:.0f} ms ({messages:.0f} messages, "
            f"{kib:.0f} KiB; medians)")


def cpu_text(cpu: dict, per: int = 1) -> str:
    cores = os.cpu_count() or 1
    unit = "s" if per == 1 else "ms each"
    scale = 1 if per == 1 else 1000 / per
    return (f"({cpu['wall']:.0f} s wall x {cores} cores = {cpu['wall'] * cores:.0f} core-s; CPU {unit}): server "
            f"tree {cpu['server'] * scale:.0f} (the streamlit process itself {cpu['server_main'] * scale:.0f}), "
            f"browser {cpu['browser'] * scale:.0f}, this script "
            f"{cpu['driver'] * scale:.0f}, other processes {cpu['others'] * scale:.0f}, idle "
            f"{(cpu['wall'] * cores - cpu['machine']) * scale:.0f}")


# --- report --------------------------------------------------------------------------------------------------------

def report(one: dict, two: dict, args) -> list:
    firsts = one["first_render"]
    settled = [f["settled_s"] for f in firsts]
    print(f"\n(1a) first render, {len(firsts)} fresh server(s) (health answered -> page complete and idle)")
    print(f"     title shown     median {med([f['title_s'] for f in firsts]):6.2f} s   max "
          f"{max(f['title_s'] for f in firsts):6.2f} s")
    print(f"     settled         median {med(settled):6.2f} s   max {max(settled):6.2f} s")
    print(f"     driver (title)  median {med([f['driver_title_s'] for f in firsts]):6.2f} s")
    warm = [v for v in one["visits"] if v["round"] > 0]
    cold = [v for v in one["visits"] if v["round"] == 0]
    vs, vt, vd = ([v[k] for v in warm] for k in ("settled_s", "title_s", "driver_title_s"))
    print(f"(1b) page visit (sidebar link -> new title, app idle), {len(warm)} warm visits; first visits apart")
    print(f"     settled         median {ms(med(vs))}   p95 {ms(pct(vs, 95))}   max "
          f"{ms(max(vs, default=float('nan')))}")
    print(f"     title shown     median {ms(med(vt))}   p95 {ms(pct(vt, 95))}")
    print(f"     driver (title)  median {ms(med(vd))}   p95 {ms(pct(vd, 95))}")
    print("     where it went: " + split_text(warm))
    if one["visit_cpu_s"]:
        print("     CPU over the warm visits " + cpu_text(one["visit_cpu_s"], len(warm)))
    print("     per page, settled median (warm) / first visit: " + "; ".join(
        f"{s(nav)} {med([v['settled_s'] for v in warm if v['page'] == s(nav)]) * 1000:.0f}"
        f"/{med([v['settled_s'] for v in cold if v['page'] == s(nav)]) * 1000:.0f} ms" for nav, _ in PAGES))
    tr = one["tensor_reruns"]
    print(f"(1c) tensor rerun (Enter -> shape text changes), {len(tr)} changes")
    for key, name in (("shown_s", "shape shown"), ("settled_s", "settled"), ("driver_shown_s", "driver (shape)")):
        values = [r[key] for r in tr]
        print(f"     {name:<15} median {ms(med(values))}   p95 {ms(pct(values, 95))}")
    print("     where it went: " + split_text(tr))
    print("     CPU over the reruns " + cpu_text(one["tensor_rerun_cpu_s"], len(tr)))

    n = two["sessions"]
    res = two["results"]
    solo = two["solo"]
    finished = [r for r in res if r["run_s"] is not None]
    with_results = [r for r in res if r["mae"] is not None]
    runs = [r["run_s"] for r in finished]
    slow = [r / solo["run_s"] for r in runs]
    print(f"\n(2) classroom: {n} sessions, {two['epochs']} epochs each, {two['workers']} training workers")
    print(f"     clicks spread over {two['click_spread_s'] * 1000:.0f} ms; load average at the end of the load "
          f"{two['load_average_after']}")
    print(f"     solo run (seed 0, alone, same server)  click -> Finished {solo['run_s']:6.2f} s   "
          f"-> results drawn {solo['results_s']:6.2f} s")
    print(f"     all {n}: first click -> last Finished   {two['total_s']:6.2f} s   "
          f"({two['total_s'] / solo['run_s']:.1f}x one solo run; {n}/{two['workers']} workers = "
          f"{n / two['workers']:.1f} solo runs back to back)")
    print(f"     per run, click -> Finished             median {med(runs):6.2f} s   max {max(runs, default=0):6.2f} s")
    print(f"     per-run slowdown vs solo                median {med(slow):6.2f}x   max {max(slow, default=0):6.2f}x")
    queued = sum(r["queued_seen"] for r in res)
    print(f"     queue: {queued} of {n} sessions showed \"{queued_text()}\"")
    mem = two["memory"]
    print(f"     server memory (streamlit + {mem['processes'] - 1} descendant processes): peak total VmRSS "
          f"{mem['peak_rss_mib']:,.0f} MiB, peak total PSS {mem['peak_pss_mib']:,.0f} MiB (sampled every second "
          f"during the load); sum of VmHWM {mem['sum_vmhwm_mib']:,.0f} MiB, of which the server process "
          f"{mem['server_vmhwm_mib']:,.0f} MiB")
    print("     CPU during the load " + cpu_text(two["cpu_s"]))
    share, health = two["server_cpu_share"], two["health_s"]
    print(f"     the streamlit process, sampled every second until the last Finished: CPU {med(share):.2f} of a core "
          f"(median; max {max(share, default=float('nan')):.2f}); /_stcore/health answered in median "
          f"{ms(med(health)).strip()}, max {ms(max(health, default=float('nan'))).strip()} (before the load: median "
          f"{ms(med(two['health_before_s'])).strip()})")
    rates = [r["refreshes"] / r["run_s"] for r in finished if r["run_s"]]
    print(f"     live-chart refreshes (the Train page's once-a-second fragment) a page got between its click and "
          f"Finished: median {med(rates):.2f}/s, min {min(rates, default=float('nan')):.2f}/s (1.00/s asked)")
    for key, name in (("idle_reruns_before", "before the load"), ("idle_reruns_during", "during the load"),
                      ("idle_reruns_after", "after the load")):
        values = [r["shown_s"] for r in two[key]]
        print(f"     tensor rerun from an idle session, {name:<16} ({len(values):3d}): shape shown median "
              f"{ms(med(values))}   p95 {ms(pct(values, 95))}")
        print(f"       where it went: {split_text(two[key])}")
        if key == "idle_reruns_during" and two["idle_rerun_timeouts"]:
            print(f"       {two['idle_rerun_timeouts']} rerun(s) during the load took longer than "
                  f"{RENDER / 1000:.0f} s (left out above)")
    print(f"\n     {'seed':>4} {'queued':>6} {'wait':>7} {'run':>7} {'slowdown':>8} {'results':>8}  MAE (table)"
          f"{'':8} metric   reference")
    ref = two.get("reference") or {}
    for r in res:
        rm = ref.get(r["seed"])
        print(f"     {r['seed']:>4} {'yes' if r['queued_seen'] else 'no':>6} "
              f"{r['wait_s'] if r['wait_s'] is not None else float('nan'):7.2f} "
              f"{r['run_s'] if r['run_s'] is not None else float('nan'):7.2f} "
              f"{(r['run_s'] or float('nan')) / solo['run_s']:8.2f} "
              f"{r['results_s'] if r['results_s'] is not None else float('nan'):8.2f}  "
              f"{r['mae_cell'] or '-':<19} {r['metric'] or '-':<8} {f'{rm:.6f}' if rm is not None else '-'}"
              + ("" if r["mae"] is not None else f"   page says: {r['alerts'][:100]}"))
    print("     (wait: click -> progress bar first drawn, i.e. queue + start; the page redraws once a second)")

    maes = [r["mae"] for r in with_results]
    distinct = len(set(maes)) == len(maes)
    seed0 = next((r for r in res if r["seed"] == 0), None)
    same_as_solo = seed0 is not None and seed0["mae"] is not None and seed0["mae"] == solo["mae"]
    seeds_ok = all(r["seed_shown"] == r["seed"] for r in with_results)
    ref_ok = None
    if ref:
        ref_ok = all(r["mae"] is not None and ref.get(r["seed"]) is not None and abs(r["mae"] - ref[r["seed"]]) < 1e-6
                     for r in res)
        print(f"     in-process reference runs (same settings, one torch thread): {two['reference_s']:.0f} s; "
              f"every session's MAE equals its seed's reference: {ref_ok}")
    print(f"     finished {len(finished)}/{n}, results drawn {len(with_results)}/{n}; MAEs all different: {distinct}; "
          f"seed 0's MAE equals the solo run's: {same_as_solo}; each page still shows its own seed: {seeds_ok}")
    own = (len(finished) == n and len(with_results) == n and distinct and same_as_solo and seeds_ok
           and ref_ok is not False)

    visit = med(vs)
    rerun = med([r["shown_s"] for r in tr])
    under = med([r["shown_s"] for r in two["idle_reruns_during"]])
    return [  # (name, figure, passed)
        ("first render < 4 s (median, settled)", f"{med(settled):.2f} s (max {max(settled):.2f} s)", med(settled) < 4),
        ("page visit < 1.5 s (median, settled)", f"{visit:.2f} s (p95 {pct(vs, 95):.2f} s)", visit < 1.5),
        ("tensor rerun < 150 ms (median, shape shown)", f"{rerun * 1000:.0f} ms (p95 "
         f"{pct([r['shown_s'] for r in tr], 95) * 1000:.0f} ms)", rerun < 0.150),
        (f"all {n} finished with their own results", f"{len(with_results)}/{n} own: {own}", own),
        (f"tensor rerun < 150 ms while {n} train (median)", f"{under * 1000:.0f} ms (p95 "
         f"{pct([r['shown_s'] for r in two['idle_reruns_during']], 95) * 1000:.0f} ms)", under < 0.150),
    ]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="fresh servers for the first render (default 3)")
    p.add_argument("--rounds", type=int, default=3, help="warm rounds of page visits, 5 pages each (default 3)")
    p.add_argument("--reruns", type=int, default=20, help="tensor reruns on the idle server (default 20)")
    p.add_argument("--sessions", type=int, default=20, help="concurrent training sessions (default 20)")
    p.add_argument("--epochs", type=int, default=30, help="epochs per training run (default 30)")
    p.add_argument("--workers", type=int, default=0, help="TORCH_PLAYGROUND_WORKERS for part 2 (default: CPUs)")
    p.add_argument("--load-reruns", type=int, default=10, help="idle-session reruns before the load (default 10)")
    p.add_argument("--timeout", type=float, default=900, help="seconds to wait for the class's runs (default 900)")
    p.add_argument("--no-reference", dest="reference", action="store_false",
                   help="skip the in-process reference runs that check every session's MAE")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for every server, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false (repeatable)")
    p.add_argument("--browser-nice", type=int, default=0, metavar="N",
                   help="run the browser at nice N (e.g. 19) so the server comes first, as if the browsers ran on "
                        "the students' own machines (default 0: same priority)")
    p.add_argument("--class-nice", type=int, default=None, metavar="N",
                   help="open the class's sessions in a second browser run at nice N (e.g. 10, as low as the "
                        "training workers: its pages still refresh once a second, but never before the server), "
                        "while the measuring session's browser runs at --browser-nice, as if on its own machine "
                        "(default: one browser for all)")
    p.add_argument("--shots", default="/tmp/bench_browser", help="folder for screenshots of the load")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 server, 1 round, 6 reruns, 4 sessions")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.rounds, args.reruns, args.sessions, args.load_reruns = 1, 1, 6, 4, 4
    missing = browser_missing()
    if missing:
        sys.exit(f"cannot run: {missing}")

    from importlib.metadata import version

    import streamlit

    checkpoints = tempfile.mkdtemp(prefix="bench-browser-checkpoints-")
    env = {"TORCH_PLAYGROUND_CHECKPOINTS": checkpoints, **dict(e.split("=", 1) for e in args.env)}
    start_load = load_average()
    separate = args.class_nice is not None
    with chromiums((), *([(CLASS_MARK,)] if separate else [])) as launched, \
            Renicer(args.browser_nice, which="but-class" if separate else "all"), \
            Renicer(args.class_nice or 0, which="class"):
        browser, class_browser = launched[0], launched[-1]
        machine = {"python": platform.python_version(), "streamlit": streamlit.__version__,
                   "playwright": version("playwright"), "chromium": browser.version,
                   "cpu_count": os.cpu_count(), "platform": platform.platform(), "load_average_start": start_load}
        print(f"Streamlit {machine['streamlit']}, Playwright {machine['playwright']}, Chromium {machine['chromium']} "
              f"(headless), Python {machine['python']} on {machine['platform']}")
        print(f"CPUs: {machine['cpu_count']}; load average at the start: {start_load}. This machine is shared: other "
              f"sessions' processes run meanwhile, and the browser shares the CPUs with the server.")
        if args.env:
            print(f"Extra server environment: {' '.join(args.env)}")
        if separate:
            print(f"The class's sessions run in their own browser at nice {args.class_nice}; the measuring session's "
                  f"browser at nice {args.browser_nice} (the server at 0, training workers at their own niceness).")
        elif args.browser_nice:
            print(f"The browser runs at nice {args.browser_nice}: the server's processes get the CPUs first.")
        print(f"Times are taken in the page (performance.now() + a MutationObserver armed before the action; DOM "
              f"changes, before paint; 'settled' = last change before {QUIET_MS} ms of stillness); 'driver' = "
              f"time.perf_counter() around the Playwright action and a wait_for_function polled every frame.\n",
              flush=True)
        one = part_one(browser, args, env)
        two = part_two(browser, args, env, class_browser)
    machine["load_average_end"] = load_average()
    targets = report(one, two, args)
    print(f"\nload average at the end: {machine['load_average_end']} (start {start_load}; other processes share the "
          f"two cores)")
    print(f"screenshots of the load: {args.shots}")
    print("\ntargets")
    for name, figure, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {name:<46} {figure}")
    if args.json:
        out = {"machine": machine, "args": vars(args), "quiet_ms": QUIET_MS, "part1": one, "part2": two,
               "targets": [{"name": n, "figure": f, "pass": ok} for n, f, ok in targets]}
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
