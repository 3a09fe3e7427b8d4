"""The offline drafter: writes a real outreach message from phrase banks, with no model.

Every sentence is a phrase from ``prompts/phrases/*.toml`` filled with the prospect's first name,
the facts the plan asks for (verbatim, or an audience size rounded the way people write it) and
the template's trusted fields. Phrases are picked by hashing ``(seed, plan.id, slot)``, so the
variations of one run differ while the same input always gives the same text. Nothing here
invents a detail: a missing fact switches the opener to the honest "generic" angle and says so in
the notes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from ipe.graph.domain import Fact, Template, VariationPlan
from ipe.prompts import load_bank
from ipe.tools.trust.formatting import first_name as _first_name
from ipe.tools.trust.formatting import fit_to_limit

Size = Literal["full", "short"]

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_COUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([kKmM](?![a-zA-Z]))?")
_BIO_SPLIT = re.compile(r"(?<=[.!?])\s+|\s*[|•·;\n]\s*")
_CLAUSE_SPLIT = re.compile(r",\s+|\s+[-–—]\s+")
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Draft:
    """A composed message, the facts it used and what the composer had to work around."""

    subject: str | None
    body: str
    fact_ids: list[str]
    angle_used: str
    notes: list[str]


@dataclass(frozen=True)
class _Opening:
    """The chosen opener: its bank slot, the angle it serves and the facts that fill it."""

    slot: str
    angle: str
    values: dict[str, str]
    fact_ids: list[str]
    topic: tuple[str, str] | None = None
    """(subject list, text) when the fact is short enough for an email subject."""


@cache
def _rules() -> dict[str, Any]:
    return load_bank("drafting")


def _limit(name: str) -> int:
    return int(_rules()["limits"][name])


def _pick(key: str, slot: str, options: list[str]) -> str:
    """The phrase for ``slot``, chosen by hashing the run key (seed and plan id) and the slot."""
    digest = hashlib.sha256(f"{key}\x1f{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def _safe(text: str) -> str:
    """A value fit to drop into a phrase: one line, no template braces."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _quote(text: str) -> str:
    return '"' + text.strip().strip("\"“”'") + '"'


def _shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def _join_list(items: Sequence[str]) -> str:
    items = [item.strip().rstrip(".") for item in items if item.strip()]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def round_audience(count: float) -> str:
    """An audience size the way people write it: 950, 4.8K, 48K, 1.3M."""

    def one_decimal(value: Decimal) -> str:
        text = str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        return text.removesuffix(".0")

    exact = Decimal(str(count))
    if exact < 1000:
        return str(int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP)))
    if exact < 9_950:
        return one_decimal(exact / 1000) + "K"
    thousands = (exact / 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if thousands < 1000:
        return f"{thousands}K"
    return one_decimal(exact / 1_000_000) + "M"


def _audience(text: str) -> str | None:
    match = _COUNT.search(text)
    if match is None:
        return None
    number, suffix = match.group(1).rstrip(",."), match.group(2)
    if suffix:
        return number + suffix.upper()
    try:
        return round_audience(float(number.replace(",", "")))
    except ValueError:
        return None


def _bio_clause(text: str) -> str | None:
    """A short clause of a bio, fit to quote; None when there is none."""
    max_chars = _limit("bio_clause_chars")
    first = _BIO_SPLIT.split(text.strip())[0].strip().rstrip(".!?,;: ")
    if first and len(first) <= max_chars:
        return first
    part = _CLAUSE_SPLIT.split(first)[0].strip()
    return part if len(part.split()) >= 3 and len(part) <= max_chars else None


def _best(facts: list[Fact], kinds: list[str], wanted: set[str]) -> Fact | None:
    """The fact to use: the plan's own choice first, then the preferred kind, then the weight."""
    usable = [f for f in facts if f.kind in kinds and f.text.strip() and not _URL.search(f.text)]
    if not usable:
        return None
    return min(usable, key=lambda f: (f.id not in wanted, kinds.index(f.kind), -f.weight))


def _topic(kind: str, text: str) -> tuple[str, str] | None:
    return (kind, text) if len(text) <= _limit("subject_topic_chars") else None


def _recent(facts: list[Fact], wanted: set[str], size: Size) -> _Opening | None:
    fact = _best(facts, _rules()["angles"]["recent_content"], wanted)
    if fact is None:
        return None
    text = _safe(fact.text)
    shown = _quote(_shorten(text, _limit(f"{size}_title_chars")))
    if fact.kind == "content_title":
        topic = (
            _topic("title", _quote(text)) if len(text) <= _limit("subject_title_chars") else None
        )
        return _Opening("recent_content", "recent_content", {"title": shown}, [fact.id], topic)
    return _Opening("content_summary", "recent_content", {"content": shown}, [fact.id])


def _niche(facts: list[Fact], wanted: set[str], kinds_key: str) -> tuple[Fact, str] | None:
    fact = _best(facts, _rules()["angles"][kinds_key], wanted)
    return (fact, _safe(fact.text).lstrip("#")) if fact else None


def _audience_opening(facts: list[Fact], wanted: set[str]) -> _Opening | None:
    fact = _best(facts, _rules()["angles"]["audience"], wanted)
    count = _audience(fact.text) if fact else None
    if fact is None or count is None:
        return None
    niche = _niche(facts, wanted, "audience_extra")
    if niche is None:
        return _Opening("audience", "audience", {"audience": count}, [fact.id])
    values = {"audience": count, "niche": niche[1]}
    ids = [fact.id, niche[0].id]
    return _Opening("audience_niche", "audience", values, ids, _topic("niche", niche[1]))


def _bio_opening(facts: list[Fact], wanted: set[str]) -> _Opening | None:
    fact = _best(facts, _rules()["angles"]["bio"], wanted)
    clause = _bio_clause(_safe(fact.text)) if fact else None
    if fact and clause:
        return _Opening("bio", "bio", {"bio": _quote(clause)}, [fact.id])
    job = _best(facts, ["job_title"], wanted)
    company = _best(facts, ["company"], wanted)
    forms = load_bank("openers")["roles"]
    values = {
        "job_title": _safe(job.text) if job else "",
        "company": _safe(company.text) if company else "",
    }
    form = "title_company" if job and company else "title" if job else "company" if company else ""
    if not form:
        return None
    ids = [f.id for f in (job, company) if f is not None]
    return _Opening("role", "bio", {"role": str(forms[form]).format_map(values)}, ids)


def _opening(plan: VariationPlan, facts: list[Fact], size: Size) -> _Opening | None:
    wanted = set(plan.fact_ids)
    if plan.angle == "recent_content":
        return _recent(facts, wanted, size)
    if plan.angle == "audience":
        return _audience_opening(facts, wanted)
    if plan.angle == "niche_fit":
        niche = _niche(facts, wanted, "niche_fit")
        if niche is None:
            return None
        topic = _topic("niche", niche[1])
        return _Opening("niche_fit", "niche_fit", {"niche": niche[1]}, [niche[0].id], topic)
    if plan.angle == "bio":
        return _bio_opening(facts, wanted)
    return None


_GENERIC = _Opening("generic", "generic", {}, [])


class _Writer:
    """Picks and fills phrases for one plan, keeping the tone's '!' budget."""

    def __init__(self, key: str, tone: str, size: Size, values: Mapping[str, str]) -> None:
        self.key, self.tone, self.size, self.values = key, tone, size, dict(values)
        self.compact = False
        """When set, every slot takes its shortest phrasing (a last try before trimming)."""

    def phrase(self, bank: str, slot: str) -> str:
        """The picked (unfilled) phrase of ``bank[size][tone][slot]``."""
        options = [str(o) for o in load_bank(bank)[self.size][self.tone][slot]]
        if self.compact:
            return min(options, key=len)
        return _pick(self.key, f"{bank}.{slot}", options)

    def fill(self, phrases: list[str], extra: Mapping[str, str] | None = None) -> Iterator[str]:
        """Fill ``phrases`` in order; '!' beyond the tone's budget become full stops."""
        budget = int(_rules()["tones"][self.tone]["max_exclaims"])
        values = {**self.values, **(extra or {})}
        for phrase in phrases:
            if "!" not in phrase:
                yield phrase.format_map(values)
                continue
            out = []
            for char in phrase:
                if char == "!":
                    char = "!" if budget > 0 else "."
                    budget -= 1
                out.append(char)
            yield "".join(out).format_map(values)


def _has_sample_perk(template: Template) -> bool:
    keywords = _rules()["sample"]["keywords"]
    return any(word in perk.lower() for perk in template.offer.perks for word in keywords)


def _cta_slot(cta: str, template: Template, links_allowed: bool, notes: list[str]) -> str:
    if cta == "sample" and not _has_sample_perk(template):
        notes.append("cta 'sample': no perk offers a sample, so the message asks for a reply")
        return "reply"
    if cta == "link" and not (links_allowed and template.links):
        why = (
            "links are not allowed on this channel"
            if template.links
            else "the template has no link"
        )
        notes.append(f"cta 'link': {why}, so the message offers to send the link on reply")
        return "link_request"
    return cta


def _new_claims(template: Template) -> list[str]:
    """Approved claims that add something beyond the commission, cookie and perks already said."""
    offer = template.offer
    said = [offer.commission or "", str(offer.cookie_days or ""), *offer.perks]
    said = [s.strip().lower() for s in said if s and s.strip()]
    return [
        c
        for c in template.approved_claims
        if c.strip() and not any(s in c.lower() or c.lower() in s for s in said)
    ]


def _values(template: Template, first_name: str, key: str) -> dict[str, str]:
    offer, sender = template.offer, template.sender
    claims = _new_claims(template)
    return {
        "brand": _safe(template.brand),
        "first_name": _safe(first_name),
        "sender_first": _safe(_first_name(sender.name)),
        "sender_title": _safe(sender.title or ""),
        "sender_company": _safe(sender.company or template.brand),
        "summary": _sentence(_safe(offer.summary)),
        "commission": _safe(offer.commission or ""),
        "cookie_days": str(offer.cookie_days) if offer.cookie_days else "",
        "perks": _safe(_join_list(offer.perks)),
        "claim": _sentence(_safe(_pick(key, "claim.choice", claims))) if claims else "",
        "link": _safe(template.links[0]) if template.links else "",
    }


def _pitch(w: _Writer, channel: str) -> list[str]:
    v = w.values
    intro = "intro_titled" if v["sender_first"] and v["sender_title"] else "intro"
    phrases = [w.phrase("pitch", intro if v["sender_first"] else "intro_anonymous")]
    phrases += [w.phrase("pitch", "summary")] if v["summary"] else []
    phrases.append(w.phrase("pitch", "disclosure"))
    terms = {(True, True): "terms_both", (True, False): "terms_commission"}.get(
        (bool(v["commission"]), bool(v["cookie_days"])), "terms_cookie" if v["cookie_days"] else ""
    )
    phrases += [w.phrase("pitch", terms)] if terms else []
    phrases += [w.phrase("pitch", "perks")] if v["perks"] else []
    profile = _rules()["channels"].get(channel, _rules()["channels"]["default"])
    phrases += [w.phrase("pitch", "claim")] if profile["claim"] and v["claim"] else []
    return phrases


def _signature(w: _Writer, channel: str) -> str:
    names = load_bank("greetings")["names"]
    v = w.values
    lines = [str(names["signature"] if v["sender_first"] else names["anonymous_signature"])]
    profile = _rules()["channels"].get(channel, _rules()["channels"]["default"])
    if profile["title_line"]:
        lines.append(str(names["title_line"] if v["sender_title"] else names["company_line"]))
    return "\n".join(lines).format_map(v)


def _full_body(w: _Writer, opening: _Opening, cta: str, channel: str) -> str:
    greeting = w.phrase("greetings", "named" if w.values["first_name"] else "anonymous")
    phrases = [greeting, w.phrase("openers", opening.slot), *_pitch(w, channel)]
    phrases += [w.phrase("ctas", cta), w.phrase("greetings", "signoff")]
    filled = list(w.fill(phrases, opening.values))
    blocks = [filled[0], filled[1], " ".join(filled[2:-2]), filled[-2]]
    return "\n\n".join([*blocks, f"{filled[-1]}\n{_signature(w, channel)}"])


def _short_body(w: _Writer, opening: _Opening | None, cta: str, terms: bool, sign: bool) -> str:
    v = w.values
    use_name = v["first_name"] and len(v["first_name"]) <= _limit("short_name_chars")
    phrases = [w.phrase("greetings", "named" if use_name else "anonymous")]
    phrases += [w.phrase("openers", opening.slot)] if opening else []
    phrases.append(w.phrase("pitch", "pitch" if v["sender_first"] else "pitch_anonymous"))
    phrases += [w.phrase("pitch", "terms")] if terms and v["commission"] else []
    phrases.append(w.phrase("ctas", cta))
    signoff = [w.phrase("greetings", "signoff")] if sign and v["sender_first"] else []
    filled = list(w.fill(phrases + signoff, opening.values if opening else None))
    lines = [filled[0], " ".join(filled[1 : len(phrases)]), *filled[len(phrases) :]]
    return "\n".join(lines)


def _fit_short(w: _Writer, opening: _Opening, cta: str, notes: list[str]) -> tuple[str, _Opening]:
    """The richest short note: the personal opener first, ideal length before the hard limit."""
    ideal, hard = _limit("short_ideal"), _limit("short_max")
    shapes = [(True, True), (True, False), (False, False)]
    personal: list[tuple[_Opening | None, bool, bool]] = (
        [(opening, t, s) for t, s in shapes] if opening.fact_ids else []
    )
    generic = [(o, t, s) for t, s in shapes for o in (_GENERIC, None)]
    for group, compact in ((personal, False), (personal, True), (generic, False), (generic, True)):
        w.compact = compact
        bodies = [(_short_body(w, o, cta, t, s), o) for o, t, s in group]
        for limit in (ideal, hard):
            for body, used in bodies:
                if len(body) <= limit:
                    if opening.fact_ids and used is not opening:
                        notes.append(
                            "short note: the personal opener did not fit, so it was left out"
                        )
                    w.compact = False
                    return body, used or _GENERIC
    notes.append("short note: trimmed to fit the hard character limit")
    last = _short_body(w, None, cta, False, False)
    w.compact = False
    return fit_to_limit(last, limit=hard, measure=len, keep=[w.values["brand"]]), _GENERIC


def _subject(w: _Writer, opening: _Opening) -> str:
    bank = load_bank("subjects")[w.tone]
    first = w.values["first_name"]
    generic = [t for t in bank["generic"] if first or "{first_name}" not in t]
    personal = list(bank[opening.topic[0]]) if opening.topic else []
    if not first:
        personal = [t for t in personal if "{first_name}" not in t]
    topic = {"topic": opening.topic[1]} if opening.topic else {}
    rendered = [(list(w.fill([t], topic))[0], t in personal) for t in personal + generic]
    low, high = _limit("subject_min"), _limit("subject_max")
    pools: list[Callable[[str, bool], bool]] = [
        lambda s, p: p and low <= len(s) <= high,
        lambda s, p: low <= len(s) <= high,
        lambda s, p: len(s) <= high,
    ]
    for test in pools:
        pool = [s for s, p in rendered if test(s, p)]
        if pool:
            return " ".join(_pick(w.key, "subject", pool).split())
    shortest = min((s for s, _ in rendered), key=len)
    return " ".join(_shorten(shortest, _limit("subject_hard_max")).split())


def compose(
    plan: VariationPlan,
    *,
    facts: list[Fact],
    template: Template,
    first_name: str,
    channel: str,
    links_allowed: bool,
    size: Size,
    seed: str = "",
) -> Draft:
    """Write the plan's message from the phrase banks, the given facts and the template."""
    notes: list[str] = []
    key = f"{seed}\x1f{plan.id}"
    opening = _opening(plan, facts, size)
    if opening is None:
        opening = _GENERIC
        if plan.angle != "generic":
            notes.append(f"angle '{plan.angle}': no usable fact, so the opener is the generic one")
    cta = _cta_slot(plan.cta, template, links_allowed, notes)
    writer = _Writer(key, plan.tone, size, _values(template, first_name, key))
    if size == "short":
        body, opening = _fit_short(writer, opening, cta, notes)
    else:
        body = _full_body(writer, opening, cta, channel)
    subject = _subject(writer, opening) if channel == "email" else None
    return Draft(subject, body, list(opening.fact_ids), opening.angle, notes)


@cache
def trusted_vocabulary() -> frozenset[str]:
    """Every word (lowercased) in the phrase banks, so the grounding check knows our own words."""
    words: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            for word in _WORD.findall(_PLACEHOLDER.sub(" ", value)):
                words.add(word.lower())
                words.update(part.lower() for part in re.split(r"['’-]", word) if part)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    folder = files("ipe.prompts").joinpath("phrases")
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            walk(load_bank(entry.name.removesuffix(".toml")))
    return frozenset(words)
