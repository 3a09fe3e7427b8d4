"""The channel registry: every channel the engine writes for, read from ``channels.toml``.

A channel is one table there with a ``kind`` (email, dm or connection-note), its counting unit,
its limits and rules, its word band, how its handles are written and what else people call it.
Everything that needs to know the channels (input validation, the CLI's choices, the strategy,
the drafters and their prompts, the critic, the recipient lookup, segments) asks this module;
no other code names a channel. Adding a channel is one copied table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from ipe.tools.policies import load_pack

ChannelKind = Literal["email", "dm", "connection-note"]
KINDS: tuple[ChannelKind, ...] = ("email", "dm", "connection-note")
HandleStyle = Literal["email", "at", "bare", "as_given"]
HANDLE_STYLES: tuple[HandleStyle, ...] = ("email", "at", "bare", "as_given")


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's table of ``channels.toml`` (its rules are ``tools/channel/policy.py``'s)."""

    name: str
    kind: ChannelKind
    opens_conversation: bool
    """False where only a reply to someone who wrote first may be sent."""
    unit: str
    label: str
    handle: HandleStyle
    hosts: tuple[str, ...]
    aliases: tuple[str, ...]
    length_target: int
    words: tuple[int, int]
    hard_max_words: int
    prompt_example: str | None
    """A worked example of a message on it (a prompt under ``prompts/``), if it has one."""
    ctas: tuple[str, ...] | None
    conversation_words: tuple[int, int] | None = None
    """The word band of a message inside a conversation, where it differs (a LinkedIn note's)."""
    conversation_hard_max_words: int | None = None

    def band(self, *, in_conversation: bool = False) -> tuple[int, int, int]:
        """The word band and hard maximum: a conversation's where the channel declares one."""
        if in_conversation and self.conversation_words is not None:
            hard = self.conversation_hard_max_words or self.conversation_words[1]
            return (*self.conversation_words, hard)
        return (*self.words, self.hard_max_words)

    @property
    def is_email(self) -> bool:
        """True for e-mail (a subject line and a legal footer)."""
        return self.kind == "email"

    @property
    def is_note(self) -> bool:
        """True for a connection request's short note."""
        return self.kind == "connection-note"


def _spec(name: str, table: dict[str, object]) -> ChannelSpec:
    def need(key: str) -> object:
        if key not in table:
            raise ValueError(f"channels.toml: channel '{name}' has no '{key}'")
        return table[key]

    kind = str(need("kind"))
    handle = str(need("handle"))
    if kind not in KINDS:
        raise ValueError(f"channels.toml: channel '{name}' kind '{kind}' is not one of {KINDS}")
    if handle not in HANDLE_STYLES:
        raise ValueError(f"channels.toml: channel '{name}' handle '{handle}' is not known")
    low, high = (int(x) for x in cast(list[int], need("words")))
    return ChannelSpec(
        name=name,
        kind=kind,
        opens_conversation=bool(need("opens_conversation")),
        unit=str(need("unit")),
        label=str(table.get("label", name)),
        handle=handle,
        hosts=tuple(str(h) for h in cast(list[str], table.get("hosts", []))),
        aliases=tuple(str(a).lower() for a in cast(list[str], table.get("aliases", []))),
        length_target=int(cast(int, need("length_target"))),
        words=(low, high),
        hard_max_words=int(cast(int, need("hard_max_words"))),
        prompt_example=str(table["prompt_example"]) if table.get("prompt_example") else None,
        ctas=tuple(str(c) for c in cast(list[str], table["ctas"])) if "ctas" in table else None,
        conversation_words=_pair(table.get("conversation_words")),
        conversation_hard_max_words=(
            int(cast(int, table["conversation_hard_max_words"]))
            if "conversation_hard_max_words" in table
            else None
        ),
    )


def _pair(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    low, high = (int(x) for x in cast(list[int], value))
    return low, high


@cache
def registry() -> dict[str, ChannelSpec]:
    """Every channel, in the order of ``channels.toml`` (a table with a ``kind`` is a channel)."""
    pack = load_pack("channels")
    return {
        str(name): _spec(str(name), table)
        for name, table in pack.items()
        if isinstance(table, dict) and "kind" in table
    }


def channel_names() -> tuple[str, ...]:
    """The channels' names, in registry order."""
    return tuple(registry())


def channel(name: str) -> ChannelSpec:
    """The channel called ``name`` (``KeyError`` for a name that is not one)."""
    return registry()[name]


@cache
def _aliases() -> dict[str, str]:
    names = {name: name for name in registry()}
    return {**{a: s.name for s in registry().values() for a in s.aliases}, **names}


def channel_key(value: str | None) -> str:
    """A platform name as a channel name (``Twitter`` -> ``x``); an unknown name comes as is."""
    key = (value or "").strip().lower()
    return _aliases().get(key, key)


def is_email(name: str) -> bool:
    """True when ``name`` is a channel of the e-mail kind (a subject, a legal footer)."""
    spec = registry().get(name)
    return spec is not None and spec.is_email


def is_note(name: str) -> bool:
    """True when ``name`` is a channel of the connection-note kind (a short note)."""
    spec = registry().get(name)
    return spec is not None and spec.is_note


def channels_of_kind(kind: ChannelKind) -> tuple[str, ...]:
    """The channels of ``kind``."""
    return tuple(name for name, spec in registry().items() if spec.kind == kind)
