"""The compliance report of one message, run on exactly the text that would be sent.

Blocking rules come from the channel's policy pack (``tools/policies/channels.toml``): length as
the channel counts it, the email subject and CAN-SPAM elements, the affiliate disclosure, the
brand, leftover merge fields, markup, invisible characters, links where a channel blocks them, and
every grounding finding. Advisory findings (subject length, a very short body, spam and generic
phrasing lint) lower a variation's score without blocking it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from ipe.domain import ExcludedSpan, Fact, Finding, Template
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.channel.formatting import split_footer
from ipe.tools.channel.policy import ChannelPolicy, RuleInfo, load_policy
from ipe.tools.text.textcount import char_count, find_links, measure
from ipe.tools.trust.grounding import check_grounding
from ipe.tools.trust.lint import lint
from ipe.tools.trust.outbound import outbound_findings
from ipe.tools.trust.patterns import any_of
from ipe.tools.writing.brand import names_brand, promotes

UNIT_LABELS = {"chars": "characters", "bytes": "UTF-8 bytes", "x_weighted": "weighted characters"}
_BIDI_AND_ZERO_WIDTH = frozenset([*range(0x200B, 0x2010), *range(0x202A, 0x202F)])
_BLANK_LETTERS = frozenset([0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E, 0x034F, 0x17B4, 0x17B5])
"""Characters that draw nothing though Unicode files them as letters or marks (fillers, blanks)."""
_VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_TAGS = range(0xE0020, 0xE0080)


@cache
def _compiled(patterns: tuple[str, ...], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


@cache
def _any_compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """The patterns' first-pass alternation (``any_of``), or None when it cannot be built."""
    try:
        return any_of(patterns, ignore_case=False)
    except re.error:
        return None


def _finding(rule: RuleInfo, field: str, span: str, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        field=field,
        span=span,
        message=message,
        source=rule.source,
        penalty=rule.penalty if rule.severity == "advisory" else 0.0,
    )


def _squash(text: str) -> str:
    return re.sub(r"[\s,]+", " ", text).strip().lower()


def _is_emoji_joiner(text: str, i: int) -> bool:
    """A zero-width joiner between two emoji is part of one emoji, not hidden text."""
    return (
        text[i] == "\u200d"
        and 0 < i < len(text) - 1
        and ord(text[i - 1]) >= 0x2600
        and ord(text[i + 1]) >= 0x2600
    )


_ASCII_HIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _hidden(text: str, i: int) -> bool:
    """True when ``text[i]`` draws nothing and is not part of an emoji or a keycap."""
    char, code = text[i], ord(text[i])
    if code in _VARIATION_SELECTORS:  # only VS15/VS16 after an emoji or a keycap base
        before = ord(text[i - 1]) if i else 0
        return not (
            code in (0xFE0E, 0xFE0F) and (before >= 0x2000 or chr(before) in "#*0123456789")
        )
    if code in _TAGS or code == 0xE007F:  # only inside a flag's tag sequence (🏴 + tags)
        j = i
        while j > 0 and (ord(text[j - 1]) in _TAGS or ord(text[j - 1]) == 0xE007F):
            j -= 1
        return not (j > 0 and ord(text[j - 1]) == 0x1F3F4)
    if code in _BLANK_LETTERS or code in _BIDI_AND_ZERO_WIDTH:
        return not _is_emoji_joiner(text, i)
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp") and not _is_emoji_joiner(text, i)


def _invisible(text: str, field: str, rule: RuleInfo) -> list[Finding]:
    findings: list[Finding] = []
    if text.isascii() and not _ASCII_HIDDEN.search(text) and ("\n" not in text or field == "body"):
        return findings  # plain ASCII without controls: nothing can hide (no char loop needed)
    for i, char in enumerate(text):
        if char == "\n" and field == "body":
            continue
        if _hidden(text, i):
            name = unicodedata.name(char, "control character")
            findings.append(
                _finding(
                    rule,
                    field,
                    f"U+{ord(char):04X}",
                    f"The {field} contains an invisible or control character "
                    f"(U+{ord(char):04X} {name}) at position {i}.",
                )
            )
    return findings


def _pattern_findings(text: str, field: str, rule: RuleInfo, what: str) -> list[Finding]:
    findings: list[Finding] = []
    first_pass = _any_compiled(tuple(rule.patterns))
    if first_pass is not None and not first_pass.search(text):
        return findings
    covered: list[tuple[int, int]] = []
    seen: set[str] = set()
    for pattern in _compiled(rule.patterns):
        for match in pattern.finditer(text):
            start, end = match.span()
            span = match.group().strip()
            if not span or any(s < end and start < e for s, e in covered):
                continue
            covered.append((start, end))
            if span not in seen:
                seen.add(span)
                findings.append(_finding(rule, field, span, f'{what} "{span}" in the {field}.'))
    return findings


def _format_checks(text: str, field: str, policy: ChannelPolicy) -> list[Finding]:
    merge = _pattern_findings(text, field, policy.rule("merge_field"), "Unresolved merge field")
    masked = text
    for finding in merge:
        masked = masked.replace(finding.span, " ")
    markup = _pattern_findings(masked, field, policy.rule("markup"), "Markup")
    return merge + markup + _invisible(text, field, policy.rule("invisible_chars"))


def _length(
    body: str, policy: ChannelPolicy, free_account: bool, in_conversation: bool = False
) -> list[Finding]:
    limit = policy.limit(linkedin_free_account=free_account, in_conversation=in_conversation)
    measured = measure(body, policy.unit)
    if measured <= limit:
        return []
    key = "free_account_limit" if limit != policy.body_limit else "body_limit"
    if in_conversation and limit == policy.conversation_limit:
        key = "conversation_limit"
    label = UNIT_LABELS[policy.unit]
    account = " for a free account" if key == "free_account_limit" else ""
    return [
        _finding(
            policy.rule(key),
            "body",
            body[-40:],
            f"The body is {measured} {label}; the {policy.channel} limit{account} is "
            f"{limit} {label}.",
        )
    ]


def _subject_checks(subject: str | None, policy: ChannelPolicy) -> list[Finding]:
    rule = policy.rule("subject_limit")
    if subject is None or not subject.strip():
        return [_finding(rule, "subject", "", f"A {policy.channel} message needs a subject.")]
    findings: list[Finding] = []
    length = char_count(subject)
    if policy.subject_limit is not None and length > policy.subject_limit:
        findings.append(
            _finding(
                rule,
                "subject",
                subject[:60],
                f"The subject is {length} characters; the limit is {policy.subject_limit}.",
            )
        )
    if "\r" in subject or "\n" in subject:
        findings.append(
            _finding(rule, "subject", repr(subject[:60]), "The subject contains a line break.")
        )
    low, high = policy.subject_min_advised, policy.subject_max_advised
    if low is not None and high is not None and not low <= length <= high:
        findings.append(
            _finding(
                policy.rule("subject_length_advised"),
                "subject",
                subject,
                f"The subject is {length} characters; {low}-{high} reads best on mobile.",
            )
        )
    return findings


def _legal_checks(
    subject: str | None, body: str, policy: ChannelPolicy, template: Template, language: str
) -> list[Finding]:
    findings: list[Finding] = []
    sender = template.sender
    if policy.requires_postal_address:
        address = (sender.postal_address or "").strip()
        if not address or _squash(address) not in _squash(body):
            findings.append(
                _finding(
                    policy.rule("postal_address"),
                    "body",
                    address,
                    "The body does not carry the sender's postal address"
                    + (f' ("{address}").' if address else " (the template has none)."),
                )
            )
    if policy.requires_unsubscribe:
        url = (sender.unsubscribe_url or "").strip()
        if not url or url.rstrip("/").lower() not in body.lower():
            findings.append(
                _finding(
                    policy.rule("unsubscribe"),
                    "body",
                    url,
                    "The body does not carry the unsubscribe link"
                    + (f" ({url})." if url else " (the template has none)."),
                )
            )
    promoting = promotes(body, template)  # a note that promotes nothing needs no disclosure
    if policy.requires_affiliate_disclosure and promoting:
        rule = policy.rule("affiliate_disclosure")
        if not discloses(body, policy):
            findings.append(
                _finding(
                    rule,
                    "body",
                    "",
                    "The body does not say plainly that this is an affiliate/commission offer.",
                )
            )
    if policy.requires_brand and promoting:
        brand = template.brand.strip()
        if not brand or not names_brand(f"{subject or ''}\n{body}", template, language):
            findings.append(
                _finding(policy.rule("brand"), "body", brand, f'The brand "{brand}" is not named.')
            )
    return findings


def check_message(
    subject: str | None,
    body: str,
    *,
    channel: str,
    template: Template,
    facts: list[Fact],
    excluded: list[ExcludedSpan],
    prospect_name: str,
    trusted_texts: Iterable[str],
    linkedin_free_account: bool = False,
    language: str = "en",
    dates: Iterable[str] = (),
    places: Iterable[str] = (),
    in_conversation: bool = False,
    said: Iterable[str] = (),
) -> list[Finding]:
    """Every compliance finding for the message exactly as it would be sent on ``channel``.

    ``dates``: the conversation's ISO dates, whose numbers a message may cite ("my note of 27
    November"). ``places``: where the engine placed them (``grounding.zone_places``).
    ``in_conversation``: the person has written to us, so a LinkedIn message is held to the
    message limit, not the connection note's. ``said``: what they wrote to us (their words said
    back in a note that promotes nothing are no claim of ours).

    A subject is only checked (and only required) on channels that send one (email); elsewhere
    it is ignored because it never reaches the prospect.
    """
    policy = load_policy(channel)
    sends_subject = policy.subject_limit is not None
    sent_subject = subject if sends_subject else None
    findings = _length(body, policy, linkedin_free_account, in_conversation)
    if sends_subject:
        findings += _subject_checks(subject, policy)
    findings += _legal_checks(sent_subject, body, policy, template, language)
    if sent_subject:
        findings += _format_checks(sent_subject, "subject", policy)
    findings += _format_checks(body, "body", policy)
    if not policy.links_allowed:  # any link-like token, whatever its TLD (the brand's name aside)
        for _, _, url in find_links(f"{subject or ''}\n{body}"):
            if url.strip().lower() == template.brand.strip().lower():
                continue
            findings.append(
                _finding(
                    policy.rule("links"),
                    "body",
                    url,
                    f"{policy.channel} does not deliver links; remove {url}.",
                )
            )
    findings += check_grounding(
        sent_subject,
        body,
        facts=facts,
        template=template,
        prospect_name=prospect_name,
        excluded=excluded,
        trusted_texts=trusted_texts,
        language=language,
        dates=dates,
        places=places,
    )
    findings += outbound_findings(
        sent_subject,
        body,
        template=template,
        facts=facts,
        trusted_texts=trusted_texts,
        language=language,
        said=said,
    )
    short = policy.short_body_advised
    if short and char_count(body.strip()) < short:
        findings.append(
            _finding(
                policy.rule("short_body"),
                "body",
                body.strip(),
                f"The body is {char_count(body.strip())} characters; under {short} rarely "
                "carries a personal point, the offer and a call to action.",
            )
        )
    findings += lint(sent_subject, body)
    return findings


def is_compliant(findings: list[Finding]) -> bool:
    """True when no finding blocks."""
    return not any(f.severity == "blocking" for f in findings)


def discloses(body: str, policy: ChannelPolicy) -> bool:
    """True when ``body`` says plainly that this is an affiliate / commission offer."""
    patterns = policy.rule("affiliate_disclosure").patterns
    return any(p.search(body) for p in _compiled(tuple(patterns), re.IGNORECASE))


def disclose(body: str, template: Template, *, channel: str, language: str = "en") -> str:
    """``body`` with the program's plain disclosure added when a promoting text lacks one.

    Tenants write their copy as people do ("I look after our partners... you'd earn 30% on every
    enrolment"); when it promotes the offer and says nowhere that it is an affiliate program, the
    engine adds one sentence from the phrase bank (``[disclosure]``) to the paragraph that states
    the offer, as it names the brand in the sign-off: a rule the engine can satisfy is never a
    reason to block. A body that discloses, promotes nothing, or is in a language without a
    bank is returned unchanged (the check then says so).
    """
    policy = load_policy(channel)
    head, sep, footer = split_footer(body)
    base = language.split("-")[0].lower()
    if not policy.requires_affiliate_disclosure or base not in LANGUAGES:
        return body
    if not head.strip() or not promotes(head, template) or discloses(head, policy):
        return body
    line = str(load_bank(f"{base}/message")["disclosure"]["line"])
    paragraphs = head.rstrip().split("\n\n")
    offer = [i for i, p in enumerate(paragraphs) if promotes(p, template)]
    at = offer[-1] if offer else max(len(paragraphs) - 2, 0)
    paragraphs[at] = f"{paragraphs[at].rstrip()} {line}"
    return "\n\n".join(paragraphs) + sep + footer
