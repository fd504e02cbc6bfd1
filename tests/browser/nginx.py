"""deploy/nginx.conf in a real nginx, for the tests: its ports, certificate and upstream replicas filled in, inside a
main config that keeps every file nginx writes in a temporary folder (tests/test_proxy.py, tests/test_replicas.py,
bench/bench_cluster.py)."""

import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.browser.harness import ARTIFACTS, ROOT, free_port, stop

SITE = ROOT / "deploy" / "nginx.conf"
# nginx's address: Streamlit takes a websocket from an origin on 127.0.0.1 or localhost whatever the Host header says;
# from here only a Host header that matches the page's origin, port included, lets the session start.
HOST = "127.0.0.2"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")  # Debian's is in sbin

def nginx_missing() -> str | None:
    """Why the proxy test cannot run here, or None."""
    if NGINX is None:
        return "no nginx (apt-get install nginx)"
    if shutil.which("openssl") is None:
        return "no openssl (apt-get install openssl)"
    return None


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


def standalone_config(folder: Path, upstreams: list[str], https: int, http: int, cert: Path, key: Path) -> Path:
    """deploy/nginx.conf, its ports, certificate and replicas (host:port each) filled in, inside a main config that
    keeps every file nginx writes under ``folder``: nginx runs as the current user, in the foreground."""
    servers = "\n    ".join(f"server {upstream};" for upstream in upstreams)
    site = fill_in(SITE.read_text(),
                   upstream=(r"server 127\.0\.0\.1:8501;", servers),
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
def nginx(folder: Path, upstreams: str | list[str], timeout: float = 10.0):
    """nginx in front of ``upstreams`` (host:port, or a list of replicas) with deploy/nginx.conf; yields (https URL,
    http URL, cert)."""
    cert, key = certificate(folder)
    https, http = free_port(), free_port()
    upstreams = [upstreams] if isinstance(upstreams, str) else list(upstreams)
    conf = standalone_config(folder, upstreams, https, http, cert, key)
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
