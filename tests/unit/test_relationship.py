"""The relationship stage from a prospect's history and our sent messages, and what it allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Prospect
from ipe.memory.outcomes import MessageRecord, Reply
from ipe.tools.context.history import store_exchanges
from ipe.tools.context.relationship import assess, inbound_exchange, record_exchanges
from ipe.tools.trust.holds import hold

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def out(days: float, channel: str = "email", **extra: Any) -> dict[str, Any]:
    return {"at": ago(days), "channel": channel, "direction": "outbound", "text": "Hi", **extra}


def reply(days: float, text: str, **extra: Any) -> dict[str, Any]:
    return {"at": ago(days), "channel": "email", "direction": "inbound", "text": text, **extra}


def stage_of(*history: dict[str, Any], **kwargs: Any) -> Any:
    prospect = Prospect(id="p", name="Marta", interaction_history=list(history))
    return assess(record_exchanges(prospect), now=NOW, **kwargs)


def test_no_history_is_cold() -> None:
    rel = stage_of()
    assert rel.stage == "cold" and hold(rel) is None


def test_an_unanswered_message_makes_the_next_one_follow_up_one() -> None:
    rel = stage_of(out(5))
    assert (rel.stage, rel.follow_up, rel.days_since_outbound) == ("awaiting_reply", 1, 5)
    assert hold(rel) is None
    assert "1 message(s) sent without a reply" in rel.evidence[0]


def test_unanswered_messages_across_channels_count_towards_the_sequence() -> None:
    rel = stage_of(out(12, "email"), out(6, "linkedin"))
    assert (rel.stage, rel.follow_up) == ("awaiting_reply", 2)
    assert hold(rel) is None  # the second follow-up may still go
    assert "email, linkedin" in rel.evidence[0]


def test_the_sequence_ends_after_the_configured_follow_ups() -> None:
    rel = stage_of(out(20), out(13), out(6))
    assert (rel.stage, rel.follow_up) == ("awaiting_reply", 3)
    held = hold(rel)
    assert held and held[0] == "blocked" and "sequence ended" in held[1]


def test_an_old_sequence_starts_over_as_a_first_contact() -> None:
    rel = stage_of(out(400), out(390), out(380))
    assert rel.stage == "cold" and hold(rel) is None


def test_undelivered_outbound_items_are_not_contact() -> None:
    rel = stage_of(out(3, outcome="preview"), out(2, outcome="draft"), out(1, outcome="bounced"))
    assert rel.stage == "cold"


def test_a_deferral_not_yet_due_is_scheduled_until_its_date() -> None:
    rel = stage_of(out(40), reply(38, "Not now, try me again in January"))
    assert rel.stage == "deferred" and rel.not_before == "2027-01-01"
    assert rel.asked_for == "Not now, try me again in January"
    assert rel.asked_source == "interaction_history[1].text"
    assert hold(rel) == ("scheduled", "held until 2027-01-01: the prospect asked us to wait")
    assert any("'january'" in line for line in rel.evidence)


def test_a_deferral_resolves_from_when_they_wrote_not_from_today() -> None:
    # "next month" written on 10 September: October, long past; so a check-back is due now
    rel = stage_of(out(85), {**reply(0, "Busy. Next month?"), "at": "2026-09-10T08:00:00Z"})
    assert rel.stage == "check_back_due" and rel.not_before == "2026-10-01"
    assert rel.asked_for == "Busy. Next month?" and hold(rel) is None


def test_a_deferral_in_another_language_is_read_without_an_english_intent() -> None:
    rel = stage_of(out(30), reply(29, "Agora não, fala comigo depois das festas"))
    assert rel.stage == "deferred" and rel.not_before == "2027-01-04"  # first working day


def test_not_now_without_a_date_waits_the_default_period() -> None:
    rel = stage_of(out(30), reply(29, "Not a good time, sorry"))
    assert rel.stage == "deferred"
    assert rel.not_before == (NOW - timedelta(days=29) + timedelta(days=90)).date().isoformat()


def test_once_the_check_back_was_sent_the_next_message_is_its_follow_up() -> None:
    history = [
        {**out(0), "at": "2026-05-01T09:00:00Z"},
        {**reply(0, "Try me after the summer"), "at": "2026-05-02T09:00:00Z"},
        {**out(0), "at": "2026-09-03T09:00:00Z"},
    ]
    rel = stage_of(*history)
    assert (rel.stage, rel.follow_up) == ("awaiting_reply", 1)


def test_interest_asks_for_the_details_until_we_answer() -> None:
    asked = stage_of(out(4), reply(3, "Sounds great, send me the details and the terms"))
    assert asked.stage == "asked_for_details" and hold(asked) is None
    assert asked.asked_for == "Sounds great, send me the details and the terms"
    answered = stage_of(out(4), reply(3, "Sounds great, send me the details"), out(2))
    assert (answered.stage, answered.follow_up) == ("awaiting_reply", 1)


def test_a_question_is_owed_an_answer() -> None:
    rel = stage_of(out(4), reply(3, "What is the cookie window?"))
    assert rel.stage == "asked_for_details"


def test_a_decline_blocks_for_the_configured_period_then_expires() -> None:
    rel = stage_of(out(11), reply(10, "No thanks, not a fit for us"))
    assert rel.stage == "declined"
    assert rel.not_before == (NOW - timedelta(days=10) + timedelta(days=180)).date().isoformat()
    held = hold(rel)
    assert held and held[0] == "blocked" and "declined" in held[1]
    expired = stage_of(out(300), reply(200, "No thanks"))
    assert expired.stage == "cold" and hold(expired) is None


def test_an_opt_out_is_never_lost_even_after_a_later_friendly_reply() -> None:
    rel = stage_of(out(10), reply(9, "Please remove me from your list"), reply(2, "sounds great"))
    assert rel.stage == "opted_out"
    assert hold(rel) == ("blocked", "the prospect asked not to be contacted")
    assert stage_of(opted_out=True).stage == "opted_out"  # e.g. from this tenant's own store


def test_an_out_of_office_with_a_return_date_holds_until_then() -> None:
    rel = stage_of(out(2), reply(2, "Out of office until 2026-12-09, limited email access."))
    assert rel.stage == "deferred" and rel.not_before == "2026-12-09"
    plain = stage_of(out(2), reply(2, "I am out of the office with limited email access."))
    assert (plain.stage, plain.follow_up) == ("awaiting_reply", 1)  # an auto-reply is no reply


def test_an_outcome_on_our_message_is_their_answer() -> None:
    rel = stage_of(out(3, outcome="not_interested"))
    assert rel.stage == "declined"
    rel = stage_of(out(3, outcome="interested"))
    assert rel.stage == "asked_for_details" and rel.asked_for is None


def _record(mid: str, days: float, status: str = "ready") -> MessageRecord:
    return MessageRecord(
        message_id=mid,
        tenant="t",
        prospect_id="p",
        channel="email",
        segment="email:outdoor",
        tone="casual",
        angle="generic",
        cta="reply",
        body="Hi",
        status=status,
        created_at=ago(days),
        sent_at=ago(days),
    )


def test_the_stores_sent_messages_and_their_replies_are_exchanges() -> None:
    blocked = _record("m1", 9, "blocked")
    answered = _record("m2", 8)
    words = Reply(message_id="m2", at=ago(7), intent="not_now", text="Try me in January")
    exchanges = store_exchanges([(blocked, "pending"), (answered, "neutral")], [words])
    assert [(x.direction, x.intent) for x in exchanges] == [
        ("outbound", None),
        ("inbound", "deferral"),
    ]
    rel = assess(exchanges, now=NOW)
    assert (rel.stage, rel.not_before) == ("deferred", "2027-01-01")
    assert rel.asked_for == "Try me in January"
    # without recorded words, an outcome that means an answer stands in for one
    silent = store_exchanges([(_record("m3", 2), "interested")])
    assert assess(silent, now=NOW).stage == "asked_for_details"


def test_an_unreadable_reply_without_an_outcome_sets_no_stage() -> None:
    # e.g. words withheld as hostile by the sanitiser: nothing to answer, nothing to hold for
    rel = stage_of(out(5), reply(4, ""))
    assert (rel.stage, rel.follow_up) == ("awaiting_reply", 1)


async def test_the_chat_model_reads_replies_but_never_argues_an_opt_out_away() -> None:
    import itertools
    import json

    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from ipe.tools.context.relationship import model_intents

    answer = AIMessage(content=json.dumps({"intent": "not_interested"}))
    model = GenericFakeChatModel(messages=itertools.cycle([answer]))
    vague = Prospect(
        id="p", name="Marta", interaction_history=[out(5), reply(4, "Hmm, we will see.")]
    )
    read = await model_intents(model, vague)
    assert read == {1: "declined"}
    assert assess(record_exchanges(vague), now=NOW).stage == "asked_for_details"  # rules: neutral
    assert assess(record_exchanges(vague, read), now=NOW).stage == "declined"  # the model's view
    stop = Prospect(id="p", name="M", interaction_history=[out(5), reply(4, "Please remove me")])
    assert assess(record_exchanges(stop, {1: "interested"}), now=NOW).stage == "opted_out"
    garbage = GenericFakeChatModel(messages=itertools.cycle([AIMessage(content="lorem")]))
    assert await model_intents(garbage, vague) == {}  # an unusable model reads nothing


def test_an_out_of_office_without_a_return_date_is_held_for_a_person() -> None:
    rel = stage_of(out(2), reply(2, "Auto-reply: I am away and will answer when I am back."))
    assert rel.review and "no return date" in rel.review
    status, why = hold(rel) or ("", "")
    assert status == "needs_review" and "no return date" in why


def test_a_deferral_to_a_date_already_over_is_held_for_a_person() -> None:
    rel = stage_of(out(30), reply(29, "Not now, please write to me after 3 March 2025"))
    assert rel.stage == "deferred" and rel.review and "3 march 2025" in rel.review
    status, why = hold(rel) or ("", "")
    assert status == "needs_review" and "already over" in why


def test_a_deferral_with_no_date_states_the_default_hold() -> None:
    rel = stage_of(out(30), reply(29, "Not a good time, sorry"))
    assert rel.review is None and any("no date given" in e for e in rel.evidence)
    assert (hold(rel) or ("",))[0] == "scheduled"


def test_a_date_in_a_reply_the_rules_cannot_read_is_held_for_a_person() -> None:
    rel = stage_of(out(2), reply(2, "Sono fuori ufficio, rientro il 12 gennaio 2027"))
    assert rel.stage == "deferred" and rel.not_before == "2027-01-12" and rel.review
    assert (hold(rel) or ("",))[0] == "needs_review"


# A check-back quotes only the time phrase the date reader found, never the rest of their
# sentence (issue 21: "you asked me to check back next week suits me").
_TIME_ASKS = [
    ("Write to me after 12 January", "after 12 January"),
    ("Escríbeme a partir del 12 de enero", "a partir del 12 de enero"),
    ("Ahora estoy de viaje, escríbeme el mes que viene", "el mes que viene"),
    ("Get back to me next month", "next month"),
    # a lead that bounds the busy time is quoted as the time to write again
    ("We're heads-down on the office move through Q3, check back with me after that", "after Q3"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(_TIME_ASKS),
    st.sampled_from(["", " suits me (UK time)", " and we can talk then", " gracias", ", merci"]),
)
def test_a_deferral_quotes_only_the_time_phrase_never_the_rest(
    ask: tuple[str, str], tail: str
) -> None:
    written = datetime(2026, 11, 20, 10, tzinfo=UTC)
    text = f"{ask[0]}{tail}."
    exchange = inbound_exchange(written, "email", text, "interaction_history[1]")
    assert exchange is not None
    rel = assess([exchange], now=written + timedelta(days=1))
    assert rel.stage == "deferred", (text, rel)
    assert rel.asked_when == ask[1], (text, rel.asked_when)
