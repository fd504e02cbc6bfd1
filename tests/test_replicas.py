"""A class on several replicas behind deploy/nginx.conf (issue 16): two real app servers, one database and one
checkpoint folder between them, nginx's hash of the browser's cookie in front, driven by Chromium. Each browser stays
on one replica across reloads and pages while the class spreads over both; a tab whose replica dies reaches the other
one, which says so (the session is new, and where the browser's run was), instead of starting afresh in silence."""

import os
import re
import signal
from contextlib import ExitStack, contextmanager

import pytest

from core.classroom import ENV_REPLICA
from tests.browser.harness import (
    ARTIFACTS,
    app_process,
    browser_missing,
    button,
    chromium,
    exactly,
    go_to,
    main,
    new_context,
    wait_until_idle,
    wait_until_settled,
    widget,
)
from tests.browser.nginx import nginx, nginx_missing

missing = nginx_missing() or browser_missing()
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the replica test: {missing}")
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.skipif(bool(missing), reason=missing or "")]

SERVED_BY = re.compile(r"Server: (r\d)")


@contextmanager
def replicas(folder, names=("r1", "r2")):
    """The replicas (one database, one checkpoint folder) behind nginx: (its https URL, name → server process)."""
    shared = {"TORCH_PLAYGROUND_DB": f"sqlite:///{folder / 'class.db'}",
              "TORCH_PLAYGROUND_CHECKPOINTS": str(folder / "checkpoints"), "TORCH_PLAYGROUND_WORKERS": "1"}
    (folder / "nginx").mkdir()
    with ExitStack() as stack:
        servers = {name: stack.enter_context(app_process(shared | {ENV_REPLICA: name})) for name in names}
        https, _http, _cert = stack.enter_context(nginx(folder / "nginx", [url.removeprefix("http://")
                                                                            for url, _proc in servers.values()]))
        yield https, {name: proc for name, (_url, proc) in servers.items()}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def served_by(page) -> str:
    """The replica the page's session lives on, as its sidebar names it."""
    caption = page.locator('[data-testid="stSidebar"]').get_by_text(SERVED_BY)
    caption.first.wait_for(timeout=30_000)
    return SERVED_BY.search(caption.first.inner_text()).group(1)


def test_each_browser_stays_on_its_replica_and_a_class_spreads_over_them(tmp_path, browser):
    seen = {}
    with replicas(tmp_path) as (https, _servers):
        for i in range(24):  # browsers, each with its own cookie, until both replicas have some
            context = new_context(browser, ignore_https_errors=True, locale="en-US")
            page = context.new_page()
            page.goto(f"{https}/?lang=en")
            wait_until_idle(page)
            first = served_by(page)
            page.reload()
            wait_until_idle(page)
            assert served_by(page) == first  # a reload: a new session, on the same replica
            go_to(page, "Train", "Train an MLP")
            assert served_by(page) == first
            seen[first] = seen.get(first, 0) + 1
            context.close()
            if len(seen) == 2 and i >= 3:
                break
    assert set(seen) == {"r1", "r2"}, seen


def test_a_tab_whose_replica_dies_is_told_so_by_the_next(tmp_path, browser):
    with replicas(tmp_path) as (https, servers):
        context = new_context(browser, ignore_https_errors=True, locale="en-US", viewport={"width": 1280,
                                                                                          "height": 1600})
        page = context.new_page()
        page.goto(f"{https}/train?lang=en")
        wait_until_idle(page)
        first = served_by(page)
        widget(page, "stRadio", "Data set").locator('[data-testid="stRadioOption"]',
                                                    has_text=exactly("Diabetes (bundled, offline)")).click()
        wait_until_settled(page)
        button(page, "Start training", "stFormSubmitButton").click()
        button(page, "Stop").wait_for(timeout=60_000)  # the run is going, on the first replica
        servers[first].send_signal(signal.SIGKILL)  # that replica dies (a crash, a machine gone)
        servers[first].wait()
        page.wait_for_timeout(3_000)  # the page's websocket reconnects, through nginx, to the other replica
        go_to(page, "Tensors", "Tensor playground")  # the next action runs there, in a new session
        notice = main(page).get_by_text("The connection to the server was lost")
        notice.wait_for(timeout=60_000)
        assert served_by(page) != first
        go_to(page, "Train", "Train an MLP")
        moved = main(page).get_by_text(re.compile(rf"than the one your runs ran on \({first}\): #1 "))
        moved.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "replica-moved.png"), full_page=True)
        button(page, "Got it").click()
        notice.wait_for(state="detached", timeout=30_000)
        context.close()
