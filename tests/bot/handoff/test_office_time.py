"""bot.handoff.office_time: how long the office was open between two moments – overnight,
over a weekend and a holiday, across time zones and daylight-saving changes, and the same as
counting `OfficeHours.is_open` minute by minute.

Calendar used below: 2026-11-23 is a Monday; Berlin is UTC+1 in winter and UTC+2 in summer, with
clocks going forward on Sunday 2026-03-29 (02:00 -> 03:00) and back on Sunday 2026-10-25 (03:00 -> 02:00).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from bot.handoff.office_hours import OfficeHours
from bot.handoff.office_time import office_time_between

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = OfficeHours.parse("Europe/Berlin", "Mon-Fri 09:00-17:00")


def berlin(*fields: int, fold: int = 0) -> datetime:
    return datetime(*fields, tzinfo=BERLIN, fold=fold)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # inside one day
        (berlin(2026, 11, 24, 10, 0), berlin(2026, 11, 24, 12, 10), hours(2) + timedelta(minutes=10)),
        # opened before the office opens: counts from 09:00
        (berlin(2026, 11, 24, 7, 30), berlin(2026, 11, 24, 9, 45), timedelta(minutes=45)),
        # overnight: opened at 22:00, at 09:00 next morning nothing has counted, at 11:00 two hours
        (berlin(2026, 11, 24, 22, 0), berlin(2026, 11, 25, 9, 0), timedelta(0)),
        (berlin(2026, 11, 24, 22, 0), berlin(2026, 11, 25, 11, 0), hours(2)),
        # from the afternoon into the next morning: 1 h before closing, 1 h after opening
        (berlin(2026, 11, 24, 16, 0), berlin(2026, 11, 25, 10, 0), hours(2)),
        # the weekend does not count: Friday 16:00 to Monday 10:00
        (berlin(2026, 11, 27, 16, 0), berlin(2026, 11, 30, 10, 0), hours(2)),
        # opened on Saturday: Monday 09:00-11:00
        (berlin(2026, 11, 28, 12, 0), berlin(2026, 11, 30, 11, 0), hours(2)),
        # a whole week
        (berlin(2026, 11, 23, 0, 0), berlin(2026, 11, 30, 0, 0), hours(40)),
        # ends before it starts, or at the same moment
        (berlin(2026, 11, 24, 12, 0), berlin(2026, 11, 24, 10, 0), timedelta(0)),
        (berlin(2026, 11, 24, 12, 0), berlin(2026, 11, 24, 12, 0), timedelta(0)),
    ],
)
def test_office_time_on_weekdays(start: datetime, end: datetime, expected: timedelta) -> None:
    assert office_time_between(WEEKDAYS, start, end) == expected


def test_holidays_do_not_count() -> None:
    office = OfficeHours.parse("Europe/Berlin", "Mon-Fri 09:00-17:00", "2026-12-24..2026-12-26, 2026-12-31")
    # Wednesday 23 December 16:00 to Monday 28 December 10:00: Thursday and Friday are holidays
    assert office_time_between(office, berlin(2026, 12, 23, 16, 0), berlin(2026, 12, 28, 10, 0)) == hours(2)
    # the whole holiday itself
    assert office_time_between(office, berlin(2026, 12, 31, 0, 0), berlin(2027, 1, 1, 0, 0)) == timedelta(0)


def test_split_hours_skip_the_lunch_break() -> None:
    office = OfficeHours.parse("Europe/Berlin", "Mon-Fri 08:30-12:00, 13:00-17:30")
    assert office_time_between(office, berlin(2026, 11, 24, 11, 0), berlin(2026, 11, 24, 14, 0)) == hours(2)


def test_the_moments_may_be_in_any_zone() -> None:
    # 10:00 and 12:10 in Berlin, given in UTC and in New York time
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    end = datetime(2026, 11, 24, 6, 10, tzinfo=ZoneInfo("America/New_York"))
    assert office_time_between(WEEKDAYS, start, end) == hours(2) + timedelta(minutes=10)


def test_an_office_in_another_zone_counts_its_own_hours() -> None:
    tokyo = OfficeHours.parse("Asia/Tokyo", "Mon-Fri 09:00-17:00")
    # Monday 22:00 UTC is Tuesday 07:00 in Tokyo; Tuesday 02:00 UTC is 11:00 there
    assert office_time_between(tokyo, datetime(2026, 11, 23, 22, 0, tzinfo=UTC), datetime(2026, 11, 24, 2, 0, tzinfo=UTC)) == hours(2)


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        office_time_between(WEEKDAYS, datetime(2026, 11, 24, 10, 0), berlin(2026, 11, 24, 12, 0))


CHANGE_DAYS = {"spring": (3, 29), "autumn": (10, 25)}


@pytest.mark.parametrize(
    ("hours_text", "change", "expected"),
    [
        # a round-the-clock Sunday is 23 hours long when the clocks go forward, 25 when they go back
        ("Sun 00:00-24:00", "spring", hours(23)),
        ("Sun 00:00-24:00", "autumn", hours(25)),
        # 01:00-04:00 loses the skipped hour in spring, and opens the repeated hour twice in autumn
        ("Sun 01:00-04:00", "spring", hours(2)),
        ("Sun 01:00-04:00", "autumn", hours(4)),
        # an opening inside the skipped hour opens when the clock jumps past it (03:00 summer time)
        ("Sun 02:30-04:00", "spring", hours(1)),
        # ordinary hours away from the change are untouched
        ("Sun 09:00-17:00", "spring", hours(8)),
        ("Sun 09:00-17:00", "autumn", hours(8)),
    ],
)
def test_daylight_saving_changes(hours_text: str, change: str, expected: timedelta) -> None:
    office = OfficeHours.parse("Europe/Berlin", hours_text)
    month, day = CHANGE_DAYS[change]
    start, end = berlin(2026, month, day - 1, 12, 0), berlin(2026, month, day + 1, 12, 0)
    assert office_time_between(office, start, end) == expected


def test_weekday_hours_over_a_daylight_saving_weekend() -> None:
    # Friday 16:00 (winter time) to Monday 10:00 (summer time): still one hour each side
    assert office_time_between(WEEKDAYS, berlin(2026, 3, 27, 16, 0), berlin(2026, 3, 30, 10, 0)) == hours(2)


OFFICES = [
    OfficeHours.parse("Europe/Berlin", "Mon-Fri 09:00-17:00", "2026-03-30"),
    OfficeHours.parse("Europe/Berlin", "Mon-Thu 08:30-12:00, 13:00-17:30; Fri 09:00-15:00; Sun 01:00-04:00"),
    OfficeHours.parse("America/New_York", "Sat-Mon 00:00-24:00; Wed 01:30-02:30"),
    # openings inside the hour the clocks skip
    OfficeHours.parse("Europe/Berlin", "Sat 22:00-24:00; Sun 02:30-04:00, 09:00-10:00"),
    OfficeHours.parse("America/New_York", "Sun 02:15-03:30"),
    OfficeHours.parse("UTC", "Tue 22:00-24:00; Wed 00:00-02:00"),
]


# The weekends the clocks change: in the US (8 March, 1 November) and in Europe (29 March, 25 October).
CHANGE_WEEKENDS = [datetime(2026, month, day, tzinfo=UTC) for month, day in ((3, 7), (3, 28), (10, 24), (10, 31))]


@settings(max_examples=300)
@given(
    office=st.sampled_from(OFFICES),
    weekend=st.sampled_from(CHANGE_WEEKENDS),
    # in whole minutes, so every minute is wholly open or wholly closed
    start_minute=st.integers(-2 * 24 * 60, 2 * 24 * 60),
    length_minutes=st.integers(0, 3 * 24 * 60),
)
def test_the_same_as_counting_open_minutes(office: OfficeHours, weekend: datetime, start_minute: int, length_minutes: int) -> None:
    start = weekend + timedelta(minutes=start_minute)
    counted = sum(office.is_open(start + timedelta(minutes=n)) for n in range(length_minutes))
    assert office_time_between(office, start, start + timedelta(minutes=length_minutes)) == timedelta(minutes=counted)
