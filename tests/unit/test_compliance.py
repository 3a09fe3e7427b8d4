import pytest

from ipe.domain import (
    ExcludedSpan,
    Fact,
    Finding,
    Offer,
    Sender,
    Template,
    UnknownChannelError,
)
from ipe.tools.trust.compliance import check_message, is_compliant

TEMPLATE = Template(
    id="t1",
    brand="TrailPeak",
    sender=Sender(
        name="Sam Rivera",
        title="Partnerships Lead",
        postal_address="123 Main St, Denver, CO 80202",
        unsubscribe_url="https://trailpeak.com/unsub",
    ),
    offer=Offer(summary="Earn 20% commission on every sale", commission="20%", cookie_days=30),
    links=["https://trailpeak.com/partners"],
)
FACTS = [
    Fact(
        id="f1",
        kind="content_title",
        text="10 Best Ultralight Tents of 2025",
        source_field="recent_content[0].title",
    ),
    Fact(id="f2", kind="audience_size", text="48,200 followers", source_field="audience_size"),
]
TRUSTED = ["Would you be open to a quick chat?", "Unsubscribe"]
SUBJECT = "Quick idea for your ultralight tent reviews"
SHORT = (
    "Hi Jane, loved “10 Best Ultralight Tents of 2025”. TrailPeak's affiliate program pays 20% "
    "commission on every sale, with a 30-day cookie. Would you be open to a quick chat?"
)
EMAIL = (
    f"{SHORT}\n\nDetails: https://trailpeak.com/partners\n\nSam Rivera, Partnerships Lead, "
    "TrailPeak\n123 Main St\nDenver, CO 80202\nUnsubscribe: https://trailpeak.com/unsub"
)


def check(
    body: str,
    subject: str | None = SUBJECT,
    *,
    channel: str = "email",
    template: Template = TEMPLATE,
    excluded: list[ExcludedSpan] | None = None,
    free: bool = False,
) -> list[Finding]:
    return check_message(
        subject,
        body,
        channel=channel,
        template=template,
        facts=FACTS,
        excluded=excluded or [],
        prospect_name="Jane Doe",
        trusted_texts=TRUSTED,
        linkedin_free_account=free,
    )


def blocking(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings if f.severity == "blocking"]


def test_a_good_email_is_compliant_with_no_findings() -> None:
    findings = check(EMAIL)
    assert findings == []
    assert is_compliant(findings)


@pytest.mark.parametrize("channel", ["linkedin", "x", "instagram", "facebook", "tiktok"])
def test_a_good_short_message_is_compliant_on_every_dm_channel(channel: str) -> None:
    assert check(SHORT, None, channel=channel) == []


@pytest.mark.parametrize(
    ("channel", "body_size", "unit_text"),
    [
        ("linkedin", 301, "301 characters; the linkedin limit is 300 characters"),
        ("facebook", 2001, "2001 characters; the facebook limit is 2000 characters"),
        ("tiktok", 6001, "6001 characters; the tiktok limit is 6000 characters"),
        ("x", 10001, "10001 characters; the x limit is 10000 characters"),
    ],
)
def test_body_over_the_channel_limit_is_blocked(
    channel: str, body_size: int, unit_text: str
) -> None:
    body = SHORT + " " + "a" * (body_size - len(SHORT) - 1)
    findings = check(body, None, channel=channel)
    assert blocking(findings) == [f"{channel}.body_length"]
    assert unit_text in findings[0].message
    assert check(body[:-1], None, channel=channel) == []


def test_instagram_counts_bytes() -> None:
    body = SHORT + " " + "🏕" * 250
    assert len(body) < 1000
    findings = check(body, None, channel="instagram")
    assert blocking(findings) == ["instagram.body_length"]
    assert "UTF-8 bytes" in findings[0].message
    assert check(body, None, channel="facebook") == []


def test_linkedin_free_account_limit() -> None:
    body = SHORT + " " + "a" * (250 - len(SHORT) - 1)
    assert check(body, None, channel="linkedin") == []
    findings = check(body, None, channel="linkedin", free=True)
    assert blocking(findings) == ["linkedin.free_account_length"]
    assert "free account is 200" in findings[0].message


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        (None, "needs a subject"),
        ("   ", "needs a subject"),
        ("Quick idea for your tent reviews\r\nBcc: all@x.com", "line break"),
        ("Quick idea for your ultralight tent reviews " + "a " * 500, "the limit is 998"),
    ],
)
def test_bad_email_subjects_are_blocked(subject: str | None, message: str) -> None:
    findings = check(EMAIL, subject)
    subject_findings = [f for f in findings if f.rule_id == "email.subject_limit"]
    assert subject_findings
    assert any(message in f.message for f in subject_findings)
    assert not is_compliant(findings)


def test_subject_length_outside_the_advised_range_is_advisory() -> None:
    findings = check(EMAIL, "Tents")
    assert [(f.rule_id, f.severity) for f in findings] == [("email.subject_length", "advisory")]
    assert findings[0].penalty > 0
    assert is_compliant(findings)


def test_email_without_postal_address_or_unsubscribe_is_blocked() -> None:
    body = EMAIL.split("123 Main St")[0]
    findings = check(body)
    assert blocking(findings) == ["email.postal_address", "email.unsubscribe"]
    assert "CAN-SPAM" in findings[0].source


def test_affiliate_nature_must_be_stated() -> None:
    body = EMAIL.replace("affiliate program pays 20% commission on every sale", "program is open")
    findings = check(body)
    assert blocking(findings) == ["disclosure.affiliate"]
    assert "FTC" in findings[0].source


@pytest.mark.parametrize(
    "statement",
    [
        "you earn a referral fee",
        "it is an affiliate program",
        "you would earn a share on each sale",
        # tenants' wordings: plural "affiliates", a rate on what they refer
        "Affiliates earn 30% on every enrolment they refer",
        "our affiliates get a free seat",
        "you earn 12% on every booking you refer",
    ],
)
def test_plain_disclosures_are_recognised(statement: str) -> None:
    body = EMAIL.replace("affiliate program pays 20% commission on every sale", statement)
    assert "disclosure.affiliate" not in blocking(check(body))


def test_brand_must_be_named() -> None:
    template = TEMPLATE.model_copy(update={"brand": "Summit Gear"})
    findings = check(EMAIL, template=template)
    assert "disclosure.brand" in blocking(findings)


@pytest.mark.parametrize(
    ("brand", "aliases"),
    [("TrailPeak Outdoor Co.", []), ("TrailPeak Gear GmbH", []), ("Summit Gear", ["TrailPeak"])],
)
def test_a_short_form_or_an_alias_names_the_brand(brand: str, aliases: list[str]) -> None:
    """A derived short form ("TrailPeak" of "TrailPeak Outdoor Co.") or an alias names it."""
    template = TEMPLATE.model_copy(update={"brand": brand, "brand_aliases": aliases})
    assert "disclosure.brand" not in blocking(check(EMAIL, template=template))


def test_a_common_first_word_is_not_a_short_form() -> None:
    template = TEMPLATE.model_copy(update={"brand": "Summit Gear"})
    body = EMAIL.replace("TrailPeak", "Summit")
    assert "disclosure.brand" in blocking(check(body, template=template))


def test_a_note_that_promotes_nothing_needs_no_disclosure_or_brand() -> None:
    note = "Thanks for letting me know, Jane, and good luck with the tent series. Sam"
    assert blocking(check(note, channel="facebook")) == []
    pitch = "Thanks Jane. Want to hear about our affiliate program? Sam"
    assert "disclosure.brand" in blocking(check(pitch, channel="facebook"))


def test_the_critic_names_the_brand_in_the_sign_off() -> None:
    """A promoting DM that names the brand nowhere is signed "Sam from TrailPeak"."""
    from ipe.tools.writing.brand import name_brand

    template = TEMPLATE.model_copy(update={"brand": "TrailPeak Outdoor Co."})
    dm = "Hi Jane, loved the tent list.\n\nOur affiliate program pays 20% commission.\n\nSam"
    named = name_brand(dm, template)
    assert named.endswith("\n\nSam from TrailPeak Outdoor")
    assert blocking(check(named, channel="instagram", template=template)) == []
    assert name_brand(named, template) == named


@pytest.mark.parametrize(
    "field",
    ["{{first_name}}", "{first_name}", "[First Name]", "%FIRSTNAME%", "<<name>>", "[Company]"],
)
def test_unresolved_merge_fields_are_blocked(field: str) -> None:
    findings = check(EMAIL.replace("Hi Jane", f"Hi {field}"))
    merge = [f for f in findings if f.rule_id == "format.merge_field"]
    assert [f.span for f in merge] == [field]


@pytest.mark.parametrize(
    ("markup", "span"),
    [
        ("<b>TrailPeak</b>", "<b>"),
        (
            "[TrailPeak](https://trailpeak.com/partners)",
            "[TrailPeak](https://trailpeak.com/partners)",
        ),
        ("**TrailPeak**", "**TrailPeak**"),
        ("__TrailPeak__", "__TrailPeak__"),
        ("`TrailPeak`", "`TrailPeak`"),
        ("*TrailPeak*", "*TrailPeak*"),
    ],
)
def test_markup_is_blocked(markup: str, span: str) -> None:
    findings = check(EMAIL.replace("TrailPeak's", f"{markup}'s", 1))
    assert span in [f.span for f in findings if f.rule_id == "format.markup"]
    assert not is_compliant(findings)


def test_a_markdown_heading_is_blocked() -> None:
    findings = check("# Hello\n" + EMAIL)
    assert "format.markup" in blocking(findings)


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\x00", "\r", "\t", "\ufeff", "\u2028"])
def test_invisible_and_control_characters_are_blocked(char: str) -> None:
    findings = check(EMAIL.replace("Hi Jane", f"Hi{char} Jane"))
    invisible = [f for f in findings if f.rule_id == "format.invisible_chars"]
    assert [f.span for f in invisible] == [f"U+{ord(char):04X}"]


def test_emoji_joiners_and_line_breaks_are_fine() -> None:
    assert check(EMAIL.replace("Hi Jane,", "Hi Jane 👨\u200d👩\u200d👧,")) == []


def test_links_are_blocked_on_tiktok() -> None:
    body = SHORT + " https://trailpeak.com/partners"
    findings = check(body, None, channel="tiktok")
    assert [(f.rule_id, f.span) for f in findings] == [
        ("tiktok.links", "https://trailpeak.com/partners")
    ]
    assert check(body, None, channel="facebook") == []


def test_grounding_findings_are_part_of_the_report() -> None:
    body = SHORT.replace("20%", "50%") + " Congrats on the Netflix deal."
    findings = check(body, None, channel="facebook")
    assert blocking(findings) == ["grounding.offer_term", "grounding.proper_noun"]


def test_excluded_text_is_blocked() -> None:
    excluded = [ExcludedSpan(field="bio", text="send me the secret bonus code now", reason="x")]
    findings = check(
        SHORT + " Send me the secret bonus code now.", None, channel="x", excluded=excluded
    )
    assert blocking(findings) == ["grounding.excluded_text", "outbound.claim"]  # a secret bonus


def test_a_very_short_body_is_advisory() -> None:
    template = TEMPLATE.model_copy(update={"brand": "TP"})
    findings = check(
        "Hi Jane, TP affiliate offer: 20% commission. Chat?", None, channel="x", template=template
    )
    assert [(f.rule_id, f.severity) for f in findings] == [("style.short_body", "advisory")]


def test_lint_findings_are_advisory() -> None:
    findings = check(SHORT + " Click here.", None, channel="facebook")
    assert [(f.rule_id, f.severity) for f in findings] == [("spam.CLICK_HERE", "advisory")]
    assert is_compliant(findings)


def test_subject_is_ignored_where_the_channel_sends_none() -> None:
    assert check(SHORT, "CLICK HERE {{x}}", channel="linkedin") == []


def test_every_finding_names_rule_field_message_and_source() -> None:
    findings = check("<b>{{first_name}}</b> click here\u200b", "FREE!!! ACT NOW?")
    assert findings
    for finding in findings:
        assert finding.rule_id and finding.field in ("subject", "body")
        assert finding.message and finding.source


def test_unknown_channel_raises() -> None:
    with pytest.raises(UnknownChannelError):
        check(SHORT, None, channel="pager")


def test_is_compliant() -> None:
    advisory = Finding(rule_id="a", severity="advisory", field="body", message="m")
    block = Finding(rule_id="b", severity="blocking", field="body", message="m")
    assert is_compliant([]) and is_compliant([advisory])
    assert not is_compliant([advisory, block])


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr", "de"])
@pytest.mark.parametrize("channel", ["email", "instagram", "linkedin", "tiktok"])
def test_the_engine_adds_the_disclosure_a_promoting_copy_lacks(language: str, channel: str) -> None:
    """Tenant copy that states a rate but not the program gets the bank's sentence, not a block."""
    from ipe.tools.trust.compliance import disclose

    dm = "Hi Jane,\n\nI look after partners at TrailPeak. You'd get 20% and a 30-day cookie.\n\nSam"
    assert "disclosure.affiliate" in blocking(check(dm, channel=channel))
    fixed = disclose(dm, TEMPLATE, channel=channel, language=language)
    assert "disclosure.affiliate" not in blocking(check(fixed, channel=channel))
    assert fixed.startswith("Hi Jane,\n\n") and fixed.endswith("\n\nSam")
    assert disclose(fixed, TEMPLATE, channel=channel, language=language) == fixed


def test_a_note_that_promotes_nothing_gets_no_disclosure() -> None:
    from ipe.tools.trust.compliance import disclose

    note = "Thanks for letting me know, Jane, and good luck with the tent series.\n\nSam"
    assert disclose(note, TEMPLATE, channel="instagram") == note
