"""Step 5, critic: format, check against the channel's rules and the facts, score, select."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import State
from ipe.tools.trust.critic import check_as_sent, select
from ipe.tracing import annotate_run


async def critic(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Check every variation as it would be sent; choose the best passing one or ask for repairs."""
    ctx = settings(runtime.context)
    assert state.context and state.strategy and state.clean_template and state.clean_prospect
    assert state.channel, "the earlier steps run first"
    free = ctx.linkedin_free_account
    checked = [check_as_sent(v, state, linkedin_free_account=free) for v in state.variations]
    review = select(
        checked,
        strategy=state.strategy,
        facts=state.facts,
        context=state.context,
        can_repair=state.attempt < ctx.max_repairs,
        require_approval=ctx.require_approval,
        opted_out=state.context.opted_out,
        language_note=state.language_note,
        language_wanted=state.language_wanted,
        template=state.clean_template,
    )
    chosen = next((v for v in review.variations if v.id == review.selected_id), None)
    annotate_run(arm=chosen.arm if chosen else None, status=review.status)
    return {
        "variations": review.variations,
        "selected_id": review.selected_id,
        "status": review.status,
        "repair_ids": review.repair_ids,
        "attempt": state.attempt + 1,
        "reasons": review.reasons,
    }
