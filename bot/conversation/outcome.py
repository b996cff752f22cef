"""The result of reading a reply to a question (bot/conversation/answers.py) and what it is
read against. Its own module so that the career questions (bot/careers/conversation.py)
build outcomes without importing the answer rules that call them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


@dataclass(frozen=True)
class AnswerContext:
    today: date
    slots: Mapping[str, Any] = field(default_factory=dict)
    default_review_months: int = 6
    careers: Any = None  # bot.careers.service.Careers, or None when the career database is unavailable


@dataclass
class Outcome:
    ok: bool
    value: Any = None  # the slot value
    display: str = ""  # how the answer is stored and shown back
    normalized: str | None = None  # machine-readable form: ISO date, months, choice codes
    extra: dict[str, Any] = field(default_factory=dict)  # other slots set on the way
    problem: str | None = None  # why the reply can't be used, said before asking again
    notice: str | None = None  # something to tell the person although the answer is fine
    skipped: bool = False

    @classmethod
    def rejected(cls, problem: str, **extra: Any) -> "Outcome":
        return cls(ok=False, problem=problem, extra=dict(extra))
