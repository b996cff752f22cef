"""Dates and durations in people's words: "next spring", "in 18 months", "since 2021".

Seasons, quarters, "end of ..." and bare years are resolved here (dateparser does not know
them); everything else that looks like a date is handed to dateparser with the reference
day passed in, so results are reproducible in tests.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime

import dateparser

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "couple": 2, "a couple of": 2, "few": 3, "a few": 3, "several": 3,
}
_NUM = r"(?:\d+(?:[.,]5)?|a couple of|a few|couple|few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty-four|twenty|thirty)"
_UNIT = r"(?P<unit>day|week|month|mth|mo|year|yr)s?\b"

# Northern-hemisphere seasons, resolved to the middle of the season: a deadline "by
# spring" is shown back for confirmation, so a representative day is enough.
SEASONS = {"spring": (4, 15), "summer": (7, 15), "autumn": (10, 15), "fall": (10, 15), "winter": (1, 15)}
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"

_RELATIVE = re.compile(rf"\b(?:in|within|after|over)\s+(?:the\s+next\s+|about\s+|around\s+)?(?P<n>{_NUM})\s+(?:and\s+a\s+half\s+)?{_UNIT}(?P<half>\s+and\s+a\s+half)?\b", re.I)
_HALF_YEAR = re.compile(r"\b(?:in|within)\s+(?:a\s+)?half\s+(?:a\s+)?year\b", re.I)
_SEASON = re.compile(r"\b(?P<end>(?:the\s+)?end\s+of\s+(?:the\s+)?)?(?:(?P<which>next|this|coming)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<year>20\d\d))?\b", re.I)
_QUARTER = re.compile(r"\bq(?P<q>[1-4])\s*(?P<year>20\d\d)?\b", re.I)
_END_OF = re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+)?(?:(?P<which>this|next)\s+)?(?P<what>month|quarter|year|20\d\d)\b", re.I)
_NEXT = re.compile(r"\bnext\s+(?P<what>week|month|quarter|year)\b", re.I)
_ISO = re.compile(r"\b20\d\d-\d{1,2}-\d{1,2}\b")
_NUMERIC = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:20)?\d\d\b")
_MONTH_DATE = re.compile(
    rf"\b(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+20\d\d)?)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:by|in|before|until|during|for)\s+(?P<year>20\d\d)\b", re.I)


@dataclass(frozen=True)
class DateMatch:
    when: date
    text: str  # the words that gave the date, as typed


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _number(token: str) -> float:
    token = token.lower().strip()
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    return float(token.replace(",", "."))


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _resolve_relative(m: re.Match, today: date) -> date:
    n = _number(m.group("n"))
    if m.group("half") or "and a half" in m.group(0).lower():
        n += 0.5
    unit = m.group("unit").lower()
    if unit == "day":
        return date.fromordinal(today.toordinal() + int(n))
    if unit == "week":
        return date.fromordinal(today.toordinal() + int(n * 7))
    months = n if unit == "month" else n * 12
    return add_months(today, int(round(months)))


def _resolve_season(m: re.Match, today: date) -> date:
    month, day = SEASONS[m.group("season").lower()]
    if m.group("year"):
        candidate = date(int(m.group("year")), month, day)
    else:
        candidate = date(today.year, month, day)
        which = (m.group("which") or "").lower()
        if candidate <= today or (which == "next" and _same_season(today, month)):
            candidate = date(today.year + 1, month, day)
    if m.group("end"):  # "the end of next summer": the last day of the season's last month
        return _end_of_month(candidate.year, month + 1) if month < 12 else date(candidate.year, 12, 31)
    return candidate


def _same_season(today: date, season_month: int) -> bool:
    return abs(today.month - season_month) <= 1


def _resolve_quarter(m: re.Match, today: date) -> date:
    q = int(m.group("q"))
    year = int(m.group("year")) if m.group("year") else today.year
    end = _end_of_month(year, q * 3)
    if not m.group("year") and end < today:
        end = _end_of_month(year + 1, q * 3)
    return end


def _resolve_end_of(m: re.Match, today: date) -> date:
    what, which = m.group("what").lower(), (m.group("which") or "this").lower()
    if what.isdigit():
        return date(int(what), 12, 31)
    if what == "year":
        return date(today.year + (which == "next"), 12, 31)
    if what == "month":
        base = add_months(today, 1) if which == "next" else today
        return _end_of_month(base.year, base.month)
    quarter_end_month = ((today.month - 1) // 3 + 1) * 3
    base = date(today.year, quarter_end_month, 1)
    if which == "next":
        base = add_months(base, 3)
    return _end_of_month(base.year, base.month)


def _resolve_next(m: re.Match, today: date) -> date:
    what = m.group("what").lower()
    if what == "week":
        return date.fromordinal(today.toordinal() + 7)
    if what == "month":
        return add_months(today, 1)
    if what == "quarter":
        return add_months(today, 3)
    return add_months(today, 12)


# A date phrase is short ("the end of the third quarter of next year"). dateparser's time
# grows steeply with one long "word" (2,000 digits: 15 s; near 4,000 characters: two minutes,
# or a RecursionError), so longer text is never handed to it.
DATEPARSER_MAX_CHARS = 80
DATEPARSER_MAX_WORD = 24
MAX_CANDIDATES = 5


def _dateparser(fragment: str, today: date) -> date | None:
    if len(fragment) > DATEPARSER_MAX_CHARS or any(len(word) > DATEPARSER_MAX_WORD for word in fragment.split()):
        return None
    parsed = dateparser.parse(
        fragment,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "PREFER_DAY_OF_MONTH": "last",  # "by June" is a deadline: the end of June
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": [],
        },
    )
    if not parsed:
        return None
    found = parsed.date()
    if found.month == today.month and found.year == today.year + 1 and not re.search(r"\d|next|following", fragment, re.I):
        # "by December" in December: the end of this month, not of next year's
        this_month = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
        if this_month > today:
            return this_month
    return found


_PATTERNS = (
    (_HALF_YEAR, lambda m, t: add_months(t, 6)),
    (_RELATIVE, _resolve_relative),
    (_END_OF, _resolve_end_of),
    (_SEASON, _resolve_season),
    (_QUARTER, _resolve_quarter),
    (_NEXT, _resolve_next),
    (_YEAR, lambda m, t: date(int(m.group("year")), 12, 31)),
)


def find_date(text: str, today: date) -> DateMatch | None:
    """The first date expression in free text, resolved against `today`."""
    for pattern, resolve in _PATTERNS:
        m = pattern.search(text)
        if m:
            try:
                return DateMatch(resolve(m, today), m.group(0).strip())
            except ValueError:
                continue
    for pattern in (_ISO, _NUMERIC, _MONTH_DATE):
        # the first few candidates only: text made of date-like pieces must not cost one dateparser call each
        for m in itertools.islice(pattern.finditer(text), MAX_CANDIDATES):
            fragment = m.group(0).strip()
            if pattern is _MONTH_DATE and fragment.lower() in ("may", "mar", "jun", "sep", "dec", "jan"):
                # "may" is usually the verb; bare month abbreviations are too ambiguous.
                if not re.search(rf"\b(?:by|in|until|before|end of)\s+{re.escape(fragment)}\b", text, re.I):
                    continue
            try:
                when = date.fromisoformat(fragment) if pattern is _ISO else _dateparser(fragment, today)
            except ValueError:
                when = None
            if when and pattern is _MONTH_DATE and when.year == today.year and re.search(rf"\bnext\s+{re.escape(fragment)}", text, re.I):
                when = add_months(when, 12)  # "next December" in December: a year on
            if when:
                return DateMatch(when, fragment)
    return None


_CHAT_YEAR = re.compile(r"(?<=[a-z] )yrs?\b", re.I)


def parse_date(text: str, today: date) -> date | None:
    """A reply that is meant to be a date ("next spring", "15/03/2027", "in 2 years")."""
    text = _CHAT_YEAR.sub(lambda m: "years" if m.group(0).lower().endswith("s") else "year", text)  # "end of this yr"
    found = find_date(text, today)
    if found:
        return found.when
    span = _SPAN.search(text)
    if span and len(text.split()) <= 6:
        # "3 yrs", "2-3 years", "18 months" as a deadline: that long from today (the later end of a range)
        count = float(span.group("high") or span.group("low"))
        months = count * _UNIT_MONTHS[{"yr": "year", "mo": "month", "mth": "month"}.get(span.group("unit").lower(), span.group("unit").lower())]
        return add_months(today, max(1, int(round(months))))
    if len(text.split()) <= 6:
        return _dateparser(text, today)
    return None


_SPAN = re.compile(r"\b(?P<low>\d+)(?:\s*(?:-|–|to|or)\s*(?P<high>\d+))?\s*(?P<unit>year|yr|month|mth|mo)s?\b", re.I)
# (?<!…): a number is read from its first digit only, so a long run of digits costs one pass, not n²
_DURATION = re.compile(rf"(?<![\d.,])(?P<n>{_NUM})\s+(?P<half1>and\s+a\s+half\s+)?{_UNIT}(?P<half>\s+and\s+a\s+half)?", re.I)
_SINCE = re.compile(r"\bsince\s+(?P<what>.+)$", re.I)
_JUST_STARTED = re.compile(r"\b(just started|brand new|new in|recently|this week|a few days|few days|less than a month)\b", re.I)


_ZH_DURATION = re.compile(r"(?<![\d一二两三四五六七八九十])(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?P<half>个半)?\s*(?:多)?\s*(?P<unit>年|个月|月|周|星期|天)(?P<half2>半)?")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _zh_number(text: str) -> int:
    """Arabic digits, or Chinese numerals up to 99 (三, 十二, 二十)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)
    return _ZH_DIGITS.get(text, 0)


def parse_duration_months(text: str, today: date) -> int | None:
    """Months someone has been in a role: "2 years", "18 months", "since March 2023"."""
    since = _SINCE.search(text)
    if since:
        start = _dateparser(since.group("what"), today)
        if start is None:
            year = re.search(r"20\d\d|19\d\d", since.group("what"))
            start = date(int(year.group(0)), 1, 1) if year else None
        if start and start > today:
            # "since March" means the last March, not the next one
            start = date(start.year - 1, start.month, min(start.day, 28))
        if start:
            return max(0, (today.year - start.year) * 12 + today.month - start.month)
    if _JUST_STARTED.search(text):
        return 0
    chinese = _ZH_DURATION.search(text)
    if chinese:
        count = _zh_number(chinese.group("n"))
        unit = {"年": 12, "个月": 1, "月": 1, "周": 12 / 52, "星期": 12 / 52, "天": 1 / 30}[chinese.group("unit")]
        return int(round((count + (0.5 if chinese.group("half") or chinese.group("half2") else 0)) * unit))
    if "半年" in text:
        return 6
    if re.search(r"\bhalf\s+(?:a\s+)?year\b", text, re.I) and not re.search(r"and\s+a\s+half", text, re.I):
        return 6
    matches = list(_DURATION.finditer(text)) or list(_COMPACT_DURATION.finditer(text))
    if not matches:
        return None
    # "2 years and 3 months" is one duration; "20 yrs at the company, supervisor maybe 8" is
    # two statements, and the last is about the role – with a bare "8" in the unit before it.
    group = [matches[-1]]
    for earlier in reversed(matches[:-1]):
        if not _JOINED.fullmatch(text[earlier.end():group[0].start()]):
            break
        group.insert(0, earlier)
    total = sum(_months(m) for m in group)
    rest = text[group[-1].end():]
    bare = _BARE_NUMBER.search(rest)
    if bare and re.search(r"[^\W\d_]", rest[: bare.start()]):
        total = _number(bare.group("n")) * _UNIT_MONTHS[_unit(group[-1])]
    return int(round(total))


# Chat shorthand: "6y", "6yrs", "18mo", "2y 3m".
_COMPACT_DURATION = re.compile(r"(?<![\w.])(?P<n>\d+(?:[.,]5)?)\s?(?P<unit>y|yrs?|m|mos?|mths?|w|wks?)\b(?P<half>)(?P<half1>)", re.I)
_JOINED = re.compile(r"\s*(?:,|and|&|\+)?\s*", re.I)
_BARE_NUMBER = re.compile(r"\b(?:maybe|about|around|roughly|like|approx\.?|~|prob(?:ably)?|for)?\s*(?P<n>\d+(?:[.,]5)?)\s*[.!?]*$", re.I)
_UNIT_MONTHS = {"day": 1 / 30, "week": 12 / 52, "month": 1, "year": 12}


def _unit(match: re.Match[str]) -> str:
    unit = match.group("unit").lower().rstrip("s") or "s"
    return {"yr": "year", "y": "year", "mo": "month", "mth": "month", "m": "month", "w": "week", "wk": "week"}.get(unit, unit)


def _months(match: re.Match[str]) -> float:
    n = _number(match.group("n")) + (0.5 if match.group("half") or match.group("half1") else 0)
    return _UNIT_MONTHS[_unit(match)] * n


def format_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def format_months(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)
