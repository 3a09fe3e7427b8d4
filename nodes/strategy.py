"""Step 3, strategy: rules as weights and the variation plans, sampled from the strategy model."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import State
from ipe.memory.handles import outcome_store
from ipe.memory.outcomes import ArmStat
from ipe.tools.learning.bandit import StrategyModel
from ipe.tools.learning.lessons import lesson_bonus
from ipe.tools.learning.pooling import Aggregate, population_for
from ipe.tools.writing.strategy import build_strategy, rules_of
from ipe.tracing import annotate_run


def _model_inputs(data_dir: str, tenant: str, pool: bool) -> tuple[list[ArmStat], list[Aggregate]]:
    """The tenant's aggregates and its population (other tenants only if it opted in, bounded)."""
    store = outcome_store(data_dir)
    own, _ = store.model_inputs(tenant)  # settles due messages first
    others = store.arm_stats_by_tenant() if pool else {}
    return own, population_for(tenant, own, others, pool=pool)


async def strategy(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Sample distinct arms (exploring while unsure), nudged by lessons and stated preferences."""
    ctx = settings(runtime.context)
    assert state.context and state.analysis and state.channel, "context_retrieval runs first"
    data_dir, segment = str(ctx.data_dir), state.context.segment
    annotate_run(segment=segment)
    tenant_stats, population_stats = await asyncio.to_thread(  # SQLite blocks: off the loop
        _model_inputs, data_dir, ctx.user_id, bool(ctx.pool_tenants)
    )
    model = StrategyModel.from_stats(
        tenant_stats, population_stats, lesson_bonus=lesson_bonus(state.context.lessons, segment)
    )
    plan = build_strategy(
        channel=state.channel,
        segment=segment,
        facts=state.facts,
        analysis=state.analysis,
        lessons=state.context.lessons,
        model=model,
        body_limit=state.context.body_limit,
        n_variations=ctx.n_variations,
        rng=random.Random(ctx.seed or state.message_id),
        template=state.clean_template,
        rules=rules_of(state.strategy_rules),
        variation_type=state.variation_type,
        first_touch=state.context.relationship.stage == "cold",
    )
    arms = ", ".join(p.arm for p in plan.variations)
    return {"strategy": plan, "reasons": [f"strategy for {segment}: drafting {arms}", *plan.notes]}
