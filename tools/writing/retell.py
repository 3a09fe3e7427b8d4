"""What a piece of content says, told back to its author: "you add up six hours a month of admin".

A record's content summary is written about the person ("Meg adds up the admin in her studio this
term: about six hours a month go on rescheduling lessons."; "She asks other teachers what they
use."). A hook that uses it says it to them, in the second person, so the message shows what their
post said rather than pasting its title. ``retell`` keeps the summary's sentences that are about
the offer (``offer_relevance``), most relevant first, up to a length, and turns each into the
second person: the subject (their name, "she", "he") becomes "you", its verb loses the third
person's "-s", "her"/"his" become "your". A sentence it cannot turn (another subject, a verb it
cannot find) is not used; nothing is cut mid-clause. The word lists are data
(``[retell.<lang>]`` in ``prompts/phrases/drafting.toml``); a language without them is not
retold (the caller uses the title).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ipe.prompts import load_bank

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])|;\s+")
"""Where a summary's statements end: a sentence's stop, or a semicolon between two of them."""
_TOKEN = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*|[^A-Za-z\s]+|\s+")


@cache
def _rules(language: str) -> dict[str, Any] | None:
    table = load_bank("drafting").get("retell", {})
    spec = table.get(language)
    return dict(spec) if spec else None


def _base_form(verb: str, rules: dict[str, Any]) -> str | None:
    """The verb as "you" says it ("adds" -> "add", "tries" -> "try"); None if not a 3rd-person."""
    lower = verb.lower()
    irregular = {str(k): str(v) for k, v in rules["irregular"].items()}
    if lower in irregular:
        return irregular[lower]
    if len(lower) < 3 or not lower.endswith("s") or lower.endswith(("ss", "us", "is")):
        return None
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if re.search(r"(ch|sh|ss|x|zz|o)es$", lower):
        return lower[:-2]
    return lower[:-1]


def _second_person(sentence: str, names: frozenset[str], rules: dict[str, Any]) -> str | None:
    """``sentence`` said to its subject, or None when it is not about them as its subject."""
    tokens = [t for t in _TOKEN.findall(sentence)]
    words = [i for i, t in enumerate(tokens) if t[:1].isalpha()]
    if not words:
        return None
    subjects = {str(s) for s in rules["subjects"]}
    adverbs = {str(a) for a in rules["adverbs"]}
    determiners = {str(d) for d in rules["determiners"]}
    first = tokens[words[0]]
    out = list(tokens)
    at = 0
    if first in names or first.lower() in subjects:
        out[words[0]] = "you"
        at = 1
        # a full name ("Meg Holloway adds"): the surname goes too
        while at < len(words) and tokens[words[at]] in names:
            out[words[at]] = ""
            at += 1
    elif len(words) > 1 and tokens[words[1]].lower() in determiners | subjects:
        base = _base_form(first, rules)  # "Answers viewer questions", "Says she...": no subject
        if base is None:
            return None
        out[words[0]] = "you " + base
        at = 1
    else:
        return None
    if out[words[0]] == "you":
        while at < len(words) and tokens[words[at]].lower() in adverbs:
            at += 1
        if at >= len(words):
            return None
        base = _base_form(tokens[words[at]], rules)
        if base is None and not tokens[words[at]].lower().endswith("ed"):
            return None  # "Meg, a teacher, ..." or a verb we cannot read: not retold
        if base is not None:
            out[words[at]] = base
        at += 1
    _rest(tokens, out, words[at:], names, rules)
    text = "".join(out)
    text = re.sub(r" {2,}", " ", text).strip()
    return text[:1].lower() + text[1:]


def _rest(
    tokens: list[str], out: list[str], positions: list[int], names: frozenset[str], rules: Any
) -> None:
    """The rest of the sentence: her/his -> your, she/he -> you (with its verb), Meg's -> your."""
    possessive = {str(p) for p in rules["possessives"]}
    subjects = {str(s) for s in rules["subjects"]}
    reflexive = {str(k): str(v) for k, v in rules["reflexives"].items()}
    determiners = {str(d) for d in rules["determiners"]}
    for n, i in enumerate(positions):
        word = tokens[i]
        lower = word.lower()
        following = tokens[positions[n + 1]] if n + 1 < len(positions) else ""
        adjacent = i + 2 < len(tokens) and tokens[i + 1] == " " and tokens[i + 2][:1].isalpha()
        if lower in reflexive:
            out[i] = reflexive[lower]
        elif lower in possessive and adjacent and following.lower() not in rules["prepositions"]:
            out[i] = "your"
        elif lower in possessive:
            out[i] = "you"
        elif word in names or lower in subjects:
            out[i] = "you"
            if word.endswith(("'s", "’s")):
                out[i] = "your"
            else:
                _verb_after(tokens, out, positions[n + 1 :], rules)
        elif word.removesuffix("'s").removesuffix("’s") in names:
            out[i] = "your"
        elif _coordinated(tokens, i, rules) and n + 1 < len(positions):
            after = tokens[positions[n + 1]].lower()
            base = _base_form(word, rules)
            if base is not None and (after in determiners or after in subjects | possessive):
                out[i] = base  # "..., and asks other teachers" -> "..., and ask other teachers"


def _verb_after(tokens: list[str], out: list[str], positions: list[int], rules: Any) -> None:
    """The verb after a subject turned to "you", past its adverbs ("she always recommends")."""
    adverbs = {str(a) for a in rules["adverbs"]}
    for i in positions:
        if tokens[i].lower() in adverbs:
            continue
        base = _base_form(tokens[i], rules)
        if base is not None:
            out[i] = base
        return


def _coordinated(tokens: list[str], i: int, rules: Any) -> bool:
    """True when the word at ``i`` follows a comma or a joining word ("and", "but")."""
    before = [t for t in tokens[:i] if not t.isspace()]
    if not before:
        return False
    return before[-1].endswith(",") or before[-1].lower() in {str(w) for w in rules["joiners"]}


def retell(
    summary: str,
    *,
    name: str,
    language: str,
    relevance: Callable[[str], float],
    max_chars: int,
) -> str | None:
    """The summary's offer-relevant sentences told to its author, most relevant first.

    ``name`` is the person's full name; ``relevance`` scores a sentence against the offer (a
    sentence scoring 0 is not used). Returns the sentences in the order they were written, the
    first lower-cased to follow "where" or a comma, or None when no sentence can be retold
    within ``max_chars``.
    """
    rules = _rules(language)
    if rules is None or not summary.strip():
        return None
    parts = name.split()
    names = frozenset(p for p in [*parts, *re.split(r"[\s-]+", name)] if p[:1].isupper())
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(summary.split())) if s.strip()]
    scored = []
    for index, sentence in enumerate(sentences):
        score = relevance(sentence)
        if score <= 0:
            continue
        told = _second_person(sentence, names, rules)
        if told:
            scored.append((score, index, _fit(told, max_chars, relevance)))
    kept: list[tuple[int, str]] = []
    used = 0
    for _, index, told in sorted((s for s in scored if s[2]), key=lambda s: (-s[0], s[1])):
        assert told is not None
        if used + len(told) + 1 > max_chars:
            continue
        kept.append((index, told))
        used += len(told) + 1
    if not kept:
        return None
    kept.sort()
    parts = [t.rstrip(".!?") for _, t in kept]
    text = parts[0] + "".join(". " + p[:1].upper() + p[1:] for p in parts[1:])
    return text


def _fit(sentence: str, max_chars: int, relevance: Callable[[str], float]) -> str | None:
    """The sentence within ``max_chars``: whole, else its first clause and its most relevant.

    Clauses are the sentence's comma-separated parts; the first (it holds "you" and the verb) is
    always kept, then the others by relevance to the offer, in the order written. None when the
    first clause alone is too long: nothing is cut mid-clause.
    """
    text = sentence.rstrip(".!?")
    if len(text) <= max_chars:
        return text
    clauses = text.split(", ")
    if len(clauses[0]) > max_chars:
        return None
    kept = {0}
    used = len(clauses[0])
    order = sorted(range(1, len(clauses)), key=lambda i: (-relevance(clauses[i]), i))
    for i in order:
        if relevance(clauses[i]) <= 0 or used + 2 + len(clauses[i]) > max_chars:
            continue
        kept.add(i)
        used += 2 + len(clauses[i])
    return ", ".join(clauses[i] for i in sorted(kept))


def bio_hooks(language: str, tone: str) -> list[str]:
    """The hook sentences that say a bio back in ``language`` and ``tone`` (``bio_hook``)."""
    rules = _rules(language) or {}
    return [str(p) for p in rules.get("bio_hook", {}).get(tone, [])]


def retell_bio(bio: str, *, language: str, max_chars: int) -> str | None:
    """A first-person bio's first sentence said to its author: "I run X" -> "you run X".

    Only a sentence that opens with a first-person word (``first_person`` in the language's
    rules) is told, every such word turned ("my" -> "your", "I'm" -> "you're"); the verb needs
    no change in a language where "I" and "you" share it (English). None when the language has
    no such rules, the sentence is not in the first person or it is longer than ``max_chars``.
    """
    rules = _rules(language)
    if rules is None or "first_person" not in rules or not bio.strip():
        return None
    turn = {str(k): str(v) for k, v in rules["first_person"].items()}
    sentence = _SENTENCE.split(" ".join(bio.split()))[0].strip().rstrip(".!?;:, ")
    tokens = _TOKEN.findall(sentence)
    words = [t for t in tokens if t[:1].isalpha()]
    if not words or words[0].lower().replace("’", "'") not in turn:
        return None
    out = [turn.get(t.lower().replace("’", "'"), t) if t[:1].isalpha() else t for t in tokens]
    told = "".join(out)
    return told if len(told) <= max_chars else None
