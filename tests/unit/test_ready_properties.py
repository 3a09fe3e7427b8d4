"""Property-based tests: for generated records and templates, a ``ready`` message is sendable.

Records vary the language (stated in ``preferences``, in ``language``, or only in their words),
the channel, empty and long fields, missing handles, the content and the history; templates vary
the brand (named in full, in a short form, or not at all), every merge field, translations and
copy or none. Whatever the combination, nothing crashes, and every ``ready`` result holds the
gate's invariants, checked here independently of the gate: one language, the brand named when
the message promotes, no placeholder, no cut or doubled text, no sentence said twice, inside the
channel's limit. Together these tests run 5,000 generated examples (``EXAMPLES``).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ipe.domain import (
    MessageVariation,
    Offer,
    PersonalizationStrategy,
    Preferences,
    Prospect,
    RecentContent,
    Relationship,
    Sender,
    Template,
    Translation,
    VariationPlan,
)
from ipe.graph.state import RetrievedContext
from ipe.tools.channel.policy import load_policy
from ipe.tools.policies.channels import channel_names
from ipe.tools.text.textcount import measure
from ipe.tools.trust.compliance import disclose, discloses
from ipe.tools.trust.critic import check_variation, select
from ipe.tools.trust.sanitize import sanitize_prospect
from ipe.tools.trust.sendable import mend, sendability
from ipe.tools.writing.brand import name_brand, names_brand, promotes
from ipe.tools.writing.facts import extract_facts
from ipe.tools.writing.language import choose_language, detect
from ipe.tools.writing.offline_drafter import compose, shape_for
from ipe.tools.writing.templates import KNOWN, check_copy, copy_values, for_prospect, render

EXAMPLES = {"records": 200, "brand": 2000, "disclose": 500, "mend": 1650, "copy": 650}
"""Generated examples per property (5,000 in all)."""


def _runs(key: str) -> settings:
    """The settings of one property: its share of the examples, no deadline, reproducible."""
    return settings(
        max_examples=EXAMPLES[key],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


WORDS = {
    "en": [
        "I tested five hand grinders for a month and the cheapest one ground the most evenly.",
        "My weekly iced coffee recipe for people who hate bitter coffee",
        "Notes from ninety days of tracking every hour I worked as a freelancer",
    ],
    "es": [
        "Probé cinco molinillos manuales durante un mes y el más barato molía más parejo.",
        "Mi receta semanal de café frío para quienes odian el café amargo",
    ],
    "pt": [
        "Testei cinco moedores manuais por um mês e o mais barato moeu de forma mais uniforme.",
        "Minha receita semanal de café gelado para quem odeia café amargo",
    ],
    "fr": [
        "J'ai testé cinq moulins manuels pendant un mois et le moins cher moulait le mieux.",
        "Ma recette hebdomadaire de café glacé pour ceux qui détestent le café amer",
    ],
    "de": [
        "Ich habe einen Monat lang fünf Handmühlen getestet, die billigste mahlte am besten.",
        "Mein wöchentliches Rezept für Eiskaffee für alle, die bitteren Kaffee hassen",
    ],
    "it": [
        "Ho macinato il caffè a mano per un mese: ecco cosa è cambiato nella mia moka di casa.",
    ],
    "pl": [
        "Przez miesiąc testowałem pięć ręcznych młynków i najtańszy mielił najbardziej równo.",
    ],
}
LANGS = sorted(WORDS)
HISTORY = {
    "cold": None,
    "awaiting_reply": None,
    "asked_for_details": "Sounds interesting. Can you send me the details? How long is the cookie?",
    "check_back_due": "Not right now, please write again after the holiday season.",
    "deferred": "Busy with the launch, write to me in March please.",
}
BRAND = "Acme Outdoor Co."
SHORT_FORMS = {"full": BRAND, "short": "Acme", "alias": "Trailhead", "absent": "we"}
FIELDS = sorted(KNOWN - {"personal_hook"})


def _template(brand_form: str, fields: list[str], with_body: bool, translate: bool) -> Template:
    name = SHORT_FORMS[brand_form]
    parts = ['Hi {{ first_name | default: "there" }},', "{{ personal_hook }}"]
    parts += [f"{{{{ {f} }}}}" for f in fields]
    parts.append(
        f"At {name} our affiliate program pays 12% commission on every order you refer, "
        "with a 45-day cookie."
    )
    parts.append("Shall I send you a grinder?\n\nMaya")
    body = " ".join(parts) if with_body else None
    translations = {}
    if translate and with_body:
        translations["es"] = Translation(
            body="Hola {{ first_name }}, {{ personal_hook }} En "
            f"{name} nuestro programa de afiliados paga un 12% de comisión. ¿Te envío un "
            "molinillo?\n\nMaya"
        )
    return Template(
        id="acme",
        brand=BRAND,
        brand_aliases=["Trailhead"] if brand_form == "alias" else [],
        sender=Sender(
            name="Maya Ortiz",
            title="Partnerships",
            postal_address="1 Main St, Denver, CO 80202",
            unsubscribe_url="https://acme.example/unsub",
        ),
        offer=Offer(
            summary="hand grinders and trail coffee kits",
            commission="12%",
            cookie_days=45,
            perks=["a free grinder to keep"],
        ),
        approved_claims=["12% commission on every order you refer", "45-day cookie window"],
        links=["https://acme.example/partners", "https://acme.example/book-a-call"],
        affiliate_link="https://acme.example/partners?ref={{ prospect.id }}",
        promo_code="ACME-{{ prospect.handle }}",
        body=body,
        translations=translations,
    )


@st.composite
def records(draw: st.DrawFn) -> tuple[Prospect, Template, str, Relationship, str]:
    lang = draw(st.sampled_from(LANGS))
    texts = WORDS[lang]
    stated = draw(st.sampled_from(["preferences", "language", "words"]))
    long_field = draw(st.booleans())
    bio = draw(st.sampled_from(["", *texts]))
    if long_field and bio:
        bio = " ".join([bio] * 12)
    content = [
        RecentContent(
            title=draw(st.sampled_from(texts))[:90],
            summary=draw(st.sampled_from([None, *texts])),
            published_at="2026-11-20",
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    name = draw(st.sampled_from(["Ana Souza", "Li", "Jean-Luc Picard", "Ólafur Arnalds", "x"]))
    prospect = Prospect(
        id=draw(st.sampled_from(["p1", "p 2", "p-3"])),
        name=name,
        handle=draw(st.sampled_from([None, "@ana_brews", "ana"])),
        email=draw(st.sampled_from([None, "ana@example.org"])),
        bio=bio or None,
        niche=draw(st.sampled_from([None, "coffee", "freelance finance", "x" * 200])),
        language=lang if stated == "language" else None,
        preferences=Preferences(language=lang if stated == "preferences" else None),
        recent_content=content,
    )
    stage = draw(st.sampled_from(sorted(HISTORY)))
    relationship = Relationship(
        stage=stage,  # type: ignore[arg-type]
        follow_up=1 if stage == "awaiting_reply" else 0,
        days_since_outbound=9 if stage != "cold" else None,
        asked_for=HISTORY[stage],
        not_before="2027-03-01" if stage == "deferred" else None,
    )
    fields = draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True))
    template = _template(
        draw(st.sampled_from(sorted(SHORT_FORMS))),
        fields,
        with_body=draw(st.booleans()),
        translate=draw(st.booleans()),
    )
    channel = draw(st.sampled_from(list(channel_names())))
    return prospect, template, channel, relationship, lang


_STRATEGY = PersonalizationStrategy(
    channel="x",
    segment="x:general",
    tone_rules={"casual": 1.0},
    content_rules={"recent_content": 1.0},
    cta_rules={"reply": 1.0},
    variations=[],
    length_budget=600,
)
_PROSE = re.compile(r"https?://\S+|\S+@\S+|[\"“”«»„][^\"“”«»„\n]{0,300}[\"“”«»„]|\([^()\n]*\)")


def _ready_invariants(body: str, *, language: str, template: Template, channel: str) -> None:
    """What every ``ready`` message holds, checked without the gate's own code."""
    text = body.split("\n\n---\n", 1)[0]
    assert "{{" not in body and "{%" not in body and "}}" not in body
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text)
    assert "…" not in text
    if promotes(text, template):
        assert names_brand(body, template, language)
    policy = load_policy(channel)
    assert measure(body, policy.unit) <= policy.limit()
    sentences = [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 15]
    assert len(sentences) == len(set(sentences))
    for sentence in re.split(r"(?<=[.!?])\s+|\n", _PROSE.sub(" ", text)):
        if sum(c.isalpha() for c in sentence) >= 40:
            assert detect(sentence) in (None, language), sentence


@_runs("records")
@given(records())
def test_every_ready_message_from_a_generated_record_is_sendable(
    case: tuple[Prospect, Template, str, Relationship, str],
) -> None:
    prospect, template, channel, relationship, _ = case
    clean, excluded = sanitize_prospect(prospect)
    template = for_prospect(template, clean)
    facts, refused = extract_facts(clean)
    choice = choose_language(clean, copy=template.body)
    policy = load_policy(channel)
    plan = VariationPlan(id="v1", tone="casual", angle="recent_content", cta="reply")
    draft = compose(
        plan,
        facts=facts,
        template=template,
        first_name=clean.name.split()[0],
        channel=channel,
        links_allowed=policy.links_allowed,
        size="short" if shape_for(channel) == "note" else "full",
        seed=clean.id,
        language=choice.language,
        prospect=clean,
        relationship=relationship if relationship.stage != "cold" else None,
    )
    context = RetrievedContext(
        channel=channel,  # type: ignore[arg-type]
        segment=f"{channel}:general",
        segment_description="",
        body_limit=policy.limit(),
        unit=policy.unit,
        links_allowed=policy.links_allowed,
        relationship=relationship,
    )
    variation = MessageVariation(
        id="v1", plan=plan, subject=draft.subject, body=draft.body, language=draft.language
    )
    checked = check_variation(
        variation,
        channel=channel,  # type: ignore[arg-type]
        template=template,
        facts=facts,
        excluded=excluded + refused,
        prospect_name=clean.name,
        context=context,
        linkedin_free_account=False,
        language=draft.language,
    )
    review = select(
        [checked],
        strategy=_STRATEGY,
        facts=facts,
        context=context,
        can_repair=False,
        require_approval=False,
        opted_out=False,
        language_note=choice.note,
        language_wanted=choice.wanted,
        template=template,
    )
    event(f"status {review.status}")
    blocking = sorted(
        {f"{f.rule_id} '{f.span}'" for f in checked.findings if f.severity == "blocking"}
    )
    assert review.status != "blocked", blocking  # no one here opted out: wording never blocks
    if review.status == "ready":
        chosen = review.variations[0]
        _ready_invariants(chosen.body, language=chosen.language, template=template, channel=channel)
        assert choice.note is None


_SENTENCE_WORDS = st.sampled_from(
    ["the", "grinder", "Acme", "program", "affiliate", "12%", "Maya", "co.", "a.m.", "Hi", "you"]
)
_TEXT = st.lists(
    st.one_of(_SENTENCE_WORDS, st.sampled_from([".", "..", ",", "?", "\n", "\n\n", "!"])),
    max_size=40,
).map(" ".join)


@_runs("brand")
@given(
    _TEXT,
    st.sampled_from(sorted(SHORT_FORMS)),
    st.sampled_from(["en", "es", "pt", "fr", "de", "it"]),
)
def test_the_engine_names_the_brand_of_any_promoting_text(
    text: str, form: str, language: str
) -> None:
    """After the engine's pass, a promoting text names the brand; a second pass changes nothing."""
    template = _template(form, [], with_body=False, translate=False)
    named = name_brand(text, template, language=language)
    if text.strip() and promotes(text, template):
        assert names_brand(named, template, language)
    assert name_brand(named, template, language=language) == named
    if not promotes(text, template):
        assert named == text


@_runs("disclose")
@given(
    _TEXT,
    st.sampled_from(["en", "es", "pt", "fr", "de"]),
    st.sampled_from(["email", "instagram", "tiktok", "facebook", "x"]),
)
def test_the_engine_discloses_any_promoting_text(text: str, language: str, channel: str) -> None:
    """After the engine's pass, a promoting text says it is an affiliate program; once is enough."""
    template = _template("full", [], with_body=False, translate=False)
    disclosed = disclose(text, template, channel=channel, language=language)
    if text.strip() and promotes(text, template):
        assert discloses(disclosed, load_policy(channel))
    else:
        assert disclosed == text
    assert disclose(disclosed, template, channel=channel, language=language) == disclosed


@_runs("mend")
@given(_TEXT, st.sampled_from(["en", "de", "fr"]))
def test_mend_is_idempotent_and_leaves_no_mechanical_seam(text: str, language: str) -> None:
    mended = mend(text)
    assert mend(mended) == mended
    template = _template("full", [], with_body=False, translate=False)
    left = sendability(mended, language=language, template=template)
    assert not any("lower case" in r or "said twice" in r for r in left), left


@_runs("copy")
@given(
    st.lists(st.sampled_from(FIELDS), max_size=6, unique=True),
    st.sampled_from(sorted(SHORT_FORMS)),
    st.sampled_from(["p1", "p 2", "ü-3"]),
    st.sampled_from([None, "@ana", ""]),
)
def test_every_known_merge_field_renders_and_leaves_nothing_behind(
    fields: list[str], form: str, prospect_id: str, handle: str | None
) -> None:
    template = _template(form, fields, with_body=True, translate=True)
    assert check_copy(template) is not None
    mine = for_prospect(template, Prospect(id=prospect_id, name="Ana", handle=handle))
    text = render(mine.body or "", copy_values(mine, prospect={"first_name": "Ana"}))
    assert "{{" not in text and "}}" not in text and "{%" not in text
    if mine.affiliate_link:
        assert mine.affiliate_link in mine.links and " " not in mine.affiliate_link
