"""One e-mail pattern for every layer (``ipe/addresses.py``): finders and validators agree.

Before, eight patterns disagreed: a referral's named contact read ``al@studio.com`` out of
``jo&al@studio.com`` and ``brien@...`` out of ``o'brien@...`` (someone else), while the record's
inbound history read the whole address; the outbound allow-list did not see an address with an
accented letter at all.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.addresses import find_addresses, is_address, mask_addresses
from ipe.domain import Prospect
from ipe.tools.channel.policy import valid_unsubscribe
from ipe.tools.context.recipient import inbound_addresses
from ipe.tools.writing.answers import referred_contact


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Write to Nadia Ferreira <nadia.f@ex-ample.com>.", ["nadia.f@ex-ample.com"]),
        ("'nadia@example.com'", ["nadia@example.com"]),
        ("mail o'brien@studio.ie please", ["o'brien@studio.ie"]),
        ("jo&al@studio.com", []),
        ("josé@exämple.de", ["josé@exämple.de"]),
        ("合作请联系：wang.li@xingguang-mcn.com，谢谢", ["wang.li@xingguang-mcn.com"]),
        ("grab@185.73.22.16 now", ["grab@185.73.22.16"]),
        ("a@b.c and x@host", []),
        ("nadia@mail.example.co.uk!", ["nadia@mail.example.co.uk"]),
        ("@handle.only", []),
    ],
)
def test_addresses_in_text(text: str, found: list[str]) -> None:
    assert [m.group() for m in find_addresses(text)] == found


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("ana@example.org", True),
        (" ana@example.org ", True),
        ("o'brien@studio.ie", True),
        ("ana@example", False),
        ("ana@@example.org", False),
        ("ana example@example.org", False),
        ("a" * 250 + "@example.org", False),
    ],
)
def test_a_whole_field_is_one_address(value: str, valid: bool) -> None:
    assert is_address(value) is valid


def test_a_mailto_unsubscribe_may_carry_a_subject() -> None:
    assert valid_unsubscribe("mailto:leave@brand.example?subject=unsubscribe")
    assert not valid_unsubscribe("mailto:leave@brand")


LETTER = "[a-z0-9àáâäçèéêëíïñóöúü]"
locals_ = st.from_regex(rf"{LETTER}(?:[a-z0-9._+-]{{0,12}}[a-z0-9])?", fullmatch=True)
domains = st.from_regex(rf"{LETTER}[a-z0-9-]{{0,10}}\.(?:com|de|co\.uk|io|example)", fullmatch=True)
names = st.sampled_from(["Nadia Ferreira", "Jon", "Émilie Dubois", "Sam"])
shapes = st.sampled_from(
    [
        "Please write to {name} <{address}> instead.",
        "The right person is {name} ({address}).",
        "Talk to {name}: {address}",
        "{name}, {address}, handles partnerships.",
        "Escríbele a {name} a {address}, gracias.",
    ]
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(local=locals_, domain=domains, name=names, shape=shapes)
def test_the_referral_and_the_inbound_history_read_the_same_address(
    local: str, domain: str, name: str, shape: str
) -> None:
    address = f"{local}@{domain}"
    reply = shape.format(name=name, address=address)
    prospect = Prospect.model_validate(
        {
            "id": "p-1",
            "name": "Ana",
            "interaction_history": [{"direction": "inbound", "text": reply}],
        }
    )
    assert is_address(address)
    assert referred_contact(reply).email == address
    assert inbound_addresses(prospect) == [address]
    assert address not in mask_addresses(reply, "<email>")
