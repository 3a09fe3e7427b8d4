"""Grounding: every specific claim in a draft must trace to the record or the template (LLM09).

A draft may only state what a source says. The sources are the extracted facts (untrusted but
sanitised), the tenant's template (trusted: brand, sender, offer terms, approved claims, links),
the prospect's name and, for ordinary capitalised words only, the phrase banks' text. Numbers may
be rounded the way people write them (48,200 as 48K or 48.2K); offer terms (percentages, money,
day counts, also in words: "forty percent") must match the template exactly, except inside what
the message cites from the prospect's content or history ("your $30 pan test") where they are that
fact's; result promises are never grounded unless the template approved the very phrase.

Proper nouns: a capitalised word needs a source, unless it is an ordinary word of the message's
language (a frequent word in ``wordfreq``'s list for it, or in English) at the start of a sentence
or, in German, any capitalised noun. A frequent name at the start of a sentence ("Paris is...")
therefore passes as an ordinary word; in the middle of a sentence it still needs a source.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from babel.core import Locale, UnknownLocaleError, get_global
from babel.dates import get_timezone, get_timezone_location
from wordfreq import get_frequency_dict, zipf_frequency

from ipe.addresses import find_addresses
from ipe.domain import ExcludedSpan, Fact, Finding, Template
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.policies import load_pack
from ipe.tools.text.textcount import find_links
from ipe.tools.trust.patterns import any_of, compile_for_lowercase
from ipe.tools.writing.facts import content_stems

SOURCE = "platform-rules.md: LLM09 misinformation / FTC Endorsement Guides"
EXCLUDED_RUN = 4

_QUOTE = re.compile(r"“([^”\n]{1,300})”|\"([^\"\n]{1,300})\"")
_PERCENT = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|por ciento\b|por cento\b|"
    r"pour cent\b|prozent\b)",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(k|m)\b)?"
    r"|(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?(?:usd|dollars|eur|euros|gbp|pounds)\b",
    re.IGNORECASE,
)
_DAYS = re.compile(r"(?<![\w.])(\d+)(?:\s|-)?(?:days?|d[ií]as?|jours?|tage?n?)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:\s?(k|m|b|bn|thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(
    r"(?<![\w.,:/-])(?:[01]?\d|2[0-3])(?:[:h][0-5]\d(?!\d)(?:\s?(?:h|uhr)\b)?|"
    r"\s?(?:h(?!\w)|uhr\b|am\b|pm\b|a\.m\.|p\.m\.|o'clock\b))",
    re.IGNORECASE,
)
"""A time of day: 18h00, 18:30, 9h, 6 pm, 10 Uhr (the hours a call is proposed at)."""
_LOWERCASE = {p: compile_for_lowercase(p.pattern) for p in (_PERCENT, _MONEY, _DAYS, _NUMBER)}
"""The case-insensitive patterns above, for lower-cased ASCII text (exactly IGNORECASE there)."""
_WORD = re.compile(r"[^\W\d_](?:[\w'’]|[.-](?=[^\W\d_]))*")
_CASED_WORD = re.compile(
    r"(?![\u3040-\u30ff\u3400-\u9fff\uff00-\uffef])[^\W\d_]"
    r"(?:(?![\u3040-\u30ff\u3400-\u9fff\uff00-\uffef])[\w'’]|[.-](?=[^\W\d_]))*"
)
"""A ``_WORD`` that ends where kana or kanji begin: Japanese writes a name next to its particle
with no space ("LumenのEliseです" holds the names "Lumen" and "Elise")."""
_TOKEN = re.compile(r"[\w']+")
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_OPENERS = "\"“‘'([{*-–—•>¿¡«»„"
_SENTENCE_END = ".!?…:"


@dataclass(frozen=True)
class Number:
    """A number as written: its value and how precisely it was written."""

    value: float
    precision: float

    def matches(self, actual: float) -> bool:
        """True when ``actual`` rounds (or truncates) to this number at its written precision."""
        if self.precision <= 1:
            return abs(actual - self.value) < 1e-9 or (
                self.precision < 1 and abs(actual - self.value) <= self.precision / 2
            )
        diff = actual - self.value
        return abs(diff) <= self.precision / 2 or 0 <= diff < self.precision


def _to_float(digits: str) -> float:
    return float(digits.replace(",", ""))


def parse_number(match: re.Match[str]) -> Number:
    """The value and written precision of a ``_NUMBER`` match."""
    whole, decimals, suffix = match.group(1), match.group(2) or "", (match.group(3) or "").lower()
    value = _to_float(f"{whole}.{decimals}" if decimals else whole)
    if suffix:
        multiplier = _MULTIPLIERS[suffix]
        return Number(value * multiplier, multiplier / 10 ** len(decimals))
    if decimals:
        return Number(value, 10.0 ** -len(decimals))
    digits = whole.replace(",", "")
    if value < 1000:
        return Number(value, 1.0)
    trailing = len(digits) - len(digits.rstrip("0"))
    return Number(value, float(min(10**trailing, 10 ** (len(digits) - 2))))


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text``, as exact values (suffixes applied)."""
    return [parse_number(m).value for m in _NUMBER.finditer(text)]


@cache
def _config() -> tuple[tuple[re.Pattern[str], ...], frozenset[str], float, frozenset[str]]:
    section = load_pack("lint")["grounding"]
    promises = tuple(re.compile(p, re.IGNORECASE) for p in section["promise_patterns"])
    allowed = frozenset(w.lower() for w in section["always_allowed"])
    languages = frozenset(section["dictionary_languages"])
    return promises, allowed, float(section["ordinary_word_zipf"]), languages


@lru_cache(maxsize=65536)
def ordinary_word(word: str, language: str = "en") -> bool:
    """True when ``word`` is a frequent word of ``language`` (or English): not a name by itself.

    Frequencies are ``wordfreq``'s (Zipf scale, its "small" lists); the threshold is
    ``[grounding] ordinary_word_zipf`` in ``tools/policies/lint.toml``.
    """
    _, _, threshold, languages = _config()
    word = word.replace("’", "'").lower()
    wanted = [lang for lang in dict.fromkeys((language, "en")) if lang in languages]
    return any(zipf_frequency(word, lang, wordlist="small") >= threshold for lang in wanted)


INFLECTION = 2
"""Final letters an inflected form may change: Polish "prowizje" is "prowizji" inflected."""


@cache
def _stems(language: str) -> frozenset[str]:
    """The stems an inflected form of a frequent word of ``language`` keeps.

    Its words of five letters or more, less 1..``INFLECTION`` final letters.
    """
    _, _, threshold, languages = _config()
    if language not in languages or language == "en":
        return frozenset()
    least = 10 ** (threshold - 9)  # Zipf is log10 of occurrences per billion words
    out: set[str] = set()
    for word, share in get_frequency_dict(language, wordlist="small").items():
        if share >= least and len(word) >= 5 and word.isalpha():
            out |= {word[:-cut] for cut in range(1, INFLECTION + 1)}
    return frozenset(out)


def inflected_ordinary(word: str, language: str) -> bool:
    """True when ``word`` is a frequent word of ``language`` with its last letters changed.

    Frequency lists hold the common forms of a word; a highly inflected language (Polish, Czech,
    Finnish) writes many more: "Prowizje" opening a sentence is "prowizji" in another case. The
    word keeps all of a frequent word but its last ``INFLECTION`` letters, and changes at most as
    many.
    """
    word = word.replace("’", "'").lower()
    stems = _stems(language)
    return len(word) >= 5 and any(
        word[:-cut] in stems for cut in range(1, INFLECTION + 1) if len(word) - cut >= 4
    )


_DE_INFLECTIONS = ("", "s", "es", "n", "en", "e", "er", "ern")
_DE_LINKS = ("", "s", "es", "n", "en", "e")
_DE_DERIVED = ("ung", "heit", "keit", "schaft", "tion", "tät", "ling")


def _german(word: str) -> bool:
    """A frequent German word, not an English one borrowed ("Link" is one, "Light" is not).

    English parts make brand names ("Northlight"), not German compounds.
    """
    german = zipf_frequency(word, "de", wordlist="small")
    return german >= _config()[2] and german >= zipf_frequency(word, "en", wordlist="small") - 0.5


def _de_ordinary(word: str, endings: tuple[str, ...], minimum: int) -> bool:
    return any(
        word.endswith(end)
        and len(word) - len(end) >= minimum
        and _german(word[: len(word) - len(end)] if end else word)
        for end in endings
    )


@cache
def _name_config() -> tuple[int, int, tuple[str, ...], dict[str, frozenset[str]]]:
    section = load_pack("lint")["grounding"]
    names = section["name_forms"]
    courtesy = {
        lang: frozenset(_plain(w) for w in words) for lang, words in section["courtesy"].items()
    }
    endings = tuple(_plain(e) for e in names["diminutive_endings"])
    return int(names["max_ending"]), int(names["stem_may_lose"]), endings, courtesy


def name_form(token: str, names: Iterable[str]) -> bool:
    """True when ``token`` is an inflected or diminutive form of one of ``names`` (``_plain``).

    Many languages inflect names: the vocative "Agnieszko" and genitive "Agnieszki" of
    Agnieszka, Czech "Petře" of Petr, Finnish "Mikolle" of Mikko, Hungarian "Annának" of Anna,
    Greek "Γιώργο" of Γιώργος, Lithuanian "Jonai" of Jonas. A form keeps the name's stem (all
    of it but at most ``stem_may_lose`` letters, three at least) and adds a short ending (at most
    ``max_ending`` letters); a diminutive keeps three letters of it and ends in one of
    ``diminutive_endings`` (Tomasz -> "Tomek", Juan -> "Juanito"): ``[grounding.name_forms]``.
    """
    max_ending, may_lose, diminutives, _ = _name_config()
    word = _plain(token.strip("'.-"))
    for name in names:
        if word == name:
            return True
        shared = len(os.path.commonprefix([word, name]))
        if shared < 3:
            continue
        ending = word[shared:]
        if shared >= len(name) - may_lose and len(ending) <= max_ending:
            return True
        if any(ending == d for d in diminutives if d):
            return True
    return False


def courtesy_word(token: str, language: str) -> bool:
    """True when ``token`` is a pronoun or title of address that a letter capitalises.

    Per the message's language ("Pani", "Lei", "Usted", "Vous", "Вы"): ``[grounding.courtesy]``.
    """
    courtesy = _name_config()[3]
    return _plain(token) in courtesy.get(language.split("-")[0].lower(), frozenset())


def _cognate(token: str, prefixes: frozenset[str]) -> bool:
    """True when ``token`` starts as a word of the template or the phrase banks does.

    ``COGNATE_PREFIX`` letters, doubled letters single: that word translated, as Polish
    "Afilianci" is "affiliates".
    """
    single = re.sub(r"(.)\1", r"\1", _plain(token))
    return len(single) > COGNATE_PREFIX and single[:COGNATE_PREFIX] in prefixes


def german_compound(word: str) -> bool:
    """True when ``word`` is a German compound of ordinary words ("Beschwerungssteinen").

    Its head noun (inflected) is an ordinary German word of four letters or more, and what
    precedes it (with a linking -s-, -en-...) is an ordinary word or a derived noun (-ung, -heit,
    -keit...). German capitalises every noun, so a compound is not a name by itself.
    """
    word = word.lower()
    for cut in range(3, len(word) - 3):
        modifier, head = word[:cut], word[cut:]
        if not _de_ordinary(head, _DE_INFLECTIONS, 4):
            continue
        for link in _DE_LINKS:
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            if link and not modifier.endswith(link) or len(stem) < 3:
                continue
            derived = any(stem.endswith(d) and len(stem) > len(d) + 2 for d in _DE_DERIVED)
            if derived or _german(stem):
                return True
    return False


@cache
def _number_words() -> tuple[dict[str, float], dict[str, float], re.Pattern[str]]:
    numbers = load_pack("lint")["numbers"]
    units = {k: float(v) for k, v in numbers["units"].items()}
    multipliers = {k: float(v) for k, v in numbers["multipliers"].items()}
    words = sorted({*units, *multipliers}, key=len, reverse=True)
    word = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    joiners = "|".join(re.escape(j) for j in numbers["joiners"])
    phrase = rf"{word}(?:[\s-]+(?:(?:{joiners})\s+)?{word})*"

    def alternatives(key: str) -> str:
        listed = sorted(numbers[key], key=len, reverse=True)
        return "|".join(re.escape(w).replace("\\ ", "\\s+") for w in listed)

    pattern = re.compile(
        rf"(?<![\w-])({phrase})(?:\s*(%|{alternatives('percent_words')})|[\s-]+"
        rf"({alternatives('day_words')})|\s+({alternatives('money_words')}))(?![\w-])",
        re.IGNORECASE,
    )
    return units, multipliers, pattern


@cache
def _number_words_lowercase() -> re.Pattern[str]:
    """``_number_words``' pattern for lower-cased ASCII text (exactly IGNORECASE there)."""
    return compile_for_lowercase(_number_words()[2].pattern)


_ARTICLES = frozenset({"a", "an", "un", "una", "um", "uma", "une", "ein", "eine"})


def _words_value(phrase: str) -> float | None:
    """The value of a number written in words ("forty five", "a hundred"), or None."""
    units, multipliers, _ = _number_words()
    total = current = 0.0
    seen = False
    for token in re.split(r"[\s-]+", phrase.lower()):
        if token in units:
            current += units[token]
            seen = True
        elif token in multipliers:
            current = (current or 1.0) * multipliers[token]
            if multipliers[token] >= 1000:
                total, current = total + current, 0.0
            seen = True
    return total + current if seen else None


def worded_terms(text: str) -> list[tuple[int, int, str, float]]:
    """``(start, end, unit, value)`` of every offer term written in words.

    "forty percent" has unit "%", "thirty days" "days", "fifty dollars" "money".
    """
    _, multipliers, pattern = _number_words()
    out: list[tuple[int, int, str, float]] = []
    if text.isascii():  # three times faster, the same spans: read the words from ``text``
        matches = _number_words_lowercase().finditer(text.lower())
    else:
        matches = pattern.finditer(text)
    for match in matches:
        phrase, start = text[match.start(1) : match.end(1)], match.start(1)
        tokens = re.split(r"[\s-]+", phrase)
        if tokens[0].lower() in _ARTICLES and (
            len(tokens) < 2 or tokens[1].lower() not in multipliers
        ):
            if len(tokens) < 2:
                continue  # "a day", "a percent": an article, not a number
            start = match.start(1) + phrase.lower().index(tokens[1].lower(), len(tokens[0]))
            phrase = text[start : match.end(1)]
        value = _words_value(phrase)
        if value is None:
            continue
        unit = "%" if match.group(2) else "days" if match.group(3) else "money"
        out.append((start, match.end(), unit, value))
    return out


@cache
def _lowercase_promises() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """One alternation of every promise pattern for lower-cased ASCII text, and each of them."""
    patterns = tuple(compile_for_lowercase(p.pattern) for p in _config()[0])
    return any_of((p.pattern for p in patterns), lowercase=True), patterns


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _norm_quote(text: str) -> str:
    return _norm(text).strip(" .,!?;:…'\"").removesuffix("...").strip(" .,!?;:…")


def _word_forms(token: str) -> set[str]:
    lower = token.replace("’", "'").lower().strip("'.-")
    forms = {lower}
    for suffix in ("'s", "'"):
        if lower.endswith(suffix):
            forms.add(lower[: -len(suffix)])
    stem, mark, ending = lower.rpartition("'")
    if mark and stem and 0 < len(ending) <= 4 and ending.isalpha():
        forms.add(stem)  # a case ending after a name (Turkish "Academy'de", "Lumen'in")
    return {form for form in forms if form}


def _words(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        for match in _WORD.finditer(text):
            forms = _word_forms(match.group())
            out |= forms
            for form in list(forms):
                out |= {part for part in re.split(r"[-.]", form) if part}
    return out


def _url_key(url: str) -> str:
    key = re.sub(r"^https?://", "", url.strip().lower())
    key = key.removeprefix("www.")
    return key.rstrip("/")


def template_texts(template: Template) -> list[str]:
    """Every text of the template: what the tenant wrote (trusted)."""
    sender = template.sender
    offer = template.offer
    parts: list[str | None] = [
        template.brand,
        template.name,
        template.goal,
        template.subject,
        template.body,
        sender.name,
        sender.title,
        sender.company,
        sender.email,
        sender.postal_address,
        sender.unsubscribe_url,
        offer.summary,
        offer.commission,
        f"{offer.cookie_days} days" if offer.cookie_days is not None else None,
        *offer.perks,
        *template.approved_claims,
        *template.links,
        template.booking_link,
        template.affiliate_link,
        template.promo_code,
        *template.brand_aliases,
    ]
    for translated in template.translations.values():  # the tenant's copy in other languages
        parts += [translated.subject, translated.body]
    return [p for p in parts if p]


def _offer_texts(template: Template) -> list[str]:
    offer = template.offer
    parts = [offer.summary, offer.commission, template.goal, template.subject, template.body]
    parts += [text for t in template.translations.values() for text in (t.subject, t.body)]
    return [p for p in [*parts, *offer.perks, *template.approved_claims] if p]


@dataclass
class _Sources:
    """Everything a draft may draw on, pre-digested for the checks."""

    texts: list[str]
    quote_texts: list[str]
    urls: set[str]
    emails: set[str]
    numbers: list[float]
    trusted_numbers: set[float]
    words: set[str]
    trusted_words: set[str]
    percents: set[float]
    money: set[float]
    days: set[float]
    approved_claims: list[str]
    cited_facts: list[str] = field(default_factory=list)
    """The texts of the facts whose prices, rates and day counts are facts, not offer terms:
    content titles and summaries, and history (never the bio, where people state rates)."""
    fact_terms: set[tuple[str, float]] = field(default_factory=set)
    """(unit, value) of every percentage, amount and day count in those facts."""
    fact_neighbours: dict[tuple[str, float], set[str]] = field(default_factory=dict)
    """Per (unit, value) of those terms, the topic words written next to it in the fact."""
    language: str = "en"
    grounded_ngrams: set[tuple[str, ...]] = field(default_factory=set)
    excluded_grams: dict[tuple[tuple[str, str], ...], dict[tuple[str, ...], str]] = field(
        default_factory=dict
    )
    known_tokens: dict[tuple[str, bool], bool] = field(default_factory=dict)
    """``_Checker._known`` per (token, sentence-initial): the run's variations share most words."""
    names: frozenset[str] = frozenset()
    """The record's names, folded (``_plain``): the prospect's name and the capitalised words of
    the facts that are not ordinary English; an inflected form of one is that name."""
    template_prefixes: frozenset[str] = frozenset()
    """The first ``COGNATE_PREFIX`` letters of each longer word of the template and the phrase
    banks (``_plain``, doubled letters single): a sentence-initial word that starts so is that
    word translated."""

    def __post_init__(self) -> None:
        self.known_words = self.words | self.trusted_words
        """Every word a source or the phrase banks contain (built once per run)."""


def _ngrams(text: str, n: int = EXCLUDED_RUN) -> set[tuple[str, ...]]:
    text = text.replace("’", "'")
    if text.isascii():  # lower-casing first tokenises the same: one call instead of one per token
        tokens = _TOKEN.findall(text.lower())
    else:
        tokens = [t.lower() for t in _TOKEN.findall(text)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class _TrustedDigest:
    """The trusted texts (phrase banks) pre-digested once; they do not change between drafts."""

    quote_texts: list[str]
    numbers: set[float]
    words: set[str]
    ngrams: set[tuple[str, ...]]
    prefixes: frozenset[str]
    """``_cognate_prefixes`` of ``words``."""


@lru_cache(maxsize=8)
def _digest_trusted(trusted: frozenset[str]) -> _TrustedDigest:
    words = _words(trusted)
    return _TrustedDigest(
        quote_texts=[_norm_quote(t) for t in trusted],
        numbers={n for t in trusted for n in numbers_in(t)},
        words=words,
        ngrams=set().union(*(_ngrams(t) for t in trusted)),
        prefixes=_cognate_prefixes(words),
    )


@dataclass(frozen=True)
class _TextDigest:
    """What a list of source texts offers the checks (computed once per distinct list)."""

    texts: list[str]
    quote_texts: list[str]
    urls: set[str]
    emails: set[str]
    numbers: list[float]
    words: set[str]
    ngrams: set[tuple[str, ...]]


def _digest(texts: list[str]) -> _TextDigest:
    return _TextDigest(
        texts=texts,
        quote_texts=[_norm_quote(t) for t in texts],
        urls={_url_key(u) for text in texts for _, _, u in find_links(text)},
        emails={m.group().lower() for t in texts for m in find_addresses(t)},
        numbers=[n for t in texts for n in numbers_in(t)],
        words=_words(texts),
        ngrams=set().union(*(_ngrams(t) for t in texts)),
    )


@dataclass(frozen=True)
class _TemplateDigest:
    """The template's part of the sources: the same for every prospect it is sent to."""

    text: _TextDigest
    urls: set[str]
    percents: set[float]
    money: set[float]
    days: set[float]
    approved_claims: list[str]
    prefixes: frozenset[str]
    """``_cognate_prefixes`` of the template's words."""


_TEMPLATE_DIGESTS: dict[str, _TemplateDigest] = {}


def _digest_template(template: Template) -> _TemplateDigest:
    key = template.model_dump_json()
    if key in _TEMPLATE_DIGESTS:
        return _TEMPLATE_DIGESTS[key]
    text = _digest(template_texts(template))
    urls = {_url_key(u) for u in template.links if u}
    if template.sender.unsubscribe_url:
        urls.add(_url_key(template.sender.unsubscribe_url))
    offer = _offer_texts(template)
    percents = {float(m.group(1)) for t in offer for m in _PERCENT.finditer(t)}
    commission = (template.offer.commission or "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", commission):
        percents.add(float(commission))
    days = {float(m.group(1)) for t in offer for m in _DAYS.finditer(t)}
    if template.offer.cookie_days is not None:
        days.add(float(template.offer.cookie_days))
    money = {_money_value(m) for t in offer for m in _MONEY.finditer(t)}
    for offer_text in offer:
        for _, _, unit, value in worded_terms(offer_text):
            {"%": percents, "days": days, "money": money}[unit].add(value)
    digest = _TemplateDigest(
        text=text,
        urls=text.urls | urls,
        percents=percents,
        money=money,
        days=days,
        approved_claims=[_norm(c) for c in template.approved_claims],
        prefixes=_cognate_prefixes(text.words),
    )
    if len(_TEMPLATE_DIGESTS) >= 16:
        _TEMPLATE_DIGESTS.clear()
    _TEMPLATE_DIGESTS[key] = digest
    return digest


CITED_KINDS = ("content_title", "content_summary", "history")
"""Facts whose numbers are the prospect's: a price or a rate inside them is not an offer term."""


def _fact_terms(texts: list[str]) -> set[tuple[str, float]]:
    terms: set[tuple[str, float]] = set()
    for text in texts:
        terms |= {("%", float(m.group(1))) for m in _PERCENT.finditer(text)}
        terms |= {("money", _money_value(m)) for m in _MONEY.finditer(text)}
        terms |= {("days", float(m.group(1))) for m in _DAYS.finditer(text)}
        terms |= {(unit, value) for _, _, unit, value in worded_terms(text)}
    return terms


NEIGHBOUR_WORDS = 2
"""Words on each side of a figure that say what it counts ("a 3-day desert trip": desert, trip)."""
OFFER_WINDOW = 4
"""Words on each side of a figure in which offer vocabulary aims it at the reader."""
_NEIGHBOUR_TOKEN = re.compile(r"[^\W\d_]+")


def _terms_in(text: str) -> list[tuple[int, int, str, float]]:
    """``(start, end, unit, value)`` of every percentage, amount and day count in ``text``."""
    found = [(*m.span(), "%", float(m.group(1))) for m in _PERCENT.finditer(text)]
    found += [(*m.span(), "money", _money_value(m)) for m in _MONEY.finditer(text)]
    found += [(*m.span(), "days", float(m.group(1))) for m in _DAYS.finditer(text)]
    return found + worded_terms(text)


def _around(text: str, start: int, end: int, n: int) -> tuple[list[str], list[str]]:
    """The ``n`` words before ``start`` and after ``end`` in the same sentence, lower-cased."""
    left = max(text.rfind(m, 0, start) for m in ".!?\n;")
    rights = [i for i in (text.find(m, end) for m in ".!?\n;") if i >= 0]
    right = min(rights) if rights else len(text)
    before = _NEIGHBOUR_TOKEN.findall(text[left + 1 : start].lower())[-n:]
    after = _NEIGHBOUR_TOKEN.findall(text[end:right].lower())[:n]
    return before, after


def _topic(words: Iterable[str]) -> set[str]:
    return set(content_stems(" ".join(words)))


def _fact_neighbours(texts: list[str]) -> dict[tuple[str, float], set[str]]:
    out: dict[tuple[str, float], set[str]] = {}
    for text in texts:
        for start, end, unit, value in _terms_in(text):
            before, after = _around(text, start, end, NEIGHBOUR_WORDS)
            out.setdefault((unit, value), set()).update(_topic([*before, *after]))
    return out


COGNATE_PREFIX = 5
"""Letters a sentence-initial word shares with a template word to be that word translated."""


def _plain(word: str) -> str:
    """``word`` lower case, without accents: how name forms and cognates are compared."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _record_names(prospect_name: str, fact_texts: list[str]) -> frozenset[str]:
    """The names an inflected form may be of (``_plain``, three letters or more).

    The prospect's name words and the facts' capitalised words that are not ordinary English.
    """
    words = re.findall(r"[^\W\d_]+", prospect_name)
    for text in fact_texts:
        words += [
            m.group()
            for m in capitalised_words(text)
            if not ordinary_word(m.group().lower(), "en") and "." not in m.group()
        ]
    return frozenset(_plain(w) for w in words if len(w) >= 3)


def _cognate_prefixes(words: Iterable[str]) -> frozenset[str]:
    singles = (re.sub(r"(.)\1", r"\1", _plain(w)) for w in words)
    return frozenset(w[:COGNATE_PREFIX] for w in singles if len(w) > COGNATE_PREFIX)


def _sources(
    facts: list[Fact],
    template: Template,
    prospect_name: str,
    trusted: frozenset[str],
    language: str = "en",
) -> _Sources:
    fact_texts = [f.text for f in facts] + [f.url for f in facts if f.url]
    # The prospect's name is a source for its words only: never for a link, an address or a number.
    name_words = " ".join(re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", prospect_name))
    record = _digest([*fact_texts, name_words])
    tmpl = _digest_template(template)
    bank = _digest_trusted(trusted)
    return _Sources(
        texts=[*fact_texts, *tmpl.text.texts, name_words],
        quote_texts=record.quote_texts + tmpl.text.quote_texts + bank.quote_texts,
        urls=set(tmpl.urls),  # only the template's own links may reach a message
        emails=record.emails | tmpl.text.emails,
        numbers=record.numbers + tmpl.text.numbers,
        trusted_numbers=bank.numbers,
        words=record.words | tmpl.text.words,
        trusted_words=bank.words,
        percents=tmpl.percents,
        money=tmpl.money,
        days=tmpl.days,
        approved_claims=tmpl.approved_claims,
        cited_facts=[f.text for f in facts if f.kind in CITED_KINDS],
        fact_terms=_fact_terms([f.text for f in facts if f.kind in CITED_KINDS]),
        fact_neighbours=_fact_neighbours([f.text for f in facts if f.kind in CITED_KINDS]),
        language=language,
        grounded_ngrams=bank.ngrams | tmpl.text.ngrams | record.ngrams,
        names=_record_names(prospect_name, fact_texts),
        template_prefixes=tmpl.prefixes | bank.prefixes,  # digested once per template and bank
    )


def _money_value(match: re.Match[str]) -> float:
    digits = match.group(1) or match.group(3)
    value = _to_float(digits)
    suffix = (match.group(2) or "").lower()
    return value * _MULTIPLIERS[suffix] if suffix else value


@cache
def offer_vocabulary() -> tuple[str, ...]:
    """Word starts that aim a figure at the reader as an offer term (commission, earn...).

    ``[grounding] offer_vocabulary`` of ``tools/policies/lint.toml``, and each phrase bank's
    own (``[checks] offer_words``), so a language's bank brings its words.
    """
    words = [*load_pack("lint")["grounding"]["offer_vocabulary"]]
    for language in LANGUAGES:
        words += load_bank(f"{language}/message").get("checks", {}).get("offer_words", [])
    return tuple(dict.fromkeys(str(w) for w in words))


@cache
def _offer_vocabulary() -> re.Pattern[str]:
    """Words that aim a figure at the reader as an offer term (commission, cookie, earn...)."""
    return re.compile(r"\b(?:" + "|".join(offer_vocabulary()) + r")", re.IGNORECASE)


def _fmt(values: set[float], suffix: str = "") -> str:
    if not values:
        return "none in the template"
    return ", ".join(f"{v:g}{suffix}" for v in sorted(values))


def _excluded_grams(excluded: list[ExcludedSpan], sources: _Sources) -> dict[tuple[str, ...], str]:
    """Each n-gram of excluded text that no source grounds, with the first span's reason."""
    key = tuple((e.text, e.reason) for e in excluded)
    if key not in sources.excluded_grams:  # the variations of a run share them: once per run
        reasons: dict[tuple[str, ...], str] = {}
        for span in excluded:
            for gram in _ngrams(span.text) - sources.grounded_ngrams:
                reasons.setdefault(gram, span.reason)
        sources.excluded_grams[key] = reasons
    return sources.excluded_grams[key]


_ASCII_UPPER = re.compile(r"[A-Z]")
_ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'")


def _starts_word(text: str, i: int) -> bool:
    """True when ASCII ``text`` has a ``_WORD`` token starting at letter ``i``.

    ``_WORD`` tokens are maximal: the letter at ``i`` belongs to an earlier token exactly when a
    letter precedes it in the unbroken run of characters a token continues with (word
    characters, apostrophes, and ``.``/``-`` followed by a letter).
    """
    j = i - 1
    while j >= 0:
        char = text[j]
        if char in _ASCII_WORD_CHARS:
            if char.isalpha():
                return False
        elif not (char in ".-" and text[j + 1].isalpha()):
            break
        j -= 1
    return True


def capitalised_words(text: str) -> Iterator[re.Match[str]]:
    """The ``_WORD`` tokens of ``text`` that start with a capital letter, in order.

    ASCII text (the usual case) is searched from its capitals instead of tokenising every word.
    """
    if not text.isascii():
        yield from (m for m in _CASED_WORD.finditer(text) if m.group()[0].isupper())
        return
    for capital in _ASCII_UPPER.finditer(text):
        start = capital.start()
        if _starts_word(text, start):
            match = _WORD.match(text, start)
            if match is not None:
                yield match


class _Checker:
    """Runs the grounding checks over one field of a draft."""

    def __init__(self, text: str, field_name: str, sources: _Sources) -> None:
        self.text = text
        self.field = field_name
        self.sources = sources
        self.used = [False] * len(text)
        self.findings: list[Finding] = []
        self.lowered = text.lower() if text.isascii() else None
        self._cited: list[tuple[int, int]] | None = None

    def _finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """``pattern`` (case-insensitive) over the text: on lower-cased ASCII text when possible.

        Spans are the same either way; read matched text from ``self.text``, not the match.
        """
        if self.lowered is not None:
            return _LOWERCASE[pattern].finditer(self.lowered)
        return pattern.finditer(self.text)

    def _flag(self, rule: str, start: int, end: int, message: str) -> None:
        self.findings.append(
            Finding(
                rule_id=f"grounding.{rule}",
                severity="blocking",
                field=self.field,
                span=self.text[start:end],
                message=message,
                source=SOURCE,
            )
        )

    def _consume(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.used[i] = True

    def _free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def excluded(self, excluded: list[ExcludedSpan]) -> None:
        reasons = _excluded_grams(excluded, self.sources)
        if not reasons:
            return
        tokens = list(_TOKEN.finditer(self.text.replace("’", "'")))
        words = [t.group().lower() for t in tokens]
        hit: dict[int, str] = {}
        for i in range(len(tokens) - EXCLUDED_RUN + 1):
            reason = reasons.get(tuple(words[i : i + EXCLUDED_RUN]))
            if reason is not None:
                for j in range(i, i + EXCLUDED_RUN):
                    hit.setdefault(j, reason)
        run: list[int] = []
        for index in [*sorted(hit), -2]:
            if run and index != run[-1] + 1:
                start, end = tokens[run[0]].start(), tokens[run[-1]].end()
                self._flag(
                    "excluded_text",
                    start,
                    end,
                    f'"{self.text[start:end]}" repeats prospect text that was excluded '
                    f"({hit[run[0]]}).",
                )
                run = []
            run.append(index)

    def urls(self) -> None:
        for start, end, url in find_links(self.text):
            self._consume(start, end)
            if _url_key(url) not in self.sources.urls:
                self._flag("url", start, end, f'Link "{url}" is not one of the template\'s links.')

    def emails(self) -> None:
        if "@" not in self.text:
            return
        for match in find_addresses(self.text):
            self._consume(*match.span())
            if match.group().lower() not in self.sources.emails:
                self._flag(
                    "email",
                    *match.span(),
                    f'E-mail address "{match.group()}" is not in the template or the record.',
                )

    def quotes(self) -> None:
        for match in _QUOTE.finditer(self.text):
            inner = match.group(1) or match.group(2) or ""
            if len(inner.split()) < 2:
                continue
            self._consume(*match.span())
            wanted = _norm_quote(inner)
            if wanted and not any(wanted in source for source in self.sources.quote_texts):
                self._flag(
                    "quote",
                    *match.span(),
                    f'Quoted title "{inner}" does not appear in any fact or in the template.',
                )

    def promises(self) -> None:
        promises, target = _config()[0], self.text
        if self.lowered is not None:
            any_promise, promises = _lowercase_promises()
            if not any_promise.search(self.lowered):  # one pass for the usual case: no promise
                return
            target = self.lowered
        for pattern in promises:
            for match in pattern.finditer(target):
                said = self.text[match.start() : match.end()]
                if any(_norm(said) in claim for claim in self.sources.approved_claims):
                    continue
                self._flag(
                    "promise",
                    *match.span(),
                    f'"{said}" promises a result; the FTC Endorsement Guides do not '
                    "allow promising earnings or outcomes.",
                )

    def _citations(self) -> list[tuple[int, int]]:
        """Where the text reproduces a cited fact (a content title, summary or history)."""
        if self._cited is None:
            self._cited = []
            for fact in self.sources.cited_facts:
                words = [re.escape(w) for w in _norm(fact).split()]
                if not words:
                    continue
                pattern = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
                normalised = self.text.replace("’", "'").replace("“", '"').replace("”", '"')
                for match in re.finditer(pattern, normalised, re.IGNORECASE):
                    self._cited.append(match.span())
        return self._cited

    def _is_fact_term(self, start: int, end: int, unit: str, value: float) -> bool:
        """True when the term is the prospect's fact, not an offer term aimed at the reader.

        It is when the text reproduces a cited fact around it, or states a fact's figure in a
        sentence without offer vocabulary, or states it with the words the fact writes next to
        it ("your 3-day desert trip") and no offer vocabulary within a few words of it.
        """
        if any(s <= start and end <= e for s, e in self._citations()):
            return True
        if (unit, value) not in self.sources.fact_terms:
            return False
        left = max(self.text.rfind(m, 0, start) for m in ".!?\n")
        right = min((i for i in (self.text.find(m, end) for m in ".!?\n") if i >= 0), default=-1)
        sentence = self.text[left + 1 : right if right >= 0 else len(self.text)]
        if not _offer_vocabulary().search(sentence):
            return True
        before, after = _around(self.text, start, end, NEIGHBOUR_WORDS)
        if not _topic([*before, *after]) & self.sources.fact_neighbours.get((unit, value), set()):
            return False
        near_before, near_after = _around(self.text, start, end, OFFER_WINDOW)
        return not _offer_vocabulary().search(" ".join([*near_before, "#", *near_after]))

    def offer_terms(self) -> None:
        s = self.sources
        checks: list[tuple[re.Pattern[str], set[float], str, str, tuple[str, ...]]] = [
            (_PERCENT, s.percents, "%", "%", ("%", "per", "por", "pour", "prozent")),
            (_MONEY, s.money, "", "money", ("$", "€", "£", "usd", "dollar", "eur", "gbp", "pound")),
            (_DAYS, s.days, " days", "days", ("day", "dia", "día", "jour", "tag")),
        ]
        for pattern, approved, suffix, unit, needs in checks:
            if self.lowered is not None and not any(n in self.lowered for n in needs):
                continue  # ASCII text without any word the pattern needs cannot match
            for match in self._finditer(pattern):
                if not self._free(*match.span()):
                    continue
                self._consume(*match.span())
                value = _money_value(match) if pattern is _MONEY else float(match.group(1))
                if any(abs(value - a) < 1e-9 for a in approved):
                    continue
                if self._is_fact_term(*match.span(), unit, value):
                    continue
                self._flag(
                    "offer_term",
                    *match.span(),
                    f'Offer term "{self.text[match.start() : match.end()]}" does not match '
                    f"the template (approved: {_fmt(approved, suffix)}).",
                )
        approved_by_unit = {"%": s.percents, "days": s.days, "money": s.money}
        for start, end, unit, value in worded_terms(self.text):
            if not self._free(start, end):
                continue
            self._consume(start, end)
            approved = approved_by_unit[unit]
            if any(abs(value - a) < 1e-9 for a in approved):
                continue
            if self._is_fact_term(start, end, unit, value):
                continue
            suffix = {"%": "%", "days": " days"}.get(unit, "")
            self._flag(
                "offer_term",
                start,
                end,
                f'Offer term "{self.text[start:end]}" does not match the template '
                f"(approved: {_fmt(approved, suffix)}).",
            )

    def numbers(self) -> None:
        for match in self._finditer(_NUMBER):
            if not self._free(*match.span()):
                continue
            self._consume(*match.span())
            number = parse_number(match)
            if any(number.matches(n) for n in self.sources.numbers):
                continue
            if number.value in self.sources.trusted_numbers:
                continue
            self._flag(
                "number",
                *match.span(),
                f'Number "{self.text[match.start() : match.end()]}" does not match any fact or '
                "template value.",
            )

    def _sentence_initial(self, start: int) -> bool:
        """True when only openers and spaces (or a line break) separate ``start`` from an end."""
        text, i, newline = self.text, start - 1, False
        while i >= 0 and text[i].isspace():
            newline = newline or text[i] == "\n"
            i -= 1
        while i >= 0 and (text[i] in _OPENERS or text[i] in " \t"):
            i -= 1
        return i < 0 or newline or text[i] in _SENTENCE_END or text[i] == "\n"

    def _known(self, token: str, initial: bool) -> bool:
        memo = self.sources.known_tokens
        if (token, initial) not in memo:
            memo[(token, initial)] = self._is_known(token, initial)
        return memo[(token, initial)]

    def _is_known(self, token: str, initial: bool) -> bool:
        # Turkish dotted capital: "İyi".lower() is "i̇yi" (a combining dot), the bank's "iyi"
        token = token.replace("İ", "I")
        _, allowed, _, _ = _config()
        forms = _word_forms(token)
        known = self.sources.known_words
        if forms & allowed or forms & known:
            return True
        language = self.sources.language
        # At the start of a sentence any ordinary word is capitalised; German capitalises nouns.
        ordinary = initial or language == "de"
        parts = [p for p in re.split(r"[-.]", token.replace("’", "'").lower()) if p]
        if parts and all(p in known or (ordinary and ordinary_word(p, language)) for p in parts):
            return True
        if language == "de" and all(german_compound(p) or p in known for p in parts):
            return True
        if courtesy_word(token, language) or name_form(token, self.sources.names):
            return True
        if initial and _cognate(token, self.sources.template_prefixes):
            return True
        if initial and inflected_ordinary(token, language):
            return True
        return ordinary and any(ordinary_word(form, language) for form in forms)

    def proper_nouns(self) -> None:
        flagged: list[tuple[int, int]] = []
        for match in capitalised_words(self.text):
            token = match.group()
            if not self._free(*match.span()):
                continue
            if not self._known(token, self._sentence_initial(match.start())):
                if flagged and not self.text[flagged[-1][1] : match.start()].strip():
                    flagged[-1] = (flagged[-1][0], match.end())
                else:
                    flagged.append(match.span())
        for start, end in flagged:
            self._flag(
                "proper_noun",
                start,
                end,
                f'"{self.text[start:end]}" is not named in the record, the template or the '
                "phrase banks.",
            )

    def times(self) -> None:
        """Times of day ("18h00", "18:30", "6 pm", "10 Uhr") are not figures to trace.

        They are the hours of a proposed call: not read as numbers (phone-like runs stay the
        allow-list's).
        """
        for match in _TIME_OF_DAY.finditer(self.text):
            self._consume(*match.span())

    def run(self, excluded: list[ExcludedSpan]) -> list[Finding]:
        self.excluded(excluded)
        self.urls()
        self.emails()
        self.quotes()
        self.promises()
        self.offer_terms()
        self.times()
        self.numbers()
        self.proper_nouns()
        return self.findings


_RUN_SOURCES: dict[tuple[object, ...], _Sources] = {}
"""The last run's digested sources (read-only once built)."""


def check_grounding(
    subject: str | None,
    body: str,
    *,
    facts: list[Fact],
    template: Template,
    prospect_name: str,
    excluded: list[ExcludedSpan],
    trusted_texts: Iterable[str],
    language: str = "en",
    dates: Iterable[str] = (),
    places: Iterable[str] = (),
) -> list[Finding]:
    """Blocking findings for every claim in ``subject`` and ``body`` that no source supports.

    ``language`` is the message's (ISO 639-1): it decides which words are ordinary (not names).
    ``dates``: the ISO dates of the conversation (``interaction_history[].at``); their day, month
    and year are grounded numbers ("my note of 27 November").
    ``places``: the names of where the engine found them to be (``zone_places``): "hora de
    Portugal" for a record in Porto; a source for their words, as the prospect's name is.
    """
    trusted = frozenset(trusted_texts)
    prospect_name = " ".join([prospect_name, *places])
    days = tuple(sorted(set(dates)))
    run_key = (
        tuple((f.id, f.kind, f.text, f.url) for f in facts),
        template.model_dump_json(),
        prospect_name,
        trusted,
        language,
        days,
    )
    sources = _RUN_SOURCES.get(run_key)
    if sources is None:  # the variations of one run share their sources: digest them once
        sources = _sources(facts, template, prospect_name, trusted, language)
        sources.trusted_numbers = sources.trusted_numbers | _date_numbers(days)
        _RUN_SOURCES.clear()
        _RUN_SOURCES[run_key] = sources
    findings: list[Finding] = []
    for name, text in (("subject", subject), ("body", body)):
        if text:
            findings += _Checker(text, name, sources).run(excluded)
    return unique_findings(findings)


@lru_cache(maxsize=256)
def zone_places(zone: str | None, language: str = "en") -> tuple[str, ...]:
    """The country and the city of time zone ``zone``, in ``language`` and in English (Babel).

    The engine places the person in a zone from their record (location, replies); a message may
    name where they are as a person would ("Portugal time", "hora de Portugal").
    """
    if not zone:
        return ()
    territory = get_global("zone_territories").get(zone)
    names: list[str] = []
    for code in dict.fromkeys((language.split("-")[0].lower(), "en")):
        try:
            locale = Locale.parse(code)
            names.append(get_timezone_location(get_timezone(zone), locale=locale, return_city=True))
        except (UnknownLocaleError, LookupError, ValueError):
            continue
        if territory and territory in locale.territories:
            names.append(locale.territories[territory])
    return tuple(dict.fromkeys(n for n in names if n))


def _date_numbers(dates: Iterable[str]) -> set[float]:
    """The day, month and year of each ISO date ("2026-11-27..." -> 27, 11, 2026)."""
    numbers: set[float] = set()
    for at in dates:
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", at.strip())
        if match:
            numbers |= {float(part) for part in match.groups()}
    return numbers


def unique_findings(findings: list[Finding]) -> list[Finding]:
    """``findings`` without repeats of one rule on one span of one field, in order."""
    seen: set[tuple[str, str, str]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.rule_id, finding.field, finding.span)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _mentions(haystack: str, needle: str) -> bool:
    if len(needle) < 3 or needle not in haystack:  # a match needs the substring: cheap first
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


@lru_cache(maxsize=512)
def _fact_digest(text: str) -> tuple[str, frozenset[tuple[str, ...]], tuple[float, ...]]:
    """A fact's normalised text, word n-grams and numbers (each variation of a run reuses them)."""
    return _norm_quote(text), frozenset(_ngrams(text)), tuple(numbers_in(text))


def grounded_fact_ids(body: str, facts: list[Fact]) -> list[str]:
    """Ids of the facts that ``body`` uses.

    A fact is used when the body carries its text, a run of four of its words, its URL or, for an
    audience size, a rounded form of the number.
    """
    text, lowered = _norm(body), body.lower()
    body_grams: set[tuple[str, ...]] | None = None  # computed when a fact first needs them
    written: list[Number] | None = None
    ids: list[str] = []
    for fact in facts:
        fact_text, fact_grams, actual = _fact_digest(fact.text)
        used = _mentions(text, fact_text) or bool(fact.url and _url_key(fact.url) in lowered)
        if not used:
            body_grams = _ngrams(body) if body_grams is None else body_grams
            used = bool(fact_grams & body_grams)
        if not used and fact.kind == "audience_size":
            if written is None:
                written = [parse_number(m) for m in _NUMBER.finditer(body)]
            used = any(n.precision >= 1 and n.matches(a) for n in written for a in actual)
        if used:
            ids.append(fact.id)
    return ids
