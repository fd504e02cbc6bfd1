"""A throwaway PostgreSQL server from Debian's package (``apt-get install postgresql``), for the shared store's
tests: its own data folder and socket in a temporary folder, no TCP port, stopped at the end. PostgreSQL refuses to
run as root: as root it runs as the package's ``postgres`` user."""

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps them under /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def server():
    """Yields a function that makes a fresh, empty database and returns its SQLAlchemy URL."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="playground-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres"), shutil.chown(sockets, "postgres")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": True}
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                    "--no-sync"]), **quiet)
    options = f"-k {sockets} -c listen_addresses='' -c fsync=off -c max_connections=200"
    subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(folder / "log"), "-w", "start"]), **quiet)

    def database() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        subprocess.run(_as_server_user([str(bin_dir / "createdb"), "-h", str(sockets), "-U", "postgres", name]),
                       **quiet)
        return f"postgresql+psycopg://postgres@/{name}?host={sockets}"

    try:
        yield database
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        shutil.rmtree(folder, ignore_errors=True)
