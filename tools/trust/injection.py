"""Find instruction-like content in untrusted prospect text (OWASP LLM01, indirect injection).

The patterns live in ``tools/policies/lint.toml`` (section ``[[injection]]``), each with a reason.
A match marks the whole sentence or clause around it, so the sanitizer can drop the instruction
without leaving half of it behind. Detection is a second line of defence: fencing untrusted text
and checking the output's grounding do most of the work.
"""

from __future__ import annotations

import re
from functools import cache

from ipe.tools.policies import load_pack
from ipe.tools.trust.patterns import any_of

# Where a sentence or clause ends: sentence punctuation followed by a space or the end, a line
# break, or a separator people put between bio items.
_BOUNDARY = re.compile(r"[.!?…]+(?=\s|$)|\n|\s[|•·]\s|[|•·;]")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    entries = load_pack("lint")["injection"]
    return tuple(
        (re.compile(entry["pattern"], re.IGNORECASE | re.MULTILINE), str(entry["reason"]))
        for entry in entries
    )


@cache
def _any_instruction(lowercase: bool) -> re.Pattern[str]:
    """Every pattern in one alternation: one pass clears the usual, harmless text."""
    patterns = (pattern.pattern for pattern, _ in _patterns())
    return any_of(patterns, lowercase=lowercase, flags=re.MULTILINE)


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


def find_instructions(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, reason)`` for every instruction-like sentence in ``text``.

    Spans are sorted and never overlap; when several detections share a sentence, the reason of
    the earliest trigger is kept.
    """
    lowercase = text.isascii()
    if not _any_instruction(lowercase).search(text.lower() if lowercase else text):
        return []
    hits: list[tuple[int, int, int, str]] = []
    for pattern, reason in _patterns():
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            start, end = _sentence_around(text, match.start(), match.end())
            hits.append((start, match.start(), end, reason))
    hits.sort()
    merged: list[tuple[int, int, str]] = []
    for start, _, end, reason in hits:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_reason = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_reason)
        else:
            merged.append((start, end, reason))
    return merged
