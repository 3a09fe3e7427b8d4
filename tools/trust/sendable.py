"""Sendability: whether a passing message is one a manager would send as written.

Compliance says a message may be sent; this gate says it reads as one person wrote it for this
person now. ``mend`` repairs what is mechanical (a doubled stop after "Co.", a sentence that
starts in lower case, a sentence said twice); ``sendability`` names what is still wrong:

- one language: every sentence of prose (quotes, links and names aside) reads as the message's;
- no cut text (an ellipsis the sources do not have), no leftover placeholder (``{...}``, ``[...]``);
- no seam: a sentence starting in lower case, doubled punctuation, a repeated sentence;
- the length inside the channel's hard maximum (its ``hard_max_words`` in ``channels.toml``);
- the stage's ask answered: a request for details gets the terms, a due check-back or a held
  message cites what the person said.

A message with a reason here is ``needs_review`` with it, never ``ready``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ipe.domain import Relationship, Template
from ipe.tools.channel.formatting import above_footer, split_footer
from ipe.tools.policies.intents import asked_to_wait
from ipe.tools.policies.intents import get as get_intent

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_NOT_PROSE = re.compile(
    r"https?://\S+|\S+@\S+|[\"“”«»„][^\"“”«»„\n]{0,300}[\"“”«»„]|\([^()\n]{0,80}\)"
)
_PLACEHOLDER = re.compile(r"\{\{?[^{}\n]{0,40}\}?\}|\[[A-Za-z _]{2,30}\]|%[A-Z_]{2,30}%")
_DOUBLED = re.compile(r"(?<![.…])\.\.(?!\.)|[,;:] ?[.,;:!?]|\s[,.](?!\w)")
_DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?!\.)")
_LOWER_START = re.compile(r"(?<=[.!?])(\s+)([a-zà-ÿ])")
"""A sentence that starts in lower case after a full stop (a line after "Hallo Jonas," may);
``_lower_starts`` leaves out the stops of abbreviations ("4 a.m. starts", "e.g. the")."""
_ABBREVIATIONS = frozenset(
    {"etc.", "vs.", "approx.", "ca.", "bzw.", "usw.", "z.b.", "p.ex.", "no."}
)
_WORD = re.compile(r"[^\W\d_]{4,}")
MIN_SENTENCE_LETTERS = 30
_SAID_TWICE_MIN = 12  # a sentence this long said twice is a seam ("Thanks!" twice is not)
"""Sentences shorter than this are not judged for language (too little text to tell)."""


_VERBATIM = re.compile(r"[^\s]*(?:://|www\.|@|\.[a-z]{2,}/|[a-z][A-Z])")
"""A token written as it must stay: a link, an address, a handle, a name like "iPhone"."""


def _lower_starts(text: str) -> list[re.Match[str]]:
    """Where a sentence starts in lower case after a stop that is not an abbreviation's.

    A link, an e-mail address, a handle or a word with an inner capital ("eBay") that follows a
    stop is not a sentence starting in lower case: it is written as it must stay.
    """
    found = []
    for match in _LOWER_START.finditer(text):
        token = text[: match.start(1)].split()[-1].lower()
        if "." in token[:-1] or token in _ABBREVIATIONS or len(token) <= 2:
            continue  # "a.m.", "e.g.", "etc.", "St."
        if _VERBATIM.match(text, match.start(2)):
            continue
        found.append(match)
    return found


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in text.split("\n"):
        out += [s.strip() for s in _SENTENCE.split(line.strip()) if s.strip()]
    return out


def _key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


_FULLWIDTH = r"[\uFF01-\uFF5E]*"
_FULLWIDTH_RUN = re.compile(_FULLWIDTH + r"[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]" + _FULLWIDTH)
"""A run of fullwidth forms holding a Latin letter or digit ("ｅｖｉｌ．ｃｏｍ"); CJK punctuation
alone ("，", "！") is not one."""


def _halfwidth(text: str) -> str:
    """Fullwidth Latin runs as the ASCII they imitate, so the link and contact checks see them."""
    return _FULLWIDTH_RUN.sub(lambda m: "".join(chr(ord(c) - 0xFEE0) for c in m.group()), text)


def mend(body: str) -> str:
    """Repair the mechanical seams of ``body`` (above any e-mail footer); idempotent.

    Fullwidth Latin letters become the ASCII they imitate (a look-alike domain written in them is
    then a link like any other), a doubled stop ("Co.." where a brand ends a sentence) becomes
    one, a sentence that starts in lower case gets its capital, and a sentence said twice is
    said once.
    """
    head, sep, footer = split_footer(body)
    head = _DOUBLE_STOP.sub(".", _halfwidth(head))
    for match in reversed(_lower_starts(head)):
        at = match.start(2)
        head = head[:at] + head[at].upper() + head[at + 1 :]
    seen: set[str] = set()
    lines = []
    for line in head.split("\n"):
        kept = []
        for sentence in _SENTENCE.split(line):
            key = _key(sentence)
            if len(key) > _SAID_TWICE_MIN and key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        lines.append(" ".join(kept))
    return "\n".join(lines) + sep + footer


def _language_reasons(text: str, language: str) -> list[str]:
    from ipe.tools.writing.language import NAMES, detect

    reasons = []
    for sentence in _sentences(_NOT_PROSE.sub(" ", text)):
        if sum(map(str.isalpha, sentence)) < MIN_SENTENCE_LETTERS:
            continue
        found = detect(sentence)
        if found is not None and found != language:
            wanted = NAMES.get(language, language)
            reasons.append(
                f'a sentence reads as {NAMES.get(found, found)}, not {wanted}: "{sentence[:60]}"'
            )
    return reasons


def _asked_words(relationship: Relationship) -> set[str]:
    from wordfreq import zipf_frequency

    words = {w.lower() for w in _WORD.findall(relationship.asked_for or "")}
    return {w for w in words if zipf_frequency(w, "en") < 6.0}


def _asked(kind: str, words: str) -> bool:
    from ipe.tools.policies import load_pack

    phrases = load_pack("relationship")["asks"][kind]
    return any(re.search(rf"(?<!\w){re.escape(p)}", words, re.IGNORECASE) for p in phrases)


def _details_reasons(
    lowered: str, asked: str, template: Template, wants_terms: bool = True
) -> list[str]:
    """What a reply to their question must carry: the cookie window, a way to book, the terms."""
    offer = template.offer
    cookie = str(offer.cookie_days or "")
    links = [link.lower().rstrip("/") for link in template.links]
    if _asked("cookie", asked) and cookie and cookie not in lowered:
        return ["they asked how long referrals count, and the message does not say"]
    if _asked("call", asked):
        if any(link in lowered for link in links) or re.search(r"\d", lowered):
            return []
        return ["they asked for a call, and the message offers no link or time"]
    terms = [offer.commission or "", cookie, *links]
    if wants_terms and not any(t and t.lower() in lowered for t in terms):
        return ["they asked for the details, and the message does not state the terms"]
    return []


def _stage_reasons(
    text: str, relationship: Relationship | None, template: Template, language: str
) -> list[str]:
    if relationship is None:
        return []
    lowered = text.lower()
    if relationship.stage == "asked_for_details":
        wants_terms = _asked_for_terms(relationship)
        return _details_reasons(lowered, relationship.asked_for or "", template, wants_terms)
    if asked_to_wait(relationship) and not _cites(text, relationship, language):
        return ["it is sent when they asked, and does not cite what they said"]
    return []


def _restated(text: str, language: str) -> str | None:
    """The line of ``text`` that says what they asked for (a ``[check_back]`` opener), if any.

    Each opener of the language's banks is read as a pattern (its ``{when}``/``{month}`` as any
    words), with the bank's restatements (``cites``): "You asked me to check back after the
    launch", "you said later would suit you better".
    """
    from ipe.prompts import LANGUAGES, bank_names, load_bank

    if language not in LANGUAGES:
        return None
    folded = " ".join(text.casefold().split())
    for name in bank_names(language):
        table = load_bank(name).get("check_back", {})
        for key in ("opener_when", "opener_asked", "opener_asked_undated", "cites"):
            for phrase in table.get(key, []):
                parts = re.split(r"\{\w+\}", " ".join(str(phrase).casefold().split()))
                pattern = r".{1,60}?".join(re.escape(p.rstrip(".!?")) for p in parts)
                found = re.search(pattern, folded) if pattern else None
                if found:
                    return found.group(0)
    return None


def _grounding_reasons(text: str, relationship: Relationship | None, language: str) -> list[str]:
    """A line saying they asked us to wait, where their reply was not read as asking it."""
    said = _restated(text, language)
    if said is None or asked_to_wait(relationship):
        return []
    intent = relationship.intent if relationship else None
    read = f"their reply was read as {intent}" if intent else "there is no reply of theirs"
    return [f'it says they asked us to wait ("{said[:60]}"), and {read}']


def _cites(text: str, relationship: Relationship, language: str) -> bool:
    """Whether ``text`` cites what they said: their own words, or the bank's restatement.

    A deferral with no date ("Thanks, maybe later.") is cited in the bank's words ("you said
    later would suit you better": ``[check_back] cites`` of the language's phrase bank).
    """
    said = _asked_words(relationship)
    if not said or said & {w.lower() for w in _WORD.findall(text)}:
        return True
    from ipe.prompts import LANGUAGES, bank_names, load_bank

    if language not in LANGUAGES:
        return False
    folded = " ".join(text.casefold().split())
    cites = [  # the base bank's and each register overlay's ("te"/"le venía mejor")
        cite
        for name in bank_names(language)
        for cite in load_bank(name).get("check_back", {}).get("cites", [])
    ]
    return any(str(cite).casefold() in folded for cite in cites)


def _asked_for_terms(relationship: Relationship) -> bool:
    """True when their reply asked for the details (a call, a question... asks something else)."""
    if relationship.intent is None:
        return True
    return get_intent(relationship.intent).action == "send_details"


def sendability(
    body: str,
    *,
    language: str,
    template: Template,
    relationship: Relationship | None = None,
    rule_ids: Iterable[str] = (),
) -> list[str]:
    """Why ``body`` is not one a manager would send as written (empty: it is).

    ``rule_ids`` are the critic's findings on it (a cut quote, over the hard maximum).
    """
    text = above_footer(body)
    reasons = _language_reasons(text, language)
    ids = set(rule_ids)
    if "shape.cut" in ids:
        reasons.append("a quote or sentence is cut")
    if "shape.over_length" in ids:
        reasons.append("longer than the channel's hard maximum")
    placeholder = _PLACEHOLDER.search(_NOT_PROSE.sub("x", text))
    if placeholder:
        reasons.append(f'a placeholder is left: "{placeholder.group(0)}"')
    seam = _DOUBLED.search(_NOT_PROSE.sub("x", text))
    if seam:
        reasons.append(f'a seam in the text: "{seam.group(0).strip()}"')
    if _lower_starts(text):
        reasons.append("a sentence starts in lower case")
    keys = [_key(s) for s in _sentences(text)]
    if len({k for k in keys if len(k) > _SAID_TWICE_MIN}) < len(
        [k for k in keys if len(k) > _SAID_TWICE_MIN]
    ):
        reasons.append("a sentence is said twice")
    reasons += _stage_reasons(text, relationship, template, language)
    reasons += _grounding_reasons(text, relationship, language)
    return reasons
