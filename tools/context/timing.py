"""When to send: a weekday inside working hours in the prospect's own time zone.

The zone comes from ``preferences.timezone`` (an IANA name or a UTC offset such as ``UTC+2``),
else from ``location`` through the table in ``tools/policies/timezones.toml``, else from the UTC
offset their earlier replies were written with. The window's figures are in
``tools/policies/relationship.toml`` (``[send_window]``). Times are computed with ``zoneinfo`` (the
``tzdata`` package supplies the database where the system has none), so daylight-saving changes
are the zone's own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ipe.domain import Prospect
from ipe.tools.policies import load_pack

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Zone:
    """The prospect's time zone and how we know it."""

    tz: tzinfo
    name: str
    """An IANA name (``Europe/Madrid``) or a fixed offset (``UTC-03:00``)."""
    source: str
    """Why this zone: ``preferences.timezone``, ``location 'Madrid'``, or their earlier replies."""


@cache
def _table() -> dict[str, Any]:
    return load_pack("timezones")


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().strip(" .")


def _fixed(sign: str, hours: str, minutes: str | None) -> timezone | None:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _offset_name(tz: timezone) -> str:
    offset = tz.utcoffset(None)
    total = int(offset.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    return f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def zone_named(value: str | None) -> tzinfo | None:
    """An IANA zone or a UTC offset (``UTC+2``, ``-03:00``) by name; ``None`` if unknown."""
    text = (value or "").strip()
    if not text:
        return None
    if text.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _OFFSET.match(text)
    if match:
        return _fixed(*match.groups())
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of_location(location: str | None) -> tuple[str, bool] | None:
    """The IANA zone of a place (most specific part first) and whether it was assumed."""
    if not location:
        return None
    table = _table()
    parts = [_plain(p) for p in re.split(r"[,/;|()]", location) if p.strip()]
    several = set(table["several_zones"]["countries"])
    candidates = parts + [_plain(location)]
    for part in candidates:
        for kind in ("cities", "regions"):
            if part in table[kind]:
                return str(table[kind][part]), False
    for part in reversed(candidates):
        if part in table["countries"]:
            return str(table["countries"][part]), part in several
    return None


def find_zone(prospect: Prospect, reply_times: list[datetime]) -> Zone | None:
    """The prospect's time zone, from their preference, their location or their replies."""
    preferred = prospect.preferences.timezone
    tz = zone_named(preferred)
    if tz is not None:
        name = _offset_name(tz) if isinstance(tz, timezone) else str(preferred).strip()
        return Zone(tz, name, "preferences.timezone")
    placed = zone_of_location(prospect.location)
    if placed is not None:
        name, assumed = placed
        why = f"location '{prospect.location}'"
        if assumed:
            why += ", a country with several zones: assumed its most populous"
        return Zone(ZoneInfo(name), name, why)
    offsets = [t.utcoffset() for t in reply_times if t.utcoffset()]
    if offsets:
        offset = Counter(offsets).most_common(1)[0][0]
        assert offset is not None
        fixed = timezone(offset)
        return Zone(fixed, _offset_name(fixed), "the UTC offset of their earlier replies")
    return None


def _settings() -> dict[str, Any]:
    return dict(load_pack("relationship")["send_window"])


def preferred_hour(zone: Zone, reply_times: list[datetime]) -> int | None:
    """The hour (local) they usually replied at, when it is inside working hours."""
    cfg = _settings()
    hours = [
        t.astimezone(zone.tz).hour
        for t in reply_times
        if cfg["start_hour"] <= t.astimezone(zone.tz).hour < cfg["end_hour"]
    ]
    return Counter(hours).most_common(1)[0][0] if hours else None


def _ceil(moment: datetime, step: int) -> datetime:
    moment = moment.replace(second=0, microsecond=0) + (
        timedelta(minutes=1) if moment.second or moment.microsecond else timedelta()
    )
    extra = (-moment.minute) % step
    return moment + timedelta(minutes=extra)


def _local(day: date, at: time, tz: tzinfo) -> datetime:
    """A wall-clock time in ``tz``, normalised through UTC (a time in a DST gap moves forward)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def send_window(
    zone: Zone,
    *,
    now: datetime,
    not_before: date | None = None,
    prefer_hour: int | None = None,
) -> datetime | None:
    """The first good moment to send: a working weekday hour in ``zone``, after ``not_before``.

    Args:
        zone: The prospect's time zone.
        now: The current time (aware).
        not_before: A date (in the prospect's zone) before which nothing may be sent.
        prefer_hour: A local hour to aim for on the first suitable day (their usual reply hour).

    Returns:
        An aware datetime in the prospect's zone, or ``None`` if no slot is within the horizon.
    """
    cfg = _settings()
    start_h, end_h, step = int(cfg["start_hour"]), int(cfg["end_hour"]), int(cfg["step_minutes"])
    weekdays = {int(d) for d in cfg["weekdays"]}
    earliest = (now + timedelta(minutes=int(cfg["lead_minutes"]))).astimezone(zone.tz)
    if not_before is not None:
        earliest = max(earliest, _local(not_before, time(0, 0), zone.tz))
    first = earliest.date()
    for offset in range(int(cfg["horizon_days"]) + 1):
        day = first + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        opens = _local(day, time(start_h, 0), zone.tz)
        closes = _local(day, time(end_h, 0), zone.tz)
        aim = opens
        if prefer_hour is not None and start_h <= prefer_hour < end_h:
            aim = _local(day, time(prefer_hour, 0), zone.tz)
        candidate = _ceil(max(aim, earliest), step).astimezone(zone.tz)
        if opens <= candidate < closes and candidate.date() == day:
            return candidate
    return None


def iso_minutes(moment: datetime) -> str:
    """ISO 8601 to the minute with the UTC offset: ``2026-12-02T09:00-07:00``."""
    return moment.isoformat(timespec="minutes")
