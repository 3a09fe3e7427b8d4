"""A check-back after a deferral with no date cites the exchange in the bank's words.

"Thanks, maybe later." gives no date phrase to quote, so the opener says "when we spoke in
September, you said later would suit you better"; the sendability gate accepts that restatement
(``[check_back] cites`` of each phrase bank) as citing what they said. A property over generated
dateless deferrals in every bank language, on every channel shape.
"""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ipe import IntelligentPersonalizationEngine
from ipe.domain import Prospect, Relationship, VariationPlan
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.context.relationship import assess, inbound_exchange
from ipe.tools.trust.grounding import check_grounding
from ipe.tools.trust.sendable import sendability
from ipe.tools.writing.facts import extract_facts
from ipe.tools.writing.language import detect
from ipe.tools.writing.offline_drafter import compose, trusted_vocabulary
from tests.unit.test_check_back_hook import COOK, TEMPLATE

# Pieces of a dateless deferral per language: a courtesy, a "not now", a "later".
THANKS = {
    "en": ["Thanks,", "Thank you!", "Appreciate it.", ""],
    "es": ["Gracias,", "¡Muchas gracias!", ""],
    "pt": ["Obrigada,", "Obrigado!", ""],
    "fr": ["Merci,", "Merci beaucoup.", ""],
    "de": ["Danke,", "Vielen Dank!", ""],
}
NOT_NOW = {
    "en": ["not right now", "too busy at the moment", "not at the moment", ""],
    "es": ["ahora no", "ahora mismo no puedo", "ahora estoy muy liada", ""],
    "pt": ["agora não", "agora não dá", "estou sem tempo agora", ""],
    "fr": ["pas maintenant", "pas pour le moment", ""],
    "de": ["gerade nicht", "im Moment nicht", ""],
}
LATER = {
    "en": ["maybe later", "perhaps later", "try me later", "maybe another time"],
    "es": ["quizás más adelante", "tal vez más adelante", "escríbeme más tarde"],
    "pt": ["talvez mais tarde", "quem sabe mais para frente", "talvez depois"],
    "fr": ["peut-être plus tard", "recontactez-moi plus tard", "plus tard peut-être"],
    "de": ["vielleicht später", "melde dich später nochmal", "vielleicht später mal"],
}
CHANNELS = ["email", "instagram", "x", "linkedin", "tiktok", "facebook"]


@st.composite
def dateless_deferrals(draw: st.DrawFn) -> tuple[str, str]:
    language = draw(st.sampled_from(sorted(LATER)))  # the languages the reply rules read
    parts = [
        draw(st.sampled_from(THANKS[language])),
        draw(st.sampled_from(NOT_NOW[language])),
        draw(st.sampled_from(LATER[language])),
    ]
    text = ", ".join(p.rstrip(",") for p in parts[1:] if p)
    text = f"{parts[0]} {text}".strip() + draw(st.sampled_from([".", "!", "", " :)"]))
    return language, text[:1].upper() + text[1:]


def _relationship(text: str, language: str, written: datetime | None) -> Relationship:
    exchange = inbound_exchange(written, "email", text, "interaction_history[0]")
    assert exchange is not None
    now = (written or datetime(2026, 5, 20, tzinfo=UTC)) + timedelta(days=200)
    return assess([exchange], now=now, language=language)


def _compose(rel: Relationship, language: str, channel: str) -> str:
    facts, _ = extract_facts(COOK)
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="reply")
    return compose(
        plan,
        facts=facts,
        template=TEMPLATE,
        first_name="Marco",
        channel=channel,
        links_allowed=False,
        seed=f"{COOK.id}-{channel}",
        language=language,
        prospect=COOK,
        relationship=rel,
    ).body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deferral=dateless_deferrals(),
    channel=st.sampled_from(CHANNELS),
    dated=st.booleans(),
    month=st.integers(min_value=1, max_value=12),
)
def test_a_dateless_deferral_check_back_cites_the_exchange_in_every_language(
    deferral: tuple[str, str], channel: str, dated: bool, month: int
) -> None:
    language, text = deferral
    written = datetime(2026, month, 14, tzinfo=UTC) if dated else None
    rel = _relationship(text, language, written)
    assume(rel.stage == "check_back_due" and rel.intent == "deferral")
    assert rel.asked_when is None, (text, rel.asked_when)
    body = _compose(rel, language, channel)
    cites = load_bank(f"{language}/message")["check_back"]["cites"]
    assert any(c in body for c in cites), body
    reasons = sendability(body, language=language, template=TEMPLATE, relationship=rel)
    assert not reasons, (text, body, reasons)
    facts, _ = extract_facts(COOK)
    findings = check_grounding(
        None,
        body,
        facts=facts,
        template=TEMPLATE,
        prospect_name="Marco Bellini",
        excluded=[],
        trusted_texts=trusted_vocabulary(),
        language=language,
    )
    assert not findings, (body, findings)


def test_every_bank_restates_a_dateless_deferral_in_each_opener() -> None:
    for language in LANGUAGES:
        section = load_bank(f"{language}/message")["check_back"]
        cites = section["cites"]
        for opener in [*section["opener_asked"], *section["opener_asked_undated"]]:
            assert any(c in opener for c in cites), (language, opener)
        assert all("{month}" in o for o in section["opener_asked"]), language


def test_the_month_they_wrote_in_is_named_in_the_message_language() -> None:
    written = datetime(2026, 9, 3, tzinfo=UTC)
    months = {"en": "September", "es": "septiembre", "pt": "setembro", "fr": "septembre"}
    months["de"] = "September"
    for language, month in months.items():
        rel = _relationship(LATER[language][0].capitalize() + ".", language, written)
        assert month in _compose(rel, language, "email"), language


def test_a_message_that_cites_neither_their_words_nor_the_restatement_is_held() -> None:
    rel = _relationship("Thanks, maybe later.", "en", datetime(2026, 5, 20, tzinfo=UTC))
    body = "Hi Marco,\n\nChecking back, as you asked. Forge & Pan's offer is still open.\n\nLena"
    reasons = sendability(body, language="en", template=TEMPLATE, relationship=rel)
    assert "it is sent when they asked, and does not cite what they said" in reasons


def _with_history(outbound: str, published: list[str]) -> Prospect:
    return Prospect(
        id="cook-10",
        name="Marco Bellini",
        platform="instagram",
        recent_content=[
            {"title": f"Pan test number {i + 1}", "published_at": day}
            for i, day in enumerate(published)
        ],
        interaction_history=[
            {"at": "2026-10-01T09:00:00Z", "direction": "outbound", "text": outbound},
        ],
    )


@settings(max_examples=60, deadline=None)
@given(
    cited=st.integers(min_value=0, max_value=2),
    days=st.lists(
        st.sampled_from(["2026-09-20", "2026-10-01", "2026-10-05", ""]), min_size=3, max_size=3
    ),
    stage=st.sampled_from(["awaiting_reply", "check_back_due", "deferred"]),
    channel=st.sampled_from(["email", "instagram", "x"]),
)
def test_news_since_then_is_new_and_never_what_the_first_note_cited(
    cited: int, days: list[str], stage: str, channel: str
) -> None:
    outbound = f'Hi Marco, loved "Pan test number {cited + 1}". Forge & Pan pays 12%.'
    prospect = _with_history(outbound, [d or None for d in days])
    rel = Relationship(
        stage=stage,
        follow_up=1,
        days_since_outbound=9,
        asked_for="Thanks, maybe later.",
        asked_at="2026-10-01T10:00:00Z",
        not_before="2026-12-30",
    )
    facts, _ = extract_facts(prospect)
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="reply")
    body = compose(
        plan,
        facts=facts,
        template=TEMPLATE,
        first_name="Marco",
        channel=channel,
        links_allowed=False,
        seed="s",
        prospect=prospect,
        relationship=rel,
    ).body
    assert f"Pan test number {cited + 1}" not in body, body
    for i, day in enumerate(days):
        if day and day <= "2026-10-01":
            assert f"Pan test number {i + 1}" not in body, body


def test_a_held_draft_is_the_check_back_written_for_its_day() -> None:
    rel = _relationship("Thanks, maybe later.", "en", datetime(2026, 11, 25, tzinfo=UTC))
    held = rel.model_copy(update={"stage": "deferred"})
    body = _compose(held, "en", "email")
    assert "When we spoke in November" in body or "In November" in body, body
    assert "I'm Lena" not in body and "this week" not in body
    assert not sendability(body, language="en", template=TEMPLATE, relationship=held)


def _away_record(language: str) -> dict[str, object]:
    return {
        "id": f"away-{language}",
        "name": "Tomasz Nowak",
        "email": "tomasz@example.org",
        "bio": "Home barista reviewing hand grinders.",
        "preferences": {"language": language},
        "interaction_history": [
            {"at": "2026-12-01T09:00:00Z", "direction": "outbound", "text": "Hi Tomasz, ..."},
            {
                "at": "2026-12-01T09:05:00Z",
                "direction": "inbound",
                "text": "I am out of the office until 4 January 2027.",
                "outcome": "out_of_office",
            },
        ],
    }


def test_a_draft_held_for_a_return_is_a_follow_up_and_one_to_read_first_keeps_its_date(
    tmp_path: Path,
) -> None:
    template = json.loads(Path("examples/template.json").read_text())
    engine = IntelligentPersonalizationEngine(
        user_id="held", data_dir=str(tmp_path), durable=False, llm="none"
    )
    held = asyncio.run(engine.personalize_message(_away_record("en"), template))
    assert held.status == "scheduled" and held.not_before == "2027-01-04", held.reasons
    assert "following up" in held.body.lower() or "follow-up" in held.body, held.body
    assert "later would suit" not in held.body
    assert "I'm Maya" not in held.body
    polish = asyncio.run(engine.personalize_message(_away_record("pl"), template))  # a bank
    assert polish.status == "scheduled" and polish.not_before == "2027-01-04", polish.reasons
    assert detect(polish.body.partition("\n---\n")[0]) == "pl", polish.body
    swedish = asyncio.run(engine.personalize_message(_away_record("sv"), template))  # a bank
    assert swedish.status == "scheduled" and swedish.not_before == "2027-01-04", swedish.reasons
    assert detect(swedish.body.partition("\n---\n")[0]) == "sv", swedish.body
    finnish = asyncio.run(engine.personalize_message(_away_record("fi"), template))  # no bank
    assert finnish.status == "needs_review" and finnish.not_before == "2027-01-04", finnish.reasons
