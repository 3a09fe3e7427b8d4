"""Deferral phrases to dates: "try me again after the summer" -> the first day of autumn.

The phrase bank is data (``tools/policies/deferrals.toml``, eight languages: en, es, pt, fr,
de, it, nl, pl).
Explicit dates and month names are parsed by ``dateparser`` in the phrase's language; quarters,
seasons, holidays and relative periods ("next month", "in zwei Wochen") follow the small rules
documented in the data file. Every phrase resolves relative to when the prospect WROTE it, and
when one reply names several dates the latest wins, so a prospect's wait is never cut short.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import dateparser
from dateparser.search import search_dates
from dateutil.easter import easter

from ipe.tools.learning.intent import fresh_text, recounts_past
from ipe.tools.policies import load_pack

LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr", "de", "it", "nl", "pl")
RECENT_PAST_DAYS = 31
"""A numeric day without a year up to this many days before the writing date is in the past (the
start of an absence already under way), not the same day next year."""


@dataclass(frozen=True)
class Deferral:
    """A date a prospect asked us to wait for, and the words that said so."""

    until: date
    """The first day we may write again."""
    phrase: str
    """The words in the reply that named the date (lower case)."""
    rule: str
    """Which rule read them: ``quarter``, ``season``, ``holiday``, ``relative`` or ``date``."""
    language: str
    doubt: str | None = None
    """Why a person checks the reading, when the words read two ways ("04/01/2027": 4 January
    or 1 April); ``None`` when they read one way."""


def _alt(words: Any) -> str:
    ordered = sorted({str(w).lower() for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in ordered) + ")"


def _word(pattern: str) -> str:
    return rf"(?<!\w){pattern}(?!\w)"


@dataclass(frozen=True)
class _Lang:
    code: str
    raw: dict[str, Any]
    quarter: tuple[re.Pattern[str], ...]
    next_period: tuple[re.Pattern[str], ...]
    in_n: re.Pattern[str]
    season: re.Pattern[str]
    holiday: re.Pattern[str]
    month_date: re.Pattern[str]
    first_week: re.Pattern[str] | None
    weekday_day: re.Pattern[str]
    weekday_cue: re.Pattern[str]
    """A return or wait word ("back", "ab", "à partir de") at the end of a text."""
    weekday: re.Pattern[str]
    """A weekday named alone ("back Monday", "bis Montag", "lundi prochain")."""
    day_alone: re.Pattern[str]
    """A day of the month with no month ("after the 15th", "nach dem 15.", "après le 15")."""
    mid: re.Pattern[str] | None
    """The words for the middle of a month ("mid-January", "Mitte Januar"), at the end of a text."""
    end: re.Pattern[str] | None
    """The words for the end of a month ("end of January", "Ende Januar"), at the end of a text."""
    month_end: re.Pattern[str] | None
    """The end of the month they write in ("end of the month", "fin de mes", "Monatsende")."""
    later_this_month: re.Pattern[str] | None
    """Later in the month they write in ("later this month", "plus tard dans le mois")."""
    event_after: re.Pattern[str] | None
    """An "after" word before an event ("after the launch"), which the reply may date."""
    spans: re.Pattern[str] | None
    """Idioms counted in days after an "in" word ("dans quinze jours" = 14 days)."""
    week_after_next: re.Pattern[str] | None
    tomorrow: re.Pattern[str] | None
    """"tomorrow" after a return cue ("back tomorrow", "ab morgen")."""
    week_number: re.Pattern[str] | None
    """An ISO week number ("KW 15", "week 15")."""
    half_year: re.Pattern[str] | None
    after: re.Pattern[str] | None
    """This language's own "after" words that mean something else in another ("na": Dutch
    "after", Portuguese "in the"): read only in this language's patterns and in its records."""


@dataclass(frozen=True)
class _Bank:
    langs: tuple[_Lang, ...]
    after: re.Pattern[str]
    until: re.Pattern[str]
    through: re.Pattern[str]
    inclusive: re.Pattern[str]
    done: re.Pattern[str]
    """Words after a period that say it is over ("once Q1 closes", "wenn Q1 abgeschlossen ist")."""
    after_words: tuple[str, ...]
    settings: dict[str, Any]
    seasons: dict[str, tuple[int, int]]
    holidays: dict[str, dict[str, Any]]
    southern: tuple[str, ...]
    generic: dict[str, dict[str, Any]]
    """Holiday words (and "after" words) of languages read by dateparser alone (``[generic]``)."""


def _month_date(code: str, months: str) -> str:
    if code == "en":
        return (
            rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?<!\w)(?P<m>{months})\.?(?!\w)"
            r"(?:\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?![\d:]))?(?:,?\s+(?P<y>20\d\d))?"
        )
    if code in ("es", "pt"):
        return (
            rf"(?:(?P<d1>\d{{1,2}})º?\s+(?:de\s+)?)?(?<!\w)(?P<m>{months})(?!\w)"
            r"(?:\s+(?:(?:de|del)\s+)?(?P<y>20\d\d))?"
        )
    if code == "fr":
        return rf"(?:(?P<d1>\d{{1,2}}|1er)\s+)?(?<!\w)(?P<m>{months})(?!\w)(?:\s+(?P<y>20\d\d))?"
    if code == "de":
        return rf"(?:(?P<d1>\d{{1,2}})\.\s*)?(?<!\w)(?P<m>{months})(?!\w)(?:\s+(?P<y>20\d\d))?"
    return rf"(?:(?P<d1>\d{{1,2}})°?\s+)?(?<!\w)(?P<m>{months})(?!\w)(?:\s+(?P<y>20\d\d))?"


def _compile_lang(
    code: str, raw: dict[str, Any], approx: list[str], after_words: list[str]
) -> _Lang:
    ords = _alt(raw["ordinals"])
    qw = _alt(raw["quarter_words"])
    year = r"(?:\s*(?:of|de|del|/|,)?\s*(?P<y>20\d\d))?"
    quarter = [re.compile(rf"(?<!\w)(?P<o>{ords})\s*{qw}(?!\w){year}")]
    if code == "en":  # "Q3", "T3" (trimestre): the same in every language, scanned once
        quarter.insert(0, re.compile(_word(r"(?:q|t)\s?(?P<n>[1-4])") + year))
    units = _alt(raw["units"])
    nexts = []
    if raw["next_before"]:
        nexts.append(re.compile(_word(rf"{_alt(raw['next_before'])}\s+(?P<u>{units}|{qw})")))
    if raw["next_after"]:
        nexts.append(re.compile(_word(rf"(?P<u>{units}|{qw})\s+{_alt(raw['next_after'])}")))
    numbers = _alt(raw["numbers"])
    about = rf"(?:{_alt(approx)}\s+)?"  # "in about two weeks": the count as it is
    in_n = rf"{_alt(raw['in_words'])}\s+{about}(?P<n>\d{{1,3}}|{numbers})\s+(?P<u>{units})"
    if raw["from_now"]:
        ago = rf"(?P<n2>\d{{1,3}}|{numbers})\s+(?P<u2>{units})\s+{_alt(raw['from_now'])}"
        in_n = rf"(?:{in_n}|{ago})"
    return _Lang(
        code=code,
        raw=raw,
        quarter=tuple(quarter),
        next_period=tuple(nexts),
        in_n=re.compile(_word(in_n)),
        season=re.compile(_word(f"(?P<s>{_alt(raw['seasons'])})")),
        holiday=re.compile(_word(f"(?P<h>{_alt(raw['holidays'])})")),
        month_date=re.compile(_month_date(code, _alt(raw["months"]))),
        first_week=_first_week(raw),
        weekday=_weekday_alone(raw),
        weekday_cue=re.compile(_word(_alt(raw.get("weekday_cues") or [chr(0)])) + r"\s*$"),
        day_alone=re.compile(
            rf"(?<!\w)(?:{_alt(raw['day_words'] or ['the'])})\s+"
            r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|\.)?"
            rf"(?![\d./:h-])(?!\s*(?:am|pm|uhr|h|{_alt(raw['months'])})(?!\w))"
        ),
        mid=re.compile(_alt(raw["mid"]) + r"\s*$") if raw.get("mid") else None,
        end=re.compile(_word(_alt(raw["end"])) + r"\s*$") if raw.get("end") else None,
        month_end=_maybe(raw.get("month_end"), _word),
        later_this_month=_maybe(raw.get("later_this_month"), _word),
        after=re.compile(_word(_alt(raw["after"])) + r"[\s\w']{0,6}$")
        if raw.get("after")
        else None,
        event_after=_maybe(
            raw.get("events"),
            lambda w: _word(rf"{_alt(after_words)}\s+(?:[\w']+\s+){{0,2}}?{w}"),
        ),
        spans=_maybe(
            raw.get("spans"),
            lambda w: _word(rf"{_alt(raw['in_words'])}\s+{about}(?P<s>{w})"),
        ),
        week_after_next=_maybe(raw.get("week_after_next"), lambda w: _word(w)),
        tomorrow=_maybe(
            raw.get("tomorrow"),
            lambda w: _word(rf"{_alt(raw.get('weekday_cues') or [chr(0)])}\s+{w}"),
        ),
        week_number=_maybe(
            raw.get("week_numbers"), lambda w: rf"(?<!\w){w}\s*(?P<n>\d{{1,2}})(?![\d:/]|\.\d)"
        ),
        half_year=_maybe(raw.get("half_years"), lambda w: _word(f"(?P<h>{w})")),
        weekday_day=re.compile(
            rf"(?<!\w)(?P<w>{_alt(raw['weekdays'])}),?\s+(?:{_alt(raw['day_words'])}\s+)?"
            r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|\.)?(?![\d./:h-])(?!\s*(?:am|pm|uhr|h)(?!\w))"
        ),
    )


def _maybe(words: Any, pattern: Callable[[str], str]) -> re.Pattern[str] | None:
    """``pattern`` over the alternation of ``words``, or ``None`` when the data lists none."""
    return re.compile(pattern(_alt(words))) if words else None


def _weekday_alone(raw: dict[str, Any]) -> re.Pattern[str]:
    """A weekday with a cue word before it (``weekday_cues``) or a "next" word after it."""
    days = _alt(raw["weekdays"])
    cues = _alt(raw.get("weekday_cues") or ["\x00"])
    nxt = _alt(raw["next_after"] or ["\x00"])
    return re.compile(
        rf"(?<!\w)(?:(?P<cue>{cues})\s+(?P<w>{days})|(?P<w2>{days})\s+{nxt})(?!\w)"
        r"(?!,?\s+(?:\w+\s+)?\d)"  # "Monday 30" / "lundi le 7": weekday_day reads those
    )


def _first_week(raw: dict[str, Any]) -> re.Pattern[str] | None:
    """The "first week of <month>" phrases (``first_week`` in the data).

    ``{n}`` is an ordinal (``ordinals``: the first, second... week) and ``{m}`` a month.
    """
    phrases = [str(p) for p in raw.get("first_week", [])]
    if not phrases:
        return None
    months = _alt(raw["months"])
    ords = _alt(raw["ordinals"])
    alts = sorted(phrases, key=len, reverse=True)
    parts = [
        re.escape(p)
        .replace(re.escape("{m}"), f"(?P<m{i}>{months})")
        .replace(re.escape("{n}"), f"(?P<n{i}>{ords})")
        for i, p in enumerate(alts)
    ]
    return re.compile(_word("(?:" + "|".join(parts) + ")"))


@cache
def _bank() -> _Bank:
    raw = load_pack("deferrals")
    mods = raw["modifiers"]
    return _Bank(
        langs=tuple(
            _compile_lang(c, raw["languages"][c], mods["approx"], mods["after"]) for c in LANGUAGES
        ),
        after=re.compile(_word(_alt(mods["after"])) + r"[\s\w']{0,6}$"),
        until=re.compile(_word(_alt(mods["until"])) + r"[\s\w']{0,6}$"),
        through=re.compile(_word(_alt(mods["through"])) + r"[\s\w']{0,6}$"),
        after_words=tuple(mods["after"]),
        inclusive=re.compile(r"^[\s,.)(（）]{0,3}(?:[^\W\d]+[\s)）]+)?" + _alt(mods["inclusive"])),
        done=re.compile(r"^\s*(?:[\w']+\s+){0,2}?" + _word(_alt(mods["done"]))),
        settings=raw["settings"],
        seasons={k: (int(v[0]), int(v[1])) for k, v in raw["seasons"].items()},
        holidays=raw["holidays"],
        southern=tuple(raw["settings"]["southern_zones"]),
        generic=raw.get("generic", {}),
    )


def is_southern(timezone: str | None) -> bool:
    """True when ``timezone`` (an IANA name) is in the southern hemisphere (seasons flip)."""
    return bool(timezone) and any(str(timezone).startswith(z) for z in _bank().southern)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_after(start: tuple[int, int], after: date) -> date:
    return _next_on_or_after(start[0], start[1], after)


def _next_on_or_after(month: int, day: int, after: date) -> date:
    """The first ``month``/``day`` strictly after ``after``."""
    for year in (after.year, after.year + 1):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a day of next year is after any day of this one")


def _same_period(written: date) -> date:
    return written + timedelta(days=int(_bank().settings["same_period_days"]))


def _quarter(n: int, year: int | None, written: date, after: bool) -> date:
    if after:
        n, year = (1, year + 1 if year else None) if n == 4 else (n + 1, year)
    if year:
        return date(year, 3 * (n - 1) + 1, 1)
    start = date(written.year, 3 * (n - 1) + 1, 1)
    if start <= written < _add_months(start, 3):
        return _same_period(written)
    return start if start > written else date(written.year + 1, start.month, 1)


def _season(name: str, written: date, after: bool, southern: bool) -> date:
    bank = _bank()
    if name == "rentree":
        return _next_after(bank.seasons["rentree"], written)
    order = ["spring", "summer", "autumn", "winter"]
    starts: dict[str, tuple[int, int]] = {}
    for key in order:
        month, day = bank.seasons[key]
        if southern:
            month = (month + 5) % 12 + 1
        starts[key] = (month, day)
    following = order[(order.index(name) + 1) % 4]
    # The season's current or next occurrence: its latest start on or before ``written``, if we
    # are still inside it, else its next start.
    start = _next_after(starts[name], written - timedelta(days=366))
    while _next_after(starts[name], start) <= written:
        start = _next_after(starts[name], start)
    end = _next_after(starts[following], start)
    if written >= end:  # that one is over: the next occurrence
        start = _next_after(starts[name], written)
        end = _next_after(starts[following], start)
    if after:
        return end
    return start if start > written else _same_period(written)


def _holiday_day(spec: dict[str, Any], year: int) -> date | None:
    """The holiday's day in ``year`` (see ``[holidays]`` in the data), or ``None``."""
    if "easter_offset" in spec:
        day: date = easter(year) + timedelta(days=int(spec["easter_offset"]))
        return day
    if "nth_weekday" in spec:  # n = -1: the last such weekday of the month
        month, weekday, n = (int(x) for x in spec["nth_weekday"])
        offset = timedelta(days=int(spec.get("offset", 0)))
        if n < 0:
            last = date(year, month, calendar.monthrange(year, month)[1])
            return last - timedelta(days=(last.weekday() - weekday) % 7) + offset
        first = date(year, month, 1)
        first += timedelta(days=(weekday - first.weekday()) % 7)
        return first + timedelta(weeks=n - 1) + offset
    if "weekday_on_or_after" in spec:
        month, day_of, weekday = (int(x) for x in spec["weekday_on_or_after"])
        start = date(year, month, day_of)
        return start + timedelta(days=(weekday - start.weekday()) % 7)
    if "by_year" in spec:
        row = spec["by_year"].get(str(year))
        return date(year, int(row[0]), int(row[1])) if row else None
    return date(year, int(spec["date"][0]), int(spec["date"][1]))


def _first_workday_after(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _holiday(name: str, written: date, after: bool) -> date | None:
    """The holiday's next day after ``written`` (``after``: the day after it)."""
    spec = _bank().holidays[name]
    if "first_workday_after" in spec:  # a break ("the holidays"), not a day
        month, day = (int(x) for x in spec["first_workday_after"])
        if written.month in (6, 7, 8):
            return _next_after((int(spec["in_summer"][0]), int(spec["in_summer"][1])), written)
        if written.month in (11, 12) or written.month == 1 and written.day < 7:
            year = written.year + 1 if written.month > month else written.year
            end = _first_workday_after(date(year, month, day))
            if end > written:
                return end
        return written + timedelta(days=int(spec["otherwise_days"]))
    for year in (written.year - 1, written.year, written.year + 1):
        day_of = _holiday_day(spec, year)
        if day_of is None:
            continue
        until = day_of + timedelta(days=1) if after else day_of
        if until > written:
            return until
    return None


def _relative(unit: str, n: int, written: date, next_period: bool) -> date:
    if next_period:
        if unit == "week":
            return written + timedelta(days=7 - written.weekday())
        if unit == "month":
            return _add_months(written.replace(day=1), 1)
        return date(written.year + 1, 1, 1)
    if unit == "day":
        return written + timedelta(days=n)
    if unit == "week":
        return written + timedelta(weeks=n)
    if unit == "month":
        return _add_months(written, n)
    return _add_months(written, 12 * n)


def _settings(written: datetime, order: str) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": written.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": order,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _parse_date(span: str, lang: _Lang, written: datetime, order: str) -> date | None:
    parsed = dateparser.parse(span, languages=[lang.code], settings=_settings(written, order))
    return parsed.date() if parsed else None


def _number(token: str, lang: _Lang) -> int:
    return int(token) if token.isdigit() else int(lang.raw["numbers"][token])


class _Scan:
    """One reply's candidate dates in one language."""

    def __init__(self, text: str, written: datetime, southern: bool, order: str | None) -> None:
        self.text = text
        self.written = written
        self.day = written.date()
        self.southern = southern
        self.order = order
        self.found: list[Deferral] = []
        self.past: list[str] = []
        """Dates named that were already over when the reply was written."""
        self.taken: list[tuple[int, int]] = []
        self.own: _Lang | None = None
        """The record's language, when the phrase bank holds it (its own "after" words)."""

    def _free(self, m: re.Match[str]) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in self.taken)

    def _before(self, m: re.Match[str]) -> str:
        window = int(_bank().settings["modifier_window"])
        return self.text[max(0, m.start() - window) : m.start()]

    def _after(self, m: re.Match[str], lang: _Lang | None = None, *, day: bool = True) -> bool:
        """True when we may write only the day after the named day or period.

        "after X", "through X" and "X inclusive" name the last day they are away; "inclusive"
        is read after a ``day`` only (not after "Urlaub" in "Urlaub bis einschließlich 12. März").
        """
        bank = _bank()
        before = self._before(m)
        if bank.after.search(before) or bank.through.search(before):
            return True
        own = [x.after for x in (lang, self.own) if x is not None and x.after is not None]
        if any(pattern.search(before) for pattern in own):
            return True
        if bank.done.match(self.text[m.end() : m.end() + 30]):  # "once Q1 closes"
            return True
        return day and bool(bank.inclusive.match(self.text[m.end() : m.end() + 30]))

    def _recounted(self, m: re.Match[str], lang: _Lang) -> bool:
        """A month or season named in a sentence that recounts the past ("bought in October").

        It dates what happened, not when to write: the span is taken and no date is read.
        """
        if recounts_past(self.text, m.start(), m.end(), lang.code):
            self.taken.append((m.start(), m.end()))
            return True
        return False

    def add(
        self, m: re.Match[str], until: date | None, rule: str, lang: str, doubt: str | None = None
    ) -> None:
        if until is None:
            return
        if until <= self.day:
            self.taken.append((m.start(), m.end()))
            self.past.append(m.group(0).strip())
            return
        self.taken.append((m.start(), m.end()))
        self.found.append(Deferral(until, m.group(0).strip(), rule, lang, doubt))

    def run(self, lang: _Lang) -> None:
        for pattern in lang.quarter:
            for m in pattern.finditer(self.text):
                if not self._free(m):
                    continue
                n = int(m.group("n")) if "n" in m.groupdict() else lang.raw["ordinals"][m["o"]]
                year = int(m["y"]) if m["y"] else None
                self.add(m, _quarter(n, year, self.day, self._after(m, lang)), "quarter", lang.code)
        for pattern in lang.next_period:
            for m in pattern.finditer(self.text):
                if not self._free(m):
                    continue
                unit = m["u"]
                if unit in lang.raw["quarter_words"]:
                    start = date(self.day.year, 3 * ((self.day.month - 1) // 3) + 1, 1)
                    self.add(m, _add_months(start, 3), "quarter", lang.code)
                else:
                    until = _relative(lang.raw["units"][unit], 1, self.day, True)
                    self.add(m, until, "relative", lang.code)
        self._spans(lang)
        self._this_month(lang)
        for m in lang.in_n.finditer(self.text):
            token, unit = m.groupdict().get("n") or m["n2"], m.groupdict().get("u") or m["u2"]
            if token and unit and self._free(m):
                until = _relative(lang.raw["units"][unit], _number(token, lang), self.day, False)
                self.add(m, until, "relative", lang.code)
        for m in lang.season.finditer(self.text):
            if self._free(m) and not self._recounted(m, lang):
                name = lang.raw["seasons"][m["s"]]
                until = _season(name, self.day, self._after(m, lang, day=False), self.southern)
                self.add(m, until, "season", lang.code)
        for m in lang.holiday.finditer(self.text):
            name = lang.raw["holidays"][m["h"]]
            after = self._after(m, lang, day=False)
            if self._free(m) and (name == "new_year" or after):
                ends = _holiday(name, self.day, after)
                if ends is not None:
                    ends = self._weekday_before(m, lang, ends)
                self.add(m, ends, "holiday", lang.code)
        if lang.first_week is not None:
            for m in lang.first_week.finditer(self.text):
                if self._free(m):
                    groups = {k[0]: v for k, v in m.groupdict().items() if v}
                    week = _first_week_start(groups["m"], lang, self.written)
                    if week is not None:
                        week += timedelta(weeks=int(lang.raw["ordinals"][groups["n"]]) - 1)
                    self.add(m, week, "date", lang.code)
        for m in lang.month_date.finditer(self.text):
            if self._free(m):
                self._month_date(m, lang)
        for m in lang.weekday_day.finditer(self.text):
            if self._free(m):
                weekday = int(lang.raw["weekdays"][m["w"]])
                named = _weekday_day(weekday, int(m["d"]), self.day)
                if named is not None and self._after(m, lang):
                    named += timedelta(days=1)
                self.add(m, named, "date", lang.code)
        for m in lang.weekday.finditer(self.text):
            if self._free(m) and not self._recounted(m, lang):
                weekday = int(lang.raw["weekdays"][m["w"] or m["w2"]])
                named = self.day + timedelta(days=(weekday - self.day.weekday() - 1) % 7 + 1)
                cue = m["cue"] or ""
                after = bool(_bank().after.search(cue + " ")) or self._after(m, lang)
                self.add(m, named + timedelta(days=1) if after else named, "weekday", lang.code)
        for m in lang.day_alone.finditer(self.text):
            before = self._before(m)
            bank = _bank()
            cued = bank.after.search(before) or bank.through.search(before)
            cued = cued or bank.until.search(before) or lang.weekday_cue.search(before)
            if self._free(m) and cued:
                named = _day_of_month(int(m["d"]), self.day)
                if named is not None and self._after(m, lang):
                    named += timedelta(days=1)
                self.add(m, named, "date", lang.code)

    def _this_month(self, lang: _Lang) -> None:
        """The end of the month they write in, or later in it.

        "End of the month" is over when the next month starts: its first day. "Later this month"
        is the later of a week on and the 15th, within the month.
        """
        first_next = _add_months(self.day.replace(day=1), 1)
        if lang.month_end is not None:
            for m in lang.month_end.finditer(self.text):
                if self._free(m):
                    self.add(m, first_next, "relative", lang.code)
        if lang.later_this_month is not None:
            for m in lang.later_this_month.finditer(self.text):
                if self._free(m):
                    later = max(self.day + timedelta(days=7), self.day.replace(day=15))
                    until = min(later, first_next - timedelta(days=1))
                    self.add(m, until, "relative", lang.code)

    def _spans(self, lang: _Lang) -> None:
        """Idioms in days, the week after next, "back tomorrow", ISO weeks and half years."""
        code = lang.code
        if lang.spans is not None:
            for m in lang.spans.finditer(self.text):
                if self._free(m):
                    days = int(lang.raw["spans"][m["s"]])
                    self.add(m, self.day + timedelta(days=days), "relative", code)
        if lang.week_after_next is not None:
            for m in lang.week_after_next.finditer(self.text):
                if self._free(m):
                    monday = self.day + timedelta(days=7 - self.day.weekday())
                    self.add(m, monday + timedelta(weeks=1), "relative", code)
        if lang.tomorrow is not None:
            for m in lang.tomorrow.finditer(self.text):
                if self._free(m):
                    self.add(m, self.day + timedelta(days=1), "relative", code)
        if lang.week_number is not None:
            for m in lang.week_number.finditer(self.text):
                if self._free(m) and 1 <= int(m["n"]) <= 53:
                    self.add(m, _iso_week(int(m["n"]), self.day), "date", code)
        if lang.half_year is not None:
            for m in lang.half_year.finditer(self.text):
                if self._free(m):
                    half = int(lang.raw["half_years"][m["h"]])
                    until = _half_year(half, self.day, self._after(m, lang, day=False))
                    self.add(m, until, "quarter", code)

    def _weekday_before(self, m: re.Match[str], lang: _Lang, day: date) -> date:
        """``day`` moved to the weekday named just before "after" ("Montag nach Neujahr")."""
        before = self.text[max(0, m.start() - 30) : m.start()]
        days = _alt(lang.raw["weekdays"])
        found = re.search(
            rf"(?<!\w)(?P<w>{days})\s+{_alt(_bank().after_words)}\s+[\w']*\s*$", before
        )
        if not found:
            return day
        weekday = int(lang.raw["weekdays"][found["w"]])
        return day + timedelta(days=(weekday - day.weekday()) % 7)

    def _month_date(self, m: re.Match[str], lang: _Lang) -> None:
        groups = m.groupdict()
        has_day = bool(groups.get("d1") or groups.get("d2"))
        month_word = m["m"]
        before = self._before(m)
        if not has_day and self._recounted(m, lang):
            return
        if month_word in lang.raw["needs_cue"] and not has_day:
            cues = lang.raw["cues"]
            if not cues or not re.search(_word(_alt(cues)) + r"\s*$", before):
                return
        order = self.order or lang.raw["date_order"]
        parsed = _parse_date(m.group(0), lang, self.written, order)
        if parsed is None:
            return
        after = self._after(m, lang)
        if not has_day:
            first = parsed.replace(day=1)
            if not groups.get("y"):  # the month's next start, or this month if we are in it
                first = date(self.day.year, first.month, 1)
                if first.month != self.day.month and first <= self.day:
                    first = first.replace(year=first.year + 1)
            mid = lang.mid is not None and lang.mid.search(before)
            end = lang.end is not None and lang.end.search(before)
            if mid and not after:  # "mid-January", "Mitte Januar": the 15th
                until = first.replace(day=15)
                if until <= self.day:
                    until = _add_months(until, 12)
            elif end:  # "end of January", "Ende Januar": the month is over, the next one starts
                until = _add_months(first, 1)
            elif first.month == self.day.month and first.year == self.day.year:
                until = _add_months(first, 1) if after else _same_period(self.day)
            else:
                until = _add_months(first, 1) if after else first
        else:
            if not groups.get("y"):
                try:
                    this_year = date(self.day.year, parsed.month, parsed.day)
                except ValueError:
                    this_year = parsed
                if timedelta(0) <= self.day - this_year <= timedelta(days=RECENT_PAST_DAYS):
                    self.taken.append((m.start(), m.end()))  # a day just gone (a range's start)
                    return
            until = parsed + timedelta(days=1) if after else parsed
        self.add(m, until, "date", lang.code)

    def numeric(self, lang_order: str) -> None:
        for m in re.finditer(
            r"(?:(20\d\d)\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]", self.text
        ):
            found = self._numeric_day(int(m[2]), int(m[3]), "MDY", int(m[1]) if m[1] else None)
            if found is not None and found != date.min:  # 1月6日, 2027年1月6日, 1월 6일
                self.add(
                    m, found + timedelta(days=1) if self._after(m) else found, "date", "numeric"
                )
        for m in re.finditer(r"(?<![\d.:/-])(20\d\d)-(\d{1,2})-(\d{1,2})(?![\d:])", self.text):
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            self.add(m, day + timedelta(days=1) if self._after(m) else day, "date", "numeric")
        pattern = (  # not a figure: "3.2k", "1.5%"
            r"(?<![\d.:/,-])(\d{1,2})([./])(\d{1,2})(?:[./](\d{2,4}))?(?![\d.:/,]*\d)(?![%a-z])"
        )
        for m in re.finditer(pattern, self.text):
            a, b = int(m[1]), int(m[3])
            year = int(m[4]) if m[4] else None
            if year is not None and year < 100:
                year += 2000
            # Day first unless the language writes month first; a dot is always day first
            # (4.1.2027). In English both are written (US 01/04, UK 04/01): when both readings
            # are dates to come, the nearer one (an absence or a wait is more often weeks than
            # months).
            orders = ["DMY"] if m[2] == "." or lang_order != "MDY" else ["MDY", "DMY"]
            readings = [r for o in orders if (r := self._numeric_day(a, b, o, year)) is not None]
            if not readings:
                continue
            day = min(readings)
            if day == date.min:
                continue  # a day just gone ("out from 12/21" written on the 22nd): no wait
            doubt = None
            if len(set(readings)) > 1:
                other = max(readings)
                doubt = (
                    f"'{m.group(0)}' reads as {day.isoformat()} or {other.isoformat()}: "
                    f"took the nearer ({day.isoformat()})"
                )
            until = day + timedelta(days=1) if self._after(m) else day
            self.add(m, until, "date", "numeric", doubt)

    def after_event(self) -> None:
        """An event the reply dates ("after the launch"): the day after that date.

        An "after" word before an event noun (``events`` in the data), in a reply whose latest
        date names a day (not a month alone: "after the launch in April" stays April).
        """
        dated = [
            d
            for d in self.found
            if d.rule in ("date", "numeric") and any(c.isdigit() for c in d.phrase)
        ]
        if not dated:
            return
        latest = max(dated, key=lambda d: d.until)
        for lang in _bank().langs:
            if lang.event_after is None:
                continue
            m = lang.event_after.search(self.text)
            if m is not None and self._free(m):
                until = latest.until + timedelta(days=1)
                self.found.append(Deferral(until, m.group(0).strip(), "event", lang.code))
                return

    def generic(self, code: str) -> None:
        """Dates in a language the phrase bank does not hold, read by ``dateparser`` alone.

        Only dates to come count (a word such as "today" is no wait); the "after", "through"
        and "inclusive" words of every language still move the date one day on.
        """
        settings = _settings(self.written, "DMY")
        try:
            hits = search_dates(self.text, languages=[code], settings=settings)
        except (ValueError, KeyError):  # a language dateparser does not know
            return
        horizon = self.day + timedelta(days=366 * int(_bank().settings["max_years_ahead"]))
        for words, found in hits or []:
            m = re.search(re.escape(words), self.text)
            when = found
            day_dot = re.search(r"(?<!\d)(\d{1,2})\.\s+$", self.text[: m.start()]) if m else None
            if m is not None and day_dot and not words[:1].isdigit():
                # "13. mája 2028": the search read the month alone; read the day with it
                whole = dateparser.parse(
                    f"{day_dot[1]} {words}", languages=[code], settings=settings
                )
                when = whole or found
            if m is None or not self._free(m) or not _generic_date(m, self.text):
                continue
            if when.date() <= self.day and re.search(r"20\d\d", words):
                self.add(m, when.date(), "date", code)  # a dated day already over: reported
                continue
            if not self.day < when.date() <= horizon:
                continue
            if not re.search(r"20\d\d", words) and _recent(when.date(), self.day):
                self.taken.append((m.start(), m.end()))  # a day just gone, read as next year's
                continue
            until = when.date() + timedelta(days=1) if self._after(m) else when.date()
            self.add(m, until, "date", code)
        spec = _bank().generic.get(code)
        if spec:
            self._generic_words(spec, code)

    def _generic_words(self, spec: dict[str, Any], code: str) -> None:
        """The ``[generic]`` words of a language: holidays, seasons and relative periods."""
        after = _alt(list(spec.get("after", [])) + list(_bank().after_words))
        if spec.get("holidays"):
            names = _alt(spec["holidays"])
            post = _alt(spec.get("after_post") or [chr(0)])  # "お盆明け", "春节后": after follows
            pattern = rf"{after}\s*(?P<h>{names})|(?P<h2>{names})\s*{post}"
            for m in re.finditer(pattern, self.text):
                if self._free(m):
                    name = spec["holidays"][m["h"] or m["h2"]]
                    self.add(m, _holiday(name, self.day, after=True), "holiday", code)
        if spec.get("seasons"):
            pattern = rf"(?P<a>{after}\s*)?(?<!\w)(?P<s>{_alt(spec['seasons'])})(?!\w)"
            for m in re.finditer(pattern, self.text):
                if self._free(m):
                    name = spec["seasons"][m["s"]]
                    self.add(
                        m, _season(name, self.day, bool(m["a"]), self.southern), "season", code
                    )
        if spec.get("relative"):
            parts = _alt(spec.get("parts") or [chr(0)])
            days = _alt(spec.get("weekdays") or [chr(0)])
            joint = _alt(spec.get("joiners") or [chr(0)])  # "来週の水曜", "下个月的中旬"
            pattern = (
                rf"(?P<r>{_alt(spec['relative'])})(?:{joint})?(?:(?P<p>{parts})|(?P<w>{days}))?"
            )
            for m in re.finditer(pattern, self.text):
                if self._free(m):
                    unit, n = spec["relative"][m["r"]]
                    until = _relative_cjk(str(unit), int(n), self.day, m, spec)
                    self.add(m, until, "relative", code)

    def _numeric_day(self, a: int, b: int, order: str, year: int | None) -> date | None:
        month, day_n = (a, b) if order == "MDY" else (b, a)
        try:
            day = date(year or self.day.year, month, day_n)
        except ValueError:
            return None
        if year is None and day <= self.day:
            if self.day - day <= timedelta(days=RECENT_PAST_DAYS):
                return date.min
            day = day.replace(year=day.year + 1)
        return day


def _recent(day: date, written: date) -> bool:
    """True when ``day`` a year earlier is at most ``RECENT_PAST_DAYS`` before ``written``."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day - timedelta(days=365)
    return timedelta(0) <= written - earlier <= timedelta(days=RECENT_PAST_DAYS)


def _generic_date(m: re.Match[str], text: str) -> bool:
    """True when what dateparser read can be a date.

    Not a number alone ("20%"), a clock time ("o 18:00") or the text's first word (a greeting's
    name: "Марта, добрый день").
    """
    words = m.group(0).strip()
    if re.fullmatch(r"\W*\d+\W*", words) or ":" in words:
        return False
    if "%" in text[max(0, m.start() - 1) : m.end() + 1]:
        return False
    if not any(c.isdigit() for c in words) and (len(words) < 4 or not text[: m.start()].strip()):
        return False
    return True


def _weekday_day(weekday: int, day: int, written: date) -> date | None:
    """The first date after ``written`` that is day ``day`` of a month and a ``weekday``.

    ``weekday`` counts from 0 = Monday. When no such date comes within two years (a misremembered
    weekday), the next day ``day`` of any month.
    """
    months = [_add_months(written.replace(day=1), k) for k in range(25)]
    days = []
    for first in months:
        if day <= calendar.monthrange(first.year, first.month)[1]:
            days.append(first.replace(day=day))
    later = [d for d in days if d > written]
    for candidate in later:
        if candidate.weekday() == weekday:
            return candidate
    return later[0] if later else None


def _relative_cjk(unit: str, n: int, written: date, m: re.Match[str], spec: dict[str, Any]) -> date:
    """A relative period in a language without spaces ("来月中旬", "下下周一", "다음 주").

    The period ``n`` on, at its start, at its named part (the 15th for "中旬") or on its named
    weekday.
    """
    if unit == "day":
        return written + timedelta(days=n)
    if unit == "week":
        monday = written + timedelta(days=7 - written.weekday()) + timedelta(weeks=n - 1)
        return monday + timedelta(days=int(spec["weekdays"][m["w"]])) if m["w"] else monday
    if unit == "year":
        return date(written.year + n, 1, 1)
    first = _add_months(written.replace(day=1), n)
    return first.replace(day=int(spec["parts"][m["p"]])) if m["p"] else first


def _iso_week(week: int, written: date) -> date | None:
    """The Monday of ISO week ``week``: this year's when still to come, else next year's."""
    for year in (written.year, written.year + 1):
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:  # week 53 in a year of 52
            continue
        if monday + timedelta(days=6) > written:
            return monday if monday > written else _same_period(written)
    return None


def _half_year(half: int, written: date, after: bool) -> date:
    """The first day of the year's first (1) or second (2) half, or of the half after it."""
    if after:
        half, bump = (1, 1) if half == 2 else (2, 0)
    else:
        bump = 0
    start = date(written.year + bump, 1 if half == 1 else 7, 1)
    end = _add_months(start, 6)
    if start <= written < end:
        return _same_period(written)
    return start if start > written else date(start.year + 1, start.month, 1)


def _day_of_month(day: int, written: date) -> date | None:
    """The next day ``day`` of a month after ``written`` ("after the 15th")."""
    for k in range(3):
        first = _add_months(written.replace(day=1), k)
        if (
            day <= calendar.monthrange(first.year, first.month)[1]
            and first.replace(day=day) > written
        ):
            return first.replace(day=day)
    return None


def _first_week_start(month_word: str, lang: _Lang, written: datetime) -> date | None:
    """The start of the first working week of the month's next occurrence.

    The 1st when it falls Monday to Thursday (that week is mostly the month's), else the Monday
    after it.
    """
    parsed = _parse_date(month_word, lang, written, lang.raw["date_order"])
    if parsed is None:
        return None
    first = date(written.year, parsed.month, 1)
    if first <= written.date().replace(day=1):
        first = first.replace(year=first.year + 1)
    if first.weekday() <= 3:
        return first
    return first + timedelta(days=7 - first.weekday())


def normalise(text: str) -> str:
    """Lower case with straight apostrophes, ASCII digits and single spaces.

    What the patterns expect: "١٠ يناير" and "１０日" carry the same numbers as "10".
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = "".join(
        str(unicodedata.digit(c)) if c.isdecimal() and not c.isascii() else c for c in text
    )
    return " ".join(text.split())


def _scan(text: str, written_at: datetime, language: str | None, timezone: str | None) -> _Scan:
    # Only the words they wrote now: a date in a quoted mail or a signature decides nothing.
    scan = _Scan(normalise(fresh_text(text)), written_at, is_southern(timezone), None)
    code = (language or "en").split("-")[0].lower()
    # Most of the world writes the day first; of the languages read here only English may not.
    order = {lang.code: lang.raw["date_order"] for lang in _bank().langs}.get(code, "DMY")
    scan.own = next((lang for lang in _bank().langs if lang.code == code), None)
    scan.numeric(order)
    if code not in LANGUAGES:  # its own language first: "7 oktober" is Swedish, not German
        scan.generic(code)
    ordered = sorted(_bank().langs, key=lambda lang: lang.code != code)  # the record's first
    for lang in ordered:
        scan.run(lang)
    scan.after_event()
    return scan


def find_deferrals(
    text: str,
    written_at: datetime,
    *,
    language: str | None = None,
    timezone: str | None = None,
) -> list[Deferral]:
    """Every future date that ``text`` names, resolved relative to ``written_at``.

    Args:
        text: The prospect's words (any of ``LANGUAGES``; all are tried).
        written_at: When the prospect wrote them (relative phrases count from here).
        language: The record's language, if known: decides ambiguous numeric dates (03/04).
        timezone: The prospect's IANA timezone, if known: in the southern hemisphere the seasons
            are flipped ("after the summer" written in Brazil is March).

    Returns:
        The deferrals found, latest first; only dates after the day it was written.
    """
    scan = _scan(text, written_at, language, timezone)
    return sorted(scan.found, key=lambda d: d.until, reverse=True)


def past_dates(
    text: str,
    written_at: datetime,
    *,
    language: str | None = None,
    timezone: str | None = None,
) -> list[str]:
    """The dates ``text`` names that were already over when it was written (their words).

    A reply whose only date is in the past ("write to me after 3 March 2025") asks for no wait
    we can read: the caller says so and a person checks it.
    """
    return list(_scan(text, written_at, language, timezone).past)


def find_deferral(
    text: str,
    written_at: datetime,
    *,
    language: str | None = None,
    timezone: str | None = None,
) -> Deferral | None:
    """The latest date ``text`` asks us to wait for (see ``find_deferrals``), or ``None``."""
    found = find_deferrals(text, written_at, language=language, timezone=timezone)
    return found[0] if found else None
