"""Pooling across tenants: opt-in, bounded, and never a window onto another tenant's rates.

A tenant's strategy model may start from what other tenants learned (the population level of
``tools/learning/bandit.py``) only when it opts in (``Context.pool_tenants`` or
``$IPE_POOL_TENANTS``; off by default). Then the population is bounded (``[pooling]`` in
``tools/policies/learning.toml``):

- each other tenant counts as at most ``max_sends_per_tenant`` pseudo-sends (its aggregates are
  scaled down, keeping its rates), so one loud tenant cannot drown the others;
- the population is used only when at least ``min_tenants`` other tenants contribute, so what a
  tenant sees is never one other tenant's rates;
- the population prior's mean stays within ``max_prior_shift`` logits of the global prior on every
  coefficient (``BanditConfig.population_max_shift``), so no tenant, or group of tenants, moves
  another's prior by more than that (a single tenant's part in it is at most twice that).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from ipe.tools.policies import load_pack


class Aggregate(Protocol):
    """The per-(segment, arm) aggregate the strategy model reads (``ArmStat`` or ``PooledStat``)."""

    @property
    def segment(self) -> str:
        """The segment key."""
        ...

    @property
    def tone(self) -> str:
        """The tone level."""
        ...

    @property
    def angle(self) -> str:
        """The opening angle."""
        ...

    @property
    def cta(self) -> str:
        """The call to action."""
        ...

    @property
    def sends(self) -> float:
        """Sends (pseudo-sends when scaled)."""
        ...

    @property
    def reward_sum(self) -> float:
        """The summed reward."""
        ...

    @property
    def positives(self) -> float:
        """Positive outcomes."""
        ...


@dataclass(frozen=True)
class PooledStat:
    """Another tenant's aggregate, scaled to its bounded weight (fractional pseudo-sends)."""

    segment: str
    tone: str
    angle: str
    cta: str
    sends: float
    reward_sum: float
    positives: float


@dataclass(frozen=True)
class PoolConfig:
    """``[pooling]`` of ``tools/policies/learning.toml``."""

    max_sends_per_tenant: float = 30.0
    min_tenants: int = 3
    max_prior_shift: float = 0.05


@cache
def pool_config() -> PoolConfig:
    """The configured pooling bounds."""
    raw = load_pack("learning").get("pooling", {})
    defaults = PoolConfig()
    return PoolConfig(
        max_sends_per_tenant=float(raw.get("max_sends_per_tenant", defaults.max_sends_per_tenant)),
        min_tenants=int(raw.get("min_tenants", defaults.min_tenants)),
        max_prior_shift=float(raw.get("max_prior_shift", defaults.max_prior_shift)),
    )


def population_for(
    tenant: str,
    own: Sequence[Aggregate],
    by_tenant: Mapping[str, Sequence[Aggregate]],
    *,
    pool: bool,
    config: PoolConfig | None = None,
) -> list[Aggregate]:
    """The ``population_stats`` for ``tenant``'s strategy model.

    The model subtracts the tenant's own aggregates from the population, so the result is the
    tenant's own aggregates plus the bounded others: without pooling (or with too few other
    tenants) exactly its own, and the population level holds nothing.
    """
    cfg = config or pool_config()
    result: list[Aggregate] = list(own)
    if not pool:
        return result
    others = {t: rows for t, rows in by_tenant.items() if t != tenant and rows}
    if len(others) < max(1, cfg.min_tenants):
        return result
    for rows in others.values():
        total = sum(float(r.sends) for r in rows)
        scale = min(1.0, cfg.max_sends_per_tenant / total) if total > 0 else 0.0
        result += [
            PooledStat(
                r.segment,
                r.tone,
                r.angle,
                r.cta,
                float(r.sends) * scale,
                float(r.reward_sum) * scale,
                float(r.positives) * scale,
            )
            for r in rows
        ]
    return result
