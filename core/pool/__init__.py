"""The worker pool: training runs in worker processes for many users of one server.

``pool.py``: ``TrainingPool`` and ``RunState``, what the app talks to; ``engine.py``: where runs execute.
"""

from core.pool.engine import DEFAULT_NICE, Engine, ProcessEngine
from core.pool.pool import ACTIVE, RunState, TrainingPool

__all__ = ["ACTIVE", "DEFAULT_NICE", "Engine", "ProcessEngine", "RunState", "TrainingPool"]
