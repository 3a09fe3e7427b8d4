"""Deterministic evaluators of one personalized message, written independently of the engine.

Each evaluator reads the golden case and what the engine returned and gives a ``Verdict``: a
score in [0, 1] (1 = what a manager expects), whether it passes, and a short note; ``None`` when
it does not apply to the case (a hook check on a record without an offer-relevant fact). They use
their own word lists and rules (not the critic's), so a critic bug cannot hide behind itself.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ipe.domain import Template
from ipe.tools.writing.brand import promotes
from tests.eval.golden import Case, today

SENDABLE = ("ready", "needs_review")
FOOTER_SEPARATOR = "\n---\n"
DM_BAND = (40, 70)
DM_CAP = 90
EMAIL_BAND = (60, 120)
LINKEDIN_LIMIT = 300
PLATFORM_LIMITS = {"x": 10_000, "instagram": 1_000, "tiktok": 6_000, "facebook": 2_000}
SAMENESS_MAX = 0.5
"""Two messages to different prospects sharing more than this share of word 3-grams are clones."""

_WORDS = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_URL = re.compile(r"https?://[^\s)>\]]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|example)\b[^\s)]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"“([^”\n]{3,300})”|\"([^\"\n]{3,300})\"")
_HANDLE = re.compile(r"(?<![\w.])@[\w.]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[¿¡]\s*)$")

STOPWORDS = {
    "en": "the and you your to of is for on with that this it we our are be would if me my i "
    "have was just what here so but not about can will",
    "es": "el la los las de que y en tu un una por para con es te nos del se mi lo al como más "
    "muy pero sin este esta tus hola ya",
    "pt": "o os as de que e em você um uma por para com é do da no na seu sua meu não mais "
    "muito olá aqui seus",
    "fr": "le la les de des et en un une pour avec est vous votre nous notre que qui du sur pas "
    "je au mon vos bonjour",
    "de": "der die das und ist ich du dein deine wir unser mit für auf den dem ein eine nicht zu "
    "von es bei im auch hallo dir dich",
}
_STOP = {lang: frozenset(words.split()) for lang, words in STOPWORDS.items()}
DISCLOSURE = {
    "en": r"\baffiliate|\bcommission",
    "es": r"\bafiliad|\bcomisi[oó]n|\baffiliate",
    "pt": r"\bafiliad|\bcomiss[aã]o|\baffiliate",
    "fr": r"\baffili|\bcommission",
    "de": r"\baffiliate|\bprovision|\bpartnerprogramm",
}
REINTRODUCTION = (
    r"\b(?:i'?m|i am|my name is|this is) {name}\b",
    r"\b{name} (?:from|here|at) {brand}\b",
    r"\b(?:soy|me llamo) {name}\b",
    r"\b(?:sou|me chamo) (?:a |o )?{name}\b",
    r"\b(?:je suis|je m'appelle|c'est) {name}\b",
    r"\b(?:ich bin|mein name ist|hier ist) {name}\b",
)
FOLLOW_UP_MARKERS = (
    r"earlier|last week|my (?:note|message|dm)|following up|follow up|circling back|"
    r"bumping|last (?:note|message)|mi (?:mensaje|nota)|te escrib[íi]|minha mensagem|te escrevi|"
    r"mon (?:message|mot)|je vous ai écrit|je t'ai écrit|meine[rn]? nachricht|letzte[rn]? woche|"
    r"noch (?:ein)?mal|nachfrage|(?:habe|hatte) (?:dir|ihnen|euch)\b.{0,80}geschrieben|"
    # how long ago, as the banks count it ("about a week ago", "vor etwa einer Woche")
    r"\b(?:days?|weeks?) ago\b|\bvor (?:etwa |gut |ein paar )?(?:einer |zwei )?(?:tagen|wochen?)\b|"
    r"\bhace .{0,25}(?:semanas?|días)\b|\bil y a .{0,25}(?:semaines?|jours)\b|"
    r"\bhá .{0,25}(?:semanas?|dias)\b"
)
REPLY_TO_HEAR_MORE = (
    r"reply (?:and|to) (?:hear|learn|get)|i'?ll send (?:you )?(?:everything|the details|more)|"
    r"want (?:me to send )?(?:the )?details\?|if you'?d like to (?:hear|learn) more"
)
THIN_FILLER = r"messaging a few|reaching out to a few|a few creators|came across your profile"
COMMON_CAPITALISED = frozenset(
    "i i'm i'd i'll i've ok monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december "
    "english spanish portuguese french german".split()
)


@dataclass(frozen=True)
class Verdict:
    """An evaluator's judgement of one message."""

    score: float
    passed: bool
    note: str = ""


@dataclass
class Run:
    """One engine run of a golden case and everything the evaluators need from it."""

    case: Case
    path: str
    """``offline``, ``llm`` or ``llm_repair`` (scripted chat models, see ``harness``)."""
    message_id: str
    status: str = "error"
    subject: str | None = None
    body: str = ""
    reasons: list[str] = field(default_factory=list)
    not_before: str | None = None
    sources: list[str] = field(default_factory=list)
    """Which drafting path wrote each variation (``llm``, ``offline``, ``offline_fallback``)."""
    selected_source: str | None = None
    selected_attempt: int | None = None
    prompts: list[str] = field(default_factory=list)
    """The user prompts the drafting model was sent (LLM path)."""
    error: str | None = None

    @property
    def sendable(self) -> bool:
        """True when the engine would let this message be sent (``ready``/``needs_review``)."""
        return self.status in SENDABLE and bool(self.body)

    @property
    def text(self) -> str:
        """The message as the prospect reads it, above the e-mail footer."""
        return above_footer(self.body)


def above_footer(body: str) -> str:
    """The body without the e-mail compliance footer."""
    head, sep, _ = body.rpartition(FOOTER_SEPARATOR)
    return head.strip() if sep else body.strip()


def words(text: str) -> list[str]:
    """The words of ``text`` as a reader counts them (URLs count as one word)."""
    return re.findall(r"\S+", text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    return re.sub(r"\s+", " ", text).strip()


def _stem(word: str) -> str:
    """A word without case or a possessive ending (Keyforge's -> keyforge)."""
    return re.sub(r"'s$", "", _norm(word))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _numbers(texts: Iterable[str]) -> set[float]:
    out: set[float] = set()
    for text in texts:
        for raw in _NUMBER.findall(text):
            out.add(_value(raw))
            for part in re.split(r"[.,]", raw):
                out.add(float(part))
    return out


def _value(raw: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):  # 48,200 / 48.200
        return float(re.sub(r"[.,]", "", raw))
    return float(raw.replace(",", "."))


def detect_language(text: str) -> str | None:
    """The language whose function words the text uses most (None when no clear winner)."""
    tokens = [t.lower() for t in _WORDS.findall(text)]
    counts = {lang: sum(t in stop for t in tokens) for lang, stop in _STOP.items()}
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] < 3 or ranked[0][1] < 1.3 * ranked[1][1]:
        return None
    return ranked[0][0]


def _message_language(run: Run) -> str:
    return detect_language(run.text) or run.case.expect.language


# -- evaluators -------------------------------------------------------------------------------


def courtesy_note(run: Run) -> bool:
    """True when a decline got only a thank-you held for a person: it promotes nothing."""
    if run.case.expect.stage != "declined" or run.status != "needs_review" or not run.body:
        return False
    return not promotes(run.body, Template.model_validate(run.case.template))


def status(run: Run) -> Verdict:
    """The status a manager expects for the record's relationship state."""
    stage = run.case.expect.stage
    expected = {"deferred": ("scheduled",), "declined": ("blocked",), "opted_out": ("blocked",)}
    want = expected.get(stage, SENDABLE)
    ok = run.status in want and (run.status not in SENDABLE or bool(run.body))
    ok = ok or courtesy_note(run)
    return Verdict(float(ok), ok, f"{run.status} (want {'/'.join(want)})")


def grounding(run: Run) -> Verdict | None:
    """Every number, link, handle, quote and mid-sentence proper noun traces to a source."""
    if not run.sendable:
        return None
    case = run.case
    sources = [*_strings(case.prospect), *_strings(case.template), *case.must_keep]
    source_text = _norm(" ".join(sources))
    source_words = {_stem(w) for s in sources for w in _WORDS.findall(s)}
    source_numbers = _numbers(sources)
    audience = case.prospect.get("audience_size")
    text = run.text
    bad: list[str] = []
    for url in _URL.findall(text):
        if _norm(url.rstrip(".,;:!?)")) not in source_text:
            bad.append(url)
    no_urls = _URL.sub(" ", text)
    for raw in _NUMBER.findall(no_urls):
        value = _value(raw)
        rounded = isinstance(audience, int) and any(
            abs(value * m - audience) <= 0.05 * audience for m in (1e3, 1e6)
        )
        if value not in source_numbers and not rounded:
            bad.append(raw)
    for handle in _HANDLE.findall(no_urls):
        if _norm(handle) not in source_text:
            bad.append(handle)
    for match in _QUOTED.finditer(text):
        quote = _norm(match.group(1) or match.group(2))
        if quote not in source_text:
            bad.append(f'"{quote}"')
    if _message_language(run) != "de":  # German capitalises every noun: no signal there
        for match in _WORDS.finditer(no_urls):
            word = match.group(0)
            if not word[0].isupper() or _SENTENCE_START.search(no_urls[: match.start()]):
                continue
            if _stem(word) not in source_words and word.lower() not in COMMON_CAPITALISED:
                bad.append(word)
    ok = not bad
    return Verdict(float(ok), ok, "ungrounded: " + ", ".join(bad[:5]) if bad else "")


def compliance(run: Run) -> Verdict | None:
    """Disclosure, brand, links, markup, e-mail footer and the platform's hard limit."""
    if not run.sendable:
        return None
    case, text, body = run.case, run.text, run.body
    problems = []
    lang = _message_language(run)
    disclosed = re.search(DISCLOSURE.get(lang, DISCLOSURE["en"]), text, re.IGNORECASE)
    if not disclosed and not courtesy_note(run):  # a thank-you promotes nothing: no disclosure
        problems.append("no affiliate disclosure")
    if case.template["brand"].lower() not in text.lower():
        problems.append("brand not named")
    if re.search(r"\{\{|\}\}|<[a-z/]|\[[A-Z][a-z]+\]|\*\*", body):
        problems.append("markup or merge field")
    if any(unicodedata.category(c) in ("Cf", "Co") for c in body):
        problems.append("invisible characters")
    allowed = {_norm(u) for u in case.template.get("links", [])}
    allowed.add(_norm(case.template["sender"].get("unsubscribe_url") or ""))
    allowed |= {_norm(u) for u in _URL.findall(" ".join(_strings(case.prospect)))}
    urls = [_norm(u.rstrip(".,;:!?)")) for u in _URL.findall(body)]
    if any(u not in allowed for u in urls):
        problems.append("unapproved link")
    if case.channel == "tiktok" and urls:
        problems.append("link on TikTok")
    if case.channel == "email":
        sender = case.template["sender"]
        footer = body[len(body.rpartition(FOOTER_SEPARATOR)[0]) :]
        for key in ("postal_address", "unsubscribe_url"):
            if sender.get(key) and sender[key] not in footer:
                problems.append(f"footer lacks {key}")
        if not run.subject or "\n" in run.subject or len(run.subject) > 78:
            problems.append("subject missing or not one short line")
    elif run.subject:
        problems.append("a subject outside e-mail")
    limit = LINKEDIN_LIMIT if case.channel == "linkedin" else PLATFORM_LIMITS.get(case.channel)
    size = len(body.encode()) if case.channel == "instagram" else len(body)
    if limit and size > limit:
        problems.append(f"{size} over the {limit} limit")
    ok = not problems
    return Verdict(float(ok), ok, "; ".join(problems))


def length_band(run: Run) -> Verdict | None:
    """DMs 40-70 words, e-mail 60-120 above the footer, LinkedIn notes within 300 characters.

    A thank-you to a decline is short by design: no band.
    """
    if not run.sendable or courtesy_note(run):
        return None
    n = len(words(run.text))
    if run.case.channel == "linkedin":
        size = len(run.body)
        ok = size <= LINKEDIN_LIMIT and n >= 12
        return Verdict(float(ok), ok, f"{size} chars, {n} words")
    lo, hi = DM_BAND if run.case.is_dm else EMAIL_BAND
    ok = lo <= n <= hi
    distance = 0 if ok else min(abs(n - lo), abs(n - hi))
    return Verdict(max(0.0, 1 - distance / hi), ok, f"{n} words (band {lo}-{hi})")


def dm_cap(run: Run) -> Verdict | None:
    """No DM over 90 words."""
    if not (run.sendable and run.case.is_dm):
        return None
    n = len(words(run.text))
    return Verdict(float(n <= DM_CAP), n <= DM_CAP, f"{n} words")


def _term_patterns(template: dict[str, Any]) -> dict[str, str]:
    offer = template.get("offer") or {}
    terms = {}
    if offer.get("commission"):
        digits = re.escape(re.sub(r"\D", "", offer["commission"]))
        terms["commission"] = rf"(?<![\d.]){digits}\s?%"
    if offer.get("cookie_days"):
        terms["cookie"] = rf"(?<!\d){offer['cookie_days']}[\s-]?(?:day|días|dias|jours|tage)"
    return terms


def offer_once(run: Run) -> Verdict | None:
    """Each offer term stated at most once; the commission stated where the offer is made.

    A LinkedIn note may name the program without its terms (no term dumps in 300 characters).
    """
    if not run.sendable:
        return None
    counts = {
        name: len(re.findall(p, run.text, re.IGNORECASE))
        for name, p in _term_patterns(run.case.template).items()
    }
    repeated = [f"{k} x{v}" for k, v in counts.items() if v > 1]
    needs_offer = run.case.expect.stage in ("cold", "asked_for_details", "check_back_due") and (
        run.case.channel != "linkedin"
    )
    missing = needs_offer and counts.get("commission", 1) == 0
    ok = not repeated and not missing
    note = ", ".join(repeated) + ("commission not stated" if missing else "")
    return Verdict(float(ok), ok, note)


def _reintroduces(run: Run) -> bool:
    sender = run.case.template["sender"]["name"].split()[0].lower()
    brand = re.escape(run.case.template["brand"].lower())
    text = _norm(run.text)
    return any(
        re.search(p.format(name=re.escape(sender), brand=brand), text) for p in REINTRODUCTION
    )


def _content_words(text: str) -> set[str]:
    stop = frozenset().union(*_STOP.values())
    return {w for w in (_norm(t) for t in _WORDS.findall(text)) if len(w) >= 5 and w not in stop}


def relationship(run: Run) -> Verdict | None:
    """Follow-ups never re-introduce the sender, details replies deliver, deferrals are held."""
    case = run.case
    stage = case.expect.stage
    if stage == "cold":
        return None
    if stage == "deferred":
        ok = run.status == "scheduled"
        note = f"{run.status}, not_before {run.not_before}"
        if ok and case.expect.not_before:
            lo, hi = case.expect.not_before
            try:
                ok = lo <= date.fromisoformat(str(run.not_before)[:10]) <= hi
            except ValueError:
                ok = False
        return Verdict(float(ok), ok, note)
    if stage in ("declined", "opted_out"):
        ok = run.status == "blocked" or courtesy_note(run)
        return Verdict(float(ok), ok, run.status)
    if not run.sendable:
        return Verdict(0.0, False, f"{run.status}: nothing to send")
    problems = []
    if _reintroduces(run):
        problems.append("re-introduces the sender")
    text = _norm(run.text)
    if stage == "awaiting_reply" and not re.search(FOLLOW_UP_MARKERS, text):
        problems.append("does not point to the earlier note")
    if stage == "check_back_due":
        asked = " ".join(h["text"] for h in case.history if h.get("direction") == "inbound")
        cited = _content_words(asked) & _content_words(run.text)
        if not cited and not re.search(
            r"check back|you asked|me pediste|pediste|demandé|gebeten", text
        ):
            problems.append("does not cite what they asked")
    if stage == "asked_for_details":
        if not re.search(_term_patterns(case.template)["commission"], run.text):
            problems.append("no terms")
        links = case.template.get("links") or []
        if case.channel != "tiktok" and links and not any(link in run.text for link in links):
            problems.append("no link")
        if re.search(REPLY_TO_HEAR_MORE, text):
            problems.append("asks them to reply to hear more")
    ok = not problems
    return Verdict(1.0 - min(1.0, len(problems) / 2), ok, "; ".join(problems))


def language(run: Run) -> Verdict | None:
    """The message is in the record's language, or the result says it is not."""
    if not run.sendable:
        return None
    want = run.case.expect.language
    got = detect_language(run.text)
    if got == want:
        return Verdict(1.0, True, want)
    flagged = run.status == "needs_review" and any("language" in r.lower() for r in run.reasons)
    return Verdict(
        0.5 if flagged else 0.0,
        flagged,
        f"wrote {got}, want {want}" + (" (flagged)" if flagged else ""),
    )


def hook(run: Run) -> Verdict | None:
    """Where the record has an offer-relevant fact, the message uses it."""
    terms = run.case.expect.hook
    if not (terms and run.sendable):
        return None
    text = _norm(run.text)
    used = [t for t in terms if _norm(t) in text]
    return Verdict(float(bool(used)), bool(used), ", ".join(used) or "none of " + "/".join(terms))


def template_copy(run: Run) -> Verdict | None:
    """A template with a body keeps its own offer wording, call to action and subject."""
    case = run.case
    if not (run.sendable and (case.must_keep or case.template.get("subject"))):
        return None
    text = _norm(run.text)
    lost = [s for s in case.must_keep if _norm(s) not in text]
    subject = case.template.get("subject")
    if case.channel == "email" and subject and _norm(run.subject or "") != _norm(subject):
        lost.append(f"subject {run.subject!r}")
    ok = not lost
    return Verdict(1 - len(lost) / max(1, len(case.must_keep) + 1), ok, "; ".join(lost)[:160])


def subject_shape(run: Run) -> Verdict | None:
    """An e-mail subject is plain and 3-7 words."""
    if not (run.sendable and run.case.channel == "email"):
        return None
    n = len(words(run.subject or ""))
    ok = 3 <= n <= 7 and not re.search(r"[!?]{2}|^re:|^fwd:", (run.subject or "").lower())
    return Verdict(float(ok), ok, f"{n} words: {run.subject!r}")


def no_cut(run: Run) -> Verdict | None:
    """Nothing sendable carries a cut quote or a cut sentence."""
    if not run.sendable:
        return None
    text = run.text
    cut = "…" in text or "..." in text or not re.search(r"[.!?)\w]\s*$", text)
    return Verdict(float(not cut), not cut, "cut text" if cut else "")


def thin_record(run: Run) -> Verdict | None:
    """A thin record gets a short honest message with a qualifying question, no filler."""
    if not run.case.expect.thin:
        return None
    if not run.sendable:
        return Verdict(0.0, False, run.status)
    text = _norm(run.text)
    problems = []
    if "?" not in text:
        problems.append("no question")
    if re.search(THIN_FILLER, text):
        problems.append("filler")
    ok = not problems
    return Verdict(float(ok), ok, "; ".join(problems))


def sent_as_written(run: Run) -> Verdict | None:
    """LLM path: a manager's own draft is sent as written (the critic accepts it)."""
    draft = run.case.manager_draft
    if run.path not in ("llm", "llm_repair") or not draft:
        return None
    same_body = _norm(run.text) == _norm(draft["body"])
    same_subject = run.case.channel != "email" or _norm(run.subject or "") == _norm(
        draft.get("subject") or ""
    )
    ok = run.sendable and run.selected_source == "llm" and same_body and same_subject
    note = (
        ""
        if ok
        else f"{run.status}, source {run.selected_source}: "
        + "; ".join(r for r in run.reasons if "rejected" in r)[:240]
    )
    return Verdict(float(ok), ok, note)


def repaired_by_model(run: Run) -> Verdict | None:
    """LLM repair path: a rejected model draft went back to the model, which fixed it."""
    if run.path != "llm_repair" or not run.case.manager_draft:
        return None
    ok = run.sendable and run.selected_source == "llm" and run.selected_attempt == 1
    note = f"{run.status}, chose {run.selected_source} attempt {run.selected_attempt}"
    return Verdict(float(ok), ok, note)


def prompt_context(run: Run) -> Verdict | None:
    """LLM path: the draft prompt carries what a manager looks at before writing."""
    if run.path not in ("llm", "llm_repair") or not run.prompts:
        return None
    prompt = run.prompts[0]
    case = run.case
    sender = case.template["sender"]
    want: dict[str, str | None] = {
        "today": today().isoformat(),
        "language": case.expect.language,
        "sender title": sender.get("title"),
        "sender company": sender.get("company"),
        "goal": case.template.get("goal"),
        "template copy": (case.template.get("body") or "")[:40].strip() or None,
        "word target": "words",
        "footer rule": "footer" if case.channel == "email" else None,
        "stage": f"where we stand: {case.expect.stage}" if case.expect.stage != "cold" else None,
        # the few-shot examples a manager would want shown: a follow-up, one in their language
        "follow-up example": "the first note went unanswered"
        if case.expect.stage == "awaiting_reply"
        else None,
        "non-English example": "written in the prospect's language from the first word"
        if case.expect.language != "en"
        else None,
    }
    for n, item in enumerate(case.prospect.get("recent_content") or []):
        for key in ("title", "published_at", "platform", "summary"):
            if item.get(key):
                want[f"content[{n}].{key}"] = item[key]
    for n, item in enumerate(case.history):
        want[f"history[{n}].text"] = item.get("text")
        want[f"history[{n}].at"] = (item.get("at") or "")[:10] or None
    checks = {k: v for k, v in want.items() if v}
    missing = [k for k, v in checks.items() if _norm(v) not in _norm(prompt)]
    score = 1 - len(missing) / len(checks)
    return Verdict(score, not missing, "missing: " + ", ".join(missing) if missing else "")


EVALUATORS: dict[str, Callable[[Run], Verdict | None]] = {
    "status": status,
    "grounding": grounding,
    "compliance": compliance,
    "length_band": length_band,
    "dm_cap": dm_cap,
    "offer_once": offer_once,
    "relationship": relationship,
    "language": language,
    "hook": hook,
    "template_copy": template_copy,
    "subject_shape": subject_shape,
    "no_cut": no_cut,
    "thin_record": thin_record,
    "sent_as_written": sent_as_written,
    "repaired_by_model": repaired_by_model,
    "prompt_context": prompt_context,
}


def evaluate(run: Run) -> dict[str, Verdict]:
    """Every applicable evaluator's verdict on ``run``."""
    if run.error:
        return {"status": Verdict(0.0, False, run.error)}
    out = {}
    for name, fn in EVALUATORS.items():
        verdict = fn(run)
        if verdict is not None:
            out[name] = verdict
    return out


def shingles(text: str, name: str, n: int = 3) -> set[tuple[str, ...]]:
    """Word ``n``-grams of a message with the prospect's name blanked out."""
    tokens = [t for t in (_norm(w) for w in _WORDS.findall(text)) if t != _norm(name)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def similarity(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard similarity of two shingle sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def sameness(runs: list[Run]) -> tuple[float, int, int, tuple[str, str] | None]:
    """Cross-prospect sameness per channel: (max similarity, pairs over the bar, pairs, worst)."""
    by_channel: dict[str, list[Run]] = {}
    for run in runs:
        if run.sendable:
            by_channel.setdefault(run.case.channel, []).append(run)
    worst, worst_pair, over, pairs = 0.0, None, 0, 0
    for group in by_channel.values():
        grams = [shingles(r.text, r.case.first_name) for r in group]
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                if group[i].case.id == group[j].case.id:
                    continue
                s = similarity(grams[i], grams[j])
                pairs += 1
                over += s > SAMENESS_MAX
                if s > worst:
                    worst, worst_pair = s, (group[i].case.id, group[j].case.id)
    return worst, over, pairs, worst_pair


def dm_words(runs: list[Run]) -> tuple[float, int]:
    """Median and maximum word count of the sendable DMs."""
    counts = [len(words(r.text)) for r in runs if r.sendable and r.case.is_dm]
    return (statistics.median(counts), max(counts)) if counts else (0.0, 0)
