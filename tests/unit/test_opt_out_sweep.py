"""The opt-out sweep of issue 23 as properties: generated opt-outs heard, look-alikes not.

The replies come from ``opt_out_generators.py`` (42 languages, each act in every variation:
courtesy words, a greeting and a signature, the brand, lower case without accents, a typo of one
letter, a letter from another script). ``bench/opt_out_sweep.py`` prints the same sweep.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.tools.learning.opt_outs import find_opt_out, mend_typos
from ipe.tools.learning.replies import read_reply
from ipe.tools.text.folding import fold
from tests.unit.opt_out_generators import LANGUAGES, cases, render

# (cases, opt-outs missed, look-alikes suppressed) per language with one draw per variation, as
# the sweep measured them (with two draws, 6585 cases: 2364 missed and 231 suppressed before
# the sweep's mechanisms, 1442 and 50 after). A language may only get better.
FIGURES: dict[str, tuple[int, int, int]] = {
    "ar": (71, 12, 0),
    "bg": (141, 28, 0),
    "bn": (61, 42, 0),
    "cs": (143, 15, 1),
    "da": (131, 19, 1),
    "de": (148, 15, 0),
    "el": (149, 41, 1),
    "en": (175, 4, 0),
    "es": (160, 8, 1),
    "et": (134, 36, 0),
    "fa": (62, 43, 0),
    "fi": (129, 33, 0),
    "fr": (154, 7, 0),
    "ga": (118, 32, 0),
    "he": (68, 29, 0),
    "hi": (68, 40, 0),
    "hr": (142, 28, 1),
    "hu": (136, 38, 0),
    "id": (134, 25, 0),
    "it": (147, 24, 0),
    "ja": (65, 15, 3),
    "ko": (62, 21, 3),
    "lt": (142, 38, 0),
    "lv": (143, 24, 1),
    "ms": (120, 36, 0),
    "mt": (113, 47, 0),
    "nl": (146, 13, 0),
    "no": (126, 9, 0),
    "pl": (140, 9, 0),
    "pt": (144, 12, 1),
    "ro": (136, 34, 1),
    "ru": (160, 17, 0),
    "sk": (137, 30, 0),
    "sl": (136, 21, 6),
    "sv": (137, 10, 0),
    "sw": (114, 51, 0),
    "th": (60, 22, 3),
    "tl": (126, 48, 1),
    "tr": (140, 46, 6),
    "uk": (148, 36, 0),
    "vi": (107, 38, 5),
    "zh": (75, 16, 3),
}

# every act reads right in these (language, variation) pairs (the sweep: the other languages
# still miss some of their acts, counted in FIGURES)
HEARD = [
    (code, variant)
    for code in ("en", "es", "fr")
    for variant in ("plain", "please", "framed", "branded", "bare")
]


def _suppresses(text: str) -> bool:
    return read_reply(text).spec.suppress


def test_the_sweep_spans_thirty_languages_and_every_variation() -> None:
    assert len(LANGUAGES) >= 30
    assert set(FIGURES) == set(LANGUAGES)
    for code, lang in LANGUAGES.items():
        assert len(lang.acts) >= 12 and len(lang.nots) >= 6, code


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_no_language_reads_its_sweep_worse(code: str) -> None:
    generated = cases(code, 1)
    wrong = [case for case in generated if _suppresses(case.text) != case.opt_out]
    missed = sum(case.opt_out for case in wrong)
    total, most_missed, most_lost = FIGURES[code]
    assert len(generated) == total
    assert missed <= most_missed, [case.text for case in wrong if case.opt_out]
    assert len(wrong) - missed <= most_lost, [case.text for case in wrong if not case.opt_out]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(HEARD).flatmap(
        lambda pair: st.tuples(
            st.just(pair), st.sampled_from(LANGUAGES[pair[0]].acts), st.integers(0, 999)
        )
    )
)
def test_opt_outs_are_heard_in_every_variation(drawn: tuple[tuple[str, str], str, int]) -> None:
    (code, variant), act, seed = drawn
    reply = render(code, act, variant, seed)
    assert _suppresses(reply), reply


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(code for code, (_, _, lost) in FIGURES.items() if lost == 0)).flatmap(
        lambda code: st.tuples(st.just(code), st.sampled_from(LANGUAGES[code].nots))
    ),
    st.sampled_from(("plain", "framed", "branded", "bare", "mixed")),
    st.integers(0, 999),
)
def test_look_alikes_are_never_suppressed(drawn: tuple[str, str], variant: str, seed: int) -> None:
    code, act = drawn
    reply = render(code, act, variant, seed)
    assert not _suppresses(reply), reply


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("stop cnotacting me", "stop contacting me"),
        ("usnubscribe me", "unsubscribe me"),
        ("abmlden", "abmelden"),
        ("no deseo ser cntactado", "no deseo ser contactado"),
    ],
)
def test_a_typo_inside_an_opt_out_stem_is_mended(typed: str, meant: str) -> None:
    assert mend_typos(typed) == meant
    assert find_opt_out(typed).found


@pytest.mark.parametrize(
    "text",
    ["darse de baja", "ссылка для отписки", "لا تتوقفوا عن الكتابة", "başka markalardan"],
)
def test_an_ending_or_a_word_of_another_alphabet_is_no_typo(text: str) -> None:
    # "darse" is not "darme" mistyped, nor "отписки" "отписка": an ending differs; an Arabic or
    # Hebrew prefix is grammar, not a typo
    folded = fold(text).text
    assert mend_typos(folded) == folded
