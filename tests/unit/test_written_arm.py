"""The arm a message records is the one actually written, not only the one planned."""

from __future__ import annotations

from ipe.domain import (
    MessageVariation,
    Offer,
    PersonalizationStrategy,
    VariationPlan,
)
from ipe.tools.writing.drafting import _written_cta
from tests.unit.test_offline_drafter import TEMPLATE, draft
from tests.unit.test_writing_voice import COOK, _strategy


def test_the_drafter_reports_the_call_to_action_it_wrote() -> None:
    no_perk = TEMPLATE.model_copy(update={"offer": Offer(summary="Shoes", commission="10%")})
    assert draft("casual", "generic", "sample", "email", []).cta_used == "sample"
    assert draft("casual", "generic", "sample", "email", [], template=no_perk).cta_used == "reply"
    assert draft("casual", "generic", "link", "email", []).cta_used == "link"
    no_links = draft("casual", "generic", "link", "instagram", [], links_allowed=False)
    assert no_links.cta_used == "link_request"  # "reply and I'll send the link" ...
    assert _written_cta(no_links.cta_used, "link") == "reply"  # ... asks for a reply
    no_facts = draft("casual", "recent_content", "reply", "email", [])
    assert no_facts.angle_used == "generic"  # no fact for the planned angle: the generic opener


def test_a_variation_credits_what_it_wrote() -> None:
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="sample")
    planned = MessageVariation(id="v1", plan=plan, body="Hi.")
    assert planned.written_arm == ("casual", "recent_content", "sample")  # nothing else known
    written = planned.model_copy(update={"angle_written": "generic", "cta_written": "reply"})
    assert written.written_arm == ("casual", "generic", "reply")


def test_a_connection_note_asks_to_connect_and_says_so() -> None:
    note = draft("casual", "generic", "link", "linkedin", [])
    assert note.cta_used == "reply" and "http" not in note.body
    assert any("connection note has no link" in n for n in note.notes)


def _linkedin_strategy(
    seed: int, rules: PersonalizationStrategy | None = None
) -> PersonalizationStrategy:
    return _strategy(COOK, None, seed, channel="linkedin", body_limit=300, rules=rules)


def test_the_strategy_plans_only_asks_the_channel_makes() -> None:
    for seed in range(20):
        strategy = _linkedin_strategy(seed)
        planned = {p.cta for p in strategy.variations}
        assert planned <= {"reply", "call", "sample"}, planned
        assert not any(arm.endswith("/link") for arm in strategy.allowed_arms)
    pinned = _linkedin_strategy(1, PersonalizationStrategy(cta_rules={"link": 1.0}))
    assert {p.cta for p in pinned.variations} <= {"reply", "call", "sample"}
    assert any("no ask a linkedin message makes" in n for n in pinned.notes)
