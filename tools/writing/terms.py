"""A commission's terms, read into parts and worded in the message's language.

A tenant writes its commission in its own words: "12%", "25% recurring for the first 12 months",
"30% lifetime". A message in another language must say all of it, not the rate alone:
"25 %, wiederkehrend in den ersten 12 Monaten". ``read_commission`` reads the rate and the
qualifiers it knows (recurring, for how many months, lifetime, on what is sold); ``worded`` says
them with the bank's ``[terms]`` phrases and the language's percent format. A commission with words
this module does not know is not read (``None``): the caller says the rate and notes what it left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_RATE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%\s*")
_QUALIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("commission", re.compile(r"^(?:of\s+)?(?:the\s+)?commission\b\s*", re.IGNORECASE)),
    ("recurring", re.compile(r"^(?:recurring|recurrent|monthly recurring)\b\s*", re.IGNORECASE)),
    ("lifetime", re.compile(r"^(?:lifetime|for life|for the lifetime of the customer)\b\s*", re.I)),
    (
        "months",
        re.compile(
            r"^(?:for|during|over)\s+(?:the\s+)?(?:first\s+)?(\d{1,3})\s+months?\b\s*", re.I
        ),
    ),
    (
        "per",
        re.compile(
            r"^(?:on|of|for|per)\s+(?:every|each|all|any)?\s*"
            r"(?:sale|order|purchase|subscription|enrolment|enrollment|booking|signup|sign-up)s?"
            r"(?:\s+(?:you|they)\s+(?:refer|bring(?:\s+in)?|drive))?\b\s*",
            re.IGNORECASE,
        ),
    ),
    ("joiner", re.compile(r"^(?:,|and|;|-|–)\s*", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Commission:
    """A commission read into its parts: the rate and what qualifies it."""

    rate: str
    """The rate as the tenant wrote it, without its qualifiers ("25%")."""
    recurring: bool = False
    months: int | None = None
    lifetime: bool = False

    @property
    def qualified(self) -> bool:
        """True when more than the bare rate must be said."""
        return self.recurring or self.lifetime or self.months is not None


def read_commission(text: str) -> Commission | None:
    """The commission's rate and qualifiers, or ``None`` when a word of it is not understood.

    "25% recurring for the first 12 months" -> rate "25%", recurring, 12 months; "12%" -> rate
    only; "25% of net revenue after refunds" -> None (a qualifier this reader does not know is
    never dropped silently).
    """
    match = _RATE.match(text)
    if match is None:
        return None
    rate = match.group(1) + "%"
    rest = text[match.end() :].strip().rstrip(".")
    found: dict[str, Any] = {}
    while rest:
        for name, pattern in _QUALIFIERS:
            step = pattern.match(rest)
            if step is None or step.end() == 0:
                continue
            if name == "months":
                found["months"] = int(step.group(1))
            elif name in ("recurring", "lifetime"):
                found[name] = True
            rest = rest[step.end() :].strip()
            break
        else:
            return None
    return Commission(rate, **found)


def worded(
    commission: Commission,
    phrases: Mapping[str, str],
    local_rate: Callable[[str], str],
) -> str:
    """The commission said with the bank's ``[terms]`` phrases: rate, then its qualifiers.

    ``local_rate`` writes the rate as the language writes percentages ("25 %").
    """
    rate = local_rate(commission.rate)
    if commission.lifetime:
        return phrases["lifetime"].format(rate=rate)
    if commission.recurring and commission.months is not None:
        return phrases["recurring_months"].format(rate=rate, months=commission.months)
    if commission.recurring:
        return phrases["recurring"].format(rate=rate)
    if commission.months is not None:
        return phrases["months"].format(rate=rate, months=commission.months)
    return rate
