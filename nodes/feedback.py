"""Step 6, feedback: record the run so engagement can be attached later, and keep what it taught."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import State
from ipe.memory.handles import outcome_store
from ipe.memory.outcomes import MessageRecord
from ipe.memory.people import person_of
from ipe.tools.trust.review import drafted_body, store_outcome


async def feedback(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Store the chosen message (or the blocked attempt) as a draft, with its arm and facts.

    The arm is the one actually written (the chosen variation's angle and call to action as the
    drafter wrote them), which is what learning credits once the message is sent. Recording is
    not sending: the message is contact and evidence only after a ``sent`` event (or engagement
    that implies it).

    Under the engine (``Context.record_in_graph`` False) the record is only built here and stored
    by the engine after the run, so a run that fails later (its checkpoint) leaves no record.
    """
    ctx = settings(runtime.context)
    assert state.clean_prospect and state.channel and state.context and state.strategy
    chosen = next((v for v in state.variations if v.id == state.selected_id), None)
    plan = chosen.plan if chosen and chosen.plan else state.strategy.variations[0]
    tone, angle, cta = chosen.written_arm if chosen else (plan.tone, plan.angle, plan.cta)
    record = MessageRecord(
        message_id=state.message_id,
        tenant=ctx.user_id,
        prospect_id=state.clean_prospect.id,
        channel=state.channel,
        segment=state.context.segment,
        tone=tone,
        angle=angle,
        cta=cta,
        fact_ids=chosen.fact_ids if chosen else [],
        subject=chosen.subject if chosen else None,
        body=drafted_body(state.review, chosen.body) if chosen else "",
        status=state.status or "blocked",
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        lessons_applied=len(state.context.lessons),
        propensity_drafted=plan.propensity_drafted if chosen else None,
        propensity_chosen=plan.propensity_chosen if chosen else None,
        allowed_arms=state.strategy.allowed_arms if chosen else [],
    )
    person = person_of(state.prospect, state.clean_prospect)
    if ctx.record_in_graph:  # a bare graph run; the engine records once the run has succeeded
        data_dir = str(ctx.data_dir)  # SQLite blocks: keep it off the event loop
        sent = chosen.body if chosen else ""
        await asyncio.to_thread(
            store_outcome, outcome_store(data_dir), record, person, state.review, sent
        )
    return {
        "record": record.model_dump(),
        "reasons": [f"recorded {state.message_id} for engagement tracking"],
    }
