"""Optional LLM research: extra facts, each kept only if it quotes its source field verbatim."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel

from ipe.domain import Fact, Prospect, Template
from ipe.prompts import load_prompt
from ipe.tools.provider.deadline import Deadline
from ipe.tools.provider.llm import (
    LlmTimedOut,
    LlmUnusable,
    ResearchOut,
    call_structured,
    fence,
    render,
)
from ipe.tools.writing.facts import screen_fact_text

_FIELDS = ("bio", "niche", "company", "title", "location", "tags", "recent_content")


def _field_text(prospect: Prospect, field: str) -> str:
    root = field.split("[")[0].split(".")[0]
    value: Any = getattr(prospect, root, None)
    if isinstance(value, list):
        return " ".join(
            item.model_dump_json() if hasattr(item, "model_dump_json") else str(item)
            for item in value
        )
    return str(value or "")


def _offer_lines(template: Template | None) -> str:
    if template is None:
        return "(not given)"
    offer = template.offer
    lines = [f"Brand: {template.brand}"]
    lines += [f"Goal of this outreach: {template.goal}"] if template.goal else []
    lines += [f"Offer: {offer.summary}"] if offer.summary else []
    lines += [f"Perk: {perk}" for perk in offer.perks]
    return "\n".join(lines)


async def research_more(
    model: BaseChatModel,
    prospect: Prospect,
    known: list[Fact],
    *,
    template: Template | None = None,
    max_facts: int = 3,
    deadline: Deadline | None = None,
    share: float | None = None,
) -> tuple[list[Fact], list[str]]:
    """Ask the model for more facts; drop any whose quote is not verbatim in its field.

    The model sees the brand's offer (trusted) so it looks for what connects the person to it.
    The call gets at most ``share`` of the run's ``deadline``; out of time, the extracted facts
    are kept as they are. Returns the accepted facts and one reason line per dropped or failed
    proposal (or the timeout).
    """
    data = prospect.model_dump(include=set(_FIELDS), exclude_none=True)
    data["facts_already_known"] = [f.text for f in known]
    fence_open, block, fence_close = fence("PROSPECT_DATA", data)
    user = render(
        "research_user",
        max_facts=max_facts,
        offer_block=_offer_lines(template),
        fence_open=fence_open,
        prospect_block=block,
        fence_close=fence_close,
    )
    try:
        out = await call_structured(
            model,
            ResearchOut,
            system=load_prompt("research_system"),
            user=user,
            run_name="research",
            deadline=deadline,
            share=share,
        )
    except LlmTimedOut as err:
        return [], [f"out of time: {err}; kept the extracted facts only"]
    except LlmUnusable as err:
        return [], [f"research model unusable, kept the extracted facts only ({err})"]
    accepted: list[Fact] = []
    notes = []
    for n, proposal in enumerate(out.facts[:max_facts], start=len(known) + 1):
        quote = proposal.quote.strip()
        if (
            len(quote) < 3
            or quote.lower() not in _field_text(prospect, proposal.source_field).lower()
        ):
            notes.append(f"dropped a model fact not quoted verbatim from '{proposal.source_field}'")
            continue
        text, refused = screen_fact_text(quote, proposal.source_field)
        if refused or len(text) < 3:
            notes.append(f"dropped a model fact from '{proposal.source_field}': link or offer")
            continue
        accepted.append(
            Fact(id=f"f{n}", kind="bio", text=text, source_field=proposal.source_field, weight=0.35)
        )
    return accepted, notes
