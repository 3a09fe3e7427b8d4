"""Step 5b, review: with ``Context.review`` on, a person approves, edits or rejects the message.

The node pauses in ``interrupt()`` with LangGraph 1.x's human-in-the-loop request and resumes
with ``Command(resume={"decisions": [...]})``. On resume LangGraph runs the node again from its
start, so nothing here has a side effect: the decision only changes the state, and the feedback
step after it records the outcome (and learns from an edit) once.
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from ipe.domain import MessageVariation, ReviewResponse
from ipe.graph.context import Context, settings
from ipe.graph.state import WAITING, State, StepSpan
from ipe.tools.trust.critic import check_as_sent
from ipe.tools.trust.review import MAX_ROUNDS, apply_decision, review_request


async def review(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask for a decision on the chosen message (the graph routes here only with review on).

    Whether to review is decided once, by the routing after the critic: a resumed run (whose
    own context may not say ``review``) still takes the decision it was paused for.
    """
    ctx = settings(runtime.context)
    if state.status not in ("ready", "needs_review") or not state.selected_id:
        return {}
    assert state.channel and state.clean_template and state.clean_prospect and state.context

    def check(variation: MessageVariation) -> MessageVariation:
        return check_as_sent(variation, state, linkedin_free_account=ctx.linkedin_free_account)

    problems: list[str] = []
    for round_ in range(MAX_ROUNDS):
        request = review_request(
            tries_left=MAX_ROUNDS - round_,
            message_id=state.message_id,
            channel=state.channel,
            prospect_id=state.clean_prospect.id,
            variations=state.variations,
            selected_id=state.selected_id,
            reasons=state.reasons,
            problems=problems,
        )
        answer = interrupt(request, response_schema=ReviewResponse)
        update, problems = apply_decision(
            answer.decisions[0],
            variations=state.variations,
            selected_id=state.selected_id,
            check=check,
        )
        if not problems:
            return {**update, "spans": [_waited(state)]}
    return {
        "spans": [_waited(state)],
        "status": "blocked",
        "review": {"decision": "reject", "message": "edits kept failing the checks"},
        "reasons": [
            f"blocked in review: {MAX_ROUNDS} edits failed the checks, so the message is blocked "
            "and nothing will be sent (write it again with `ipe personalize`); the last edit: "
            + "; ".join(problems)
        ],
    }


def _waited(state: State) -> StepSpan:
    """The time from the end of the run's steps so far (the pause) to the decision."""
    paused = max((s.end for s in state.spans), default=time.time())
    return StepSpan(step=WAITING, start=paused, end=max(paused, time.time()))
