"""bot.handoff.office_hours: parsing the configuration, open/closed at boundaries, the next opening across
weekends, holidays and daylight-saving changes, and the chat wording of an opening.

Calendar used below: 2026-11-23 is a Monday; Berlin is UTC+1 in winter and UTC+2 in summer, with
clocks going forward on Sunday 2026-03-29 (02:00 -> 03:00) and back on Sunday 2026-10-25 (03:00 -> 02:00).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.office_hours import OfficeHours, format_opening, parse_holidays, parse_hours

UTC = timezone.utc
WEEKDAYS = "Mon-Fri 09:00-17:00"
SPLIT_DAYS = "Mon-Thu 08:30-12:00, 13:00-17:30; Fri 09:00-15:00"


@pytest.fixture
def berlin() -> ZoneInfo:
    return ZoneInfo("Europe/Berlin")


@pytest.fixture
def weekday_hours() -> OfficeHours:
    return OfficeHours.parse("Europe/Berlin", WEEKDAYS)


def local(berlin: ZoneInfo, *fields: int, fold: int = 0) -> datetime:
    return datetime(*fields, tzinfo=berlin, fold=fold)


def open_weekdays(hours: OfficeHours) -> set[int]:
    return {weekday for weekday, intervals in hours.weekly.items() if intervals}


# --- parsing ---------------------------------------------------------------------------------


def test_parse_reads_zone_weekdays_and_no_holidays(weekday_hours):
    assert weekday_hours.timezone.key == "Europe/Berlin"
    assert dict(weekday_hours.weekly) == {
        **{weekday: ((time(9), time(17)),) for weekday in range(5)},
        5: (),
        6: (),
    }
    assert weekday_hours.holidays == frozenset()


@pytest.mark.parametrize(
    ("hours", "expected_days"),
    [
        ("Mon 09:00-17:00", {0}),
        ("monday 09:00-17:00", {0}),
        ("MON-fri 09:00-17:00", {0, 1, 2, 3, 4}),
        ("Fri-Mon 09:00-17:00", {4, 5, 6, 0}),
        ("Sunday-Tuesday 09:00-17:00", {6, 0, 1}),
        ("Mon,Wed 09:00-17:00", {0, 2}),
        ("Mon, Wed , Sat-Sun 09:00-17:00", {0, 2, 5, 6}),
        ("Tues-Thurs 09:00-17:00", {1, 2, 3}),
        ("Wed-Wed 09:00-17:00", {2}),
        ("Mon – Fri 09:00–17:00", {0, 1, 2, 3, 4}),
    ],
)
def test_parse_day_syntaxes(hours, expected_days):
    parsed = OfficeHours.parse("Europe/Berlin", hours)
    assert open_weekdays(parsed) == expected_days
    assert all(parsed.weekly[weekday] == ((time(9), time(17)),) for weekday in expected_days)


def test_parse_several_groups_and_a_lunch_break():
    parsed = OfficeHours.parse("Europe/Berlin", SPLIT_DAYS)
    lunch_day = ((time(8, 30), time(12)), (time(13), time(17, 30)))
    assert [parsed.weekly[weekday] for weekday in range(7)] == [
        lunch_day, lunch_day, lunch_day, lunch_day, ((time(9), time(15)),), (), (),
    ]


def test_parse_accepts_single_digit_hours_and_spaces_around_the_dash():
    assert parse_hours("Mon 9:00 - 17:00")[0] == ((time(9), time(17)),)


def test_parse_merges_overlapping_and_touching_intervals_across_groups():
    weekly = parse_hours("Mon 09:00-12:00, 11:00-13:00, 13:00-14:00; Mon-Tue 16:00-17:00; Mon 08:00-09:30")
    assert weekly[0] == ((time(8), time(14)), (time(16), time(17)))
    assert weekly[1] == ((time(16), time(17)),)


def test_parse_24_00_ends_the_day(berlin):
    parsed = OfficeHours.parse("Europe/Berlin", "Sat 18:00-24:00")
    assert parsed.weekly[5] == ((time(18), time.max),)
    assert parsed.is_open(local(berlin, 2026, 11, 28, 23, 59, 59, 999999))
    assert not parsed.is_open(local(berlin, 2026, 11, 29, 0, 0))


def test_parse_ignores_a_trailing_semicolon():
    assert parse_hours("Mon 09:00-10:00;") == parse_hours("Mon 09:00-10:00")


def test_parse_strips_spaces_around_the_zone_name():
    assert OfficeHours.parse(" Europe/Berlin ", WEEKDAYS).timezone == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("holidays", "expected"),
    [
        ("", set()),
        ("2026-12-24", {date(2026, 12, 24)}),
        ("2026-12-24, 2026-12-25", {date(2026, 12, 24), date(2026, 12, 25)}),
        ("2026-12-24 2026-12-25\n2026-12-31", {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31)}),
        ("2026-12-30..2027-01-02", {date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)}),
        (
            "2026-12-24 .. 2026-12-26, 2027-01-01",
            {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)},
        ),
        ("2026-12-24..2026-12-24", {date(2026, 12, 24)}),
    ],
)
def test_parse_holidays(holidays, expected):
    assert parse_holidays(holidays) == frozenset(expected)
    assert OfficeHours.parse("Europe/Berlin", WEEKDAYS, holidays).holidays == frozenset(expected)


HOURS_HINT = "write e.g. 'Mon-Fri 09:00-17:00'"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("Mon-Fry 09:00-17:00", f"office hours: 'Mon-Fry 09:00-17:00' – unknown day 'Fry'; {HOURS_HINT}"),
        ("", f"office hours: none given; {HOURS_HINT}"),
        (" ; ", f"office hours: none given; {HOURS_HINT}"),
        ("09:00-17:00", f"office hours: '09:00-17:00' – missing days; {HOURS_HINT}"),
        ("Mon-Fri", f"office hours: 'Mon-Fri' – missing opening times; {HOURS_HINT}"),
        ("Mo 09:00-17:00", f"office hours: 'Mo 09:00-17:00' – unknown day 'Mo'; {HOURS_HINT}"),
        ("Mon- 09:00-17:00", f"office hours: 'Mon- 09:00-17:00' – incomplete day range 'Mon-'; {HOURS_HINT}"),
        (
            "Mon,,Tue 09:00-17:00",
            f"office hours: 'Mon,,Tue 09:00-17:00' – a day is missing between commas; {HOURS_HINT}",
        ),
        ("Mon 9-17", f"office hours: 'Mon 9-17' – '9-17' is not a time range, use HH:MM-HH:MM; {HOURS_HINT}"),
        ("Mon 09:00-17:00,", f"office hours: 'Mon 09:00-17:00,' – an empty time range, use HH:MM-HH:MM; {HOURS_HINT}"),
        ("Mon 09:60-17:00", f"office hours: 'Mon 09:60-17:00' – invalid time '09:60'; {HOURS_HINT}"),
        ("Mon 25:00-26:00", f"office hours: 'Mon 25:00-26:00' – invalid time '25:00'; {HOURS_HINT}"),
        ("Mon 10:00-24:30", f"office hours: 'Mon 10:00-24:30' – invalid time '24:30'; {HOURS_HINT}"),
        (
            "Mon 24:00-24:00",
            f"office hours: 'Mon 24:00-24:00' – 24:00 can only end an interval, start the day with 00:00; {HOURS_HINT}",
        ),
        (
            "Mon-Fri 09:00-12:00; Sat 17:00-09:00",
            "office hours: 'Sat 17:00-09:00' – in '17:00-09:00' the closing time is not after the opening time;"
            " write e.g. 'Mon-Fri 09:00-17:00', or split a night at midnight: 'Fri 22:00-24:00; Sat 00:00-02:00'",
        ),
        (
            "Mon 09:00-09:00",
            "office hours: 'Mon 09:00-09:00' – in '09:00-09:00' the closing time is not after the opening time;"
            " write e.g. 'Mon-Fri 09:00-17:00', or split a night at midnight: 'Fri 22:00-24:00; Sat 00:00-02:00'",
        ),
    ],
)
def test_parse_rejects_bad_hours_with_a_clear_message(hours, message):
    with pytest.raises(ValueError) as raised:
        OfficeHours.parse("Europe/Berlin", hours)
    assert str(raised.value) == message


DATES_HINT = "write ISO dates, e.g. '2026-12-24, 2026-12-25', or a range, e.g. '2026-12-24..2027-01-01'"


@pytest.mark.parametrize(
    ("holidays", "message"),
    [
        ("2026-13-01", f"holidays: '2026-13-01' is not a date; {DATES_HINT}"),
        ("2026-02-30", f"holidays: '2026-02-30' is not a date; {DATES_HINT}"),
        ("24.12.2026", f"holidays: '24.12.2026' is not a date; {DATES_HINT}"),
        ("2026-12-24, tomorrow", f"holidays: 'tomorrow' is not a date; {DATES_HINT}"),
        ("2026-12-24..2026-12-3x", f"holidays: '2026-12-3x' in '2026-12-24..2026-12-3x' is not a date; {DATES_HINT}"),
        (
            "2026-12-24..",
            "holidays: '2026-12-24..' – a range needs a date on both sides; write e.g. '2026-12-24..2027-01-01'",
        ),
        (
            "2027-01-01..2026-12-24",
            "holidays: '2027-01-01..2026-12-24' – the range ends before it starts; write e.g. '2026-12-24..2027-01-01'",
        ),
    ],
)
def test_parse_rejects_bad_holidays_with_a_clear_message(holidays, message):
    with pytest.raises(ValueError) as raised:
        OfficeHours.parse("Europe/Berlin", WEEKDAYS, holidays)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Europe/Berlín", "time zone: unknown time zone 'Europe/Berlín'; write an IANA name, e.g. 'Europe/Berlin'"),
        ("Mars/Olympus", "time zone: unknown time zone 'Mars/Olympus'; write an IANA name, e.g. 'Europe/Berlin'"),
        ("../etc/passwd", "time zone: unknown time zone '../etc/passwd'; write an IANA name, e.g. 'Europe/Berlin'"),
        ("  ", "time zone: none given; write an IANA name, e.g. 'Europe/Berlin'"),
    ],
)
def test_parse_rejects_unknown_time_zones(zone, message):
    with pytest.raises(ValueError) as raised:
        OfficeHours.parse(zone, WEEKDAYS)
    assert str(raised.value) == message


def test_direct_construction_sorts_merges_and_fills_missing_days(berlin):
    hours = OfficeHours(berlin, {0: ((time(13), time(14)), (time(9), time(13)))}, frozenset())
    assert dict(hours.weekly) == {0: ((time(9), time(14)),), 1: (), 2: (), 3: (), 4: (), 5: (), 6: ()}


@pytest.mark.parametrize(
    "weekly",
    [{0: ((time(17), time(9)),)}, {0: ((time(9), time(9)),)}, {7: ((time(9), time(17)),)}],
)
def test_direct_construction_rejects_impossible_schedules(berlin, weekly):
    with pytest.raises(ValueError, match="^office hours: "):
        OfficeHours(berlin, weekly, frozenset())


def test_equal_configurations_are_equal_and_hash_alike():
    first = OfficeHours.parse("Europe/Berlin", "Mon-Fri 09:00-17:00", "2026-12-24")
    second = OfficeHours.parse("Europe/Berlin", "Mon,Tue,Wed,Thu,Fri 09:00-12:00, 12:00-17:00", "2026-12-24")
    assert first == second
    assert hash(first) == hash(second)
    assert first != OfficeHours.parse("Europe/Berlin", "Mon-Fri 09:00-17:00")


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "hours", "holidays", "expected"),
    [
        ("Europe/Berlin", WEEKDAYS, "", "Mon–Fri 09:00–17:00 (Europe/Berlin)"),
        ("Europe/Berlin", SPLIT_DAYS, "", "Mon–Thu 08:30–12:00, 13:00–17:30; Fri 09:00–15:00 (Europe/Berlin)"),
        (
            "Europe/Berlin",
            "Mon,Wed 09:00-12:00; Sat 10:00-24:00",
            "2026-12-24..2026-12-26",
            "Mon, Wed 09:00–12:00; Sat 10:00–24:00 (Europe/Berlin); closed on 3 holidays",
        ),
        ("Europe/Berlin", WEEKDAYS, "2026-12-24", "Mon–Fri 09:00–17:00 (Europe/Berlin); closed on 1 holiday"),
        ("UTC", "Fri-Mon 10:00-14:00", "", "Mon, Fri–Sun 10:00–14:00 (UTC)"),
    ],
)
def test_describe(zone, hours, holidays, expected):
    assert OfficeHours.parse(zone, hours, holidays).describe() == expected


def test_describe_a_schedule_without_hours(berlin):
    assert OfficeHours(berlin, {}, frozenset()).describe() == "closed every day (Europe/Berlin)"


# --- is_open -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ((2026, 11, 23, 8, 59, 59, 999999), False),
        ((2026, 11, 23, 9, 0), True),
        ((2026, 11, 23, 16, 59, 59, 999999), True),
        ((2026, 11, 23, 17, 0), False),
        ((2026, 11, 27, 16, 30), True),
        ((2026, 11, 28, 10, 0), False),
        ((2026, 11, 29, 10, 0), False),
    ],
)
def test_is_open_start_inclusive_end_exclusive(weekday_hours, berlin, fields, expected):
    assert weekday_hours.is_open(local(berlin, *fields)) is expected


@pytest.mark.parametrize(
    ("utc_fields", "expected"),
    [
        ((2026, 11, 23, 7, 59), False),  # 08:59 in Berlin
        ((2026, 11, 23, 8, 0), True),  # 09:00
        ((2026, 11, 23, 15, 59), True),  # 16:59
        ((2026, 11, 23, 16, 0), False),  # 17:00
        ((2026, 6, 1, 7, 0), True),  # 09:00 summer time
        ((2026, 6, 1, 15, 0), False),  # 17:00 summer time
    ],
)
def test_is_open_converts_other_zones_first(weekday_hours, utc_fields, expected):
    assert weekday_hours.is_open(datetime(*utc_fields, tzinfo=UTC)) is expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [((2026, 11, 23, 11, 59), True), ((2026, 11, 23, 12, 0), False), ((2026, 11, 23, 12, 30), False),
     ((2026, 11, 23, 13, 0), True), ((2026, 11, 27, 15, 0), False)],
)
def test_is_open_over_a_lunch_break(berlin, fields, expected):
    assert OfficeHours.parse("Europe/Berlin", SPLIT_DAYS).is_open(local(berlin, *fields)) is expected


def test_is_open_closed_on_a_holiday_judged_by_the_local_date():
    hours = OfficeHours.parse("Europe/Berlin", "Mon-Sun 00:00-24:00", "2026-12-24")
    assert not hours.is_open(datetime(2026, 12, 23, 23, 30, tzinfo=UTC))  # 00:30 on the 24th in Berlin
    assert hours.is_open(datetime(2026, 12, 24, 23, 30, tzinfo=UTC))  # 00:30 on the 25th
    assert hours.is_open(datetime(2026, 12, 23, 22, 59, tzinfo=UTC))  # 23:59 on the 23rd


def test_is_open_rejects_naive_datetimes(weekday_hours):
    with pytest.raises(ValueError, match="timezone-aware"):
        weekday_hours.is_open(datetime(2026, 11, 23, 10, 0))


# --- next_opening --------------------------------------------------------------------------


def test_next_opening_during_hours_is_now_in_the_office_zone(weekday_hours, berlin):
    moment = local(berlin, 2026, 11, 23, 10, 15)
    assert weekday_hours.next_opening(moment) == moment
    from_utc = weekday_hours.next_opening(datetime(2026, 11, 23, 9, 15, tzinfo=UTC))
    assert from_utc.isoformat() == "2026-11-23T10:15:00+01:00"
    assert from_utc.tzinfo == berlin


@pytest.mark.parametrize(
    ("moment_fields", "expected"),
    [
        ((2026, 11, 23, 7, 30), "2026-11-23T09:00:00+01:00"),  # before opening, same day
        ((2026, 11, 23, 17, 0), "2026-11-24T09:00:00+01:00"),  # closing time itself is closed
        ((2026, 11, 23, 18, 0), "2026-11-24T09:00:00+01:00"),  # after closing -> next day
        ((2026, 11, 27, 17, 30), "2026-11-30T09:00:00+01:00"),  # Friday evening -> Monday
        ((2026, 11, 28, 12, 0), "2026-11-30T09:00:00+01:00"),  # Saturday -> Monday
        ((2026, 11, 29, 23, 59), "2026-11-30T09:00:00+01:00"),  # Sunday night -> Monday
    ],
)
def test_next_opening_on_a_plain_week(weekday_hours, berlin, moment_fields, expected):
    assert weekday_hours.next_opening(local(berlin, *moment_fields)).isoformat() == expected


def test_next_opening_skips_a_holiday_monday(berlin):
    hours = OfficeHours.parse("Europe/Berlin", WEEKDAYS, "2026-11-30")
    assert hours.next_opening(local(berlin, 2026, 11, 27, 18, 0)).isoformat() == "2026-12-01T09:00:00+01:00"


@pytest.mark.parametrize(
    "moment_fields",
    [(2026, 12, 23, 17, 0), (2026, 12, 24, 8, 0), (2026, 12, 28, 10, 0), (2027, 1, 1, 23, 0)],
)
def test_next_opening_after_a_christmas_and_new_year_closure(berlin, moment_fields):
    hours = OfficeHours.parse("Europe/Berlin", WEEKDAYS, "2026-12-24..2027-01-01")
    assert hours.next_opening(local(berlin, *moment_fields)).isoformat() == "2027-01-04T09:00:00+01:00"


@pytest.mark.parametrize(
    ("moment_fields", "expected"),
    [
        ((2026, 11, 23, 12, 0), "2026-11-23T13:00:00+01:00"),  # lunch break -> afternoon
        ((2026, 11, 23, 12, 59), "2026-11-23T13:00:00+01:00"),
        ((2026, 11, 26, 17, 45), "2026-11-27T09:00:00+01:00"),  # Thursday evening -> Friday's later start
        ((2026, 11, 27, 15, 0), "2026-11-30T08:30:00+01:00"),  # Friday's early close -> Monday
    ],
)
def test_next_opening_with_a_lunch_break(berlin, moment_fields, expected):
    hours = OfficeHours.parse("Europe/Berlin", SPLIT_DAYS)
    assert hours.next_opening(local(berlin, *moment_fields)).isoformat() == expected


def test_next_opening_over_the_spring_clock_change_weekend(weekday_hours, berlin):
    # Friday 17:30 CET; Monday opens at 09:00 CEST, which is 07:00 UTC, not 08:00.
    opening = weekday_hours.next_opening(datetime(2026, 3, 27, 16, 30, tzinfo=UTC))
    assert opening.isoformat() == "2026-03-30T09:00:00+02:00"
    assert opening.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert opening.tzinfo == berlin


@pytest.mark.parametrize(
    ("moment_utc", "expected"),
    [
        (datetime(2026, 3, 28, 20, 0, tzinfo=UTC), "2026-03-29T10:00:00+02:00"),  # clocks go forward overnight
        (datetime(2026, 10, 24, 20, 0, tzinfo=UTC), "2026-10-25T10:00:00+01:00"),  # clocks go back overnight
    ],
)
def test_next_opening_on_a_clock_change_day_keeps_the_wall_time(moment_utc, expected):
    hours = OfficeHours.parse("Europe/Berlin", "Sun 10:00-14:00")
    assert hours.next_opening(moment_utc).isoformat() == expected


def test_opening_inside_the_skipped_hour_happens_when_the_clock_jumps(berlin):
    hours = OfficeHours.parse("Europe/Berlin", "Sun 02:30-04:00")
    # 01:30 CET; the clock jumps from 02:00 CET to 03:00 CEST at 01:00 UTC, past the 02:30 start.
    assert hours.next_opening(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)).isoformat() == "2026-03-29T03:00:00+02:00"
    assert not hours.is_open(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))


def test_hours_wholly_inside_the_skipped_hour_do_not_happen_that_day():
    hours = OfficeHours.parse("Europe/Berlin", "Sun 02:10-02:50")
    assert hours.next_opening(datetime(2026, 3, 29, 0, 0, tzinfo=UTC)).isoformat() == "2026-04-05T02:10:00+02:00"


def test_a_repeated_hour_opens_twice_by_the_wall_clock(berlin):
    hours = OfficeHours.parse("Europe/Berlin", "Sun 02:30-04:00")
    # 02:00 CEST: opens at 02:30 CEST (00:30 UTC).
    assert hours.next_opening(datetime(2026, 10, 25, 0, 0, tzinfo=UTC)).isoformat() == "2026-10-25T02:30:00+02:00"
    assert hours.is_open(datetime(2026, 10, 25, 0, 45, tzinfo=UTC))  # 02:45 CEST
    # At 03:00 CEST the clock goes back to 02:00 CET, before the opening time again.
    assert not hours.is_open(datetime(2026, 10, 25, 1, 10, tzinfo=UTC))  # 02:10 CET
    second = hours.next_opening(local(berlin, 2026, 10, 25, 2, 10, fold=1))
    assert second.isoformat() == "2026-10-25T02:30:00+01:00"
    assert second.fold == 1
    assert second.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_the_clock_going_back_can_reopen_an_interval_mid_way():
    hours = OfficeHours.parse("Europe/Berlin", "Sun 01:30-02:30")
    # 02:40 CEST is closed; at 01:00 UTC the clock shows 02:00 CET, inside the interval again.
    assert hours.next_opening(datetime(2026, 10, 25, 0, 40, tzinfo=UTC)).isoformat() == "2026-10-25T02:00:00+01:00"


def test_next_opening_uses_the_office_date_not_the_date_of_the_given_zone():
    hours = OfficeHours.parse("Europe/Berlin", "Mon 00:00-01:00")
    # Sunday 23:30 UTC is Monday 00:30 in Berlin.
    assert hours.next_opening(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)).isoformat() == "2026-11-23T00:30:00+01:00"


def test_next_opening_is_the_same_instant_from_any_zone(weekday_hours, berlin):
    friday_evening_utc = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    from_new_york = friday_evening_utc.astimezone(ZoneInfo("America/New_York"))
    from_berlin = friday_evening_utc.astimezone(berlin)
    moments = (friday_evening_utc, from_new_york, from_berlin)
    openings = {weekday_hours.next_opening(moment).isoformat() for moment in moments}
    assert openings == {"2026-11-30T09:00:00+01:00"}


def test_next_opening_looks_400_days_ahead_and_no_further(berlin):
    sunday = local(berlin, 2026, 11, 22, 12, 0)
    reachable = OfficeHours.parse("Europe/Berlin", "Mon 09:00-17:00", "2026-11-23..2027-12-20")
    assert reachable.next_opening(sunday).isoformat() == "2027-12-27T09:00:00+01:00"  # 400 days later
    too_far = OfficeHours.parse("Europe/Berlin", "Mon 09:00-17:00", "2026-11-23..2027-12-27")
    assert too_far.next_opening(sunday) is None  # next Monday, 2028-01-03, is 407 days later


def test_next_opening_is_none_when_the_only_day_is_on_holiday_for_over_a_year(berlin):
    hours = OfficeHours.parse("Europe/Berlin", "Mon 09:00-17:00", "2026-01-01..2027-12-31")
    assert hours.next_opening(local(berlin, 2026, 6, 1, 10, 0)) is None


def test_next_opening_is_none_without_any_hours(berlin):
    assert OfficeHours(berlin, {}, frozenset()).next_opening(local(berlin, 2026, 11, 23, 10, 0)) is None


def test_next_opening_rejects_naive_datetimes(weekday_hours):
    with pytest.raises(ValueError, match="timezone-aware"):
        weekday_hours.next_opening(datetime(2026, 11, 23, 10, 0))


# --- format_opening ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now_fields", "opening_fields", "expected"),
    [
        ((2026, 11, 23, 8, 0), (2026, 11, 23, 9, 0), "today at 09:00 (Europe/Berlin time)"),
        ((2026, 11, 23, 12, 5), (2026, 11, 23, 13, 0), "today at 13:00 (Europe/Berlin time)"),
        ((2026, 11, 23, 18, 0), (2026, 11, 24, 8, 30), "tomorrow at 08:30 (Europe/Berlin time)"),
        ((2026, 11, 27, 18, 0), (2026, 11, 30, 9, 0), "on Monday 30 November at 09:00 (Europe/Berlin time)"),
        ((2026, 11, 23, 18, 0), (2026, 11, 25, 9, 0), "on Wednesday 25 November at 09:00 (Europe/Berlin time)"),
        ((2026, 12, 31, 18, 0), (2027, 1, 1, 9, 0), "tomorrow at 09:00 (Europe/Berlin time)"),
        ((2026, 12, 23, 17, 0), (2027, 1, 4, 9, 0), "on Monday 4 January 2027 at 09:00 (Europe/Berlin time)"),
    ],
)
def test_format_opening(berlin, now_fields, opening_fields, expected):
    assert format_opening(local(berlin, *opening_fields), local(berlin, *now_fields)) == expected


def test_format_opening_judges_today_in_the_office_zone(berlin):
    opening = local(berlin, 2026, 11, 24, 9, 0)
    # 23:30 UTC on the 23rd is already the 24th in Berlin; 22:30 UTC is still the 23rd.
    assert format_opening(opening, datetime(2026, 11, 23, 23, 30, tzinfo=UTC)) == "today at 09:00 (Europe/Berlin time)"
    still_monday = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    assert format_opening(opening, still_monday) == "tomorrow at 09:00 (Europe/Berlin time)"


def test_format_opening_of_an_office_open_now_says_now(weekday_hours, berlin):
    now = local(berlin, 2026, 11, 23, 10, 15)
    assert format_opening(weekday_hours.next_opening(now), now) == "now"
    assert format_opening(local(berlin, 2026, 11, 23, 9, 0), now) == "now"


def test_format_opening_of_next_opening_end_to_end(weekday_hours):
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    opening = weekday_hours.next_opening(friday_evening)
    assert format_opening(opening, friday_evening) == "on Monday 30 November at 09:00 (Europe/Berlin time)"


def test_format_opening_names_fixed_offset_zones_by_their_abbreviation():
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert format_opening(now + timedelta(hours=1), now) == "today at 09:00 (UTC time)"


def test_format_opening_rejects_naive_datetimes(berlin):
    with pytest.raises(ValueError, match="timezone-aware"):
        format_opening(datetime(2026, 11, 23, 9, 0), local(berlin, 2026, 11, 23, 8, 0))
