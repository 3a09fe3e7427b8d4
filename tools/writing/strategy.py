"""Strategy: turn the strategy model, lessons and profile into weights and variation plans."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from functools import cache
from typing import Any

from ipe.domain import (
    ANGLES,
    CTAS,
    TONES,
    Angle,
    Channel,
    Fact,
    Lesson,
    PersonalizationStrategy,
    ProfileAnalysis,
    Template,
    VariationPlan,
    VariationType,
)
from ipe.tools.learning.bandit import StrategyModel, allowed_arms
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import registry
from ipe.tools.writing.facts import by_item_relevance, hook_score, rank_by_relevance


@cache
def knobs() -> dict[str, Any]:
    """The strategy and scoring settings (``tools/policies/strategy.toml``)."""
    return load_pack("strategy")


def facts_for_angle(angle: str, facts: list[Fact]) -> list[Fact]:
    """The facts an angle can open with, strongest first."""
    kinds = set(knobs()["angle_facts"][angle])
    return [f for f in facts if f.kind in kinds]


def _planned_facts(
    angle: str, facts: list[Fact], every: list[Fact], template: Template | None
) -> list[Fact]:
    """The two facts a plan opens with: its content item most about the offer first."""
    candidates = facts_for_angle(angle, facts)
    if template is not None:
        candidates = by_item_relevance(candidates, template, every)
    return candidates[:2]


def available_angles(facts: list[Fact]) -> list[Angle]:
    """Angles this prospect's facts support; ``generic`` only when no personal angle is possible.

    A record with a usable personal detail always gets a message that uses one.
    """
    personal: list[Angle] = [a for a in ANGLES if a != "generic" and facts_for_angle(a, facts)]
    return personal or ["generic"]


def angle_relevance(facts: list[Fact], template: Template) -> dict[Angle, float]:
    """Each available angle's best relevance to the offer (its most relevant fact)."""
    return {
        angle: max((hook_score(f, template) for f in facts_for_angle(angle, facts)), default=0.0)
        for angle in available_angles(facts)
    }


def most_relevant_angles(facts: list[Fact], template: Template) -> list[Angle]:
    """The angles whose best hook ties with the strongest one: the strategy chooses among these.

    Scores within ``tie_margin`` of the best tie, so the strategy model keeps choosing where
    the record gives no clear lead.
    """
    scores = angle_relevance(facts, template)
    top = max(scores.values(), default=0.0)
    margin = float(knobs()["relevance"]["tie_margin"])
    return [a for a, s in scores.items() if s >= top - margin] if top > 0 else list(scores)


def channel_ctas(channel: Channel, *, first_touch: bool = False) -> list[str]:
    """The calls to action a message on ``channel`` makes as distinct asks (``[ctas]``).

    A ``first_touch`` (a cold message to a stranger) on a channel kind of ``[first_touch]``
    asks nothing of ``no_ctas`` (no call with someone who has never answered).
    """
    ctas = list(registry()[channel].ctas or CTAS)
    rule = knobs()["first_touch"]
    if first_touch and registry()[channel].kind in rule["kinds"]:
        easy = [c for c in ctas if c not in rule["no_ctas"]]
        return easy or ctas
    return ctas


def length_budget(channel: Channel, limit: int) -> int:
    """The body length to aim for: the channel's target, never above its limit."""
    return min(registry()[channel].length_target, limit)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values()) or 1.0
    return {k: round(v / total, 3) for k, v in weights.items()}


def rules_of(
    value: PersonalizationStrategy | dict[str, Any] | None,
) -> PersonalizationStrategy | None:
    """The caller's strategy rules as a model (a server run passes them as a plain dict)."""
    if value is None or isinstance(value, PersonalizationStrategy):
        return value
    return PersonalizationStrategy(**value)


def _weighted(
    rules: dict[str, float], factor: str, candidates: Sequence[str]
) -> tuple[list[str], dict[tuple[str, str], float]]:
    """The levels a caller's rules allow among ``candidates`` and their bias in logits.

    A level's bias is the log of its weight relative to the heaviest allowed level, so a weight
    twice another's doubles the odds of its arms; without rules every candidate is allowed.
    """
    if not rules:
        return list(candidates), {}
    allowed = [level for level in candidates if rules.get(level, 0.0) > 0]
    top = max((rules[level] for level in allowed), default=1.0)
    return allowed, {(factor, lv): math.log(rules[lv] / top) for lv in allowed}


def build_strategy(
    *,
    channel: Channel,
    segment: str,
    facts: list[Fact],
    analysis: ProfileAnalysis,
    lessons: list[Lesson],
    model: StrategyModel,
    body_limit: int,
    n_variations: int,
    rng: random.Random,
    template: Template | None = None,
    rules: PersonalizationStrategy | None = None,
    variation_type: VariationType | None = None,
    first_touch: bool = False,
) -> PersonalizationStrategy:
    """Sample ``n_variations`` distinct arms from the model and attach the facts each will use.

    On a tight channel (a 200-character LinkedIn note) a long fact cannot open the message, so
    only facts that fit a quarter of the budget are planned, when the record has any. A caller's
    ``rules`` (tone, content and CTA weights) pin or weight the draws; ``variation_type`` makes
    the variations differ in that factor only. A ``first_touch`` (no conversation yet) makes
    only the easy asks (``channel_ctas``), unless the variations are asked to differ in the ask.
    """
    budget = length_budget(channel, body_limit)
    every = list(facts)  # a long summary still ranks its item (by_item_relevance)
    facts = [f for f in facts if len(f.text) <= max(30, budget // 4)] or facts
    angles: list[str] = list(available_angles(facts))
    notes = []
    if template is not None:
        facts = rank_by_relevance(facts, template)
        relevant = most_relevant_angles(facts, template)
        pinned = rules is not None and bool(rules.content_rules)
        if len(relevant) < len(angles) and not pinned:  # a caller's content rules choose instead
            notes.append(
                "most relevant to the offer: " + ", ".join(relevant) + " (other angles not drafted)"
            )
            angles = list(relevant)
    stated = [analysis.preferred_tone] if analysis.preferred_tone else list(TONES)
    # Variations asked to differ in their call to action compare every ask the channel makes: the
    # caller's experiment, so a first touch keeps the call among them (and the reasons say so).
    compare_ctas = variation_type == "cta"
    ctas = channel_ctas(channel, first_touch=first_touch and not compare_ctas)
    if first_touch and compare_ctas and ctas != channel_ctas(channel, first_touch=True):
        notes.append("variations by call to action: a first touch compares every ask, a call too")
    bias: dict[tuple[str, str], float] = {}
    if rules is not None:
        tones, tone_bias = _weighted(rules.tone_rules, "tone", TONES)
        if rules.tone_rules and analysis.preferred_tone and analysis.preferred_tone not in tones:
            notes.append(f"the tone rules override the prospect's {analysis.preferred_tone} tone")
        stated = tones if rules.tone_rules else stated
        pinned_angles, angle_bias = _weighted(rules.content_rules, "angle", angles)
        if rules.content_rules and not pinned_angles:
            notes.append(
                "the content rules name no opening this record supports: using " + ", ".join(angles)
            )
        angles = pinned_angles or angles
        pinned_ctas, cta_bias = _weighted(rules.cta_rules, "cta", ctas)
        if not pinned_ctas:
            notes.append(f"the CTA rules name no ask a {channel} message makes: using all of them")
        ctas = pinned_ctas or ctas
        bias = {**tone_bias, **(angle_bias if pinned_angles else {}), **cta_bias}
        notes.append("strategy rules given by the caller: " + _describe(rules))
    vary = "angle" if variation_type == "content" else variation_type
    draws = model.sample(
        segment,
        allowed_angles=angles,
        allowed_tones=stated,
        allowed_ctas=ctas,
        n=n_variations,
        rng=rng,
        bias=bias,
        vary=vary,
    )
    propensity = model.propensities(
        segment,
        [draw.arm for draw in draws],
        allowed_angles=angles,
        allowed_tones=stated,
        allowed_ctas=ctas,
        bias=bias,
        vary=vary,
        n=n_variations,
        seed=f"{segment}:{rng.random()}",
    )
    if variation_type and len(draws) < n_variations:
        notes.append(
            f"{len(draws)} {variation_type} variation(s): only these levels are allowed here"
        )
    summary = model.factor_summary(segment)
    tone_rules = _normalised(
        {k: v[0] * math.exp(bias.get(("tone", k), 0.0)) for k, v in summary["tone"].items()}
    )
    if rules is not None and rules.tone_rules:
        tone_rules = _normalised({k: w for k, w in tone_rules.items() if k in stated})
    elif analysis.preferred_tone:
        tone_rules = _normalised(
            {k: w + (1.0 if k == analysis.preferred_tone else 0.0) for k, w in tone_rules.items()}
        )
        notes.append(
            f"the prospect prefers a {analysis.preferred_tone} tone: every variation uses it"
        )
    content_rules = _normalised(
        {
            k: v[0] * math.exp(bias.get(("angle", k), 0.0))
            for k, v in summary["angle"].items()
            if k in angles
        }
    )
    cta_rules = _normalised(
        {
            k: v[0] * math.exp(bias.get(("cta", k), 0.0))
            for k, v in summary["cta"].items()
            if k in ctas
        }
    )
    if angles == ["generic"]:
        notes.append("the record holds no usable personal facts: an honest, non-specific opener")
    plans = [
        VariationPlan(
            id=f"v{i}",
            tone=draw.tone,
            angle=draw.angle,
            cta=draw.cta,
            fact_ids=[f.id for f in _planned_facts(draw.angle, facts, every, template)],
            predicted_outcome=round(draw.draw, 4),
            posterior_mean=round(draw.mean, 4),
            propensity_drafted=round(propensity[draw.arm].drafted, 6),
            propensity_chosen=round(propensity[draw.arm].chosen, 6),
        )
        for i, draw in enumerate(draws, start=1)
    ]
    return PersonalizationStrategy(
        channel=channel,
        segment=segment,
        tone_rules=tone_rules,
        content_rules=content_rules,
        cta_rules=cta_rules,
        variations=plans,
        length_budget=budget,
        allowed_arms=allowed_arms(angles, stated, ctas),
        lessons_applied=[lesson.text for lesson in lessons],
        notes=notes,
    )


def _describe(rules: PersonalizationStrategy) -> str:
    parts = [
        f"{name} " + ", ".join(f"{k}={w:g}" for k, w in weights.items())
        for name, weights in (
            ("tone", rules.tone_rules),
            ("content", rules.content_rules),
            ("cta", rules.cta_rules),
        )
        if weights
    ]
    return "; ".join(parts) or "none"
