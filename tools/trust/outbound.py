"""What may go out: an allow-list on the final text of every variation, on every drafting path.

Recognising what attackers write, class by class, cannot keep up; this module states what a sent
message may carry instead, and names each thing it carries that nothing allowed:

- ``outbound.link``, ``outbound.email``, ``outbound.phone``, ``outbound.handle``,
  ``outbound.code``, ``outbound.account``: only the links, addresses, phone numbers, @handles,
  codes (promo-code-looking tokens, opaque tokens such as crypto addresses, bank accounts,
  ``$cashtags``) that the template (or the phrase banks) provide. Prospect text is never a source
  for them: a number or a link planted in a record field is not the tenant's.
- ``outbound.encoded``: text hidden in an encoding (a base64-looking run that decodes to text).
  Before the checks above, the text is also read decoded: percent-encoding, HTML entities,
  base64-looking runs, ROT13 of link-like tokens and addresses spelled out in words
  ("example dot com", "name (at) example [.] com"); what a decoded form carries is checked the
  same way.
- ``outbound.header``: a mail header line (``Bcc:``, ``Reply-To:``) written into the text.
- ``outbound.prompt_text``: a run of words from our own prompts (``prompts/*.txt``).
- ``outbound.claim``: a sentence about the brand, the sender or the offer (it names them, or uses
  the offer's vocabulary) that carries a claim no approved claim supports: a perk, benefit,
  guarantee, status, certification or rank term (``tools/policies/outbound_claims.toml``, per
  language) whose words, with the word next to it (the perk's noun), the template does not write.
  Ordinary prose words are not claims; numbers are the grounding checks'.

Hidden and control characters and markup or template syntax are ``format.*`` findings of the
channel rules (``tools/trust/compliance.py``). ``span_problems`` runs the same checks on one span
of prospect text before a drafter may quote it.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from urllib.parse import unquote

import phonenumbers
from phonenumbers import Leniency
from wordfreq import available_languages, get_frequency_dict

from ipe.addresses import find_addresses
from ipe.domain import Fact, Finding, Template
from ipe.tools.policies import load_pack
from ipe.tools.text.folding import skeleton
from ipe.tools.text.textcount import find_links
from ipe.tools.trust.grounding import offer_vocabulary, template_texts, unique_findings
from ipe.tools.trust.injection import find_hostile, offer_like
from ipe.tools.writing.brand import promotes
from ipe.tools.writing.facts import content_stems

SOURCE = "platform-rules.md: LLM05 improper output handling / LLM01 (what goes out is allow-listed)"

_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9_]{1,20})\b")
_CAPS_CODE = re.compile(r"(?<![\w-])(?=[\w-]*\d)[^\W_](?:[\w-]{2,}[^\W_])(?![\w-])")
"""A word with a digit; a code when its letters are capitals of any script ("SAVE20",
"PINEAPPLE-7", "КАЛИНА-19") and ``_code_like`` agrees (``_caps_codes``)."""
_OPAQUE = re.compile(
    r"(?<![\w/])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{24,}(?![\w/])"
)
_HEX_ADDRESS = re.compile(r"(?<!\w)0x[0-9a-fA-F]{16,}(?!\w)")
_IBAN = re.compile(
    r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?(?![A-Z0-9])"
)
_BASE64_RUN = re.compile(r"(?<![\w+/=-])[A-Za-z0-9+/_-]{16,}={0,2}(?![\w+/=-])")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]{2,8});")
_DIGIT_RUN = re.compile(r"\d(?:[ \t().\-/\u00a0]{0,3}\d){6,}")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_HEADER = re.compile(
    r"(?im)(?:^|(?<=\s))(?:bcc|cc|reply-to|return-path|content-type|mime-version|x-mailer|"
    r"in-reply-to|disposition-notification-to)\s*:"
)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
_WORDS = re.compile(r"[\w'’]+")
PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "BR", "NL", "PL", "TR")
"""Regions a phone number written without its country code is tried in."""
PROMPT_RUN = 6
"""Words in a row shared with one of our prompts that make a finding."""


def _finding(rule: str, field: str, span: str, message: str) -> Finding:
    return Finding(
        rule_id=f"outbound.{rule}",
        severity="blocking",
        field=field,
        span=span[:200],
        message=message,
        source=SOURCE,
    )


@cache
def _codewords() -> re.Pattern[str]:
    words = load_pack("lint")["outbound"]["code_words"]
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(
        rf"(?i)(?<!\w)(?:{alternatives})\w{{0,3}}\W{{0,4}}([A-Za-z0-9][A-Za-z0-9_-]{{2,30}})"
    )


@cache
def _spelled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A spelled-out dot before a common top-level domain (or in brackets anywhere), and an at."""
    section = load_pack("lint")["outbound"]
    dots = "|".join(sorted(section["dot_words"], key=len, reverse=True))
    ats = "|".join(sorted(section["at_words"], key=len, reverse=True))
    tlds = "|".join(section["common_tlds"])
    dot = re.compile(
        rf"(?i)(?<=\w)\s*(?:[\(\[\{{<]\s*(?:{dots}|\.)\s*[\)\]\}}>]\s*(?=\w)|"
        rf"\s(?:{dots})\s+(?=(?:[\w-]+(?:\s+(?:{dots})\s+|\.))*(?:{tlds})\b))"
    )
    at = re.compile(
        rf"(?i)(?<=\w)\s*(?:[\(\[\{{<]\s*(?:{ats}|@)\s*[\)\]\}}>]|\s(?:{ats})\s)\s*"
        rf"(?=[\w-]+(?:\.[\w-]+)*\.(?:{tlds})\b)"
    )
    return dot, at


def _spelled_out(text: str) -> str:
    """``text`` with addresses spelled out in words written as addresses (for checking only)."""
    dot, at = _spelled()
    text = re.sub(r"(?i)\bhxxp(s?)", r"http\1", text)
    for _ in range(4):  # "mail dot trail dot com": one dot at a time, from the domain's end
        joined = dot.sub(".", text)
        if joined == text:
            break
        text = joined
    return at.sub("@", text)


_SPACED_RUN = re.compile(
    r"(?<!\S)(?:[^\W_]|[.@:/-])(?: (?:[^\W_]|[.@:/-])){2,}(?!\S)(?:(?<=[.@]) [^\W_][\w-]*)?"
)


def _despaced(text: str) -> str:
    """``text`` with runs of single characters ("w w w . e v i l . c o m") written together.

    A run that ends with a dot or an at-sign takes the next word ("t r a i l . example").
    """

    def join(match: re.Match[str]) -> str:
        return match.group().replace(" ", "")

    return _SPACED_RUN.sub(join, text)


@cache
def _digit_word_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    words: dict[str, str] = {}
    for digit, spellings in load_pack("lint")["outbound"]["digit_words"].items():
        for spelling in spellings:
            words[spelling] = digit
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    one = rf"(?:{alternatives}|\d)"
    return re.compile(rf"(?i)(?<!\w){one}(?:[\s,.\-]{{1,3}}{one}){{3,}}(?!\w)"), words


def _digit_words(text: str) -> str:
    """``text`` with runs of four or more digits written in words ("five five five") as digits."""
    pattern, words = _digit_word_pattern()

    def digits(match: re.Match[str]) -> str:
        tokens = re.findall(r"\w+", match.group().lower())
        return "".join(words.get(t, t) for t in tokens)

    return pattern.sub(digits, text)


def _printable(text: str) -> bool:
    if len(text) < 6:
        return False
    good = sum(1 for c in text if c.isprintable() or c in "\n\t")
    return good / len(text) >= 0.9 and sum(c.isalpha() for c in text) >= 4


def _base64_texts(text: str) -> list[tuple[str, str]]:
    """``(run, decoded)`` for each base64-looking run of ``text`` that decodes to text."""
    out = []
    for match in _BASE64_RUN.finditer(text):
        run = match.group()
        if not (re.search(r"[a-z]", run) and re.search(r"[A-Z0-9]", run)):
            continue
        padded = run + "=" * (-len(run.rstrip("=")) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(padded.encode())
                decoded = raw.decode("utf-8")
            except (binascii.Error, ValueError):
                continue
            if _printable(decoded):
                out.append((run, decoded))
                break
    return out


def _rot13_links(text: str) -> list[tuple[str, str]]:
    """``(token, decoded)`` for each token whose ROT13 reads as a link and which itself is not."""
    out = []
    for token in re.findall(r"[A-Za-z0-9./:_-]{5,}", text):
        if "." not in token and "://" not in token:
            continue
        decoded = codecs.decode(token, "rot13")
        if find_links(decoded) and (decoded.startswith("http") or _common_tld(decoded)):
            if not find_links(token) or _common_tld(decoded) and not _common_tld(token):
                out.append((token, decoded))
    return out


def _common_tld(text: str) -> bool:
    tlds = load_pack("lint")["outbound"]["common_tlds"]
    return re.search(rf"(?i)\.(?:{'|'.join(tlds)})(?:/|\b|$)", text) is not None


def decoded_forms(text: str) -> list[tuple[str, str]]:
    """``(how, text)``: ``text`` itself and each decoded form of it that differs."""
    forms = [("as written", text)]
    seen = {text}

    def add(how: str, value: str) -> None:
        if value not in seen:
            seen.add(value)
            forms.append((how, value))

    if _ENTITY.search(text):
        add("HTML entities decoded", html.unescape(text))
    for _, value in list(forms):
        if _PERCENT_ESCAPE.search(value):
            decoded = value
            for _ in range(3):
                decoded = unquote(decoded)
            add("percent-decoded", decoded)
    for _, value in list(forms):
        add("spelled-out addresses read", _spelled_out(value))
    for _, value in list(forms):
        if _SPACED_RUN.search(value):
            add("spaced-out letters joined", _despaced(value))
    for _, value in list(forms):
        add("digits written in words read", _digit_words(value))
    for _, value in list(forms):
        for run, decoded in _base64_texts(value):
            add("base64 decoded", value.replace(run, f" {decoded} "))
        for token, decoded in _rot13_links(value):
            add("ROT13 decoded", value.replace(token, decoded))
    return forms


def _url_key(url: str) -> str:
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", skeleton(url.strip()))
    return key.removeprefix("www.").rstrip("/")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True)
class Allowed:
    """What the template (and the phrase banks) let a message carry."""

    links: frozenset[str]
    emails: frozenset[str]
    digit_runs: tuple[str, ...]
    handles: frozenset[str]
    codes: frozenset[str]
    claim_words: frozenset[str]
    """Folded words of the template: a claim term is supported when its words are among them."""
    claim_stems: frozenset[str]
    """Topic stems of the template (folded): the word beside a claim term must be one."""
    claim_concepts: frozenset[str]
    """The claim concepts (``outbound_claims.toml``) the template writes, in any language."""
    offer_names: tuple[str, ...]
    prompt_grams: frozenset[tuple[str, ...]]
    figures: frozenset[str] = frozenset()
    """The numbers the template writes ("15", "30"): our own terms stated are not an ask to change
    them ("The cookie window is 30 days." is what the phrase banks say)."""
    citations: tuple[str, ...] = ()
    """Fact texts that pass the allow-list themselves (lower case): a message may cite them."""
    echoes: frozenset[str] = frozenset()
    """Words the person wrote to us (``_word_key``), in a message that promotes nothing: "I
    understand, exclusive is exclusive" says their word back, it claims nothing of ours."""


@cache
def _prompt_grams() -> frozenset[tuple[str, ...]]:
    """Runs of ``PROMPT_RUN`` words of our instructions to models.

    Not the example messages (``draft_example_*``) nor any run the phrase banks also write: what
    our own drafter says is not a leak of a prompt.
    """
    grams: set[tuple[str, ...]] = set()
    banks: set[tuple[str, ...]] = set()
    for path in _walk(files("ipe.prompts")):
        name = path.name
        if name.endswith(".toml"):
            banks |= _grams(_unplaced(path).replace('"', " | "))
        elif name.endswith(".txt") and not name.startswith("draft_example"):
            grams |= _grams(_unplaced(path))
    return frozenset(grams - banks)


def _unplaced(path: Traversable) -> str:
    """A prompt or bank file's text with its placeholders as breaks (no run crosses them)."""
    return re.sub(r"\{[^{}]*\}", " | ", path.read_text(encoding="utf-8"))


def _walk(folder: Traversable) -> Iterable[Traversable]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def _grams(text: str, n: int = PROMPT_RUN) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for line in re.split(r"[|\n]", text):
        words = [w.lower().replace("’", "'") for w in _WORDS.findall(line)]
        out |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return out


def _mentions_offer(text: str, names: Iterable[str]) -> bool:
    return _names_offer(text, names) or _offer_words().search(skeleton(text)) is not None


@cache
def _offer_words() -> re.Pattern[str]:
    """Words that make a sentence one about the offer.

    ``offer_vocabulary`` (word starts: the lint policy's and each bank's) and ``[outbound]
    offer_words`` (whole words, with a short ending: perks, gratuits).
    """
    section = load_pack("lint")
    starts = "|".join(offer_vocabulary())
    whole = "|".join(section["outbound"]["offer_words"])
    return re.compile(rf"(?<!\w)(?:{starts}|(?:{whole})\w{{0,3}}(?!\w))", re.IGNORECASE)


@cache
def _quoted_offer_words() -> re.Pattern[str]:
    """Words by which prospect text talks about an offer (the drafter does not quote it)."""
    words = "|".join(load_pack("lint")["outbound"]["quote_offer_words"])
    return re.compile(rf"(?<!\w)(?:{words})", re.IGNORECASE)


_ALLOWED: dict[tuple[str, frozenset[str]], Allowed] = {}
"""What each template (with the phrase banks) lets a message carry: built once per template."""


def allowed_for(template: Template, trusted_texts: frozenset[str], facts: list[Fact]) -> Allowed:
    """What a message for ``template`` may carry: only the template supports a claim.

    ``facts`` lend nothing but citations (a fact that passes the allow-list itself may be quoted);
    prospect text, the prospect's name included, is never a source for a contact or a claim.
    """
    key = (template.model_dump_json(), trusted_texts)
    allowed = _ALLOWED.get(key)
    if allowed is None:  # every message for the template asks: digest it once
        allowed = _template_allowed(template, trusted_texts)
        if len(_ALLOWED) > 32:
            _ALLOWED.clear()
        _ALLOWED[key] = allowed
    citations = tuple(
        f.text.lower() for f in facts if len(f.text) >= 8 and not _span_rules(f.text, allowed)
    )
    return replace(allowed, citations=citations) if citations else allowed


def _template_allowed(template: Template, trusted_texts: frozenset[str]) -> Allowed:
    """The template's and the phrase banks' part of ``Allowed`` (no citations)."""
    texts = template_texts(template)
    names = tuple(
        skeleton(n)
        for n in (
            template.brand,
            *template.brand_aliases,
            template.sender.company,
            template.sender.name,
        )
        if n and len(n) >= 3
    )
    trusted = " ".join(trusted_texts)
    folded = [skeleton(t) for t in texts]
    contacts = " ".join([*texts, trusted])
    return Allowed(
        links=frozenset(_url_key(u) for t in texts for _, _, u in find_links(t)),
        emails=frozenset(m.group().lower() for m in find_addresses(contacts)),
        digit_runs=tuple(d for d in (_digits(t) for t in texts) if len(d) >= 5),
        handles=frozenset(m.group(1).lower() for m in _HANDLE.finditer(contacts)),
        codes=frozenset(
            t.upper() for t in re.findall(r"[\w-]+", contacts) if any(c.isdigit() for c in t)
        )
        | frozenset(t.upper() for t in re.findall(r"[\w-]+", " ".join(texts))),
        claim_words=frozenset(_word_key(w) for t in folded for w in _WORDS.findall(t)),
        claim_stems=frozenset().union(*(content_stems(t) for t in folded)),
        claim_concepts=frozenset().union(*(_concepts_in(t) for t in folded)),
        offer_names=names,
        prompt_grams=frozenset(_prompt_grams() - set().union(*(_grams(t) for t in texts))),
        figures=frozenset(n for t in texts for n in _FIGURE.findall(t)),
    )


def _phones(text: str) -> list[str]:
    """Phone numbers in ``text`` (``phonenumbers``' matcher, in the usual regions): 7+ digits."""
    if not _DIGIT_RUN.search(text):
        return []
    found: dict[str, None] = {}
    for region in PHONE_REGIONS:
        for number in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
            raw = number.raw_string
            if len(_digits(raw)) >= 7 and not _DATE.fullmatch(raw.strip()):
                found[raw] = None
    for match in _DIGIT_RUN.finditer(text):  # a long digit string: a contact or an account
        if len(_digits(match.group())) >= 9 and not _DATE.search(match.group()):
            if not any(_digits(match.group()) in _digits(known) for known in found):
                found[match.group()] = None
    return list(found)


def _contacts(text: str, allowed: Allowed, field: str, how: str) -> list[Finding]:
    findings: list[Finding] = []
    said = "" if how == "as written" else f" ({how})"
    for _, _, url in find_links(text):
        if _url_key(url) not in allowed.links:
            findings.append(
                _finding("link", field, url, f'Link "{url}"{said} is not one the template gives.')
            )
    for match in find_addresses(text):
        if match.group().lower() not in allowed.emails:
            findings.append(
                _finding(
                    "email",
                    field,
                    match.group(),
                    f'E-mail address "{match.group()}"{said} is not one the template gives.',
                )
            )
    for phone in _phones(text):
        digits = _digits(phone)
        if not any(digits in run for run in allowed.digit_runs):
            findings.append(
                _finding(
                    "phone", field, phone, f'Phone number "{phone}"{said} is not the template\'s.'
                )
            )
    for match in _HANDLE.finditer(text):
        if match.group(1).lower() not in allowed.handles:
            findings.append(
                _finding(
                    "handle",
                    field,
                    match.group(),
                    f'Handle "{match.group()}"{said} is not one the template gives.',
                )
            )
    codes = [m.group(1) for m in _codewords().finditer(text)]
    codes += _caps_codes(text)
    codes += [m.group() for m in _CASHTAG.finditer(text)]
    for code in dict.fromkeys(codes):
        if code.upper().lstrip("$") not in allowed.codes and not _ordinary(code):
            findings.append(
                _finding("code", field, code, f'Code "{code}"{said} is not one the template gives.')
            )
    for pattern in (_OPAQUE, _HEX_ADDRESS, _IBAN):
        for match in pattern.finditer(text):
            if match.group().upper() not in allowed.codes:
                findings.append(
                    _finding(
                        "account",
                        field,
                        match.group(),
                        f'"{match.group()}"{said} looks like an account, wallet or token '
                        "the template does not give.",
                    )
                )
    return findings


@cache
def _credentials() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in load_pack("lint")["outbound"]["credential_words"])
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


@cache
def _payment_ask() -> re.Pattern[str]:
    """An ask to send money (a verb of paying near an amount or a fee): we never ask it."""
    section = load_pack("lint")["outbound"]
    verbs = "|".join(section["pay_verbs"])
    return re.compile(
        rf"(?i)(?<!\w)(?:{verbs})\w*\b[^.!?\n]{{0,30}}?(?:[$€£¥₹]\s?\d|\d[\d.,]*\s?(?:[$€£¥₹]|"
        rf"usd|eur|gbp|dollars?|euros?)|\b(?:fee|deposit|tasa|taxa|frais|gebühr|gebuhr|kaution)\b)"
    )


_UNCASED_CODE = re.compile(r"[^\W\d_]{2,}[-_]\d{1,4}")
"""Letters of a script without capitals joined to a number: "芒果-93", "מנגו-93"."""


def _caps_codes(text: str) -> list[str]:
    """The code words of ``text`` in any script.

    Capitals and digits together with no small letter ("SAVE20", "КАЛИНА-19"), or letters of a
    script without capitals joined to a number by a hyphen ("芒果-93").
    """
    codes = []
    for token in (m.group() for m in _CAPS_CODE.finditer(text)):
        if any(c.islower() for c in token):
            continue
        if any(c.isupper() for c in token):
            if "_" not in token and _code_like(token):
                codes.append(token)
        elif _UNCASED_CODE.fullmatch(token):
            codes.append(token)
    return codes


def _code_like(token: str) -> bool:
    """Two digits or more, or four letters and a digit: "SAVE20", "PINEAPPLE-7"; not "UTC-7"."""
    digits = sum(c.isdigit() for c in token)
    return digits >= 2 or sum(c.isalpha() for c in token) >= 4


def _ordinary(code: str) -> bool:
    """A word after "code" that is an ordinary lower-case word ("the code below"), not a code."""
    return code.isalpha() and code.islower()


def _names_offer(text: str, names: Iterable[str]) -> bool:
    folded = skeleton(text)
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in names if name)


def _claims(text: str, allowed: Allowed, field: str, language: str) -> list[Finding]:
    findings = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        message = _sentence_claim(sentence, allowed, field, language) if sentence else None
        if message is not None:
            findings.append(_finding("claim", field, sentence, message))
    return findings


@lru_cache(maxsize=4096)
def _sentence_claim(
    sentence: str, allowed: Allowed, field: str, language: str = "en"
) -> str | None:
    """Why ``sentence`` is an unsupported claim about the brand or the offer, or None.

    Memoised: the variations of a run and the messages of a template share most sentences.
    """
    if not _mentions_offer(sentence, allowed.offer_names):
        return None
    if field == "span":  # prospect text: naming the brand or the sender is what it may not do
        if _names_offer(sentence, allowed.offer_names):
            return "Prospect text that names our brand."
        return None
    said = sentence.lower()
    for cited in allowed.citations:  # their own words, cited, are not a claim of ours
        said = said.replace(cited, " ")
    if not _mentions_offer(said, allowed.offer_names):
        return None
    unsupported = _unsupported_terms(skeleton(said), allowed, language)
    if not unsupported:
        return None
    return (
        "A sentence about the brand or the offer claims what no approved claim "
        f"supports ({', '.join(unsupported[:5])})."
    )


@dataclass(frozen=True)
class _Concept:
    """One claim concept's terms (folded text): all languages together, and per language."""

    name: str
    pattern: re.Pattern[str]
    """Any language's term at a word start, with up to three more letters (inflection)."""
    exact: re.Pattern[str]
    """Any language's term as a whole word (no letters added)."""
    by_language: dict[str, re.Pattern[str]]
    """Each language's own terms, with their inflection, as a whole word."""


@cache
def _claim_terms() -> tuple[_Concept, ...]:
    """Per claim concept, its perk, benefit, guarantee, status and rank terms (folded text)."""
    out = []
    for concept, languages in load_pack("outbound_claims")["concepts"].items():
        terms = {t for listed in languages.values() for t in listed}
        alternatives = "|".join(sorted(terms, key=len, reverse=True))
        out.append(
            _Concept(
                name=concept,
                pattern=re.compile(rf"(?<![\w#])(?:{alternatives})\w{{0,3}}(?!\w)"),
                exact=re.compile(rf"(?:{alternatives})"),
                by_language={
                    lang: re.compile(rf"(?:{'|'.join(listed)})\w{{0,3}}")
                    for lang, listed in languages.items()
                },
            )
        )
    return tuple(out)


def _concepts_in(folded: str) -> frozenset[str]:
    return frozenset(c.name for c in _claim_terms() if c.pattern.search(folded))


@cache
def _ordinary_words(language: str) -> frozenset[str]:
    """The frequent words of ``language``, folded as claim terms are matched.

    ``wordfreq``'s, Zipf at least the grounding's ``ordinary_word_zipf``; empty for a language
    it lacks.
    """
    threshold = float(load_pack("lint")["grounding"]["ordinary_word_zipf"])
    if language not in available_languages(wordlist="small"):
        return frozenset()
    least = 10 ** (threshold - 9)  # Zipf is log10 of occurrences per billion words
    words = get_frequency_dict(language, wordlist="small").items()
    return frozenset(_plain(word) for word, share in words if share >= least)


def _plain(word: str) -> str:
    """``word`` lower case without accents: the claim terms' folding, for a word of a list."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _another_languages_word(word: str, concept: _Concept, language: str) -> bool:
    """True when ``word``, a term with letters added, is a word of the message's language.

    That is, a frequent word of it that this language's own terms for the concept do not match.
    Every language's terms are tried on every sentence, each with an inflection of up to three
    letters; in a message whose language has its own terms for the concept, a frequent word of
    that language is read as that word: Spanish "primeros" is not French "prime" (a bonus), German
    "Topf" not English "top", Dutch "bestaat" not English "best". A term written whole ("bonus",
    "gratis") is a term in any language, and in a language without terms for the concept an
    inflected term ("bonusy") still counts.
    """
    own = concept.by_language.get(language)
    if own is None or concept.exact.fullmatch(word) or own.fullmatch(word):
        return False
    return word in _ordinary_words(language)


def _word_key(word: str) -> str:
    """A word as claim terms are compared: folded, its first six letters (plurals, genders)."""
    return word.lower().replace("’", "'")[:6]


def _unsupported_terms(folded: str, allowed: Allowed, language: str = "en") -> list[str]:
    """The claim terms of one folded sentence that the template does not support.

    A term the template writes is supported with the topic word beside it (the nearest content
    word after it, else before it) when the template writes that word too: "free sample kit" is
    supported by a template offering one, "free gear" is not. A term the template does not write
    is supported when the template writes its concept in another language.
    """
    out = []
    for concept in _claim_terms():
        for match in concept.pattern.finditer(folded):
            term = match.group()
            if _another_languages_word(term, concept, language):
                continue
            words = _WORDS.findall(term)
            if allowed.echoes and all(_word_key(w) in allowed.echoes for w in words):
                continue  # their own word said back in a note that promotes nothing
            if not all(_word_key(w) in allowed.claim_words for w in words):
                if concept.name not in allowed.claim_concepts:
                    out.append(term)
                continue
            after = _topic_word(_WORDS.findall(folded[match.end() :])[:3])
            before = _topic_word(list(reversed(_WORDS.findall(folded[: match.start()])))[:3])
            beside = after or before
            if beside and not beside & allowed.claim_stems and not _known_name(beside, allowed):
                out.append(term)
    return list(dict.fromkeys(out))


def _topic_word(words: list[str]) -> frozenset[str]:
    """The stems of the first of ``words`` that is a topic word; empty when none is."""
    for word in words:
        stems = content_stems(word)
        if stems:
            return stems
    return frozenset()


def _known_name(stems: frozenset[str], allowed: Allowed) -> bool:
    return any(s in name.split() for s in stems for name in allowed.offer_names)


def _prompt_text(text: str, allowed: Allowed, field: str) -> list[Finding]:
    shared = _grams(text) & allowed.prompt_grams
    if not shared:
        return []
    run = " ".join(sorted(shared)[0])
    return [_finding("prompt_text", field, run, f'"{run}..." repeats our own prompt.')]


def outbound_findings(
    subject: str | None,
    body: str,
    *,
    template: Template,
    facts: list[Fact],
    trusted_texts: Iterable[str],
    language: str = "en",
    said: Iterable[str] = (),
) -> list[Finding]:
    """Every blocking ``outbound.*`` finding for the message as it would be sent.

    ``language``: the message's (ISO 639-1), which decides how a word shared by several
    languages' claim terms is read. ``said``: what the person wrote to us; in a message that
    promotes nothing (a thank-you after a "no"), their own words said back are no claim.
    """
    allowed = allowed_for(template, frozenset(trusted_texts), facts)
    their = [t for t in said if t.strip()]
    if their and not promotes(body, template):
        words = frozenset(_word_key(w) for t in their for w in _WORDS.findall(skeleton(t)))
        allowed = replace(allowed, echoes=words)
    findings: list[Finding] = []
    for field, text in (("subject", subject), ("body", body)):
        if not text:
            continue
        findings += text_findings(text, allowed, field, language)
    return unique_findings(findings)


def text_findings(text: str, allowed: Allowed, field: str, language: str = "en") -> list[Finding]:
    """The allow-list's findings on one text: contacts in every decoded form, then the rest."""
    findings: list[Finding] = []
    for how, form in decoded_forms(text):
        findings += _contacts(form, allowed, field, how)
    for run, decoded in _base64_texts(text):
        findings.append(
            _finding("encoded", field, run, f'"{run[:40]}" hides text in base64: "{decoded[:60]}".')
        )
    for match in _HEADER.finditer(text):
        findings.append(
            _finding("header", field, match.group(), f'"{match.group()}" writes a mail header.')
        )
    findings += _prompt_text(text, allowed, field)
    findings += _claims(text, allowed, field, language.split("-")[0].lower())
    for start, end, reason in find_hostile(text):
        if reason == _TERMS_ASK and _only_our_figures(text[start:end], allowed):
            continue
        findings.append(
            _finding("hostile", field, text[start:end], f"Hostile text in the message: {reason}.")
        )
    for match in _credentials().finditer(skeleton(text)):
        findings.append(
            _finding(
                "credentials",
                field,
                text[match.start() : match.end()] if text.isascii() else match.group(),
                "The message talks about card data, passwords or account codes.",
            )
        )
    for match in _payment_ask().finditer(text):
        findings.append(
            _finding("payment_ask", field, match.group(), "The message asks the reader to pay.")
        )
    return findings


TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|\{#|#\}|<%|%>")
"""Liquid, Jinja, Twig, Handlebars, ERB tags: a span with one is not quoted, since the drafter
would have to rewrite it (the rest of the field stays usable; the message is never blocked)."""

STYLED_LETTERS_AT = 3
"""Letters written in a styled block (fullwidth, circled, squared, mathematical bold or script:
NFKC folds them to plain letters) from which a span is not quoted: pasted as they are they carry
words a check reads only once folded, and a manager would not paste a fancy font either."""


def styled_letters(text: str) -> int:
    """How many characters of ``text`` are styled forms of plain letters ('🅂', 'Ａ', '𝐛')."""
    if text.isascii():
        return 0
    folded = (unicodedata.normalize("NFKC", char) for char in text if not char.isascii())
    return sum(1 for plain in folded if plain.isascii() and plain.isalpha())


_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
_TERMS_ASK = "asks to change the offer terms"


def _only_our_figures(span: str, allowed: Allowed) -> bool:
    """True when every number of ``span`` is one the template writes (and there is one)."""
    figures = _FIGURE.findall(span)
    return bool(figures) and all(f in allowed.figures for f in figures)


@lru_cache(maxsize=4096)
def _span_rules(text: str, allowed: Allowed) -> tuple[str, ...]:
    rules = [f.rule_id for f in text_findings(text, allowed, "span")]
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") for c in text):
        rules.append("format.invisible_chars")
    if TEMPLATE_SYNTAX.search(text):
        rules.append("format.template_syntax")
    if styled_letters(text) >= STYLED_LETTERS_AT:
        rules.append("format.styled_letters")
    if _quoted_offer_words().search(skeleton(text)) or offer_like(text):  # never pass for ours
        rules.append("outbound.offer_talk")
    return tuple(dict.fromkeys(rules))


def span_problems(text: str, template: Template, trusted_texts: Iterable[str] = ()) -> list[str]:
    """The rules a span of prospect text breaks if a drafter quoted it; empty when quotable.

    The same allow-list as a sent message, with no fact to lend words: a span that talks about
    the brand or the offer is never quoted.
    """
    allowed = allowed_for(template, frozenset(trusted_texts), [])
    return list(_span_rules(text, allowed))


_FACT_SENTENCE = re.compile(r"[^.!?。！？\n\u2028\u2029]+(?:[.!?。！？]+|$)")


def screen_facts(
    facts: list[Fact], template: Template, trusted_texts: Iterable[str] = ()
) -> tuple[list[Fact], list[str]]:
    """The facts a drafter may quote, each cut to its sentences that pass; notes on the rest.

    Every record field is untrusted: a sentence is quoted only when it passes the checks a sent
    message passes (no link, address, phone number, handle, code, account, encoded text, header,
    prompt text, hidden character, hostile claim or ask, nor talk of our brand or an offer). A
    failing sentence is left out of the fact (the field stays usable); a fact with no passing
    sentence is not quoted. Each note names the field, the sentence and the rules.
    """
    kept: list[Fact] = []
    notes: list[str] = []
    for fact in facts:
        sentences = [m.group().strip() for m in _FACT_SENTENCE.finditer(fact.text)]
        passing = []
        for sentence in [s for s in sentences if s]:
            rules = span_problems(sentence, template, trusted_texts)
            if fact.kind == "website":  # the record's own site: the link is the fact, not sent
                rules = [r for r in rules if r != "outbound.link"]
            if rules:
                notes.append(
                    f'not quoted: {fact.source_field} "{sentence[:80]}" ({", ".join(rules)})'
                )
            else:
                passing.append(sentence)
        if passing:
            text = " ".join(passing)
            same = text == fact.text.strip()
            kept.append(fact if same else fact.model_copy(update={"text": text}))
    return kept, notes
