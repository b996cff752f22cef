"""What the console shows of a case, decided without a web server: who may see how much,
the queue's rows, and the employee's stored answers arranged as their current plan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Sequence

from bot.conversation.answers import display_value
from bot.conversation.stages import QUESTIONS, STAGES, Kind
from bot.storage import StoredAnswer
from bot.storage.cases import CaseRecord, CounselorRecord, QueueEntry

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


def queue_row(case: CaseRecord | QueueEntry, names: Mapping[int, str], me: CounselorRecord, now: datetime) -> QueueRow:
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


# The queue's sections, in the order a counselor works them. Each open case is in exactly one.
SECTIONS = (
    ("urgent", "Urgent"),
    ("mine", "Mine"),
    ("new", "New and unassigned – not yet taken"),
    ("waiting", "Waiting for the employee"),
    ("with-bot", "Back with the bot – handed back, not closed"),
    ("others", "With other counselors"),
)
PAGE_SIZE = 50


def section_of(entry: QueueEntry, me: CounselorRecord) -> str:
    """Where an open case belongs: urgent first; then the state that says who acts next."""
    if entry.handed_back_at is not None:
        return "with-bot"  # the bot has the conversation again, urgent or not
    if entry.urgent:
        return "urgent"
    if entry.taken_at is not None and entry.last_author == "counselor":
        return "waiting"  # the counselor wrote last: the employee's turn
    if entry.counselor_id == me.id:
        return "mine"
    if entry.taken_at is None:
        return "new"
    return "others"


@dataclass(frozen=True)
class QueueSection:
    key: str
    heading: str
    rows: list[QueueRow]
    total: int
    page: int  # 1-based
    pages: int


def queue_sections(
    entries: Sequence[QueueEntry], names: Mapping[int, str], me: CounselorRecord, now: datetime,
    pages: Mapping[str, int] | None = None,
) -> list[QueueSection]:
    """The open cases in their sections, each paged at PAGE_SIZE (`pages`: the page asked for, per section)."""
    grouped: dict[str, list[QueueEntry]] = {key: [] for key, _ in SECTIONS}
    for entry in entries:
        grouped[section_of(entry, me)].append(entry)
    sections = []
    for key, heading in SECTIONS:
        found = grouped[key]
        count = max(1, -(-len(found) // PAGE_SIZE))
        page = min(max(1, (pages or {}).get(key, 1)), count)
        shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        sections.append(QueueSection(key, heading, [queue_row(e, names, me, now) for e in shown], len(found), page, count))
    return sections


def closed_section(entries: Sequence[QueueEntry], total: int, page: int, names: Mapping[int, str], me: CounselorRecord,
                   now: datetime) -> QueueSection:
    """One page of closed cases, newest first (the store pages them)."""
    return QueueSection("closed", "Closed", [queue_row(e, names, me, now) for e in entries], total, page,
                        max(1, -(-total // PAGE_SIZE)))


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
        progress=_counselor_voice(_text_or_none(summary.get("progress"))),
        key_answers=[(str(k), str(v)) for k, v in answers.items()] if isinstance(answers, Mapping) else [],
        holland_code=_text_or_none(summary.get("holland_code")),
        goals=[str(goal) for goal in goals] if isinstance(goals, list) else [],
    )


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


# Summaries written before the console had its own voice told the employee where *they*
# stopped ("You stopped at Stage 2 of 7 – …"): read in the counselor's words, as new ones.
_EMPLOYEE_VOICE = re.compile(r"^You stopped at Stage (?P<stage>.+?) – next up: (?P<question>.+?)\.?$")
_EMPLOYEE_VOICE_DONE = "You've completed all seven stages – your answers are all here."


def _counselor_voice(progress: str | None) -> str | None:
    if progress == _EMPLOYEE_VOICE_DONE:
        return "Completed all seven stages."
    said = _EMPLOYEE_VOICE.match(progress or "")
    if said is None:
        return progress
    return f"Stopped at stage {said['stage']} – next question: {said['question']}."


def outcome_text(choice: str, words: str) -> str:
    """How a closed case's outcome is stored: the chosen outcome, then the counselor's words."""
    return f"{choice}: {words}" if words else choice
