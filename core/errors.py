"""Errors a user can cause. Each carries a sentence that says what went wrong and how to fix it.

Pages show them with ``st.error``; the command line prints the sentence and exits non-zero. Anything that is not a
``PlaygroundError`` is a programming error and should fail loudly.

The sentence is an English template marked for translation (``N_``) and the params that fill it in:
``str(err)`` is the English; a page looks ``err.template`` up in its catalog and fills in the same ``err.params``.
``code`` names the kind of error for programs and tests; it stays the same whatever the wording. ``advice``, where
given, is a second sentence (itself a marked template, without params) that several errors share.
"""

from core.messages import N_, render

__all__ = ["N_", "CheckpointError", "ConfigError", "DataError", "DatasetUnavailable", "PlaygroundError",
           "PredictionError", "TensorOpError", "TrainingDiverged"]


class PlaygroundError(Exception):
    """Base class for every error caused by user input (data, settings, files)."""

    def __init__(self, template: str, *, code: str | None = None, advice: str | None = None, **params):
        super().__init__(render(template, params) + (f" {advice}" if advice else ""))
        self.template = template
        self.code = code
        self.advice = advice
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
    """The loss became NaN or infinite, or exploded."""
