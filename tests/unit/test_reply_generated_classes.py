"""Reply classes checked on generated sentences (tests/unit/reply_generators.py), in five languages.

Each property draws a sentence of one class from templates x slots written before the failures
were read, so it checks the class (a call request, a booking, a softened decline, bare thanks, a
language the rules do not read, an opt-out) and not one wording. Example tests pin the mechanism
beside them: what the class is NOT (a refused call, thanks with a request, an invitation to come
back) reads otherwise.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.context.deferrals import find_deferral
from ipe.tools.learning.replies import read_reply
from tests.unit import reply_generators as gen

_SETTINGS = settings(max_examples=60, deadline=None)


def _intent(text: str) -> str:
    return read_reply(text).intent


@_SETTINGS
@given(gen.sentences(gen.CALL_WITH_DETAILS))
def test_a_call_request_dominates_asking_how_it_works(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "interested_call", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.BOOKING))
def test_asking_for_a_booking_link_or_a_video_call_is_a_call(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "interested_call", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.SOFT_DECLINE))
def test_a_decline_softened_by_a_time_word_is_still_a_decline(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "declined", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.SOFT_DECLINE))
def test_the_same_decline_inviting_a_later_contact_is_a_deferral(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    invited = f"{text} {gen.SOFT_DECLINE_INVITE[lang]}"
    assert _intent(invited) == "deferral", (lang, invited, read_reply(invited).reasons)


@_SETTINGS
@given(gen.sentences(gen.THANKS))
def test_thanks_or_okay_with_nothing_asked_is_acknowledged(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    reading = read_reply(text)
    # a reply lingua places surely in another language goes to a person: never a sendable guess
    assert reading.intent == "acknowledged" or reading.intent == "unclear", (lang, text)
    if lang == "en":
        assert reading.intent == "acknowledged", (text, reading.reasons)


@_SETTINGS
@given(gen.sentences(gen.UNREAD_LANGUAGES))
def test_a_language_the_rules_do_not_read_never_gets_a_sendable_guess(
    drawn: tuple[str, str],
) -> None:
    lang, text = drawn
    reading = read_reply(text)
    sendable = not reading.needs_review and reading.spec.hold not in ("declined", "forever")
    assert not sendable, (lang, text, reading.intent, reading.reasons)


@_SETTINGS
@given(gen.sentences(gen.OPT_OUTS), st.sampled_from(["", "Sounds interesting. ", "Ok thanks. "]))
def test_an_opt_out_in_any_language_is_heard(drawn: tuple[str, str], before: str) -> None:
    lang, text = drawn
    assert read_reply(before + text).spec.suppress, (lang, before + text)


@pytest.mark.parametrize(
    "text",
    [
        "Please send me the details, no need for a call.",
        "I'd rather read the terms than hop on a call.",
        "Envoyez-moi la doc, pas besoin d'appel.",
        "Schicken Sie mir die Unterlagen, ein Telefonat ist nicht nötig.",
    ],
)
def test_a_refused_call_does_not_make_a_call_request(text: str) -> None:
    assert _intent(text) != "interested_call", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Thanks! Send me the contract please.",
        "Great, thanks. What's the commission?",
        "Merci ! Envoyez-moi les conditions.",
    ],
)
def test_thanks_with_a_request_is_not_a_bare_acknowledgement(text: str) -> None:
    assert _intent(text) != "acknowledged", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Sounds interesting. Drop me a scheduling link?",
        "Hi! Drop me a line next week with the details.",
    ],
)
def test_drop_me_a_thing_gives_something_and_is_no_opt_out(text: str) -> None:
    assert not read_reply(text).spec.suppress, read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "ไม่ต้องติดต่อมาอีกแล้วครับ",
        "このようなメールの送付はご遠慮ください。",
        "tidak usah hubungi saya lagi",
        "Drop me from your list.",
    ],
)
def test_opt_outs_by_their_structure_in_thai_japanese_indonesian_and_english(text: str) -> None:
    assert read_reply(text).spec.suppress, read_reply(text).reasons


def test_japanese_feel_free_to_contact_is_no_opt_out() -> None:
    assert not read_reply("ご不明点がございましたら、ご遠慮なくご連絡ください。").spec.suppress


def test_a_letter_no_rule_language_writes_sends_a_short_reading_to_a_person() -> None:
    reading = read_reply("Witam, odezwij się po świętach.")
    assert reading.needs_review, reading.reasons


@_SETTINGS
@given(gen.dated_sentences())
def test_a_wait_named_by_month_end_holiday_or_closing_period_is_dated(
    drawn: tuple[str, str, str],
) -> None:
    lang, text, expected = drawn
    found = find_deferral(text, datetime(2026, 12, 9, 10, 0), language=lang)
    assert found is not None and found.until.isoformat() == expected, (lang, text, found)
    assert read_reply(text).intent == "deferral", (lang, text, read_reply(text).reasons)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Not before the 15th please, I'm moving house. After that, sure.", "en", "2026-12-15"),
        ("Pas avant le 15, s'il vous plaît.", "fr", "2026-12-15"),
        ("Im neuen Jahr gerne wieder, aber nicht vor KW 3.", "de", "2027-01-18"),
        ("Ping me later this month.", "en", "2026-12-16"),
    ],
)
def test_not_before_a_day_and_later_this_month(text: str, lang: str, expected: str) -> None:
    found = find_deferral(text, datetime(2026, 12, 9, 10, 0), language=lang)
    assert found is not None and found.until.isoformat() == expected, found


# --- classes read on the round-4 dev half (sentences written here, in the five languages) ---------
@pytest.mark.parametrize(
    "text",
    [
        "Absence message: the studio is closed until 5 January.",
        "Message d'absence. Le bureau est fermé jusqu'au 5 janvier.",
        "Mensaje de ausencia: la oficina está cerrada hasta el 5 de enero.",
        "Mensagem de ausência: o escritório está fechado até 5 de janeiro.",
        "Abwesenheitsnachricht: Das Büro ist bis 5. Januar geschlossen.",
    ],
)
def test_an_auto_reply_that_names_itself_is_out_of_office(text: str) -> None:
    assert _intent(text) == "out_of_office", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "That's handled by my agent, Jo. Passing it on.",
        "Eso lo lleva mi representante, te paso su contacto.",
        "Isso é com a minha assessoria, vou repassar.",
        "C'est mon agent qui gère ce genre de demandes.",
        "Darum kümmert sich meine Agentur, ich leite es weiter.",
    ],
)
def test_someone_else_handles_it_said_verb_first_is_a_referral(text: str) -> None:
    assert _intent(text) == "referral", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "We could do it for a flat $300 per video plus commission. Would that work?",
        "Podríamos hacerlo por 250 € fijos por vídeo. ¿Os encaja?",
        "Poderíamos fazer por R$ 800 fixos por vídeo. Pode ser?",
        "On pourrait le faire pour 300 € par vidéo. Qu'en pensez-vous ?",
        "Wir könnten es für 300 € pro Video machen. Wäre das machbar?",
    ],
)
def test_a_figure_proposed_in_the_conditional_is_a_counter_offer(text: str) -> None:
    assert _intent(text) == "negotiation", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Would this be exclusive? We already work with two other brands.",
        "¿Sería exclusivo? Ya trabajamos con otras marcas.",
        "Seria exclusivo? Já trabalhamos com outras marcas.",
        "Le partenariat est-il exclusif ? Nous travaillons déjà avec d'autres marques.",
        "Wäre das exklusiv? Wir arbeiten schon mit anderen Marken.",
    ],
)
def test_a_question_about_the_terms_beside_other_partners_is_a_question(text: str) -> None:
    assert _intent(text) == "question", read_reply(text).reasons


def test_a_plain_refusal_beside_a_question_about_the_terms_stays_declined() -> None:
    text = "We already work with another brand, so no thanks. Is it exclusive anyway?"
    assert _intent(text) == "declined", read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Before I say yes: is it exclusive? I don't want to get tied down.",
        "I don't unsubscribe from much, but I nearly did. Glad I read it. Let's set up a call.",
        "Please remove me from this thread, this is for our manager: deals@agency.com",
    ],
)
def test_first_person_habits_ties_and_a_hand_over_are_not_opt_outs(text: str) -> None:
    assert not read_reply(text).spec.suppress, read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to get these emails anymore.",
        "Remove me from this thread and from your list. Contact jo@x.com instead.",
        "Please remove me from this thread.",
    ],
)
def test_the_real_opt_outs_beside_those_are_still_heard(text: str) -> None:
    assert read_reply(text).spec.suppress, read_reply(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Thanks. We have no budget yet. Get back to us next quarter.",
        "Merci. Pas encore de budget. Revenez vers nous au prochain trimestre.",
        "Obrigado. Ainda sem orçamento. Nos procura no próximo trimestre.",
        "Gracias. Aún no hay presupuesto. Escríbenos el próximo trimestre.",
        "Danke. Noch kein Budget. Melden Sie sich nächstes Quartal wieder.",
    ],
)
def test_an_ask_to_come_back_to_us_at_a_named_time_is_a_deferral(text: str) -> None:
    assert _intent(text) == "deferral", read_reply(text).reasons


@_SETTINGS
@given(
    st.sampled_from(
        [
            "I don't do partnerships any more; our new manager Priya does: {address}",
            "I don't do partnerships any more; my agent handles them: {address}",
            "Ya no hago colaboraciones, ahora las lleva mi agencia: {address}",
            "Ya no hago colaboraciones, ahora las lleva nuestro equipo: {address}",
            "Não faço mais parcerias, fale com a minha assessoria: {address}",
            "Nous ne faisons plus de partenariats, voyez notre agence : {address}",
            "Wir machen keine Kooperationen mehr selbst, das macht unsere Agentur: {address}",
        ]
    ),
    st.builds(
        "{}@{}.example".format,
        st.sampled_from(["priya", "marta", "hola", "contact", "info", "team", "lea.k"]),
        st.sampled_from(["loomwork", "agencia", "studio-nord", "kreativ", "mediahouse"]),
    ),
)
def test_a_decline_that_hands_the_work_to_someone_of_theirs_is_a_referral(
    frame: str, address: str
) -> None:
    text = frame.format(address=address)
    assert _intent(text) == "referral", (text, read_reply(text).reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I don't do partnerships any more.",
        "Not interested, thanks.\n\nTom Reyes\nMarketing Manager\ntom@shop.example",
        "No gracias, ya no hago colaboraciones.\nhola@tienda.example",
    ],
)
def test_a_decline_with_only_their_own_address_stays_a_decline(text: str) -> None:
    assert _intent(text) == "declined", read_reply(text).reasons


@_SETTINGS
@given(
    st.sampled_from(
        [
            ("da", "Fjern {c} min mail fra jeres liste."),
            ("no", "Fjern {c} meg fra listen deres."),
            ("sv", "Ta {c} bort mig från listan."),
            ("en", "Remove {c} me from your list."),
            ("de", "Entfernen Sie mich {c} aus Ihrem Verteiler."),
        ]
    ),
    st.sampled_from(["venligst", "vennligst", "vänligen", "gerne", "please", "kindly", "bitte"]),
)
def test_a_word_of_courtesy_inside_an_opt_out_does_not_hide_it(
    phrase: tuple[str, str], courtesy: str
) -> None:
    text = phrase[1].format(c=courtesy)
    assert read_reply(text).spec.suppress, (text, read_reply(text).reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Dadme de baja, por favor.",
        "Deme de baja de su lista.",
        "Denme de baja.",
        "メールマガジンの配信は停止してください。",
        "配信も停止してください。",
    ],
)
def test_every_form_of_darse_de_baja_and_a_particle_inside_a_japanese_stop(text: str) -> None:
    assert read_reply(text).spec.suppress, read_reply(text).reasons


# --- classes named after the round-4 held-out half (tests/unit/reply_generators.py) -------------
def _rule_language_reading(text: str, expected: str) -> bool:
    """The expected reading, or (a reply lingua places in another language) a person reads it."""
    reading = read_reply(text)
    return reading.intent == expected or (reading.intent == "unclear" and reading.needs_review)


@_SETTINGS
@given(gen.sentences(gen.REFERRAL_ROLE))
def test_someone_of_theirs_who_handles_it_is_a_referral_without_an_address(
    drawn: tuple[str, str],
) -> None:
    lang, text = drawn
    assert _rule_language_reading(text, "referral"), (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.CESSATION_DECLINE))
def test_a_decline_by_cessation_or_priority_is_declined(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _rule_language_reading(text, "declined"), (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.CALL_BY_MEDIUM))
def test_a_talk_verb_with_a_medium_is_a_call(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _rule_language_reading(text, "interested_call"), (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.NO_CALL_REQUEST))
def test_a_request_with_no_need_to_call_is_asking_for_the_details(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    reading = read_reply(text)
    assert not reading.spec.suppress, (lang, text, reading.reasons)
    assert reading.intent == "asked_for_details", (lang, text, reading.reasons)


@_SETTINGS
@given(gen.sentences(gen.SEND_COURTEOUS))
def test_a_request_for_the_information_with_courtesy_words_is_asking_for_details(
    drawn: tuple[str, str],
) -> None:
    lang, text = drawn
    assert _intent(text) == "asked_for_details", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(
    st.sampled_from(sorted(gen.THANKS_SIGNED)),
    st.integers(0, 10),
    st.integers(0, 10),
)
def test_thanks_with_a_name_over_a_device_signature_is_acknowledged(
    lang: str, thanks: int, sig: int
) -> None:
    slots = gen.THANKS_SIGNED[lang][1]
    said, signed = slots["thanks"], slots["sig"]
    text = f"{said[thanks % len(said)]}\n\n{signed[sig % len(signed)]}"
    assert _intent(text) == "acknowledged", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.RESUME_DEFERRAL))
def test_an_ask_to_resume_at_a_named_time_is_a_deferral(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "deferral", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.FIXED_FEE))
def test_a_fixed_fee_beside_the_commission_is_a_counter_offer(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "negotiation", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.FIT_QUESTION))
def test_a_question_about_the_audience_or_the_buyers_is_a_question(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) == "question", (lang, text, read_reply(text).reasons)


@_SETTINGS
@given(gen.sentences(gen.SEASON_SARCASM))
def test_laughter_at_the_timing_is_no_deferral(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    assert _intent(text) != "deferral", (lang, text, read_reply(text).reasons)


@pytest.mark.parametrize(
    "text",
    [
        "haha it's december, nobody buys sunscreen now 😂 come back in spring",
        "jaja en diciembre nadie compra protector, escríbeme en primavera",
        "Let's talk on Thursday at 3pm.",
        "No me llames más.",
    ],
)
def test_what_those_classes_are_not(text: str) -> None:
    reading = read_reply(text)
    expected = {
        "No me llames más.": "opted_out",
        "Let's talk on Thursday at 3pm.": "interested_call",
    }
    assert reading.intent == expected.get(text, "deferral"), reading.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо, но мне сейчас некогда, может быть позже.",
        "Спасибо, но мне это не подходит, извините.",
        "Ευχαριστώ, θα το σκεφτώ και θα σας πω.",
        "谢谢，我考虑一下。",
    ],
)
def test_a_reply_in_another_script_is_read_by_its_script_first(text: str) -> None:
    """Folded look-alike letters never make a Cyrillic or Greek reply Portuguese or English."""
    reading = read_reply(text)
    assert reading.language not in ("en", "es", "pt", "fr", "de"), reading.reasons
    assert reading.needs_review or reading.spec.hold in ("declined", "forever"), reading.reasons


@_SETTINGS
@given(
    st.sampled_from(
        [
            ("es", "Sí, pásame los detalles por correo: {a}"),
            ("en", "Sure, send the details to {a} please."),
            ("pt", "Pode mandar os detalhes para {a}, por favor."),
            ("fr", "Envoyez-moi les conditions à {a} svp."),
            ("de", "Schicken Sie mir die Konditionen an {a}, bitte."),
        ]
    ),
    st.builds(
        "{}.{}@{}.example".format,
        st.sampled_from(["jurgita", "zbigniew", "ørjan", "andrea", "kazlauskiene", "wojtek"]),
        st.sampled_from(["kowalczyk", "szczepanski", "nowak", "perros"]),
        st.sampled_from(["studio", "gmail", "agencja", "firma"]),
    ),
)
def test_an_address_never_sways_the_language_of_a_request(
    frame: tuple[str, str], address: str
) -> None:
    lang, template = frame
    text = template.format(a=address)
    assert _intent(text) == "asked_for_details", (lang, text, read_reply(text).reasons)


def test_one_place_answers_which_letters_the_rules_read() -> None:
    from ipe.tools.learning.intent import unreadable_letter

    assert unreadable_letter("Gracias, ¿cuánto pagáis? Ça marche, schön") is None
    assert unreadable_letter("Witam, odezwij się") == "ę"
    assert unreadable_letter("Спасибо") == "С"
    assert unreadable_letter("write to łukasz@studio.example") is None  # an address is not read


@_SETTINGS
@given(gen.sentences(gen.DETAILS_IN_DMS))
def test_the_details_asked_for_in_a_private_channel_or_slang(drawn: tuple[str, str]) -> None:
    lang, text = drawn
    reading = read_reply(text)
    assert not reading.spec.suppress, (lang, text, reading.reasons)
    assert _rule_language_reading(text, "asked_for_details"), (lang, text, reading.reasons)


@_SETTINGS
@given(
    st.sampled_from(
        [
            ("en", "Send me {c} the details by email."),
            ("es", "Mándame {c} la información por correo."),
            ("pt", "Mande-me {c} a informação por email."),
            ("fr", "Envoyez-moi {c} les infos par mail."),
            ("de", "Schicken Sie mir {c} die Unterlagen per Mail."),
        ]
    ),
    st.sampled_from(["please", "por favor", "se faz favor", "s'il vous plaît", "bitte", "svp"]),
)
def test_a_word_of_courtesy_anywhere_never_hides_a_request(
    frame: tuple[str, str], courtesy: str
) -> None:
    lang, template = frame
    text = template.format(c=courtesy)
    assert _intent(text) == "asked_for_details", (lang, text, read_reply(text).reasons)
