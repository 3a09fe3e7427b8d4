"""Opt-out replies: wide phrasings, five-plus languages, quoted headers, signatures, obfuscations.

When in doubt a reply is an opt-out; the second table lists replies that use the same words and
must NOT be read as one.
"""

import pytest

from ipe.tools.learning.replies import classify_reply, is_opt_out

OPT_OUTS = [
    # English, plain and wide
    "unsubscribe",
    "Unsubscribe me please",
    "unsub",
    "UNSUB!!",
    "Please stop.",
    "STOP",
    "stop",
    "Stop emailing me.",
    "stop it",
    "No more emails please",
    "no more messages, thanks",
    "Please remove me from your list.",
    "remove",
    "Remove me",
    "Take me off your list",
    "Take me off this mailing list.",
    "opt out",
    "Opt me out.",
    "Don't contact me again",
    "Do not email me again.",
    "Please don't message me",
    "Leave me alone",
    "Go away.",
    "This is spam.",
    "Stop spamming me",
    "I never signed up for this.",
    "How did you get my email?",
    "Who gave you my address?",
    "Delete my data under GDPR.",
    "I'm not interested, please remove me.",
    "Not interested. Don't contact me again.",
    "I no longer wish to receive these emails.",
    "Cease all contact.",
    "Enough!",
    "fuck off",
    # Obfuscations
    "u n s u b s c r i b e",
    "S.T.O.P",
    "st0p",
    "unsubscr1be",
    "ＵＮＳＵＢＳＣＲＩＢＥ",
    "ѕtор emailing me",  # Cyrillic look-alikes
    "Un-subscribe",
    # Quoted headers and signatures
    "From: Ana <ana@example.org>\nSent: Monday\nTo: Sam\nSubject: Re: partner\n\nPlease stop.",
    "Please unsubscribe me.\n\nOn Mon, Sam Rivera wrote:\n> Would you like to join our program?",
    "Stop.\n-- \nAna Souza\nTrail Notes",
    "remove me\n\nSent from my iPhone",
    "> Hi Ana, would you like to partner?\nNo more emails.",
    "-----Original Message-----\nFrom: Sam\n\nunsubscribe",
    # Spanish
    "Darme de baja, por favor.",
    "No me escribas más.",
    "Deja de escribirme.",
    "Quítame de la lista.",
    "No quiero recibir más correos.",
    "Cancelar suscripción",
    # Portuguese
    "Descadastrar, por favor.",
    "Não me envie mais e-mails.",
    "Parem de me enviar mensagens.",
    "Me tire da lista.",
    "Não quero mais receber isso.",
    # French
    "Désabonnez-moi.",
    "Ne me contactez plus.",
    "Arrêtez de m'écrire.",
    "Retirez-moi de votre liste.",
    "Je ne veux plus recevoir vos messages.",
    # German
    "Bitte abmelden.",
    "Keine weiteren E-Mails bitte.",
    "Kontaktieren Sie mich nicht mehr.",
    "Hören Sie auf, mir zu schreiben.",
    "Tragen Sie mich aus der Liste aus.",
    "Löschen Sie meine Daten.",
    # Chinese
    "退订",
    "请不要再给我发邮件了",
    "取消订阅",
    "别再联系我",
    # Others
    "Disiscrivimi, grazie.",
    "Graag afmelden.",
    "Stoppt bitte",
    "Arrête !",
    "Para ya",
    "Chega!",
]

NOT_OPT_OUTS = [
    ("Stop by our booth at the expo next week!", None),
    ("I can't stop reading your newsletter, tell me more", "interested"),
    ("Don't stop sending these, I love them. Tell me more!", "interested"),
    ("Sounds great, tell me more!", "interested"),
    ("Yes please, send me the details.", "interested"),
    ("Could you remove the watermark from the sample? Sounds good otherwise.", "interested"),
    ("Non-stop travel lately, can we talk next month?", "not_now"),
    ("I'm out of office until Monday.", "out_of_office"),
    ("Not interested.", "not_interested"),
    ("No thanks", "not_interested"),
    ("Thanks for reaching out.", None),
    ("What brand is this again?", None),
    ("Sí, me interesa. Cuéntame más.", "interested"),
]


@pytest.mark.parametrize("reply", OPT_OUTS)
def test_opt_out_replies_are_read_as_opt_outs(reply: str) -> None:
    assert is_opt_out(reply), reply


@pytest.mark.parametrize(("reply", "intent"), NOT_OPT_OUTS)
def test_replies_with_the_same_words_are_not_opt_outs(reply: str, intent: str | None) -> None:
    assert classify_reply(reply) == intent


def test_the_table_is_wide() -> None:
    assert len(OPT_OUTS) >= 60


def test_quoted_footer_alone_is_not_an_opt_out() -> None:
    # Our own footer quoted back with a link: not the prospect asking.
    quoted = "On Mon, Sam wrote:\n> Unsubscribe: https://brand.example/u\n> Hi Ana"
    assert not is_opt_out("Sounds good!\n\n" + quoted)
