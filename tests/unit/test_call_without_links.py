"""A call asked for on a channel that carries no link gets times or a question, never the page.

Class: a warm lead asking for a call on TikTok was blocked, because the answer offered the
template's booking page on a channel whose rules refuse links. Invented examples.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ipe.domain import Offer, Relationship, Sender, Template, VariationPlan
from ipe.prompts import LANGUAGES
from ipe.tools.writing.offline_drafter import compose

BOOKING = "https://quillhouse.example/book/partners"
TEMPLATE = Template(
    id="t-call",
    brand="Quillhouse",
    sender=Sender(name="Bo Lindqvist"),
    offer=Offer(summary="fountain pens and inks", commission="15%", cookie_days=30),
    links=["https://quillhouse.example/partners"],
    booking_link=BOOKING,
)
SLOTS = [
    datetime(2027, 3, 2, 17, tzinfo=ZoneInfo("Europe/Lisbon")),
    datetime(2027, 3, 3, 17, tzinfo=ZoneInfo("Europe/Lisbon")),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("links_allowed", [True, False])
@pytest.mark.parametrize("slots", [SLOTS, []])
def test_a_call_answer_has_the_booking_page_only_where_links_go(
    language: str, links_allowed: bool, slots: list[datetime]
) -> None:
    rel = Relationship(stage="asked_for_details", intent="interested_call")
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="call")
    body = compose(
        plan,
        facts=[],
        template=TEMPLATE,
        first_name="Rita",
        channel="instagram",
        links_allowed=links_allowed,
        seed="call",
        language=language,
        relationship=rel,
        slots=slots,
    ).body
    assert (BOOKING in body) == links_allowed, body
    assert "http" not in body or links_allowed
