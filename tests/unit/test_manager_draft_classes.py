"""Manager-written drafts that satisfy the rules pass the critic (issue 22), and widening what
passes opens no hole for hostile text (issue 23).

Classes, with examples written here (none from a fresh set):

- an approved claim restated in another language: every language's claim terms are tried on
  every sentence with an inflection; a frequent word of the message's language is read as that
  word, not as another language's term with letters added (Spanish "primeros" is not French
  "prime", a bonus);
- inflected and diminutive forms of the record's own names (vocative, genitive, locative...) and
  the pronouns and titles of address a letter capitalises ("Pani", "Lei", "Вы");
- a template term translated, at the start of a sentence ("Afilianci" for "affiliates").
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import iter_wordlist, zipf_frequency

from ipe.domain import Fact, Offer, Sender, Template
from ipe.tools.policies import load_pack
from ipe.tools.text.folding import skeleton
from ipe.tools.trust.grounding import check_grounding, name_form, zone_places
from ipe.tools.trust.outbound import outbound_findings

KELPWISE = Template(
    id="kelpwise",
    brand="Kelpwise Kayaks",
    brand_aliases=["Kelpwise"],
    sender=Sender(
        name="Ines Morrow",
        title="Partner lead",
        company="Kelpwise Kayaks Ltd.",
        postal_address="4 Quay Road, Oban PA34 4LA, UK",
        unsubscribe_url="https://kelpwise.example/unsub",
    ),
    offer=Offer(
        summary="folding sea kayaks and paddling kits",
        commission="18% recurring for the first 6 months",
        cookie_days=40,
        perks=["a free paddle leash with your first kayak"],
    ),
    approved_claims=[
        "18% commission on every kayak you refer, for the first 6 months",
        "40-day cookie window",
        "a free paddle leash",
        "payouts every month via bank transfer",
    ],
    links=["https://kelpwise.example/partners"],
)

RESTATED = [
    ("es", "Con Kelpwise ganarías un 18 % en cada kayak que recomiendes los primeros 6 meses."),
    ("es", "Kelpwise te paga cada mes por transferencia; la primera comisión llega el primer mes."),
    ("es", "Como afiliado de Kelpwise recibes un 18 % los primeros seis meses."),
    ("es", "La cookie de Kelpwise dura 40 días y te regalamos una correa de remo."),
    ("pt", "Na Kelpwise pagamos 18% em cada caiaque indicado nos primeiros 6 meses."),
    ("pt", "A Kelpwise oferece uma correia de remo grátis e pagamentos todo mês."),
    ("fr", "Chez Kelpwise, vous touchez 18 % sur chaque kayak pendant les 6 premiers mois."),
    ("fr", "Le cookie de Kelpwise dure 40 jours, et une dragonne de pagaie vous est offerte."),
    ("de", "Bei Kelpwise bekommen Sie 18 % auf jedes empfohlene Kajak, in den ersten 6 Monaten."),
    ("de", "Das Cookie von Kelpwise gilt 40 Tage, der Topf für die Leine ist kostenlos dabei."),
    ("it", "Con Kelpwise guadagni il 18% su ogni kayak che consigli per i primi 6 mesi."),
    ("nl", "Bij Kelpwise verdien je 18% op elke kajak, de eerste 6 maanden; het bestaat al jaren."),
    ("pl", "W Kelpwise otrzymujesz 18% prowizji od każdego kajaka przez pierwsze 6 miesięcy."),
    ("en", "Kelpwise pays you 18% on each kayak you send our way during the first six months."),
]
"""Approved claims of KELPWISE restated, each in its message's language."""

UNSUPPORTED = [
    ("es", "Kelpwise te da un bono de bienvenida al registrarte."),
    ("es", "Con Kelpwise cobras comisiones de por vida."),
    ("es", "Kelpwise es la marca líder en kayaks plegables."),
    ("pt", "A Kelpwise paga bônus semanais aos parceiros."),
    ("fr", "Kelpwise vous offre une prime de bienvenue."),
    ("fr", "Kelpwise est certifié neutre en carbone."),
    ("de", "Kelpwise zahlt Ihnen eine Prämie bei der Anmeldung."),
    ("it", "Kelpwise è il marchio leader, con una garanzia di vendita."),
    ("nl", "Kelpwise geeft je korting op alles."),
    ("pl", "Kelpwise daje bonusy na start."),
    ("en", "Kelpwise gives every partner a lifetime bonus."),
]
"""Claims no approved claim of KELPWISE supports, in the message's language."""


def claim_findings(sentence: str, language: str, template: Template = KELPWISE) -> list[str]:
    findings = outbound_findings(
        None, sentence, template=template, facts=[], trusted_texts=(), language=language
    )
    return [f.span for f in findings if f.rule_id == "outbound.claim"]


@pytest.mark.parametrize(("language", "sentence"), RESTATED)
def test_an_approved_claim_restated_in_the_message_language_passes(
    language: str, sentence: str
) -> None:
    assert claim_findings(sentence, language) == []


@pytest.mark.parametrize(("language", "sentence"), UNSUPPORTED)
def test_an_unsupported_claim_in_any_language_still_blocks(language: str, sentence: str) -> None:
    assert claim_findings(sentence, language) != []


def _terms_by_language() -> dict[str, list[re.Pattern[str]]]:
    out: dict[str, list[re.Pattern[str]]] = {}
    for languages in load_pack("outbound_claims")["concepts"].values():
        for language, terms in languages.items():
            out.setdefault(language, []).extend(re.compile(rf"(?:{t})\w{{0,3}}") for t in terms)
    return out


TERMS = _terms_by_language()
ALL_TERMS = [pattern for patterns in TERMS.values() for pattern in patterns]
ALL_WHOLE = [re.compile(p.pattern.removesuffix(r"\w{0,3}")) for p in ALL_TERMS]


def _ordinary(language: str, count: int = 3000) -> list[str]:
    """Frequent words of ``language`` that are not a claim term of it, nor any language's
    term written whole."""
    out = []
    for word in iter_wordlist(language, wordlist="small"):
        if len(out) >= count or zipf_frequency(word, language, wordlist="small") < 3.0:
            break
        folded = skeleton(word)
        if not word.isalpha() or any(p.fullmatch(folded) for p in TERMS[language]):
            continue
        if any(p.fullmatch(folded) for p in ALL_WHOLE):
            continue
        out.append(word)
    return out


ORDINARY = st.sampled_from(
    [(lang, w) for lang in ("es", "pt", "fr", "de", "it", "nl") for w in _ordinary(lang)]
)


@settings(max_examples=300, deadline=None)
@given(item=ORDINARY)
def test_no_frequent_word_of_the_message_language_reads_as_another_languages_term(
    item: tuple[str, str],
) -> None:
    """In a message whose language has its own claim terms, none of its frequent words that
    is not one of them is a claim (whatever another language's term it starts like)."""
    language, word = item
    sentence = f"Kelpwise pays 18% commission: {word}."
    findings = outbound_findings(
        None, sentence, template=KELPWISE, facts=[], trusted_texts=(), language=language
    )
    terms = [f.message.rpartition("(")[2] for f in findings if f.rule_id == "outbound.claim"]
    assert not [t for t in terms if skeleton(word) in t], sentence


PLAIN_TERMS = sorted(
    {
        (concept, term)
        for concept, languages in load_pack("outbound_claims")["concepts"].items()
        for terms in languages.values()
        for term in terms
        if re.fullmatch(r"[a-z -]+", term) and concept not in ("free",)
    }
)


@settings(max_examples=200, deadline=None)
@given(
    item=st.sampled_from(PLAIN_TERMS),
    language=st.sampled_from(["en", "es", "pt", "fr", "de", "it", "nl", "pl", "sv", "tr"]),
)
def test_a_claim_term_the_template_lacks_blocks_in_any_message_language(
    item: tuple[str, str], language: str
) -> None:
    """A term written whole is a claim whatever the message's language."""
    _, term = item
    sentence = f"Kelpwise gives you {term} paddles."
    assert claim_findings(sentence, language) != [], (sentence, language)


PLANTED = st.one_of(
    st.builds(lambda h: f"https://{h}.example/x", st.from_regex(r"[a-z]{4,9}", fullmatch=True)),
    st.builds(lambda n: f"+44 7700 {n}", st.integers(min_value=100000, max_value=999999)),
    st.builds(lambda w: f"code {w}25", st.from_regex(r"[A-Z]{4,7}", fullmatch=True)),
    st.builds(lambda h: f"@{h}_deals", st.from_regex(r"[a-z]{4,9}", fullmatch=True)),
)


@settings(max_examples=150, deadline=None)
@given(restated=st.sampled_from(RESTATED), planted=PLANTED)
def test_a_restated_claim_carries_no_planted_link_number_code_or_handle(
    restated: tuple[str, str], planted: str
) -> None:
    language, sentence = restated
    findings = outbound_findings(
        None,
        f"{sentence} {planted}",
        template=KELPWISE,
        facts=[],
        trusted_texts=(),
        language=language,
    )
    rules = {f.rule_id for f in findings}
    assert rules & {"outbound.link", "outbound.phone", "outbound.code", "outbound.handle"}, (
        planted,
        rules,
    )


# --- names: inflected forms, courtesy capitals, translated template words ---------------------

NAME_FORMS = [
    (
        "Agnieszka Wrona",
        "pl",
        "Dzień dobry, Pani Agnieszko! Piszę, bo w Pani grupie wiele osób fotografuje.",
    ),
    ("Agnieszka Wrona", "pl", "Dziękuję, Pani Agnieszko, za odpowiedź."),
    ("Tomasz Lis", "pl", "Cześć Tomek, widziałem Twój film."),
    ("Marek Kowalski", "pl", "Szanowny Panie Marku, piszę do Pana w sprawie kursu."),
    ("Petr Novák", "cs", "Dobrý den, pane Petře, píšu Vám kvůli kurzu."),
    ("Mikko Rantanen", "fi", "Hei Mikko! Kirjoitan Teille, koska Mikolle sopisi kurssi."),
    ("Anna Kovács", "hu", "Kedves Anna! Írok Önnek, mert Annának tetszhet a kurzus."),
    ("Γιώργος Παππάς", "el", "Γεια σας, Γιώργο! Σας γράφω για το μάθημα."),
    ("Jonas Petrauskas", "lt", "Sveiki, Jonai! Rašau Jums dėl kurso."),
    ("Juan Ortega", "es", "Hola Juanito, le escribo a Usted por el curso."),
    ("Giulia Ferro", "it", "Gentile Giulia, Le scrivo perché Lei insegna fotografia."),
    ("Ирина Соколова", "ru", "Здравствуйте, Ирина! Пишу Вам по поводу курса."),
]

LEARNWELL = Template(
    id="learnwell",
    brand="Learnwell",
    sender=Sender(name="Ola Berg", postal_address="1 Dock St, Leith", unsubscribe_url=None),
    offer=Offer(summary="online pottery course", commission="25%", cookie_days=30),
    approved_claims=["Affiliates earn 25% on every enrolment they refer"],
    links=["https://learnwell.example/partners"],
)


def proper_nouns(body: str, name: str, language: str, facts: list[Fact] | None = None) -> list[str]:
    findings = check_grounding(
        None,
        body,
        facts=facts or [],
        template=LEARNWELL,
        prospect_name=name,
        excluded=[],
        trusted_texts=(),
        language=language,
    )
    return [f.span for f in findings if f.rule_id == "grounding.proper_noun"]


@pytest.mark.parametrize(("name", "language", "body"), NAME_FORMS)
def test_inflected_names_and_courtesy_capitals_are_not_invented_names(
    name: str, language: str, body: str
) -> None:
    assert proper_nouns(body, name, language) == []


def test_a_place_in_the_record_may_be_inflected() -> None:
    facts = [Fact(id="f1", kind="location", text="Kraków, Poland", source_field="location")]
    assert proper_nouns("Widziałem Pani warsztaty w Krakowie.", "Ewa Nowak", "pl", facts) == []


def test_a_translated_template_word_opens_a_sentence() -> None:
    body = "Dzień dobry! Afilianci Learnwell dostają 25% od każdego zapisu."
    assert proper_nouns(body, "Ewa Nowak", "pl") == []
    assert proper_nouns("Widziałem, że Afilianci pracują.", "Ewa Nowak", "pl") == ["Afilianci"]


def test_an_invented_name_still_needs_a_source() -> None:
    assert proper_nouns(
        "Dzień dobry, Pani Agnieszko! Pozdrawia Zbigniew z Mielca.", "Agnieszka", "pl"
    ) == [
        "Zbigniew",
        "Mielca",
    ]
    assert proper_nouns("I met Pani at Greenfield.", "Agnieszka Wrona", "en") == [
        "Pani",
        "Greenfield",
    ]


ENDINGS = st.sampled_from(
    ["", "o", "y", "i", "e", "u", "ę", "ą", "owi", "em", "ie", "a", "ának", "nak", "lle", "n", "ai"]
)
NAMES = st.sampled_from(
    [
        "Agnieszka",
        "Bartosz",
        "Katarzyna",
        "Jonas",
        "Mikko",
        "Petra",
        "Zsófia",
        "Dimitris",
        "Aurelija",
    ]
)


@settings(max_examples=200, deadline=None)
@given(name=NAMES, ending=ENDINGS, claim=st.sampled_from(LEARNWELL.approved_claims))
def test_any_inflection_of_the_prospects_name_passes_with_an_approved_claim(
    name: str, ending: str, claim: str
) -> None:
    form = name[:-1] + ending if ending and name[-1] in "ao" else name + ending
    body = f"Dzień dobry, {form}!\n\n{claim}. Czy mogę wysłać szczegóły?"
    assert proper_nouns(body, f"{name} Nowak", "pl") == [], body


@settings(max_examples=200, deadline=None)
@given(
    name=NAMES,
    invented=st.from_regex(
        r"[BCDFGHKLMNPRSTVWZ][aeiou][bcdfgklmnprstvz][a-z]{2,6}", fullmatch=True
    ),
)
def test_a_capitalised_word_unrelated_to_the_record_is_flagged(name: str, invented: str) -> None:
    if name_form(invented, {name.lower(), "nowak"}) or invented.lower()[:3] == name.lower()[:3]:
        return
    body = f"Dzień dobry, {name}! Pozdrawiam z miasta {invented}."
    assert proper_nouns(body, f"{name} Nowak", "pl") == [invented], body


# --- a reply's call times, where the engine placed them, inflected words opening a sentence ----


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("Posso na quinta-feira às 18h00 ou na terça às 18h30.", "pt"),
        ("Ich kann am Donnerstag um 10 Uhr oder um 14:30.", "de"),
        ("I'm free Thursday at 6 pm or Friday at 9:15.", "en"),
        ("Je peux jeudi à 17h ou vendredi à 9h30.", "fr"),
    ],
)
def test_the_hours_of_a_proposed_call_are_not_figures_to_trace(body: str, language: str) -> None:
    findings = check_grounding(
        None,
        body,
        facts=[],
        template=LEARNWELL,
        prospect_name="Ana Lima",
        excluded=[],
        trusted_texts=(),
        language=language,
    )
    assert [f.span for f in findings if f.rule_id == "grounding.number"] == []


@settings(max_examples=100, deadline=None)
@given(figure=st.integers(min_value=101, max_value=99_999))
def test_a_figure_that_is_no_time_of_day_still_needs_a_source(figure: int) -> None:
    body = f"Our partners sold {figure} seats last year."
    findings = check_grounding(
        None,
        body,
        facts=[],
        template=LEARNWELL,
        prospect_name="Ana Lima",
        excluded=[],
        trusted_texts=(),
        language="en",
    )
    assert "grounding.number" in {f.rule_id for f in findings}, body


@pytest.mark.parametrize(
    ("zone", "language", "body"),
    [
        ("Europe/Lisbon", "pt", "Posso ligar às 18h, hora de Portugal."),
        ("Europe/Warsaw", "pl", "Zadzwonię o 10 rano, czasu polskiego, jak w Polsce zwykle."),
        (
            "America/Chicago",
            "en",
            "I can call at 4 pm Chicago time, as you're in the United States.",
        ),
    ],
)
def test_where_the_engine_placed_them_may_be_named(zone: str, language: str, body: str) -> None:
    def nouns(places: tuple[str, ...]) -> list[str]:
        findings = check_grounding(
            None,
            body,
            facts=[],
            template=LEARNWELL,
            prospect_name="Ana Lima",
            excluded=[],
            trusted_texts=(),
            language=language,
            places=places,
        )
        return [f.span for f in findings if f.rule_id == "grounding.proper_noun"]

    assert nouns(zone_places(zone, language)) == []
    assert nouns(zone_places("Asia/Tokyo", language)) != []  # another zone names other places


@pytest.mark.parametrize(
    ("word", "language"),
    [("Prowizje", "pl"), ("Warsztaty", "pl"), ("Provize", "cs"), ("Palkkiot", "fi")],
)
def test_an_inflected_ordinary_word_may_open_a_sentence(word: str, language: str) -> None:
    body = f"Dzień dobry. {word} wypłacamy co miesiąc."
    assert word not in proper_nouns(body, "Ewa Nowak", language)
    assert proper_nouns(f"Co miesiąc płacimy, {word} też.", "Ewa Nowak", language) == [word]


def test_a_history_entry_may_give_its_time_as_date() -> None:
    from ipe.domain import Interaction

    for key in ("at", "date", "timestamp", "sent_at"):
        item = Interaction.model_validate({key: "2026-12-03", "direction": "inbound"})
        assert item.at == "2026-12-03", key


VERBATIM = st.one_of(
    st.builds(
        lambda h: f"https://{h}.example/partners", st.from_regex(r"[a-z]{3,9}", fullmatch=True)
    ),
    st.builds(lambda h: f"www.{h}.example", st.from_regex(r"[a-z]{3,9}", fullmatch=True)),
    st.builds(lambda h: f"{h}@{h}.example", st.from_regex(r"[a-z]{3,9}", fullmatch=True)),
    st.builds(lambda h: f"@{h}", st.from_regex(r"[a-z]{3,9}", fullmatch=True)),
    st.sampled_from(["eBay", "iPhone", "macOS"]),
)


@settings(max_examples=100, deadline=None)
@given(token=VERBATIM, stop=st.sampled_from([".", "?", "!"]))
def test_mend_never_capitalises_a_link_address_handle_or_inner_capital(
    token: str, stop: str
) -> None:
    """'Worth a look? https://...' goes out as written; a plain word gets its capital."""
    from ipe.tools.trust.sendable import mend

    assert mend(f"Worth a look{stop} {token} is where it is.") == (
        f"Worth a look{stop} {token} is where it is."
    )
    assert mend(f"Worth a look{stop} the rest follows.") == f"Worth a look{stop} The rest follows."
