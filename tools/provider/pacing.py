"""Pacing model calls under a provider's rate limits: requests and tokens per minute.

A provider meters an account in requests and tokens a minute and answers 429 with ``Retry-After``
beyond that. Every structured model call (``llm.call_structured``) waits here for capacity before
it is sent, so a batch keeps under the limit instead of collecting 429s:

- one ``Pacer`` per provider key (the model's server and name), process-wide, shared by every run
  and batch in the process; its buckets are aiolimiter leaky buckets (capacity: a minute's worth,
  refilled continuously, as providers document their limits);
- limits come from ``Context.model_rpm``/``model_tpm`` (``IPE_MODEL_RPM``, ``IPE_MODEL_TPM``,
  ``ipe batch --rpm/--tpm``) and from the provider's ``x-ratelimit-*`` answer headers: a provider's
  limit lower than the configured one wins, and its ``remaining`` counts correct our level;
- a call's tokens are estimated before it is sent (prompt characters / 4 plus the answer it may
  write) and corrected from the answer's usage;
- a 429 pauses the whole key for the provider's ``Retry-After``: every call waits it out.

Waiting here is *queue time*: inside a batch (``QueueClock`` set for the row) it does not count
against the message's deadline, only against the batch's budget; a single run (no clock) counts it
as run time, as before.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter

WINDOW_S = 60.0
"""The provider's metering window: limits are per minute."""

HEADROOM = 0.98
"""The share of a limit the buckets refill at: a request admitted here reaches the provider a
moment later (and the first one, opening the connection, later still), so pacing exactly at the
limit would now and then arrive a hair early and get a 429."""

CHARS_PER_TOKEN = 4
"""The estimate of a prompt's tokens before it is sent (corrected from the answer's usage)."""


class Bucket(AsyncLimiter):
    """aiolimiter's leaky bucket, plus what a provider's answers tell us after the fact.

    ``adjust`` corrects the level by a call's actual use (a refund when negative), ``resize``
    follows a provider's limit and ``sync`` its remaining count. They use aiolimiter's own
    ``_leak``/``_wake_next``, so waiters are woken as they would be after an ``acquire``.
    """

    def level(self) -> float:
        """The capacity in use now (0: a full minute's worth is free)."""
        self._leak()
        return self._level

    def adjust(self, amount: float) -> None:
        """Add ``amount`` to the level (a negative amount frees capacity), never below 0."""
        self._leak()
        self._level = max(0.0, self._level + amount)
        self._wake_next()

    def resize(self, max_rate: float) -> None:
        """A new capacity per window (the level is kept, so a smaller one waits for the drip)."""
        if max_rate <= 0 or max_rate == self.max_rate:
            return
        self._leak()
        self.max_rate = max_rate
        self._rate_per_sec = max_rate / self.time_period
        self._wake_next()

    def sync(self, remaining: float) -> None:
        """The provider says only ``remaining`` is left: raise our level to match (never lower)."""
        self._leak()
        self._level = min(self.max_rate, max(self._level, self.max_rate - remaining))
        self._wake_next()

    async def take(self, amount: float) -> None:
        """``acquire``, with an amount above the capacity taken as the whole capacity."""
        await self.acquire(min(max(amount, 0.0), self.max_rate))


@dataclass
class PacerStats:
    """What one provider key's pacer did (for the batch summary and the bench)."""

    admitted: int = 0
    rate_limited: int = 0
    queued_s: float = 0.0
    estimated_tokens: int = 0
    used_tokens: int = 0


@dataclass
class Pacer:
    """The request and token buckets of one provider key, and its 429 pause."""

    key: str
    rpm: float | None = None
    tpm: float | None = None
    requests: Bucket | None = None
    tokens: Bucket | None = None
    paused_until: float = 0.0
    """Loop time until which every call waits (a 429's ``Retry-After``)."""
    configured: tuple[float | None, float | None] = (None, None)
    learned: tuple[float | None, float | None] = (None, None)
    stats: PacerStats = field(default_factory=PacerStats)

    def configure(self, rpm: float | None, tpm: float | None) -> None:
        """Set the limits the user gave (None: only what the provider's headers say)."""
        if (rpm, tpm) != self.configured:
            self.configured = (rpm, tpm)
            self._apply()

    def _apply(self) -> None:
        rpm = _lowest(self.configured[0], self.learned[0])
        tpm = _lowest(self.configured[1], self.learned[1])
        self.requests = _bucket(self.requests, rpm)
        self.tokens = _bucket(self.tokens, tpm)
        self.rpm, self.tpm = rpm, tpm

    async def admit(self, estimate: int) -> None:
        """Wait until one request and ``estimate`` tokens fit (and any 429 pause is over)."""
        loop = asyncio.get_running_loop()
        while True:
            if (pause := self.paused_until - loop.time()) > 0:
                await asyncio.sleep(pause)
                continue
            if self.requests is not None:
                await self.requests.take(1)
            if self.tokens is not None:
                await self.tokens.take(estimate)
            if self.paused_until <= loop.time():
                break
            self._give_back(estimate)  # a 429 paused the key while we waited: queue again
        self.stats.admitted += 1
        self.stats.estimated_tokens += estimate

    def _give_back(self, estimate: int) -> None:
        if self.requests is not None:
            self.requests.adjust(-1)
        if self.tokens is not None:
            self.tokens.adjust(-estimate)

    def settle(self, estimate: int, used: int | None, headers: Mapping[str, Any] | None) -> None:
        """Correct the token level from the answer's usage and follow the provider's headers."""
        if used is not None:
            self.stats.used_tokens += used
            if self.tokens is not None:
                self.tokens.adjust(used - estimate)
        self.follow(headers)

    def refused(
        self, estimate: int, wait_s: float | None, headers: Mapping[str, Any] | None
    ) -> None:
        """A 429: the request never ran (its capacity is given back); pause for ``wait_s``."""
        self.stats.rate_limited += 1
        self._give_back(estimate)
        if wait_s is None:  # no Retry-After: wait for a request's worth to drip back
            wait_s = WINDOW_S / self.rpm if self.rpm else 1.0
        loop = asyncio.get_running_loop()
        self.paused_until = max(self.paused_until, loop.time() + wait_s)
        self.follow(headers)

    def follow(self, headers: Mapping[str, Any] | None) -> None:
        """Apply ``x-ratelimit-limit-*`` (the account's limits) and ``-remaining-*`` counts."""
        if not headers:
            return
        limits = (_number(headers, "x-ratelimit-limit-requests"),
                  _number(headers, "x-ratelimit-limit-tokens"))  # fmt: skip
        if limits != (None, None) and limits != self.learned:
            self.learned = (limits[0] or self.learned[0], limits[1] or self.learned[1])
            self._apply()
        remaining = _number(headers, "x-ratelimit-remaining-requests")
        if remaining is not None and self.requests is not None:
            self.requests.sync(remaining)
        remaining = _number(headers, "x-ratelimit-remaining-tokens")
        if remaining is not None and self.tokens is not None:
            self.tokens.sync(remaining)


def _lowest(*values: float | None) -> float | None:
    given = [v for v in values if v is not None and v > 0]
    return min(given) if given else None


def _bucket(bucket: Bucket | None, rate: float | None) -> Bucket | None:
    if rate is None:
        return None
    if bucket is None:
        return Bucket(rate, WINDOW_S / HEADROOM)  # a window's worth deep, refilled a bit slower
    bucket.resize(rate)
    return bucket


def _number(headers: Mapping[str, Any], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")


def parse_duration(text: str) -> float | None:
    """A provider's reset duration (``"1s"``, ``"6m0s"``, ``"20ms"``) in seconds."""
    parts = _DURATION.findall(text.strip())
    if not parts:
        return None
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return sum(float(n) * scale[unit] for n, unit in parts)


_PACERS: dict[str, Pacer] = {}


def pacer_for(key: str) -> Pacer:
    """The process-wide pacer of a provider key (created on first use, without limits)."""
    pacer = _PACERS.get(key)
    if pacer is None:
        pacer = _PACERS[key] = Pacer(key)
    return pacer


def provider_key(model: Any) -> str:
    """A model's provider key: its class, server and model name (any LangChain chat model)."""
    servers = (getattr(model, a, None) for a in ("openai_api_base", "base_url", "api_base"))
    base = next((str(v) for v in servers if v), "")
    name = getattr(model, "model_name", None) or getattr(model, "model", None) or ""
    return f"{type(model).__name__}|{base}|{name}"


def estimate_tokens(*texts: str, answer: int = 0) -> int:
    """The tokens a call will use: its prompt's characters / 4 plus ``answer`` for the reply."""
    return sum(len(t) for t in texts) // CHARS_PER_TOKEN + answer


class QueueExhausted(Exception):
    """Waiting for the provider's capacity would end after the batch's budget."""


@dataclass
class QueueClock:
    """A batch row's clock of queue time: waiting for capacity is not run time.

    ``budget_at`` (a ``time.time()`` instant, None: no budget) is when the batch's budget ends;
    ``queued_s`` the time this row's calls spent only queued so far. The row's backstop timeout
    (``asyncio.Timeout``) is held while it waits.
    """

    budget_at: float | None = None
    queued_s: float = 0.0
    backstop: asyncio.Timeout | None = None
    _waiting: int = 0
    _since: float = 0.0
    _held: float | None = None

    def shift(self) -> float:
        """Seconds the row's deadline moves by: its queue time so far, the current wait included."""
        return self.queued_s + (time.time() - self._since if self._waiting else 0.0)

    def budget_left(self) -> float:
        """Seconds until the batch's budget ends (infinite without one)."""
        return math.inf if self.budget_at is None else self.budget_at - time.time()

    @contextmanager
    def queued(self) -> Iterator[None]:
        """Count the time inside as queue time (overlapping waits of one row count once)."""
        if self._waiting == 0:
            self._since = time.time()
            self._hold_backstop()
        self._waiting += 1
        try:
            yield
        finally:
            self._waiting -= 1
            if self._waiting == 0:
                self.queued_s += time.time() - self._since
                self._release_backstop()

    def _hold_backstop(self) -> None:
        if self.backstop is not None and (when := self.backstop.when()) is not None:
            self._held = when - asyncio.get_running_loop().time()
            self.backstop.reschedule(None)

    def _release_backstop(self) -> None:
        if self.backstop is not None and self._held is not None:
            self.backstop.reschedule(asyncio.get_running_loop().time() + self._held)
            self._held = None


queue_clock: ContextVar[QueueClock | None] = ContextVar("queue_clock", default=None)
"""The current batch row's queue clock (None outside a batch: queue time is run time)."""


def queue_shift() -> float:
    """The current row's queue time (0 outside a batch): what its deadline moves by."""
    clock = queue_clock.get()
    return clock.shift() if clock is not None else 0.0


def rate_limited_total() -> int:
    """429 answers seen by every pacer in this process so far."""
    return sum(p.stats.rate_limited for p in _PACERS.values())
