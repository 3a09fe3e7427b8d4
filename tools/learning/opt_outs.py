"""Opt-outs in any language: ``tools/policies/opt_outs.toml`` matched on folded text.

The reply (what the prospect wrote now) is read in its folded, de-leeted and de-spaced forms
(``tools/text/folding.py``, the same folding the link checks use), so a look-alike letter from
another script, a digit for a letter or spaced-out letters do not hide an opt-out. The phrases
are folded the same way when they load. Uses of an opt-out word that ask nothing (a broken
unsubscribe link, other brands' lists, a waitlist, "remove the watermark") are cut out first and
reported as ``mentioned``: the caller holds such a reply for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from ipe.tools.policies import load_pack
from ipe.tools.text.folding import View, deleet, despace, fold


@dataclass(frozen=True)
class OptOutRules:
    """The compiled opt-out data: one pattern per language, the mentions and the opt-out words."""

    languages: dict[str, re.Pattern[str]]
    newsletter: dict[str, re.Pattern[str]]
    mentions: tuple[re.Pattern[str], ...]
    link: re.Pattern[str]
    """A link spoken of ([mentions] link_words): cut only from a reply holding an opt-out word."""
    words: re.Pattern[str]
    widen: re.Pattern[str]
    keep: re.Pattern[str]
    program: re.Pattern[str]
    negation: re.Pattern[str]
    complaints: re.Pattern[str]
    courtesy: re.Pattern[str]
    stems: dict[str, tuple[str, ...]]
    """The opt-out vocabulary for typos: each one-letter deletion of a stem, to its stems."""
    typo_min: int
    """The shortest word whose typo is read (``[typos]``)."""


@dataclass(frozen=True)
class OptOutFinding:
    """What the opt-out rules saw in a reply."""

    language: str | None
    """The language whose phrase matched (``None``: no opt-out)."""
    phrase: str
    """The folded text that matched (for the reasons)."""
    newsletter: bool
    """True when the opt-out is limited to a newsletter or mailing list."""
    mentioned: bool
    """An opt-out word was there only as a mention (a broken link, another list...)."""
    complaint: bool = False
    """Every opt-out phrase matched only inside a complaint about the message ("this is spam",
    "a mass mail"): an opt-out unless the reply also declines plainly (``[complaints]``)."""

    @property
    def found(self) -> bool:
        """True when the reply asks to stop."""
        return self.language is not None


def phrase_regex(phrase: str, spaced: bool) -> str:
    """A phrase as an expression on folded text (a space: any spaces; ``word*``: a stem)."""
    folded = fold(phrase.strip()).text
    tail = folded.endswith("*")
    core = folded.rstrip("*").strip()
    body = r"\s+".join(_stem(part) for part in core.split())
    if not spaced:
        return body
    return r"(?<!\w)" + body + (r"\w*" if tail else r"(?!\w)")


def _stem(part: str) -> str:
    """One word of a phrase: ``word*`` is a stem (any ending: "nekontaktuj*", "μην επικοινων*")."""
    text = re.escape(part.rstrip("*")).replace(r"\-", "-?")
    return text + r"\w*" if part.endswith("*") else text


def _fold_pattern(pattern: str) -> str:
    """A regular expression with its non-ASCII letters folded (its ASCII syntax kept)."""
    return "".join(c if c.isascii() else fold(c).text for c in pattern)


def _alt(words: list[str], *, hyphen: bool = False) -> str:
    """An alternation of folded words (a space matches any run of spaces)."""
    parts = sorted({fold(w.strip()).text for w in words if w.strip()}, key=len, reverse=True)
    out = [r"\s+".join(re.escape(x) for x in p.split()) for p in parts]
    if hyphen:  # "-moi", "-me": the hyphen may be a space or nothing
        out = [r"[\s-]?" + o[2:] if o.startswith(r"\-") else o for o in out]
    return "(?:" + "|".join(out) + ")"


def morphology(spec: dict[str, list[str]]) -> list[str]:
    """Regular expressions for a language's ``morph`` table (documented in ``opt_outs.toml``).

    The verbs are stems, so every inflection matches: the imperative, formal or not, singular
    or plural ("elimíneme", "bórrenme", "sáquenme"), with the first-person pronoun attached
    (``attached``), as a word before the verb (``me_before``) or after it (``me_after``).
    """
    word, gap = r"(?<!\w)", r"\W+(?:\w+\W+){0,2}?"
    remove, contact = spec.get("remove", []), spec.get("contact", [])
    attached = _alt(spec.get("attached", []), hyphen=True) if spec.get("attached") else None
    before = _alt(spec["me_before"]) if spec.get("me_before") else None
    after = _alt(spec["me_after"]) if spec.get("me_after") else None
    lists = _alt(spec["lists"]) if spec.get("lists") else None
    found: list[str] = []
    if remove:
        verb = _alt(remove)
        if attached:  # "elimíneme", "tirem-me", "cancellatemi", "retirez-moi"
            found.append(rf"{word}{verb}\w{{0,6}}?{attached}(?!\w)")
        if after:  # "удалите меня", "entfernen Sie mich"; not "drop me a line" (``given``)
            given = rf"(?![^\S\n]+{_alt(spec['given'])}(?!\w))" if spec.get("given") else ""
            found.append(rf"{word}{verb}\w*(?:\W+\w+){{0,2}}?\W+{after}(?!\w){given}")
        if before:  # "mich bitte entfernen", "me podéis quitar de la newsletter"
            tail = rf"[^!?\n]{{0,60}}?{word}{lists}" if lists else ""
            found.append(rf"{word}{before}{gap}{verb}\w*{tail}")
        if lists:  # "remove jess@x.com from the newsletter", "usuń z listy"
            found.append(rf"{word}{verb}\w*[^!?\n]{{0,60}}?{word}{lists}")
    if contact and spec.get("never_after"):  # "skriv inte till mig", "kontakt mig aldrig igen"
        # The imperative as written (no ending: "skriver inte" is no ask), with at most the
        # pronoun between it and the negation: "mail me niet", never a verb ("je mail wordt
        # niet doorgestuurd" is an auto-reply about its mail, no ask).
        space = r"[^\S\n]+"
        pronoun = rf"(?:{space}{after})?" if after else ""
        found.append(rf"{word}{_alt(contact)}{pronoun}{space}{_alt(spec['never_after'])}(?!\w)")
    if spec.get("passive"):  # "quisiera ser eliminado", "no deseo ser contactado"
        found += _passives(spec)
    if contact and spec.get("cease"):  # "прекратите мне писать", "smettete di scrivermi"
        verb = _alt(contact)
        found.append(rf"{word}{_alt(spec['cease'])}(?!\w)(?:\W+\w+){{0,3}}?\W+{verb}\w*")
    if contact and spec.get("never"):  # "μην επικοινωνήσετε ξανά μαζί μου", "no me escriba"
        verb = _alt(contact)
        ends = _alt(spec["endings"]) + r"(?!\w)" if spec.get("endings") else r"\w*"
        space = r"[^\S\n]+"  # the negation and its verb stay in one clause: no punctuation
        # words between them; one naming someone else ("don't want THEM getting spammed") makes
        # the verb theirs, not a request about us writing to the person (``others``)
        others = rf"(?!{_alt(spec['others'])}(?!\w))" if spec.get("others") else ""
        head = rf"{word}{_alt(spec['never'])}(?:{space}{others}\w+){{0,3}}?{space}"
        if before:
            found.append(rf"{head}{before}(?:{space}\w+){{0,2}}?{space}{verb}{ends}")
            # the pronoun before the negation: "больше мне не пишите", "мені більше не пишіть"
            never = _alt(spec["never"])
            found.append(rf"{word}{before}(?:{space}\w+){{0,2}}?{space}{never}{space}{verb}{ends}")
        if after:
            found.append(rf"{head}{verb}{ends}(?:{space}\w+){{0,2}}?{space}{after}(?!\w)")
        if attached and spec.get("endings"):  # the endings hold the forms with the pronoun
            found.append(rf"{head}{verb}{ends}")
        elif attached:
            found.append(rf"{head}{verb}\w*?{attached}(?!\w)")
    return found


def _link_mention(section: dict[str, Any]) -> re.Pattern[str]:
    """The link spoken of (``[mentions]`` ``link_words``) with two words before and three after.

    A script written without spaces holds its words in one run ("配信停止のリンクが"): the run is
    the word.
    """
    whole = _alt(section["link_words"])
    tail = _alt(section["link_suffixes"])
    # every run of letters is bounded (a word is at most 40 letters), so a reply of one long
    # "word" is scanned in linear time
    runs = r"\w{0,40}(?:(?<!ー)リンク|링크|链接|鏈接|連結|ลิงก์)\w{0,40}"  # not メーリング
    words = rf"(?:(?<!\w){whole}(?!\w)|(?<!\w)\w{{3,40}}?{tail}(?!\w)|{runs})"
    space = r"[^\S\n]+"
    return re.compile(rf"(?:(?<!\w)\w{{1,40}}{space}){{0,2}}{words}(?:{space}\w{{1,40}}){{0,3}}")


def _not_asked(spec: dict[str, Any]) -> list[str]:
    """A language's uses of its opt-out verbs that ask nothing (cut out as mentions).

    A negated "stop" ("no dejéis de escribirme", "n'arrêtez pas", "не переставайте писать": keep
    writing) and "no need to" before a verb of removing ("no hace falta que me borréis", "pas
    besoin de me retirer": keep me), from the ``morph`` table's ``never``, ``cease``, ``needless``
    and ``remove``. "No need to write to me again" still asks to stop: only ``remove`` verbs.
    """
    morph = spec.get("morph", {})
    word, found = r"(?<!\w)", []
    if morph.get("never") and morph.get("cease"):
        found.append(rf"{word}{_alt(morph['never'])}[\s']+(?:\w+\s+)?{_alt(morph['cease'])}(?!\w)")
    if morph.get("never_after") and morph.get("cease"):  # "sluta inte", "stop ikke med at"
        verbs = _alt(sorted({c.split()[0] for c in morph["cease"]}))
        found.append(rf"{word}{verbs}[^\S\n]+{_alt(morph['never_after'])}(?!\w)")
    if morph.get("needless") and morph.get("remove"):
        verb = _alt(morph["remove"])
        found.append(rf"{word}{_alt(morph['needless'])}(?:\W+\w+){{0,3}}?\W+{verb}\w*")
    return found


def _passives(spec: dict[str, list[str]]) -> list[str]:
    """A wish to be removed, a wish not to be contacted, in the passive (``passive``, ``wish``).

    "Quisiera ser eliminado de la lista", "j'aimerais être retiré", "ich möchte aus der Liste
    gestrichen werden" (a ``wish``, then the auxiliary and a ``remove`` participle, either order);
    "no deseo ser contactado", "ich möchte nicht kontaktiert werden" (a ``never``, then the
    auxiliary and a ``contact`` participle). The auxiliary keeps "no te he contactado" out.
    """
    word, space = r"(?<!\w)", r"[^\S\n]+"
    aux = _alt(spec["passive"]) + r"(?!\w)"
    some = rf"(?:{space}\w+){{0,3}}?{space}"
    found: list[str] = []
    for lead, verbs in (("wish", "remove"), ("never", "contact")):
        if not spec.get(lead) or not spec.get(verbs):
            continue
        head, verb = rf"{word}{_alt(spec[lead])}(?!\w){some}", _alt(spec[verbs])
        found.append(rf"{head}{aux}(?:{space}\w+)?{space}{verb}\w*")
        found.append(rf"{head}{verb}\w*{space}{aux}")
    return found


def _compile(parts: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.MULTILINE)


@cache
def rules() -> OptOutRules:
    """The parsed ``opt_outs.toml`` (phrases folded and compiled once)."""
    raw = load_pack("opt_outs")
    languages: dict[str, re.Pattern[str]] = {}
    newsletter: dict[str, re.Pattern[str]] = {}
    for code, spec in raw["languages"].items():
        spaced = bool(spec.get("spaced", True))
        parts = [phrase_regex(p, spaced) for p in spec.get("phrases", [])]
        parts += [_fold_pattern(p) for p in spec.get("patterns", [])]
        parts += morphology(spec.get("morph", {}))
        languages[code] = _compile(parts)
        letters = spec.get("newsletter", [])
        if letters:
            newsletter[code] = _compile(
                [_fold_pattern(p) if "\\" in p else phrase_regex(p, spaced) for p in letters]
            )
    link = _link_mention(raw["mentions"])
    return OptOutRules(
        languages=languages,
        newsletter=newsletter,
        link=link,
        mentions=tuple(re.compile(p) for p in raw["mentions"]["patterns"])
        + (link,)
        + tuple(re.compile(p) for spec in raw["languages"].values() for p in _not_asked(spec)),
        words=_compile(list(raw["words"]["patterns"])),
        widen=_compile(list(raw["widen"]["patterns"])),
        keep=_compile(list(raw["keep"]["patterns"])),
        program=_compile(list(raw["program"]["patterns"])),
        negation=_compile(list(raw["negation"]["patterns"])),
        complaints=_compile(list(raw["complaints"]["patterns"])),
        courtesy=_compile(list(raw["courtesy"]["patterns"])),
        stems=_typo_index(raw),
        typo_min=int(raw["typos"]["min_length"]),
    )


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _vocabulary(raw: dict[str, Any]) -> set[str]:
    """The folded words of every opt-out phrase, morph stem and pattern (letters only)."""
    words: set[str] = set()
    for spec in raw["languages"].values():
        texts = [*spec.get("phrases", []), *spec.get("newsletter", []), *spec.get("patterns", [])]
        morph = spec.get("morph", {})
        texts += [w for key in _TYPO_KEYS for w in morph.get(key, [])]
        for text in texts:
            plain = re.sub(r"\\[a-zA-Z]", " ", text)  # "\w*", "\b": no letters of a word
            words.update(_LETTER_RUN.findall(fold(plain).text))
    return words


_TYPO_KEYS = ("remove", "contact", "cease", "lists")


def _typo_index(raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each stem and each of its one-letter deletions, to the stems (``[typos]`` min_stem)."""
    least = int(raw["typos"]["min_stem"])
    index: dict[str, set[str]] = {}
    for word in _vocabulary(raw):
        if len(word) < least or not word.isalpha():
            continue
        for key in {word, *_deletions(word)}:
            index.setdefault(key, set()).add(word)
    return {key: tuple(sorted(found, key=len, reverse=True)) for key, found in index.items()}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one letter dropped or added, or two swapped.

    Not one letter changed: real words differ so ("stepping", "stopping"; "remote", "remove").
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return swapped and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _inside(head: str, stem: str) -> bool:
    """True when ``head`` and ``stem`` first differ after the first letter, before the last two.

    An ending that differs is an inflection, not a typo ("отписки" is not "отписка" mistyped).
    """
    at = next((i for i, (a, b) in enumerate(zip(head, stem, strict=False)) if a != b), None)
    at = min(len(head), len(stem)) if at is None else at
    return 0 < at < len(stem) - 2


@cache
def _longest_stem() -> int:
    """The length of the longest stem the typo index holds."""
    return max((len(stem) for stems in rules().stems.values() for stem in stems), default=0)


def _mend(word: str) -> str:
    """``word`` with a typo in its opt-out stem mended ("unsubscibe": "unsubscribe").

    Only words of an alphabet whose words inflect at their end (Latin, Greek, Cyrillic: an
    Arabic or Hebrew prefix is grammar). A word that begins with a stem of the vocabulary as
    written is left as it is; otherwise a beginning one edit away from a stem, the edit inside
    the stem (``_inside``), is replaced by the stem.
    """
    config = rules()
    if len(word) < config.typo_min or not word.isalpha() or any(ord(c) >= 0x530 for c in word):
        return word
    # a stem with one letter added is the longest beginning that can be one: a long word (a
    # 10 MB reply of one word) is read in time linear in its length, not cubic
    longest = min(len(word), _longest_stem() + 1)
    if any(word[:n] in config.stems.get(word[:n], ()) for n in range(longest, 3, -1)):
        return word
    for size in range(longest, 3, -1):
        head = word[:size]
        for key in {head, *_deletions(head)}:
            for stem in config.stems.get(key, ()):
                if _inside(head, stem) and _one_edit(head, stem):
                    return stem + word[size:]
    return word


_WORD = re.compile(r"[^\W\d_]+")


def mend_typos(text: str) -> str:
    """``text`` (folded) with every word's typo in an opt-out stem mended (``_mend``)."""
    return _WORD.sub(lambda m: _mend(m.group()), text)


_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|[\U000e0000-\U000e0fff]"
)
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
"""A hyphen inside a word ("3-m4ils"): dropped in one form, so the leet on either side is read."""
_GAP = re.compile(r"[^\S\n]{2,}")
_SPACED_APOSTROPHE = re.compile(r"(?<!\w)([ldjmnstc])[^\S\n]*'[^\S\n]*(?=\w)")
"""An elided article spaced out ("l ' iscrizione", "d ' envoi"): read as written together."""
_LETTERS = re.compile(r"\s*\w(?:[ .\-_*]\w)+\s*")


def _join_letters(part: str) -> str:
    """A run of single letters (``m e``, ``s.t.o.p``) as one word; other text as it is."""
    return re.sub(r"[ .\-_*]", "", part) if _LETTERS.fullmatch(part) else despace_text(part)


def despace_text(text: str) -> str:
    """``text`` with spaced-out letters joined (``folding.despace`` on plain text)."""
    return despace(View(text, tuple(range(len(text))))).text


def without_courtesy(folded: str) -> str:
    """Folded text without its words of courtesy (``[courtesy]``).

    "mande-me se faz favor a informação" reads as "mande-me a informação", for opt-outs and for
    every other intent.
    """
    return rules().courtesy.sub("", folded)


def _forms(text: str) -> list[str]:
    """The reply folded, de-leeted, de-spaced and without words of courtesy (``[courtesy]``).

    Spaced-out letters are joined within each run separated by two or more spaces, so
    ``R E M O V E  M E`` reads as ``remove me``.
    """
    plain = _INVISIBLE.sub("", text.replace("\u2019", "'").replace("\u2018", "'"))
    base = fold(plain)
    found = [base.text]
    unleet = deleet(base)
    joined = "\n".join(
        " ".join(_join_letters(deleet(fold(part)).text) for part in _GAP.split(line))
        for line in plain.split("\n")
    )
    joined_words = _INNER_HYPHEN.sub("", base.text)
    unhyphened = deleet(View(joined_words, tuple(range(len(joined_words))))).text
    elided = _SPACED_APOSTROPHE.sub(r"\1'", joined)  # "l ' iscrizione" spaced out: "l'iscrizione"
    plain_words = without_courtesy(base.text)  # "fjern venligst min": "fjern min"
    mended = mend_typos(plain_words)  # "unsubscibe me": "unsubscribe me"
    forms = (unleet.text, despace(unleet).text, joined, unhyphened, elided, plain_words, mended)
    for candidate in forms:
        if candidate not in found:
            found.append(candidate)
    return found


def _cut_mentions(text: str) -> tuple[str, bool]:
    """``text`` without the mentions, and whether a cut mention held an opt-out word.

    A link spoken of is cut only from a reply that holds an opt-out word or phrase somewhere:
    in one with none ("drop me a scheduling link?") cutting it would leave a fragment
    ("drop me ?") that reads as a demand.
    """
    config = rules()
    mentioned = False

    def opt_out_said(said: str) -> bool:
        return bool(config.words.search(said)) or any(
            p.search(said) for p in config.languages.values()
        )

    def cut(match: re.Match[str]) -> str:
        nonlocal mentioned
        mentioned = mentioned or opt_out_said(match.group())  # any word, in any language
        return " "

    said_opt_out = opt_out_said(text)
    for pattern in config.mentions:
        if pattern is not config.link or said_opt_out:
            text = pattern.sub(cut, text)
    return text, mentioned


def find_opt_out(text: str) -> OptOutFinding:
    """Whether ``text`` (what the prospect wrote now) asks to stop, in any language or script.

    A demand anywhere wins; a phrase that matches only inside a complaint about the message
    ("this is spam") is reported with ``complaint`` set (still an opt-out: the caller decides).
    """
    config = rules()
    mentioned = False
    complaint: OptOutFinding | None = None
    for form in _forms(text):
        kept, cut = _cut_mentions(form)
        mentioned = mentioned or cut
        spans = [m.span() for m in config.complaints.finditer(kept)]
        for code, pattern in config.languages.items():
            for match in pattern.finditer(kept):
                limited = _newsletter_only(kept, pattern, config.newsletter.get(code))
                found = OptOutFinding(code, match.group().strip(), limited, mentioned)
                if not any(s <= match.start() and match.end() <= e for s, e in spans):
                    return found
                complaint = complaint or replace(found, complaint=True)
    if complaint is not None:
        return replace(complaint, mentioned=mentioned)
    return OptOutFinding(None, "", False, mentioned)


_SENTENCE = re.compile(r"[!?;\n。！？]+|\.+(?!\w)")
_CLAUSE = re.compile(r"\s(?:and|but|y|pero|e|mas|et|mais|und|aber|en|maar|og|men|och|и|но)\s")
"""A clause break inside a sentence: "unsubscribe me from the newsletter and don't contact me"."""
"""A sentence break (a dot inside an address, "jess.w@x.com", is not one)."""


def _newsletter_only(text: str, pattern: re.Pattern[str], letter: re.Pattern[str] | None) -> bool:
    """True when the opt-out in ``text`` is of a newsletter or mailing only.

    Every opt-out sentence names a newsletter, or the reply asks us to keep writing to them about
    the program (``[keep]``, or a sentence of its own naming the program without negation,
    ``[program]``); a sentence that widens it ("all your e-mails") never is.
    """
    config = rules()
    parts = _SENTENCE.split(text)
    clauses = [c for part in parts for c in _CLAUSE.split(part)]  # each ask names its list
    asks = [clause for clause in clauses if pattern.search(clause)] or [
        part for part in parts if pattern.search(part)
    ]
    if not asks or any(config.widen.search(p) for p in asks):
        return False
    if config.keep.search(text) or any(_asks_about_program(p, pattern) for p in parts):
        return True  # "unsubscribe me from the mailing list, but keep writing about the program"
    return letter is not None and all(letter.search(p) for p in asks)


def _asks_about_program(sentence: str, pattern: re.Pattern[str]) -> bool:
    """True when ``sentence`` names the program, holds no opt-out and negates nothing."""
    config = rules()
    return bool(
        config.program.search(sentence)
        and not pattern.search(sentence)
        and not config.negation.search(sentence)
        and not any(p.search(sentence) for p in config.languages.values())
    )


def is_opt_out(text: str) -> bool:
    """True when ``text`` asks not to be contacted again (in doubt, it does)."""
    return find_opt_out(text).found
