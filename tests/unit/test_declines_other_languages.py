"""Plain declines in languages the intent rules do not read are declines, never pitches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.learning.declines import find_decline
from ipe.tools.learning.replies import read_reply
from ipe.tools.policies import load_pack

DECLINES = [
    ("it", "Grazie mille, ma non ci interessa al momento."),
    ("nl", "Bedankt voor je bericht, maar we hebben geen interesse."),
    ("pl", "Dziękuję za wiadomość, ale nie jestem zainteresowana."),
    ("ru", "Спасибо, но нам не интересно."),
    ("sv", "Tack, men vi är inte intresserade just nu."),
    ("tr", "Teşekkürler ama ilgilenmiyoruz."),
    ("el", "Ευχαριστώ, αλλά δεν ενδιαφέρομαι."),
    ("ja", "ご連絡ありがとうございます。今回は見送らせていただきます。"),
]


@pytest.mark.parametrize(("language", "reply"), DECLINES)
def test_a_plain_decline_in_another_language_reads_as_declined(language: str, reply: str) -> None:
    reading = read_reply(reply)
    assert reading.intent == "declined", (reply, reading.reasons)
    assert reading.language == language


def test_an_opt_out_in_another_language_stays_an_opt_out_beside_a_decline() -> None:
    reading = read_reply("Non mi interessa. Cancellatemi dalla vostra lista.")
    assert reading.intent == "opted_out", reading.reasons


def test_a_reply_in_another_language_with_no_decline_goes_to_a_person() -> None:
    reading = read_reply("Ciao! Mi piacerebbe saperne di più, che commissione offrite?")
    assert reading.intent == "unclear" and reading.needs_review


_PHRASES = [
    (code, phrase.rstrip("*"))
    for code, spec in load_pack("declines")["languages"].items()
    for phrase in spec["phrases"]
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_PHRASES), st.sampled_from(["", "Hi, ", "Ciao! ", "Hej. "]), st.booleans())
def test_every_decline_phrase_is_found_whatever_its_case(
    entry: tuple[str, str], before: str, upper: bool
) -> None:
    _, phrase = entry
    text = f"{before}{phrase.upper() if upper else phrase}."
    assert find_decline(text) is not None, text
