"""Replies understood and answered: every opt-out suppresses on every path, each intent its answer.

A prospect replies; the engine reads the words (not the record's label), holds or answers per the
intent registry, names the brand in its own reply drafts, and never pitches to a decline or an
opt-out, in any language, through the record's history or a feedback event.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import PersonalizationResult, Template
from ipe.tools.learning.replies import read_reply
from ipe.tools.writing.brand import promotes

OPT_OUTS = [
    "Cancellatemi dalla lista, grazie.",
    "Proszę więcej do mnie nie pisać.",
    "Avregistrera mig från era utskick.",
    "Lütfen bana bir daha yazmayın.",
    "더 이상 연락하지 마세요",
    "Больше не пишите мне.",
    "R E M O V E  M E",
    "un\u200bsubscribe",
    "not interested, don't follow up",
]


def _with_reply(prospect: dict[str, Any], text: str, outcome: str | None = None) -> dict[str, Any]:
    data = copy.deepcopy(prospect)
    now = datetime.now(UTC)
    data["interaction_history"] = [
        {"at": (now - timedelta(days=6)).isoformat(), "direction": "outbound", "text": "Hi!"},
        {
            "at": (now - timedelta(days=5)).isoformat(),
            "direction": "inbound",
            "text": text,
            **({"outcome": outcome} if outcome else {}),
        },
    ]
    return data


@pytest.mark.parametrize("reply", OPT_OUTS)
async def test_an_opt_out_in_the_history_blocks_in_any_language(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any], reply: str
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(_with_reply(prospects["ana-email"], reply), template)
    assert result.status == "blocked" and result.body == "", (reply, result.reasons)
    entries = await FeedbackLoop("t", data_dir=data_dir).suppressions()
    assert [e.reason for e in entries] == ["unsubscribed"]  # on the list: no later record forgets
    later = await engine.personalize_message(prospects["ana-email"], template)  # history gone
    assert later.status == "blocked"


@pytest.mark.parametrize("reply", OPT_OUTS)
async def test_an_opt_out_given_as_a_feedback_event_suppresses(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any], reply: str
) -> None:
    ana = prospects["ana-email"]
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(ana, template)
    loop = FeedbackLoop("t", data_dir=data_dir)
    await loop.update_model(first.message_id, {"event": "replied", "reply_text": reply})
    assert [e.reason for e in await loop.suppressions()] == ["unsubscribed"], reply
    again = await engine.personalize_message(ana, template)
    assert again.status == "blocked"


async def test_a_reply_that_only_mentions_unsubscribing_is_not_suppressed(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    ana = prospects["ana-email"]
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(ana, template)
    loop = FeedbackLoop("t", data_dir=data_dir)
    text = "Your unsubscribe link is broken btw. Anyway, what's the commission?"
    await loop.update_model(first.message_id, {"event": "replied", "reply_text": text})
    assert await loop.suppressions() == []


async def test_the_words_decide_over_the_records_label(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    reply = "Thanks, but we already work with another outdoor brand, so we'll pass."
    record = _with_reply(prospects["ana-email"], reply, outcome="interested")
    result = await engine.personalize_message(record, template)
    assert result.status in ("blocked", "needs_review")  # at most a thank-you, for a person
    assert not promotes(result.body, Template.model_validate(template))
    assert result.relationship is not None and result.relationship.stage == "declined"
    assert read_reply(reply, hint="interested").reasons[-1].endswith("the words decide")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Sounds interesting! Could we do a quick call on Thursday?", "call"),
        ("What's the commission, and how long is the cookie?", "15%"),
        ("Sounds good, send me the details please.", "15%"),
    ],
)
async def test_warm_replies_get_an_answer_that_names_the_brand_on_every_channel(
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    reply: str,
    expected: str,
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    for name in ("ana-email", *[k for k in prospects if k != "ana-email"][:2]):
        record = _with_reply(prospects[name], reply)
        result = await engine.personalize_message(record, template)
        assert result.status in ("ready", "needs_review"), (name, result.reasons)
        assert template["brand"] in result.body, (name, result.body)
        assert expected in result.body, (name, result.body)


async def test_a_question_the_template_cannot_answer_goes_to_a_person(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    reply = "Is the program exclusive? I already promote two other gear brands."
    result = await engine.personalize_message(_with_reply(prospects["ana-email"], reply), template)
    assert result.status == "needs_review"
    assert any("exclusivity" in r and "their question" in r for r in result.reasons)


async def _answered(
    data_dir: str, template: dict[str, Any], prospect: dict[str, Any], reply: str
) -> PersonalizationResult:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    return await engine.personalize_message(_with_reply(prospect, reply), template)


async def test_a_question_an_approved_claim_answers_is_answered_from_it(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    claim = "Every pack is recycled nylon and ships plastic-free"
    claimed = dict(template, approved_claims=[*template.get("approved_claims", []), claim])
    reply = "Quick question: is the nylon in the packs recycled?"
    result = await _answered(data_dir, claimed, prospects["ana-email"], reply)
    assert "recycled nylon" in result.body, result.body
    assert not any("do not answer their question" in r for r in result.reasons), result.reasons


async def test_a_complaint_about_the_outreach_is_suppressed_not_answered(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    reply = "This was obviously a mass DM pretending to be personal. Don't do this."
    result = await _answered(data_dir, template, prospects["ana-email"], reply)
    assert result.status == "blocked" and result.body == "", result.reasons


async def test_a_referral_names_the_new_contact_in_the_next_action(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    reply = (
        "Bitte wenden Sie sich an unseren Marketingleiter, Herrn Paul Weber (p.weber@x.example)."
    )
    result = await _answered(data_dir, template, prospects["ana-email"], reply)
    assert result.status == "needs_review"
    assert any("next: write to Paul Weber <p.weber@x.example>" in r for r in result.reasons)


async def test_a_call_request_gets_the_booking_link(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    booked = dict(template, booking_link="https://trailpeak.example/book")
    reply = "Happy to chat, can we set up a quick call?"
    result = await engine.personalize_message(_with_reply(prospects["ana-email"], reply), booked)
    assert "https://trailpeak.example/book" in result.body, result.body


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("Counter-offer: 25% instead of 15% and I'm in.", "negotiation"),
        (
            "Please talk to my manager Jo Park, jo@talent.example, she handles brand deals.",
            "referral",
        ),
        ("¿Quién eres? No entiendo.", "unclear"),
    ],
)
async def test_replies_a_person_must_check_are_drafts_for_review(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any], reply: str, intent: str
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(_with_reply(prospects["ana-email"], reply), template)
    assert result.relationship is not None and result.relationship.intent == intent
    assert result.status == "needs_review", result.reasons
    if intent == "referral":
        assert result.body.startswith(("Hi Jo Park", "Hello Jo Park")), result.body


@pytest.mark.parametrize(
    "reply",
    ["", "   ", "x" * 50_000, "<html><body><div></div></body></html>", "🙂🙂🙂", "Ciao, chi sei?"],
)
def test_bad_input_is_a_reason_and_a_person_never_a_crash(reply: str) -> None:
    reading = read_reply(reply)
    assert reading.intent == "unclear" and reading.needs_review and reading.reasons


def test_html_mail_is_read_as_text_without_its_quote() -> None:
    html = (
        "<div>Sounds good, send me the details!</div>"
        '<div class="gmail_quote"><blockquote>Please remove me</blockquote></div>'
    )
    assert read_reply(html).intent == "asked_for_details"


def test_a_huge_reply_with_an_opt_out_is_an_opt_out() -> None:
    assert read_reply("blah " * 10_000 + "\nunsubscribe me").spec.suppress


async def test_the_latest_reply_decides_with_the_earlier_ones_as_context(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    data = copy.deepcopy(prospects["ana-email"])
    now = datetime.now(UTC)
    data["interaction_history"] = [
        {"at": (now - timedelta(days=60)).isoformat(), "direction": "outbound", "text": "Hi!"},
        {
            "at": (now - timedelta(days=59)).isoformat(),
            "direction": "inbound",
            "text": "Not now, ask me again in a few months.",
        },
        {
            "at": (now - timedelta(days=2)).isoformat(),
            "direction": "inbound",
            "text": "Ok, now is a good time. Send me the details!",
        },
    ]
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(data, template)
    assert result.relationship is not None
    assert (result.relationship.stage, result.relationship.intent) == (
        "asked_for_details",
        "asked_for_details",
    )
