"""Learning from the user's edits: sentences a tenant keeps deleting are left out of new drafts.

``ipe feedback --edited-body`` stores what the user changed before sending; the outcome store
counts the sentences removed from at least two messages (``removed_sentences``). Drafts drop such
a sentence unless it carries something the message needs (the brand, the affiliate disclosure,
the call to action's link); the compliance checks then run on the result as always.
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NEEDED = re.compile(r"affiliate|commission|https?://|unsubscribe", re.IGNORECASE)


def normalise(sentence: str) -> str:
    """The comparison form of a sentence (the outcome store's, kept in step with it)."""
    return " ".join(sentence.lower().split()).strip(" .!?")


def drop_removed(body: str, avoid: set[str], *, keep: list[str]) -> tuple[str, list[str]]:
    """Remove the sentences in ``avoid`` (normalised) unless they hold a needed element."""
    if not avoid:
        return body, []
    dropped: list[str] = []
    lines = []
    for line in body.split("\n"):
        kept = []
        for sentence in _SENTENCE.split(line):
            needed = _NEEDED.search(sentence) or any(k and k in sentence for k in keep)
            if sentence and normalise(sentence) in avoid and not needed:
                dropped.append(sentence)
            else:
                kept.append(sentence)
        lines.append(" ".join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), dropped
