"""Step 2, context retrieval: channel rules, this prospect's history, timing and lessons."""

from __future__ import annotations

import asyncio
from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import State
from ipe.memory.people import person_of
from ipe.tools.context.history import retrieve_context
from ipe.tools.context.relationship import model_intents
from ipe.tools.provider.llm import chat_model


async def context_retrieval(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Gather everything the strategy needs, scoped to the calling tenant and this prospect."""
    ctx = settings(runtime.context)
    assert state.clean_prospect and state.channel and state.analysis, "profile_research runs first"
    prospect, channel, analysis = state.clean_prospect, state.channel, state.analysis
    # SQLite and Chroma block: keep them off the event loop.
    person = person_of(state.prospect, prospect)  # the raw record's keys count too
    model = chat_model(ctx)  # the model reads their latest replies when configured
    intents = await model_intents(model, prospect) if model is not None else None
    context = await asyncio.to_thread(
        retrieve_context, ctx, prospect, channel, analysis, person, intents, state.language
    )
    return {"context": context, "register": context.register, "reasons": context.notes}
