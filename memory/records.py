"""The outcome store's records: messages, arm aggregates, replies, events, edits, suppressions.

Plain values, shared by the store's modules (``memory/messages.py``, ``memory/events.py``,
``memory/suppression.py``, ``memory/purge.py``, ``memory/aggregates.py``, ``memory/edits.py``) and
by their callers; ``ipe.memory.outcomes`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

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
