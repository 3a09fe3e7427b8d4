"""The language a message is written in: the record's ``language``, else detected from its text.

The language comes from ``preferences.language``, then the record's ``language``, then the
prospect's own words (bio, content titles and summaries, niche, inbound replies), detected with
``lingua-language-detector`` among twenty common languages; only when nothing says does the
tenant's copy set it. A language without a phrase bank is written in clean English and flagged
(``needs_review``); the model path writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import langcodes
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from ipe.domain import Prospect
from ipe.prompts import LANGUAGES, bank_names

_LINGUA: dict[str, Language] = {
    code: Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    for code in "en es pt fr de it nl pl sv da nb fi cs ro tr id ja zh ko ru".split()
}
DETECTED: tuple[str, ...] = tuple(_LINGUA)
"""Languages the detector chooses among: those with a phrase bank and common others, so a
Swedish or Czech record reads as Swedish or Czech (a model writes it; the offline drafter writes
English and says so), never as the nearest language that has a bank."""
_MACRO = {"no": "nb"}
"""A macrolanguage's code as the language it is written in: Norwegian ("no", "no-NO") is
written in Bokmål unless the record says Nynorsk ("nn")."""
_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "nederlands": "nl",
    "polish": "pl",
    "polski": "pl",
    "swedish": "sv",
    "svenska": "sv",
    "danish": "da",
    "dansk": "da",
    "norwegian": "nb",
    "norsk": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "turkish": "tr",
    "türkçe": "tr",
    "turkce": "tr",
    "japanese": "ja",
    "日本語": "ja",
}
NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "nb": "Norwegian",
    "fi": "Finnish",
    "cs": "Czech",
    "ro": "Romanian",
    "tr": "Turkish",
    "id": "Indonesian",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ru": "Russian",
}
"""English names of the detected languages, for the reasons a result gives."""
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_NAME_WORD = re.compile(r"[^\W\d_]+")
MIN_CONFIDENCE = 0.5
MIN_LETTERS = 20


@dataclass(frozen=True)
class LanguageChoice:
    """The language to write in, what was asked or detected, and why."""

    language: str
    requested: str | None
    detected: bool
    note: str | None = None
    """Set when the message cannot be written in the prospect's language (needs review)."""
    wanted: str | None = None
    """The language the message should be in (the copy's, the record's or the detected one),
    before falling back to English for want of a phrase bank; None when nothing says."""
    source: str | None = None
    """Where the language came from: ``preferences.language``, ``language``, ``the record`` (its
    text) or ``the template's copy``; None when nothing said."""


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LINGUA.values()).build()


def normalise(code: str | None) -> str | None:
    """An ISO 639-1 code for a language as records write it; None if empty.

    Tags and codes ("es", "es-MX", "pt_BR", "por", "ger") are read by ``langcodes``; names in
    English or in the language itself, alone or with a region ("Spanish", "Deutsch",
    "Português (Brasil)", "Brazilian Portuguese"), by the names of the languages we write.
    Anything else is returned lower-cased, as given.
    """
    if not code or not code.strip():
        return None
    text = code.strip().lower()
    if text in _NAMES:
        return _NAMES[text]
    if _CODE.match(text):
        try:
            tag = langcodes.Language.get(text.replace("_", "-"))
        except (ValueError, LookupError):
            tag = None
        if tag is not None and tag.language and tag.is_valid():
            return _MACRO.get(str(tag.language), str(tag.language))
        return text.split("-")[0].split("_")[0][:2]
    named = {_NAMES[w] for w in _NAME_WORD.findall(text) if w in _NAMES}
    return named.pop() if len(named) == 1 else text


def regional_variant(prospect: Prospect | None, language: str) -> str | None:
    """The regional overlay of ``language``'s bank the record asks for ("pt/PT" for "pt-PT").

    Read from ``preferences.language``, then ``language``, as a tag with a region ("pt-PT",
    "pt_PT"); only a region whose bank the language has (``prompts/phrases/pt/PT.toml``).
    """
    if prospect is None:
        return None
    for value in (prospect.preferences.language, prospect.language):
        text = (value or "").strip().replace("_", "-")
        if not _CODE.match(text):
            continue
        try:
            tag = langcodes.Language.get(text)
        except (ValueError, LookupError):
            continue
        if tag.language == language and tag.territory:
            name = f"{language}/{tag.territory.upper()}"
            return name if name in bank_names(language) else None
    return None


def _record_text(prospect: Prospect) -> str:
    parts = [prospect.bio or "", prospect.niche or ""]
    for item in prospect.recent_content:
        parts += [item.title, item.summary or ""]
    parts += [h.text for h in prospect.interaction_history if h.direction.lower() == "inbound"]
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=1024)
def detect(text: str) -> str | None:
    """The written language of ``text`` among ``WRITTEN``, or None when unsure or too short.

    Memoised (about 1 ms a call): every draft asks it of the same template offer text.
    """
    if sum(map(str.isalpha, text)) < MIN_LETTERS:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    best = values[0].language
    return next((code for code, lang in _LINGUA.items() if lang == best), None)


_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def copy_language(copy: str | None) -> str | None:
    """The language the tenant wrote a template's body in (its Liquid tags left out)."""
    return detect(_LIQUID.sub(" ", copy)) if copy else None


def choose_language(
    prospect: Prospect, written: Sequence[str] = LANGUAGES, *, copy: str | None = None
) -> LanguageChoice:
    """The message's language: the person's, else the tenant's copy's, else English.

    The person's is ``preferences.language``, then the record's ``language``, then the one their
    own words are written in. Only when none says does the tenant's copy set it. A language
    without a phrase bank in ``written`` is written in clean English, with a note.
    """
    stated = [
        ("preferences.language", prospect.preferences.language),
        ("language", prospect.language),
    ]
    source, requested = next(((f, normalise(v)) for f, v in stated if normalise(v)), (None, None))
    found = None if requested else detect(_record_text(prospect))
    if found:
        source = "the record"
    elif not requested:
        found = copy_language(copy)
        source = "the template's copy" if found else None
    wanted = requested or found
    if wanted is None or wanted in written:
        return LanguageChoice(
            wanted or "en", requested, found is not None, wanted=wanted, source=source
        )
    how = f"is '{wanted}' ({source})" if requested else f"was detected as '{wanted}' from {source}"
    note = (
        f"the prospect's language {how}, which the offline drafter does not "
        "write: the message is in English and needs review"
    )
    return LanguageChoice("en", requested, found is not None, note, wanted=wanted, source=source)


_NOT_PROSE = re.compile(r"https?://\S+|\S+@\S+|[\"“”«»„][^\"“”«»„\n]{0,300}[\"“”«»„]")
_FOOTER = "\n---\n"


def language_review(
    body: str, *, written_for: str, wanted: str | None, note: str | None
) -> str | None:
    """Why the message about to be sent needs a language review, or None when it does not.

    Judged on the text itself (above the footer, links and quotes left out), so the reason says
    what is really written: a message in the prospect's language needs no note whatever path
    wrote it; one that reads as another language than it was written for (a model that ignored
    the instruction) is flagged; otherwise ``note`` (English for want of a phrase bank) stands.
    """
    text = _NOT_PROSE.sub(" ", body.rpartition(_FOOTER)[0] or body)
    found = detect(text)
    if found is not None and wanted is not None and found == wanted:
        return None
    if found is not None and found != written_for:
        want = wanted or written_for
        return (
            f"the message reads as {NAMES.get(found, found)}, not "
            f"{NAMES.get(want, want)} ('{want}') as the prospect's language asks: review the "
            "language before sending"
        )
    return note
