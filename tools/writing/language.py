"""The language a message is written in: the record's ``language``, else detected from its text.

Detection uses ``lingua-language-detector`` limited to the languages the engine writes (en, es,
pt, fr, de), on the prospect's own words (bio, content titles and summaries, niche, inbound
replies). A requested language without a phrase bank is written in clean English and flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import langcodes
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from ipe.graph.domain import Prospect
from ipe.tools.writing.offline_drafter import LANGUAGES

DETECTED: tuple[str, ...] = ("en", "es", "pt", "fr", "de")
"""Languages the detector chooses among (the ones the engine is meant to write)."""

_LINGUA = {
    "en": Language.ENGLISH,
    "es": Language.SPANISH,
    "pt": Language.PORTUGUESE,
    "fr": Language.FRENCH,
    "de": Language.GERMAN,
}
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
}
NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German"}
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
            return str(tag.language)
        return text.split("-")[0].split("_")[0][:2]
    named = {_NAMES[w] for w in _NAME_WORD.findall(text) if w in _NAMES}
    return named.pop() if len(named) == 1 else text


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
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    best = values[0].language
    return next(code for code, lang in _LINGUA.items() if lang == best and code in DETECTED)


_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def copy_language(copy: str | None) -> str | None:
    """The language the tenant wrote a template's body in (its Liquid tags left out)."""
    return detect(_LIQUID.sub(" ", copy)) if copy else None


def choose_language(
    prospect: Prospect, written: Sequence[str] = LANGUAGES, *, copy: str | None = None
) -> LanguageChoice:
    """Honour the record's ``language``; else detect it; English when nothing says otherwise.

    When the tenant's template has its own copy, the message is in the copy's language (the hook
    must read as part of it). A language without a phrase bank in ``written`` is written in
    clean English, with a note.
    """
    tenant = copy_language(copy)
    if tenant is not None:
        return LanguageChoice(tenant if tenant in written else "en", tenant, True, wanted=tenant)
    requested = normalise(prospect.language)
    found = None if requested else detect(_record_text(prospect))
    wanted = requested or found
    if wanted is None or wanted in written:
        return LanguageChoice(wanted or "en", requested, found is not None, wanted=wanted)
    how = "is" if requested else "was detected as"
    note = (
        f"the prospect's language {how} '{wanted}', which the offline drafter does not "
        "write: the message is in English and needs review"
    )
    return LanguageChoice("en", requested, found is not None, note, wanted=wanted)


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
