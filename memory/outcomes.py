"""The SQLite message and outcome store: what was sent, what happened, and per-arm aggregates.

One SQLite file in WAL mode (safe to open from several processes; writers wait on a busy
timeout). Every query is scoped by tenant.

The message lifecycle: the engine records a message as a *draft*; an ``approved`` event marks it
approved, an edit (``record_edit``) keeps the body as actually sent, and a ``sent`` event marks it
sent (so does any engagement that needs it to have gone out: delivered, opened, replied...). Only
a sent message is contact (``sent_messages``) and counts in the per-arm aggregates; a preview or a
blocked run never does, and a blocked message cannot be approved or sent. A sent message is
``pending`` until a settling event arrives (delivered/opened/clicked never settle it) or its
no-event window from ``sent_at`` passes (``settle_pending``); the outcome table is
``tools/policies/reward.toml``. Event ids are unique per message (``(tenant, message_id,
event_id)``): a replayed event changes nothing, and a replayed id with a different payload is an
``EventConflictError``, never a silent drop. A message's outcome depends only on the set of its
events (``ipe.memory.reward``), so events may arrive in any order.

Every message is stored with its person's keys (``ipe.memory.people``: the normalised e-mail, the
platform handle, the record ids; hashed per tenant). An unsubscribe, an unsubscribe reply, a spam
complaint or a hard bounce puts those keys on the tenant's **suppression list**, which
``suppression_for`` checks on every personalization whatever the record id, the history or later
events; only ``lift`` (an explicit tenant action) takes a person off it. A caller-chosen message
id that already belongs to another person is a ``MessageIdConflictError``, never an overwrite.

The schema is versioned (``ipe.memory.migrations``): an existing data directory upgrades in place
on open. ``ipe.memory.store.MessageStore`` describes the public interface.

The aggregate table ``arm_stats(tenant, segment, tone, angle, cta, sends, reward, positives)`` is
updated incrementally by the delta of each outcome change, in the same transaction as the event.
Rewards are stored as integer micro-units so the aggregate equals a recomputation from scratch
exactly (``recompute_arm_stats``).
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field

from ipe.domain import (
    EngagementKind,
    EventConflictError,
    InvalidInputError,
    MessageIdConflictError,
    PersonalizationError,
    StorageError,
    UnknownMessageError,
)
from ipe.memory.aggregates import MICRO, contribution
from ipe.memory.database import Connection, Database, SqliteDatabase
from ipe.memory.migrations import LATEST, migrate
from ipe.memory.people import Person, PersonKey, key_hash
from ipe.memory.reward import (
    NO_EVENTS_OUTCOME,
    UNCLASSIFIED,
    implies_sent,
    outcome_of,
    policy,
    suppression_reason,
)
from ipe.tools.learning.replies import classify_reply

_KINDS = frozenset(get_args(EngagementKind))
_INTENTS = frozenset(e for e in policy().intents if e != UNCLASSIFIED)
"""The stored reply events: ``reward.toml``'s ``[intents]`` (the intent registry's events)."""
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_SETTLE_EVERY_S = 600.0
"""How often (seconds, per open store) ``settle_due`` looks for pending messages to settle."""

_SELECT = (
    "SELECT *, EXISTS (SELECT 1 FROM edits e WHERE e.tenant = messages.tenant"
    " AND e.message_id = messages.message_id) AS edited FROM messages"
)
"""Messages with whether the tenant edited them (the lifecycle's ``edited`` stage)."""

REASON_RANK: dict[str, int] = {"complained": 4, "unsubscribed": 3, "manual": 3, "bounced": 1}
"""Suppression reasons, strongest first: a weaker reason never replaces a stronger one (a bounce
after an unsubscribe leaves the unsubscribe in place)."""
ALL_CHANNELS = "*"
"""The scope of a suppression that holds on every channel (a bounce holds on its channel only)."""


class MessageRecord(BaseModel):
    """One produced message, as the store keeps it."""

    model_config = ConfigDict(extra="ignore")

    message_id: str
    tenant: str
    prospect_id: str
    channel: str
    segment: str
    tone: str
    angle: str
    cta: str
    fact_ids: list[str] = Field(default_factory=list)
    subject: str | None = None
    body: str
    status: str
    created_at: str
    lessons_applied: int = 0
    """How many stored lessons the strategy applied for this message (context relevance)."""
    propensity_drafted: float | None = None
    """How likely the strategy step was to draft this arm (None: not logged)."""
    propensity_chosen: float | None = None
    """How likely this arm was to be sent: the logging propensity (None: not logged)."""
    allowed_arms: list[str] = Field(default_factory=list)
    """Every arm the strategy could have used for this message (the logging policy's support)."""
    approved_at: str | None = None
    """When a person approved it (an ``approved`` event), if they did."""
    sent_at: str | None = None
    """When it was sent (a ``sent`` event, or the first engagement that implies it): only a
    sent message is contact and learning evidence."""

    edited: bool = False
    """True once the tenant stored an edit of it (the body as actually sent)."""

    @property
    def stage(self) -> str:
        """Where it is in its lifecycle: ``drafted``, ``approved``, ``edited`` or ``sent``."""
        if self.sent_at:
            return "sent"
        return "approved" if self.approved_at else "edited" if self.edited else "drafted"

    @property
    def arm(self) -> str:
        """The arm key, ``tone/angle/cta``."""
        return f"{self.tone}/{self.angle}/{self.cta}"


@dataclass(frozen=True)
class ArmStat:
    """Aggregated outcomes of one arm in one segment (counts only, no text)."""

    segment: str
    tone: str
    angle: str
    cta: str
    sends: int
    reward_sum: float
    positives: int

    @property
    def arm(self) -> str:
        """The arm key, ``tone/angle/cta``."""
        return f"{self.tone}/{self.angle}/{self.cta}"

    @property
    def positive_rate(self) -> float:
        """Share of sends with a positive outcome (0 without sends)."""
        return self.positives / self.sends if self.sends else 0.0

    @property
    def mean_reward(self) -> float:
        """Average reward per send (0 without sends)."""
        return self.reward_sum / self.sends if self.sends else 0.0


@dataclass(frozen=True)
class Reply:
    """A reply the prospect sent to one of our messages (a ``replied`` event)."""

    message_id: str
    at: str
    """When they wrote it (the event's ``at``, else when it was received)."""
    intent: str | None
    text: str


@dataclass(frozen=True)
class EventResult:
    """What one engagement event did to its message."""

    message_id: str
    new: bool
    """False for a replayed event id: nothing changed."""
    old_outcome: str
    new_outcome: str
    counted_changed: bool = False
    """True when what the message teaches the model changed (e.g. it was sent with an outcome)."""

    @property
    def changed(self) -> bool:
        """True when the message's outcome, or what it contributes to learning, changed."""
        return self.old_outcome != self.new_outcome or self.counted_changed


@dataclass(frozen=True)
class NewEvent:
    """One engagement event to add (the batch form of ``add_event``'s arguments)."""

    message_id: str
    event_id: str
    kind: str
    intent: str | None = None
    at: str | None = None
    reply_text: str | None = None


@dataclass(frozen=True)
class EditResult:
    """A user's edit of a sent message: the diff and the sentences they removed or added."""

    message_id: str
    diff: str
    removed_sentences: list[str]
    added_sentences: list[str]


@dataclass(frozen=True)
class Suppression:
    """One person on a tenant's suppression list: all their keys, the reason and since when."""

    entry: str
    """The entry id (the hash of the first key suppressed): lifts and listings go by entry."""
    reason: str
    """``complained``, ``unsubscribed``, ``manual`` (the tenant's own) or ``bounced``."""
    scope: str
    """``*`` (every channel) or the one channel a bounce holds on."""
    source: str
    """The message id whose event put the person here, or ``tenant``."""
    since: str
    labels: tuple[str, ...]
    """The readable keys (``email:...``, ``handle:...``, ``id:...``); none after an erasure."""
    keys: int
    """How many keys (hashed) the entry holds, readable or not."""
    lifted_at: str | None = None
    lift_note: str | None = None

    @property
    def active(self) -> bool:
        """True while the suppression holds (until the tenant lifts it)."""
        return self.lifted_at is None

    def describe(self) -> str:
        """One line for reasons and listings."""
        where = "every channel" if self.scope == ALL_CHANNELS else f"{self.scope} only"
        return f"suppressed since {self.since} ({self.reason}, {where}, from {self.source})"


@dataclass(frozen=True)
class Erasure:
    """What ``OutcomeStore.forget`` erased."""

    message_ids: tuple[str, ...]
    record_ids: tuple[str, ...]
    """The person's record ids (case-folded), to find their run checkpoints by."""
    events: int
    edits: int
    suppressions_kept: int
    """Suppression keys kept as hashes only (the person stays suppressed, unreadably)."""


def split_sentences(text: str) -> list[str]:
    """Split a message body into sentences (on end punctuation and line breaks)."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part.strip()]


def _norm(sentence: str) -> str:
    return " ".join(sentence.lower().split()).strip(" .!?")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


class OutcomeStore:
    """Messages, engagement events, edits and per-arm aggregates in one SQLite file."""

    def __init__(self, path: Path | None = None, *, database: Database | None = None) -> None:
        """Open (and migrate) the store in ``database``, or in the SQLite file ``path``."""
        if database is None and path is None:
            raise ValueError("OutcomeStore needs a path or a database")
        self.db: Database = database or SqliteDatabase(Path(str(path)))
        self.path = Path(path) if path is not None else None
        self._lock = threading.RLock()
        self._generation = 0
        """Bumped by every committed write of this connection that changed the aggregates."""
        self._shifted = False
        self._stats_cache: dict[str | None, tuple[tuple[int, int], list[ArmStat]]] = {}
        self._settled_at: float | None = None
        self._by_tenant: tuple[tuple[int, int], dict[str, list[ArmStat]]] | None = None
        with self._lock:
            self.schema_version = migrate(self.db)

    @classmethod
    def open_readonly(cls, path: Path) -> OutcomeStore:
        """Open an existing store for reading only: nothing is created, migrated or settled.

        Raises:
            StorageError: The file is not a SQLite database of ours (corrupt or foreign).
            InvalidInputError: The store is of an older schema (open it once with a writing
                engine to upgrade it).
        """
        store = cls.__new__(cls)
        store.path = Path(path)
        store._lock = threading.RLock()
        try:
            store.db = SqliteDatabase(store.path, readonly=True)
            version = int(store.db.query("PRAGMA user_version")[0][0])
            store.db.query("SELECT 1 FROM messages LIMIT 1")
        except sqlite3.Error as err:  # corrupt or foreign: the data directory's fault (exit 3)
            raise StorageError(f"cannot read the outcome store '{path}': {err}") from None
        if version != LATEST:
            store.db.close()
            raise InvalidInputError(
                f"the outcome store '{path}' has schema version {version}, this engine reads "
                f"{LATEST}: run the engine once to upgrade it"
            )
        store.schema_version = version
        store._generation, store._shifted, store._settled_at = 0, False, None
        store._stats_cache, store._by_tenant = {}, None
        return store

    def message_policies(self, tenant: str) -> dict[str, tuple[float, float, list[str]]]:
        """Per message id: the logged propensities (drafted, chosen) and the allowed arms."""
        rows = self._read(
            "SELECT message_id, propensity_drafted, propensity_chosen, allowed_arms "
            "FROM message_policy WHERE tenant = ?",
            (tenant,),
        )
        return {
            str(r["message_id"]): (
                float(r["propensity_drafted"]),
                float(r["propensity_chosen"]),
                [a for a in str(r["allowed_arms"]).split("\x1f") if a],
            )
            for r in rows
        }

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.db.close()

    def __enter__(self) -> OutcomeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._lock, self.db.transaction() as conn:
            self._shifted = False
            try:
                yield conn
            finally:
                if self._shifted:  # the cached aggregates are stale (committed or not)
                    self._generation += 1

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return self.db.query(sql, tuple(params))

    # --- messages ----------------------------------------------------------------------------

    def record_message(self, rec: MessageRecord, person: Person | None = None) -> None:
        """Record (or update) a produced message; its outcome stays as its events make it.

        Args:
            rec: The message, normally a draft (``sent_at`` None): recording is not sending.
            person: Who it is for (``Person.from_prospect``); the record id is always one of the
                keys. When the person is suppressed under any key, the message's other keys join
                the suppression as aliases (a new record id of a suppressed address stays
                suppressed on its own).

        Raises:
            MessageIdConflictError: The message id already belongs to another person, or the
                message under it was already sent (a sent message is never redrafted).
        """
        keys = _keys(rec.tenant, rec.prospect_id, person)
        with self._write() as conn:
            old = conn.execute(
                "SELECT segment, tone, angle, cta, status, outcome, sent_at FROM messages "
                "WHERE tenant = ? AND message_id = ?",
                (rec.tenant, rec.message_id),
            ).fetchone()
            if old is not None:
                self._check_owner(conn, rec.tenant, rec.message_id, rec.prospect_id, keys)
            outcome = old["outcome"] if old is not None else NO_EVENTS_OUTCOME
            if old is not None:
                before = contribution(old["sent_at"] is not None, outcome)
                self._shift(conn, rec.tenant, old, before, -1)
            conn.execute(
                "INSERT INTO messages (tenant, message_id, prospect_id, channel, segment, tone, "
                "angle, cta, fact_ids, subject, body, status, created_at, lessons_applied, outcome,"
                " approved_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tenant, message_id) DO UPDATE SET"
                " prospect_id = excluded.prospect_id, channel = excluded.channel,"
                " segment = excluded.segment, tone = excluded.tone,"
                " angle = excluded.angle, cta = excluded.cta, fact_ids = excluded.fact_ids,"
                " subject = excluded.subject, body = excluded.body, status = excluded.status,"
                " created_at = excluded.created_at, lessons_applied = excluded.lessons_applied,"
                " approved_at = excluded.approved_at, sent_at = excluded.sent_at",
                (
                    rec.tenant,
                    rec.message_id,
                    rec.prospect_id,
                    rec.channel,
                    rec.segment,
                    rec.tone,
                    rec.angle,
                    rec.cta,
                    "\x1f".join(rec.fact_ids),
                    rec.subject,
                    rec.body,
                    rec.status,
                    rec.created_at,
                    rec.lessons_applied,
                    outcome,
                    rec.approved_at,
                    rec.sent_at,
                ),
            )
            arm = {"segment": rec.segment, "tone": rec.tone, "angle": rec.angle, "cta": rec.cta}
            self._shift(conn, rec.tenant, arm, contribution(rec.sent_at is not None, outcome), +1)
            if rec.propensity_chosen is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO message_policy (tenant, message_id, "
                    "propensity_drafted, propensity_chosen, allowed_arms) VALUES (?, ?, ?, ?, ?)",
                    (
                        rec.tenant,
                        rec.message_id,
                        rec.propensity_drafted or rec.propensity_chosen,
                        rec.propensity_chosen,
                        "\x1f".join(rec.allowed_arms),
                    ),
                )
            conn.executemany(  # a re-recorded message keeps the keys it had: one person
                "INSERT OR IGNORE INTO message_keys (tenant, message_id, key_hash, kind, label) "
                "VALUES (?, ?, ?, ?, ?)",
                [(rec.tenant, rec.message_id, h, k.kind, k.text) for h, k in keys],
            )
            self._extend_suppression(conn, rec.tenant, keys)

    def check_message_id(
        self, tenant: str, message_id: str, prospect_id: str, person: Person | None = None
    ) -> None:
        """Raise when ``message_id`` may not be used for this person (call before a run).

        Raises:
            MessageIdConflictError: The id already belongs to another person of this tenant.
        """
        keys = _keys(tenant, prospect_id, person)
        with self._lock:
            self._check_owner(_Reader(self.db), tenant, message_id, prospect_id, keys)

    @staticmethod
    def _check_owner(
        conn: Connection,
        tenant: str,
        message_id: str,
        prospect_id: str,
        keys: list[tuple[str, PersonKey]],
    ) -> None:
        row = conn.execute(
            "SELECT prospect_id, sent_at FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        ).fetchone()
        if row is None:
            return
        known = {
            str(r["key_hash"])
            for r in conn.execute(
                "SELECT key_hash FROM message_keys WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchall()
        }
        same = bool(known & {h for h, _ in keys}) or (
            not known and str(row["prospect_id"]).casefold() == prospect_id.casefold()
        )
        if not same:
            raise MessageIdConflictError(
                f"message id '{message_id}' already belongs to another prospect of tenant "
                f"'{tenant}': use a new message id (nothing was changed)"
            )
        if row["sent_at"] is not None:
            raise MessageIdConflictError(
                f"message id '{message_id}' was already sent (at {row['sent_at']}): a sent "
                "message is never redrafted, use a new message id (nothing was changed)"
            )

    @staticmethod
    def _record(row: Any) -> MessageRecord:
        return MessageRecord(
            message_id=row["message_id"],
            tenant=row["tenant"],
            prospect_id=row["prospect_id"],
            channel=row["channel"],
            segment=row["segment"],
            tone=row["tone"],
            angle=row["angle"],
            cta=row["cta"],
            fact_ids=[f for f in row["fact_ids"].split("\x1f") if f],
            subject=row["subject"],
            body=row["body"],
            status=row["status"],
            created_at=row["created_at"],
            lessons_applied=row["lessons_applied"],
            approved_at=row["approved_at"],
            sent_at=row["sent_at"],
            edited=bool(row["edited"]) if "edited" in row.keys() else False,
        )

    def get_message(self, tenant: str, message_id: str) -> MessageRecord | None:
        """Return this tenant's message, or None (another tenant's id is not found)."""
        rows = self._read(f"{_SELECT} WHERE tenant = ? AND message_id = ?", (tenant, message_id))
        return self._record(rows[0]) if rows else None

    def outcome_of_message(self, tenant: str, message_id: str) -> str | None:
        """Return the current outcome of this tenant's message, or None when unknown."""
        rows = self._read(
            "SELECT outcome FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        )
        return str(rows[0]["outcome"]) if rows else None

    def messages_for_prospect(
        self, tenant: str, prospect_id: str, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """Return this tenant's latest messages to a prospect with their outcomes, newest first."""
        rows = self._read(
            f"{_SELECT} WHERE tenant = ? AND prospect_id = ? ORDER BY seq DESC LIMIT ?",
            (tenant, prospect_id, limit),
        )
        return [(self._record(row), str(row["outcome"])) for row in rows]

    def sent_messages(
        self, tenant: str, person: Person, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """The last SENT messages to this person, newest sent first, with their outcomes.

        This is "our contact with them": the query for contact recency and follow-up counting.
        The person is matched by any of their keys (``Person.from_prospect`` / ``person_of``), so
        the same address under another record id is the same contact history. Previews, drafts
        awaiting approval and blocked runs are never in it: only a ``sent`` event (or engagement
        that implies it) makes a message contact. ``MessageRecord.sent_at`` says when.
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return []
        marks = ", ".join("?" * len(hashes))
        rows = self._read(
            f"{_SELECT} WHERE tenant = ? AND sent_at IS NOT NULL AND message_id IN "
            f"(SELECT message_id FROM message_keys WHERE tenant = ? AND key_hash IN ({marks}))"
            " ORDER BY sent_at DESC, seq DESC LIMIT ?",
            [tenant, tenant, *hashes, limit],
        )
        return [(self._record(row), str(row["outcome"])) for row in rows]

    def replies(self, tenant: str, message_ids: list[str]) -> list[Reply]:
        """The replies recorded for these messages of the tenant (``replied`` events), oldest first.

        Read by the relationship step: the prospect's words, when they wrote them and the intent
        they were classified with.
        """
        if not message_ids:
            return []
        marks = ", ".join("?" * len(message_ids))
        rows = self._read(
            "SELECT message_id, intent, at, reply_text, received_at FROM events WHERE tenant = ?"
            f" AND kind = 'replied' AND message_id IN ({marks}) ORDER BY COALESCE(at, received_at)",
            [tenant, *message_ids],
        )
        return [
            Reply(
                message_id=str(row["message_id"]),
                at=str(row["at"] or row["received_at"]),
                intent=row["intent"],
                text=str(row["reply_text"] or ""),
            )
            for row in rows
        ]

    def message_outcomes(
        self, tenant: str, *, as_of: datetime | None = None
    ) -> list[tuple[MessageRecord, str]]:
        """Every message of the tenant with its outcome, in the order they were recorded.

        With ``as_of``, a sent message still pending whose no-event window has passed by then is
        given the outcome settling will give it (``no_reply``, or ``clicked``), without writing
        anything: for read-only reports.
        """
        rows = self._read(f"{_SELECT} WHERE tenant = ? ORDER BY seq", (tenant,))
        cutoff = (
            (as_of - timedelta(days=policy().settle_days)).isoformat(timespec="seconds")
            if as_of is not None
            else None
        )
        result = []
        for row in rows:
            outcome = str(row["outcome"])
            due = row["sent_at"] is not None and cutoff is not None and row["sent_at"] <= cutoff
            if outcome == NO_EVENTS_OUTCOME and due:
                pairs = self._read(
                    "SELECT DISTINCT kind, intent FROM events WHERE tenant = ? AND message_id = ?",
                    (tenant, row["message_id"]),
                )
                outcome = outcome_of(((str(p["kind"]), p["intent"]) for p in pairs), settled=True)
            result.append((self._record(row), outcome))
        return result

    def messages_count(self, tenant: str | None = None) -> int:
        """Return the number of recorded messages (of one tenant, or of all)."""
        if tenant is None:
            return int(self._read("SELECT COUNT(*) FROM messages")[0][0])
        return int(self._read("SELECT COUNT(*) FROM messages WHERE tenant = ?", (tenant,))[0][0])

    # --- events ------------------------------------------------------------------------------

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

        A ``replied`` event without an intent but with a text is classified with
        ``ipe.tools.learning.replies.classify_reply``; an unclassifiable reply is a neutral outcome.
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
            with self._write() as conn:
                return [self._add(conn, tenant, event) for event in parsed]
        except PersonalizationError:
            self._keep_opt_outs(tenant, parsed)
            raise

    def _keep_opt_outs(self, tenant: str, events: list[NewEvent]) -> None:
        wanted = []
        for event in events:
            intent = event.intent
            if event.kind == "replied" and intent is None and event.reply_text:
                intent = classify_reply(event.reply_text)
            reason = suppression_reason(event.kind, intent)
            if reason is not None:
                wanted.append((event.message_id, reason))
        if not wanted:
            return
        with self._write() as conn:
            for message_id, reason in wanted:
                row = conn.execute(
                    "SELECT channel FROM messages WHERE tenant = ? AND message_id = ?",
                    (tenant, message_id),
                ).fetchone()
                if row is not None:
                    self._suppress_message(conn, tenant, message_id, str(row["channel"]), reason)

    def _add(self, conn: Connection, tenant: str, event: NewEvent) -> EventResult:
        if event.kind not in _KINDS:
            raise InvalidInputError(f"unknown engagement event kind: {event.kind!r}")
        intent = event.intent
        if intent is not None and intent not in _INTENTS:
            raise InvalidInputError(f"unknown reply intent: {intent!r}")
        if event.kind != "replied":
            intent = None
        elif intent is None and event.reply_text:
            intent = classify_reply(event.reply_text)
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
                _now(),
            ),
        )
        reason = suppression_reason(event.kind, intent)
        if reason is not None:
            self._suppress_message(conn, tenant, event.message_id, str(message["channel"]), reason)
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
        new, delta = self._refresh(conn, tenant, event.message_id, message, now)
        return EventResult(event.message_id, True, old, new, counted_changed=delta)

    def _refresh(
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
            self._shift(conn, tenant, before, old_part, -1)
            self._shift(conn, tenant, before, new_part, +1)
        return new, old_part != new_part

    def events_count(self, tenant: str | None = None) -> int:
        """Return the number of distinct events stored (of one tenant, or of all)."""
        if tenant is None:
            return int(self._read("SELECT COUNT(*) FROM events")[0][0])
        return int(self._read("SELECT COUNT(*) FROM events WHERE tenant = ?", (tenant,))[0][0])

    # --- suppression list -------------------------------------------------------------------

    def suppress(
        self, tenant: str, person: Person, *, reason: str = "manual", source: str = "tenant"
    ) -> Suppression:
        """Put a person on the tenant's suppression list (every channel) and return the entry.

        Raises:
            InvalidInputError: Unknown reason, or a person without any key.
        """
        if reason not in REASON_RANK:
            raise InvalidInputError(f"unknown suppression reason {reason!r}")
        if not person.keys:
            raise InvalidInputError("a suppression needs an e-mail address, a handle or an id")
        rows = [(key_hash(tenant, k), k.kind, k.text) for k in person.keys]
        with self._write() as conn:
            entry = self._suppress(
                conn, tenant, rows, reason=reason, scope=ALL_CHANNELS, source=source
            )
        found = self._entries(tenant, [entry])
        return found[0]

    def suppression_for(
        self, tenant: str, person: Person, channel: str | None = None
    ) -> Suppression | None:
        """The suppression in force for this person (any of their keys), or None.

        This is the check the context step makes on every personalization: it does not depend
        on how many messages the person has had, on which record id they came under or on any
        event after the opt-out. With ``channel``, a bounce on another channel does not count.
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return None
        marks = ", ".join("?" * len(hashes))
        rows = self._read(
            f"SELECT entry, reason, scope FROM suppressions WHERE tenant = ? AND key_hash IN "
            f"({marks}) AND lifted_at IS NULL",
            [tenant, *hashes],
        )
        rows = [r for r in rows if channel is None or r["scope"] in (ALL_CHANNELS, channel)]
        if not rows:
            return None
        best = max(rows, key=lambda r: (r["scope"] == ALL_CHANNELS, REASON_RANK[r["reason"]]))
        return self._entries(tenant, [str(best["entry"])])[0]

    def suppressions(self, tenant: str, *, include_lifted: bool = False) -> list[Suppression]:
        """The tenant's suppression list, one entry per person, oldest first."""
        rows = self._read(
            "SELECT DISTINCT entry FROM suppressions WHERE tenant = ? ORDER BY entry", (tenant,)
        )
        entries = self._entries(tenant, [str(r["entry"]) for r in rows])
        kept = [e for e in entries if include_lifted or e.active]
        return sorted(kept, key=lambda e: (e.since, e.entry))

    def lift(self, tenant: str, person: Person, *, note: str = "") -> list[Suppression]:
        """Take a person off the suppression list (every key of their entry): the tenant's act.

        Returns the entries lifted (empty when the person was not suppressed).
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return []
        marks = ", ".join("?" * len(hashes))
        with self._write() as conn:
            entries = sorted(
                {
                    str(r["entry"])
                    for r in conn.execute(
                        f"SELECT entry FROM suppressions WHERE tenant = ? AND key_hash IN "
                        f"({marks}) AND lifted_at IS NULL",
                        [tenant, *hashes],
                    ).fetchall()
                }
            )
            now = _now()
            for entry in entries:
                conn.execute(
                    "UPDATE suppressions SET lifted_at = ?, lift_note = ?, updated_at = ? "
                    "WHERE tenant = ? AND entry = ? AND lifted_at IS NULL",
                    (now, note or "lifted by the tenant", now, tenant, entry),
                )
        return self._entries(tenant, entries)

    def _entries(self, tenant: str, entries: list[str]) -> list[Suppression]:
        result = []
        for entry in entries:
            rows = self._read(
                "SELECT * FROM suppressions WHERE tenant = ? AND entry = ?", (tenant, entry)
            )
            if not rows:
                continue
            live = [r for r in rows if r["lifted_at"] is None]
            basis = live or rows
            best = max(basis, key=lambda r: (REASON_RANK[r["reason"]], r["scope"] == ALL_CHANNELS))
            scopes = {str(r["scope"]) for r in basis}
            result.append(
                Suppression(
                    entry=entry,
                    reason=str(best["reason"]),
                    scope=ALL_CHANNELS
                    if ALL_CHANNELS in scopes or len(scopes) > 1
                    else scopes.pop(),
                    source=str(best["source"]),
                    since=min(str(r["created_at"]) for r in basis),
                    labels=tuple(sorted(str(r["label"]) for r in rows if r["label"])),
                    keys=len(rows),
                    lifted_at=None if live else max(str(r["lifted_at"]) for r in rows),
                    lift_note=None if live else str(rows[0]["lift_note"] or ""),
                )
            )
        return result

    def _suppress_message(
        self, conn: Connection, tenant: str, message_id: str, channel: str, reason: str
    ) -> None:
        """Suppress the person of a message: every key, or for a bounce the address bounced."""
        rows = [
            (str(r["key_hash"]), str(r["kind"]), str(r["label"]))
            for r in conn.execute(
                "SELECT key_hash, kind, label FROM message_keys "
                "WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchall()
        ]
        scope = ALL_CHANNELS
        if reason == "bounced":
            scope = channel
            address = [r for r in rows if r[1] == ("email" if channel == "email" else "handle")]
            rows = address or rows
        if rows:
            self._suppress(conn, tenant, rows, reason=reason, scope=scope, source=message_id)

    @staticmethod
    def _suppress(
        conn: Connection,
        tenant: str,
        keys: Sequence[tuple[str, str, str | None]],
        *,
        reason: str,
        scope: str,
        source: str,
    ) -> str:
        """Suppress ``(key hash, kind, label)`` keys as one entry; a weaker reason never wins."""
        now = _now()
        hashes = [h for h, _, _ in keys]
        marks = ", ".join("?" * len(hashes))
        existing = {
            str(r["key_hash"]): r
            for r in conn.execute(
                f"SELECT * FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
                [tenant, *hashes],
            ).fetchall()
        }
        entries = sorted({str(r["entry"]) for r in existing.values()})
        entry = entries[0] if entries else hashes[0]
        for other in entries[1:]:  # the keys turned out to be one person: one entry
            conn.execute(
                "UPDATE suppressions SET entry = ? WHERE tenant = ? AND entry = ?",
                (entry, tenant, other),
            )
        for hashed, kind, label in keys:
            row = existing.get(hashed)
            if row is None:
                conn.execute(
                    "INSERT INTO suppressions (tenant, key_hash, entry, kind, label, reason, scope,"
                    " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (tenant, hashed, entry, kind, label, reason, scope, source, now, now),
                )
                continue
            if row["lifted_at"] is not None:  # lifted before: a new opt-out puts it back
                new_reason, new_scope, new_source = reason, scope, source
                created = now
            else:
                stronger = REASON_RANK[reason] > REASON_RANK[str(row["reason"])]
                new_reason = reason if stronger else str(row["reason"])
                new_source = source if stronger else str(row["source"])
                same = str(row["scope"]) == scope
                new_scope = scope if same else ALL_CHANNELS
                created = str(row["created_at"])
            conn.execute(
                "UPDATE suppressions SET reason = ?, scope = ?, source = ?, created_at = ?,"
                " updated_at = ?, label = COALESCE(?, label), lifted_at = NULL, lift_note = NULL"
                " WHERE tenant = ? AND key_hash = ?",
                (new_reason, new_scope, new_source, created, now, label, tenant, hashed),
            )
        return entry

    @staticmethod
    def _extend_suppression(
        conn: Connection, tenant: str, keys: list[tuple[str, PersonKey]]
    ) -> None:
        """Keys of a suppressed person that the list does not hold yet join it as aliases.

        When the keys show that two entries are one person, they become one entry.
        """
        hashes = [h for h, _ in keys]
        marks = ", ".join("?" * len(hashes))
        rows = conn.execute(
            f"SELECT * FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
            [tenant, *hashes],
        ).fetchall()
        live = [r for r in rows if r["lifted_at"] is None]
        if not live:
            return
        best = max(live, key=lambda r: (REASON_RANK[r["reason"]], r["scope"] == ALL_CHANNELS))
        for other in sorted({str(r["entry"]) for r in live} - {str(best["entry"])}):
            conn.execute(  # the keys turned out to be one person: one entry
                "UPDATE suppressions SET entry = ? WHERE tenant = ? AND entry = ?",
                (best["entry"], tenant, other),
            )
        known = {str(r["key_hash"]) for r in rows}
        now = _now()
        conn.executemany(
            "INSERT INTO suppressions (tenant, key_hash, entry, kind, label, reason, scope, source,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    tenant,
                    h,
                    best["entry"],
                    k.kind,
                    k.text,
                    best["reason"],
                    best["scope"],
                    best["source"],
                    now,
                    now,
                )
                for h, k in keys
                if h not in known
            ],
        )

    # --- erasure -------------------------------------------------------------------------------

    def forget(self, tenant: str, person: Person) -> Erasure:
        """Erase a person: their messages, events, edits and message keys, in one unit of work.

        The person is every message that shares a key with ``person``, and every message that
        shares a key with those (the same address under another record id is the same person).
        Their sends leave the aggregates (the model forgets them). Their suppression entry stays,
        as hashes only: the readable labels are removed, so the person is still never contacted
        again but can no longer be read back. Deleted rows are overwritten (``secure_delete``)
        and the write-ahead log is truncated afterwards.

        Returns what was erased; ``message_ids`` lets the caller erase the lessons' evidence and
        the run checkpoints of those messages.
        """
        hashes = {key_hash(tenant, k) for k in person.keys}
        if not hashes:
            raise InvalidInputError("name the person: an e-mail address, a prospect id or a handle")
        with self.db.erasing(), self._write() as conn:
            messages: set[str] = set()
            frontier = set(hashes)
            while frontier:  # messages of these keys, then the other keys of those messages
                found = self._messages_of(conn, tenant, frontier) - messages
                messages |= found
                keys = self._keys_of(conn, tenant, found)
                frontier = keys - hashes
                hashes |= keys
            record_ids = self._record_ids(conn, tenant, messages)
            counts = self._erase(conn, tenant, sorted(messages), sorted(hashes))
        ids = {k.value for k in person.of_kind("id")} | record_ids
        return Erasure(message_ids=tuple(sorted(messages)), record_ids=tuple(sorted(ids)), **counts)

    @staticmethod
    def _record_ids(conn: Connection, tenant: str, messages: set[str]) -> set[str]:
        ids: set[str] = set()
        ordered = sorted(messages)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            ids |= {
                str(r["label"]).removeprefix("id:")
                for r in conn.execute(
                    "SELECT label FROM message_keys WHERE tenant = ? AND kind = 'id' AND "
                    f"message_id IN ({marks})",
                    [tenant, *chunk],
                ).fetchall()
            }
        return ids

    @staticmethod
    def _messages_of(conn: Connection, tenant: str, hashes: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(hashes)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found |= {
                str(r["message_id"])
                for r in conn.execute(
                    "SELECT DISTINCT message_id FROM message_keys WHERE tenant = ? AND key_hash IN "
                    f"({marks})",
                    [tenant, *chunk],
                ).fetchall()
            }
        return found

    @staticmethod
    def _keys_of(conn: Connection, tenant: str, messages: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(messages)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found |= {
                str(r["key_hash"])
                for r in conn.execute(
                    "SELECT DISTINCT key_hash FROM message_keys WHERE tenant = ? AND message_id IN "
                    f"({marks})",
                    [tenant, *chunk],
                ).fetchall()
            }
        return found

    def _erase(
        self, conn: Connection, tenant: str, messages: list[str], hashes: list[str]
    ) -> dict[str, int]:
        counts = {"events": 0, "edits": 0, "suppressions_kept": 0}
        for start in range(0, len(messages), 500):
            chunk = messages[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            args = [tenant, *chunk]
            for row in conn.execute(
                "SELECT segment, tone, angle, cta, sent_at, outcome FROM messages"
                f" WHERE tenant = ? AND message_id IN ({marks})",
                args,
            ).fetchall():
                part = contribution(row["sent_at"] is not None, str(row["outcome"]))
                self._shift(conn, tenant, row, part, -1)
            counts["events"] += conn.execute(
                f"DELETE FROM events WHERE tenant = ? AND message_id IN ({marks})", args
            ).rowcount
            counts["edits"] += conn.execute(
                f"DELETE FROM edits WHERE tenant = ? AND message_id IN ({marks})", args
            ).rowcount
            for table in ("edit_sentences", "message_keys", "message_policy", "messages"):
                conn.execute(
                    f"DELETE FROM {table} WHERE tenant = ? AND message_id IN ({marks})", args
                )
        entries: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            entries |= {
                str(r["entry"])
                for r in conn.execute(
                    f"SELECT entry FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
                    [tenant, *chunk],
                ).fetchall()
            }
        for entry in sorted(entries):  # the entry stays, hashed: no readable key is kept
            counts["suppressions_kept"] += conn.execute(
                "UPDATE suppressions SET label = NULL WHERE tenant = ? AND entry = ?",
                (tenant, entry),
            ).rowcount
        return counts

    # --- aggregates --------------------------------------------------------------------------

    def _shift(
        self,
        conn: Connection,
        tenant: str,
        arm: Any,
        contribution: tuple[int, int, int],
        sign: int,
    ) -> None:
        sends, reward, positives = (sign * value for value in contribution)
        if not (sends or reward or positives):
            return
        self._shifted = True
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
        with self._lock:
            other = self.db.data_version()
            version = (self._generation, other)
            hit = self._stats_cache.get(tenant)
            if hit is not None and hit[0] == version:
                return list(hit[1])
            if tenant is None:
                rows = self._read(
                    "SELECT segment, tone, angle, cta, SUM(sends) AS sends, "
                    "SUM(reward_micro) AS reward_micro, SUM(positives) AS positives "
                    "FROM arm_stats GROUP BY segment, tone, angle, cta HAVING SUM(sends) > 0 "
                    "ORDER BY segment, tone, angle, cta"
                )
            else:
                rows = self._read(
                    "SELECT * FROM arm_stats WHERE tenant = ? AND sends > 0 "
                    "ORDER BY segment, tone, angle, cta",
                    (tenant,),
                )
            if len(self._stats_cache) > 256:
                self._stats_cache.clear()
            self._stats_cache[tenant] = (version, self._stats(rows))
            return list(self._stats_cache[tenant][1])

    def arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's per-(segment, arm) aggregates with at least one send."""
        return self._cached_stats(tenant)

    def arm_stats_by_tenant(self) -> dict[str, list[ArmStat]]:
        """Every tenant's aggregates, per tenant, for bounded pooling (re-read after changes).

        Only ``ipe.tools.learning.pooling`` reads this, and it never hands one tenant's rates to
        another: nothing that a caller sees comes from here directly.
        """
        with self._lock:
            other = self.db.data_version()
            version = (self._generation, other)
            if self._by_tenant is not None and self._by_tenant[0] == version:
                return self._by_tenant[1]
            rows = self._read(
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

    def model_inputs(self, tenant: str) -> tuple[list[ArmStat], list[ArmStat]]:
        """What the strategy model is built from: the tenant's and every tenant's aggregates.

        Settles long-pending messages first (``settle_due``), so silence eventually counts.
        """
        self.settle_due()
        return self.arm_stats(tenant), self.population_arm_stats()

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
        if not self._read(f"{query} LIMIT 1", due):
            return 0  # the usual case: nothing to settle, and no write lock taken
        with self._write() as conn:
            rows = conn.execute(query, due).fetchall()
            for row in rows:
                self._refresh(conn, row["tenant"], row["message_id"], row, when)
        return len(rows)

    def settle_due(self) -> None:
        """``settle_pending`` at most every few minutes per open store (cheap to call per run)."""
        now = time.monotonic()
        with self._lock:
            if self._settled_at is not None and now - self._settled_at < _SETTLE_EVERY_S:
                return
            self._settled_at = now
        self.settle_pending()

    def recompute_arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's aggregates recomputed from the messages (must equal arm_stats)."""
        totals: dict[tuple[str, str, str, str], list[int]] = {}
        rows = self._read(
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

    # --- edits -------------------------------------------------------------------------------

    def record_edit(self, tenant: str, message_id: str, edited_body: str) -> EditResult:
        """Store the user's edited body, its diff against the sent body and the changed sentences.

        A later edit of the same message replaces the earlier one.

        Raises:
            UnknownMessageError: The message id is not this tenant's.
        """
        with self._write() as conn:
            row = conn.execute(
                "SELECT body FROM messages WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchone()
            if row is None:
                raise UnknownMessageError(f"unknown message id {message_id!r}")
            sent = str(row["body"])
            diff = "\n".join(
                difflib.unified_diff(
                    sent.splitlines(),
                    edited_body.splitlines(),
                    fromfile="sent",
                    tofile="edited",
                    lineterm="",
                )
            )
            before, after = split_sentences(sent), split_sentences(edited_body)
            removed = _missing(before, after)
            added = _missing(after, before)
            conn.execute(
                "INSERT OR REPLACE INTO edits (tenant, message_id, edited_body, diff, edited_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (tenant, message_id, edited_body, diff, _now()),
            )
            conn.execute(
                "DELETE FROM edit_sentences WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO edit_sentences (tenant, message_id, kind, norm, sentence) "
                "VALUES (?, ?, ?, ?, ?)",
                [(tenant, message_id, "removed", _norm(s), s) for s in removed]
                + [(tenant, message_id, "added", _norm(s), s) for s in added],
            )
        return EditResult(message_id, diff, removed, added)

    def removed_sentences(self, tenant: str, min_count: int = 2) -> list[str]:
        """Return sentences this tenant removed from at least ``min_count`` messages, most first."""
        rows = self._read(
            "SELECT MIN(sentence) AS sentence, COUNT(DISTINCT message_id) AS n "
            "FROM edit_sentences WHERE tenant = ? AND kind = 'removed' GROUP BY norm "
            "HAVING COUNT(DISTINCT message_id) >= ? ORDER BY n DESC, norm",
            (tenant, min_count),
        )
        return [str(row["sentence"]) for row in rows]

    def edits_count(self, tenant: str) -> int:
        """Return the number of edited messages of the tenant."""
        return int(self._read("SELECT COUNT(*) FROM edits WHERE tenant = ?", (tenant,))[0][0])


def _keys(tenant: str, prospect_id: str, person: Person | None) -> list[tuple[str, PersonKey]]:
    """The hashed keys of a message's person; the record id is always one of them."""
    base = person.keys if person is not None else ()
    keys = tuple(dict.fromkeys([*base, *Person.build(ids=[prospect_id]).keys]))
    return [(key_hash(tenant, k), k) for k in keys]


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


def _missing(source: list[str], other: list[str]) -> list[str]:
    present = {_norm(s) for s in other}
    seen: set[str] = set()
    result: list[str] = []
    for sentence in source:
        key = _norm(sentence)
        if key and key not in present and key not in seen:
            seen.add(key)
            result.append(sentence)
    return result


class _Reader:
    """Reads through ``Database.query`` in the ``execute(...).fetchone()`` shape of a connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        return _Rows(self._db.query(sql, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise TypeError("a reader does not write")


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows
        self.rowcount = len(rows)

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)
