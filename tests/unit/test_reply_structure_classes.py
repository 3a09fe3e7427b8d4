"""Readings made from how a reply is built (tools/learning/structure.py): sentences written here.

Classes: a refusal limited in time is a deferral; a figure in a proposing frame is a counter-offer;
an absence with a promise to answer is an auto-reply; irony over a warm reading goes to a person;
a clock time names a meeting. Each in the five languages the rules read.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.learning.replies import read_reply

NOT_NOW = [
    "We're fully booked at the moment, sorry. Happy to talk again in autumn.",
    "Not for us right now. Maybe later.",
    "Ahora mismo no puedo, lo siento. Escríbeme después de Semana Santa.",
    "Agora não dá, obrigado. Mais pra frente a gente conversa.",
    "Pas pour le moment, merci. Recontactez-moi après Pâques.",
    "Momentan keine Zeit, leider. Gerne wieder im Herbst.",
]


@pytest.mark.parametrize("text", NOT_NOW)
def test_a_refusal_limited_in_time_is_a_deferral(text: str) -> None:
    assert read_reply(text).intent == "deferral", read_reply(text).reasons


STILL_DECLINED = [
    "Not for me, my channel is about gaming. Thanks anyway.",
    "No thanks, we signed with another brand in March.",
    "Gracias, pero no es para mí ahora ni más adelante.",
    "Kein Interesse, danke.",
]


@pytest.mark.parametrize("text", STILL_DECLINED)
def test_a_refusal_with_no_limit_in_time_stays_declined(text: str) -> None:
    assert read_reply(text).intent == "declined", read_reply(text).reasons


COUNTER_OFFERS = [
    "Affiliate only doesn't work for me. I'd do a dedicated reel for $300 plus the link.",
    "If you can raise it to 25% I'm in.",
    "Con el 10% no me compensa. Lo hago por un 18% y 200 € fijos.",
    "10% é pouco. Faço por 20% e o produto de graça.",
    "Je préfère un fixe : 400 € la vidéo, ça vous va ?",
    "Mit 8 % wird das nichts. Für 15 % und 300 € Pauschale mache ich es.",
]


@pytest.mark.parametrize("text", COUNTER_OFFERS)
def test_a_figure_in_a_proposing_frame_is_a_counter_offer(text: str) -> None:
    assert read_reply(text).intent == "negotiation", read_reply(text).reasons


QUESTIONS_WITH_FIGURES = [
    "Is the commission 20% on every order?",
    "im based in brazil, do you pay via pix? transfer fees eat like 10% here",
]


@pytest.mark.parametrize("text", QUESTIONS_WITH_FIGURES)
def test_a_figure_in_a_question_is_not_a_counter_offer(text: str) -> None:
    assert read_reply(text).intent != "negotiation", read_reply(text).reasons


AWAY = [
    "Hi! I'm offline for a few days and will reply when I'm back.",
    "Hola, estoy desconectada esta semana; te responderé a mi regreso.",
    "Olá! Estou sem acesso ao e-mail e respondo assim que voltar.",
    "Bonjour, je suis indisponible cette semaine, je vous répondrai dès mon retour.",
    "Hallo, ich bin unterwegs und melde mich nach meiner Rückkehr.",
]


@pytest.mark.parametrize("text", AWAY)
def test_an_absence_with_a_promise_to_answer_is_out_of_office(text: str) -> None:
    assert read_reply(text).intent == "out_of_office", read_reply(text).reasons


IRONY = [
    "Oh wow, exactly what my inbox needed 🙄",
    "Sure, send me the details 🙄",
    "Genau, erzähl mir mehr 🙄",
]


@pytest.mark.parametrize("text", IRONY)
def test_irony_over_a_warm_reading_goes_to_a_person(text: str) -> None:
    reading = read_reply(text)
    assert reading.intent == "unclear" and reading.needs_review, reading.reasons


def test_a_clock_time_in_a_booking_is_a_call_not_a_wait() -> None:
    text = "Booked the 3:30 slot on the 14th via your calendar link, speak then."
    assert read_reply(text).intent == "interested_call", read_reply(text).reasons


_NOW_THEN = st.sampled_from(
    [
        (["Not right now.", "Not at the moment, sorry."], "Try me again after the summer."),
        (["Ahora no.", "De momento no, gracias."], "Escríbeme después del verano."),
        (["Agora não.", "Neste momento não dá."], "Fala comigo depois do verão."),
        (["Pas maintenant.", "Pour le moment, non merci."], "Écrivez-moi après l'été."),
        (["Gerade nicht.", "Im Moment leider nicht."], "Schreiben Sie mir nach dem Sommer."),
    ]
)


@settings(max_examples=40, deadline=None)
@given(_NOW_THEN, st.integers(0, 1))
def test_not_now_then_a_time_after_which_to_write_is_never_a_decline(
    pair: tuple[list[str], str], pick: int
) -> None:
    text = f"{pair[0][pick]} {pair[1]}"
    reading = read_reply(text)
    assert reading.intent == "deferral", (text, reading.reasons)


_OPT_OUT = st.sampled_from(
    ["Please stop emailing me.", "No me escribáis más.", "Ne me contactez plus."]
)
_SHAPE = st.sampled_from(
    [
        "Maybe later.",
        "I'd do it for 20% though.",
        "I'm away and will reply when back.",
        "🙄",
        "Call at 10:30?",
    ]
)


@settings(max_examples=40, deadline=None)
@given(_OPT_OUT, _SHAPE)
def test_no_structure_ever_turns_an_opt_out_into_something_else(opt_out: str, shape: str) -> None:
    assert read_reply(f"{opt_out} {shape}").spec.suppress


ASKS_ABOUT_THE_OFFER = [
    "Hey, do you send a sample box before we start?",
    "Schickt ihr vorab ein Muster? Mein Studio ist eher klein.",
    "Envoyez-vous un échantillon avant de commencer ?",
    "¿Enviáis una muestra antes de empezar?",
    "Vocês mandam um kit de teste antes?",
]


@pytest.mark.parametrize("text", ASKS_ABOUT_THE_OFFER)
def test_a_question_about_what_we_offer_is_not_a_counter_offer(text: str) -> None:
    assert read_reply(text).intent == "question", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Could you do a flat fee instead of commission?",
        "Do you pay 25% if I post twice a month? I'd do it for that.",
    ],
)
def test_a_question_that_states_terms_stays_a_counter_offer(text: str) -> None:
    assert read_reply(text).intent == "negotiation", read_reply(text).reasons


def test_their_own_plan_to_read_later_is_not_a_deferral() -> None:
    reading = read_reply("Thanks, got it! I'll have a look later this week.")
    assert reading.intent != "deferral", reading.reasons


def test_later_refused_with_neither_stays_declined() -> None:
    reading = read_reply("No gracias, ahora mismo no me interesa y tampoco más adelante.")
    assert reading.intent == "declined", reading.reasons


@pytest.mark.parametrize(
    "text",
    ["Genial, ¿hablamos el jueves a las 10:00?", "Sounds good, can we talk Friday at 2pm?"],
)
def test_a_clock_time_with_a_talk_verb_is_a_call(text: str) -> None:
    assert read_reply(text).intent == "interested_call", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Cheers, I'll take a look later tonight.",
        "Gracias, lo miro más tarde.",
        "Valeu, vou dar uma olhada mais tarde.",
        "Merci, je jette un oeil plus tard.",
        "Danke, schaue ich mir nachher an.",
    ],
)
def test_their_plan_to_read_it_later_is_thanks_not_a_wait(text: str) -> None:
    assert read_reply(text).intent != "deferral", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Not right now. I'll have a look later, maybe in March.",
        "Pas maintenant, je regarde ça plus tard, recontactez-moi en mars.",
    ],
)
def test_a_plan_to_read_later_beside_a_limit_in_time_stays_a_deferral(text: str) -> None:
    assert read_reply(text).intent == "deferral", read_reply(text).reasons


# Class: a request to send (again) the program as a whole is asking for the details, in every
# language, whatever else the reply says (a spam folder, thanks, a greeting). Examples written
# here; the round-3 blind holdout showed the class after its measure.
@pytest.mark.parametrize(
    "reply",
    [
        "Your first mail went to junk. Could you resend everything about the program?",
        "Thanks! Happy to look. Can you forward the full details to my work address?",
        "Hola, ¿me podrías reenviar todo sobre el programa? No me llegó bien.",
        "Oi! Consegue me mandar de novo os detalhes do programa?",
        "Bonjour, pourriez-vous me renvoyer toutes les informations sur le programme ?",
        "Hallo, könnten Sie mir die Unterlagen zum Programm bitte noch einmal zuschicken?",
    ],
)
def test_a_request_to_send_the_program_whole_is_asking_for_details(reply: str) -> None:
    assert read_reply(reply).intent == "asked_for_details"


@pytest.mark.parametrize(
    "reply",
    [
        "What's your commission rate? Could you send me that number?",
        "Thanks, I already sent the details to my manager.",
    ],
)
def test_one_topic_or_our_own_sending_is_not_a_request_for_the_whole(reply: str) -> None:
    assert read_reply(reply).intent != "asked_for_details"
