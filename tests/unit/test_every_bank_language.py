"""A person whose language has a phrase bank is written to in it, whole, on the offline path.

Class (blind reviews, rounds 2 and 3): Italian, Dutch and Polish prospects got English bodies
(or were held), because only five languages had a bank and the code that picks a language,
the register, the footer, the critic's disclosure words and the fitter's keep words each named
those five. A language is now one folder (``prompts/phrases/<lang>/``): its ``message.toml``,
a register overlay where it has two, and the rule tables the checks read. The examples are
invented; the properties run every bank language through every stage and channel.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.domain import Offer, Prospect, Relationship, Sender, Template
from ipe.prompts import LANGUAGES, bank_names, load_bank, shaping_files
from ipe.tools.channel.formatting import above_footer, finalize
from ipe.tools.channel.policy import load_policy
from ipe.tools.policies.channels import channel_names
from ipe.tools.text.textcount import measure
from ipe.tools.trust.compliance import discloses
from ipe.tools.trust.sendable import MIN_SENTENCE_LETTERS
from ipe.tools.writing.brand import names_brand
from ipe.tools.writing.language import choose_language, detect
from ipe.tools.writing.register import choose_register
from tests.fakes.records import creator, draft

NEW = ("it", "nl", "pl", "sv", "da", "nb", "tr", "ja")
TEMPLATE = Template(
    id="t-banks",
    brand="Kiln & Kettle",
    sender=Sender(
        name="Harriet Vale",
        postal_address="12 Mill Lane, Leeds LS1 4AB, UK",
        unsubscribe_url="https://kilnandkettle.example/unsubscribe",
    ),
    offer=Offer(
        summary="enamelled cast-iron cookware",
        commission="12%",
        cookie_days=30,
        perks=["a free 24 cm skillet"],
    ),
    links=["https://kilnandkettle.example/affiliates"],
)
PEOPLE = {
    "en": ("Meg Doyle", "home cooking", "Slow ragù in a cast-iron pot", "I cook simple food."),
    "es": (
        "Lucía Ferrer",
        "cocina casera",
        "Ragú lento en olla de hierro",
        "Cocino platos sencillos.",
    ),
    "pt": (
        "Sofia Marques",
        "cozinha caseira",
        "Ragu lento na panela de ferro",
        "Cozinho pratos simples.",
    ),
    "fr": (
        "Camille Roux",
        "cuisine maison",
        "Ragoût lent en cocotte",
        "Je cuisine des plats simples.",
    ),
    "de": (
        "Katrin Vogel",
        "Hausmannskost",
        "Ragù im Gusseisentopf",
        "Ich koche einfache Gerichte.",
    ),
    "it": (
        "Giulia Ferraro",
        "cucina di casa",
        "Ragù lento in pentola di ghisa",
        "Cucino piatti semplici.",
    ),
    "nl": (
        "Sanne de Vries",
        "thuis koken",
        "Stoofpot in een gietijzeren pan",
        "Ik kook eenvoudig eten.",
    ),
    "pl": (
        "Wiktoria Zielińska",
        "kuchnia domowa",
        "Gulasz w żeliwnym garnku",
        "Gotuję proste dania.",
    ),
    "sv": (
        "Elin Lindqvist",
        "husmanskost",
        "Långkok i gjutjärnsgryta",
        "Jag lagar enkel mat hemma.",
    ),
    "tr": (
        "Deniz Aydın",
        "ev yemekleri",
        "Döküm tencerede ağır ateşte güveç",
        "Evde sade yemekler pişiriyorum.",
    ),
    "da": (
        "Mette Jørgensen",
        "hverdagsmad",
        "Langtidssimreret gryderet i støbejern",
        "Jeg laver enkel mad derhjemme.",
    ),
    "nb": (
        "Ingrid Solberg",
        "hverdagsmat",
        "Langkok i støpejernsgryte",
        "Jeg lager enkel mat hjemme.",
    ),
    "ja": (
        "佐藤 美咲",
        "家庭料理",
        "鋳物鍋でじっくり煮込むラグー",
        "家で簡単な料理を作っています。",
    ),
}
"""A person per bank language: name, niche, a content title and a bio in that language."""
STAGES: dict[str, Relationship | None] = {
    "cold": None,
    "follow_up": Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=9),
    "check_back": Relationship(stage="check_back_due", asked_at="2026-06-03T10:00:00Z"),
    "deferred": Relationship(
        stage="deferred", asked_for="check back later", asked_at="2026-11-03T10:00:00Z"
    ),
    "details": Relationship(stage="asked_for_details", intent="asked_for_details"),
    "call": Relationship(stage="asked_for_details", intent="interested_call"),
    "question": Relationship(stage="asked_for_details", intent="question", asked_for="?"),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_NOT_PROSE = re.compile(r"https?://\S+|\"[^\"\n]*\"")


def _person(language: str, **update: Any) -> Prospect:
    return creator(language, *PEOPLE[language], **update)


def _message(
    language: str, channel: str, stage: str, *, register: str | None = None, seed: str = "s"
) -> tuple[str | None, str]:
    """What is sent to the language's person on ``channel`` at ``stage``: subject and body."""
    person = _person(language)
    chosen = register or choose_register(person, language, channel).register
    made = draft(
        person,
        TEMPLATE,
        language=language,
        channel=channel,
        relationship=STAGES[stage],
        register=chosen,
        tone="professional",
        seed=seed,
    )
    return finalize(made.subject, made.body, channel=channel, template=TEMPLATE, language=language)


def _english_sentences(text: str, language: str) -> list[str]:
    """The sentences long enough to tell that read as English in a non-English message."""
    prose = _NOT_PROSE.sub(" ", above_footer(text))
    return [
        s
        for s in _SENTENCE.split(prose)
        if sum(map(str.isalpha, s)) >= MIN_SENTENCE_LETTERS and detect(s) == "en" != language
    ]


def test_every_bank_folder_is_a_language_the_engine_writes() -> None:
    assert set(NEW) <= set(LANGUAGES) and LANGUAGES[0] == "en"
    assert set(PEOPLE) == set(LANGUAGES)
    for language in NEW:  # chosen from the record, never English for want of a bank
        choice = choose_language(_person(language))
        assert (choice.language, choice.note) == (language, None)


def test_every_bank_has_the_keys_of_the_english_one() -> None:
    """Same sections and slots as en (a missing slot would raise at compose time)."""

    def keys(node: object, path: str = "") -> set[str]:
        if not isinstance(node, dict):
            return {path}
        return {k for key, value in node.items() for k in keys(value, f"{path}.{key}")}

    english = keys({k: v for k, v in load_bank("en/message").items()})
    for language in LANGUAGES:
        assert english <= keys(load_bank(f"{language}/message")), language


@pytest.mark.parametrize("language", NEW)
@pytest.mark.parametrize(
    ("channel", "stage"),
    [("instagram", "cold"), ("email", "cold"), ("email", "question"), ("email", "deferred")],
)
def test_a_new_language_is_written_whole(language: str, channel: str, stage: str) -> None:
    """A cold DM, an e-mail, an answer to a question and a held deferral: in the language."""
    subject, body = _message(language, channel, stage)
    assert detect(_NOT_PROSE.sub(" ", above_footer(body))) == language, body
    assert _english_sentences(body, language) == [], body
    assert names_brand(body, TEMPLATE, language), body
    if subject is not None:
        assert names_brand(subject, TEMPLATE, language) or stage != "cold", subject
    if channel == "email":  # the footer's words are the language's too
        footer_line = body.rstrip().rsplit("\n", 1)[-1]
        assert footer_line.startswith(
            str(load_bank(f"{language}/message")["footer"]["unsubscribe"])[:12]
        )


def test_polish_formal_address_follows_the_first_name() -> None:
    """Pan or Pani from the overlay's forms, never a guessed verb ending."""
    _, wiktoria = _message("pl", "email", "cold", register="formal")
    assert "Pani" in wiktoria and "Twój" not in wiktoria and "Pana" not in wiktoria, wiktoria
    assert "Dzień dobry," in wiktoria


def test_a_deferral_cites_what_they_said_in_their_language() -> None:
    for language in NEW:
        _, body = _message(language, "email", "deferred")
        cites = [c for name in bank_names(language) for c in load_bank(name)["check_back"]["cites"]]
        assert any(str(c).casefold() in body.casefold() for c in cites), body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=st.sampled_from(LANGUAGES),
    channel=st.sampled_from(channel_names()),
    stage=st.sampled_from(sorted(STAGES)),
    register=st.sampled_from([None, "formal", "informal"]),
    seed=st.text(min_size=1, max_size=6),
)
def test_every_bank_language_every_stage_and_channel(
    language: str, channel: str, stage: str, register: str | None, seed: str
) -> None:
    """In its language, within the channel's limit, the brand named, the program disclosed."""
    _, body = _message(language, channel, stage, register=register, seed=seed)
    policy = load_policy(channel)
    assert measure(body, policy.unit) <= policy.body_limit, body
    assert names_brand(body, TEMPLATE, language), body
    assert discloses(body, policy), body
    assert detect(_NOT_PROSE.sub(" ", above_footer(body))) in (language, None), body
    assert _english_sentences(body, language) == [], body


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_banks_disclosure_line_discloses_on_every_channel(language: str) -> None:
    line = str(load_bank(f"{language}/message")["disclosure"]["line"])
    assert all(discloses(line, load_policy(c)) for c in channel_names()), line


_VOCE = re.compile(r"(?i)\b(?:você|vocês|seu|sua|seus|suas)\b")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tag=st.sampled_from(["pt-PT", "pt_PT", "pt-pt"]),
    field=st.sampled_from(["language", "preferences"]),
    channel=st.sampled_from(channel_names()),
    stage=st.sampled_from(sorted(STAGES)),
    seed=st.text(min_size=1, max_size=4),
)
def test_a_record_in_european_portuguese_gets_the_european_forms(
    tag: str, field: str, channel: str, stage: str, seed: str
) -> None:
    """pt-PT (the record's language or preferences): tu, never você; the regional overlay's
    words (pt/PT.toml), and no Brazilian one where the bank has a European one."""
    stated = {"language": tag} if field == "language" else {"preferences": {"language": tag}}
    person = Prospect.model_validate({**_person("pt").model_dump(), "language": None, **stated})
    made = draft(
        person, TEMPLATE, language="pt", channel=channel, relationship=STAGES[stage], seed=seed
    )
    text = f"{made.subject or ''}\n{made.body}"
    assert not _VOCE.search(text), text
    for brazilian in ("equipe", "cadastr", "contato", "todo mês", "Topa", "Oi,"):
        assert brazilian not in text, (brazilian, text)


def test_a_european_portuguese_dm_says_tu() -> None:
    _, body = _message("pt", "instagram", "cold", seed="tu")
    assert _VOCE.search(body), body  # the fixture's record says "pt": Brazilian
    person = _person("pt").model_copy(update={"language": "pt-PT"})
    body = draft(person, TEMPLATE, language="pt", channel="instagram", seed="tu").body
    assert re.search(r"\b(?:teu|tua|teus|tuas|ganhas|tens|indicares)\b", body), body
    assert not _VOCE.search(body), body


def test_a_brazilian_or_untagged_portuguese_record_keeps_voce() -> None:
    for tag in ("pt", "pt-BR"):
        person = _person("pt").model_copy(update={"language": tag})
        body = draft(person, TEMPLATE, language="pt", channel="instagram").body
        assert _VOCE.search(body) and not re.search(r"\bteu\b|\btens\b", body), body


def test_prompt_version_covers_every_bank_file_of_every_language() -> None:
    """Changing any bank (a new folder, an overlay, pt/PT.toml) changes ``prompt_version``."""
    names = {name for name, _ in shaping_files()}
    for language in LANGUAGES:
        for bank_name in bank_names(language):
            assert f"prompts/phrases/{bank_name}.toml" in names, bank_name
