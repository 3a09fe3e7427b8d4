"""Content about the things a person uses is a strong hook for any affiliate offer.

A packing list, a setup, a test or a switch ranks above content that only shares the brand's
category word, in every language we write; a title about something else gets no bonus.
"""

from ipe.domain import Fact, Offer, Sender, Template
from ipe.tools.writing.facts import hook_score, product_talk, rank_by_relevance

TEMPLATE = Template(
    id="t",
    brand="TrailPeak",
    sender=Sender(name="Maya Lind", postal_address="1 Main St", unsubscribe_url="https://t.io/u"),
    offer=Offer(summary="lightweight trail gear designed for long days outside", commission="15%"),
)


def fact(fid: str, text: str, kind: str = "content_title", weight: float = 0.8) -> Fact:
    return Fact(id=fid, kind=kind, text=text, source_field="recent_content[0].title", weight=weight)  # type: ignore[arg-type]


def test_product_talk_is_read_in_the_languages_we_write() -> None:
    for text in (
        "Packing list for a 3-day desert trip",
        "Lo que llevo en la mochila para el Pirineo",
        "O que levo na mochila para um dia na serra",
        "Mon matériel pour la traversée",
        "Warum ich auf eine ergonomische Tastatur umgestiegen bin",
    ):
        assert product_talk(text), text
    assert not product_talk("Trail running my first 50K")
    assert not product_talk("Kitchen stories from my grandmother")


def test_a_packing_list_outranks_a_title_that_only_shares_the_category_word() -> None:
    packing = fact("f1", "Packing list for a 3-day desert trip", weight=0.9)
    race = fact("f2", "Trail running my first 50K", weight=0.8)
    assert hook_score(packing, TEMPLATE) >= hook_score(race, TEMPLATE)
    assert rank_by_relevance([race, packing], TEMPLATE)[0] is packing


def test_labels_get_no_product_talk_bonus() -> None:
    niche = fact("f3", "gear reviews", kind="niche")
    plain = fact("f4", "hiking", kind="niche")
    assert hook_score(niche, TEMPLATE) == hook_score(plain, TEMPLATE) + 0.2  # one shared word
