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


_SCHEDULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("biweekly", re.compile(r"\b(?:every (?:two|2) weeks|bi-?weekly|fortnightly)\b", re.I)),
    ("monthly", re.compile(r"\b(?:every month|each month|monthly|once a month)\b", re.I)),
    ("weekly", re.compile(r"\b(?:every week|each week|weekly)\b", re.I)),
    ("quarterly", re.compile(r"\b(?:every quarter|each quarter|quarterly)\b", re.I)),
)
_METHODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("PayPal", re.compile(r"\bpaypal\b", re.I)),
    ("Wise", re.compile(r"\bwise\b", re.I)),
    ("Stripe", re.compile(r"\bstripe\b", re.I)),
    ("Payoneer", re.compile(r"\bpayoneer\b", re.I)),
    (
        "bank_transfer",
        re.compile(r"\b(?:bank transfer|wire transfer|bank wire|direct deposit)\b", re.I),
    ),
)
_PAID = re.compile(r"\b(?:paid|pay(?:s|out|outs)?|payments?)\b", re.I)


@dataclass(frozen=True)
class Payout:
    """When and how commissions are paid, as an approved claim says it."""

    schedule: str | None
    """``monthly``, ``weekly``, ``biweekly`` or ``quarterly``."""
    methods: tuple[str, ...] = ()
    """Payment services by name ("PayPal"), and ``bank_transfer``."""


def read_payout(claim: str) -> Payout | None:
    """The payout schedule and methods an English claim states; None when it states neither.

    "affiliate commissions are paid out every month by PayPal or bank transfer" -> monthly,
    (PayPal, bank_transfer). A claim about a minimum or a threshold is not read (a figure this
    reader would drop).
    """
    if not _PAID.search(claim) or re.search(r"\d|minimum|threshold", claim, re.I):
        return None
    schedule = next((name for name, p in _SCHEDULES if p.search(claim)), None)
    methods = tuple(name for name, p in _METHODS if p.search(claim))
    if schedule is None and not methods:
        return None
    return Payout(schedule, methods)


def payout_worded(payout: Payout, terms: Mapping[str, Any], sentence: str) -> str:
    """The payout said with the bank's ``[terms]`` (schedules, methods) in ``sentence``."""
    names = [str(terms["bank_transfer"]) if m == "bank_transfer" else m for m in payout.methods]
    joined = ", ".join(names[:-1]) + f" {terms['or']} " + names[-1] if len(names) > 1 else ""
    joined = joined or "".join(names)
    methods = str(terms["payout_methods"]).format(methods=joined) if names else ""
    schedule = str(terms["schedules"][payout.schedule]) if payout.schedule else ""
    text = sentence.format(schedule=schedule, methods=methods)
    return " ".join(text.split()).replace(" .", ".")
