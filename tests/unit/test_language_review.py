"""The language reason is judged on the text that is sent, and records' language labels are read.

A Portuguese message (whatever path wrote it) is not marked "in English"; a model that ignored
the language instruction is flagged; English for want of a phrase bank keeps its note.
"""

import pytest

from ipe.tools.writing.language import language_review, normalise

PORTUGUESE = (
    "Olá Carla, vi as suas dicas de produtividade e home office. A Keyforge faz teclados "
    "mecânicos silenciosos; no nosso programa de afiliados você recebe 10% de comissão em cada "
    "venda indicada. Quer testar um teclado? Lena"
)
ENGLISH = (
    "Hi Carla, your productivity tips for home offices stood out. Keyforge makes quiet "
    "mechanical keyboards; our affiliate program pays 10% commission on every sale you refer. "
    "Want to try one? Lena"
)
NOTE = "the prospect's language is 'it', which the offline drafter does not write: needs review"


def test_a_message_in_the_prospects_language_needs_no_language_note() -> None:
    assert language_review(PORTUGUESE, written_for="pt", wanted="pt", note=None) is None
    # even when the plan carried a note: the text is what is sent
    assert language_review(PORTUGUESE, written_for="en", wanted="pt", note=NOTE) is None


def test_a_model_that_wrote_another_language_is_flagged() -> None:
    why = language_review(ENGLISH, written_for="pt", wanted="pt", note=None)
    assert why and "reads as English" in why and "Portuguese" in why


def test_english_for_want_of_a_bank_keeps_its_note() -> None:
    assert language_review(ENGLISH, written_for="en", wanted="it", note=NOTE) == NOTE


def test_the_footer_links_and_quotes_do_not_decide_the_language() -> None:
    body = PORTUGUESE + '\n\n---\nKeyforge GmbH, "Where every keystroke counts", unsubscribe here'
    assert language_review(body, written_for="pt", wanted="pt", note=None) is None


def test_a_short_text_is_not_judged() -> None:
    assert language_review("Hi Carla!", written_for="pt", wanted="pt", note=None) is None


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("pt", "pt"),
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("por", "pt"),
        ("spa", "es"),
        ("ger", "de"),
        ("fre", "fr"),
        ("Português (Brasil)", "pt"),
        ("Brazilian Portuguese", "pt"),
        ("español de México", "es"),
        ("Deutsch", "de"),
        ("it", "it"),
        ("es-419", "es"),
    ],
)
def test_language_labels_as_records_write_them(label: str, code: str) -> None:
    assert normalise(label) == code
