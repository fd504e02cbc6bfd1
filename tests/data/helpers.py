"""CSV files for the data tests, built from rows: a tidy one, one with text, gaps and missing targets."""

import numpy as np
from sklearn.model_selection import train_test_split

from core import data

CALIFORNIA_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]


def csv_bytes(header, rows, sep=",", encoding="utf-8") -> bytes:
    """A CSV file's bytes from a header and rows of cells; None is an empty cell."""
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def scrambled(i: int, n: int) -> int:
    """0..n-1 in an order that does not count up (7 and most n share no factor), so x is not taken for a row number."""
    return (7 * i + 3) % n if n % 7 else (5 * i + 3) % n


def simple_csv(n=30, **kw) -> bytes:
    """``n`` rows of x, a city and y = 2x + 1 (a little off the line), enough to prepare."""
    cities = ["Seoul", "Busan", "Incheon"]
    rows = [(x, cities[i % 3], 2 * x + 1 + (i % 4) / 10) for i, x in ((i, scrambled(i, n)) for i in range(n))]
    return csv_bytes(["x", "city", "y"], rows, **kw)


def mixed_csv(n=60, seed=0) -> bytes:
    """Numeric and text features with empty cells, and a few rows without a target."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        x1 = round(float(rng.normal(10, 3)), 3)
        x2 = int(rng.integers(0, 100))
        city = ["Seoul", "Busan", "Incheon", "Daegu"][int(rng.integers(0, 4))]
        y = round(2 * x1 - 0.1 * x2 + float(rng.normal()), 3)
        rows.append((
            None if i % 7 == 3 else x1,
            None if i % 11 == 5 else x2,
            None if i % 9 == 4 else city,
            None if i % 13 == 6 else y,
        ))
    return csv_bytes(["x1", "x2", "city", "y"], rows)


def table_from(raw, target="y") -> data.Table:
    table = data.read_csv(raw)
    table.target = target
    return table


def prepare_csv(raw, target="y", **config) -> data.Prepared:
    return data.prepare(table_from(raw, target), data.DataConfig(**config))


def same_split(table: data.Table, features: list[str], seed: int = 0, test_size: float = 0.2):
    """The rows with a target, split as prepare splits them: (X_train, X_test, y_train, y_test)."""
    frame = table.frame[table.frame[table.target].notna()]
    return train_test_split(frame[features], frame[table.target], test_size=test_size, random_state=seed)
