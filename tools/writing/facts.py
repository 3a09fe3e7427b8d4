"""Profile research: grounded facts from a (sanitised) prospect record, and what it says of them.

Every fact names the record field it came from, so the critic can trace each personal claim in a
draft back to its source. Nothing here invents: a missing field yields no fact.
"""

from __future__ import annotations

import re
from datetime import datetime

from ipe.graph.domain import TONES, ExcludedSpan, Fact, FactKind, ProfileAnalysis, Prospect
from ipe.tools.learning.segments import niche_group
from ipe.tools.trust.injection import offer_like
from ipe.tools.trust.textcount import find_links

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TONE_WORDS = {
    "professional": "professional",
    "formal": "professional",
    "business": "professional",
    "casual": "casual",
    "friendly": "casual",
    "relaxed": "casual",
    "enthusiastic": "enthusiastic",
    "warm": "enthusiastic",
    "excited": "enthusiastic",
}
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_OPT_OUT = ("unsubscrib", "remove me", "stop contacting", "do not contact", "don't contact")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _bio_sentences(bio: str) -> list[str]:
    """Short, self-contained sentences of a bio (the usable personalization points)."""
    out = []
    for sentence in _SENTENCE.split(bio):
        sentence = sentence.strip(" -|•")
        if 12 <= len(sentence) <= 160 and not sentence.endswith("?"):
            out.append(sentence)
    return out[:2]


def screen_fact_text(text: str, source: str) -> tuple[str, ExcludedSpan | None]:
    """Drop links and addresses from a fact's words; refuse text that looks like offer terms."""
    for start, end, _ in sorted(find_links(text), reverse=True):
        text = text[:start] + text[end:]
    text = re.sub(r"\s+", " ", _EMAIL.sub("", text)).strip(" ,;:-")
    if offer_like(text):  # commission-like terms (numbers may be words): never pass for ours
        return "", ExcludedSpan(field=source, text=text, reason="offer-like terms in prospect text")
    return text, None


def extract_facts(prospect: Prospect) -> tuple[list[Fact], list[ExcludedSpan]]:
    """The prospect's personalization points, strongest first, each with its source field.

    Links and e-mail addresses never travel inside a fact's words (a fact's link is its ``url``),
    and text that reads like offer terms is excluded, with the reason, rather than used.
    """
    found: list[tuple[FactKind, str, str, str | None, float]] = []
    content = sorted(
        enumerate(prospect.recent_content),
        key=lambda item: item[1].published_at or "",
        reverse=True,
    )
    for rank, (i, item) in enumerate(content[:3]):
        if item.title:
            found.append(
                (
                    "content_title",
                    item.title,
                    f"recent_content[{i}].title",
                    item.url,
                    0.9 - rank * 0.1,
                )
            )
        if item.summary and rank == 0:
            found.append(
                ("content_summary", item.summary, f"recent_content[{i}].summary", None, 0.4)
            )
    if prospect.niche:
        found.append(("niche", prospect.niche, "niche", None, 0.6))
    if prospect.audience_size and prospect.audience_size > 0:
        found.append(("audience_size", f"{prospect.audience_size:,}", "audience_size", None, 0.55))
    for sentence in _bio_sentences(prospect.bio or ""):
        found.append(("bio", sentence, "bio", None, 0.5))
    if prospect.company:
        found.append(("company", prospect.company, "company", None, 0.45))
    if prospect.title:
        found.append(("job_title", prospect.title, "title", None, 0.4))
    if prospect.location:
        found.append(("location", prospect.location, "location", None, 0.35))
    for i, tag in enumerate(prospect.tags[:3]):
        if tag:
            found.append(("tag", tag, f"tags[{i}]", None, 0.3))
    if prospect.website:
        found.append(("website", prospect.website, "website", prospect.website, 0.2))
    if prospect.platform:
        found.append(("platform", prospect.platform, "platform", None, 0.2))
    found.sort(key=lambda f: f[4], reverse=True)
    facts: list[Fact] = []
    excluded: list[ExcludedSpan] = []
    for kind, raw, src, url, weight in found:
        text, refused = screen_fact_text(raw, src)
        if refused:
            excluded.append(refused)
        elif len(text) >= 2:
            facts.append(
                Fact(
                    id=f"f{len(facts) + 1}",
                    kind=kind,
                    text=text,
                    source_field=src,
                    url=url,
                    weight=round(weight, 2),
                )
            )
    return facts, excluded


def analyse_profile(prospect: Prospect) -> ProfileAnalysis:
    """Preferences and behaviour: tone, channel, active hours and past responses."""
    tone = _TONE_WORDS.get((prospect.preferences.tone or "").lower())
    inbound = [h for h in prospect.interaction_history if h.direction.lower() == "inbound"]
    hours = sorted(
        {t.hour for h in inbound if (t := _parse_time(h.at)) is not None and t.tzinfo is not None}
    )
    opted_out = any(
        (h.outcome or "").lower() in ("unsubscribed", "unsubscribe_request", "do_not_contact")
        or any(marker in h.text.lower() for marker in _OPT_OUT)
        for h in inbound + [h for h in prospect.interaction_history if h.outcome]
    )
    return ProfileAnalysis(
        preferred_tone=tone if tone in TONES else None,
        preferred_channel=(prospect.preferences.channel or None),
        active_hours_utc=hours,
        niche_group=niche_group(prospect.niche, prospect.tags),
        replied_before=bool(inbound),
        asked_not_to_contact=opted_out,
    )
