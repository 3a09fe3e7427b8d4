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

``OutcomeStore`` is the facade: each concern is its own module over one shared ``StoreUnit``
(``memory/unit.py``: the database, its lock, units of work), with the records in
``memory/records.py``:

* ``memory/messages.py``: recording and reading messages, who owns a message id;
* ``memory/events.py``: engagement events, outcomes, settling;
* ``memory/suppression.py``: the suppression list;
* ``memory/purge.py``: erasing a person's rows;
* ``memory/arm_stats.py``: the per-arm aggregates, cached (``memory/aggregates.py`` writes them);
* ``memory/edits.py``: the tenant's edits and the sentences they remove.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ipe.domain import InvalidInputError, StorageError
from ipe.memory.arm_stats import ArmStats
from ipe.memory.database import Database, SqliteDatabase
from ipe.memory.edits import Edits, split_sentences
from ipe.memory.events import Events, ReplyClassifier
from ipe.memory.messages import Messages
from ipe.memory.migrations import LATEST, migrate
from ipe.memory.people import Person
from ipe.memory.purge import Purge
from ipe.memory.records import (
    ALL_CHANNELS,
    REASON_RANK,
    ArmStat,
    EditResult,
    Erasure,
    EventResult,
    MessageRecord,
    NewEvent,
    Reply,
    Suppression,
)
from ipe.memory.suppression import Suppressions
from ipe.memory.unit import StoreUnit

__all__ = [
    "ALL_CHANNELS",
    "REASON_RANK",
    "ArmStat",
    "EditResult",
    "Erasure",
    "EventResult",
    "MessageRecord",
    "NewEvent",
    "OutcomeStore",
    "Reply",
    "Suppression",
    "split_sentences",
]


class OutcomeStore:
    """Messages, engagement events, edits and per-arm aggregates in one database."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        database: Database | None = None,
        classify_reply: ReplyClassifier | None = None,
    ) -> None:
        """Open (and migrate) the store in ``database``, or in the SQLite file ``path``.

        ``classify_reply`` reads a ``replied`` event's text when it comes without an intent
        (``ipe.tools.learning.replies.classify_reply``); without one such a reply is stored
        unclassified. The engine's events arrive classified (``ipe.tools.learning.feedback``).
        """
        if database is None and path is None:
            raise ValueError("OutcomeStore needs a path or a database")
        self.path = Path(path) if path is not None else None
        self._assemble(database or SqliteDatabase(Path(str(path))), classify_reply)
        with self.unit.lock:
            self.schema_version = migrate(self.db)

    def _assemble(self, db: Database, classify: ReplyClassifier | None) -> None:
        self.db: Database = db
        self.unit = StoreUnit(db)
        self.suppression = Suppressions(self.unit)
        self.messages = Messages(self.unit, self.suppression)
        self.events = Events(self.unit, self.suppression, classify)
        self.purge = Purge(self.unit)
        self.stats = ArmStats(self.unit)
        self.edits = Edits(self.unit)

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
        try:
            db = SqliteDatabase(store.path, readonly=True)
            version = int(db.query("PRAGMA user_version")[0][0])
            db.query("SELECT 1 FROM messages LIMIT 1")
        except sqlite3.Error as err:  # corrupt or foreign: the data directory's fault (exit 3)
            raise StorageError(f"cannot read the outcome store '{path}': {err}") from None
        if version != LATEST:
            db.close()
            raise InvalidInputError(
                f"the outcome store '{path}' has schema version {version}, this engine reads "
                f"{LATEST}: run the engine once to upgrade it"
            )
        store._assemble(db, None)
        store.schema_version = version
        return store

    def close(self) -> None:
        """Close the connection."""
        with self.unit.lock:
            self.db.close()

    def __enter__(self) -> OutcomeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- messages (memory/messages.py) --------------------------------------------------------

    def record_message(self, rec: MessageRecord, person: Person | None = None) -> None:
        """Record (or update) a produced message (``Messages.record_message``)."""
        self.messages.record_message(rec, person)

    def check_message_id(
        self, tenant: str, message_id: str, prospect_id: str, person: Person | None = None
    ) -> None:
        """Raise when ``message_id`` may not be used for this person (``Messages``)."""
        self.messages.check_message_id(tenant, message_id, prospect_id, person)

    def get_message(self, tenant: str, message_id: str) -> MessageRecord | None:
        """Return this tenant's message, or None (another tenant's id is not found)."""
        return self.messages.get_message(tenant, message_id)

    def outcome_of_message(self, tenant: str, message_id: str) -> str | None:
        """Return the current outcome of this tenant's message, or None when unknown."""
        return self.messages.outcome_of_message(tenant, message_id)

    def messages_for_prospect(
        self, tenant: str, prospect_id: str, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """Return this tenant's latest messages to a prospect with their outcomes, newest first."""
        return self.messages.messages_for_prospect(tenant, prospect_id, limit)

    def sent_messages(
        self, tenant: str, person: Person, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """The last SENT messages to this person, newest sent first (``Messages``)."""
        return self.messages.sent_messages(tenant, person, limit)

    def replies(self, tenant: str, message_ids: list[str]) -> list[Reply]:
        """The replies recorded for these messages of the tenant, oldest first."""
        return self.messages.replies(tenant, message_ids)

    def message_outcomes(
        self, tenant: str, *, as_of: datetime | None = None
    ) -> list[tuple[MessageRecord, str]]:
        """Every message of the tenant with its outcome, in the order they were recorded."""
        return self.messages.message_outcomes(tenant, as_of=as_of)

    def messages_count(self, tenant: str | None = None) -> int:
        """Return the number of recorded messages (of one tenant, or of all)."""
        return self.messages.messages_count(tenant)

    def message_policies(self, tenant: str) -> dict[str, tuple[float, float, list[str]]]:
        """Per message id: the logged propensities (drafted, chosen) and the allowed arms."""
        return self.messages.message_policies(tenant)

    # --- events (memory/events.py) ------------------------------------------------------------

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
        """Add one engagement event and update the outcome and the aggregates (``Events``)."""
        return self.events.add_event(
            tenant,
            message_id,
            event_id=event_id,
            kind=kind,
            intent=intent,
            at=at,
            reply_text=reply_text,
        )

    def add_events(
        self, tenant: str, events: Iterable[NewEvent | Mapping[str, Any]]
    ) -> list[EventResult]:
        """Add many events in one transaction (all or nothing, except their opt-outs)."""
        return self.events.add_events(tenant, events)

    def events_count(self, tenant: str | None = None) -> int:
        """Return the number of distinct events stored (of one tenant, or of all)."""
        return self.events.events_count(tenant)

    def settle_pending(self, now: datetime | None = None) -> int:
        """Settle the sent messages whose no-event window has passed; return how many."""
        return self.events.settle_pending(now)

    def settle_due(self) -> None:
        """``settle_pending`` at most every few minutes per open store (cheap to call per run)."""
        self.events.settle_due()

    # --- suppression list (memory/suppression.py) ---------------------------------------------

    def suppress(
        self, tenant: str, person: Person, *, reason: str = "manual", source: str = "tenant"
    ) -> Suppression:
        """Put a person on the tenant's suppression list (every channel) and return the entry."""
        return self.suppression.suppress(tenant, person, reason=reason, source=source)

    def suppression_for(
        self, tenant: str, person: Person, channel: str | None = None
    ) -> Suppression | None:
        """The suppression in force for this person (any of their keys), or None."""
        return self.suppression.suppression_for(tenant, person, channel)

    def suppressions(self, tenant: str, *, include_lifted: bool = False) -> list[Suppression]:
        """The tenant's suppression list, one entry per person, oldest first."""
        return self.suppression.suppressions(tenant, include_lifted=include_lifted)

    def lift(self, tenant: str, person: Person, *, note: str = "") -> list[Suppression]:
        """Take a person off the suppression list: the tenant's act; the entries lifted."""
        return self.suppression.lift(tenant, person, note=note)

    # --- erasure (memory/purge.py) ------------------------------------------------------------

    def forget(self, tenant: str, person: Person) -> Erasure:
        """Erase a person: their messages, events, edits and message keys (``Purge.forget``)."""
        return self.purge.forget(tenant, person)

    # --- aggregates (memory/arm_stats.py) -----------------------------------------------------

    def arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's per-(segment, arm) aggregates with at least one send."""
        return self.stats.arm_stats(tenant)

    def arm_stats_by_tenant(self) -> dict[str, list[ArmStat]]:
        """Every tenant's aggregates, per tenant, for bounded pooling (``ArmStats``)."""
        return self.stats.arm_stats_by_tenant()

    def population_arm_stats(self) -> list[ArmStat]:
        """Return the per-(segment, arm) aggregates summed over every tenant (counts only)."""
        return self.stats.population_arm_stats()

    def model_inputs(self, tenant: str) -> tuple[list[ArmStat], list[ArmStat]]:
        """What the strategy model is built from: the tenant's and every tenant's aggregates.

        Settles long-pending messages first (``settle_due``), so silence eventually counts.
        """
        self.settle_due()
        return self.arm_stats(tenant), self.population_arm_stats()

    def recompute_arm_stats(self, tenant: str) -> list[ArmStat]:
        """Return the tenant's aggregates recomputed from the messages (must equal arm_stats)."""
        return self.stats.recompute_arm_stats(tenant)

    # --- edits (memory/edits.py) --------------------------------------------------------------

    def record_edit(self, tenant: str, message_id: str, edited_body: str) -> EditResult:
        """Store the user's edited body, its diff and the changed sentences (``Edits``)."""
        return self.edits.record_edit(tenant, message_id, edited_body)

    def removed_sentences(self, tenant: str, min_count: int = 2) -> list[str]:
        """Return sentences this tenant removed from at least ``min_count`` messages, most first."""
        return self.edits.removed_sentences(tenant, min_count)

    def edits_count(self, tenant: str) -> int:
        """Return the number of edited messages of the tenant."""
        return self.edits.edits_count(tenant)
