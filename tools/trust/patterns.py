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


def any_of(
    patterns: Iterable[str], *, lowercase: bool = False, ignore_case: bool = True, flags: int = 0
) -> re.Pattern[str]:
    """One pattern that matches wherever any of ``patterns`` can: a cheap first pass.

    With ``lowercase`` it is compiled for lower-cased ASCII text (``compile_for_lowercase``),
    otherwise with IGNORECASE when ``ignore_case``; ``flags`` are added either way. A pattern's
    leading ``(?m)`` becomes MULTILINE for the whole alternation: that only lets ``^``/``$`` match
    more, so the first pass may say "maybe" but never misses a match.
    """
    listed = list(patterns)
    if any(p.startswith("(?m)") for p in listed):
        flags |= re.MULTILINE
    joined = "|".join(f"(?:{p.removeprefix('(?m)')})" for p in listed)
    if lowercase:
        return re.compile(joined, compile_for_lowercase(joined).flags | flags)
    return re.compile(joined, (re.IGNORECASE if ignore_case else 0) | flags)
