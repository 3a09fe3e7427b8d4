"""Deterministic reply-intent classification.

Keyword and regex rules with weights live in ``tools/policies/intent.toml`` (documented there).
Positive cues are negation-aware: "not interested" never counts as "interested". A reply without
enough evidence for any intent is unclassified (``None``); the caller treats it as a neutral
reply (see ``tools/learning/reward.py``: an unclassified reply is the "neutral" outcome).

Opt-outs come first and, when in doubt, win: the reply is cut to what the prospect wrote now (a
leading header block skipped, quoted messages and signatures dropped), folded like untrusted
text (``tools/trust/folding.py``: fullwidth, look-alike letters, accents), and the opt-out rules
(English, Spanish, Portuguese, French, German, Chinese, a few more) also run on its de-leeted and
de-spaced forms ("st0p", "u n s u b s c r i b e").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import cast, get_args

from ipe.graph.domain import ReplyIntent
from ipe.tools.policies import load_pack
from ipe.tools.trust.folding import View, deleet, despace, fold

_WORD = re.compile(r"[a-z']+")
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()\-]")


@dataclass(frozen=True)
class IntentRule:
    """One weighted cue for one intent."""

    intent: ReplyIntent
    pattern: re.Pattern[str]
    weight: float
    negatable: bool


@dataclass(frozen=True)
class IntentRules:
    """The parsed ``intent.toml``."""

    rules: tuple[IntentRule, ...]
    min_score: float
    negation_window: int
    negators: frozenset[str]
    priority: tuple[ReplyIntent, ...]
    quote_prefixes: tuple[str, ...]
    quote_header: re.Pattern[str]
    header_line: re.Pattern[str]
    signature: re.Pattern[str]
    not_opt_out: tuple[re.Pattern[str], ...]


@cache
def rules() -> IntentRules:
    """Return the parsed and validated intent rules."""
    raw = load_pack("intent")
    known = set(get_args(ReplyIntent))
    parsed: list[IntentRule] = []
    for spec in raw["rules"]:
        if spec["intent"] not in known:
            raise ValueError(f"intent.toml: unknown intent {spec['intent']!r}")
        parsed.append(
            IntentRule(
                intent=cast(ReplyIntent, spec["intent"]),
                pattern=re.compile(spec["pattern"], re.MULTILINE),
                weight=float(spec["weight"]),
                negatable=bool(spec.get("negatable", False)),
            )
        )
    settings = raw["settings"]
    priority = tuple(cast(ReplyIntent, name) for name in settings["priority"])
    if set(priority) != known:
        raise ValueError("intent.toml: priority must list every intent exactly once")
    return IntentRules(
        rules=tuple(parsed),
        min_score=float(settings["min_score"]),
        negation_window=int(settings["negation_window"]),
        negators=frozenset(w.replace("'", "") for w in settings["negators"]),
        priority=priority,
        quote_prefixes=tuple(settings["quote_prefixes"]),
        quote_header=re.compile(settings["quote_header"], re.IGNORECASE),
        header_line=re.compile(settings["header_line"], re.IGNORECASE),
        signature=re.compile(settings["signature"], re.IGNORECASE),
        not_opt_out=tuple(re.compile(p) for p in settings["not_opt_out"]),
    )


def _fresh_lines(lines: list[str]) -> list[str]:
    """The lines the prospect wrote now: no leading headers, quotes or signature."""
    config = rules()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and config.header_line.match(lines[i].strip()):
        while i < len(lines) and (config.header_line.match(lines[i].strip()) or not lines[i]):
            i += 1  # a reply or forward that starts with its header block: read what follows
            if i < len(lines) and not lines[i].strip():
                break
    kept: list[str] = []
    for line in lines[i:]:
        stripped = line.strip()
        if config.quote_header.match(stripped) or config.signature.match(stripped):
            break
        if stripped.startswith(config.quote_prefixes):
            continue
        kept.append(" ".join(stripped.split()))
    return [line for line in kept if line]


def normalise(text: str) -> str:
    """Fold the reply (lower case, no accents, look-alikes), keep only what was written now."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\r\n", "\n")
    folded = fold(text).text.replace("\u2019", "'")
    lines = _fresh_lines(folded.split("\n"))
    if not lines:  # only quotes: read them, less any link (our own footer's unsubscribe link)
        quoted = [line.lstrip("> |").strip() for line in folded.split("\n")]
        lines = [line for line in quoted if line and "http" not in line and "www." not in line]
        lines = [line for line in lines if not rules().header_line.match(line)]
    return "\n".join(lines)


def _negated(text: str, start: int) -> bool:
    config = rules()
    clause = _CLAUSE_BREAK.split(text[:start])[-1]
    words = _WORD.findall(clause)[-config.negation_window :]
    return any(w.replace("'", "") in config.negators or w.endswith("n't") for w in words)


def _score(clean: str, intents: set[ReplyIntent] | None) -> dict[ReplyIntent, float]:
    scores: dict[ReplyIntent, float] = {}
    for rule in rules().rules:
        if intents is not None and rule.intent not in intents:
            continue
        live = any(
            not (rule.negatable and _negated(clean, match.start()))
            for match in rule.pattern.finditer(clean)
        )
        if live:
            scores[rule.intent] = scores.get(rule.intent, 0.0) + rule.weight
    return scores


def _without_non_opt_outs(text: str) -> str:
    for pattern in rules().not_opt_out:
        text = pattern.sub(" ", text)
    return text


def score_reply(text: str) -> dict[ReplyIntent, float]:
    """Return each intent's score for ``text`` (only intents with at least one live cue).

    The opt-out score is the highest over the folded, de-leeted and de-spaced forms of the reply.
    """
    clean = normalise(text)
    scores = _score(clean, None)
    opt_out: set[ReplyIntent] = {"unsubscribe_request"}
    base = View(clean, tuple(range(len(clean))))
    best = _score(_without_non_opt_outs(clean), opt_out).get("unsubscribe_request", 0.0)
    for view in (deleet(base), despace(deleet(base))):
        if view.text != clean:
            found = _score(_without_non_opt_outs(view.text), opt_out)
            best = max(best, found.get("unsubscribe_request", 0.0))
    if best:
        scores["unsubscribe_request"] = best
    else:
        scores.pop("unsubscribe_request", None)
    return scores


def is_opt_out(text: str) -> bool:
    """True when ``text`` asks not to be contacted again (in doubt, it does)."""
    return classify_reply(text) == "unsubscribe_request"


def classify_reply(text: str) -> ReplyIntent | None:
    """Classify a reply's intent deterministically.

    Args:
        text: The reply as received (quoted earlier messages are ignored).

    Returns:
        The intent with the highest score (ties: safety-first priority from ``intent.toml``), or
        ``None`` when no intent reaches the minimum score: an unclassified reply, which the
        caller treats as neutral.
    """
    scores = score_reply(text)
    config = rules()
    best: ReplyIntent | None = None
    for intent in config.priority:
        score = scores.get(intent, 0.0)
        if score >= config.min_score and (best is None or score > scores[best]):
            best = intent
    return best
