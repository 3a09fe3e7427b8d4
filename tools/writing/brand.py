"""The brand in a message: the names that count as naming it, and naming it where a person would.

A tenant writes its brand as a legal name ("Ostra Coffee Roasting Co.") and its copy in the
short form people use ("At Ostra we roast..."). Every form counts as naming the brand: the full
name, the template's ``brand_aliases``, the name without its legal form ("Ostra Coffee
Roasting") and its first word when that is a rare word ("Ostra"; not "Summit" of "Summit
Gear"). When a message that promotes the offer names none of them, the engine names the brand
itself in the sign-off, as a person signs ("Maya from Acme Outdoor"): the rule is one the
engine can always satisfy, so it never blocks a message for it.

A note that promotes nothing (a thank-you after a decline) needs neither the brand nor the
affiliate disclosure: ``promotes`` says whether a text states a term, a perk, a claim, a link
or an offer word. The rules live in ``tools/policies/brand.toml``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from wordfreq import zipf_frequency

from ipe.domain import Template
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.channel.formatting import above_footer, first_name, split_footer
from ipe.tools.policies import load_pack

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _rules(section: str) -> dict[str, Any]:
    return dict(load_pack("brand")[section])


def without_legal_form(brand: str) -> str:
    """``brand`` without the legal-form words at its end.

    "Quillmate Software Inc." gives "Quillmate Software"; a brand of one word stays as it is.
    """
    suffixes = {str(s).lower() for s in _rules("short_form")["legal_suffixes"]}
    words = brand.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in suffixes:
        words.pop()
    return " ".join(words).rstrip(".,") if words else brand


@lru_cache(maxsize=256)
def _derived(brand: str, language: str) -> tuple[str, ...]:
    rules = _rules("short_form")
    core = without_legal_form(brand.strip())
    forms = [core]
    first = core.split(" ", 1)[0].strip(".,&")
    letters = sum(ch.isalpha() for ch in first)
    most = float(rules["max_zipf"])
    # only the languages wordfreq reads without an extra tokenizer (ja/zh/ko need MeCab, jieba)
    known = set(load_pack("lint")["grounding"]["dictionary_languages"])
    langs = {lang for lang in {language or "en", "en"} if lang in known}
    rare = all(zipf_frequency(first.lower(), lang) < most for lang in langs)
    if " " in core and letters >= int(rules["min_letters"]) and rare:
        forms.append(first)
    return tuple(f for f in forms if f)


def brand_names(template: Template, language: str = "en") -> tuple[str, ...]:
    """Every name that counts as naming the brand, longest first (full, aliases, short forms)."""
    full = template.brand.strip()
    names = [full, *(a.strip() for a in template.brand_aliases), *_derived(full, language)]
    unique = {n.lower(): n for n in reversed(names) if n}
    return tuple(sorted(unique.values(), key=len, reverse=True))


def short_brand(template: Template, language: str = "en") -> str:
    """How the engine names the brand in a sentence: the first declared alias, else the brand.

    The brand is written without its legal form ("Quillmate Software" for "Quillmate Software
    Inc."), never cut to a form the template does not declare ("Atelier" for "Atelier Nord"):
    a derived short form counts as naming the brand when a tenant's copy uses it
    (``brand_names``), but the engine only writes the names the tenant gave.
    """
    aliases = [a.strip() for a in template.brand_aliases if a.strip()]
    if aliases:
        return aliases[0]
    return without_legal_form(template.brand.strip()) or template.brand.strip()


_LETTER = r"(?![\u3040-\u30ff\u3400-\u9fff\uff00-\uffef])\w"
"""A letter that joins a word: kana and kanji do not, as Japanese writes a name next to its
particle with no space ("Kiln & Kettleの")."""


def _mentions(text: str, phrase: str) -> bool:
    pattern = rf"(?<!{_LETTER}){re.escape(phrase)}(?!{_LETTER})"
    return re.search(pattern, text, re.IGNORECASE) is not None


def named_as(text: str, template: Template, language: str = "en") -> str | None:
    """The form in which ``text`` names the brand (the longest found), or None."""
    return next((n for n in brand_names(template, language) if _mentions(text, n)), None)


def names_brand(text: str, template: Template, language: str = "en") -> bool:
    """True when ``text`` names the brand in any of its forms."""
    return named_as(text, template, language) is not None


@cache
def _offer_words() -> re.Pattern[str]:
    words = sorted({str(w) for w in _rules("promotes")["words"]}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


def promotes(text: str, template: Template) -> bool:
    """True when ``text`` promotes the offer: a term, a perk, a claim, a link or an offer word."""
    body = above_footer(text)
    offer = template.offer
    terms = [offer.commission or "", *offer.perks, *template.approved_claims, *template.links]
    if any(t.strip() and t.strip().lower() in body.lower() for t in terms):
        return True
    if re.search(r"\d+(?:[.,]\d+)?\s*%", body):
        return True
    return _offer_words().search(body) is not None


def signoff(template: Template, language: str = "en") -> str:
    """The sign-off that names the brand: "Priya from Quillmate Software".

    Without a sender's name, the team's line ("The team at Quillmate Software").
    """
    bank = load_bank(f"{language if language in LANGUAGES else 'en'}/message")["signoff"]
    aliases = [a.strip() for a in template.brand_aliases if a.strip()]
    brand = aliases[0] if aliases else without_legal_form(template.brand.strip())
    sender = first_name(template.sender.name) if template.sender.name.strip() else ""
    phrase = str(bank["named"] if sender else bank["anonymous"])
    return " ".join(phrase.format(sender_first=sender, brand=brand).split())


def name_brand(body: str, template: Template, *, language: str = "en") -> str:
    """``body`` with the brand named in its sign-off when a promoting text names it nowhere.

    The sender's name line ("Priya", or a last line ending in it) becomes "Priya from
    Quillmate"; without one, the line is added. A body that names the brand, or promotes
    nothing, is returned unchanged.
    """
    head, sep, footer = split_footer(body)
    if not head.strip() or names_brand(head, template, language):
        return body
    if not promotes(head, template):
        return body
    line = signoff(template, language)
    sender = first_name(template.sender.name) if template.sender.name.strip() else ""
    if not sender:
        return f"{head.rstrip()}\n\n{line}{sep}{footer}"
    lines = head.rstrip().split("\n")
    last = lines[-1].strip()
    if last.rstrip(".,!") in (sender, template.sender.name.strip()):
        lines[-1] = line
    elif last.endswith(sender) and len(last) > len(sender):
        lines[-1] = last[: -len(sender)].rstrip() + " " + line
    else:
        lines += ["", line] if "\n\n" in head else [line]
    return "\n".join(lines) + sep + footer
