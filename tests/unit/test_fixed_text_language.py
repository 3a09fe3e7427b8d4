"""Every fixed string the engine adds is in the message's language.

The phrase banks (each language's ``message.toml``, its ``[footer] unsubscribe`` line included)
are the engine's own words: each one long enough to tell reads as its language, and an e-mail in
French carries the French footer.
"""

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.prompts import LANGUAGES, RULE_TABLES, load_bank
from ipe.tools.channel.formatting import above_footer, finalize, unsubscribe_line
from ipe.tools.learning.intent import fresh_text
from ipe.tools.trust.sendable import MIN_SENTENCE_LETTERS
from ipe.tools.writing.language import detect
from tests.unit.test_formatting import TEMPLATE

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
BRANDS = ["Acme", "TrailPeak", "Quillmate", "Forge & Pan"]


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _bank_sentences() -> list[tuple[str, str, str]]:
    """(language, path, text) of every bank string long enough to tell its language."""
    found = []
    for language in LANGUAGES:
        table = {k: v for k, v in load_bank(f"{language}/message").items() if k not in RULE_TABLES}
        for path, text in _strings(table):
            if sum(c.isalpha() for c in _PLACEHOLDER.sub(" ", text)) >= MIN_SENTENCE_LETTERS:
                found.append((language, path, text))
    return found


SENTENCES = _bank_sentences()


def test_the_banks_have_sentences_to_judge() -> None:
    assert len(SENTENCES) > 400
    assert {language for language, _, _ in SENTENCES} == set(LANGUAGES)


@settings(max_examples=400, deadline=None)
@given(entry=st.sampled_from(SENTENCES), brand=st.sampled_from(BRANDS))
def test_every_bank_sentence_reads_as_its_language(entry: tuple[str, str, str], brand: str) -> None:
    language, path, text = entry
    filled = _PLACEHOLDER.sub(lambda m: brand if m.group() == "{brand}" else " ", text)
    found = detect(filled)
    assert found in (None, language), (language, path, text, found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_own_unsubscribe_line(language: str) -> None:
    line = unsubscribe_line(language)
    assert "{url}" in line
    assert detect(line.replace("{url}", " ")) == language
    if language != "en":
        assert line != unsubscribe_line("en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reply_reader_cuts_each_footer_line_as_our_own(language: str) -> None:
    quoted = "Sounds good, send me the details.\n" + unsubscribe_line(language).format(
        url="https://trailco.example/unsub?u=a_b_c"
    )
    assert fresh_text(quoted) == "Sounds good, send me the details."


@settings(max_examples=100, deadline=None)
@given(
    language=st.sampled_from([*LANGUAGES, "sv", "ja"]),
    body=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs"]), max_size=60),
)
def test_an_email_carries_the_footer_of_its_language_once(language: str, body: str) -> None:
    subject, sent = finalize(
        "S", f"Hi,\n\n{body}", channel="email", template=TEMPLATE, language=language
    )
    assert finalize(subject, sent, channel="email", template=TEMPLATE, language=language) == (
        subject,
        sent,
    )
    wanted = unsubscribe_line(language).format(url="https://trailco.example/unsub?u=a_b_c")
    assert sent.endswith(wanted) and sent.count("https://trailco.example/unsub") == 1
    assert wanted not in above_footer(sent)
    if language not in LANGUAGES:
        assert wanted == unsubscribe_line("en").format(url="https://trailco.example/unsub?u=a_b_c")
