import re

import pytest

from ipe.domain import Finding
from ipe.tools.policies import load_pack
from ipe.tools.trust.lint import lint, lint_penalty

CLEAN_BODY = (
    "Hi Jane, your tent reviews are the most useful I have read this year. TrailPeak runs an "
    "affiliate program that pays 20% commission on each sale. Open to a quick chat?"
)


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def test_a_clean_message_has_no_findings() -> None:
    assert lint("Quick idea for your tent reviews", CLEAN_BODY) == []


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("Click here to join.", "spam.CLICK_HERE"),
        ("Act now, spots are few.", "spam.ACT_NOW"),
        ("A limited time offer.", "spam.LIMITED_TIME"),
        ("Reach financial freedom.", "spam.FINANCIAL_FREEDOM"),
        ("Book a free consultation.", "spam.FREE_CONSULTATION"),
        ("It is 100% guaranteed.", "spam.GUARANTEED_100_PERCENT"),
        ("Full money back promise.", "spam.MONEY_BACK"),
        ("Totally risk-free.", "spam.RISK_FREE"),
        ("No obligation at all.", "spam.NO_OBLIGATION"),
        ("Earn $500 a week.", "spam.EARN_MONEY"),
        ("Make money fast with us.", "spam.MAKE_MONEY_FAST"),
        ("Dear friend, hello.", "spam.DEAR_FRIEND"),
        ("A once in a lifetime chance.", "spam.ONCE_IN_LIFETIME"),
    ],
)
def test_spam_phrases(phrase: str, rule: str) -> None:
    findings = lint(None, f"{CLEAN_BODY} {phrase}")
    assert ids(findings) == [rule]
    [finding] = findings
    assert finding.severity == "advisory"
    assert finding.field == "body"
    assert finding.span.lower() in phrase.lower()
    assert "SpamAssassin" in finding.source
    assert finding.penalty > 0


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("I hope this message finds you well.", "ai_phrase.hope_finds_you_well"),
        ("I hope this email finds you well.", "ai_phrase.hope_finds_you_well"),
        ("I came across your profile yesterday.", "ai_phrase.came_across_profile"),
        ("In today's fast-paced world, content matters.", "ai_phrase.fast_paced_world"),
        ("I wanted to reach out about gear.", "ai_phrase.wanted_to_reach_out"),
        ("Let's dive into the details.", "ai_phrase.dive_into"),
        ("This is a game-changer.", "ai_phrase.game_changer"),
        ("Elevate your channel.", "ai_phrase.elevate_your"),
        ("Unlock new revenue.", "ai_phrase.unlock"),
        ("Real synergy here.", "ai_phrase.synergy"),
        ("Leverage your audience.", "ai_phrase.leverage"),
        ("Let us delve deeper.", "ai_phrase.delve"),
    ],
)
def test_generic_ai_phrasing(phrase: str, rule: str) -> None:
    findings = lint(None, f"{phrase} {CLEAN_BODY}")
    assert rule in ids(findings)
    finding = next(f for f in findings if f.rule_id == rule)
    assert finding.source.startswith("project style guide")


def test_subject_findings_name_the_subject() -> None:
    findings = lint("Click here for tents", CLEAN_BODY)
    assert [(f.rule_id, f.field, f.span) for f in findings] == [
        ("spam.CLICK_HERE", "subject", "Click here")
    ]


def test_subject_all_caps() -> None:
    assert ids(lint("TENTS FOR YOU", CLEAN_BODY)) == ["spam.SUBJ_ALL_CAPS"]
    assert ids(lint("GO", CLEAN_BODY)) == []


def test_pling_query() -> None:
    assert ids(lint("Ready for tents?!", CLEAN_BODY)) == ["spam.PLING_QUERY"]


def test_too_many_exclamation_marks() -> None:
    assert ids(lint(None, f"{CLEAN_BODY} Great! Really great! Wow!")) == ["spam.EXCESS_EXCLAMATION"]
    assert ids(lint(None, f"{CLEAN_BODY} Wow!!")) == ["spam.EXCESS_EXCLAMATION"]
    assert ids(lint(None, f"{CLEAN_BODY} Great! Thanks!")) == []


def test_uppercase_ratio() -> None:
    assert ids(lint(None, "THIS IS A VERY LOUD MESSAGE ABOUT TENTS")) == ["spam.UPPERCASE_75_100"]
    assert ids(lint(None, "THIS IS QUITE LOUD about tents")) == ["spam.UPPERCASE_50_75"]
    assert ids(lint(None, "OK")) == []


def test_more_than_two_links() -> None:
    body = f"{CLEAN_BODY} a.com b.com https://c.com/x"
    [finding] = lint(None, body)
    assert finding.rule_id == "spam.MANY_LINKS"
    assert finding.span == "a.com b.com https://c.com/x"
    assert lint(None, f"{CLEAN_BODY} a.com b.com") == []


def test_a_strong_spam_phrase_costs_about_a_tenth() -> None:
    [finding] = lint(None, f"{CLEAN_BODY} Money back if not happy.")
    assert 0.08 <= finding.penalty <= 0.12
    [weak] = lint("Ready for tents?!", CLEAN_BODY)
    assert weak.penalty < 0.01


def test_lint_penalty_sums_and_caps() -> None:
    findings = lint("CLICK HERE ACT NOW?!", "Click here! Act now! Money back! Risk-free! " * 3)
    assert lint_penalty(findings) == pytest.approx(min(1.0, sum(f.penalty for f in findings)))
    assert lint_penalty(findings * 20) == 1.0
    assert lint_penalty([]) == 0.0


def test_lint_pack_is_well_formed() -> None:
    pack = load_pack("lint")
    assert len(pack["spam_phrases"]) >= 25
    assert len(pack["ai_phrases"]) >= 12
    seen: set[str] = set()
    for entry in [*pack["spam_phrases"], *pack["ai_phrases"]]:
        re.compile(entry["pattern"])
        assert entry["weight"] > 0
        assert entry["id"] not in seen
        seen.add(entry["id"])


@pytest.mark.parametrize(
    "prefix",
    ["", "İstanbul trip! "],  # non-ASCII text takes the IGNORECASE path
)
def test_phrases_match_in_any_case_and_report_the_original_text(prefix: str) -> None:
    body = f"{prefix}Please CLICK Here to join. Act NOW while it lasts."
    spans = {f.rule_id: f.span for f in lint(None, body)}
    assert spans["spam.CLICK_HERE"] == "CLICK Here"
    assert spans["spam.ACT_NOW"] == "Act NOW"
