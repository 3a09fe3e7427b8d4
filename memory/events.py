"""Engagement events: each counted once, in any order, moving its message's outcome and lifecycle.

Event ids are unique per message: a replayed event changes nothing, the same id with another
payload is an ``EventConflictError``. A message's outcome is a function of the set of its events
(``ipe.memory.reward``, the table in ``tools/policies/reward.toml``); each change moves its arm's
aggregates by the difference, in the same unit of work. An opt-out event puts the message's person
on the suppression list (``memory/suppression.py``), even when its batch fails. A sent message
with only provisional events settles after its no-event window (``settle_pending``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from ipe.domain import (
    EngagementKind,
    EventConflictError,
    InvalidInputError,
    PersonalizationError,
    UnknownMessageError,
)
from ipe.memory.aggregates import contribution
from ipe.memory.database import Connection
from ipe.memory.records import EventResult, NewEvent
from ipe.memory.reward import (
    NO_EVENTS_OUTCOME,
    UNCLASSIFIED,
    implies_sent,
    outcome_of,
    policy,
    suppression_reason,
)
from ipe.memory.suppression import Suppressions
from ipe.memory.unit import StoreUnit, now_stamp

ReplyClassifier = Callable[[str], str | None]
"""Reads a reply's text into its stored reply event (``interested``, ...; None: unclear)."""

_KINDS = frozenset(get_args(EngagementKind))
_INTENTS = frozenset(e for e in policy().intents if e != UNCLASSIFIED)
"""The stored reply events: ``reward.toml``'s ``[intents]`` (the intent registry's events)."""
_SETTLE_EVERY_S = 600.0
"""How often (seconds, per open store) ``settle_due`` looks for pending messages to settle."""


def _instant(value: str | None, now: datetime) -> datetime:
    """An event's time as an aware UTC datetime (``now`` when absent, unreadable or future)."""
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return now
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return min(parsed.astimezone(UTC), now)
    return now


def _earliest(current: str | None, candidate: datetime) -> str:
    stamp = candidate.isoformat(timespec="seconds")
    return stamp if current is None or stamp < current else current


class Events:
    """Every tenant's engagement events in one store."""

    def __init__(
        self,
        unit: StoreUnit,
        suppressions: Suppressions,
        classify_reply: ReplyClassifier | None = None,
    ) -> None:
        """Write through ``unit``; opt-outs go to ``suppressions``; the classifier reads replies."""
        self.unit = unit
        self.suppressions = suppressions
        self.classify_reply = classify_reply
        self._settled_at: float | None = None

    def add_event(
        self,
        tenant: str,
        message_id: str,
        *,
        event_id: str,
        kind: str,
        intent: str | None = None,
        at: str | None = None,
        reply_text: str | None = None,
    ) -> EventResult:
        """Add one engagement event and update the message's outcome and the aggregates.

        A ``replied`` event without an intent but with a text is read by the store's reply
        classifier when it has one (the engine classifies before it stores,
        ``ipe.tools.learning.feedback``); an unclassified reply is a neutral outcome.
        An opt-out (unsubscribe, unsubscribe reply, complaint, hard bounce) also puts the
        message's person on the suppression list.

        Raises:
            UnknownMessageError: The message id is not this tenant's.
            InvalidInputError: Unknown event kind or reply intent.
            EventConflictError: The event id was recorded for this message with another payload
                (an opt-out in it still suppresses the person).
        """
        return self.add_events(
            tenant, [NewEvent(message_id, event_id, kind, intent, at, reply_text)]
        )[0]

    def add_events(
        self, tenant: str, events: Iterable[NewEvent | Mapping[str, Any]]
    ) -> list[EventResult]:
        """Add many events in one transaction (all or nothing), in the given order.

        When the batch fails (an unknown message, a bad kind, a conflicting id), nothing of it is
        stored except its opt-outs: the person of every opt-out event for a known message is
        still suppressed, so an opt-out is never lost to a bad neighbour.
        """
        parsed = [e if isinstance(e, NewEvent) else NewEvent(**dict(e)) for e in events]
        try:
            with self.unit.write() as conn:
                return [self._add(conn, tenant, event) for event in parsed]
        except PersonalizationError:
            self._keep_opt_outs(tenant, parsed)
            raise

    def _read_reply(self, text: str) -> str | None:
        """The stored reply event of ``text``: the classifier's, None without one (unclassified)."""
        return self.classify_reply(text) if self.classify_reply is not None else None

    def _keep_opt_outs(self, tenant: str, events: list[NewEvent]) -> None:
        wanted = []
        for event in events:
            intent = event.intent
            if event.kind == "replied" and intent is None and event.reply_text:
                intent = self._read_reply(event.reply_text)
            reason = suppression_reason(event.kind, intent)
            if reason is not None:
                wanted.append((event.message_id, reason))
        if not wanted:
            return
        with self.unit.write() as conn:
            for message_id, reason in wanted:
                row = conn.execute(
                    "SELECT channel FROM messages WHERE tenant = ? AND message_id = ?",
                    (tenant, message_id),
                ).fetchone()
                if row is not None:
                    self.suppressions.suppress_message(
                        conn, tenant, message_id, str(row["channel"]), reason
                    )

    def _add(self, conn: Connection, tenant: str, event: NewEvent) -> EventResult:
        if event.kind not in _KINDS:
            raise InvalidInputError(f"unknown engagement event kind: {event.kind!r}")
        intent = event.intent
        if intent is not None and intent not in _INTENTS:
            raise InvalidInputError(f"unknown reply intent: {intent!r}")
        if event.kind != "replied":
            intent = None
        elif intent is None and event.reply_text:
            intent = self._read_reply(event.reply_text)
        message = conn.execute(
            "SELECT channel, segment, tone, angle, cta, status, outcome, sent_at, approved_at,"
            " settled_at FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, event.message_id),
        ).fetchone()
        if message is None:
            raise UnknownMessageError(f"unknown message id {event.message_id!r}")
        blocked = message["status"] == "blocked"
        if blocked and event.kind in ("approved", "sent"):
            raise InvalidInputError(
                f"message '{event.message_id}' was blocked: there is nothing to "
                f"{'approve' if event.kind == 'approved' else 'send'}"
            )
        old = str(message["outcome"])
        prior = conn.execute(
            "SELECT kind, intent, at, reply_text FROM events "
            "WHERE tenant = ? AND message_id = ? AND event_id = ?",
            (tenant, event.message_id, event.event_id),
        ).fetchone()
        if prior is not None:
            if _same_event(prior, event.kind, intent, event.at, event.reply_text):
                return EventResult(event.message_id, False, old, old)
            raise EventConflictError(
                f"event id '{event.event_id}' of message '{event.message_id}' was already "
                f"recorded as '{prior['kind']}' with another payload; a replay must repeat the "
                "same event, a new event needs a new id (nothing was changed)"
            )
        conn.execute(
            "INSERT INTO events (tenant, message_id, event_id, kind, intent, at, reply_text, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tenant,
                event.message_id,
                event.event_id,
                event.kind,
                intent,
                event.at,
                event.reply_text,
                now_stamp(),
            ),
        )
        reason = suppression_reason(event.kind, intent)
        if reason is not None:
            self.suppressions.suppress_message(
                conn, tenant, event.message_id, str(message["channel"]), reason
            )
        now = datetime.now(UTC)
        when = _instant(event.at, now)
        if event.kind == "approved":
            conn.execute(
                "UPDATE messages SET approved_at = ? WHERE tenant = ? AND message_id = ?",
                (_earliest(message["approved_at"], when), tenant, event.message_id),
            )
        if event.kind == "sent" or (implies_sent(event.kind) and not blocked):
            conn.execute(
                "UPDATE messages SET sent_at = ? WHERE tenant = ? AND message_id = ?",
                (_earliest(message["sent_at"], when), tenant, event.message_id),
            )
        new, delta = self.refresh(conn, tenant, event.message_id, message, now)
        return EventResult(event.message_id, True, old, new, counted_changed=delta)

    def refresh(
        self,
        conn: Connection,
        tenant: str,
        message_id: str,
        before: Any,
        now: datetime,
    ) -> tuple[str, bool]:
        """Recompute a message's outcome and move its arm's aggregates by the difference.

        ``before`` is the message row before this unit of work changed it. The message is settled
        once it was (``settled_at``, kept: a settled message stays settled) or its no-event window
        from ``sent_at`` has passed by ``now``. Returns the outcome and whether what the message
        contributes to the aggregates changed.
        """
        row = conn.execute(
            "SELECT sent_at, settled_at FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        ).fetchone()
        sent_at, settled_at = row["sent_at"], row["settled_at"]
        window = timedelta(days=policy().settle_days)
        due = sent_at is not None and _instant(str(sent_at), now) <= now - window
        settled = settled_at is not None or due
        if due and settled_at is None:
            settled_at = now.isoformat(timespec="seconds")
        pairs = conn.execute(
            "SELECT DISTINCT kind, intent FROM events WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        ).fetchall()
        new = outcome_of(((str(p["kind"]), p["intent"]) for p in pairs), settled=settled)
        conn.execute(
            "UPDATE messages SET outcome = ?, settled_at = ? WHERE tenant = ? AND message_id = ?",
            (new, settled_at, tenant, message_id),
        )
        old_part = contribution(before["sent_at"] is not None, str(before["outcome"]))
        new_part = contribution(sent_at is not None, new)
        if old_part != new_part:
            self.unit.shift(conn, tenant, before, old_part, -1)
            self.unit.shift(conn, tenant, before, new_part, +1)
        return new, old_part != new_part

    def events_count(self, tenant: str | None = None) -> int:
        """Return the number of distinct events stored (of one tenant, or of all)."""
        if tenant is None:
            return int(self.unit.read("SELECT COUNT(*) FROM events")[0][0])
        return int(self.unit.read("SELECT COUNT(*) FROM events WHERE tenant = ?", (tenant,))[0][0])

    def settle_pending(self, now: datetime | None = None) -> int:
        """Settle the sent messages whose no-event window has passed; return how many.

        A sent message with only provisional events (delivered, opened, clicked, out-of-office)
        or none is not evidence while a reply may still come; ``[settle] no_event_days`` after it
        was SENT it settles (``no_reply``, or ``clicked``) and counts in the aggregates. A message
        that was never sent never settles.
        """
        when = now or datetime.now(UTC)
        cutoff = (when - timedelta(days=policy().settle_days)).isoformat(timespec="seconds")
        query = (
            "SELECT tenant, message_id, segment, tone, angle, cta, status, outcome, sent_at "
            "FROM messages WHERE outcome = ? AND sent_at IS NOT NULL AND sent_at <= ?"
        )
        due = (NO_EVENTS_OUTCOME, cutoff)
        if not self.unit.read(f"{query} LIMIT 1", due):
            return 0  # the usual case: nothing to settle, and no write lock taken
        with self.unit.write() as conn:
            rows = conn.execute(query, due).fetchall()
            for row in rows:
                self.refresh(conn, row["tenant"], row["message_id"], row, when)
        return len(rows)

    def settle_due(self) -> None:
        """``settle_pending`` at most every few minutes per open store (cheap to call per run)."""
        now = time.monotonic()
        with self.unit.lock:
            if self._settled_at is not None and now - self._settled_at < _SETTLE_EVERY_S:
                return
            self._settled_at = now
        self.settle_pending()


def _same_event(
    prior: Any, kind: str, intent: str | None, at: str | None, text: str | None
) -> bool:
    """True when a replayed event id carries the event already stored under it.

    A reply's intent is derived from its text (possibly by a model), so with a text only the
    text is compared; without one the intent is part of the payload.
    """
    if (str(prior["kind"]), prior["at"], prior["reply_text"] or None) != (kind, at, text or None):
        return False
    return bool(text) or prior["intent"] == intent
