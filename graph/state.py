"""The graph's typed state, with the reducer of every field that parallel branches write."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, WithJsonSchema

from ipe.domain import (
    Channel,
    ExcludedSpan,
    Fact,
    Lesson,
    MessageVariation,
    PersonalizationStrategy,
    ProfileAnalysis,
    Prospect,
    Relationship,
    Status,
    Template,
    VariationPlan,
    VariationType,
)


def merge_variations(
    current: list[MessageVariation], update: list[MessageVariation]
) -> list[MessageVariation]:
    """Reducer for ``State.variations``: merge by variation id, sorted by id.

    Parallel draft branches each add one variation; a repair round re-drafts a variation under the
    same id, and the newer attempt replaces the older one instead of piling up beside it.
    """
    merged = {v.id: v for v in current}
    for variation in update:
        old = merged.get(variation.id)
        if old is None or variation.attempt >= old.attempt:
            merged[variation.id] = variation
    return sorted(merged.values(), key=lambda v: v.id)


class _Traced:
    """Serialised for traces as a dict of its fields (LangSmith calls ``to_dict``), not a repr.

    The trace anonymizer (``ipe/tracing.py``) masks data by where it sits; a repr would hide
    the structure (and a handle or a history text) inside one string.
    """

    def to_dict(self) -> dict[str, Any]:
        """The fields and their values (nested models are serialised by the caller)."""
        return dict(vars(self))


WAITING = "review_wait"
"""The step name of the time a paused run waited for a person's decision (see ``StepSpan``)."""


@dataclass(kw_only=True)
class StepSpan:
    """When one task of a step ran (wall clock, ``time.time()`` seconds).

    The review step leaves a span of step ``WAITING``: the time a paused run waited for a
    person, which the timings report apart from the engine's own time.
    """

    step: str
    start: float
    end: float


@dataclass(kw_only=True)
class HistoryItem(_Traced):
    """One past exchange with this prospect (from the record or from our own store)."""

    at: str | None
    channel: str | None
    direction: str
    summary: str
    outcome: str | None


@dataclass(kw_only=True)
class RetrievedContext(_Traced):
    """What context retrieval found for this prospect and channel."""

    channel: Channel
    segment: str
    segment_description: str
    body_limit: int
    unit: str
    links_allowed: bool
    history: list[HistoryItem] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    best_hours_utc: list[int] = field(default_factory=list)
    contacted_recently: bool = False
    opted_out: bool = False
    """The record's history or this tenant's own outcomes say the prospect asked to stop."""
    relationship: Relationship = field(default_factory=Relationship)
    in_conversation: bool = False
    """They have written to us (accepted, replied): a LinkedIn message is no connection note."""
    """Where we are with this person: stage, evidence, dates and their own words."""
    register: str | None = None
    """``formal`` or ``informal`` (Sie/du, usted/tú) where the language has both: how they and
    we wrote, the record, the channel (``tools/writing/register.py``); else ``None``."""
    recipient: str | None = None
    """The address on ``channel`` (e-mail or handle); ``None`` when the record has none."""
    recipient_source: str = ""
    """The record field the recipient came from, or why there is none (empty: not looked up)."""
    timezone: str | None = None
    """The prospect's time zone (IANA name or fixed offset), if known."""
    send_at: str | None = None
    """The proposed send time: ISO 8601 with their UTC offset, a weekday in working hours."""
    avoid_sentences: list[str] = field(default_factory=list)
    """Sentences this tenant removed from at least two sent messages (learned from edits)."""
    notes: list[str] = field(default_factory=list)


def _inline(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its ``$defs`` inlined (a form a client can render as is)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return dict(resolve(schema))


ProspectInput = Annotated[dict[str, Any], WithJsonSchema(_inline(Prospect))]
"""A prospect's record as received (a dict, validated by the first step): its schema is
``Prospect``'s, so LangGraph Studio renders the record's fields as a form."""
TemplateInput = Annotated[dict[str, Any], WithJsonSchema(_inline(Template))]
"""A template as received; its schema is ``Template``'s."""


@dataclass(kw_only=True)
class InputState(_Traced):
    """What a caller passes in: the raw prospect and template (dicts) and optionally a channel."""

    prospect: ProspectInput
    """The prospect's record as received: untrusted, not yet validated. Emptied by profile
    research once parsed (``clean_prospect`` holds the sanitised, bounded record), so checkpoints
    never keep the raw input."""
    template: TemplateInput
    """The tenant's template as received (emptied once parsed into ``clean_template``)."""
    platform: str | None = None
    """The channel to write for; defaults to the prospect's preference or platform, else email."""
    message_id: str = ""
    """The message's id (the caller's, or generated); engagement is attached to it later."""
    strategy_rules: PersonalizationStrategy | None = None
    """The caller's tone, content and CTA weights that pin or weight the strategy."""
    variation_type: VariationType | None = None
    """Make the variations differ only in ``tone``, ``content`` (opening angle) or ``cta``."""


@dataclass(kw_only=True)
class State(InputState):
    """The full state that the six nodes read and update."""

    channel: Channel | None = None
    """The resolved channel."""
    clean_prospect: Prospect | None = None
    """The prospect after validation and sanitisation (still untrusted text, but safe)."""
    clean_template: Template | None = None
    """The validated template (trusted)."""
    facts: list[Fact] = field(default_factory=list)
    """Grounded personalization points, ranked by weight (highest first)."""
    language: str = "en"
    """The language the message is written in: the record's, or detected (ISO 639-1)."""
    language_note: str | None = None
    """Set when the prospect's language has no phrase bank: the message needs review."""
    language_wanted: str | None = None
    """The language the message should be in (the copy's, the record's or the detected one)."""
    register: str | None = None
    """``formal`` (Sie, usted) or ``informal`` (du, tú) where the language has both, else None:
    chosen by context retrieval (``RetrievedContext.register``)."""
    excluded: list[ExcludedSpan] = field(default_factory=list)
    """Prospect text kept out of every draft, with the reason."""
    analysis: ProfileAnalysis | None = None
    """Preferences and behaviour read from the record."""
    context: RetrievedContext | None = None
    """Platform rules, history, timing and lessons for this prospect."""
    strategy: PersonalizationStrategy | None = None
    """Weights and the variation plans the drafting branches follow."""
    variations: Annotated[list[MessageVariation], merge_variations] = field(default_factory=list)
    """Drafted variations; parallel branches add, a repair round replaces by id."""
    attempt: int = 0
    """How many critic rounds have run (bounded by ``Context.max_repairs``)."""
    selected_id: str | None = None
    """The variation the critic chose, if any passed."""
    status: Status | None = None
    """``ready``, ``needs_review`` or ``blocked`` once the critic has decided."""
    reasons: Annotated[list[str], lambda a, b: a + b] = field(default_factory=list)
    """Human-readable reasons accumulated by every step (appended, never replaced)."""
    repair_ids: list[str] = field(default_factory=list)
    """Variations the critic sent back for redrafting in the next round."""
    review: dict[str, Any] | None = None
    """The reviewer's decision once made: ``decision`` (approve, edit, reject), ``message`` and,
    for an edit, ``original_body`` (what was drafted; the record keeps it, the edit is learnt)."""
    record: dict[str, Any] | None = None
    """The outcome record the feedback step built (a ``MessageRecord`` as a dict). The engine
    stores it only once the whole run, its checkpoint included, has succeeded."""
    deadline_at: float | None = None
    """When the run's time is up (``time.time()``); set by the first step from ``deadline_s``."""
    spans: Annotated[list[StepSpan], operator.add] = field(default_factory=list)
    """When each step's tasks ran; parallel drafts add one span each (see ``graph/timing.py``)."""


@dataclass(kw_only=True)
class DraftTask(_Traced):
    """The payload of one ``Send`` to the draft node."""

    plan: VariationPlan
    attempt: int = 0
    force_offline: bool = False
    """Set by the critic's repair round: redraft with the grounded offline composer."""
    repair_notes: list[str] = field(default_factory=list)
    """What the critic found against the rejected draft (for a model repair: its findings)."""
    rejected: MessageVariation | None = None
    """A model repair: the model's own rejected draft, shown back to it once with the findings."""
    excluded: list[ExcludedSpan] = field(default_factory=list)
    """Prospect text kept out of every draft (a model repair is checked against it too)."""
    clean_prospect: Prospect
    clean_template: Template
    channel: Channel
    facts: list[Fact]
    strategy: PersonalizationStrategy
    context: RetrievedContext
    language: str = "en"
    register: str | None = None
    """The message's register (``State.register``): picks the phrase bank's overlay."""
    deadline_at: float | None = None
    """The run's deadline (``State.deadline_at``): model work is cut to end before it."""
    plans: list[VariationPlan] = field(default_factory=list)
    """One-call mode: every plan this task drafts in a single model call (``plan`` is the first)."""
    variation_type: VariationType | None = None


@dataclass(kw_only=True)
class FeedbackInput(_Traced):
    """What the feedback graph takes: a message id and its engagement."""

    message_id: str
    """The message the engagement is about (one of the caller's tenant)."""
    engagement: dict[str, Any] | list[dict[str, Any]]
    """One event (``{"event": "replied", "reply_text": "..."}``), a dict of flags
    (``{"opened": True, "replied": True}``) or a list of them."""


@dataclass(kw_only=True)
class FeedbackState(FeedbackInput):
    """The feedback graph's state: its input and what the engagement changed."""

    result: dict[str, Any] | None = None
    """Counted and duplicate events, the message's outcome, edits and lessons."""
