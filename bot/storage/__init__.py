"""The data-access package: every read and write of the database goes through `Store`
(answers) and `CaseStore` (cases, counselors, console; bot/storage/cases.py).

One engine and sessionmaker per process; each public method is one unit of work
(`with self._sessions.begin()`), so callers never hold a session. Written in SQLAlchemy
2.0 style (`future=True`, `select()`), running on the 1.4 release Rasa pins.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import bindparam, create_engine, delete, event, select, text
from sqlalchemy.pool import QueuePool
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import (
    ActionStep,
    Answer,
    AnswerRevision,
    CounselingSession,
    Employee,
    Feedback,
    Goal,
    InterestResponse,
    PlanLink,
    PlanVersion,
    Person,
    ReviewSchedule,
    SkillRating,
)
from bot.conversation.messages import CONSENT_VERSION
from bot.conversation.stages import QUESTIONS, STAGES, STAGES_BY_KEY
from bot.storage.pool import ping_when_idle

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class StoredAnswer:
    question: str
    stage: str
    value: str
    slot_value: Any
    normalized: str | None
    skipped: bool
    revision: int
    updated_at: datetime
    suggested: bool = False  # chosen from Waypoint's suggestions


@dataclass(frozen=True)
class Revision:
    revision: int
    value: str
    recorded_at: datetime


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Connections are kept, not opened and closed per query (SQLAlchemy 1.4's default for
            # a SQLite file): closing the last one checkpointed the WAL every turn (make bench).
            kwargs.setdefault("poolclass", QueuePool)
        engine = create_engine(
            url, future=True, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets the action server read while another thread writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL never corrupts the file; a power cut may lose the last answer.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted content is overwritten with zeros, so erased answers do not linger in the file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    # hide_parameters: database errors never carry answer text into the logs; a pooled
    # connection is checked before use when it sat idle (bot/storage/pool.py)
    return ping_when_idle(create_engine(url, future=True, hide_parameters=True, **kwargs))


def create_database(server_url: str, name: str) -> bool:
    """Creates PostgreSQL database `name` on the server at `server_url` (no database in the
    URL) unless it exists; True when it was created."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a database name: {name!r}")
    engine = create_engine(f"{server_url.rstrip('/')}/postgres", future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).scalar():
                return False
            connection.execute(text(f'CREATE DATABASE "{name}"'))  # a checked name: identifiers take no parameters
            return True
    finally:
        engine.dispose()


def migrate(url: str, engine: Engine | None = None) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(MIGRATIONS.parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    if engine is not None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    else:
        command.upgrade(config, "head")


def _stage_rank(stage: str) -> int:
    return STAGES_BY_KEY[stage].number if stage in STAGES_BY_KEY else len(STAGES) + 1


def _as_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


# The lookups every stored answer makes, built once: building a statement for every call cost
# more than running it (make bench).
_EMPLOYEE = select(Employee).where(Employee.channel == bindparam("channel"), Employee.sender_id == bindparam("sender"))
_NEWEST_SESSION = (
    select(CounselingSession)
    .join(Employee, CounselingSession.employee_id == Employee.id)
    .where(Employee.channel == bindparam("channel"), Employee.sender_id == bindparam("sender"))
    .order_by(CounselingSession.id.desc())
    .limit(1)
)
_ANSWER = select(Answer).where(Answer.session_id == bindparam("session"), Answer.question == bindparam("question"))


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> "Store":
        return cls(make_engine(url))

    # -- employees and counseling sessions -------------------------------------------

    def _employee(self, s: Session, channel: str, sender_id: str, create: bool) -> Employee | None:
        employee = s.scalars(_EMPLOYEE, {"channel": channel, "sender": sender_id}).first()
        if employee is None and create:
            employee = Employee(id=uuid.uuid4().hex, channel=channel, sender_id=sender_id)
            s.add(employee)
            s.flush()
        return employee

    def _active_session(self, s: Session, channel: str, sender_id: str, create: bool) -> CounselingSession | None:
        """The person's newest counseling session: one query when there is one."""
        session = s.scalars(_NEWEST_SESSION, {"channel": channel, "sender": sender_id}).first()
        if session is not None or not create:
            return session
        employee = self._employee(s, channel, sender_id, create)
        assert employee is not None
        session = CounselingSession(employee_id=employee.id)
        s.add(session)
        s.flush()
        return session

    def employee_id(self, channel: str, sender_id: str) -> str:
        """The stable internal id for a channel user, created on first use."""
        with self._sessions.begin() as s:
            employee = self._employee(s, channel, sender_id, create=True)
            assert employee is not None
            return employee.id

    def record_consent(self, channel: str, sender_id: str, text_version: str = CONSENT_VERSION) -> None:
        with self._sessions.begin() as s:
            self._consent_in(self._session_for(s, channel, sender_id), text_version)

    def _session_for(self, s: Session, channel: str, sender_id: str) -> CounselingSession:
        session = self._active_session(s, channel, sender_id, create=True)
        assert session is not None
        return session

    @staticmethod
    def _consent_in(session: CounselingSession, text_version: str) -> None:
        """When consent was first given, and the version of the text last agreed to."""
        session.consent_at = session.consent_at or datetime.now(timezone.utc)
        session.consent_version = text_version

    def apply(self, channel: str, sender_id: str, records: Iterable[Any]) -> None:
        """A turn's records (bot.conversation.reply: consent, answers, questionnaire
        answers) in one transaction: all of them are stored, or none."""
        from bot.conversation.reply import (
            AnswerRecord, ConsentRecord, ForgetAnswerRecord, InterestResponsesRecord, SkillRatingsRecord,
        )

        records = list(records)
        if not records:
            return
        with self._sessions.begin() as s:
            session = self._session_for(s, channel, sender_id)
            for record in records:
                if isinstance(record, ConsentRecord):
                    self._consent_in(session, record.text_version)
                elif isinstance(record, AnswerRecord):
                    self._answer_in(s, session, record.key, record.display, record.value, record.normalized, record.skipped, record.suggested)
                elif isinstance(record, InterestResponsesRecord):
                    self._interest_responses_in(session, record.responses)
                elif isinstance(record, SkillRatingsRecord):
                    self._skill_ratings_in(s, session, record.occupation_code, record.ratings)
                elif isinstance(record, ForgetAnswerRecord):
                    self._forget_answer_in(s, session, record.key)
                else:
                    raise TypeError(f"not a record: {type(record).__name__}")

    # -- answers ---------------------------------------------------------------------

    def record_answer(
        self,
        channel: str,
        sender_id: str,
        question: str,
        value: str,
        slot_value: Any,
        normalized: str | None = None,
        skipped: bool = False,
    ) -> int:
        """Store an answer; an existing one becomes a revision. Returns the revision number."""
        with self._sessions.begin() as s:
            return self._answer_in(s, self._session_for(s, channel, sender_id), question, value, slot_value, normalized, skipped)

    def _answer_in(
        self, s: Session, session: CounselingSession, question: str, value: str, slot_value: Any,
        normalized: str | None, skipped: bool, suggested: bool = False,
    ) -> int:
        stage = QUESTIONS[question].stage
        now = datetime.now(timezone.utc)
        answer = s.scalars(_ANSWER, {"session": session.id, "question": question}).first()
        if answer is None:
            answer = Answer(session_id=session.id, question=question, stage=stage, revision=1, answered_at=now)
            s.add(answer)
        elif (answer.value, answer.skipped) == (value, skipped) and answer.slot_value == slot_value:
            return answer.revision  # the same answer again is not a revision
        else:
            answer.revision += 1
        answer.value, answer.slot_value, answer.normalized = value, slot_value, normalized
        answer.skipped, answer.suggested, answer.updated_at = skipped, suggested, now
        if answer.id is None:
            s.flush()  # a new answer's id, for its first revision (a known one's writes wait for the commit)
        s.add(AnswerRevision(
            answer_id=answer.id, revision=answer.revision, value=value, normalized=normalized, skipped=skipped,
            suggested=suggested, recorded_at=now,
        ))
        if _stage_rank(stage) > _stage_rank(session.stage_reached):
            session.stage_reached = stage
        session.updated_at = now
        self._update_structured(s, session, question, None if skipped else slot_value)
        return answer.revision

    def _forget_answer_in(self, s: Session, session: CounselingSession, question: str) -> None:
        """An answer and every earlier version of it, gone (the structured record too)."""
        answer = s.scalars(select(Answer).where(Answer.session_id == session.id, Answer.question == question)).first()
        if answer is not None:
            s.delete(answer)  # its revisions go with it
            s.flush()
        self._update_structured(s, session, question, None)

    def _update_structured(self, s: Session, session: CounselingSession, question: str, value: Any) -> None:
        """Keep goals, steps, people, review and feedback tables in step with the answers."""
        if question.startswith("goal_"):
            horizon, _, part = question.removeprefix("goal_").partition("_")
            goal = s.scalars(select(Goal).where(Goal.session_id == session.id, Goal.horizon == horizon)).first()
            if part == "":
                if value is None:
                    if goal is not None:
                        s.delete(goal)
                    return
                if goal is None:
                    goal = Goal(session_id=session.id, horizon=horizon, description=str(value))
                    s.add(goal)
                goal.description, goal.confirmed = str(value), False
            elif goal is not None:
                if part == "due":
                    goal.target_date = _as_date(value)
                elif part == "measure":
                    goal.success_criterion = None if value is None else str(value)
                elif part == "confirmed":
                    goal.confirmed = value is True
        elif question == "action_steps":
            s.execute(delete(ActionStep).where(ActionStep.session_id == session.id))
            for position, step in enumerate(value or [], start=1):
                due = _as_date(step.get("due"))
                if due is not None:
                    s.add(ActionStep(session_id=session.id, position=position, description=step["description"], due_date=due))
        elif question == "key_people":
            roles = list(value or [])
            s.execute(delete(Person).where(Person.session_id == session.id, Person.role.not_in(roles)))
            existing = set(s.scalars(select(Person.role).where(Person.session_id == session.id)))
            for role in roles:
                if role not in existing:
                    s.add(Person(session_id=session.id, role=role))
        elif question.startswith("person_"):
            role, _, part = question.removeprefix("person_").rpartition("_")
            person = s.scalars(select(Person).where(Person.session_id == session.id, Person.role == role)).first()
            if person is None:
                person = Person(session_id=session.id, role=role)
                s.add(person)
            setattr(person, "contribution" if part == "help" else "engagement", value)
        elif question in ("review_frequency", "next_review_date", "review_triggers"):
            review = session.review or ReviewSchedule(session_id=session.id)
            session.review = review
            if question == "review_frequency":
                review.frequency_months = int(value) if value is not None else None
            elif question == "next_review_date":
                review.next_review_on = _as_date(value)
            else:
                review.triggers = value
        elif question in ("session_rating", "rating_comment"):
            feedback = session.feedback or Feedback(session_id=session.id)
            session.feedback = feedback
            if question == "session_rating":
                feedback.rating = int(value) if value is not None else None
            else:
                feedback.comment = value

    def answers(self, channel: str, sender_id: str) -> dict[str, StoredAnswer]:
        """The current answers of someone's active counseling session."""
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            if session is None:
                return {}
            rows = s.scalars(select(Answer).where(Answer.session_id == session.id).order_by(Answer.id))
            return {
                a.question: StoredAnswer(a.question, a.stage, a.value, a.slot_value, a.normalized, a.skipped, a.revision, a.updated_at, a.suggested)
                for a in rows
            }

    def history(self, channel: str, sender_id: str, question: str) -> list[Revision]:
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            if session is None:
                return []
            rows = s.execute(
                select(AnswerRevision.revision, AnswerRevision.value, AnswerRevision.recorded_at)
                .join(Answer, Answer.id == AnswerRevision.answer_id)
                .where(Answer.session_id == session.id, Answer.question == question)
                .order_by(AnswerRevision.revision)
            )
            return [Revision(r.revision, r.value, r.recorded_at) for r in rows]

    def mark_completed(self, channel: str, sender_id: str) -> None:
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            if session is not None and session.status != "completed":
                session.status, session.completed_at = "completed", datetime.now(timezone.utc)
                session.stage_reached = "review"

    def clear_progress(self, channel: str, sender_id: str) -> bool:
        """Start over: delete the person's counseling records. True if there were any."""
        with self._sessions.begin() as s:
            employee = self._employee(s, channel, sender_id, create=False)
            if employee is None:
                return False
            sessions = list(s.scalars(select(CounselingSession).where(CounselingSession.employee_id == employee.id)))
            for session in sessions:
                s.delete(session)
            # the plan documents and their links go with the answers they were made from
            plans = s.execute(delete(PlanVersion).where(PlanVersion.employee_id == employee.id)).rowcount
            s.execute(delete(PlanLink).where(PlanLink.employee_id == employee.id))
            return bool(sessions) or bool(plans)

    # -- the career database's questionnaires ------------------------------------------

    def record_interest_responses(self, channel: str, sender_id: str, responses: Mapping[int, int | None]) -> None:
        """Interest Profiler answers so far (1-5, None = skipped), so an interrupted
        profiler resumes where it stopped; they replace what was stored before."""
        with self._sessions.begin() as s:
            self._interest_responses_in(self._session_for(s, channel, sender_id), responses)

    @staticmethod
    def _interest_responses_in(session: CounselingSession, responses: Mapping[int, int | None]) -> None:
        now = datetime.now(timezone.utc)
        # `responses` is everything answered so far: rows it lacks are from an earlier
        # run of the profiler (a redo) and go
        wanted = {int(item) for item in responses}
        for row in [r for r in session.interest_responses if r.item not in wanted]:
            session.interest_responses.remove(row)
        known = {r.item: r for r in session.interest_responses}
        for item, response in responses.items():
            row = known.get(int(item))
            if row is None:
                session.interest_responses.append(InterestResponse(item=int(item), response=response, answered_at=now))
            elif row.response != response:
                row.response, row.answered_at = response, now
        if _stage_rank("exploration") > _stage_rank(session.stage_reached):
            session.stage_reached = "exploration"
        session.updated_at = now

    def interest_responses(self, channel: str, sender_id: str) -> dict[int, int | None]:
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            return {} if session is None else {r.item: r.response for r in session.interest_responses}

    def record_skill_ratings(self, channel: str, sender_id: str, occupation_code: str, ratings: Iterable[Mapping[str, Any]]) -> None:
        """Self-ratings against a target occupation's skills; a new target replaces the old."""
        with self._sessions.begin() as s:
            self._skill_ratings_in(s, self._session_for(s, channel, sender_id), occupation_code, ratings)

    @staticmethod
    def _skill_ratings_in(s: Session, session: CounselingSession, occupation_code: str, ratings: Iterable[Mapping[str, Any]]) -> None:
        now = datetime.now(timezone.utc)
        session.skill_ratings.clear()
        s.flush()
        for r in ratings:
            session.skill_ratings.append(
                SkillRating(
                    occupation_code=r.get("occupation_code") or occupation_code,  # both targets kept: the second's own skills
                    element_id=r["element_id"],
                    skill=r["skill"],
                    self_level=r.get("self_level"),
                    required_level=r["required_level"],
                    importance=r["importance"],
                    rated_at=now,
                )
            )
        session.updated_at = now

    def skill_ratings(self, channel: str, sender_id: str) -> list[dict[str, Any]]:
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            if session is None:
                return []
            return [
                {
                    "occupation_code": r.occupation_code,
                    "element_id": r.element_id,
                    "skill": r.skill,
                    "self_level": r.self_level,
                    "required_level": r.required_level,
                    "importance": r.importance,
                }
                for r in session.skill_ratings
            ]

    # -- reads for the plan, the console and the tests ---------------------------------

    def session_record(self, channel: str, sender_id: str) -> dict[str, Any] | None:
        """Everything stored for someone's active session, as plain data."""
        with self._sessions.begin() as s:
            session = self._active_session(s, channel, sender_id, create=False)
            if session is None:
                return None
            return {
                "employee_id": session.employee_id,
                "status": session.status,
                "stage_reached": session.stage_reached,
                "consent_at": session.consent_at,
                "goals": {
                    g.horizon: {"description": g.description, "target_date": g.target_date, "success_criterion": g.success_criterion, "confirmed": g.confirmed}
                    for g in session.goals
                },
                "action_steps": [{"description": a.description, "due_date": a.due_date} for a in session.action_steps],
                "people": {p.role: {"contribution": p.contribution, "engagement": p.engagement} for p in session.people},
                "review": None
                if session.review is None
                else {"frequency_months": session.review.frequency_months, "next_review_on": session.review.next_review_on, "triggers": session.review.triggers},
                "feedback": None if session.feedback is None else {"rating": session.feedback.rating, "comment": session.feedback.comment},
                "interest_responses": {r.item: r.response for r in session.interest_responses},
                "skill_ratings": [
                    {"occupation_code": r.occupation_code, "element_id": r.element_id, "skill": r.skill, "self_level": r.self_level, "required_level": r.required_level, "importance": r.importance}
                    for r in session.skill_ratings
                ],
            }

    def count_employees(self) -> int:
        with self._sessions.begin() as s:
            return len(list(s.scalars(select(Employee.id))))


def slot_values(answers: Iterable[StoredAnswer]) -> dict[str, Any]:
    """Stored answers as the conversation's slot values, to resume exactly."""
    return {a.question: a.slot_value for a in answers if a.slot_value is not None}


from bot.storage.cases import CaseError, CaseRecord, CaseStore, CaseUpdate, CounselorRecord  # noqa: E402

__all__ = [
    "CaseError", "CaseRecord", "CaseStore", "CaseUpdate", "CounselorRecord", "Revision", "Store", "StoredAnswer",
    "make_engine", "migrate", "slot_values",
]

from bot.storage.plans import PlanStore, StoredPlan  # noqa: E402
from bot.storage.personal import Erased, PersonalDataStore  # noqa: E402

__all__ += ["Erased", "PersonalDataStore", "PlanStore", "StoredPlan"]
