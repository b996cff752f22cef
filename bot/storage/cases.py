"""Cases, counselors and the console's own records: the data access of the human handoff.

Used by the action server (opening cases, relaying messages, ratings) and by the web
server (the counselor console, notification delivery, the check for cases nobody has taken). Every method is one unit of work;
times are passed in (`now`) so that tests can freeze the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import (
    AuditEntry,
    Case,
    CaseMessage,
    CaseNote,
    Complaint,
    ConsoleSession,
    Counselor,
    Notification,
)

OPEN_STATUSES = ("new", "assigned", "active")
# Nobody has taken these yet ("assigned" is routed to a counselor who has not taken it).
UNTAKEN_STATUSES = ("new", "assigned")
OPEN_STATUSES_DEFAULT = OPEN_STATUSES
CASE_STATUSES = ("new", "assigned", "active", "closed")
ROLES = ("counselor", "admin")
REASONS = ("requested", "misunderstanding", "crisis")
# Notification delivery gives up after this many attempts (about 4 hours with the backoff).
MAX_DELIVERY_ATTEMPTS = 10
# How long a web server holds a notice it is sending before another may try it.
CLAIM_SPAN = timedelta(minutes=2)


class CaseError(Exception):
    """A case operation that cannot be done as asked; the message says why, without personal data."""


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: everything stored is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _now(now: datetime | None) -> datetime:
    return _utc(now) or datetime.now(timezone.utc)  # type: ignore[return-value]


@dataclass(frozen=True)
class CounselorRecord:
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    qualifications: str
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, row: Counselor) -> "CounselorRecord":
        return cls(
            row.id, row.username, row.display_name, row.email, row.role, row.qualifications or "",
            tuple(row.specialties or ()), tuple(row.languages or ()), bool(row.active),
            _utc(row.locked_until), _utc(row.created_at),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class QueueEntry:
    """A case as the console's queue lists it: plain columns only – no encrypted one is read,
    so a queue of thousands costs no decryption – and who wrote last in the case's messages."""

    id: int
    channel: str
    status: str
    urgent: bool
    reason: str
    specialty: str | None
    stage: str | None
    after_hours: bool
    counselor_id: int | None
    created_at: datetime
    taken_at: datetime | None
    handed_back_at: datetime | None
    closed_at: datetime | None
    last_author: str | None  # "employee" | "counselor" | None without messages

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed to; None means any."""

    statuses: tuple[str, ...] = OPEN_STATUSES_DEFAULT
    urgent: bool | None = None
    counselor_id: int | None = None
    unassigned: bool = False
    channel: str | None = None
    opened_from: datetime | None = None
    opened_before: datetime | None = None


@dataclass(frozen=True)
class CaseRecord:
    id: int
    channel: str
    sender_id: str
    status: str
    urgent: bool
    reason: str
    crisis_kind: str | None
    specialty: str | None
    stage: str | None
    after_hours: bool
    expected_at: datetime | None
    summary: Mapping[str, Any]
    counselor_id: int | None
    created_at: datetime
    taken_at: datetime | None
    handed_back_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    rating: int | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def with_counselor(self) -> bool:
        """A counselor has the conversation now: taken and not handed back."""
        return self.status == "active" and self.handed_back_at is None

    @classmethod
    def of(cls, row: Case) -> "CaseRecord":
        return cls(
            row.id, row.channel, row.sender_id, row.status, bool(row.urgent), row.reason, row.crisis_kind,
            row.specialty, row.stage, bool(row.after_hours), _utc(row.expected_at), dict(row.summary or {}),
            row.counselor_id, _utc(row.created_at), _utc(row.taken_at), _utc(row.handed_back_at),  # type: ignore[arg-type]
            _utc(row.closed_at), row.outcome, row.rating,
        )


@dataclass(frozen=True)
class MessageRecord:
    id: int
    case_id: int
    author: str
    counselor_id: int | None
    text: str
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: CaseMessage) -> "MessageRecord":
        return cls(row.id, row.case_id, row.author, row.counselor_id, row.text, _utc(row.created_at), _utc(row.delivered_at))  # type: ignore[arg-type]


@dataclass(frozen=True)
class NoteRecord:
    id: int
    case_id: int
    counselor_id: int | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ComplaintRecord:
    id: int
    case_id: int
    counselor_id: int | None
    text: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    resolution: str | None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    counselor_id: int | None
    action: str
    case_id: int | None
    detail: str


@dataclass(frozen=True)
class SessionRecord:
    counselor: CounselorRecord
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class DueNotification:
    id: int
    transport: str
    urgent: bool
    attempts: int
    case: CaseRecord
    kind: str = "case"  # case: new, urgent or reopened | untaken: a reminder to the admins


@dataclass(frozen=True)
class WaitingCase:
    """An open case nobody has taken, as the untaken-case check sees it (plain columns only)."""

    id: int
    urgent: bool
    created_at: datetime


@dataclass(frozen=True)
class CounselorStats:
    counselor: CounselorRecord
    cases_total: int
    cases_open: int
    cases_closed: int
    ratings: int
    average_rating: float | None
    complaints: int
    open_complaints: int


@dataclass
class CaseUpdate:
    """What a new request adds to a conversation's open case."""

    reason: str
    urgent: bool = False
    crisis_kind: str | None = None
    specialty: str | None = None
    stage: str | None = None
    after_hours: bool = False
    expected_at: datetime | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)


class CaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    # -- counselors ---------------------------------------------------------------------

    def add_counselor(
        self,
        username: str,
        display_name: str,
        password_hash: str,
        *,
        email: str | None = None,
        role: str = "counselor",
        qualifications: str = "",
        specialties: Iterable[str] = (),
        languages: Iterable[str] = (),
        active: bool = True,
    ) -> CounselorRecord:
        if role not in ROLES:
            raise CaseError(f"role must be one of {', '.join(ROLES)}")
        row = Counselor(
            username=username, display_name=display_name, email=email, password_hash=password_hash, role=role,
            qualifications=qualifications, specialties=_tags(specialties), languages=_tags(languages), active=active,
        )
        try:
            with self._sessions.begin() as s:
                s.add(row)
                s.flush()
                return CounselorRecord.of(row)
        except IntegrityError:
            raise CaseError(f"the user name {username!r} is taken") from None

    def update_counselor(self, counselor_id: int, **changes: Any) -> CounselorRecord:
        allowed = {"display_name", "email", "role", "qualifications", "specialties", "languages", "active"}
        unknown = set(changes) - allowed
        if unknown:
            raise CaseError(f"cannot change {', '.join(sorted(unknown))}")
        if "role" in changes and changes["role"] not in ROLES:
            raise CaseError(f"role must be one of {', '.join(ROLES)}")
        with self._sessions.begin() as s:
            row = s.get(Counselor, counselor_id)
            if row is None:
                raise CaseError("no such counselor")
            for key, value in changes.items():
                if value is None and key != "email":
                    continue
                setattr(row, key, _tags(value) if key in ("specialties", "languages") else value)
            if changes.get("active") is False:
                s.execute(delete(ConsoleSession).where(ConsoleSession.counselor_id == counselor_id))
            return CounselorRecord.of(row)

    def set_password(self, counselor_id: int, password_hash: str) -> None:
        """A new password also ends every console session of that counselor."""
        with self._sessions.begin() as s:
            row = s.get(Counselor, counselor_id)
            if row is None:
                raise CaseError("no such counselor")
            row.password_hash = password_hash
            row.failed_logins = 0
            row.locked_until = None
            s.execute(delete(ConsoleSession).where(ConsoleSession.counselor_id == counselor_id))

    def counselor(self, counselor_id: int) -> CounselorRecord | None:
        with self._sessions() as s:
            row = s.get(Counselor, counselor_id)
            return CounselorRecord.of(row) if row else None

    def counselor_by_username(self, username: str) -> CounselorRecord | None:
        with self._sessions() as s:
            row = s.scalars(select(Counselor).where(Counselor.username == username)).first()
            return CounselorRecord.of(row) if row else None

    def password_hash(self, counselor_id: int) -> str | None:
        with self._sessions() as s:
            row = s.get(Counselor, counselor_id)
            return row.password_hash if row else None

    def counselors(self, active_only: bool = False) -> list[CounselorRecord]:
        with self._sessions() as s:
            query = select(Counselor).order_by(Counselor.display_name, Counselor.id)
            if active_only:
                query = query.where(Counselor.active.is_(True))
            return [CounselorRecord.of(row) for row in s.scalars(query)]

    def record_login_failure(
        self, counselor_id: int, now: datetime | None = None, lock_after: int = 5, lock_minutes: int = 15
    ) -> None:
        """Several wrong passwords in a row lock the account for a while (guessing gets slow)."""
        with self._sessions.begin() as s:
            # the row is locked while counted: two wrong passwords at once are two failures, not one
            row = s.get(Counselor, counselor_id, with_for_update=True)
            if row is None:
                return
            row.failed_logins = (row.failed_logins or 0) + 1
            if row.failed_logins >= lock_after:
                row.locked_until = _now(now) + timedelta(minutes=lock_minutes)
                row.failed_logins = 0

    def record_login_success(self, counselor_id: int) -> None:
        with self._sessions.begin() as s:
            row = s.get(Counselor, counselor_id)
            if row is not None:
                row.failed_logins = 0
                row.locked_until = None

    # -- cases ----------------------------------------------------------------------------

    def open_case(
        self,
        channel: str,
        sender_id: str,
        update: CaseUpdate,
        notify_by: Sequence[str] = (),
        now: datetime | None = None,
    ) -> tuple[CaseRecord, bool]:
        """The conversation's open case, created and routed if there is none.

        A second request while a case is open adds to it (a crisis makes it urgent) rather
        than opening another. Returns (case, created). A notification is queued for a new
        case and for a case that has just become urgent.
        """
        moment = _now(now)
        if update.reason not in REASONS:
            raise CaseError(f"a case's reason is one of {', '.join(REASONS)}")
        if update.specialty:
            update.specialty = update.specialty.strip().lower() or None  # counselor tags are lower-case
        # Two requests of one conversation never race: Rasa's lock store runs its turns one at a time.
        # A crisis is always urgent, whether or not the caller said so.
        urgent = bool(update.urgent or update.reason == "crisis")
        with self._sessions.begin() as s:
            row = self._open_case_row(s, channel, sender_id)
            created = row is None
            escalated = reopened = False
            if row is None:
                row = Case(
                    channel=channel, sender_id=sender_id, status="new", urgent=urgent, reason=update.reason,
                    crisis_kind=update.crisis_kind, specialty=update.specialty, stage=update.stage,
                    # SQLite keeps the wall time and drops the offset: store UTC (office hours give local time)
                    after_hours=update.after_hours, expected_at=_utc(update.expected_at), summary=dict(update.summary),
                    created_at=moment,
                )
                s.add(row)
                s.flush()
                counselor_id = self._least_loaded(s, update.specialty)
                if counselor_id is not None:
                    row.counselor_id, row.status = counselor_id, "assigned"
            else:
                escalated = urgent and not row.urgent
                if urgent:
                    row.urgent = True
                if update.reason == "crisis":
                    row.reason, row.crisis_kind = "crisis", update.crisis_kind or row.crisis_kind
                row.stage = update.stage or row.stage
                row.summary = {**(row.summary or {}), **dict(update.summary)}
                # the opening the person was told about now, not at the first request
                row.after_hours, row.expected_at = update.after_hours, _utc(update.expected_at)
                if row.handed_back_at is not None:
                    # asked again after a hand-back: the same counselor (if any) gets it back
                    row.handed_back_at = None
                    row.status = "assigned" if row.counselor_id is not None else "new"
                    reopened = True
                if escalated and row.status == "new" and update.specialty:
                    row.specialty = update.specialty
                    counselor_id = self._least_loaded(s, update.specialty)
                    if counselor_id is not None:
                        row.counselor_id, row.status = counselor_id, "assigned"
            if created or escalated or reopened:
                for transport in notify_by:
                    s.add(Notification(case_id=row.id, transport=transport, urgent=bool(row.urgent),
                                       created_at=moment, next_attempt_at=moment))
            s.flush()
            return CaseRecord.of(row), created

    @staticmethod
    def _open_case_row(s: Session, channel: str, sender_id: str) -> Case | None:
        return s.scalars(
            select(Case)
            .where(Case.channel == channel, Case.sender_id == sender_id, Case.status.in_(OPEN_STATUSES))
            .order_by(Case.id.desc())
        ).first()

    @staticmethod
    def _least_loaded(s: Session, specialty: str | None) -> int | None:
        """The active counselor whose specialty fits with the fewest open cases (ties: the
        one registered first); None sends the case to the general queue."""
        load = (
            select(Case.counselor_id, func.count(Case.id).label("open_cases"))
            .where(Case.status.in_(("assigned", "active")), Case.counselor_id.is_not(None))
            .group_by(Case.counselor_id)
            .subquery()
        )
        rows = s.execute(
            select(Counselor.id, Counselor.specialties, func.coalesce(load.c.open_cases, 0))
            .outerjoin(load, load.c.counselor_id == Counselor.id)
            .where(Counselor.active.is_(True), Counselor.role == "counselor")
            .order_by(Counselor.id)
        ).all()
        fitting = [(cases, cid) for cid, specialties, cases in rows if specialty is None or specialty in (specialties or ())]
        return min(fitting)[1] if fitting else None

    def open_case_for(self, channel: str, sender_id: str) -> CaseRecord | None:
        with self._sessions() as s:
            row = self._open_case_row(s, channel, sender_id)
            return CaseRecord.of(row) if row else None

    def latest_case_for(self, channel: str, sender_id: str) -> CaseRecord | None:
        with self._sessions() as s:
            row = s.scalars(
                select(Case).where(Case.channel == channel, Case.sender_id == sender_id).order_by(Case.id.desc())
            ).first()
            return CaseRecord.of(row) if row else None

    def case(self, case_id: int) -> CaseRecord | None:
        with self._sessions() as s:
            row = s.get(Case, case_id)
            return CaseRecord.of(row) if row else None

    def cases(self, statuses: Sequence[str] | None = None, counselor_id: int | None = None) -> list[CaseRecord]:
        """Urgent first, then oldest first: the order a queue is worked in."""
        with self._sessions() as s:
            query = select(Case).order_by(Case.urgent.desc(), Case.created_at, Case.id)
            if statuses:
                query = query.where(Case.status.in_(tuple(statuses)))
            if counselor_id is not None:
                query = query.where(Case.counselor_id == counselor_id)
            return [CaseRecord.of(row) for row in s.scalars(query)]

    def take_case(self, case_id: int, counselor_id: int, now: datetime | None = None, override: bool = False) -> CaseRecord:
        """A counselor takes a case from the queue (or one routed to them). Someone else's
        case is only taken over with `override` (admins)."""
        with self._sessions.begin() as s:
            row = s.get(Case, case_id, with_for_update=True)
            if row is None:
                raise CaseError("no such case")
            if row.status == "closed":
                raise CaseError("this case is closed")
            if row.counselor_id not in (None, counselor_id) and row.status == "active" and not override:
                raise CaseError("another counselor has taken this case")
            row.counselor_id, row.status = counselor_id, "active"
            row.taken_at = row.taken_at or _now(now)
            row.handed_back_at = None
            return CaseRecord.of(row)

    def hand_back(self, case_id: int, now: datetime | None = None) -> CaseRecord:
        with self._sessions.begin() as s:
            row = s.get(Case, case_id)
            if row is None:
                raise CaseError("no such case")
            row.handed_back_at = _now(now)
            return CaseRecord.of(row)

    def close_case(self, case_id: int, outcome: str, now: datetime | None = None) -> CaseRecord:
        with self._sessions.begin() as s:
            row = s.get(Case, case_id)
            if row is None:
                raise CaseError("no such case")
            if row.status == "closed":
                raise CaseError("this case is already closed")
            moment = _now(now)
            row.status, row.outcome, row.closed_at = "closed", outcome, moment
            row.handed_back_at = row.handed_back_at or moment
            return CaseRecord.of(row)

    def update_summary(self, case_id: int, summary: Mapping[str, Any], stage: str | None = None) -> None:
        with self._sessions.begin() as s:
            row = s.get(Case, case_id)
            if row is not None:
                row.summary = {**(row.summary or {}), **dict(summary)}
                row.stage = stage or row.stage

    def record_rating(self, case_id: int, rating: int, now: datetime | None = None) -> None:
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise CaseError("a rating is a whole number from 1 to 5")
        with self._sessions.begin() as s:
            row = s.get(Case, case_id)
            if row is None:
                raise CaseError("no such case")
            row.rating, row.rated_at = rating, _now(now)

    # -- messages and notes ---------------------------------------------------------------

    def add_message(
        self, case_id: int, author: str, text: str, counselor_id: int | None = None, now: datetime | None = None
    ) -> MessageRecord:
        if author not in ("employee", "counselor"):
            raise CaseError("a message is written by the employee or a counselor")
        with self._sessions.begin() as s:
            row = CaseMessage(case_id=case_id, author=author, text=text, counselor_id=counselor_id, created_at=_now(now))
            s.add(row)
            s.flush()
            return MessageRecord.of(row)

    def message(self, message_id: int) -> MessageRecord | None:
        with self._sessions() as s:
            row = s.get(CaseMessage, message_id)
            return MessageRecord.of(row) if row else None

    def messages(self, case_id: int, after_id: int = 0) -> list[MessageRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(CaseMessage).where(CaseMessage.case_id == case_id, CaseMessage.id > after_id).order_by(CaseMessage.id)
            )
            return [MessageRecord.of(row) for row in rows]

    def mark_delivered(self, message_ids: Iterable[int], now: datetime | None = None) -> int:
        """Marks counselor replies delivered on the channel's confirmation (bot/handoff/delivery.py);
        a reply confirmed twice keeps its first time. Returns how many were newly marked."""
        ids = sorted({i for i in message_ids})
        if not ids:
            return 0
        with self._sessions.begin() as s:
            # One UPDATE, no row loaded: the channel's process need not decrypt the text.
            result = s.execute(
                update(CaseMessage)
                .where(CaseMessage.id.in_(ids), CaseMessage.author == "counselor", CaseMessage.delivered_at.is_(None))
                .values(delivered_at=_now(now))
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)

    def pending_replies(self, channel: str, sender_id: str) -> tuple[CaseRecord, list[MessageRecord]] | None:
        """The person's open case and its counselor replies not yet confirmed delivered, oldest
        first; None without an open case or a pending reply."""
        with self._sessions() as s:
            row = self._open_case_row(s, channel, sender_id)
            if row is None:
                return None
            pending = s.scalars(
                select(CaseMessage)
                .where(CaseMessage.case_id == row.id, CaseMessage.author == "counselor", CaseMessage.delivered_at.is_(None))
                .order_by(CaseMessage.id)
            ).all()
            return (CaseRecord.of(row), [MessageRecord.of(m) for m in pending]) if pending else None

    def has_pending_replies(self, channel: str, sender_id: str) -> bool:
        """Whether an open case of the person has a reply not yet confirmed delivered (no text read)."""
        with self._sessions() as s:
            found = s.scalar(
                select(CaseMessage.id)
                .join(Case, Case.id == CaseMessage.case_id)
                .where(
                    Case.channel == channel, Case.sender_id == sender_id, Case.status.in_(OPEN_STATUSES),
                    CaseMessage.author == "counselor", CaseMessage.delivered_at.is_(None),
                )
                .limit(1)
            )
            return found is not None

    def add_note(self, case_id: int, counselor_id: int, text: str, now: datetime | None = None) -> NoteRecord:
        with self._sessions.begin() as s:
            row = CaseNote(case_id=case_id, counselor_id=counselor_id, text=text, created_at=_now(now))
            s.add(row)
            s.flush()
            return NoteRecord(row.id, row.case_id, row.counselor_id, row.text, _utc(row.created_at))  # type: ignore[arg-type]

    def notes(self, case_id: int) -> list[NoteRecord]:
        with self._sessions() as s:
            rows = s.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id))
            return [NoteRecord(r.id, r.case_id, r.counselor_id, r.text, _utc(r.created_at)) for r in rows]  # type: ignore[arg-type]

    # -- complaints and supervision -------------------------------------------------------

    def add_complaint(self, case_id: int, text: str, now: datetime | None = None) -> ComplaintRecord:
        with self._sessions.begin() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise CaseError("no such case")
            row = Complaint(case_id=case_id, counselor_id=case.counselor_id, text=text, created_at=_now(now))
            s.add(row)
            s.flush()
            return _complaint(row)

    def complaints(self, open_only: bool = False) -> list[ComplaintRecord]:
        with self._sessions() as s:
            query = select(Complaint).order_by(Complaint.resolved_at.is_not(None), Complaint.created_at.desc())
            if open_only:
                query = query.where(Complaint.resolved_at.is_(None))
            return [_complaint(row) for row in s.scalars(query)]

    def resolve_complaint(self, complaint_id: int, admin_id: int, resolution: str, now: datetime | None = None) -> ComplaintRecord:
        with self._sessions.begin() as s:
            row = s.get(Complaint, complaint_id)
            if row is None:
                raise CaseError("no such complaint")
            row.resolved_at, row.resolved_by, row.resolution = _now(now), admin_id, resolution
            return _complaint(row)

    def supervision_stats(self) -> list[CounselorStats]:
        """Per counselor: cases, average rating and complaints (seed 002's supervision)."""
        with self._sessions() as s:
            counselors = list(s.scalars(select(Counselor).order_by(Counselor.display_name, Counselor.id)))
            case_rows = s.execute(
                select(
                    Case.counselor_id,
                    func.count(Case.id),
                    func.sum(sql_case((Case.status.in_(OPEN_STATUSES), 1), else_=0)),
                    func.count(Case.rating),
                    func.avg(Case.rating),
                )
                .where(Case.counselor_id.is_not(None))
                .group_by(Case.counselor_id)
            ).all()
            complaint_rows = s.execute(
                select(Complaint.counselor_id, func.count(Complaint.id), func.count(Complaint.id).filter(Complaint.resolved_at.is_(None)))
                .where(Complaint.counselor_id.is_not(None))
                .group_by(Complaint.counselor_id)
            ).all()
        by_case = {row[0]: row[1:] for row in case_rows}
        by_complaint = {row[0]: row[1:] for row in complaint_rows}
        stats = []
        for counselor in counselors:
            total, open_cases, ratings, average = by_case.get(counselor.id, (0, 0, 0, None))
            complaints, open_complaints = by_complaint.get(counselor.id, (0, 0))
            stats.append(
                CounselorStats(
                    CounselorRecord.of(counselor), int(total), int(open_cases or 0), int(total) - int(open_cases or 0),
                    int(ratings), round(float(average), 2) if average is not None else None,
                    int(complaints), int(open_complaints),
                )
            )
        return stats

    # -- audit log ------------------------------------------------------------------------

    def audit(self, counselor_id: int | None, action: str, case_id: int | None = None, detail: str = "",
              now: datetime | None = None) -> None:
        with self._sessions.begin() as s:
            s.add(AuditEntry(counselor_id=counselor_id, action=action, case_id=case_id, detail=detail[:255], at=_now(now)))

    def audit_log(self, limit: int = 200, case_id: int | None = None, counselor_id: int | None = None) -> list[AuditRecord]:
        with self._sessions() as s:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if case_id is not None:
                query = query.where(AuditEntry.case_id == case_id)
            if counselor_id is not None:
                query = query.where(AuditEntry.counselor_id == counselor_id)
            return [AuditRecord(r.id, _utc(r.at), r.counselor_id, r.action, r.case_id, r.detail) for r in s.scalars(query)]  # type: ignore[arg-type]

    # -- console sessions -----------------------------------------------------------------

    def create_session(self, counselor_id: int, token_hash: str, csrf_token: str, expires_at: datetime,
                       now: datetime | None = None) -> None:
        moment = _now(now)
        with self._sessions.begin() as s:
            s.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < moment))
            s.add(ConsoleSession(token_hash=token_hash, counselor_id=counselor_id, csrf_token=csrf_token,
                                 created_at=moment, last_seen=moment, expires_at=_utc(expires_at)))

    def session(self, token_hash: str, now: datetime | None = None) -> SessionRecord | None:
        """The live session for a cookie, or None (unknown, expired, or counselor inactive)."""
        moment = _now(now)
        with self._sessions() as s:
            row = s.get(ConsoleSession, token_hash)
            if row is None or _utc(row.expires_at) <= moment:  # type: ignore[operator]
                return None
            counselor = s.get(Counselor, row.counselor_id)
            if counselor is None or not counselor.active:
                return None
            return SessionRecord(CounselorRecord.of(counselor), row.csrf_token, _utc(row.created_at), _utc(row.expires_at))  # type: ignore[arg-type]

    def touch_session(self, token_hash: str, expires_at: datetime, now: datetime | None = None) -> None:
        with self._sessions.begin() as s:
            row = s.get(ConsoleSession, token_hash)
            if row is not None:
                row.last_seen, row.expires_at = _now(now), _utc(expires_at)

    def delete_session(self, token_hash: str) -> None:
        with self._sessions.begin() as s:
            s.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))

    # -- notification outbox --------------------------------------------------------------

    def due_notifications(self, now: datetime | None = None, limit: int = 20) -> list[DueNotification]:
        """The notices due now (nobody's claim is checked: for reading; sending claims them)."""
        moment = _now(now)
        with self._sessions() as s:
            rows = s.execute(self._due(moment).limit(limit)).all()
            return [DueNotification(n.id, n.transport, bool(n.urgent), n.attempts, CaseRecord.of(c), n.kind) for n, c in rows]

    def claim_due_notifications(self, now: datetime | None = None, limit: int = 20,
                                hold: timedelta = CLAIM_SPAN) -> list[DueNotification]:
        """The notices due now that no other web server is sending, claimed for `hold`: on
        PostgreSQL rows another server has locked are skipped (FOR UPDATE SKIP LOCKED), and
        the claim itself keeps them from a second sender until it is sent or the claim lapses."""
        moment = _now(now)
        with self._sessions.begin() as s:
            query = self._due(moment).where(
                or_(Notification.claimed_until.is_(None), Notification.claimed_until <= moment)
            ).limit(limit).with_for_update(skip_locked=True, of=Notification)
            rows = s.execute(query).all()
            for notification, _case in rows:
                notification.claimed_until = moment + hold
            return [DueNotification(n.id, n.transport, bool(n.urgent), n.attempts, CaseRecord.of(c), n.kind) for n, c in rows]

    @staticmethod
    def _due(moment: datetime):  # type: ignore[no-untyped-def]
        return (
            select(Notification, Case)
            .join(Case, Case.id == Notification.case_id)
            .where(
                Notification.sent_at.is_(None),
                Notification.next_attempt_at <= moment,
                Notification.attempts < MAX_DELIVERY_ATTEMPTS,
            )
            .order_by(Notification.urgent.desc(), Notification.id)
        )

    def notification_sent(self, notification_id: int, now: datetime | None = None) -> None:
        with self._sessions.begin() as s:
            row = s.get(Notification, notification_id)
            if row is not None:
                row.sent_at, row.attempts, row.claimed_until = _now(now), row.attempts + 1, None

    def notification_failed(self, notification_id: int, error: str, now: datetime | None = None) -> None:
        """Retried with exponential backoff: 30 s, 1 min, 2 min … capped at 2 h."""
        moment = _now(now)
        with self._sessions.begin() as s:
            row = s.get(Notification, notification_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:255]
                row.claimed_until = None
                row.next_attempt_at = moment + timedelta(seconds=min(30 * 2 ** (row.attempts - 1), 7200))

    def notification_postponed(self, notification_id: int, until: datetime) -> None:
        """Not sent now and not a failure (a reminder after closing time): due again at `until`."""
        with self._sessions.begin() as s:
            row = s.get(Notification, notification_id)
            if row is not None and row.sent_at is None:
                row.next_attempt_at, row.claimed_until = _utc(until), None

    def notification_withdrawn(self, notification_id: int) -> None:
        """A notice no longer worth sending (a reminder about a case taken meanwhile) leaves the outbox."""
        with self._sessions.begin() as s:
            s.execute(delete(Notification).where(Notification.id == notification_id, Notification.sent_at.is_(None)))

    def notifications(self, case_id: int | None = None) -> list[dict[str, Any]]:
        with self._sessions() as s:
            query = select(Notification).order_by(Notification.id)
            if case_id is not None:
                query = query.where(Notification.case_id == case_id)
            return [
                {"id": n.id, "case_id": n.case_id, "transport": n.transport, "kind": n.kind, "urgent": bool(n.urgent),
                 "attempts": n.attempts, "sent_at": _utc(n.sent_at), "last_error": n.last_error}
                for n in s.scalars(query)
            ]

    # -- cases nobody has taken (bot/handoff/untaken.py) ---------------------------------------

    def untaken_cases(self, opened_before: datetime | None, urgent_opened_before: datetime | None) -> list[WaitingCase]:
        """Open cases nobody has taken and the admins have not been alerted about, opened before
        the bound for their urgency (None: cases of that urgency are not alerted); oldest first.
        A case once taken – handed back or asked for again since – is not among them."""
        by_urgency = []
        if opened_before is not None:
            by_urgency.append(and_(Case.urgent.is_(False), Case.created_at <= _utc(opened_before)))
        if urgent_opened_before is not None:
            by_urgency.append(and_(Case.urgent.is_(True), Case.created_at <= _utc(urgent_opened_before)))
        if not by_urgency:
            return []
        with self._sessions() as s:
            rows = s.execute(
                select(Case.id, Case.urgent, Case.created_at)
                .where(
                    Case.status.in_(UNTAKEN_STATUSES), Case.taken_at.is_(None), Case.untaken_alerted_at.is_(None),
                    or_(*by_urgency),
                )
                .order_by(Case.created_at, Case.id)
            ).all()
            return [WaitingCase(row.id, bool(row.urgent), _utc(row.created_at)) for row in rows]  # type: ignore[arg-type]

    def alert_untaken(self, case_id: int, transports: Sequence[str], now: datetime | None = None) -> bool:
        """Marks the case as reminded and queues the reminders, in one transaction – only if it
        is still untaken and nobody marked it first. The conditional update is the once-only
        guard: on PostgreSQL a second web server waits for the first one's row lock, then finds
        the mark set and updates nothing. Returns whether this call raised the alert."""
        moment = _now(now)
        with self._sessions.begin() as s:
            result = s.execute(
                update(Case)
                .where(
                    Case.id == case_id, Case.status.in_(UNTAKEN_STATUSES), Case.taken_at.is_(None),
                    Case.untaken_alerted_at.is_(None),
                )
                .values(untaken_alerted_at=moment)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return False
            urgent = bool(s.scalar(select(Case.urgent).where(Case.id == case_id)))
            for transport in transports:
                s.add(Notification(case_id=case_id, transport=transport, kind="untaken", urgent=urgent,
                                   created_at=moment, next_attempt_at=moment))
            return True

    # -- console additions --

    def replace_password_hash(self, counselor_id: int, password_hash: str) -> None:
        """The same password re-hashed with newer parameters at login: unlike `set_password`
        it keeps the counselor's sessions (the one being opened included)."""
        with self._sessions.begin() as s:
            row = s.get(Counselor, counselor_id)
            if row is not None:
                row.password_hash = password_hash

    def queue_entries(self, filters: QueueFilter, limit: int | None = None, offset: int = 0) -> tuple[list[QueueEntry], int]:
        """The cases the filter lets through – open ones urgent first, then oldest first; closed
        ones newest first – and how many there are in all (`limit`/`offset` page them)."""
        last_author = (
            select(CaseMessage.author).where(CaseMessage.case_id == Case.id)
            .order_by(CaseMessage.id.desc()).limit(1).correlate(Case).scalar_subquery()
        )
        columns = (
            Case.id, Case.channel, Case.status, Case.urgent, Case.reason, Case.specialty, Case.stage, Case.after_hours,
            Case.counselor_id, Case.created_at, Case.taken_at, Case.handed_back_at, Case.closed_at,
        )
        conditions = [Case.status.in_(tuple(filters.statuses))]
        if filters.urgent is not None:
            conditions.append(Case.urgent.is_(filters.urgent))
        if filters.unassigned:
            conditions.append(Case.counselor_id.is_(None))
        elif filters.counselor_id is not None:
            conditions.append(Case.counselor_id == filters.counselor_id)
        if filters.channel:
            conditions.append(Case.channel == filters.channel)
        if filters.opened_from is not None:
            conditions.append(Case.created_at >= filters.opened_from)
        if filters.opened_before is not None:
            conditions.append(Case.created_at < filters.opened_before)
        only_closed = set(filters.statuses) == {"closed"}
        order = (Case.closed_at.desc(), Case.id.desc()) if only_closed else (Case.urgent.desc(), Case.created_at, Case.id)
        with self._sessions() as s:
            total = s.scalar(select(func.count(Case.id)).where(*conditions)) or 0
            query = select(*columns, last_author.label("last_author")).where(*conditions).order_by(*order)
            if limit is not None:
                query = query.limit(limit).offset(offset)
            entries = [
                QueueEntry(
                    row.id, row.channel, row.status, bool(row.urgent), row.reason, row.specialty, row.stage,
                    bool(row.after_hours), row.counselor_id, _utc(row.created_at), _utc(row.taken_at),  # type: ignore[arg-type]
                    _utc(row.handed_back_at), _utc(row.closed_at), row.last_author,
                )
                for row in s.execute(query)
            ]
        return entries, int(total)

    def channels(self) -> list[str]:
        """The channels cases came from (the queue's channel filter)."""
        with self._sessions() as s:
            return sorted(c for c in s.scalars(select(Case.channel).distinct()) if c and c != "erased")

    def recently_closed(self, limit: int = 50) -> list[CaseRecord]:
        """The latest closed cases, newest first (the console's queue shows a few)."""
        with self._sessions() as s:
            query = (
                select(Case).where(Case.status == "closed").order_by(Case.closed_at.desc(), Case.id.desc()).limit(limit)
            )
            return [CaseRecord.of(row) for row in s.scalars(query)]


def _tags(values: Iterable[str]) -> list[str]:
    """Specialties and languages: lower-case, trimmed, unique, in the order given."""
    seen: list[str] = []
    for value in values:
        tag = str(value).strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _complaint(row: Complaint) -> ComplaintRecord:
    return ComplaintRecord(row.id, row.case_id, row.counselor_id, row.text, _utc(row.created_at),  # type: ignore[arg-type]
                           _utc(row.resolved_at), row.resolved_by, row.resolution)

