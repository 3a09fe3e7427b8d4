"""A decline gets, at most, a thank-you in their language that offers nothing, for a person.

The offline drafter writes it from the phrase banks (``answer.decline_note``); the critic lets a
note that promotes nothing through the decline's hold as ``needs_review`` (a person sends it or
not). It carries no term, link, perk or offer word, so it needs no affiliate disclosure.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from ipe.domain import Template
from ipe.tools.writing.brand import promotes
from ipe.tools.writing.language import detect

DECLINES = [
    ("en", "email", "Appreciate it, but this isn't something I'd take on. No thanks."),
    ("es", "instagram", "Muchas gracias, pero no me interesa por ahora ni lo veo para mi canal."),
    ("pt", "email", "Valeu pelo contato, mas não tenho interesse nesse tipo de parceria."),
    ("fr", "linkedin", "Merci pour le message, mais cela ne m'intéresse pas du tout."),
    ("de", "facebook", "Danke für die Nachricht, aber daran habe ich kein Interesse."),
]


def _declined(prospect: dict[str, Any], text: str, language: str, channel: str) -> dict[str, Any]:
    data = copy.deepcopy(prospect)
    now = datetime.now(UTC)
    if channel != "email":
        data.update(platform=channel, handle="@ana.reads")
    data["language"] = language
    data["interaction_history"] = [
        {"at": (now - timedelta(days=6)).isoformat(), "direction": "outbound", "text": "Hi!"},
        {"at": (now - timedelta(days=5)).isoformat(), "direction": "inbound", "text": text},
    ]
    return data


@pytest.mark.parametrize(("language", "channel", "reply"), DECLINES)
async def test_a_decline_gets_only_a_thank_you_in_their_language_for_a_person(
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    language: str,
    channel: str,
    reply: str,
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    record = _declined(prospects["ana-email"], reply, language, channel)
    result = await engine.personalize_message(
        record, template, platform=None if channel == "email" else channel
    )
    assert result.relationship is not None and result.relationship.stage == "declined"
    assert result.status == "needs_review", result.reasons
    above = result.body.split("\n---\n")[0]
    assert not promotes(result.body, Template.model_validate(template)), above
    assert "http" not in above and "%" not in above
    assert template["brand"].split()[0] in above  # who writes is said, nothing is offered
    assert detect(above) == language, above
    assert any("thank-you" in r for r in result.reasons)
