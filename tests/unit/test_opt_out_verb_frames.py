"""Opt-out verb frames: what may stand between an opt-out verb and what makes it one (issue 23).

Three classes, each a generated family rather than one sentence:
- Scandinavian and Dutch "verb [pronoun] not" ("mail me niet", "kontakt mig aldrig") is an
  opt-out only with at most the pronoun between the verb and the negation: an auto-reply about
  its mail ("je mail wordt niet doorgestuurd") asks nothing.
- German "stop" (aufhören, in any of its forms) with a zu-infinitive of a contacting verb, the
  "zu" inside a separable verb ("hörts auf, mich zuzuspammen"), is an opt-out.
- A link spoken of in a reply that holds no opt-out word is not cut as a mention: "drop me a
  scheduling link?" is a request, not "drop me".
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.learning.replies import read_reply

# (language, the mail as a noun, an auxiliary, the negation, a participle): an auto-reply's line
_NOT_FORWARDED = {
    "nl": (
        ["Je mail", "Uw e-mail", "Dit bericht", "Je bericht"],
        ["wordt", "zal"],
        ["niet"],
        ["doorgestuurd", "gelezen", "beantwoord"],
    ),
    "sv": (
        ["Din mejl", "Ditt mejl", "Meddelandet"],
        ["blir", "kommer"],
        ["inte"],
        ["vidarebefordrad", "läst", "besvarat"],
    ),
    "da": (
        ["Din mail", "Beskeden"],
        ["bliver", "vil"],
        ["ikke"],
        ["videresendt", "læst", "besvaret"],
    ),
    "no": (
        ["Din e-post", "Meldingen"],
        ["blir", "vil"],
        ["ikke"],
        ["videresendt", "lest", "besvart"],
    ),
}
_AWAY = {
    "nl": "Bedankt voor je bericht. Ik ben met vakantie tot 4 januari.",
    "sv": "Tack för ditt meddelande. Jag är på semester till den 4 januari.",
    "da": "Tak for din besked. Jeg er på ferie til den 4. januar.",
    "no": "Takk for meldingen. Jeg er på ferie til 4. januar.",
}


@st.composite
def _auto_replies(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(sorted(_NOT_FORWARDED)))
    nouns, auxiliaries, negations, participles = _NOT_FORWARDED[code]
    line = " ".join(
        draw(st.sampled_from(part)) for part in (nouns, auxiliaries, negations, participles)
    )
    return f"{_AWAY[code]} {line}."


@settings(max_examples=80, deadline=None)
@given(_auto_replies())
def test_an_auto_reply_about_its_mail_is_no_opt_out(reply: str) -> None:
    assert not read_reply(reply).spec.suppress, (reply, read_reply(reply).reasons)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(
        [
            ("nl", "Mail me niet meer."),
            ("nl", "Bel mij alsjeblieft niet meer."),
            ("da", "Kontakt mig aldrig igen."),
            ("sv", "Skriv inte till mig."),
            ("no", "Kontakt meg ikke igjen."),
        ]
    ),
    st.sampled_from(["", "Hej. ", "Hoi, "]),
)
def test_the_verb_with_its_pronoun_and_negation_stays_an_opt_out(
    case: tuple[str, str], greeting: str
) -> None:
    _, reply = case
    assert read_reply(greeting + reply).spec.suppress, greeting + reply


_STOP = [
    "Hört auf",
    "Hörts auf",
    "Hört's auf",
    "Hör auf",
    "Hören Sie auf",
    "Hört endlich auf",
    "Hör jetzt auf",
]
_ZU = [
    "mich zuzuspammen",
    "mich vollzuspammen",
    "mir zu schreiben",
    "mich anzuschreiben",
    "mich zu kontaktieren",
    "mir Mails zu schicken",
    "mich anzurufen",
]


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(_STOP),
    st.sampled_from([" ", ", "]),
    st.sampled_from(_ZU),
    st.sampled_from(["", ", danke", "!", "."]),
)
def test_german_stop_with_a_zu_infinitive_is_an_opt_out(
    stop: str, comma: str, rest: str, end: str
) -> None:
    reply = f"{stop}{comma}{rest}{end}"
    assert read_reply(reply).spec.suppress, (reply, read_reply(reply).reasons)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["Sounds interesting.", "Happy to chat.", "Sure!", ""]),
    st.sampled_from(["Drop me", "Send me", "Shoot me"]),
    st.sampled_from(
        ["a scheduling link", "your booking link", "a calendar link", "the sign-up link"]
    ),
    st.sampled_from(["?", ".", " please.", " when you can."]),
)
def test_a_link_asked_for_is_no_opt_out(lead: str, verb: str, link: str, end: str) -> None:
    reply = f"{lead} {verb} {link}{end}".strip()
    assert not read_reply(reply).spec.suppress, (reply, read_reply(reply).reasons)


_HI_NOUNS = ["मेल", "ईमेल", "मैसेज", "फ़ोन", "कॉल"]
_HI_VERBS = ["न करें", "मत करो", "न कीजिए"]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["", "कृपया ", "धन्यवाद, लेकिन "]),
    st.sampled_from(["मुझे ", "मुझे दोबारा ", "हमें "]),
    st.sampled_from(_HI_NOUNS),
    st.sampled_from(_HI_VERBS),
)
def test_hindi_a_contacting_noun_under_a_negation_is_an_opt_out(
    lead: str, whom: str, noun: str, verb: str
) -> None:
    reply = f"{lead}{whom}{noun} {verb}।"
    assert read_reply(reply).spec.suppress, (reply, read_reply(reply).reasons)


def test_hindi_taken_off_a_list_is_an_opt_out_and_do_not_worry_is_not() -> None:
    assert read_reply("मेरी ईमेल आईडी अपनी लिस्ट से हटा दें।").spec.suppress
    assert not read_reply("चिंता न करें, मैं अगले हफ्ते जवाब दूंगी।").spec.suppress


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["quero", "queria", "gostaria de"]),
    st.sampled_from(["da newsletter", "da lista", "da newsletter semanal", "do mailing"]),
)
def test_portuguese_leaving_the_list_or_newsletter_is_heard(want: str, what: str) -> None:
    reply = f"Oi, {want} sair {what} de vocês."
    assert read_reply(reply).spec.suppress, (reply, read_reply(reply).reasons)
