"""Reading a prospect's reply: its intent, language and whether a person must read it.

The words decide. The latest inbound message is read from its text: HTML turned into text,
quoted earlier mail, our own footer and signatures cut (``intent.fresh_text``), then

1. opt-outs in any language or script (``opt_outs.py``); an opt-out word used only as a mention
   ("your unsubscribe link is broken") sends the reply to a person unless it is clearly
   something else;
2. the language, by lingua over many languages; the intent rules read en, es, pt, fr and de
   (``intent.py``); a reply in another language, or one no rule reads with confidence, is
   ``unclear``: a person reads it (``needs_review``), the engine never guesses a sendable answer.

A record's stated outcome is only a hint: when it disagrees with the words the reasons say so
(an opt-out stated anywhere always stands). Bad input (empty, huge, markup only) gets a reason and
``unclear``, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from html.parser import HTMLParser

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from ipe.tools.learning.declines import find_decline
from ipe.tools.learning.intent import (
    RULE_LANGUAGES,
    best_intent,
    fresh_text,
    other_script,
    rules,
    score_folded,
    stopword_language,
    unreadable_letter,
    written_words,
)
from ipe.tools.learning.opt_outs import OptOutFinding, find_opt_out, without_courtesy
from ipe.tools.learning.structure import bare_thanks, refine
from ipe.tools.policies.intents import UNCLEAR, Intent, get, opt_out_intent, resolve
from ipe.tools.text.folding import fold

MAX_CHARS = 20_000
"""A reply longer than this is not read by the rules (a person reads it); opt-outs still are."""
SCAN_CHARS = 200_000
"""How much of a huge reply the opt-out phrases scan."""
MIN_CONFIDENCE = 0.55
"""Below this, lingua's language is a guess: the five rule languages are all tried."""
FOREIGN_CONFIDENCE = 0.8
"""A reply lingua reads this surely as a language the rules do not read goes to a person, short
or not."""
SHORT_LETTERS = 40
"""A reply with fewer letters is too short for a language guess to decide anything."""
QUOTE_CHARS = 240

_LINGUA: dict[str, Language] = {
    code: Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    for code in (
        "en es pt fr de it nl pl sv da fi nb cs sk sl hr hu ro bg el et lv lt ga "
        "ru uk tr ar he ja ko zh hi id vi th"
    ).split()
}
_CODE = {lang: code for code, lang in _LINGUA.items()}
_TAG = re.compile(
    r"<\s*/?\s*(?:html|body|div|p|br|span|blockquote|table|td|tr|a|b|i|strong|em|font|head|meta|style|ul|li|ol|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
DOUBT_CONFIDENCE = 0.5
"""A short reply lingua places this surely in another language is checked by a person."""


@dataclass(frozen=True)
class Reading:
    """What a reply means, read from its words."""

    intent: str
    """A name from ``tools/policies/intents.toml``."""
    language: str | None
    """The reply's language (ISO 639-1), when known."""
    confidence: float
    """How sure the reading is (0..1); ``unclear`` readings are 0."""
    review: str | None
    """Why a person must read the reply (``None``: the rules are sure enough to act)."""
    quote: str
    """What the prospect wrote now, whitespace folded, cut to a quotable length."""
    reasons: tuple[str, ...] = field(default=())
    """One line each: what decided the reading."""

    @property
    def spec(self) -> Intent:
        """The registry entry of ``intent``."""
        return get(self.intent)

    @property
    def needs_review(self) -> bool:
        """True when the engine must not answer on its own."""
        return self.review is not None or self.spec.review


class _Text(HTMLParser):
    """HTML mail as text: block tags are line breaks; quotes, styles and scripts are dropped."""

    _SKIP = {"style", "script", "head", "blockquote"}
    _BREAK = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        if tag in self._SKIP or "gmail_quote" in classes or "moz-cite" in classes:
            self.skip += 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def as_text(text: str) -> str:
    """``text`` with HTML mail turned into plain lines (plain text is returned as it is)."""
    if not _TAG.search(text):
        return text
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        return _TAG.sub("\n", text)
    return "".join(parser.parts)


@cache
def _detector() -> LanguageDetector:
    # low accuracy mode: trigram models only (~1 s to load for all these languages, instead of
    # ~30 s); short replies are read with every rule language anyway
    return (
        LanguageDetectorBuilder.from_languages(*_LINGUA.values()).with_low_accuracy_mode().build()
    )


def detect(text: str) -> tuple[str | None, float]:
    """The language of ``text`` and lingua's confidence in it (``None, 0`` when it cannot tell)."""
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    top = values[0]
    return _CODE.get(top.language), float(top.value)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"


def read_reply(text: str | None, *, hint: str | None = None) -> Reading:
    """Read one reply: its intent, language and whether a person must read it.

    Args:
        text: The reply as received (plain or HTML; quoted mail and our footer are ignored).
        hint: An intent or outcome label the record or caller gave (a hint: the words decide,
            except that a stated opt-out always stands).

    Returns:
        The reading, with its reasons.
    """
    reading = _read_words(text or "")
    return _with_hint(reading, hint)


def _unclear(why: str, quote: str, language: str | None = None, *more: str) -> Reading:
    return Reading(UNCLEAR, language, 0.0, why, quote, (why, *more))


@lru_cache(maxsize=4096)
def _read_words(raw: str) -> Reading:
    """The reading of one reply's words (memoised: a record's history is read on every run)."""
    if not raw.strip():
        return _unclear("the reply is empty: nothing to read", "")
    body = as_text(raw[:SCAN_CHARS])
    fresh = fresh_text(body)
    quote = _quote(fresh)
    opt = find_opt_out(fresh_text(body, keep_spacing=True) if len(raw) <= MAX_CHARS else body)
    if opt.found:
        name = opt_out_intent(newsletter=opt.newsletter).name
        why = f"asks to stop ('{opt.phrase}', opt-out phrases: {opt.language})"
        stop = Reading(
            name, None if opt.language == "bare" else opt.language, 1.0, None, quote, (why,)
        )
        if not opt.complaint:
            return stop
        said = _read_intent(raw, body, fresh, quote, replace(opt, language=None))
        if said.intent != "declined":  # a complaint alone about the message: an opt-out
            return stop
        why = (
            f"a complaint about the message ('{opt.phrase}') with a plain decline and no demand "
            "to stop: declined"
        )
        return replace(said, reasons=(*said.reasons, why))
    return _read_intent(raw, body, fresh, quote, opt)


def _read_intent(raw: str, body: str, fresh: str, quote: str, opt: OptOutFinding) -> Reading:
    """The reading by the intent rules (no opt-out was asked for)."""
    if len(raw) > MAX_CHARS:
        return _unclear(f"the reply is too long to read by rule ({len(raw)} characters)", quote)
    if not _LETTER.search(fresh):
        found, _ = best_intent(score_folded(fold(fresh).text, "any"))  # an emoji alone: 👍
        if found is None:
            return _unclear("the reply holds no words (markup, links or symbols only)", quote)
        return Reading(found, None, 0.5, None, quote, (f"read as {found} from its symbols",))
    written = written_words(fresh)  # an address's or a link's letters say nothing of the language
    language, confidence = detect(written)
    letters = len(_LETTER.findall(written))
    clean = fold(fresh.replace("\u2019", "'").replace("\u2018", "'")).text
    sure = confidence >= MIN_CONFIDENCE and letters >= SHORT_LETTERS
    foreign = language not in RULE_LANGUAGES and confidence >= FOREIGN_CONFIDENCE
    if other_script(fresh):  # the script first: folded Cyrillic must not read as Portuguese
        language = None if language in RULE_LANGUAGES else language
        sure, foreign = False, True
    elif (sure or foreign) and language not in RULE_LANGUAGES:
        plain = stopword_language(clean)  # lingua's short-text misreadings of English
        language, confidence = (plain, 0.6) if plain else (language, confidence)
        sure = sure and plain is None
        foreign = foreign and plain is None
    if (sure or foreign) and language not in RULE_LANGUAGES:
        declined = _plain_decline(fresh, quote)
        if declined is not None:
            return declined
        if bare_thanks(clean):  # "Thanks Maya, noted!": a name sways lingua, the thanks are ours
            why = f"thanks in a rule language and nothing asked (lingua read {language})"
            return Reading("acknowledged", stopword_language(clean), 0.6, None, quote, (why,))
        auto, _ = best_intent(score_folded(clean, "any"))  # "Auto-reply:", "OOO": any language
        if auto is not None and get(auto).hold == "until_date":
            why = f"an auto-reply in {language or 'an unknown language'}: a person checks the date"
            marker = f"read as {auto} from its marker"
            return Reading(auto, language, 0.6, why, quote, (marker, why))
        why = (
            f"written in {language or 'an unknown language'}: the intent rules read "
            f"{', '.join(RULE_LANGUAGES)}; a person reads it"
        )
        if other_script(fresh):
            return _unclear(why, quote, language)
        return _held_reading(clean, fresh, quote, language, why)
    intent, score, lang = _by_rules(clean, language, sure)
    lang = lang or language
    why_mention = (
        "it mentions unsubscribing or stopping without asking to stop" if opt.mentioned else None
    )
    shaped, why_shape = refine(intent, clean, fresh)
    if why_shape is not None and shaped == UNCLEAR:
        return _unclear(why_shape, quote, lang or language)
    if why_shape is not None:
        intent, score = shaped, max(score, rules().min_score * 2)
        lang = lang or language
    if intent is None:
        declined = None if why_mention else _plain_decline(fresh, quote)
        if declined is not None:
            return declined
        why = why_mention or "no intent rule matched with confidence"
        if language and language not in RULE_LANGUAGES and confidence >= MIN_CONFIDENCE:
            why = f"written in {language}, which the intent rules do not read"
        return _unclear(why, quote, lang or language)
    confidence_out = min(1.0, score / (rules().min_score * 2.5))
    reasons = [f"read as {intent} ({lang}, score {score:.1f})"]
    if why_shape is not None:
        reasons.append(why_shape)
    review = None
    doubt = _language_doubt(language, confidence, sure, clean, fresh, intent)
    if why_mention and intent in ("acknowledged", UNCLEAR):
        review = why_mention
    elif doubt is not None:
        review = doubt
        reasons.append(doubt)
    elif why_mention:
        reasons.append(why_mention + f"; clearly {intent}")
    return Reading(intent, lang, confidence_out, review, quote, tuple(reasons))


def _held_reading(clean: str, fresh: str, quote: str, language: str | None, why: str) -> Reading:
    """What the rules read in a Latin-script reply lingua places in another language, held.

    Lingua misplaces short replies by a name or two ("Hola! Esto lo lleva mi representante,
    escríbele a Marina Soler" as Italian): the rules' reading is kept for the person who checks
    it (``needs_review``), never sent on its own. A decline or an opt-out read there is not
    trusted (a look-alike word of another language): the reply stays ``unclear``.
    """
    found, points, code = _by_rules(clean, None, False)
    shaped, why_shape = refine(found, clean, fresh)
    found = shaped if why_shape is not None else found
    if found is None or found == UNCLEAR:
        return _unclear(why, quote, language)
    spec = get(found)
    if spec.suppress or spec.hold == "declined":
        return _unclear(why, quote, language)
    read = f"read as {found} ({code or 'a rule language'}) by the rules, held for a person"
    return Reading(found, language, 0.5, why, quote, (read, why))


def _by_rules(clean: str, language: str | None, sure: bool) -> tuple[str | None, float, str | None]:
    """The intent the rules read, its score and the rule language that read it.

    A reply lingua is sure of is read in its language; otherwise in every rule language, the best
    score winning. A language whose rules read nothing in it reads it again without its words of
    courtesy (``[courtesy]`` in ``opt_outs.toml``: "mande-me se faz favor a informação"). A rule
    language whose common words fill the reply (``stopword_language``) is read too, and its
    reading wins when it has one: "Please send me the terms. No need to call." is English,
    whatever a Portuguese rule makes of "call".
    """
    plain = stopword_language(clean)
    tried = [language] if sure and language else list(RULE_LANGUAGES)
    for first in (language, plain):
        if first in RULE_LANGUAGES:
            tried = [first, *(code for code in tried if code != first)]
    plain_form = without_courtesy(clean)  # "mande-me se faz favor a informação"
    best: tuple[str | None, float, str | None] = (None, 0.0, None)
    for code in tried:
        found, points = best_intent(score_folded(clean, code))
        if found is None and plain_form != clean:
            found, points = best_intent(score_folded(plain_form, code))
        if found is not None and code == plain:
            return found, points, code
        if found is not None and points > best[1]:
            best = (found, points, code)
    return best


def _language_doubt(
    language: str | None, confidence: float, sure: bool, clean: str, raw: str, intent: str
) -> str | None:
    """Why a person checks a sendable reading of a short reply in a language the rules may not read.

    A short reply is read with every rule language's rules; when lingua's best guess is another
    language ("Hoi! Bedankt, maar ik heb geen interesse", "Odezwij się po świętach") and no rule
    language's common words fill it, or it holds a letter no rule language writes ("ś", "ő",
    "å"), a rule that matched may have matched a look-alike word: the reading stands, but it is
    not sent on its own. A decline or an opt-out is never softened.
    """
    spec = get(intent)
    if sure or spec.suppress or spec.hold == "declined":
        return None
    letter = unreadable_letter(raw)
    if letter is not None:
        return (
            f"'{letter}' is a letter none of {', '.join(RULE_LANGUAGES)} writes: a person "
            "checks the reading"
        )
    if language is None or language in RULE_LANGUAGES or confidence < DOUBT_CONFIDENCE:
        return None
    if stopword_language(clean) is not None:
        return None
    return (
        f"lingua reads it as {language} ({confidence:.2f}), not a language the rules read: "
        "a person checks the reading"
    )


def may_decline(text: str) -> bool:
    """True when a reply may refuse, even where no reading decides it.

    A cue of a declining intent fires in one of the rule languages, below the score that decides
    too ("not sure this is for us"), or a plain decline of another language does
    (``declines.toml``). A reply read as unclear that may refuse gets no offer terms, not even in
    the draft a person reads first.
    """
    fresh = fresh_text(as_text(text))
    if find_decline(fresh) is not None:
        return True
    clean = fold(fresh.replace("\u2019", "'")).text
    for code in RULE_LANGUAGES:
        scores = score_folded(clean, code)
        if any(points > 0 and get(name).hold == "declined" for name, points in scores.items()):
            return True
    return False


def _plain_decline(fresh: str, quote: str) -> Reading | None:
    """A plain decline in a language the rules do not read (``declines.toml``), if there is one."""
    found = find_decline(fresh)
    if found is None:
        return None
    code, phrase = found
    why = f"a plain decline in {code} ('{phrase}', tools/policies/declines.toml)"
    return Reading("declined", code, 0.8, None, quote, (why,))


def _with_hint(reading: Reading, hint: str | None) -> Reading:
    if not hint:
        return reading
    stated = resolve(hint)
    if stated is None:
        return reading
    if stated.name == reading.intent or (stated.suppress and reading.spec.suppress):
        return reading
    if stated.suppress:  # an opt-out stated anywhere is never argued away
        why = f"the record says {hint} and its words read as {reading.intent}: the opt-out stands"
        return Reading(
            stated.name, reading.language, 1.0, None, reading.quote, (*reading.reasons, why)
        )
    if reading.intent == UNCLEAR and not reading.quote:
        why = f"no words to read: the record's outcome {hint} stands"
        return Reading(stated.name, reading.language, 0.5, None, "", (why,))
    why = f"the record says {hint}, its words read as {reading.intent}: the words decide"
    return Reading(
        reading.intent,
        reading.language,
        reading.confidence,
        reading.review,
        reading.quote,
        (*reading.reasons, why),
    )


def stored_event(reading: Reading) -> str | None:
    """The reply event stored for learning (the README's names); ``None``: unclassified."""
    event = reading.spec.event
    return None if event == "unclassified" else event


def classify_reply(text: str) -> str | None:
    """The stored reply event for ``text`` (``interested``, ``not_now``, ...; ``None``: unclear).

    Kept for the store and the simulator, which learn from events; new code reads ``read_reply``.
    """
    return stored_event(read_reply(text))


def is_opt_out(text: str) -> bool:
    """True when ``text`` asks not to be contacted again, in any language (in doubt, it does)."""
    return read_reply(text).spec.suppress


def with_model(reading: Reading, said: str | None) -> Reading:
    """The chat model's label over the rules' reading, with the rules as the floor.

    A model can add an opt-out or a decline, never remove one: when the rules read an opt-out
    (or a decline) and the model says anything milder, the rules' reading stands.
    """
    found = resolve(said) if said else None
    if found is None or found.name == reading.intent:
        return reading
    if reading.spec.suppress or (reading.spec.hold == "declined" and not found.suppress):
        why = f"the chat model said {found.name}; the rules' {reading.intent} stands"
        return replace(reading, reasons=(*reading.reasons, why))
    why = f"read as {found.name} by the chat model (the rules read {reading.intent})"
    review = reading.review if found.name == UNCLEAR else None
    return replace(
        reading, intent=found.name, confidence=0.9, review=review, reasons=(*reading.reasons, why)
    )
