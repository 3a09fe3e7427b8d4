"""Step 4, drafting: one branch per planned variation, run in parallel through ``Send``."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import DraftTask
from ipe.tools.writing.drafting import llm_variation, offline_variation
from ipe.tools.writing.llm import chat_model


async def draft(task: DraftTask, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write the planned variation: the chat model if configured, the offline composer otherwise."""
    model = None if task.force_offline else chat_model(settings(runtime.context))
    if model is None:
        variation = offline_variation(task, reason="repair round" if task.force_offline else None)
    else:
        variation = await llm_variation(model, task)
    return {"variations": [variation]}
