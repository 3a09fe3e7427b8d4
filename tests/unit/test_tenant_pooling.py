"""One tenant's outcomes cannot steer another's choices: pooling is opt-in and bounded.

The attack from issue 11: a tenant reports 400 fake conversions for one tone; a new tenant's
tone picks went from 22/60 to 57/60. Model level over six seeds, then the engine end to end.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import replace
from pathlib import Path
from typing import Any

from ipe import IntelligentPersonalizationEngine
from ipe.domain import ANGLES
from ipe.memory.outcomes import ArmStat, MessageRecord, OutcomeStore
from ipe.tools.learning.bandit import ALL_ARMS, StrategyModel, default_config
from ipe.tools.learning.pooling import PoolConfig, pool_config, population_for
from ipe.tools.learning.stats import compute_stats

SEG = "email:outdoor"
SEEDS = range(1, 7)


def _fake(sends: int = 400, tone: str = "enthusiastic") -> list[ArmStat]:
    arms = [a for a in ALL_ARMS if a[0] == tone]
    per = sends // len(arms)
    return [ArmStat(SEG, *a, sends=per, reward_sum=float(per), positives=per) for a in arms]


def _honest(rng: random.Random, sends: int = 120) -> list[ArmStat]:
    rows = []
    for arm in rng.sample(ALL_ARMS, 30):
        k = sends // 30
        hits = sum(rng.random() < 0.3 for _ in range(k))
        rows.append(ArmStat(SEG, *arm, sends=k, reward_sum=float(hits), positives=hits))
    return rows


def _picks(population: list[Any], seed: int, config: Any = None) -> int:
    model = StrategyModel([], population, config=config or default_config())
    draws = (
        model.sample(SEG, allowed_angles=ANGLES, n=1, rng=random.Random(f"{seed}:{i}"))[0]
        for i in range(60)
    )
    return sum(d.tone == "enthusiastic" for d in draws)


def test_the_attack_is_real_without_the_bounds() -> None:
    """Unbounded pooling (the old behaviour) hands the attacker the victim's choices."""
    unbounded = replace(default_config(), population_max_shift=-1)
    loose = PoolConfig(max_sends_per_tenant=1e9, min_tenants=1, max_prior_shift=-1)
    for seed in SEEDS:
        rng = random.Random(seed)
        others = {"attacker": _fake(), "h1": _honest(rng), "h2": _honest(rng)}
        attacked = _picks(population_for("victim", [], others, pool=True, config=loose), seed,
                          unbounded)  # fmt: skip
        assert attacked >= 50, (seed, attacked)  # fresh: about 20 of 60


def test_picks_stay_within_noise_of_a_fresh_tenant() -> None:
    """Pooling off (the default): no effect at all; on: within one binomial s.d. (3.6)."""
    diffs = []
    for seed in SEEDS:
        rng = random.Random(seed)
        others = {"attacker": _fake(), "h1": _honest(rng), "h2": _honest(rng)}
        fresh = _picks([], seed)
        assert _picks(population_for("victim", [], others, pool=False), seed) == fresh
        attacked = _picks(population_for("victim", [], others, pool=True), seed)
        diffs.append(attacked - fresh)
        assert abs(attacked - fresh) <= 4, (seed, fresh, attacked)
    assert statistics.mean(diffs) <= 2.5, diffs


def test_each_other_tenant_weighs_at_most_its_cap_and_one_tenant_is_never_enough() -> None:
    cfg = pool_config()
    own = _honest(random.Random(0))
    lone = population_for("victim", own, {"attacker": _fake()}, pool=True)
    assert lone == own  # fewer than min_tenants others: nobody's rates leak in
    others = {f"t{i}": _fake() for i in range(cfg.min_tenants)}
    pooled = population_for("victim", own, {**others, "victim": own}, pool=True)
    extra = pooled[len(own) :]
    assert abs(sum(s.sends for s in extra) - cfg.max_sends_per_tenant * cfg.min_tenants) < 1e-6
    assert all(abs(s.reward_sum / s.sends - 1.0) < 1e-9 for s in extra)  # rates kept


def _attack_store(data_dir: str, segment: str) -> None:
    with OutcomeStore(Path(data_dir) / "outcomes.sqlite") as store:
        arms = [a for a in ALL_ARMS if a[0] == "enthusiastic"]
        for i in range(400):
            tone, angle, cta = arms[i % len(arms)]
            store.record_message(
                MessageRecord(
                    message_id=f"fake{i}",
                    tenant="attacker",
                    prospect_id=f"p{i}",
                    channel=segment.split(":")[0],
                    segment=segment,
                    tone=tone,
                    angle=angle,
                    cta=cta,
                    body="x",
                    status="ready",
                    created_at="2026-11-01T00:00:00+00:00",
                )
            )
            store.add_event("attacker", f"fake{i}", event_id=f"e{i}", kind="converted")


async def _victim_arms(data_dir: str, prospect: dict[str, Any], template: dict[str, Any],
                       **options: Any) -> list[str]:  # fmt: skip
    engine = IntelligentPersonalizationEngine("victim", data_dir=data_dir, durable=False, **options)
    arms = []
    for i in range(30):
        result = await engine.personalize_message(prospect, template, message_id=f"victim-{i}")
        arms.append(result.variations[0].plan.arm if result.variations else "")
    return arms


async def test_end_to_end_another_tenant_cannot_steer_or_read(
    tmp_path: Path, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    prospect = prospects["ana-email"]
    fresh_dir, attacked_dir = str(tmp_path / "fresh"), str(tmp_path / "attacked")
    probe = await IntelligentPersonalizationEngine(
        "attacker", data_dir=attacked_dir, durable=False
    ).personalize_message(prospect, template)
    assert probe.segment
    _attack_store(attacked_dir, probe.segment)
    fresh = await _victim_arms(fresh_dir, prospect, template)
    attacked = await _victim_arms(attacked_dir, prospect, template)
    assert attacked == fresh  # pooling is off by default: not one choice moves
    pooled = await _victim_arms(attacked_dir, prospect, template, pool_tenants=True)
    assert pooled == fresh  # on, but a lone other tenant is below min_tenants
    with OutcomeStore(Path(attacked_dir) / "outcomes.sqlite") as store:
        report = compute_stats(store, "victim").model_dump_json()
    assert "fake" not in report and "400" not in report
