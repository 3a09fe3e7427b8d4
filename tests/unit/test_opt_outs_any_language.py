"""Opt-outs in any language and any disguise; mentions of unsubscribing are not opt-outs."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.tools.context.relationship import assess, inbound_exchange
from ipe.tools.learning.replies import read_reply
from ipe.tools.policies import load_pack
from ipe.tools.trust.holds import hold

# one phrase per language whose opt-outs are written as patterns rather than phrase lists
PATTERN_LANGUAGES = [
    "unsubscribe me",
    "please remove me from your list",
    "stop emailing me",
    "darme de baja",
    "no me escribas más",
    "quero me descadastrar",
    "não me mandem mais emails",
    "désabonnez-moi",
    "ne me contactez plus",
    "bitte abmelden",
    "schreiben sie mir nicht mehr",
]
PHRASES = sorted(
    {
        p.rstrip("*")
        for spec in load_pack("opt_outs")["languages"].values()
        for p in spec.get("phrases", [])
    }
    | set(PATTERN_LANGUAGES)
)
_CONFUSABLE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_LEET = {"o": "0", "e": "3", "a": "4", "s": "5", "i": "1", "t": "7"}
_FILLER = st.text(alphabet=string.ascii_letters + string.digits + " ,", max_size=60)


def _confusable(phrase: str, picks: list[bool]) -> str:
    return "".join(
        _CONFUSABLE.get(c, c) if picks[i % len(picks)] else c for i, c in enumerate(phrase)
    )


def _leet(phrase: str, picks: list[bool]) -> str:
    words = []
    for word in phrase.split(" "):
        letters = [i for i, c in enumerate(word) if c in _LEET]
        chars = list(word)
        for n, i in enumerate(letters[: max(0, len(word) // 2 - 1)]):
            if picks[n % len(picks)]:
                chars[i] = _LEET[chars[i]]
        words.append("".join(chars))
    return " ".join(words)


def _spaced(phrase: str) -> str:
    return "  ".join(" ".join(word) for word in phrase.split(" "))


@st.composite
def disguised(draw: st.DrawFn) -> str:
    phrase = draw(st.sampled_from(PHRASES))
    picks = draw(st.lists(st.booleans(), min_size=1, max_size=8))
    how = draw(st.sampled_from(["plain", "upper", "title", "confusable", "leet", "spaced"]))
    ascii_letters = phrase.isascii()
    if how == "upper":
        phrase = phrase.upper()
    elif how == "title":
        phrase = phrase.title()
    elif how == "confusable":
        phrase = _confusable(phrase, picks)
    elif how == "leet" and ascii_letters:
        phrase = _leet(phrase, picks)
    elif how == "spaced" and ascii_letters:
        phrase = _spaced(phrase)
    before, after = draw(_FILLER), draw(_FILLER)
    return f"{before}\n{phrase}\n{after}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised())
def test_an_opt_out_phrase_in_any_disguise_and_any_text_is_an_opt_out(reply: str) -> None:
    assert read_reply(reply).spec.suppress, reply


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PHRASES), st.text(max_size=200))
def test_an_opt_out_followed_by_anything_is_never_sendable(phrase: str, tail: str) -> None:
    reply = f"{phrase}.\n{tail}"
    at = datetime(2026, 12, 1, tzinfo=UTC)
    exchange = inbound_exchange(at, "email", reply, "interaction_history[1]")
    assert exchange is not None
    rel = assess([exchange], now=at)
    held = hold(rel)
    assert rel.stage == "opted_out" and held is not None and held[0] == "blocked", reply


@pytest.mark.parametrize(
    "reply",
    [
        "Your unsubscribe link is broken (404), but I'd love the details of the program.",
        "I unsubscribed from most brand newsletters, yours is the one I read. How do I join?",
        "Can you move me from the waitlist into the program? Keen to start.",
        "Could you remove the watermark from the sample photos before I post them?",
        "Half my readers ask how to unsubscribe from other courses. What is your commission?",
        "Please don't take me off your list, I'm just busy until January.",
        "El enlace para darse de baja no funciona, pero me interesa: ¿me mandas la info?",
        "Der Abmeldelink funktioniert nicht, aber wie hoch ist die Provision?",
    ],
)
def test_a_mention_of_unsubscribing_is_not_an_opt_out(reply: str) -> None:
    reading = read_reply(reply)
    assert not reading.spec.suppress, reading


def test_a_bare_mention_goes_to_a_person() -> None:
    reading = read_reply("Just so you know, your unsubscribe link is broken.")
    assert not reading.spec.suppress and reading.needs_review
    assert "mentions unsubscribing" in (reading.review or "")


@pytest.mark.parametrize(
    ("reply", "language"),
    [
        ("Cancellatemi dalla vostra lista, grazie.", "it"),
        ("Proszę więcej do mnie nie pisać.", "pl"),
        ("Avregistrera mig, tack.", "sv"),
        ("Lütfen beni listeden çıkarın.", "tr"),
        ("수신거부 합니다", "ko"),
        ("Пожалуйста, удалите меня из рассылки", "ru"),
        ("请不要再联系我", "zh"),
        ("今後の連絡は不要です", "ja"),
        ("الرجاء إزالة بريدي الإلكتروني من قائمتكم", "ar"),
        ("Μην μου στέλνετε άλλα email", "el"),
    ],
)
def test_opt_outs_in_languages_the_drafter_does_not_write(reply: str, language: str) -> None:
    reading = read_reply(reply)
    assert reading.spec.suppress, (language, reading)


# A complaint is an opt-out (issue 21): "this is spam", "leave me alone", "stop spamming me" and
# "don't write to me", in each language the opt-out data covers, whatever is said around it.
COMPLAINTS = {
    "en": ["This is spam.", "Leave me alone.", "Stop spamming me.", "Don't write to me."],
    "de": [
        "Das ist Spam.",
        "Lasst mich in Ruhe.",
        "Hört auf mich zu spammen.",
        "Schreib mir nicht.",
    ],
    "es": ["Esto es spam.", "Déjame en paz.", "Deja de spamearme.", "No me escribáis."],
    "fr": [
        "C'est du spam.",
        "Laissez-moi tranquille.",
        "Arrêtez de me spammer.",
        "Ne m'écrivez pas.",
    ],
    "pt": ["Isso é spam.", "Me deixa em paz.", "Parem de me mandar spam.", "Não me escreva."],
    "it": ["Questo è spam.", "Lasciatemi in pace.", "Smettila di spammare.", "Non scrivermi."],
    "nl": ["Dit is spam.", "Laat me met rust.", "Stop met spammen.", "Schrijf me niet."],
    "pl": ["To jest spam.", "Dajcie mi spokój.", "Przestańcie spamować.", "Nie piszcie do mnie."],
    "sv": ["Det här är spam.", "Lämna mig i fred.", "Sluta spamma.", "Skriv inte till mig."],
    "cs": ["To je spam.", "Nechte mě na pokoji.", "Přestaňte spamovat.", "Nepište mi."],
    "ru": ["Это спам.", "Оставьте меня в покое.", "Не спамьте.", "Не пишите мне."],
}
_AROUND = st.sampled_from(
    [
        "",
        "Erst Instagram, jetzt auch noch Facebook?",
        "Thanks for the message about your program.",
        "Gracias por escribir, me gusta vuestro café.",
        "Ich finde es ziemlich unverschämt.",
        "Can you send me the details?",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted((lang, text) for lang, texts in COMPLAINTS.items() for text in texts)),
    _AROUND,
    _AROUND,
)
def test_a_complaint_in_any_language_is_an_opt_out_whatever_is_around_it(
    complaint: tuple[str, str], before: str, after: str
) -> None:
    reply = f"{before} {complaint[1]} {after}".strip()
    at = datetime(2026, 12, 1, tzinfo=UTC)
    assert read_reply(reply).spec.suppress, (complaint[0], reply)
    exchange = inbound_exchange(at, "instagram", reply, "interaction_history[1]")
    assert exchange is not None
    rel = assess([exchange], now=at)
    held = hold(rel)
    assert rel.stage == "opted_out" and held is not None and held[0] == "blocked", reply


@pytest.mark.parametrize(
    "reply",
    [
        "Das ist kein Spam, oder? Klingt interessant.",
        "Ce n'est pas du spam, j'espère ? Envoyez-moi les détails.",
        "Esto no es spam, ¿verdad? Cuéntame más.",
        "Isso não é spam? Pode mandar os detalhes.",
        "I found this in my spam folder, but it sounds interesting. Send details?",
    ],
)
def test_saying_it_is_not_spam_or_where_it_landed_is_not_an_opt_out(reply: str) -> None:
    assert not read_reply(reply).spec.suppress, reply
