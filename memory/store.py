"""The interface of the message and outcome store, for every implementation of it.

``ipe.memory.outcomes.OutcomeStore`` (SQLite) is the implementation the engine uses today; another
backend (e.g. Postgres) implements the same methods with the same meaning and is handed out by
``ipe.memory.handles.outcome_store``. Every method is scoped by tenant; every write is one unit of
work (all or nothing); blocking calls are made from worker threads, never on the event loop.

The contract, beyond the signatures:

* **Messages** are unique per ``(tenant, message_id)``; a message id belongs to one person (the
  keys of ``ipe.memory.people.Person`` overlap): another person's reuse is a
  ``MessageIdConflictError`` and nothing changes.
* **Events** are unique per ``(tenant, message_id, event_id)``; the same id with the same payload
  is a replay (``EventResult.new`` is False), with another payload an ``EventConflictError``.
  A message's outcome is a function of the set of its events (``ipe.memory.reward``).
* **Suppression list**: opt-out events (unsubscribe, unsubscribe reply, complaint, hard bounce)
  suppress the message's person under every key (a bounce: the address, on its channel);
  ``suppression_for`` answers for any key; only ``lift`` removes an entry; a weaker reason never
  replaces a stronger one. Keys are stored as ``key_hash`` values.
* **Lifecycle**: a recorded message is a draft; ``approved`` / ``sent`` events move it on, and
  every engagement in ``[lifecycle] implies_sent`` marks it sent (at the earliest such time). A
  blocked message cannot be approved or sent. Only sent messages are in ``sent_messages`` and in
  the aggregates; a sent message is never re-recorded (``MessageIdConflictError``).
* **Outcomes**: ``ipe.memory.reward.outcome_of(events, settled=...)`` where settled means
  the message's ``sent_at`` is older than ``[settle] no_event_days`` (or it settled before).
* **Erasure**: ``forget`` deletes every message sharing a key with the person (transitively), with
  their events, edits and keys, removes their sends from the aggregates, and nulls the labels of
  their suppression entries (the hashes stay).
* **Aggregates**: ``arm_stats`` always equals ``recompute_arm_stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from ipe.memory.people import Person
from ipe.memory.records import (
    ArmStat,
    EditResult,
    Erasure,
    EventResult,
    MessageRecord,
    NewEvent,
    Reply,
    Suppression,
)


class MessageStore(Protocol):
    """What the engine, the feedback loop, the stats and the simulator need from a store."""

    def close(self) -> None:
        """Release the connection(s)."""

    # messages
    def record_message(self, rec: MessageRecord, person: Person | None = None) -> None:
        """Record or re-record a produced message (drafts of the same person only)."""

    def check_message_id(
        self, tenant: str, message_id: str, prospect_id: str, person: Person | None = None
    ) -> None:
        """Raise ``MessageIdConflictError`` when the id belongs to another person."""

    def get_message(self, tenant: str, message_id: str) -> MessageRecord | None:
        """The tenant's message, or None."""

    def outcome_of_message(self, tenant: str, message_id: str) -> str | None:
        """The message's current outcome, or None."""

    def messages_for_prospect(
        self, tenant: str, prospect_id: str, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """The latest messages of a record id with their outcomes, newest first."""

    def sent_messages(
        self, tenant: str, person: Person, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """The person's last SENT messages (any of their keys), newest sent first: the contact."""

    def replies(self, tenant: str, message_ids: list[str]) -> list[Reply]:
        """The ``replied`` events of these messages, oldest first (their words, time, intent)."""

    def message_outcomes(
        self, tenant: str, *, as_of: datetime | None = None
    ) -> list[tuple[MessageRecord, str]]:
        """Every message of the tenant with its outcome, in recording order.

        With ``as_of``: sent messages past their window read as settled, nothing written.
        """

    def message_policies(self, tenant: str) -> dict[str, tuple[float, float, list[str]]]:
        """Per message id: the logged propensities (drafted, chosen) and the allowed arms."""

    def messages_count(self, tenant: str | None = None) -> int:
        """How many messages (of one tenant, or of all)."""

    # events
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
        """Add one event (see the contract above)."""

    def add_events(
        self, tenant: str, events: Iterable[NewEvent | Mapping[str, Any]]
    ) -> list[EventResult]:
        """Add events in one unit of work; a failed batch keeps only its opt-outs."""

    def events_count(self, tenant: str | None = None) -> int:
        """How many distinct events."""

    # suppression list
    def suppress(
        self, tenant: str, person: Person, *, reason: str = "manual", source: str = "tenant"
    ) -> Suppression:
        """Suppress a person on every channel."""

    def suppression_for(
        self, tenant: str, person: Person, channel: str | None = None
    ) -> Suppression | None:
        """The suppression in force for any key of the person (on ``channel``), or None."""

    def suppressions(self, tenant: str, *, include_lifted: bool = False) -> list[Suppression]:
        """The tenant's list, one entry per person."""

    def lift(self, tenant: str, person: Person, *, note: str = "") -> list[Suppression]:
        """Lift the person's entries (the tenant's explicit act)."""

    # erasure
    def forget(self, tenant: str, person: Person) -> Erasure:
        """Erase the person's messages, events, edits and keys; keep their suppression hashed."""

    # aggregates and settling
    def arm_stats(self, tenant: str) -> list[ArmStat]:
        """Per-(segment, arm) aggregates of the tenant."""

    def arm_stats_by_tenant(self) -> dict[str, list[ArmStat]]:
        """Every tenant's aggregates, per tenant (only bounded pooling reads them)."""

    def population_arm_stats(self) -> list[ArmStat]:
        """Per-(segment, arm) aggregates over every tenant (counts only)."""

    def model_inputs(self, tenant: str) -> tuple[list[ArmStat], list[ArmStat]]:
        """``(arm_stats, population_arm_stats)`` after settling due messages."""

    def settle_pending(self, now: datetime | None = None) -> int:
        """Settle messages whose no-event window has passed; return how many."""

    def settle_due(self) -> None:
        """``settle_pending`` at most every few minutes."""

    def recompute_arm_stats(self, tenant: str) -> list[ArmStat]:
        """The aggregates recomputed from the messages."""

    # edits
    def record_edit(self, tenant: str, message_id: str, edited_body: str) -> EditResult:
        """Store the body as actually sent, its diff and changed sentences."""

    def removed_sentences(self, tenant: str, min_count: int = 2) -> list[str]:
        """Sentences the tenant removed from at least ``min_count`` messages."""

    def edits_count(self, tenant: str) -> int:
        """How many edited messages."""
