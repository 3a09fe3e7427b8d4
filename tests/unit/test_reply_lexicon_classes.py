"""Reply classes met in round 3's development set, fixed as classes, with sentences written here.

- "stop" as an imperative followed by a verb of contacting, in any language ("прекратите мне
  писать", "smettete di scrivermi", "arrêtez de m'écrire"), and the Japanese polite "please refrain
  from contacting" are opt-outs;
- an opt-out word quoted as a word, others' spamming, and an unsubscribe they say is not needed
  (in German too) are not;
- someone else to write to, named by an imperative with a third-person object, is a referral;
- a one-word refusal sentence ("pass.") and "I'll have to decline" are declines;
- an informal call medium or an offered availability is a call;
- "try again" with a named time is a deferral.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.context.deferrals import find_deferral
from ipe.tools.learning.replies import read_reply

CEASE = {
    "ru": (["Прекратите", "Перестаньте"], ["мне писать.", "присылать мне это.", "мне звонить."]),
    "uk": (["Припиніть", "Перестаньте"], ["мені писати.", "надсилати це."]),
    "pl": (["Przestańcie", "Przestań"], ["do mnie pisać.", "wysyłać mi wiadomości."]),
    "it": (["Smettete", "Smettila"], ["di scrivermi.", "di mandarmi email.", "di contattarmi."]),
    "nl": (["Stop met", "Hou op met"], ["mij te mailen.", "me te schrijven."]),
    "fr": (["Arrêtez", "Cessez"], ["de m'écrire.", "de m'envoyer ces messages."]),
    "de": (["Hört auf,", "Hören Sie auf,"], ["mir zu schreiben.", "mir Mails zu schicken."]),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CEASE)), st.integers(0, 1), st.integers(0, 2))
def test_stop_then_a_verb_of_contacting_is_an_opt_out_in_any_language(
    language: str, a: int, b: int
) -> None:
    stops, rests = CEASE[language]
    text = f"Это уже слишком. {stops[a]} {rests[b % len(rests)]}"
    text = text if language in ("ru", "uk") else f"{stops[a]} {rests[b % len(rests)]}"
    assert read_reply(text).spec.suppress, text


def test_the_japanese_polite_refrain_from_contacting_is_an_opt_out() -> None:
    assert read_reply("素敵なご提案ですが、今後のご連絡はお控えください。").spec.suppress


NOT_OPT_OUTS = [
    "lol the way you hid 'unsubscribe' at the very bottom in 6pt font 😂 anyway what's the rate?",
    "I muted three skincare brands last week for spamming my inbox, yours is different. Details?",
    "Du musst mich nicht gleich austragen, nur diesen Monat passt es nicht.",
]


@pytest.mark.parametrize("text", NOT_OPT_OUTS)
def test_a_quoted_word_others_spamming_or_no_need_to_unsubscribe_is_not_an_opt_out(
    text: str,
) -> None:
    assert not read_reply(text).spec.suppress, read_reply(text).reasons


REFERRALS = [
    "No soy el indicado, pero mi socio lleva esto: escríbele a rafa@taller.example",
    "Não sou a pessoa certa, fala com ela: bia@loja.example",
    "Je ne suis pas la bonne personne, écrivez-lui : claire@atelier.example",
    "Ich bin nicht die Richtige dafür, schreib ihr: jana@studio.example",
    "Not my area, email her at dee@shop.example",
]


@pytest.mark.parametrize("text", REFERRALS)
def test_someone_else_to_write_to_is_a_referral(text: str) -> None:
    assert read_reply(text).intent == "referral", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "third pitch from a candle brand today. pass.",
        "Muito fofo, mas vou ter que recusar. Sucesso!",
        "Otro programa de afiliados más esta semana. Paso.",
    ],
)
def test_a_one_word_refusal_or_having_to_decline_is_a_decline(text: str) -> None:
    assert read_reply(text).intent == "declined", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "adorei!! bora fazer uma videochamada amanhã?",
        "Super, on se fait une visio jeudi ? Je suis libre le matin.",
    ],
)
def test_an_informal_call_or_an_offered_availability_is_a_call(text: str) -> None:
    assert read_reply(text).intent == "interested_call", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "We only plan collaborations per quarter, try me again in the third quarter.",
        "Wir planen halbjährlich, melden Sie sich im dritten Quartal nochmal.",
    ],
)
def test_try_again_with_a_named_time_is_a_deferral(text: str) -> None:
    assert read_reply(text).intent == "deferral", read_reply(text).reasons


def test_valentines_is_a_holiday_in_the_date_data() -> None:
    text = "Écris-moi après la Saint-Valentin."
    found = find_deferral(text, datetime(2026, 12, 9), language="fr")
    assert found is not None and found.until == date(2027, 2, 15)


@pytest.mark.parametrize(
    "text",
    [
        "Fechado! Me liga no zoom amanhã?",
        "Bora, marca uma reunião no meet na quinta.",
    ],
)
def test_portuguese_no_is_a_preposition_not_a_negation(text: str) -> None:
    assert read_reply(text).intent == "interested_call", read_reply(text).reasons


def test_portuguese_nao_still_negates() -> None:
    assert read_reply("Não quero reunião, obrigado.").intent != "interested_call"


@pytest.mark.parametrize(
    "text",
    [
        "Hi! How does the affiliate program work exactly?",
        "Olá, como funciona o programa? Me conta um pouco mais.",
        "Bonjour, pourriez-vous m'en dire plus ? Je ne vois pas comment ça fonctionne.",
        "Hallo, wie funktioniert das Programm genau?",
    ],
)
def test_asking_how_the_programme_works_is_asking_for_details(text: str) -> None:
    assert read_reply(text).intent == "asked_for_details", read_reply(text).reasons
