"""The engine's vocabulary: inputs, facts, strategies, variations, reports and errors.

This module imports nothing else of the project, so every layer (tools, memory, nodes, the graph
builder, the facade and the CLI) can depend on it without import cycles.

Trust is visible in the types. ``UntrustedText`` is anything that came from a prospect's record
(scraped from the internet: it may contain instructions, markup or canaries). ``TrustedText`` comes
from the tenant's own template, the policy packs or the phrase banks. Untrusted text only reaches a
model inside a fenced data block (see ``tools/provider/llm.py``) and only reaches a message
through a ``Fact`` that the grounding check can trace.
"""

from __future__ import annotations

from typing import Any, Literal, NewType

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

UntrustedText = NewType("UntrustedText", str)
"""Text that came from a prospect's record: data, never instructions."""

TrustedText = NewType("TrustedText", str)
"""Text written by the tenant (template), by us (phrase banks) or by the policy packs."""

Channel = str
"""A channel's name, one of the registry's (``tools/policies/channels.toml``, read by
``ipe.tools.policies.channels``): the channels are data, so the type is a plain name."""

Tone = Literal["professional", "casual", "enthusiastic"]
TONES: tuple[Tone, ...] = ("professional", "casual", "enthusiastic")

Angle = Literal["recent_content", "audience", "niche_fit", "bio", "generic"]
"""How a message opens: the prospect's latest content, their audience, the fit between their
niche and the brand, something they say about themselves, or an honest non-specific opener."""
ANGLES: tuple[Angle, ...] = ("recent_content", "audience", "niche_fit", "bio", "generic")

Cta = Literal["reply", "call", "link", "sample"]
"""The call to action: reply to hear more, book a call, read the program page, get a sample."""
CTAS: tuple[Cta, ...] = ("reply", "call", "link", "sample")

Status = Literal["ready", "needs_review", "scheduled", "blocked", "deferred"]
ResultSource = Literal["model", "offline", "offline_fallback", "offline_repair"]
"""``ready`` to send; ``needs_review`` passing but a person should look; ``scheduled`` held until
``not_before`` (a deferral the prospect asked for); ``blocked`` nothing may be sent (see reasons).
"""
Severity = Literal["blocking", "advisory"]
DraftSource = Literal["llm", "offline", "offline_fallback"]

FactKind = Literal[
    "content_title",
    "content_summary",
    "niche",
    "audience_size",
    "location",
    "bio",
    "company",
    "job_title",
    "website",
    "tag",
    "platform",
    "history",
]


class PersonalizationError(ValueError):
    """Base class of every error the engine reports to its caller (one clear line each).

    A ``ValueError``, so a LangGraph server reports its message to the client as it is.

    Bad input (every subclass except ``StorageError``) maps to CLI exit 2; a fault of the data
    directory (``StorageError``) maps to exit 3.
    """


class InvalidInputError(PersonalizationError):
    """The prospect, template or engagement data is unreadable or misses a required field."""


class UnknownChannelError(PersonalizationError):
    """The requested channel is not one of the registry's (``tools/policies/channels.toml``)."""


class TemplateComplianceError(PersonalizationError):
    """The template cannot meet the channel's legal requirements (e.g. email without an address)."""


class UnknownMessageError(PersonalizationError):
    """Engagement data names a message id that this tenant never produced."""


class ConflictError(PersonalizationError):
    """The request contradicts what the store already holds; nothing was changed."""


class EventConflictError(ConflictError):
    """An event id already recorded for this message arrived again with a different payload."""


class MessageIdConflictError(ConflictError):
    """A caller-chosen message id already belongs to another prospect (or to a sent message)."""


class StorageError(PersonalizationError):
    """The data directory cannot be used: corrupt, foreign, read-only, full, locked or denied.

    Not the input's fault: nothing was recorded, and the same call succeeds once it is fixed.
    """


class SettingsInvalidError(InvalidInputError):
    """A setting (an ``IPE_*``, ``OPENAI_*`` or ``LANGSMITH_*`` variable) has a wrong value."""


class ServiceUnavailableError(StorageError):
    """A service the settings name cannot be used (exit 3), nothing was recorded.

    The provider's key is missing, or the Chroma or PostgreSQL server does not answer: fix the
    setting or start the service.
    """


class EngineError(PersonalizationError):
    """The engine could not finish (storage, model or graph failure); the cause is chained."""


VariationType = Literal["tone", "content", "cta"]
"""What a set of variations differs in: the tone, the opening angle (content) or the CTA."""
VARIATION_TYPES: tuple[VariationType, ...] = ("tone", "content", "cta")


def first_error(err: ValidationError, what: str) -> str:
    """The first validation error of ``err`` as one readable line about ``what``."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or what
    if first["type"] == "missing":
        return f"{what} is missing the required field '{where}'"
    return f"{what} field '{where}': {first['msg']}"


class _Buildable(BaseModel):
    """A model users build themselves: a bad value raises ``InvalidInputError`` (one line)."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise InvalidInputError(first_error(err, type(self).__name__)) from None


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class RecentContent(_Model):
    """One piece of the prospect's published content."""

    title: UntrustedText = UntrustedText("")
    url: UntrustedText | None = None
    published_at: str | None = None
    platform: str | None = None
    summary: UntrustedText | None = None


class Interaction(_Model):
    """One past exchange between the tenant and this prospect."""

    at: str | None = Field(
        default=None,
        validation_alias=AliasChoices("at", "date", "timestamp", "sent_at", "datetime", "time"),
    )
    """When it happened (ISO 8601); also read from ``date``, ``timestamp``, ``sent_at``,
    ``datetime`` or ``time``, as people name it."""
    channel: str | None = None
    direction: str = "outbound"
    text: UntrustedText = UntrustedText("")
    outcome: str | None = None


class Preferences(_Model):
    """What the prospect said (or showed) they prefer."""

    channel: str | None = None
    tone: str | None = None
    timezone: str | None = None
    language: str | None = None
    """The language they asked to be written to in (a tag or a name): it outranks the rest."""
    formality: str | None = Field(
        default=None, validation_alias=AliasChoices("formality", "register")
    )
    """How they want to be addressed: "formal" (Sie, usted) or "informal" (du, tú); also read
    from ``register``. How they and we already wrote outranks it (``tools/writing/register.py``)."""


class Prospect(BaseModel):
    """A prospect's public profile. Every string in it is untrusted. Unknown fields are kept."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str
    name: UntrustedText
    platform: str | None = None
    handle: UntrustedText | None = None
    email: UntrustedText | None = None
    bio: UntrustedText | None = None
    niche: UntrustedText | None = None
    audience_size: int | None = None
    location: UntrustedText | None = None
    language: str | None = None
    website: UntrustedText | None = None
    company: UntrustedText | None = None
    title: UntrustedText | None = None
    tags: list[UntrustedText] = Field(default_factory=list)
    recent_content: list[RecentContent] = Field(default_factory=list)
    interaction_history: list[Interaction] = Field(default_factory=list)
    preferences: Preferences = Field(default_factory=Preferences)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("audience_size", mode="before")
    @classmethod
    def _audience_as_int(cls, value: Any) -> Any:
        if isinstance(value, str):
            digits = value.replace(",", "").replace("_", "").strip()
            return int(digits) if digits.isdigit() and len(digits) <= 15 else None
        return value


class Sender(_Model):
    """Who sends the message: trusted, supplied by the tenant."""

    name: TrustedText = TrustedText("")
    title: TrustedText | None = None
    company: TrustedText | None = None
    email: TrustedText | None = None
    postal_address: TrustedText | None = None
    unsubscribe_url: TrustedText | None = None


class Offer(_Model):
    """The affiliate offer's terms, as the tenant states them."""

    summary: TrustedText = TrustedText("")
    commission: TrustedText | None = None
    cookie_days: int | None = None
    perks: list[TrustedText] = Field(default_factory=list)


class Translation(_Model):
    """The tenant's copy in one more language (Liquid, like the template's own)."""

    subject: TrustedText | None = None
    body: TrustedText | None = None


class Template(_Model):
    """The tenant's message template: all of it is trusted."""

    id: str
    name: str = ""
    brand: TrustedText
    brand_aliases: list[TrustedText] = Field(default_factory=list)
    """Other names of the brand the copy may use ("Acme" for "Acme Outdoor Co."): each counts as
    naming it; short forms are also derived (``tools/writing/brand.py``)."""
    sender: Sender
    offer: Offer = Field(default_factory=Offer)
    goal: TrustedText = TrustedText("")
    subject: TrustedText | None = None
    body: TrustedText | None = None
    translations: dict[str, Translation] = Field(default_factory=dict)
    """The copy in other languages, by language tag (``{"es": {"subject": ..., "body": ...}}``):
    a message in that language uses it instead of the template's own copy."""
    approved_claims: list[TrustedText] = Field(default_factory=list)
    links: list[TrustedText] = Field(default_factory=list)
    affiliate_link: TrustedText | None = None
    """The partner's link, or a pattern (``https://acme.example/?ref={{ prospect.id }}``) for
    ``{{ affiliate_link }}``; a record's own ``affiliate_link`` on a template link's host wins."""
    promo_code: TrustedText | None = None
    """The partner's code, or a pattern (``ACME-{{ prospect.handle }}``): ``{{ promo_code }}``; a
    record's own ``promo_code`` wins."""
    booking_link: TrustedText | None = None
    """Where to book a call (``{{ booking_link }}``); else the template link that reads as one."""
    allow_http_links: bool = False
    """Links must be ``https``; a tenant may allow ``http`` links (never for unsubscribing)."""

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Fact(_Model):
    """A personal detail extracted from the prospect's record, with where it came from."""

    id: str
    kind: FactKind
    text: UntrustedText
    """The words a message may use (untrusted, already sanitised)."""
    source_field: str
    """The record field it came from, e.g. ``recent_content[0].title``."""
    url: str | None = None
    weight: float = 0.5
    """How strong a personalization point it is (0..1); the research step ranks by it."""


class ExcludedSpan(_Model):
    """Prospect text that was kept out of every draft, and why."""

    field: str
    text: UntrustedText
    reason: str


RelationshipStage = Literal[
    "cold",
    "awaiting_reply",
    "deferred",
    "check_back_due",
    "asked_for_details",
    "declined",
    "opted_out",
]
"""Where the relationship with a prospect stands before the engine writes a word."""


class Relationship(_Model):
    """Where we are with this person: the stage, its evidence and the dates that matter."""

    stage: RelationshipStage = "cold"
    follow_up: int = 0
    """For ``awaiting_reply``: which follow-up this message would be (1 = the first follow-up)."""
    days_since_outbound: int | None = None
    """Days since our last outbound message, if any."""
    not_before: str | None = None
    """For ``deferred``/``check_back_due``: the ISO date the prospect asked us to wait for."""
    asked_for: UntrustedText | None = None
    """The prospect's own words for what they asked (a deferral, the details), quoted."""
    asked_at: str | None = None
    """When they wrote those words (ISO 8601, as the history gives it)."""
    asked_when: UntrustedText | None = None
    """For ``deferred``/``check_back_due``: the time phrase the date reader found in their words,
    with its lead word ("after 12 January"); a check-back quotes this, never the rest of their
    sentence (``None``: it quotes nothing of theirs)."""
    asked_source: str | None = None
    """The record field holding their words (``interaction_history[3].text``): the history fact
    with this ``source_field`` is what a message cites."""
    evidence: list[str] = Field(default_factory=list)
    """Human-readable lines: which history items led to this stage."""
    intent: str | None = None
    """The intent of their latest reply (a name in ``tools/policies/intents.toml``), if any."""
    reply_language: str | None = None
    """The language their latest reply is written in, when known (the answer's language)."""
    review: str | None = None
    """Why a person must read their reply before anything is sent (``None``: nothing to check)."""


class ProfileAnalysis(_Model):
    """Preferences and behaviour read from the record and its history."""

    preferred_tone: str | None = None
    preferred_channel: str | None = None
    active_hours_utc: list[int] = Field(default_factory=list)
    niche_group: str = "general"
    replied_before: bool = False
    asked_not_to_contact: bool = False


class Lesson(_Model):
    """Something the tenant's outcomes taught, with its evidence."""

    id: str
    text: str
    segment: str
    factor: Literal["tone", "angle", "cta"]
    level: str
    status: Literal["candidate", "confirmed", "retired"] = "candidate"
    sends: int = 0
    positives: float = 0.0
    baseline_rate: float = 0.0
    rate: float = 0.0
    probability_best: float = 0.0
    message_ids: list[str] = Field(default_factory=list)
    updated_at: str = ""


class VariationPlan(_Model):
    """What one drafting branch is asked to write."""

    id: str
    tone: Tone
    angle: Angle
    cta: Cta
    fact_ids: list[str] = Field(default_factory=list)
    predicted_outcome: float = 0.0
    """The strategy model's Thompson draw for this arm (drives exploration)."""
    posterior_mean: float = 0.0
    """The strategy model's current estimate of this arm's positive-outcome rate."""
    propensity_drafted: float | None = None
    """How likely the strategy step was to draft this arm (estimated from its sampler's draws)."""
    propensity_chosen: float | None = None
    """How likely this arm was to be the one sent (the sampler's first choice): the logging
    propensity that off-policy evaluation divides by."""

    @property
    def arm(self) -> str:
        """The arm key, ``tone/angle/cta``."""
        return f"{self.tone}/{self.angle}/{self.cta}"


_RULE_LEVELS: dict[str, tuple[str, ...]] = {
    "tone_rules": TONES,
    "content_rules": ANGLES,
    "cta_rules": CTAS,
}


class PersonalizationStrategy(_Buildable, _Model):
    """How this prospect should be approached: rules as weights and the variations to draft.

    The engine returns one per run. A caller may also build one with just the rules and pass it
    in (``personalize_message(..., strategy=...)``): ``tone_rules`` weights the tones,
    ``content_rules`` the opening angles and ``cta_rules`` the calls to action. A level with
    weight 0 (or absent from a non-empty dict) is not drafted; one level alone pins it; several
    weight the strategy model's draws (a weight twice another's doubles the odds of its arms).
    """

    channel: Channel | None = None
    segment: str = ""
    tone_rules: dict[str, float] = Field(default_factory=dict)
    """Weight per tone: professional, casual, enthusiastic."""
    content_rules: dict[str, float] = Field(default_factory=dict)
    """Weight per opening angle: recent_content, audience, niche_fit, bio, generic."""
    cta_rules: dict[str, float] = Field(default_factory=dict)
    """Weight per call to action: reply, call, link, sample."""
    variations: list[VariationPlan] = Field(default_factory=list)
    length_budget: int = 0
    """The body length to aim for, in the unit the channel counts (set by the engine)."""
    allowed_arms: list[str] = Field(default_factory=list)
    """Every arm (``tone/angle/cta``) the strategy could have drafted for this prospect: the
    support of the logging policy, kept for off-policy evaluation."""
    lessons_applied: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @field_validator("tone_rules", "content_rules", "cta_rules")
    @classmethod
    def _known_levels(cls, rules: dict[str, float], info: Any) -> dict[str, float]:
        levels = _RULE_LEVELS[info.field_name]
        unknown = sorted(set(rules) - set(levels))
        if unknown:
            raise ValueError(f"unknown level {', '.join(unknown)}: use {', '.join(levels)}")
        if any(not 0.0 <= w < float("inf") for w in rules.values()):
            raise ValueError("weights must be finite numbers >= 0")
        if rules and not any(w > 0 for w in rules.values()):
            raise ValueError("at least one weight must be above 0")
        return rules


class Finding(_Model):
    """One result of a compliance, grounding or lint rule."""

    rule_id: str
    severity: Severity
    field: str
    span: str = ""
    message: str
    source: str = ""
    penalty: float = 0.0
    """How much an advisory finding lowers the variation's score."""


class MessageVariation(_Buildable, _Model):
    """One variation of a message: what it varies and, once drafted, its text and its checks.

    A caller builds one to ask for variations of one kind, ``MessageVariation(template=...,
    strategy=..., variation_type="tone")``, and passes it to ``personalize_message`` in place of
    the template: every drafted variation then shares the opening and the CTA and differs in tone
    (``content``: in the opening angle; ``cta``: in the call to action). The engine returns the
    drafted variations with ``id``, ``plan``, ``body`` and the critic's findings filled in.
    """

    id: str = ""
    plan: VariationPlan | None = None
    """The arm this variation was drafted for (``None`` only on a request not yet drafted)."""
    template: Template | None = None
    """For a request: the template to vary (trusted)."""
    strategy: PersonalizationStrategy | None = None
    """For a request: rules that pin or weight the strategy."""
    variation_type: VariationType | None = None
    """What the variations of this request differ in."""
    subject: str | None = None
    body: str = ""
    fact_ids: list[str] = Field(default_factory=list)
    source: DraftSource = "offline"
    fallback_reason: str | None = None
    model_unavailable: bool = False
    """Composed offline because the model could not be used (limit, outage, deadline)."""
    findings: list[Finding] = Field(default_factory=list)
    score: float | None = None
    score_breakdown: dict[str, float] = Field(default_factory=dict)
    attempt: int = 0
    language: str = "en"
    """The language the variation is written in (ISO 639-1); the critic checks it in it."""
    angle_written: Angle | None = None
    """The opening angle the text actually uses, when the drafter knows it (else the plan's)."""
    cta_written: Cta | None = None
    """The call to action the text actually makes, when the drafter knows it (else the plan's)."""

    @property
    def written_arm(self) -> tuple[str, str, str]:
        """``(tone, angle, cta)`` as written: what learning credits with the outcome."""
        if self.plan is None:
            raise ValueError(f"variation {self.id!r} was never drafted: it has no arm")
        return (
            self.plan.tone,
            self.angle_written or self.plan.angle,
            self.cta_written or self.plan.cta,
        )

    @property
    def arm(self) -> str:
        """The arm key ``tone/angle/cta`` (empty on a request not yet drafted)."""
        return self.plan.arm if self.plan else ""

    @property
    def compliant(self) -> bool:
        """True when no blocking finding stands against this variation."""
        return not any(f.severity == "blocking" for f in self.findings)


class PersonalizationResult(_Model):
    """What the engine returns: the chosen message, the alternatives and the reasons."""

    message_id: str
    status: Status
    platform: Channel
    subject: str | None
    body: str
    variations: list[MessageVariation]
    facts_used: list[Fact]
    reasons: list[str]
    strategy: PersonalizationStrategy | None = None
    excluded: list[ExcludedSpan] = Field(default_factory=list)
    selected_id: str | None = None
    arm: str | None = None
    segment: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds per step (research, context, strategy, drafting, critic, feedback) and ``total``."""
    review: dict[str, Any] | None = None
    """While paused for review, the request a person answers; once decided, the decision."""
    relationship: Relationship = Field(default_factory=Relationship)
    """Where we are with this person (stage, evidence, dates), before a word was written."""
    recipient: str | None = None
    """Who receives it on ``platform``: the e-mail address or the handle; ``None``: unreachable."""
    not_before: str | None = None
    """For ``scheduled`` (and a held draft a person reads first, ``needs_review``): the ISO date
    before which nothing may be sent."""
    send_at: str | None = None
    """When to send: ISO 8601 with the prospect's UTC offset, a weekday in their working hours."""

    @property
    def source(self) -> ResultSource | None:
        """Who wrote the chosen message (None when no message was chosen).

        ``model``; ``offline`` (no model configured); ``offline_repair`` (the engine's own
        redraft after the model's repair was rejected); ``offline_fallback`` (the model could not
        be used: limit, outage, deadline).
        """
        chosen = next((v for v in self.variations if v.id == self.selected_id), None)
        if chosen is None:
            return None
        if chosen.source == "llm":
            return "model"
        if chosen.model_unavailable:
            return "offline_fallback"
        return "offline_repair" if chosen.source == "offline_fallback" else "offline"

    def to_json_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape."""
        return {
            "message_id": self.message_id,
            "status": self.status,
            "source": self.source,
            "platform": self.platform,
            "subject": self.subject,
            "body": self.body,
            "selected_id": self.selected_id,
            "arm": self.arm,
            "segment": self.segment,
            "recipient": self.recipient,
            "not_before": self.not_before,
            "send_at": self.send_at,
            "relationship": self.relationship.model_dump(),
            "variations": [
                {
                    "id": v.id,
                    "arm": v.arm,
                    "source": v.source,
                    "subject": v.subject,
                    "body": v.body,
                    "score": v.score,
                    "score_breakdown": v.score_breakdown,
                    "compliant": v.compliant,
                    "violations": [f.model_dump() for f in v.findings if f.severity == "blocking"],
                    "advisories": [f.model_dump() for f in v.findings if f.severity == "advisory"],
                }
                for v in self.variations
            ],
            "facts_used": [f.model_dump() for f in self.facts_used],
            "excluded": [e.model_dump() for e in self.excluded],
            "reasons": self.reasons,
            "timings": self.timings,
            "review": self.review,
        }


EngagementKind = Literal[
    "approved",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "replied",
    "converted",
    "unsubscribed",
    "complained",
    "bounced",
]
"""What happened to a message. ``approved`` and ``sent`` are its lifecycle (drafted -> approved /
edited -> sent: only a sent message is contact and evidence); ``complained`` is a spam complaint,
``bounced`` a hard bounce. Engagement that needs delivery (all but the lifecycle) implies
``sent``."""
ReplyIntent = str
"""A stored reply event: one of the ``event`` names of ``tools/policies/intents.toml`` (the
README's interested, not_now, not_interested, unsubscribe_request, out_of_office)."""


ReviewDecisionType = Literal["approve", "edit", "reject"]


class EditedAction(_Model):
    """An edited action of a review decision: the action's name and its (changed) arguments."""

    name: str = "send_message"
    args: dict[str, Any] = Field(default_factory=dict)
    """``subject`` and ``body`` as they should be sent, or ``variation_id`` of an alternate."""


class ReviewDecision(_Model):
    """One human decision on a paused message (LangGraph 1.x's human-in-the-loop shape)."""

    type: ReviewDecisionType
    edited_action: EditedAction | None = None
    """For ``edit``: the message as it should be sent."""
    message: str | None = None
    """For ``reject``: why (kept in the reasons)."""


class ReviewResponse(_Model):
    """What resumes a paused run: ``{"decisions": [{"type": "approve"}]}``."""

    decisions: list[ReviewDecision] = Field(min_length=1, max_length=1)
