"""Advisory spam and style lint, in the spirit of SpamAssassin (``tools/policies/lint.toml``).

Each rule that fires is one advisory ``Finding`` naming the words, the field and the rule; its
``penalty`` is the rule's SpamAssassin-like weight times ``penalty_per_point``, so one strong spam
phrase costs about 0.1 of a 0..1 quality score.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from ipe.domain import Finding
from ipe.tools.policies import load_pack
from ipe.tools.text.textcount import find_urls
from ipe.tools.trust.patterns import any_of, compile_for_lowercase


@cache
def _pack() -> dict[str, Any]:
    return load_pack("lint")


@cache
def _phrases(section: str) -> tuple[tuple[str, re.Pattern[str], float], ...]:
    return tuple(
        (str(entry["id"]), re.compile(entry["pattern"], re.IGNORECASE), float(entry["weight"]))
        for entry in _pack()[section]
    )


@cache
def _lowercase_phrases(section: str) -> tuple[tuple[str, re.Pattern[str], float], ...]:
    return tuple((rule, compile_for_lowercase(p.pattern), w) for rule, p, w in _phrases(section))


@cache
def _any_phrase(section: str, lowercase: bool) -> re.Pattern[str]:
    """One alternation of a section's patterns: a cheap first pass over clean text."""
    return any_of((p.pattern for _, p, _ in _phrases(section)), lowercase=lowercase)


def _penalty(weight: float) -> float:
    return round(weight * float(_pack()["scoring"]["penalty_per_point"]), 4)


def _finding(rule_id: str, field: str, span: str, message: str, weight: float) -> Finding:
    scoring = _pack()["scoring"]
    source = scoring["ai_phrase_source" if rule_id.startswith("ai_phrase.") else "spam_source"]
    return Finding(
        rule_id=rule_id,
        severity="advisory",
        field=field,
        span=span,
        message=message,
        source=str(source),
        penalty=_penalty(weight),
    )


def _phrase_findings(field: str, text: str) -> list[Finding]:
    findings: list[Finding] = []
    lowercase = text.isascii()  # then lower-casing is exactly IGNORECASE, spans map one to one
    target = text.lower() if lowercase else text
    for section, prefix, label in (
        ("spam_phrases", "spam", "Spam phrase"),
        ("ai_phrases", "ai_phrase", "Generic AI phrasing"),
    ):
        if not _any_phrase(section, lowercase).search(target):
            continue
        for rule, pattern, weight in (_lowercase_phrases if lowercase else _phrases)(section):
            match = pattern.search(target)
            if match:
                span = text[match.start() : match.end()]
                findings.append(
                    _finding(
                        f"{prefix}.{rule}",
                        field,
                        span,
                        f'{label} "{span}" in the {field} (weight {weight:g}).',
                        weight,
                    )
                )
    return findings


def _rule(name: str) -> dict[str, Any]:
    return dict(_pack()["spam_rules"][name])


def _subject_findings(subject: str) -> list[Finding]:
    findings: list[Finding] = []
    letters = [c for c in subject if c.isalpha()]
    caps = _rule("SUBJ_ALL_CAPS")
    if len(letters) >= caps["min_letters"] and all(c.isupper() for c in letters):
        findings.append(
            _finding("spam.SUBJ_ALL_CAPS", "subject", subject, caps["message"], caps["weight"])
        )
    pling = _rule("PLING_QUERY")
    if "!" in subject and "?" in subject:
        findings.append(
            _finding("spam.PLING_QUERY", "subject", subject, pling["message"], pling["weight"])
        )
    return findings


_ASCII_LETTERS = string.ascii_letters.encode("ascii")
_ASCII_UPPERS = string.ascii_uppercase.encode("ascii")


def _shouting(field: str, text: str, limit_key: str, *, ratio: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    excess = _rule("EXCESS_EXCLAMATION")
    count = text.count("!")
    if count > excess[limit_key] or "!!" in text:
        findings.append(
            _finding(
                "spam.EXCESS_EXCLAMATION",
                field,
                "!" * count,
                f"{excess['message']} ({count} in the {field})",
                excess["weight"],
            )
        )
    if not ratio:
        return findings
    if text.isascii():  # the common case, counted by byte deletion rather than a character loop
        raw = text.encode("ascii")
        n_letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        n_upper = len(raw) - len(raw.translate(None, _ASCII_UPPERS))
    else:
        letters = [c for c in text if c.isalpha()]
        n_letters, n_upper = len(letters), sum(c.isupper() for c in letters)
    for name in ("UPPERCASE_75_100", "UPPERCASE_50_75"):
        rule = _rule(name)
        if n_letters < rule["min_letters"]:
            continue
        share = n_upper / n_letters
        if rule["min_ratio"] <= share < rule["max_ratio"]:
            upper_words = " ".join(w for w in text.split() if w.isupper())[:120]
            findings.append(
                _finding(
                    f"spam.{name}",
                    field,
                    upper_words,
                    f"{rule['message']} ({share:.0%} of the {field}'s letters)",
                    rule["weight"],
                )
            )
            break
    return findings


def _link_findings(body: str) -> list[Finding]:
    rule = _rule("MANY_LINKS")
    urls = [url for _, _, url in find_urls(body)]
    if len(urls) <= rule["max_links"]:
        return []
    return [
        _finding(
            "spam.MANY_LINKS",
            "body",
            " ".join(urls),
            f"{rule['message']} ({len(urls)} links)",
            rule["weight"],
        )
    ]


def lint(subject: str | None, body: str) -> list[Finding]:
    """Advisory spam and generic-phrasing findings for a draft's subject and body."""
    findings: list[Finding] = []
    if subject:
        findings += _phrase_findings("subject", subject)
        findings += _subject_findings(subject)
        findings += _shouting("subject", subject, "max_subject", ratio=False)
    findings += _phrase_findings("body", body)
    findings += _shouting("body", body, "max_body")
    findings += _link_findings(body)
    return findings


def lint_penalty(findings: list[Finding]) -> float:
    """The total penalty of the advisory findings, capped at 1.0."""
    return min(1.0, sum(f.penalty for f in findings if f.severity == "advisory"))
