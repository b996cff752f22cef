"""Everything held about one person, read out whole (a data export) or erased whole.

A person is who the channels know: channel + sender id. Their counseling records hang
off the employee row; their cases are keyed by channel + sender id (someone who declined
consent has no employee row, yet may have cases). Counselors' private notes are read only
when an admin asks for them (bot/privacy/export.py says why).

Erasure deletes every row about the person in one transaction. A case stays behind only
as an anonymous count for the supervision figures: channel "erased", no sender id, and no
summary, outcome, rating, messages, notes or complaints. The audit log records that an
erasure happened and how many rows went, never who it was. On SQLite the file is written
with `secure_delete` (bot/storage/__init__.py) and its write-ahead log is emptied after an
erasure, so erased text does not linger in the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import (
    AuditEntry,
    Case,
    CaseMessage,
    CaseNote,
    Complaint,
    CounselingSession,
    Counselor,
    Employee,
    ExportLink,
    Lease,
    Notification,
    OnetProfilerItem,
    PlanLink,
    PlanVersion,
)

ERASED_CHANNEL = "erased"
_TOKEN_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Erased:
    """How much of one person was erased (counts only: this is what the audit log keeps)."""

    sessions: int = 0
    plans: int = 0
    cases: int = 0
    export_links: int = 0

    @property
    def anything(self) -> bool:
        return any((self.sessions, self.plans, self.cases, self.export_links))

    def describe(self) -> str:
        return f"{self.sessions} sessions, {self.plans} plan versions, {self.cases} cases"


@dataclass(frozen=True)
class Person:
    channel: str
    sender_id: str


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text (times in UTC), the JSON export's form."""
    if isinstance(value, datetime):
        return _aware(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value.isoformat()
    return value


class PersonalDataStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    # -- what is held ------------------------------------------------------------------

    def holds_anything(self, channel: str, sender_id: str) -> bool:
        with self._sessions() as s:
            employee = s.scalars(select(Employee.id).where(Employee.channel == channel, Employee.sender_id == sender_id)).first()
            case = s.scalars(select(Case.id).where(Case.channel == channel, Case.sender_id == sender_id)).first()
            return employee is not None or case is not None

    def person_of_case(self, case_id: int) -> Person | None:
        with self._sessions() as s:
            case = s.get(Case, case_id)
            if case is None or case.channel == ERASED_CHANNEL:
                return None
            return Person(case.channel, case.sender_id)

    def collect(self, channel: str, sender_id: str, include_notes: bool = False) -> dict[str, Any]:
        """Every stored record about the person, as JSON-ready data (bot/privacy/export.py
        documents the shape). Counselors' private notes only with `include_notes`."""
        with self._sessions() as s:
            employee = s.scalars(select(Employee).where(Employee.channel == channel, Employee.sender_id == sender_id)).first()
            sessions: list[CounselingSession] = []
            plans: list[PlanVersion] = []
            if employee is not None:
                sessions = list(s.scalars(
                    select(CounselingSession).where(CounselingSession.employee_id == employee.id).order_by(CounselingSession.id)
                ))
                plans = list(s.scalars(
                    select(PlanVersion).where(PlanVersion.employee_id == employee.id).order_by(PlanVersion.version)
                ))
            cases = list(s.scalars(select(Case).where(Case.channel == channel, Case.sender_id == sender_id).order_by(Case.id)))
            items = {row.number: row for row in s.scalars(select(OnetProfilerItem))} if sessions else {}
            return {
                "person": {
                    "channel": channel,
                    "sender_id": sender_id,
                    "employee_id": employee.id if employee is not None else None,
                    "first_stored_at": _iso(employee.created_at) if employee is not None else None,
                },
                "counseling_sessions": [self._session_data(session, items) for session in sessions],
                "plan_versions": [
                    {"version": p.version, "created_at": _iso(p.created_at), "content": p.content} for p in plans
                ],
                "cases": [self._case_data(s, case, include_notes) for case in cases],
            }

    @staticmethod
    def _session_data(session: CounselingSession, items: dict[int, OnetProfilerItem]) -> dict[str, Any]:
        return {
            "status": session.status,
            "stage_reached": session.stage_reached,
            "started_at": _iso(session.started_at),
            "updated_at": _iso(session.updated_at),
            "completed_at": _iso(session.completed_at),
            "consent": {"given_at": _iso(session.consent_at), "text_version": session.consent_version},
            "answers": [
                {
                    "question": a.question,
                    "stage": a.stage,
                    "value": a.value,
                    "normalized": a.normalized,
                    "skipped": a.skipped,
                    "suggested_by_waypoint": a.suggested,
                    "answered_at": _iso(a.answered_at),
                    "updated_at": _iso(a.updated_at),
                    "revisions": [
                        {
                            "revision": r.revision,
                            "value": r.value,
                            "normalized": r.normalized,
                            "skipped": r.skipped,
                            "suggested_by_waypoint": r.suggested,
                            "recorded_at": _iso(r.recorded_at),
                        }
                        for r in a.revisions
                    ],
                }
                for a in sorted(session.answers, key=lambda a: a.id)
            ],
            "goals": [
                {
                    "horizon": g.horizon,
                    "description": g.description,
                    "target_date": _iso(g.target_date),
                    "success_criterion": g.success_criterion,
                    "confirmed": g.confirmed,
                }
                for g in sorted(session.goals, key=lambda g: ("short", "medium", "long").index(g.horizon) if g.horizon in ("short", "medium", "long") else 3)
            ],
            "action_steps": [
                {"position": a.position, "description": a.description, "due_date": _iso(a.due_date)} for a in session.action_steps
            ],
            "people": [
                {"role": p.role, "contribution": p.contribution, "engagement": p.engagement}
                for p in sorted(session.people, key=lambda p: p.id)
            ],
            "review": None if session.review is None else {
                "frequency_months": session.review.frequency_months,
                "next_review_on": _iso(session.review.next_review_on),
                "triggers": session.review.triggers,
            },
            "feedback": None if session.feedback is None else {
                "rating": session.feedback.rating,
                "comment": session.feedback.comment,
                "created_at": _iso(session.feedback.created_at),
            },
            "interest_responses": [
                {
                    "item": r.item,
                    "statement": items[r.item].item if r.item in items else None,
                    "area": items[r.item].area if r.item in items else None,
                    "response": r.response,
                    "answered_at": _iso(r.answered_at),
                }
                for r in session.interest_responses
            ],
            "skill_ratings": [
                {
                    "occupation_code": r.occupation_code,
                    "element_id": r.element_id,
                    "skill": r.skill,
                    "self_level": r.self_level,
                    "required_level": r.required_level,
                    "importance": r.importance,
                    "rated_at": _iso(r.rated_at),
                }
                for r in session.skill_ratings
            ],
        }

    @staticmethod
    def _case_data(s: Session, case: Case, include_notes: bool) -> dict[str, Any]:
        counselor = s.get(Counselor, case.counselor_id) if case.counselor_id is not None else None
        messages = s.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id))
        complaints = s.scalars(select(Complaint).where(Complaint.case_id == case.id).order_by(Complaint.id))
        data: dict[str, Any] = {
            "case_number": case.id,
            "status": case.status,
            "reason": case.reason,
            "urgent": case.urgent,
            "crisis_kind": case.crisis_kind,
            "stage": case.stage,
            "counselor": counselor.display_name if counselor is not None else None,
            "created_at": _iso(case.created_at),
            "taken_at": _iso(case.taken_at),
            "closed_at": _iso(case.closed_at),
            "outcome": case.outcome,
            "rating": case.rating,
            "summary": case.summary,
            "messages": [
                {"author": m.author, "text": m.text, "created_at": _iso(m.created_at), "delivered_at": _iso(m.delivered_at)}
                for m in messages
            ],
            "complaints": [
                {"text": c.text, "created_at": _iso(c.created_at), "resolved_at": _iso(c.resolved_at), "resolution": c.resolution}
                for c in complaints
            ],
        }
        if include_notes:
            notes = s.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id))
            data["counselor_notes"] = [{"text": n.text, "created_at": _iso(n.created_at)} for n in notes]
        return data

    # -- erasure -----------------------------------------------------------------------

    def erase(self, channel: str, sender_id: str, requested_by: str, admin_id: int | None = None,
              now: datetime | None = None) -> Erased:
        """Delete everything about the person; `requested_by` ("person", "admin",
        "retention") goes into the audit entry, which holds no personal data."""
        moment = now or datetime.now(timezone.utc)
        with self._sessions.begin() as s:
            erased = self._erase_in(s, channel, sender_id)
            s.add(AuditEntry(counselor_id=admin_id, action="erasure", detail=f"by {requested_by}: {erased.describe()}", at=moment))
        self._scrub_files()
        return erased

    def _erase_in(self, s: Session, channel: str, sender_id: str) -> Erased:
        sessions = plans = 0
        employee = s.scalars(select(Employee).where(Employee.channel == channel, Employee.sender_id == sender_id)).first()
        if employee is not None:
            sessions = len(employee.sessions)
            plans = s.execute(delete(PlanVersion).where(PlanVersion.employee_id == employee.id)).rowcount
            s.execute(delete(PlanLink).where(PlanLink.employee_id == employee.id))
            s.delete(employee)  # its counseling sessions, answers and questionnaires go with it
        case_ids = list(s.scalars(select(Case.id).where(Case.channel == channel, Case.sender_id == sender_id)))
        self._anonymise_cases(s, case_ids)
        links = s.execute(delete(ExportLink).where(ExportLink.channel == channel, ExportLink.sender_id == sender_id)).rowcount
        s.flush()
        return Erased(sessions=sessions, plans=plans or 0, cases=len(case_ids), export_links=links or 0)

    @staticmethod
    def _anonymise_cases(s: Session, case_ids: list[int]) -> None:
        if not case_ids:
            return
        for table in (CaseMessage, CaseNote, Complaint, Notification):
            s.execute(delete(table).where(table.case_id.in_(case_ids)))
        s.execute(
            update(Case)
            .where(Case.id.in_(case_ids))
            .values(
                channel=ERASED_CHANNEL, sender_id="", summary={}, stage=None, crisis_kind=None, specialty=None,
                outcome=None, rating=None, rated_at=None, expected_at=None,
                status="closed", closed_at=func.coalesce(Case.closed_at, func.current_timestamp()),
            )
            .execution_options(synchronize_session=False)
        )

    def _scrub_files(self) -> None:
        """SQLite keeps changed pages in its write-ahead log until a checkpoint: empty it, so
        erased text is in no file (secure_delete has zeroed it in the database file)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    # -- retention ---------------------------------------------------------------------

    def people_inactive_since(self, cutoff: datetime) -> list[Person]:
        """People whose records have not changed since `cutoff` and who have no open case
        and no case activity since then."""
        with self._sessions() as s:
            last_session = (
                select(CounselingSession.employee_id, func.max(CounselingSession.updated_at).label("last"))
                .group_by(CounselingSession.employee_id)
                .subquery()
            )
            last_plan = (
                select(PlanVersion.employee_id, func.max(PlanVersion.created_at).label("last"))
                .group_by(PlanVersion.employee_id)
                .subquery()
            )
            rows = s.execute(
                select(Employee.channel, Employee.sender_id, Employee.created_at, last_session.c.last, last_plan.c.last)
                .outerjoin(last_session, last_session.c.employee_id == Employee.id)
                .outerjoin(last_plan, last_plan.c.employee_id == Employee.id)
            ).all()
            people = {
                Person(channel, sender)
                for channel, sender, created, session_last, plan_last in rows
                if max(_aware(m) for m in (created, session_last, plan_last) if m is not None) < cutoff  # type: ignore[operator, type-var]
            }
            busy = self._people_with_recent_cases(s, cutoff)
            return sorted(people - busy, key=lambda p: (p.channel, p.sender_id))

    @staticmethod
    def _people_with_recent_cases(s: Session, cutoff: datetime) -> set[Person]:
        recent = s.execute(
            select(Case.channel, Case.sender_id).where(
                Case.channel != ERASED_CHANNEL,
                or_(Case.closed_at.is_(None), Case.closed_at >= cutoff, Case.created_at >= cutoff),
            )
        ).all()
        return {Person(channel, sender) for channel, sender in recent}

    def erase_cases_closed_before(self, cutoff: datetime, now: datetime | None = None) -> int:
        """Cases closed before `cutoff` keep only their anonymous count; returns how many."""
        moment = now or datetime.now(timezone.utc)
        with self._sessions.begin() as s:
            case_ids = list(s.scalars(
                select(Case.id).where(Case.channel != ERASED_CHANNEL, Case.closed_at.is_not(None), Case.closed_at < cutoff)
            ))
            self._anonymise_cases(s, case_ids)
            if case_ids:
                s.add(AuditEntry(action="erasure", detail=f"by retention: {len(case_ids)} closed cases", at=moment))
        if case_ids:
            self._scrub_files()
        return len(case_ids)

    def stored_senders(self) -> set[str]:
        """The sender ids of everyone with stored records (on any channel)."""
        with self._sessions() as s:
            return set(s.scalars(select(Employee.sender_id)))

    def people_with_cases(self) -> set[Person]:
        with self._sessions() as s:
            rows = s.execute(select(Case.channel, Case.sender_id).where(Case.channel != ERASED_CHANNEL).distinct()).all()
            return {Person(channel, sender) for channel, sender in rows}

    def take_lease(self, name: str, holder: str, until: datetime, now: datetime) -> bool:
        """True if `holder` now holds the lease `name` (free, expired, or already its own)."""
        try:
            with self._sessions.begin() as s:
                lease = s.get(Lease, name, with_for_update=True)
                if lease is None:
                    s.add(Lease(name=name, holder=holder, expires_at=until))
                    return True
                if lease.holder != holder and (_aware(lease.expires_at) or now) > now:
                    return False
                lease.holder, lease.expires_at = holder, until
                return True
        except IntegrityError:  # another server inserted it at the same moment
            return False

    def release_lease(self, name: str, holder: str) -> None:
        with self._sessions.begin() as s:
            s.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))

    # -- export links ------------------------------------------------------------------

    def create_export_link(self, token_hash: str, channel: str, sender_id: str, expires_at: datetime, now: datetime) -> None:
        """Store a link by its token's SHA-256 hex digest; expired links are cleared on the way."""
        if not _TOKEN_HASH.fullmatch(token_hash):
            raise ValueError("an export link is stored by the SHA-256 hex digest of its token, never the token")
        with self._sessions.begin() as s:
            s.execute(delete(ExportLink).where(ExportLink.expires_at <= now))
            s.add(ExportLink(token_hash=token_hash, channel=channel, sender_id=sender_id, created_at=now, expires_at=expires_at))

    def export_link_owner(self, token_hash: str, now: datetime) -> Person | None:
        """Whose data a link opens; None when it is unknown or has expired."""
        with self._sessions() as s:
            link = s.get(ExportLink, token_hash)
            if link is None or (_aware(link.expires_at) or now) <= now:
                return None
            return Person(link.channel, link.sender_id)
