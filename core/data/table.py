"""A raw data set as read: a frame, the column to predict, where it came from, its units and how it was read."""

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """A raw data set: a frame, the column to predict, and where it came from."""

    frame: pd.DataFrame
    target: str | None
    name: str
    source: str = ""
    units: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # how the file was read, in words
    encoding: str = "UTF-8"  # "UTF-8" or "CP949"
    bom: bool = False  # the file began with a UTF-8 byte-order mark
    sep: str = ","
    decimal: str = "."  # "," where a ';' file wrote numbers with decimal commas
    origin: dict = field(default_factory=dict)  # how to draw it again: a teaching set's ToyConfig, as a dict
