"""A follow-up adds a reason the earlier note did not give.

Class: follow-ups repeated the rate the first note had already stated ("In short, it pays 12%")
as their "new" reason. The reason is now the first of the sample, the terms and the cookie
window that our earlier messages did not mention. Invented examples.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Interaction, Offer, Prospect, Relationship, Sender, Template, VariationPlan
from ipe.prompts import LANGUAGES
from ipe.tools.writing.offline_drafter import compose, local_rate


def _template(rate: int, cookie: int, sample: bool) -> Template:
    return Template(
        id="t-follow",
        brand="Tidewell",
        sender=Sender(name="Mara Olsen"),
        offer=Offer(
            summary="insulated bottles for long hikes",
            commission=f"{rate}%",
            cookie_days=cookie,
            perks=["a free sample bottle"] if sample else [],
        ),
        links=["https://tidewell.example/partners"],
    )


@settings(max_examples=150, deadline=None)
@given(
    rate=st.integers(5, 40),
    cookie=st.sampled_from([30, 45, 60, 90]),
    sample=st.booleans(),
    said_rate=st.booleans(),
    said_sample=st.booleans(),
    language=st.sampled_from(LANGUAGES),
    channel=st.sampled_from(["email", "instagram", "linkedin", "facebook"]),
)
def test_the_new_reason_is_not_in_the_first_note(
    rate: int,
    cookie: int,
    sample: bool,
    said_rate: bool,
    said_sample: bool,
    language: str,
    channel: str,
) -> None:
    first = "Hi Lena, Tidewell makes insulated bottles."
    if said_rate:
        first += f" Our affiliate program pays {rate}% on every sale."
    if said_sample:
        first += " We'd also send you a free sample bottle."
    prospect = Prospect(
        id="p-follow",
        name="Lena Ortiz",
        interaction_history=[Interaction(at="2026-11-20", direction="outbound", text=first)],
    )
    rel = Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=12)
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    body = compose(
        plan,
        facts=[],
        template=_template(rate, cookie, sample),
        first_name="Lena",
        channel=channel,
        links_allowed=True,
        size="short" if channel == "linkedin" else "full",
        seed="follow",
        language=language,
        prospect=prospect,
        relationship=rel,
    ).body
    if said_rate:
        assert local_rate(f"{rate}%", language) not in body, body
    if said_rate and (said_sample or not sample):
        assert re.search(rf"(?<!\d){cookie}(?!\d)", body), body  # the cookie is what is new
