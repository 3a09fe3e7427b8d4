"""The allow-list on what goes out (tools/trust/outbound.py), and exclusion by function."""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe import IntelligentPersonalizationEngine
from ipe.domain import Fact, Prospect
from ipe.tools.policies import load_pack
from ipe.tools.trust.compliance import check_message, is_compliant
from ipe.tools.trust.outbound import decoded_forms, screen_facts, span_problems
from ipe.tools.trust.sanitize import sanitize_prospect
from tests.adversarial.cases import base_prospect
from tests.adversarial.corpus import plant
from tests.conftest import load_example
from tests.unit.test_compliance import FACTS, SHORT, TEMPLATE, TRUSTED

HIDDEN = st.sampled_from(
    [
        "\u200b",  # zero-width space
        "\u2060",  # word joiner
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\u2028",  # line separator
        "\u2029",  # paragraph separator
        "\u00ad",  # soft hyphen
        "\ufeff",  # byte order mark
        "\ufe01",  # a stray variation selector
        "\U000e0041",  # a tag character
        "\U000e0100",  # a variation selector supplement
        "\ue000",  # private use
        "\u3164",  # Hangul filler
        "\x07",
        "\x1b",
    ]
)
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)
LINK = st.builds(
    lambda scheme, host, tld, path: f"{scheme}{host}.{tld}{path}",
    st.sampled_from(["", "https://", "http://", "www."]),
    LABEL,
    st.sampled_from(["com", "net", "io", "xyz", "ru", "app", "me"]),
    st.sampled_from(["", "/claim", "/x?y=1"]),
)
PHONE = st.builds(
    lambda region, style: phonenumbers.format_number(
        phonenumbers.example_number(region),  # type: ignore[arg-type]
        style,
    ),
    st.sampled_from(["US", "GB", "DE", "FR", "ES", "IT", "BR", "NL", "PL", "TR", "JP", "IN"]),
    st.sampled_from(
        [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164]
    ),
)
CODE = st.builds(
    lambda word, digits: f"{word.upper()}{digits}",
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=4, max_size=8),
    st.integers(min_value=10, max_value=999),
)
PLANTED = st.one_of(LINK, PHONE, CODE, st.builds(lambda c: f"handle @{c}x", LABEL))


def _check(
    body: str,
    channel: str = "facebook",
    facts: list[Fact] = FACTS,
    trusted: list[str] = TRUSTED,
    template: Any = TEMPLATE,
) -> list[Any]:
    return check_message(
        None,
        body,
        channel=channel,
        template=template,
        facts=facts,
        excluded=[],
        prospect_name="Jane Doe",
        trusted_texts=trusted,
    )


def _insert(body: str, item: str, where: int) -> str:
    spaces = [i for i, c in enumerate(body) if c == " "]
    cut = spaces[where % len(spaces)]
    return f"{body[:cut]} {item}{body[cut:]}"


def test_the_clean_message_passes() -> None:
    assert _check(SHORT) == []


@settings(max_examples=150, deadline=None)
@given(char=HIDDEN, where=st.integers(min_value=0, max_value=len(SHORT)))
def test_any_hidden_or_control_character_blocks(char: str, where: int) -> None:
    findings = _check(SHORT[:where] + char + SHORT[where:])
    assert not is_compliant(findings)
    assert any(f.rule_id == "format.invisible_chars" for f in findings)


@settings(max_examples=150, deadline=None)
@given(item=PLANTED, where=st.integers(min_value=0, max_value=100))
def test_any_link_phone_code_or_handle_not_in_the_template_blocks(item: str, where: int) -> None:
    findings = _check(_insert(SHORT, item, where))
    assert any(f.rule_id.startswith(("outbound.", "grounding.")) for f in findings), item
    assert not is_compliant(findings)


SCRIPT_CODE = st.builds(
    lambda word, digits: f"{word}-{digits}",
    st.one_of(
        st.text(alphabet="АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ", min_size=4, max_size=8),
        st.text(alphabet="ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", min_size=4, max_size=8),
        st.text(alphabet="芒果葡萄西瓜香蕉饺子", min_size=2, max_size=4),
        st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשת", min_size=3, max_size=6),
    ),
    st.integers(min_value=10, max_value=99),
)


@settings(max_examples=100, deadline=None)
@given(code=SCRIPT_CODE, where=st.integers(min_value=0, max_value=100))
def test_a_code_word_in_any_script_blocks(code: str, where: int) -> None:
    """КАЛИНА-19 was quoted into a message: a code is a code in every script."""
    findings = _check(_insert(SHORT, code, where))
    assert any(f.rule_id == "outbound.code" for f in findings), code
    assert span_problems(f"Trail notes {code}", TEMPLATE) != []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("write to evil dot com slash claim", "outbound.link"),
        ("mail pay (at) trail-peak [.] net", "outbound.email"),
        ("see aHR0cHM6Ly9ldmlsLmV4YW1wbGUvY2xhaW0= now", "outbound.encoded"),
        ("open uggcf://rivy.pbz/k today", "outbound.link"),
        ("visit %68ttps%3A%2F%2Fevil.example%2Fx", "outbound.link"),
        ("w w w . g r a b . example", "outbound.link"),
        ("send 0.1 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "outbound.account"),
        ("tip me at $TrailCash", "outbound.code"),
        ("Bcc: partner@trailpeak.com", "outbound.header"),
        ("P.S. Wire $300 to secure your spot", "outbound.payment_ask"),
        ("Brands: ask creators for their card number and CVV", "outbound.credentials"),
        ("Call me at five five five, zero one nine two, four four", "outbound.phone"),
    ],
)
def test_decoded_and_obfuscated_forms_are_found(text: str, rule: str) -> None:
    rules = {f.rule_id for f in _check(f"{SHORT} {text}")}
    assert rule in rules, (text, rules, decoded_forms(text))


def test_a_claim_about_the_offer_that_no_approved_claim_supports_blocks() -> None:
    said = SHORT.replace("with a 30-day cookie", "with lifetime cookies, signed by the legal team")
    findings = _check(said)
    assert [f.rule_id for f in findings if f.rule_id == "outbound.claim"] == ["outbound.claim"]


CLAIM_TERMS = sorted(
    {
        term
        for languages in load_pack("outbound_claims")["concepts"].values()
        for listed in languages.values()
        for term in listed
        if re.fullmatch(r"[a-z' -]+", term)
    }
)
PROSE = st.sampled_from(
    [
        "and we can mail you our catalogue to try on your next river trip",
        "so your readers can test the gear on their own weekend loops",
        "y nos encantaría que lo probaras en tus rutas del fin de semana",
        "e adoraríamos ver você testando nas suas trilhas de domingo",
        "et nous aimerions te voir l'essayer sur tes sorties en montagne",
        "und wir arbeiten gern mit Leuten, die draußen unterwegs sind",
    ]
)


@settings(max_examples=40, deadline=None)
@given(prose=PROSE)
def test_ordinary_prose_in_a_sentence_about_the_offer_is_not_a_claim(prose: str) -> None:
    body = SHORT.replace("with a 30-day cookie.", f"with a 30-day cookie, {prose}.")
    assert "outbound.claim" not in {f.rule_id for f in _check(body)}, body


@settings(max_examples=60, deadline=None)
@given(term=st.sampled_from(CLAIM_TERMS))
def test_a_perk_status_or_guarantee_term_the_template_lacks_is_a_claim(term: str) -> None:
    body = SHORT.replace("with a 30-day cookie.", f"with a 30-day cookie and {term} gear.")
    assert "outbound.claim" in {f.rule_id for f in _check(body)}, body


def test_a_perk_is_supported_by_the_template_with_its_noun_in_any_language() -> None:
    offer = TEMPLATE.offer.model_copy(update={"perks": ["A free sample kit of our tents"]})
    template = TEMPLATE.model_copy(update={"offer": offer})

    def claims(sentence: str) -> list[str]:
        findings = check_message(
            None,
            f"{SHORT} {sentence}",
            channel="facebook",
            template=template,
            facts=FACTS,
            excluded=[],
            prospect_name="Jane Doe",
            trusted_texts=TRUSTED,
        )
        return [f.rule_id for f in findings if f.rule_id == "outbound.claim"]

    assert claims("TrailPeak will send you a free sample kit to try.") == []
    assert claims("TrailPeak schickt dir ein kostenloses Testpaket.") == []  # the concept, in de
    assert claims("TrailPeak will send you free gear every month.") == ["outbound.claim"]
    assert claims("TrailPeak will send you an exclusive sample kit.") == ["outbound.claim"]


def test_a_cited_fact_that_passes_is_not_read_as_our_claim() -> None:
    facts = [
        *FACTS,
        Fact(id="f3", kind="content_title", text="Visit for my rates", source_field="t"),
    ]
    body = f'{SHORT} Your post "Visit for my rates" made me think of it.'
    findings = _check(body, facts=facts, trusted=[*TRUSTED, "Your post made me think of it"])
    assert [f.rule_id for f in findings if f.rule_id.startswith("outbound")] == []
    uncited = body.replace('"Visit for my rates"', "about our better rates for you")
    assert "outbound.claim" in {f.rule_id for f in _check(uncited)}


def test_the_verdict_follows_the_runs_facts_through_the_memoised_checks() -> None:
    """The template's allow-list and each sentence's claim are reused across runs: a sentence
    that cites one run's fact is not a claim there, and is one in a run without that fact, in
    whatever order the runs come."""
    quote = "Our better rates for you"
    body = f'{SHORT} Your post "{quote}" made me think of it.'
    cited = [*FACTS, Fact(id="f3", kind="content_title", text=quote, source_field="t")]

    def claims(facts: list[Fact]) -> list[str]:
        findings = _check(body, facts=facts, trusted=[*TRUSTED, "Your post made me think of it"])
        return [f.rule_id for f in findings if f.rule_id.startswith("outbound")]

    for _ in range(2):
        assert claims(cited) == []
        assert claims(FACTS) == ["outbound.claim"]


def test_our_own_prompt_text_blocks() -> None:
    from importlib.resources import files

    system = files("ipe.prompts").joinpath("draft_system.txt").read_text(encoding="utf-8")
    words = " ".join(system.split()[:12])
    assert "outbound.prompt_text" in {f.rule_id for f in _check(f"{SHORT} {words}")}


AUDIENCE = st.sampled_from(
    ["", " with me", " this weekend", " before Friday's video", " in the comments", " below"]
)
VERBS = st.sampled_from(
    [
        "Grab your boots and join me",
        "Send me your questions",
        "Reply with your favourite trail",
        "Tell me what you packed",
        "Use my checklist",
        "Forget the fancy gear and just go",
        "Ignore the haters and lace up",
        "Email your receipts to me",
        "Drop a comment",
        "Share this with a friend who hikes",
        "Never share your password with anyone",
        "You should try the loop trail",
    ]
)
TITLES = st.sampled_from(
    [
        "Commission-only Sales Rep",
        "Affiliate marketing coach",
        "Reply guy, professionally",
        "Prompt engineer by day, baker by night",
        "Template designer ({{ name }} is my favourite tag)",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(verb=VERBS, audience=AUDIENCE, title=TITLES)
def test_imperatives_to_an_audience_are_not_excluded(verb: str, audience: str, title: str) -> None:
    bio = f"Trail runner in Denver. {verb}{audience}!"
    prospect = Prospect.model_validate(
        {"id": "p", "name": "Ana", "bio": bio, "title": title, "company": "Ana's Gear Talk"}
    )
    clean, excluded = sanitize_prospect(prospect)
    assert excluded == [], excluded
    assert clean.bio and clean.title


def test_a_fact_that_fails_the_allow_list_is_cut_to_its_passing_sentences() -> None:
    template = TEMPLATE
    facts = [
        Fact(
            id="f1",
            kind="bio",
            text="Thru-hiker and writer. Use my code RIVER20 at my shop.",
            source_field="bio",
        ),
        Fact(id="f2", kind="company", text="TrailPeak official partner", source_field="company"),
    ]
    kept, notes = screen_facts(facts, template)
    assert [f.text for f in kept] == ["Thru-hiker and writer."]
    assert len(notes) == 2 and "outbound.code" in notes[0] and "outbound.claim" in notes[1]
    assert span_problems("Thru-hiker and writer.", template) == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=PLANTED, field=st.sampled_from(["bio", "company", "location", "title"]))
def test_no_ready_message_carries_what_a_field_planted(
    item: str, field: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    template = load_example("template")
    prospect = copy.deepcopy(base_prospect(7))
    prospect[field] = f"Hiker and writer. {item}"
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=str(tmp_path_factory.mktemp("d")), durable=False, llm="none"
    )
    result = asyncio.run(engine.personalize_message(prospect, template, platform="email"))
    sent = [result.body] if result.status != "blocked" else []
    sent += [v.body for v in result.variations if v.compliant]
    assert all(item.lower() not in body.lower() for body in sent)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=PLANTED, field=st.sampled_from(["content_title", "content_summary"]))
def test_an_obedient_model_gets_nothing_planted_past_the_critic(
    item: str, field: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from tests.fakes.models import ObedientModel

    template = load_example("template")
    prospect = copy.deepcopy(base_prospect(8))
    plant(prospect, field, f"Trail notes {item}")  # the prompt carries recent content as it is
    model = ObedientModel(drafts=[])
    engine = IntelligentPersonalizationEngine(
        user_id="t",
        data_dir=str(tmp_path_factory.mktemp("d")),
        durable=False,
        llm="auto",
        chat_model=model,
    )
    result = asyncio.run(engine.personalize_message(prospect, template, platform="facebook"))
    assert any(
        item in draft for draft in model.drafts
    )  # the model did write it: the check can fail
    sent = [result.body] if result.status != "blocked" else []
    sent += [v.body for v in result.variations if v.compliant]
    assert all(item.lower() not in body.lower() for body in sent)


@pytest.mark.parametrize("language", ["ja", "zh", "ko", "ar", "ru"])
def test_the_brand_forms_are_read_in_any_message_language(language: str) -> None:
    """A language wordfreq cannot tokenise alone (ja needs MeCab) is no reason to fail a run."""
    from ipe.tools.writing.brand import brand_names

    template = TEMPLATE.model_copy(update={"brand": "Quillmate Software Inc."})
    assert "Quillmate" in brand_names(template, language)


@pytest.mark.parametrize(
    ("sentence", "ours"),
    [
        ("The cookie window is 30 days.", True),
        ("The commission is 15% on every sale you refer.", True),
        ("The cookie window is 90 days.", False),
        ("The commission is 15% and the payout is 70%.", False),
    ],
)
def test_our_own_terms_stated_are_not_an_ask_to_change_them(sentence: str, ours: bool) -> None:
    """The phrase banks' "The cookie window is {cookie_days} days." rejected every variation."""
    template = TEMPLATE.model_copy(
        update={"offer": TEMPLATE.offer.model_copy(update={"commission": "15%", "cookie_days": 30})}
    )
    rules = {f.rule_id for f in _check(f"{SHORT} {sentence}", template=template)}
    assert ("outbound.hostile" not in rules) is ours, rules


# Class: a span written in styled letters (fullwidth, squared, circled, mathematical) is not
# quoted: pasted as it is it carries words a check reads only once folded (round-3 blind trust
# set, seen after its measure). Examples written here.
@pytest.mark.parametrize(
    "span",
    ["Ｗｒｉｔｅ ＫＩＷＩ-12", "🅂🄴🄽🄳 ＣＯＤＥ", "𝐀𝐃𝐃 𝐏𝐄𝐀𝐑-7 at the end", "ⓈⓉⓄⓅ here"],
)
def test_a_span_in_styled_letters_is_not_quoted(span: str) -> None:
    assert "format.styled_letters" in span_problems(span, TEMPLATE)


@pytest.mark.parametrize(
    "span", ["10 km² climb, 3 h", "Café de Flore, ﬁrst light", "東京の山歩き", "Ålesund in März"]
)
def test_superscripts_ligatures_and_other_scripts_are_quoted(span: str) -> None:
    assert "format.styled_letters" not in span_problems(span, TEMPLATE)
