"""Every order of events gives the outcome the table in ``tools/policies/reward.toml`` states.

``expected`` below restates that table independently of ``ipe.memory.reward``; every
permutation of small event sets (with and without delivery webhooks, with the send implied by the
engagement or stated by a ``sent`` event dated before the window) goes through the real store.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ipe.memory.outcomes import MessageRecord, NewEvent, OutcomeStore
from ipe.memory.reward import policy

EVENTS: dict[str, tuple[str, str | None]] = {
    "clicked": ("clicked", None),
    "out_of_office": ("replied", "out_of_office"),
    "interested": ("replied", "interested"),
    "not_now": ("replied", "not_now"),
    "not_interested": ("replied", "not_interested"),
    "unclassified": ("replied", None),
    "converted": ("converted", None),
    "unsubscribed": ("unsubscribed", None),
    "unsubscribe_request": ("replied", "unsubscribe_request"),
    "complained": ("complained", None),
    "bounced": ("bounced", None),
}
DELIVERY = ("delivered", "opened")


def expected(names: set[str], window_passed: bool) -> str:
    """The table of reward.toml, restated."""
    for strongest, outcome in (
        ("complained", "complained"),
        ("unsubscribed", "unsubscribed"),
        ("unsubscribe_request", "unsubscribed"),
        ("bounced", "bounced"),
        ("converted", "converted"),
        ("interested", "interested"),
    ):
        if strongest in names:
            return outcome
    if names & {"not_now", "unclassified"}:
        return "neutral"
    if "not_interested" in names:
        return "not_interested"
    if not window_passed:
        return "pending"  # delivered / opened / clicked / out-of-office never settle a message
    return "clicked" if "clicked" in names else "no_reply"


def _sets() -> list[tuple[str, ...]]:
    pool = sorted(EVENTS)
    plain = [c for n in range(4) for c in itertools.combinations(pool, n)]
    with_delivery = [(*c, *DELIVERY) for n in range(3) for c in itertools.combinations(pool, n)]
    return plain + with_delivery


def _event(message_id: str, name: str) -> NewEvent:
    kind, intent = EVENTS.get(name, (name, None))
    text = "Who is this?" if name == "unclassified" else None
    return NewEvent(message_id, f"e-{name}", kind, intent=intent, reply_text=text)


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> tuple[OutcomeStore, list[tuple[str, str]]]:
    """Every order of every set through one store: ``(message id, expected after the window)``."""
    store = OutcomeStore(Path(tmp_path_factory.mktemp("table")) / "o.sqlite")
    now = datetime.now(UTC)
    long_ago = (now - timedelta(days=policy().settle_days + 2)).isoformat(timespec="seconds")
    later: list[tuple[str, str]] = []
    count = itertools.count()
    for names in _sets():
        for order in itertools.permutations(names):
            for stated_send in (False, True):
                index = next(count)
                message_id = f"m{index}"
                store.record_message(
                    MessageRecord(
                        message_id=message_id,
                        tenant="t",
                        prospect_id=message_id,
                        channel="email",
                        segment="email:general",
                        tone="casual",
                        angle="bio",
                        cta="reply",
                        body="Hi.",
                        status="ready",
                        created_at=now.isoformat(timespec="seconds"),
                    )
                )
                events = [_event(message_id, name) for name in order]
                if stated_send:  # a `sent` event dated before the window, at every position
                    position = index % (len(events) + 1)
                    events.insert(position, NewEvent(message_id, "s", "sent", at=long_ago))
                if events:
                    events.append(events[0])  # a replay changes nothing
                    store.add_events("t", events)
                else:
                    store.add_event("t", message_id, event_id="s", kind="sent")
                core = set(order) - set(DELIVERY)
                now_expected = expected(core, window_passed=stated_send)
                got = store.outcome_of_message("t", message_id)
                assert got == now_expected, (order, stated_send, got)
                later.append((message_id, expected(core, window_passed=True)))
    return store, later


def test_every_order_gives_the_tables_outcome_while_the_window_is_open(
    table: tuple[OutcomeStore, list[tuple[str, str]]],
) -> None:
    store, later = table
    assert len(later) > 2000  # the fixture checked each one as it went
    assert store.arm_stats("t") == store.recompute_arm_stats("t")


def test_only_delivery_events_stay_pending_until_the_window_passed(tmp_path: Path) -> None:
    store = OutcomeStore(tmp_path / "o.sqlite")
    store.record_message(
        MessageRecord(
            message_id="m",
            tenant="t",
            prospect_id="p",
            channel="email",
            segment="email:general",
            tone="casual",
            angle="bio",
            cta="reply",
            body="Hi.",
            status="needs_review",
            created_at="2026-01-01T00:00:00+00:00",
        )
    )
    sent = datetime.now(UTC)
    store.add_events(
        "t",
        [
            NewEvent("m", "s", "sent", at=sent.isoformat()),
            NewEvent("m", "d", "delivered"),
            NewEvent("m", "o", "opened"),
            NewEvent("m", "c", "clicked"),
        ],
    )
    days = policy().settle_days
    assert store.settle_pending(sent + timedelta(days=days - 1)) == 0
    assert store.outcome_of_message("t", "m") == "pending" and store.arm_stats("t") == []
    assert store.settle_pending(sent + timedelta(days=days + 1)) == 1
    assert store.outcome_of_message("t", "m") == "clicked"
    [stat] = store.arm_stats("t")
    assert stat.sends == 1  # a message sent after review counts like any other
    store.add_event("t", "m", event_id="late", kind="opened")  # settled stays settled
    assert store.outcome_of_message("t", "m") == "clicked"
    store.add_event("t", "m", event_id="r", kind="replied", intent="interested")  # a late reply
    assert store.outcome_of_message("t", "m") == "interested"
    assert store.arm_stats("t") == store.recompute_arm_stats("t")


def test_after_the_window_every_order_settles_as_the_table_says(
    table: tuple[OutcomeStore, list[tuple[str, str]]],
) -> None:
    store, later = table
    store.settle_pending(datetime.now(UTC) + timedelta(days=policy().settle_days + 1))
    wrong = [
        (m, want, got) for m, want in later if (got := store.outcome_of_message("t", m)) != want
    ]
    assert wrong == []
    assert store.arm_stats("t") == store.recompute_arm_stats("t")
