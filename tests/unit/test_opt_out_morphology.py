"""Opt-outs read by morphology: verb stems with the pronoun attached or beside them (issue 21).

The cases are forms no phrase list holds (formal and informal, singular and plural imperatives
with a clitic pronoun; "do not contact me again" in languages written with other scripts); the
invariants are that such an opt-out stays one under quoting, signatures, case, accents removed,
look-alike letters and polite text around it, and that a mention alone never suppresses.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.tools.learning.opt_outs import find_opt_out, morphology
from ipe.tools.learning.replies import is_opt_out, read_reply
from ipe.tools.policies import load_pack

# (language, reply): imperatives with attached pronouns, never-contact-me-again, erasure
OPT_OUTS = [
    ("es", "Por favor, elimíneme de su lista de contactos."),
    ("es", "Bórrenme de su base de datos."),
    ("es", "Sáquenme de esta lista ya."),
    ("es", "Quítame de la lista, gracias."),
    ("es", "Nunca más me escribas."),
    ("es", "No vuelva a contactarme."),
    ("pt", "Tirem-me da vossa lista, por favor."),
    ("pt", "Removam-me da base de dados."),
    ("pt", "Excluam-me do cadastro."),
    ("pt", "Nunca mais me mandem mensagens."),
    ("it", "Cancellatemi dalla lista."),
    ("it", "Toglietemi dai vostri contatti."),
    ("it", "Rimuovetemi, grazie."),
    ("it", "Non contattarmi più."),
    ("fr", "Retirez-moi de votre liste."),
    ("fr", "Désinscrivez-moi s'il vous plaît."),
    ("fr", "Supprimez-moi de votre fichier."),
    ("de", "Tragen Sie mich bitte aus Ihrer Liste aus."),
    ("de", "Entfernen Sie mich aus dem Verteiler."),
    ("en", "Please remove jess.w@example.com from the mailing list."),
    ("en", "I'd ask that you not reach out to me again."),
    ("el", "Παρακαλώ μην επικοινωνήσετε ξανά μαζί μου."),
    ("el", "Μη μου ξαναστείλετε μήνυμα."),
    ("ar", "يرجى عدم مراسلتي مرة أخرى."),
    ("ar", "لا تراسلوني بعد الآن"),
    ("ru", "Никогда больше не пишите мне."),
    ("he", "תסירו אותי מהרשימה ואל תפנו אליי יותר."),
    ("vi", "Vui lòng không liên hệ với tôi nữa."),
    ("pl", "Proszę mnie usunąć z listy mailingowej."),
]

# Replies that mention a remove or contact verb and ask nothing of the kind
NOT_OPT_OUTS = [
    "Todavía no me mandaron la muestra, ¿la enviaron?",
    "Tu mensaje me sacó una sonrisa. ¿Cuál es la comisión?",
    "No dudes en escribirme por WhatsApp.",
    "Non esiti a contattarmi per i dettagli.",
    "N'hésitez pas à me contacter pour la suite.",
    "Não hesite em me contatar.",
    "Ahora mismo no, escríbeme después del verano.",
    "Agora não, me procure depois do Carnaval.",
    "Non mi avete mandato il campione, potete controllare?",
    "Vous ne m'avez pas envoyé le lien.",
    "No need to remove me from anything, just confirming I got this.",
    "Ignore the unsubscribe click, my thumb slipped. Keen to talk!",
    "I unsubscribed from the product newsletter last year, but could we do a call next week?",
    "Je me suis désabonnée de votre newsletter il y a un mois, mais combien dure le cookie ?",
    "Stop, this is amazing. How do I join?",
    "Yes please send the box! But stop - don't send it to the old address, we moved.",
    "Sácame de dudas: ¿la comisión es mensual?",
]


@pytest.mark.parametrize(("language", "reply"), OPT_OUTS)
def test_inflected_opt_outs_are_read_in_their_language(language: str, reply: str) -> None:
    found = find_opt_out(reply)
    assert found.found, reply
    assert read_reply(reply).spec.suppress, reply


@pytest.mark.parametrize("reply", NOT_OPT_OUTS)
def test_a_verb_used_for_something_else_does_not_suppress(reply: str) -> None:
    assert not read_reply(reply).spec.suppress, reply


def test_every_morph_table_builds_and_declares_only_known_fields() -> None:
    known = {"remove", "attached", "me_before", "me_after", "lists", "contact", "never", "endings"}
    known |= {"cease", "others", "given", "needless", "never_after", "passive", "wish"}
    tables = {
        code: spec["morph"]
        for code, spec in load_pack("opt_outs")["languages"].items()
        if "morph" in spec
    }
    assert {"es", "pt", "it", "fr", "de", "el", "ar"} <= set(tables)
    for code, table in tables.items():
        assert set(table) <= known, code
        assert morphology(table), code  # each table yields at least one expression


def test_a_newsletter_only_unsubscribe_stays_apart_from_never_contact() -> None:
    for reply in (
        "¿Me podéis quitar de la newsletter semanal? Lo del programa me sigue interesando.",
        "Please remove jess.w@example.com from the Brightpaw newsletter; keep this address.",
        "Please unsubscribe me from the marketing emails. No need to stop this conversation.",
    ):
        assert read_reply(reply).intent == "newsletter_unsubscribe", reply
    # a list that is not a newsletter, or no list at all, is never-contact (the safe side)
    assert read_reply("Bórrenme de su lista.").intent == "opted_out"


_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і"}
_POLITE = ["Hola,", "Bonjour,", "Hi there,", "Thanks for the note.", "Gracias.", "Merci !", ""]
_SIGNATURES = ["", "\n--\nAna", "\nSent from my iPhone", "\n\nSaludos,\nLucía\nCEO, Panela & Cia"]
_QUOTED = ["", "\n\nOn Mon, 1 Dec 2026, Tom wrote:\n> Would you like to join our program?"]
_QUOTED_ABOVE = [
    "",
    "Thanks.\n\nOn Mon, 1 Dec 2026, Tom wrote:\n> Would you like to join our program?\n\n",
]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@st.composite
def disguised_opt_out(draw: st.DrawFn) -> str:
    _, phrase = draw(st.sampled_from(OPT_OUTS))
    how = draw(st.sampled_from(["plain", "upper", "lower", "no_accents", "lookalike"]))
    if how == "upper":
        phrase = phrase.upper()
    elif how == "lower":
        phrase = phrase.lower()
    elif how == "no_accents":
        phrase = _strip_accents(phrase)
    elif how == "lookalike":
        picks = draw(st.lists(st.booleans(), min_size=1, max_size=6))
        phrase = "".join(
            _LOOKALIKE.get(c, c) if picks[i % len(picks)] else c for i, c in enumerate(phrase)
        )
    before, after = draw(st.sampled_from(_POLITE)), draw(st.sampled_from(_POLITE))
    signature, quoted = draw(st.sampled_from(_SIGNATURES)), draw(st.sampled_from(_QUOTED))
    above = draw(st.sampled_from(_QUOTED_ABOVE))  # an opt-out written below a ">" quote
    return f"{above}{before}\n{phrase} {after}{signature}{quoted}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised_opt_out())
def test_an_inflected_opt_out_survives_case_accents_lookalikes_quotes_and_signatures(
    reply: str,
) -> None:
    assert read_reply(reply).spec.suppress, reply


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(NOT_OPT_OUTS),
    st.sampled_from(_POLITE),
    st.sampled_from(_SIGNATURES),
    st.sampled_from(_QUOTED),
)
def test_a_mention_alone_never_suppresses_whatever_surrounds_it(
    reply: str, before: str, signature: str, quoted: str
) -> None:
    text = f"{before}\n{reply}{signature}{quoted}"
    assert not read_reply(text).spec.suppress, text


# Class: the pronoun before the negation ("больше мне не пишите": more / to me / not / write),
# the common order in Russian and Ukrainian; a past tense there is no request ("мне не писали").
# Examples written here (the round-3 blind holdout had one such opt-out read as newsletter-only).
@pytest.mark.parametrize(
    "reply",
    [
        "Спасибо, но больше мне не пишите.",
        "Нам не звоните, пожалуйста.",
        "Меня больше не беспокойте этими предложениями.",
        "Уберите меня из рассылки и мне больше не пишите.",
        "Мені більше не пишіть, дякую.",
        "Нас не турбуйте більше.",
    ],
)
def test_the_pronoun_before_the_negation_is_a_never_contact_opt_out(reply: str) -> None:
    assert read_reply(reply).intent == "opted_out"


@pytest.mark.parametrize(
    "reply",
    [
        "Мне не писали раньше из вашей компании, расскажите подробнее.",
        "Вы мне не звонили на прошлой неделе?",
        "Мені не писали раніше, цікаво.",
    ],
)
def test_a_past_tense_after_the_negation_is_no_request(reply: str) -> None:
    assert not is_opt_out(reply)


# Class: someone else does the opting out or gets the messages ("how do my followers opt out",
# "don't want them getting spammed because of me"): a question about their audience, not a
# request about us writing to them. Examples written here (round-3 holdout, seen after measure).
@pytest.mark.parametrize(
    "reply",
    [
        "Before I sign up: can my readers opt out of your promo emails easily?",
        "If my audience buys, I don't want them getting spammed. How do you handle that?",
        "Do customers who opted out still get your reminders?",
    ],
)
def test_someone_else_opting_out_is_not_an_opt_out(reply: str) -> None:
    assert not is_opt_out(reply)


@pytest.mark.parametrize(
    "reply",
    ["Don't email me again.", "Please do not ever contact me again.", "Do not let them spam me."],
)
def test_a_request_about_us_writing_stays_an_opt_out(reply: str) -> None:
    assert is_opt_out(reply)
