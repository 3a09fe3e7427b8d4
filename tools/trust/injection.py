"""Find hostile content in untrusted prospect text (OWASP LLM01 indirect injection, and more).

Three classes of patterns live in ``tools/policies/lint.toml``, each with a reason:
``[[injection]]`` (instructions aimed at the model, in en/es/pt/fr/de and a few more),
``[[claims]]`` (claims about a brand or third parties: scam, fraud, lawsuit) and ``[[phishing]]``
(asks for credentials or payment details). They run on every folded form of the text
(``tools/trust/folding.py``: NFKC, look-alike letters, accents, leetspeak, spaced letters), so an
instruction in fullwidth or Cyrillic letters is found like a plain one. A match marks the whole
sentence or clause around it; the sanitizer then keeps the whole FIELD out of drafting
(``sanitize.py``), so no half of an instruction is left to be quoted as a fact.

``split_reason`` finds an instruction cut across two fields (the end of one, the start of the
next). ``offer_like`` tells prospect text that reads like offer terms (numbers may be in words).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ipe.tools.policies import load_pack
from ipe.tools.trust.folding import View, views
from ipe.tools.trust.patterns import any_of, lowercase_literals

KINDS = ("injection", "claims", "phishing")

# Where a sentence or clause ends: sentence punctuation followed by a space or the end, a line
# break, or a separator people put between bio items.
_BOUNDARY = re.compile(r"[.!?…]+(?=\s|$)|\n|\s[|•·]\s|[|•·;]")


@cache
def _patterns(kinds: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    pack = load_pack("lint")
    return tuple(
        (re.compile(entry["pattern"], re.IGNORECASE | re.MULTILINE), str(entry["reason"]))
        for kind in kinds
        for entry in pack.get(kind, [])
    )


@cache
def _any(kinds: tuple[str, ...]) -> re.Pattern[str]:
    """Every pattern of ``kinds`` in one alternation: one pass clears the usual, harmless text."""
    return any_of((p.pattern for p, _ in _patterns(kinds)), flags=re.MULTILINE)


# The letters outside ASCII that IGNORECASE folds to ASCII ones: dotted and dotless i, long s,
# Kelvin sign. A pattern without them (nor a range or escape that reaches them) matches ASCII text
# exactly as with re.ASCII.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_REACHES = re.compile(r"\\[uUxN]|(.)-([^\x00-\x7f])")


def _ascii_exact(pattern: str) -> bool:
    """True when ``pattern`` matches ASCII text the same with re.ASCII as without it."""
    if any(c in pattern for c in _FOLDS_TO_ASCII):
        return False
    for m in _REACHES.finditer(pattern):
        if m.group(1) is None or any(m.group(1) <= c <= m.group(2) for c in _FOLDS_TO_ASCII):
            return False
    return True


@cache
def _any_for_ascii(kinds: tuple[str, ...]) -> tuple[re.Pattern[str], bool]:
    """``_any`` for ASCII text, and whether it runs on the lower-cased text.

    Lower-cased literals without IGNORECASE (2.5 times faster on the drafts than IGNORECASE with
    re.ASCII, which is itself 1.5 times faster than without it), when either is exact.
    """
    first = _any(kinds)
    if not _ascii_exact(first.pattern):
        return first, False
    lowered = lowercase_literals(first.pattern)
    if lowered is None:
        return re.compile(first.pattern, (first.flags & ~re.UNICODE) | re.ASCII), False
    flags = first.flags & ~(re.UNICODE | re.IGNORECASE)
    return re.compile(lowered, flags | re.ASCII), True


def _first_pass(text: str, kinds: tuple[str, ...]) -> bool:
    """True when some pattern of ``kinds`` may match ``text`` (never False when one does)."""
    if not text.isascii():
        return _any(kinds).search(text) is not None
    first, lowered = _any_for_ascii(kinds)
    return first.search(text.lower() if lowered else text) is not None


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to the sentence or clause that contains it."""
    left = 0
    right = len(text)
    for boundary in _BOUNDARY.finditer(text):
        if boundary.start() < start:
            left = min(boundary.end(), start)
        elif boundary.start() >= end:
            keeps_mark = boundary.group()[0] in ".!?…"
            right = boundary.end() if keeps_mark else boundary.start()
            break
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _matches(text: str, kinds: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` in ``text`` for every match in any folded view of it."""
    found: list[tuple[int, int, str]] = []
    for view in views(text):
        if not _first_pass(view.text, kinds):
            continue
        for pattern, reason in _patterns(kinds):
            for match in pattern.finditer(view.text):
                if match.end() > match.start():
                    start, end = view.span(*match.span())
                    found.append((start, end, reason))
    return found


def _widened(text: str, kinds: tuple[str, ...]) -> list[tuple[int, int, str]]:
    hits = sorted(
        (*_sentence_around(text, start, end), start, reason)
        for start, end, reason in _matches(text, kinds)
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, _, reason in hits:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_reason = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_reason)
        else:
            merged.append((start, end, reason))
    return merged


def find_instructions(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, reason)`` for every instruction-like sentence in ``text``.

    Spans are sorted and never overlap; when several detections share a sentence, the reason of
    the earliest trigger is kept.
    """
    return _widened(text, ("injection",)) if text else []


def find_hostile(text: str) -> list[tuple[int, int, str]]:
    """As ``find_instructions``, for every class: instructions, claims and phishing asks."""
    return _widened(text, KINDS) if text else []


def hostile_reason(text: str) -> str | None:
    """The reason of the first hostile span in ``text``, or ``None`` when there is none."""
    if not text:
        return None
    found = _matches(text, KINDS)
    return min(found)[2] if found else None


@cache
def _split_settings() -> tuple[int, int, frozenset[str]]:
    section = load_pack("lint")["split"]
    return int(section["tail_chars"]), int(section["head_chars"]), frozenset(section["triggers"])


_WORDS = re.compile(r"[^\W\d_]+")


def has_split_trigger(text: str) -> bool:
    """True when the end of ``text`` carries a word that can start a split instruction."""
    tail, _, triggers = _split_settings()
    end = text[-tail:]
    return any(word in triggers for view in views(end) for word in _WORDS.findall(view.text))


def split_reason(first: str, second: str) -> str | None:
    """The reason when the end of ``first`` and the start of ``second`` form an instruction.

    Only a match that crosses the join counts: one inside either field is that field's own.
    """
    tail, head, _ = _split_settings()
    left, right = first[-tail:].rstrip(), second[:head].lstrip()
    if not left or not right:
        return None
    joined = f"{left} {right}"
    join = len(left)
    for start, end, reason in _matches(joined, KINDS):
        if start < join < end:
            return reason
    return None


@cache
def _offer_patterns() -> tuple[re.Pattern[str], ...]:
    pack = load_pack("lint")
    words = sorted(
        {*pack["numbers"]["units"], *pack["numbers"]["multipliers"]}, key=len, reverse=True
    )
    word = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    num = rf"{word}(?:[\s-]+(?:(?:and|y|e|et|und)\s+)?{word})*"

    section: dict[str, Any] = pack["offer_like"]
    return tuple(re.compile(p.replace("{num}", num), re.IGNORECASE) for p in section["patterns"])


def offer_like(text: str) -> bool:
    """True when prospect ``text`` reads like offer terms: a commission, payout, cookie or rate.

    Numbers may be written in words ("pays forty percent"). A price, a percentage or a day count
    alone is a fact about the prospect's content ("I saved 40% on groceries"), not an offer term.
    """
    return any(p.search(view.text) for view in views(text) for p in _offer_patterns())


__all__ = [
    "KINDS",
    "View",
    "find_hostile",
    "find_instructions",
    "has_split_trigger",
    "hostile_reason",
    "offer_like",
    "split_reason",
]
