import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ipe.domain import (
    EventConflictError,
    InvalidInputError,
    MessageIdConflictError,
    UnknownMessageError,
)
from ipe.memory.database import SqliteDatabase
from ipe.memory.outcomes import MessageRecord, NewEvent, OutcomeStore
from ipe.memory.reward import policy
from tests.conftest import StoreFactory


def _message(
    message_id: str,
    *,
    tenant: str = "t1",
    prospect: str = "p1",
    segment: str = "instagram:outdoor_travel",
    arm: tuple[str, str, str] = ("casual", "recent_content", "reply"),
    status: str = "ready",
    body: str = "Hi Ana. Loved your trail video. Want to join our program? Reply yes.",
    facts: list[str] | None = None,
    created_at: str = "2026-01-01T00:00:00+00:00",
) -> MessageRecord:
    return MessageRecord(
        message_id=message_id,
        tenant=tenant,
        prospect_id=prospect,
        channel=segment.split(":")[0],
        segment=segment,
        tone=arm[0],
        angle=arm[1],
        cta=arm[2],
        fact_ids=["f1"] if facts is None else facts,
        subject=None,
        body=body,
        status=status,
        created_at=created_at,
    )


@pytest.fixture
def store(open_store: StoreFactory) -> OutcomeStore:
    return open_store()


def test_record_and_get_are_tenant_scoped(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    got = store.get_message("t1", "m1")
    assert got is not None and got.arm == "casual/recent_content/reply"
    assert got.fact_ids == ["f1"]
    assert store.get_message("t2", "m1") is None
    assert store.outcome_of_message("t1", "m1") == "pending"
    assert store.messages_count("t1") == 1 and store.messages_count("t2") == 0


def test_a_delivered_message_is_pending_until_its_window_passes(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    store.record_message(_message("m2", status="blocked"))
    assert store.arm_stats("t1") == []  # drafts: not sent, not evidence
    store.add_event("t1", "m1", event_id="e1", kind="delivered")
    store.add_event("t1", "m2", event_id="e2", kind="delivered")
    assert store.get_message("t1", "m1").stage == "sent"  # type: ignore[union-attr]
    assert store.get_message("t1", "m2").stage == "drafted"  # type: ignore[union-attr]
    assert store.outcome_of_message("t1", "m1") == "pending"  # a reply may still come
    assert store.arm_stats("t1") == []
    later = datetime.now(UTC) + timedelta(days=policy().settle_days + 1)
    assert store.settle_pending(later) == 1
    [stat] = store.arm_stats("t1")  # the blocked one never counts
    assert (stat.sends, stat.positives) == (1, 0)
    assert stat.reward_sum == pytest.approx(0.05)
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")
    with pytest.raises(InvalidInputError, match="blocked"):
        store.add_event("t1", "m2", event_id="e3", kind="sent")


def test_silence_settles_to_no_reply_after_the_configured_days(store: OutcomeStore) -> None:
    now = datetime.now(UTC)
    old = now - timedelta(days=policy().settle_days + 1)
    store.record_message(_message("old", created_at=old.isoformat(timespec="seconds")))
    store.record_message(_message("new", created_at=now.isoformat(timespec="seconds")))
    store.record_message(_message("answered", created_at=old.isoformat(timespec="seconds")))
    store.record_message(_message("unsent", created_at=old.isoformat(timespec="seconds")))
    store.add_events(
        "t1",
        [
            NewEvent("old", "s1", "sent", at=old.isoformat()),
            NewEvent("new", "s2", "sent", at=now.isoformat()),
            NewEvent("answered", "s3", "sent", at=old.isoformat()),
        ],
    )
    store.add_event("t1", "answered", event_id="e1", kind="replied", intent="interested")
    assert store.settle_pending(now) == 0  # the window of "old" had passed when it was sent
    assert store.settle_pending(now + timedelta(days=1)) == 0
    assert store.outcome_of_message("t1", "unsent") == "pending"  # a draft never settles
    assert store.outcome_of_message("t1", "old") == "no_reply"
    assert store.outcome_of_message("t1", "new") == "pending"
    assert store.outcome_of_message("t1", "answered") == "interested"
    [stat] = store.arm_stats("t1")
    assert (stat.sends, stat.positives) == (2, 1)
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")
    assert store.settle_pending(now) == 0  # idempotent
    assert store.settle_pending(now + timedelta(days=policy().settle_days + 1)) == 1  # "new"
    [stat] = store.arm_stats("t1")
    assert (stat.sends, stat.positives) == (3, 1)
    store.add_event("t1", "old", event_id="e2", kind="replied", intent="interested")  # late reply
    [stat] = store.arm_stats("t1")
    assert (stat.sends, stat.positives) == (3, 2)
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")


def test_unknown_message_and_bad_events_raise(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    with pytest.raises(UnknownMessageError, match="unknown message id"):
        store.add_event("t1", "nope", event_id="e1", kind="delivered")
    with pytest.raises(UnknownMessageError):
        store.add_event("t2", "m1", event_id="e1", kind="delivered")  # another tenant's id
    with pytest.raises(InvalidInputError):
        store.add_event("t1", "m1", event_id="e2", kind="liked")
    with pytest.raises(InvalidInputError):
        store.add_event("t1", "m1", event_id="e3", kind="replied", intent="thrilled")
    assert store.events_count("t1") == 0


def test_replayed_event_changes_nothing(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    first = store.add_event("t1", "m1", event_id="e1", kind="replied", intent="interested")
    assert first.new and first.changed and first.new_outcome == "interested"
    before = store.arm_stats("t1")
    again = store.add_event("t1", "m1", event_id="e1", kind="replied", intent="interested")
    assert not again.new and not again.changed and again.new_outcome == "interested"
    assert store.arm_stats("t1") == before
    assert store.events_count("t1") == 1
    with pytest.raises(EventConflictError, match="e1"):  # same id, another event: a conflict
        store.add_event("t1", "m1", event_id="e1", kind="converted")
    assert store.outcome_of_message("t1", "m1") == "interested" and store.arm_stats("t1") == before


def test_events_in_any_order_give_the_same_outcome(open_store: StoreFactory) -> None:
    events = [
        ("e1", "delivered", None),
        ("e2", "opened", None),
        ("e3", "replied", "interested"),
        ("e4", "converted", None),
    ]
    results = set()
    for i in range(6):
        order = events[:]
        random.Random(i).shuffle(order)
        store = open_store(f"o{i}")
        store.record_message(_message("m1"))
        for event_id, kind, intent in order:
            store.add_event("t1", "m1", event_id=event_id, kind=kind, intent=intent)
        results.add((store.outcome_of_message("t1", "m1"), tuple(store.arm_stats("t1"))))
        store.close()
    assert len(results) == 1
    [(outcome, stats)] = results
    assert outcome == "converted" and stats[0].positives == 1


def test_reply_text_without_intent_is_classified(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    store.record_message(_message("m2"))
    result = store.add_event("t1", "m1", event_id="e1", kind="replied", reply_text="Tell me more!")
    assert result.new_outcome == "interested"
    vague = store.add_event("t1", "m2", event_id="e2", kind="replied", reply_text="Who is this?")
    assert vague.new_outcome == "neutral"


def test_a_store_without_a_reply_classifier_stores_a_reply_text_unclassified(
    tmp_path: Path,
) -> None:
    """Memory does not read replies: the caller classifies (the engine does, before storing)."""
    store = OutcomeStore(tmp_path / "plain.sqlite")
    store.record_message(_message("m1"))
    result = store.add_event("t1", "m1", event_id="e1", kind="replied", reply_text="Tell me more!")
    assert result.new_outcome == "neutral"
    store.close()


def test_bounced_messages_leave_the_strategy_model(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    store.add_event("t1", "m1", event_id="e1", kind="bounced")
    assert store.arm_stats("t1") == []
    assert store.outcome_of_message("t1", "m1") == "bounced"


def test_incremental_aggregates_equal_a_recomputation(store: OutcomeStore) -> None:
    rng = random.Random(7)
    arms = [("casual", "bio", "reply"), ("professional", "audience", "call")]
    segments = ["instagram:outdoor_travel", "email:tech_gaming"]
    kinds = ["delivered", "opened", "clicked", "replied", "converted", "unsubscribed", "bounced"]
    intents = [None, "interested", "not_now", "not_interested", "unsubscribe_request"]
    for i in range(60):
        store.record_message(
            _message(
                f"m{i}",
                arm=rng.choice(arms),
                segment=rng.choice(segments),
                status=rng.choice(["ready", "ready", "needs_review"]),
            )
        )
    for j in range(400):
        key = rng.randrange(300)  # many replays: an event id always carries the same event
        payload = random.Random(key)
        kind = payload.choice(kinds)
        store.add_event(
            "t1",
            f"m{rng.randrange(60)}",
            event_id=f"e{key}",
            kind=kind,
            intent=payload.choice(intents) if kind == "replied" else None,
        )
        if j % 100 == 0:  # re-recording a draft may change the status or the arm
            redraft = f"m{rng.randrange(60)}"
            stored = store.get_message("t1", redraft)
            assert stored is not None
            if stored.stage == "sent":  # a sent message is never redrafted
                with pytest.raises(MessageIdConflictError, match="already sent"):
                    store.record_message(_message(redraft, arm=rng.choice(arms)))
            else:
                store.record_message(_message(redraft, arm=rng.choice(arms)))
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")
    assert sum(s.sends for s in store.arm_stats("t1")) > 0


def test_messages_for_prospect_newest_first_with_outcome(store: OutcomeStore) -> None:
    for i in range(4):
        store.record_message(_message(f"m{i}", prospect="p1"))
    store.record_message(_message("other", prospect="p2"))
    store.add_event("t1", "m3", event_id="e1", kind="replied", intent="not_interested")
    history = store.messages_for_prospect("t1", "p1", limit=3)
    assert [(r.message_id, o) for r, o in history] == [
        ("m3", "not_interested"),
        ("m2", "pending"),
        ("m1", "pending"),
    ]
    assert store.messages_for_prospect("t2", "p1") == []


def test_population_stats_sum_every_tenant(store: OutcomeStore) -> None:
    store.record_message(_message("m1", tenant="t1"))
    store.record_message(_message("m1", tenant="t2"))
    store.add_event("t1", "m1", event_id="e0", kind="replied", intent="not_interested")
    store.add_event("t2", "m1", event_id="e1", kind="converted")
    [pop] = store.population_arm_stats()
    assert (pop.sends, pop.positives) == (2, 1)
    assert pop.reward_sum == pytest.approx(1.02)
    assert [s.positives for s in store.arm_stats("t1")] == [0]


def test_record_edit_and_repeatedly_removed_sentences(store: OutcomeStore) -> None:
    body = "Hi Ana. Loved your trail video. I hope this email finds you well. Reply yes."
    for i in range(3):
        store.record_message(_message(f"m{i}", body=body.replace("Ana", f"P{i}")))
    edit = store.record_edit("t1", "m0", "Hi P0. Loved your trail video! Reply yes. Cheers.")
    assert "-Hi P0. Loved your trail video. I hope" in edit.diff
    assert "+Hi P0. Loved your trail video! Reply yes. Cheers." in edit.diff
    assert edit.removed_sentences == ["I hope this email finds you well."]
    assert edit.added_sentences == ["Cheers."]
    assert store.removed_sentences("t1") == []  # once is not a pattern
    store.record_edit("t1", "m0", "Hi P0. Reply yes.")  # re-editing the same message
    assert store.removed_sentences("t1") == []
    store.record_edit("t1", "m1", "Hi P1. Loved your trail video. Reply yes.")
    assert store.removed_sentences("t1") == ["I hope this email finds you well."]
    assert store.removed_sentences("t2") == []
    with pytest.raises(UnknownMessageError):
        store.record_edit("t2", "m1", "x")


def test_two_handles_on_one_file_see_each_other(open_store: StoreFactory) -> None:
    writer, reader = open_store("shared"), open_store("shared")
    writer.record_message(_message("m1"))
    writer.add_event("t1", "m1", event_id="e1", kind="converted")
    assert reader.outcome_of_message("t1", "m1") == "converted"
    again = reader.add_event("t1", "m1", event_id="e1", kind="converted")  # replay, other handle
    assert not again.new and writer.outcome_of_message("t1", "m1") == "converted"
    with pytest.raises(EventConflictError):
        reader.add_event("t1", "m1", event_id="e1", kind="opened")
    assert writer.events_count("t1") == 1


def test_cached_aggregates_follow_writes_of_either_handle(open_store: StoreFactory) -> None:
    writer, reader = open_store("shared"), open_store("shared")
    writer.record_message(_message("m1"))
    writer.record_message(_message("m2"))
    assert reader.arm_stats("t1") == [] and reader.population_arm_stats() == []
    writer.add_event("t1", "m1", event_id="e1", kind="converted")  # another connection commits
    assert [s.positives for s in reader.arm_stats("t1")] == [1]
    assert [s.sends for s in reader.population_arm_stats()] == [1]
    reader.add_event("t1", "m2", event_id="e2", kind="replied", intent="not_now")  # its own
    assert [s.sends for s in reader.arm_stats("t1")] == [2]
    assert [s.sends for s in writer.arm_stats("t1")] == [2]
    assert reader.arm_stats("t1") == reader.recompute_arm_stats("t1")


def test_ten_thousand_events_with_duplicates_are_fast(store: OutcomeStore) -> None:
    rng = random.Random(3)
    for i in range(2000):
        store.record_message(
            _message(f"m{i}", arm=("casual", "bio", rng.choice(["reply", "call"])))
        )
    unique = [
        NewEvent(
            message_id=f"m{rng.randrange(2000)}",
            event_id=f"e{i}",
            kind=(kind := rng.choice(["delivered", "opened", "replied", "converted"])),
            intent=rng.choice(["interested", "not_interested"]) if kind == "replied" else None,
        )
        for i in range(9000)
    ]
    events = unique + [rng.choice(unique) for _ in range(1000)]
    rng.shuffle(events)
    start = time.perf_counter()
    results = store.add_events("t1", events)
    elapsed = time.perf_counter() - start
    # one transaction; over a socket each statement is a round trip (make bench measures both)
    assert elapsed < (5.0 if isinstance(store.db, SqliteDatabase) else 60.0)
    assert sum(r.new for r in results) == 9000
    assert store.events_count("t1") == 9000
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")


def test_a_failing_batch_is_rolled_back(store: OutcomeStore) -> None:
    store.record_message(_message("m1"))
    with pytest.raises(UnknownMessageError):
        store.add_events(
            "t1",
            [
                {"message_id": "m1", "event_id": "e1", "kind": "converted"},
                {"message_id": "ghost", "event_id": "e2", "kind": "delivered"},
            ],
        )
    assert store.events_count("t1") == 0
    assert store.outcome_of_message("t1", "m1") == "pending"
