import json
import random
from pathlib import Path
from typing import Any

import pytest

from ipe.domain import Prospect, Template
from ipe.memory.outcomes import OutcomeStore
from ipe.tools.learning.replies import classify_reply
from ipe.tools.learning.segments import niche_group
from ipe.tools.learning.simulator import (
    ALL_ARMS,
    ModelLevelLoop,
    SegmentTruth,
    build_population,
    config,
    engagement_events,
    make_prospect,
    parse_arm,
    plot_simulation,
    simulate,
    template,
)

# What the model-level learner must show on every seed below (2000 sends, 9 segments).
SEEDS = (1, 2, 3, 4, 5)
MIN_FINAL_RATIO = 0.85
MIN_MEAN_FINAL_RATIO = 0.9


def test_population_has_the_documented_shape() -> None:
    population = build_population(random.Random("1:population"))
    assert len(population) == 9
    assert len({t.segment for t in population}) == 9
    assert sum(t.contrarian for t in population) == config()["population"]["contrarian_segments"]
    for truth in population:
        assert 0.35 <= truth.best_rate <= 0.5 + 1e-9
        rates = sorted(truth.rate(*arm) for arm in ALL_ARMS)
        assert 0.03 <= rates[0] <= 0.1  # the worst arm
        assert 0.06 <= rates[len(rates) // 2] <= 0.25  # a typical (bad) arm
        assert truth.mean_rate < 0.25
        assert truth.best_rate > 1.6 * truth.mean_rate  # choosing well matters
        assert all(truth.rate(*arm) <= truth.best_rate for arm in ALL_ARMS)


def test_prospects_fit_their_segment_and_support_every_angle() -> None:
    rng = random.Random(9)
    for truth in build_population(random.Random("2:population")):
        prospect = make_prospect(rng, truth, 1, 2)
        assert niche_group(prospect["niche"], prospect["tags"]) == truth.group
        parsed = Prospect.model_validate(prospect)
        assert parsed.recent_content[0].title and parsed.audience_size
        assert parsed.niche and parsed.bio
    Template.model_validate(template())


@pytest.mark.parametrize("intent", list(config()["replies"]))
def test_reply_bank_texts_classify_as_intended(intent: str) -> None:
    expected = None if intent == "unclassified" else intent
    for text in config()["replies"][intent]:
        assert classify_reply(text) == expected, text


def test_engagement_uses_the_common_random_number() -> None:
    rng = random.Random(0)
    label, events = engagement_events("m1", 0.05, 0.3, rng)
    assert label in {"converted", "interested"}
    assert any(e["event"] == "replied" for e in events)
    label, events = engagement_events("m2", 0.31, 0.3, rng)
    assert label == "not_interested"  # just above p: the first non-positive band
    label, events = engagement_events("m3", 0.99, 0.3, rng)
    assert label == "no_reply"
    assert {e["event"] for e in events} <= {"delivered", "opened"}
    ids = [e["event_id"] for e in events]
    assert all(i.startswith("m3:") for i in ids)


def test_parse_arm() -> None:
    assert parse_arm("casual/bio/call") == ("casual", "bio", "call")
    with pytest.raises(ValueError):
        parse_arm("casual/bio")
    with pytest.raises(ValueError):
        parse_arm("loud/bio/call")


def _fixed_chooser(pick: Any) -> tuple[Any, Any]:
    population = {t.segment: t for t in build_population(random.Random("7:population"))}
    counter = iter(range(10**6))

    async def choose(
        prospect: dict[str, Any], tmpl: dict[str, Any], channel: str
    ) -> tuple[str, str]:
        truth: SegmentTruth = population[
            f"{channel}:{niche_group(prospect['niche'], prospect['tags'])}"
        ]
        return f"m{next(counter)}", "/".join(pick(truth))

    async def feedback(message_id: str, event: dict[str, Any]) -> None:
        assert event["event_id"].startswith(message_id)

    return choose, feedback


async def test_oracle_matches_oracle_and_worst_arm_is_far_below() -> None:
    choose, feedback = _fixed_chooser(lambda t: t.best)
    report = await simulate(sends=600, seed=7, choose=choose, feedback=feedback)
    assert report.final_window_ratio_to_oracle == 1.0
    assert report.final_best_arm_share == 1.0
    assert all(w.engine_rate == w.oracle_rate for w in report.windows)
    assert report.random_positives < report.oracle_positives
    choose, feedback = _fixed_chooser(lambda t: min(ALL_ARMS, key=lambda a: t.rate(*a)))
    worst = await simulate(sends=600, seed=7, choose=choose, feedback=feedback)
    assert worst.final_window_ratio_to_oracle < 0.3
    assert worst.oracle_positives == report.oracle_positives  # common random numbers
    assert worst.random_positives == report.random_positives


async def test_report_json_summary_and_plot(tmp_path: Path) -> None:
    choose, feedback = _fixed_chooser(lambda t: t.best)
    report = await simulate(sends=300, seed=7, choose=choose, feedback=feedback)
    data = json.loads(json.dumps(report.to_json()))
    assert data["sends"] == 300 and len(data["windows"]) == 3 and len(data["segments"]) == 9
    assert "engine/oracle 1.00" in report.summary()
    path = tmp_path / "sim.png"
    plot_simulation(report, path)
    assert path.read_bytes()[:4] == b"\x89PNG"


async def test_model_level_learner_approaches_the_oracle(tmp_path: Path) -> None:
    ratios = []
    for seed in SEEDS:
        store = OutcomeStore(tmp_path / f"s{seed}.sqlite")
        loop = ModelLevelLoop(store, "t1", seed=seed, refresh_every=5)
        report = await simulate(sends=2000, seed=seed, choose=loop.choose, feedback=loop.feedback)
        late = [w for w in report.windows if w.start >= 200]
        assert all(w.engine_rate > w.random_rate for w in late), (seed, late)
        assert report.final_window_ratio_to_oracle >= MIN_FINAL_RATIO, (seed, report.summary())
        assert report.final_engine_rate > 1.8 * report.final_random_rate
        assert store.arm_stats("t1") == store.recompute_arm_stats("t1")
        ratios.append(report.final_window_ratio_to_oracle)
        store.close()
    assert sum(ratios) / len(ratios) >= MIN_MEAN_FINAL_RATIO, ratios


async def test_simulation_is_reproducible(tmp_path: Path) -> None:
    reports = []
    for run in range(2):
        store = OutcomeStore(tmp_path / f"r{run}.sqlite")
        loop = ModelLevelLoop(store, "t1", seed=11)
        reports.append(
            await simulate(sends=200, seed=11, choose=loop.choose, feedback=loop.feedback)
        )
    assert reports[0].to_json() == reports[1].to_json()
