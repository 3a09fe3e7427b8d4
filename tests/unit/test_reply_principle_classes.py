"""More reply classes, with sentences written here: a decline as a principle, a requirement
question whose join verb is only its purpose, and an auto-reply marker in any language."""

from __future__ import annotations

import pytest

from ipe.tools.learning.replies import read_reply

PRINCIPLE_DECLINES = [
    "Schöne Marke! Aber wir machen auf dem Kanal grundsätzlich keine Kooperationen. Viel Erfolg!",
    "Qué bonito proyecto, pero no hago colaboraciones de afiliados en mi blog. ¡Suerte!",
    "Adorei a marca, mas não faço parcerias de afiliados no perfil. Boa sorte!",
    "Très joli produit, mais je ne fais pas d'affiliation sur ma chaîne. Bonne continuation !",
]


@pytest.mark.parametrize("text", PRINCIPLE_DECLINES)
def test_a_decline_as_a_principle_is_a_decline(text: str) -> None:
    assert read_reply(text).intent == "declined", read_reply(text).reasons


REQUIREMENT_QUESTIONS = [
    "Faut-il une chaîne YouTube pour participer au programme ?",
    "¿Hay que tener una tienda online para participar?",
    "É preciso ter CNPJ para participar do programa?",
]


@pytest.mark.parametrize("text", REQUIREMENT_QUESTIONS)
def test_a_question_whose_join_verb_is_its_purpose_is_a_question(text: str) -> None:
    assert read_reply(text).intent == "question", read_reply(text).reasons


def test_an_auto_reply_marker_decides_even_when_the_language_is_misread() -> None:
    reading = read_reply("Auto-reply: away til 3/2. Urgent? ops@bluefin.example")
    assert reading.intent == "out_of_office", reading.reasons
