"""One builder for the creator records and offline drafts the writing tests share.

A creator has a name, a niche, a bio and a recent piece of content; ``draft`` runs the offline
drafter (``compose``) for a record, a template and a channel, at a stage and in a register, the
way the engine calls it. The bank-language, register and voice tests build their records and
drafts here instead of each carrying its own copy.
"""

from __future__ import annotations

from typing import Any

from ipe.domain import Prospect, Relationship, Template, VariationPlan
from ipe.tools.channel.policy import load_policy
from ipe.tools.writing.facts import extract_facts
from ipe.tools.writing.offline_drafter import Draft, compose


def creator(
    language: str | None,
    name: str,
    niche: str,
    title: str,
    bio: str,
    *,
    summary: str | None = None,
    **update: Any,
) -> Prospect:
    """An Instagram creator with about 12K followers and one piece of content (2026-11-20)."""
    item: dict[str, str] = {"title": title, "published_at": "2026-11-20"}
    if summary:
        item["summary"] = summary
    return Prospect(
        id=f"p-{language or 'xx'}",
        name=name,
        platform="instagram",
        niche=niche,
        audience_size=12000,
        bio=bio,
        language=language,
        recent_content=[item],
    ).model_copy(update=update)


def draft(
    prospect: Prospect,
    template: Template,
    *,
    language: str = "en",
    channel: str = "email",
    relationship: Relationship | None = None,
    register: str | None = None,
    tone: str = "casual",
    angle: str = "recent_content",
    cta: str = "reply",
    seed: str = "s",
    first_name: str | None = None,
    links_allowed: bool | None = None,
) -> Draft:
    """The offline draft of one message to ``prospect`` (links as the channel allows them)."""
    facts, _ = extract_facts(prospect)
    links = load_policy(channel).links_allowed if links_allowed is None else links_allowed
    return compose(
        VariationPlan(id="v1", tone=tone, angle=angle, cta=cta),
        facts=facts,
        template=template,
        first_name=first_name if first_name is not None else str(prospect.name).split()[0],
        channel=channel,
        links_allowed=links,
        seed=seed,
        language=language,
        prospect=prospect,
        relationship=relationship,
        register=register,
    )
