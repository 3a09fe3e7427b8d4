"""The critic's logic: final formatting, checks on exactly what is sent, scoring, selection."""

from __future__ import annotations

from dataclasses import dataclass, field

from ipe.graph.domain import (
    Channel,
    ExcludedSpan,
    Fact,
    Finding,
    MessageVariation,
    PersonalizationStrategy,
    Status,
    Template,
)
from ipe.graph.state import RetrievedContext
from ipe.tools.learning.edits import drop_removed, normalise
from ipe.tools.trust.compliance import check_message
from ipe.tools.trust.formatting import finalize, fit_to_limit
from ipe.tools.trust.grounding import grounded_fact_ids
from ipe.tools.trust.scoring import score_variation
from ipe.tools.trust.textcount import measure
from ipe.tools.writing.offline_drafter import trusted_vocabulary
from ipe.tools.writing.strategy import knobs


@dataclass
class Review:
    """What the critic decided in one round."""

    variations: list[MessageVariation]
    selected_id: str | None
    repair_ids: list[str]
    status: Status | None
    reasons: list[str] = field(default_factory=list)


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
) -> MessageVariation:
    """Format the variation as it would be sent, check it, and trim it once if only length fails."""

    def run(subject: str | None, body: str) -> MessageVariation:
        subject, body = finalize(subject, body, channel=channel, template=template)
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
        )
        return variation.model_copy(
            update={
                "subject": subject,
                "body": body,
                "findings": findings,
                "fact_ids": grounded_fact_ids(body, facts),
            }
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


def select(
    checked: list[MessageVariation],
    *,
    strategy: PersonalizationStrategy,
    facts: list[Fact],
    context: RetrievedContext,
    can_repair: bool,
    require_approval: bool,
    opted_out: bool,
) -> Review:
    """Score the compliant variations, choose one, or ask for repairs, or block with reasons."""
    scored = []
    for v in checked:
        if v.compliant:
            total, parts = score_variation(
                v, strategy=strategy, facts=facts, length=measure(v.body, context.unit)
            )
            v = v.model_copy(update={"score": total, "score_breakdown": parts})
        scored.append(v)
    reasons = [
        f"{v.id} ({v.plan.arm}, {v.source}) rejected: "
        + "; ".join(f"{f.rule_id} '{f.span}'" for f in v.findings if f.severity == "blocking")
        for v in scored
        if not v.compliant
    ]
    passing = sorted((v for v in scored if v.compliant), key=lambda v: v.score or 0.0, reverse=True)
    personal = [v for v in passing if v.fact_ids]
    if personal and len(personal) < len(passing):  # the record has a usable detail: use it
        reasons.append("preferred the variations that kept a personal detail")
        passing = personal
    if opted_out:
        return Review(
            scored, None, [], "blocked", [*reasons, "the prospect asked not to be contacted"]
        )
    if not passing:
        if can_repair:
            repair = [v.id for v in scored]
            return Review(scored, None, repair, None, [*reasons, "no variation passed: redrafting"])
        return Review(scored, None, [], "blocked", [*reasons, "no variation passed the checks"])
    best = passing[0]
    reasons.append(
        f"chose {best.id} ({best.plan.arm}): score {best.score} "
        f"(predicted outcome {best.plan.predicted_outcome:.2f}, quality "
        f"{best.score_breakdown.get('quality', 0):.2f}) over {len(passing) - 1} other passing"
    )
    if not best.fact_ids:
        reasons.append(
            "no personal fact was usable: the message opens without pretending to know them"
        )
    penalty = sum(f.penalty for f in best.findings if f.severity == "advisory")
    status: Status = "needs_review"
    if require_approval:
        reasons.append("approval is required before sending")
    elif context.contacted_recently:
        reasons.append("contacted recently: check before sending again")
    elif penalty > float(knobs()["status"]["needs_review_if_lint_penalty_over"]):
        reasons.append(f"lint penalty {penalty:.2f}: review the wording")
    else:
        status = "ready"
    return Review(scored, best.id, [], status, reasons)
