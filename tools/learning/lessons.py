"""Lessons with evidence: what a tenant's outcomes taught about one segment (pure logic).

For every factor level of a segment, its positive rate is compared with the rest of the segment
(Beta(1 + positives, 1 + misses) posteriors, normal approximation of the probability that the
level is better). A level becomes a *candidate* lesson with enough sends and probability, a
*confirmed* one with more of both, and a lesson is *retired* when later evidence drops its
probability below the retire threshold. Thresholds, phrasing and the prior shift that confirmed
lessons give the strategy model live in ``tools/policies/learning.toml`` (``[lessons]``).

The lesson id is deterministic in (tenant, segment, factor, level): distilling again MERGES into
the same lesson (updated counts and evidence) instead of adding a duplicate. The caller stores
lessons (Chroma, ``memory/lessons.py``) and retrieves them for the strategy step.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, cast

from ipe.domain import Lesson
from ipe.memory.outcomes import ArmStat
from ipe.tools.learning.bandit import FACTORS
from ipe.tools.learning.segments import channel_label, group_label, parse_segment
from ipe.tools.policies import load_pack

Factor = Literal["tone", "angle", "cta"]
Status = Literal["candidate", "confirmed", "retired"]


@cache
def settings() -> dict[str, Any]:
    """Return the ``[lessons]`` table of ``learning.toml``."""
    return cast(dict[str, Any], load_pack("learning")["lessons"])


def lesson_id(tenant: str, segment: str, factor: str, level: str) -> str:
    """Return the deterministic id of the lesson about ``factor=level`` in ``segment``."""
    digest = hashlib.sha1(f"{tenant}\x1f{segment}\x1f{factor}\x1f{level}".encode()).hexdigest()
    return f"lesson-{digest[:16]}"


def probability_better(pos_a: float, n_a: float, pos_b: float, n_b: float) -> float:
    """Return P(rate A > rate B) under Beta(1 + pos, 1 + n - pos) posteriors (normal approx.)."""

    def moments(pos: float, n: float) -> tuple[float, float]:
        a, b = 1.0 + pos, 1.0 + max(n - pos, 0.0)
        return a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1.0))

    mean_a, var_a = moments(pos_a, n_a)
    mean_b, var_b = moments(pos_b, n_b)
    z = (mean_a - mean_b) / math.sqrt(var_a + var_b)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def lesson_text(
    segment: str, factor: str, level: str, status: str, rate: float, sends: int, baseline: float
) -> str:
    """Return the lesson's English sentence.

    Example: "On instagram, for outdoor and travel creators, opening with their latest content
    works: 42% positive over 57 sends vs 18% otherwise."
    """
    cfg = settings()
    channel, group = parse_segment(segment)
    intro = (
        cfg["intro"].get(channel, cfg["intro"]["default"]).format(channel=channel_label(channel))
    )
    phrase = cfg["phrases"][factor].get(level, level.replace("_", " "))
    return (
        f"{intro}, for {group_label(group)} creators, {phrase} {cfg['verdict'][status]}: "
        f"{rate:.0%} positive over {sends} sends vs {baseline:.0%} otherwise."
    )


def _status(sends: float, probability: float, prior: Lesson | None) -> Status | None:
    cfg = settings()
    if sends >= cfg["confirmed_sends"] and probability >= cfg["confirmed_probability"]:
        return "confirmed"
    if (
        prior is not None
        and prior.status == "confirmed"
        and probability >= cfg["retire_probability"]
    ):
        return "confirmed"
    if sends >= cfg["candidate_sends"] and probability >= cfg["candidate_probability"]:
        return "candidate"
    if prior is None:
        return None
    if prior.status != "retired" and probability < cfg["retire_probability"]:
        return "retired"
    return prior.status


def _material(new: Lesson, old: Lesson | None) -> bool:
    if old is None:
        return True
    cfg = settings()
    return (
        new.status != old.status
        or abs(new.sends - old.sends) >= cfg["min_new_sends"]
        or abs(new.rate - old.rate) >= cfg["min_rate_change"]
        or abs(new.probability_best - old.probability_best) >= cfg["min_probability_change"]
    )  # new evidence ids alone are not material: they ride along with the next real change


def distil(
    tenant: str,
    segment: str,
    stats: list[ArmStat],
    existing: list[Lesson],
    *,
    now: str,
    evidence_ids: Mapping[tuple[str, str], list[str]] | None = None,
) -> list[Lesson]:
    """Return the lessons of ``segment`` to upsert: only new or materially changed ones.

    Args:
        tenant: The tenant the lessons belong to (part of the deterministic id).
        segment: The segment to distil (other segments' stats are ignored).
        stats: The tenant's per-arm aggregates (``OutcomeStore.arm_stats``).
        existing: Lessons already stored (any segment; matched by id).
        now: The timestamp to stamp on changed lessons.
        evidence_ids: Optional message ids per ``(factor, level)``, newest first; up to
            ``max_message_ids`` are kept, merged with the existing evidence.
    """
    cfg = settings()
    own = [s for s in stats if s.segment == segment and s.sends > 0]
    total_sends = sum(s.sends for s in own)
    total_pos = sum(s.positives for s in own)
    known = {lesson.id: lesson for lesson in existing}
    result: list[Lesson] = []
    for factor, levels in FACTORS.items():
        for level in levels:
            sends = sum(s.sends for s in own if getattr(s, factor) == level)
            positives = sum(s.positives for s in own if getattr(s, factor) == level)
            rest_sends, rest_pos = total_sends - sends, total_pos - positives
            if sends == 0 or rest_sends == 0:
                continue
            probability = probability_better(positives, sends, rest_pos, rest_sends)
            ident = lesson_id(tenant, segment, factor, level)
            prior = known.get(ident)
            status = _status(sends, probability, prior)
            if status is None:
                continue
            rate, baseline = positives / sends, rest_pos / rest_sends
            fresh = list((evidence_ids or {}).get((factor, level), []))
            ids = list(dict.fromkeys(fresh + (prior.message_ids if prior else [])))
            lesson = Lesson(
                id=ident,
                text=lesson_text(segment, factor, level, status, rate, sends, baseline),
                segment=segment,
                factor=cast(Factor, factor),
                level=level,
                status=status,
                sends=sends,
                positives=float(positives),
                baseline_rate=round(baseline, 4),
                rate=round(rate, 4),
                probability_best=round(probability, 4),
                message_ids=ids[: int(cfg["max_message_ids"])],
                updated_at=now,
            )
            if _material(lesson, prior):
                result.append(lesson)
    return result


def lesson_bonus(lessons: list[Lesson], segment: str) -> dict[tuple[str, str, str], float]:
    """Return the strategy model's prior shifts for ``segment`` from confirmed lessons.

    A confirmed lesson of this segment adds ``bonus`` pseudo-positives to its factor level; one
    of another segment with the same channel or the same niche group adds ``related_weight`` of
    that. Keys are ``(segment, factor, level)`` as ``StrategyModel`` expects.
    """
    cfg = settings()
    channel, group = parse_segment(segment)
    shifts: dict[tuple[str, str, str], float] = {}
    for lesson in lessons:
        if lesson.status != "confirmed":
            continue
        other_channel, other_group = parse_segment(lesson.segment)
        if lesson.segment == segment:
            weight = 1.0
        elif other_channel == channel or other_group == group:
            weight = float(cfg["related_weight"])
        else:
            continue
        key = (segment, lesson.factor, lesson.level)
        shifts[key] = shifts.get(key, 0.0) + weight * float(cfg["bonus"])
    return shifts
