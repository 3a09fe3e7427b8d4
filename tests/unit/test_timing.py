"""Send windows: a weekday inside working hours in the prospect's zone, across DST and weekends."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ipe.domain import Prospect
from ipe.tools.context.timing import (
    Zone,
    find_zone,
    iso_minutes,
    preferred_hour,
    send_window,
    zone_of_location,
)


def zone(name: str) -> Zone:
    return Zone(ZoneInfo(name), name, "test")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("name", "now", "expected"),
    [
        # Wednesday 10:05 in Denver: the next 15-minute step after the 30-minute lead
        ("America/Denver", "2026-12-02T17:05:00+00:00", "2026-12-02T10:45-07:00"),
        # Friday 16:30 in Denver: too late today, the weekend is skipped -> Monday 09:00
        ("America/Denver", "2026-12-04T23:30:00+00:00", "2026-12-07T09:00-07:00"),
        # Saturday in Madrid -> Monday 09:00 CET
        ("Europe/Madrid", "2026-12-05T12:00:00+00:00", "2026-12-07T09:00+01:00"),
        # Sunday evening in Tokyo is Monday morning there already: 09:00 JST
        ("Asia/Tokyo", "2026-12-06T20:00:00+00:00", "2026-12-07T09:00+09:00"),
        # Early Tuesday UTC is still Monday night in Los Angeles: Tuesday 09:00 PST
        ("America/Los_Angeles", "2026-12-08T05:00:00+00:00", "2026-12-08T09:00-08:00"),
        # DST: New York springs forward on Sunday 8 March 2026; Monday 09:00 is EDT (-04:00)
        ("America/New_York", "2026-03-07T15:00:00+00:00", "2026-03-09T09:00-04:00"),
        # DST: London on Monday 30 March 2026 is BST (+01:00), the Friday before was GMT
        ("Europe/London", "2026-03-27T18:00:00+00:00", "2026-03-30T09:00+01:00"),
        # DST ends in Sydney on Sunday 5 April 2026: Monday is AEST (+10:00), not AEDT
        ("Australia/Sydney", "2026-04-03T08:00:00+00:00", "2026-04-06T09:00+10:00"),
        # A half-hour zone
        ("Asia/Kolkata", "2026-12-02T02:00:00+00:00", "2026-12-02T09:00+05:30"),
    ],
)
def test_the_first_working_slot_in_their_zone(name: str, now: str, expected: str) -> None:
    slot = send_window(zone(name), now=at(now))
    assert slot is not None and iso_minutes(slot) == expected


def test_a_deferral_pushes_the_window_to_its_date() -> None:
    slot = send_window(
        zone("Europe/Berlin"), now=at("2026-12-01T10:00:00+00:00"), not_before=date(2027, 1, 2)
    )
    assert slot and iso_minutes(slot) == "2027-01-04T09:00+01:00"  # 2 January is a Saturday


def test_their_usual_reply_hour_is_preferred_when_it_is_a_working_hour() -> None:
    z = zone("America/Chicago")
    replies = [at("2026-11-10T20:10:00+00:00"), at("2026-11-17T20:40:00+00:00")]  # 14:xx CST
    assert preferred_hour(z, replies) == 14
    slot = send_window(z, now=at("2026-12-02T13:00:00+00:00"), prefer_hour=14)
    assert slot and iso_minutes(slot) == "2026-12-02T14:00-06:00"
    late = [at("2026-11-10T04:00:00+00:00")]  # 22:00 the evening before: not a working hour
    assert preferred_hour(z, late) is None


def test_random_moments_always_land_on_a_working_weekday() -> None:
    rng = random.Random(7)
    names = ["America/Denver", "Europe/Lisbon", "Asia/Kathmandu", "Pacific/Auckland", "UTC"]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(400):
        name = rng.choice(names)
        now = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        slot = send_window(zone(name), now=now)
        assert slot is not None
        local = slot.astimezone(ZoneInfo(name))
        assert local.weekday() < 5 and 9 <= local.hour < 17, (name, now, slot)
        assert slot >= now + timedelta(minutes=30) and slot - now < timedelta(days=4)
        assert local.minute % 15 == 0


def test_the_zone_comes_from_the_preference_then_the_location_then_the_replies() -> None:
    pref = find_zone(Prospect(id="p", name="n", preferences={"timezone": "Asia/Tokyo"}), [])
    assert pref and (pref.name, pref.source) == ("Asia/Tokyo", "preferences.timezone")
    offset = find_zone(Prospect(id="p", name="n", preferences={"timezone": "UTC-3"}), [])
    assert offset and offset.name == "UTC-03:00"
    placed = find_zone(Prospect(id="p", name="n", location="São Paulo, Brasil"), [])
    assert placed and placed.name == "America/Sao_Paulo" and "location" in placed.source
    replies = [at("2026-10-03T18:20:00+02:00"), at("2026-10-09T09:00:00+02:00")]
    learned = find_zone(Prospect(id="p", name="n", location="somewhere"), replies)
    assert learned and learned.name == "UTC+02:00" and "replies" in learned.source
    assert find_zone(Prospect(id="p", name="n"), [at("2026-10-03T18:20:00+00:00")]) is None
    bad = find_zone(Prospect(id="p", name="n", preferences={"timezone": "Mars/Olympus"}), [])
    assert bad is None


@pytest.mark.parametrize(
    ("location", "expected", "assumed"),
    [
        ("Denver, Colorado", "America/Denver", False),
        ("Dublin", "Europe/Dublin", False),
        ("Austin, TX, USA", "America/Chicago", False),
        ("Zürich, Schweiz", "Europe/Zurich", False),
        ("Lyon, France", "Europe/Paris", False),
        ("somewhere in Portugal", None, False),
        ("Portugal", "Europe/Lisbon", False),
        ("USA", "America/New_York", True),
    ],
)
def test_locations_map_to_zones(location: str, expected: str | None, assumed: bool) -> None:
    found = zone_of_location(location)
    assert (found == (expected, assumed)) if expected else found is None
