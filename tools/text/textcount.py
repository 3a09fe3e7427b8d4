"""Length as each channel counts it: code points, UTF-8 bytes or X's weighted characters.

X weighs text with twitter-text v3 (weights and ranges in ``tools/policies/channels.toml``): code
points in a few Latin/punctuation ranges weigh 1, everything else 2, an emoji sequence (with its
modifiers and zero-width-joined parts) counts as one emoji, and every URL counts as a t.co link.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from ipe.tools.policies import load_pack
from ipe.tools.text.folding import fold

UNITS = ("chars", "bytes", "x_weighted")

_ZWJ = 0x200D
_KEYCAP = 0x20E3
_VARIATION = (0xFE0E, 0xFE0F)
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL = range(0x1F1E6, 0x1F200)
_KEYCAP_BASES = frozenset(map(ord, "0123456789#*"))
_TRAILING_PUNCT = ".,;:!?)]}'\"’”…"


@cache
def _config() -> dict[str, Any]:
    return dict(load_pack("channels")["x_counting"])


@cache
def _url_patterns(flags: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    tlds = sorted(_config()["bare_domain_tlds"], key=len, reverse=True)
    scheme = re.compile(r"https?://[^\s<>\"'`]+", flags)
    bare = re.compile(
        r"(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
        rf"(?:{'|'.join(t.lower() for t in tlds)})(?![\w-])(?::\d{{1,5}})?(?:/[^\s<>\"'`]*)?",
        flags,
    )
    return scheme, bare


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, url)`` for every link in ``text``: http(s) URLs and bare domains.

    Trailing sentence punctuation is not part of a link, as in twitter-text. The same text is
    checked by several rules (grounding, links, spam lint): its result is remembered.
    """
    return list(_find_urls(text))


@lru_cache(maxsize=256)
def _find_urls(text: str) -> tuple[tuple[int, int, str], ...]:
    if text.isascii():  # lower-cased ASCII with a plain pattern is exactly IGNORECASE, faster
        patterns, target = _url_patterns(0), text.lower()
    else:
        patterns, target = _url_patterns(re.IGNORECASE), text
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in patterns:
        for match in pattern.finditer(target):
            start, end = match.span()
            while end > start and text[end - 1] in _TRAILING_PUNCT:
                end -= 1
            if end <= start or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append((start, end, text[start:end]))
    return tuple(sorted(found))


_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOT = r"(?:\.|\[\.\]|\(\.\)|\[dot\]|\(dot\)|(?<=[a-z0-9])\u3002(?=[a-z0-9]))"
_TAIL = r"(?::\d{1,5})?(?:[/?#][^\s<>\"'`]*)?"
_LINK = re.compile(
    "|".join(
        (
            # anything with a scheme (http, hxxp, ftp, javascript:, data:, ...)
            r"(?<![\w.+-])[a-z][a-z0-9+.-]{1,15}://[^\s<>\"'`]+",
            r"(?<![\w.+-])(?:javascript|vbscript|data|mailto|file|tel|sms|intent):[^\s<>\"'`]+",
            # IP literals, bare or bracketed IPv6
            rf"(?<![\w.])\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?![\w.]\w){_TAIL}",
            rf"\[[0-9a-f]*:[0-9a-f:.]+\]{_TAIL}",
            # any host-like token: labels joined by dots, the last one letters or punycode
            rf"(?<![\w@.\-/])(?:{_LABEL}{_DOT})+(?:xn--[a-z0-9-]+|[^\W\d_]{{2,63}})(?![\w-]){_TAIL}",
        )
    ),
    re.IGNORECASE,
)
"""Links by structure, not by a list of top-level domains: scheme URLs, IP literals, and every
host-like token (``a.b``, IDN and punycode labels, defanged dots such as ``[.]``)."""


def find_links(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, link)`` for every link-like token in ``text``, by structure.

    Where ``find_urls`` follows twitter-text (for counting X posts), this is the trust check:
    any host-like token (whatever its top-level domain), punycode or IDN labels, IP literals,
    scheme-less and defanged forms. It matches on the folded text (``folding.fold``: fullwidth
    dots, look-alike letters), so ``pаypal.com`` with a Cyrillic ``а`` is found; the spans and
    the returned text are the original's. Trailing sentence punctuation is not part of a link.
    """
    return list(_find_links(text))


@lru_cache(maxsize=256)
def _find_links(text: str) -> tuple[tuple[int, int, str], ...]:
    if "." not in text and ":" not in text and text.isascii():
        return ()
    view = fold(text)
    found: list[tuple[int, int, str]] = []
    for match in _LINK.finditer(view.text):
        start, end = view.span(*match.span())
        while end > start and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
        if end > start:
            found.append((start, end, text[start:end]))
    return tuple(found)


def char_count(text: str) -> int:
    """Unicode code points after NFC normalisation."""
    return len(unicodedata.normalize("NFC", text))


def utf8_bytes(text: str) -> int:
    """UTF-8 bytes of ``text`` exactly as it would be sent."""
    return len(text.encode("utf-8", errors="surrogatepass"))


def _is_emoji_base(cp: int) -> bool:
    return any(low <= cp <= high for low, high in _config()["emoji_ranges"])


def _plain_weight(cp: int) -> int:
    config = _config()
    if any(low <= cp <= high for low, high in config["ranges"]):
        return int(config["range_weight"])
    return int(config["default_weight"])


def _is_modifier(cp: int) -> bool:
    return cp in _VARIATION or cp in _SKIN_TONES or cp in _TAGS or cp == _KEYCAP


def _emoji_end(cps: list[int], i: int) -> int:
    """Index just after the emoji sequence starting at ``i``, or ``i`` if none starts there."""
    n = len(cps)
    cp = cps[i]
    nxt = cps[i + 1] if i + 1 < n else None
    if cp in _REGIONAL and nxt is not None and nxt in _REGIONAL:
        return i + 2
    if cp in _KEYCAP_BASES:
        if nxt == _KEYCAP:
            return i + 2
        if nxt in _VARIATION and i + 2 < n and cps[i + 2] == _KEYCAP:
            return i + 3
        return i
    if not (_is_emoji_base(cp) or cp in _REGIONAL or nxt == 0xFE0F):
        return i
    j = i + 1
    while j < n:
        if _is_modifier(cps[j]):
            j += 1
        elif cps[j] == _ZWJ and j + 1 < n:
            j += 2
        else:
            break
    return j


def _weigh_plain_text(text: str) -> int:
    cps = [ord(c) for c in text]
    total = 0
    i = 0
    emoji_weight = int(_config()["emoji_weight"])
    while i < len(cps):
        end = _emoji_end(cps, i)
        if end > i:
            total += emoji_weight
            i = end
        else:
            total += _plain_weight(cps[i])
            i += 1
    return total


def x_weighted_length(text: str) -> int:
    """Length of ``text`` as X counts a post (twitter-text v3 weighting, URLs as 23)."""
    normal = unicodedata.normalize("NFC", text)
    url_weight = int(_config()["url_weight"])
    total = 0
    cursor = 0
    for start, end, _ in find_urls(normal):
        total += _weigh_plain_text(normal[cursor:start]) + url_weight
        cursor = end
    return total + _weigh_plain_text(normal[cursor:])


def measure(text: str, unit: str) -> int:
    """Length of ``text`` in ``unit``: ``"chars"``, ``"bytes"`` or ``"x_weighted"``."""
    if unit == "chars":
        return char_count(text)
    if unit == "bytes":
        return utf8_bytes(text)
    if unit == "x_weighted":
        return x_weighted_length(text)
    raise ValueError(f"unknown length unit '{unit}': use one of {', '.join(UNITS)}")
