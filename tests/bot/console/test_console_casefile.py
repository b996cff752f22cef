"""What the console shows of a case, without a server: access, queue rows, the plan, times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.console.casefile import (
    DENIED,
    FULL,
    LIMITED,
    access_level,
    outcome_text,
    plan_sections,
    queue_row,
    summary_view,
)
from bot.console.render import format_duration, format_time
from bot.storage import StoredAnswer
from bot.storage.cases import CaseRecord, CounselorRecord

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def counselor(counselor_id: int, role: str = "counselor") -> CounselorRecord:
    return CounselorRecord(counselor_id, f"user{counselor_id}", f"Name {counselor_id}", None, role, "", (), (), True,
                           None, NOW)


def case(status: str, counselor_id: int | None, taken_at: datetime | None = None) -> CaseRecord:
    return CaseRecord(5, "rest", "sender-5", status, True, "crisis", "self_harm", "crisis", "needs", True, None,
                      {"key_answers": {"Role": "Nurse"}}, counselor_id, NOW - timedelta(minutes=50), taken_at, None,
                      None, None, None)


@pytest.mark.parametrize(
    ("who", "status", "owner", "level"),
    [
        (counselor(9, "admin"), "assigned", 2, FULL),
        (counselor(2), "assigned", 2, FULL),
        (counselor(2), "closed", 2, FULL),
        (counselor(3), "new", None, LIMITED),
        (counselor(3), "assigned", 2, DENIED),
        (counselor(3), "active", 2, DENIED),
        (counselor(3), "closed", None, DENIED),  # closed straight from the queue: not for everyone
    ],
)
def test_access_level(who, status, owner, level):
    assert access_level(who, case(status, owner)) == level


def test_a_queue_row_has_no_personal_details_and_says_how_long_the_case_waited():
    row = queue_row(case("new", None), {}, counselor(3), NOW)
    values = " ".join(str(value) for value in vars(row).values())
    assert "sender-5" not in values and "Nurse" not in values and "self_harm" not in values
    assert (row.waited, row.still_waiting, row.reason) == (timedelta(minutes=50), True, "crisis")
    taken = queue_row(case("active", 3, NOW - timedelta(minutes=40)), {3: "Name 3"}, counselor(3), NOW)
    assert (taken.waited, taken.still_waiting, taken.counselor, taken.mine) == (timedelta(minutes=10), False,
                                                                               "Name 3", True)


def test_the_plan_follows_the_stages_and_keeps_answers_to_retired_questions():
    def stored(question: str, stage: str, value: str, slot_value=None, skipped=False) -> StoredAnswer:
        return StoredAnswer(question, stage, value, slot_value, None, skipped, 1, NOW)

    sections = plan_sections({
        "current_role": stored("current_role", "needs", "Staff nurse", "Staff nurse"),
        "consent": stored("consent", "welcome", "yes", True),
        "department": stored("department", "needs", "", None, skipped=True),
        "old_question": stored("old_question", "needs", "kept as typed"),
    })
    titles = [section.title for section in sections]
    assert titles[0].startswith("Stage 1 of") and titles[-1] == "Other stored answers"
    rows = dict(row for section in sections for row in section.rows)
    assert rows["Consent to store answers"] == "yes"
    assert "Staff nurse" in rows.values() and "skipped" in rows.values()
    assert rows["old_question"] == "kept as typed"


def test_summary_view_tolerates_missing_and_odd_fields():
    view = summary_view({"consented": True, "key_answers": {"Role": 3}, "goals": "not a list"})
    assert (view.consented, view.key_answers, view.goals, view.progress) == (True, [("Role", "3")], [], None)


def test_a_summary_written_in_the_employees_voice_reads_in_the_counselors():
    older = summary_view({"progress": "You stopped at Stage 2 of 7 – Needs assessment – next up: department."})
    done = summary_view({"progress": "You've completed all seven stages – your answers are all here."})
    current = summary_view({"progress": "Stopped at stage 3 of 7 – Assessment – next question: values."})

    assert older.progress == "Stopped at stage 2 of 7 – Needs assessment – next question: department."
    assert done.progress == "Completed all seven stages."
    assert current.progress == "Stopped at stage 3 of 7 – Assessment – next question: values."


def test_times_and_durations_are_short():
    assert format_time(datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)) == "2026-01-02 03:04 UTC"
    assert format_time(None) == "–"
    assert [format_duration(timedelta(minutes=m)) for m in (0, 59, 61, 60 * 26)] == ["0 min", "59 min", "1 h 01 min",
                                                                                       "1 d 2 h"]
    assert outcome_text("referred", "") == "referred" and outcome_text("referred", "to HR") == "referred: to HR"
