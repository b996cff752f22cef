"""bot.plan.calendar: the plan's dates as an iCalendar file."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar

from bot.plan.calendar import render_ics
from bot.plan.model import Milestone

UTC = timezone.utc


def events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def test_calendar_properties(plan):
    calendar = Calendar.from_ical(render_ics(plan, "cal-1"))
    assert str(calendar["PRODID"]) == "-//Waypoint//Career plan//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Career plan"


def test_one_all_day_event_per_milestone_in_date_order(plan):
    found = events(render_ics(plan, "cal-1"))
    assert len(found) == len(plan.milestones) == 9
    assert [e.decoded("DTSTART") for e in found] == [
        date(2027, 1, 15),
        date(2027, 3, 22),
        date(2027, 4, 15),
        date(2027, 5, 22),
        date(2027, 11, 22),
        date(2028, 5, 22),
        date(2028, 5, 22),
        date(2028, 11, 22),
        date(2032, 6, 30),
    ]
    for event in found:
        start = event.decoded("DTSTART")
        assert type(start) is date  # all day, not a time
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert event.decoded("DTSTAMP") == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
        assert event.decoded("SEQUENCE") == 3


def test_uids_by_kind_and_position(plan):
    assert [str(e["UID"]) for e in events(render_ics(plan, "cal-1"))] == [
        "cal-1-step-1@waypoint",
        "cal-1-step-2@waypoint",
        "cal-1-goal-1@waypoint",
        "cal-1-review-1@waypoint",
        "cal-1-review-2@waypoint",
        "cal-1-goal-2@waypoint",
        "cal-1-review-3@waypoint",
        "cal-1-review-4@waypoint",
        "cal-1-goal-3@waypoint",
    ]


def test_the_same_plan_gives_the_same_file(plan):
    assert render_ics(plan, "cal-1") == render_ics(plan, "cal-1")
    assert render_ics(plan, "cal-1") != render_ics(plan, "cal-2")


def test_a_new_version_updates_the_same_events(plan):
    goal = plan.milestones[2]
    assert goal.kind == "goal"
    moved = dataclasses.replace(goal, due=date(2027, 6, 1))
    newer = dataclasses.replace(
        plan, version=4, milestones=plan.milestones[:2] + (moved,) + plan.milestones[3:]
    )
    before = {str(e["UID"]): e for e in events(render_ics(plan, "cal-1"))}
    after = {str(e["UID"]): e for e in events(render_ics(newer, "cal-1"))}
    assert set(after) == set(before)  # nothing duplicated
    assert after["cal-1-goal-1@waypoint"].decoded("DTSTART") == date(2027, 6, 1)
    assert after["cal-1-goal-1@waypoint"].decoded("SEQUENCE") == 4


def test_summaries_and_descriptions(plan):
    found = events(render_ics(plan, "cal-1"))
    assert [str(e["SUMMARY"]) for e in found] == [
        "Action step: Talk to my manager about FP&A <script>alert(1)</script>",
        "Action step: Finish the certification course",
        "Short-term goal: Complete the financial modelling certification",
        "Career plan review",
        "Career plan review",
        "Medium-term goal: Move into the FP&A team as an analyst",
        "Career plan review",
        "Career plan review",
        "Long-term goal: Become head of FP&A",
    ]
    assert str(found[2]["DESCRIPTION"]) == (
        "Success criterion: I hold the *certificate*\nFrom your career plan, version 3 of 22 November 2026."
    )
    assert str(found[3]["DESCRIPTION"]) == (
        "Review your career plan: are the goals still right, what has changed, what is next?\n"
        "Review earlier if: A reorganisation or a new manager\n"
        "From your career plan, version 3 of 22 November 2026."
    )
    assert str(found[0]["DESCRIPTION"]) == "From your career plan, version 3 of 22 November 2026."


def test_reminders_the_day_before_for_goals_and_reviews(plan):
    for event in events(render_ics(plan, "cal-1")):
        alarms = event.walk("VALARM")
        if "-step-" in str(event["UID"]):
            assert alarms == []
            continue
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(hours=-15)  # 09:00 the day before
        assert str(alarms[0]["DESCRIPTION"]) == f"Tomorrow: {event['SUMMARY']}"


def test_chinese_survives(cjk_plan):
    ics = render_ics(cjk_plan, "cal-zh")
    found = events(ics)
    assert [str(e["SUMMARY"]) for e in found][:2] == ["Action step: 每周学习十小时", "Short-term goal: 完成机器学习课程"]
    assert str(found[1]["DESCRIPTION"]).startswith("Success criterion: 拿到课程证书\n")
    assert "Review earlier if: 换了新经理" in str(found[2]["DESCRIPTION"])
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))  # folded by octets, as RFC 5545 asks


def test_no_milestones_no_events(empty_plan):
    calendar = Calendar.from_ical(render_ics(empty_plan, "cal-1"))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Career plan"


def test_stamp_is_utc(empty_plan):
    review = (Milestone("review", "Career plan review", date(2027, 5, 22)),)
    naive = dataclasses.replace(empty_plan, generated_at=datetime(2026, 11, 22, 10, 30), milestones=review)
    berlin = dataclasses.replace(
        empty_plan, generated_at=datetime(2026, 11, 22, 11, 30, tzinfo=timezone(timedelta(hours=1))), milestones=review
    )
    for plan in (naive, berlin):
        assert events(render_ics(plan, "c"))[0].decoded("DTSTAMP") == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
