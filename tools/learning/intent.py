"""Reply-intent rules: what the prospect wrote now, and each intent's score in its language.

The intents are the registry's (``tools/policies/intents.toml``); the phrases that recognise
them, per language, with weights, are in ``tools/policies/intent.toml`` (documented there).
Positive cues are negation-aware: "not interested" never counts as interest. Opt-outs are not
scored here: ``tools/learning/opt_outs.py`` reads them in every language first. The reading
of a whole reply (language, confidence, what a person must see) is ``tools/learning/replies.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import by_priority, registry
from ipe.tools.text.folding import fold

RULE_LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr", "de")
"""The languages the intent rules read (any other language goes to a person)."""

RULE_LETTERS = "áéíóúñüàâãçêôõèëîïœùûÿäöß"
"""The letters beyond a-z that en, es, pt, fr and de write (lower case)."""

_WORD = re.compile(r"[a-z']+")
_NOT_WRITTEN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?:https?://|www\.)\S+|(?<!\w)@\w+")
"""What a reply names but does not write in its language: e-mail addresses, links, @handles."""
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()\-]")


@dataclass(frozen=True)
class IntentRule:
    """One weighted cue for one intent in one language (``any``: every language)."""

    intent: str
    lang: str
    pattern: re.Pattern[str]
    weight: float
    negatable: bool
    conditional: bool
    recounted: bool
    """Skipped in a sentence that recounts the past ("I bought it in October")."""


@dataclass(frozen=True)
class IntentRules:
    """The parsed ``intent.toml``."""

    rules: tuple[IntentRule, ...]
    min_score: float
    negation_window: int
    negators: frozenset[str]
    not_negators: dict[str, frozenset[str]]
    """Per language, negator words that are something else there (Portuguese "no" = "in the")."""
    needless: re.Pattern[str]
    """A negation of need ending a clause ("no hace falta una", "pas besoin d'"): a negator."""
    quote_prefixes: tuple[str, ...]
    quote_header: re.Pattern[str]
    header_line: re.Pattern[str]
    signature: re.Pattern[str]
    footer: re.Pattern[str]
    conditions: re.Pattern[str]
    past: dict[str, re.Pattern[str]]
    stopwords: dict[str, frozenset[str]]
    stopword_min: int
    stopword_share: float


@cache
def rules() -> IntentRules:
    """Return the parsed and validated intent rules."""
    raw = load_pack("intent")
    known = set(registry())
    langs = {*RULE_LANGUAGES, "any"}
    parsed: list[IntentRule] = []
    for spec in raw["rules"]:
        if spec["intent"] not in known:
            raise ValueError(f"intent.toml: {spec['intent']!r} is not in intents.toml")
        if spec["lang"] not in langs:
            raise ValueError(f"intent.toml: unknown lang {spec['lang']!r}")
        parsed.append(
            IntentRule(
                intent=str(spec["intent"]),
                lang=str(spec["lang"]),
                pattern=re.compile(spec["pattern"], re.MULTILINE),
                weight=float(spec["weight"]),
                negatable=bool(spec.get("negatable", False)),
                conditional=bool(spec.get("conditional", False)),
                recounted=bool(spec.get("recounted", False)),
            )
        )
    settings = raw["settings"]
    return IntentRules(
        rules=tuple(parsed),
        min_score=float(settings["min_score"]),
        negation_window=int(settings["negation_window"]),
        negators=frozenset(w.replace("'", "") for w in settings["negators"]),
        not_negators={k: frozenset(v) for k, v in settings.get("not_negators", {}).items()},
        needless=re.compile(settings["needless"]),
        quote_prefixes=tuple(settings["quote_prefixes"]),
        quote_header=re.compile(settings["quote_header"], re.IGNORECASE),
        header_line=re.compile(settings["header_line"], re.IGNORECASE),
        signature=re.compile(settings["signature"], re.IGNORECASE),
        footer=_footer(settings["footer"]),
        conditions=re.compile(settings["conditions"]),
        past={code: re.compile(p) for code, p in settings["past"].items()},
        stopwords={k: frozenset(v) for k, v in settings["stopwords"].items()},
        stopword_min=int(settings["stopword_min"]),
        stopword_share=float(settings["stopword_share"]),
    )


def _footer(policy: str) -> re.Pattern[str]:
    """Our footer quoted back: the policy's lines, and each bank's unsubscribe line with a link.

    Lines are matched folded (``_key``), so each bank's line is folded the same way.
    """
    found = [policy]
    for language in LANGUAGES:
        line = str(load_bank(f"{language}/message")["footer"]["unsubscribe"])
        words = fold(line.split("{url}")[0]).text.split()
        found.append(r"^" + r"\s+".join(map(re.escape, words)) + r"\s*(?:https?://|www\.)\S*$")
    return re.compile("|".join(f"(?:{p})" for p in found), re.IGNORECASE)


def _key(line: str) -> str:
    return fold(line.strip()).text


def fresh_text(text: str, *, keep_spacing: bool = False) -> str:
    """The lines the prospect wrote now, as written (no header block, quotes, signature, footer).

    A reply that is only a quote is read from its quoted lines, less any link (our own footer).
    Runs of spaces inside a line become one, unless ``keep_spacing`` (``R E M O V E  M E``).
    """
    config = rules()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and config.header_line.match(_key(lines[i])):
        while i < len(lines) and (config.header_line.match(_key(lines[i])) or not lines[i]):
            i += 1  # a reply or forward that starts with its header block: read what follows
            if i < len(lines) and not lines[i].strip():
                break
    kept: list[str] = []
    rest = lines[i:]
    for n, line in enumerate(rest):
        key = _key(line)
        if config.quote_header.match(key) and _marked_quote_follows(rest[n + 1 :]):
            continue  # "On ... wrote:" over ">" lines: what they write below it is theirs too
        if config.quote_header.match(key) or config.signature.match(key):
            break
        if key.startswith(config.quote_prefixes) or config.footer.match(key):
            continue
        kept.append(line.strip() if keep_spacing else " ".join(line.split()))
    kept = [line for line in kept if line]
    if not kept:
        quoted = [line.strip().lstrip(">|").strip() for line in lines]
        kept = [q for q in quoted if q and "http" not in q and "www." not in q]
        kept = [q for q in kept if not config.header_line.match(_key(q))]
    return "\n".join(kept)


def _marked_quote_follows(lines: list[str]) -> bool:
    """True when the next written line is quoted with a prefix (">"), so the quote has an end.

    A quote without prefixes (Outlook's "From:" block) runs to the end of the mail: the caller
    stops there, and nothing below it is read as theirs.
    """
    prefixes = rules().quote_prefixes
    nxt = next((line.strip() for line in lines if line.strip()), "")
    return nxt.startswith(prefixes)


def written_words(text: str) -> str:
    """``text`` without e-mail addresses, links and @handles.

    Their letters say nothing of its language ("thanks, talk to jurgita@studio.example" is
    English, whatever lingua makes of "jurgita").
    """
    return _NOT_WRITTEN.sub(" ", text)


def unreadable_letter(text: str) -> str | None:
    """The first letter of ``text`` that none of the rule languages writes, if there is one.

    The one answer to "can the rules read this script": a letter of another script (Cyrillic,
    Greek, CJK, Thai...) or a Latin letter none of en, es, pt, fr, de writes (Polish "ś",
    Hungarian "ő", Swedish "å"). Addresses, links and handles are not read (``written_words``).
    """
    for char in written_words(text):
        if not char.isalpha() or char.isascii() or char.lower() in RULE_LETTERS:
            continue
        return char
    return None


def other_script(text: str) -> bool:
    """True when most letters of ``text`` are not Latin (a Cyrillic, Greek, CJK... reply).

    Read before any folding: folding turns look-alike letters into Latin ones, and a Russian
    reply folded must never read as Portuguese common words.
    """
    letters = [c for c in written_words(text) if c.isalpha()]
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    return bool(letters) and latin * 2 < len(letters)


def normalise(text: str) -> str:
    """What the prospect wrote now, folded (lower case, no accents, look-alikes as ASCII)."""
    fresh = fresh_text(text.replace("\u2019", "'").replace("\u2018", "'"))
    return fold(fresh).text.replace("\u2019", "'")


def stopword_language(clean: str) -> str | None:
    """A rule language most of whose common words fill the folded text, if one clearly does."""
    config = rules()
    words = _WORD.findall(clean)
    for code, common in config.stopwords.items():
        hits = sum(w in common for w in words)
        if hits >= config.stopword_min and hits >= config.stopword_share * len(words):
            return code
    return None


def negated_clause(clause: str, language: str = "any") -> bool:
    """True when the end of ``clause`` negates what follows it.

    A negator within ``negation_window`` words, or a negation of need (``needless``: "no hace
    falta una", "pas besoin d'").
    """
    config = rules()
    words = _WORD.findall(clause)[-config.negation_window :]
    negators = config.negators - config.not_negators.get(language, frozenset())
    if any(w.replace("'", "") in negators or w.endswith("n't") for w in words):
        return True
    return bool(config.needless.search(clause))


def _negated(text: str, start: int, language: str = "any") -> bool:
    return negated_clause(_CLAUSE_BREAK.split(text[:start])[-1], language)


_SENTENCE_BREAK = re.compile(r"[.;!?\n]")


def _conditional(text: str, start: int) -> bool:
    """True when a condition ("if not", "otherwise") opens the match's sentence before it."""
    return bool(rules().conditions.search(_SENTENCE_BREAK.split(text[:start])[-1]))


def recounts_past(text: str, start: int, end: int, language: str) -> bool:
    """True when the sentence around ``text[start:end]`` recounts the past in ``language``.

    "I bought your beans in October" tells what happened, not when to write again: its sentence
    holds one of ``[settings.past]``'s past-tense markers (either side of the span). Languages
    without markers in the data recount nothing.
    """
    past = rules().past.get(language)
    if past is None:
        return False
    before = _SENTENCE_BREAK.split(text[:start])[-1]
    after = _SENTENCE_BREAK.split(text[end:])[0]
    return bool(past.search(fold(f"{before}{text[start:end]}{after}").text))


def _recounted(text: str, match: re.Match[str], language: str) -> bool:
    return recounts_past(text, match.start(), match.end(), language)


def _live(rule: IntentRule, clean: str, match: re.Match[str], language: str = "any") -> bool:
    if rule.negatable and _negated(clean, match.start(), language):
        return False
    if rule.recounted and _recounted(clean, match, rule.lang):
        return False
    return not (rule.conditional and _conditional(clean, match.start()))


def score_folded(clean: str, language: str) -> dict[str, float]:
    """Each intent's score for folded text ``clean`` read as ``language`` (plus ``any`` rules)."""
    scores: dict[str, float] = {}
    for rule in rules().rules:
        if rule.lang not in (language, "any"):
            continue
        live = any(_live(rule, clean, m, language) for m in rule.pattern.finditer(clean))
        if live:
            scores[rule.intent] = scores.get(rule.intent, 0.0) + rule.weight
    return scores


def best_intent(scores: dict[str, float]) -> tuple[str | None, float]:
    """The highest-scoring intent at or above ``min_score`` (ties: the safer), and its score."""
    best: str | None = None
    for intent in by_priority():
        score = scores.get(intent.name, 0.0)
        if score >= rules().min_score and (best is None or score > scores[best]):
            best = intent.name
    return best, (scores[best] if best else 0.0)
