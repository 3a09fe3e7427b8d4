"""The phrase banks never write a word that agrees with the sender's gender.

A template names its sender ("Ruth Adeyemi") but not their gender, so in the languages where a
first-person adjective or participle agrees with the speaker (es "Encantado/a", pt "Obrigado/a",
fr "Ravi(e)", "m'a marqué(e)") the banks use forms that read right for anyone ("Con gusto",
"Agradeço", "m'a beaucoup plu"). A blind review found "Encantado" and "Obrigado" signed by Ruth.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ipe.prompts import load_bank

SENDER_GENDERED = {
    "es": r"\b(?:encantad|agradecid|emocionad|content|obligad)[oa]s?\b",
    "pt": r"\b(?:obrigad|encantad|agradecid|animad|empolgad)[oa]s?\b",
    # "m'a marqué(e)": the participle agrees when "me" is the direct object (not "m'a donné envie")
    "fr": r"\b(?:ravie?|heureuse|heureux|contente?)\b"
    r"|\bm'a (?:marqu|touch|impressionn|inspir|interpell|séduit|surpris|convaincu)\w*",
    # "Sarò sincero/a", "sono contento/a", "lieto/a", "grato/a"
    "it": r"\b(?:sincer|content|liet|grat|onorat|entusiast)[oa]\b",
    # every past or conditional first person agrees ("widziałem/widziałam", "chciałbym/-abym")
    # (a vowel, d or g before "łem": "zespołem", "stołem" are nouns in the instrumental)
    "pl": r"\b\w*(?:[aeiuyąęóżdg]łem|łam|łbym|łabym)\b|\b(?:sam|sama|zainteresowan[ya])\b",
}
READER_GENDERED = {
    # the reader is unknown too: "widziałeś/widziałaś", "byłbyś/byłabyś", "zainteresowany/a"
    "pl": r"\b\w+(?:łeś|łaś|łbyś|łabyś)\b|\bzainteresowan[aey]\b",
}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


@pytest.mark.parametrize("language", sorted(SENDER_GENDERED))
def test_no_bank_phrase_agrees_with_the_senders_gender(language: str) -> None:
    pattern = re.compile(SENDER_GENDERED[language], re.IGNORECASE)
    phrases = _strings(load_bank(f"{language}/message"))
    assert phrases, language
    # placeholders ({content}) are not words; "nous serions ravis" is the team, not the sender
    found = [p for p in phrases if pattern.search(re.sub(r"\{\w+\}|nous serions \w+", "", p))]
    assert found == [], found


def test_the_check_reads_the_gendered_forms_it_guards_against() -> None:
    """The patterns catch the forms the review found (the check can fail)."""
    assert re.search(SENDER_GENDERED["es"], "Encantado de hablarlo.", re.IGNORECASE)
    assert re.search(SENDER_GENDERED["pt"], "Obrigada pelo retorno.", re.IGNORECASE)
    assert re.search(SENDER_GENDERED["fr"], "Votre vidéo m'a marqué.", re.IGNORECASE)
    assert re.search(SENDER_GENDERED["fr"], "Ravie d'avoir de vos nouvelles.", re.IGNORECASE)


@pytest.mark.parametrize("name", ["pl/message", "pl/formal"])
def test_no_polish_phrase_agrees_with_the_readers_gender(name: str) -> None:
    """Pan/Pani come from the overlay's forms; no verb or adjective guesses the reader's gender."""
    pattern = re.compile(READER_GENDERED["pl"], re.IGNORECASE)
    found = [p for p in _strings(load_bank(name)) if pattern.search(p)]
    assert found == [], found


def test_the_new_checks_read_the_forms_they_guard_against() -> None:
    assert re.search(SENDER_GENDERED["it"], "Sarò sincera: non conosco il tuo lavoro.", re.I)
    assert re.search(SENDER_GENDERED["pl"], "Widziałem Twój film.", re.IGNORECASE)
    assert re.search(SENDER_GENDERED["pl"], "Chciałabym zaprosić Cię.", re.IGNORECASE)
    assert re.search(READER_GENDERED["pl"], "Czy widziałaś naszą ofertę?", re.IGNORECASE)
