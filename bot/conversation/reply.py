"""What a turn produces: the messages to send, the slot updates, the records to store and
the effects the adapters carry out (opening a case, sending the plan, starting over).

Plain data, so that the turn core (bot/conversation/turn.py) stays pure and testable
without Rasa or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


# ---- records: what goes into the answer store, in one transaction -------------------


@dataclass(frozen=True)
class AnswerRecord:
    """One answer to one question, as stored (display text, value, machine form)."""

    key: str
    display: str
    value: Any
    normalized: str | None = None
    skipped: bool = False
    suggested: bool = False  # a suggestion of Waypoint's the person chose


@dataclass(frozen=True)
class ConsentRecord:
    """The person agreed that their answers are stored, having been shown this version of
    the consent text (bot.conversation.messages.CONSENT_VERSION)."""

    text_version: str


@dataclass(frozen=True)
class InterestResponsesRecord:
    responses: dict[int, int | None]


@dataclass(frozen=True)
class SkillRatingsRecord:
    occupation_code: str
    ratings: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ForgetAnswerRecord:
    """The stored answer to `key` goes, with all its earlier versions (the person asked)."""

    key: str


Record = AnswerRecord | ConsentRecord | InterestResponsesRecord | SkillRatingsRecord | ForgetAnswerRecord


# ---- effects: what only an adapter can do ----------------------------------------------


@dataclass(frozen=True)
class OpenCase:
    """Hand the conversation to a human counselor (reason: requested, misunderstanding)."""

    reason: str = "requested"


@dataclass(frozen=True)
class CrisisSupport:
    """Crisis language: support resources at once and an urgent case."""

    kind: str | None = None
    # the person's words for the counselor, when they are not the message just sent (a
    # "yes, I need help" after the safety check)
    text: str | None = None


@dataclass(frozen=True)
class NoteToCounselor:
    """The person's words for the counselor of their open case, if they have one (a
    "false alarm" after the crisis response)."""

    text: str


@dataclass(frozen=True)
class SendPlan:
    """Make the next version of the career plan and send its links."""


@dataclass(frozen=True)
class StartOver:
    """Delete the stored answers (confirmed by the person) and begin again."""


@dataclass(frozen=True)
class MarkCompleted:
    """Every stage is done."""


@dataclass(frozen=True)
class WithdrawRequest:
    """The person did not mean to ask for a counselor: their queued request is withdrawn
    (never an urgent one)."""


@dataclass(frozen=True)
class ExportData:
    """Send a private link to a copy of everything held about the person."""


@dataclass(frozen=True)
class EraseData:
    """Delete everything held about the person (they confirmed). `withdraw`: their consent
    is withdrawn too, and the conversation goes on without storing anything."""

    withdraw: bool = False


Effect = (
    OpenCase | CrisisSupport | NoteToCounselor | SendPlan | StartOver | MarkCompleted | WithdrawRequest | ExportData
    | EraseData
)


@dataclass
class Reply:
    """The whole outcome of one turn. Messages are sent in order; effects run after the
    records are stored and before `after` messages are sent."""

    messages: list[Prompt] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    after: list[Prompt] = field(default_factory=list)
    kind: str = ""  # what the message was understood as (bot.conversation.understand.Kind)
    intent: str | None = None

    def say(self, message: str | Prompt) -> None:
        self.messages.append(message if isinstance(message, Prompt) else Prompt(message))

    def texts(self) -> list[str]:
        return [m.text for m in self.messages + self.after]
