"""The register holds across a conversation: our sent messages and their replies decide it.

A German e-mail goes out in Sie (the channel's default); the next message, on Instagram (where
the default is du), keeps the Sie we wrote in; once they answer in du, we answer in du.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ipe import FeedbackLoop, IntelligentPersonalizationEngine

DU = re.compile(r"(?i)\b(?:du|dich|dir|dein\w*)\b")
SIE = re.compile(r"(?<=[^.!?:\s] )(?:Sie|Ihr\w*)\b|\bIhnen\b")


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def _jonas() -> dict[str, Any]:
    return {
        "id": "p-jonas",
        "name": "Jonas Weber",
        "email": "jonas@example.org",
        "handles": {"instagram": "@jonas.laeuft"},
        "niche": "Trailrunning",
        "bio": "Ich laufe in den Alpen und teste Ausrüstung für lange Strecken.",
        "preferences": {"language": "de"},
    }


async def test_we_keep_the_register_we_wrote_in_until_they_write_otherwise(
    data_dir: str, template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    loop = FeedbackLoop("t", data_dir=data_dir)
    first = await engine.personalize_message(_jonas(), template, platform="email")
    assert "register: formal (the default on email)" in first.reasons
    assert SIE.search(first.body) and not DU.search(first.body), first.body
    await loop.update_model(first.message_id, {"event": "sent", "at": _ago(9)})

    dm = await engine.personalize_message(_jonas(), template, platform="instagram")
    assert "register: formal (we wrote to them so)" in dm.reasons, dm.reasons
    assert SIE.search(dm.body) and not DU.search(dm.body), dm.body

    words = "Klingt spannend! Kannst du mir die Details schicken?"
    await loop.update_model(first.message_id, {"event": "replied", "reply_text": words})
    answer = await engine.personalize_message(_jonas(), template, platform="instagram")
    assert "register: informal (they write to us so)" in answer.reasons, answer.reasons
    assert DU.search(answer.body) and not SIE.search(answer.body), answer.body
