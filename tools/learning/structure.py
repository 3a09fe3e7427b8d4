"""Readings that depend on how a reply is built, not on one phrase (``reply_structure.toml``).

The phrase rules (``intent.py``) score each intent's cues; some intents are a combination of two
parts of a reply, in every language at once:

- a refusal limited in time ("not now" + "in spring", "later") is a deferral;
- a figure stated in a proposing frame ("I'll do it for 15%", "faço por R$ 500") is a counter-offer;
- an absence with a promise to answer later is an out-of-office reply;
- a question about what we offer that states no terms of theirs is a question, not a counter;
- their own plan to read it later is thanks, not a deferral;
- an ironic marker turns a warm reading into ``unclear`` (a person reads it);
- a clock time names a meeting, so a "deferral" that gives one is a call being booked;
- a request to send (again) the program as a whole is asking for the details.

Each class names, in the data, the intents it may change and the one it gives (``Shift``).

``refine`` takes the phrase rules' intent and the folded text and returns the intent these
structures give, with the reason; it never touches an opt-out (those are read before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import UNCLEAR, get, resolve
from ipe.tools.text.folding import fold

_SENTENCE = re.compile(r"[.;!?\n]+")


@dataclass(frozen=True)
class Shift:
    """One class: the intents it may change and the intent it gives."""

    sources: frozenset[str]
    target: str
    strict: frozenset[str] = frozenset()
    """Intents for which the class's weaker evidence is enough (``strict``/``alone``)."""

    def applies(self, intent: str | None) -> bool:
        """True when ``intent`` (``None``: no rule read the reply) may be changed."""
        return (intent or UNCLEAR) in self.sources


@dataclass(frozen=True)
class Structure:
    """The compiled ``reply_structure.toml``."""

    later_shift: Shift
    counter_shift: Shift
    away_shift: Shift
    sarcasm_shift: Shift
    booked_shift: Shift
    asks_shift: Shift
    own_plan_shift: Shift
    now: re.Pattern[str]
    later: re.Pattern[str]
    again: re.Pattern[str]
    refused: re.Pattern[str]
    named_time: re.Pattern[str]
    after_word: re.Pattern[str]
    figure: re.Pattern[str]
    frame: re.Pattern[str]
    absence: re.Pattern[str]
    promise: re.Pattern[str]
    sarcasm: re.Pattern[str]
    clock: re.Pattern[str]
    booking: re.Pattern[str]
    asks: re.Pattern[str]
    counter_words: re.Pattern[str]
    own_plan: re.Pattern[str]
    send_shift: Shift
    send_verb: re.Pattern[str]
    send_object: re.Pattern[str]


def _shift(spec: dict[str, Any], weaker: str | None = None) -> Shift:
    names = [*spec["from"], spec["to"], *(spec.get(weaker, []) if weaker else [])]
    for name in names:
        if resolve(name) is None:
            raise ValueError(f"reply_structure.toml: {name!r} is not in intents.toml")
    return Shift(
        frozenset(get(n).name for n in spec["from"]),
        get(spec["to"]).name,
        frozenset(get(n).name for n in (spec.get(weaker, []) if weaker else [])),
    )


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _words(words: dict[str, Any] | list[str] | None) -> list[str]:
    return [fold(str(w)).text for w in (words or [])]


def _alt(words: list[str]) -> str:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in ordered) + ")"


@cache
def structure() -> Structure:
    """The parsed structure data, with the named times of ``deferrals.toml``."""
    raw = load_pack("reply_structure")
    times = load_pack("deferrals")
    names: list[str] = []
    for spec in times["languages"].values():
        for key in ("months", "seasons", "holidays", "weekdays", "quarter_words"):
            names += _words(spec.get(key))
        # everyday words that are also months ("may", "marca"): not a named time on their own
        names = [n for n in names if n not in _words(spec.get("needs_cue"))]
    after = _words(times["modifiers"]["after"]) + _words(times["modifiers"]["until"])
    named = (
        rf"(?<!\w){_alt(names)}(?!\w)|\b\d{{1,2}}[./]\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th|er)\b"
        r"|\bq[1-4]\b|\b(?:in|within|en|em|dans|dentro de|daqui a)\s+(?:\w+\s+)?\d{1,2}\s+\w+"
    )
    return Structure(
        later_shift=_shift(raw["later"], "strict"),
        counter_shift=_shift(raw["counter"]),
        away_shift=_shift(raw["away"]),
        sarcasm_shift=_shift(raw["sarcasm"]),
        booked_shift=_shift(raw["appointment"], "alone"),
        asks_shift=_shift(raw["asks"]),
        own_plan_shift=_shift(raw["own_plan"]),
        now=_any(raw["later"]["now"]),
        later=_any(raw["later"]["later"]),
        again=_any(raw["later"]["again"]),
        refused=re.compile(raw["later"]["refused"]),
        named_time=re.compile(named),
        after_word=re.compile(rf"(?<!\w){_alt(after)}(?!\w)[\s\w']{{0,12}}$"),
        figure=_any(raw["counter"]["figure"]),
        frame=_any(raw["counter"]["frame"]),
        absence=_any(raw["away"]["absence"]),
        promise=_any(raw["away"]["promise"]),
        sarcasm=_any(raw["sarcasm"]["patterns"]),
        clock=re.compile(raw["appointment"]["clock"]),
        booking=_any(raw["appointment"]["booking"]),
        asks=_any(raw["asks"]["question"]),
        counter_words=re.compile(raw["asks"]["counter_words"]),
        own_plan=_any(raw["own_plan"]["patterns"]),
        send_shift=_shift(raw["send"]),
        send_verb=re.compile(raw["send"]["verbs"]),
        send_object=re.compile(raw["send"]["objects"]),
    )


def _later(clean: str, pattern: re.Pattern[str] | None = None) -> bool:
    s = structure()
    found = (pattern or s.later).finditer(clean)
    return any(not s.refused.search(clean[: m.start()]) for m in found)


def _timed(clean: str) -> bool:
    """A named time after an "after"/"until" word ("después de Reyes", "bis März")."""
    s = structure()
    return any(s.after_word.search(clean[: m.start()]) for m in s.named_time.finditer(clean))


def not_now(intent: str | None, clean: str) -> bool:
    """True when a refusal, thanks, or a reply with no clear intent is limited in time."""
    s = structure()
    if not s.later_shift.applies(intent):
        return False
    now = bool(s.now.search(clean))
    if intent in s.later_shift.strict:
        return _later(clean) or (now and bool(s.named_time.search(clean)))
    asked = _later(clean, s.again)  # "try me again", not "I'll look at it later"
    return _timed(clean) or (asked and (now or bool(s.named_time.search(clean))))


def counter_offer(clean: str) -> bool:
    """True when one sentence states a figure in a proposing frame."""
    s = structure()
    return any(
        s.figure.search(part) and s.frame.search(part)
        for part in _SENTENCE.split(clean) + [clean]
        if len(part) < 400
    )


def asks_only(clean: str) -> bool:
    """True when the reply asks us something and states no figure and no counter word."""
    s = structure()
    return bool(
        s.asks.search(clean) and not s.figure.search(clean) and not s.counter_words.search(clean)
    )


def own_plan(clean: str) -> bool:
    """True when "later" is only their plan to read it: no refusal now, no ask, no named time."""
    s = structure()
    return bool(
        s.own_plan.search(clean)
        and not s.now.search(clean)
        and not _later(clean, s.again)
        and not s.named_time.search(clean)
    )


def send_request(clean: str) -> bool:
    """True when one sentence asks us to send the program as a whole (verb and object in it)."""
    s = structure()
    return any(s.send_verb.search(p) and s.send_object.search(p) for p in _SENTENCE.split(clean))


def away(clean: str) -> bool:
    """True when the reply says they are away and will answer later."""
    s = structure()
    return bool(s.absence.search(clean) and s.promise.search(clean))


def refine(intent: str | None, clean: str, raw: str) -> tuple[str | None, str | None]:
    """The intent the reply's structure gives over the phrase rules' ``intent``, and why.

    ``clean`` is the folded text the rules read, ``raw`` the text as written (for emoji).
    Returns ``(intent, None)`` when nothing changes.
    """
    s = structure()
    if s.sarcasm_shift.applies(intent) and (s.sarcasm.search(raw) or s.sarcasm.search(clean)):
        return s.sarcasm_shift.target, "an ironic marker over a warm reading: a person reads it"
    if s.asks_shift.applies(intent) and asks_only(clean):
        return s.asks_shift.target, "a question about what we offer, stating no terms of theirs"
    if s.counter_shift.applies(intent) and counter_offer(clean):
        why = "a figure in a proposing frame: their own terms (counter-offer)"
        return s.counter_shift.target, why
    if s.send_shift.applies(intent) and send_request(clean):
        return s.send_shift.target, "a request to send the program as a whole: the details"
    if s.away_shift.applies(intent) and away(clean):
        return s.away_shift.target, "away, with a promise to answer later: an auto-reply"
    if s.own_plan_shift.applies(intent) and own_plan(clean):
        return s.own_plan_shift.target, "their own plan to read it later, no wait asked for"
    if not_now(intent, clean):
        why = "a refusal or reply limited in time (not now / later / after a date)"
        return s.later_shift.target, why
    if s.booked_shift.applies(intent) and s.clock.search(clean) and not s.now.search(clean):
        if intent in s.booked_shift.strict or s.booking.search(clean):
            return s.booked_shift.target, "a clock time names a meeting, not a wait"
    return intent, None
