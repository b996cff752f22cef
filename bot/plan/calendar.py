"""The plan's dates as an iCalendar file: one all-day event per goal deadline, action step
and review, to import into any calendar.

UIDs are built from the person's calendar id, the kind and the position among that kind
("goal 1", "review 3"), not from the wording or the date: importing a newer plan version
moves or renames the events it already made instead of adding copies, and SEQUENCE (the plan
version) tells the calendar which is newer.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from bot.conversation.dates import format_date
from bot.plan.model import CareerPlan, Milestone

PRODID = "-//Waypoint//Career plan//EN"
CALENDAR_NAME = "Career plan"
# The reminder for goals and reviews: the day before at 09:00 (an all-day event starts at midnight).
REMINDER = timedelta(hours=-15)
_REMINDED = ("goal", "review")
_CATEGORY = {"goal": "Goal", "step": "Action step", "review": "Review"}


def render_ics(plan: CareerPlan, calendar_uid: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    stamp = _utc(plan.generated_at)
    counts: dict[str, int] = {}
    for milestone in plan.milestones:
        counts[milestone.kind] = counts.get(milestone.kind, 0) + 1
        uid = event_uid(calendar_uid, milestone.kind, counts[milestone.kind])
        calendar.add_component(_event(plan, milestone, uid, stamp))
    return calendar.to_ical()


def event_uid(calendar_uid: str, kind: str, number: int) -> str:
    """The UID of the `number`-th (from 1) event of a kind, in date order."""
    return f"{calendar_uid}-{kind}-{number}@waypoint"


def _event(plan: CareerPlan, milestone: Milestone, uid: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", plan.version)
    event.add("dtstart", milestone.due)
    event.add("dtend", milestone.due + timedelta(days=1))
    event.add("summary", summary(milestone))
    event.add("description", description(plan, milestone))
    event.add("categories", [_CATEGORY.get(milestone.kind, "Career plan")])
    event.add("transp", "TRANSPARENT")  # a deadline does not make the person busy all day
    if milestone.kind in _REMINDED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", REMINDER)
        alarm.add("description", f"Tomorrow: {summary(milestone)}")
        event.add_component(alarm)
    return event


def summary(milestone: Milestone) -> str:
    return f"Action step: {milestone.title}" if milestone.kind == "step" else milestone.title


def description(plan: CareerPlan, milestone: Milestone) -> str:
    lines = []
    if milestone.kind == "goal" and milestone.detail:
        lines.append(f"Success criterion: {milestone.detail}")
    elif milestone.kind == "review":
        lines.append("Review your career plan: are the goals still right, what has changed, what is next?")
        if milestone.detail:
            lines.append(f"Review earlier if: {milestone.detail}")
    elif milestone.detail:
        lines.append(milestone.detail)
    lines.append(f"From your career plan, version {plan.version} of {format_date(plan.generated_at.date())}.")
    return "\n".join(lines)


def _utc(moment: datetime) -> datetime:
    # DTSTAMP must be UTC; a naive time is taken as UTC already.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
