"""Relationship-aware runs through the engine and the CLI: holds, blocks, recipients, history."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError
from ipe.graph.cli import main
from ipe.tools.context.timing import zone_named

NOW = datetime.now(UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat(timespec="seconds")


def marta(*history: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "id": "p-marta",
        "name": "Marta Ruiz",
        "email": "marta@example.org",
        "niche": "trail running",
        "location": "Madrid, Spain",
        "interaction_history": list(history),
        **fields,
    }


def sent(days: float, **extra: Any) -> dict[str, Any]:
    return {"at": ago(days), "channel": "email", "direction": "outbound", "text": "Hi", **extra}


def wrote(days: float, text: str) -> dict[str, Any]:
    return {"at": ago(days), "channel": "email", "direction": "inbound", "text": text}


@pytest.fixture
def engine(data_dir: str) -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)


async def test_a_deferral_not_yet_due_is_scheduled_with_its_date(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    prospect = marta(sent(12), wrote(10, "Not now. Try me again in two months, please."))
    result = await engine.personalize_message(prospect, template)
    written = (NOW - timedelta(days=10)).date()
    year, month = written.year + (written.month + 1) // 12, (written.month + 1) % 12 + 1
    expected = date(year, month, min(written.day, calendar.monthrange(year, month)[1]))
    assert result.status == "scheduled"
    assert result.not_before == result.relationship.not_before == expected.isoformat()
    assert result.relationship.stage == "deferred"
    assert result.recipient == "marta@example.org"
    assert any(r.startswith("relationship: deferred") for r in result.reasons)
    assert any("held until" in r for r in result.reasons)
    data = result.to_json_dict()
    assert (
        data["not_before"] == expected.isoformat() and data["relationship"]["stage"] == "deferred"
    )


async def test_a_due_check_back_cites_history_as_a_grounded_fact(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    words = "Swamped with our launch, check back in a couple of weeks"
    prospect = marta(sent(40), wrote(38, words))
    result = await engine.personalize_message(prospect, template)
    assert result.relationship.stage == "check_back_due"
    assert result.relationship.asked_for == words
    assert result.status in ("ready", "needs_review")
    context = await engine_context(engine, prospect, template)
    history = [f for f in context["facts"] if f["kind"] == "history"]
    assert [f["source_field"] for f in history] == ["interaction_history[1].text"]
    assert history[0]["text"] == words


async def engine_context(
    engine: IntelligentPersonalizationEngine, prospect: dict[str, Any], template: dict[str, Any]
) -> dict[str, Any]:
    from ipe import ContextEngine

    return await ContextEngine("t", data_dir=engine.context.data_dir).get_context_data(
        prospect, template
    )


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        ([sent(30), wrote(29, "No thanks, not a fit for us")], "declined"),
        ([sent(30), wrote(29, "Please stop emailing me")], "asked not to be contacted"),
        ([sent(21), sent(14), sent(7)], "sequence ended"),
    ],
)
async def test_declined_opted_out_and_ended_sequences_are_blocked(
    engine: IntelligentPersonalizationEngine,
    template: dict[str, Any],
    history: list[dict[str, Any]],
    reason: str,
) -> None:
    result = await engine.personalize_message(marta(*history), template)
    assert result.status == "blocked" and result.body == ""
    assert any(reason in r for r in result.reasons), result.reasons


async def test_a_second_follow_up_is_still_written(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    result = await engine.personalize_message(marta(sent(14), sent(7)), template)
    assert result.relationship.stage == "awaiting_reply" and result.relationship.follow_up == 2
    assert result.status == "ready"


async def test_a_record_without_an_address_is_never_ready(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    bare = {"id": "p-bare", "name": "Sam Rivera", "handle": "@samr"}
    result = await engine.personalize_message(bare, template)
    assert result.platform == "email" and result.recipient is None
    assert result.status == "blocked"
    assert any("no recipient on email" in r for r in result.reasons)
    with pytest.raises(InvalidInputError, match="cannot write to prospect 'p-bare' on email"):
        await engine.personalize_message(bare, template, platform="email")


async def test_an_unknown_record_platform_is_reported(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    record = {"id": "p-m", "name": "Sam Rivera", "platform": "mastodon", "handle": "@sam"}
    result = await engine.personalize_message(record, template)
    assert result.status == "blocked"
    assert any("'mastodon' is not a channel" in r for r in result.reasons)


def test_the_cli_exits_2_for_a_forced_unreachable_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "p.json"
    record.write_text(json.dumps(marta()), encoding="utf-8")
    args = ["personalize", "--prospect", str(record), "--template"]
    args += [str(Path(__file__).parents[2] / "examples/template.json")]
    args += ["--data-dir", str(tmp_path / "d")]
    assert main([*args, "--platform", "instagram"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no instagram handle" in err
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recipient"] == "marta@example.org" and data["relationship"]["stage"] == "cold"
    assert main(args) == 0
    view = capsys.readouterr().out
    assert "to: marta@example.org  relationship: cold" in view


@pytest.mark.parametrize("tz", ["America/Denver", "Europe/Madrid", "Asia/Tokyo", "UTC-3"])
async def test_a_sendable_message_has_a_send_time_in_their_working_hours(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any], tz: str
) -> None:
    result = await engine.personalize_message(marta(preferences={"timezone": tz}), template)
    assert result.status == "ready" and result.send_at
    when = datetime.fromisoformat(result.send_at)
    local = when.astimezone(zone_named(tz))
    assert when.utcoffset() == local.utcoffset()  # written with their own offset
    assert local.weekday() < 5 and 9 <= local.hour < 17
    assert NOW < when < NOW + timedelta(days=5)
    assert any(r.startswith("send window:") and result.send_at in r for r in result.reasons)


async def test_a_scheduled_message_is_timed_after_its_date_and_a_blocked_one_not_at_all(
    engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    later = marta(sent(12), wrote(10, "Not now. Try me again in two months, please."))
    scheduled = await engine.personalize_message(later, template)  # Madrid, from the location
    assert scheduled.status == "scheduled" and scheduled.send_at and scheduled.not_before
    when = datetime.fromisoformat(scheduled.send_at)
    assert when.date() >= date.fromisoformat(scheduled.not_before)
    assert when.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # CET or CEST
    old_no = marta(sent(12), wrote(10, "No thanks"))  # past the thank-you days: nothing at all
    blocked = await engine.personalize_message(old_no, template)
    assert blocked.status == "blocked" and blocked.send_at is None


async def test_the_stores_lifecycle_drives_the_next_message(
    data_dir: str, engine: IntelligentPersonalizationEngine, template: dict[str, Any]
) -> None:
    from ipe import FeedbackLoop

    loop = FeedbackLoop("t", data_dir=data_dir)
    first = await engine.personalize_message(marta(), template)
    preview = await engine.personalize_message(marta(), template)
    assert preview.relationship.stage == "cold"  # a draft that was never sent is not contact
    await loop.update_model(first.message_id, {"event": "sent", "at": ago(9)})
    follow = await engine.personalize_message(marta(), template)
    assert (follow.relationship.stage, follow.relationship.follow_up) == ("awaiting_reply", 1)
    words = "Ahora no, escríbeme dentro de dos semanas"
    await loop.update_model(
        first.message_id, {"event": "replied", "reply_text": words, "at": ago(3)}
    )
    held = await engine.personalize_message(marta(), template)
    written = (NOW - timedelta(days=3)).date()
    assert held.status == "scheduled" and held.relationship.asked_for == words
    assert held.not_before == (written + timedelta(days=14)).isoformat()
