"""Deferral phrases become dates relative to when the prospect wrote (en, es, pt, fr, de)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ipe.tools.context.deferrals import find_deferral

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
    ("en", "After the holidays works better", TUE_15_DEC, date(2027, 1, 7)),
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
    ("pt", "Depois das festas", TUE_15_DEC, date(2027, 1, 7)),
    ("pt", "Me procura a partir de 15 de janeiro", TUE_15_DEC, date(2027, 1, 15)),
    ("fr", "Pas maintenant, recontactez-moi le mois prochain", SAT_3_OCT, date(2026, 11, 1)),
    ("fr", "On en reparle à la rentrée", MON_20_JUL, date(2026, 9, 1)),
    ("fr", "Dans deux semaines", SUN_10_MAY, date(2026, 5, 24)),
    ("fr", "Après les fêtes", TUE_15_DEC, date(2027, 1, 7)),
    ("fr", "Plutôt au 3e trimestre", SUN_10_MAY, date(2026, 7, 1)),
    ("fr", "Je suis absente jusqu'au 3 juin", SUN_10_MAY, date(2026, 6, 3)),
    ("fr", "Après l'été", MON_20_JUL, date(2026, 9, 1)),
    ("de", "Gerade nicht, melden Sie sich im Januar wieder", SAT_3_OCT, date(2027, 1, 1)),
    ("de", "Bitte nach dem 15. März nochmal", TUE_15_DEC, date(2027, 3, 16)),
    ("de", "In zwei Wochen gerne", SUN_10_MAY, date(2026, 5, 24)),
    ("de", "Im dritten Quartal", SUN_10_MAY, date(2026, 7, 1)),
    ("de", "Nach den Feiertagen", TUE_15_DEC, date(2027, 1, 7)),
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
