"""Intervals for the learning figures: every rate a user reads comes with its uncertainty.

Shares use the Wilson score interval (good at small n and near 0 or 1); means and differences
use a normal interval from the sample spread; differences of two shares use Newcombe's hybrid
score interval (built from the two Wilson intervals). The level is ``[stats] interval`` in
``tools/policies/learning.toml`` (90% by default).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from statistics import NormalDist

from pydantic import BaseModel

from ipe.tools.policies import load_pack


@cache
def level() -> float:
    """The configured two-sided interval level (e.g. 0.90)."""
    return float(load_pack("learning")["stats"]["interval"])


@cache
def z_value(confidence: float | None = None) -> float:
    """The standard normal quantile of a two-sided interval at ``confidence``."""
    return NormalDist().inv_cdf(0.5 + (confidence or level()) / 2.0)


class Metric(BaseModel):
    """A figure with its sample size and interval; ``value`` is None when there is no data."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    note: str | None = None
    """Why the value is missing or should not be read as a comparison (e.g. not enough data)."""

    def show(self, fmt: str = ".1%") -> str:
        """``"12.3% [9.1%, 16.0%] n=140"``, or the note when there is no value."""
        if self.value is None:
            return f"{self.note or 'no data'} (n={self.n})"
        return f"{self.value:{fmt}} [{self.low:{fmt}}, {self.high:{fmt}}] n={self.n}"


def _wilson_bounds(successes: float, n: int, z: float) -> tuple[float, float]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(successes: float, n: int) -> Metric:
    """A share (``successes`` of ``n``) with its Wilson interval."""
    if n <= 0:
        return Metric(value=None, n=0, note="no data")
    low, high = _wilson_bounds(successes, n, z_value())
    return Metric(value=round(successes / n, 4), n=n, low=round(low, 4), high=round(high, 4))


def mean(values: Sequence[float]) -> Metric:
    """A mean with its normal interval (the sample standard deviation over the root of n)."""
    n = len(values)
    if n == 0:
        return Metric(value=None, n=0, note="no data")
    m = sum(values) / n
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    half = z_value() * sd / math.sqrt(n)
    return Metric(value=round(m, 4), n=n, low=round(m - half, 4), high=round(m + half, 4))


def share_difference(a: tuple[float, int], b: tuple[float, int], *, min_n: int) -> Metric:
    """The difference ``b - a`` of two shares (successes, n) with Newcombe's interval.

    Below ``min_n`` on either side the value is withheld: "not enough data".
    """
    (sa, na), (sb, nb) = a, b
    n = na + nb
    if min(na, nb) < min_n:
        return Metric(value=None, n=n, note=f"not enough data (needs {min_n} on each side)")
    z = z_value()
    pa, pb = sa / na, sb / nb
    la, ua = _wilson_bounds(sa, na, z)
    lb, ub = _wilson_bounds(sb, nb, z)
    diff = pb - pa
    low = diff - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    high = diff + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    return Metric(value=round(diff, 4), n=n, low=round(low, 4), high=round(high, 4))
