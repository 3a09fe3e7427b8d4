"""The outcome and reward of a sent message, from its events.

Everything is configured (and documented, with the whole outcome table) in
``tools/policies/reward.toml``: the outcomes with their rank, precedence, reward and ``positive``
flag, how each event kind or reply intent maps to an outcome, which events are provisional
(delivered, opened, clicked, out-of-office: they never settle a message), which are lifecycle
events (approved, sent) and which imply that the message was sent. A message's outcome depends
only on the *set* of its ``(event kind, reply intent)`` pairs and on whether its no-event window
has passed: with a settling event the highest precedence wins, then the best rank; with only
provisional events (or none) it is ``pending`` until the window passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from ipe.packs import load_pack

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
    """Days after it was sent after which a message with only provisional events settles."""
    settled_outcome: str
    lifecycle: frozenset[str]
    """Event kinds that move the lifecycle (approved, sent) and map to no outcome."""
    implies_sent: frozenset[str]
    """Event kinds that mark their message sent."""
    provisional_events: frozenset[str]
    provisional_intents: frozenset[str]
    suppressing: frozenset[str]
    """Outcomes that put the person on the suppression list (the one opt-out definition)."""


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
    lifecycle = frozenset(str(k) for k in raw["lifecycle"]["events"])
    implies = frozenset(str(k) for k in raw["lifecycle"]["implies_sent"])
    prov_events = frozenset(str(k) for k in raw["provisional"]["events"])
    prov_intents = frozenset(str(k) for k in raw["provisional"]["intents"])
    suppressing = frozenset(str(k) for k in raw["suppression"]["outcomes"])
    if suppressing - set(outcomes):
        raise ValueError("reward.toml: [suppression] names an undefined outcome")
    unknown = (implies | prov_events) - set(events) - {"replied"}
    if unknown or lifecycle & set(events) or prov_intents - set(intents):
        raise ValueError("reward.toml: [lifecycle]/[provisional] name unknown or mapped kinds")
    return RewardPolicy(
        outcomes=outcomes,
        events=events,
        intents=intents,
        settle_days=float(settle["no_event_days"]),
        settled_outcome=settled,
        lifecycle=lifecycle,
        implies_sent=implies,
        provisional_events=prov_events,
        provisional_intents=prov_intents,
        suppressing=suppressing,
    )


def suppression_reason(kind: str, intent: str | None) -> str | None:
    """The suppression reason (an outcome name) an event carries, or None when it is no opt-out."""
    rules = policy()
    outcome = rules.intents.get(intent or "") if kind == "replied" else rules.events.get(kind)
    return outcome if outcome in rules.suppressing else None


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


def is_provisional(kind: str, intent: str | None) -> bool:
    """True for an event that moves a message forward but never settles it."""
    rules = policy()
    if kind == "replied":
        return intent is not None and intent in rules.provisional_intents
    return kind in rules.provisional_events


def is_lifecycle(kind: str) -> bool:
    """True for ``approved`` / ``sent``: lifecycle events, which map to no outcome."""
    return kind in policy().lifecycle


def implies_sent(kind: str) -> bool:
    """True for an event that needs its message to have gone out (so marks it sent)."""
    return kind in policy().implies_sent


def outcome_of(events: Iterable[tuple[str, str | None]], *, settled: bool = False) -> str:
    """Return a message's outcome from its ``(event kind, reply intent)`` pairs.

    Args:
        events: The message's events; lifecycle events are ignored.
        settled: True once the message's no-event window (from when it was sent) has passed.

    With an event that is not provisional, the highest precedence and then the best rank wins
    over all events; with only provisional events (or none) the message is ``pending`` until
    ``settled``, then the same rule applies over its events and the settle outcome. Only the set
    of events matters: order and duplicates are irrelevant.
    """
    pairs = {(kind, intent) for kind, intent in events if not is_lifecycle(kind)}
    infos = {outcome_info(event_outcome(kind, intent)) for kind, intent in pairs}
    if all(is_provisional(kind, intent) for kind, intent in pairs):
        if not settled:
            return NO_EVENTS_OUTCOME
        infos.add(outcome_info(policy().settled_outcome))
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
