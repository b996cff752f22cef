"""The answer store's tables. Schema changes go through Alembic (migrations/)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


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


class Answer(Base):
    """The current answer to one question; every earlier value is in AnswerRevision."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question", name="uq_answer_session_question"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    question = Column(String(64), nullable=False)
    stage = Column(String(32), nullable=False)
    value = Column(Text, nullable=False)  # as the person gave it, or as shown back to them
    slot_value = Column(JSON)  # the conversation's own form, to resume exactly
    normalized = Column(Text)  # ISO date, months, choice codes
    skipped = Column(Boolean, nullable=False, default=False)
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
    value = Column(Text, nullable=False)
    normalized = Column(Text)
    skipped = Column(Boolean, nullable=False, default=False)
    recorded_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("session_id", "horizon", name="uq_goal_session_horizon"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    horizon = Column(String(8), nullable=False)  # short | medium | long
    description = Column(Text, nullable=False)
    target_date = Column(Date)
    success_criterion = Column(Text)
    confirmed = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ActionStep(Base):
    __tablename__ = "action_steps"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    description = Column(Text, nullable=False)
    due_date = Column(Date, nullable=False)


class Person(Base):
    """Someone who matters for the plan (manager, mentor, HR, peers, family)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("session_id", "role", name="uq_person_session_role"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(16), nullable=False)
    contribution = Column(Text)  # what they can do
    engagement = Column(Text)  # how and when the employee will engage them


class ReviewSchedule(Base):
    __tablename__ = "review_schedules"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, unique=True)
    frequency_months = Column(Integer)
    next_review_on = Column(Date)
    triggers = Column(Text)


class Feedback(Base):
    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("counseling_sessions.id", ondelete="CASCADE"), nullable=False, unique=True)
    rating = Column(Integer)
    comment = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
