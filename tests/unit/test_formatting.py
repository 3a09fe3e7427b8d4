import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Offer, Sender, Template, VariationPlan
from ipe.tools.channel.formatting import finalize, first_name, fit_to_limit, plain_text
from ipe.tools.writing.offline_drafter import compose

TEMPLATE = Template(
    id="t1",
    brand="TrailCo",
    sender=Sender(
        name="Maya Lopez",
        title="Partnerships Lead",
        company="TrailCo Ltd",
        postal_address="12 Harbour St, Bristol BS1 4AA",
        unsubscribe_url="https://trailco.example/unsub?u=a_b_c",
    ),
    offer=Offer(
        summary="Recycled trail shoes",
        commission="20%",
        cookie_days=30,
        perks=["free product samples"],
    ),
    approved_claims=["Every pair is made from recycled bottles"],
    links=["https://trailco.example/partners"],
)
FOOTER_LINES = [
    "---",
    "Maya Lopez, Partnerships Lead, TrailCo Ltd",
    "12 Harbour St, Bristol BS1 4AA",
    "Not interested? Unsubscribe here: https://trailco.example/unsub?u=a_b_c",
]


def test_email_gets_the_footer_once_and_is_idempotent():
    subject, body = finalize("Hello", "Hi Sam,\n\nA note.", channel="email", template=TEMPLATE)
    assert body == "Hi Sam,\n\nA note.\n\n" + "\n".join(FOOTER_LINES)
    again = finalize(subject, body, channel="email", template=TEMPLATE)
    assert again == (subject, body)
    assert body.count("Unsubscribe here") == 1


def test_footer_has_only_the_parts_present():
    bare = TEMPLATE.model_copy(update={"sender": Sender(name="Maya Lopez")})
    _, body = finalize("S", "Hi.", channel="email", template=bare)
    assert body == "Hi.\n\n---\nMaya Lopez, TrailCo"
    assert "None" not in body


@pytest.mark.parametrize("channel", ["linkedin", "x", "instagram", "tiktok", "facebook"])
def test_other_channels_have_no_subject_and_no_footer(channel):
    subject, body = finalize("Subject", "Hi Sam,\n\nA note.", channel=channel, template=TEMPLATE)
    assert subject is None
    assert body == "Hi Sam,\n\nA note."


def test_subject_is_one_clean_line():
    subject, _ = finalize(
        "  Hello\r\nBcc: victim@example.com\u200b <b>now</b> ",
        "x",
        channel="email",
        template=TEMPLATE,
    )
    assert subject == "Hello Bcc: victim@example.com now"


def test_markup_and_invisible_characters_are_stripped():
    raw = (
        "<p>Hi <b>Sam</b>,</p><script>alert('x')</script>\n"
        "Read **this** and _that_ at [our page](https://evil.example) ~~now~~ `code`.\n"
        "## Heading\n> quoted\nSa\u200bm\u202e\u2066 said&nbsp;hi &amp; left\x07"
    )
    assert plain_text(raw) == (
        "Hi Sam,\nRead this and that at our page now code.\nHeading\nquoted\nSam said hi & left"
    )


def test_plain_text_keeps_urls_and_snake_case():
    text = "See https://a.example/x_y_z?q=a__b and my_var_name, 3 * 4 * 5."
    assert plain_text(text) == text


def test_whitespace_is_normalised():
    assert plain_text("  Hi  there \t\n\n\n\n\nBye   \n\n") == "Hi there\n\nBye"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["email", "linkedin", "tiktok"]),
    st.one_of(st.none(), st.text(max_size=60)),
)
def test_finalize_is_idempotent(body, channel, subject):
    once = finalize(subject, body, channel=channel, template=TEMPLATE)
    assert finalize(once[0], once[1], channel=channel, template=TEMPLATE) == once
    if channel == "email":
        assert once[1].count("Not interested? Unsubscribe here") == 1
        if once[0] is not None:
            assert "\n" not in once[0] and "\r" not in once[0]


def _email_body() -> str:
    plan = VariationPlan(id="v1", tone="professional", angle="generic", cta="reply")
    return compose(
        plan,
        facts=[],
        template=TEMPLATE,
        first_name="Sam",
        channel="email",
        links_allowed=True,
        size="full",
    ).body


def test_fit_to_limit_drops_optional_sentences_and_keeps_the_essentials():
    body = _email_body()
    fitted = fit_to_limit(body, limit=330, measure=len, keep=["TrailCo"])
    assert len(fitted) <= 330 < len(body)
    assert fitted.split("\n")[0] == body.split("\n")[0]
    assert "affiliate" in fitted and "commission" in fitted and "TrailCo" in fitted
    cta = body.split("\n\n")[3]
    assert cta in fitted
    assert "…" not in fitted


def test_fit_to_limit_keeps_the_email_footer_and_the_real_cta():
    _, sent = finalize("S", _email_body(), channel="email", template=TEMPLATE)
    fitted = fit_to_limit(sent, limit=len(sent) - 120, measure=len)
    assert fitted.endswith("\n".join(FOOTER_LINES))
    cta = _email_body().split("\n\n")[3]
    assert cta in fitted
    assert finalize("S", fitted, channel="email", template=TEMPLATE)[1] == fitted


def test_fit_to_limit_leaves_short_bodies_alone():
    assert fit_to_limit("Hi Sam,\n\nShort.", limit=100, measure=len) == "Hi Sam,\n\nShort."


@pytest.mark.parametrize("limit", [5, 40, 120])
def test_fit_to_limit_always_fits_with_any_measure(limit):
    def utf8(text: str) -> int:
        return len(text.encode("utf-8"))

    fitted = fit_to_limit(_email_body() + " ✨✨", limit=limit, measure=utf8)
    assert utf8(fitted) <= limit


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Maya Lopez", "Maya"),
        ("  dr. Jane  Smith ", "Jane"),
        ("Prof Ada Lovelace", "Ada"),
        ("O'Neil Brown", "O'Neil"),
        ("@sam_runs", "sam_runs"),
        ("<script>alert(1)</script>", ""),
        ("Zo\u200be\u202e Q", "Zoe"),
        ("", ""),
    ],
)
def test_first_name(name, first):
    assert first_name(name) == first
