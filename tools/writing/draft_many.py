"""Drafting every planned variation in ONE structured call (``draft_mode="one_call"``).

The prompt is the per-variation drafting prompt (without one plan's labels), followed by the list
of all plans (``prompts/draft_many.txt``): the shared context (person, offer, template, examples)
is sent once instead of once per variation, at the price of one longer answer. Each draft in the
answer is checked like any other (by the critic); a plan the answer leaves out, or an unusable
answer, is composed offline and says so.
"""

from __future__ import annotations

from dataclasses import replace

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from ipe.domain import MessageVariation, VariationPlan
from ipe.graph.state import DraftTask
from ipe.prompts import load_prompt
from ipe.tools.policies.channels import is_email
from ipe.tools.provider.deadline import Deadline
from ipe.tools.provider.llm import LlmTimedOut, LlmUnusable, call_structured, render
from ipe.tools.writing.drafting import draft_prompt, offline_variation, prompt_language


class DraftItem(BaseModel):
    """One variation's draft inside a one-call answer."""

    variation_id: str
    subject: str | None = None
    body: str = Field(min_length=1)
    fact_ids: list[str] = Field(default_factory=list)


class DraftsOut(BaseModel):
    """What a one-call drafting model must return: one draft per planned variation."""

    drafts: list[DraftItem] = Field(min_length=1)


def _plan_line(plan: VariationPlan) -> str:
    facts = ", ".join(plan.fact_ids) or "(none)"
    return (
        f"Variation {plan.id}: tone {plan.tone}, opening angle {plan.angle}, "
        f"call to action {plan.cta}; facts to use first: {facts}"
    )


def many_prompt(task: DraftTask, plans: list[VariationPlan]) -> str:
    """The drafting prompt (without one plan's labels), then every plan to write."""
    listing = "\n".join(_plan_line(p) for p in plans)
    return (
        draft_prompt(replace(task, plan=plans[0]), one_plan=False)
        + "\n\n"
        + render("draft_many", variations=listing)
    )


async def llm_variations(
    model: BaseChatModel,
    task: DraftTask,
    plans: list[VariationPlan],
    *,
    deadline: Deadline | None = None,
) -> list[MessageVariation]:
    """Draft ``plans`` in one call; whatever the answer lacks is composed offline, with why."""
    tasks = {p.id: replace(task, plan=p) for p in plans}
    try:
        out = await call_structured(
            model,
            DraftsOut,
            system=load_prompt("draft_system"),
            user=many_prompt(task, plans),
            run_name="draft:all",
            metadata={"variations": [p.id for p in plans], "channel": task.channel},
            deadline=deadline,
        )
    except LlmTimedOut as err:
        why = f"out of time: {err}"
        return [offline_variation(t, reason=why, unavailable=True) for t in tasks.values()]
    except LlmUnusable as err:
        why = f"model unusable: {err}"
        return [offline_variation(t, reason=why, unavailable=True) for t in tasks.values()]
    drafts = {d.variation_id: d for d in out.drafts}
    known = {f.id for f in task.facts}
    variations = []
    for plan in plans:
        draft = drafts.get(plan.id)
        if draft is None:
            reason = "the one-call answer had no draft for this variation"
            variations.append(offline_variation(tasks[plan.id], reason=reason, unavailable=True))
            continue
        variations.append(
            MessageVariation(
                id=plan.id,
                plan=plan,
                subject=draft.subject if is_email(task.channel) else None,
                body=draft.body,
                fact_ids=[i for i in draft.fact_ids if i in known],
                source="llm",
                attempt=task.attempt,
                language=prompt_language(tasks[plan.id]),
            )
        )
    return variations
