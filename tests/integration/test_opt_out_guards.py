"""Opt-outs that could be lost: in the record's history, under a caller's label, by a bad event."""

from __future__ import annotations

from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError


@pytest.mark.parametrize(
    "reply",
    ["please stop emailing me", "No more emails please", "STOP", "por favor, dejen de escribirme"],
)
async def test_an_opt_out_in_the_records_history_blocks(
    reply: str, data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    prospect = {
        **prospects["ana-email"],
        "interaction_history": [
            {"at": "2026-10-01T10:00:00Z", "direction": "outbound", "text": "Hi Ana, ..."},
            {"at": "2026-10-02T09:00:00Z", "direction": "inbound", "text": reply},
        ],
    }
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(prospect, template)
    assert result.status == "blocked", (reply, result.reasons)


async def test_a_reply_that_opts_out_suppresses_whatever_label_it_came_with(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(prospects["ana-email"], template)
    await FeedbackLoop("t1", data_dir=data_dir).update_model(
        first.message_id, {"event": "interested", "event_id": "r1", "reply_text": "STOP"}
    )
    again = await engine.personalize_message(prospects["ana-email"], template)
    assert again.status == "blocked"


async def test_a_bad_event_does_not_drop_the_opt_out_beside_it(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(prospects["ana-email"], template)
    with pytest.raises(InvalidInputError):
        await FeedbackLoop("t1", data_dir=data_dir).update_model(
            first.message_id,
            [{"event": "unsubscribed", "event_id": "u1"}, {"event": "teleported"}],
        )
    again = await engine.personalize_message(prospects["ana-email"], template)
    assert again.status == "blocked"
