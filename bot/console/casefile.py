"""What the console shows of a case, decided without a web server: who may see how much,
the queue's rows, and the employee's stored answers arranged as their current plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Sequence

from bot.conversation.answers import display_value
from bot.conversation.stages import QUESTIONS, STAGES, Kind
from bot.storage import StoredAnswer
from bot.storage.cases import CaseRecord, CounselorRecord

FULL, LIMITED, DENIED = "full", "limited", "denied"

# A closed case records one of these, with the counselor's own words after it.
OUTCOMES = ("resolved", "referred", "follow-up planned", "no response", "other")
MAX_TEXT = 4000  # characters in a reply or a note

REASON_LABELS = {
    "requested": "asked for a counselor",
    "misunderstanding": "repeated misunderstandings",
    "crisis": "crisis",
}
STATUS_LABELS = {"new": "waiting", "assigned": "assigned", "active": "taken", "closed": "closed"}

# Shown back in a yes/no step of the conversation, not part of the plan itself.
_NOT_IN_PLAN = {Kind.GOAL_CONFIRM}


def access_level(me: CounselorRecord, case: CaseRecord) -> str:
    """Confidentiality: full details for admins and the case's own counselor; a case still in
    the general queue shows only what is needed to decide to take it; anyone else's is closed."""
    if me.is_admin or case.counselor_id == me.id:
        return FULL
    if case.counselor_id is None and case.status == "new":
        return LIMITED
    return DENIED


@dataclass(frozen=True)
class QueueRow:
    """A case as the queue lists it: nothing that identifies the employee or repeats what they said."""

    id: int
    urgent: bool
    status: str
    reason: str
    stage: str | None
    specialty: str | None
    after_hours: bool
    created_at: datetime
    counselor: str | None
    mine: bool
    waited: timedelta | None
    still_waiting: bool


def queue_row(case: CaseRecord, names: Mapping[int, str], me: CounselorRecord, now: datetime) -> QueueRow:
    if case.status in ("new", "assigned"):
        waited, still = now - case.created_at, True
    elif case.taken_at is not None:
        waited, still = case.taken_at - case.created_at, False
    else:
        waited, still = None, False
    # handed back but not closed: the bot has the conversation again, whatever the status says
    status = "back with the bot" if case.is_open and case.handed_back_at is not None else STATUS_LABELS.get(case.status, case.status)
    return QueueRow(
        case.id, case.urgent, status, REASON_LABELS.get(case.reason, case.reason),
        case.stage, case.specialty, case.after_hours, case.created_at,
        names.get(case.counselor_id) if case.counselor_id is not None else None,
        case.counselor_id == me.id, waited, still,
    )


def queue_groups(
    open_cases: Sequence[CaseRecord], closed: Sequence[CaseRecord], names: Mapping[int, str], me: CounselorRecord,
    now: datetime,
) -> list[tuple[str, str, list[QueueRow]]]:
    """(key, heading, rows) for new, assigned, active, handed-back and recently closed cases, in queue order."""
    headings = (
        ("new", "New – waiting for a counselor"),
        ("assigned", "Assigned – not yet taken"),
        ("active", "Active – with a counselor"),
    )
    with_bot = [c for c in open_cases if c.handed_back_at is not None]
    groups = [
        (key, heading, [queue_row(c, names, me, now) for c in open_cases if c.status == key and c.handed_back_at is None])
        for key, heading in headings
    ]
    groups.append(("with-bot", "Back with the bot – handed back, not closed", [queue_row(c, names, me, now) for c in with_bot]))
    groups.append(("closed", "Recently closed", [queue_row(c, names, me, now) for c in closed]))
    return groups


@dataclass(frozen=True)
class PlanSection:
    title: str
    rows: list[tuple[str, str]]  # (question label, answer as people read it)


def plan_sections(answers: Mapping[str, StoredAnswer]) -> list[PlanSection]:
    """The employee's stored answers, stage by stage in the conversation's order."""
    sections = []
    for stage in STAGES:
        rows = [
            (_label(question.key), _answer_text(answers[question.key]))
            for question in stage.questions
            if question.key in answers and question.kind not in _NOT_IN_PLAN
        ]
        if rows:
            sections.append(PlanSection(stage.header, rows))
    # Answers to questions no longer in the catalogue (an older conversation) are still shown.
    older = [(key, _answer_text(answer)) for key, answer in answers.items() if key not in QUESTIONS]
    if older:
        sections.append(PlanSection("Other stored answers", older))
    return sections


def _label(key: str) -> str:
    label = QUESTIONS[key].label
    return label[:1].upper() + label[1:]


def _answer_text(answer: StoredAnswer) -> str:
    if answer.skipped:
        return "skipped"
    if answer.slot_value is None:
        return answer.value
    return display_value(answer.question, answer.slot_value)


@dataclass(frozen=True)
class SummaryView:
    """The structured summary written when the case was opened (bot/handoff/__init__.py case_summary)."""

    consented: bool
    asked_for: str | None
    channel: str | None
    progress: str | None
    key_answers: list[tuple[str, str]]
    holland_code: str | None
    goals: list[str]


def summary_view(summary: Mapping[str, Any]) -> SummaryView:
    answers = summary.get("key_answers")
    goals = summary.get("goals")
    return SummaryView(
        consented=bool(summary.get("consented")),
        asked_for=_text_or_none(summary.get("asked_for")),
        channel=_text_or_none(summary.get("channel")),
        progress=_text_or_none(summary.get("progress")),
        key_answers=[(str(k), str(v)) for k, v in answers.items()] if isinstance(answers, Mapping) else [],
        holland_code=_text_or_none(summary.get("holland_code")),
        goals=[str(goal) for goal in goals] if isinstance(goals, list) else [],
    )


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def outcome_text(choice: str, words: str) -> str:
    """How a closed case's outcome is stored: the chosen outcome, then the counselor's words."""
    return f"{choice}: {words}" if words else choice
