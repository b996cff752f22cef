"""The human handoff: who has the conversation, what the bot does meanwhile, and what a
counselor is told about a case.

The conversation is in one of these handoff states (the `handoff` slot):
- None: the bot counsels.
- "waiting": in office hours a counselor was asked for; the bot is silent, the person's
  messages go to the case.
- "queued": after hours the case waits for the next opening; the bot goes on with the
  self-service stages meanwhile.
- "active": a counselor is talking; the bot is silent until they hand back.
- "rating" / "complaint": after a human session the bot asks for a rating, then
  (if wanted) a complaint, then resumes the counseling where it was.

`next_action` is the whole decision while the handoff holds the conversation, so that
the Rasa policy that applies it stays a thin adapter and the rules can be tested without
Rasa; otherwise the turn core (bot/conversation/turn.py) reads every message, crisis
language included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from bot.handoff.crisis import CrisisSignal, detect_crisis
from bot.privacy import ERASE_ACTION, ERASE_REQUEST_INTENT

WAITING, QUEUED, ACTIVE, RATING, COMPLAINT = "waiting", "queued", "active", "rating", "complaint"
SILENT_STATES = (WAITING, ACTIVE)
STATES = (WAITING, QUEUED, ACTIVE, RATING, COMPLAINT)
# The states in which the handoff, not the turn core, decides what a message means.
HELD_STATES = (WAITING, ACTIVE, RATING, COMPLAINT)

# Intents the console sends through Rasa's HTTP API (trigger_intent); never typed by people.
COUNSELOR_REPLY_INTENT = "counselor_reply"
HAND_BACK_INTENT = "hand_back"
EXTERNAL_INTENTS = (COUNSELOR_REPLY_INTENT, HAND_BACK_INTENT)

ACTION_LISTEN = "action_listen"
ACTION_RELAY = "action_relay_to_counselor"
ACTION_DELIVER = "action_deliver_counselor_reply"
ACTION_HAND_BACK = "action_hand_back"
ACTION_CRISIS = "action_crisis_support"
ACTION_RATING = "action_take_session_rating"
ACTION_COMPLAINT = "action_take_complaint"
ACTION_CONTINUE = "action_continue_counseling"
HANDOFF_ACTIONS = (ACTION_RELAY, ACTION_DELIVER, ACTION_HAND_BACK, ACTION_CRISIS, ACTION_RATING, ACTION_COMPLAINT)

# Crisis cases go to counselors trained for them; other cases to the career direction's
# specialists when one is known, else to any counselor.
CRISIS_SPECIALTY = "crisis"


@dataclass(frozen=True)
class Turn:
    """What the policy sees of the conversation's last step."""

    state: str | None
    latest_action: str | None
    intent: str | None
    text: str | None


def next_action(turn: Turn, extra_crisis_phrases: tuple[str, ...] = ()) -> str | None:
    """The action the handoff needs next, or None to leave the turn to the other policies."""
    if turn.latest_action == ACTION_LISTEN:
        external = bool(turn.text) and is_external(turn.text or "")
        # only the console (Rasa's HTTP API) can send these; typed as "/hand_back" they are ignored
        if turn.intent == COUNSELOR_REPLY_INTENT and external:
            return ACTION_DELIVER
        if turn.intent == HAND_BACK_INTENT and external:
            return ACTION_HAND_BACK
        if turn.intent == ERASE_REQUEST_INTENT and external:
            return ERASE_ACTION  # an admin's erasure, or the retention purge (bot/privacy)
        if turn.state not in HELD_STATES:
            return None  # the bot counsels: the turn core reads the message (crisis included)
        if turn.text and not external and detect_crisis(turn.text, extra_crisis_phrases):
            return ACTION_CRISIS
        if turn.state in SILENT_STATES:
            return ACTION_RELAY
        if turn.state == RATING:
            return ACTION_RATING
        if turn.state == COMPLAINT:
            return ACTION_COMPLAINT
        return None
    if turn.latest_action in (ACTION_RELAY, ACTION_DELIVER, ACTION_CRISIS, ACTION_HAND_BACK):
        # said what was needed (or, relaying, nothing): the person or the counselor is next
        return ACTION_LISTEN
    if turn.latest_action in (ACTION_RATING, ACTION_COMPLAINT):
        # the rating or complaint is done: back to the counseling; else wait for it
        return ACTION_LISTEN if turn.state in (RATING, COMPLAINT) else ACTION_CONTINUE
    return None


def is_external(text: str) -> bool:
    """Messages Rasa makes for trigger_intent ("EXTERNAL: counselor_reply")."""
    return text.startswith("EXTERNAL: ")


def crisis_in(text: str | None, extra_phrases: tuple[str, ...] = ()) -> CrisisSignal | None:
    if not text or is_external(text):
        return None
    return detect_crisis(text, extra_phrases)


# Answers a counselor sees first in a case summary, in this order.
KEY_ANSWERS = (
    "situation", "current_role", "current_occupation", "department", "time_in_role", "education", "expectations",
    "interests", "strengths", "values", "constraints",
    "leaning_direction", "career_direction", "path_type", "target_roles", "target_occupation",
)


def case_summary(slots: Mapping[str, Any], consented: bool, asked_for: str, channel: str) -> dict[str, Any]:
    """The structured summary a counselor reads before taking a case.

    Without consent nothing the person said is included: only where they are in the
    conversation and how they reached us.
    """
    # Imported here: the Rasa server loads this module for `next_action` only, and these
    # bring date parsing and the career catalogue with them (about 50 MB).
    from bot.conversation.answers import display_value
    from bot.conversation.progress import where_they_stopped
    from bot.conversation.stages import QUESTIONS
    from bot.conversation.text import clean_answer

    summary: dict[str, Any] = {
        "consented": consented,
        "asked_for": asked_for,
        "channel": channel,
        "progress": where_they_stopped(dict(slots)),
    }
    if not consented:
        return summary
    answers = {}
    for key in KEY_ANSWERS:
        value = slots.get(key)
        if value is not None and key in QUESTIONS:
            answers[QUESTIONS[key].label] = clean_answer(display_value(key, value))[:500]
    summary["key_answers"] = answers
    holland = holland_code(slots)
    if holland:
        summary["holland_code"] = holland
    goals = []
    for term in ("short", "medium", "long"):
        goal = slots.get(f"goal_{term}")
        if goal:
            due = slots.get(f"goal_{term}_due")
            text = clean_answer(display_value(f"goal_{term}", goal))[:300]
            goals.append(f"{text} (by {display_value(f'goal_{term}_due', due)})" if due else text)
    summary["goals"] = goals
    return summary


def holland_code(slots: Mapping[str, Any]) -> str | None:
    """The Holland code of a completed Interest Profiler, if there is one."""
    result = slots.get("interest_profile")
    if isinstance(result, Mapping) and result.get("code"):
        return str(result["code"])
    return None


def needed_specialty(slots: Mapping[str, Any], crisis: bool) -> str | None:
    if crisis:
        return CRISIS_SPECIALTY
    direction = slots.get("career_direction")
    return str(direction) if direction else None


def waiting_message(expected: datetime | None, opening_text: str | None) -> str:
    if opening_text is None:
        return (
            "I've asked a counselor to join this conversation. Until they hand you back to me "
            "I'll stay quiet – everything you write here goes straight to them."
        )
    return (
        f"Our counselors are away right now; they're back {opening_text}. I've passed your request on, "
        "and a counselor will reply here then. Meanwhile, would you like to go on with the "
        "self-service stages? Nothing is lost either way."
    )
