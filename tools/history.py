"""Context retrieval's logic: channel rules, interaction history, timing and relevant lessons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graph.domain import Channel, ProfileAnalysis, Prospect
from graph.state import HistoryItem, RetrievedContext
from memory.lessons import LessonMemory
from memory.outcomes import MessageRecord
from tools.policy import load_policy
from tools.segments import describe_segment, segment_key
from tools.strategy import knobs


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build_context(
    *,
    prospect: Prospect,
    channel: Channel,
    analysis: ProfileAnalysis,
    past: list[tuple[MessageRecord, str]],
    lessons: LessonMemory,
    lessons_k: int,
    linkedin_free_account: bool,
) -> RetrievedContext:
    """Assemble the run's context; ``past`` must already be this tenant's and this prospect's."""
    policy = load_policy(channel)
    limit = policy.body_limit
    if linkedin_free_account and policy.free_account_limit:
        limit = policy.free_account_limit
    history = [
        HistoryItem(
            at=h.at,
            channel=h.channel,
            direction=h.direction,
            summary=h.text[:120],
            outcome=h.outcome,
        )
        for h in prospect.interaction_history
    ] + [
        HistoryItem(
            at=rec.created_at,
            channel=rec.channel,
            direction="outbound",
            summary=f"{rec.tone}/{rec.angle}/{rec.cta} message",
            outcome=outcome,
        )
        for rec, outcome in past
    ]
    segment = segment_key(channel, analysis.niche_group)
    description = describe_segment(segment)
    found = lessons.search(description, k=lessons_k, status="confirmed")
    notes = [f"retrieved {len(found)} confirmed lesson(s) for {description}"] if found else []
    window = timedelta(days=int(knobs()["status"]["needs_review_if_contacted_within_days"]))
    now = datetime.now(UTC)
    recent = any(
        h.direction == "outbound" and (t := _when(h.at)) is not None and now - t < window
        for h in history
    )
    if recent:
        notes.append(f"this prospect was contacted within the last {window.days} days")
    return RetrievedContext(
        channel=channel,
        segment=segment,
        segment_description=description,
        body_limit=limit,
        unit=policy.unit,
        links_allowed=policy.links_allowed,
        history=history,
        lessons=found,
        best_hours_utc=analysis.active_hours_utc,
        contacted_recently=recent,
        notes=notes,
    )
