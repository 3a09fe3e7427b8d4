"""Register: whether a message addresses the person formally (Sie, usted) or informally (du, tú).

The register comes from, first that says: how the person writes to us (their inbound messages,
latest first), how we already wrote to them (our outbound messages, latest first: we keep it),
the record (``preferences.formality`` or ``register``, else ``preferences.tone``), then the
channel's default for the language. The cues and defaults are data in the language's own bank
(``[register]`` of ``prompts/phrases/<lang>/message.toml``; the record's words common to every
language are in ``tools/policies/register.toml``); a language whose bank has no ``[register]``
has one register (its bank's). The drafter lays the bank's overlay for the register
(``prompts/phrases/<lang>/formal.toml``) over the base bank.

``salutation`` is how a formal greeting names the person where the bank's greeting asks for it
(``{salutation}``, German): "Frau Vogelsang" when a message of the history already called them
that (a title of the bank's ``salutation_titles``), else their full name; empty without a surname.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from ipe.domain import Interaction, Prospect
from ipe.packs import load_pack
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.channel.formatting import first_name

Register = Literal["formal", "informal"]


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
def _specs() -> dict[str, dict[str, Any]]:
    """Each two-register language's ``[register]`` table, from its phrase bank."""
    tables = {lang: load_bank(f"{lang}/message").get("register") for lang in LANGUAGES}
    return {lang: table for lang, table in tables.items() if table}


@cache
def _record_words(register: Register) -> frozenset[str]:
    """A record's words for ``register``: the policy's, and each bank's (``record``)."""
    words = [*_policy()["record"][register]]
    for spec in _specs().values():
        words += spec.get("record", {}).get(register, [])
    return frozenset(str(w).lower() for w in words)


@cache
def _cues(language: str) -> dict[Register, tuple[re.Pattern[str], ...]]:
    spec = _specs()[language]
    return {
        "formal": tuple(re.compile(p) for p in spec["formal"]),
        "informal": tuple(re.compile(p) for p in spec["informal"]),
    }


def languages() -> tuple[str, ...]:
    """The languages whose message may be written in either register."""
    return tuple(_specs())


def base_register(language: str) -> Register | None:
    """The register of the language's base bank (``None``: the language has only one)."""
    spec = _specs().get(language)
    return spec["base"] if spec else None


def overlay(language: str, register: str | None) -> str | None:
    """The bank overlay (``<lang>/<register>``) to lay over the base bank, if any."""
    spec = _specs().get(language)
    if spec is None or register is None or register != spec["overlay"]:
        return None
    return f"{language}/{register}"


def register_note(language: str, register: str | None) -> str:
    """The prompt's words for the register (", addressing them formally (Sie)"), or ''."""
    spec = _specs().get(language)
    if spec is None or register not in ("formal", "informal"):
        return ""
    return f", addressing them {register}ly ({spec['forms'][register]})"


def detect_register(text: str, language: str) -> Register | None:
    """The register ``text`` addresses its reader in, from pronoun and verb-form cues.

    More formal cues than informal ones is formal, and the other way round; a tie or no cue is
    ``None``. Only languages listed in the policy are read.
    """
    if language not in _specs() or not text.strip():
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
    if word in _record_words("formal"):
        return "formal"
    if word in _record_words("informal"):
        return "informal"
    return None


def channel_register(language: str, channel: str) -> Register | None:
    """The language's default register on ``channel`` (e-mail and LinkedIn: Sie in German)."""
    spec = _specs().get(language)
    if spec is None:
        return None
    defaults: dict[str, str] = spec["channels"]
    chosen = defaults.get(channel, defaults.get("default"))
    return "formal" if chosen == "formal" else "informal" if chosen == "informal" else None


def _latest_first(history: Sequence[Interaction], direction: str) -> list[Interaction]:
    items = [h for h in history if h.direction == direction and str(h.text).strip()]
    return sorted(items, key=lambda h: h.at or "", reverse=True)


@cache
def _salutation(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The pattern of a title before a surname, and how we write each title (the bank's)."""
    titles: dict[str, str] = _specs().get(language, {}).get("salutation_titles", {})
    if not titles:
        return None
    either = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    return re.compile(rf"\b({either})\s+(?:Dr\.\s+)?([^\W\d_][\w'-]+)"), titles


def salutation(prospect: Prospect, language: str) -> str:
    """The name a formal greeting of ``language`` uses ('' without a surname or titles).

    "Frau Vogelsang" where a message of the history called them so (a title of the bank's
    ``salutation_titles``), else the full name; '' for a language whose bank names no titles.
    """
    found = _salutation(language)
    parts = str(prospect.name).replace(",", " ").split()
    if found is None or len(parts) < 2:
        return ""
    pattern, titles = found
    surname = parts[-1]
    for item in prospect.interaction_history:
        for title, name in pattern.findall(str(item.text)):
            if name == surname and name[:1].isupper():
                return f"{titles[title]} {surname}"
    return " ".join(parts)


Gender = Literal["feminine", "masculine"]


def reader_gender(prospect: Prospect | None, language: str) -> Gender | None:
    """The grammatical gender a formal address needs in ``language`` (Polish Pan or Pani).

    Read from the first name by the bank's rule (``[register] gender``: the feminine endings
    and the masculine names that end so all the same); None where the bank has no such rule or
    the record has no first name to read.
    """
    rule = _specs().get(language, {}).get("gender")
    name = str(prospect.name).strip() if prospect else ""
    first = "" if name.startswith("@") else first_name(name)
    if not rule or not first[:1].isupper():  # a handle or a lower-case nickname is no name
        return None
    first = first.lower()
    if first in rule.get("masculine_names", []):
        return "masculine"
    return "feminine" if first.endswith(tuple(rule["feminine_endings"])) else "masculine"


def _needs_gender(choice: RegisterChoice, prospect: Prospect, language: str) -> RegisterChoice:
    """``choice``, or the base register where its overlay needs a gender no first name gives."""
    spec = _specs().get(language, {})
    if choice.register != spec.get("overlay") or "gender" not in spec:
        return choice
    if reader_gender(prospect, language) is not None:
        return choice
    base: Register = spec["base"]
    why = (
        f"register: {base} ({choice.reason.removeprefix('register: ')} asks {choice.register}, "
        f"which needs {spec['forms'][choice.register]} and the record has no first name to "
        "tell which)"
    )
    return RegisterChoice(base, why, choice.salutation)


def choose_register(
    prospect: Prospect,
    language: str,
    channel: str,
    history: Sequence[Interaction] | None = None,
) -> RegisterChoice:
    """The register of a message to ``prospect`` in ``language`` on ``channel``, with its reason.

    ``history``: every message between us, the record's and this tenant's sent ones with their
    replies (default: the record's ``interaction_history``). An overlay that needs the reader's
    gender (Polish Pan/Pani) is kept only where the first name tells it.
    """
    return _needs_gender(_choose(prospect, language, channel, history), prospect, language)


def _choose(
    prospect: Prospect,
    language: str,
    channel: str,
    history: Sequence[Interaction] | None,
) -> RegisterChoice:
    """``choose_register`` before the gender check."""
    if language not in _specs():
        return RegisterChoice(None)
    salutation_ = salutation(prospect, language)
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
