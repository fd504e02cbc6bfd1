"""Errors a user can cause. Each carries a sentence that says what went wrong and how to fix it.

Pages show them with ``st.error``; the command line prints the sentence and exits non-zero. Anything that is not a
``PlaygroundError`` is a programming error and should fail loudly.

``code`` and ``params`` let a page show the same message in another language: the English sentence is the
fallback, ``code`` names the message and ``params`` fill it in.
"""


class PlaygroundError(Exception):
    """Base class for every error caused by user input (data, settings, files)."""

    def __init__(self, message: str, *, code: str | None = None, **params):
        super().__init__(message)
        self.code = code
        self.params = params


class DataError(PlaygroundError):
    """A data set or CSV that cannot be used as it is."""


class DatasetUnavailable(DataError):
    """A data set that has to be downloaded and cannot be, here and now."""


class ConfigError(PlaygroundError):
    """A setting out of its allowed range."""


class CheckpointError(PlaygroundError):
    """A checkpoint file that cannot be saved, found or safely loaded."""


class PredictionError(PlaygroundError):
    """Feature rows that do not fit the checkpoint they are given to."""


class TensorOpError(PlaygroundError):
    """A tensor operation that cannot be applied (shape, dimension, size cap)."""


class TrainingDiverged(PlaygroundError):
    """The loss became NaN or infinite."""
