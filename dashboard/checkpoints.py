"""Checkpoints as the pages see them: the class's shared folder (read-only here) plus this session's own."""

import threading
from pathlib import Path

import streamlit as st

from core import checkpoint, isolate
from core.errors import CheckpointError
from core.predict import Predictor
from dashboard.i18n import _, lang, message_text
from dashboard.identity import browser

SESSIONS = "sessions"  # <checkpoint folder>/sessions/<browser id>/: each browser's own checkpoints


def session_folder() -> Path:
    return checkpoint.checkpoint_dir() / SESSIONS / browser()


@st.cache_data(show_spinner=False, max_entries=512)
def _summary(path: str, mtime: float, size: int) -> dict:
    try:
        return checkpoint.summary(checkpoint.load(path), Path(path))
    except CheckpointError as err:
        return {"name": Path(path).stem, "path": path, "error": str(err), "created": "", "bytes": size}


def _listed(folder: Path, mine: bool) -> list[dict]:
    if not folder.is_dir():
        return []
    items = []
    for path in folder.glob(f"*{checkpoint.SUFFIX}"):
        stat = path.stat()
        items.append({**_summary(str(path), stat.st_mtime, stat.st_size), "mine": mine})
    return items


def listing() -> list[dict]:
    """This session's checkpoints, then the shared folder's (an instructor's, trained before class), newest first."""
    items = _listed(session_folder(), True) + _listed(checkpoint.checkpoint_dir(), False)
    return sorted(items, key=lambda i: (not i["mine"], i.get("created", "")), reverse=False)


@st.cache_resource(show_spinner=False, max_entries=32)
def _predictor(path: str, mtime: float, size: int) -> Predictor:
    return Predictor.from_file(path)  # read-only after loading: safe to share between sessions


def predictor(path: str) -> Predictor:
    stat = Path(path).stat()
    return _predictor(path, stat.st_mtime, stat.st_size)


@st.cache_resource(show_spinner=False)
def _checker() -> threading.Thread:
    """The upload checker's fork server, started once per server in the background (it imports torch: seconds),
    so that the first upload's check takes a fork, not a start."""
    thread = threading.Thread(target=isolate.warm, name="checkpoint-checker", daemon=True)
    thread.start()
    return thread


def warm_checker() -> None:
    _checker()


def check_upload(raw: bytes) -> dict:
    """An uploaded file checked in a child process with its own memory and time limits, then loaded."""
    _checker().join()
    return checkpoint.load_untrusted(raw)


def save_mine(ckpt: dict) -> Path:
    return checkpoint.save(ckpt, session_folder())


def delete_mine(name: str) -> None:
    checkpoint.delete(name, session_folder())


@st.cache_data(show_spinner=False, max_entries=4)
def _score(raw: bytes, name: str, path: str, mtime: float, size: int, lang: str):
    from dataclasses import replace

    import pandas as pd

    from core.data import read_csv

    table = read_csv(raw, name=name)
    predictor = _predictor(path, mtime, size)
    report = predictor.predict_frame(table.frame)
    scored = report.frame(table.frame, f"predicted_{predictor.target}", problem_text, range_text,
                          dollars=predictor.dollars)
    return scored, report, replace(table, frame=pd.DataFrame())  # the file's format, to write the result in


def problem_text(problem: dict) -> str:
    """A row's problem in the session's language (core words it in English)."""
    return message_text(problem["template"], problem)


def range_text(item: dict) -> str:
    return _("{column} outside training range", column=item["column"])


def score(raw: bytes, name: str, path: str):
    """A CSV of feature rows scored by a checkpoint: (the rows with predictions and notes, the report, the input's
    format as a Table without rows). Cached, so widget changes elsewhere on the page do not parse and predict the file
    again."""
    stat = Path(path).stat()
    return _score(raw, name, path, stat.st_mtime, stat.st_size, lang())
