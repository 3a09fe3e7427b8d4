"""Intent classes in few words: referrals to a role, closed offices, short call and details asks."""

from __future__ import annotations

import pytest

from ipe.tools.learning.replies import read_reply

CASES = [
    ("referral", "colaboraciones: hola@tiendaverde.es"),
    (
        "referral",
        "Bitte wenden Sie sich an unsere Vertriebsleiterin, Frau Anna Berg (a.berg@beispiel.de).",
    ),
    ("referral", "Fale com a nossa responsável de marketing, Rita (rita@exemplo.pt)."),
    ("referral", "Not the right person, sorry! Our partnerships lead is kim@studio.io"),
    ("referral", "Je ne m'occupe plus de ça, écrivez plutôt à presse@maison.fr"),
    ("out_of_office", "Our studio is closed until January 5 and will reopen after the holidays."),
    ("out_of_office", "Estamos cerrados por vacaciones hasta el 7 de enero."),
    ("out_of_office", "I'm hiking with no signal until the 20th, will reply then."),
    ("interested_call", "sure, im down for a call. thursday?"),
    ("interested_call", "ok, zoom or google meet? whichever suits you"),
    ("asked_for_details", "Envoyez-moi les infos svp"),
    ("asked_for_details", "haben Sie eine Übersicht als PDF?"),
    ("asked_for_details", "Can you forward the terms to me? I'd rather read than talk."),
    ("asked_for_details", "Got a one-pager? I'd rather read it than jump on a call."),
    ("acknowledged", "Genial, gracias. Lo miro luego."),
    ("acknowledged", "Super, danke dir!"),
    ("acknowledged", "Parfait, merci."),
    ("declined", "Thanks, but we only work with local makers, so this isn't a good fit."),
    ("declined", "We don't partner with supplement brands. All the best."),
    ("interested_call", "happy to chat, call?"),
    ("deferral", "Ping me after the 20th please, I'm on the road until then."),
    ("deferral", "Meldet euch im Februar nochmal, ab dem 3. bin ich wieder im Büro."),
    ("deferral", "Ahora imposible. Hablemos en el segundo trimestre."),
    ("deferral", "Agora não dá, depois do Carnaval a gente conversa."),
    ("acknowledged", "No need to reply, just confirming I got it. Thanks!"),
]

# an opt-out with a plea to keep talking about the program is of a newsletter or mailing only
NEWSLETTER_ONLY = [
    "Take me off the mailing list please, but keep me on for the affiliate program.",
    "Bitte meldet mich ab. Partner-Infos dürft ihr mir gern weiter schicken.",
    "Quitadme de la lista de correos, pero podéis seguir escribiéndome sobre el programa.",
]


@pytest.mark.parametrize(("intent", "reply"), CASES)
def test_short_replies_are_read_by_class(intent: str, reply: str) -> None:
    reading = read_reply(reply)
    assert reading.intent == intent, (reply, reading.reasons)


def test_a_reply_giving_their_own_address_for_the_details_is_not_a_referral() -> None:
    reading = read_reply("Sounds good, send the details to ana@example.com please")
    assert reading.intent != "referral", reading.reasons


@pytest.mark.parametrize("reply", NEWSLETTER_ONLY)
def test_an_opt_out_with_a_plea_to_keep_talking_is_newsletter_only(reply: str) -> None:
    reading = read_reply(reply)
    assert reading.intent == "newsletter_unsubscribe", (reply, reading.reasons)
    assert reading.spec.suppress  # suppressed all the same


def test_a_plea_to_keep_talking_never_narrows_an_opt_out_from_everything() -> None:
    reading = read_reply("Unsubscribe me from all your emails. Keep writing to someone else.")
    assert reading.intent == "opted_out", reading.reasons
