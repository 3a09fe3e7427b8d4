import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipe.memory.reward import (
    counts_in_model,
    event_outcome,
    is_positive,
    outcome_names,
    outcome_of,
    policy,
    reward_of,
)
from ipe.tools.policies import intents

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
    ("events", "open_window", "passed_window"),
    [
        ([], "pending", "no_reply"),
        # delivery, open and click move a message forward but never settle it
        ([("delivered", None)], "pending", "no_reply"),
        ([("delivered", None), ("opened", None), ("clicked", None)], "pending", "clicked"),
        ([("replied", "out_of_office"), ("delivered", None)], "pending", "no_reply"),
        ([("replied", "out_of_office"), ("clicked", None)], "pending", "clicked"),
        ([("sent", None), ("approved", None)], "pending", "no_reply"),  # lifecycle: no outcome
        ([("delivered", None), ("replied", "interested")], "interested", "interested"),
        ([("replied", "interested"), ("converted", None)], "converted", "converted"),
        ([("replied", "not_interested"), ("converted", None)], "converted", "converted"),
        # a reply is more informative than a delivery or a click
        (
            [("delivered", None), ("clicked", None), ("replied", "not_interested")],
            "not_interested",
            "not_interested",
        ),
        ([("replied", None), ("delivered", None)], "neutral", "neutral"),
        ([("replied", "not_now")], "neutral", "neutral"),
        # an opt-out always stands; a bounce never replaces an unsubscribe
        ([("converted", None), ("unsubscribed", None)], "unsubscribed", "unsubscribed"),
        (
            [("replied", "interested"), ("replied", "unsubscribe_request")],
            "unsubscribed",
            "unsubscribed",
        ),
        ([("unsubscribed", None), ("bounced", None)], "unsubscribed", "unsubscribed"),
        ([("replied", "unsubscribe_request"), ("bounced", None)], "unsubscribed", "unsubscribed"),
        ([("unsubscribed", None), ("complained", None)], "complained", "complained"),
        (
            [("complained", None), ("bounced", None), ("converted", None)],
            "complained",
            "complained",
        ),
        ([("bounced", None), ("converted", None)], "bounced", "bounced"),
        ([("bounced", None), ("delivered", None)], "bounced", "bounced"),
    ],
)
def test_outcome_of_examples(
    events: list[tuple[str, str | None]], open_window: str, passed_window: str
) -> None:
    assert outcome_of(events) == open_window
    assert outcome_of(events, settled=True) == passed_window


@given(st.lists(st.sampled_from(EVENTS), max_size=8), st.randoms(use_true_random=False))
def test_outcome_depends_only_on_the_set_of_events(
    events: list[tuple[str, str | None]], rnd: random.Random
) -> None:
    replayed = events + [rnd.choice(events) for _ in range(3)] if events else []
    rnd.shuffle(replayed)
    for settled in (False, True):
        assert outcome_of(replayed, settled=settled) == outcome_of(events, settled=settled)
        assert outcome_of(reversed(events), settled=settled) == outcome_of(events, settled=settled)


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


def test_the_reward_tables_reply_events_are_the_intent_registrys() -> None:
    """The store accepts ``reward.toml``'s reply events: exactly the registry's stored events."""
    assert set(policy().intents) == set(intents.events())
