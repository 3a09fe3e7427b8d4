"""A question the template answers is answered, in the message's language; only the rest waits.

Class: replies said "I'll answer the rest of your question shortly" where the template held the
answer (a payout schedule asked in German was answered with the rate, or with an English claim),
and "the rest" where nothing had been answered. Payout schedules and methods are read from the
approved claims and worded by each bank; a topic left open is named. Invented examples.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Offer, Relationship, Sender, Template, VariationPlan
from ipe.prompts import LANGUAGES
from ipe.tools.trust.outbound import outbound_findings
from ipe.tools.writing.answers import topics_of
from ipe.tools.writing.offline_drafter import bank, compose
from ipe.tools.writing.terms import Payout, read_payout

TEMPLATE = Template(
    id="t-answers",
    brand="Brightwell",
    sender=Sender(name="Oona Reyes"),
    offer=Offer(summary="ergonomic standing desks", commission="11%", cookie_days=35),
    approved_claims=[
        "11% commission on every desk sale you refer",
        "commissions are paid out every month via PayPal or bank transfer",
    ],
    links=["https://brightwell.example/partners"],
)

# Ways of asking, per language: (question, topic it asks, what the answer must contain).
ASKS = {
    "en": [
        ("When do commissions get paid out?", "payout", "monthly"),
        ("How long does the cookie last?", "cookie", "35"),
        ("What commission rate do you pay?", "rates", "11"),
    ],
    "de": [
        ("Wann wird die Provision ausgezahlt?", "payout", "monthly"),
        ("Wie lange ist die Laufzeit des Cookies?", "cookie", "35"),
        ("Wie viel Prozent Provision gibt es?", "rates", "11"),
    ],
    "es": [
        ("¿Cuándo pagan las comisiones?", "payout", "monthly"),
        ("¿Cuál es la ventana de la cookie?", "cookie", "35"),
        ("¿Qué porcentaje de comisión pagan?", "rates", "11"),
    ],
    "fr": [
        ("Quand la commission est-elle versée ?", "payout", "monthly"),
        ("Quelle est la durée du cookie ?", "cookie", "35"),
        ("Quel est le taux de commission ?", "rates", "11"),
    ],
    "pt": [
        ("Quando vocês pagam as comissões?", "payout", "monthly"),
        ("Qual é a janela do cookie?", "cookie", "35"),
        ("Qual é a porcentagem de comissão?", "rates", "11"),
    ],
}


def _answer(question: str, language: str, channel: str = "instagram") -> str:
    rel = Relationship(stage="asked_for_details", intent="question", asked_for=question)
    plan = VariationPlan(id="v1", tone="professional", angle="generic", cta="reply")
    return compose(
        plan,
        facts=[],
        template=TEMPLATE,
        first_name="Jo",
        channel=channel,
        links_allowed=True,
        seed="answers",
        language=language,
        relationship=rel,
    ).body


def _stalls(language: str) -> list[str]:
    answer = bank(language)["answer"]
    phrases = [*answer["open_question"], *answer["open_topics"]]
    return [p.split("{")[0].strip() for p in phrases if p.split("{")[0].strip()]


READ = sorted(ASKS)
"""The languages whose questions the topic rules read (tools/policies/questions.toml); every bank
language's answers are written (test_every_bank_language.py)."""


@settings(max_examples=120, deadline=None)
@given(
    language=st.sampled_from(READ),
    picks=st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
    channel=st.sampled_from(["instagram", "email", "x", "linkedin"]),
)
def test_no_stall_when_the_template_answers_every_topic(
    language: str, picks: list[int], channel: str
) -> None:
    asked = [ASKS[language][i] for i in picks]
    question = " ".join(q for q, _, _ in asked)
    assert {t for _, t, _ in asked} <= set(topics_of(question)), question
    body = _answer(question, language, channel)
    for stall in _stalls(language):
        assert stall not in body, (stall, body)
    schedule = bank(language)["terms"]["schedules"]["monthly"]
    for _, _, needed in asked:
        assert (schedule if needed == "monthly" else needed) in body, body


@pytest.mark.parametrize("language", READ)
def test_an_open_topic_is_named_and_the_known_part_answered(language: str) -> None:
    minimum = {
        "en": "Is there a minimum payout?",
        "de": "Gibt es einen Mindestbetrag für die Auszahlung?",
        "es": "¿Hay un mínimo para el pago?",
        "fr": "Y a-t-il un seuil de paiement ?",
        "pt": "Existe um valor mínimo para pagamento?",
    }[language]
    body = _answer(minimum, language)
    names = bank(language)["answer"]["topic_names"]
    assert names["minimum"] in body, body
    assert bank(language)["terms"]["schedules"]["monthly"] in body, body
    assert names["other"] not in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", ["exclusivity", "minimum", "audience", "tracking", "contract"])
def test_naming_an_open_topic_claims_nothing(language: str, topic: str) -> None:
    """A topic named for a person ("exclusivity") is no claim of ours: the allow-list passes it."""
    name = bank(language)["answer"]["topic_names"][topic]
    for phrase in bank(language)["answer"]["open_topics"]:
        body = "Hi Jo,\n\n" + phrase.format(topics=name) + "\n\nOona"
        findings = outbound_findings(
            None, body, template=TEMPLATE, facts=[], trusted_texts=frozenset()
        )
        assert not findings, (findings, body)


def test_read_payout() -> None:
    assert read_payout("paid every two weeks by Wise") == Payout("biweekly", ("Wise",))
    assert read_payout("Commissions are paid quarterly") == Payout("quarterly")
    assert read_payout("payouts once you reach a $50 minimum") is None
    assert read_payout("families book and pay for lessons from one link") is None
