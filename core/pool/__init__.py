"""The worker pool: training runs in worker processes for many users of one server (core/pool/pool.py)."""

from core.pool.pool import ACTIVE, DEFAULT_NICE, Engine, ProcessEngine, RunState, TrainingPool

__all__ = ["ACTIVE", "DEFAULT_NICE", "Engine", "ProcessEngine", "RunState", "TrainingPool"]
