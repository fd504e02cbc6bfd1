"""The built-in data sets: scikit-learn's California housing (downloaded once, then cached) and diabetes (bundled).

Without a network and without scikit-learn's cache, California fails within seconds with a message that names the
offline default.
"""

import functools
import socket
import threading

import pandas as pd

from core.data.table import Table
from core.errors import N_, DataError, DatasetUnavailable

BUILTIN = ("california", "diabetes")

CALIFORNIA_UNITS = {
    "MedInc": "$10,000",
    "HouseAge": "years",
    "AveRooms": "rooms/household",
    "AveBedrms": "bedrooms/household",
    "Population": "people",
    "AveOccup": "people/household",
    "Latitude": "°N",
    "Longitude": "°E",
    "MedHouseVal": "$100,000",
}
DIABETES_UNITS = {
    "age": "years",
    "sex": "1 or 2",
    "bmi": "kg/m²",
    "bp": "mm Hg",
    "s1": "mg/dL",
    "s2": "mg/dL",
    "s3": "mg/dL",
    "s4": "ratio",
    "s5": "log mg/dL",
    "s6": "mg/dL",
    "progression": "score",
}


def _can_reach(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to host opens within ``timeout`` seconds, DNS included (a hung resolver: no)."""
    result = []

    def attempt():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            pass

    probe = threading.Thread(target=attempt, daemon=True)
    probe.start()
    probe.join(timeout)
    return bool(result)


CALIFORNIA_HOST = "ndownloader.figshare.com"


@functools.lru_cache(maxsize=1)
def _california_frame() -> pd.DataFrame:
    from sklearn.datasets import fetch_california_housing

    try:
        bunch = fetch_california_housing(as_frame=True, download_if_missing=False)
    except OSError:
        if not _can_reach(CALIFORNIA_HOST):
            raise DatasetUnavailable(
                N_("The California housing data is not cached on this machine and cannot be downloaded (no network). "
                   "Use the bundled diabetes data set (--dataset diabetes), which works offline; or point the "
                   "SCIKIT_LEARN_DATA environment variable at a folder that holds scikit-learn's cache of it; or "
                   "connect once so scikit-learn can download and cache it (about 400 kB)."),
                code="california_unavailable",
            ) from None
        try:
            bunch = fetch_california_housing(as_frame=True, n_retries=1, delay=0.5)
        except Exception as err:  # any network or archive failure: same advice
            raise DatasetUnavailable(
                N_("Downloading the California housing data failed ({detail}). Use the bundled diabetes data set "
                   "(--dataset diabetes), which works offline, or try again later."),
                code="california_unavailable", detail=f"{type(err).__name__}: {err}",
            ) from None
    return bunch.frame


def load_california() -> Table:
    """scikit-learn's California housing data: 20,640 block groups, 8 features, median value in $100,000."""
    return Table(
        frame=_california_frame().copy(),
        target="MedHouseVal",
        name="california",
        source="sklearn.datasets.fetch_california_housing (1990 U.S. census; downloaded once, then cached)",
        units=dict(CALIFORNIA_UNITS),
    )


def california_available() -> bool:
    """Whether the California data can be had right now (cached, or a download would start), in seconds."""
    try:
        _california_frame()
        return True
    except DatasetUnavailable:
        return False


@functools.lru_cache(maxsize=1)
def _diabetes_frame() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True, scaled=False)
    return bunch.frame.rename(columns={"target": "progression"})


def load_diabetes() -> Table:
    """scikit-learn's bundled diabetes data: 442 patients, 10 features, disease progression after a year."""
    return Table(
        frame=_diabetes_frame().copy(),
        target="progression",
        name="diabetes",
        source="sklearn.datasets.load_diabetes (bundled with scikit-learn; works offline)",
        units=dict(DIABETES_UNITS),
    )


def load_builtin(name: str) -> Table:
    if name == "california":
        return load_california()
    if name == "diabetes":
        return load_diabetes()
    raise DataError(N_("Unknown data set {name!r}; choose one of {choices} or give a CSV file."),
                    code="unknown_dataset", name=name, choices=", ".join(BUILTIN))
