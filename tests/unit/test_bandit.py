import dataclasses
import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest

from ipe.domain import ANGLES, CTAS, TONES
from ipe.memory.outcomes import ArmStat
from ipe.tools.learning.bandit import BanditConfig, StrategyModel, default_config, fit_logistic

SEG = "instagram:outdoor_travel"


def _stats(segment: str, rate_of: dict[str, float], sends: int = 20) -> list[ArmStat]:
    """Every arm of ``segment`` with ``sends`` sends; positives from the levels' rates."""
    rows = []
    for tone, angle, cta in itertools.product(TONES, ANGLES, CTAS):
        rate = max(rate_of.get(tone, 0.1), rate_of.get(angle, 0.1), rate_of.get(cta, 0.1))
        positives = round(rate * sends)
        rows.append(
            ArmStat(
                segment,
                tone,
                angle,
                cta,
                sends,
                positives * 0.9 + (sends - positives) * 0.05,
                positives,
            )
        )
    return rows


def test_default_config_comes_from_the_policy_file() -> None:
    cfg = default_config()
    assert cfg.target in {"reward", "positive"}
    assert cfg.exploration > 0 and cfg.segment_sd > 0 and 0 < cfg.pool_weight < 1


def test_empty_model_is_uniform_and_samples_distinct_arms() -> None:
    model = StrategyModel.from_stats([], [])
    predictions = {
        model.predict(SEG, t, a, c) for t, a, c in itertools.product(TONES, ANGLES, CTAS)
    }
    assert len({round(p, 9) for p in predictions}) == 1
    draws = model.sample(SEG, allowed_angles=ANGLES, n=3, rng=random.Random(1))
    assert len({d.arm for d in draws}) == 3
    assert [d.draw for d in draws] == sorted((d.draw for d in draws), reverse=True)
    assert all(0.0 < d.draw < 1.0 and 0.0 < d.mean < 1.0 for d in draws)


def test_sampling_respects_allowed_angles_and_caps_n() -> None:
    model = StrategyModel.from_stats([], [])
    draws = model.sample(SEG, allowed_angles=["bio"], n=100, rng=random.Random(2))
    assert len(draws) == len(TONES) * len(CTAS)
    assert {d.angle for d in draws} == {"bio"}
    fallback = model.sample(SEG, allowed_angles=["nonsense"], n=2, rng=random.Random(2))
    assert {d.angle for d in fallback} == {"generic"}


def test_sampling_is_reproducible_with_a_seeded_rng() -> None:
    model = StrategyModel.from_stats(_stats(SEG, {"casual": 0.4}), [])
    first = model.sample(SEG, allowed_angles=ANGLES, n=3, rng=random.Random(5))
    again = model.sample(SEG, allowed_angles=ANGLES, n=3, rng=random.Random(5))
    assert first == again


def test_the_model_learns_the_better_levels() -> None:
    stats = _stats(SEG, {"casual": 0.45, "bio": 0.45, "sample": 0.45})
    model = StrategyModel.from_stats(stats, stats)
    best = model.predict(SEG, "casual", "bio", "sample")
    assert best > model.predict(SEG, "professional", "bio", "sample")
    assert best > model.predict(SEG, "casual", "generic", "sample")
    summary = model.factor_summary(SEG)
    assert max(summary["tone"], key=lambda k: summary["tone"][k][0]) == "casual"
    assert summary["angle"]["bio"][1] == 20 * len(TONES) * len(CTAS)
    rng = random.Random(0)
    picks = Counter(
        model.sample(SEG, allowed_angles=ANGLES, n=3, rng=rng)[0].arm for _ in range(200)
    )
    assert picks.most_common(1)[0][0] == "casual/bio/sample"


def test_a_new_segment_starts_from_its_channel_and_tenant() -> None:
    stats = _stats("instagram:beauty_fashion", {"casual": 0.5}) + _stats(
        "instagram:tech_gaming", {"casual": 0.5}
    )
    model = StrategyModel.from_stats(stats, stats)
    fresh = "instagram:food_drink"  # no data of its own
    assert model.predict(fresh, "casual", "bio", "call") > model.predict(
        fresh, "professional", "bio", "call"
    )
    other_channel = "email:food_drink"  # only the tenant level carries over
    gap_channel = model.predict(fresh, "casual", "bio", "call") - model.predict(
        fresh, "professional", "bio", "call"
    )
    gap_tenant = model.predict(other_channel, "casual", "bio", "call") - model.predict(
        other_channel, "professional", "bio", "call"
    )
    assert 0 < gap_tenant <= gap_channel + 1e-9


def test_a_new_tenant_starts_from_the_population() -> None:
    population = _stats(SEG, {"enthusiastic": 0.5})
    model = StrategyModel.from_stats([], population)
    assert model.predict(SEG, "enthusiastic", "bio", "call") > model.predict(
        SEG, "casual", "bio", "call"
    )


def test_a_segment_with_the_opposite_taste_overrides_the_pooled_prior() -> None:
    siblings = _stats("instagram:beauty_fashion", {"casual": 0.5}, sends=30) + _stats(
        "instagram:tech_gaming", {"casual": 0.5}, sends=30
    )
    contrarian = _stats(SEG, {"professional": 0.5}, sends=10)
    model = StrategyModel.from_stats(siblings + contrarian, siblings + contrarian)
    assert model.predict(SEG, "professional", "bio", "call") > model.predict(
        SEG, "casual", "bio", "call"
    )


def test_few_misses_do_not_collapse_a_level() -> None:
    # the same 3 misses are not counted at the population, tenant, channel and segment levels
    stats = [ArmStat(SEG, "casual", "bio", "call", 3, 0.15, 0)]
    model = StrategyModel.from_stats(stats, stats)
    alone = StrategyModel.from_stats(stats, [])
    # the population level only holds other tenants' data: the same sends are not counted twice
    assert model.predict(SEG, "casual", "bio", "call") == pytest.approx(
        alone.predict(SEG, "casual", "bio", "call")
    )
    mean, sd = model.posterior(SEG, "tone", "casual")
    assert mean > -1.0 and sd > 0.3  # still uncertain: three sends are little evidence


def test_lesson_bonus_shifts_the_prior() -> None:
    plain = StrategyModel.from_stats([], [])
    nudged = StrategyModel.from_stats([], [], lesson_bonus={(SEG, "cta", "sample"): 3.0})
    assert nudged.predict(SEG, "casual", "bio", "sample") > plain.predict(
        SEG, "casual", "bio", "sample"
    )
    assert nudged.predict("email:general", "casual", "bio", "sample") == pytest.approx(
        plain.predict("email:general", "casual", "bio", "sample")
    )
    everywhere = StrategyModel.from_stats([], [], lesson_bonus={("*", "tone", "casual"): -3.0})
    assert everywhere.predict("x:general", "casual", "bio", "call") < plain.predict(
        "x:general", "casual", "bio", "call"
    )


def test_binary_target_uses_positives() -> None:
    stats = [ArmStat(SEG, "casual", "bio", "call", 10, 9.0, 0)]  # high reward, no positives
    by_reward = StrategyModel.from_stats(stats, stats)
    by_positive = StrategyModel.from_stats(
        stats, stats, config=dataclasses.replace(default_config(), target="positive")
    )
    assert by_reward.predict(SEG, "casual", "bio", "call") > by_positive.predict(
        SEG, "casual", "bio", "call"
    )


def test_exploration_narrows_the_draws() -> None:
    def spread(cfg: BanditConfig) -> float:
        model = StrategyModel.from_stats([], [], config=cfg)
        rng = random.Random(4)
        draws = [
            model.sample(SEG, allowed_angles=["bio"], n=1, rng=rng)[0].draw for _ in range(300)
        ]
        mean = sum(draws) / len(draws)
        return sum((d - mean) ** 2 for d in draws) / len(draws)

    base = default_config()
    assert spread(dataclasses.replace(base, exploration=8.0)) < spread(
        dataclasses.replace(base, exploration=1.0)
    )


def test_the_same_data_reuses_the_fitted_model() -> None:
    stats = _stats("email:tech_gaming", {"casual": 0.4, "professional": 0.1})
    model = StrategyModel.from_stats(stats, stats)
    assert StrategyModel.from_stats(list(stats), list(stats)) is model
    assert model.factor_summary("email:tech_gaming") is model.factor_summary("email:tech_gaming")
    more = [*stats[:-1], dataclasses.replace(stats[-1], sends=stats[-1].sends + 1)]
    changed = StrategyModel.from_stats(more, more)
    assert changed is not model
    assert changed.posterior("email:tech_gaming", "tone", "casual") != model.posterior(
        "email:tech_gaming", "tone", "casual"
    )


def test_fit_logistic_finds_the_map_and_its_curvature() -> None:
    x = np.array([[1.0], [1.0]])
    n, y = np.array([300.0, 100.0]), np.array([75.0, 25.0])  # 100 of 400: logit(0.25)
    theta, hessian = fit_logistic(x, n, y, np.zeros(1), np.array([[1e-6]]))
    assert theta[0] == pytest.approx(math.log(0.25 / 0.75), abs=1e-4)
    assert hessian[0, 0] == pytest.approx(400 * 0.25 * 0.75, rel=1e-3)  # n p (1 - p)
    # a strong prior pulls the MAP towards its mean; extreme logits do not overflow
    pulled, _ = fit_logistic(x, n, y, np.zeros(1), np.array([[400.0]]))
    assert math.log(0.25 / 0.75) < pulled[0] < 0.0
    far, _ = fit_logistic(
        np.array([[1000.0]]), np.array([5.0]), np.array([5.0]), np.zeros(1), np.eye(1)
    )
    assert np.isfinite(far).all()
