"""Fold untrusted text into the forms the trust checks match on (detection only, never shown).

Attackers write instructions and links so that a plain pattern misses them: fullwidth letters
(``ｉｇｎｏｒｅ``), look-alikes from other scripts (a Cyrillic ``а`` in ``pаypal.com``), accents,
leetspeak (``1gn0re``) and spaced letters (``u n s u b s c r i b e``). ``views`` returns the text
in each folded form, each with a map from its characters back to the original's, so a match in
any view points at the original span:

- ``fold``: NFKC (fullwidth, ligatures, compatibility forms), case folding, combining marks
  removed, and every non-ASCII character that Unicode's confusables data (UTS #39, via the
  ``confusable-homoglyphs`` package) lists as a look-alike of an ASCII letter or digit replaced by
  it: the skeleton.
- ``deleet``: inside a word that mixes letters with digits or symbols, ``0 1 3 4 5 7 8 9 @ $ ! |``
  read as the letters they stand for (a plain number stays a number).
- ``despace``: runs of three or more single letters separated by spaces, dots, dashes or
  underscores joined into one word.

These forms are for matching only: what a message may carry is always the sanitised original.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class View:
    """One folded form of a text: ``text[i]`` came from the original's ``origin[i]``."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's span for this view's ``[start, end)``."""
        if not self.origin:
            return 0, 0
        start = min(start, len(self.origin) - 1)
        last = self.origin[min(max(start, end - 1), len(self.origin) - 1)]
        return self.origin[start], last + 1


@cache
def _skeleton_map() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit it is confusable with (lower case)."""
    data = json.loads(
        files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )
    out: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii() or unicodedata.category(char).startswith("M"):
            continue
        for entry in entries:
            glyph = entry.get("c", "")
            if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
                out[char] = glyph.lower()
                break
    return out


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    text = unicodedata.normalize("NFKC", char).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    skeleton = _skeleton_map()
    return "".join(skeleton.get(c, c) for c in text)


@lru_cache(maxsize=2048)
def fold(text: str) -> View:
    """NFKC, case-folded, accent-free skeleton of ``text`` (see the module docstring).

    Memoised: the checks of one message fold the same text and sentences several times (the
    views of the hostile-text patterns, the skeletons of the allow-list), and the variations of
    a run and the messages of a template share most sentences.
    """
    if text.isascii():
        return View(text.lower(), tuple(range(len(text))))
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([i] * len(folded))
    return View("".join(out), tuple(origin))


_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)
_LEET_WORD = re.compile(r"[a-z0-9@$!|+]*[0-9@$!|+][a-z0-9@$!|+]*")
"""A run of letters and leet symbols holding a symbol (a word without one stays as written)."""
_HAS_LEET = re.compile(r"[0-9@$!|+]")


def deleet(view: View) -> View:
    """``view`` with leetspeak read as letters inside words that mix letters and symbols."""
    text = view.text
    if not _HAS_LEET.search(text):
        return view

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        core = word.rstrip("!")  # a trailing "!" is punctuation, not an i
        if not _HAS_LEET.search(core) or not re.search(r"[a-z]", core):
            return word
        return core.translate(_LEET) + word[len(core) :]

    return View(_LEET_WORD.sub(swap, text), view.origin)  # one character for one: same origin


_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-_*]{1,3}){2,}[a-z](?![a-z])")


def despace(view: View) -> View:
    """``view`` with spaced-out letters (``s t o p``, ``s.t.o.p``) joined into words."""
    text = view.text
    out: list[str] = []
    origin: list[int] = []
    cursor = 0
    for match in _SPACED.finditer(text):
        for i in range(cursor, match.start()):
            out.append(text[i])
            origin.append(view.origin[i])
        for i in range(match.start(), match.end()):
            if text[i].isalpha():
                out.append(text[i])
                origin.append(view.origin[i])
        cursor = match.end()
    if not out and cursor == 0:
        return view
    for i in range(cursor, len(text)):
        out.append(text[i])
        origin.append(view.origin[i])
    return View("".join(out), tuple(origin))


def views(text: str) -> list[View]:
    """The distinct folded forms of ``text`` to match on: folded, de-leeted, de-spaced."""
    base = fold(text)
    deleeted = deleet(base)
    found = [base]
    for candidate in (deleeted, despace(deleeted)):
        if all(candidate.text != v.text for v in found):
            found.append(candidate)
    return found


def skeleton(text: str) -> str:
    """The folded text alone (for comparing look-alike strings, e.g. two domains)."""
    return fold(text).text
