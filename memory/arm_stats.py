"""Reading the per-arm aggregates of the outcome store, cached until they change.

The cache of one open store is valid while its own writes have not moved the aggregates
(``StoreUnit.generation``) and no other connection has committed (the database's
``data_version``). ``recompute_arm_stats`` rebuilds a tenant's aggregates from the messages: it
always equals ``arm_stats``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ipe.memory.aggregates import MICRO, contribution
from ipe.memory.records import ArmStat
from ipe.memory.unit import StoreUnit


class ArmStats:
    """The per-(segment, arm) aggregates: per tenant, per tenant for pooling, over every tenant."""

    def __init__(self, unit: StoreUnit) -> None:
        """Read through ``unit``."""
        self.unit = unit
        self._cache: dict[str | None, tuple[tuple[int, int], list[ArmStat]]] = {}
        self._by_tenant: tuple[tuple[int, int], dict[str, list[ArmStat]]] | None = None

    @staticmethod
    def _stats(rows: Iterable[Any]) -> list[ArmStat]:
        return [
            ArmStat(
                segment=row["segment"],
                tone=row["tone"],
                angle=row["angle"],
                cta=row["cta"],
                sends=int(row["sends"]),
                reward_sum=int(row["reward_micro"]) / MICRO,
                positives=int(row["positives"]),
            )
            for row in rows
        ]

    def _cached_stats(self, tenant: str | None) -> list[ArmStat]:
        """The aggregates of ``tenant`` (None: of every tenant), re-read only after they changed.

        The cache is valid while this connection has not changed the aggregates (``_generation``)
        and no other connection has committed (SQLite's ``data_version``).
        """
        with self.unit.lock:
            other = self.unit.db.data_version()
            version = (self.unit.generation, other)
            hit = self._cache.get(tenant)
            if hit is not None and hit[0] == version:
                return list(hit[1])
            if tenant is None:
                rows = self.unit.read(
                    "SELECT segment, tone, angle, cta, SUM(sends) AS sends, "
                    "SUM(reward_micro) AS reward_micro, SUM(positives) AS positives "
                    "FROM arm_stats GROUP BY segment, tone, angle, cta HAVING SUM(sends) > 0 "
                    "ORDER BY segment, tone, angle, cta"
                )
            else:
                rows = self.unit.read(
                    "SELECT * FROM arm_stats WHERE tenant = ? AND sends > 0 "
                    "ORDER BY segment, tone, angle, cta",
                    (tenant,),
                )
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[tenant] = (version, self._stats(rows))
            return list(self._cache[tenant][1])

    def arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's per-(segment, arm) aggregates with at least one send."""
        return self._cached_stats(tenant)

    def arm_stats_by_tenant(self) -> dict[str, list[ArmStat]]:
        """Every tenant's aggregates, per tenant, for bounded pooling (re-read after changes).

        Only ``ipe.tools.learning.pooling`` reads this, and it never hands one tenant's rates to
        another: nothing that a caller sees comes from here directly.
        """
        with self.unit.lock:
            other = self.unit.db.data_version()
            version = (self.unit.generation, other)
            if self._by_tenant is not None and self._by_tenant[0] == version:
                return self._by_tenant[1]
            rows = self.unit.read(
                "SELECT * FROM arm_stats WHERE sends > 0 ORDER BY tenant, segment, tone, angle, cta"
            )
            grouped: dict[str, list[Any]] = {}
            for row in rows:
                grouped.setdefault(str(row["tenant"]), []).append(row)
            result = {tenant: self._stats(group) for tenant, group in grouped.items()}
            self._by_tenant = (version, result)
            return result

    def population_arm_stats(self) -> list[ArmStat]:
        """Return the per-(segment, arm) aggregates summed over every tenant (counts only)."""
        return self._cached_stats(None)

    def recompute_arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's aggregates recomputed from the messages (must equal arm_stats)."""
        totals: dict[tuple[str, str, str, str], list[int]] = {}
        rows = self.unit.read(
            "SELECT segment, tone, angle, cta, sent_at IS NOT NULL AS sent, outcome, COUNT(*) AS n"
            " FROM messages WHERE tenant = ? GROUP BY segment, tone, angle, cta, sent, outcome",
            (tenant,),
        )
        for row in rows:
            sends, reward, positives = contribution(bool(row["sent"]), str(row["outcome"]))
            key = (row["segment"], row["tone"], row["angle"], row["cta"])
            acc = totals.setdefault(key, [0, 0, 0])
            acc[0] += sends * row["n"]
            acc[1] += reward * row["n"]
            acc[2] += positives * row["n"]
        return [
            ArmStat(*key, sends=acc[0], reward_sum=acc[1] / MICRO, positives=acc[2])
            for key, acc in sorted(totals.items())
            if acc[0] > 0
        ]
