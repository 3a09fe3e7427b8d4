"""Who a message is for: a person's normalised keys and their keyed hashes.

A person is known by several keys: the normalised e-mail address, the handle on the record's
platform and the record ids (case-folded), which are aliases of one another. The store never
keeps the keys themselves next to what it must keep after an erasure (the suppression list): it
keeps ``key_hash(tenant, key)``, a SHA-256 of the tenant and the key, so an erased person is still
recognised (the same address hashes the same) but can no longer be read back from the store.

E-mail normalisation is deliberately generous, because a missed match sends to someone who asked
us to stop: NFKC, invisible characters and surrounding spaces removed, ``mailto:`` dropped, case
folded, a ``+tag`` in the local part dropped, and for Gmail the dots of the local part too
(``A.Na+promo@GoogleMail.com`` is ``ana@gmail.com``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

KeyKind = Literal["email", "handle", "id"]
KEY_KINDS: tuple[KeyKind, ...] = ("email", "handle", "id")

_INVISIBLE = re.compile(
    r"[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]+"
)
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


def _clean(value: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).casefold()


def normalise_email(value: str | None) -> str | None:
    """The canonical form of an e-mail address, or None when ``value`` is not one."""
    if not value:
        return None
    text = _clean(str(value))
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip("<>\"'")
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or "@" in local:
        return None
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        domain = "gmail.com"
        local = local.replace(".", "") or local
    return f"{local}@{domain.rstrip('.')}"


def normalise_handle(value: str | None) -> str | None:
    """The canonical form of a platform handle (no ``@``, no spaces, case folded), or None."""
    if not value:
        return None
    text = _clean(str(value)).lstrip("@")
    return text or None


def normalise_id(value: Any) -> str | None:
    """The canonical form of a record id (case folded: ``Ana-1`` and ``ana-1`` are one id)."""
    if value is None:
        return None
    text = _clean(str(value))
    return text or None


@dataclass(frozen=True)
class PersonKey:
    """One normalised key of a person, e.g. ``email:ana@example.com``."""

    kind: KeyKind
    value: str

    @property
    def text(self) -> str:
        """``kind:value``, the form that is hashed."""
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Person:
    """The keys a prospect is known by (at least one: every record has an id)."""

    keys: tuple[PersonKey, ...] = field(default_factory=tuple)

    @classmethod
    def build(
        cls,
        *,
        ids: Iterable[Any] = (),
        email: str | None = None,
        handles: Iterable[tuple[str | None, str | None]] = (),
    ) -> Person:
        """The person with these ids, e-mail address and ``(platform, handle)`` pairs."""
        keys: list[PersonKey] = []
        address = normalise_email(email)
        if address:
            keys.append(PersonKey("email", address))
        for platform, handle in handles:
            name = normalise_handle(handle)
            if name:
                keys.append(PersonKey("handle", f"{normalise_id(platform) or 'unknown'}:{name}"))
        for value in ids:
            norm = normalise_id(value)
            if norm:
                keys.append(PersonKey("id", norm))
        return cls(tuple(dict.fromkeys(keys)))

    @classmethod
    def from_prospect(cls, prospect: Any) -> Person:
        """The keys of a prospect record (a ``Prospect`` or a dict in its JSON shape)."""
        data: Mapping[str, Any]
        if isinstance(prospect, Mapping):
            data = prospect
        else:
            data = {k: getattr(prospect, k, None) for k in ("id", "email", "platform", "handle")}
        return cls.build(
            ids=[data.get("id")],
            email=data.get("email"),
            handles=[(data.get("platform"), data.get("handle"))],
        )

    def of_kind(self, *kinds: KeyKind) -> list[PersonKey]:
        """The keys of these kinds."""
        return [key for key in self.keys if key.kind in kinds]

    def label(self) -> str:
        """A readable summary of the keys (for the tenant's own suppression list)."""
        return ", ".join(key.text for key in self.keys)


def key_hash(tenant: str, key: PersonKey | str) -> str:
    """The stored form of a key: SHA-256 over the tenant and ``kind:value`` (hex, 40 chars)."""
    text = key.text if isinstance(key, PersonKey) else key
    return hashlib.sha256(f"ipe-person-v1\x1f{tenant}\x1f{text}".encode()).hexdigest()[:40]


def person_of(*records: Any) -> Person:
    """One person from several forms of the same record (the raw input and the sanitised copy).

    The keys of every form count, so an address the sanitiser had to drop (an invisible
    character in it, say) still matches the suppression list.
    """
    keys: list[PersonKey] = []
    for record in records:
        if record is not None:
            keys += Person.from_prospect(record).keys
    return Person(tuple(dict.fromkeys(keys)))
