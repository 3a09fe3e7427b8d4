"""A due check-back opens with what they asked, then brings their newest offer-relevant content.

In a DM or an e-mail (a LinkedIn note stays short); the hook counts as the variation's angle.
"""

from ipe.domain import Offer, Prospect, Relationship, Sender, Template, VariationPlan
from ipe.tools.writing.facts import extract_facts
from ipe.tools.writing.offline_drafter import compose, word_count

TEMPLATE = Template(
    id="pans",
    brand="Forge & Pan",
    sender=Sender(name="Lena Ortiz", postal_address="1 Main St"),
    offer=Offer(summary="carbon steel pans that last a lifetime", commission="12%", cookie_days=30),
)
COOK = Prospect(
    id="cook-9",
    name="Marco Bellini",
    platform="tiktok",
    recent_content=[
        {"title": "Carbon steel pans explained", "published_at": "2026-11-20"},
    ],
)
REL = Relationship(
    stage="check_back_due",
    asked_for="Busy now, check back after the launch",
    asked_when="after the launch",
    not_before="2026-11-01",
)


def _draft(channel: str, language: str = "en"):  # type: ignore[no-untyped-def]
    facts, _ = extract_facts(COOK)
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="reply")
    return compose(
        plan,
        facts=facts,
        template=TEMPLATE,
        first_name="Marco",
        channel=channel,
        links_allowed=False,
        seed=COOK.id,
        language=language,
        prospect=COOK,
        relationship=REL,
    )


def test_a_check_back_dm_brings_their_content_after_what_they_asked() -> None:
    draft = _draft("tiktok")
    body = draft.body
    assert body.index("check back after the launch") < body.index("Carbon steel pans explained")
    assert draft.angle_used == "recent_content" and draft.fact_ids
    assert word_count(body) <= 90


def test_a_check_back_in_spanish_uses_the_bank() -> None:
    body = _draft("tiktok", "es").body
    assert "Carbon steel pans explained" in body and "comisión" in body


def test_a_check_back_note_stays_short() -> None:
    draft = _draft("linkedin")
    assert "Carbon steel pans explained" not in draft.body
    assert len(draft.body) <= 300
