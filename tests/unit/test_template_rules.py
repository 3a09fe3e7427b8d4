"""Templates: https links without credentials, an https unsubscribe, an address, cookie days."""

import pytest

from ipe.domain import Offer, Sender, Template, TemplateComplianceError
from ipe.tools.channel.policy import looks_like_postal_address, template_legal_gaps
from ipe.tools.trust.inputs import validate_request


def _template(**update: object) -> Template:
    base = Template(
        id="t1",
        brand="TrailPeak",
        sender=Sender(
            name="Sam Rivera",
            postal_address="123 Main St, Denver, CO 80202",
            unsubscribe_url="https://trailpeak.com/unsub",
        ),
        offer=Offer(summary="Earn 20% on every sale", commission="20%", cookie_days=30),
        links=["https://trailpeak.com/partners"],
    )
    return base.model_copy(update=update)


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("javascript:alert(1)", "not an https link"),
        ("data:text/html;base64,PHNjcmlwdD4=", "not an https link"),
        ("https://user:pass@trailpeak.com/partners", "credentials"),
        ("https://admin@trailpeak.com/", "credentials"),
        ("http://trailpeak.com/partners", "plain http"),
        ("ftp://trailpeak.com/file", "not an https link"),
        ("https://", "not a valid link"),
    ],
)
def test_unsafe_template_links_are_gaps_on_every_channel(link: str, why: str) -> None:
    for channel in ("email", "x", "linkedin"):
        gaps = template_legal_gaps(_template(links=[link]), channel)
        assert len(gaps) == 1 and why in gaps[0], gaps


def test_http_links_pass_where_the_tenant_allows_them() -> None:
    template = _template(links=["http://trailpeak.com/partners"], allow_http_links=True)
    assert template_legal_gaps(template, "email") == []
    # ...never credentials, and never a plain-http unsubscribe link
    assert template_legal_gaps(
        _template(links=["http://u:p@trailpeak.com"], allow_http_links=True), "email"
    )


def test_links_in_the_templates_copy_are_checked_too() -> None:
    gaps = template_legal_gaps(_template(body="Hi {{ first_name }}, see javascript:alert(1)"), "x")
    assert gaps and "copy" in gaps[0]
    assert template_legal_gaps(_template(body="See https://trailpeak.com/partners"), "x") == []


def test_the_unsubscribe_link_must_be_https() -> None:
    sender = _template().sender.model_copy(update={"unsubscribe_url": "http://trailpeak.com/u"})
    gaps = template_legal_gaps(_template(sender=sender, allow_http_links=True), "email")
    assert gaps and "unsubscribe_url" in gaps[0]


@pytest.mark.parametrize("address", [".", "N/A", "-", "address", "TBD", "https://trailpeak.com"])
def test_a_postal_address_must_look_like_one(address: str) -> None:
    assert not looks_like_postal_address(address)
    sender = _template().sender.model_copy(update={"postal_address": address})
    [gap] = template_legal_gaps(_template(sender=sender), "email")
    assert "does not look like a postal address" in gap
    assert template_legal_gaps(_template(sender=sender), "x") == []  # only e-mail needs one


@pytest.mark.parametrize(
    "address",
    [
        "1 Main St",
        "12 Harbour St, Bristol BS1 4AA",
        "Calle de Alcalá 120, 28009 Madrid",
        "PO Box 42, Denver, CO",
        "Postfach, Berlin",
        "TrailPeak Outdoor Co., 1420 Alder Street, Suite 300, Portland, OR 97205, USA",
    ],
)
def test_real_addresses_pass(address: str) -> None:
    assert looks_like_postal_address(address)


@pytest.mark.parametrize("days", [0, -5])
def test_cookie_days_must_be_positive(days: int) -> None:
    offer = Offer(summary="Earn 20%", commission="20%", cookie_days=days)
    [gap] = template_legal_gaps(_template(offer=offer), "instagram")
    assert "cookie_days" in gap


def test_a_bad_template_is_refused_before_any_work() -> None:
    raw = _template(links=["javascript:alert(1)"]).model_dump()
    with pytest.raises(TemplateComplianceError, match="not an https link"):
        validate_request({"id": "p", "name": "Ana"}, raw, "email")
