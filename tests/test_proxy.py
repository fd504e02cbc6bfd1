"""The app behind deploy/nginx.conf, as a class server runs it: a real nginx (TLS with a throwaway certificate) in
front of the real app, driven by headless Chromium. The security headers on every response, a websocket session
under the Content-Security-Policy with nothing refused, uploads through the proxy and its size limit, and the XSRF
cookie's flags."""

import os
import re
import ssl
import urllib.error
import urllib.request
from http.client import HTTPSConnection

import pytest

from tests.browser.harness import (
    app_server,
    browser_missing,
    chromium,
    go_to,
    main,
    new_context,
    wait_until_idle,
    widget,
)
from tests.browser.nginx import nginx, nginx_missing

SECURITY_HEADERS = ("Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                    "Content-Security-Policy")
# The sidebar's link to each page after the first, and the page's title.
PAGES = {"Activations": "Activation functions", "Train": "Train an MLP",
         "Predict": "Predict with a saved model", "Device": "Device: CPU and CUDA"}


missing = nginx_missing() or browser_missing()
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the proxy test: {missing}")
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.skipif(bool(missing), reason=missing or "")]

# Set on the page before Streamlit's own code runs: every resource the Content-Security-Policy refused.
CSP_WATCH_JS = """document.addEventListener('securitypolicyviolation', e => window.__refused(
  `${location.pathname}: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`
));"""


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """The app and nginx in front of it: (https URL, http URL, an SSL context that trusts the throwaway cert)."""
    folder = tmp_path_factory.mktemp("nginx")
    with app_server() as app, nginx(folder, app.removeprefix("http://")) as (https, http, cert):
        yield https, http, ssl.create_default_context(cafile=str(cert))


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def fetch(url: str, context: ssl.SSLContext | None = None):
    """(status, headers) of a GET, error statuses and redirects included (neither raised nor followed)."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    try:
        with opener.open(url, timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_every_response_carries_the_security_headers(proxy):
    https, http, trusted = proxy
    for path, status in (("/", 200), ("/_stcore/health", 200), ("/media/no-such-file.png", 404)):
        got, headers = fetch(https + path, trusted)
        assert got == status, path
        for name in SECURITY_HEADERS:
            assert headers[name], f"{path}: no {name}"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    got, headers = fetch(http + "/train?lang=en")
    assert got == 301 and headers["Location"].startswith("https://") and headers["Location"].endswith("/train?lang=en")


@pytest.fixture
def session(browser, proxy):
    """A fresh app session through the proxy (the throwaway certificate accepted): (page, what the
    Content-Security-Policy refused on it so far, as the page's own events and the console report it, and the
    requests that failed through nginx)."""
    context = new_context(browser, ignore_https_errors=True, viewport={"width": 1280, "height": 1600},
                          locale="en-US")
    refused, broken = [], []
    context.expose_binding("__refused", lambda source, text: refused.append(text))
    context.add_init_script(CSP_WATCH_JS)
    page = context.new_page()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else broken.append(
        f"{r.failure} {r.url}"))
    yield page, refused, broken
    context.close()


def test_every_page_runs_over_the_websocket_under_the_csp(proxy, session):
    """A page draws only once its script has run on the server, which it asks for over the websocket: through nginx,
    from the first page and then by the sidebar's links. Nothing the frontend needs is refused on the way."""
    https, _, _ = proxy
    page, refused, broken = session
    page.goto(f"{https}/?lang=en")
    wait_until_idle(page)
    assert main(page).locator("h1").first.inner_text().strip() == "Tensor playground"
    for link, title in PAGES.items():
        go_to(page, link, title)
        assert page.locator('[data-testid="stException"]').count() == 0
    assert not refused
    assert not broken


def test_the_xsrf_cookie_is_secure_and_strict_through_the_proxy(proxy, session):
    https, _, _ = proxy
    page, _, _ = session
    page.goto(f"{https}/_stcore/health")  # the response the frontend fetches first, and it sets the cookie
    (xsrf,) = [c for c in page.context.cookies() if c["name"] == "_streamlit_xsrf"]
    assert xsrf["secure"] and xsrf["sameSite"] == "Strict"
    assert "_streamlit_xsrf=" in page.evaluate("() => document.cookie")  # not HttpOnly: the frontend sends it back
    (route,) = [c for c in page.context.cookies() if c["name"] == "torch_playground_route"]  # the replica's hash
    assert route["secure"] and route["httpOnly"] and route["sameSite"] == "Strict" and len(route["value"]) == 32
    page.goto(f"{https}/_stcore/health")
    assert [c["value"] for c in page.context.cookies() if c["name"] == "torch_playground_route"] == [route["value"]]


def test_an_upload_goes_through_the_proxy_and_an_oversized_one_is_refused(proxy, session, tmp_path):
    https, _, trusted = proxy
    page, refused, broken = session
    page.goto(f"{https}/train?lang=en")
    wait_until_idle(page)
    widget(page, "stRadio", "Data set").locator('[data-testid="stRadioOption"]', has_text="Your CSV").click()
    # Over the 1 MB nginx takes outside the upload route: a long note repeated on every row (a constant column)
    table = tmp_path / "table.csv"
    table.write_text("x,y,note\n" + "".join(f"{i % 7 / 2},{i % 7 + i % 3},{'padding' * 8000}\n" for i in range(40)))
    assert table.stat().st_size > 2 * 2**20
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(str(table))  # a PUT whose XSRF header the app checks against the Strict cookie
    main(page).get_by_text(re.compile(r"^40 rows used")).wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0

    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * (51 * 2**20 // 4))
    uploader.set_input_files(str(big))
    page.wait_for_selector("text=/50(\\.0)?\\s?MB or smaller|too large/i", timeout=30_000)
    assert not refused and not broken

    # Past the browser's own check (a client that sends it anyway): nginx answers at once, with the security headers.
    status, body, headers = put(https, trusted, 52 * 2**20)
    assert status == 413 and "nginx" in body
    assert headers["Content-Security-Policy"]


def put(https: str, context: ssl.SSLContext, length: int):
    """(status, text, headers) of a PUT to the upload route that announces ``length`` bytes and sends only its
    headers."""
    host, port = https.removeprefix("https://").split(":")
    connection = HTTPSConnection(host, int(port), context=context, timeout=20)
    try:
        connection.putrequest("PUT", "/_stcore/upload_file/no-session/no-file")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read().decode(errors="replace"), answer.headers
    finally:
        connection.close()
