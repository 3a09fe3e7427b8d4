"""A hook says what their content says, told to them, from the item most about the offer.

Class: the drafter found the right post and pasted its title ("Your video "Vlog 12" stuck with
me"), never what the post said; and it chose the item by its title's words, so a relevant summary
under a plain title lost to a gear list. ``tools/writing/retell.py`` turns a summary's relevant
sentences into the second person; the content hooks rank each item by its title or summary,
whichever is more about the offer. All examples are invented for this test.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Fact, Offer, Prospect, RecentContent, Sender, Template, VariationPlan
from ipe.tools.writing.facts import offer_relevance
from ipe.tools.writing.offline_drafter import compose
from ipe.tools.writing.retell import retell

TEMPLATE = Template(
    id="t-kiln",
    brand="Emberline",
    sender=Sender(name="Priya Castell", title="Partner Lead"),
    offer=Offer(
        summary="electric kilns and glaze kits for home potters",
        commission="14%",
        cookie_days=30,
    ),
    goal="invite pottery creators into the affiliate program",
    approved_claims=["14% commission on every kiln sale you refer"],
    links=["https://emberline.example/partners"],
)


def _always(_: str) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("summary", "told"),
    [
        (
            "Tomasz fires his first glaze batch at home and loses half of it to cracks.",
            "you fire your first glaze batch at home and lose half of it to cracks",
        ),
        (
            "She tries three kilns in a shared studio. She says none of them holds heat.",
            "you try three kilns in a shared studio. You say none of them holds heat",
        ),
        (
            "Reviews of the glazes her students ask about most.",
            None,  # "Reviews of": no determiner after it, so not read as a verb
        ),
        (
            "Compares the glaze kits her students ask about most.",
            "you compare the glaze kits your students ask about most",
        ),
        (
            "A lovely walk through the old town market.",  # no subject to turn: not used
            None,
        ),
        (
            "Tomasz Wrona finally admits he has outgrown his tiny test kiln.",
            "you finally admit you have outgrown your tiny test kiln",
        ),
    ],
)
def test_retell_examples(summary: str, told: str | None) -> None:
    assert (
        retell(summary, name="Tomasz Wrona", language="en", relevance=_always, max_chars=200)
        == told
    )


def test_a_sentence_about_nothing_in_the_offer_is_left_out() -> None:
    summary = "Tomasz walks his dog by the river. He glazes twelve mugs in one kiln load."
    told = retell(
        summary,
        name="Tomasz Wrona",
        language="en",
        relevance=lambda s: offer_relevance(s, TEMPLATE),
        max_chars=200,
    )
    assert told == "you glaze twelve mugs in one kiln load"


def test_a_language_without_rules_is_not_retold() -> None:
    assert (
        retell(
            "Ana prueba tres hornos.", name="Ana", language="es", relevance=_always, max_chars=200
        )
        is None
    )


VERBS = ["test", "build", "compare", "fix", "glaze", "plan", "sketch", "price", "watch", "carry"]
THIRD = {"fix": "fixes", "watch": "watches", "carry": "carries"}
OBJECTS = ["the new kiln", "her glaze kit", "his studio shelves", "three test tiles", "the shop"]


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["Ilse Marwood", "Kofi Adebayo", "Ruth", "Jun-seo Park"]),
    first=st.sampled_from(VERBS),
    second=st.sampled_from(VERBS),
    obj1=st.sampled_from(OBJECTS),
    obj2=st.sampled_from(OBJECTS),
    pronoun=st.sampled_from(["She", "He"]),
)
def test_retold_text_addresses_them_and_keeps_what_was_said(
    name: str, first: str, second: str, obj1: str, obj2: str, pronoun: str
) -> None:
    """Every retold sentence says "you" for them, with the verb's base form and every object."""
    given_name = name.split()[0]
    summary = (
        f"{given_name} {THIRD.get(first, first + 's')} {obj1}. "
        f"{pronoun} {THIRD.get(second, second + 's')} {obj2}."
    )
    told = retell(summary, name=name, language="en", relevance=_always, max_chars=300)
    assert told is not None
    assert told.startswith(f"you {first} ")
    assert f". You {second} " in told
    assert given_name not in told
    assert not re.search(r"\b(she|he|her|his)\b", told, re.IGNORECASE), told
    for obj in (obj1, obj2):
        tail = obj.split(" ", 1)[1]
        assert tail in told


def _prospect(summary: str) -> tuple[Prospect, list[Fact]]:
    prospect = Prospect(
        id="p-kiln",
        name="Tomasz Wrona",
        platform="youtube",
        recent_content=[
            RecentContent(title="Workshop diary 7", summary=summary, platform="youtube"),
            RecentContent(
                title="My favourite mug shapes", summary="Mugs I like.", platform="youtube"
            ),
        ],
    )
    facts = [
        Fact(
            id="f1",
            kind="content_title",
            text="Workshop diary 7",
            source_field="recent_content[0].title",
            weight=0.9,
        ),
        Fact(
            id="f2",
            kind="content_summary",
            text=summary,
            source_field="recent_content[0].summary",
            weight=0.5,
        ),
        Fact(
            id="f3",
            kind="content_title",
            text="My favourite mug shapes",
            source_field="recent_content[1].title",
            weight=0.9,
        ),
    ]
    return prospect, facts


@pytest.mark.parametrize("channel", ["email", "instagram", "x"])
@pytest.mark.parametrize("tone", ["professional", "casual", "enthusiastic"])
def test_the_hook_says_what_the_relevant_item_says(channel: str, tone: str) -> None:
    summary = "Tomasz loses a whole glaze batch to his old kiln and asks viewers which kiln to buy."
    prospect, facts = _prospect(summary)
    plan = VariationPlan(id="v1", tone=tone, angle="recent_content", cta="reply")
    draft = compose(
        plan,
        facts=facts,
        template=TEMPLATE,
        first_name="Tomasz",
        channel=channel,
        links_allowed=True,
        seed="kiln",
        prospect=prospect,
    )
    assert "you lose a whole glaze batch to your old kiln" in draft.body, draft.body
    assert "f2" in draft.fact_ids
    assert "My favourite mug shapes" not in draft.body
