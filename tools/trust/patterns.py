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
    """
    listed = list(patterns)
    if any(p.startswith("(?m)") for p in listed):
        flags |= re.MULTILINE
    branches = [b for p in listed for b in _branches(p.removeprefix("(?m)"))]
    bounded = [b.removeprefix(r"\b") for b in branches if b.startswith(r"\b")]
    others = [b for b in branches if not b.startswith(r"\b")]
    shared = [rf"\b(?:{'|'.join(f'(?:{b})' for b in bounded)})"] if bounded else []
    joined = "|".join([*shared, *(f"(?:{b})" for b in others)])
    if lowercase:
        return re.compile(joined, compile_for_lowercase(joined).flags | flags)
    return re.compile(joined, (re.IGNORECASE if ignore_case else 0) | flags)


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
