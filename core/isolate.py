"""Work on untrusted input in a child process with a memory and a time limit, so that a hostile file can cost the
server neither memory nor minutes of CPU: the child is forked from a fork server that has imported torch once
(a fork costs milliseconds, not the seconds of a fresh import), gets an address-space limit, and is killed when it
runs past its time.

``weights_only=True`` stops a checkpoint from running code, not from asking for gigabytes or hours; this is the
other half (issue 13). Linux only for the memory limit (``RLIMIT_DATA``); elsewhere only the time limit holds.
"""

import multiprocessing as mp
import sys
import threading
import types
from contextlib import contextmanager

PRELOAD = ["core.checkpoint"]  # imported once by the fork server: torch, NumPy, the checks
_context = None
_lock = threading.Lock()


class Exceeded(Exception):
    """The child ran out of its memory or its time; ``what`` says which ("memory" or "time")."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@contextmanager
def bare_main():
    """Spawned and fork-server processes re-import the parent's ``__main__`` by its path. Under ``streamlit run``
    that is the page script (Streamlit swaps it in while a script runs), so every child would run the app; give them
    a bare one."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _ctx():
    global _context
    with _lock:
        if _context is None:
            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            _context = mp.get_context(method)
            if method == "forkserver":
                _context.set_forkserver_preload(PRELOAD)
        return _context


def warm() -> None:
    """Start the fork server now (it imports torch: seconds), so the first upload's check does not wait for it."""
    ctx = _ctx()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with bare_main():
            forkserver.ensure_running()


def _vm_data_bytes() -> int:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn, memory: int, fn, args):
    try:
        import resource

        limit = _vm_data_bytes() + memory  # what the fork server's imports hold already, plus the allowance
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    try:
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("exceeded", "memory"))
    except BaseException as err:  # noqa: BLE001 - sent back and raised there, picklable or described
        try:
            conn.send(("raised", err))
        except Exception:
            conn.send(("raised", RuntimeError(f"{type(err).__name__}: {err}")))
    finally:
        conn.close()


def run(fn, *args, memory: int = 1 << 30, timeout: float = 20.0):
    """``fn(*args)`` in a child process with ``memory`` bytes to allocate beyond what it starts with and ``timeout``
    seconds: its return value, or the exception it raised, re-raised here; ``Exceeded`` when it runs out of either
    (a child the kernel kills for memory, or that dies, counts as memory). ``fn`` must be a module-level function."""
    ctx = _ctx()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, memory, fn, args), daemon=True, name="untrusted-check")
    with bare_main():
        process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise Exceeded("time")
        try:
            kind, value = parent.recv()
        except (EOFError, OSError):  # killed (the OOM killer, a crash) before it could answer
            raise Exceeded("memory") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        parent.close()
    if kind == "exceeded":
        raise Exceeded(value)
    if kind == "raised":
        raise value
    return value

