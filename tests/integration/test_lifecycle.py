"""The message lifecycle: drafted -> approved / edited -> sent -> engagement.

Only a sent message is contact and learning evidence; a preview or a blocked run never is; a
tenant that requires approval learns once it sends; the record keeps the arm actually written.
"""

from __future__ import annotations

from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError
from ipe.memory.handles import outcome_store
from ipe.memory.people import Person
from ipe.tools.learning.bandit import StrategyModel
from ipe.tools.learning.stats import compute_stats


async def test_a_preview_is_not_contact_a_sent_message_is(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    ana = prospects["ana-email"]
    first = await engine.personalize_message(ana, template)
    second = await engine.personalize_message(ana, template)
    assert (first.status, second.status) == ("ready", "ready")  # two previews: nothing was sent
    store = outcome_store(data_dir)
    assert store.sent_messages("t", Person.from_prospect(ana)) == []
    assert compute_stats(store, "t").sends == 0
    loop = FeedbackLoop("t", data_dir=data_dir)
    await loop.mark_sent(second.message_id)
    [(record, outcome)] = store.sent_messages("t", Person.build(email="ANA@example.org"))
    assert record.message_id == second.message_id and record.stage == "sent"
    assert outcome == "pending"
    third = await engine.personalize_message(ana, template)
    assert third.status == "needs_review"  # now it is a repeat contact
    assert any("contacted" in r for r in third.reasons)


async def test_an_approved_and_sent_message_teaches_the_model(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(
        "reviewer", data_dir=data_dir, durable=False, require_approval=True
    )
    loop = FeedbackLoop("reviewer", data_dir=data_dir)
    store = outcome_store(data_dir)
    results = []
    for i in range(12):
        result = await engine.personalize_message(
            dict(prospects["kai-instagram"], id=f"k{i}", handle=f"kai{i}", email=None), template
        )
        assert result.status == "needs_review"
        results.append(result)
        if i % 2 == 0:  # the reviewer approves and the tenant's system reports the send
            await loop.approve(result.message_id)
            await loop.mark_sent(result.message_id)
        # the other half report only engagement, which implies the send
        await loop.update_model(result.message_id, {"event": "interested"})
    assert compute_stats(store, "reviewer").sends == 12
    first = results[0]
    record = store.get_message("reviewer", first.message_id)
    assert record is not None and record.stage == "sent"
    assert first.arm == record.arm  # the arm recorded is the one written
    fresh = StrategyModel.from_stats([], [])
    taught = StrategyModel.from_stats(*store.model_inputs("reviewer"))
    segment = first.segment
    assert segment is not None
    tone, angle, cta = record.tone, record.angle, record.cta
    assert taught.predict(segment, tone, angle, cta) > fresh.predict(segment, tone, angle, cta)


async def test_approve_then_send_is_the_lifecycle_and_stats_follow_it(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(
        "r", data_dir=data_dir, durable=False, require_approval=True
    )
    loop = FeedbackLoop("r", data_dir=data_dir)
    store = outcome_store(data_dir)
    draft = await engine.personalize_message(prospects["liam-linkedin"], template)
    assert store.get_message("r", draft.message_id).stage == "drafted"  # type: ignore[union-attr]
    await loop.approve(draft.message_id)
    assert store.get_message("r", draft.message_id).stage == "approved"  # type: ignore[union-attr]
    assert compute_stats(store, "r").sends == 0  # approved is not sent
    await loop.mark_sent(draft.message_id, at="2026-01-05T10:00:00Z")
    got = store.get_message("r", draft.message_id)
    assert got is not None and got.sent_at == "2026-01-05T10:00:00+00:00"
    # sent long ago and silent: settled to no reply, counted, and a success after review
    report = compute_stats(store, "r")
    assert report.sends == 1 and report.outcomes == {"no_reply": 1}
    assert report.lifecycle == {"blocked": 0, "drafted": 0, "edited": 0, "approved": 0, "sent": 1}
    assert report.personalization_success_rate.value == 1.0


async def test_a_blocked_run_never_counts_and_cannot_be_sent(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    await loop.suppress(email="ana@example.org")
    blocked = await engine.personalize_message(prospects["ana-email"], template)
    assert blocked.status == "blocked"
    for event in ("sent", "approved"):
        with pytest.raises(InvalidInputError, match="blocked"):
            await loop.update_model(blocked.message_id, {"event": event})
    await loop.update_model(blocked.message_id, {"event": "delivered"})  # a stray webhook
    store = outcome_store(data_dir)
    assert store.get_message("t", blocked.message_id).stage == "drafted"  # type: ignore[union-attr]
    assert compute_stats(store, "t").sends == 0
    assert store.sent_messages("t", Person.build(email="ana@example.org")) == []


async def test_bad_event_times_are_refused(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(prospects["ana-email"], template)
    with pytest.raises(InvalidInputError, match="ISO 8601"):
        await FeedbackLoop("t", data_dir=data_dir).mark_sent(result.message_id, at="yesterday")


async def test_an_edited_draft_is_edited_until_it_is_sent(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    store = outcome_store(data_dir)
    draft = await engine.personalize_message(prospects["sam-x"], template)
    await loop.update_model(draft.message_id, {"edited_body": draft.body + " Cheers!"})
    got = store.get_message("t", draft.message_id)
    assert got is not None and got.stage == "edited" and got.sent_at is None
    assert compute_stats(store, "t").lifecycle["edited"] == 1
    assert compute_stats(store, "t").sends == 0  # an edit is not a send
    await loop.mark_sent(draft.message_id)
    assert store.get_message("t", draft.message_id).stage == "sent"  # type: ignore[union-attr]
