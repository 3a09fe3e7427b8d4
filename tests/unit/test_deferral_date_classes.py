"""Dates read as a person means them: classes of date phrases, with sentences written here.

Inclusive ends, the middle of a month, a bare weekday after "back"/"until", hedged spans ("in about
three weeks"), day-first dotted dates and numeric dates that read either way (the nearer future
day), the day alone ("after the 20th"), and holidays as data (year-end holidays, New Year, Cyber
Monday, carnival), each in the languages that say them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.tools.context.deferrals import find_deferral

WED_9_DEC = datetime(2026, 12, 9, 10, 0)
FRI_13_NOV = datetime(2026, 11, 13, 10, 0)

TABLE = [
    # inclusive: the named day is still away
    ("en", "Away until 18 December inclusive.", WED_9_DEC, date(2026, 12, 19)),
    ("fr", "Absente jusqu'au 18 décembre inclus.", WED_9_DEC, date(2026, 12, 19)),
    ("es", "Fuera hasta el 18 de diciembre, incluido.", WED_9_DEC, date(2026, 12, 19)),
    ("pt", "Ausente até 18 de dezembro, inclusive.", WED_9_DEC, date(2026, 12, 19)),
    ("de", "Abwesend bis einschließlich 18. Dezember.", WED_9_DEC, date(2026, 12, 19)),
    ("en", "Out through December 18.", WED_9_DEC, date(2026, 12, 19)),
    # the middle of a month
    ("en", "Ping me mid-February.", WED_9_DEC, date(2027, 2, 15)),
    ("de", "Bitte Mitte Februar nochmal.", WED_9_DEC, date(2027, 2, 15)),
    ("fr", "On en reparle à la mi-février.", WED_9_DEC, date(2027, 2, 15)),
    ("es", "Escríbeme a mediados de febrero.", WED_9_DEC, date(2027, 2, 15)),
    ("pt", "Me chama em meados de fevereiro.", WED_9_DEC, date(2027, 2, 15)),
    # a bare weekday after a return word: the next such day
    ("en", "Out at a trade fair, back Thursday.", WED_9_DEC, date(2026, 12, 10)),
    ("de", "Bin bis Freitag auf Reisen.", WED_9_DEC, date(2026, 12, 11)),
    ("es", "Estoy fuera hasta el lunes.", WED_9_DEC, date(2026, 12, 14)),
    # a hedged span
    ("en", "Let's pick this up in about three weeks.", WED_9_DEC, date(2026, 12, 30)),
    ("de", "In etwa zwei Wochen gerne.", WED_9_DEC, date(2026, 12, 23)),
    ("fr", "Dans environ deux semaines.", WED_9_DEC, date(2026, 12, 23)),
    # numeric dates: dotted is day first; either order: the nearer future day
    ("fi", "Palaan 11.1.2027.", WED_9_DEC, date(2027, 1, 11)),
    ("en", "On leave, returning 11/01/2027.", WED_9_DEC, date(2027, 1, 11)),
    ("en", "Back on 12/21.", WED_9_DEC, date(2026, 12, 21)),
    ("sv", "Tillbaka 11/1.", WED_9_DEC, date(2027, 1, 11)),
    # the day alone after "after"/"until"
    ("en", "Write again after the 20th, I'm travelling.", WED_9_DEC, date(2026, 12, 21)),
    # holidays as data
    ("en", "Let's talk after New Year.", WED_9_DEC, date(2027, 1, 2)),
    ("en", "After the holidays, please.", WED_9_DEC, date(2027, 1, 4)),
    ("de", "Nach den Feiertagen gerne.", WED_9_DEC, date(2027, 1, 4)),
    ("es", "Después de las fiestas, mejor.", WED_9_DEC, date(2027, 1, 7)),
    ("en", "Swamped until after Cyber Monday.", FRI_13_NOV, date(2026, 12, 1)),
    ("de", "Nach Fasching wieder.", WED_9_DEC, date(2027, 2, 10)),
]


@pytest.mark.parametrize(("language", "text", "written", "expected"), TABLE)
def test_a_date_phrase_resolves_as_a_person_means_it(
    language: str, text: str, written: datetime, expected: date
) -> None:
    found = find_deferral(text, written, language=language)
    assert found is not None and found.until == expected, (text, found)


def _next(month: int, day: int, after: date) -> date:
    this = date(after.year, month, day)
    return this if this > after else this.replace(year=after.year + 1)


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(1, 12),
    st.integers(1, 12),
)
def test_an_ambiguous_numeric_date_is_the_nearer_future_reading(
    written: date, a: int, b: int
) -> None:
    readings = {date(written.year, a, b), date(written.year, b, a)}
    if any(timedelta(0) <= written - d <= timedelta(days=31) for d in readings):
        return  # a day just gone reads as the start of an absence: no wait (another class)
    found = find_deferral(f"Back on {a}/{b}.", datetime.combine(written, datetime.min.time()))
    assert found is not None
    assert found.until == min(_next(a, b, written), _next(b, a, written))


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 28))
def test_inclusive_is_always_one_day_after_the_same_date_without_it(
    written: date, day: int
) -> None:
    at = datetime.combine(written, datetime.min.time())
    plain = find_deferral(f"Away until March {day}.", at, language="en")
    included = find_deferral(f"Away until March {day} inclusive.", at, language="en")
    assert (plain is None) == (included is None)
    if plain and included:
        assert included.until - plain.until == timedelta(days=1)
