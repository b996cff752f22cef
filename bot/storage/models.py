"""The answer store's tables. Schema changes go through Alembic (migrations/).

Free text about a person – answers, goals, steps, people, cases, messages, notes,
complaints, plans – is stored encrypted (EncryptedText / EncryptedJSON, bot/storage/crypto.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

from bot.storage.crypto import EncryptedJSON, EncryptedText

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """The declarative base, spelled out as a class (what `declarative_base()` builds at run
    time, per SQLAlchemy's docs) so type checkers see a class."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Employee(Base):
    """A person as the channels know them (channel + sender id), under a stable internal id."""

    __tablename__ = "employees"
    __table_args__ = (UniqueConstraint("channel", "sender_id", name="uq_employee_channel_sender"),)

    id = Column(String(32), primary_key=True)
    channel = Column(String(64), nullable=False)
    sender_id = Column(String(255), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    sessions = relationship("CounselingSession", back_populates="employee", cascade="all, delete-orphan")


class CounselingSession(Base):
    __tablename__ = "counseling_sessions"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(32), ForeignKey("employees.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="active")  # active | completed
    stage_reached = Column(String(32), nullable=False, default="welcome")
    consent_at = Column(DateTime(timezone=True))
    consent_version = Column(String(16))  # bot.conversation.messages.CONSENT_VERSION agreed to
    started_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    completed_at = Column(DateTime(timezone=True))

    employee = relationship("Employee", back_populates="sessions")
    answers = relationship("Answer", back_populates="session", cascade="all, delete-orphan")
    goals = relationship("Goal", cascade="all, delete-orphan")
    action_steps = relationship("ActionStep", cascade="all, delete-orphan", order_by="ActionStep.position")
    people = relationship("Person", cascade="all, delete-orphan")
    review = relationship("ReviewSchedule", uselist=False, cascade="all, delete-orphan")
    feedback = relationship("Feedback", uselist=False, cascade="all, delete-orphan")
    interest_responses = relationship("InterestResponse", cascade="all, delete-orphan", order_by="InterestResponse.item")
    skill_ratings = relationship("SkillRating", cascade="all, delete-orphan", order_by="SkillRating.id")


class Answer(Base):
    """The current answer to one question; every earlier value is in AnswerRevision."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question", name="uq_answer_session_question"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    question = Column(String(64), nullable=False)
    stage = Column(String(32), nullable=False)
    value = Column(EncryptedText, nullable=False)  # as the person gave it, or as shown back to them
    slot_value = Column(EncryptedJSON)  # the conversation's own form, to resume exactly
    normalized = Column(EncryptedText)  # ISO date, months, choice codes
    skipped = Column(Boolean, nullable=False, default=False)
    suggested = Column(Boolean, nullable=False, default=False, server_default=false())  # chosen from Waypoint's suggestions
    revision = Column(Integer, nullable=False, default=1)
    answered_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    session = relationship("CounselingSession", back_populates="answers")
    revisions = relationship("AnswerRevision", cascade="all, delete-orphan", order_by="AnswerRevision.revision")


class AnswerRevision(Base):
    __tablename__ = "answer_revisions"
    __table_args__ = (UniqueConstraint("answer_id", "revision", name="uq_revision_answer_number"),)

    id = Column(Integer, primary_key=True)
    answer_id = Column(Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False, index=True)
    revision = Column(Integer, nullable=False)
    value = Column(EncryptedText, nullable=False)
    normalized = Column(EncryptedText)
    skipped = Column(Boolean, nullable=False, default=False)
    suggested = Column(Boolean, nullable=False, default=False, server_default=false())
    recorded_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("session_id", "horizon", name="uq_goal_session_horizon"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    horizon = Column(String(8), nullable=False)  # short | medium | long
    description = Column(EncryptedText, nullable=False)
    target_date = Column(Date)
    success_criterion = Column(EncryptedText)
    confirmed = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ActionStep(Base):
    __tablename__ = "action_steps"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    description = Column(EncryptedText, nullable=False)
    due_date = Column(Date, nullable=False)


class Person(Base):
    """Someone who matters for the plan (manager, mentor, HR, peers, family)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("session_id", "role", name="uq_person_session_role"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(16), nullable=False)
    contribution = Column(EncryptedText)  # what they can do
    engagement = Column(EncryptedText)  # how and when the employee will engage them


class ReviewSchedule(Base):
    __tablename__ = "review_schedules"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, unique=True)
    frequency_months = Column(Integer)
    next_review_on = Column(Date)
    triggers = Column(EncryptedText)


class Feedback(Base):
    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, unique=True)
    rating = Column(Integer)
    comment = Column(EncryptedText)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


# --- Career information database (O*NET 29.3, CC BY 4.0; loaded by bot/careers/loader.py) ---
# Reference data, the same for everyone: rebuilt from the files in onet/ whenever they change.


class OnetDataset(Base):
    """Which O*NET files the career tables were loaded from (a digest of their content)."""

    __tablename__ = "onet_dataset"

    id = Column(Integer, primary_key=True)  # always 1
    release = Column(String(16), nullable=False)
    fingerprint = Column(String(64), nullable=False)
    row_counts = Column(JSON, nullable=False)
    loaded_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class OnetOccupation(Base):
    __tablename__ = "onet_occupations"

    code = Column(String(10), primary_key=True)  # O*NET-SOC code, e.g. 15-2051.00
    title = Column(String(150), nullable=False)
    description = Column(Text, nullable=False)
    job_zone = Column(Integer)  # 1-5; missing for some occupations
    # RIASEC occupational interest profile (scale OI, 1-7) and high-point code ("IRC")
    realistic = Column(Float)
    investigative = Column(Float)
    artistic = Column(Float)
    social = Column(Float)
    enterprising = Column(Float)
    conventional = Column(Float)
    interest_code = Column(String(3))


class OnetTitle(Base):
    """Every name of an occupation: its title, alternate titles and reported titles."""

    __tablename__ = "onet_titles"

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    title = Column(String(250), nullable=False)
    kind = Column(String(16), nullable=False)  # title | alternate | short | reported


class OnetElement(Base):
    """Names and descriptions from the Content Model (skills, knowledge, education...)."""

    __tablename__ = "onet_elements"

    element_id = Column(String(20), primary_key=True)
    name = Column(String(150), nullable=False)
    description = Column(Text)


class OnetRequirement(Base):
    """A skill or knowledge area of an occupation: importance (IM 1-5) and level (LV 0-7)."""

    __tablename__ = "onet_requirements"
    __table_args__ = (UniqueConstraint("code", "element_id", name="uq_requirement_code_element"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    element_id = Column(String(20), nullable=False)
    kind = Column(String(10), nullable=False)  # skill | knowledge
    importance = Column(Float)
    level = Column(Float)


class OnetLevelAnchor(Base):
    """What a level means for a skill: "level 4 of Programming: write a program to ..."."""

    __tablename__ = "onet_level_anchors"

    id = Column(Integer, primary_key=True)
    element_id = Column(String(20), nullable=False, index=True)
    level = Column(Integer, nullable=False)
    description = Column(Text, nullable=False)


class OnetWorkValue(Base):
    """How far an occupation satisfies one of O*NET's six work values (extent, EX 1-7)."""

    __tablename__ = "onet_work_values"
    __table_args__ = (UniqueConstraint("code", "element_id", name="uq_work_value_code_element"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    element_id = Column(String(20), nullable=False)  # 1.B.2.a Achievement ... 1.B.2.f Independence
    extent = Column(Float, nullable=False)


class OnetTask(Base):
    __tablename__ = "onet_tasks"

    id = Column(Integer, primary_key=True)  # O*NET task id
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    task = Column(Text, nullable=False)
    core = Column(Boolean, nullable=False)
    incumbents_responding = Column(Integer)


class OnetTechnology(Base):
    __tablename__ = "onet_technologies"

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    example = Column(String(250), nullable=False)
    category = Column(String(150), nullable=False)
    hot = Column(Boolean, nullable=False)
    in_demand = Column(Boolean, nullable=False)


class OnetRelated(Base):
    __tablename__ = "onet_related"

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    related_code = Column(String(10), nullable=False)
    tier = Column(String(20), nullable=False)  # Primary-Short | Primary-Long | Supplemental
    rank = Column(Integer, nullable=False)


class OnetEducation(Base):
    """Share of workers by category: required education (RL), related experience (RW),
    on-site (PT) and on-the-job training (OJ)."""

    __tablename__ = "onet_education"

    id = Column(Integer, primary_key=True)
    code = Column(String(10), ForeignKey("onet_occupations.code", ondelete="CASCADE"), nullable=False, index=True)
    scale = Column(String(4), nullable=False)
    category = Column(Integer, nullable=False)
    percent = Column(Float, nullable=False)


class OnetEducationCategory(Base):
    __tablename__ = "onet_education_categories"

    scale = Column(String(4), primary_key=True)
    category = Column(Integer, primary_key=True)
    description = Column(Text, nullable=False)


class OnetJobZone(Base):
    __tablename__ = "onet_job_zones"

    zone = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    experience = Column(Text, nullable=False)
    education = Column(Text, nullable=False)
    training = Column(Text, nullable=False)
    examples = Column(Text, nullable=False)


class OnetRiasecWord(Base):
    """Words that explain a RIASEC area: keywords, illustrative activities and occupations."""

    __tablename__ = "onet_riasec_words"

    id = Column(Integer, primary_key=True)
    area = Column(String(1), nullable=False, index=True)  # R I A S E C
    kind = Column(String(12), nullable=False)  # action | object | activity | occupation
    text = Column(Text, nullable=False)


class OnetProfilerItem(Base):
    """The 60 items of the O*NET Interest Profiler Short Form."""

    __tablename__ = "onet_profiler_items"

    number = Column(Integer, primary_key=True)
    area = Column(String(1), nullable=False)
    item = Column(Text, nullable=False)


# --- What an employee said with the career database ---


class InterestResponse(Base):
    """One Interest Profiler answer: 1 strongly dislike ... 5 strongly like; None = skipped."""

    __tablename__ = "interest_responses"
    __table_args__ = (UniqueConstraint("session_id", "item", name="uq_interest_response_session_item"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    item = Column(Integer, nullable=False)
    response = Column(Integer)
    answered_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class SkillRating(Base):
    """A self-rating on a target occupation's skill, with the level the occupation needs."""

    __tablename__ = "skill_ratings"
    __table_args__ = (UniqueConstraint("session_id", "element_id", name="uq_skill_rating_session_element"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    occupation_code = Column(String(10), nullable=False)
    element_id = Column(String(20), nullable=False)
    skill = Column(String(150), nullable=False)
    self_level = Column(Integer)  # 0-7 (O*NET level scale); None = skipped
    required_level = Column(Float, nullable=False)
    importance = Column(Float, nullable=False)
    rated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


# --- Human handoff and the counselor console ---
# A case is keyed by the conversation (channel + sender id), not by an employee row:
# a person who declined consent has no employee row, yet can still ask for a human.


class Counselor(Base):
    """A counselor or admin of the console (seed 002's registry)."""

    __tablename__ = "counselors"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    email = Column(String(254))
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="counselor")  # counselor | admin
    qualifications = Column(Text, nullable=False, default="")
    specialties = Column(JSON, nullable=False, default=list)  # e.g. ["crisis", "management"]
    languages = Column(JSON, nullable=False, default=list)  # e.g. ["en", "zh"]
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Case(Base):
    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    channel = Column(String(64), nullable=False)
    sender_id = Column(String(255), nullable=False)
    # new (waiting for a counselor) | assigned (routed, not yet taken) | active (taken) | closed.
    # An erased person's cases keep channel "erased", an empty sender id, and the counselor,
    # reason and dates: an anonymous count for supervision figures, nothing about the person.
    status = Column(String(16), nullable=False, default="new", index=True)
    urgent = Column(Boolean, nullable=False, default=False)
    reason = Column(String(32), nullable=False)  # requested | misunderstanding | crisis
    crisis_kind = Column(String(32))
    specialty = Column(String(64))  # what the case needs; None = any counselor
    stage = Column(String(32))
    after_hours = Column(Boolean, nullable=False, default=False)
    expected_at = Column(DateTime(timezone=True))  # the next opening time told to the employee
    summary = Column(EncryptedJSON, nullable=False, default=dict)
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"), index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    taken_at = Column(DateTime(timezone=True))
    handed_back_at = Column(DateTime(timezone=True))
    closed_at = Column(DateTime(timezone=True))
    outcome = Column(EncryptedText)
    rating = Column(Integer)
    rated_at = Column(DateTime(timezone=True))
    # When the admins were told nobody had taken the case in time (bot/handoff/untaken.py):
    # set once, by a conditional update, so several web servers alert once between them.
    untaken_alerted_at = Column(DateTime(timezone=True))


class CaseMessage(Base):
    """What was said while a counselor had (or was about to have) the conversation."""

    __tablename__ = "case_messages"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(16), nullable=False)  # employee | counselor
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"))
    text = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    delivered_at = Column(DateTime(timezone=True))


class CaseNote(Base):
    """A counselor's private note: never shown to the employee."""

    __tablename__ = "case_notes"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"))
    text = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Complaint(Base):
    __tablename__ = "complaints"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"), index=True)
    text = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    resolved_at = Column(DateTime(timezone=True))
    resolved_by = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"))
    resolution = Column(EncryptedText)


class AuditEntry(Base):
    """Who did what in the console. `detail` never holds message text."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="SET NULL"), index=True)
    action = Column(String(32), nullable=False)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    detail = Column(String(255), nullable=False, default="")


class ConsoleSession(Base):
    """A console login. Only a hash of the cookie's token is stored."""

    __tablename__ = "console_sessions"

    token_hash = Column(String(64), primary_key=True)
    counselor_id = Column(Integer, ForeignKey("counselors.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_seen = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class Notification(Base):
    """Outbox of counselor notifications: written with the case (or by the web server's check
    for cases nobody has taken), delivered (and retried) by the web server, so a Slack or mail
    outage never loses one or slows the chat."""

    __tablename__ = "notifications"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    transport = Column(String(16), nullable=False)  # slack | email
    # case: a new, urgent or reopened case, to its counselors | untaken: a reminder to the admins
    kind = Column(String(16), nullable=False, default="case", server_default="case")
    urgent = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    # while one web server sends it, no other takes it (CaseStore.claim_due_notifications)
    claimed_until = Column(DateTime(timezone=True))
    sent_at = Column(DateTime(timezone=True))
    last_error = Column(String(255))


# --- The career plan: its versions and the links that serve it ---


class PlanVersion(Base):
    """One generated career plan (1, 2, ... per employee), kept exactly as it was generated."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("employee_id", "version", name="uq_plan_version_employee_version"),)

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(32), ForeignKey("employees.id", ondelete="CASCADE"), nullable=False)
    version = Column(Integer, nullable=False)
    content = Column(EncryptedJSON, nullable=False)  # bot.plan.model.CareerPlan.to_dict()
    charts = Column(EncryptedJSON)  # Charts.to_dict(), rendered on the first download that needs them
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class PlanLink(Base):
    """A download link to someone's career plan. Only the SHA-256 of the link's token is stored."""

    __tablename__ = "plan_links"

    token_hash = Column(String(64), primary_key=True)
    employee_id = Column(String(32), ForeignKey("employees.id", ondelete="CASCADE"), nullable=False, index=True)
    version = Column(Integer)  # the plan version the link was made for; None (older links): the latest
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


# --- The employee's data rights (bot/privacy/) ---


class ExportLink(Base):
    """A private link to a copy of everything held about a person (keyed like a case, by
    channel + sender id: someone without stored answers may still have cases). Only the
    SHA-256 of the link's token is stored."""

    __tablename__ = "export_links"
    __table_args__ = (Index("ix_export_links_person", "channel", "sender_id"),)

    token_hash = Column(String(64), primary_key=True)
    channel = Column(String(64), nullable=False)
    sender_id = Column(String(255), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


class Lease(Base):
    """Who runs a once-per-deployment job (the retention purge) until when."""

    __tablename__ = "leases"

    name = Column(String(32), primary_key=True)
    holder = Column(String(64), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)
