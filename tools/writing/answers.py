"""What an answer to a reply may say: the question's topics, the template's answers, a contact.

The offline drafter writes each intent's answer from the phrase banks; this module gives it the
substance: which topics a question asks about and whether the template (its offer terms and
approved claims, ``tools/policies/questions.toml``) answers each; the contact a referral names;
the times a call could take place. Nothing here invents a term: an unanswered topic is reported
so the message goes to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel import UnknownLocaleError
from babel.dates import get_day_names

from ipe.addresses import find_addresses
from ipe.domain import Relationship, Template
from ipe.tools.learning.intent import normalise, rules, score_folded, stopword_language
from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import get as get_intent
from ipe.tools.text.folding import fold

_NAME = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)?)\s*[(<:,]?\s*$")


@dataclass(frozen=True)
class Answers:
    """A question's topics: those the template answers (with its wording), and the others."""

    answered: dict[str, str]
    """Topic -> the template's wording that answers it (a term or an approved claim)."""
    unanswered: tuple[str, ...]


@cache
def _topics() -> dict[str, dict[str, object]]:
    return dict(load_pack("questions")["topics"])


_SENTENCES = re.compile(r"[^.!?]+[.!?]*")


def asked_part(text: str) -> str:
    """``text`` without the sentences that tell about their own things ("My audience...").

    "How long is the cookie? My audience signs up a month later." asks about the cookie only: a
    topic word in a sentence that opens on their own possessive (``[telling] openers``) is no
    question about it.
    """
    openers = {str(w) for w in load_pack("questions")["telling"]["openers"]}
    kept = []
    for sentence in _SENTENCES.findall(text):
        first = fold(sentence.strip()).text.split(" ", 1)[0]
        if "?" in sentence or first not in openers:
            kept.append(sentence.strip())
    return " ".join(kept) or text


def topics_of(question: str) -> list[str]:
    """The topics ``question`` asks about (in ``questions.toml`` order), in its asking sentences."""
    text = fold(asked_part(question)).text
    found: dict[str, set[str]] = {}
    for name, spec in _topics().items():
        asks = [str(a) for a in spec["asks"]]  # type: ignore[attr-defined]
        said = {a for a in asks if re.search(r"(?<!\w)" + re.escape(a), text)}
        if said:
            found[name] = said
    for name, said in list(found.items()):  # "when is the commission paid out?" asks a payout
        spec = _topics()[name]
        generic = {str(w) for w in spec.get("generic", [])}  # type: ignore[attr-defined]
        others = {str(w) for w in spec.get("yields_to", [])}  # type: ignore[attr-defined]
        if said <= generic and others & found.keys():
            del found[name]
    return list(found)


def answer_kind(topic: str) -> str:
    """Which part of the template answers ``topic`` (``commission``, ``cookie``, ``sample``...).

    A topic not in ``questions.toml`` (``CLAIM``: a claim that shares the question's words) is
    answered by an approved claim.
    """
    spec = _topics().get(topic)
    return str(spec["answer"]) if spec else "claims"


CLAIM = "approved claim"
"""The topic of a question no listed topic covers, answered by the claim sharing its words."""
_WORDS = re.compile(r"[^\W\d_]+")


@cache
def _overlap() -> tuple[int, frozenset[str]]:
    spec = load_pack("questions")["overlap"]
    return int(spec["min_shared"]), frozenset(str(w) for w in spec["stopwords"])


def _content(text: str) -> set[str]:
    """The content words of ``text``: folded, plural "s" dropped, no short or common words."""
    _, stop = _overlap()
    words = _WORDS.findall(fold(text).text)
    return {w[:-1] if w.endswith("s") else w for w in words if len(w) >= 4 and w not in stop}


def claim_sharing(question: str, template: Template) -> str | None:
    """The approved claim that shares the most content words with ``question`` (enough of them)."""
    least, _ = _overlap()
    asked = _content(question)
    best, shared = None, 0
    for claim in template.approved_claims:
        count = len(asked & _content(str(claim)))
        if count >= least and count > shared:
            best, shared = str(claim), count
    return best


def _claim_for(template: Template, words: list[str]) -> str | None:
    for claim in template.approved_claims:
        folded = fold(claim).text
        if any(w in folded for w in words):
            return str(claim)
    return None


def answer(question: str, template: Template) -> Answers:
    """Which of the question's topics the template answers, and with what wording."""
    offer = template.offer
    answered: dict[str, str] = {}
    missing: list[str] = []
    for topic in topics_of(question):
        spec = _topics()[topic]
        kind = str(spec["answer"])
        text: str | None = None
        if kind == "commission" and offer.commission:
            text = str(offer.commission)
        elif kind == "cookie" and offer.cookie_days:
            text = str(offer.cookie_days)
        elif kind == "sample":
            text = next((str(p) for p in offer.perks if "sample" in p.lower()), None)
            text = text or _claim_for(template, ["sample", "muestra", "amostra", "echantillon"])
        elif kind == "claims":
            text = _claim_for(template, [str(w) for w in spec.get("claim_words", [])])  # type: ignore[attr-defined]
        if text:
            answered[topic] = text
        else:
            missing.append(topic)
    shared = claim_sharing(question, template) if missing or not answered else None
    if shared and shared not in answered.values():
        answered[CLAIM] = shared  # a listed topic it does not answer stays open for a person
    return Answers(answered, tuple(missing))


def unanswered(relationship: Relationship | None, template: Template) -> tuple[str, ...]:
    """The topics of their question the template cannot answer (empty when it is no question)."""
    if relationship is None or not relationship.asked_for:
        return ()
    found = answer(str(relationship.asked_for), template)
    if not found.answered and not found.unanswered:
        return ("their question",)  # a question about nothing the template covers
    return found.unanswered


def reply_review(relationship: Relationship | None, template: Template) -> str | None:
    """Why a person answers their question: the topics the template does not answer, quoted."""
    if relationship is None or not relationship.intent:
        return None
    if get_intent(relationship.intent).action != "answer_question":
        return None
    missing = unanswered(relationship, template)
    if not missing:
        return None
    return (
        f"the template's terms and approved claims do not answer their question "
        f"({', '.join(missing)}): '{relationship.asked_for}'"
    )


@dataclass(frozen=True)
class Contact:
    """The person a referral names."""

    name: str | None
    email: str | None


def referred_contact(text: str) -> Contact:
    """The contact a referral names: an e-mail address and the capitalised name before it."""
    found = find_addresses(text)
    match = found[0] if found else None
    email = match.group() if match else None
    name = None
    if match:
        before = _NAME.search(text[: match.start()].rstrip(" ([<:,"))
        name = before.group(1) if before else None
    return Contact(name, email)


def call_slots(zone: str | None, send_at: str | None, *, count: int = 2) -> list[datetime]:
    """``count`` call times in the prospect's zone: their next send-window slot, then a day apart.

    ``send_at`` is the context's next slot (ISO 8601); weekends are skipped.
    """
    if not send_at or not zone:
        return []
    try:
        first = datetime.fromisoformat(send_at).astimezone(ZoneInfo(zone))
    except (ValueError, KeyError):
        return []
    first = first.replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    out: list[datetime] = []
    day = first
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


_CLAUSE = re.compile(r"[,;.!?]|\b(?:so|but|because|por isso|pero|porque|mais|donc|aber|deshalb)\b")


@cache
def _parts() -> tuple[tuple[str, int], ...]:
    """Each part-of-day phrase with its hour, the longest first (``[call_times.parts]``)."""
    parts = load_pack("questions")["call_times"]["parts"]
    pairs = [(str(w), int(p["hour"])) for p in parts.values() for w in p["words"]]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def call_hour(text: str) -> int | None:
    """The hour of the part of the day they ask a call to be in, or None where they name none.

    "I'm in the studio most afternoons, so mornings UK time are best" gives the morning's hour:
    of two parts named, the one in a clause holding a preference word wins, else the last named.
    """
    folded = f" {fold(text).text} "
    prefer = [str(w) for w in load_pack("questions")["call_times"]["prefer"]]
    found: list[tuple[int, int, bool]] = []  # (position, hour, preferred)
    taken: list[tuple[int, int]] = []
    for phrase, hour in _parts():
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # "tarde" inside "fim da tarde"
            taken.append((m.start(), m.end()))
            starts = [b.end() for b in _CLAUSE.finditer(folded, 0, m.start())]
            end = _CLAUSE.search(folded, m.end())
            clause = folded[starts[-1] if starts else 0 : end.start() if end else None]
            wanted = any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", clause) for w in prefer)
            found.append((m.start(), hour, wanted))
    if not found:
        return None
    liked = [f for f in found if f[2]]
    return max(liked or found)[1]


@cache
def _day_names(language: str) -> tuple[tuple[str, int], ...]:
    """Each weekday's names (Babel's, in ``language`` and English, folded) with its number.

    A compound name ("segunda-feira") is also read by its first word, as people write it.
    """
    names: dict[str, int] = {}
    for locale in dict.fromkeys((language, "en")):
        try:
            for width in ("wide", "abbreviated"):
                for context in ("format", "stand-alone"):
                    for day, name in get_day_names(width, context, locale=locale).items():
                        word = fold(str(name)).text.rstrip(".")
                        if len(word) >= 3:
                            names.setdefault(word, day)
                            names.setdefault(word.split("-")[0], day)
        except (ValueError, UnknownLocaleError):
            continue
    return tuple(sorted(names.items(), key=lambda pair: -len(pair[0])))


def named_days(text: str, language: str | None) -> list[tuple[int, int | None]]:
    """The weekdays ``text`` names (0 = Monday), in its order, with their day of the month.

    The day of the month is the number written after the weekday, if any ("Dinsdag 15" -> (1,
    15)).
    """
    folded = fold(text).text
    found: dict[int, tuple[int, int | None]] = {}
    for word, day in _day_names(language or "en"):
        match = re.search(
            rf"(?<!\w){re.escape(word)}(?!\w)(?:,?\s(?:the\s)?(\d{{1,2}})(?:st|nd|rd|th|e|er)?\b)?",
            folded,
        )
        if match and day not in found:
            number = int(match.group(1)) if match.group(1) else None
            found[day] = (match.start(), number if number and number <= 31 else None)
    return [(day, found[day][1]) for day in sorted(found, key=lambda d: found[d][0])]


def _on_day(start: datetime, weekday: int, monthday: int | None) -> datetime:
    """The first date on or after ``start`` that is ``weekday``.

    When they wrote a day of the month, the first such date within five weeks that is it.
    """
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    for week in range(5):
        day = first + timedelta(days=7 * week)
        if monthday is None or day.day == monthday:
            return day
    return first


_CLOCK = re.compile(
    r"(?<![\d/])(?<!\d[.,])([01]?\d|2[0-3])(?::([0-5]\d)|\s?(am|pm|uhr|h)(?:[0-5]\d)?(?!\w))?"
    r"(?:\s?(?:to|-|–|till|until|a|bis|tot|ate|alle)\s?([01]?\d|2[0-3])(?::[0-5]\d)?"
    r"\s?(am|pm|h|uhr)?)?(?![\d/]|[.,]\d)"
)
"""A time in folded text: "14:00", "10am", "9h30", "16 Uhr", a range "10 to 12", "de 8h a 9h"."""


def named_hours(text: str) -> list[int]:
    """The whole hours a call could start at in ``text``: "10 to 12" gives 10 and 11, "14:00" 14.

    Only a number written as a time counts: with minutes, "am"/"pm"/"h", or as a range of two
    hours; a bare number ("Tuesday 15") is a date.
    """
    hours: list[int] = []
    for m in _CLOCK.finditer(fold(text).text):
        start, minutes, suffix, end, end_suffix = m.groups()
        if not (minutes or suffix or end):
            continue
        first = int(start) + (12 if (suffix or end_suffix) == "pm" and int(start) < 12 else 0)
        last = int(end) + (12 if end_suffix == "pm" and int(end) < 12 else 0) if end else None
        if last is not None and last > first:
            hours += list(range(first, last))
        else:
            hours.append(first)
    return list(dict.fromkeys(h for h in hours if 7 <= h <= 20))


def named_slots(slots: list[datetime], text: str, language: str | None) -> list[datetime]:
    """Two call times inside what they named: their weekday(s), their hour(s), else ``slots``.

    ``slots`` are the next working-hour slots in their zone; a named weekday is its next date
    on or after the first of them; a range of hours gives two times on one day ("this
    Thursday, free 10 to 12" -> Thursday 10:00 and 11:00).
    """
    if not slots:
        return slots
    days, hours = named_days(text, language), named_hours(text)
    hour = hours[0] if hours else call_hour(text)
    start = slots[0]
    dates = [_on_day(start, day, monthday) for day, monthday in days] or list(slots)
    at = [d.replace(hour=hour if hour is not None else d.hour) for d in dates]
    if len(at) == 1 and len(hours) >= 2:
        at.append(at[0].replace(hour=hours[1]))
    elif len(at) == 1:
        at.append(at[0] + timedelta(days=7))
    return at[:2]


def asks_for_call(text: str, language: str | None) -> bool:
    """True when ``text`` asks for a call in the words the intent rules read as one."""
    clean = normalise(text)
    language = language or stopword_language(clean) or "en"
    score = score_folded(clean, language).get("interested_call", 0.0)
    return score >= rules().min_score
