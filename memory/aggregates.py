"""What one message contributes to the per-arm aggregates, and a rebuild from scratch.

A message counts as a send of its arm only once it was SENT and its outcome counts in the
strategy model (``tools/policies/reward.toml``: pending never counts, a bounce does not by
default). Rewards are integers in millionths so sums are exact.
"""

from __future__ import annotations

from typing import Any

from ipe.memory.database import Connection
from ipe.memory.reward import counts_in_model, is_positive, reward_of

MICRO = 1_000_000
"""Rewards are stored as integers in millionths so that sums are exact."""


def contribution(sent: bool, outcome: str) -> tuple[int, int, int]:
    """``(sends, reward in millionths, positives)`` of one message."""
    if not sent or not counts_in_model(outcome):
        return (0, 0, 0)
    return (1, round(reward_of(outcome) * MICRO), int(is_positive(outcome)))


def shift_arm(
    conn: Connection, tenant: str, arm: Any, contribution: tuple[int, int, int], sign: int
) -> None:
    """Move ``arm``'s aggregates by ``sign`` times ``contribution`` (in the caller's unit)."""
    sends, reward, positives = (sign * value for value in contribution)
    if not (sends or reward or positives):
        return
    conn.execute(
        "INSERT INTO arm_stats (tenant, segment, tone, angle, cta, sends, reward_micro, "
        "positives) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, segment, tone, "
        "angle, cta) DO UPDATE SET sends = arm_stats.sends + excluded.sends, "
        "reward_micro = arm_stats.reward_micro + excluded.reward_micro, "
        "positives = arm_stats.positives + excluded.positives",
        (
            tenant,
            arm["segment"],
            arm["tone"],
            arm["angle"],
            arm["cta"],
            sends,
            reward,
            positives,
        ),
    )


def rebuild_arm_stats(conn: Connection) -> None:
    """Recompute the whole ``arm_stats`` table from the messages (in the caller's transaction)."""
    conn.execute("DELETE FROM arm_stats")
    totals: dict[tuple[str, str, str, str, str], list[int]] = {}
    rows = conn.execute(
        "SELECT tenant, segment, tone, angle, cta, sent_at IS NOT NULL AS sent, outcome,"
        " COUNT(*) AS n FROM messages GROUP BY tenant, segment, tone, angle, cta, sent, outcome"
    ).fetchall()
    for row in rows:
        sends, reward, positives = contribution(bool(row["sent"]), str(row["outcome"]))
        key = (row["tenant"], row["segment"], row["tone"], row["angle"], row["cta"])
        acc = totals.setdefault(key, [0, 0, 0])
        acc[0] += sends * row["n"]
        acc[1] += reward * row["n"]
        acc[2] += positives * row["n"]
    conn.executemany(
        "INSERT INTO arm_stats (tenant, segment, tone, angle, cta, sends, reward_micro, positives)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*key, *acc) for key, acc in totals.items() if acc[0]],
    )
