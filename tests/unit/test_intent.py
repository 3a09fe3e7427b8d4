import pytest

from ipe.tools.learning.intent import normalise, score_folded
from ipe.tools.learning.replies import classify_reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Please remove me from your list.", "unsubscribe_request"),
        ("unsubscribe", "unsubscribe_request"),
        ("STOP", "unsubscribe_request"),
        ("Stop emailing me.", "unsubscribe_request"),
        ("I'm not interested, please remove me.", "unsubscribe_request"),
        ("Not interested.", "not_interested"),
        ("No thanks", "not_interested"),
        ("I'm not really interested in this.", "not_interested"),
        ("We aren't interested.", "not_interested"),
        ("nope", "not_interested"),
        ("Maybe later!", "not_now"),
        ("Can we talk next quarter?", "not_now"),
        ("Sounds great but maybe next quarter.", "not_now"),
        ("I'm interested but busy right now.", "not_now"),
        ("I'm out of office until Monday.", "out_of_office"),
        ("On vacation until June 3, back next week.", "out_of_office"),
        ("Auto-reply: I am away from my desk.", "out_of_office"),
        ("Tell me more", "interested"),
        ("I'm in!", "interested"),
        ("Send details please", "interested"),
        ("Send me the details.", "interested"),
        ("Yes", "interested"),
        ("Yes please, how do I join?", "interested"),
        ("I'm interested", "interested"),
        ("Sounds great, send me the details next week.", "interested"),
    ],
)
def test_classify_reply(text: str, intent: str) -> None:
    assert classify_reply(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "What is this?",
        "Thanks",
        "Sounds great!",
        "Who are you?",
        "I'm in London this week.",
        "Doesn't sound great.",
        "Not sure.",
        "",
    ],
)
def test_generic_or_negated_replies_are_unclassified(text: str) -> None:
    assert classify_reply(text) is None


def test_negation_removes_the_positive_cue() -> None:
    assert "asked_for_details" not in score_folded("not interested", "en")
    assert score_folded("not interested", "en")["declined"] > 0
    assert "asked_for_details" in score_folded("very interested", "en")


def test_quoted_earlier_messages_are_ignored() -> None:
    reply = "Thanks.\n\nOn Mon, Sam wrote:\n> Sounds great? Tell me more about it"
    assert normalise(reply) == "thanks."
    assert classify_reply(reply) is None
    assert classify_reply("> Sounds great!\nNo thanks.") == "not_interested"


def test_curly_apostrophes_are_normalised() -> None:
    assert classify_reply("I\u2019m in!") == "interested"
    assert classify_reply("Don\u2019t contact me again") == "unsubscribe_request"
