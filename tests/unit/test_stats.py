import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.tools.learning.stats import compute_stats, plot_stats, render_table
from tests.conftest import StoreFactory


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


SENT = "2026-01-01T09:00:00+00:00"
"""Long enough ago that silence has settled to no reply."""


@pytest.fixture
def store(open_store: StoreFactory) -> OutcomeStore:
    store = open_store()
    good, bad = "casual/bio/reply", "professional/generic/call"
    for i in range(200):
        # early sends mostly the bad arm, late sends the good one
        arm = bad if i < 100 and i % 4 else good
        store.record_message(
            _record(i, arm=arm, segment="instagram:outdoor_travel", lessons=int(i >= 100))
        )
        store.add_event("t1", f"m{i}", event_id="s", kind="sent", at=SENT)
        if arm == good and i % 2 == 0 or arm == bad and i % 10 == 0:
            store.add_event("t1", f"m{i}", event_id=f"e{i}", kind="replied", intent="interested")
    store.record_message(_record(900, arm=good, segment="email:general", status="blocked"))
    store.record_message(_record(901, arm=good, segment="email:general", facts=0))
    store.add_event("t1", "m901", event_id="s", kind="sent", at=SENT)
    store.record_message(_record(902, arm=good, segment="email:general"))
    store.add_event("t1", "m902", event_id="b", kind="bounced")
    return store


def test_compute_stats(store: OutcomeStore) -> None:
    report = compute_stats(store, "t1")
    assert report.messages == 203
    assert report.sends == 201  # the blocked and the bounced message are not sends
    assert report.lifecycle == {"blocked": 1, "drafted": 0, "edited": 0, "approved": 0, "sent": 202}
    assert report.personalization_success_rate.value == pytest.approx(201 / 203, abs=1e-4)
    assert report.personalization_success_rate.n == 203
    assert report.context_relevance.value == pytest.approx(100 / 203, abs=1e-4)
    assert report.outcomes["bounced"] == 1
    arms = {row.arm: row for row in report.variations}
    good, bad = arms["casual/bio/reply"], arms["professional/generic/call"]
    assert good.positive_rate.n == good.sends
    assert (good.positive_rate.value or 0) > (bad.positive_rate.value or 0)
    assert (good.positive_rate.low or 0) > (bad.positive_rate.high or 0)  # clearly apart
    insta = next(r for r in report.strategy_effectiveness if r.segment.startswith("instagram"))
    assert insta.description == "instagram creators in outdoor and travel niches"
    # instagram: good arm 75/125 positive, bad arm 5/75
    assert insta.sends == 200
    assert insta.positive_rate.value == pytest.approx(80 / 200)
    assert insta.uniform_arm_average == pytest.approx((75 / 125 + 5 / 75) / 2, abs=1e-4)
    assert insta.lift.value is not None and insta.lift.value > 0
    assert (insta.lift.low or 0) < insta.lift.value < (insta.lift.high or 0)
    impact = report.feedback_impact
    assert (impact.last_quarter.value or 0) > (impact.first_quarter.value or 0)
    assert impact.change.value == pytest.approx(
        (impact.last_quarter.value or 0) - (impact.first_quarter.value or 0), abs=1e-4
    )
    assert [p.start for p in impact.learning_curve] == [0, 50, 100, 150, 200]
    assert sum(p.positive_rate.n for p in impact.learning_curve) == report.sends
    document = json.loads(json.dumps(report.model_dump()))
    for key in ("personalization_success_rate", "positive_rate", "mean_reward"):
        assert set(document[key]) >= {"value", "n", "low", "high"}


def test_tiny_samples_are_not_enough_data(tmp_path: Path) -> None:
    """ "Feedback impact +100%" from 3 sends is not shown as a figure."""
    store = OutcomeStore(tmp_path / "o.sqlite")
    for i in range(3):
        store.record_message(_record(i, arm="casual/bio/reply", segment="email:general"))
    store.add_event("t1", "m2", event_id="e2", kind="replied", intent="interested")
    store.add_event("t1", "m0", event_id="e0", kind="replied", intent="not_interested")
    store.add_event("t1", "m1", event_id="e1", kind="replied", intent="not_interested")
    report = compute_stats(store, "t1")
    assert report.feedback_impact.change.value is None
    assert "not enough data" in (report.feedback_impact.change.note or "")
    assert report.strategy_effectiveness[0].lift.value is None
    assert report.positive_rate.n == 3 and report.positive_rate.value == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert "not enough data" in render_table(report)


def test_reviewed_then_sent_messages_count(tmp_path: Path) -> None:
    store = OutcomeStore(tmp_path / "o.sqlite")
    store.record_message(
        _record(1, arm="casual/bio/reply", segment="email:general", status="needs_review")
    )
    store.add_event("t1", "m1", event_id="c", kind="converted")
    report = compute_stats(store, "t1")
    assert report.sends == 1 and report.positive_rate.value == 1.0
    assert report.personalization_success_rate.value == 1.0


def test_stats_read_long_pending_messages_as_settled_without_writing(tmp_path: Path) -> None:
    store = OutcomeStore(tmp_path / "o.sqlite")
    sent = datetime.now(UTC) - timedelta(hours=1)
    for i in (1, 2, 3):
        record = _record(i, arm="casual/bio/reply", segment="email:general")
        store.record_message(record.model_copy(update={"created_at": sent.isoformat()}))
    store.add_event("t1", "m1", event_id="s", kind="sent", at=sent.isoformat())
    store.add_event("t1", "m2", event_id="c", kind="clicked", at=sent.isoformat())  # implies sent
    early = compute_stats(store, "t1", now=sent + timedelta(days=2))
    assert early.sends == 0  # pending: a reply may still come
    report = compute_stats(store, "t1", now=sent + timedelta(days=30))
    assert report.sends == 2 and report.outcomes == {"no_reply": 1, "clicked": 1}
    assert report.lifecycle == {"blocked": 0, "drafted": 1, "edited": 0, "approved": 0, "sent": 2}
    assert store.outcome_of_message("t1", "m1") == "pending"  # nothing was written
    assert store.outcome_of_message("t1", "m2") == "pending"


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
    assert report.sends == 0 and report.positive_rate.value is None
    assert report.feedback_impact.learning_curve == []
    assert "tenant nobody" in render_table(report)
    plot_stats(report, tmp_path / "empty.png")
    assert (tmp_path / "empty.png").exists()
