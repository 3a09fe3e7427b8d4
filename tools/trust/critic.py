"""The critic's logic: final formatting, checks on exactly what is sent, scoring, selection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ipe.domain import (
    Channel,
    ExcludedSpan,
    Fact,
    Finding,
    MessageVariation,
    PersonalizationStrategy,
    Prospect,
    Status,
    Template,
)
from ipe.graph.state import DraftTask, RetrievedContext
from ipe.tools.channel.formatting import above_footer, finalize, fit_to_limit
from ipe.tools.channel.policy import load_policy
from ipe.tools.learning.edits import drop_removed, normalise
from ipe.tools.policies.channels import registry
from ipe.tools.text.textcount import measure
from ipe.tools.trust.compliance import check_message, disclose
from ipe.tools.trust.grounding import grounded_fact_ids, zone_places
from ipe.tools.trust.holds import hold
from ipe.tools.trust.scoring import score_variation
from ipe.tools.trust.sendable import mend, sendability
from ipe.tools.writing.answers import reply_review
from ipe.tools.writing.brand import name_brand, promotes
from ipe.tools.writing.facts import credited_fact_ids
from ipe.tools.writing.language import language_review
from ipe.tools.writing.offline_drafter import trusted_vocabulary
from ipe.tools.writing.strategy import knobs

_CUT_QUOTE = re.compile(r"(?:…|\.\.\.)\s*[\"”»“]|[\"“«][^\"”»\n]{0,200}(?:…|\.\.\.)(?=\s|$)")
_ELLIPSIS = re.compile(r"…|\.\.\.")


def _shape() -> dict[str, Any]:
    return dict(knobs()["shape"])


def shape_findings(
    body: str,
    *,
    channel: str,
    template: Template,
    sources: list[str],
    in_conversation: bool = False,
) -> list[Finding]:
    """Advisory findings on the message's shape.

    A cut quote or sentence, the length in words against the channel's band (a conversation's
    band where the channel declares one), and offer terms stated more than once.
    """
    shape = _shape()
    text = above_footer(body)
    findings: list[Finding] = []
    known = sum(len(_ELLIPSIS.findall(s)) for s in sources)
    if _CUT_QUOTE.search(text) or len(_ELLIPSIS.findall(text)) > known:
        span = _CUT_QUOTE.search(text) or _ELLIPSIS.search(text) or re.search(".", text)
        findings.append(
            Finding(
                rule_id="shape.cut",
                severity="advisory",
                field="body",
                span=span.group(0) if span else "",
                message="A quote or sentence is cut: a manager would not send it like this.",
                source=str(shape["source"]),
                penalty=float(shape["cut_penalty"]),
            )
        )
    if channel in registry():
        words = len(text.split())
        spec = registry()[channel]
        low, high, hard = spec.band(in_conversation=in_conversation)
        kind = "message" if in_conversation and spec.conversation_words else spec.kind
        if words > high:
            over = words > hard
            findings.append(
                Finding(
                    rule_id="shape.over_length" if over else "shape.long",
                    severity="advisory",
                    field="body",
                    span=f"{words} words",
                    message=f"{words} words; a {kind} reads best at {low}-{high} (at most {hard}).",
                    source=str(shape["source"]),
                    penalty=float(shape["over_max_penalty" if over else "over_band_penalty"]),
                )
            )
    commission = (template.offer.commission or "").strip()
    if commission and text.lower().count(commission.lower()) > 1:
        findings.append(
            Finding(
                rule_id="shape.offer_repeated",
                severity="advisory",
                field="body",
                span=commission,
                message=f'The commission "{commission}" is stated more than once.',
                source=str(shape["source"]),
                penalty=float(shape["offer_repeated_penalty"]),
            )
        )
    return findings


def gated_out(variation: MessageVariation) -> str | None:
    """Why a passing variation may not win on its arm's draw alone, or None when it is clean."""
    if any(f.rule_id == "shape.cut" for f in variation.findings):
        return "a quote or sentence is cut"
    if any(f.rule_id == "shape.over_length" for f in variation.findings):
        return "over the channel's length"
    penalty = sum(f.penalty for f in variation.findings if f.severity == "advisory")
    if penalty > float(knobs()["status"]["needs_review_if_lint_penalty_over"]):
        return f"lint penalty {penalty:.2f}"
    return None


@dataclass
class Review:
    """What the critic decided in one round."""

    variations: list[MessageVariation]
    selected_id: str | None
    repair_ids: list[str]
    status: Status | None
    reasons: list[str] = field(default_factory=list)


class Drafted(Protocol):
    """What checking a draft as sent reads of its run: the graph's ``State`` or a ``DraftTask``."""

    @property
    def channel(self) -> Channel | None: ...  # noqa: D102 - the fields of State and DraftTask
    @property
    def clean_template(self) -> Template | None: ...  # noqa: D102
    @property
    def clean_prospect(self) -> Prospect | None: ...  # noqa: D102
    @property
    def context(self) -> RetrievedContext | None: ...  # noqa: D102
    @property
    def facts(self) -> list[Fact]: ...  # noqa: D102
    @property
    def excluded(self) -> list[ExcludedSpan]: ...  # noqa: D102
    @property
    def language(self) -> str: ...  # noqa: D102


def check_as_sent(
    variation: MessageVariation, run: Drafted, *, linkedin_free_account: bool
) -> MessageVariation:
    """Check ``variation`` exactly as it would be sent, in the message's language.

    The critic's drafts, a repaired draft and a reviewer's edit all go through this one call.
    """
    assert run.channel and run.clean_template and run.clean_prospect and run.context
    return check_variation(
        variation,
        channel=run.channel,
        template=run.clean_template,
        facts=run.facts,
        excluded=run.excluded,
        prospect_name=run.clean_prospect.name,
        context=run.context,
        linkedin_free_account=linkedin_free_account,
        language=variation.language or run.language,  # a model writes languages the bank lacks
        dates=tuple(h.at for h in run.clean_prospect.interaction_history if h.at),
        said=tuple(
            h.text for h in run.clean_prospect.interaction_history if h.direction == "inbound"
        ),
    )


def still_rejected(variation: MessageVariation, task: DraftTask) -> list[str]:
    """The blocking rules the critic's own check finds in a repaired draft (empty: it passes)."""
    policy = load_policy(task.channel)
    free = policy.free_account_limit is not None and task.context.body_limit < policy.body_limit
    checked = check_as_sent(variation, task, linkedin_free_account=free)
    return sorted({f.rule_id for f in checked.findings if f.severity == "blocking"})


def check_variation(
    variation: MessageVariation,
    *,
    channel: Channel,
    template: Template,
    facts: list[Fact],
    excluded: list[ExcludedSpan],
    prospect_name: str,
    context: RetrievedContext,
    linkedin_free_account: bool,
    language: str = "en",
    dates: tuple[str, ...] = (),
    said: tuple[str, ...] = (),
) -> MessageVariation:
    """Format the variation as it would be sent, check it, and trim it once if only length fails.

    ``language`` is the message's: grounding reads which capitalised words are ordinary by it.
    ``dates``: the conversation's (``interaction_history[].at``): "my note of 27 November".
    ``said``: their inbound messages (their own words said back in a note that promotes nothing
    are no claim).
    """

    def run(subject: str | None, body: str) -> MessageVariation:
        body = name_brand(mend(body), template, language=language)  # what the engine can fix
        body = disclose(body, template, channel=channel, language=language)
        subject, body = finalize(
            subject, body, channel=channel, template=template, language=language
        )
        findings = check_message(
            subject,
            body,
            channel=channel,
            template=template,
            facts=facts,
            excluded=excluded,
            prospect_name=prospect_name,
            trusted_texts=trusted_vocabulary(),
            linkedin_free_account=linkedin_free_account,
            language=language,
            dates=dates,
            places=zone_places(context.timezone, language),
            in_conversation=context.in_conversation,
            said=said,
        )
        sources = [f.text for f in facts] + [template.model_dump_json()]
        findings += shape_findings(
            body,
            channel=channel,
            template=template,
            sources=sources,
            in_conversation=context.in_conversation,
        )
        ids = grounded_fact_ids(body, facts)
        ids += [i for i in credited_fact_ids(above_footer(body), facts) if i not in ids]
        return variation.model_copy(
            update={"subject": subject, "body": body, "findings": findings, "fact_ids": ids}
        )

    body, dropped = drop_removed(
        variation.body, {normalise(x) for x in context.avoid_sentences}, keep=[template.brand]
    )
    checked = run(variation.subject, body)
    if dropped:
        notes = [
            Finding(
                rule_id="edits.left_out",
                severity="advisory",
                field="body",
                span=sentence,
                message="left out: the user deleted this sentence from earlier messages",
                source="learned from edited bodies (ipe feedback --edited-body)",
            )
            for sentence in dropped
        ]
        checked = checked.model_copy(update={"findings": checked.findings + notes})
    blocking = [f for f in checked.findings if f.severity == "blocking"]
    used = set(variation.fact_ids) | set(checked.fact_ids)  # what the drafter and the text say
    if blocking and all("length" in f.rule_id for f in blocking):
        trimmed = fit_to_limit(
            checked.body,
            limit=context.body_limit,
            measure=lambda t: measure(t, context.unit),
            keep=[template.brand, *(f.text for f in facts if f.id in used)],
        )
        checked = run(checked.subject, trimmed)
    return checked


def _unsendable(
    variation: MessageVariation, context: RetrievedContext, template: Template | None
) -> list[str]:
    """Why ``variation`` would not be sent as written (``tools/trust/sendable.py``)."""
    if template is None:
        return []
    return sendability(
        variation.body,
        language=variation.language,
        template=template,
        relationship=context.relationship,
        rule_ids=[f.rule_id for f in variation.findings],
    )


def _courtesy(
    variation: MessageVariation, context: RetrievedContext, template: Template | None
) -> bool:
    """A note to someone who declined that promotes nothing (a thank-you): it may be sent."""
    if template is None or context.relationship.stage != "declined":
        return False
    return not promotes(above_footer(variation.body), template)


def select(
    checked: list[MessageVariation],
    *,
    strategy: PersonalizationStrategy,
    facts: list[Fact],
    context: RetrievedContext,
    can_repair: bool,
    require_approval: bool,
    opted_out: bool,
    language_note: str | None = None,
    language_wanted: str | None = None,
    template: Template | None = None,
) -> Review:
    """Score the compliant variations, choose one, or ask for repairs, or block with reasons.

    ``language_note`` (English for want of a phrase bank) and a text that reads as another
    language than it was written for make the chosen message ``needs_review``; both are judged
    on the chosen text (``language_review``), not on the plan.
    """
    scored = []
    for v in checked:
        if v.compliant:
            total, parts = score_variation(
                v, strategy=strategy, facts=facts, length=measure(v.body, context.unit)
            )
            v = v.model_copy(update={"score": total, "score_breakdown": parts})
        scored.append(v)
    reasons = [
        f"{v.id} ({v.arm}, {v.source}) rejected: "
        + "; ".join(f"{f.rule_id} '{f.span}'" for f in v.findings if f.severity == "blocking")
        for v in scored
        if not v.compliant
    ]
    passing = sorted((v for v in scored if v.compliant), key=lambda v: v.score or 0.0, reverse=True)
    personal = [v for v in passing if v.fact_ids]
    if personal and len(personal) < len(passing):  # the record has a usable detail: use it
        reasons.append("preferred the variations that kept a personal detail")
        passing = personal
    unsendable = {v.id: _unsendable(v, context, template) for v in passing}
    sendable = [v for v in passing if not unsendable[v.id]]
    if sendable and len(sendable) < len(passing):  # a draft a manager would send wins
        reasons += [
            f"{v.id} set aside: {'; '.join(unsendable[v.id])}" for v in passing if unsendable[v.id]
        ]
        passing = sendable
    clean = [v for v in passing if gated_out(v) is None]
    if clean and len(clean) < len(passing):  # quality gates the draw: a flawed text does not win
        reasons += [
            f"{v.id} set aside: {gated_out(v)}" for v in passing if gated_out(v) is not None
        ]
        passing = clean
    if opted_out:
        return Review(
            scored, None, [], "blocked", [*reasons, "the prospect asked not to be contacted"]
        )
    held = hold(context.relationship)
    why = reply_review(context.relationship, template) if template is not None else None
    if held is None and why is not None:
        held = ("needs_review", f"a person answers their question: {why}")
    courtesy = [v for v in passing if _courtesy(v, context, template)]
    if held is not None and held[0] == "blocked" and courtesy:  # a thank-you after a "no"
        why = "they declined: only a thank-you that promotes nothing, for a person to send or drop"
        passing, held = courtesy, ("needs_review", why)
    if held is not None and held[0] == "blocked":
        return Review(scored, None, [], "blocked", [*reasons, held[1]])
    channel = registry().get(context.channel)
    if channel and not channel.opens_conversation and context.relationship.stage == "cold":
        why = f"a first message cannot go on {context.channel}: only a reply to one of theirs"
        return Review(scored, None, [], "blocked", [*reasons, why])
    if context.recipient is None and context.recipient_source:  # looked up, and not found
        why = f"no recipient on {context.channel}: {context.recipient_source}"
        if passing:  # the draft is shown (a preview, or to send once the address is known)
            why += f"; {passing[0].id} is the draft to send once there is one"
        chosen = passing[0].id if passing else None
        return Review(scored, chosen, [], "blocked", [*reasons, why])
    if not passing:
        if can_repair:
            repair = [v.id for v in scored]
            return Review(scored, None, repair, None, [*reasons, "no variation passed: redrafting"])
        return Review(scored, None, [], "blocked", [*reasons, "no variation passed the checks"])
    best = passing[0]
    predicted = best.plan.predicted_outcome if best.plan else 0.0
    reasons.append(
        f"chose {best.id} ({best.arm}): score {best.score} "
        f"(predicted outcome {predicted:.2f}, quality "
        f"{best.score_breakdown.get('quality', 0):.2f}) over {len(passing) - 1} other passing"
    )
    if not best.fact_ids:
        reasons.append(
            "no personal fact was usable: the message opens without pretending to know them"
        )
    penalty = sum(f.penalty for f in best.findings if f.severity == "advisory")
    language_note = language_review(
        best.body, written_for=best.language, wanted=language_wanted, note=language_note
    )
    status: Status = "needs_review"
    flaw = gated_out(best)
    if held is not None:  # scheduled: drafted for the date they asked for, not sendable before
        reasons.append(held[1])
        status = held[0]
        review = [language_note] if language_note else []
        review += [f"review before it goes: {r}" for r in unsendable.get(best.id, [])]
        reasons += review
        if status == "scheduled" and review:  # a held draft goes out unread on its date
            status = "needs_review"
            reasons.append(
                f"held until {context.relationship.not_before}, and a person reads the draft first"
            )
    elif language_note:
        reasons.append(language_note)
    elif unsendable.get(best.id):
        reasons.append("not sendable as written: " + "; ".join(unsendable[best.id]))
    elif flaw and "lint" not in flaw:
        reasons.append(f"{flaw}: review before sending")
    elif require_approval:
        reasons.append("approval is required before sending")
    elif context.contacted_recently:
        reasons.append("contacted recently: check before sending again")
    elif penalty > float(knobs()["status"]["needs_review_if_lint_penalty_over"]):
        reasons.append(f"lint penalty {penalty:.2f}: review the wording")
    else:
        status = "ready"
    return Review(scored, best.id, [], status, reasons)
