"""The SQLite message and outcome store: what was sent, what happened, and per-arm aggregates.

One SQLite file in WAL mode (safe to open from several processes; writers wait on a busy
timeout). Every query is scoped by tenant. A recorded message is ``pending`` until events arrive
(not evidence yet: it does not count in the aggregates) and settles to ``no_reply`` after the
configured days without events (``settle_pending``); only messages with status ``ready`` count as
sends in the per-arm aggregates. Events are deduplicated by ``(tenant, event_id)``: a replayed
event changes nothing. A message's outcome depends only on the set of its events
(``ipe.tools.learning.reward``), so events may arrive in any order.

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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field

from ipe.graph.domain import EngagementKind, InvalidInputError, ReplyIntent, UnknownMessageError
from ipe.tools.learning.intent import classify_reply
from ipe.tools.learning.reward import (
    NO_EVENTS_OUTCOME,
    counts_in_model,
    is_positive,
    outcome_of,
    policy,
    reward_of,
)

MICRO = 1_000_000
"""Rewards are stored as integers in millionths so that sums are exact."""

_KINDS = frozenset(get_args(EngagementKind))
_INTENTS = frozenset(get_args(ReplyIntent))
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_SETTLE_EVERY_S = 600.0
"""How often (seconds, per open store) ``settle_due`` looks for pending messages to settle."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    prospect_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    segment TEXT NOT NULL,
    tone TEXT NOT NULL,
    angle TEXT NOT NULL,
    cta TEXT NOT NULL,
    fact_ids TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    lessons_applied INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    UNIQUE (tenant, message_id)
);
CREATE INDEX IF NOT EXISTS messages_by_prospect ON messages (tenant, prospect_id, seq);
CREATE INDEX IF NOT EXISTS messages_by_outcome ON messages (outcome, created_at);
CREATE TABLE IF NOT EXISTS events (
    tenant TEXT NOT NULL,
    event_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    intent TEXT,
    at TEXT,
    reply_text TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (tenant, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_message ON events (tenant, message_id);
CREATE TABLE IF NOT EXISTS arm_stats (
    tenant TEXT NOT NULL,
    segment TEXT NOT NULL,
    tone TEXT NOT NULL,
    angle TEXT NOT NULL,
    cta TEXT NOT NULL,
    sends INTEGER NOT NULL,
    reward_micro INTEGER NOT NULL,
    positives INTEGER NOT NULL,
    PRIMARY KEY (tenant, segment, tone, angle, cta)
);
CREATE TABLE IF NOT EXISTS edits (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    edited_body TEXT NOT NULL,
    diff TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id)
);
CREATE TABLE IF NOT EXISTS edit_sentences (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    norm TEXT NOT NULL,
    sentence TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id, kind, norm)
);
"""


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
class EventResult:
    """What one engagement event did to its message."""

    message_id: str
    new: bool
    """False for a replayed event id: nothing changed."""
    old_outcome: str
    new_outcome: str

    @property
    def changed(self) -> bool:
        """True when the message's outcome changed."""
        return self.old_outcome != self.new_outcome


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


def split_sentences(text: str) -> list[str]:
    """Split a message body into sentences (on end punctuation and line breaks)."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part.strip()]


def _norm(sentence: str) -> str:
    return " ".join(sentence.lower().split()).strip(" .!?")


def _contribution(status: str, outcome: str) -> tuple[int, int, int]:
    if status != "ready" or not counts_in_model(outcome):
        return (0, 0, 0)
    return (1, round(reward_of(outcome) * MICRO), int(is_positive(outcome)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class OutcomeStore:
    """Messages, engagement events, edits and per-arm aggregates in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._generation = 0
        """Bumped by every committed write of this connection that changed the aggregates."""
        self._shifted = False
        self._stats_cache: dict[str | None, tuple[tuple[int, int], list[ArmStat]]] = {}
        self._settled_at: float | None = None
        with self._write() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> OutcomeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._shifted = False
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                if self._shifted:  # the cached aggregates are stale (committed or not)
                    self._generation += 1
            self._conn.execute("COMMIT")

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, tuple(params)).fetchall())

    # --- messages ----------------------------------------------------------------------------

    def record_message(self, rec: MessageRecord) -> None:
        """Record (or update) a produced message; its outcome stays as its events make it."""
        with self._write() as conn:
            old = conn.execute(
                "SELECT segment, tone, angle, cta, status, outcome FROM messages "
                "WHERE tenant = ? AND message_id = ?",
                (rec.tenant, rec.message_id),
            ).fetchone()
            outcome = old["outcome"] if old is not None else NO_EVENTS_OUTCOME
            if old is not None:
                self._shift(conn, rec.tenant, old, _contribution(old["status"], outcome), -1)
            conn.execute(
                "INSERT INTO messages (tenant, message_id, prospect_id, channel, segment, tone, "
                "angle, cta, fact_ids, subject, body, status, created_at, lessons_applied, outcome)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tenant, message_id) DO UPDATE SET"
                " prospect_id = excluded.prospect_id, channel = excluded.channel,"
                " segment = excluded.segment, tone = excluded.tone,"
                " angle = excluded.angle, cta = excluded.cta, fact_ids = excluded.fact_ids,"
                " subject = excluded.subject, body = excluded.body, status = excluded.status,"
                " created_at = excluded.created_at, lessons_applied = excluded.lessons_applied",
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
                ),
            )
            arm = {"segment": rec.segment, "tone": rec.tone, "angle": rec.angle, "cta": rec.cta}
            self._shift(conn, rec.tenant, arm, _contribution(rec.status, outcome), +1)

    @staticmethod
    def _record(row: sqlite3.Row) -> MessageRecord:
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
        )

    def get_message(self, tenant: str, message_id: str) -> MessageRecord | None:
        """Return this tenant's message, or None (another tenant's id is not found)."""
        rows = self._read(
            "SELECT * FROM messages WHERE tenant = ? AND message_id = ?", (tenant, message_id)
        )
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
            "SELECT * FROM messages WHERE tenant = ? AND prospect_id = ? ORDER BY seq DESC LIMIT ?",
            (tenant, prospect_id, limit),
        )
        return [(self._record(row), str(row["outcome"])) for row in rows]

    def message_outcomes(self, tenant: str) -> list[tuple[MessageRecord, str]]:
        """Return every message of the tenant with its outcome, in the order they were recorded."""
        rows = self._read("SELECT * FROM messages WHERE tenant = ? ORDER BY seq", (tenant,))
        return [(self._record(row), str(row["outcome"])) for row in rows]

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
        ``ipe.tools.learning.intent.classify_reply``; an unclassifiable reply is a neutral outcome.

        Raises:
            UnknownMessageError: The message id is not this tenant's.
            InvalidInputError: Unknown event kind or reply intent.
        """
        event = NewEvent(message_id, event_id, kind, intent, at, reply_text)
        with self._write() as conn:
            return self._add(conn, tenant, event)

    def add_events(
        self, tenant: str, events: Iterable[NewEvent | Mapping[str, Any]]
    ) -> list[EventResult]:
        """Add many events in one transaction (all or nothing), in the given order."""
        parsed = [e if isinstance(e, NewEvent) else NewEvent(**dict(e)) for e in events]
        with self._write() as conn:
            return [self._add(conn, tenant, event) for event in parsed]

    def _add(self, conn: sqlite3.Connection, tenant: str, event: NewEvent) -> EventResult:
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
            "SELECT segment, tone, angle, cta, status, outcome FROM messages "
            "WHERE tenant = ? AND message_id = ?",
            (tenant, event.message_id),
        ).fetchone()
        if message is None:
            raise UnknownMessageError(f"unknown message id {event.message_id!r}")
        old = str(message["outcome"])
        inserted = conn.execute(
            "INSERT OR IGNORE INTO events (tenant, event_id, message_id, kind, intent, at, "
            "reply_text, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tenant,
                event.event_id,
                event.message_id,
                event.kind,
                intent,
                event.at,
                event.reply_text,
                _now(),
            ),
        ).rowcount
        if not inserted:
            return EventResult(event.message_id, False, old, old)
        pairs = conn.execute(
            "SELECT DISTINCT kind, intent FROM events WHERE tenant = ? AND message_id = ?",
            (tenant, event.message_id),
        ).fetchall()
        new = outcome_of((str(p["kind"]), p["intent"]) for p in pairs)
        if new != old:
            self._set_outcome(conn, tenant, event.message_id, message, old, new)
        return EventResult(event.message_id, True, old, new)

    def _set_outcome(
        self,
        conn: sqlite3.Connection,
        tenant: str,
        message_id: str,
        message: sqlite3.Row,
        old: str,
        new: str,
    ) -> None:
        """Move a message from outcome ``old`` to ``new`` and its arm's aggregates with it."""
        conn.execute(
            "UPDATE messages SET outcome = ? WHERE tenant = ? AND message_id = ?",
            (new, tenant, message_id),
        )
        status = str(message["status"])
        self._shift(conn, tenant, message, _contribution(status, old), -1)
        self._shift(conn, tenant, message, _contribution(status, new), +1)

    def events_count(self, tenant: str | None = None) -> int:
        """Return the number of distinct events stored (of one tenant, or of all)."""
        if tenant is None:
            return int(self._read("SELECT COUNT(*) FROM events")[0][0])
        return int(self._read("SELECT COUNT(*) FROM events WHERE tenant = ?", (tenant,))[0][0])

    # --- aggregates --------------------------------------------------------------------------

    def _shift(
        self,
        conn: sqlite3.Connection,
        tenant: str,
        arm: sqlite3.Row | Mapping[str, Any],
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
            "angle, cta) DO UPDATE SET sends = sends + excluded.sends, "
            "reward_micro = reward_micro + excluded.reward_micro, "
            "positives = positives + excluded.positives",
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
    def _stats(rows: Iterable[sqlite3.Row]) -> list[ArmStat]:
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
            other = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
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
        """Settle messages pending for longer than the configured days; return how many.

        A message without any event is not evidence while a reply may still come; after
        ``[settle] no_event_days`` of silence it takes the settled outcome (``no_reply``) and
        counts in the aggregates.
        """
        rules = policy()
        cutoff = (now or datetime.now(UTC)) - timedelta(days=rules.settle_days)
        settled, due = (
            rules.settled_outcome,
            (NO_EVENTS_OUTCOME, cutoff.isoformat(timespec="seconds")),
        )
        query = (
            "SELECT tenant, message_id, segment, tone, angle, cta, status FROM messages "
            "WHERE outcome = ? AND created_at < ?"
        )
        if not self._read(f"{query} LIMIT 1", due):
            return 0  # the usual case: nothing to settle, and no write lock taken
        with self._write() as conn:
            rows = conn.execute(query, due).fetchall()
            for row in rows:
                self._set_outcome(
                    conn, row["tenant"], row["message_id"], row, NO_EVENTS_OUTCOME, settled
                )
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
            "SELECT segment, tone, angle, cta, status, outcome, COUNT(*) AS n FROM messages "
            "WHERE tenant = ? GROUP BY segment, tone, angle, cta, status, outcome",
            (tenant,),
        )
        for row in rows:
            sends, reward, positives = _contribution(str(row["status"]), str(row["outcome"]))
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
