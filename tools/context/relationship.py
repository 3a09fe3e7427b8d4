"""Where we are with this person: the relationship stage, from their history and our sent messages.

The stage is read from a single timeline of exchanges: the record's ``interaction_history`` and the
tenant's own SENT messages (a preview or a blocked run is never contact). Inbound words are
classified with the intent rules (``tools/learning/intent.py``, or the chat model's answers passed
in as ``intents``); deferral phrases become dates relative to when the prospect wrote
(``tools/context/deferrals.py``). Thresholds live in ``tools/policies/relationship.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel

from ipe.domain import Prospect, Relationship, UntrustedText
from ipe.tools.context.deferrals import find_deferral, past_dates
from ipe.tools.learning.replies import Reading, read_reply, with_model
from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import UNCLEAR, Intent, get, resolve
from ipe.tools.provider.llm import LlmUnusable, model_intent
from ipe.tools.writing.answers import referred_contact

OUT_OF_OFFICE = "out_of_office"
"""The registry's auto-reply intent: its hold needs a return date."""

Direction = Literal["inbound", "outbound"]


@cache
def policy() -> dict[str, Any]:
    """The parsed ``tools/policies/relationship.toml``."""
    return load_pack("relationship")


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time (or date) as an aware datetime (naive means UTC); ``None`` if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Exchange:
    """One message between the tenant and the prospect, either way."""

    at: datetime | None
    direction: Direction
    channel: str | None
    text: str
    intent: str | None
    """For inbound: the reply's intent (a name in ``tools/policies/intents.toml``)."""
    source: str
    """Where it came from: ``interaction_history[2]`` or ``message msg_...``."""
    reading: Reading | None = None
    """For inbound with words: how they were read (language, reasons, what a person must see)."""


def _intent_of_outcome(outcome: str | None) -> str | None:
    """The registry intent a stated outcome names (``not_now`` -> deferral), if any."""
    found = resolve(outcome)
    return found.name if found else None


def inbound_exchange(
    at: datetime | None,
    channel: str | None,
    text: str,
    source: str,
    *,
    hint: str | None = None,
    model_said: str | None = None,
) -> Exchange | None:
    """One inbound message read from its words (``hint``: a stated outcome; the words decide)."""
    if not text.strip():
        stated = _intent_of_outcome(hint)
        return Exchange(at, "inbound", channel, "", stated, source) if stated else None
    reading = with_model(read_reply(text, hint=hint), model_said)
    return Exchange(at, "inbound", channel, text, reading.intent, source, reading)


def record_exchanges(
    prospect: Prospect, intents: Mapping[int, str | None] | None = None
) -> list[Exchange]:
    """The record's ``interaction_history`` as exchanges (undelivered outbound items left out).

    ``intents`` maps an item's index to an intent the chat model read from its text; without one,
    a stated outcome is used, else the deterministic intent rules.
    """
    rec = policy()["record"]
    out: list[Exchange] = []
    for i, item in enumerate(prospect.interaction_history):
        direction = item.direction.strip().lower()
        at, source = parse_time(item.at), f"interaction_history[{i}]"
        outcome = (item.outcome or "").strip().lower()
        if direction in rec["inbound"]:
            found = inbound_exchange(
                at,
                item.channel,
                item.text,
                source,
                hint=outcome or None,
                model_said=(intents or {}).get(i),
            )
            if found is not None:  # nothing readable (empty, or withheld) and no outcome: skipped
                out.append(found)
        elif direction in rec["outbound"] and outcome not in rec["not_sent"]:
            out.append(Exchange(at, "outbound", item.channel, item.text, None, source))
            answer = _intent_of_outcome(outcome)
            if answer is not None:  # "outcome": "not_now" on our message: they answered it
                later = at + timedelta(seconds=1) if at else None
                out.append(Exchange(later, "inbound", item.channel, "", answer, source))
    return out


async def model_intents(model: BaseChatModel, prospect: Prospect) -> dict[int, str]:
    """The chat model's reading of the latest inbound texts (``[history] model_reads``).

    Returns ``{index in interaction_history: intent}`` for the answers that name a known intent;
    a failing or off-schema model reads nothing (the rules decide).
    """
    inbound = set(policy()["record"]["inbound"])
    items = [
        (i, h.text)
        for i, h in enumerate(prospect.interaction_history)
        if h.direction.strip().lower() in inbound and h.text.strip()
    ]
    found: dict[int, str] = {}
    for i, text in items[-int(policy()["history"]["model_reads"]) :]:
        try:
            intent = await model_intent(model, text, run_name="classify_history")
        except LlmUnusable:
            continue
        if intent is not None:
            found[i] = intent
    return found


def _ordered(exchanges: list[Exchange]) -> list[Exchange]:
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(exchanges, key=lambda x: x.at or floor)


def _quote(text: str) -> UntrustedText:
    limit = int(policy()["history"]["max_quote_chars"])
    text = " ".join(text.split())
    return UntrustedText(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def _asked_when(text: str, phrase: str) -> UntrustedText | None:
    """The time phrase the date reader found (``phrase``), as they wrote it, with its lead word.

    Only a recognised date phrase is ever quoted back ("after 12 January"), never the rest of
    their sentence; ``None`` when it cannot be found as written or has no lead word.
    """
    flat = " ".join(text.split())
    phrase = phrase.strip().rstrip(".,;:!?")
    found = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", flat, re.IGNORECASE)
    if found is None:
        return None
    leads = sorted(policy()["check_back"]["leads"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in leads)
    lead = re.search(rf"(?<!\w)(?:{alt})\s+$", flat[: found.start()], re.IGNORECASE)
    if lead is not None:
        after = policy()["check_back"]["until_leads"].get(lead.group().strip().lower())
        if after:  # "through Q3": the time to write again is after it
            return UntrustedText(f"{after} {flat[found.start() : found.end()]}")
        return UntrustedText(flat[lead.start() : found.end()])
    if re.match(rf"(?:{alt})\s", found.group(), re.IGNORECASE):
        return UntrustedText(found.group())
    return None


def _day(at: datetime | None) -> str:
    return at.date().isoformat() if at else "an unknown date"


def assess(
    exchanges: list[Exchange],
    *,
    now: datetime | None = None,
    opted_out: bool = False,
    language: str | None = None,
    timezone: str | None = None,
) -> Relationship:
    """The relationship stage from the exchanges (any order) as of ``now``.

    Args:
        exchanges: The record's and the store's exchanges with this prospect.
        now: The time to judge from (default: the current time).
        opted_out: Another source (our store, the record's flags) says they asked to stop.
        language: The record's language (for ambiguous numeric dates).
        timezone: The prospect's IANA timezone, if known (southern-hemisphere seasons).

    Returns:
        The stage with its evidence, dates and, where they asked for something, their words.
    """
    now = now or datetime.now(UTC)
    timeline = _ordered(exchanges)
    evidence: list[str] = []
    stop = [x for x in timeline if x.direction == "inbound" and _spec(x).suppress]
    if opted_out or stop:
        if stop:
            evidence.append(f"asked to stop on {_day(stop[-1].at)} ({stop[-1].source})")
        else:
            evidence.append("an earlier opt-out of this prospect is on record")
        return Relationship(stage="opted_out", evidence=evidence)
    outbound = [x for x in timeline if x.direction == "outbound"]
    replies = [x for x in timeline if x.direction == "inbound" and not _away(x)]
    last_out = outbound[-1] if outbound else None
    days_out = (now - last_out.at).days if last_out and last_out.at else None
    last = replies[-1] if replies else None
    if last is not None:
        rel = _after_reply(last, timeline, now, language, timezone)
        if rel is not None:
            return rel.model_copy(update={"days_since_outbound": days_out})
    return _unanswered(timeline, last, now, days_out, language, timezone)


def _spec(exchange: Exchange) -> Intent:
    """The registry entry of an inbound exchange's intent (``unclear`` when it has none)."""
    return get(exchange.intent or UNCLEAR)


def _away(exchange: Exchange) -> bool:
    """An auto-reply: it schedules after their return, it is not an answer."""
    return bool(_spec(exchange).action == "schedule_after_return")


def _since(timeline: list[Exchange], after: datetime | None) -> list[Exchange]:
    """Our sent messages after ``after`` (all of them when ``after`` is unknown and nothing is)."""
    if after is None:
        return []
    return [x for x in timeline if x.direction == "outbound" and x.at and x.at > after]


def _after_reply(
    last: Exchange,
    timeline: list[Exchange],
    now: datetime,
    language: str | None,
    timezone: str | None,
) -> Relationship | None:
    """The stage their latest reply sets (its intent's registry entry).

    ``None`` when our later messages decide it.
    """
    pol, today = policy(), now.date()
    spec = _spec(last)
    words = _quote(last.text) if last.text else None
    reading = last.reading
    asked = {
        "asked_for": words,
        "asked_at": last.at.isoformat() if last.at else None,
        "asked_source": f"{last.source}.text" if last.text else None,
        "intent": spec.name,
        "reply_language": reading.language if reading else None,
    }
    said = f"'{words}'" if words else f"a reply marked {last.intent}"
    written = last.at or now
    deferral = find_deferral(last.text, written, language=language, timezone=timezone)
    if spec.hold == "declined":
        until = written.date() + timedelta(days=int(pol["declined"]["blocked_days"]))
        if today < until:
            return Relationship(
                stage="declined",
                not_before=until.isoformat(),
                evidence=[f"declined on {_day(last.at)} ({last.source}): {said}"],
                **asked,
            )
        return None  # the decline period is over: what we sent since decides
    if spec.hold == "until_date" or (spec.name == UNCLEAR and deferral is not None):
        check: str | None = None  # why a person checks the date before we hold on it
        if deferral is not None:
            until = deferral.until
            why = f"'{deferral.phrase}' written on {_day(last.at)} -> {until.isoformat()}"
            check = deferral.doubt  # a date that reads two ways: a person checks it
            if spec.name == UNCLEAR:  # a date in words the rules cannot read: a person reads it
                check = (reading.review if reading else None) or (
                    f"their reply is unclear; it names '{deferral.phrase}'"
                )
        else:
            until = written.date() + timedelta(days=int(pol["not_now"]["default_days"]))
            past = past_dates(last.text, written, language=language, timezone=timezone)
            if past:
                check = f"the date they gave ('{past[0]}') was already over when they wrote"
            elif spec.name == OUT_OF_OFFICE:
                check = "an out-of-office reply with no return date we can read"
            missing = check or "no date given"
            why = (
                f"{missing} on {_day(last.at)}: waiting the default "
                f"{pol['not_now']['default_days']} days -> {until.isoformat()}"
            )
        evidence = [f"asked us to wait ({last.source}): {said}", why]
        when = _asked_when(last.text, deferral.phrase) if deferral and last.text else None
        if today < until:
            return Relationship(
                stage="deferred",
                not_before=until.isoformat(),
                evidence=evidence,
                review=check,
                asked_when=when,
                **asked,
            )
        checked = _since(timeline, datetime.combine(until, datetime.min.time(), tzinfo=UTC))
        if checked:
            return None  # we checked back already: a follow-up of that check-back
        return Relationship(
            stage="check_back_due",
            not_before=until.isoformat(),
            evidence=evidence,
            asked_when=when,
            **asked,
        )
    # they asked, offered, referred, thanked or wrote something unclear: we owe them an answer
    if _since(timeline, last.at):
        return None  # we answered: waiting for them again
    review = reading.review if reading else None
    if spec.review and review is None:
        review = f"their reply reads as {spec.name}: a person checks the answer"
    if spec.action == "referral_draft" and review is not None:
        review += _referral_next(last.text or "")
    return Relationship(
        stage=spec.stage,
        evidence=[f"replied on {_day(last.at)} ({last.source}), read as {spec.name}: {said}"],
        review=review,
        **asked,
    )


def _referral_next(text: str) -> str:
    """The next action a referral asks for: the contact it names, to be written to."""
    contact = referred_contact(text)
    who = " ".join(x for x in (contact.name, f"<{contact.email}>" if contact.email else None) if x)
    if not who:
        return "; next: find the contact they meant (none named with an address)"
    return f"; next: write to {who}, citing their referral"


def _unanswered(
    timeline: list[Exchange],
    last: Exchange | None,
    now: datetime,
    days_out: int | None,
    language: str | None,
    timezone: str | None,
) -> Relationship:
    """Cold, or awaiting a reply to the messages we sent since their last word."""
    pol = policy()
    pending = _since(timeline, last.at) if last is not None and last.at else None
    if pending is None:
        pending = [x for x in timeline if x.direction == "outbound"]
    if (
        last is not None
        and (_spec(last).hold == "until_date" or last.intent == UNCLEAR)
        and last.at
    ):
        deferral = find_deferral(last.text, last.at, language=language, timezone=timezone)
        if deferral is not None:  # count only what we sent after the check-back date
            start = datetime.combine(deferral.until, datetime.min.time(), tzinfo=UTC)
            pending = [x for x in pending if x.at and x.at >= start]
    ooo = [x for x in timeline if x.direction == "inbound" and _away(x)]
    check: str | None = None  # an auto-reply whose return date we cannot read: a person checks
    if ooo and ooo[-1].at:
        away = find_deferral(ooo[-1].text, ooo[-1].at, language=language, timezone=timezone)
        latest = [x for x in timeline if x.direction == "inbound"][-1] is ooo[-1]
        if away is None and latest:
            past = past_dates(ooo[-1].text, ooo[-1].at, language=language, timezone=timezone)
            check = (
                f"an out-of-office reply ({ooo[-1].source}) gives no return date we can read"
                + (f" ('{past[0]}' was already over when it was written)" if past else "")
            )
        if away is not None and now.date() < away.until:
            return Relationship(
                stage="deferred",
                not_before=away.until.isoformat(),
                review=away.doubt,
                days_since_outbound=days_out,
                evidence=[
                    f"an out-of-office reply ({ooo[-1].source}) says '{away.phrase}' "
                    f"-> back {away.until.isoformat()}"
                ],
            )
    if not pending:
        evidence = ["no earlier exchange with this prospect"] if not timeline else []
        if timeline:
            evidence.append("nothing sent since their last reply")
        return Relationship(stage="cold", days_since_outbound=days_out, evidence=evidence)
    reset = int(pol["sequence"]["resets_after_days"])
    if days_out is not None and days_out >= reset:
        return Relationship(
            stage="cold",
            days_since_outbound=days_out,
            evidence=[f"our last message was {days_out} days ago (>= {reset}): starting over"],
        )
    n = len(pending)
    first = pending[0]
    channels = sorted({x.channel for x in pending if x.channel})
    return Relationship(
        stage="awaiting_reply",
        follow_up=n,
        days_since_outbound=days_out,
        evidence=[
            f"{n} message(s) sent without a reply since {_day(first.at)}"
            + (f" (on {', '.join(channels)})" if channels else "")
            + (f"; the last {days_out} day(s) ago" if days_out is not None else ""),
            *([check] if check else []),
        ],
        review=check,
    )


def describe(relationship: Relationship) -> str:
    """One line for ``reasons``: the stage and its evidence."""
    parts: list[str] = [relationship.stage]
    if relationship.stage == "awaiting_reply":
        parts.append(f"follow-up {relationship.follow_up}")
    if relationship.not_before:
        parts.append(f"until {relationship.not_before}")
    head = "relationship: " + ", ".join(parts)
    return head + (" (" + "; ".join(relationship.evidence) + ")" if relationship.evidence else "")
