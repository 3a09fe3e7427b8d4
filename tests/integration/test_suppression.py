"""Opt-outs that are never lost: the suppression list over many attempts, ids and events.

Each scenario opts a person out one way, then personalizes them again many times under the ways a
real system meets the same person (the same record, a re-scraped or differently cased id, the same
address under another id, a later bounce or delivery webhook) and checks every attempt is blocked.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import EventConflictError, InvalidInputError, MessageIdConflictError
from ipe.memory.handles import outcome_store

ATTEMPTS = 25
"""Attempts after the opt-out: more than the 20 records the history window reads."""


def _variant(prospect: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(prospect)
    data.update(changes)
    return data


OPT_OUTS: list[tuple[str, list[dict[str, Any]]]] = [
    ("unsubscribed", [{"event": "unsubscribed"}]),
    ("unsubscribe reply", [{"event": "replied", "reply_text": "Please remove me from your list"}]),
    ("unsubscribe intent", [{"event": "unsubscribe_request"}]),
    ("complaint", [{"event": "complained"}]),
    ("hard bounce", [{"event": "bounced"}]),
    ("bounce after unsubscribe", [{"event": "unsubscribed"}, {"event": "bounced"}]),
    ("delivery after unsubscribe", [{"event": "unsubscribed"}, {"event": "delivered"}]),
    ("interested after unsubscribe", [{"event": "unsubscribed"}, {"event": "interested"}]),
]

LATER: list[tuple[str, dict[str, Any]]] = [
    ("the same record", {}),
    ("an upper-cased id", {"id": "P-1001"}),
    ("a re-scraped record id, same address", {"id": "yt-ana-souza"}),
    ("the address in other case, with a tag", {"id": "x-77", "email": " Ana+Promo@Example.ORG "}),
]


@pytest.mark.parametrize(("how", "events"), OPT_OUTS, ids=[o[0] for o in OPT_OUTS])
async def test_every_later_attempt_is_blocked(
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    how: str,
    events: list[dict[str, Any]],
) -> None:
    ana = prospects["ana-email"]
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(ana, template)
    assert first.status == "ready"
    loop = FeedbackLoop("t", data_dir=data_dir)
    for i, event in enumerate(events):
        await loop.update_model(first.message_id, dict(event, event_id=f"e{i}"))
    statuses = []
    for attempt in range(ATTEMPTS):
        label, changes = LATER[attempt % len(LATER)]
        result = await engine.personalize_message(_variant(ana, **changes), template)
        statuses.append((attempt, label, result.status, result.body))
    assert all(status == "blocked" and body == "" for _, _, status, body in statuses), statuses
    last = await engine.personalize_message(ana, template)
    assert any("suppression list" in r for r in last.reasons)
    [entry] = await loop.suppressions()
    expected = "complained" if how == "complaint" else "bounced" if how == "hard bounce" else None
    assert entry.reason == (expected or "unsubscribed")  # a later bounce never replaces it
    other = IntelligentPersonalizationEngine("u", data_dir=data_dir, durable=False)
    assert (await other.personalize_message(ana, template)).status == "ready"  # per tenant


async def test_a_hard_bounce_holds_on_its_channel_an_unsubscribe_on_every_channel(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    ana = _variant(prospects["ana-email"], handle="anasouza", platform="linkedin")
    first = await engine.personalize_message(ana, template, platform="email")
    loop = FeedbackLoop("t", data_dir=data_dir)
    await loop.update_model(first.message_id, {"event": "bounced", "event_id": "b1"})
    assert (await engine.personalize_message(ana, template, platform="email")).status == "blocked"
    on_linkedin = await engine.personalize_message(ana, template, platform="linkedin")
    assert on_linkedin.status != "blocked"  # the address bounced; the person did not opt out
    await loop.update_model(on_linkedin.message_id, {"event": "unsubscribed", "event_id": "u1"})
    for channel in ("email", "linkedin"):
        result = await engine.personalize_message(ana, template, platform=channel)
        assert result.status == "blocked", channel
    [entry] = await loop.suppressions()
    assert entry.reason == "unsubscribed" and entry.scope == "*"


async def test_the_same_handle_under_another_id_is_blocked(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    kai = prospects["kai-instagram"]
    first = await engine.personalize_message(kai, template)
    await FeedbackLoop("t", data_dir=data_dir).update_model(
        first.message_id, {"event": "unsubscribed"}
    )
    handle = str(kai["handle"]).lstrip("@")
    renamed = _variant(kai, id="ig-new-1", email=None, handle=f"@{handle.upper()}")
    assert (await engine.personalize_message(renamed, template)).status == "blocked"


async def test_an_event_id_used_by_another_message_still_counts(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    zoe = await engine.personalize_message(prospects["zoe-tiktok"], template)
    ana = await engine.personalize_message(prospects["ana-email"], template)
    await loop.update_model(zoe.message_id, {"event": "delivered", "event_id": "evt-1"})
    done = await loop.update_model(ana.message_id, {"event": "unsubscribed", "event_id": "evt-1"})
    assert done["counted"] == 1 and done["outcome"] == "unsubscribed"
    again = await engine.personalize_message(prospects["ana-email"], template)
    assert again.status == "blocked"


async def test_a_replayed_id_with_another_payload_is_a_conflict_and_the_opt_out_holds(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    first = await engine.personalize_message(prospects["ana-email"], template)
    await loop.update_model(first.message_id, {"event": "delivered", "event_id": "w-1"})
    same = await loop.update_model(first.message_id, {"event": "delivered", "event_id": "w-1"})
    assert same["duplicates"] == 1 and same["counted"] == 0
    with pytest.raises(EventConflictError, match="w-1"):
        await loop.update_model(first.message_id, {"event": "unsubscribed", "event_id": "w-1"})
    store = outcome_store(data_dir)
    assert store.events_count("t") == 1  # the conflicting event itself is not stored ...
    again = await engine.personalize_message(prospects["ana-email"], template)
    assert again.status == "blocked"  # ... but the opt-out it carried is never lost


async def test_a_message_id_of_another_prospect_is_an_error_never_an_overwrite(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    first = await engine.personalize_message(prospects["ana-email"], template, message_id="s-1")
    await loop.update_model("s-1", {"event": "replied", "intent": "interested"})
    with pytest.raises(MessageIdConflictError, match="s-1"):
        await engine.personalize_message(prospects["zoe-tiktok"], template, message_id="s-1")
    kept = outcome_store(data_dir).get_message("t", "s-1")
    assert kept is not None and kept.prospect_id == "p-1001" and kept.body == first.body
    assert outcome_store(data_dir).outcome_of_message("t", "s-1") == "interested"
    # the same person may reuse an id while it is a draft (a re-run), never once it was sent
    same = _variant(prospects["ana-email"], id="P-1001")
    with pytest.raises(MessageIdConflictError, match="already sent"):  # the reply implied it
        await engine.personalize_message(same, template, message_id="s-1")
    draft = await engine.personalize_message(prospects["ana-email"], template, message_id="d-1")
    again = await engine.personalize_message(same, template, message_id="d-1")
    assert draft.message_id == again.message_id == "d-1"
    # another tenant has its own ids
    other = IntelligentPersonalizationEngine("u", data_dir=data_dir, durable=False)
    assert await other.personalize_message(prospects["zoe-tiktok"], template, message_id="s-1")


async def test_only_the_tenant_lifts_a_suppression(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    entry = await loop.suppress(email="ANA@example.org")  # an opt-out that came by phone
    assert entry.active and entry.reason == "manual" and entry.labels == ("email:ana@example.org",)
    assert (await engine.personalize_message(prospects["ana-email"], template)).status == "blocked"
    blocked = await engine.personalize_message(_variant(prospects["ana-email"], id="new"), template)
    assert blocked.status == "blocked"
    [listed] = await loop.suppressions()
    assert "id:new" in listed.labels and "id:p-1001" in listed.labels  # ids became aliases
    lifted = await loop.lift(prospect_id="NEW", note="asked to hear from us again")
    assert [e.active for e in lifted] == [False]
    assert await loop.suppressions() == []
    assert len(await loop.suppressions(include_lifted=True)) == 1
    assert (await engine.personalize_message(prospects["ana-email"], template)).status == "ready"
    assert await loop.lift(email="nobody@example.org") == []
    with pytest.raises(InvalidInputError):
        await loop.suppress()
    with pytest.raises(InvalidInputError):
        await loop.suppress(email="not an address")
