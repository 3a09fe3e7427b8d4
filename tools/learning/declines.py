"""Plain declines in languages the intent rules do not read (``tools/policies/declines.toml``).

A reply in Italian, Dutch, Polish, Russian... is held for a person, unless it is an opt-out or one
of these plain declines ("non mi interessa", "nie, dziękuję"): then it reads as ``declined``,
held like any decline with no pitch. The phrases are folded as the opt-out phrases are.
"""

from __future__ import annotations

import re
from functools import cache

from ipe.tools.learning.opt_outs import phrase_regex
from ipe.tools.policies import load_pack
from ipe.tools.text.folding import fold


@cache
def _phrases() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for code, spec in load_pack("declines")["languages"].items():
        spaced = bool(spec.get("spaced", True))
        parts = [phrase_regex(p, spaced) for p in spec["phrases"]]
        found[code] = re.compile("|".join(f"(?:{p})" for p in parts))
    return found


def find_decline(text: str) -> tuple[str, str] | None:
    """The language and the folded phrase of a plain decline in ``text``, if it holds one."""
    folded = fold(text.replace("\u2019", "'")).text
    for code, pattern in _phrases().items():
        match = pattern.search(folded)
        if match:
            return code, match.group()
    return None
