"""Read every data file the nodes use before the first run, outside any event loop.

Policies, phrase banks, lint rules and prompts are parsed once and cached. Loading them here, once,
when an entry point starts (the engine's constructor, the server's module), keeps file reads out
of the async nodes (``langgraph dev`` flags any blocking call on its event loop) and keeps the
first run as fast as the rest, in every language: each language's phrase bank and word lists, and
``dateparser``'s data for it, load on first use.

What is loaded then (the modules, the parsed data) lives as long as the process, so it is moved
out of the garbage collector's reach (``gc.freeze``): a full collection in a batch no longer walks
its quarter of a million objects (0.1-0.2 s a pause on the 2-core machine, one or two per 500
offline rows and more with a model: 1.4 s of a 13 s model batch's CPU before).
"""

from __future__ import annotations

import functools
import gc
import random
from datetime import UTC, datetime

from ipe.domain import (
    Channel,
    ExcludedSpan,
    Fact,
    MessageVariation,
    Prospect,
    RecentContent,
    Sender,
    Template,
    VariationPlan,
)
from ipe.graph.state import RetrievedContext
from ipe.prompts import LANGUAGES, load_prompt
from ipe.tools.channel.policy import load_policy
from ipe.tools.context.deferrals import find_deferral
from ipe.tools.learning.bandit import StrategyModel
from ipe.tools.learning.lessons import lesson_bonus
from ipe.tools.learning.replies import classify_reply
from ipe.tools.policies.channels import channel_names
from ipe.tools.trust.critic import check_variation
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

DATED_REPLIES = (
    ("Please check back on March 3.", "en"),
    ("Escríbeme el 3 de marzo, por favor.", "es"),
    ("Fale comigo em 3 de março, por favor.", "pt"),
    ("Recontactez-moi le 3 mars, merci.", "fr"),
    ("Bitte melden Sie sich am 3. März wieder.", "de"),
    ("Scrivimi di nuovo il 3 marzo, grazie.", "it"),
    ("Stuur me op 3 maart nog een bericht.", "nl"),
    ("Proszę napisać do mnie 3 marca.", "pl"),
    ("Skriv till mig igen den 3 mars, tack.", "sv"),
    ("Skriv til mig igen den 3. marts, tak.", "da"),
    ("Skriv til meg igjen 3. mars, takk.", "nb"),
    ("Lütfen 3 Mart tarihinde tekrar yazın.", "tr"),
    ("3月にもう一度ご連絡ください。", "ja"),
)
"""A reply naming a date in each language: ``dateparser`` loads a language's data on its first
date (50-110 ms each), and each language's reply rules are compiled on first use."""


@functools.cache
def preload() -> None:
    """Exercise every cached loader once on a tiny, fixed input (once per process)."""
    prospect = Prospect(
        id="warm-up",
        name="Warm Up",
        niche="hiking",
        bio="I hike on weekends, from café to café.",  # a non-ASCII letter: the confusables map
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
    for channel in channel_names():
        _draft_and_check(template, facts, excluded, clean.name, channel, "en")
    for language in LANGUAGES:
        _draft_and_check(template, facts, excluded, clean.name, channel_names()[0], language)
    for text, language in DATED_REPLIES:
        find_deferral(text, datetime(2026, 1, 5, tzinfo=UTC), language=language)
        classify_reply(text)
    knobs()
    StrategyModel.from_stats([], [], lesson_bonus=lesson_bonus([], "email:general")).sample(
        "email:general", allowed_angles=["generic"], n=1, rng=random.Random(0)
    )
    classify_reply("thanks, sounds good")
    for name in PROMPTS:
        load_prompt(name)
    gc.freeze()  # all of the above, and every module, for the life of the process


def _draft_and_check(
    template: Template,
    facts: list[Fact],
    excluded: list[ExcludedSpan],
    name: str,
    channel: Channel,
    language: str,
) -> None:
    """Compose one message offline and run the critic's own path on it."""
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    policy = load_policy(channel)
    draft = compose(
        plan,
        facts=[],
        template=template,
        first_name="Warm",
        channel=channel,
        links_allowed=policy.links_allowed,
        size="full",
        language=language,
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
        prospect_name=name,
        context=context,
        linkedin_free_account=False,
        language=language,
    )
