"""Who receives the message on a channel, and when a record cannot be reached there."""

from __future__ import annotations

from typing import Any

import pytest

from ipe.domain import Prospect
from ipe.tools.context.recipient import find_recipient


def who(channel: Any, **fields: Any) -> tuple[str | None, str]:
    found = find_recipient(Prospect(id="p", name="Sam", **fields), channel)
    return found.address, found.source


def test_email_needs_a_valid_address() -> None:
    assert who("email", email="sam@example.org") == ("sam@example.org", "email")
    assert who("email")[0] is None and "no e-mail address" in who("email")[1]
    assert who("email", email="sam at example")[0] is None


@pytest.mark.parametrize(
    ("channel", "platform", "handle", "expected"),
    [
        ("x", "x", "samclimbs", "@samclimbs"),
        ("x", "Twitter", "@samclimbs", "@samclimbs"),
        ("instagram", "instagram", "@sam.outside", "@sam.outside"),
        ("tiktok", "tiktok", "https://www.tiktok.com/@samruns", "@samruns"),
        (
            "linkedin",
            "linkedin",
            "https://www.linkedin.com/in/sam-r",
            "https://linkedin.com/in/sam-r",
        ),
        (
            "facebook",
            "facebook",
            "https://facebook.com/sam.camps",
            "https://facebook.com/sam.camps",
        ),
    ],
)
def test_the_handle_of_the_records_platform(
    channel: str, platform: str, handle: str, expected: str
) -> None:
    assert who(channel, platform=platform, handle=handle)[0] == expected


def test_a_handle_on_another_platform_does_not_reach_this_one() -> None:
    address, why = who("instagram", platform="x", handle="@samclimbs")
    assert address is None and "no instagram handle" in why
    assert who("linkedin", platform="x", handle="https://x.com/sam")[0] is None


def test_handles_per_platform_and_profile_links() -> None:
    handles = {"X": "@sam", "linkedin": "https://linkedin.com/in/sam"}
    assert who("x", handles=handles) == ("@sam", "handles.X")
    assert who("linkedin", handles=handles)[0] == "https://linkedin.com/in/sam"
    assert who("instagram", website="https://instagram.com/sam.pics/") == ("@sam.pics", "website")
    assert who("instagram", website="https://sam.example/instagram.com")[0] is None


def test_an_unknown_record_platform_is_said_not_silently_email() -> None:
    found = find_recipient(Prospect(id="p", name="Sam", platform="mastodon"), "email")
    assert found.address is None
    assert found.note and "'mastodon' is not a channel" in found.note


def test_a_bare_handle_is_the_handle_on_the_channel_asked_for() -> None:
    address, source = who("instagram", handle="@kai.outside")  # no platform named
    assert address == "@kai.outside" and "read as the instagram handle" in source
    assert who("x", handle="samclimbs")[0] == "@samclimbs"
    # A handle the record says is another platform's is never used on this channel.
    assert who("x", platform="instagram", handle="@kai.outside")[0] is None
