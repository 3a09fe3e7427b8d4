"""Who an opt-out word is about, and what it limits: reply classes, with sentences written here.

Classes (each fixed by a mechanism, not a phrase):
- a complaint ABOUT the message ("this is spam", "a mass mailing") with a plain decline and no
  demand to stop is a decline; alone, or with a demand, it stays an opt-out;
- "stop" whose object is praise is a joke, not a demand (a person reads it);
- an opt-out idiom in its literal sense, said of a thing ("it will get lost") decides nothing;
- a list or newsletter opt-out in a reply that, in a sentence of its own, invites more about the
  program (any language) is a newsletter-only opt-out, still suppressed.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.learning.replies import read_reply

COMPLAINT_DECLINES = [
    "Honestly this is spam. Not interested.",
    "You sent me a mass email with the wrong product in it. Not interested, thanks.",
    "Se nota que es un correo masivo. No me interesa, gracias.",
    "Isso é spam, não tenho interesse.",
    "C'est du spam tout ça. Pas intéressé.",
    "Das ist doch ein Serienbrief. Kein Interesse.",
]


@pytest.mark.parametrize("text", COMPLAINT_DECLINES)
def test_a_complaint_with_a_plain_decline_and_no_demand_is_a_decline(text: str) -> None:
    reading = read_reply(text)
    assert reading.intent == "declined", reading.reasons


COMPLAINT_DEMANDS = [
    "This is spam. Not interested, and take me off your list.",
    "Another mass mailing. Stop emailing me.",
    "Esto es spam. No me interesa, no me escribáis más.",
    "Isso é spam. Não me mandem mais nada.",
    "C'est du spam, arrêtez de m'écrire.",
    "Das ist Spam. Schreiben Sie mir nicht mehr.",
    "This is spam.",
    "Mass email. Gross.",
]


@pytest.mark.parametrize("text", COMPLAINT_DEMANDS)
def test_a_complaint_alone_or_with_a_demand_stays_an_opt_out(text: str) -> None:
    assert read_reply(text).spec.suppress, read_reply(text).reasons


PRAISE_STOPS = [
    "haha stop sending me such tempting offers, I already bought two",
    "Deja de mandarme cosas tan buenas jajaja",
    "Para de me mandar coisas tão boas kkkk",
]


@pytest.mark.parametrize("text", PRAISE_STOPS)
def test_stop_with_a_praised_object_is_not_an_opt_out(text: str) -> None:
    reading = read_reply(text)
    assert not reading.spec.suppress, reading.reasons
    assert reading.needs_review or reading.intent != "unclear"


LITERAL_IDIOMS = [
    "This inbox is shared, so it will get lost here. Please write to anna@shop.example instead.",
    "Emails to this address often get lost, try maria@studio.example please.",
]


@pytest.mark.parametrize("text", LITERAL_IDIOMS)
def test_an_idiom_said_of_a_thing_is_not_an_opt_out(text: str) -> None:
    assert not read_reply(text).spec.suppress, read_reply(text).reasons


NEWSLETTER_ONLY = [
    "Please take me off the tips list, it's too much. The affiliate program sounds good though, "
    "send me the details.",
    "Quítenme del boletín, por favor. Del programa de afiliados sí me podéis contar más.",
    "Me tirem da lista de e-mails, por favor. A parceria me interessa, pode me escrever.",
    "Retirez-moi de la liste de diffusion. Le partenariat m'intéresse, écrivez-moi.",
    "Bitte nehmen Sie mich aus dem Verteiler. Zum Partnerprogramm dürfen Sie mir gerne schreiben.",
    "Meld mig fra jeres nyhedsbrev. Om samarbejdet må I gerne skrive.",
]


@pytest.mark.parametrize("text", NEWSLETTER_ONLY)
def test_a_list_opt_out_beside_an_invitation_about_the_program_is_newsletter_only(
    text: str,
) -> None:
    reading = read_reply(text)
    assert reading.intent == "newsletter_unsubscribe", reading.reasons
    assert reading.spec.suppress


NEVER_CONTACT = [
    "Take me off your list. No partner program for me either.",
    "Unsubscribe me from everything, including the affiliate stuff.",
    "Please remove me. We keep the shop affiliate-free.",
    "Bitte nehmen Sie mich aus dem Verteiler. Am Partnerprogramm habe ich kein Interesse.",
]


@pytest.mark.parametrize("text", NEVER_CONTACT)
def test_an_opt_out_with_the_program_refused_or_widened_is_never_contact(text: str) -> None:
    assert read_reply(text).intent == "opted_out", read_reply(text).reasons


_DEMANDS = st.sampled_from(
    [
        "Please stop emailing me.",
        "Unsubscribe me.",
        "Remove me from your list.",
        "No me escribáis más.",
        "Não me mandem mais mensagens.",
        "Ne me contactez plus.",
        "Schreiben Sie mir nicht mehr.",
    ]
)
_FRIENDLY = st.sampled_from(
    [
        "Thanks so much, have a lovely week!",
        "Love your brand, truly 😊",
        "Muchas gracias y mucha suerte.",
        "Obrigada e boa sorte!",
        "Merci beaucoup, bonne journée.",
        "Danke und alles Gute!",
        "Not interested.",
        "This is spam.",
    ]
)


@settings(max_examples=60, deadline=None)
@given(_DEMANDS, _FRIENDLY, st.booleans())
def test_an_opt_out_demand_plus_friendly_words_or_a_complaint_is_still_an_opt_out(
    demand: str, friendly: str, first: bool
) -> None:
    text = f"{demand} {friendly}" if first else f"{friendly} {demand}"
    assert read_reply(text).spec.suppress, text


_THIRD = st.sampled_from(
    [
        "My readers keep asking how to unsubscribe from other brands' newsletters.",
        "Your unsubscribe link is broken, by the way.",
        "I stopped using my old blog last year.",
        "The post might get lost in the feed.",
    ]
)
_ASK = st.sampled_from(
    [
        "What is the commission?",
        "Can we set up a call next week?",
        "Send me the details please.",
    ]
)


@settings(max_examples=40, deadline=None)
@given(_THIRD, _ASK)
def test_an_opt_out_word_about_someone_or_something_else_never_suppresses(
    mention: str, ask: str
) -> None:
    reading = read_reply(f"{mention} {ask}")
    assert not reading.spec.suppress, (mention, ask, reading.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Unsubscribe me from the newsletter and don't contact me about the program either.",
        "Dadme de baja del boletín y no me escribáis sobre el programa.",
    ],
)
def test_a_second_opt_out_clause_beyond_the_newsletter_is_never_contact(text: str) -> None:
    assert read_reply(text).intent == "opted_out", read_reply(text).reasons


def test_a_spaced_out_elided_article_is_read_as_written_together() -> None:
    text = "v o r r e i  a n n u l l a r e  l ' i s c r i z i o n e"
    assert read_reply(text).spec.suppress, read_reply(text).reasons


NEGATED_RETURNS = [
    "Not interested, and don't reach out again.",
    "No me interesa y no me vuelvas a contactar.",
    "Não tenho interesse, não me contate de novo.",
    "Pas intéressé, et ne me recontactez plus.",
    "Kein Interesse, kontaktieren Sie mich nicht wieder.",
]


@pytest.mark.parametrize("text", NEGATED_RETURNS)
def test_an_ask_to_come_back_under_a_negation_is_an_opt_out_never_a_deferral(text: str) -> None:
    reading = read_reply(text)
    assert reading.spec.suppress, reading.reasons
