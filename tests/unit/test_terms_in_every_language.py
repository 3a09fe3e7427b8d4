"""A commission's qualifiers survive translation, and the offer is named by what it is.

Class: a tenant's terms written in one language ("18% recurring for the first 9 months") were cut
to their rate in a message in another language ("18 % auf jeden Verkauf"), and an offer whose
summary could not be used was called "products" whatever it was (a course, software). The terms
are read into parts (``tools/writing/terms.py``) and worded by each bank's ``[terms]``; the offer's
kind (``[offer_kinds]``) picks the bank's ``our_offer`` noun. Examples are invented for this test.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Offer, Relationship, Sender, Template, VariationPlan
from ipe.prompts import LANGUAGES
from ipe.tools.trust.outbound import outbound_findings
from ipe.tools.writing.offline_drafter import bank, compose, local_rate, offer_kind
from ipe.tools.writing.terms import Commission, read_commission, worded

OTHER = [lang for lang in LANGUAGES if lang != "en"]


def _template(commission: str, summary: str, goal: str = "") -> Template:
    return Template(
        id="t-terms",
        brand="Larkspur",
        sender=Sender(name="Odile Marchetti", title="Affiliate Lead"),
        offer=Offer(summary=summary, commission=commission, cookie_days=40, perks=[]),
        goal=goal,
        approved_claims=[f"{commission} on every referral"],
        links=["https://larkspur.example/affiliates"],
    )


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("18% recurring for the first 9 months", Commission("18%", recurring=True, months=9)),
        ("7.5%", Commission("7.5%")),
        ("40% lifetime", Commission("40%", lifetime=True)),
        ("22% on each order you refer", Commission("22%")),
        ("15% commission for 6 months", Commission("15%", months=6)),
        ("35% recurring", Commission("35%", recurring=True)),
        ("10% of net revenue after refunds", None),
        ("a flat fee per signup", None),
    ],
)
def test_read_commission(text: str, read: Commission | None) -> None:
    assert read_commission(text) == read


@settings(max_examples=150, deadline=None)
@given(
    rate=st.integers(1, 90),
    months=st.integers(2, 36).filter(lambda m: m != 40),
    language=st.sampled_from(OTHER),
    stage=st.sampled_from(["cold", "awaiting_reply"]),
    channel=st.sampled_from(["email", "instagram", "x", "linkedin"]),
)
def test_every_message_in_another_language_keeps_the_qualifiers(
    rate: int, months: int, language: str, stage: str, channel: str
) -> None:
    """The rate and the months of a recurring commission appear, once each, in the message."""
    commission = f"{rate}% recurring for the first {months} months"
    template = _template(commission, "Greenhouse planning software for allotment gardeners")
    rel = None
    if stage == "awaiting_reply":
        rel = Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=8)
    plan = VariationPlan(id="v1", tone="professional", angle="generic", cta="reply")
    draft = compose(
        plan,
        facts=[],
        template=template,
        first_name="Ines",
        channel=channel,
        links_allowed=False,
        size="short" if channel == "linkedin" else "full",
        seed="terms",
        language=language,
        relationship=rel,
    )
    body = draft.body
    assert body.count(local_rate(f"{rate}%", language)) == 1, body
    # the months once; the rate is not it, with % after it or before it (Turkish "%12")
    assert len(re.findall(rf"(?<![\d.,%]){months}(?![\d.,]|\s*%)", body)) == 1, body
    findings = outbound_findings(
        draft.subject, body, template=template, facts=[], trusted_texts=frozenset()
    )
    assert not [f for f in findings if f.rule == "outbound.claim"], findings


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_bank_words_every_qualifier_with_rate_and_months(language: str) -> None:
    phrases = {k: str(v) for k, v in bank(language)["terms"].items()}
    for read in (
        Commission("11%", recurring=True, months=14),
        Commission("11%", months=14),
        Commission("11%", recurring=True),
        Commission("11%", lifetime=True),
    ):
        text = worded(read, phrases, lambda r, lang=language: local_rate(r, lang))
        assert local_rate("11%", language) in text
        assert ("14" in text) == (read.months is not None), text


@pytest.mark.parametrize(
    ("summary", "goal", "kind"),
    [
        ("Invoicing and booking software for dog groomers", "", "software"),
        ("A mobile app that plans sourdough bakes", "", "software"),
        ("A six-week online watercolour course with weekly feedback", "", "course"),
        ("Curso online de cerámica en diez lecciones", "", "course"),
        ("Hand-forged carbon steel pans", "", "product"),
        ("", "invite yoga teachers to recommend our platform", "software"),
    ],
)
def test_offer_kind(summary: str, goal: str, kind: str) -> None:
    assert offer_kind(_template("20%", summary, goal)) == kind


@pytest.mark.parametrize("language", OTHER)
@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("Booking software for independent pilates studios", "software"),
        ("An online course in night-sky photography, eight lessons", "course"),
    ],
)
def test_a_foreign_offer_is_named_by_its_kind_not_called_products(
    language: str, summary: str, kind: str
) -> None:
    template = _template("20%", summary)
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    body = compose(
        plan,
        facts=[],
        template=template,
        first_name="Ines",
        channel="instagram",
        links_allowed=True,
        seed="kind",
        language=language,
    ).body
    words = bank(language)["words"]["our_offer"]
    assert words["product"] not in body
    assert not re.search(r"(?i)\b(products?|produ[ci]tos?|produits?|produkte?)\b", body), body
    assert words[kind] in body, body
