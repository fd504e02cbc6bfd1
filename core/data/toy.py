"""Two-dimensional teaching data sets for classification, in TensorFlow Playground's manner: two classes of points
in the plane (columns ``x1``, ``x2`` and ``class``, 0 or 1), generated from a seed, so "regenerate" is a new seed.

Moons and circles are scikit-learn's own generators (``make_moons``, ``make_circles``); two Gaussians are
``make_blobs`` with two centres; XOR and the spiral are written out here (scikit-learn has neither). ``noise`` is
the standard deviation of Gaussian noise added to each coordinate (the Gaussians: added to the blobs' spread), in
the units of the plane, which spans about -1.5 to 1.5 for every set.
"""

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs, make_circles, make_moons

from core.data.table import Table
from core.errors import N_, DataError

TOYS = ("moons", "circles", "xor", "gaussians", "spiral")
COLUMNS = ("x1", "x2")
TARGET = "class"


@dataclass
class ToyConfig:
    name: str = "moons"  # one of TOYS
    samples: int = 1000  # points, split evenly between the two classes
    noise: float = 0.1  # the standard deviation of the noise on each coordinate
    seed: int = 0  # the same seed draws the same points

    def check(self):
        if self.name not in TOYS:
            raise DataError(N_("Unknown data set {name!r}; choose one of {choices} or give a CSV file."),
                            code="unknown_dataset", name=str(self.name), choices=", ".join(TOYS))
        if not 40 <= self.samples <= 100_000:
            raise DataError(N_("A teaching data set has 40 to 100,000 points."), code="toy_samples")
        if not (math.isfinite(self.noise) and 0 <= self.noise <= 1):
            raise DataError(N_("Noise is a standard deviation from 0 to 1 (0.1 blurs the classes' edge a little)."),
                            code="toy_noise")


def _xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [-1.5, 1.5]², class 1 where the two coordinates have the same sign."""
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    X += np.sign(X) * 0.05  # a thin margin along the axes, as TensorFlow Playground keeps
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def _spiral(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms, each turning 1.75 times around the centre as its radius grows to 1.5."""
    y = np.arange(n) % 2
    t = rng.uniform(0.05, 1.0, size=n)
    angle = t * 1.75 * 2 * math.pi + y * math.pi
    X = np.column_stack([np.cos(angle), np.sin(angle)]) * (1.5 * t)[:, None]
    return X, y


def generate(config: ToyConfig) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and their classes (n,) for ``config``."""
    config.check()
    n, noise, seed = config.samples, config.noise, config.seed
    rng = np.random.default_rng(seed)
    if config.name == "moons":
        X, y = make_moons(n, noise=noise, random_state=seed)
        X = (X - [0.5, 0.25]) * 1.2  # centred on the origin, spanning about ±1.5
    elif config.name == "circles":
        X, y = make_circles(n, noise=noise, factor=0.5, random_state=seed)
        X = X * 1.4
    elif config.name == "gaussians":
        X, y = make_blobs(n, centers=[(-0.8, -0.8), (0.8, 0.8)], cluster_std=0.35 + noise, random_state=seed)
    else:
        X, y = (_xor if config.name == "xor" else _spiral)(n, rng)
        X = X + rng.normal(0.0, noise, size=X.shape) if noise else X
    return X.astype(np.float64), y.astype(int)


def load_toy(config: ToyConfig | None = None) -> Table:
    """A teaching data set as a table: ``x1``, ``x2`` and ``class``."""
    config = config or ToyConfig()
    X, y = generate(config)
    frame = pd.DataFrame({COLUMNS[0]: X[:, 0], COLUMNS[1]: X[:, 1], TARGET: y})
    return Table(frame=frame, target=TARGET, name=config.name,
                 source=f"{config.name}: {config.samples} points, noise {config.noise:g}, seed {config.seed} "
                        "(generated; two classes)", origin=asdict(config))
