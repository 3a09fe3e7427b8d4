"""Step 4, drafting: one branch per planned variation, run in parallel through ``Send``."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import DraftTask
from ipe.tools.provider.deadline import Deadline
from ipe.tools.provider.llm import chat_model
from ipe.tools.trust.critic import still_rejected
from ipe.tools.writing.draft_many import llm_variations
from ipe.tools.writing.drafting import llm_variation, offline_variation


async def draft(task: DraftTask, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write the planned variation: the chat model if configured, the offline composer otherwise."""
    ctx = settings(runtime.context)
    model = None if task.force_offline else chat_model(ctx)
    if model is None:
        variation = offline_variation(task, reason="repair round" if task.force_offline else None)
    else:
        total = float(ctx.deadline_s or 0)
        deadline = Deadline(at=task.deadline_at, total_s=total) if task.deadline_at else None
        if task.plans:  # one-call mode: every plan in a single structured call
            variations = await llm_variations(model, task, task.plans, deadline=deadline)
        else:
            variations = [
                await llm_variation(model, task, still_rejected=still_rejected, deadline=deadline)
            ]
        if task.variation_type:
            variations = [
                v.model_copy(update={"variation_type": task.variation_type}) for v in variations
            ]
        notes = [  # a model's draft that was not used: say why, per variation
            f"{v.id} composed offline: {v.fallback_reason}" for v in variations if v.fallback_reason
        ]
        return {"variations": variations, "reasons": notes} if notes else {"variations": variations}
    if task.variation_type:
        variation = variation.model_copy(update={"variation_type": task.variation_type})
    return {"variations": [variation]}
