"""Drafting one variation: through the chat model when configured, else the offline composer.

Both paths return the same ``MessageVariation``. Whatever the model writes is only a proposal: the
critic checks it against the facts, the template and the channel's rules before anything is chosen.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from ipe.graph.domain import (
    Fact,
    MessageVariation,
    Prospect,
    Relationship,
    Template,
    VariationPlan,
)
from ipe.graph.state import DraftTask
from ipe.prompts import load_prompt
from ipe.tools.trust.formatting import first_name
from ipe.tools.writing.llm import DraftOut, LlmUnusable, call_structured, fence, render
from ipe.tools.writing.offline_drafter import compose


def offline_variation(task: DraftTask, *, reason: str | None = None) -> MessageVariation:
    """Compose the plan's message from the phrase banks (deterministic, grounded by design)."""
    relationship = getattr(task.context, "relationship", None)
    draft = compose(
        task.plan,
        facts=task.facts,
        template=task.clean_template,
        first_name=first_name(task.clean_prospect.name),
        channel=task.channel,
        links_allowed=task.context.links_allowed,
        size="short" if task.channel == "linkedin" else "full",
        seed=f"{task.clean_prospect.id}\x1f{task.attempt}",
        language=task.language,
        prospect=task.clean_prospect,
        relationship=relationship if isinstance(relationship, Relationship) else None,
    )
    return MessageVariation(
        id=task.plan.id,
        plan=task.plan,
        subject=draft.subject,
        body=draft.body,
        fact_ids=draft.fact_ids,
        source="offline_fallback" if reason else "offline",
        fallback_reason=reason,
        attempt=task.attempt,
        language=draft.language,
    )


def _offer_block(template: Template) -> str:
    offer = template.offer
    lines = [f"Brand: {template.brand}", f"Sender: {template.sender.name}"]
    lines += [f"Offer: {offer.summary}"] if offer.summary else []
    lines += [f"Commission: {offer.commission}"] if offer.commission else []
    lines += [f"Cookie length: {offer.cookie_days} days"] if offer.cookie_days else []
    lines += [f"Perk: {perk}" for perk in offer.perks]
    lines += [f"Approved claim: {claim}" for claim in template.approved_claims]
    lines += [f"Link: {link}" for link in template.links]
    return "\n".join(lines)


def _facts_block(facts: list[Fact], plan: VariationPlan) -> str:
    chosen = [f for f in facts if f.id in plan.fact_ids] or facts[:4]
    return "\n".join(f"- {f.id} ({f.kind}): see data block" for f in chosen) or "- (none)"


def _prospect_data(prospect: Prospect, facts: list[Fact]) -> dict[str, object]:
    return {
        "first_name": first_name(prospect.name),
        "facts": [{"id": f.id, "kind": f.kind, "text": f.text} for f in facts],
    }


async def llm_variation(model: BaseChatModel, task: DraftTask) -> MessageVariation:
    """Ask the model for the plan's message; unusable output falls back to the offline composer."""
    plan = task.plan
    fence_open, block, fence_close = fence(
        "PROSPECT_DATA", _prospect_data(task.clean_prospect, task.facts)
    )
    user = render(
        "draft_user",
        channel=task.channel,
        subject_rule="required, 30-50 characters" if task.channel == "email" else "none",
        budget=task.strategy.length_budget,
        unit=task.context.unit,
        tone=plan.tone,
        angle=plan.angle,
        cta=plan.cta,
        links_allowed="yes" if task.context.links_allowed else "no",
        repair_notes="\n".join(f"Fix: {note}" for note in task.repair_notes),
        offer_block=_offer_block(task.clean_template),
        facts_block=_facts_block(task.facts, plan),
        fence_open=fence_open,
        prospect_block=block,
        fence_close=fence_close,
    )
    try:
        out = await call_structured(
            model,
            DraftOut,
            system=load_prompt("draft_system"),
            user=user,
            run_name=f"draft:{plan.id}",
            metadata={"arm": plan.arm, "variation": plan.id, "channel": task.channel},
        )
    except LlmUnusable as err:
        return offline_variation(task, reason=f"model unusable: {err}")
    known = {f.id for f in task.facts}
    return MessageVariation(
        id=plan.id,
        plan=plan,
        subject=out.subject if task.channel == "email" else None,
        body=out.body,
        fact_ids=[i for i in out.fact_ids if i in known],
        source="llm",
        attempt=task.attempt,
        language=task.language,
    )
