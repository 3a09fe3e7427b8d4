"""The speed paths give exactly what the plain computation gives (properties, our examples).

Each fast path of the checks and the offline drafter is compared with the straightforward form
it replaced: the same words de-leeted, the same number words found, the same candidate chosen.
"""

import re

from hypothesis import given
from hypothesis import strategies as st

from ipe.tools.text.folding import View, deleet, fold
from ipe.tools.trust.grounding import _number_words, _number_words_lowercase, worded_terms
from ipe.tools.writing.offline_drafter import _band, _choose, _fits_words, word_count

_EVERY_WORD = re.compile(r"[a-z0-9@$!|+]+")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
    | {"@": "a", "$": "s", "!": "i", "|": "l", "+": "t"}
)


def _deleet_every_word(view: View) -> View:
    """The plain form: every run of letters and symbols visited, the ones without a symbol kept."""

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        core = word.rstrip("!")
        if not re.search(r"[0-9@$!|+]", core) or not re.search(r"[a-z]", core):
            return word
        return core.translate(_LEET) + word[len(core) :]

    return View(_EVERY_WORD.sub(swap, view.text), view.origin)


@given(st.text(alphabet="abeilost 0134579@$!|+.-,\n", max_size=80))
def test_deleet_reads_the_same_words_as_visiting_every_word(text):
    view = fold(text)
    assert deleet(view).text == _deleet_every_word(view).text


def test_deleet_examples():
    assert deleet(fold("ign0re the pr3vious n0tes, 15% on sales!")).text == (
        "ignore the previous notes, 15% on sales!"
    )
    assert deleet(fold("write to me at h1@example.com")).text == "write to me at hiaexample.com"


_NUMBER_TEXT = st.lists(
    st.sampled_from(
        ["forty", "Five", "a", "hundred", "percent", "Days", "dollars", "-", "and", "the", "Per"]
        + ["cent", "twenty", "One", "%", "euros", "thousand", "offer", "x-", "9", ".", "\n"]
    ),
    max_size=12,
).map(" ".join)


@given(_NUMBER_TEXT)
def test_number_words_on_lowered_ascii_match_where_ignorecase_does(text):
    plain = [
        (m.span(), m.span(1), bool(m[2]), bool(m[3])) for m in _number_words()[2].finditer(text)
    ]
    lowered = _number_words_lowercase().finditer(text.lower())
    assert [(m.span(), m.span(1), bool(m[2]), bool(m[3])) for m in lowered] == plain


def test_worded_terms_examples():
    assert worded_terms("Forty Percent for Thirty days") == [
        (0, 13, "%", 40.0),
        (18, 29, "days", 30.0),
    ]
    assert worded_terms("A hundred dollars, cuarenta por ciento, sí") == [
        (0, 17, "money", 100.0),
        (19, 38, "%", 40.0),
    ]


def _choose_from_all(candidates, shape, limit):
    """The plain form: every candidate composed first, then the same choice."""
    band = _band(shape)
    within = [(b, h) for b, h in candidates if len(b) <= limit]
    for body, hook in within:
        if shape == "note" or _fits_words(body, band):
            return body, hook
    pool = within or candidates
    return min(pool, key=lambda item: (abs(word_count(item[0]) - band[1]), len(item[0])))


@given(
    st.lists(st.integers(min_value=1, max_value=160), min_size=1, max_size=10),
    st.sampled_from(["dm", "email", "note"]),
    st.integers(min_value=100, max_value=900),
)
def test_choosing_from_a_generator_chooses_what_composing_all_chooses(lengths, shape, limit):
    candidates = [(" ".join(["word"] * n), None) for n in lengths]
    composed: list[int] = []

    def lazily():
        for i, candidate in enumerate(candidates):
            composed.append(i)
            yield candidate

    assert _choose(lazily(), shape, limit) == _choose_from_all(candidates, shape, limit)
    chosen = _choose(iter(candidates), shape, limit)
    fits = [
        c
        for c in candidates
        if len(c[0]) <= limit and (shape == "note" or _fits_words(c[0], _band(shape)))
    ]
    if fits:  # nothing after the first fitting candidate was composed
        assert chosen == fits[0]
        assert len(composed) == candidates.index(fits[0]) + 1
