"""Final formatting: the exact plain text that is sent, the email footer, and length fitting.

``finalize`` is the last step before a message leaves the engine: it strips markup and invisible
characters, normalises whitespace, makes the subject a single line and, for email, appends the
compliance footer (sender identity, postal address, unsubscribe link) exactly once.
``fit_to_limit`` shortens a body for the critic's repair step without losing the greeting, the
affiliate disclosure or the call to action.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from ipe.domain import Template
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.policies.channels import is_email

_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SCRIPT = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+)>")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_STRONG = re.compile(r"(?<![\w*_])(\*\*|__)(?=\S)(.+?)(?<=\S)\1(?![\w*_])")
_MD_EMPH = re.compile(r"(?<![\w*_])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*_])")
_MD_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MD_CODE = re.compile(r"`{1,3}([^`\n]*)`{1,3}")
_MD_FENCE = re.compile(r"^\s*```[^\n]*$", re.MULTILINE)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")
_BLANKS = re.compile(r"\n{3,}")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")


@cache
def _bank() -> dict[str, dict[str, object]]:
    return load_bank("formatting")


@cache
def _strings(section: str, key: str) -> tuple[str, ...]:
    """``formatting.toml``'s list ``[section] key``; for ``keep``, each bank's ``[checks]`` too."""
    value = _bank()[section][key]
    assert isinstance(value, list)
    if section == "keep":
        for language in LANGUAGES:
            value = [*value, *load_bank(f"{language}/message").get("checks", {}).get(key, [])]
    return tuple(dict.fromkeys(str(v) for v in value))


@cache
def _honorifics() -> frozenset[str]:
    return frozenset(_strings("names", "honorifics"))


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _plain_chars(text: str) -> str:
    """Drop control, zero-width and bidi characters; map exotic spaces and line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and not _ASCII_CONTROL.search(text):  # the common case, without a char loop
        return text.replace("\t", " ")
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            out.append(char)
        elif category in ("Zl", "Zp"):
            out.append("\n")
        elif char == "\t" or category == "Zs":
            out.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(char)
    return "".join(out)


_MARKUP_STEPS: tuple[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    ("&", _ENTITY, lambda m: html.unescape(m.group(0))),
    ("<", _SCRIPT, ""),
    ("<", _AUTOLINK, r"\1"),
    ("<", _TAG, ""),
    ("[", _MD_IMAGE, r"\1"),
    ("[", _MD_LINK, r"\1"),
    ("`", _MD_FENCE, ""),
    ("`", _MD_CODE, r"\1"),
    ("*_", _MD_STRONG, r"\2"),
    ("*_", _MD_EMPH, r"\2"),
    ("~", _MD_STRIKE, r"\1"),
    ("#", _MD_HEADING, ""),
    (">", _MD_QUOTE, ""),
)
"""In order: each step's pattern, its replacement, and the characters it cannot match without."""


def _strip_markup(text: str) -> str:
    """Turn HTML and markdown into the text they display."""
    for needs, pattern, replacement in _MARKUP_STEPS:
        if any(char in text for char in needs):
            text = pattern.sub(replacement, text)
    return text


def _whitespace(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def plain_text(text: str) -> str:
    """Plain text with normalised whitespace: the body cleaning of ``finalize`` (idempotent)."""
    for _ in range(8):
        cleaned = _whitespace(_strip_markup(_plain_chars(text)))
        if cleaned == text:
            break
        text = cleaned
    return text


def _one_line(text: str) -> str:
    """``plain_text`` on one line, to a fixed point (joined lines can complete markup)."""
    for _ in range(8):
        line = _SPACES.sub(" ", plain_text(text).replace("\n", " ")).strip()
        if line == text:
            break
        text = line
    return text


def email_footer(template: Template, language: str = "en") -> str:
    """The compliance footer: separator, sender identity, postal address, unsubscribe line.

    Its fixed words are in ``language`` (``[footer] unsubscribe`` of the language's phrase bank;
    English where the language has none).
    """
    sender = template.sender
    identity = [
        part for part in (sender.name, sender.title, sender.company or template.brand) if part
    ]
    lines = [_one_line(", ".join(identity))] if identity else []
    if sender.postal_address:
        lines.append(plain_text(sender.postal_address))
    if sender.unsubscribe_url:
        unsubscribe = unsubscribe_line(language)
        lines.append(unsubscribe.format(url=_one_line(sender.unsubscribe_url)))
    if not lines:
        return ""
    return plain_text("\n".join([str(_bank()["footer"]["separator"]), *lines]))


def unsubscribe_line(language: str) -> str:
    """The footer's unsubscribe line in ``language`` (with ``{url}``); English when it has none."""
    base = language.split("-")[0].lower()
    return str(load_bank(f"{base if base in LANGUAGES else 'en'}/message")["footer"]["unsubscribe"])


def finalize(
    subject: str | None, body: str, *, channel: str, template: Template, language: str = "en"
) -> tuple[str | None, str]:
    """Return exactly what is sent: plain-text subject (email only) and body (+ email footer).

    The footer's fixed words are in ``language``, the message's. Idempotent: running it on its
    own output changes nothing (the footer is not added twice).
    """
    text = plain_text(body)
    if not is_email(channel):
        return None, text
    footer = email_footer(template, language)
    if footer:
        if text == footer:
            text = ""
        elif text.endswith("\n\n" + footer):
            text = text[: -len(footer) - 2].rstrip("\n")
        text = f"{text}\n\n{footer}" if text else footer
    return (None if subject is None else _one_line(subject)), text


def split_footer(body: str) -> tuple[str, str, str]:
    """A body split as ``str.partition`` at the e-mail footer's separator.

    ``(above, separator, footer)``; the last two are empty when there is no footer.
    """
    return body.partition("\n\n" + str(_bank()["footer"]["separator"]) + "\n")


def above_footer(body: str) -> str:
    """The part of a body a reader reads: everything above the e-mail footer's separator."""
    return split_footer(body)[0]


@lru_cache(maxsize=1024)
def first_name(name: str) -> str:
    """The first name in a display name: markup and honorifics dropped, '' when there is none."""
    honorifics = _honorifics()
    cleaned = _one_line(name).lstrip("@").split(",")[0]
    for token in _NAME_TOKEN.findall(cleaned):
        word = str(token).strip("'’.-")
        if word and word.lower().rstrip(".") not in honorifics:
            return word
    return ""


@dataclass
class _Unit:
    """One sentence of a body, where it sits and whether it must stay."""

    para: int
    line: int
    text: str
    keep: bool = False
    cta: bool = False
    greeting: bool = False
    footer: bool = False


def _units(body: str) -> list[_Unit]:
    """The body's sentences; the email footer (from its separator line on) is one kept block."""
    separator = str(_bank()["footer"]["separator"])
    units: list[_Unit] = []
    for p, para in enumerate(body.split("\n\n")):
        for n, line in enumerate(para.split("\n")):
            if line.strip() == separator or (units and units[-1].footer):
                units.append(_Unit(p, n, line.strip(), keep=True, footer=True))
            else:
                units += [_Unit(p, n, s) for s in _SENTENCE.split(line.strip()) if s]
    return units


def _join(units: list[_Unit]) -> str:
    paras: dict[int, dict[int, list[str]]] = {}
    for unit in units:
        if unit.text:
            paras.setdefault(unit.para, {}).setdefault(unit.line, []).append(unit.text)
    return "\n\n".join(
        "\n".join(" ".join(sentences) for sentences in lines.values()) for lines in paras.values()
    )


def _has_marker(text: str, markers: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(m)}", lowered) for m in markers)


def _is_cta(unit: _Unit) -> bool:
    markers = _strings("keep", "cta_markers")
    return "?" in unit.text or bool(_URL.search(unit.text)) or _has_marker(unit.text, markers)


def _classify(units: list[_Unit], keep: Iterable[str]) -> None:
    """Mark the greeting, the call to action and, before it, the sentences that must stay."""
    words = [k.lower() for k in keep if k]
    first_word = units[0].text.split(" ")[0].strip(",!.").lower() if units else ""
    if first_word in _strings("keep", "greeting_words"):
        units[0].keep = units[0].greeting = True
    ctas = [u for u in units if not (u.greeting or u.footer) and _is_cta(u)]
    if ctas:
        ctas[-1].keep = ctas[-1].cta = True
    end = units.index(ctas[-1]) if ctas else len(units)
    disclosed = False  # the first affiliate statement stays; later terms sentences may go
    for unit in units[:end]:
        lowered = unit.text.lower()
        discloses = _has_marker(lowered, _strings("keep", "disclosure_markers"))
        if any(word in lowered for word in words) or (discloses and not disclosed):
            unit.keep = True
        disclosed = disclosed or discloses


def _drop_order(units: list[_Unit]) -> list[_Unit]:
    """Optional sentences in the order they go: the pitch's extras, the sign-off, the opener."""
    kept = [i for i, u in enumerate(units) if u.keep and not u.greeting]
    first = kept[0] if kept else len(units)
    cta = next((i for i, u in enumerate(units) if u.cta), len(units))
    optional = [i for i, u in enumerate(units) if not u.keep]
    middle = [i for i in optional if first < i < cta]
    tail = [i for i in optional if i > cta]
    opener = [i for i in optional if i < first]
    return [units[i] for i in [*reversed(middle), *tail, *reversed(opener)]]


def _trim_words(text: str, fits: Callable[[str], bool]) -> str:
    """The longest word-boundary prefix of ``text`` (with an ellipsis) that ``fits``."""
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(" ".join(words[:mid]).rstrip(",;:") + "…"):
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]).rstrip(",;:") + "…" if low else ""


def fit_to_limit(
    body: str,
    *,
    limit: int,
    measure: Callable[[str], int],
    keep: Iterable[str] = (),
    whole_sentences: bool = False,
) -> str:
    """Shorten ``body`` until ``measure(body) <= limit``.

    Whole optional sentences go first (never the greeting, a sentence naming the affiliate program
    or its terms, a sentence containing one of ``keep`` such as the brand, or the call to action);
    then (unless ``whole_sentences``, which returns the whole sentences left) the longest
    remaining sentence other than the greeting and the call to action is cut at a word boundary;
    as a last resort the whole text is.
    """
    text = plain_text(body)
    if measure(text) <= limit:
        return text
    units = _units(text)
    _classify(units, keep)
    for unit in _drop_order(units):
        units.remove(unit)
        if measure(_join(units)) <= limit:
            return _join(units)
    if whole_sentences:  # what is left must stay whole: the caller decides what else to do
        return _join(units)
    for unit in sorted(
        (u for u in units if not (u.cta or u.greeting or u.footer)),
        key=lambda u: len(u.text),
        reverse=True,
    ):
        original = unit.text

        def fits(candidate: str, unit: _Unit = unit, units: list[_Unit] = units) -> bool:
            unit.text = candidate
            return measure(_join(units)) <= limit

        unit.text = _trim_words(original, fits)
        if measure(_join(units)) <= limit:
            return _join(units)
    text = _join(units)
    text = _trim_words(text, lambda t: measure(t) <= limit) or text
    while text and measure(text) > limit:
        text = text[:-1]
    return text
