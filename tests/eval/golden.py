"""The golden set: records, templates and manager-written drafts for the prompt regression tests.

Dates in the files are relative to today so the set never goes stale: a string ``"@-9d"`` is the
ISO date nine days ago, ``"@-9d@14:30"`` that day at 14:30 UTC. Inside text, ``{date@+40d:en}``
is that date written the way a person writes it in the language (``January 10``, ``10 de enero``)
and ``{quarter@-100d}`` the quarter that day fell in (``Q3``), so a deferral phrase keeps meaning
the same thing relative to when the prospect wrote it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ipe.tools.policies.channels import channels_of_kind

GOLDEN = Path(__file__).resolve().parent / "golden"
DM_CHANNELS = channels_of_kind("dm")
LANGUAGES = ("en", "es", "pt", "fr", "de")
EVAL_ONLY_TEMPLATE_KEYS = ("must_keep", "language")
"""Keys of a golden template that describe the expectation, not the tenant's input."""

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}
_WHOLE_DATE = re.compile(r"^@([+-]\d+)d(?:@(\d\d:\d\d))?$")
_TEXT_DATE = re.compile(r"\{date@([+-]\d+)d:(\w\w)\}")
_TEXT_QUARTER = re.compile(r"\{quarter@([+-]\d+)d\}")


def today() -> date:
    """Today's date in UTC (what the engine compares the record's dates with)."""
    return datetime.now(UTC).date()


def day(offset: int) -> date:
    """The date ``offset`` days from today."""
    return today() + timedelta(days=offset)


def _spoken(d: date, lang: str) -> str:
    month = _MONTHS[lang].split()[d.month - 1]
    if lang == "en":
        return f"{month} {d.day}"
    if lang == "de":
        return f"{d.day}. {month}"
    if lang == "fr":
        return f"{d.day} {month}"
    return f"{d.day} de {month}"


def expand(value: Any) -> Any:
    """Replace the relative-date placeholders in ``value`` (recursively)."""
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    if not isinstance(value, str):
        return value
    whole = _WHOLE_DATE.match(value)
    if whole:
        d = day(int(whole.group(1)))
        return f"{d.isoformat()}T{whole.group(2)}:00Z" if whole.group(2) else d.isoformat()
    value = _TEXT_DATE.sub(lambda m: _spoken(day(int(m.group(1))), m.group(2)), value)
    return _TEXT_QUARTER.sub(lambda m: f"Q{(day(int(m.group(1))).month - 1) // 3 + 1}", value)


@dataclass(frozen=True)
class Expect:
    """What a manager expects of the message for one record."""

    language: str
    stage: str
    hook: tuple[str, ...] | None = None
    """Offer-relevant words from the record: a message that fits the offer uses one of them."""
    thin: bool = False
    not_before: tuple[date, date] | None = None
    """For a deferral: the window the ``not_before`` date must fall in."""
    audience_unit: str | None = None


@dataclass(frozen=True)
class Case:
    """One golden record: the inputs, the expectation and, optionally, a manager's draft."""

    id: str
    channel: str
    template_key: str
    prospect: dict[str, Any]
    template: dict[str, Any]
    """The tenant's template exactly as the engine receives it."""
    must_keep: tuple[str, ...]
    """Sentences of the template's own copy that the message must keep verbatim."""
    expect: Expect
    manager_draft: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def first_name(self) -> str:
        """The prospect's first name as written in the record."""
        return str(self.prospect["name"]).split()[0]

    @property
    def history(self) -> list[dict[str, Any]]:
        """The record's interaction history."""
        return list(self.prospect.get("interaction_history") or [])

    @property
    def is_dm(self) -> bool:
        """True on the direct-message channels (X, Instagram, TikTok, Facebook)."""
        return self.channel in DM_CHANNELS


@cache
def _templates() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(
        (GOLDEN / "templates.json").read_text(encoding="utf-8")
    )
    return data


def _window(raw: list[str] | None) -> tuple[date, date] | None:
    if not raw:
        return None
    lo, hi = (date.fromisoformat(expand(x)) for x in raw)
    return lo, hi


def load_cases() -> list[Case]:
    """All golden cases, dates expanded relative to today."""
    raw = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
    cases = []
    for item in raw:
        template = copy.deepcopy(_templates()[item["template"]])
        must_keep = tuple(template.get("must_keep", ()))
        for key in EVAL_ONLY_TEMPLATE_KEYS:
            template.pop(key, None)
        exp = item["expect"]
        cases.append(
            Case(
                id=item["id"],
                channel=item["channel"],
                template_key=item["template"],
                prospect=expand(item["prospect"]),
                template=template,
                must_keep=must_keep,
                expect=Expect(
                    language=exp["language"],
                    stage=exp["stage"],
                    hook=tuple(exp["hook"]) if exp.get("hook") else None,
                    thin=bool(exp.get("thin")),
                    not_before=_window(exp.get("not_before")),
                    audience_unit=exp.get("audience_unit"),
                ),
                manager_draft=expand(item.get("manager_draft")),
            )
        )
    return cases
