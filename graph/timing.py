"""Where a run's time goes: each node's tasks leave a ``StepSpan``; a step's time is their union.

A step's figure is wall-clock time during which at least one of its tasks ran, so the parallel
drafting branches count once (not their sum) and a repair round adds its own span to drafting.
With tracing on, each step (but a drafting branch, which does not see the others) puts the run's
timings so far in the metadata of the trace's root run (``timings``): the last step's are the run's.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ipe.graph.state import WAITING, StepSpan
from ipe.tracing import annotate_run

STEPS: tuple[str, ...] = ("research", "context", "strategy", "drafting", "critic", "feedback")
"""The steps reported, in graph order (``profile_research`` is reported as research)."""


F = TypeVar("F", bound=Callable[..., Awaitable[dict[str, Any]]])


def timed(step: str) -> Callable[[F], F]:
    """Decorate an async node so that its update carries a ``StepSpan`` for ``step``."""

    def wrap(node: F) -> F:
        @functools.wraps(node)
        async def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
            start = time.time()
            update = await node(*args, **kwargs)
            span = StepSpan(step=step, start=start, end=time.time())
            earlier = getattr(args[0], "spans", None) if args else None
            if isinstance(earlier, list):  # the run's steps so far go to its trace's root run
                annotate_run(timings=step_timings([*earlier, span]))
            return {**update, "spans": [*update.get("spans", []), span]}

        return run  # type: ignore[return-value]

    return wrap


def step_timings(spans: list[StepSpan]) -> dict[str, float]:
    """Seconds per step (union of its spans, rounded to ms) plus ``total`` (first start to end).

    Time waiting for a person (``WAITING``) is reported apart and left out of ``total``.
    """
    out: dict[str, float] = {}
    covered: dict[str, float] = {}
    for step in (*STEPS, WAITING):
        intervals = sorted((s.start, s.end) for s in spans if s.step == step)
        total, reach = 0.0, float("-inf")
        for start, end in intervals:
            if end > reach:
                total += end - max(start, reach)
                reach = end
        if intervals:
            covered[step] = total
    out.update({step: round(secs, 3) for step, secs in covered.items() if step != WAITING})
    if spans:
        wall = max(s.end for s in spans) - min(s.start for s in spans)
        out["total"] = round(wall - covered.get(WAITING, 0.0), 3)
    if WAITING in covered:
        out[WAITING] = round(covered[WAITING], 3)
    return out
