"""Context retrieval's logic: channel rules, interaction history, timing and relevant lessons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ipe.graph.context import Context
from ipe.graph.domain import Channel, ProfileAnalysis, Prospect
from ipe.graph.state import HistoryItem, RetrievedContext
from ipe.memory.handles import lesson_memory, outcome_store
from ipe.memory.lessons import LessonMemory
from ipe.memory.outcomes import MessageRecord, Suppression
from ipe.memory.people import Person
from ipe.tools.learning.segments import describe_segment, segment_key
from ipe.tools.trust.policy import load_policy
from ipe.tools.writing.strategy import knobs


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
    removed_sentences: list[str] | None = None,
    suppressed: Suppression | None = None,
) -> RetrievedContext:
    """Assemble the run's context; ``past`` must already be this tenant's and this prospect's.

    ``past`` is our contact with the person: their SENT messages (``OutcomeStore.sent_messages``),
    never previews or blocked runs.

    ``suppressed`` is the tenant's suppression entry for this person (``OutcomeStore.
    suppression_for``): when given, the prospect is opted out whatever ``past`` holds.
    """
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
            at=rec.sent_at or rec.created_at,
            channel=rec.channel,
            direction="outbound",
            summary=f"{rec.tone}/{rec.angle}/{rec.cta} message",
            outcome="blocked" if rec.status == "blocked" else outcome,
        )
        for rec, outcome in past
    ]
    segment = segment_key(channel, analysis.niche_group)
    description = describe_segment(segment)
    notes: list[str] = []
    try:
        found = lessons.search(description, k=lessons_k, status="confirmed")
    except Exception as err:  # noqa: BLE001 - e.g. an embedding server timing out: go on without
        found = []
        notes.append(f"lesson search failed ({type(err).__name__}), no lessons used")
    if found:
        notes.append(f"retrieved {len(found)} confirmed lesson(s) for {description}")
    window = timedelta(days=int(knobs()["status"]["needs_review_if_contacted_within_days"]))
    now = datetime.now(UTC)
    sent = [h for h in history if h.direction == "outbound" and h.outcome != "blocked"]
    recent = any((t := _when(h.at)) is not None and now - t < window for h in sent)
    if suppressed is not None:
        notes.append(f"this prospect is on the tenant's suppression list: {suppressed.describe()}")
    opted_out = suppressed is not None or analysis.asked_not_to_contact
    if recent:
        notes.append(f"this prospect was contacted within the last {window.days} days")
    if removed_sentences:
        notes.append(f"{len(removed_sentences)} sentence(s) this tenant keeps deleting are avoided")
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
        opted_out=opted_out,
        avoid_sentences=list(removed_sentences or []),
        notes=notes,
    )


def retrieve_context(
    ctx: Context,
    prospect: Prospect,
    channel: Channel,
    analysis: ProfileAnalysis,
    person: Person | None = None,
) -> RetrievedContext:
    """``build_context`` over the calling tenant's stores (blocking: SQLite and Chroma).

    ``person`` is who the record is (``ipe.memory.people.person_of``: raw and clean record
    together); the suppression list is checked for every key of it.
    """
    data_dir = str(ctx.data_dir)
    store = outcome_store(data_dir)
    who = person or Person.from_prospect(prospect)
    return build_context(
        prospect=prospect,
        channel=channel,
        analysis=analysis,
        past=store.sent_messages(ctx.user_id, who),  # only sent messages are contact
        lessons=lesson_memory(data_dir, ctx.user_id, ctx.embedder),
        lessons_k=ctx.lessons_k,
        linkedin_free_account=ctx.linkedin_free_account,
        removed_sentences=store.removed_sentences(ctx.user_id),
        suppressed=store.suppression_for(ctx.user_id, who, channel),
    )
