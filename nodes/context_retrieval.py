"""Step 2, context retrieval: channel rules, this prospect's history, timing and lessons."""

from __future__ import annotations

import asyncio
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context, settings
from graph.state import State
from memory.handles import lesson_memory, outcome_store
from tools.history import build_context


async def context_retrieval(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Gather everything the strategy needs, scoped to the calling tenant and this prospect."""
    ctx = settings(runtime.context)
    assert state.clean_prospect and state.channel and state.analysis, "profile_research runs first"
    data_dir, prospect = str(ctx.data_dir), state.clean_prospect
    channel, analysis = state.channel, state.analysis
    context = await asyncio.to_thread(  # SQLite and Chroma block: keep them off the event loop
        lambda: build_context(
            prospect=prospect,
            channel=channel,
            analysis=analysis,
            past=outcome_store(data_dir).messages_for_prospect(ctx.user_id, prospect.id),
            lessons=lesson_memory(data_dir, ctx.user_id, ctx.embedder),
            lessons_k=ctx.lessons_k,
            linkedin_free_account=ctx.linkedin_free_account,
        )
    )
    return {"context": context, "reasons": context.notes}
