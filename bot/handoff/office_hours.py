"""Office hours of the human counselors: when a handoff can reach a person, and when it next can.

Configuration is three plain strings (the config module reads them from the environment and
prefixes its own setting name to any error message):

* time zone – an IANA name such as ``Europe/Berlin``; all hours and holidays are local to it.
* hours – semicolon-separated groups ``<days> <HH:MM>-<HH:MM>[, <HH:MM>-<HH:MM>...]``, e.g.
  ``Mon-Fri 09:00-17:00`` or ``Mon-Thu 08:30-12:00, 13:00-17:30; Fri 09:00-15:00``.
  ``<days>`` is one day (``Mon``), a range (``Mon-Fri``; ``Fri-Mon`` wraps over the weekend) or
  a comma list (``Mon,Wed``). Day names are case-insensitive; full names (``monday``) and any
  prefix of at least three letters (``tues``) work. ``24:00`` may end an interval; an interval
  cannot run past midnight (write ``Fri 22:00-24:00; Sat 00:00-02:00``). Intervals that overlap
  or touch, also from different groups naming the same day, are merged. Empty hours are an error.
* holidays – whole local days closed: ISO dates separated by commas or whitespace, and inclusive
  ranges, e.g. ``2026-12-24, 2026-12-25`` or ``2026-12-24..2027-01-01``. May be empty.

Hours are wall-clock hours: on a daylight-saving change day the office is open whenever the local
clock shows an opening time, so an opening inside the skipped hour happens when the clock jumps
past it, and a repeated hour can open twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS_EXAMPLE = "Mon-Fri 09:00-17:00"
HOLIDAYS_EXAMPLE = "2026-12-24, 2026-12-25"
HOLIDAY_RANGE_EXAMPLE = "2026-12-24..2027-01-01"
TIMEZONE_EXAMPLE = "Europe/Berlin"

LOOKAHEAD_DAYS = 400
"""How many local days after a moment `next_opening` searches before giving up."""

END_OF_DAY = time.max
"""How "24:00" is stored: `time` cannot say 24:00, and an interval ending here runs to midnight."""

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

Interval = tuple[time, time]

_TIME_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")
_DAY_RANGE = re.compile(r"(.*?)\s*[-–]\s*(.*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class OfficeHours:
    """Weekly opening intervals and closed days, all in local wall time of `timezone`."""

    timezone: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]]
    holidays: frozenset[date]

    def __post_init__(self) -> None:
        # Normalised once here so every method can rely on all seven days, sorted and merged.
        for weekday, intervals in self.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"office hours: weekday {weekday!r} is not 0 (Monday) .. 6 (Sunday)")
            for start, end in intervals:
                if not start < end:
                    interval = f"{_format_time(start)}-{_format_time(end)}"
                    raise ValueError(f"office hours: {interval} – closing time must be after opening time")
        weekly = {weekday: _merge(self.weekly.get(weekday, ())) for weekday in range(7)}
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    def __hash__(self) -> int:
        return hash((self.timezone, tuple(self.weekly.items()), self.holidays))

    @classmethod
    def parse(cls, timezone: str, hours: str, holidays: str = "") -> OfficeHours:
        """Build from the three configuration strings; any mistake raises one ValueError saying how to fix it."""
        return cls(timezone=parse_timezone(timezone), weekly=parse_hours(hours), holidays=parse_holidays(holidays))

    def is_open(self, moment: datetime) -> bool:
        """Whether a person is in the office at `moment` (start of an interval inclusive, end exclusive)."""
        local = self._to_local(moment)
        if local.date() in self.holidays:
            return False
        wall_time = local.time()
        return any(_contains(interval, wall_time) for interval in self.weekly[local.weekday()])

    def next_opening(self, moment: datetime) -> datetime | None:
        """The first instant at or after `moment` when the office is open, in the office zone.

        Candidates are every interval start (both readings of a repeated wall time) and every
        clock change, since a jump of the clock can land inside an interval.
        """
        local = self._to_local(moment)
        if self.is_open(moment):
            return local
        if not any(self.weekly.values()):
            return None
        # Compared in UTC: Python compares datetimes sharing a tzinfo by wall time, ignoring `fold`.
        moment_utc = moment.astimezone(dt_timezone.utc)
        found: datetime | None = None
        first_day = local.date()
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = first_day + timedelta(days=offset)
            for candidate in self._openings_on(day):
                candidate_utc = candidate.astimezone(dt_timezone.utc)
                if candidate_utc <= moment_utc or not self.is_open(candidate):
                    continue
                if found is None or candidate_utc < found.astimezone(dt_timezone.utc):
                    found = candidate
            # One more day is checked after a hit, as a clock change at midnight can reorder dates.
            if found is not None and day > found.date():
                break
        return found

    def describe(self) -> str:
        """One line for logs and the handoff message, e.g. "Mon–Fri 09:00–17:00 (Europe/Berlin)"."""
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for weekday in range(7):
            if self.weekly[weekday]:
                groups.setdefault(self.weekly[weekday], []).append(weekday)
        if groups:
            parts = [
                f"{_describe_days(weekdays)} {', '.join(_describe_interval(i) for i in intervals)}"
                for intervals, weekdays in groups.items()
            ]
            text = f"{'; '.join(parts)} ({self.timezone.key})"
        else:
            text = f"closed every day ({self.timezone.key})"
        if self.holidays:
            count = len(self.holidays)
            text += f"; closed on {count} holiday{'' if count == 1 else 's'}"
        return text

    def _to_local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"office hours: {moment.isoformat()} has no time zone; pass a timezone-aware datetime")
        return moment.astimezone(self.timezone)

    def _openings_on(self, day: date) -> list[datetime]:
        """Instants on local `day` when the office may open: real interval starts and clock changes."""
        if day in self.holidays or not self.weekly[day.weekday()]:
            return []
        candidates: list[datetime] = []
        for start, _ in self.weekly[day.weekday()]:
            for fold in (0, 1):
                wall = datetime.combine(day, start, tzinfo=self.timezone).replace(fold=fold)
                real = wall.astimezone(dt_timezone.utc).astimezone(self.timezone)
                if real.replace(tzinfo=None) == wall.replace(tzinfo=None):  # not inside a skipped hour
                    candidates.append(real)
        candidates.extend(self._clock_changes_around(day))
        return candidates

    def _clock_changes_around(self, day: date) -> list[datetime]:
        """The instant the UTC offset changes near local `day`, found by bisection (zoneinfo lists no transitions)."""
        earliest = datetime.combine(day, time(), tzinfo=self.timezone).astimezone(dt_timezone.utc) - timedelta(hours=3)
        latest = earliest + timedelta(hours=30)
        offset_before = earliest.astimezone(self.timezone).utcoffset()
        if latest.astimezone(self.timezone).utcoffset() == offset_before:
            return []
        while latest - earliest > _ONE_MICROSECOND:
            middle = earliest + (latest - earliest) / 2
            if middle.astimezone(self.timezone).utcoffset() == offset_before:
                earliest = middle
            else:
                latest = middle
        return [latest.astimezone(self.timezone)]


def parse_timezone(text: str) -> ZoneInfo:
    """The office zone from its IANA name."""
    name = text.strip()
    if not name:
        raise ValueError(f"time zone: none given; write an IANA name, e.g. '{TIMEZONE_EXAMPLE}'")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"time zone: unknown time zone '{name}'; write an IANA name, e.g. '{TIMEZONE_EXAMPLE}'"
        ) from None


def parse_hours(text: str) -> dict[int, tuple[Interval, ...]]:
    """Weekday (0=Mon) -> merged intervals from the hours syntax described in the module docstring."""
    groups = [group.strip() for group in text.split(";")]
    if not any(groups):
        raise ValueError(f"office hours: none given; write e.g. '{HOURS_EXAMPLE}'")
    collected: dict[int, list[Interval]] = {weekday: [] for weekday in range(7)}
    for group in groups:
        if not group:
            continue  # a stray or trailing ";" loses nothing
        first_digit = re.search(r"\d", group)
        days_text = group[: first_digit.start()].strip() if first_digit else group
        if not first_digit:
            raise _hours_error(group, "missing opening times")
        if not days_text:
            raise _hours_error(group, "missing days")
        intervals = [_parse_interval(group, part.strip()) for part in group[first_digit.start():].split(",")]
        for weekday in _parse_days(group, days_text):
            collected[weekday].extend(intervals)
    return {weekday: _merge(intervals) for weekday, intervals in collected.items()}


def parse_holidays(text: str) -> frozenset[date]:
    """Closed local dates from ISO dates and inclusive ``start..end`` ranges."""
    normalised = re.sub(r"\s*\.\.\s*", "..", text.strip())
    closed: set[date] = set()
    for token in re.split(r"[,\s]+", normalised):
        if not token:
            continue
        if ".." in token:
            first_text, _, last_text = token.partition("..")
            if not first_text or not last_text:
                raise ValueError(
                    f"holidays: '{token}' – a range needs a date on both sides; write e.g. '{HOLIDAY_RANGE_EXAMPLE}'"
                )
            first, last = _parse_date(token, first_text), _parse_date(token, last_text)
            if last < first:
                raise ValueError(
                    f"holidays: '{token}' – the range ends before it starts; write e.g. '{HOLIDAY_RANGE_EXAMPLE}'"
                )
            closed.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        else:
            closed.add(_parse_date(token, token))
    return frozenset(closed)


def format_opening(opening: datetime, now: datetime) -> str:
    """Chat wording for an opening: "today at 09:00 (Europe/Berlin time)", "tomorrow at ...",
    "on Monday 23 November at ..." (the year is added when it differs from now's), or "now".

    Today and tomorrow are judged in the opening's zone, the office zone, not in the zone of `now`.
    """
    if opening.tzinfo is None or now.tzinfo is None:
        raise ValueError("format_opening: opening and now must be timezone-aware datetimes")
    if opening.astimezone(dt_timezone.utc) <= now.astimezone(dt_timezone.utc):
        return "now"
    local_now = now.astimezone(opening.tzinfo)
    zone_name = getattr(opening.tzinfo, "key", None) or opening.tzname()
    clock = f"at {opening:%H:%M} ({zone_name} time)"
    days_ahead = (opening.date() - local_now.date()).days
    if days_ahead == 0:
        return f"today {clock}"
    if days_ahead == 1:
        return f"tomorrow {clock}"
    day = f"{DAY_NAMES[opening.weekday()].capitalize()} {opening.day} {MONTH_NAMES[opening.month - 1]}"
    if opening.year != local_now.year:
        day += f" {opening.year}"
    return f"on {day} {clock}"


def _hours_error(group: str, problem: str, example: str = HOURS_EXAMPLE) -> ValueError:
    return ValueError(f"office hours: '{group}' – {problem}; write e.g. '{example}'")


def _parse_day(group: str, name: str) -> int:
    key = name.strip().lower()
    if len(key) >= 3:
        for weekday, full_name in enumerate(DAY_NAMES):
            if full_name.startswith(key):
                return weekday
    raise _hours_error(group, f"unknown day '{name.strip()}'")


def _parse_days(group: str, days_text: str) -> list[int]:
    weekdays: list[int] = []
    for item in days_text.split(","):
        if not item.strip():
            raise _hours_error(group, "a day is missing between commas")
        day_range = _DAY_RANGE.fullmatch(item.strip())
        if not day_range:
            weekdays.append(_parse_day(group, item))
            continue
        first_text, last_text = day_range.groups()
        if not first_text or not last_text:
            raise _hours_error(group, f"incomplete day range '{item.strip()}'")
        first, last = _parse_day(group, first_text), _parse_day(group, last_text)
        weekdays.extend((first + n) % 7 for n in range((last - first) % 7 + 1))
    return weekdays


def _parse_time(group: str, hour_text: str, minute_text: str, *, is_end: bool) -> time:
    hour, minute = int(hour_text), int(minute_text)
    if is_end and (hour, minute) == (24, 0):
        return END_OF_DAY
    if hour > 23 or minute > 59:
        shown = f"{hour_text}:{minute_text}"
        if (hour, minute) == (24, 0):
            raise _hours_error(group, "24:00 can only end an interval, start the day with 00:00")
        raise _hours_error(group, f"invalid time '{shown}'")
    return time(hour, minute)


def _parse_interval(group: str, text: str) -> Interval:
    match = _TIME_RANGE.fullmatch(text)
    if not match:
        shown = f"'{text}' is not a time range" if text else "an empty time range"
        raise _hours_error(group, f"{shown}, use HH:MM-HH:MM")
    start = _parse_time(group, match.group(1), match.group(2), is_end=False)
    end = _parse_time(group, match.group(3), match.group(4), is_end=True)
    if not start < end:
        raise _hours_error(
            group,
            f"in '{text}' the closing time is not after the opening time",
            example=f"{HOURS_EXAMPLE}', or split a night at midnight: 'Fri 22:00-24:00; Sat 00:00-02:00",
        )
    return start, end


def _parse_date(token: str, text: str) -> date:
    problem = f"'{token}' is not a date" if token == text else f"'{text}' in '{token}' is not a date"
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        f"holidays: {problem}; write ISO dates, e.g. '{HOLIDAYS_EXAMPLE}', or a range, e.g. '{HOLIDAY_RANGE_EXAMPLE}'"
    )


def _merge(intervals: tuple[Interval, ...] | list[Interval]) -> tuple[Interval, ...]:
    """Sorted intervals with overlapping or touching ones joined, so a day reads as its real open periods."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _contains(interval: Interval, wall_time: time) -> bool:
    start, end = interval
    return start <= wall_time and (wall_time < end or end == END_OF_DAY)


def _format_time(moment: time) -> str:
    return "24:00" if moment == END_OF_DAY else f"{moment:%H:%M}"


def _describe_interval(interval: Interval) -> str:
    return f"{_format_time(interval[0])}–{_format_time(interval[1])}"


def _describe_days(weekdays: list[int]) -> str:
    """Runs of consecutive days as ranges ("Mon–Fri"), the rest listed ("Mon, Wed")."""
    runs: list[list[int]] = []
    for weekday in weekdays:
        if runs and weekday == runs[-1][-1] + 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return ", ".join(
        DAY_ABBREVIATIONS[run[0]] if len(run) == 1 else f"{DAY_ABBREVIATIONS[run[0]]}–{DAY_ABBREVIATIONS[run[-1]]}"
        for run in runs
    )
