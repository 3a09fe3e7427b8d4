"""Classes a blind reviewer would not send as written (round 3, issue 22), each fixed as a rule.

1. A hook pasted a bio line in quotes, or lost a summary that opens on its verb ("Says she...")
   or holds two statements ("...; she writes that..."): the bio and the summary are said back
   to the person (``retell_bio``, ``retell``).
2. The brand was written as a short form the template does not declare ("Atelier" for
   "Atelier Nord"), and a product name opening the offer lower-cased ("light & Story").
3. A reply said "I'll get back to you" where the template answers: a cookie window asked as
   "how long does a sale count after a click", a topic word in a sentence that tells ("my
   audience signs up later") read as a question, an unreadable reply given a holding line.
4. A call request read as a request for details got a terms dump; call times ignored the part
   of the day they asked for ("mornings are best").
5. A cold DM or e-mail asked a stranger for a call.
6. A LinkedIn message inside a conversation was held to the 300-character connection note.
7. A thank-you that said the person's own word back ("exclusive is exclusive") was blocked as
   an unapproved claim; in a message that promotes nothing, their words are theirs.
All records and templates are invented for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Fact, Offer, Relationship, Sender, Template, VariationPlan
from ipe.tools.channel.policy import load_policy
from ipe.tools.policies.channels import registry
from ipe.tools.trust.compliance import check_message
from ipe.tools.trust.outbound import outbound_findings
from ipe.tools.writing.answers import asks_for_call, call_hour, topics_of
from ipe.tools.writing.brand import short_brand
from ipe.tools.writing.offline_drafter import Draft, compose, product_phrase, shape_for
from ipe.tools.writing.retell import retell, retell_bio
from ipe.tools.writing.strategy import channel_ctas

COURSE = Template(
    id="t-course",
    brand="Harbour Lens",
    sender=Sender(name="Ilse Varga", title="Partnerships"),
    offer=Offer(
        summary="Frame & Field, an eight-week online course in landscape photography",
        commission="28%",
        cookie_days=60,
        perks=["free access to the full Frame & Field course"],
    ),
    goal="invite photographers to refer students to the course",
    approved_claims=["28% commission on every enrolment you refer", "60-day cookie window"],
    links=["https://harbourlens.example/partners"],
)
PLAN = VariationPlan(id="v1", tone="casual", angle="bio", cta="reply")
GENERIC = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")


def _always(_: str) -> float:
    return 1.0


def _reply(
    said: str,
    intent: str,
    *,
    language: str = "en",
    channel: str = "instagram",
    read_in: str | None = "en",
) -> str:
    """The offline answer to ``said``, read as ``intent`` in ``read_in``, to a prospect Rhea."""
    rel = Relationship(
        stage="asked_for_details", intent=intent, asked_for=said, reply_language=read_in
    )
    return _draft(channel=channel, language=language, relationship=rel).body


def _draft(**given: object) -> Draft:
    """A composed message to Rhea from COURSE; ``given`` overrides compose's arguments."""
    kwargs: dict[str, Any] = {
        "facts": [],
        "template": COURSE,
        "first_name": "Rhea",
        "channel": "instagram",
        "links_allowed": True,
        "seed": "classes",
        **given,
    }
    plan = kwargs.pop("plan", PLAN)
    return compose(plan, **kwargs)


# --- 1. hooks say what the person said ----------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "told"),
    [
        (
            "Says she can see opens for each issue but has no idea which ones got people to pay.",
            "you say you can see opens for each issue but have no idea which ones got people "
            "to pay",
        ),
        (
            "A poll in her group; she writes that a good pot is the one upgrade she always "
            "recommends.",
            "you write that a good pot is the one upgrade you always recommend",
        ),
    ],
)
def test_retell_reads_verb_first_and_semicolon_summaries(summary: str, told: str) -> None:
    out = retell(summary, name="Mara Quint", language="en", relevance=_always, max_chars=200)
    assert out == told


@pytest.mark.parametrize(
    ("bio", "told"),
    [
        (
            "I run Kiln Club, a group of home potters. Mugs mostly.",
            "you run Kiln Club, a group of home potters",
        ),
        ("I'm a baker and my oven is tiny.", "you're a baker and your oven is tiny"),
        ("Batch cooking for a family of five.", None),  # not in the first person: not told
    ],
)
def test_a_first_person_bio_is_said_back(bio: str, told: str | None) -> None:
    assert retell_bio(bio, language="en", max_chars=120) == told


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)


@settings(max_examples=300, deadline=None)
@given(
    opener=st.sampled_from(["I", "We", "I'm", "We're"]),
    rest=st.lists(_WORDS, min_size=2, max_size=8),
    possessive=st.sampled_from(["my", "our", "the"]),
)
def test_a_bio_told_back_keeps_no_first_person_word(
    opener: str, rest: list[str], possessive: str
) -> None:
    bio = f"{opener} {rest[0]} {possessive} {' '.join(rest[1:])}. Second sentence here."
    told = retell_bio(bio, language="en", max_chars=200)
    assert told is not None
    words = set(told.lower().split())
    assert not words & {"i", "i'm", "my", "we", "we're", "our", "me", "us"}
    assert told != bio.split(".")[0]  # never their line as it stands


def test_a_bio_hook_is_said_not_quoted() -> None:
    bio = "I run Coastline Walks, a club of weekend photographers."
    fact = Fact(id="f1", kind="bio", text=bio, source_field="bio", weight=1.0)
    body = _draft(facts=[fact]).body
    assert "you run Coastline Walks" in body
    assert f'"{bio.rstrip(".")}"' not in body


# --- 2. the brand as the template gives it; a product name keeps its capital -------------------


_NAME = st.text(alphabet="BCDFGKLMNPRSTVZ", min_size=1, max_size=1).flatmap(
    lambda first: st.text(alphabet="aeiourlnt", min_size=3, max_size=7).map(lambda r: first + r)
)


@settings(max_examples=200, deadline=None)
@given(first=_NAME, second=_NAME, legal=st.sampled_from(["", " Ltd.", " Inc.", " AS"]))
def test_without_aliases_the_engine_writes_the_whole_brand(
    first: str, second: str, legal: str
) -> None:
    template = COURSE.model_copy(update={"brand": f"{first} {second}{legal}", "brand_aliases": []})
    assert short_brand(template) == f"{first} {second}"


@settings(max_examples=200, deadline=None)
@given(brand=_NAME, alias=_NAME)
def test_with_aliases_the_engine_writes_the_first_alias(brand: str, alias: str) -> None:
    template = COURSE.model_copy(update={"brand": f"{brand} Co.", "brand_aliases": [alias]})
    assert short_brand(template) == alias


@settings(max_examples=60, deadline=None)
@given(first=_NAME, second=_NAME, channel=st.sampled_from(["instagram", "x", "tiktok", "email"]))
def test_a_cold_message_names_the_brand_as_declared(first: str, second: str, channel: str) -> None:
    template = COURSE.model_copy(update={"brand": f"{first} {second}", "brand_aliases": []})
    body = _draft(plan=GENERIC, template=template, channel=channel, seed=first + second).body
    assert f"{first} {second}" in body
    assert first not in body.replace(f"{first} {second}", "#")  # never the first word alone


def test_a_product_name_opening_the_offer_keeps_its_capital() -> None:
    body = _draft(plan=GENERIC, channel="x").body
    assert "frame & Field" not in body
    assert product_phrase("Light work, a course", names=frozenset()) == "light work, a course"


# --- 3. a question the template answers is answered -------------------------------------------

COOKIE_ASKS = [
    ("how long does a referral count tho? my people buy a week later", "en"),
    ("If someone clicks and buys weeks later, does it still count?", "en"),
    ("¿cuánto tiempo cuenta una compra después de que alguien da clic en mi link?", "es"),
    ("si alguien compra unas semanas después, ¿cuenta igual?", "es"),
    ("Quanto tempo conta uma venda depois do clique?", "pt"),
]


@pytest.mark.parametrize(("question", "language"), COOKIE_ASKS)
def test_a_cookie_question_in_other_words_is_answered(question: str, language: str) -> None:
    assert topics_of(question) == ["cookie"]
    assert "60" in _reply(question, "question", language=language)


def test_a_topic_word_in_a_telling_sentence_is_no_question() -> None:
    asked = "Maybe. How long is the cookie? My audience signs up like a month later."
    assert topics_of(asked) == ["cookie"]


def test_an_unreadable_reply_gets_a_draft_with_the_terms_not_a_holding_line() -> None:
    body = _reply("Ha, half the lenses in that shot are yours already. Love them.", "unclear")
    assert "28%" in body
    assert "get back to you" not in body


@pytest.mark.parametrize(
    ("said", "read_in"),
    [
        ("Takk, men vi samarbeider allerede med Thule.", None),
        ("Спасибо, но мне это неинтересно.", "pt"),  # folded Cyrillic can look like a rule language
        ("ขอบคุณครับ แต่ไม่สนใจครับ", "th"),
        ("תודה, אבל לא מתאים לי.", "he"),
    ],
)
def test_a_reply_in_a_language_the_rules_do_not_read_gets_no_terms(
    said: str, read_in: str | None
) -> None:
    """It may be a decline: the draft held for a person is the holding line, no pitch."""
    body = _reply(said, "unclear", read_in=read_in)
    assert "28%" not in body


# --- 4. a call asked for is proposed, in the part of the day they asked for -------------------


@pytest.mark.parametrize(
    ("said", "hour"),
    [
        ("I'm in the studio most afternoons, so mornings UK time are best.", 10),
        ("Trabalho de manhã, por isso prefiro ao fim da tarde.", 17),
        ("Am besten nachmittags, vormittags unterrichte ich.", 15),
        ("Could we do a quick call next week?", None),
    ],
)
def test_the_part_of_the_day_they_ask_for(said: str, hour: int | None) -> None:
    assert call_hour(said) == hour


def test_a_call_asked_beside_more_details_is_proposed_with_terms_in_one_line() -> None:
    said = "Happy to hear more, could we do a quick call next week? Mornings are best."
    assert asks_for_call(said, "en")
    rel = Relationship(stage="asked_for_details", intent="asked_for_details", asked_for=said)
    slots = [datetime(2027, 1, 5, 15, tzinfo=UTC), datetime(2027, 1, 6, 15, tzinfo=UTC)]
    draft = _draft(channel="email", relationship=rel, slots=slots)
    assert "morning" in draft.body
    assert "call" in draft.body
    assert draft.body.count("28%") == 1


def test_a_question_asked_with_a_call_gets_the_call_too() -> None:
    said = "I'd like a quick call first to understand how the cookie works. Could we talk Thursday?"
    body = _reply(said, "question", channel="email")
    assert "60" in body
    assert "call" in body


# --- 5. a cold first touch asks one easy thing --------------------------------------------------


@pytest.mark.parametrize("channel", sorted(registry()))
def test_a_first_touch_never_plans_a_call(channel: str) -> None:
    ctas = channel_ctas(channel, first_touch=True)
    assert ctas
    assert "call" not in ctas
    assert set(ctas) <= set(channel_ctas(channel))


# --- 6. a LinkedIn message in a conversation is no connection note ------------------------------


def test_linkedin_in_a_conversation_has_the_message_limit() -> None:
    policy = load_policy("linkedin")
    assert policy.limit() == 300
    assert policy.limit(in_conversation=True) > 300
    assert shape_for("linkedin") == "note"
    assert shape_for("linkedin", in_conversation=True) == "dm"


@settings(max_examples=30, deadline=None)
@given(size=st.integers(min_value=320, max_value=1200))
def test_a_long_linkedin_reply_in_a_conversation_is_not_held_to_the_note(size: int) -> None:
    body = "Hi Rhea,\n" + ("Harbour Lens pays 28% on every enrolment you refer. " * 40)[:size]

    def length_findings(in_conversation: bool) -> list[str]:
        found = check_message(
            None,
            body,
            channel="linkedin",
            template=COURSE,
            facts=[],
            excluded=[],
            prospect_name="Rhea Moss",
            trusted_texts=[],
            in_conversation=in_conversation,
        )
        return [f.rule_id for f in found if "length" in f.rule_id]

    assert "linkedin.body_length" in length_findings(False)
    assert length_findings(True) == []


# --- 7. their own word said back is no claim of ours ------------------------------------------

_ECHOED = st.sampled_from(["exclusive", "exclusivity", "lifetime", "priority", "bonus"])


def _claims(body: str, said: tuple[str, ...]) -> list[str]:
    found = outbound_findings(None, body, template=COURSE, facts=[], trusted_texts=[], said=said)
    return [f.rule_id for f in found if f.rule_id == "outbound.claim"]


def test_a_thank_you_echoing_their_word_is_not_blocked() -> None:
    said = ("Thanks, but my contract with another school is exclusive.",)
    body = "Thanks for letting me know, Rhea. Completely understand, exclusive is exclusive.\nIlse"
    assert _claims(body, ()) == ["outbound.claim"]
    assert _claims(body, said) == []


@settings(max_examples=40, deadline=None)
@given(word=_ECHOED)
def test_their_word_passes_only_in_a_note_that_promotes_nothing(word: str) -> None:
    said = (f"Sorry, my deal elsewhere is {word}, so not for me.",)
    courtesy = f"Understood, Rhea: {word} is {word}. Good luck with the season.\nIlse"
    pitch = f"Harbour Lens is {word} and pays 28% commission on every enrolment you refer."
    assert _claims(courtesy, said) == []
    assert _claims(pitch, said) == ["outbound.claim"]


@pytest.mark.parametrize(
    "said",
    [
        "Hmm, we stopped doing this kind of thing, not sure.",
        "Ce n'est pas pour nous je pense... on verra.",
        "No sé, no nos interesa mucho ahora mismo la verdad, ya veremos",
        "Hm, das passt leider nicht, mal sehen.",
    ],
)
def test_an_unclear_reply_that_may_refuse_gets_no_terms(said: str) -> None:
    """A decline cue below the deciding score: the draft held for a person carries no offer."""
    assert "28%" not in _reply(said, "unclear")
