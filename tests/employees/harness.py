"""Simulated employees over the REST channel of a started stack (tests/e2e/stack.py).

Each employee answers the question the bot has open (read from the conversation's
tracker, as the console does) the way that employee would, and says their non-answers
on the way. What is checked, per employee, is what the person would notice:
- they reach the plan;
- nothing but answers is stored (no non-answer message is in the store);
- no question comes three times in a row;
- no "Goodbye" before the end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from bot.storage import Store
from tests.e2e.stack import Stack
from tests.employees.personas import Employee

PLAN_SENT = "Here is your career plan"
TURN_LIMIT = 220


@dataclass
class Transcript:
    employee: Employee
    sender: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("employee" | "bot", text)
    non_answers: list[str] = field(default_factory=list)
    turns: int = 0
    finished: bool = False
    early_goodbye: bool = False
    repeat_runs: int = 0
    stored: dict[str, object] = field(default_factory=dict)
    stored_non_answers: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    asks: int = 0  # times the employee asked for ideas
    asks_with_suggestions: int = 0  # ... and the reply offered at least two suggestions
    suggested_stored: list[str] = field(default_factory=list)  # answers stored from a suggestion

    @property
    def ok(self) -> bool:
        return self.finished and not self.early_goodbye and not self.repeat_runs and not self.stored_non_answers and not self.unmet

    def text(self) -> str:
        return "\n".join(f"{who:>8}: {line}" for who, line in self.lines)


def converse(stack: Stack, employee: Employee) -> Transcript:
    transcript = Transcript(employee, f"sim-{employee.name}-{uuid.uuid4().hex[:8]}")
    message, is_answer = employee.opening, employee.opening_is_answer
    asking = False
    last_questions: list[str] = []
    while transcript.turns < TURN_LIMIT:
        transcript.turns += 1
        transcript.lines.append(("employee", message))
        if not is_answer:
            transcript.non_answers.append(message)
        replies = stack.send(transcript.sender, message)
        texts = [r.get("text") or "" for r in replies]
        for text in texts:
            transcript.lines.append(("bot", text))
        if any(PLAN_SENT in text for text in texts):
            transcript.finished = True
            break
        if any(text.startswith("Goodbye") for text in texts):
            transcript.early_goodbye = True
        if texts:
            last_questions.append(texts[-1])
            if len(last_questions) >= 3 and len(set(last_questions[-3:])) == 1:
                transcript.repeat_runs += 1
        slots = stack.tracker(transcript.sender).get("slots") or {}
        key = slots.get("editing_field") or slots.get("open_question")
        buttons = [b for r in replies for b in (r.get("buttons") or [])]
        if asking:
            transcript.asks += 1
            if sum('"suggestion-' in b.get("payload", "") for b in buttons) >= 2:
                transcript.asks_with_suggestions += 1
        move = employee.next_move(key, buttons)
        message, is_answer, asking = move.text, move.answer, move.asks
    check_store(stack, transcript)
    return transcript


def check_store(stack: Stack, transcript: Transcript) -> None:
    store = Store.from_url(stack.answers_url)
    try:
        answers = store.answers("rest", transcript.sender)
    finally:
        store.engine.dispose()
    transcript.stored = {key: answer.slot_value for key, answer in answers.items()}
    transcript.suggested_stored = [key for key, answer in answers.items() if answer.suggested]
    values = {str(answer.value).strip().casefold() for answer in answers.values()}
    transcript.stored_non_answers = [m for m in transcript.non_answers if m.strip().casefold() in values]
    for key, check in transcript.employee.expect.items():
        if key not in transcript.stored or not check(transcript.stored[key]):
            transcript.unmet.append(f"{key} = {transcript.stored.get(key)!r}")


def summary(transcripts: list[Transcript]) -> list[str]:
    lines = ["Simulated employees (REST channel, a started stack):"]
    for t in transcripts:
        state = "reached the plan" if t.finished else "did NOT reach the plan"
        lines.append(
            f"  {t.employee.name:<6} {t.employee.kind:<58} {t.turns:3d} turns, {state}; "
            f"non-answers stored {len(t.stored_non_answers)}, repeated-question runs {t.repeat_runs}"
            + (", early goodbye" if t.early_goodbye else "")
            + (f", unexpected answers: {'; '.join(t.unmet)}" if t.unmet else "")
        )
    lines.append(
        f"  total: non-answers stored {sum(len(t.stored_non_answers) for t in transcripts)} (target 0), "
        f"runs of repeated questions {sum(t.repeat_runs for t in transcripts)} (target 0)"
    )
    asks = sum(t.asks for t in transcripts)
    offered = sum(t.asks_with_suggestions for t in transcripts)
    if asks:
        lines.append(
            f"Suggestion coverage: {offered}/{asks} requests for ideas got at least two suggestions = {offered / asks:.3f} "
            f"(target 1.000); answers stored from a suggestion: "
            + ", ".join(f"{t.employee.name} {len(t.suggested_stored)}" for t in transcripts if t.asks)
        )
    return lines
