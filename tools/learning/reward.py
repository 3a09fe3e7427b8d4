"""The outcome and reward of a sent message, from its engagement events.

Everything is configured (and documented) in ``tools/policies/reward.toml``: the outcomes with
their rank, precedence, reward and ``positive`` flag, and how each event kind or reply intent maps
to an outcome. A message's outcome depends only on the *set* of its ``(event kind, reply intent)``
pairs: the highest precedence wins (a complaint over an unsubscribe over a bounce over a
conversion over a reply over a click over a delivery), and within it the best rank. A message
without events is ``pending`` (not evidence) until it settles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from ipe.tools.policies import load_pack

NO_EVENTS_OUTCOME = "pending"
"""The outcome of a message before any event arrives (not counted by the strategy model)."""

UNCLASSIFIED = "unclassified"
"""The intent key in ``reward.toml`` for a reply the classifier could not tell."""


@dataclass(frozen=True)
class Outcome:
    """One outcome of a sent message, as ``reward.toml`` configures it."""

    name: str
    rank: int
    precedence: int
    reward: float
    positive: bool
    counts: bool
    description: str


@dataclass(frozen=True)
class RewardPolicy:
    """The parsed ``reward.toml``."""

    outcomes: Mapping[str, Outcome]
    events: Mapping[str, str]
    intents: Mapping[str, str]
    settle_days: float
    """Days without any event after which a pending message takes ``settled_outcome``."""
    settled_outcome: str


@cache
def policy() -> RewardPolicy:
    """Return the reward policy (parsed once, validated)."""
    raw = load_pack("reward")
    outcomes = {
        name: Outcome(
            name=name,
            rank=int(spec["rank"]),
            precedence=int(spec["precedence"]),
            reward=float(spec["reward"]),
            positive=bool(spec.get("positive", False)),
            counts=bool(spec.get("counts", True)),
            description=str(spec.get("description", "")),
        )
        for name, spec in raw["outcomes"].items()
    }
    events = {str(k): str(v) for k, v in raw["events"].items()}
    intents = {str(k): str(v) for k, v in raw["intents"].items()}
    settle = raw["settle"]
    settled = str(settle["outcome"])
    for target in [*events.values(), *intents.values(), NO_EVENTS_OUTCOME, settled]:
        if target not in outcomes:
            raise ValueError(f"reward.toml maps to an undefined outcome: {target!r}")
    for outcome in outcomes.values():
        if not 0.0 <= outcome.reward <= 1.0:
            raise ValueError(f"reward of {outcome.name!r} is outside [0, 1]")
    if float(settle["no_event_days"]) <= 0:
        raise ValueError("reward.toml: settle.no_event_days must be positive")
    return RewardPolicy(
        outcomes=outcomes,
        events=events,
        intents=intents,
        settle_days=float(settle["no_event_days"]),
        settled_outcome=settled,
    )


def outcome_info(outcome: str) -> Outcome:
    """Return the configuration of ``outcome``; raise ``KeyError`` for an unknown name."""
    return policy().outcomes[outcome]


def outcome_names() -> list[str]:
    """Return every outcome name, best rank first."""
    return sorted(policy().outcomes, key=lambda name: -policy().outcomes[name].rank)


def event_outcome(kind: str, intent: str | None) -> str:
    """Return the outcome one event signals on its own.

    Args:
        kind: The engagement kind (``delivered``, ``replied``...).
        intent: The reply intent for ``replied`` (``None``: an unclassified, neutral reply).

    Raises:
        ValueError: The kind or the intent is unknown.
    """
    rules = policy()
    if kind == "replied":
        key = intent if intent is not None else UNCLASSIFIED
        if key not in rules.intents:
            raise ValueError(f"unknown reply intent: {intent!r}")
        return rules.intents[key]
    if kind not in rules.events:
        raise ValueError(f"unknown engagement kind: {kind!r}")
    return rules.events[kind]


def outcome_of(events: Iterable[tuple[str, str | None]]) -> str:
    """Return a message's outcome from its ``(event kind, reply intent)`` pairs.

    The highest precedence wins, then the best rank. Only the set of events matters: order and
    duplicates are irrelevant.
    """
    infos = {outcome_info(event_outcome(kind, intent)) for kind, intent in events}
    if not infos:
        return NO_EVENTS_OUTCOME
    return max(infos, key=lambda info: (info.precedence, info.rank, info.name)).name


def reward_of(outcome: str) -> float:
    """Return the reward in [0, 1] the strategy model learns from for ``outcome``."""
    return outcome_info(outcome).reward


def is_positive(outcome: str) -> bool:
    """Return True for the outcomes the success metrics count (conversion, interested reply)."""
    return outcome_info(outcome).positive


def counts_in_model(outcome: str) -> bool:
    """Return False for outcomes excluded from the strategy model (by default: bounced)."""
    return outcome_info(outcome).counts
