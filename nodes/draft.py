"""Step 4, drafting: one branch per planned variation, run in parallel through ``Send``."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import DraftTask
from ipe.tools.writing.deadline import Deadline
from ipe.tools.writing.drafting import llm_variation, offline_variation
from ipe.tools.writing.llm import chat_model


async def draft(task: DraftTask, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write the planned variation: the chat model if configured, the offline composer otherwise."""
    ctx = settings(runtime.context)
    model = None if task.force_offline else chat_model(ctx)
    if model is None:
        variation = offline_variation(task, reason="repair round" if task.force_offline else None)
    else:
        total = float(ctx.deadline_s or 0)
        deadline = Deadline(at=task.deadline_at, total_s=total) if task.deadline_at else None
        variation = await llm_variation(model, task, deadline=deadline)
        if variation.fallback_reason:  # the model's draft was not used: say why, per variation
            note = f"{variation.id} composed offline: {variation.fallback_reason}"
            return {"variations": [variation], "reasons": [note]}
    return {"variations": [variation]}
