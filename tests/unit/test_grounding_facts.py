"""The critic's false positives, fixed in the mechanism: cited figures, history, ordinary words."""

import pytest

from ipe.domain import Fact, Offer, Sender, Template
from ipe.tools.trust.grounding import check_grounding, ordinary_word, worded_terms

TEMPLATE = Template(
    id="t",
    brand="Forja",
    sender=Sender(name="Lena Ortiz", postal_address="1 Main St", unsubscribe_url="https://f.io/u"),
    offer=Offer(summary="Earn 15% on every sale", commission="15%", cookie_days=30),
    links=["https://forja.example/p"],
)
FACTS = [
    Fact(id="f1", kind="content_title", text="I tried a $30 pan for 60 days", source_field="t"),
    Fact(id="f2", kind="history", text="We launch in Q3 after my trip to Lisbon", source_field="h"),
    Fact(
        id="f3", kind="content_summary", text="Carbon steel at 20% of the price", source_field="s"
    ),
]


def rules(body: str, language: str = "en") -> list[tuple[str, str]]:
    found = check_grounding(
        None,
        body,
        facts=FACTS,
        template=TEMPLATE,
        prospect_name="Marco Rossi",
        excluded=[],
        trusted_texts=["Hi {name}"],
        language=language,
    )
    return [(f.rule_id, f.span) for f in found]


@pytest.mark.parametrize(
    "body",
    [
        'Hi Marco, your video "I tried a $30 pan for 60 days" was great.',
        "Hi Marco, loved the $30 pan test over 60 days.",
        "Hi Marco, 20% of the price is a strong point.",
        "Hi Marco, hope the trip to Lisbon went well, and good luck with the Q3 launch.",
        "Noticed your pan video. Seems great. Curious what you think.",
        "Hi Marco, we pay fifteen percent on every sale, with a thirty day cookie.",
    ],
)
def test_manager_style_drafts_are_grounded(body: str) -> None:
    assert rules(body) == []


@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("Hi Marco, you would earn $30 per sale.", "$30"),
        ("Hi Marco, we pay forty percent commission.", "forty percent"),
        ("Hi Marco, we offer 20% commission.", "20%"),
        ("Hi Marco, the cookie lasts ninety days.", "ninety days"),
    ],
)
def test_offer_terms_aimed_at_the_reader_stay_template_only(body: str, span: str) -> None:
    assert ("grounding.offer_term", span) in rules(body)


def test_an_unknown_name_still_needs_a_source() -> None:
    assert ("grounding.proper_noun", "Evilcorp") in rules("Hi Marco, Evilcorp loves you.")
    assert ("grounding.proper_noun", "Madrid") in rules("Hi Marco, your trip to Madrid was fun.")


def test_german_nouns_and_spanish_sentence_starts_are_ordinary() -> None:
    german = "Hallo Marco, dein Video über die Pfanne hat mir gefallen. Unsere Provision ist fair."
    assert rules(german, "de") == []
    assert rules("¿Hola Marco! Vi tu video sobre la sartén. Tu canal es genial.", "es") == []
    assert ("grounding.proper_noun", "Pfanne") in rules("Hi Marco, the Pfanne is nice.")


def test_the_word_list_is_a_dictionary_not_a_hand_picked_list() -> None:
    assert ordinary_word("noticed") and ordinary_word("reise", "de")
    assert not ordinary_word("trailpeak") and not ordinary_word("kochvideo", "de")


def test_numbers_in_words_are_read() -> None:
    assert [(u, v) for *_, u, v in worded_terms("forty-five percent, a hundred dollars")] == [
        ("%", 45.0),
        ("money", 100.0),
    ]
    assert worded_terms("a day at the lake") == []
