"""Office time: how long the office was open between two moments.

A case opened at 22:00 has not waited two hours at 09:00 next morning; it has waited none.
This counts only the time `OfficeHours.is_open` says the office is open – weekends, holidays
and the hours between intervals do not count – in real elapsed time, so a daylight-saving
change is honoured the way `OfficeHours` reads it: an open day that loses an hour is an hour
shorter, and a repeated wall-clock hour inside the hours counts twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.handoff.office_hours import END_OF_DAY, OfficeHours

_UTC = timezone.utc
_ONE_MICROSECOND = timedelta(microseconds=1)
# Clock changes are found by comparing offsets this far apart; zones never change twice in 6 hours.
_CLOCK_STEP = timedelta(hours=6)


def office_time_between(office: OfficeHours, start: datetime, end: datetime) -> timedelta:
    """The time the office was open from `start` to `end` (zero when `end` is not after `start`).

    Both moments must be timezone-aware; any zone works. The range is cut at every instant the
    answer of `is_open` can change – interval starts and ends, midnights, clock changes – and
    each piece counts whole or not at all, as `is_open` says in its middle.
    """
    for moment in (start, end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"office time: {moment.isoformat()} has no time zone; pass a timezone-aware datetime")
    begin, finish = start.astimezone(_UTC), end.astimezone(_UTC)
    if finish <= begin:
        return timedelta(0)
    zone = office.timezone
    cuts = {begin, finish}
    day = begin.astimezone(zone).date() - timedelta(days=1)
    last_day = finish.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        for instant in _edges_of(office, day):
            if begin < instant < finish:
                cuts.add(instant)
        day += timedelta(days=1)
    cuts.update(_clock_changes(zone, begin, finish))
    total = timedelta(0)
    for left, right in pairwise(sorted(cuts)):
        if office.is_open(left + (right - left) / 2):
            total += right - left
    return total


def _edges_of(office: OfficeHours, day: date) -> list[datetime]:
    """The instants (UTC) where an open local `day` may begin or stop being open: its midnight
    and its interval edges, each in both readings of a repeated wall time. Readings of a wall
    time the clock skips land beside the gap; an extra cut there costs nothing."""
    intervals = office.weekly[day.weekday()]
    if day in office.holidays or not intervals:
        return []  # closed all day: the neighbouring days' edges bound it
    walls = [(day, time(0))]
    for opening, closing in intervals:
        walls.append((day, opening))
        # "24:00" closes at the next midnight, which `time` cannot say
        walls.append((day + timedelta(days=1), time(0)) if closing == END_OF_DAY else (day, closing))
    return [
        datetime.combine(wall_day, wall_time, tzinfo=office.timezone).replace(fold=fold).astimezone(_UTC)
        for wall_day, wall_time in walls
        for fold in (0, 1)
    ]


def _clock_changes(zone: ZoneInfo, begin: datetime, finish: datetime) -> list[datetime]:
    """The instants (UTC) within the range where the zone's UTC offset changes, found by
    bisection (zoneinfo lists no transitions)."""
    changes: list[datetime] = []
    left = begin
    while left < finish:
        right = min(left + _CLOCK_STEP, finish)
        before = left.astimezone(zone).utcoffset()
        if right.astimezone(zone).utcoffset() != before:
            low, high = left, right
            while high - low > _ONE_MICROSECOND:
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            changes.append(high)
        left = right
    return changes
