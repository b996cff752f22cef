"""bot.conversation.dates: dates and durations in people's words, resolved against a fixed day."""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.conversation.dates import add_months, find_date, format_date, format_months, parse_date, parse_duration_months


@pytest.mark.parametrize(
    ("text", "expected", "matched"),
    [
        ("next spring", date(2027, 4, 15), "next spring"),
        ("in 18 months", date(2028, 5, 22), "in 18 months"),
        ("by June 2028", date(2028, 6, 30), "June 2028"),
        ("Q3 2027", date(2027, 9, 30), "Q3 2027"),
        ("end of next year", date(2027, 12, 31), "end of next year"),
        ("by the end of this year", date(2026, 12, 31), "the end of this year"),
        ("end of next quarter", date(2027, 3, 31), "end of next quarter"),
        ("in 2032", date(2032, 12, 31), "in 2032"),
        ("within two years", date(2028, 11, 22), "within two years"),
        ("in two and a half years", date(2029, 5, 22), "in two and a half years"),
        ("in half a year", date(2027, 5, 22), "in half a year"),
        ("in 3 weeks", date(2026, 12, 13), "in 3 weeks"),
        ("next month", date(2026, 12, 22), "next month"),
        ("this winter", date(2027, 1, 15), "this winter"),
        ("by summer 2028", date(2028, 7, 15), "summer 2028"),
        ("by Q1", date(2027, 3, 31), "Q1"),
        ("15 January", date(2027, 1, 15), "15 January"),
        ("2027-05-01", date(2027, 5, 1), "2027-05-01"),
        ("15/03/2027", date(2027, 3, 15), "15/03/2027"),
        ("31.12.2027", date(2027, 12, 31), "31.12.2027"),
        ("Ask my manager by next spring, please", date(2027, 4, 15), "next spring"),
    ],
)
def test_find_date_resolves_expressions(today, text, expected, matched):
    found = find_date(text, today)
    assert found is not None
    assert found.when == expected
    assert found.text == matched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next spring", date(2027, 4, 15)),
        ("in 18 months", date(2028, 5, 22)),
        ("by June 2028", date(2028, 6, 30)),
        ("Q3 2027", date(2027, 9, 30)),
        ("end of next year", date(2027, 12, 31)),
        ("in 2032", date(2032, 12, 31)),
        ("within two years", date(2028, 11, 22)),
        ("15 January", date(2027, 1, 15)),
        ("2027-05-01", date(2027, 5, 1)),
        ("15/03/2027", date(2027, 3, 15)),  # day first
        ("tomorrow", date(2026, 11, 23)),  # short replies go to dateparser as a whole
    ],
)
def test_parse_date(today, text, expected):
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["I like working with data", "I may do it", "whenever it suits", ""])
def test_text_without_a_date_gives_none(today, text):
    assert find_date(text, today) is None
    assert parse_date(text, today) is None


def test_day_first_numeric_date_is_not_read_month_first(today):
    # 03/04 is 3 April, not 4 March
    assert parse_date("03/04/2027", today) == date(2027, 4, 3)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2 years", 24),
        ("two years", 24),
        ("18 months", 18),
        ("since March 2023", 44),
        ("since March", 8),  # the last March, not the next one
        ("a year and a half", 18),
        ("1.5 years", 18),
        ("2 years and 6 months", 30),
        ("a few months", 3),
        ("ten years", 120),
        ("just started", 0),
        ("I'm brand new", 0),
    ],
)
def test_parse_duration_months(today, text, months):
    assert parse_duration_months(text, today) == months


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("half a year", 6),
        ("two and a half years", 30),
        ("less than a month", 0),
    ],
)
def test_parse_duration_months_fractions_and_just_started(today, text, months):
    assert parse_duration_months(text, today) == months


@pytest.mark.parametrize("text", ["banana", "quite a while", "forever-ish", ""])
def test_parse_duration_months_nonsense_is_none(today, text):
    assert parse_duration_months(text, today) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 4, 15), "15 April 2027"),
        (date(2028, 1, 1), "1 January 2028"),
        (date(2026, 12, 31), "31 December 2026"),
    ],
)
def test_format_date(day, expected):
    assert format_date(day) == expected


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0, "0 months"),
        (1, "1 month"),
        (11, "11 months"),
        (12, "1 year"),
        (18, "1 year 6 months"),
        (24, "2 years"),
        (25, "2 years 1 month"),
    ],
)
def test_format_months(months, expected):
    assert format_months(months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 22), 18, date(2028, 5, 22)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 22), 0, date(2026, 11, 22)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("20 yrs at the company, supervisor maybe 8", 96),  # the last statement is about the role
        ("6 mos", 6),
        ("3 yrs", 36),
        ("2 years and 3 months", 27),
        ("2 years in total, 1 year as lead", 12),
    ],
)
def test_durations_with_abbreviations_and_two_statements(text, months):
    assert parse_duration_months(text, date(2026, 12, 6)) == months


def test_this_month_as_a_deadline_is_the_end_of_this_month():
    today = date(2026, 12, 6)
    assert parse_date("by December", today) == date(2026, 12, 31)
    assert parse_date("by end of December", today) == date(2026, 12, 31)
    assert parse_date("by next December", today) == date(2027, 12, 31)
    assert parse_date("by March", today) == date(2027, 3, 31)


@pytest.mark.parametrize(("text", "months"), [("6y", 72), ("6yrs", 72), ("18mo", 18), ("2y 3m", 27), ("3m", 3)])
def test_chat_shorthand_durations(text, months):
    assert parse_duration_months(text, date(2026, 12, 6)) == months


@pytest.mark.parametrize(("text", "day"), [("end of this yr", date(2026, 12, 31)), ("by end of next yr", date(2027, 12, 31))])
def test_yr_for_year_in_dates(text, day):
    assert parse_date(text, date(2026, 12, 6)) == day


@pytest.mark.parametrize("attack", [
    "1" * 3999,                      # one long "word" of digits: two minutes in dateparser
    "since " + "1" * 3990,           # after "since" (the time in the role)
    "'" * 1000,                      # dateparser recursed on these
    "-".join("a" * 1000),
    "by " + "march " * 600,
    "一" * 3999,                     # Chinese numerals: the duration pattern was n²
    "1.5" * 1300,                    # many date-like pieces: one dateparser call each
    "15/03/2027 " * 350,
], ids=["digits", "since-digits", "apostrophes", "hyphens", "months", "chinese-numerals", "pieces", "dates"])
def test_long_text_never_ties_up_the_date_reader(today, attack):
    # A date phrase is short: longer text is not handed to dateparser (it took up to two minutes).
    started = time.perf_counter()
    parse_date(attack, today)
    parse_duration_months(attack, today)
    assert time.perf_counter() - started < 2.0  # milliseconds now; up to two minutes before
    # and real dates still read
    assert parse_date("15 March 2027", today) == date(2027, 3, 15)
    assert parse_duration_months("since March 2023", today) is not None
