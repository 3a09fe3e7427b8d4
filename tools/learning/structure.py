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
- a request to send (again) the program as a whole is asking for the details;
- a call asked for or accepted (a meeting no negation refuses) dominates details, a question or
  thanks;
- thanks and agreement words with nothing else left is an acknowledgement, not a request;
- an invitation to come back ("write me again next year") limits a decline in time, like "later";
- a question about the terms beside what holds them back ("is it exclusive? we already work with
  others") is a question, unless they also refuse plainly;
- an ask to resume the conversation at a named time ("volvamos a hablar a mediados de enero") is a
  deferral, not thanks or a call now;
- a question about their audience or our buyers ("who buys your collars?") is a question;
- laughter at the timing ("lol sunscreen in december") is no deferral: a person reads it.

Each class names, in the data, the intents it may change and the one it gives (``Shift``).

``refine`` takes the phrase rules' intent and the folded text and returns the intent these
structures give, with the reason; it never touches an opt-out (those are read before).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ipe.addresses import find_addresses
from ipe.tools.learning.intent import negated_clause, recounts_past
from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import UNCLEAR, get, resolve
from ipe.tools.text.folding import fold

_SENTENCE = re.compile(r"[.;!?]+(?=\s|$)|\n+")
"""A sentence ends at a stop, a question or an exclamation mark before a space, or at a line
break ("jo@studio.example" and "15.5%" stay whole)."""


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
    call_shift: Shift
    meeting: re.Pattern[str]
    meeting_refused: re.Pattern[str]
    thanks_shift: Shift
    thanks: re.Pattern[str]
    thanked: re.Pattern[str]
    agree: re.Pattern[str]
    leftover: int
    asks_first_shift: Shift
    terms: re.Pattern[str]
    refusal: re.Pattern[str]
    handover_shift: Shift
    holder: re.Pattern[str]
    resume_shift: Shift
    resume: re.Pattern[str]
    fit_shift: Shift
    audience: re.Pattern[str]
    mock_shift: Shift
    laughter: re.Pattern[str]


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
        for key in (
            "months",
            "seasons",
            "holidays",
            "weekdays",
            "quarter_words",
            "month_end",
            "later_this_month",
        ):
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
        call_shift=_shift(raw["call"]),
        meeting=_any([*raw["call"]["meeting"], *raw["call"]["medium"]]),
        meeting_refused=re.compile(raw["call"]["refused_after"]),
        thanks_shift=_shift(raw["thanks"]),
        thanks=re.compile(raw["thanks"]["thanks"]),
        thanked=re.compile(raw["thanks"]["thanked"]),
        agree=_any(raw["thanks"]["agree"]),
        leftover=int(raw["thanks"]["leftover"]),
        asks_first_shift=_shift(raw["asks_first"]),
        terms=re.compile(raw["asks_first"]["terms"]),
        refusal=re.compile(raw["asks_first"]["refusal"]),
        handover_shift=_shift(raw["handover"]),
        holder=re.compile(raw["handover"]["holder"]),
        resume_shift=_shift(raw["resume"]),
        resume=_any(raw["resume"]["resume"]),
        fit_shift=_shift(raw["fit_question"]),
        audience=re.compile(raw["fit_question"]["audience"]),
        mock_shift=_shift(raw["mock_time"]),
        laughter=re.compile(raw["mock_time"]["laughter"]),
    )


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (``_SENTENCE``), empty ones left out."""
    return [part for part in _SENTENCE.split(text) if part.strip()]


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
    if intent in s.later_shift.strict:  # "later", an invitation to come back, or now + a time
        invited = _later(clean) or _later(clean, s.again)
        return invited or (now and bool(s.named_time.search(clean)))
    asked = _later(clean, s.again)  # "try me again", not "I'll look at it later"
    return _timed(clean) or (asked and (now or bool(s.named_time.search(clean))))


def counter_offer(clean: str) -> bool:
    """True when one sentence states a figure in a proposing frame."""
    s = structure()
    return any(
        s.figure.search(part) and s.frame.search(part)
        for part in [*sentences(clean), clean]
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
    return any(s.send_verb.search(p) and s.send_object.search(p) for p in sentences(clean))


def _clause_start(clean: str, start: int) -> int:
    """Where the clause holding ``clean[start]`` begins (after the last , . ; : ! ? or line)."""
    breaks = [clean.rfind(mark, 0, start) for mark in ",.;:!?\n"]
    return max(breaks) + 1


def call_request(clean: str) -> bool:
    """True when a meeting is asked for or accepted: no negation refuses it, before or after.

    The negators are the intent rules' ("no need for a call", "I'd rather read than hop on a
    call", "pas besoin d'appel"), read in the meeting's own clause; a refusal right after it
    ("a call isn't necessary") and a sentence that recounts the past ("we had a call in May")
    count as no request.
    """
    s = structure()
    for m in s.meeting.finditer(clean):
        if negated_clause(clean[_clause_start(clean, m.start()) : m.start()]):
            continue
        if s.meeting_refused.search(clean[m.end() :]):
            continue
        if recounts_past(clean, m.start(), m.end(), "en"):
            continue
        return True
    return False


def bare_thanks(clean: str) -> bool:
    """True when the reply thanks or agrees and asks for nothing: no "?", no words left over.

    Its thanks (with what they thank for), words of agreement and symbols are taken out; at most
    ``leftover`` words may remain (a name: "thanks Dan").
    """
    s = structure()
    if "?" in clean or not s.thanks.search(clean):
        return False
    rest = s.agree.sub(" ", s.thanked.sub(" ", clean))
    return len(re.findall(r"[^\W\d_]+", rest)) <= s.leftover


def asks_before_deciding(clean: str) -> bool:
    """True when a sentence asks about the offer's terms ("is it exclusive?") and none refuses."""
    s = structure()
    if s.refusal.search(clean):
        return False
    asked = re.findall(r"[^.!?\n]*\?", clean)
    return any(s.terms.search(sentence) for sentence in asked)


def handed_over(clean: str) -> bool:
    """True when a sentence gives an e-mail address and names a person of theirs who holds it.

    "I don't do partnerships any more; our new manager Priya Nair does: priya@loomwork.example":
    the address and "our new manager" share a sentence, so the decline is theirs and the work is
    someone else's now.
    """
    s = structure()
    return any(
        find_addresses(sentence) and s.holder.search(sentence) for sentence in sentences(clean)
    )


def resumes(clean: str) -> bool:
    """True when they ask to resume the conversation at a named time, with no clock time."""
    s = structure()
    return bool(s.resume.search(clean) and s.named_time.search(clean) and not s.clock.search(clean))


def fit_question(clean: str) -> bool:
    """True when a question names their audience or our buyers and nothing asks for the details."""
    s = structure()
    asked = re.findall(r"[^.!?\n]*\?", clean)
    return any(s.audience.search(q) for q in asked) and not send_request(clean)


def mocks_time(clean: str) -> bool:
    """True when laughter sits beside a time word and nothing asks to wait or come back."""
    s = structure()
    return bool(
        s.laughter.search(clean)
        and not s.now.search(clean)
        and not _later(clean)
        and not _later(clean, s.again)
    )


def away(clean: str) -> bool:
    """True when the reply says they are away and will answer later."""
    s = structure()
    return bool(s.absence.search(clean) and s.promise.search(clean))


def _checks() -> list[tuple[Shift, Callable[[str], bool], str]]:
    """The classes read on the folded text, in the order they win: (shift, test, reason)."""
    s = structure()
    return [
        (
            s.mock_shift,
            mocks_time,
            "laughter beside a time word, no wait asked for: a person reads it",
        ),
        (s.resume_shift, resumes, "an ask to resume the conversation at a named time: a deferral"),
        (s.asks_shift, asks_only, "a question about what we offer, stating no terms of theirs"),
        (s.counter_shift, counter_offer, "a figure in a proposing frame: their own terms"),
        (s.call_shift, call_request, "a call asked for or accepted: it dominates details"),
        (s.thanks_shift, bare_thanks, "thanks or agreement with nothing asked: acknowledged"),
        (s.handover_shift, handed_over, "someone of theirs takes it on, with an address"),
        (s.asks_first_shift, asks_before_deciding, "a question about the terms before deciding"),
        (s.send_shift, send_request, "a request to send the program as a whole: the details"),
        (s.fit_shift, fit_question, "a question about their audience or our buyers: a question"),
        (s.away_shift, away, "away, with a promise to answer later: an auto-reply"),
        (s.own_plan_shift, own_plan, "their own plan to read it later, no wait asked for"),
    ]


def refine(intent: str | None, clean: str, raw: str) -> tuple[str | None, str | None]:
    """The intent the reply's structure gives over the phrase rules' ``intent``, and why.

    ``clean`` is the folded text the rules read, ``raw`` the text as written (for emoji).
    Returns ``(intent, None)`` when nothing changes.
    """
    s = structure()
    if s.sarcasm_shift.applies(intent) and (s.sarcasm.search(raw) or s.sarcasm.search(clean)):
        return s.sarcasm_shift.target, "an ironic marker over a warm reading: a person reads it"
    for shift, test, why in _checks():
        if shift.applies(intent) and test(clean):
            return shift.target, why
    if not_now(intent, clean):
        why = "a refusal or reply limited in time (not now / later / after a date)"
        return s.later_shift.target, why
    if s.booked_shift.applies(intent) and s.clock.search(clean) and not s.now.search(clean):
        if intent in s.booked_shift.strict or s.booking.search(clean):
            return s.booked_shift.target, "a clock time names a meeting, not a wait"
    return intent, None
