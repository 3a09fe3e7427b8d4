import re

import pytest

from ipe.domain import (
    ANGLES,
    CTAS,
    TONES,
    Fact,
    Offer,
    Sender,
    Template,
    VariationPlan,
)
from ipe.tools.channel.formatting import above_footer
from ipe.tools.policies.channels import channel_names
from ipe.tools.writing.offline_drafter import (
    LANGUAGES,
    Draft,
    bank,
    compose,
    round_audience,
    trusted_vocabulary,
    word_count,
)
from tests.conftest import load_example

CHANNELS = channel_names()

LINK = "https://trailco.example/partners?ref=creator"

TEMPLATE = Template(
    id="t1",
    brand="TrailCo",
    sender=Sender(
        name="Maya Lopez",
        title="Partnerships Lead",
        company="TrailCo Ltd",
        postal_address="12 Harbour St, Bristol",
        unsubscribe_url="https://trailco.example/unsub",
    ),
    offer=Offer(
        summary="Trail-running shoes made from recycled materials",
        commission="20% of each sale",
        cookie_days=30,
        perks=["free product samples", "early access to new drops"],
    ),
    approved_claims=["Every pair is made from recycled plastic bottles"],
    links=[LINK],
)

LONG_TEMPLATE = Template(
    id="t2",
    brand="The Extraordinarily Long Sustainable Outdoor Apparel Company International",
    sender=Sender(
        name="Bartholomew-Alexander Featherstonehaugh", title="Senior Global Partnerships"
    ),
    offer=Offer(
        summary="Outdoor apparel built to last decades, repaired for as long as you own it",
        commission="22.5% of every order in the first twelve months",
        cookie_days=45,
        perks=["a gifted product sample every season"],
    ),
    links=["https://the-extraordinarily-long-outdoor-company.example/affiliates/apply?src=li"],
)

RICH_FACTS = [
    Fact(
        id="f1",
        kind="content_title",
        text="Five Trail Shoes That Survived 500 Miles",
        source_field="recent_content[0].title",
        weight=0.9,
    ),
    Fact(
        id="f2",
        kind="content_summary",
        text="A long-term test of budget trail shoes",
        source_field="recent_content[0].summary",
        weight=0.4,
    ),
    Fact(id="f3", kind="niche", text="trail running", source_field="niche", weight=0.6),
    Fact(id="f4", kind="audience_size", text="48,200", source_field="audience_size", weight=0.55),
    Fact(
        id="f5",
        kind="bio",
        text="Ultrarunner, coffee nerd and dad of two. Gear that lasts.",
        source_field="bio",
        weight=0.5,
    ),
    Fact(id="f6", kind="company", text="Dirt Miles Media", source_field="company", weight=0.45),
    Fact(id="f7", kind="job_title", text="Founder", source_field="title", weight=0.4),
    Fact(
        id="f8",
        kind="website",
        text="https://dirtmiles.example",
        source_field="website",
        weight=0.2,
    ),
]

FACT_SETS = {"rich": RICH_FACTS, "empty": []}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"https?://\S+")
BANNED = (
    "i hope this message finds you well",
    "came across your profile",
    "game-changer",
    "game changer",
    "elevate",
    "unlock",
    "delve",
    "leverage",
    "click here",
    "act now",
    "limited time",
    "guaranteed",
    "guarantee",
    "what we do:",
    "here's the deal",
    "one more thing:",
    "messaging a few creators",
    "reaching out to a few creators",
    "made my day",
    "i love your",
    "quick question",
)
DISCLOSURE = re.compile(r"\baffiliate\b|\bcommissions?\b", re.IGNORECASE)
DM = ("x", "instagram", "tiktok", "facebook")


def draft(
    tone: str,
    angle: str,
    cta: str,
    channel: str,
    facts: list[Fact],
    *,
    template: Template = TEMPLATE,
    plan_id: str = "v1",
    name: str = "Sam",
    fact_ids: list[str] | None = None,
    links_allowed: bool | None = None,
    seed: str = "run-1",
    **extra: object,
) -> Draft:
    plan = VariationPlan(id=plan_id, tone=tone, angle=angle, cta=cta, fact_ids=fact_ids or [])
    return compose(
        plan,
        facts=facts,
        template=template,
        first_name=name,
        channel=channel,
        links_allowed=channel != "tiktok" if links_allowed is None else links_allowed,
        size="short" if channel == "linkedin" else "full",
        seed=seed,
        **extra,  # type: ignore[arg-type]
    )


def sources(facts: list[Fact], template: Template, name: str) -> list[str]:
    out = [f.text for f in facts] + [template.model_dump_json(), name]
    for fact in facts:
        if fact.kind == "audience_size":
            out.append(round_audience(int(fact.text.replace(",", ""))))
    return out


def capitalised_mid_sentence(text: str) -> list[str]:
    found = []
    for line in text.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            words = re.findall(r"[A-Za-z][\w'’-]*", re.sub(r"https?://\S+", "", sentence))
            found += [w for w in words[1:] if w[0].isupper()]
    return found


@pytest.mark.parametrize("facts_name", sorted(FACT_SETS))
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("cta", CTAS)
@pytest.mark.parametrize("angle", ANGLES)
@pytest.mark.parametrize("tone", TONES)
def test_every_combination_is_grounded_and_compliant(tone, angle, cta, channel, facts_name):
    facts = FACT_SETS[facts_name]
    d = draft(tone, angle, cta, channel, facts)
    text = (d.subject or "") + "\n" + d.body
    assert TEMPLATE.brand in d.body
    assert DISCLOSURE.search(d.body)
    assert "{" not in text and "}" not in text
    known = sources(facts, TEMPLATE, "Sam")
    for number in NUMBER.findall(text):
        assert any(number in src for src in known), number
    for url in URL.findall(text):
        assert url == LINK
    if channel == "tiktok":
        assert "http" not in d.body and "www." not in d.body
    if channel == "linkedin":
        assert len(d.body) <= 300
        assert "cookie" not in d.body and "30" not in d.body  # no term dumps in a note
    if channel == "email":
        assert d.subject and "\n" not in d.subject and "\r" not in d.subject
        assert 3 <= word_count(d.subject) <= 7, d.subject
        assert 60 <= word_count(d.body) <= 120, d.body
    else:
        assert d.subject is None
    if channel in DM:
        assert 40 <= word_count(d.body) <= 70, d.body
    assert d.body.count(TEMPLATE.offer.commission or "") <= 1  # the offer is stated once
    assert "…" not in text and "..." not in text
    vocabulary = trusted_vocabulary()
    for word in capitalised_mid_sentence(text):
        assert word.lower() in vocabulary or any(word in src for src in known), word
    lowered = text.lower()
    assert not any(phrase in lowered for phrase in BANNED), text
    assert d.body.count("!") <= (1 if tone == "enthusiastic" else 0)
    assert set(d.fact_ids) <= {f.id for f in facts}
    assert d == draft(tone, angle, cta, channel, facts)


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_prospect_changes_the_wording(channel):
    combos = [(t, a, c) for t in TONES for a in ANGLES for c in CTAS]
    differ = sum(
        draft(t, a, c, channel, RICH_FACTS, seed="prospect-a").body
        != draft(t, a, c, channel, RICH_FACTS, seed="prospect-b").body
        for t, a, c in combos
    )
    assert differ >= 0.5 * len(combos)


@pytest.mark.parametrize("cta", CTAS)
@pytest.mark.parametrize("angle", ANGLES)
@pytest.mark.parametrize("tone", TONES)
def test_linkedin_note_fits_with_a_long_brand_and_name(tone, angle, cta):
    d = draft(
        tone,
        angle,
        cta,
        "linkedin",
        RICH_FACTS,
        template=LONG_TEMPLATE,
        name="Maximiliana-Gwendolyn",
    )
    assert len(d.body) <= 300
    assert LONG_TEMPLATE.brand in d.body
    assert "affiliate" in d.body
    assert "…" not in d.body


EDITOR_FACTS = [
    Fact(id="f1", kind="niche", text="adventure travel", source_field="niche", weight=0.6),
    Fact(
        id="f2",
        kind="bio",
        text="I run a newsletter for people who plan their year around mountain trips.",
        source_field="bio",
        weight=0.5,
    ),
    Fact(id="f3", kind="company", text="Northbound Travel Journal", source_field="company"),
    Fact(id="f4", kind="job_title", text="Editor in Chief", source_field="title", weight=0.4),
]


@pytest.mark.parametrize("facts", [RICH_FACTS, EDITOR_FACTS], ids=["rich", "editor"])
@pytest.mark.parametrize("angle", ["niche_fit", "bio"])
@pytest.mark.parametrize("tone", TONES)
def test_a_linkedin_note_keeps_a_personal_fact_whatever_the_phrasing(facts, angle, tone):
    # The phrasing is drawn per prospect: no draw may trade the only personal detail for the rate.
    example = Template.model_validate(load_example("template"))
    for i in range(30):
        for template in (TEMPLATE, example):
            d = draft(tone, angle, "sample", "linkedin", facts, template=template, seed=f"p-{i}")
            assert d.fact_ids and d.angle_used != "generic", (i, d.body)
            assert len(d.body) <= 200, (i, d.body)


def test_linkedin_note_aims_for_two_hundred_without_a_fact():
    d = draft("casual", "generic", "reply", "linkedin", [])
    assert len(d.body) <= 200


@pytest.mark.parametrize("angle", ["recent_content", "audience", "niche_fit", "bio"])
def test_missing_fact_falls_back_to_an_honest_opener_and_says_so(angle):
    d = draft("professional", angle, "reply", "email", [])
    assert d.angle_used == "generic" and d.fact_ids == []
    assert any(angle in note and "generic" in note for note in d.notes)
    thin = bank("en")["hook"]["thin"]["professional"]
    assert any(opener in d.body for opener in thin)
    assert d.body.rstrip().split("\n\n")[-2].endswith("?")  # a qualifying question


def test_angles_use_their_facts():
    assert draft("casual", "recent_content", "reply", "x", RICH_FACTS).fact_ids == ["f1"]
    audience = draft("casual", "audience", "reply", "x", RICH_FACTS)
    assert audience.fact_ids == ["f4", "f3"] and "48K" in audience.body
    assert "48,200" not in audience.body
    niche = draft("casual", "niche_fit", "reply", "x", RICH_FACTS)
    assert niche.fact_ids == ["f3"] and "trail running" in niche.body
    bio = draft("professional", "bio", "reply", "x", RICH_FACTS)
    assert bio.fact_ids == ["f5"] and '"Ultrarunner, coffee nerd and dad of two"' in bio.body


def test_bio_angle_uses_job_title_and_company_without_a_bio():
    facts = [f for f in RICH_FACTS if f.kind not in ("bio",)]
    d = draft("professional", "bio", "reply", "email", facts)
    assert d.angle_used == "bio" and set(d.fact_ids) == {"f6", "f7"}
    assert "founder at Dirt Miles Media" in d.body


def test_plan_fact_ids_beat_weight():
    second = Fact(
        id="f9",
        kind="content_title",
        text="Why I Run At Night",
        source_field="recent_content[1].title",
        weight=0.8,
    )
    facts = [*RICH_FACTS, second]
    chosen = draft("casual", "recent_content", "reply", "x", facts, fact_ids=["f9"])
    assert chosen.fact_ids == ["f9"] and "Why I Run At Night" in chosen.body


def test_a_long_title_is_never_cut_another_fact_opens():
    long_title = Fact(
        id="t",
        kind="content_title",
        text="Here's what nobody tells you about running your first hundred miles in the mountains "
        "when the weather turns and your shoes give up",
        source_field="recent_content[0].title",
        weight=0.95,
    )
    facts = [long_title, *RICH_FACTS[2:]]
    for channel in ("linkedin", "x", "email"):
        d = draft("casual", "recent_content", "reply", channel, facts)
        assert "Here's what" not in d.body and "…" not in d.body
        assert d.angle_used != "recent_content" and d.notes


def test_facts_with_urls_or_braces_do_not_leak():
    facts = [
        Fact(
            id="a",
            kind="content_title",
            text="See https://evil.example now",
            source_field="t",
            weight=0.95,
        ),
        Fact(id="b", kind="niche", text="{brand} hacking", source_field="niche", weight=0.9),
    ]
    d = draft("casual", "recent_content", "reply", "email", facts)
    assert "evil.example" not in d.body and d.angle_used != "recent_content"
    d = draft("casual", "niche_fit", "reply", "email", facts)
    assert "{" not in d.body and "brand hacking" in d.body


def test_sample_needs_a_sample_perk():
    with_sample = draft("professional", "niche_fit", "sample", "email", RICH_FACTS)
    assert "free product samples" in with_sample.body.split("\n\n")[3] and not with_sample.notes
    assert with_sample.body.count("free product samples") == 1
    no_perk = TEMPLATE.model_copy(update={"offer": Offer(summary="Shoes", commission="10%")})
    d = draft("professional", "niche_fit", "sample", "email", RICH_FACTS, template=no_perk)
    assert "sample" not in d.body and any("sample" in n for n in d.notes)


def test_link_cta_asks_for_a_reply_when_links_are_not_allowed():
    allowed = draft("casual", "niche_fit", "link", "email", RICH_FACTS)
    assert allowed.body.split("\n\n")[3].endswith(LINK)
    blocked = draft("casual", "niche_fit", "link", "instagram", RICH_FACTS, links_allowed=False)
    assert "http" not in blocked.body and "link" in blocked.body
    assert any("link" in note for note in blocked.notes)


def test_email_roles_are_lower_case_and_the_sender_signs_with_a_first_name():
    d = draft("professional", "niche_fit", "reply", "email", RICH_FACTS)
    assert "partnerships lead at TrailCo" in d.body or "Maya here" in d.body
    assert d.body.rstrip().endswith("Maya")


def test_audience_noun_follows_the_platform():
    from ipe.domain import Prospect

    youtuber = Prospect(id="p", name="Sam", platform="youtube")
    d = draft("casual", "audience", "reply", "email", RICH_FACTS, prospect=youtuber)
    assert "subscribers" in d.body and "followers" not in d.body


def test_unknown_names_get_neutral_greetings_and_signature():
    nameless = TEMPLATE.model_copy(update={"sender": Sender(company="TrailCo Ltd")})
    d = draft("professional", "generic", "reply", "email", [], template=nameless, name="")
    assert "{" not in d.body and "The team at TrailCo" in d.body
    assert d.body.split("\n")[0] in bank("en")["greeting"]["anonymous"]


@pytest.mark.parametrize(
    ("count", "written"),
    [
        (950, "950"),
        (4_800, "4.8K"),
        (5_000, "5K"),
        (48_200, "48K"),
        (999_700, "1M"),
        (1_250_000, "1.3M"),
    ],
)
def test_round_audience(count, written):
    assert round_audience(count) == written


def _bank_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _bank_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _bank_strings(item)


@pytest.mark.parametrize("language", LANGUAGES)
def test_banks_hold_no_numbers_urls_or_banned_phrases(language):
    for phrase in _bank_strings(bank(language)):
        assert not re.search(r"\d", phrase), phrase
        assert "http" not in phrase and "www." not in phrase, phrase
        assert not any(b in phrase.lower() for b in BANNED), phrase


def test_english_bank_has_no_proper_nouns():
    allowed_caps = {"I", "I'm", "I'd", "I'll", "I've"}
    for phrase in _bank_strings(bank("en")):
        for sentence in re.split(r"(?<=[.!?:])\s+", re.sub(r"\{[^}]*\}", "x", phrase)):
            for word in sentence.split()[1:]:
                word = word.strip("\"'(),.:;!?")
                assert not word[:1].isupper() or word in allowed_caps, (phrase, word)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_bank_has_the_english_slots(language):
    def keys(node, prefix=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from keys(v, f"{prefix}.{k}")
        else:
            yield prefix

    assert set(keys(bank("en"))) <= set(keys(bank(language)))


def test_trusted_vocabulary_has_bank_words_not_placeholders():
    vocabulary = trusted_vocabulary()
    assert {"affiliate", "commission", "i", "i'm", "followers"} <= vocabulary
    assert "sender_first" not in vocabulary and "first_name" not in vocabulary
    assert "trailco" not in vocabulary


MINIMAL = Template(id="t3", brand="Nimbus", sender=Sender(name="Lee"))


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("tone", TONES)
def test_a_minimal_template_still_discloses_and_names_the_brand(tone, channel):
    for cta in CTAS:
        d = draft(tone, "generic", cta, channel, [], template=MINIMAL)
        assert "Nimbus" in d.body and "affiliate" in d.body
        assert "None" not in d.body and "{" not in d.body and "http" not in d.body
        assert not re.search(r"\d", d.body + (d.subject or ""))
        assert "  " not in d.body and " ." not in d.body and ": ." not in d.body


def test_above_footer_is_what_the_reader_reads():
    assert above_footer("Hi\n\nText\n\n---\nFooter") == "Hi\n\nText"
