"""Context retrieval's logic: channel rules, interaction history, timing and relevant lessons."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from ipe.domain import Channel, Interaction, ProfileAnalysis, Prospect
from ipe.graph.context import Context
from ipe.graph.state import HistoryItem, RetrievedContext
from ipe.memory.handles import lesson_memory, outcome_store
from ipe.memory.lessons import LessonMemory
from ipe.memory.outcomes import MessageRecord, Reply, Suppression
from ipe.memory.people import Person
from ipe.tools.channel.policy import load_policy
from ipe.tools.context.recipient import find_recipient, referred_to
from ipe.tools.context.relationship import (
    Exchange,
    assess,
    describe,
    inbound_exchange,
    record_exchanges,
)
from ipe.tools.context.timing import find_zone, iso_minutes, preferred_hour, send_window
from ipe.tools.learning.embeddings import run_embedder
from ipe.tools.learning.segments import describe_segment, segment_key
from ipe.tools.policies.intents import resolve
from ipe.tools.writing.register import RegisterChoice, choose_register
from ipe.tools.writing.strategy import knobs


def store_exchanges(
    past: list[tuple[MessageRecord, str]], replies: list[Reply] | None = None
) -> list[Exchange]:
    """This tenant's SENT messages to the prospect, and the answers to them.

    ``past`` holds sent messages only (``OutcomeStore.sent_messages``); a blocked run is skipped
    in any case. A message's recorded replies (``OutcomeStore.replies``) give the prospect's words,
    time and intent; without any, an outcome that means an answer stands in for one.
    """
    by_message: dict[str, list[Reply]] = {}
    for r in replies or []:
        by_message.setdefault(r.message_id, []).append(r)
    out: list[Exchange] = []
    for rec, outcome in past:
        if rec.status == "blocked":
            continue
        at = _when(rec.sent_at or rec.created_at)
        source = f"message {rec.message_id}"
        out.append(Exchange(at, "outbound", rec.channel, rec.body, None, source))
        answers = by_message.get(rec.message_id, [])
        for r in answers:
            hint = r.intent or "unclassified"  # the stored event: a hint, the words decide
            found = inbound_exchange(_when(r.at), rec.channel, r.text, source, hint=hint)
            if found is not None:
                out.append(found)
        answer = resolve(outcome) if not answers else None
        if answer is not None:  # an outcome that means they answered (reward.toml's names)
            later = at + timedelta(seconds=1) if at else None
            out.append(Exchange(later, "inbound", rec.channel, "", answer.name, source))
    return out


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
    intents: Mapping[int, str | None] | None = None,
    now: datetime | None = None,
    replies: list[Reply] | None = None,
    language: str | None = None,
) -> RetrievedContext:
    """Assemble the run's context; ``past`` must already be this tenant's and this prospect's.

    ``past`` is our contact with the person: their SENT messages (``OutcomeStore.sent_messages``),
    never previews or blocked runs.

    ``suppressed`` is the tenant's suppression entry for this person (``OutcomeStore.
    suppression_for``): when given, the prospect is opted out whatever ``past`` holds.

    ``language``: the message's; with it, the register (Sie or du...) is chosen from every
    exchange, ours included (``tools/writing/register.py``).
    """
    policy = load_policy(channel)
    exchanges = record_exchanges(prospect, intents) + store_exchanges(past, replies)
    talking = any(x.direction == "inbound" for x in exchanges)  # no connection request any more
    limit = policy.limit(linkedin_free_account=linkedin_free_account, in_conversation=talking)
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
    now = now or datetime.now(UTC)
    register = RegisterChoice(None)
    if language:  # how they and we wrote, the record's history and our sent messages alike
        said = [
            Interaction(at=x.at.isoformat() if x.at else None, direction=x.direction, text=x.text)
            for x in exchanges
        ]
        register = choose_register(prospect, language, channel, said)
        if register.reason:
            notes.append(register.reason)
    sent = [x for x in exchanges if x.direction == "outbound"]  # previews are never contact
    recent = any(x.at is not None and now - x.at < window for x in sent)
    if suppressed is not None:
        notes.append(f"this prospect is on the tenant's suppression list: {suppressed.describe()}")
    opted_out = suppressed is not None or analysis.asked_not_to_contact
    relationship = assess(
        exchanges,
        now=now,
        opted_out=opted_out,
        language=prospect.language,
        timezone=prospect.preferences.timezone,
    )
    notes.append(describe(relationship))
    recipient = find_recipient(prospect, channel, referred_to(relationship))
    if recipient.note:
        notes.append(recipient.note)
    reply_times = [x.at for x in exchanges if x.direction == "inbound" and x.at is not None]
    zone = find_zone(prospect, reply_times)
    send_at = None
    if zone is None:
        notes.append("send window: no time zone known (preferences.timezone, location, replies)")
    else:
        hold_until = (
            date.fromisoformat(relationship.not_before) if relationship.not_before else None
        )
        if relationship.stage not in ("deferred", "declined"):
            hold_until = None  # a due check-back's date has passed: send in the next window
        slot = send_window(
            zone, now=now, not_before=hold_until, prefer_hour=preferred_hour(zone, reply_times)
        )
        send_at = iso_minutes(slot) if slot else None
        notes.append(f"send window: {send_at} in {zone.name} (from {zone.source})")
    if recent:
        notes.append(f"this prospect was contacted within the last {window.days} days")
    if removed_sentences:
        notes.append(f"{len(removed_sentences)} sentence(s) this tenant keeps deleting are avoided")
    return RetrievedContext(
        channel=channel,
        segment=segment,
        segment_description=description,
        body_limit=limit,
        in_conversation=talking,
        unit=policy.unit,
        links_allowed=policy.links_allowed,
        history=history,
        lessons=found,
        best_hours_utc=analysis.active_hours_utc,
        contacted_recently=recent,
        opted_out=opted_out,
        relationship=relationship,
        register=register.register,
        recipient=recipient.address,
        recipient_source=recipient.source,
        timezone=zone.name if zone else None,
        send_at=send_at,
        avoid_sentences=list(removed_sentences or []),
        notes=notes,
    )


def retrieve_context(
    ctx: Context,
    prospect: Prospect,
    channel: Channel,
    analysis: ProfileAnalysis,
    person: Person | None = None,
    intents: Mapping[int, str | None] | None = None,
    language: str | None = None,
) -> RetrievedContext:
    """``build_context`` over the calling tenant's stores (blocking: SQLite and Chroma).

    ``person`` is who the record is (``ipe.memory.people.person_of``: raw and clean record
    together); the suppression list is checked for every key of it. ``intents`` are the chat
    model's readings of the record's inbound messages (``relationship.model_intents``).
    """
    data_dir = str(ctx.data_dir)
    store = outcome_store(data_dir)
    who = person or Person.from_prospect(prospect)
    past = store.sent_messages(ctx.user_id, who)  # only sent messages are contact
    suppressed = store.suppression_for(ctx.user_id, who, channel)
    context = build_context(
        prospect=prospect,
        channel=channel,
        analysis=analysis,
        past=past,
        replies=store.replies(ctx.user_id, [rec.message_id for rec, _ in past]),
        lessons=lesson_memory(data_dir, ctx.user_id, run_embedder(ctx)),
        lessons_k=ctx.lessons_k,
        linkedin_free_account=ctx.linkedin_free_account,
        removed_sentences=store.removed_sentences(ctx.user_id),
        suppressed=suppressed,
        intents=intents,
        language=language,
    )
    if suppressed is None and context.relationship.stage == "opted_out" and who.keys:
        # an opt-out read in the record's own history: on the list, so no later record forgets it
        store.suppress(ctx.user_id, who, reason="unsubscribed", source="interaction_history")
        context.notes.append("the opt-out in their history put them on the suppression list")
    return context
