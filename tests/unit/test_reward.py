import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipe.tools.learning.reward import (
    counts_in_model,
    event_outcome,
    is_positive,
    outcome_names,
    outcome_of,
    reward_of,
)

EVENTS = [
    ("delivered", None),
    ("opened", None),
    ("clicked", None),
    ("converted", None),
    ("unsubscribed", None),
    ("bounced", None),
    ("complained", None),
    ("replied", None),
    ("replied", "interested"),
    ("replied", "not_now"),
    ("replied", "not_interested"),
    ("replied", "unsubscribe_request"),
    ("replied", "out_of_office"),
]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], "pending"),
        ([("delivered", None)], "no_reply"),
        ([("delivered", None), ("opened", None), ("clicked", None)], "clicked"),
        ([("delivered", None), ("replied", "interested")], "interested"),
        ([("replied", "interested"), ("converted", None)], "converted"),
        ([("replied", "not_interested"), ("converted", None)], "converted"),
        # a reply is more informative than a delivery or a click
        ([("delivered", None), ("clicked", None), ("replied", "not_interested")], "not_interested"),
        ([("replied", None), ("delivered", None)], "neutral"),
        ([("replied", "not_now")], "neutral"),
        ([("replied", "out_of_office"), ("delivered", None)], "no_reply"),
        ([("replied", "out_of_office"), ("clicked", None)], "clicked"),
        # an opt-out always stands; a bounce never replaces an unsubscribe
        ([("converted", None), ("unsubscribed", None)], "unsubscribed"),
        ([("replied", "interested"), ("replied", "unsubscribe_request")], "unsubscribed"),
        ([("unsubscribed", None), ("bounced", None)], "unsubscribed"),
        ([("replied", "unsubscribe_request"), ("bounced", None)], "unsubscribed"),
        ([("unsubscribed", None), ("complained", None)], "complained"),
        ([("complained", None), ("bounced", None), ("converted", None)], "complained"),
        ([("bounced", None), ("converted", None)], "bounced"),
    ],
)
def test_outcome_of_examples(events: list[tuple[str, str | None]], expected: str) -> None:
    assert outcome_of(events) == expected


@given(st.lists(st.sampled_from(EVENTS), max_size=8), st.randoms(use_true_random=False))
def test_outcome_depends_only_on_the_set_of_events(
    events: list[tuple[str, str | None]], rnd: random.Random
) -> None:
    replayed = events + [rnd.choice(events) for _ in range(3)] if events else []
    rnd.shuffle(replayed)
    assert outcome_of(replayed) == outcome_of(events)
    assert outcome_of(reversed(events)) == outcome_of(events)


def test_rewards_follow_the_documented_ranking() -> None:
    ranking = [
        "converted",
        "interested",
        "neutral",
        "clicked",
        "no_reply",
        "not_interested",
        "unsubscribed",
    ]
    rewards = [reward_of(name) for name in ranking]
    assert rewards == sorted(rewards, reverse=True)
    assert len(set(rewards)) == len(rewards)
    assert all(0.0 <= r <= 1.0 for r in rewards)
    assert reward_of("converted") == 1.0
    assert reward_of("unsubscribed") == 0.0
    assert outcome_names()[0] == "converted"
    assert outcome_names()[-1] == "bounced"


def test_positive_outcomes_and_bounce_exclusion() -> None:
    assert {name for name in outcome_names() if is_positive(name)} == {"converted", "interested"}
    assert not counts_in_model("bounced")
    assert not counts_in_model("pending")  # no event yet: not evidence
    assert all(counts_in_model(n) for n in outcome_names() if n not in ("bounced", "pending"))


def test_out_of_office_is_no_reply_and_unknown_inputs_raise() -> None:
    assert event_outcome("replied", "out_of_office") == "no_reply"
    assert event_outcome("replied", "unsubscribe_request") == "unsubscribed"
    with pytest.raises(ValueError, match="kind"):
        event_outcome("liked", None)
    with pytest.raises(ValueError, match="intent"):
        event_outcome("replied", "maybe")
    with pytest.raises(KeyError):
        reward_of("delighted")
