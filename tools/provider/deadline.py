"""The per-message deadline: how much time a run has left and how long one model call may take.

A run gets ``Context.deadline_s`` seconds (``IPE_DEADLINE_S`` in ``ipe.settings``, default 30)
from the moment it starts. Model calls get what is left minus a *reserve*, the time the offline
steps after them need (the offline drafter for the variations a model did not finish, the critic
and the recording), so a run whose model is slow or silent still ends with a checked message,
within its deadline. Research, which only adds facts to the ones already extracted, may use at
most a share of the deadline, so the drafting round keeps time for its own call.

The deadline is a wall-clock instant (``time.time()``), so it survives a checkpoint and means the
same in every node of the run. Inside a batch, time a row's model calls spent queued for the
provider's capacity (``tools/provider/pacing.py``) is not run time: the deadline moves by it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ipe.tools.provider.pacing import queue_shift

DEFAULT_DEADLINE_S = 30.0
"""A message (or a clear status) within this many seconds unless configured otherwise."""

RESEARCH_SHARE = 0.4
"""Research may use at most this share of the deadline; drafting keeps the rest."""

CLASSIFY_SHARE = 0.5
"""Reply classification (feedback path) may use at most this share of the deadline."""

EMBED_SHARE = 0.2
"""An embedding request (the lesson search of context retrieval) may take this share at most."""

MIN_CALL_S = 0.05
"""A call (or a retry) is not started with less than this left: it could not finish."""


def deadline_or_default(value: float | None = None) -> float:
    """The deadline in seconds: ``value`` when it is a positive number, else the default.

    The run's own deadline comes resolved from the settings (``Context.deadline_s``); this is
    the backstop for a call made without one.
    """
    if value is None or not math.isfinite(value) or value <= 0:
        return DEFAULT_DEADLINE_S
    return value


def reserve_for(total_s: float) -> float:
    """Time kept after the last model call for the offline steps (10% of the deadline, 0.5-2 s).

    Never more than a third of the deadline, so a very short one still leaves time for a call.
    """
    return min(2.0, max(0.5, 0.1 * total_s), total_s / 3)


@dataclass(frozen=True)
class Deadline:
    """A run's deadline: the instant it ends (``time.time()`` seconds) and its length."""

    at: float
    total_s: float

    @classmethod
    def starting_now(cls, total_s: float) -> Deadline:
        """A deadline ``total_s`` seconds from now."""
        return cls(at=time.time() + total_s, total_s=total_s)

    def left(self) -> float:
        """Seconds until the deadline (negative once it has passed), queue time not counted."""
        return self.at + queue_shift() - time.time()

    def for_model(self, share: float | None = None) -> float:
        """How long a model call started now may take: what is left minus the reserve.

        ``share`` caps it at that share of the whole deadline (counted from the start of the run).
        Zero or less means there is no time for a model call at all.
        """
        budget = self.left() - reserve_for(self.total_s)
        if share is not None:
            started = self.at + queue_shift() - self.total_s
            budget = min(budget, started + share * self.total_s - time.time())
        return budget
