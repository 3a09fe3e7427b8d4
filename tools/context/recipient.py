"""Who receives the message on the chosen channel: an e-mail address or a handle on that platform.

A record can be reached on a channel when it has an address for it: ``email`` for e-mail; for a
social platform the ``handle`` when the record's ``platform`` is that one, an entry of the optional
``handles`` object (``{"x": "@sam", "linkedin": "https://www.linkedin.com/in/sam"}``), or a profile
link on that platform in ``website``. A channel the record cannot be reached on has no recipient,
and the message is never ``ready``.

A referral is the exception: when their reply sends us to someone else and names that person's
e-mail address, a message on e-mail goes to that address (``referred``), whatever the record's
own; on another channel the referrer's handle is not the referred person's, and a note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from ipe.addresses import find_addresses, is_address
from ipe.domain import Channel, Prospect, Relationship
from ipe.tools.policies.channels import channel_key, registry
from ipe.tools.writing.answers import referred_contact

_HANDLE = re.compile(r"^@?[\w.\-]{1,100}$")


@dataclass(frozen=True)
class Recipient:
    """Where the message goes, or why it cannot go anywhere."""

    address: str | None
    """The e-mail address, the handle or the profile link; ``None`` when unreachable."""
    source: str
    """The record field it came from, or the reason there is none."""
    note: str | None = None
    """Something the user should know (e.g. the record's platform is not a supported channel)."""


def platform_key(value: str | None) -> str:
    """A platform name as a channel key (``Twitter`` -> ``x``); may be an unsupported name."""
    return channel_key(value)


def _style(name: str) -> str:
    """How ``name``'s handles are written (``at``, ``bare``, ``as_given``, ``email``)."""
    return registry()[name].handle if name in registry() else "as_given"


def _handle(channel: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.lower().startswith(("http://", "https://", "www.")):
        return _profile_link(channel, value)
    if not _HANDLE.match(value):
        return None
    bare = value.lstrip("@")
    style = _style(channel)
    return f"@{bare}" if style == "at" else bare if style == "bare" else value


def _profile_link(channel: str, url: str) -> str | None:
    parsed = urlparse(url if "://" in url else f"https://{url}")
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    hosts = registry()[channel].hosts if channel in registry() else ()
    if not any(host == h or host.endswith("." + h) for h in hosts):
        return None
    path = parsed.path.strip("/")
    if not path:
        return None
    if _style(channel) == "at":
        first = path.split("/")[0].lstrip("@")
        return f"@{first}" if _HANDLE.match(first) else None
    return f"https://{host}/{path}"


@dataclass(frozen=True)
class Referred:
    """The person a referral sends us to, as their reply names them."""

    email: str
    name: str | None
    source: str
    """The history item that names them (``interaction_history[1]``)."""

    def describe(self) -> str:
        """``Nadia Ferreira <nadia@example.com>``."""
        return f"{self.name} <{self.email}>" if self.name else self.email


def referred_to(relationship: Relationship) -> Referred | None:
    """The person their latest reply refers us to, when it reads as a referral naming an address."""
    if relationship.intent != "referral" or not relationship.asked_for:
        return None
    contact = referred_contact(str(relationship.asked_for))
    if not contact.email:
        return None
    return Referred(contact.email, contact.name, relationship.asked_source or "their reply")


def inbound_addresses(prospect: Prospect) -> list[str]:
    """The e-mail addresses written in the record's inbound history (what they sent us)."""
    found = []
    for item in prospect.interaction_history:
        if item.direction == "inbound":
            found += [m.group() for m in find_addresses(item.text or "")]
    return list(dict.fromkeys(found))


def find_recipient(
    prospect: Prospect, channel: Channel, referred: Referred | None = None
) -> Recipient:
    """The address for ``channel`` from the record, or ``Recipient(None, reason)``.

    ``referred``: the person their latest reply refers us to, when it names an address.
    """
    record_platform = platform_key(prospect.platform)
    note = None
    if record_platform and record_platform not in registry():
        note = f"the record's platform '{prospect.platform}' is not a channel the engine writes for"
    if referred is not None and is_address(referred.email):
        if _style(channel) == "email":
            source = f"the contact their reply refers us to ({referred.source})"
            return Recipient(referred.email, source, note)
        note = (
            f"their reply refers us to {referred.describe()}: a message to them goes by e-mail "
            f"(this {channel} address is the referrer's)"
        )
    if _style(channel) == "email":
        email = (prospect.email or "").strip()
        if email and is_address(email):
            return Recipient(email, "email", note)
        why = "the record has no e-mail address" if not email else "the record's e-mail is invalid"
        return Recipient(None, why, note)
    extra = prospect.model_extra or {}
    handles = extra.get("handles")
    if isinstance(handles, dict):
        for key, value in handles.items():
            if platform_key(str(key)) == channel and (found := _handle(channel, value)):
                return Recipient(found, f"handles.{key}", note)
    if record_platform == channel and (found := _handle(channel, prospect.handle)):
        return Recipient(found, "handle", note)
    if not record_platform and (found := _handle(channel, prospect.handle)):
        # A bare handle, no platform named: as a person reads it, the handle on this channel.
        return Recipient(found, f"handle (no platform named: read as the {channel} handle)", note)
    if prospect.website and (found := _profile_link(channel, prospect.website)):
        return Recipient(found, "website", note)
    return Recipient(None, f"the record has no {channel} handle or profile link", note)
