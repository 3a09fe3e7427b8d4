"""A question is answered from the template's approved claims when one holds it (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Template
from ipe.tools.writing.answers import CLAIM, answer, answer_kind, claim_sharing

_BASE = json.loads(Path("examples/template.json").read_text(encoding="utf-8"))
CLAIMS = [
    "All our treats are grain-free and made in small batches",
    "Orders ship within 48 hours from our Lisbon warehouse",
]


def _template(claims: list[str]) -> Template:
    return Template.model_validate(
        {**_BASE, "approved_claims": [*_BASE["approved_claims"], *claims]}
    )


def test_a_question_no_topic_lists_is_answered_by_the_claim_sharing_its_words() -> None:
    found = answer("are the treats grain free?? asking for my dog", _template(CLAIMS))
    assert found.answered == {CLAIM: CLAIMS[0]} and not found.unanswered
    assert answer_kind(CLAIM) == "claims"


def test_a_listed_topic_the_claims_miss_stays_open_beside_the_claim_that_answers() -> None:
    found = answer("What's the payout threshold, and are the treats grain free?", _template(CLAIMS))
    assert found.answered.get(CLAIM) == CLAIMS[0]
    assert "payout" in found.unanswered  # never answered by an unrelated claim


def test_one_shared_word_is_not_enough() -> None:
    assert claim_sharing("Are the sizes true to fit?", _template(CLAIMS)) is None
    assert claim_sharing("How heavy is the tent?", _template(CLAIMS)) is None


_FILLER = st.sampled_from(["", "Hi! ", "Quick one: ", "Love this. ", "Thanks Maya, "])


@settings(max_examples=60, deadline=None)
@given(_FILLER, st.sampled_from(["?", "??", " ?", "?!"]), st.booleans())
def test_the_claim_answers_whatever_is_said_around_the_question(
    before: str, mark: str, upper: bool
) -> None:
    question = f"{before}do the treats come grain free{mark}"
    question = question.upper() if upper else question
    assert claim_sharing(question, _template(CLAIMS)) == CLAIMS[0]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120))
def test_a_shared_claim_is_always_one_of_the_templates(question: str) -> None:
    template = _template(CLAIMS)
    found = claim_sharing(question, template)
    assert found is None or found in [str(c) for c in template.approved_claims]
