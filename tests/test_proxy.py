"""The app behind deploy/nginx.conf, as a class server runs it: a real nginx (TLS with a throwaway certificate) in
front of the real app, driven by headless Chromium. The security headers on every response, a websocket session
under the Content-Security-Policy with nothing refused, uploads through the proxy and its size limit, and the XSRF
cookie's flags."""

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.client import HTTPSConnection
from pathlib import Path

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    ROOT,
    app_server,
    browser_missing,
    chromium,
    free_port,
    go_to,
    main,
    new_context,
    stop,
    wait_until_idle,
    widget,
)

SITE = ROOT / "deploy" / "nginx.conf"
# nginx's address: Streamlit takes a websocket from an origin on 127.0.0.1 or localhost whatever the Host header says;
# from here only a Host header that matches the page's origin, port included, lets the session start.
HOST = "127.0.0.2"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")  # Debian's is in sbin
SECURITY_HEADERS = ("Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                    "Content-Security-Policy")
# The sidebar's link to each page after the first, and the page's title.
PAGES = {"Activations": "Activation functions", "Train": "Train an MLP",
         "Predict": "Predict with a saved model", "Device": "Device: CPU and CUDA"}


def nginx_missing() -> str | None:
    """Why the proxy test cannot run here, or None."""
    if NGINX is None:
        return "no nginx (apt-get install nginx)"
    if shutil.which("openssl") is None:
        return "no openssl (apt-get install openssl)"
    return None


missing = nginx_missing() or browser_missing()
if missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the proxy test: {missing}")
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.skipif(bool(missing), reason=missing or "")]

# Set on the page before Streamlit's own code runs: every resource the Content-Security-Policy refused.
CSP_WATCH_JS = """document.addEventListener('securitypolicyviolation', e => window.__refused(
  `${location.pathname}: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`
));"""


def certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for HOST: (certificate, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=IP:{HOST}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def fill_in(site: str, **values: tuple[str, str]) -> str:
    """The site with each (pattern, replacement) of ``values`` applied; a pattern that matches nothing fails, so the
    test never runs a config that differs from the template in a way nobody meant."""
    for name, (pattern, replacement) in values.items():
        site, n = re.subn(pattern, replacement, site, flags=re.MULTILINE)
        assert n, f"deploy/nginx.conf no longer has the line for {name} ({pattern})"
    return site


def standalone_config(folder: Path, upstream: str, https: int, http: int, cert: Path, key: Path) -> Path:
    """deploy/nginx.conf, its ports and certificate filled in, inside a main config that keeps every file nginx
    writes under ``folder``: nginx runs as the current user, in the foreground."""
    site = fill_in(SITE.read_text(),
                   upstream=(r"server 127\.0\.0\.1:8501;", f"server {upstream};"),
                   https=(r"listen 443 ssl", f"listen {HOST}:{https} ssl"),
                   http=(r"listen 80;", f"listen {HOST}:{http};"),
                   ipv6=(r"^\s*listen \[::\].*\n", ""),
                   certificate=(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};"),
                   key=(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};"))
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
    conf = folder / "nginx.conf"
    # As root, nginx's workers would switch to nobody, who may not enter tmp_path; as anyone else they stay that user.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf.write_text(f"""daemon off;
{user}pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder / "access.log"};
{temp}
{site}
}}
""")
    return conf


@contextmanager
def nginx(folder: Path, upstream: str, timeout: float = 10.0):
    """nginx in front of ``upstream`` (host:port) with deploy/nginx.conf; yields (https URL, http URL, cert)."""
    cert, key = certificate(folder)
    https, http = free_port(), free_port()
    conf = standalone_config(folder, upstream, https, http, cert, key)
    command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    checked = subprocess.run(command + ["-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + timeout
        while not listening(https):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start; see {folder / 'error.log'}")
            time.sleep(0.05)
        yield f"https://{HOST}:{https}", f"http://{HOST}:{http}", cert
    finally:
        stop(proc)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "error.log", ARTIFACTS / "nginx-error.log")
    # [error] lines are requests nginx refused (the oversized upload); worse ones are nginx failing at its own job
    failures = re.findall(r"^.*\[(?:crit|alert|emerg)\].*$", (folder / "error.log").read_text(), re.MULTILINE)
    assert not failures, "\n".join(failures)


def listening(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
        return True
    except OSError:
        return False


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
