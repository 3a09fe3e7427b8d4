"""Register: Sie or du, usted or tú, from how they write, how we wrote, the record, the channel.

A blind review found a German school head whose record prefers formal address, and whose first
note from us was "Guten Tag Frau Vogelsang" (Sie), followed up in du. The register is chosen by
``tools/writing/register.py`` and written from the bank's overlay (``prompts/phrases/de/
formal.toml``, ``es/formal.toml``); the properties below hold over every stage, channel, tone,
angle and ask the offline drafter writes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.domain import (
    Interaction,
    Offer,
    Preferences,
    Prospect,
    Relationship,
    Sender,
    Template,
)
from ipe.prompts import LANGUAGES, RULE_TABLES, bank_names, load_bank
from ipe.tools.trust.sendable import sendability
from ipe.tools.writing.offline_drafter import bank
from ipe.tools.writing.register import (
    choose_register,
    detect_register,
    languages,
    reader_gender,
    register_note,
    salutation,
)
from tests.fakes.records import creator, draft
from tests.unit.test_bank_gender import SENDER_GENDERED, _strings

DU = re.compile(r"(?i)\b(?:du|dich|dir|dein\w*|euch|euer|eure\w*)\b")
"""German informal address: any of these as a whole word, in any case."""
SIE = re.compile(r"(?<=[^.!?:\s] )(?:Sie|Ihr\w*)\b|\bIhnen\b")
"""German formal address to the reader: capitalised inside a sentence ("Sie"/"Ihr" opening a
sentence may be "she"/"her"), or "Ihnen" anywhere."""
TU = re.compile(r"(?i)\b(?:tú|tu|tus|ti|te|contigo)\b")
USTED = re.compile(r"(?i)\b(?:usted|ustedes|le escribo|escribirle|dígame|pregúnteme)\b")
TU_IT = re.compile(r"(?i)\b(?:tu|ti|te|tuo|tua|tuoi|tue|puoi|vuoi|dimmi|fammi)\b")
LEI_IT = re.compile(r"(?<=[^.!?:…\s] )(?:Lei|La|Le|Suo|Sua|Suoi|Sue)\b|\w(?:Le|La)\b")
JE = re.compile(r"(?i)\b(?:je|jij|jou|jouw)\b")
U = re.compile(r"(?i)\b(?:u|uw)\b")
TY = re.compile(
    r"(?i)\b(?:ty|cię|ciebie|tobie|tobą|twój|twoja|twoje|twojego|twojej|twoich|twoim|twoją)\b"
)
PAN = re.compile(r"\b(?:Pan|Pani|Pana|Panu|Panią)\b|\{pan\w*\}")
INFORMAL_FORMS = {"de": SIE, "es": USTED, "it": LEI_IT, "nl": U, "pl": PAN}
"""The other register's address, which no phrase of the informal bank may use."""
FORMAL_FORMS = {"de": DU, "es": TU, "it": TU_IT, "nl": JE, "pl": TY}
"""The other register's address, which no phrase of the formal bank may use."""

TEMPLATE = Template(
    id="crocks",
    brand="Mossgrove",
    sender=Sender(name="Ruth Adeyemi", postal_address="1 Main St"),
    offer=Offer(
        summary="stoneware fermentation crocks",
        commission="12%",
        cookie_days=45,
        perks=["a free 5-litre crock"],
    ),
    links=["https://mossgrove.example/partners"],
)


def _fermenter(language: str, name: str, niche: str, bio: str, title: str) -> Prospect:
    return creator(None, name, niche, title, bio, id=f"p-{language}")


PERSON = {
    lang: _fermenter(lang, *fields)
    for lang, fields in {
        "de": (
            "Katrin Vogelsang",
            "Fermentation",
            "Gemüse, Gläser und Geduld.",
            "Sauerkraut in sieben Tagen",
        ),
        "es": (
            "Lucía Ferrer",
            "fermentación",
            "Verduras, tarros y paciencia.",
            "Chucrut en siete días",
        ),
        "it": (
            "Giulia Ferraro",
            "fermentazione",
            "Verdure, barattoli e pazienza.",
            "Crauti in sette giorni",
        ),
        "nl": (
            "Sanne de Vries",
            "fermenteren",
            "Groenten, potten en geduld.",
            "Zuurkool in zeven dagen",
        ),
        "pl": (
            "Wiktoria Zielińska",
            "fermentacja",
            "Warzywa, słoiki i cierpliwość.",
            "Kiszona kapusta w siedem dni",
        ),
    }.items()
}
STAGES: list[Relationship | None] = [
    None,
    Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=9),
    Relationship(stage="check_back_due", asked_when="nach dem Sommer", not_before="2026-09-01"),
    Relationship(stage="check_back_due", asked_at="2026-06-03T10:00:00Z"),
    Relationship(stage="asked_for_details", intent="asked_for_details"),
    Relationship(stage="asked_for_details", intent="interested_call"),
    Relationship(stage="asked_for_details", intent="question", asked_for="Wie lange?"),
    Relationship(stage="asked_for_details", intent="negotiation"),
]
CHANNELS = ["email", "instagram", "x", "linkedin", "tiktok", "facebook"]


def _draft(language: str, register: str, **kw: Any) -> str:
    prospect = kw.pop("prospect", PERSON[language])
    made = draft(
        prospect,
        TEMPLATE,
        language=language,
        register=register,
        links_allowed=kw.pop("links_allowed", True),
        **kw,
    )
    return f"{made.subject or ''}\n{made.body}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=st.sampled_from(sorted(PERSON)),
    register=st.sampled_from(["formal", "informal"]),
    channel=st.sampled_from(CHANNELS),
    stage=st.sampled_from(STAGES),
    tone=st.sampled_from(["professional", "casual", "enthusiastic"]),
    angle=st.sampled_from(["recent_content", "audience", "niche_fit", "bio", "generic"]),
    cta=st.sampled_from(["reply", "call", "link", "sample"]),
    seed=st.text(min_size=1, max_size=6),
)
def test_a_message_never_mixes_registers(
    language: str,
    register: str,
    channel: str,
    stage: Relationship | None,
    tone: str,
    angle: str,
    cta: str,
    seed: str,
) -> None:
    text = _draft(
        language,
        register,
        channel=channel,
        relationship=stage,
        tone=tone,
        angle=angle,
        cta=cta,
        seed=seed,
    )
    wrong = (FORMAL_FORMS if register == "formal" else INFORMAL_FORMS)[language]
    assert not wrong.search(text), (register, text)


def test_every_two_register_language_has_its_forms_here() -> None:
    assert set(languages()) == set(FORMAL_FORMS) == set(INFORMAL_FORMS)


@pytest.mark.parametrize("language", sorted(FORMAL_FORMS))
def test_every_phrase_of_a_register_is_in_it(language: str) -> None:
    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for k, v in node.items() if k not in RULE_TABLES for s in strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return []

    formal = [s for s in strings(bank(language, "formal")) if FORMAL_FORMS[language].search(s)]
    informal = [s for s in strings(bank(language)) if INFORMAL_FORMS[language].search(s)]
    assert not formal and not informal, (formal, informal)


@pytest.mark.parametrize("name", [n for lang in LANGUAGES for n in bank_names(lang)[1:]])
def test_an_overlay_replaces_existing_slots_with_the_same_placeholders(name: str) -> None:
    """Same slots, same placeholders, for register and regional overlays (``pt/PT``) alike; a
    formal greeting may leave the name out (Polish "Dzień dobry," needs no vocative), and the
    overlay's own ``[forms]`` (Pan/Pani) are its own."""
    base = load_bank(name.split("/")[0] + "/message")
    holes = re.compile(r"\{(\w+)\}")
    overlay = load_bank(name)
    forms = {k for by_gender in overlay.get("forms", {}).values() for k in by_gender}
    names = {"first_name", "salutation", "contact"}

    def walk(over: object, under: object, path: str) -> None:
        assert under is not None, f"{name}: {path} is not in the base bank"
        if isinstance(over, dict):
            assert isinstance(under, dict), path
            for key, value in over.items():
                walk(value, under.get(key), f"{path}.{key}")
            return
        wanted = set(holes.findall(str(under))) - names
        found = set(holes.findall(str(over))) - names - forms
        assert found == wanted, (path, found, wanted)

    walk({k: v for k, v in overlay.items() if k != "forms"}, base, name)


def test_the_german_follow_up_keeps_the_sie_of_our_first_note() -> None:
    """The blind case: first note "Guten Tag Frau Vogelsang, Ihr Beitrag...", follow-up due."""
    katrin = PERSON["de"].model_copy(
        update={
            "platform": "linkedin",
            "interaction_history": [
                Interaction(
                    direction="outbound",
                    at="2026-11-27T09:14:00Z",
                    channel="linkedin",
                    text="Guten Tag Frau Vogelsang, Ihr Beitrag hat mich angesprochen. "
                    "Hätten Sie Interesse an einem kurzen Austausch?",
                )
            ],
        }
    )
    choice = choose_register(katrin, "de", "linkedin")
    assert choice.register == "formal" and "we wrote to them" in choice.reason
    rel = Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=10)
    body = _draft("de", "formal", prospect=katrin, channel="linkedin", relationship=rel)
    assert body.strip().startswith("Guten Tag Frau Vogelsang,"), body
    assert "Ihnen" in body and not DU.search(body), body
    assert not sendability(body, language="de", template=TEMPLATE, relationship=rel)


def _with(prospect: Prospect, *history: tuple[str, str], **prefs: str) -> Prospect:
    items = [
        Interaction(direction=d, text=t, at=f"2026-11-{10 + i:02d}T09:00:00Z")
        for i, (d, t) in enumerate(history)
    ]
    return prospect.model_copy(
        update={"interaction_history": items, "preferences": Preferences.model_validate(prefs)}
    )


def test_how_they_write_to_us_comes_first() -> None:
    p = _with(
        PERSON["de"],
        ("outbound", "Hallo Katrin, hast du Lust auf unser Programm?"),
        ("inbound", "Danke für Ihre Nachricht. Können Sie mir die Details schicken?"),
        register="informal",
    )
    choice = choose_register(p, "de", "instagram")
    assert (choice.register, choice.reason) == ("formal", "register: formal (they write to us so)")
    lucia = _with(PERSON["es"], ("inbound", "¿Me puedes mandar los detalles? Te lo agradezco."))
    assert choose_register(lucia, "es", "email").register == "informal"


def test_how_we_wrote_comes_before_the_record() -> None:
    p = _with(PERSON["es"], ("outbound", "Le escribo de parte de Mossgrove. ¿Le interesa?"))
    p = p.model_copy(update={"preferences": Preferences(tone="casual")})
    assert choose_register(p, "es", "instagram").register == "formal"
    neutral = _with(PERSON["de"], ("inbound", "Danke, klingt gut."), tone="formal")
    choice = choose_register(neutral, "de", "instagram")  # their words carry no cue: the record
    assert (choice.register, "preferences.tone" in choice.reason) == ("formal", True)


def test_the_record_then_the_channel_decide() -> None:
    assert choose_register(_with(PERSON["de"], register="du"), "de", "email").register == (
        "informal"
    )
    formality = _with(PERSON["de"], formality="formal")
    assert choose_register(formality, "de", "instagram").register == "formal"
    bare = PERSON["de"]
    assert choose_register(bare, "de", "email").register == "formal"
    assert choose_register(bare, "de", "linkedin").register == "formal"
    assert choose_register(bare, "de", "instagram").register == "informal"
    assert "default on tiktok" in choose_register(bare, "de", "tiktok").reason
    assert choose_register(PERSON["es"], "es", "email").register == "informal"
    assert choose_register(bare, "fr", "email").register is None  # vous always
    assert set(languages()) == {"de", "es", "it", "nl", "pl"}
    assert choose_register(PERSON["it"], "it", "email").register == "formal"  # Lei on e-mail
    assert choose_register(PERSON["nl"], "nl", "email").register == "informal"  # je


def test_polish_formal_address_takes_the_readers_gender_from_the_first_name() -> None:
    """Pan or Pani: the first name tells (bank data); without one, the message keeps ty."""
    assert reader_gender(PERSON["pl"], "pl") == "feminine"
    assert (
        reader_gender(PERSON["pl"].model_copy(update={"name": "Kuba Nowak"}), "pl") == "masculine"
    )
    assert (
        reader_gender(PERSON["pl"].model_copy(update={"name": "Piotr Nowak"}), "pl") == "masculine"
    )
    assert reader_gender(PERSON["pl"], "de") is None  # German needs no gender for Sie
    assert choose_register(PERSON["pl"], "pl", "email").register == "formal"
    anonymous = PERSON["pl"].model_copy(update={"name": "@kiszonki"})
    choice = choose_register(anonymous, "pl", "email")
    assert choice.register == "informal" and "first name" in choice.reason
    assert "Pani" in _draft("pl", "formal") and "Twój" not in _draft("pl", "formal")
    piotr = _draft("pl", "formal", prospect=PERSON["pl"].model_copy(update={"name": "Piotr Nowak"}))
    assert "Pana" in piotr and "Pani" not in piotr


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Können Sie mir mehr dazu sagen?", "de", "formal"),
        ("Vielen Dank für Ihre Nachricht.", "de", "formal"),
        ("Sehr geehrte Frau Vogelsang,", "de", "formal"),
        ("Kannst du mir mehr dazu sagen? Dein Angebot klingt gut.", "de", "informal"),
        ("Sie hat das gestern gepostet.", "de", None),  # "she", opening the sentence
        ("Danke, klingt gut.", "de", None),
        ("¿Podría usted enviarme los detalles?", "es", "formal"),
        ("Estimada Lucía: le escribo por el programa.", "es", "formal"),
        ("¿Puedes mandarme los detalles? Te lo agradezco.", "es", "informal"),
        ("Me interesa, sí.", "es", None),
        ("Können Sie mir mehr dazu sagen?", "fr", None),  # only listed languages are read
    ],
)
def test_the_detector_reads_pronouns_and_verb_forms(
    text: str, language: str, expected: str | None
) -> None:
    assert detect_register(text, language) == expected


def test_a_formal_greeting_names_the_person_as_they_were_named() -> None:
    p = _with(PERSON["de"], ("outbound", "Guten Tag Frau Vogelsang, ..."))
    assert salutation(p, "de") == "Frau Vogelsang"
    assert salutation(_with(PERSON["de"], ("inbound", "Gruß an Herrn Vogelsang")), "de") == (
        "Herr Vogelsang"
    )
    assert salutation(PERSON["de"], "de") == "Katrin Vogelsang"  # gender unknown: the full name
    only = PERSON["de"].model_copy(update={"name": "Katrin"})
    assert salutation(only, "de") == ""
    body = _draft("de", "formal", prospect=only)
    assert body.split("\n")[1] == "Guten Tag,", body


@pytest.mark.parametrize("name", [n for lang in ("de", "es") for n in bank_names(lang)[1:]])
def test_an_overlay_writes_no_word_that_agrees_with_the_senders_gender(name: str) -> None:
    pattern = SENDER_GENDERED.get(name.split("/")[0])
    text = " ".join(_strings(load_bank(name)))
    assert pattern is None or not re.search(pattern, text, re.IGNORECASE), name


def test_the_model_is_told_the_register() -> None:
    assert register_note("de", "formal") == ", addressing them formally (Sie)"
    assert register_note("es", "informal") == ", addressing them informally (tú)"
    assert register_note("fr", "formal") == register_note("de", None) == ""


def test_the_tenants_copy_sets_the_register_it_is_written_in() -> None:
    """The copy is the tenant's words, sent as written: the hook and bridge join its register."""
    copy = TEMPLATE.model_copy(
        update={
            "subject": "Eine Idee für Sie",
            "body": "Hallo {{ first_name }},\n\n{{ personal_hook }} {{ why_you }}\n\n"
            "Wir zahlen Ihnen 12 % auf jeden Verkauf. Hätten Sie Interesse?\n\nRuth",
        }
    )
    made = draft(
        PERSON["de"], copy, language="de", channel="instagram", register="informal",
        links_allowed=True,
    )  # fmt: skip
    assert not DU.search(made.body), made.body
    assert any(n.startswith("register: formal, as the template's copy") for n in made.notes)
