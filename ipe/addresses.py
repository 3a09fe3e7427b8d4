"""E-mail addresses in text: the one pattern every layer reads (finders, validators, masks).

An address here is ``local@domain`` where

- the local part holds letters and digits of any script and ``. _ % + -``, with an apostrophe
  inside it (``o'brien``), and starts and ends with a letter, a digit or ``_ % + -``;
- the domain is one or more labels (letters, digits, ``-``, ``_``, any script: an address on a
  non-ASCII domain is an address) and a top-level label of at least two characters that starts
  with a letter (``com``, ``de``, ``xn--p1ai``), or an IPv4 address (``x@192.0.2.7``, bracketed
  or not: what an attacker may plant to reach a host without a name).

An address never starts in the middle of a run of address characters: in ``jo&al@studio.com``
(``&`` is an address character we do not read) nothing is found, rather than ``al@studio.com``,
which would be someone else. The rarer characters the standard allows in a local part
(``! # $ & * / = ? ^ ` { | } ~``) are not read.

``find_addresses`` lists them in running text (the outbound allow-list, grounding, a referral's
named contact, a record's inbound history, the trace masks); ``is_address`` says whether a whole
field is one (a record's e-mail, a recipient, a ``mailto:`` unsubscribe). One pattern for both,
so a field that validates is found in text as written, and the reverse. This module imports
nothing of the project: the foundation (``ipe/tracing.py``) and every layer read it.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254
"""The longest address a mail system accepts (RFC 5321 forward path less its brackets)."""

_LOCAL = r"[\w%+-](?:[\w.%+'-]*[\w%+-])?"
_DOMAIN = r"(?:(?:[\w-]+\.)+[^\W\d_][\w-]*[^\W_]|\[?\d{1,3}(?:\.\d{1,3}){3}\]?)"
_NOT_AFTER = r"[\w%+!#$&*^`{|}~@-]"
"""Address characters (ours and the standard's rarer ones): an address does not start after one.
A quote or a dot before it is punctuation (``'nadia@example.com'``, ``...nadia@example.com``)."""

ADDRESS = re.compile(rf"(?<!{_NOT_AFTER}){_LOCAL}@{_DOMAIN}(?![\w@-])")
"""An e-mail address in running text (see the module docstring)."""


def find_addresses(text: str) -> list[re.Match[str]]:
    """Every address in ``text``, in order, as matches (``.group()``, ``.span()``)."""
    return list(ADDRESS.finditer(text)) if "@" in text else []


def is_address(text: str) -> bool:
    """True when ``text`` (surrounding spaces aside) is exactly one address, within the length."""
    value = text.strip()
    return len(value) <= MAX_LENGTH and ADDRESS.fullmatch(value) is not None


def mask_addresses(text: str, mask: str) -> str:
    """``text`` with every address replaced by ``mask``."""
    return ADDRESS.sub(mask, text) if "@" in text else text


__all__ = ["ADDRESS", "MAX_LENGTH", "find_addresses", "is_address", "mask_addresses"]
