"""The feedback loop's logic: validate engagement, count each event once, learn lessons.

Outcomes are kept in the SQLite outcome store (``memory/outcomes.py``), which dedupes by event id
and keeps the strategy model's aggregates equal to a recomputation from scratch. When a message's
outcome changes, the lessons of its segment are re-distilled and merged into the tenant's Chroma
memory (by lesson id, so a lesson is updated, never repeated).
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from typing import Any, get_args

from ipe.domain import (
    EngagementKind,
    InvalidInputError,
    PersonalizationError,
    UnknownMessageError,
)
from ipe.graph.context import Context
from ipe.memory.handles import lesson_memory, outcome_store
from ipe.memory.outcomes import MessageRecord, NewEvent
from ipe.tools.learning.embeddings import run_embedder
from ipe.tools.learning.lessons import distil
from ipe.tools.learning.replies import read_reply, stored_event, with_model
from ipe.tools.policies.intents import accepted_names, resolve
from ipe.tools.provider.deadline import CLASSIFY_SHARE, Deadline, deadline_or_default
from ipe.tools.provider.llm import LlmUnusable, chat_model, model_intent

KINDS: tuple[str, ...] = get_args(EngagementKind)
INTENTS: tuple[str, ...] = accepted_names()
"""Every reply intent a caller may name (the registry's intents and their aliases)."""
_FLAG_INTENTS: tuple[str, ...] = tuple(i for i in INTENTS if i not in KINDS)


def event_key(message_id: str, event: dict[str, Any]) -> str:
    """A stable id for an event that arrived without one (so a replay is still counted once)."""
    basis = "|".join(
        str(event.get(k, "")).strip().lower() if k == "event" else str(event.get(k, ""))
        for k in ("event", "at", "reply_text", "intent")
    )
    return "auto_" + hashlib.sha1(f"{message_id}|{basis}".encode()).hexdigest()[:20]


async def _intent(ctx: Context, text: str) -> str | None:
    """The stored event for a reply's words: the rules, or the model above their floor."""
    reading = read_reply(text)
    if reading.spec.suppress:  # an opt-out the rules see is one, whatever a model would say
        return stored_event(reading)
    model = chat_model(ctx)
    if model is not None:
        try:
            said = await model_intent(
                model,
                text,
                run_name="classify_reply",
                deadline=Deadline.starting_now(deadline_or_default(ctx.deadline_s)),
                share=CLASSIFY_SHARE,
            )
        except LlmUnusable:
            said = None
        reading = with_model(reading, said)  # the rules' opt-outs and declines are the floor
    return stored_event(reading)


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def expand_engagement(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The event dicts of one engagement record, in either documented form.

    ``{"event": "replied", ...}`` is one event as it is. A dict of flags, ``{"opened": True,
    "replied": True, "reply_text": "..."}``, is one event per true flag (a reply intent such as
    ``"interested": True`` marks the reply's intent; a ``reply_text`` alone means a reply), with
    the record's ``at`` (or ``timestamp``) and ``event_id`` (suffixed per event) carried over.
    """
    data = dict(raw)
    if "timestamp" in data and "at" not in data:
        data["at"] = data.pop("timestamp")
    flag_keys = [k for k in (*KINDS, *_FLAG_INTENTS) if k in data]
    if data.get("event") or not flag_keys:
        return [data]
    for key in flag_keys:
        if not isinstance(data[key], bool | int) or data[key] not in (True, False, 0, 1):
            raise InvalidInputError(f"engagement flag '{key}' must be true or false")
    kinds = [k for k in KINDS if data.get(k)]
    intents = [k for k in _FLAG_INTENTS if data.get(k)]
    if len(intents) > 1:
        raise InvalidInputError(f"a reply has one intent, got {', '.join(intents)}")
    if (intents or data.get("reply_text")) and "replied" not in kinds:
        kinds.append("replied")
    base_id = data.get("event_id")
    events: list[dict[str, Any]] = []
    for kind in kinds:
        event: dict[str, Any] = {"event": kind, "at": data.get("at")}
        if base_id:
            event["event_id"] = f"{base_id}:{kind}"
        if kind == "replied":
            event["reply_text"] = data.get("reply_text")
            event["intent"] = intents[0] if intents else data.get("intent")
        events.append({k: v for k, v in event.items() if v is not None})
    if data.get("edited_body"):
        events.append({"edited_body": data["edited_body"]})
    if not events:
        raise InvalidInputError("no engagement to record: every flag is false")
    return events


async def to_new_event(ctx: Context, message_id: str, raw: dict[str, Any]) -> NewEvent:
    """Validate one event dict; an intent name as ``event`` means a reply with that intent.

    Lifecycle events (``approved``, ``sent``) go the same way as engagement; ``at`` (ISO 8601)
    is when it happened (for ``sent``: the start of the no-event window).
    """
    kind = str(raw.get("event") or "").strip().lower()
    intent = raw.get("intent")
    if kind in INTENTS and kind not in KINDS:
        kind, intent = "replied", kind
    if kind not in KINDS:
        choices = ", ".join(KINDS + INTENTS)
        raise InvalidInputError(f"unknown event '{raw.get('event')}': use one of {choices}")
    if intent is not None and resolve(str(intent)) is None:
        raise InvalidInputError(f"unknown reply intent '{intent}': use one of {', '.join(INTENTS)}")
    if intent is not None:
        event = resolve(str(intent)).event  # type: ignore[union-attr]
        intent = None if event == "unclassified" else event
    text = raw.get("reply_text")
    at = raw.get("at")
    if at is not None and (not isinstance(at, str) or not _is_iso(at)):
        raise InvalidInputError("an event's 'at' must be an ISO 8601 date-time string")
    if text is not None and not isinstance(text, str):
        raise InvalidInputError("an event's 'reply_text' must be text")
    if kind == "replied" and intent is None and text:
        intent = await _intent(ctx, str(text))
    if kind == "replied" and text:
        reading = read_reply(str(text))
        if reading.spec.suppress:
            intent = stored_event(reading)  # the person's own words win over a caller's label
        elif intent is None:  # left unclear (by the model): the rules' reading is stored
            intent = stored_event(reading)
    return NewEvent(
        message_id=message_id,
        event_id=str(raw.get("event_id") or event_key(message_id, raw)),
        kind=kind,
        intent=intent,
        at=at,
        reply_text=str(text) if text else None,
    )


async def apply_engagement(
    ctx: Context, message_id: str, events: list[dict[str, Any]]
) -> dict[str, Any]:
    """Count each event once, update outcome and model, and refresh the segment's lessons.

    SQLite and Chroma calls run in a worker thread, off the caller's event loop.
    """
    store = outcome_store(str(ctx.data_dir))
    message = await asyncio.to_thread(store.get_message, ctx.user_id, message_id)
    if message is None:
        raise UnknownMessageError(f"unknown message id '{message_id}' for tenant '{ctx.user_id}'")
    if not events or not all(e.get("event") or e.get("edited_body") for e in events):
        raise InvalidInputError("each engagement needs an 'event' (or an 'edited_body')")
    new_events: list[NewEvent] = []
    for raw in (e for e in events if e.get("event")):
        try:
            new_events.append(await to_new_event(ctx, message_id, raw))
        except PersonalizationError:
            # a bad event is refused, but never takes a valid opt-out beside it down with it
            opt_outs = [e for e in new_events if _is_opt_out_event(e)]
            if opt_outs:
                await asyncio.to_thread(store.add_events, ctx.user_id, opt_outs)
            raise
    edits = [str(e["edited_body"]) for e in events if e.get("edited_body")]
    return await asyncio.to_thread(_record, ctx, message, new_events, edits)


def _is_opt_out_event(event: NewEvent) -> bool:
    return event.kind in ("unsubscribed", "complained", "bounced") or (
        event.kind == "replied" and _suppresses(event.intent)
    )


def _record(
    ctx: Context, message: MessageRecord, new_events: list[NewEvent], edits: list[str]
) -> dict[str, Any]:
    store = outcome_store(str(ctx.data_dir))
    message_id = message.message_id
    store.settle_due()
    results = store.add_events(ctx.user_id, new_events)
    for edited in edits:
        store.record_edit(ctx.user_id, message_id, edited)
    lessons: list[str] = []
    if any(r.changed for r in results):
        memory = lesson_memory(str(ctx.data_dir), ctx.user_id, run_embedder(ctx))
        existing = [lesson for lesson in memory.all() if lesson.segment == message.segment]
        evidence = {(f, getattr(message, f)): [message_id] for f in ("tone", "angle", "cta")}
        updated = distil(
            ctx.user_id,
            message.segment,
            store.arm_stats(ctx.user_id),
            existing,
            now=datetime.now(UTC).isoformat(timespec="seconds"),
            evidence_ids=evidence,
        )
        memory.upsert(updated)
        lessons = [f"{lesson.status}: {lesson.text}" for lesson in updated]
    return {
        "message_id": message_id,
        "counted": sum(r.new for r in results),
        "duplicates": sum(not r.new for r in results),
        "outcome": store.outcome_of_message(ctx.user_id, message_id),
        "edits": len(edits),
        "lessons": lessons,
    }


def _suppresses(intent: str | None) -> bool:
    found = resolve(intent) if intent else None
    return found is not None and found.suppress
