"""A referral intro goes to the contact the person named (issue 22: manager drafts of any stage).

When their reply sends us to someone else and names that person's e-mail address, a message on
e-mail goes to that address, for a person to check (``needs_review``), even when the record has
no address of its own or has the referrer's; on another channel the referrer's handle is not the
referred person's, and a reason says so. Records written here, not from a fresh set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe import IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError, Prospect, Relationship
from ipe.tools.context.recipient import Referred, find_recipient, referred_to

NOW = datetime.now(UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat(timespec="seconds")


REFERRALS = [
    "Thanks! I'm not the right person: my business partner Lotte Maas handles brand deals, "
    "lotte@tidepoolstudio.example. Tell her I sent you.",
    "Not my area, sorry. Please write to Oskar Brandt (oskar.brandt@kiln-and-co.example), he "
    "runs our shop.",
    "I don't do partnerships any more; our new manager Priya Nair does: priya@loomwork.example",
]


def record(reply: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "p-referrer",
        "name": "Henrik Dahl",
        "platform": "linkedin",
        "handle": "https://www.linkedin.com/in/henrik-dahl-pottery",
        "niche": "pottery studio",
        "location": "Copenhagen, Denmark",
        "interaction_history": [
            {"at": ago(12), "direction": "outbound", "channel": "linkedin", "text": "Hi Henrik"},
            {"at": ago(3), "direction": "inbound", "channel": "linkedin", "text": reply},
        ],
        **fields,
    }


@pytest.fixture
def engine(data_dir: str) -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine(user_id="t-referral", data_dir=data_dir)


@pytest.mark.parametrize("reply", REFERRALS)
async def test_a_referral_on_email_goes_to_the_named_contact(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any], reply: str
) -> None:
    result = await engine.personalize_message(record(reply), template, platform="email")
    address = reply.split("@")[0].split()[-1].strip("(") + "@" + reply.split("@")[1].split()[0]
    assert result.recipient == address.rstrip(".,)")
    assert result.relationship.intent == "referral"
    assert result.status == "needs_review", result.reasons


async def test_the_referrers_own_address_is_not_the_referred_persons(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    own = record(REFERRALS[0], email="henrik@dahlpottery.example")
    result = await engine.personalize_message(own, template, platform="email")
    assert result.recipient == "lotte@tidepoolstudio.example"


async def test_on_another_channel_a_reason_names_the_referred_contact(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    result = await engine.personalize_message(record(REFERRALS[1]), template)
    assert result.platform == "linkedin" and result.status != "ready"
    assert any("oskar.brandt@kiln-and-co.example" in r and "e-mail" in r for r in result.reasons)


async def test_a_reply_without_a_referral_address_still_cannot_go_by_email(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    plain = record("Sounds interesting, tell me more.")
    with pytest.raises(InvalidInputError, match="cannot write to prospect 'p-referrer' on email"):
        await engine.personalize_message(plain, template, platform="email")


async def test_an_address_in_a_reply_that_is_no_referral_is_not_a_recipient(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    """Only a referral names the person to write to: any other address is never used."""
    reply = "Interested! But please stop using henrik@old-shop.example, it bounces."
    result = await engine.personalize_message(record(reply), template, platform="email")
    assert result.recipient is None and result.status == "blocked"


NAME = st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", fullmatch=True)
LOCAL = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8})?", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z]{3,10}(-[a-z]{2,6})?\.example", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAME, local=LOCAL, domain=DOMAIN, channel=st.sampled_from(["email", "x", "linkedin"]))
def test_a_referral_address_goes_only_to_email(
    name: str, local: str, domain: str, channel: str
) -> None:
    """For any referral naming an address: e-mail goes there; no other channel ever does."""
    reply = f"Please talk to my colleague {name}, {local}@{domain}, she decides."
    relationship = Relationship(stage="asked_for_details", intent="referral", asked_for=reply)
    referred = referred_to(relationship)
    assert referred == Referred(f"{local}@{domain}", name, "their reply")
    prospect = Prospect(id="p", name="Sam", platform="x", handle="@sam")
    found = find_recipient(prospect, channel, referred)  # type: ignore[arg-type]
    if channel == "email":
        assert found.address == f"{local}@{domain}"
    else:
        assert found.address != f"{local}@{domain}" and found.note and domain in found.note
    other = Relationship(stage="asked_for_details", intent="interested", asked_for=reply)
    assert referred_to(other) is None
