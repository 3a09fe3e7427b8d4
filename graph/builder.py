"""Assemble the six-step personalization graph: ``build_graph`` returns it compiled.

Nothing is built at import. The CLI, the server (``graph/server.py``, which ``langgraph.json``
points at) and the engine call ``build_graph``; tests build their variants with it (a node
replaced, a checkpointer attached). The warm-up (``ipe.tools.warmup.preload``) is a separate,
explicit call those entry points make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime, get_runtime
from langgraph.store.base import BaseStore
from langgraph.types import Checkpointer, RetryPolicy, Send

from ipe.domain import MessageVariation, VariationPlan
from ipe.graph.context import Context, settings
from ipe.graph.state import DraftTask, InputState, State
from ipe.graph.timing import timed
from ipe.nodes.context_retrieval import context_retrieval
from ipe.nodes.critic import critic
from ipe.nodes.draft import draft
from ipe.nodes.feedback import feedback
from ipe.nodes.profile_research import profile_research
from ipe.nodes.review import review
from ipe.nodes.strategy import strategy
from ipe.tools.provider.llm import chat_model
from ipe.tools.writing.drafting import repair_notes


def _back_to_model(variation: MessageVariation | None) -> bool:
    """A rejected model draft goes back to the model once (its first draft), then offline."""
    return variation is not None and variation.source == "llm" and variation.attempt == 0


def fan_out(state: State) -> list[Send]:
    """One ``Send`` to ``draft`` per planned variation (all of them, or the ones under repair).

    In one-call mode (``Context.draft_mode``) the first round is one ``Send`` carrying every plan.
    In a repair round a rejected model draft goes back to the model with the critic's findings
    (once); anything else, and a model repair the critic's check still rejects, is redrafted by
    the grounded offline composer.
    """
    if not (state.strategy and state.clean_prospect and state.clean_template and state.context):
        raise ValueError("fan_out needs strategy, prospect, template and context in the state")
    assert state.channel
    repairing = bool(state.repair_ids)
    plans = [p for p in state.strategy.variations if not repairing or p.id in state.repair_ids]
    drafted = {v.id: v for v in state.variations} if repairing else {}
    rejected = {plan.id: drafted[plan.id] for plan in plans if _back_to_model(drafted.get(plan.id))}
    if not repairing and _one_call():  # one-call mode: every plan in a single model call
        return [Send("draft", replace(_task(state, plans[0], {}), plans=plans))]
    return [Send("draft", _task(state, plan, rejected)) for plan in plans]


def _one_call() -> bool:
    ctx = settings(get_runtime(Context).context)
    return ctx.draft_mode == "one_call" and chat_model(ctx) is not None


def _task(state: State, plan: VariationPlan, rejected: dict[str, MessageVariation]) -> DraftTask:
    """The ``draft`` payload for ``plan`` (in a repair round, with what the critic found)."""
    assert state.strategy and state.clean_prospect and state.clean_template and state.context
    assert state.channel
    repairing = bool(state.repair_ids)
    return DraftTask(
        plan=plan,
        attempt=state.attempt,
        force_offline=repairing and plan.id not in rejected,
        repair_notes=(
            repair_notes(rejected[plan.id])
            if plan.id in rejected
            else state.reasons[-3:]
            if repairing
            else []
        ),
        rejected=rejected.get(plan.id),
        excluded=state.excluded,
        clean_prospect=state.clean_prospect,
        clean_template=state.clean_template,
        channel=state.channel,
        facts=state.facts,
        strategy=state.strategy,
        context=state.context,
        language=state.language,
        register=state.register,
        deadline_at=state.deadline_at,
        variation_type=state.variation_type,
    )


def after_critic(
    state: State, runtime: Runtime[Context]
) -> list[Send] | Literal["review", "feedback"]:
    """Redraft the rejected variations (bounded by ``max_repairs``), ask for review, or go on."""
    if state.status is None and state.repair_ids:
        return fan_out(state)
    if state.status is None:
        raise ValueError("the critic ended without a status and without repairs")
    wants_review = runtime.context is not None and runtime.context.review
    return "review" if wants_review and state.status in ("ready", "needs_review") else "feedback"


NAME = "IntelligentPersonalizationEngine"
"""The compiled graph's name (LangSmith traces, Studio)."""

STEPS: dict[str, tuple[str | None, Any]] = {
    "profile_research": ("research", profile_research),
    "context_retrieval": ("context", context_retrieval),
    "strategy": ("strategy", strategy),
    "draft": ("drafting", draft),
    "critic": ("critic", critic),
    "review": (None, review),
    "feedback": ("feedback", feedback),
}
"""Each node's name, the timing step it counts under (``graph/timing.py``) and its function."""


def _node(name: str, nodes: Mapping[str, Any] | None = None) -> Any:
    """Step ``name``'s function (or its replacement in ``nodes``), timed under its step."""
    step, func = STEPS[name]
    node = (nodes or {}).get(name, func)
    return timed(step)(node) if step else node


def build_context_graph(
    *, store: BaseStore | None = None, checkpointer: Checkpointer = None
) -> CompiledStateGraph[State, Context, InputState, Any]:
    """Steps 1-2 on their own, the same nodes: what the engine knows before it writes.

    ``ContextEngine`` runs it: the record validated, fenced and researched, then the channel's
    rules, the prospect's history, timing and lessons.
    """
    builder = StateGraph(State, input_schema=InputState, context_schema=Context)
    builder.add_node("profile_research", _node("profile_research"))
    builder.add_node("context_retrieval", _node("context_retrieval"))
    builder.add_edge(START, "profile_research")
    builder.add_edge("profile_research", "context_retrieval")
    builder.add_edge("context_retrieval", END)
    return builder.compile(name="ContextEngine", store=store, checkpointer=checkpointer)


def build_graph(
    *,
    store: BaseStore | None = None,
    checkpointer: Checkpointer = None,
    nodes: Mapping[str, Any] | None = None,
) -> CompiledStateGraph[State, Context, InputState, Any]:
    """The six-step graph, compiled with ``store`` and ``checkpointer``.

    ``nodes`` replaces a node's function by name (a test's variant: a step that fails, a step
    that records what it saw); the replacement is timed and wired like the original.
    """
    unknown = set(nodes or {}) - set(STEPS)
    if unknown:
        raise ValueError(f"build_graph: no node named {sorted(unknown)}")
    builder = StateGraph(State, input_schema=InputState, context_schema=Context)
    for name in STEPS:
        node = _node(name, nodes)
        if name == "draft":  # one Send (a DraftTask, not the State) per variation, retried once
            builder.add_node(
                name, node, input_schema=DraftTask, retry_policy=RetryPolicy(max_attempts=2)
            )
        else:
            builder.add_node(name, node)
    builder.add_edge(START, "profile_research")
    builder.add_edge("profile_research", "context_retrieval")
    builder.add_edge("context_retrieval", "strategy")
    builder.add_conditional_edges("strategy", fan_out, ["draft"])
    builder.add_edge("draft", "critic")
    builder.add_conditional_edges("critic", after_critic, ["draft", "review", "feedback"])
    builder.add_edge("review", "feedback")
    builder.add_edge("feedback", END)
    return builder.compile(name=NAME, store=store, checkpointer=checkpointer)
