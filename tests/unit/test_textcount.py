import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ipe.tools.text.textcount import (
    char_count,
    find_urls,
    measure,
    utf8_bytes,
    x_weighted_length,
)

# Characters that merge several code points into one emoji; without them every code point
# weighs at least 1, which the property below relies on.
_JOINERS = {0x200D, 0x20E3, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400), *range(0xE0000, 0xE0080)}
_plain_text = st.text(
    alphabet=st.characters(
        exclude_categories=["Cs"], exclude_characters=[chr(c) for c in _JOINERS]
    ),
    max_size=80,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        ("", 0),
        ("👍", 2),
        ("👍🏽", 2),
        ("👨\u200d👩\u200d👧\u200d👦", 2),
        ("🇺🇸", 2),
        ("1\ufe0f\u20e3", 2),
        ("❤️", 2),
        ("日本語", 6),
        ("\u10ff", 1),
        ("\u1100", 2),
        ("\u2010", 1),
        ("\u200e", 2),
        ("\u2032", 1),
        ("\u2038", 2),
        ("e\u0301", 1),
    ],
)
def test_x_weighted_length_weights(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


def test_every_url_counts_as_23() -> None:
    assert x_weighted_length("https://example.com/a/very/long/path?with=query&and=more") == 23
    assert x_weighted_length("see https://example.com/x.") == len("see ") + 23 + 1
    assert x_weighted_length("visit brand.co/partners now") == len("visit ") + 23 + len(" now")
    assert x_weighted_length("two http://a.io and www.b.com") == 23 + len("two  and ") + 23


def test_email_addresses_and_abbreviations_are_not_links() -> None:
    assert find_urls("write to jane@brand.com") == []
    assert find_urls("e.g. this, i.e. that, Node.js") == []
    assert x_weighted_length("jane@brand.com") == len("jane@brand.com")


def test_find_urls_strips_trailing_punctuation() -> None:
    text = "Read (https://brand.com/page), then brand.io!"
    assert [url for _, _, url in find_urls(text)] == ["https://brand.com/page", "brand.io"]
    for start, end, url in find_urls(text):
        assert text[start:end] == url


def test_char_count_normalises_to_nfc() -> None:
    assert char_count("Cafe\u0301") == 4
    assert char_count("👍🏽") == 2


def test_utf8_bytes_counts_what_is_sent() -> None:
    assert utf8_bytes("abc") == 3
    assert utf8_bytes("é") == 2
    assert utf8_bytes("👍") == 4
    assert utf8_bytes("日") == 3


@pytest.mark.parametrize(("unit", "expected"), [("chars", 3), ("bytes", 7), ("x_weighted", 4)])
def test_measure_dispatches_on_unit(unit: str, expected: int) -> None:
    assert measure("a👍é", unit) == expected


def test_measure_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown length unit 'words'"):
        measure("x", "words")


@given(_plain_text)
def test_weighted_length_is_at_least_char_count_without_urls(text: str) -> None:
    assume(not find_urls(text))
    assert x_weighted_length(text) >= char_count(text)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_bytes_are_at_least_chars(text: str) -> None:
    assert utf8_bytes(text) >= char_count(text)


@given(
    scheme=st.sampled_from(["http://", "https://", ""]),
    labels=st.lists(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=3),
    tld=st.sampled_from(["com", "org", "io", "co", "dev"]),
    path=st.from_regex(r"(/[A-Za-z0-9_~=-]{0,20}){0,4}", fullmatch=True),
)
def test_a_url_always_counts_23(scheme: str, labels: list[str], tld: str, path: str) -> None:
    url = f"{scheme}{'.'.join(labels)}.{tld}{path}"
    assert x_weighted_length(url) == 23
    assert x_weighted_length(f"go {url} now") == 23 + len("go  now")


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Go to HTTPS://Example.COM/Join. Thanks", "HTTPS://Example.COM/Join"),
        ("or just TrailPeak.COM, today", "TrailPeak.COM"),
        ("see evıl.com now", "evıl.com"),  # a dotless i still makes a link (IGNORECASE folds it)
    ],
)
def test_links_are_found_in_any_case_with_their_original_text(text: str, url: str) -> None:
    assert [u for _, _, u in find_urls(text)] == [url]
    assert find_urls(text) == find_urls(text)  # remembered, and a fresh list each time
    assert find_urls(text) is not find_urls(text)
