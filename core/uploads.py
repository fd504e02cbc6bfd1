"""One capped reader for the files users hand in (a path, bytes, an upload's file object): it never reads past its
limit, so one file cannot swamp a shared server's memory. CSVs (core/data/reader.py) and checkpoints
(core/checkpoint.py) both read through it, each with its own limit and its own words for a refusal."""

import os
import unicodedata
from pathlib import Path

from core.errors import N_, DataError

MAX_FILE_NAME = 255  # letters in an uploaded file's name: what file systems allow
# What each uploader takes, checked here rather than by Streamlit's ``type=``: Streamlit checks a name against it on
# every rerun and raises on a NUL byte, before any line of the page runs, so that session's page failed for good.
CHECKPOINT_TYPES = (".pt", ".pth")
CSV_TYPES = (".csv", ".txt")


class TooLarge(Exception):
    """Over the limit: ``size`` is the file's size in bytes where it is known, else the bytes read (limit + 1)."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, a newline, an escape, U+0080-U+009F): nothing a person
    types in a name, and what breaks file names, headers and terminals."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def check_file_name(name: str, types: tuple[str, ...] = ()) -> str:
    """An uploaded file's name, refused with a message when it holds control characters, is longer than a file
    system allows (a browser sends whatever name a crafted request gives) or does not end in one of ``types``."""
    if has_control_characters(name) or len(name) > MAX_FILE_NAME:
        raise DataError(N_("The file's name contains control characters (such as NUL) or is over {limit} letters. "
                           "Rename the file and upload it again."), code="bad_file_name", limit=MAX_FILE_NAME)
    if types and not name.lower().endswith(types):
        raise DataError(N_("This takes {types} files; {name!r} is not one. Choose a file of that kind."),
                        code="bad_file_type", types=", ".join(types), name=name)
    return name


def read_capped(source, limit: int) -> bytes:
    """The bytes of ``source``: a path (its size checked before a byte is read), bytes, or a binary or text file
    object (read no further than ``limit + 1`` bytes). Raises ``TooLarge`` beyond ``limit``; a path that cannot be
    opened raises the ``OSError`` that says why (FileNotFoundError, IsADirectoryError, PermissionError)."""
    if isinstance(source, (str, Path)):
        with Path(source).open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise TooLarge(size)
            raw = f.read(limit + 1)  # the file may grow while it is read
    elif isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    else:
        raw = source.read(limit + 1)
        if isinstance(raw, str):  # a file opened in text mode
            raw = raw.encode("utf-8")
    if len(raw) > limit:
        raise TooLarge(len(raw))
    return raw
