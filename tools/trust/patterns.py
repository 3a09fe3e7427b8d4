"""Pattern helpers for the checks: case-insensitive policy patterns and one-pass alternations."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ESCAPE = re.compile(r"\\.")


def compile_for_lowercase(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive policy pattern to run on lower-cased text.

    Much faster than ``re.IGNORECASE``; a pattern with an upper-case literal (outside escapes
    such as backslash-S) keeps the flag. Only for ASCII text, where lower-casing is exactly what
    IGNORECASE does (for other text, IGNORECASE also folds e.g. the dotless i and the Kelvin sign):
    callers fall back to an IGNORECASE pattern there.
    """
    upper = any(c.isupper() for c in _ESCAPE.sub("", pattern))
    return re.compile(pattern, re.IGNORECASE if upper else 0)


def lowercase_literals(pattern: str) -> str | None:
    """``pattern`` with its upper-case literals lower-cased, to run on lower-cased ASCII text.

    Without IGNORECASE, on ``text.lower()``, it matches where ``pattern`` with IGNORECASE and
    re.ASCII matches on ``text`` (lower-casing keeps every position). Escapes (backslash-S,
    backslash-W, backslash-A) are kept as written. None when an upper-case letter sits in a
    character class, where a range such as ``[!-Z]`` would change meaning once lower-cased.
    """
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char.isupper():
                return None
            in_class = char != "]"
        elif char == "[":
            in_class = True
            opening = pattern[i : i + 1]
            i += 1
            if pattern[i : i + 1] == "^":
                opening += "^"
                i += 1
            if pattern[i : i + 1] == "]":  # a literal ] first in a class
                opening += "]"
                i += 1
            out.append(opening)
            continue
        out.append(char.lower() if char.isascii() else char)
        i += 1
    return "".join(out)


GROUPED_FROM = 48
"""The number of word-bounded alternatives from which ``any_of`` groups them by first letter."""


def any_of(
    patterns: Iterable[str], *, lowercase: bool = False, ignore_case: bool = True, flags: int = 0
) -> re.Pattern[str]:
    r"""One pattern that matches wherever any of ``patterns`` can: a cheap first pass.

    With ``lowercase`` it is compiled for lower-cased ASCII text (``compile_for_lowercase``),
    otherwise with IGNORECASE when ``ignore_case``; ``flags`` are added either way. A pattern's
    leading ``(?m)`` becomes MULTILINE for the whole alternation: that only lets ``^``/``$`` match
    more, so the first pass may say "maybe" but never misses a match. The alternatives (each
    pattern's top-level ``a|b`` too) that start with a word boundary share it: ``\b(?:a|b)``
    matches where ``\ba|\bb`` does, and the regex engine then tries them only at word
    boundaries instead of at every character (6 times faster on a message for the lint phrases).
    From ``GROUPED_FROM`` of them on, they are grouped by the letter they start with
    (``_by_first_letter``): a group is tried only where its letter follows the boundary (twice as
    fast on a message for the 94 of the hostile-text patterns; on the lint phrases' 24-32 the
    look-aheads cost more than they save).
    """
    listed = list(patterns)
    if any(p.startswith("(?m)") for p in listed):
        flags |= re.MULTILINE
    branches = [b for p in listed for b in _branches(p.removeprefix("(?m)"))]
    bounded = [b.removeprefix(r"\b") for b in branches if b.startswith(r"\b")]
    others = [b for b in branches if not b.startswith(r"\b")]
    alternation = (
        _by_first_letter(bounded)
        if len(bounded) >= GROUPED_FROM
        else "|".join(f"(?:{b})" for b in bounded)
    )
    shared = [rf"\b(?:{alternation})"] if bounded else []
    joined = "|".join([*shared, *(f"(?:{b})" for b in others)])
    if lowercase:
        return re.compile(joined, compile_for_lowercase(joined).flags | flags)
    return re.compile(joined, (re.IGNORECASE if ignore_case else 0) | flags)


def _by_first_letter(branches: list[str]) -> str:
    """``branches`` as one alternation, each behind a look-ahead for a letter it may start with.

    ``(?=a)(?:ask|add)|(?=b)(?:bypass)|...`` matches wherever ``ask|add|bypass|...`` does: a
    branch goes in the group of every letter it may start with, and one whose letters cannot be
    read (``_first_letters`` says None) goes in unguarded. Same flags, so with IGNORECASE the
    look-ahead ``(?=a)`` lets through every letter that ``a`` in a branch would match.
    """
    groups: dict[str, list[str]] = {}
    unguarded: list[str] = []
    for branch in branches:
        letters = _first_letters(branch)
        if letters is None:
            unguarded.append(branch)
        for letter in sorted(letters or ()):
            groups.setdefault(letter, []).append(branch)
    guarded = [
        f"(?={letter})(?:{'|'.join(f'(?:{b})' for b in group)})"
        for letter, group in sorted(groups.items())
    ]
    return "|".join([*guarded, *(f"(?:{b})" for b in unguarded)])


_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_OPTIONAL = ("?", "*", "{")


def _first_letters(branch: str) -> frozenset[str] | None:
    """The ASCII letters a match of ``branch`` can start with, or None when that cannot be read.

    Read from the text: leading look-arounds take no character and are skipped; a leading
    non-capturing group gives the letters of its alternatives; a letter gives itself. Anything
    else (a class, an escape, a capturing group, a letter or group that may be left out) is None.
    """
    rest = branch
    while rest.startswith(_LOOKAROUND):
        rest = rest[_group_end(rest) :]
    if rest.startswith("(?:"):
        end = _group_end(rest)
        if rest[end : end + 1] in _OPTIONAL or end > len(rest):
            return None
        found = [_first_letters(alternative) for alternative in _branches(rest[3 : end - 1])]
        if any(letters is None for letters in found):
            return None
        return frozenset().union(*(letters for letters in found if letters is not None))
    first, after = rest[:1], rest[1:2]
    if first.isascii() and first.isalpha() and (after == "" or after not in _OPTIONAL):
        return frozenset(first)
    return None


def _group_end(pattern: str) -> int:
    """Where the group that opens ``pattern`` ends (the index after its ``)``)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":  # a literal ] first in a class
                i += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(pattern) + 1  # unbalanced: past the end, read as unknown


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (``a|(b|c)`` gives ``a`` and ``(b|c)``)."""
    found, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":  # a literal ] first in a class
                i += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            found.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*found, pattern[start:]]
