"""Deferral phrases become dates relative to when the prospect wrote (en, es, pt, fr, de; it,
nl and pl for dates only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.context.deferrals import find_deferral, past_dates

SUN_10_MAY = datetime(2026, 5, 10, 14, 0, tzinfo=UTC)
SAT_3_OCT = datetime(2026, 10, 3, 9, 30, tzinfo=UTC)
TUE_15_DEC = datetime(2026, 12, 15, 17, 5, tzinfo=UTC)
MON_20_JUL = datetime(2026, 7, 20, 8, 0, tzinfo=UTC)

# (language, the prospect's words, when they wrote, the first day we may write again)
TABLE = [
    ("en", "Not now, try me again next month", SUN_10_MAY, date(2026, 6, 1)),
    ("en", "Busy with the launch, ping me in January", SAT_3_OCT, date(2027, 1, 1)),
    ("en", "Can you check back after March 3?", TUE_15_DEC, date(2027, 3, 4)),
    ("en", "Let's revisit in Q3", SUN_10_MAY, date(2026, 7, 1)),
    ("en", "After Q3 please", SUN_10_MAY, date(2026, 10, 1)),
    ("en", "Try me again after the summer", MON_20_JUL, date(2026, 9, 1)),
    (
        "en",
        "After the holidays works better",
        TUE_15_DEC,
        date(2027, 1, 4),
    ),  # first working day of the year
    ("en", "Swamped, write again in two weeks", SUN_10_MAY, date(2026, 5, 24)),
    ("en", "Maybe in a few weeks", SUN_10_MAY, date(2026, 5, 31)),
    ("en", "Reach out in early May", SUN_10_MAY, date(2026, 5, 24)),  # May has begun: 14 days
    ("en", "Q1 2027 is when budgets open", SAT_3_OCT, date(2027, 1, 1)),
    ("en", "Out of office, back on 2026-06-02", SUN_10_MAY, date(2026, 6, 2)),
    ("en", "Let's talk next year", SAT_3_OCT, date(2027, 1, 1)),
    ("en", "Check back on 15/06", SUN_10_MAY, date(2026, 6, 15)),
    ("en", "Next week is better", SAT_3_OCT, date(2026, 10, 5)),  # its Monday
    ("es", "Ahora no, escríbeme el próximo mes", SUN_10_MAY, date(2026, 6, 1)),
    ("es", "Estamos a tope, vuelve a escribirme en enero", SAT_3_OCT, date(2027, 1, 1)),
    ("es", "Hablamos después del verano", MON_20_JUL, date(2026, 9, 1)),
    ("es", "Mejor dentro de dos semanas", SUN_10_MAY, date(2026, 5, 24)),
    ("es", "Mejor en el tercer trimestre", SUN_10_MAY, date(2026, 7, 1)),
    ("es", "Después de las fiestas, por favor", TUE_15_DEC, date(2027, 1, 7)),
    ("es", "A partir del 3 de marzo", TUE_15_DEC, date(2027, 3, 3)),
    ("es", "La semana que viene", SUN_10_MAY, date(2026, 5, 11)),
    ("pt", "Agora não, fala comigo em setembro", SUN_10_MAY, date(2026, 9, 1)),
    ("pt", "Daqui a duas semanas", SUN_10_MAY, date(2026, 5, 24)),
    ("pt", "Depois do verão a gente conversa", MON_20_JUL, date(2026, 9, 1)),
    ("pt", "No próximo trimestre", SAT_3_OCT, date(2027, 1, 1)),
    ("pt", "Depois das festas", TUE_15_DEC, date(2027, 1, 4)),  # 1st working day
    ("pt", "Me procura a partir de 15 de janeiro", TUE_15_DEC, date(2027, 1, 15)),
    ("fr", "Pas maintenant, recontactez-moi le mois prochain", SAT_3_OCT, date(2026, 11, 1)),
    ("fr", "On en reparle à la rentrée", MON_20_JUL, date(2026, 9, 1)),
    ("fr", "Dans deux semaines", SUN_10_MAY, date(2026, 5, 24)),
    ("fr", "Après les fêtes", TUE_15_DEC, date(2027, 1, 4)),  # 1st working day
    ("fr", "Plutôt au 3e trimestre", SUN_10_MAY, date(2026, 7, 1)),
    ("fr", "Je suis absente jusqu'au 3 juin", SUN_10_MAY, date(2026, 6, 3)),
    ("fr", "Après l'été", MON_20_JUL, date(2026, 9, 1)),
    ("de", "Gerade nicht, melden Sie sich im Januar wieder", SAT_3_OCT, date(2027, 1, 1)),
    ("de", "Bitte nach dem 15. März nochmal", TUE_15_DEC, date(2027, 3, 16)),
    ("de", "In zwei Wochen gerne", SUN_10_MAY, date(2026, 5, 24)),
    ("de", "Im dritten Quartal", SUN_10_MAY, date(2026, 7, 1)),
    ("de", "Nach den Feiertagen", TUE_15_DEC, date(2027, 1, 4)),  # 1st working day
    ("de", "Nach dem Sommer", MON_20_JUL, date(2026, 9, 1)),
    ("de", "Nächsten Monat passt es besser", TUE_15_DEC, date(2027, 1, 1)),
]


def test_the_table_covers_five_languages_and_thirty_phrasings() -> None:
    assert len(TABLE) >= 30
    assert {lang for lang, *_ in TABLE} == {"en", "es", "pt", "fr", "de"}


@pytest.mark.parametrize(("language", "text", "written", "expected"), TABLE)
def test_phrase_resolves_relative_to_when_it_was_written(
    language: str, text: str, written: datetime, expected: date
) -> None:
    found = find_deferral(text, written, language=language)
    assert found is not None, text
    assert found.until == expected, (text, found)
    assert found.phrase  # the words that named the date are kept as evidence


def test_the_same_words_written_at_another_time_give_another_date() -> None:
    early = find_deferral("try me next month", datetime(2026, 1, 20, tzinfo=UTC))
    late = find_deferral("try me next month", datetime(2026, 8, 2, tzinfo=UTC))
    assert early and late
    assert (early.until, late.until) == (date(2026, 2, 1), date(2026, 9, 1))


def test_seasons_flip_in_the_southern_hemisphere() -> None:
    north = find_deferral("depois do verão", TUE_15_DEC, timezone="Europe/Lisbon")
    south = find_deferral("depois do verão", TUE_15_DEC, timezone="America/Sao_Paulo")
    assert north and south
    assert north.until == date(2027, 9, 1)  # Lisbon: the next summer ends in September
    assert south.until == date(2027, 3, 1)  # Sao Paulo: it is summer now, over in March


def test_the_latest_of_several_dates_wins() -> None:
    found = find_deferral("Away until June 3, and budgets are set in Q3", SUN_10_MAY)
    assert found and found.until == date(2026, 7, 1)


@pytest.mark.parametrize(
    "text",
    [
        "I may be interested, tell me more",
        "Sounds great, send me the details",
        "Je pense que oui, envoyez le lien",
        "We started the channel in 2019",
        "",
    ],
)
def test_words_without_a_deferral_give_none(text: str) -> None:
    assert find_deferral(text, SUN_10_MAY) is None


def test_a_date_already_past_when_written_is_not_a_deferral() -> None:
    assert find_deferral("back on 2026-05-01", SUN_10_MAY) is None


# The classes the blind dev set found missing (issue 21), each with made-up words.
WED_25_NOV = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
THU_17_DEC = datetime(2026, 12, 17, 10, 0, tzinfo=UTC)
TUE_1_DEC = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

CLASSES = [
    # a weekday with a day number: the next date after writing that is both
    ("es", "Fuera de la oficina hasta el lunes 30", WED_25_NOV, date(2026, 11, 30)),
    ("en", "Back Monday the 30th", WED_25_NOV, date(2026, 11, 30)),
    ("fr", "De retour jeudi 7", TUE_1_DEC, date(2027, 1, 7)),  # December 7 is a Monday
    ("de", "Ab Montag, den 4. bin ich zurück", THU_17_DEC, date(2027, 1, 4)),
    # the first week of a month: the 1st (Mon-Thu) or the Monday after it
    ("de", "Melden Sie sich in der ersten Januarwoche", THU_17_DEC, date(2027, 1, 4)),
    ("en", "Ping me the first week of February", THU_17_DEC, date(2027, 2, 1)),
    ("es", "Escríbeme la primera semana de marzo", THU_17_DEC, date(2027, 3, 1)),
    ("fr", "La première semaine de janvier plutôt", THU_17_DEC, date(2027, 1, 4)),
    # holidays that move with Easter
    ("en", "Let's talk after Easter", WED_25_NOV, date(2027, 3, 29)),
    ("pt", "Fala comigo depois do Carnaval", THU_17_DEC, date(2027, 2, 10)),
    ("de", "Nach Ostern gerne", datetime(2027, 3, 30, tzinfo=UTC), date(2028, 4, 17)),
    # a range whose start already passed: its end
    ("en", "Away from 28 November to 9 December", TUE_1_DEC, date(2026, 12, 9)),
    ("es", "De vacaciones del 28 de noviembre al 9 de diciembre", TUE_1_DEC, date(2026, 12, 9)),
    # languages the intent rules do not read: the date is still read
    ("it", "Sono fuori ufficio, rientro il 12 gennaio", TUE_1_DEC, date(2027, 1, 12)),
    ("it", "Ne riparliamo dopo l'estate", datetime(2027, 6, 10, tzinfo=UTC), date(2027, 9, 1)),
    ("nl", "Mail me na de zomervakantie", datetime(2027, 6, 10, tzinfo=UTC), date(2027, 9, 1)),
    ("nl", "Ik ben terug op 11 januari", TUE_1_DEC, date(2027, 1, 11)),
    ("pl", "Jestem na urlopie do 8 stycznia", TUE_1_DEC, date(2027, 1, 8)),
    ("pl", "Odezwij się po majówce", TUE_1_DEC, date(2027, 5, 4)),
]


@pytest.mark.parametrize(("language", "text", "written", "expected"), CLASSES)
def test_the_classes_the_blind_set_found(
    language: str, text: str, written: datetime, expected: date
) -> None:
    found = find_deferral(text, written, language=language)
    assert found is not None, text
    assert found.until == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "Un créneau mardi 10h vous conviendrait ?",  # a time, not a day of the month
        "Já divulgo outra marca de petiscos",  # Portuguese "marca" is not Polish March
        "We work in real estate, mostly",
    ],
)
def test_words_that_look_like_dates_in_another_language_are_not(text: str) -> None:
    assert find_deferral(text, TUE_1_DEC) is None


def test_a_date_already_over_is_reported_not_dropped() -> None:
    assert find_deferral("Write to me after 3 March 2025", TUE_1_DEC) is None
    assert past_dates("Write to me after 3 March 2025", TUE_1_DEC) == ["3 march 2025"]
    assert past_dates("Not now, sorry", TUE_1_DEC) == []


def _formats(day: date) -> list[tuple[str, str]]:
    """An "until <day>" as people write it in each language (month names from babel's CLDR)."""

    def named(locale: str, short: bool = False) -> str:
        return format_date(day, "d MMMM y" if short else "long", locale=locale).lower()

    return [
        ("en", f"Out of office until {format_date(day, 'MMMM d, y', locale='en')}"),
        ("en", f"away until {day.isoformat()}"),
        ("es", f"Estoy fuera hasta el {named('es')}"),
        ("es", f"fuera hasta el {day.day:02d}/{day.month:02d}/{day.year}"),
        ("es", f"Estoy fuera hasta el {named('es', short=True)}"),
        ("pt", f"Estou fora até {named('pt')}"),
        ("fr", f"Absente jusqu'au {named('fr')}"),
        ("de", f"Abwesend bis {format_date(day, 'd. MMMM y', locale='de')}"),
        ("de", f"nicht im Büro bis {day.day:02d}.{day.month:02d}.{day.year}"),
    ]


@settings(max_examples=150, deadline=None)
@given(
    written=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    ahead=st.integers(min_value=1, max_value=500),
    which=st.integers(min_value=0, max_value=8),
)
def test_until_a_date_holds_until_that_date_never_earlier_than_writing(
    written: date, ahead: int, which: int
) -> None:
    day = written + timedelta(days=ahead)
    language, text = _formats(day)[which]
    at = datetime(written.year, written.month, written.day, 9, tzinfo=UTC)
    found = find_deferral(text, at, language=language)
    assert found is not None, text
    assert found.until in (day, day + timedelta(days=1)), (text, found)
    assert found.until > written


# A month named in a sentence that recounts the past dates what happened, not when to write
# (issue 21): "I bought your beans in October" is no deferral; "write to me in October" is.
_RECOUNTED = {
    "en": ("I bought your beans in {m} and loved them", "Write to me in {m}"),
    "es": ("Compré vuestro café en {m} y me encantó", "Escríbeme en {m}"),
    "pt": (
        "Comprei o café de vocês em {m} e adorei",
        "Obrigada pela mensagem! Me escreva em {m}, por favor",
    ),
    "fr": ("J'ai acheté vos grains en {m}, délicieux", "Recontactez-moi en {m}"),
    "de": ("Ich habe die Bohnen im {m} gekauft, super", "Melden Sie sich bitte im {m} wieder"),
}


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(_RECOUNTED)), st.integers(1, 12), st.integers(0, 364))
def test_a_month_in_a_sentence_about_the_past_is_no_deferral(
    language: str, month: int, offset: int
) -> None:
    from ipe.tools.learning.replies import read_reply

    written = datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=offset)
    name = format_date(date(2026, month, 1), "MMMM", locale=language)
    recounted, asked = (t.format(m=name) for t in _RECOUNTED[language])
    assert find_deferral(recounted, written, language=language) is None, recounted
    assert read_reply(recounted).intent != "deferral", recounted
    assert read_reply(asked).intent == "deferral", asked
    assert find_deferral(asked, written, language=language) is not None, asked
