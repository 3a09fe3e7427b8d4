"""A local stand-in for LangSmith's tracer: it keeps every finished root run of a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from langchain_core.tracers.base import BaseTracer
from langchain_core.tracers.context import register_configure_hook
from langchain_core.tracers.schemas import Run


class RootRuns(BaseTracer):
    """Keeps every finished root run, as a LangSmith tracer would send it."""

    def __init__(self) -> None:
        super().__init__()
        self.roots: list[Run] = []

    def _persist_run(self, run: Run) -> None:
        self.roots.append(run)


_ACTIVE: ContextVar[RootRuns | None] = ContextVar("ipe_test_root_runs", default=None)
register_configure_hook(_ACTIVE, inheritable=True)  # like LangSmith's tracer: every run


@contextmanager
def root_runs() -> Iterator[RootRuns]:
    """Within the block every run is traced to the yielded collector (no network)."""
    collector = RootRuns()
    token = _ACTIVE.set(collector)
    try:
        yield collector
    finally:
        _ACTIVE.reset(token)
