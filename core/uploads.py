"""One capped reader for the files users hand in (a path, bytes, an upload's file object): it never reads past its
limit, so one file cannot swamp a shared server's memory. CSVs (core/data/reader.py) and checkpoints
(core/checkpoint.py) both read through it, each with its own limit and its own words for a refusal."""

import os
from pathlib import Path


class TooLarge(Exception):
    """Over the limit: ``size`` is the file's size in bytes where it is known, else the bytes read (limit + 1)."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


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
