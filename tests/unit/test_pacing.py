"""The pacer: request and token buckets per provider key, corrected by usage, headers and 429s.

Waiting is checked on looptime's event loop (its clock moves only when every task waits), so
"the third request goes 30 s later" is exact and takes no real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import looptime
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.provider import pacing
from ipe.tools.provider.pacing import Bucket, Pacer, QueueClock, parse_duration

T = TypeVar("T")


def on_fake_clock(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main`` on an event loop whose clock starts at 0 and jumps over idle waits."""
    loop = looptime.new_event_loop(start=0, noop_cycles=10_000)
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def admissions(pacer: Pacer, estimates: list[int]) -> list[float]:
    """When (fake loop time) each of ``estimates`` was admitted, asked for one after another."""

    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        times = []
        for estimate in estimates:
            await pacer.admit(estimate)
            times.append(round(loop.time(), 3))
        return times

    return on_fake_clock(main)


def test_requests_wait_for_capacity_at_the_configured_rate() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=2, tpm=None)
    drip = 30 / pacing.HEADROOM  # one request a 30 s, refilled with a little headroom
    assert admissions(pacer, [10, 10, 10, 10]) == [0.0, 0.0, round(drip, 3), round(2 * drip, 3)]


def test_unconfigured_keys_are_not_paced() -> None:
    assert admissions(Pacer("k"), [10] * 50) == [0.0] * 50


def test_tokens_are_estimated_then_corrected_from_usage() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=None, tpm=1000)

    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        await pacer.admit(600)
        pacer.settle(600, used=200, headers=None)  # the answer used less: 400 come back
        await pacer.admit(700)  # 200 + 700 fit at once
        first = loop.time()
        pacer.settle(700, used=900, headers=None)  # it used more: 1,100 in use now
        await pacer.admit(100)  # waits until 200 have dripped out: 12 s at 1,000 a minute
        return [first, round(loop.time(), 3)]

    assert on_fake_clock(main) == [0.0, round(12.0 / pacing.HEADROOM, 3)]
    assert pacer.stats.used_tokens == 1100 and pacer.stats.admitted == 3


def test_an_estimate_above_the_capacity_takes_the_whole_bucket() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=None, tpm=100)
    assert admissions(pacer, [500, 50]) == [0.0, round(30.0 / pacing.HEADROOM, 3)]


def test_a_429_pauses_the_key_for_its_retry_after_and_gives_the_capacity_back() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=60, tpm=None)

    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        await pacer.admit(10)
        pacer.refused(10, 5.0, None)
        others = [asyncio.create_task(pacer.admit(10)) for _ in range(3)]
        await asyncio.gather(*others)
        return [round(loop.time(), 3), pacer.requests.level() if pacer.requests else -1]

    when, level = on_fake_clock(main)
    assert when == 5.0  # everyone waited the pause, then went (the refused request was refunded)
    assert level == pytest.approx(3.0)
    assert pacer.stats.rate_limited == 1


def test_the_providers_headers_set_the_limit_and_its_remaining_count() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=600, tpm=None)  # the user thinks 600; the provider says 10 a minute
    headers = {"x-ratelimit-limit-requests": "10", "x-ratelimit-remaining-requests": "0"}

    async def main() -> float:
        await pacer.admit(1)
        pacer.settle(1, used=None, headers=headers)
        await pacer.admit(1)
        return round(asyncio.get_running_loop().time(), 3)

    # nothing left of 10 a minute: one drips back in 6 s (and the headroom)
    assert on_fake_clock(main) == round(6.0 / pacing.HEADROOM, 3)
    assert pacer.rpm == 10


def test_a_lower_configured_limit_wins_over_the_providers() -> None:
    pacer = Pacer("k")
    pacer.configure(rpm=5, tpm=None)
    pacer.follow({"x-ratelimit-limit-requests": "500", "x-ratelimit-limit-tokens": "20000"})
    assert (pacer.rpm, pacer.tpm) == (5, 20000)


def test_unreadable_headers_change_nothing() -> None:
    pacer = Pacer("k")
    pacer.follow({"x-ratelimit-limit-requests": "lots", "x-ratelimit-remaining-tokens": "-3"})
    assert (pacer.rpm, pacer.tpm, pacer.requests, pacer.tokens) == (None, None, None, None)


def test_one_pacer_per_provider_key_for_the_whole_process() -> None:
    class Model:
        openai_api_base = "http://127.0.0.1:9/v1"
        model_name = "m"

    key = pacing.provider_key(Model())
    assert key == "Model|http://127.0.0.1:9/v1|m"
    assert pacing.pacer_for(key) is pacing.pacer_for(key)


def test_reset_durations() -> None:
    assert parse_duration("6m0s") == 360.0
    assert parse_duration("1.5s") == 1.5
    assert parse_duration("20ms") == pytest.approx(0.02)
    assert parse_duration("soon") is None


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now


def test_queue_time_moves_the_rows_deadline_once_for_overlapping_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = _Clock()
    monkeypatch.setattr(pacing, "time", clock)
    queue = QueueClock()
    with queue.queued():
        clock.now += 2
        with queue.queued():  # a second call of the same row waits alongside
            clock.now += 3
        assert queue.shift() == 5.0
    clock.now += 10  # running, not queued
    assert queue.queued_s == 5.0 and queue.shift() == 5.0


def test_the_rows_backstop_is_held_while_it_waits_in_the_queue() -> None:
    async def main() -> bool:
        queue = QueueClock()
        async with asyncio.timeout(1.0) as backstop:
            queue.backstop = backstop
            with queue.queued():
                await asyncio.sleep(5.0)  # queued: the backstop does not fire
            await asyncio.sleep(0.5)  # running again: 1 s of backstop is left
        return True

    assert on_fake_clock(main)


class _FakeLoop:
    """Just enough of an event loop for a bucket that never has to wait: a settable clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def is_closed(self) -> bool:
        return False


def _bucket(rate: float) -> tuple[Bucket, _FakeLoop]:
    bucket, loop = Bucket(rate, 60 / pacing.HEADROOM), _FakeLoop()
    bucket._event_loop = loop  # type: ignore[assignment]
    return bucket, loop


def _at_once(awaitable: Awaitable[None]) -> None:
    """Run a coroutine that must not wait (it has capacity)."""
    coro = awaitable.__await__()
    with pytest.raises(StopIteration):
        coro.send(None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.floats(0, 30)),
        max_size=30,
    )
)
def test_bucket_accounting_estimates_corrections_and_drip(
    calls: list[tuple[int, int, float]],
) -> None:
    """Whatever the estimates, usages and pauses: the level is what was used minus the drip."""
    rate = 1_000_000.0  # large: nothing waits, only the accounting is checked
    bucket, loop = _bucket(rate)
    rate *= 60 / bucket.time_period  # per window of 60 s
    expected = 0.0
    for estimate, used, pause in calls:
        _at_once(bucket.take(estimate))
        bucket.adjust(used - estimate)  # corrected from the answer's usage
        expected += used
        assert bucket.level() == pytest.approx(expected, abs=1e-6)
        loop.now += pause
        expected = max(0.0, expected - pause * rate / 60)
        assert bucket.level() == pytest.approx(expected, abs=1e-6) and bucket.level() >= 0


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1000), st.floats(0, 2000))
def test_a_providers_remaining_count_only_ever_raises_the_level(
    used: float, remaining: float
) -> None:
    bucket, _ = _bucket(1000)
    bucket.adjust(used)
    before = bucket.level()
    bucket.sync(remaining)
    after = bucket.level()
    assert after >= before - 1e-9  # never frees capacity the provider did not confirm
    assert 1000 - after <= max(remaining, 1000 - before) + 1e-9  # never more free than it says
