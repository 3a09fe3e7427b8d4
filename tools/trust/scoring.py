"""The critic's score of a compliant variation: predicted outcome plus a quality term."""

from __future__ import annotations

from ipe.domain import Fact, MessageVariation, PersonalizationStrategy
from ipe.tools.channel.formatting import above_footer
from ipe.tools.policies.channels import registry
from ipe.tools.writing.strategy import knobs


def score_variation(
    variation: MessageVariation,
    *,
    strategy: PersonalizationStrategy,
    facts: list[Fact],
    length: int,
) -> tuple[float, dict[str, float]]:
    """Score one variation; returns the total and its parts (all shown to the user).

    ``predicted`` is the strategy model's Thompson draw for the variation's arm, so selection keeps
    exploring where the model is unsure; the quality parts (personalization, fit to the strategy's
    weights, length fit, clarity after lint penalties) separate variations of similar promise.
    """
    weights = knobs()["score"]
    by_id = {f.id: f for f in facts}
    used = [by_id[i] for i in variation.fact_ids if i in by_id]
    personalization = min(1.0, sum(f.weight for f in used))
    plan = variation.plan
    if plan is None:
        raise ValueError(f"variation {variation.id!r} has no plan: it was never drafted")
    fit_parts = [
        _relative(strategy.tone_rules, plan.tone),
        _relative(strategy.content_rules, plan.angle),
        _relative(strategy.cta_rules, plan.cta),
    ]
    strategy_fit = sum(fit_parts) / len(fit_parts)
    length_fit = _length_fit(variation, strategy, length)
    clarity = max(0.0, 1.0 - sum(f.penalty for f in variation.findings if f.severity == "advisory"))
    quality = (
        weights["personalization"] * personalization
        + weights["strategy_fit"] * strategy_fit
        + weights["length_fit"] * length_fit
        + weights["clarity"] * clarity
    )
    total = plan.predicted_outcome + weights["quality_weight"] * quality
    parts = {
        "predicted_outcome": round(plan.predicted_outcome, 4),
        "personalization": round(personalization, 3),
        "strategy_fit": round(strategy_fit, 3),
        "length_fit": round(length_fit, 3),
        "clarity": round(clarity, 3),
        "quality": round(quality, 3),
    }
    return round(total, 4), parts


def _length_fit(
    variation: MessageVariation, strategy: PersonalizationStrategy, length: int
) -> float:
    """1.0 inside the channel's word band, falling off outside it (the unit budget elsewhere)."""
    if strategy.channel not in registry():
        budget = max(strategy.length_budget, 1)
        return max(0.0, 1.0 - abs(length - 0.75 * budget) / budget)
    low, high = registry()[strategy.channel].words
    words = len(above_footer(variation.body).split())
    if low <= words <= high:
        return 1.0
    gap = low - words if words < low else words - high
    return max(0.0, 1.0 - gap / max(high, 1))


def _relative(rules: dict[str, float], key: str) -> float:
    top = max(rules.values(), default=0.0)
    return rules.get(key, 0.0) / top if top else 0.5
