import json
from pathlib import Path

import pytest

from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.tools.learning.stats import compute_stats, plot_stats, render_table


def _record(
    i: int, *, arm: str, segment: str, status: str = "ready", facts: int = 1, lessons: int = 0
) -> MessageRecord:
    tone, angle, cta = arm.split("/")
    return MessageRecord(
        message_id=f"m{i}",
        tenant="t1",
        prospect_id=f"p{i}",
        channel=segment.split(":")[0],
        segment=segment,
        tone=tone,
        angle=angle,
        cta=cta,
        fact_ids=[f"f{k}" for k in range(facts)],
        body="Hello.",
        status=status,
        created_at="2026-01-01",
        lessons_applied=lessons,
    )


@pytest.fixture
def store(tmp_path: Path) -> OutcomeStore:
    store = OutcomeStore(tmp_path / "o.sqlite")
    good, bad = "casual/bio/reply", "professional/generic/call"
    for i in range(200):
        # early sends mostly the bad arm, late sends the good one
        arm = bad if i < 100 and i % 4 else good
        store.record_message(
            _record(i, arm=arm, segment="instagram:outdoor_travel", lessons=int(i >= 100))
        )
        if arm == good and i % 2 == 0 or arm == bad and i % 10 == 0:
            store.add_event("t1", f"m{i}", event_id=f"e{i}", kind="replied", intent="interested")
    store.record_message(_record(900, arm=good, segment="email:general", status="blocked"))
    store.record_message(_record(901, arm=good, segment="email:general", facts=0))
    store.record_message(_record(902, arm=good, segment="email:general"))
    store.add_event("t1", "m902", event_id="b", kind="bounced")
    return store


def test_compute_stats(store: OutcomeStore) -> None:
    report = compute_stats(store, "t1")
    assert report.messages == 203 and report.ready == 202
    assert report.sends == 201  # the blocked and the bounced message are not sends
    assert report.personalization_success_rate == pytest.approx(201 / 203, abs=1e-4)
    assert report.context_relevance == pytest.approx(100 / 203, abs=1e-4)
    assert report.outcomes["bounced"] == 1
    arms = {row.arm: row for row in report.variations}
    good = arms["casual/bio/reply"]
    assert good.positive_rate == pytest.approx(good.positives / good.sends, abs=1e-4)
    assert good.positive_rate > arms["professional/generic/call"].positive_rate
    insta = next(r for r in report.strategy_effectiveness if r.segment.startswith("instagram"))
    assert insta.description == "instagram creators in outdoor and travel niches"
    # instagram: good arm 75/125 positive, bad arm 5/75
    assert insta.sends == 200
    assert insta.positive_rate == pytest.approx(80 / 200)
    assert insta.uniform_arm_average == pytest.approx((75 / 125 + 5 / 75) / 2, abs=1e-4)
    assert insta.lift > 0
    impact = report.feedback_impact
    assert impact.last_quarter_rate > impact.first_quarter_rate
    assert impact.change == pytest.approx(impact.last_quarter_rate - impact.first_quarter_rate)
    assert [p.start for p in impact.learning_curve] == [0, 50, 100, 150, 200]
    assert sum(p.sends for p in impact.learning_curve) == report.sends
    json.dumps(report.model_dump())


def test_render_table_and_plot(store: OutcomeStore, tmp_path: Path) -> None:
    report = compute_stats(store, "t1")
    table = render_table(report)
    for label in (
        "personalization success rate",
        "context relevance",
        "feedback impact",
        "casual/bio/reply",
        "instagram:outdoor_travel",
    ):
        assert label in table
    path = tmp_path / "charts" / "stats.png"
    plot_stats(report, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_tenant(tmp_path: Path) -> None:
    report = compute_stats(OutcomeStore(tmp_path / "e.sqlite"), "nobody")
    assert report.sends == 0 and report.positive_rate == 0.0
    assert report.feedback_impact.learning_curve == []
    assert "tenant nobody" in render_table(report)
    plot_stats(report, tmp_path / "empty.png")
    assert (tmp_path / "empty.png").exists()
