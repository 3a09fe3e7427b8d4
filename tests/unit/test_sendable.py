"""Ready means sendable: the gate's checks, its repairs, the language order and the new fields."""

import pytest

from ipe.domain import (
    Offer,
    Preferences,
    Prospect,
    Relationship,
    Sender,
    Template,
    Translation,
    VariationPlan,
)
from ipe.tools.trust.sendable import mend, sendability
from ipe.tools.writing.language import choose_language
from ipe.tools.writing.offline_drafter import compose
from ipe.tools.writing.templates import check_copy, for_prospect, render

TEMPLATE = Template(
    id="ostra",
    brand="Ostra Coffee Roasting Co.",
    sender=Sender(name="Marisol Vega", postal_address="Carrer 1, Barcelona"),
    offer=Offer(summary="coffee roasted to order", commission="12%", cookie_days=45),
    links=["https://ostra.example/creators", "https://ostra.example/book-a-call"],
)
EN = (
    "Hi Ana,\n\nLoved your iced latte video and the point about an even grind.\n\n"
    "At Ostra our affiliate program pays 12% commission on every order you refer.\n\n"
    "Want me to send a grinder?\n\nMarisol"
)


def reasons(body: str, **kw: object) -> list[str]:
    return sendability(body, language=str(kw.pop("language", "en")), template=TEMPLATE, **kw)  # type: ignore[arg-type]


def test_a_clean_message_passes():
    assert reasons(EN) == []


@pytest.mark.parametrize(
    ("flaw", "why"),
    [
        ("Want me to send a {{ sample }}?", "placeholder"),
        ("Loved your video. it made me think of you.", "lower case"),
        ("At Ostra Coffee Roasting Co.. we roast to order.", "seam"),
        ("Our program pays 12% on every order , monthly.", "seam"),
        (
            "Ich finde deine Videos über Kaffee wirklich großartig und sehr hilfreich.",
            "reads as German",
        ),
    ],
)
def test_each_flaw_is_named(flaw: str, why: str):
    body = EN.replace("Want me to send a grinder?", flaw)
    assert any(why in r for r in reasons(body)), reasons(body)


def test_a_repeated_sentence_and_a_cut_quote_are_named():
    twice = EN.replace(
        "Want me",
        "At Ostra our affiliate program pays 12% commission on every order you refer. Want me",
    )
    assert any("twice" in r for r in reasons(twice))
    assert any("cut" in r for r in reasons(EN, rule_ids=["shape.cut"]))


def test_mend_repairs_the_mechanical_seams_once():
    broken = "Hi Ana,\n\nWe are Ostra Coffee Roasting Co.. we roast to order. We roast to order."
    mended = mend(broken)
    assert mended == "Hi Ana,\n\nWe are Ostra Coffee Roasting Co. We roast to order."
    assert mend(mended) == mended and reasons(mended) == []


def test_the_stage_ask_must_be_answered():
    details = Relationship(stage="asked_for_details", asked_for="Send me the details?")
    assert any(
        "terms" in r for r in reasons("Hi Ana, thanks! Talk soon. Marisol", relationship=details)
    )
    assert reasons(EN, relationship=details) == []
    held = Relationship(stage="check_back_due", asked_for="Write again after the harvest season")
    assert any("what they said" in r for r in reasons(EN, relationship=held))
    cited = EN.replace("Loved", "You asked me to write after the harvest season. Loved")
    assert reasons(cited, relationship=held) == []


def test_language_comes_from_preferences_then_the_record_then_their_words():
    stated = Prospect(
        id="p",
        name="Ana",
        language="fr",
        preferences=Preferences(language="Español"),
        bio="I write about coffee every single day for my readers in English.",
    )
    assert choose_language(stated).language == "es"
    assert (
        choose_language(stated.model_copy(update={"preferences": Preferences()})).language == "fr"
    )
    italian = Prospect(
        id="p", name="Giulia", bio="Macino il caffè a mano ogni mattina per la moka."
    )
    chosen = choose_language(italian, copy="Hi {{ first_name }}, our program pays 12%.")
    assert chosen.wanted == "it" and chosen.language == "it" and chosen.note is None  # a bank
    finnish = Prospect(
        id="p", name="Aino", bio="Jauhan kahvin käsin joka aamu mokapannuani varten."
    )
    chosen = choose_language(finnish, copy="Hi {{ first_name }}, our program pays 12%.")
    assert chosen.wanted == "fi" and chosen.language == "en" and chosen.note  # no bank


def test_a_translation_is_used_and_foreign_copy_is_not_pasted():
    template = TEMPLATE.model_copy(
        update={
            "body": "Hi {{ first_name }}, {{ personal_hook }} Our affiliate program pays 12% "
            "commission on every order you refer. Want a grinder?",
            "translations": {
                "es": Translation(
                    body="Hola {{ first_name }}, {{ personal_hook }} Nuestro "
                    "programa de afiliados paga un 12% de comisión. ¿Te mando un molinillo?"
                )
            },
        }
    )
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    common = {
        "facts": [],
        "template": template,
        "first_name": "Ana",
        "channel": "instagram",
        "links_allowed": True,
    }
    spanish = compose(plan, language="es", **common)  # type: ignore[arg-type]
    assert spanish.body.startswith("Hola Ana") and "molinillo" in spanish.body
    german = compose(plan, language="de", **common)  # type: ignore[arg-type]
    assert "Want a grinder" not in german.body and any("phrase bank" in n for n in german.notes)


def test_new_merge_fields_render_per_prospect():
    template = TEMPLATE.model_copy(
        update={
            "affiliate_link": "https://ostra.example/creators?ref={{ prospect.id }}",
            "promo_code": "OSTRA-{{ prospect.handle }}",
            "body": "Hi {{ first_name }}, {{ call_to_action }} {{ affiliate_link }} "
            "{{ promo_code }} {{ booking_link }}",
        }
    )
    assert check_copy(template) is not None  # every field is known
    mine = for_prospect(template, Prospect(id="p 7", name="Ana", handle="@anabrews"))
    assert mine.affiliate_link == "https://ostra.example/creators?ref=p%207"
    assert mine.promo_code == "OSTRA-anabrews" and "OSTRA-anabrews" in mine.approved_claims
    assert mine.affiliate_link in mine.links
    own = for_prospect(
        template,
        Prospect.model_validate(
            {
                "id": "p",
                "name": "Ana",
                "affiliate_link": "https://evil.example/x",
                "promo_code": "ANA10",
            }
        ),
    )
    assert own.affiliate_link == "https://ostra.example/creators?ref=p"  # not another host
    assert own.promo_code == "ANA10"
    from ipe.tools.writing.templates import copy_values

    text = render(
        mine.body or "",
        copy_values(mine, prospect={"first_name": "Ana"}, call_to_action="Shall I send one?"),
    )
    assert text == (
        "Hi Ana, Shall I send one? https://ostra.example/creators?ref=p%207 OSTRA-anabrews "
        "https://ostra.example/book-a-call"
    )


def test_an_unknown_field_lists_the_known_ones():
    from ipe.domain import InvalidInputError

    with pytest.raises(InvalidInputError, match="known: .*call_to_action"):
        check_copy(TEMPLATE.model_copy(update={"body": "Hi {{ favourite_colour }}"}))


def test_a_line_after_a_greeting_with_a_comma_may_start_in_lower_case():
    """German letters continue in lower case after "Hallo Jonas,": that is no seam."""
    letter = "Hallo Jonas,\n\nkurz zu meiner Nachricht von letzter Woche: passt es?\n\nLena"
    assert mend(letter) == letter
    assert not any("lower case" in r for r in reasons(letter, language="de"))


def test_an_abbreviation_stop_is_not_a_sentence_end():
    text = "Hi Nina, weeks of 4 a.m. starts before a frame, e.g. the lobster crews. Owen"
    assert mend(text) == text and reasons(text) == []


def test_a_question_is_answered_with_what_it_asked():
    cookie = Relationship(stage="asked_for_details", asked_for="How long is the cookie?")
    assert any("how long" in r for r in reasons(EN, relationship=cookie))
    assert reasons(EN.replace("refer.", "refer, with a 45-day cookie."), relationship=cookie) == []
    call = Relationship(stage="asked_for_details", asked_for="Can we do a quick call?")
    assert any("call" in r for r in reasons("Hi Ana, sure! Marisol", relationship=call))
    booked = "Hi Ana, happy to: pick a slot here https://ostra.example/book-a-call. Marisol"
    assert reasons(booked, relationship=call) == []


@pytest.mark.parametrize("channel", ["instagram", "linkedin"])
def test_long_tenant_copy_fits_the_channel_by_whole_sentences(channel: str):
    """E-mail-length copy in a DM or a note: whole sentences go, nothing is cut, the hook stays."""
    from ipe.domain import Fact
    from ipe.tools.writing.offline_drafter import word_count

    extras = " ".join(
        f"Extra sentence number {n} about our roasting, our farms and our team." for n in range(8)
    )
    template = TEMPLATE.model_copy(
        update={
            "body": "Hi {{ first_name }}, {{ personal_hook }}\n\nAt Ostra we roast to order. "
            f"{extras} Our affiliate program pays 12% commission on every order you refer."
            "\n\nWant a grinder?\n\nMarisol"
        }
    )
    fact = Fact(
        id="f1",
        kind="content_title",
        text="Hand grinders tested for iced coffee",
        source_field="recent_content[0].title",
    )
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="reply")
    draft = compose(
        plan,
        facts=[fact],
        template=template,
        first_name="Ana",
        channel=channel,
        links_allowed=channel != "linkedin",
        size="short" if channel == "linkedin" else "full",
    )
    assert "…" not in draft.body and "..." not in draft.body
    assert "Hand grinders tested for iced coffee" in draft.body
    if channel == "instagram":
        assert word_count(draft.body) <= 70 and "12% commission" in draft.body
    else:
        assert len(draft.body) <= 300


@pytest.mark.parametrize(
    ("language", "rate", "written"),
    [
        ("en", "12%", "12%"),
        ("de", "12%", "12 %"),
        ("fr", "12.5%", "12,5 %"),
        ("pt", "7,5%", "7,5%"),
    ],
)
def test_a_rate_is_written_as_the_language_writes_it(language: str, rate: str, written: str):
    from ipe.tools.writing.offline_drafter import local_rate

    assert local_rate(rate, language) == written


def test_fullwidth_latin_is_mended_to_the_ascii_it_imitates() -> None:
    """A look-alike domain in fullwidth letters becomes a plain one, which the link checks see."""
    from ipe.tools.trust.sendable import mend

    assert mend("Sign up at ｅｖｉｌ．ｃｏｍ today.") == "Sign up at evil.com today."
    assert mend("你好，朋友！欢迎。") == "你好，朋友！欢迎。"  # CJK punctuation alone is kept
    assert mend(mend("Code ＡＢＣ１２３ here.")) == "Code ABC123 here."
