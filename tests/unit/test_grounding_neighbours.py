"""A figure from a cited fact, said with the words the fact writes next to it, is the fact's.

"Your 3-day desert trip" in a sentence that also says "made every item earn its place" cites the
prospect's own title ("Packing list for a 3-day desert trip"); "a 3-day cookie" or "earn 3-day
payouts" aims the figure at the reader and stays template-only.
"""

import pytest

from ipe.domain import Fact, Offer, Sender, Template
from ipe.tools.trust.grounding import check_grounding

TEMPLATE = Template(
    id="t",
    brand="TrailPeak",
    sender=Sender(name="Maya Lind", postal_address="1 Main St", unsubscribe_url="https://t.io/u"),
    offer=Offer(summary="lightweight trail gear", commission="15%", cookie_days=30),
    approved_claims=["15% commission on every sale you refer"],
)
FACTS = [
    Fact(
        id="f1",
        kind="content_title",
        text="Packing list for a 3-day desert trip",
        source_field="recent_content[0].title",
    ),
    Fact(
        id="f2",
        kind="content_summary",
        text="Why a $40 stove beat my $120 one on a 10 day traverse",
        source_field="recent_content[1].summary",
    ),
    Fact(id="f3", kind="bio", text="I earn 40% on my own 3-day courses", source_field="bio"),
]


def offer_terms(body: str) -> list[str]:
    found = check_grounding(
        None,
        body,
        facts=FACTS,
        template=TEMPLATE,
        prospect_name="Zoe Park",
        excluded=[],
        trusted_texts=[],
    )
    return [f.span for f in found if f.rule_id == "grounding.offer_term"]


@pytest.mark.parametrize(
    "body",
    [
        "Hi Zoe! Yours for the 3-day desert trip made every item earn its place.",
        "Hi Zoe, the 3-day desert packing list was tight; our program pays 15% commission.",
        "Hi Zoe, your $40 stove beating the $120 one is the kind of test we earn trust with.",
        "Hi Zoe, a 10 day traverse on one stove, and you still earn my respect.",
    ],
)
def test_a_figure_with_its_fact_words_is_the_prospects(body: str) -> None:
    assert offer_terms(body) == []


@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("Hi Zoe, you get a 3-day cookie on the desert trip gear.", "3-day"),
        ("Hi Zoe, earn $40 on every desert stove you refer.", "$40"),
        ("Hi Zoe, our 10 day traverse bonus pays out weekly, earn it.", "10 day"),
        ("Hi Zoe, you'd earn 40% on every sale, like your courses.", "40%"),
        ("Hi Zoe, the desert trip earns you a 3-day window.", "3-day"),
    ],
)
def test_a_figure_aimed_at_the_reader_stays_template_only(body: str, span: str) -> None:
    assert span in offer_terms(body)
