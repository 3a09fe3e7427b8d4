import re
from importlib.resources import files

import pytest

from ipe.domain import Offer, Sender, Template, UnknownChannelError
from ipe.tools.channel.policy import load_policy, template_legal_gaps
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import channel_names
from ipe.tools.trust.patterns import any_of

CHANNELS = channel_names()


def _template(**sender: str | None) -> Template:
    fields: dict[str, str | None] = {
        "name": "Sam Rivera",
        "postal_address": "123 Main St, Denver, CO 80202",
        "unsubscribe_url": "https://trailpeak.com/unsub",
    }
    fields.update(sender)
    return Template(
        id="t1",
        brand="TrailPeak",
        sender=Sender.model_validate(fields),
        offer=Offer(summary="Earn 20% on every sale", commission="20%", cookie_days=30),
    )


@pytest.mark.parametrize(
    ("channel", "limit", "unit"),
    [
        ("email", 5000, "chars"),
        ("linkedin", 300, "chars"),
        ("x", 10000, "chars"),
        ("instagram", 1000, "bytes"),
        ("tiktok", 6000, "chars"),
        ("facebook", 2000, "chars"),
    ],
)
def test_channel_limits(channel: str, limit: int, unit: str) -> None:
    policy = load_policy(channel)
    assert policy.channel == channel
    assert policy.body_limit == limit
    assert policy.unit == unit
    assert policy.requires_affiliate_disclosure
    assert policy.requires_brand


def test_email_rules() -> None:
    policy = load_policy("email")
    assert policy.subject_limit == 998
    assert (policy.subject_min_advised, policy.subject_max_advised) == (30, 50)
    assert policy.requires_postal_address and policy.requires_unsubscribe
    assert policy.rule("subject_limit").source == "RFC 5322 s.2.1.1"


def test_only_email_has_subject_and_can_spam_rules() -> None:
    for channel in CHANNELS:
        if channel == "email":
            continue
        policy = load_policy(channel)
        assert policy.subject_limit is None
        assert not policy.requires_postal_address
        assert not policy.requires_unsubscribe


def test_linkedin_free_account_limit() -> None:
    policy = load_policy("linkedin")
    assert policy.free_account_limit == 200
    assert policy.limit(linkedin_free_account=True) == 200
    assert policy.limit() == 300
    assert load_policy("facebook").limit(linkedin_free_account=True) == 2000
    assert load_policy("facebook").free_account_limit is None


def test_x_post_limit_is_weighted() -> None:
    policy = load_policy("x")
    assert policy.post_limit == 280
    assert policy.post_unit == "x_weighted"


def test_links_are_blocked_on_tiktok_only() -> None:
    assert [c for c in CHANNELS if not load_policy(c).links_allowed] == ["tiktok"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_rule_has_its_provenance(channel: str) -> None:
    for key, rule in load_policy(channel).rules.items():
        assert rule.id and rule.description and rule.source, key
        assert rule.severity in ("blocking", "advisory")
        assert rule.checked == "2026-11-27"


def test_a_limit_is_written_once() -> None:
    text = files("ipe.tools.policies").joinpath("channels.toml").read_text(encoding="utf-8")
    for channel in CHANNELS:
        for rule in load_policy(channel).rules.values():
            if isinstance(rule.value, int) and not isinstance(rule.value, bool):
                assert str(rule.value) not in rule.description
                assert f"{rule.value:,}" not in rule.description
    assert len(re.findall(r"^value = 998$", text, re.MULTILINE)) == 1


def test_unknown_channel_raises_with_the_list() -> None:
    with pytest.raises(UnknownChannelError, match="unknown channel 'myspace': use one of email"):
        load_policy("myspace")


def test_policies_are_cached() -> None:
    assert load_policy("email") is load_policy("email")
    assert load_pack("channels") is load_pack("channels")


def test_complete_template_has_no_gaps() -> None:
    for channel in CHANNELS:
        assert template_legal_gaps(_template(), channel) == []


def test_email_needs_postal_address_and_unsubscribe() -> None:
    gaps = template_legal_gaps(_template(postal_address=None, unsubscribe_url=None), "email")
    assert len(gaps) == 2
    assert "sender.postal_address" in gaps[0]
    assert "sender.unsubscribe_url" in gaps[1]
    assert template_legal_gaps(_template(postal_address=None), "linkedin") == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "trailpeak.com/unsub", "mailto:nobody"])
def test_invalid_unsubscribe_url_is_a_gap(url: str) -> None:
    [gap] = template_legal_gaps(_template(unsubscribe_url=url), "email")
    assert "not a valid" in gap


def test_mailto_unsubscribe_is_accepted() -> None:
    assert (
        template_legal_gaps(_template(unsubscribe_url="mailto:optout@trailpeak.com"), "email") == []
    )


def test_brand_and_sender_name_are_needed_everywhere() -> None:
    template = _template(name="")
    template = template.model_copy(update={"brand": " "})
    gaps = template_legal_gaps(template, "x")
    assert gaps == [
        "the template names no brand (template.brand)",
        "the template names no sender (sender.name)",
    ]


def test_template_gaps_reject_unknown_channels() -> None:
    with pytest.raises(UnknownChannelError):
        template_legal_gaps(_template(), "fax")


def test_any_of_is_a_first_pass_that_never_misses_a_pattern() -> None:
    patterns = ["(?m)^#{1,6} \\S", "\\bclick here\\b", "(?i:dear) friend"]
    sensitive = any_of(patterns, ignore_case=False)
    assert sensitive.search("intro\n## Heading")  # (?m) kept for the whole alternation
    assert sensitive.search("DEAR friend") and not sensitive.search("CLICK HERE")
    assert any_of(patterns).search("CLICK HERE")  # IGNORECASE by default
    lowered = any_of(patterns, lowercase=True)
    assert lowered.search("please click here".lower()) and not lowered.search("nothing to see")
