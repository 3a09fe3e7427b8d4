"""The date a deferral or out-of-office reply gives, by class (issue 21), in each language.

Every example here was written for this file. Conventions (stated in tools/policies/deferrals.toml):
"until X" / "back on X" = X; "through X" / "X inclusive" / "after X" = X + 1; a month alone = its
first day; "mid-<month>" = the 15th; "the n-th week of <month>" = its n-th working week's Monday;
"after the holidays" = the first working day after 1 January (Spain, Italy: after 6 January);
"after <holiday>" = the day after; a hedged span ("in about three weeks") = the span; a numeric
date that reads either way = the nearer future day; a dotted one is day first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from ipe.domain import Prospect
from ipe.tools.context.deferrals import find_deferral, past_dates
from ipe.tools.context.relationship import assess, record_exchanges

WED_3_MAR = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
FRI_10_DEC = datetime(2027, 12, 10, 16, 0, tzinfo=UTC)
WED_9_DEC = datetime(2026, 12, 9, 10, 0)
FRI_13_NOV = datetime(2026, 11, 13, 10, 0)

# (class, language, the prospect's words, when they wrote, the first day we may write again)
CLASSES = [
    # through / inclusive: the last day away is named, so the day after it
    ("through", "en", "I'm away through March 12, back after that", WED_3_MAR, date(2027, 3, 13)),
    ("through", "en", "Out until the 9th of April inclusive.", WED_3_MAR, date(2027, 4, 10)),
    ("through", "es", "Estaré fuera hasta el 12 de marzo inclusive", WED_3_MAR, date(2027, 3, 13)),
    ("through", "pt", "De férias até 12 de março, inclusive.", WED_3_MAR, date(2027, 3, 13)),
    ("through", "fr", "En congé jusqu'au 12 mars inclus.", WED_3_MAR, date(2027, 3, 13)),
    ("through", "de", "Im Urlaub bis einschließlich 12. März.", WED_3_MAR, date(2027, 3, 13)),
    ("through", "it", "Fuori sede fino al 12 marzo compreso", WED_3_MAR, date(2027, 3, 13)),
    ("through", "nl", "Afwezig t/m 12 maart", WED_3_MAR, date(2027, 3, 13)),
    # a weekday alone, with a cue: its next date after the writing day
    ("weekday", "en", "Back on Friday, talk then", WED_3_MAR, date(2027, 3, 5)),
    ("weekday", "en", "ooo till Monday", WED_3_MAR, date(2027, 3, 8)),
    ("weekday", "es", "Estoy fuera hasta el lunes", WED_3_MAR, date(2027, 3, 8)),
    ("weekday", "pt", "Volto na segunda, falamos aí", WED_3_MAR, date(2027, 3, 8)),
    ("weekday", "fr", "On s'appelle lundi prochain ?", WED_3_MAR, date(2027, 3, 8)),
    ("weekday", "de", "Bin bis Freitag auf Dienstreise", WED_3_MAR, date(2027, 3, 5)),
    # the middle of a month: the 15th
    ("mid-month", "en", "Ping me mid-April", WED_3_MAR, date(2027, 4, 15)),
    ("mid-month", "es", "Escríbeme a mediados de abril", WED_3_MAR, date(2027, 4, 15)),
    ("mid-month", "pt", "Fale comigo em meados de abril", WED_3_MAR, date(2027, 4, 15)),
    ("mid-month", "fr", "Relancez-moi à la mi-avril", WED_3_MAR, date(2027, 4, 15)),
    ("mid-month", "de", "Mitte April gerne wieder", WED_3_MAR, date(2027, 4, 15)),
    # the n-th week of a month (1 May 2027 is a Saturday: its first week starts on the 3rd)
    ("nth week", "en", "The third week of May suits me", WED_3_MAR, date(2027, 5, 17)),
    ("nth week", "es", "Mejor la segunda semana de mayo", WED_3_MAR, date(2027, 5, 10)),
    ("nth week", "pt", "Pode ser na segunda semana de maio", WED_3_MAR, date(2027, 5, 10)),
    ("nth week", "fr", "Plutôt la deuxième semaine de mai", WED_3_MAR, date(2027, 5, 10)),
    ("nth week", "de", "In der zweiten Maiwoche passt es", WED_3_MAR, date(2027, 5, 10)),
    # a day of the month with no month, after an "after"/"until" word
    ("day alone", "en", "Circle back after the 20th please", WED_3_MAR, date(2027, 3, 21)),
    ("day alone", "es", "Después del día 20, gracias", WED_3_MAR, date(2027, 3, 21)),
    ("day alone", "pt", "Depois do dia 20 eu vejo", WED_3_MAR, date(2027, 3, 21)),
    ("day alone", "fr", "Revenez vers moi après le 20", WED_3_MAR, date(2027, 3, 21)),
    ("day alone", "de", "Bitte nach dem 20. melden", WED_3_MAR, date(2027, 3, 21)),
    # "in about N weeks": the count as it is
    ("approx", "en", "Let's reconnect in about three weeks", WED_3_MAR, date(2027, 3, 24)),
    ("approx", "es", "Hablamos en unas dos semanas", WED_3_MAR, date(2027, 3, 17)),
    ("approx", "pt", "Daqui a umas duas semanas", WED_3_MAR, date(2027, 3, 17)),
    ("approx", "fr", "Dans environ deux semaines", WED_3_MAR, date(2027, 3, 17)),
    ("approx", "de", "In etwa zwei Wochen wieder", WED_3_MAR, date(2027, 3, 17)),
    # idioms counted in days ("quince días" is two weeks), the week after next, "back tomorrow"
    ("span", "en", "Swamped, ping me in a fortnight", WED_3_MAR, date(2027, 3, 17)),
    ("span", "es", "Vuelve a escribirme en quince días", WED_3_MAR, date(2027, 3, 17)),
    ("span", "pt", "Me chama daqui a quinze dias", WED_3_MAR, date(2027, 3, 17)),
    ("span", "fr", "Recontacte-moi dans huit jours", WED_3_MAR, date(2027, 3, 10)),
    ("span", "de", "Melde dich in vierzehn Tagen", WED_3_MAR, date(2027, 3, 17)),
    ("span", "en", "Try the week after next", WED_3_MAR, date(2027, 3, 15)),
    ("span", "de", "Übernächste Woche wieder", WED_3_MAR, date(2027, 3, 15)),
    ("tomorrow", "en", "Out today, back tomorrow", WED_3_MAR, date(2027, 3, 4)),
    ("tomorrow", "es", "Hoy no estoy, vuelvo mañana", WED_3_MAR, date(2027, 3, 4)),
    ("tomorrow", "pt", "Volto amanhã", WED_3_MAR, date(2027, 3, 4)),
    ("tomorrow", "fr", "De retour demain", WED_3_MAR, date(2027, 3, 4)),
    ("tomorrow", "de", "Ab morgen wieder im Büro", WED_3_MAR, date(2027, 3, 4)),
    # a day of the month after a return word
    ("day alone", "en", "I'm back on the 22nd", WED_3_MAR, date(2027, 3, 22)),
    ("day alone", "es", "Disponible a partir del 22", WED_3_MAR, date(2027, 3, 22)),
    ("day alone", "fr", "Disponible à partir du 22", WED_3_MAR, date(2027, 3, 22)),
    ("day alone", "de", "Ab dem 22. wieder da", WED_3_MAR, date(2027, 3, 22)),
    # ISO week numbers and half years
    ("week number", "de", "Melden Sie sich in KW 20", WED_3_MAR, date(2027, 5, 17)),
    ("week number", "fr", "Plutôt semaine 20", WED_3_MAR, date(2027, 5, 17)),
    ("week number", "en", "Calendar week 20 works", WED_3_MAR, date(2027, 5, 17)),
    ("half year", "en", "Budget frees up in H2", WED_3_MAR, date(2027, 7, 1)),
    ("half year", "de", "Eher im zweiten Halbjahr", WED_3_MAR, date(2027, 7, 1)),
    ("half year", "es", "Quizá en el segundo semestre", WED_3_MAR, date(2027, 7, 1)),
    ("half year", "fr", "Au second semestre", WED_3_MAR, date(2027, 7, 1)),
    ("half year", "pt", "No segundo semestre", WED_3_MAR, date(2027, 7, 1)),
    # named holidays (a table as data): the day after
    ("holiday", "de", "Nach Pfingsten gerne", WED_3_MAR, date(2027, 5, 17)),
    ("holiday", "fr", "Après la Toussaint", WED_3_MAR, date(2027, 11, 2)),
    ("holiday", "en", "After Labor Day", WED_3_MAR, date(2027, 9, 7)),
    (
        "holiday",
        "en",
        "Try again after Valentine's Day",
        WED_3_MAR.replace(month=1),
        date(2027, 2, 15),
    ),
    (
        "holiday",
        "en",
        "After Thanksgiving, please",
        datetime(2027, 10, 1, tzinfo=UTC),
        date(2027, 11, 26),
    ),
    ("holiday", "de", "Nach Fasching gerne", FRI_10_DEC, date(2028, 3, 1)),  # Shrove Tue 29 Feb
    ("holiday", "fr", "Plutôt après la Saint-Valentin", FRI_10_DEC, date(2028, 2, 15)),
    ("holiday", "pt", "Volto depois do Dia de Reis", FRI_10_DEC, date(2028, 1, 7)),
    ("holiday", "es", "Después de San Valentín", FRI_10_DEC, date(2028, 2, 15)),
    (
        "holiday",
        "nl",
        "Graag na Sinterklaas",
        datetime(2027, 11, 20, tzinfo=UTC),
        date(2027, 12, 6),
    ),
    ("holiday", "vi", "Mình bận, liên hệ lại sau Tết nhé", FRI_10_DEC, date(2028, 1, 27)),
    (
        "holiday",
        "ru",
        "Вернёмся к этому после новогодних праздников",
        FRI_10_DEC,
        date(2028, 1, 10),
    ),
    # the year-end holidays: the first working day after 1 January (a Saturday in 2028)
    ("holidays", "en", "Maybe after the holidays?", FRI_10_DEC, date(2028, 1, 3)),
    ("holidays", "es", "Mejor después de las fiestas", FRI_10_DEC, date(2028, 1, 7)),  # Reyes
    ("holidays", "fr", "On voit ça après les fêtes", FRI_10_DEC, date(2028, 1, 3)),
    ("holidays", "de", "Lieber nach den Feiertagen", FRI_10_DEC, date(2028, 1, 3)),
    ("holidays", "it", "Sentiamoci dopo le feste", FRI_10_DEC, date(2028, 1, 7)),  # Epiphany
    ("holidays", "de", "Betriebsruhe bis Dienstag nach Neujahr", FRI_10_DEC, date(2028, 1, 4)),
    # numeric dates: a dot is day first; languages other than English write the day first
    ("numeric", "fi", "Palaan töihin 3.5.2027", WED_3_MAR, date(2027, 5, 3)),
    ("numeric", "en", "Back 3.5.", WED_3_MAR, date(2027, 5, 3)),
    ("numeric", "sv", "Tillbaka 3/5", WED_3_MAR, date(2027, 5, 3)),
    ("numeric", "en", "Returning 03/25", WED_3_MAR, date(2027, 3, 25)),  # only one reading
    ("numeric", "ja", "3月12日まで休業いたします", WED_3_MAR, date(2027, 3, 13)),  # まで: through
    ("numeric", "zh", "我3月12日回来", WED_3_MAR, date(2027, 3, 12)),
    ("numeric", "ar", "أنا في إجازة حتى ١٢ مارس", WED_3_MAR, date(2027, 3, 12)),
    # other languages, read by dateparser, with their "after" and "inclusive" words
    ("generic", "ro", "Reveniți după 20 aprilie", WED_3_MAR, date(2027, 4, 21)),
    ("generic", "cs", "Jsem pryč do 20. dubna včetně", WED_3_MAR, date(2027, 4, 21)),
    ("generic", "sv", "Ledig till och med 20 april", WED_3_MAR, date(2027, 4, 21)),
    # languages without spaces: relative periods, their parts and weekdays; holidays with the
    # "after" word written after them
    ("cjk relative", "ja", "再来月の上旬にまたご連絡ください", WED_3_MAR, date(2027, 5, 1)),
    ("cjk relative", "ja", "来週の水曜以降でお願いします", WED_3_MAR, date(2027, 3, 10)),
    ("cjk relative", "zh", "下个月下旬再说吧", WED_3_MAR, date(2027, 4, 21)),
    ("cjk relative", "zh", "下周五再联系", WED_3_MAR, date(2027, 3, 12)),
    ("cjk relative", "ko", "다음 달 중순에 연락 주세요", WED_3_MAR, date(2027, 4, 15)),
    ("cjk holiday", "ja", "ゴールデンウィーク明けにご連絡ください", WED_3_MAR, date(2027, 5, 6)),
    ("cjk holiday", "zh", "春节后再聊", FRI_10_DEC, date(2028, 1, 27)),
    # seasons in languages read by dateparser alone
    ("generic season", "sv", "Hör av dig efter sommaren", WED_3_MAR, date(2027, 9, 1)),
    ("generic season", "da", "Skriv igen til efteråret", WED_3_MAR, date(2027, 9, 1)),
    ("generic season", "ru", "Давайте вернёмся к этому осенью", WED_3_MAR, date(2027, 9, 1)),
    # an event the reply dates elsewhere ("after the launch"): the day after that date
    (
        "event",
        "en",
        "Our launch is on 18 March; write to me after the launch.",
        WED_3_MAR,
        date(2027, 3, 19),
    ),
    (
        "event",
        "es",
        "Presentamos el 18 de marzo. Escríbeme después del lanzamiento.",
        WED_3_MAR,
        date(2027, 3, 19),
    ),
    (
        "event",
        "pt",
        "A feira é no dia 18 de março, fale comigo depois da feira.",
        WED_3_MAR,
        date(2027, 3, 19),
    ),
    (
        "event",
        "fr",
        "Le salon a lieu le 18 mars, recontactez-moi après le salon.",
        WED_3_MAR,
        date(2027, 3, 19),
    ),
    (
        "event",
        "de",
        "Die Messe ist am 18. März, melden Sie sich nach der Messe.",
        WED_3_MAR,
        date(2027, 3, 19),
    ),
    ("event", "en", "Ask me after the launch in May", WED_3_MAR, date(2027, 5, 1)),  # a month alone
    # dates in a quoted mail or a signature decide nothing
    (
        "quoted",
        "en",
        "Sounds good, after Easter then.\n\nOn Mon, 3 May 2027 at 10:00, Ana wrote:\n> June?",
        WED_3_MAR,
        date(2027, 3, 29),
    ),
    (
        "signature",
        "en",
        "Not now, try me in the autumn.\n\nBest,\nApril",
        WED_3_MAR,
        date(2027, 9, 1),
    ),
    # Written on Wednesday 9 December 2026 (Cyber Monday: Friday 13 November), naive times
    # inclusive: the named day is still away
    ("inclusive", "en", "Away until 18 December inclusive.", WED_9_DEC, date(2026, 12, 19)),
    ("inclusive", "fr", "Absente jusqu'au 18 décembre inclus.", WED_9_DEC, date(2026, 12, 19)),
    ("inclusive", "es", "Fuera hasta el 18 de diciembre, incluido.", WED_9_DEC, date(2026, 12, 19)),
    ("inclusive", "pt", "Ausente até 18 de dezembro, inclusive.", WED_9_DEC, date(2026, 12, 19)),
    ("inclusive", "de", "Abwesend bis einschließlich 18. Dezember.", WED_9_DEC, date(2026, 12, 19)),
    ("inclusive", "en", "Out through December 18.", WED_9_DEC, date(2026, 12, 19)),
    # the middle of a month
    ("mid-month", "en", "Ping me mid-February.", WED_9_DEC, date(2027, 2, 15)),
    ("mid-month", "de", "Bitte Mitte Februar nochmal.", WED_9_DEC, date(2027, 2, 15)),
    ("mid-month", "fr", "On en reparle à la mi-février.", WED_9_DEC, date(2027, 2, 15)),
    ("mid-month", "es", "Escríbeme a mediados de febrero.", WED_9_DEC, date(2027, 2, 15)),
    ("mid-month", "pt", "Me chama em meados de fevereiro.", WED_9_DEC, date(2027, 2, 15)),
    # a bare weekday after a return word: the next such day
    ("weekday", "en", "Out at a trade fair, back Thursday.", WED_9_DEC, date(2026, 12, 10)),
    ("weekday", "de", "Bin bis Freitag auf Reisen.", WED_9_DEC, date(2026, 12, 11)),
    ("weekday", "es", "Estoy fuera hasta el lunes.", WED_9_DEC, date(2026, 12, 14)),
    # a hedged span
    (
        "hedged span",
        "en",
        "Let's pick this up in about three weeks.",
        WED_9_DEC,
        date(2026, 12, 30),
    ),
    ("hedged span", "de", "In etwa zwei Wochen gerne.", WED_9_DEC, date(2026, 12, 23)),
    ("hedged span", "fr", "Dans environ deux semaines.", WED_9_DEC, date(2026, 12, 23)),
    # numeric dates: dotted is day first; either order: the nearer future day
    ("numeric", "fi", "Palaan 11.1.2027.", WED_9_DEC, date(2027, 1, 11)),
    ("numeric", "en", "On leave, returning 11/01/2027.", WED_9_DEC, date(2027, 1, 11)),
    ("numeric", "en", "Back on 12/21.", WED_9_DEC, date(2026, 12, 21)),
    ("numeric", "sv", "Tillbaka 11/1.", WED_9_DEC, date(2027, 1, 11)),
    # the day alone after "after"/"until"
    (
        "day alone",
        "en",
        "Write again after the 20th, I'm travelling.",
        WED_9_DEC,
        date(2026, 12, 21),
    ),
    # holidays as data
    ("holiday", "en", "Let's talk after New Year.", WED_9_DEC, date(2027, 1, 2)),
    ("holiday", "en", "After the holidays, please.", WED_9_DEC, date(2027, 1, 4)),
    ("holiday", "de", "Nach den Feiertagen gerne.", WED_9_DEC, date(2027, 1, 4)),
    ("holiday", "es", "Después de las fiestas, mejor.", WED_9_DEC, date(2027, 1, 7)),
    ("holiday", "en", "Swamped until after Cyber Monday.", FRI_13_NOV, date(2026, 12, 1)),
    ("holiday", "de", "Nach Fasching wieder.", WED_9_DEC, date(2027, 2, 10)),
]


@pytest.mark.parametrize(("kind", "language", "text", "written", "expected"), CLASSES)
def test_each_class_reads_the_date_they_gave(
    kind: str, language: str, text: str, written: datetime, expected: date
) -> None:
    found = find_deferral(text, written, language=language)
    assert found is not None, (kind, text)
    assert found.until == expected, (kind, text, found)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "We spoke on the phone last week, all good"),
        ("ja", "ご連絡ありがとうございます。"),
        ("ru", "Спасибо, сейчас не интересно."),
        ("ro", "Mulțumesc, nu acum."),
        ("en", "Can we do a call on Thursday?"),  # a meeting, not a wait
        ("en", "By week 3 the kids had had enough"),  # a week of a story, not a calendar week
        ("es", "Te llamo por la mañana"),  # "mañana" without a return word: the morning
    ],
)
def test_no_date_named_gives_none(language: str, text: str) -> None:
    assert find_deferral(text, WED_3_MAR, language=language) is None


_LOCALES = {"en": "en", "es": "es", "pt": "pt", "fr": "fr", "de": "de", "it": "it", "nl": "nl"}
_THROUGH = {
    "en": "Away through {}",
    "es": "Fuera hasta el {} inclusive",
    "pt": "Fora até {}, inclusive",
    "fr": "Absente jusqu'au {} inclus",
    "de": "Abwesend bis einschließlich {}",
    "it": "Fuori ufficio fino al {} compreso",
    "nl": "Afwezig tot en met {}",
}
_BACK_ON = {
    "en": "Back on {}",
    "es": "Vuelvo el {}",
    "pt": "Volto em {}",
    "fr": "De retour le {}",
    "de": "Zurück am {}",
    "it": "Rientro il {}",
    "nl": "Terug op {}",
}


def _long(day: date, language: str) -> str:
    pattern = {"en": "MMMM d, y", "de": "d. MMMM y"}.get(language, "long")
    return format_date(day, pattern, locale=_LOCALES[language])


_DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))


@settings(max_examples=120, deadline=None)
@given(
    written=_DAYS,
    ahead=st.integers(min_value=1, max_value=400),
    language=st.sampled_from(sorted(_THROUGH)),
)
def test_back_on_a_day_is_that_day_and_through_it_is_the_next(
    written: date, ahead: int, language: str
) -> None:
    day = written + timedelta(days=ahead)
    at = datetime(written.year, written.month, written.day, 11, tzinfo=UTC)
    back = find_deferral(_BACK_ON[language].format(_long(day, language)), at, language=language)
    through = find_deferral(_THROUGH[language].format(_long(day, language)), at, language=language)
    assert back is not None and back.until == day, (language, day, back)
    assert through is not None and through.until == day + timedelta(days=1), (language, through)


@settings(max_examples=80, deadline=None)
@given(
    written=_DAYS,
    back=st.integers(min_value=1, max_value=400),
    language=st.sampled_from(sorted(_THROUGH)),
)
def test_a_day_already_over_is_never_scheduled_and_is_named(
    written: date, back: int, language: str
) -> None:
    day = written - timedelta(days=back)
    at = datetime(written.year, written.month, written.day, 11, tzinfo=UTC)
    text = _BACK_ON[language].format(_long(day, language))
    assert find_deferral(text, at, language=language) is None, text
    assert past_dates(text, at, language=language), text


_WEEKDAYS = {
    "en": ("back on {}", ["monday", "tuesday", "wednesday", "thursday", "friday"]),
    "es": ("vuelvo el {}", ["lunes", "martes", "miércoles", "jueves", "viernes"]),
    "fr": ("de retour {}", ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]),
    "de": ("zurück am {}", ["montag", "dienstag", "mittwoch", "donnerstag", "freitag"]),
    "pt": ("volto na {}", ["segunda", "terça", "quarta", "quinta", "sexta"]),
}


@settings(max_examples=80, deadline=None)
@given(written=_DAYS, weekday=st.integers(0, 4), language=st.sampled_from(sorted(_WEEKDAYS)))
def test_a_weekday_is_its_next_date_within_a_week(
    written: date, weekday: int, language: str
) -> None:
    cue, names = _WEEKDAYS[language]
    at = datetime(written.year, written.month, written.day, 11, tzinfo=UTC)
    found = find_deferral(cue.format(names[weekday]).capitalize(), at, language=language)
    assert found is not None
    assert found.until.weekday() == weekday
    assert timedelta(days=1) <= found.until - written <= timedelta(days=7)


@settings(max_examples=60, deadline=None)
@given(
    written=_DAYS,
    ahead=st.integers(min_value=1, max_value=300),
    language=st.sampled_from(["es", "pt", "fr", "de", "it", "nl", "pl", "fi", "sv", "cs", "ro"]),
)
def test_dotted_numbers_are_day_first_in_every_language(
    written: date, ahead: int, language: str
) -> None:
    day = written + timedelta(days=ahead)
    at = datetime(written.year, written.month, written.day, 11, tzinfo=UTC)
    found = find_deferral(f"-> {day.day}.{day.month}.{day.year}", at, language=language)
    assert found is not None and found.until == day, (language, day, found)


def test_a_number_date_that_reads_two_ways_is_the_nearer_and_says_so() -> None:
    found = find_deferral("On leave, returning 06/02/2027", WED_3_MAR.replace(month=1))
    assert found is not None and found.until == date(2027, 2, 6)  # not 2 June
    assert found.doubt and "2027-02-06" in found.doubt and "2027-06-02" in found.doubt
    one_way = find_deferral("On leave, returning 06/25/2027", WED_3_MAR.replace(month=1))
    assert one_way is not None and one_way.until == date(2027, 6, 25) and one_way.doubt is None
    dotted = find_deferral("On leave, returning 6.2.2027", WED_3_MAR.replace(month=1))
    assert dotted is not None and dotted.until == date(2027, 2, 6) and dotted.doubt is None


def test_a_date_that_reads_two_ways_holds_for_a_person() -> None:
    prospect = Prospect(
        id="p",
        name="Kim",
        interaction_history=[
            {
                "at": "2027-01-02T09:00:00Z",
                "direction": "outbound",
                "channel": "email",
                "text": "Hi",
            },
            {
                "at": "2027-01-03T09:00:00Z",
                "direction": "inbound",
                "channel": "email",
                "text": "Out of office. I am back 06/02/2027 and will reply then.",
            },
        ],
    )
    rel = assess(record_exchanges(prospect), now=datetime(2027, 1, 4, tzinfo=UTC))
    assert rel.stage == "deferred" and rel.not_before == "2027-02-06"
    assert rel.review and "06/02/2027" in rel.review


def test_a_past_dated_day_in_another_language_is_reported() -> None:
    text = "Напишите мне после 3 марта 2025 года"
    assert find_deferral(text, WED_3_MAR, language="ru") is None
    assert past_dates(text, WED_3_MAR, language="ru")


_DATEPARSER_ONLY = ["ru", "uk", "bg", "sv", "da", "nb", "fi", "cs", "sk", "hr", "ro", "hu", "tr"]
_DATEPARSER_ONLY += ["el", "ca", "id", "vi", "ja", "zh", "ko", "ar", "he"]


@settings(max_examples=60, deadline=None)
@given(
    written=_DAYS,
    offset=st.integers(min_value=1, max_value=300),
    locale=st.sampled_from(_DATEPARSER_ONLY),
)
def test_a_date_in_a_language_without_a_phrase_bank_is_read_and_a_past_one_named(
    written: date, offset: int, locale: str
) -> None:
    at = datetime(written.year, written.month, written.day, 11, tzinfo=UTC)
    ahead = written + timedelta(days=offset)
    found = find_deferral(format_date(ahead, "long", locale=locale), at, language=locale)
    assert found is not None and found.until == ahead, (locale, ahead, found)
    gone = format_date(written - timedelta(days=offset), "long", locale=locale)
    assert find_deferral(gone, at, language=locale) is None, (locale, gone)
    assert past_dates(gone, at, language=locale), (locale, gone)


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
