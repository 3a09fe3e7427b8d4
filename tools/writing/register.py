"""Register: whether a message addresses the person formally (Sie, usted) or informally (du, tú).

The register comes from, first that says: how the person writes to us (their inbound messages,
latest first), how we already wrote to them (our outbound messages, latest first: we keep it),
the record (``preferences.formality`` or ``register``, else ``preferences.tone``), then the
channel's default for the language. The cues and defaults are data
(``tools/policies/register.toml``); a language with no entry there has one register (its
bank's). The drafter lays the bank's overlay for the register
(``prompts/phrases/<lang>/formal.toml``) over the base bank.

``salutation`` is how a formal German greeting names the person: "Frau Vogelsang" when a message
of the history already called them that, else their full name; empty without a surname.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from ipe.domain import Interaction, Prospect
from ipe.packs import load_pack

Register = Literal["formal", "informal"]

_SALUTATION = re.compile(r"\b(Frau|Herrn?)\s+(?:Dr\.\s+)?([A-ZÄÖÜ][\w'-]+)")


@dataclass(frozen=True)
class RegisterChoice:
    """The register a message is written in, and the one-line reason for it."""

    register: Register | None
    """``None`` where the language has one register (no choice to make)."""
    reason: str = ""
    salutation: str = ""


@cache
def _policy() -> dict[str, Any]:
    return load_pack("register")


@cache
def _cues(language: str) -> dict[Register, tuple[re.Pattern[str], ...]]:
    spec = _policy()["languages"][language]
    return {
        "formal": tuple(re.compile(p) for p in spec["formal"]),
        "informal": tuple(re.compile(p) for p in spec["informal"]),
    }


def languages() -> tuple[str, ...]:
    """The languages whose message may be written in either register."""
    return tuple(_policy()["languages"])


def base_register(language: str) -> Register | None:
    """The register of the language's base bank (``None``: the language has only one)."""
    spec = _policy()["languages"].get(language)
    return spec["base"] if spec else None


def overlay(language: str, register: str | None) -> str | None:
    """The bank overlay (``<lang>/<register>``) to lay over the base bank, if any."""
    spec = _policy()["languages"].get(language)
    if spec is None or register is None or register != spec["overlay"]:
        return None
    return f"{language}/{register}"


def register_note(language: str, register: str | None) -> str:
    """The prompt's words for the register (", addressing them formally (Sie)"), or ''."""
    spec = _policy()["languages"].get(language)
    if spec is None or register not in ("formal", "informal"):
        return ""
    return f", addressing them {register}ly ({spec['forms'][register]})"


def detect_register(text: str, language: str) -> Register | None:
    """The register ``text`` addresses its reader in, from pronoun and verb-form cues.

    More formal cues than informal ones is formal, and the other way round; a tie or no cue is
    ``None``. Only languages listed in the policy are read.
    """
    if language not in _policy()["languages"] or not text.strip():
        return None
    cues = _cues(language)
    formal = sum(len(p.findall(text)) for p in cues["formal"])
    informal = sum(len(p.findall(text)) for p in cues["informal"])
    if formal > informal:
        return "formal"
    if informal > formal:
        return "informal"
    return None


def record_register(value: str | None) -> Register | None:
    """A record's stated preference ("formal", "Sie", "casual", "du"...) as a register."""
    word = (value or "").strip().lower()
    table = _policy()["record"]
    if word in table["formal"]:
        return "formal"
    if word in table["informal"]:
        return "informal"
    return None


def channel_register(language: str, channel: str) -> Register | None:
    """The language's default register on ``channel`` (e-mail and LinkedIn: Sie in German)."""
    spec = _policy()["languages"].get(language)
    if spec is None:
        return None
    defaults: dict[str, str] = spec["channels"]
    chosen = defaults.get(channel, defaults.get("default"))
    return "formal" if chosen == "formal" else "informal" if chosen == "informal" else None


def _latest_first(history: Sequence[Interaction], direction: str) -> list[Interaction]:
    items = [h for h in history if h.direction == direction and str(h.text).strip()]
    return sorted(items, key=lambda h: h.at or "", reverse=True)


def salutation(prospect: Prospect) -> str:
    """The name a formal German greeting uses ('' without a surname).

    "Frau Vogelsang" where a message of the history called them so, else the full name.
    """
    parts = str(prospect.name).replace(",", " ").split()
    if len(parts) < 2:
        return ""
    surname = parts[-1]
    for item in prospect.interaction_history:
        for title, name in _SALUTATION.findall(str(item.text)):
            if name == surname:
                return f"{'Herr' if title.startswith('Herr') else title} {surname}"
    return " ".join(parts)


def choose_register(
    prospect: Prospect,
    language: str,
    channel: str,
    history: Sequence[Interaction] | None = None,
) -> RegisterChoice:
    """The register of a message to ``prospect`` in ``language`` on ``channel``, with its reason.

    ``history``: every message between us, the record's and this tenant's sent ones with their
    replies (default: the record's ``interaction_history``).
    """
    if language not in _policy()["languages"]:
        return RegisterChoice(None)
    salutation_ = salutation(prospect) if language == "de" else ""
    history = prospect.interaction_history if history is None else history
    for direction, whose in (("inbound", "they write to us"), ("outbound", "we wrote to them")):
        for item in _latest_first(history, direction):
            found = detect_register(str(item.text), language)
            if found is not None:
                return RegisterChoice(found, f"register: {found} ({whose} so)", salutation_)
    prefs = prospect.preferences
    for field, value in (("formality", prefs.formality), ("tone", prefs.tone)):
        found = record_register(value)
        if found is not None:
            why = f"register: {found} (the record's preferences.{field} is '{value}')"
            return RegisterChoice(found, why, salutation_)
    found = channel_register(language, channel)
    if found is None:
        return RegisterChoice(None)
    return RegisterChoice(found, f"register: {found} (the default on {channel})", salutation_)
