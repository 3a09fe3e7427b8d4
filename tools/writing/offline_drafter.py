"""The offline drafter: writes a real outreach message from phrase banks, with no model.

A message is built from slots of the language's bank (``prompts/phrases/<lang>/message.toml``):
a greeting, a hook on the person (the most offer-relevant fact the plan's angle allows), a bridge
saying why them (tied to the product), the offer stated once, one ask and a first-name sign-off.
The channel sets the shape: a DM (X, Instagram, TikTok, Facebook) aims at 40-70 words, an e-mail
at 60-120 words above the footer with a plain subject, a LinkedIn note fits its character limit
without listing terms. Quotes are never cut: a title that does not fit is replaced by another fact
or angle. Where the relationship is under way (a follow-up, a check-back the prospect asked for,
details they asked for) the message answers that instead of pitching from scratch.

Phrases are picked by hashing ``(seed, slot)``, where the seed carries the prospect's id and the
variation, so two prospects do not get the same words while the same input always gives the
same text. Nothing here invents a detail.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from babel.dates import format_date, format_time
from babel.numbers import format_percent

from ipe.domain import Fact, Interaction, Prospect, Relationship, Template, VariationPlan
from ipe.prompts import LANGUAGES, RULE_TABLES, load_bank
from ipe.tools.channel.formatting import first_name as _first_name
from ipe.tools.channel.formatting import fit_to_limit
from ipe.tools.learning.intent import RULE_LANGUAGES, unreadable_letter
from ipe.tools.learning.replies import may_decline
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import is_email, is_note
from ipe.tools.policies.intents import asked_to_wait
from ipe.tools.policies.intents import get as get_intent
from ipe.tools.text.folding import fold
from ipe.tools.writing.answers import answer as answer_question
from ipe.tools.writing.answers import (
    answer_kind,
    asks_for_call,
    named_hours,
    named_slots,
    referred_contact,
)
from ipe.tools.writing.brand import short_brand, signoff
from ipe.tools.writing.facts import content_stems, hook_score, offer_relevance
from ipe.tools.writing.language import copy_language, detect, regional_variant
from ipe.tools.writing.register import detect_register, reader_gender, salutation
from ipe.tools.writing.register import overlay as register_overlay
from ipe.tools.writing.retell import bio_hooks, retell, retell_bio
from ipe.tools.writing.templates import booking_link, check_copy, copy_in, copy_values, render
from ipe.tools.writing.terms import payout_worded, read_commission, read_payout, worded

Size = Literal["full", "short"]
Shape = Literal["dm", "email", "note"]


_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_COUNT = re.compile(r"(\d[\d,.]*)\s*([kKmM](?![a-zA-Z]))?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_SOURCE_INDEX = re.compile(r"recent_content\[(\d+)\]")
# a rate as languages write it: "12%", "12 %", and Turkish "%12"
_RATE = re.compile(r"^\s*(?:\d+(?:[.,]\d+)?\s*%|%\s*\d+(?:[.,]\d+)?)\s*$")
_LEADING_RATE = re.compile(r"^\s*(?:\d+(?:[.,]\d+)?\s*%|%\s*\d+(?:[.,]\d+)?)")


@dataclass(frozen=True)
class Draft:
    """A composed message, the facts it used and what the composer had to work around."""

    subject: str | None
    body: str
    fact_ids: list[str]
    angle_used: str
    notes: list[str]
    cta_used: str = ""
    """The call to action written: ``link_request`` (offer to send the link) asks a reply."""
    language: str = "en"


@dataclass(frozen=True)
class _Hook:
    """The chosen hook: its bank slot, the angle it serves, the facts and values that fill it."""

    slot: str
    angle: str
    values: dict[str, str]
    fact_ids: list[str]
    relevance: float = 0.0
    subject_slot: str = "generic"


@cache
def _rules() -> dict[str, Any]:
    return load_bank("drafting")


def _limit(name: str) -> int:
    return int(_rules()["limits"][name])


@cache
def bank(language: str, register: str | None = None, region: str | None = None) -> dict[str, Any]:
    """The phrase bank of ``language`` (one of ``LANGUAGES``) in ``register`` and ``region``.

    Where the language has an overlay for the register (``prompts/phrases/de/formal.toml``: the
    Sie forms), its phrases replace the base bank's, slot by slot; a regional overlay
    (``region``: the bank name ``pt/PT``, European Portuguese) is laid over both.
    """
    merged = load_bank(f"{language}/message")
    for name in (register_overlay(language, register), region):
        merged = _overlaid(merged, load_bank(name)) if name else merged
    return merged


def _overlaid(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            merged[key] = _overlaid(below, value)
        else:
            merged[key] = value
    return merged


def _pick(key: str, slot: str, options: Sequence[str]) -> str:
    """The phrase for ``slot``, chosen by hashing the run key and the slot."""
    digest = hashlib.sha256(f"{key}\x1f{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def _safe(text: str) -> str:
    """A value fit to drop into a phrase: one line, no template braces."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _quote(text: str, phrases: Mapping[str, Any] | None = None) -> str:
    """``text`` in the language's quotation marks (``[words] quotes``: "…", 「…」)."""
    marks = (phrases or {}).get("words", {}).get("quotes", ['"', '"'])
    return str(marks[0]) + text.strip().strip("\"“”'「」") + str(marks[1])


_WIDE = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_AFTER_WIDE = re.compile(f"(?<=[{_WIDE}])[ \t]+")


def unspaced(text: str, phrases: Mapping[str, Any]) -> str:
    """The text as a language that puts no space between sentences writes it (Japanese).

    The phrases are joined with a space, as every other bank is; where the bank says
    ``[words] spaced = false``, a space after a full-width character or punctuation mark goes
    ("…しました。 私たちは" -> "…しました。私たちは"). A space after a Latin word or a link
    stays, so a link never runs into the text after it.
    """
    if phrases.get("words", {}).get("spaced", True):
        return text
    return "\n".join(_AFTER_WIDE.sub("", line) for line in text.split("\n"))


def word_count(text: str) -> int:
    """Words as a reader counts them (whitespace-separated tokens)."""
    return len(text.split())


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


def local_rate(rate: str, language: str) -> str:
    """A bare rate ("12%", "12.5 %") written as the language writes percentages.

    Babel's CLDR formats: "12 %" in German and French, "12,5 %" with a decimal comma; a rate it
    cannot read is returned unchanged.
    """
    number = rate.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(number) / 100
    except ArithmeticError:
        return rate
    text = format_percent(value, locale=language, decimal_quantization=False)
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is a name or an acronym."""
    first = text.split(" ", 1)[0]
    if first == "I" or first.startswith(("I'", "I’")):
        return text
    if len(first) > 1 and (first[1:].lower() != first[1:] or first.isupper()):
        return text
    return text[:1].lower() + text[1:]


def lower_role(title: str) -> str:
    """A job title as it reads in a sentence: "Partnerships Lead" -> "partnerships lead"."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())


def product_phrase(summary: str, language: str = "en", names: frozenset[str] = frozenset()) -> str:
    """The offer summary as a noun phrase inside a sentence (no final stop, lower-case start).

    A language whose nouns are capitalised (German: ``nouns_capitalised`` in its bank's
    ``[words]``) keeps the first letter; so does a summary that opens on a name (``names``:
    "Light & Story, a six-week course" stays, never "light & Story").
    """
    text = _safe(summary).rstrip(".!;: ")
    if bank(language)["words"].get("nouns_capitalised") or text.split(" ", 1)[0] in names:
        return text
    return _lower_first(text)


def offer_names(template: Template) -> frozenset[str]:
    """Capitalised words the template writes inside its sentences: names ("Light", "Story").

    Read from the offer's perks, approved claims, goal and its summary after the first word, so
    a word that opens the summary and is written capitalised elsewhere is known as a name.
    """
    offer = template.offer
    summary_rest = offer.summary.split(" ", 1)[1] if " " in offer.summary.strip() else ""
    texts = [*offer.perks, *template.approved_claims, template.goal, summary_rest]
    names: set[str] = set()
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            words = re.findall(r"[^\W\d_]+", sentence)
            names.update(w for w in words[1:] if w[:1].isupper())
    return frozenset(names)


def _appositive(summary: str, language: str) -> str | None:
    """A content summary usable as "..., a long-term test of budget shoes,"; None if it is not."""
    text = _safe(summary).rstrip(".!;: ")
    openers = {str(w) for w in bank(language)["words"]["summary_openers"]}
    first = text.split(" ", 1)[0].lower()
    if not text or first not in openers or len(text) > _limit("summary_chars"):
        return None
    if re.search(r"[.!?;:]", text):
        return None
    return _lower_first(text)


def _whole_sentence(text: str, max_chars: int) -> str | None:
    """The first whole sentence of a bio if it fits; never a cut one."""
    first = _SENTENCE_END.split(_safe(text))[0].strip().rstrip(".!?,;: ")
    return first if first and len(first) <= max_chars else None


def _join_list(items: Sequence[str], and_word: str) -> str:
    items = [item.strip().rstrip(".") for item in items if item.strip()]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {and_word} " + items[-1]


def _platform_word(phrases: Mapping[str, Any], table: str, platform: str | None) -> str:
    words = phrases["words"][table]
    return str(words.get((platform or "").lower(), words["default"]))


class _Context:
    """What one composition knows: the bank, the values, the pick key and the notes."""

    def __init__(
        self,
        *,
        key: str,
        tone: str,
        language: str,
        template: Template,
        first_name: str,
        prospect: Prospect | None,
        register: str | None = None,
    ) -> None:
        self.key, self.tone, self.language = key, tone, language
        self.register = register
        self.region = regional_variant(prospect, language)
        self.bank = bank(language, register, self.region)
        self.template = template
        self.prospect = prospect
        self.notes: list[str] = []
        offer, sender = template.offer, template.sender
        sample = _sample_perk(template)
        platform = (prospect.platform if prospect else None) or ""
        self.values: dict[str, str] = {
            "brand": _safe(short_brand(template, language)),
            "first_name": _safe(first_name),
            "salutation": _safe(salutation(prospect, language)) if prospect else "",
            "sender_first": _safe(_first_name(sender.name)),
            "sender_role": _safe(lower_role(sender.title or "")),
            "product": product_phrase(offer.summary, language, offer_names(template))
            if offer.summary.strip()
            else "",
            "commission": _safe(offer.commission or ""),
            "cookie_days": str(offer.cookie_days) if offer.cookie_days else "",
            "sample": _safe(sample or ""),
            "perks": "",
            "link": _safe(template.links[0]) if template.links else "",
            "audience_noun": _platform_word(self.bank, "audience_noun", platform),
            "piece": _platform_word(self.bank, "piece", platform),
            "seen": _platform_word(self.bank, "seen", platform),
        }
        if _RATE.match(self.values["commission"]):  # "12 %" in German and French
            self.values["commission"] = local_rate(self.values["commission"], language)
        self._reader_forms(prospect)
        self.other_perks = [_safe(p) for p in offer.perks if _safe(p) != self.values["sample"]]
        self.offer_language = "en"
        """The language the tenant wrote the offer in (its summary, perks and claims)."""
        self._foreign_offer(template)

    def _reader_forms(self, prospect: Prospect | None) -> None:
        """The words an overlay names the reader by (``[forms.<gender>]``: Polish Pan/Pani).

        Where the overlay needs a gender the record cannot give, the base bank is written
        instead (one register, whole: ``choose_register`` already says so in its reasons).
        """
        forms = self.bank.get("forms")
        if not forms:
            return
        gender = reader_gender(prospect, self.language)
        if gender is None or gender not in forms:
            self.bank, self.register = bank(self.language, None, self.region), None
            self.notes.append("register: the formal address needs the reader's gender: base bank")
            return
        self.values.update({str(k): str(v) for k, v in forms[gender].items()})

    def _foreign_offer(self, template: Template) -> None:
        """An offer worded in another language is not pasted into this one (terms stay exact)."""
        if self.language == "en" and not template.offer.summary.strip():
            return
        offer = template.offer
        worded = detect(" ".join([offer.summary, *offer.perks, *template.approved_claims]))
        self.offer_language = worded or "en"
        if worded is None or worded == self.language:
            if self.language != "en":  # a title in English reads oddly inside another language
                self.values["sender_role"] = ""
            return
        words = self.bank["words"]
        if self.values["product"]:
            self.values["product"] = self.fill(str(words["our_offer"][offer_kind(template)]))
        if self.values["sample"]:
            self.values["sample"] = self.fill(str(words["our_sample"]))
        self.other_perks = []
        self.values["sender_role"] = ""
        self._local_commission()
        self.notes.append(
            f"the offer is worded in '{worded}': its summary and perks are left out of this "
            f"'{self.language}' message (the terms are stated as approved)"
        )

    def _local_commission(self) -> None:
        """The commission in this language with every qualifier ("25 %, wiederkehrend in ...").

        A commission with a qualifier ``read_commission`` does not know keeps its rate only, and
        the notes say what was left out.
        """
        text = self.values["commission"]
        if not text or _RATE.match(text):
            return
        read = read_commission(text)
        if read is not None:
            phrases = {k: str(v) for k, v in self.bank["terms"].items()}
            self.values["commission"] = worded(
                read, phrases, lambda rate: local_rate(rate, self.language)
            )
            return
        rate = _LEADING_RATE.match(text)
        if rate:
            self.values["commission"] = local_rate(rate.group(0).strip(), self.language)
            self.notes.append(
                f"the commission '{text}' has terms the '{self.language}' bank cannot word: "
                "only its rate is stated"
            )

    def phrase(self, slot: str, *, tone: bool = False) -> str:
        """The picked phrase of ``slot`` (dotted path; ``tone`` selects the tone's list)."""
        node: Any = self.bank
        for part in slot.split("."):
            node = node[part]
        if tone:
            node = node[self.tone]
        if isinstance(node, str):
            return node
        return _pick(self.key, slot, [str(o) for o in node])

    def fill(self, phrase: str, extra: Mapping[str, str] | None = None) -> str:
        values = {**self.values, **(extra or {})}
        return " ".join(phrase.format_map(values).split())


def offer_kind(template: Template) -> str:
    """What the template offers (``[offer_kinds]``): ``course``, ``software`` or ``product``."""
    texts = (template.offer.summary, template.goal, template.name)
    for text in texts:
        folded = f" {fold(text).text} "
        for kind, words in _rules()["offer_kinds"].items():
            if any(re.search(rf"(?<!\w){re.escape(str(w))}(?!\w)", folded) for w in words):
                return str(kind)
    return "product"


def _sample_perk(template: Template) -> str | None:
    keywords = _rules()["sample"]["keywords"]
    return next((p for p in template.offer.perks if any(k in p.lower() for k in keywords)), None)


def _content_platform(fact: Fact, prospect: Prospect | None) -> str | None:
    match = _SOURCE_INDEX.search(fact.source_field)
    if prospect is None or match is None:
        return None
    index = int(match.group(1))
    if index >= len(prospect.recent_content):
        return None
    return prospect.recent_content[index].platform or prospect.platform


def quotable_title(title: str) -> bool:
    """True when a content title may be quoted in a sentence: it reads as a name.

    A headline with a label or a list in it ("Thread: how I pack", "Vlog #42 | Kyoto"), an emoji
    or a pictograph, or more than ``max_words`` words is not (``[titles]`` in
    ``prompts/phrases/drafting.toml``): pasted into a sentence it reads as a fragment.
    """
    rules = load_bank("drafting")["titles"]
    text = title.strip()
    if any(str(mark) in text for mark in rules["marks"]):
        return False
    if any(unicodedata.category(ch) in ("So", "Cs") for ch in text):
        return False
    return len(text.split()) <= int(rules["max_words"])


def _summary_for(title: Fact, facts: list[Fact]) -> Fact | None:
    match = _SOURCE_INDEX.search(title.source_field)
    if match is None:
        return None
    wanted = f"recent_content[{match.group(1)}].summary"
    return next((f for f in facts if f.source_field == wanted), None)


def _usable(facts: list[Fact], kinds: Sequence[str]) -> list[Fact]:
    return [f for f in facts if f.kind in kinds and f.text.strip() and not _URL.search(f.text)]


def _ordered(facts: list[Fact], wanted: set[str], template: Template) -> list[Fact]:
    """The plan's own facts first, then by relevance to the offer, then by weight."""
    return sorted(facts, key=lambda f: (f.id not in wanted, -hook_score(f, template), -f.weight))


def _content_hooks(c: _Context, facts: list[Fact], wanted: set[str], shape: Shape) -> list[_Hook]:
    """Hooks on their content, the item most about the offer first (its title or its summary).

    Where an item's summary says something about the offer, the first hook tells it back to
    them ("In your video "Studio Vlog #42", you add up ...", ``retell``); the title alone
    comes after.
    """
    ranked: list[tuple[tuple[bool, float], _Hook]] = []
    max_chars = _limit(f"{shape}_title_chars")
    for fact in _ordered(_usable(facts, ["content_title", "content_summary"]), wanted, c.template):
        platform = _content_platform(fact, c.prospect)
        words = {
            "piece": _platform_word(c.bank, "piece", platform) if platform else c.values["piece"],
            "seen": _platform_word(c.bank, "seen", platform) if platform else c.values["seen"],
        }
        relevance = offer_relevance(fact.text, c.template)
        score = hook_score(fact, c.template)
        hooks: list[_Hook] = []
        if fact.kind == "content_title":
            text = _safe(fact.text)
            summary = _summary_for(fact, facts)
            if not quotable_title(text):  # a headline: what the piece says, never its title
                if summary is not None:
                    score = max(score, hook_score(summary, c.template))
                    hooks += _summary_hooks(c, summary, words, shape, [fact.id, summary.id])
                ranked += [((not wanted & set(h.fact_ids), -score), h) for h in hooks]
                continue
            if len(text) > max_chars:
                continue
            values = {**words, "title": _quote(text, c.bank)}
            if summary is not None:
                score = max(score, hook_score(summary, c.template))
                relevance = max(relevance, offer_relevance(summary.text, c.template))
                retold = _retold(c, summary, shape)
                if retold:
                    ids = [fact.id, summary.id]
                    slot_values = {**values, "retold": retold}
                    hooks.append(
                        _Hook("hook.retold", "recent_content", slot_values, ids, relevance, "title")
                    )
            content = (
                _appositive(summary.text, c.language) if summary and shape == "email" else None
            )
            if summary and content:
                hooks.append(
                    _Hook(
                        "hook.title_summary",
                        "recent_content",
                        {**values, "content": content},
                        [fact.id, summary.id],
                        relevance,
                        "title",
                    )
                )
            hooks.append(
                _Hook("hook.title", "recent_content", values, [fact.id], relevance, "title")
            )
        elif _title_for(fact, facts) is None:
            hooks += _summary_hooks(c, fact, words, shape, [fact.id])
        ranked += [((not wanted & set(h.fact_ids), -score), h) for h in hooks]
    return [h for _, h in sorted(ranked, key=lambda item: item[0])]


def _summary_hooks(
    c: _Context, summary: Fact, words: dict[str, str], shape: Shape, ids: list[str]
) -> list[_Hook]:
    """Hooks that say what a piece is about from its summary, without its title.

    Told back to them where the language's retell rules allow ("In your latest video, you add
    up ..."), else the summary as an appositive ("your latest video, a test of ..."); none in a
    connection note, or when the summary fits neither.
    """
    if shape == "note":
        return []
    relevance = offer_relevance(summary.text, c.template)
    hooks = []
    retold = _retold(c, summary, shape)
    if retold:
        values = {**words, "retold": retold}
        hooks.append(
            _Hook("hook.retold_untitled", "recent_content", values, ids, relevance, "title")
        )
    content = _appositive(summary.text, c.language)
    if content:
        values = {**words, "content": content}
        hooks.append(_Hook("hook.summary", "recent_content", values, ids, relevance, "title"))
    return hooks


def _retold(c: _Context, summary: Fact, shape: Shape) -> str | None:
    """The summary's offer-relevant sentences told to them, fit for the shape (None if none)."""
    if shape == "note" or c.prospect is None:
        return None
    return retell(
        summary.text,
        name=c.prospect.name,
        language=c.language,
        relevance=lambda sentence: offer_relevance(sentence, c.template),
        max_chars=_limit(f"{shape}_retold_chars"),
    )


def _title_for(summary: Fact, facts: list[Fact]) -> Fact | None:
    match = _SOURCE_INDEX.search(summary.source_field)
    if match is None:
        return None
    wanted = f"recent_content[{match.group(1)}].title"
    return next((f for f in facts if f.source_field == wanted), None)


def _niche_facts(facts: list[Fact], wanted: set[str], template: Template) -> list[Fact]:
    max_chars = _limit("niche_chars")
    usable = [f for f in _usable(facts, ["niche", "tag"]) if len(f.text) <= max_chars]
    return _ordered(usable, wanted, template)


def _audience_hooks(c: _Context, facts: list[Fact], wanted: set[str]) -> list[_Hook]:
    hooks: list[_Hook] = []
    for fact in _ordered(_usable(facts, ["audience_size"]), wanted, c.template):
        count = _audience(fact.text)
        if count is None:
            continue
        for niche in _niche_facts(facts, wanted, c.template)[:1]:
            values = {"audience": count, "niche": _safe(niche.text).lstrip("#")}
            relevance = offer_relevance(niche.text, c.template)
            ids = [fact.id, niche.id]
            hooks.append(_Hook("hook.audience_niche", "audience", values, ids, relevance, "niche"))
        hooks.append(_Hook("hook.audience", "audience", {"audience": count}, [fact.id]))
        break
    return hooks


def _niche_hooks(c: _Context, facts: list[Fact], wanted: set[str]) -> list[_Hook]:
    return [
        _Hook(
            "hook.niche",
            "niche_fit",
            {"niche": _safe(f.text).lstrip("#")},
            [f.id],
            offer_relevance(f.text, c.template),
            "niche",
        )
        for f in _niche_facts(facts, wanted, c.template)
    ]


def _bio_hooks(c: _Context, facts: list[Fact], wanted: set[str]) -> list[_Hook]:
    hooks: list[_Hook] = []
    for fact in _ordered(_usable(facts, ["bio"]), wanted, c.template):
        relevance = offer_relevance(fact.text, c.template)
        told = retell_bio(_safe(fact.text), language=c.language, max_chars=_limit("bio_chars"))
        if told and bio_hooks(c.language, c.tone):  # said to them, not their line in quotes
            values = {"bio_told": told}
            hooks.append(_Hook("hook.bio_retold", "bio", values, [fact.id], relevance))
        clause = _whole_sentence(fact.text, _limit("bio_chars"))
        if clause:
            hooks.append(
                _Hook("hook.bio", "bio", {"bio": _quote(clause, c.bank)}, [fact.id], relevance)
            )
    jobs, companies = _usable(facts, ["job_title"]), _usable(facts, ["company"])
    job, company = (jobs[0] if jobs else None), (companies[0] if companies else None)
    forms = c.bank["roles"]
    values = {
        "job_title": _safe(lower_role(job.text)) if job else "",
        "company": _safe(company.text) if company else "",
    }
    form = "title_company" if job and company else "title" if job else "company" if company else ""
    if form:
        ids = [f.id for f in (job, company) if f is not None]
        role = str(forms[form]).format_map(values)
        hooks.append(_Hook("hook.role", "bio", {"role": role}, ids))
    return hooks


_ANGLE_ORDER = ("recent_content", "niche_fit", "audience", "bio")


def _hooks(plan: VariationPlan, c: _Context, facts: list[Fact], shape: Shape) -> list[_Hook]:
    """Every hook the facts allow: the plan's angle first, then the other angles."""
    wanted = set(plan.fact_ids)
    by_angle = {
        "recent_content": lambda: _content_hooks(c, facts, wanted, shape),
        "audience": lambda: _audience_hooks(c, facts, wanted),
        "niche_fit": lambda: _niche_hooks(c, facts, wanted),
        "bio": lambda: _bio_hooks(c, facts, wanted),
    }
    order = [plan.angle, *(a for a in _ANGLE_ORDER if a != plan.angle)]
    hooks: list[_Hook] = []
    for angle in order:
        if angle in by_angle:
            hooks += by_angle[angle]()
    return hooks


def _terms(c: _Context, *, cookie: bool) -> str:
    """The offer in one sentence, stated once: the tenant's own wording when its copy has one."""
    commission = c.values["commission"]
    kind = "none" if not commission else "rate" if _RATE.match(commission) else "text"
    sentence = _copy_terms(c) or c.fill(c.phrase(f"offer.{kind}"))
    if cookie and c.values["cookie_days"]:
        sentence += c.fill(c.phrase("offer.cookie"))
    return sentence + str(c.bank["words"].get("stop", "."))


_CLAUSE_END = re.compile(r"[,;:]\s|\s[–—]\s")


def _copy_terms(c: _Context) -> str | None:
    """The clause of the tenant's body that states the commission, when it stands on its own.

    "Hi there, Forja's affiliate program pays 12% commission on every sale you refer, and we'd
    send you a skillet first." gives "Forja's affiliate program pays 12% commission on every sale
    you refer": a reply or a check-back states the terms as the tenant approved them, without the
    copy's other clauses (its greeting, its ask, its sample), which the message says in its own
    place. A clause that does not start with a capital ("and ours pays 12%") is not used.
    """
    commission = _safe(c.template.offer.commission or "")  # as the copy writes it
    body = c.template.body
    if not (commission and body and body.strip()):
        return None
    if copy_language(body) not in (None, c.language):
        return None  # the copy's language is not this message's: the bank words the terms
    text = render(body, copy_values(c.template, prospect={}), where="body")  # {{ commission }} too
    for sentence in _SENTENCE_END.split(text.replace("\n", " ")):
        at = sentence.find(commission)
        if at < 0:
            continue
        starts = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, at)]
        end = _CLAUSE_END.search(sentence, at + len(commission))
        clause = sentence[starts[-1] if starts else 0 : end.start() if end else None]
        clause = clause.strip().rstrip(".!?")
        return clause if clause[:1].isupper() and "{" not in clause else None
    return None


def _perks(c: _Context, *, include_sample: bool) -> str:
    perks = list(c.other_perks)
    if include_sample and c.values["sample"]:
        perks.insert(0, c.values["sample"])
    if not perks:
        return ""
    joined = _join_list(perks, str(c.bank["words"]["and"]))
    return c.fill(c.phrase("offer.perks"), {"perks": joined})


def _new_claims(template: Template) -> list[str]:
    """Approved claims that add something beyond the commission, cookie and perks already said."""
    offer = template.offer
    said = [offer.commission or "", str(offer.cookie_days or ""), *offer.perks, offer.summary]
    said = [s.strip().lower() for s in said if s and s.strip()]
    claims = []
    for claim in template.approved_claims:
        lowered = claim.strip().lower()
        if not lowered or any(s in lowered or lowered in s for s in said):
            continue
        if re.search(r"\d|commission|cookie|%", lowered):
            continue  # a restatement of the terms: the offer is stated once
        claims.append(claim.strip())
    return claims


def _ask(c: _Context, cta: str, *, short: bool = False) -> str:
    section = "ask_short" if short else "ask"
    return c.fill(c.phrase(f"{section}.{cta}"))


def _cta(cta: str, c: _Context, links_allowed: bool) -> str:
    if cta == "sample" and not c.values["sample"]:
        c.notes.append("cta 'sample': no perk offers a sample, so the message asks a question")
        return "reply"
    if cta == "link" and not (links_allowed and c.values["link"]):
        why = "links are not allowed on this channel" if c.values["link"] else "no link given"
        c.notes.append(f"cta 'link': {why}, so the message offers to send it")
        return "link_request"
    return cta


def _greeting(c: _Context) -> str:
    phrase = c.phrase("greeting", tone=True)
    name = c.values["salutation" if "{salutation}" in phrase else "first_name"]
    if name and len(name) <= _limit("name_chars"):
        return c.fill(phrase)
    return c.fill(c.phrase("greeting.anonymous"))


def _name_line(c: _Context) -> str:
    return c.values["sender_first"] or c.fill(c.phrase("signoff.anonymous"))


def _bridge(c: _Context, hook: _Hook | None, *, email: bool = False) -> str:
    """Why them, tied to the product; in an e-mail the intro has already named the brand."""
    if not c.values["product"]:
        return ""
    if hook is None:
        return c.fill(c.phrase("bridge.thin")) if c.values["sender_first"] else ""
    fit = hook.relevance > 0
    slot = ("email_fit" if fit else "email_plain") if email else ("fit" if fit else "plain")
    return c.fill(c.phrase(f"bridge.{slot}"))


def _intro(c: _Context) -> str:
    v = c.values
    slot = "titled" if v["sender_first"] and v["sender_role"] else "named"
    return c.fill(c.phrase(f"intro.{slot if v['sender_first'] else 'anonymous'}"))


def _hook_text(c: _Context, hook: _Hook | None) -> str:
    if hook is None:
        return c.fill(c.phrase("hook.thin", tone=True))
    if hook.slot == "hook.bio_retold":  # its phrases are the language's retell rules'
        return c.fill(_pick(c.key, hook.slot, bio_hooks(c.language, c.tone)), hook.values)
    return c.fill(c.phrase(hook.slot, tone=True), hook.values)


def _dm(c: _Context, hook: _Hook | None, cta: str, *, perks: bool) -> str:
    name = c.values["sender_first"]
    bridge = _bridge(c, hook) or _intro(c)  # without a product, the lead still says who we are
    lead = " ".join(p for p in (_hook_text(c, hook), bridge) if p)
    if hook is None and not name:
        lead = " ".join(p for p in (_hook_text(c, None), _intro(c)) if p)
    ask = _ask(c, _thin_cta(cta, c) if hook is None else cta)
    offer = _terms(c, cookie=False)
    extra = _perks(c, include_sample=cta != "sample") if perks else ""
    body = " ".join(p for p in (offer, extra.strip(), ask) if p)
    return "\n\n".join([_greeting(c), lead, body, _name_line(c)])


def _thin_cta(cta: str, c: _Context) -> str:
    return "thin_sample" if cta == "sample" and c.values["sample"] else "thin_reply"


def _email(c: _Context, hook: _Hook | None, cta: str, *, perks: bool, claim: bool) -> str:
    if hook is None:
        opening = " ".join(p for p in (_hook_text(c, None), _bridge(c, None) or _intro(c)) if p)
        middle = [_terms(c, cookie=True)]
        ask = _ask(c, _thin_cta(cta, c))
    else:
        opening = _hook_text(c, hook)
        middle = [_intro(c), _bridge(c, hook, email=True), _terms(c, cookie=True)]
        ask = _ask(c, cta)
    if perks:
        middle.append(_perks(c, include_sample=cta != "sample").strip())
    claims = _new_claims(c.template) if c.offer_language == c.language else []
    if claim and claims:
        middle.append(_safe(_pick(c.key, "claim", claims)).rstrip(".") + ".")
    closing = c.fill(str(c.bank["signoff"]["email"][c.tone]))
    paragraph = " ".join(p for p in middle if p)
    return "\n\n".join([_greeting(c), opening, paragraph, ask, f"{closing}\n{_name_line(c)}"])


def _note_hook(c: _Context, hook: _Hook) -> str | None:
    slot = {
        "hook.title": "short.hook_title",
        "hook.niche": "short.hook_niche",
        "hook.audience_niche": "short.hook_audience",
        "hook.role": "short.hook_role",
        "hook.bio": "short.hook_bio",
    }.get(hook.slot)
    return c.fill(c.phrase(slot), hook.values) if slot else None


def _note(c: _Context, hook: _Hook | None, cta: str, who: str) -> str:
    v = c.values
    slot = who if v["sender_first"] else "short.who_anonymous"
    if slot == "short.who" and not v["product"]:
        slot = "short.who_short"
    if slot == "short.who_terms":
        slot = "short.who_rate" if _RATE.match(v["commission"]) else "short.who_text"
    parts = [
        _note_hook(c, hook) if hook else None,
        c.fill(c.phrase(slot)),
        _ask(c, cta, short=True),
    ]
    return _greeting(c) + "\n" + " ".join(p for p in parts if p)


def _note_whos(c: _Context) -> tuple[str, ...]:
    """Who we are in a note: with the rate (stated once) when there is one, then without."""
    plain = ("short.who", "short.who_short")
    return ("short.who_terms", *plain) if c.values["commission"] else plain


def _fits_words(text: str, band: tuple[int, int]) -> bool:
    return band[0] <= word_count(text) <= band[1]


def _band(shape: Shape) -> tuple[int, int]:
    low, high = _rules()["words"][shape]
    return int(low), int(high)


def _choose(
    candidates: Iterable[tuple[str, _Hook | None]], shape: Shape, limit: int
) -> tuple[str, _Hook | None]:
    """The first candidate inside the word band and the limit; else the nearest under the limit.

    ``candidates`` may be a generator: those after the first that fits are never composed.
    """
    band = _band(shape)
    seen: list[tuple[str, _Hook | None]] = []
    for body, hook in candidates:
        seen.append((body, hook))
        if len(body) <= limit and (shape == "note" or _fits_words(body, band)):
            return body, hook
    pool = [(b, h) for b, h in seen if len(b) <= limit] or seen
    return min(pool, key=lambda item: (abs(word_count(item[0]) - band[1]), len(item[0])))


def _cold(
    plan: VariationPlan, c: _Context, facts: list[Fact], shape: Shape, cta: str
) -> tuple[str, _Hook | None]:
    hooks = _hooks(plan, c, facts, shape)
    planned = [h for h in hooks if h.angle == plan.angle]
    if plan.angle != "generic" and not planned:
        used = f"'{hooks[0].angle}'" if hooks else "an honest generic opener"
        c.notes.append(f"angle '{plan.angle}': no usable fact that fits, so {used} is used")
    ordered: list[_Hook | None] = [*hooks[:4], None] if plan.angle != "generic" else [None]
    if shape == "note":
        limit = _limit("note_ideal")
        personal: list[tuple[str, _Hook | None]] = [
            (_note(c, h, cta, who), h)
            for who in _note_whos(c)  # the rate, stated once, outranks a longer hook
            for h in ordered
            if h is not None and _note_hook(c, h)
        ]
        generic: list[tuple[str, _Hook | None]] = [
            (_note(c, None, cta, who), None) for who in _note_whos(c)
        ]
        # a personal hook outranks the rate: a note without one is the last resort
        for pool in (personal, generic):
            if any(len(body) <= limit for body, _ in pool):
                return _choose(pool, shape, limit)
        return _choose(personal + generic, shape, _limit("note_max"))
    if _thin(facts) and cta in ("reply", "link", "link_request", "call"):
        cta = "thin_reply"  # a record this thin gets a qualifying question
    if shape == "dm":
        dms = ((_dm(c, h, cta, perks=p), h) for h in ordered for p in (True, False))
        return _choose(dms, shape, _limit("dm_chars"))
    emails = (
        (_email(c, h, cta, perks=p, claim=k), h)
        for h in ordered
        for p, k in ((True, True), (True, False), (False, False))
    )
    return _choose(emails, shape, _limit("email_chars"))


_LABEL_KINDS = frozenset({"niche", "tag", "platform", "location", "website"})


def _thin(facts: list[Fact]) -> bool:
    """A record with only labels (a niche, tags, a platform): nothing about their own work."""
    return all(f.kind in _LABEL_KINDS for f in facts)


_AGO_BANDS = ((6, "days"), (10, "week"), (20, "weeks"), (45, "few_weeks"))
"""Up to how many days each phrase holds: 10 days is "about a week ago", never "last week" (a
calendar claim the count cannot make: 10 days before a Monday is the week before last)."""


def _ago(c: _Context, days: int | None) -> str:
    ago = c.bank["words"]["ago"]
    if days is None:
        return str(ago["unknown"])
    key = next((name for most, name in _AGO_BANDS if days <= most), "long")
    return str(ago[key])


def _when(rel: Relationship) -> str | None:
    """The time phrase they asked for ("after the launch"), as the date reader found it.

    Only that phrase is quoted, never a fragment of the rest of their sentence.
    """
    return _safe(rel.asked_when) if rel.asked_when else None


def _day(at: str | None) -> str:
    """The ISO day of a timestamp as the record writes it ('' when there is none)."""
    return (at or "")[:10]


def _outbound(c: _Context) -> list[Interaction]:
    history = c.prospect.interaction_history if c.prospect else []
    return [x for x in history if x.direction == "outbound"]


def _last_outbound(c: _Context) -> str | None:
    """When our last message to them went (the record's history), if it says."""
    days = [_day(x.at) for x in _outbound(c) if x.at]
    return max(days) if days else None


def _news(
    c: _Context, facts: list[Fact], plan: VariationPlan, shape: Shape, *, since: str | None
) -> _Hook | None:
    """Their content that is new since ``since`` (an ISO date), for "since then I watched...".

    Never an item our earlier messages already cited (its title in one of them), nor one
    published on or before ``since`` (an item without a date counts as new only when uncited).
    """
    said = " ".join(x.text for x in _outbound(c)).casefold()
    for hook in _content_hooks(c, facts, set(plan.fact_ids), shape):
        if hook.slot != "hook.title":
            continue
        title = hook.values["title"].strip('"「」').casefold()
        if title and title in said:
            continue
        published = _published(c, hook, facts)
        if since and published and published <= _day(since):
            continue
        return hook
    return None


def _published(c: _Context, hook: _Hook, facts: list[Fact]) -> str | None:
    """The ISO day the hook's content item was published, when the record says."""
    sources = {f.id: f.source_field for f in facts}
    for fact_id in hook.fact_ids:
        match = _SOURCE_INDEX.search(sources.get(fact_id, ""))
        if match and c.prospect and int(match.group(1)) < len(c.prospect.recent_content):
            return _day(c.prospect.recent_content[int(match.group(1))].published_at) or None
    return None


def _follow_up(
    plan: VariationPlan, c: _Context, facts: list[Fact], shape: Shape, rel: Relationship
) -> tuple[str, _Hook | None]:
    opener = c.fill(c.phrase("follow_up.opener"), {"ago": _ago(c, rel.days_since_outbound)})
    hook = _news(c, facts, plan, shape, since=_last_outbound(c))
    reason = c.fill(c.phrase("follow_up.new_title"), hook.values) if hook else _new_reason(c)
    ask, easy_out = c.fill(c.phrase("follow_up.ask")), c.fill(c.phrase("follow_up.easy_out"))
    text = " ".join(p for p in (opener, reason, ask, easy_out) if p)
    if shape == "note":
        # the new reason outranks the ask: the easy out asks too ("just say so")
        for parts in (
            (opener, reason, ask, easy_out),
            (opener, reason, easy_out),
            (opener, reason),
        ):
            note = f"{_greeting(c)}\n" + " ".join(p for p in parts if p)
            if len(note) <= _limit("note_max"):
                return note, hook
        return f"{_greeting(c)}\n{text}", hook
    return "\n\n".join([_greeting(c), text, _name_line(c)]), hook


def _new_reason(c: _Context) -> str:
    """One reason our earlier messages did not give: the sample, the terms or the cookie window.

    A reason is new when its figure (the rate, the cookie's days) or most of its words (the
    sample perk) are not in what we already sent them; a record without our earlier texts takes
    the first there is.
    """
    said = " ".join(x.text for x in _outbound(c)).casefold()
    commission = c.values["commission"]
    rate = _LEADING_RATE.match(commission)
    candidates: list[tuple[str, bool]] = [
        (
            "new_sample",
            bool(c.values["sample"]) and not _words_said(_sample_perk(c.template) or "", said),
        ),
        (
            "new_terms" if _RATE.match(commission) else "new_terms_text",
            bool(commission) and not (rate and _figure_said(rate.group(0), said)),
        ),
        (
            "new_cookie",
            bool(c.values["cookie_days"]) and not _cookie_said(c.values["cookie_days"], said),
        ),
    ]
    slot = next((name for name, new in candidates if new), None)
    return c.fill(c.phrase(f"follow_up.{slot}")) if slot else ""


def _figure_said(figure: str, said: str) -> bool:
    number = re.sub(r"[^\d.,]", "", figure).rstrip(".,")
    return bool(number) and re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d])", said) is not None


def _cookie_said(days: str, said: str) -> bool:
    """The cookie window was stated: its days as days ("45-day", "45 Tage"), or a cookie named."""
    as_days = rf"(?<![\d.,]){re.escape(days)}\s?-?\s?(?:day|día|dia|jour|tag)"
    return re.search(as_days, said) is not None or ("cookie" in said and _figure_said(days, said))


def _words_said(text: str, said: str) -> bool:
    """Most of ``text``'s topic words are in ``said`` (a perk we already offered)."""
    words = content_stems(text)
    return bool(words) and len(words & content_stems(said)) * 2 >= len(words)


def _on_send_day(c: _Context, rel: Relationship) -> Relationship:
    """A held relationship as it will stand on the day the draft goes out (``not_before``).

    A scheduled result's draft is sent that day: they asked us to wait (a check-back citing
    what they said) or were away (a follow-up to the note they came back to), and "a few days
    ago" is counted to that day.
    """
    last = _last_outbound(c)
    if not (rel.not_before and last):
        return rel
    try:
        days = (date.fromisoformat(rel.not_before) - date.fromisoformat(last)).days
    except ValueError:
        return rel
    return rel.model_copy(update={"days_since_outbound": max(days, 0)})


def _month_name(month: int, language: str) -> str:
    """The month's name in ``language`` as its bank's phrases take it ("September", "września").

    Babel's stand-alone name ("LLLL") unless the bank's ``[words] month_format`` says another
    pattern (Polish "MMMM", the genitive that follows "z").
    """
    pattern = str(bank(language)["words"].get("month_format", "LLLL"))
    return str(format_date(datetime(2000, month, 1).date(), pattern, locale=language))


def _month_of(at: str | None, language: str) -> str | None:
    """The month they wrote in, named in ``language`` ("September", "septembre"), if dated."""
    if not at:
        return None
    try:
        written = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _month_name(written.month, language)


def _check_back_opener(c: _Context, rel: Relationship) -> str:
    """What they said, cited: the date phrase they gave, else the exchange in the bank's words.

    A deferral without a date ("Thanks, maybe later.") is cited as "when we spoke in September,
    you said later would suit you better" (``[check_back] cites`` holds the restatement the
    sendability gate accepts); without a dated exchange, without the month.
    """
    when = _when(rel)
    if when:
        return c.fill(c.phrase("check_back.opener_when"), {"when": when})
    month = _month_of(rel.asked_at, c.language)
    if month:
        return c.fill(c.phrase("check_back.opener_asked"), {"month": month})
    return c.fill(c.phrase("check_back.opener_asked_undated"))


def _check_back(
    plan: VariationPlan, c: _Context, facts: list[Fact], shape: Shape, rel: Relationship
) -> tuple[str, _Hook | None]:
    """What they asked first, then the offer; a DM or e-mail adds their newest fitting content."""
    opener = _check_back_opener(c, rel)
    still, ask = c.fill(c.phrase("check_back.still")), c.fill(c.phrase("check_back.ask"))
    if shape == "note":
        short = c.fill(c.phrase("check_back.still_note"))  # brand and program: the disclosure
        terms = _terms(c, cookie=False)
        for parts in ([opener, still, terms, ask], [opener, short, ask]):
            note = f"{_greeting(c)}\n" + " ".join(parts)
            if len(note) <= _limit("note_ideal"):
                return note, None
        return note, None
    hook = _news(c, facts, plan, shape, since=rel.asked_at)
    reason = c.fill(c.phrase("follow_up.new_title"), hook.values) if hook else ""
    parts = [opener, still, reason, _terms(c, cookie=shape == "email"), ask]
    text = " ".join(p for p in parts if p)
    return "\n\n".join([_greeting(c), text, _name_line(c)]), hook


def _details(c: _Context, shape: Shape, links_allowed: bool) -> str:
    parts = [c.fill(c.phrase("details.opener")), _terms(c, cookie=True)]
    parts.append(_perks(c, include_sample=False).strip())
    if c.values["sample"]:
        parts.append(c.fill(c.phrase("answer.sample")))
    if c.values["link"] and links_allowed:  # the one next step, last
        parts.append(c.fill(c.phrase("details.link_step")))
    else:
        parts.append(c.fill(c.phrase("details.no_link_step")))
    text = " ".join(p for p in parts if p)
    if shape == "note":
        return f"{_greeting(c)}\n{text}"
    return "\n\n".join([_greeting(c), text, _name_line(c)])


def _thanks(c: _Context) -> str:
    """The answer's first sentence: it names the brand and its affiliate program."""
    return c.fill(c.phrase("answer.thanks"))


def _slot(c: _Context, when: datetime, *, exact: bool = False) -> str:
    """A call time: "Thursday morning", or "Thursday 10:00 AM" where they named the hours."""
    day = str(c.bank["answer"]["weekdays"][when.weekday()])
    if exact:
        return f"{day} {format_time(when, 'short', locale=c.language)}"
    part = "morning" if when.hour < 12 else "afternoon"
    return c.fill(c.phrase(f"answer.{part}"), {"weekday": day})


def _call(c: _Context, slots: Sequence[datetime], links_allowed: bool, said: str) -> list[str]:
    """A call: the template's booking page, else two times in their working hours, else ask.

    A channel that carries no link (a TikTok DM) gets the times or the question, never the page.
    The times are in the part of the day they asked for (``said``: "mornings are best").
    """
    booking = booking_link(c.template) if links_allowed else None
    if booking:
        return [c.fill(c.phrase("answer.call_booking"), {"booking_link": _safe(booking)})]
    slots = named_slots(list(slots), said, c.language)
    exact = bool(named_hours(said))
    if len(slots) >= 2:
        one, two = _slot(c, slots[0], exact=exact), _slot(c, slots[1], exact=exact)
        extra = {"slot_one": one, "slot_two": two}
        return [c.fill(c.phrase("answer.call_slots"), extra)]
    return [c.fill(c.phrase("answer.call_open"))]


def _question(c: _Context, relationship: Relationship) -> list[str]:
    """Each topic the template answers, answered in the message's language; the rest named.

    A term is worded by the bank (the commission, the cookie, the sample, the payout schedule
    and method); an approved claim is quoted only when it is written in the message's
    language. A topic left open is named ("I'm confirming the minimum payout with the team"),
    never "the rest of your question" where nothing was answered.
    """
    found = answer_question(str(relationship.asked_for or ""), c.template)
    parts: list[str] = []
    open_topics = list(found.unanswered)
    for topic, text in found.answered.items():
        kind = answer_kind(topic)
        payout = read_payout(text) if kind == "claims" else None
        if kind in ("commission", "cookie", "sample") and c.values[_VALUE_OF[kind]]:
            parts.append(c.fill(c.phrase(f"answer.{kind}")))
        elif payout is not None:
            parts.append(payout_worded(payout, c.bank["terms"], c.phrase("answer.payout")))
        elif c.offer_language == c.language:
            parts.append(c.fill(c.phrase("answer.claim"), {"claim": _safe(text).rstrip(".")}))
        else:
            open_topics.append(topic)  # the claim is in another language: a person answers
    if open_topics and (parts or any(t in _topic_names(c) for t in open_topics)):
        names = [_topic_names(c).get(t, _topic_names(c)["other"]) for t in open_topics]
        joined = _join_list(list(dict.fromkeys(names)), str(c.bank["words"]["and"]))
        parts.append(c.fill(c.phrase("answer.open_topics"), {"topics": joined}))
    elif open_topics or not parts:
        parts.append(c.fill(c.phrase("answer.open_question")))
    return parts


def _topic_names(c: _Context) -> dict[str, str]:
    return {str(k): c.fill(str(v)) for k, v in c.bank["answer"]["topic_names"].items()}


_VALUE_OF = {"commission": "commission", "cookie": "cookie_days", "sample": "sample"}


NEXT_STEPS = (
    "answer.next_step_link",
    "answer.next_step_reply",
    "answer.call_booking",
    "answer.call_slots",
    "answer.call_open",
    "details.link_step",
    "details.no_link_step",
)
"""The bank slots that make an answer's next step (the link, a booking, times, "reply with
X"): an answer to a warm lead ends with exactly one of them."""


def _next_step(c: _Context, links_allowed: bool) -> list[str]:
    if c.values["link"] and links_allowed:
        return [c.fill(c.phrase("answer.next_step_link"))]
    return [c.fill(c.phrase("answer.next_step_reply"))]


def _for_a_person(c: _Context, links_allowed: bool, relationship: Relationship) -> list[str]:
    """A reply we could not read ("half the pans in that reel are yours already"), for a person.

    Read in a language the rules read and found to refuse nothing, the draft a person reviews
    says what the template can say now (the terms in a sentence and the next step), never only
    "I'll get back to you". A reply in a language the rules do not read may be a decline
    ("Takk, men vi samarbeider allerede med Thule", "Спасибо, но мне это неинтересно"): it gets
    the holding line, no terms, as does a template with no terms to state.
    """
    said = str(relationship.asked_for or "")
    readable = relationship.reply_language in RULE_LANGUAGES and unreadable_letter(said) is None
    readable = readable and not may_decline(said)
    if not c.values["commission"] or not readable:
        return [c.fill(c.phrase("answer.hand_to_person"))]
    return [_terms(c, cookie=False), *_next_step(c, links_allowed)]


def _referral(c: _Context, relationship: Relationship) -> str:
    contact = referred_contact(str(relationship.asked_for or ""))
    name = _safe(contact.name or "")
    referrer = c.values["first_name"] or _safe(c.prospect.name if c.prospect else "")
    greeting = c.fill(c.phrase("answer.referral_greeting"), {"contact": name}) if name else ""
    greeting = greeting or c.fill(c.phrase("greeting.anonymous"))
    text = " ".join(
        [
            c.fill(c.phrase("answer.referral_intro"), {"referrer": referrer or c.values["brand"]}),
            _terms(c, cookie=False),
            c.fill(c.phrase("answer.referral_ask")),
        ]
    )
    c.notes.append(
        "referral: addressed to "
        + (f"{contact.name} " if contact.name else "the contact they named ")
        + (f"<{contact.email}>" if contact.email else "(no address given)")
        + ": a person sends it to the new contact"
    )
    return "\n\n".join([greeting, text, _name_line(c)])


def _details_cta(c: _Context, links_allowed: bool) -> str:
    return "link" if c.values["link"] and links_allowed else "reply"


def answer_reply(
    c: _Context,
    shape: Shape,
    links_allowed: bool,
    relationship: Relationship | None,
    slots: Sequence[datetime],
) -> tuple[str, str]:
    """The answer to their reply, per its intent's action (``tools/policies/intents.toml``).

    Returns the body and the call to action it makes. Every answer names the brand; none makes a
    claim the template does not hold.
    """
    if relationship is None or relationship.intent is None:  # no words read: deliver the details
        return _details(c, shape, links_allowed), _details_cta(c, links_allowed)
    action = get_intent(relationship.intent).action
    said = str(relationship.asked_for or "")
    if action == "send_details" and asks_for_call(said, relationship.reply_language):
        # "happy to hear more, could we do a call?": the call they asked for, the terms in a line
        call = _call(c, slots, links_allowed, said)
        text = " ".join([_thanks(c), _terms(c, cookie=False), *call])
        if shape == "note":
            return f"{_greeting(c)}\n{text}", "reply"
        return "\n\n".join([_greeting(c), text, _name_line(c)]), "reply"
    if action == "send_details":
        return _details(c, shape, links_allowed), _details_cta(c, links_allowed)
    if action == "referral_draft":
        return _referral(c, relationship), "reply"
    asked_call = asks_for_call(said, relationship.reply_language)
    step = _call(c, slots, links_allowed, said) if asked_call else _next_step(c, links_allowed)
    parts = {
        "propose_call": lambda: _call(c, slots, links_allowed, said),
        "answer_question": lambda: [*_question(c, relationship), *step],
        "counter_offer_draft": lambda: [c.fill(c.phrase("answer.negotiation"))],
        "next_step": lambda: _next_step(c, links_allowed),
        "hand_to_person": lambda: _for_a_person(c, links_allowed, relationship),
    }[action]()
    text = " ".join([_thanks(c), *parts])
    if shape == "note":
        if action == "answer_question" and len(f"{_greeting(c)}\n{text}") > _limit("note_max"):
            text = text.removesuffix(" ".join(step)).rstrip()  # the answer outranks the step
        return f"{_greeting(c)}\n{text}", "reply"
    linked = action == "next_step" or (action == "answer_question" and not asked_call)
    cta = "link" if linked and c.values["link"] and links_allowed else "reply"
    return "\n\n".join([_greeting(c), text, _name_line(c)]), cta


def _fresh_no(rel: Relationship) -> bool:
    """True when their "no" is recent enough for a thank-you (``[declined] thank_days``)."""
    try:
        said = datetime.fromisoformat(str(rel.asked_at))
    except ValueError:
        return False
    said = said if said.tzinfo else said.replace(tzinfo=UTC)
    days = int(load_pack("relationship")["declined"]["thank_days"])
    return datetime.now(UTC) - said <= timedelta(days=days)


def decline_note(c: _Context, shape: Shape) -> str:
    """A thank-you to someone who declined: no pitch, term, link or offer word (no disclosure)."""
    text = c.fill(c.phrase("answer.decline_note"))
    name = signoff(c.template, c.language)  # who writes: "Maya from TrailPeak" (not a pitch)
    if shape == "note":
        return f"{_greeting(c)}\n{text}\n{name}"
    return "\n\n".join([_greeting(c), text, name])


def _subject(c: _Context, hook: _Hook | None, stage: str) -> str:
    v = c.values
    special = {
        "awaiting_reply": "follow_up",
        "check_back_due": "check_back",
        "declined": "declined",
    }
    if stage in special or stage == "asked_for_details":
        slot = special.get(stage, "details")
    elif (
        hook is not None
        and hook.subject_slot == "niche"
        and word_count(hook.values.get("niche", "")) <= 3
    ):
        slot = "niche"
    elif hook is not None and hook.subject_slot == "title":
        slot = "title"
    else:
        slot = "generic" if v["first_name"] else "anonymous"
    extra = {"niche": hook.values.get("niche", "")} if hook else {}
    extra |= {"piece": hook.values.get("piece", v["piece"])} if hook else {}
    subject = c.fill(c.phrase(f"subject.{slot}"), extra)
    return subject[:1].upper() + subject[1:]


def _prospect_fields(c: _Context, facts: list[Fact]) -> dict[str, str]:
    """The prospect's merge fields, from the clean record (what the facts were taken from)."""
    p = c.prospect
    audience = next((_audience(f.text) for f in facts if f.kind == "audience_size"), None)
    if p is None:
        return {"first_name": c.values["first_name"], "audience": audience or ""}
    parts = _safe(p.name).split()
    return {
        "first_name": c.values["first_name"],
        "last_name": parts[-1] if len(parts) > 1 else "",
        "name": _safe(p.name),
        "handle": _safe(p.handle or ""),
        "company": _safe(p.company or ""),
        "job_title": _safe(p.title or ""),
        "niche": _safe(p.niche or ""),
        "location": _safe(p.location or ""),
        "platform": _safe(p.platform or ""),
        "audience": audience or "",
    }


def _templated(
    plan: VariationPlan, c: _Context, facts: list[Fact], shape: Shape, cta: str
) -> tuple[str, str | None, _Hook | None]:
    """The tenant's body and subject with this variation's hook and bridge filled in."""
    template = c.template
    copy = check_copy(template)
    assert copy is not None and template.body
    hooks = _hooks(plan, c, facts, "note" if shape == "note" else shape)
    hook = hooks[0] if hooks else None
    hook_text = _hook_text(c, hook) if hook else ""
    if re.search(r",[ \t]*\{\{-?\s*personal_hook", template.body):  # "Hi Ana, {{ personal_hook }}"
        hook_text = _lower_first(hook_text)
    why = ""
    if hook and "why_you" in copy.fields:
        why = c.fill(c.phrase("bridge.copy_fit" if hook.relevance > 0 else "bridge.copy_plain"))
    if not copy.has_hook:
        c.notes.append("the template's body has no {{ personal_hook }}: its copy is sent as is")
    values = copy_values(
        template,
        prospect=_prospect_fields(c, facts),
        personal_hook=hook_text,
        why_you=why,
        call_to_action=_ask(c, cta) if "call_to_action" in copy.fields else "",
    )
    body = render(template.body, values, where="body")
    subject = render(template.subject, values, where="subject") if template.subject else None
    return body, subject, hook if copy.has_hook else None


def _fit_copy(
    plan: VariationPlan,
    c: _Context,
    facts: list[Fact],
    shape: Shape,
    cta: str,
    body: str,
    hook: _Hook | None,
) -> tuple[str, _Hook | None]:
    """The tenant's copy fitted to the channel by whole sentences, never cut mid-sentence.

    A DM longer than its band loses optional sentences (the copy's extras, never the greeting,
    the hook, the brand, the disclosure or the ask); a LinkedIn note that cannot fit its limit
    so is written from the phrase bank with the hook (a cut copy reads as a cut copy).
    """
    if shape == "dm" and word_count(body) > _band("dm")[1]:
        hook_text = _hook_text(c, hook) if hook else ""
        keep = [c.values["brand"], *(s for s in _SENTENCE_END.split(hook_text) if s)]
        if c.values["commission"]:  # the terms are stated once, never left out
            keep.append(c.values["commission"])
        fitted = fit_to_limit(
            body, limit=_band("dm")[1], measure=word_count, keep=keep, whole_sentences=True
        )
        if fitted != body:
            c.notes.append("dm: the copy's optional sentences were left out to fit the DM band")
        return fitted, hook
    if shape == "note" and len(body) > _limit("note_max"):
        keep = [c.values["brand"]]
        fitted = fit_to_limit(
            body, limit=_limit("note_max"), measure=len, keep=keep, whole_sentences=True
        )
        if len(fitted) <= _limit("note_max") and (hook is None or _hook_text(c, hook) in fitted):
            c.notes.append("note: the copy's optional sentences were left out to fit the limit")
            return fitted, hook
        c.notes.append("note: the copy does not fit a LinkedIn note; written from the phrase bank")
        return _cold(plan, c, facts, shape, cta)
    return body, hook


def shape_for(channel: str, size: Size = "full", *, in_conversation: bool = False) -> Shape:
    """The message shape a channel takes (its registry kind): an e-mail, a short note or a DM.

    A note channel's message inside a conversation (they accepted or replied) is a DM: the note's
    limit is a connection request's.
    """
    if is_email(channel):
        return "email"
    if (is_note(channel) and not in_conversation) or size == "short":
        return "note"
    return "dm"


def compose(
    plan: VariationPlan,
    *,
    facts: list[Fact],
    template: Template,
    first_name: str,
    channel: str,
    links_allowed: bool,
    size: Size = "full",
    seed: str = "",
    language: str = "en",
    prospect: Prospect | None = None,
    relationship: Relationship | None = None,
    slots: Sequence[datetime] = (),
    register: str | None = None,
    in_conversation: bool = False,
) -> Draft:
    """Write the plan's message from the language's phrase bank, the facts and the template.

    ``seed`` should carry the prospect's id and the variation: phrase choice follows it. A reply
    (stage ``asked_for_details``) is answered per its intent (``answer_reply``); ``slots`` are
    call times in the prospect's zone for a prospect who asked for a call. ``register``
    (``formal``/``informal``, from ``tools/writing/register.py``) picks the bank's overlay.
    """
    language = language if language in LANGUAGES else "en"
    key = f"{seed}\x1f{plan.id}"
    own = copy_in(template, language)  # the copy in this language: a translation, or its own
    if own is None:
        template = template.model_copy(update={"subject": None, "body": None})
    chosen = register
    written = (
        _copy_register(own, language)
        if relationship is None or (relationship.stage == "cold")
        else None
    )
    register = written if written and register else register
    c = _Context(
        key=key,
        tone=plan.tone,
        language=language,
        template=template,
        first_name=first_name,
        prospect=prospect,
        register=register,
    )
    if register != chosen:
        c.notes.append(
            f"register: {register}, as the template's copy is written (not {chosen}: one "
            "message, one register)"
        )
    if own is None:
        c.notes.append(
            f"the template's copy is not in '{language}' and has no translation for it: the "
            "message is written from the phrase bank"
        )
    else:
        template = c.template = own
    shape = shape_for(channel, size, in_conversation=in_conversation)
    cta = _cta(plan.cta, c, links_allowed)
    if shape == "note" and cta in ("link", "link_request"):
        c.notes.append(f"cta '{plan.cta}': a connection note has no link; it asks to connect")
        cta = "reply"
    stage = relationship.stage if relationship else "cold"
    if stage == "deferred" and relationship is not None:  # held: written for its send day
        stage = "check_back_due" if asked_to_wait(relationship) else "awaiting_reply"
        relationship = _on_send_day(c, relationship)
    elif stage == "check_back_due" and relationship is not None and not asked_to_wait(relationship):
        stage = "awaiting_reply"
    hook: _Hook | None = None
    copy_subject: str | None = None
    if stage == "awaiting_reply" and relationship is not None:
        body, hook = _follow_up(plan, c, facts, shape, relationship)
        cta = "reply"
    elif stage == "check_back_due" and relationship is not None:
        body, hook = _check_back(plan, c, facts, shape, relationship)
        cta = "reply"
    elif stage == "asked_for_details":
        body, cta = answer_reply(c, shape, links_allowed, relationship, slots)
    elif stage == "declined" and relationship is not None and _fresh_no(relationship):
        body, cta = decline_note(c, shape), "reply"
    elif template.body and template.body.strip():
        body, copy_subject, hook = _templated(plan, c, facts, shape, cta)
        body, hook = _fit_copy(plan, c, facts, shape, cta, body, hook)
    else:
        body, hook = _cold(plan, c, facts, shape, cta)
    if shape == "note" and len(body) > _limit("note_max"):
        c.notes.append("note: trimmed to fit the character limit")
        body = fit_to_limit(body, limit=_limit("note_max"), measure=len, keep=[template.brand])
    subject = None
    if is_email(channel):
        subject = copy_subject if copy_subject and stage == "cold" else _subject(c, hook, stage)
    angle = hook.angle if hook else "generic"
    ids = list(hook.fact_ids) if hook else []
    return Draft(subject, unspaced(body, c.bank), ids, angle, c.notes, cta, language)


def _copy_register(copy: Template | None, language: str) -> str | None:
    """The register the tenant's copy addresses the reader in (Sie/du...), if it shows one."""
    if copy is None or not (copy.body or "").strip():
        return None
    return detect_register(f"{copy.subject or ''}\n{copy.body}", language)


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
    for language in LANGUAGES:  # the month a check-back names ("when we spoke in September")
        walk([_month_name(month, language) for month in range(1, 13)])
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            walk(load_bank(entry.name.removesuffix(".toml")))
        elif entry.is_dir():  # the language's bank and its register overlays
            for bank_file in entry.iterdir():
                if bank_file.name.endswith(".toml"):
                    table = load_bank(f"{entry.name}/{bank_file.name.removesuffix('.toml')}")
                    walk({k: v for k, v in table.items() if k not in RULE_TABLES})
    return frozenset(words)
