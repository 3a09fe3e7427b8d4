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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import dateparser
from dateutil.easter import easter

from ipe.tools.learning.intent import recounts_past
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
    weekday_alone: re.Pattern[str]
    day_only: re.Pattern[str] | None


@dataclass(frozen=True)
class _Bank:
    langs: tuple[_Lang, ...]
    after: re.Pattern[str]
    until: re.Pattern[str]
    inclusive: re.Pattern[str]
    inclusive_before: re.Pattern[str]
    mid: re.Pattern[str]
    back: re.Pattern[str]
    settings: dict[str, Any]
    seasons: dict[str, tuple[int, int]]
    holidays: dict[str, dict[str, Any]]
    southern: tuple[str, ...]


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


def _compile_lang(code: str, raw: dict[str, Any]) -> _Lang:
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
    hedge = rf"(?:{_alt(raw['hedges'])}\s+)?" if raw.get("hedges") else ""
    in_n = rf"{_alt(raw['in_words'])}\s+{hedge}(?P<n>\d{{1,3}}|{numbers})\s+(?P<u>{units})"
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
        weekday_alone=re.compile(_word(f"(?P<w>{_alt(raw['weekdays'])})")),
        day_only=(
            re.compile(
                _word(
                    rf"{_alt(raw['day_only'])}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?(?![\d/.:])"
                )
            )
            if raw.get("day_only")
            else None
        ),
        weekday_day=re.compile(
            rf"(?<!\w)(?P<w>{_alt(raw['weekdays'])}),?\s+(?:{_alt(raw['day_words'])}\s+)?"
            r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|\.)?(?![\d./:h-])(?!\s*(?:am|pm|uhr|h)(?!\w))"
        ),
    )


def _first_week(raw: dict[str, Any]) -> re.Pattern[str] | None:
    """The "first week of <month>" phrases (``first_week`` in the data, ``{m}`` = a month)."""
    phrases = [str(p) for p in raw.get("first_week", [])]
    if not phrases:
        return None
    months = _alt(raw["months"])
    alts = sorted(phrases, key=len, reverse=True)
    slot = re.escape("{m}")
    parts = [re.escape(p).replace(slot, f"(?P<m{i}>{months})") for i, p in enumerate(alts)]
    return re.compile(_word("(?:" + "|".join(parts) + ")"))


@cache
def _bank() -> _Bank:
    raw = load_pack("deferrals")
    return _Bank(
        langs=tuple(_compile_lang(code, raw["languages"][code]) for code in LANGUAGES),
        after=re.compile(_word(_alt(raw["modifiers"]["after"])) + r"[\s\w']{0,6}$"),
        until=re.compile(_word(_alt(raw["modifiers"]["until"])) + r"[\s\w']{0,6}$"),
        inclusive=re.compile(r"^\W{0,3}" + _word(_alt(raw["modifiers"]["inclusive"]))),
        inclusive_before=re.compile(
            _word(_alt(raw["modifiers"]["inclusive_before"])) + r"[\s\w']{0,8}$"
        ),
        mid=re.compile(_word(_alt(raw["modifiers"]["mid"])) + r"[\s\-]{0,2}(?:de\s+|of\s+)?$"),
        back=re.compile(_word(_alt(raw["modifiers"]["back"])) + r"[\s\w']{0,8}$"),
        settings=raw["settings"],
        seasons={k: (int(v[0]), int(v[1])) for k, v in raw["seasons"].items()},
        holidays=raw["holidays"],
        southern=tuple(raw["settings"]["southern_zones"]),
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


def _holiday(name: str, written: date, language: str = "en") -> date:
    spec = _bank().holidays[name]
    if "easter_offset" in spec:  # moves with Easter: the first such day after ``written``
        offset = timedelta(days=int(spec["easter_offset"]))
        for year in (written.year, written.year + 1):
            day: date = easter(year) + offset
            if day > written:
                return day
    if "nth_weekday" in spec:  # fixed by a weekday: Thanksgiving, Black Friday, Cyber Monday
        month, weekday, nth = (int(v) for v in spec["nth_weekday"])
        for year in (written.year, written.year + 1):
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
            day += timedelta(days=int(spec.get("offset", 0)))
            if day > written:
                return day
    month_day = spec.get("by_language", {}).get(language, spec["date"])
    ends = (int(month_day[0]), int(month_day[1]))
    if name == "holidays":
        if written.month in (6, 7, 8):
            return _next_after((int(spec["in_summer"][0]), int(spec["in_summer"][1])), written)
        if not (written.month in (11, 12) or (written.month == 1 and written.day < ends[1])):
            return written + timedelta(days=int(spec["otherwise_days"]))
    day = _next_after(ends, written)
    while spec.get("working_day") and day.weekday() >= 5:
        day += timedelta(days=1)
    return day


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


def _parse_date(span: str, lang: _Lang, written: datetime, order: str) -> date | None:
    parsed = dateparser.parse(
        span,
        languages=[lang.code],
        settings={
            "RELATIVE_BASE": written.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": order,
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
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

    def _free(self, m: re.Match[str]) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in self.taken)

    def _before(self, m: re.Match[str]) -> str:
        window = int(_bank().settings["modifier_window"])
        return self.text[max(0, m.start() - window) : m.start()]

    def _after(self, m: re.Match[str]) -> bool:
        return bool(_bank().after.search(self._before(m)))

    def _inclusive(self, m: re.Match[str]) -> bool:
        """True when the date is said to be included ("4 décembre inclus", "through the 3rd")."""
        bank = _bank()
        return bool(
            bank.inclusive.search(self.text[m.end() : m.end() + 24])
            or bank.inclusive_before.search(self._before(m))
        )

    def _recounted(self, m: re.Match[str], lang: _Lang) -> bool:
        """A month or season named in a sentence that recounts the past ("bought in October").

        It dates what happened, not when to write: the span is taken and no date is read.
        """
        if recounts_past(self.text, m.start(), m.end(), lang.code):
            self.taken.append((m.start(), m.end()))
            return True
        return False

    def add(self, m: re.Match[str], until: date | None, rule: str, lang: str) -> None:
        if until is None:
            return
        if rule == "date" and self._inclusive(m):  # "until 4 December inclusive": back on the 5th
            until += timedelta(days=1)
        if until <= self.day:
            self.taken.append((m.start(), m.end()))
            self.past.append(m.group(0).strip())
            return
        self.taken.append((m.start(), m.end()))
        self.found.append(Deferral(until, m.group(0).strip(), rule, lang))

    def run(self, lang: _Lang) -> None:
        for pattern in lang.quarter:
            for m in pattern.finditer(self.text):
                if not self._free(m):
                    continue
                n = int(m.group("n")) if "n" in m.groupdict() else lang.raw["ordinals"][m["o"]]
                year = int(m["y"]) if m["y"] else None
                self.add(m, _quarter(n, year, self.day, self._after(m)), "quarter", lang.code)
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
        for m in lang.in_n.finditer(self.text):
            token, unit = m.groupdict().get("n") or m["n2"], m.groupdict().get("u") or m["u2"]
            if token and unit and self._free(m):
                until = _relative(lang.raw["units"][unit], _number(token, lang), self.day, False)
                self.add(m, until, "relative", lang.code)
        for m in lang.season.finditer(self.text):
            if self._free(m) and not self._recounted(m, lang):
                name = lang.raw["seasons"][m["s"]]
                until = _season(name, self.day, self._after(m), self.southern)
                self.add(m, until, "season", lang.code)
        for m in lang.holiday.finditer(self.text):
            name = lang.raw["holidays"][m["h"]]
            if self._free(m) and (name == "new_year" or self._after(m)):
                self.add(m, _holiday(name, self.day, lang.code), "holiday", lang.code)
        if lang.first_week is not None:
            for m in lang.first_week.finditer(self.text):
                if self._free(m):
                    word = next(v for k, v in m.groupdict().items() if k.startswith("m") and v)
                    self.add(m, _first_week_start(word, lang, self.written), "date", lang.code)
        for m in lang.month_date.finditer(self.text):
            if self._free(m):
                self._month_date(m, lang)
        for m in lang.weekday_day.finditer(self.text):
            if self._free(m):
                weekday = int(lang.raw["weekdays"][m["w"]])
                named = _weekday_day(weekday, int(m["d"]), self.day)
                if named is not None and self._after(m):
                    named += timedelta(days=1)
                self.add(m, named, "date", lang.code)
        bank = _bank()
        for m in lang.weekday_alone.finditer(self.text):  # "back Monday", "bis Montag"
            if self._free(m) and bank.back.search(self._before(m)):
                ahead = (int(lang.raw["weekdays"][m["w"]]) - self.day.weekday() - 1) % 7 + 1
                self.add(m, self.day + timedelta(days=ahead), "weekday", lang.code)
        if lang.day_only is not None:  # "after the 15th": the next such day of a month
            for m in lang.day_only.finditer(self.text):
                cue = self._after(m) or bank.back.search(self._before(m))
                if self._free(m) and cue:
                    named = _next_day_of_month(int(m["d"]), self.day)
                    if named is not None and self._after(m):
                        named += timedelta(days=1)
                    self.add(m, named, "date", lang.code)

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
        after = self._after(m)
        if not has_day and _bank().mid.search(before):  # "mid-January", "Mitte Januar": the 15th
            first = date(self.day.year, parsed.month, 15)
            if first <= self.day:
                first = first.replace(year=first.year + 1)
            self.add(m, first + timedelta(days=1) if after else first, "date", lang.code)
            return
        if not has_day:
            first = parsed.replace(day=1)
            if not groups.get("y"):  # the month's next start, or this month if we are in it
                first = date(self.day.year, first.month, 1)
                if first.month != self.day.month and first <= self.day:
                    first = first.replace(year=first.year + 1)
            if first.month == self.day.month and first.year == self.day.year:
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

    def numeric(self, lang_order: str, fixed: bool) -> None:
        for m in re.finditer(r"(?<![\d.:/-])(20\d\d)-(\d{1,2})-(\d{1,2})(?![\d:])", self.text):
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            self.add(m, day + timedelta(days=1) if self._after(m) else day, "date", "numeric")
        pattern = r"(?<![\d.:/,-])(\d{1,2})([./])(\d{1,2})(?:[./](\d{2,4}))?(?![\d.:/,]*\d)"
        for m in re.finditer(pattern, self.text):
            a, b = int(m[1]), int(m[3])
            year = int(m[4]) if m[4] else None
            if year is not None and year < 100:
                year += 2000
            orders = ["MDY", "DMY"] if a <= 12 and b <= 12 else []
            if m[2] == "." or (fixed and lang_order == "DMY") or a > 12:
                orders = ["DMY"]  # day first: dotted dates everywhere, and the language's order
            elif b > 12 or (fixed and lang_order == "MDY"):
                orders = ["MDY"]
            # either order (04/01 in English or an unknown language): the nearer future day
            found = [d for d in (_numeric_day(o, a, b, year, self.day) for o in orders) if d]
            if not found:
                continue
            day = min(found, key=lambda d: (d <= self.day, abs((d - self.day).days)))
            if year is None and day <= self.day:
                if self.day - day <= timedelta(days=RECENT_PAST_DAYS):
                    continue  # a day just gone ("out from 12/21" written on the 22nd): no wait
                day = day.replace(year=day.year + 1)
            self.add(m, day + timedelta(days=1) if self._after(m) else day, "date", "numeric")


def _numeric_day(order: str, a: int, b: int, year: int | None, written: date) -> date | None:
    """``a``/``b`` read in ``order`` (``MDY`` or ``DMY``), in ``year`` or the writing year."""
    month, day_n = (a, b) if order == "MDY" else (b, a)
    try:
        day = date(year or written.year, month, day_n)
    except ValueError:
        return None
    if year is None and written - day > timedelta(days=RECENT_PAST_DAYS):
        try:
            return day.replace(year=day.year + 1)  # no year: the next such day
        except ValueError:
            return None
    return day


def _next_day_of_month(day: int, written: date) -> date | None:
    """The first date after ``written`` that is day ``day`` of a month."""
    for k in range(0, 3):
        first = _add_months(written.replace(day=1), k)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate > written:
                return candidate
    return None


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
    """Lower case with straight apostrophes and single spaces (what the patterns expect)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(text.split())


def _scan(text: str, written_at: datetime, language: str | None, timezone: str | None) -> _Scan:
    scan = _Scan(normalise(text), written_at, is_southern(timezone), None)
    code = (language or "en").split("-")[0].lower()
    order = {lang.code: lang.raw["date_order"] for lang in _bank().langs}.get(code, "MDY")
    scan.numeric(order, fixed=code in LANGUAGES and code not in _bank().settings["either_order"])
    ordered = sorted(_bank().langs, key=lambda lang: lang.code != code)  # the record's first
    for lang in ordered:
        scan.run(lang)
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
