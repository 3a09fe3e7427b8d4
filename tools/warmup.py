"""Read every data file the nodes use before the first run, outside any event loop.

Policies, phrase banks, lint rules and prompts are parsed once and cached. Loading them here, at
import of the graph, keeps file reads out of the async nodes (``langgraph dev`` flags any blocking
call on its event loop) and keeps the first run as fast as the rest.
"""

from __future__ import annotations

import random

from ipe.graph.domain import (
    CHANNELS,
    MessageVariation,
    Prospect,
    RecentContent,
    Sender,
    Template,
    VariationPlan,
)
from ipe.graph.state import RetrievedContext
from ipe.prompts import load_prompt
from ipe.tools.learning.bandit import StrategyModel
from ipe.tools.learning.intent import classify_reply
from ipe.tools.learning.lessons import lesson_bonus
from ipe.tools.trust.critic import check_variation
from ipe.tools.trust.policy import load_policy
from ipe.tools.trust.sanitize import sanitize_prospect
from ipe.tools.writing.facts import analyse_profile, extract_facts
from ipe.tools.writing.offline_drafter import compose
from ipe.tools.writing.strategy import knobs

PROMPTS = (
    "draft_system",
    "draft_user",
    "research_system",
    "research_user",
    "intent_system",
    "intent_user",
)


def preload() -> None:
    """Exercise every cached loader once on a tiny, fixed input."""
    prospect = Prospect(
        id="warm-up",
        name="Warm Up",
        niche="hiking",
        bio="I hike on weekends.",
        recent_content=[RecentContent(title="A long walk")],
    )
    clean, excluded = sanitize_prospect(prospect)
    facts, _ = extract_facts(clean)
    analyse_profile(clean)
    template = Template(
        id="warm-up",
        brand="Brand",
        sender=Sender(
            name="Sam", postal_address="1 Main Street", unsubscribe_url="https://b.example/u"
        ),
    )
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    for channel in CHANNELS:
        policy = load_policy(channel)
        draft = compose(
            plan,
            facts=[],
            template=template,
            first_name="Warm",
            channel=channel,
            links_allowed=policy.links_allowed,
            size="full",
        )
        context = RetrievedContext(
            channel=channel,
            segment="warm-up",
            segment_description="warm-up",
            body_limit=policy.body_limit,
            unit=policy.unit,
            links_allowed=policy.links_allowed,
        )
        check_variation(  # the critic's own path: formatting, compliance, grounding, lint
            MessageVariation(id="v1", plan=plan, subject=draft.subject, body=draft.body),
            channel=channel,
            template=template,
            facts=facts,
            excluded=excluded,
            prospect_name=clean.name,
            context=context,
            linkedin_free_account=False,
        )
    knobs()
    StrategyModel.from_stats([], [], lesson_bonus=lesson_bonus([], "email:general")).sample(
        "email:general", allowed_angles=["generic"], n=1, rng=random.Random(0)
    )
    classify_reply("thanks, sounds good")
    for name in PROMPTS:
        load_prompt(name)
