"""Segments: ``"<channel>:<niche group>"``, the unit the strategy model learns per.

The niche groups, their keywords and their English labels live in ``tools/policies/segments.toml``
(documented there). ``niche_group`` maps a prospect's free-text niche and tags to a group by
keyword matching; ``describe_segment`` gives the short English phrase used as the vector-memory
query and in lesson texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import registry


@dataclass(frozen=True)
class NicheGroup:
    """One niche group: its name, English label and compiled keyword patterns."""

    name: str
    label: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class SegmentConfig:
    """The parsed ``segments.toml``."""

    groups: tuple[NicheGroup, ...]
    channel_labels: dict[str, str]
    niche_weight: float
    tag_weight: float
    default_group: str


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    stem = keyword.rstrip("*")
    tail = r"[\w-]*" if keyword.endswith("*") else ""
    words = r"[\s_-]+".join(re.escape(part) for part in stem.split())
    return re.compile(rf"(?<![\w]){words}{tail}(?![\w])")


@cache
def config() -> SegmentConfig:
    """Return the parsed segment configuration."""
    raw = load_pack("segments")
    groups = tuple(
        NicheGroup(
            name=name,
            label=str(spec["label"]),
            patterns=tuple(_keyword_pattern(k.lower()) for k in spec["keywords"]),
        )
        for name, spec in raw["groups"].items()
    )
    settings = raw["settings"]
    default = str(settings["default_group"])
    if default not in {g.name for g in groups}:
        raise ValueError("segments.toml: default_group must be one of the groups")
    return SegmentConfig(
        groups=groups,
        channel_labels={name: spec.label for name, spec in registry().items()},
        niche_weight=float(settings["niche_weight"]),
        tag_weight=float(settings["tag_weight"]),
        default_group=default,
    )


def niche_groups() -> tuple[str, ...]:
    """Return every niche group name, in the configured order."""
    return tuple(g.name for g in config().groups)


NICHE_GROUPS: tuple[str, ...] = niche_groups()
"""Every niche group name (``general`` included)."""


def niche_group(niche: str | None, tags: Sequence[str]) -> str:
    """Return the niche group of a prospect from its niche and tags.

    Args:
        niche: The prospect's free-text niche (untrusted; only matched, never echoed).
        tags: The prospect's tags (a leading ``#`` is ignored).

    Returns:
        The best-scoring group (niche hits weigh more than tag hits; ties go to the group listed
        first), or the default group ``"general"`` when nothing matches.
    """
    return _niche_group(
        (niche or "").lower(), tuple(tag.lower().lstrip("#") for tag in tags if tag)
    )


@lru_cache(maxsize=4096)
def _niche_group(niche_text: str, tag_texts: tuple[str, ...]) -> str:
    cfg = config()
    best, best_score = cfg.default_group, 0.0
    for group in cfg.groups:
        score = 0.0
        for pattern in group.patterns:
            if niche_text and pattern.search(niche_text):
                score += cfg.niche_weight
            score += cfg.tag_weight * sum(1 for tag in tag_texts if pattern.search(tag))
        if score > best_score:
            best, best_score = group.name, score
    return best


def segment_key(channel: str, group: str) -> str:
    """Return the segment key ``"<channel>:<group>"``."""
    return f"{channel}:{group}"


def parse_segment(segment: str) -> tuple[str, str]:
    """Split a segment key into ``(channel, group)``; a key without a group means ``general``."""
    channel, _, group = segment.partition(":")
    return channel, group or config().default_group


def group_label(group: str) -> str:
    """Return a group's English label (the name with spaces for an unknown group)."""
    for candidate in config().groups:
        if candidate.name == group:
            return candidate.label
    return group.replace("_", " ")


def channel_label(channel: str) -> str:
    """Return a channel's display name (``X``, ``LinkedIn``...)."""
    return config().channel_labels.get(channel, channel)


def describe_segment(segment: str) -> str:
    """Return a short English description of a segment.

    Example: ``"instagram:outdoor_travel"`` -> "instagram creators in outdoor and travel niches".
    """
    channel, group = parse_segment(segment)
    return f"{channel_label(channel)} creators in {group_label(group)} niches"
