"""The reply-intent registry: ``tools/policies/intents.toml``, loaded once and typed.

Every layer that needs to know what a reply can mean reads this module: the rule classifier's
label set (``tools/learning/intent.py``), the model's structured-output label set
(``tools/provider/llm.py``), the relationship stage and hold (``tools/context/relationship.py``),
the drafter's answer (``tools/writing/offline_drafter.py``), feedback events and the reward
table (through each intent's stored ``event``). Nothing else lists intents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, cast, get_args

from ipe.domain import Relationship, RelationshipStage
from ipe.tools.policies import load_pack

Hold = Literal["none", "declined", "until_date", "forever"]


@dataclass(frozen=True)
class Intent:
    """One reply intent and what the engine does about it."""

    name: str
    stage: RelationshipStage
    action: str
    hold: Hold
    review: bool
    event: str
    reward: str
    suppress: bool
    aliases: tuple[str, ...]
    example: str
    priority: int
    note: str = ""
    """What the answer does, told to the drafting model."""
    scope: str | None = None
    """For an opt-out: ``all`` (never contact me) or ``newsletter`` (only off a newsletter)."""


UNCLEAR = "unclear"
"""The intent of a reply nobody could read with confidence: a person reads it."""


@cache
def registry() -> dict[str, Intent]:
    """Every intent by name, in the file's order (validated once)."""
    raw = load_pack("intents")["intents"]
    stages = set(get_args(RelationshipStage))
    holds = set(get_args(Hold))
    out: dict[str, Intent] = {}
    for name, spec in raw.items():
        if spec["stage"] not in stages:
            raise ValueError(f"intents.toml: {name}: unknown stage {spec['stage']!r}")
        if spec["hold"] not in holds:
            raise ValueError(f"intents.toml: {name}: unknown hold {spec['hold']!r}")
        out[name] = Intent(
            name=name,
            stage=cast(RelationshipStage, spec["stage"]),
            action=str(spec["action"]),
            hold=cast(Hold, spec["hold"]),
            review=bool(spec["review"]),
            event=str(spec["event"]),
            reward=str(spec["reward"]),
            suppress=bool(spec["suppress"]),
            aliases=tuple(str(a) for a in spec.get("aliases", [])),
            example=str(spec["example"]),
            priority=int(spec["priority"]),
            note=str(spec["note"]),
            scope=str(spec["scope"]) if "scope" in spec else None,
        )
    if UNCLEAR not in out:
        raise ValueError(f"intents.toml: the {UNCLEAR!r} intent is required")
    seen: dict[str, str] = {}
    for intent in out.values():
        for alias in intent.aliases:
            if alias in out or seen.setdefault(alias, intent.name) != intent.name:
                raise ValueError(f"intents.toml: alias {alias!r} names two intents")
    return out


def names() -> tuple[str, ...]:
    """The registered intent names (the classifier's and the model's label set)."""
    return tuple(registry())


@cache
def _lookup() -> dict[str, str]:
    table = {name: name for name in registry()}
    for intent in registry().values():
        table.update(dict.fromkeys(intent.aliases, intent.name))
    return table


def resolve(name: str | None) -> Intent | None:
    """The intent a name or alias stands for (case and spacing forgiven); ``None`` if unknown."""
    key = (name or "").strip().lower().replace("-", "_").replace(" ", "_")
    found = _lookup().get(key)
    return registry()[found] if found else None


def get(name: str) -> Intent:
    """The intent called ``name`` (or an alias of it); raises ``KeyError`` when unknown."""
    found = resolve(name)
    if found is None:
        raise KeyError(name)
    return found


def accepted_names() -> tuple[str, ...]:
    """Every name a caller may give for a reply intent: the intents and their aliases."""
    return tuple(_lookup())


def events() -> tuple[str, ...]:
    """The stored reply events (the README's event names), in registry order, no repeats."""
    return tuple(dict.fromkeys(i.event for i in registry().values()))


def opt_out_intent(*, newsletter: bool) -> Intent:
    """The opt-out intent of the given scope (``newsletter`` or ``all``)."""
    scope = "newsletter" if newsletter else "all"
    return next(i for i in registry().values() if i.suppress and i.scope == scope)


def by_priority() -> tuple[Intent, ...]:
    """The intents from the safest to the least (ties between equal rule scores)."""
    return tuple(sorted(registry().values(), key=lambda i: -i.priority))


WAIT_ACTION = "schedule_at_date"
"""The action of a reply that asked us to wait (``deferral``): only its reading lets a message
say "you asked me to check back" or "you said later would suit you better"."""


def asked_to_wait(relationship: Relationship | None) -> bool:
    """True when the relationship's reading says they asked us to wait (a deferral).

    An out-of-office reply or an unclear reply that happens to name a date ("Tuesday 15 or
    Thursday 17?") asked for no wait: a message held for it may not restate it as a wish to be
    written to later. A relationship with no reading (a stage given as such, ``intent`` None)
    keeps its stage's word.
    """
    if relationship is None or not relationship.asked_for:
        return False
    if relationship.stage not in ("deferred", "check_back_due"):
        return False
    if relationship.intent is None:
        return True
    found = resolve(relationship.intent)
    return found is not None and found.action == WAIT_ACTION
