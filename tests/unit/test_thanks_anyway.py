"""A thank-you "anyway" concedes a no (issue 21): never an acknowledgement answered with the offer.

"merci quand même", "thanks anyway", "gracias igual", "danke trotzdem", "obrigado mesmo assim"
follow a refusal in words the rules may not know ("bof, pas trop mon délire", "no me copa"); the
reply reads as declined, so it is held with no pitch.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.learning.replies import read_reply

_REFUSALS = {
    "en": (
        ["meh, not really my vibe.", "hmm, my audience wouldn't go for it."],
        ["thanks anyway!", "cheers though", "thank you all the same"],
    ),
    "es": (
        ["nah, no me copa.", "uf, no va con mi contenido."],
        ["gracias igual!", "suerte igual", "gracias de todas formas"],
    ),
    "pt": (
        ["hmm, não curto muito.", "acho que não rola pra mim."],
        ["valeu mesmo assim!", "obrigada mesmo assim", "boa sorte na mesma"],
    ),
    "fr": (
        ["bof, pas trop mon délire.", "mouais, pas pour ma commu."],
        ["merci quand même", "merci tout de même !"],
    ),
    "de": (
        ["hmm, eher nicht meins.", "na, des passt ned zu meinem Kanal."],
        ["danke trotzdem", "trotzdem danke!"],
    ),
}


@st.composite
def _refusals(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(sorted(_REFUSALS)))
    refusals, thanks = _REFUSALS[code]
    return f"{draw(st.sampled_from(refusals))} {draw(st.sampled_from(thanks))}"


@settings(max_examples=80, deadline=None)
@given(_refusals())
def test_a_refusal_thanked_anyway_is_a_decline(reply: str) -> None:
    reading = read_reply(reply)
    assert reading.intent == "declined", (reply, reading.reasons)
