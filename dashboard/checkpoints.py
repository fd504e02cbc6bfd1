"""Checkpoints as the pages see them: the class's shared folder (read-only here) plus this session's own."""

from pathlib import Path

import streamlit as st

from core import checkpoint, isolate
from core.errors import N_, CheckpointError
from core.predict import Predictor
from core.uploads import CSV_TYPES, check_file_name
from dashboard import datasets, state
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
    clean_leftovers()
    items = _listed(session_folder(), True) + _listed(checkpoint.checkpoint_dir(), False)
    return sorted(items, key=lambda i: (not i["mine"], i.get("created", "")), reverse=False)


@st.cache_resource(show_spinner=False, max_entries=32)
def _predictor(path: str, mtime: float, size: int) -> Predictor:
    return Predictor.from_file(path)  # read-only after loading: safe to share between sessions


def predictor(path: str) -> Predictor:
    stat = Path(path).stat()
    return _predictor(path, stat.st_mtime, stat.st_size)


@st.cache_resource(show_spinner=False)
def clean_leftovers() -> int:
    """Once per server, the first time it lists or saves checkpoints: the partial files killed saves left behind
    (never listed: not *.pt)."""
    return checkpoint.clean_partials()


@st.cache_resource(show_spinner=False)
def warm_checker() -> bool:
    """The upload checker's fork server, started once per server when the Predict page first shows: starting it
    takes milliseconds here (on this script's thread, which may swap ``__main__``), and it imports torch in its own
    process meanwhile, so the first upload's check takes a fork, not a start."""
    isolate.warm()
    return True


def check_upload(raw: bytes) -> dict:
    """An uploaded file checked in a child process with its own memory and time limits, then loaded."""
    warm_checker()
    return checkpoint.load_untrusted(raw)


def unique_mine(stem: str) -> str:
    """A name for a new checkpoint of this browser's that neither its own nor a shared checkpoint has."""
    return checkpoint.unique_name(stem, session_folder(), also=[checkpoint.checkpoint_dir()])


def save_mine(ckpt: dict) -> Path:
    """Save into this browser's folder, under a name no shared checkpoint has (a student's "teacher" beside the
    instructor's "teacher" would be one click from the wrong model)."""
    clean_leftovers()
    name = checkpoint.sanitize_name(ckpt.get("name", ""))
    if (checkpoint.checkpoint_dir() / f"{name}{checkpoint.SUFFIX}").is_file():
        raise CheckpointError(N_("{name!r} is the name of a shared checkpoint. Choose another name, so that the two "
                                 "are never confused."), code="exists_shared", name=name)
    return checkpoint.save(ckpt, session_folder())


def delete_mine(name: str) -> None:
    checkpoint.delete(name, session_folder())


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
    again. Held by the session (one scored file at a time), released with it."""
    check_file_name(name, CSV_TYPES)
    stat = Path(path).stat()
    key = (datasets.digest(raw), name, path, stat.st_mtime, stat.st_size, lang())
    return state.one_per_session("scored_rows", key, lambda: _score(raw, name, path, stat.st_mtime, stat.st_size,
                                                                       lang()))
