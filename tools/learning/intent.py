"""Deterministic reply-intent classification.

Keyword and regex rules with weights live in ``tools/policies/intent.toml`` (documented there).
Positive cues are negation-aware: "not interested" never counts as "interested". A reply without
enough evidence for any intent is unclassified (``None``); the caller treats it as a neutral
reply (see ``tools/reward.py``: an unclassified reply is the "neutral" outcome).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import cast, get_args

from ipe.graph.domain import ReplyIntent
from ipe.tools.policies import load_pack

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
    )


def normalise(text: str) -> str:
    """Lower-case the reply, straighten apostrophes and drop quoted earlier messages."""
    config = rules()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\r\n", "\n").lower()
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if config.quote_header.match(stripped):
            break
        if stripped.startswith(config.quote_prefixes):
            continue
        kept.append(" ".join(stripped.split()))
    return "\n".join(line for line in kept if line)


def _negated(text: str, start: int) -> bool:
    config = rules()
    clause = _CLAUSE_BREAK.split(text[:start])[-1]
    words = _WORD.findall(clause)[-config.negation_window :]
    return any(w.replace("'", "") in config.negators or w.endswith("n't") for w in words)


def score_reply(text: str) -> dict[ReplyIntent, float]:
    """Return each intent's score for ``text`` (only intents with at least one live cue)."""
    clean = normalise(text)
    scores: dict[ReplyIntent, float] = {}
    for rule in rules().rules:
        live = any(
            not (rule.negatable and _negated(clean, match.start()))
            for match in rule.pattern.finditer(clean)
        )
        if live:
            scores[rule.intent] = scores.get(rule.intent, 0.0) + rule.weight
    return scores


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
