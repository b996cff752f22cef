"""Where a conversation stands: which questions a stage still needs, which stage comes
next, and how to tell someone where they stopped."""

from __future__ import annotations

from typing import Any, Mapping

from bot.conversation.stages import COMPLETE, QUESTIONS, STAGES, STAGES_BY_KEY, Stage, person_keys


def required_keys(stage: Stage, slots: Mapping[str, Any]) -> list[str]:
    """The questions a stage asks, given earlier answers.

    The people follow-ups are asked only for the people someone chose; the interest
    profiler only if they want to take it. The occupation questions are filled on the
    way when a role matches one occupation clearly, so they are asked only when not.
    """
    keys = [q.key for q in stage.questions if not q.key.startswith("person_")]
    if stage.key == "exploration" and slots.get("take_profiler") is not True:
        keys.remove("interest_profile")
    if stage.key == "action_plan":
        roles = slots.get("key_people")
        keys += person_keys(roles if isinstance(roles, list) else [])
    return keys


def missing_keys(stage: Stage, slots: Mapping[str, Any]) -> list[str]:
    return [k for k in required_keys(stage, slots) if slots.get(k) is None]


def next_stage(slots: Mapping[str, Any]) -> str:
    """The first stage with an unanswered question, or COMPLETE."""
    for stage in STAGES:
        if missing_keys(stage, slots):
            return stage.key
    return COMPLETE


def answered_keys(slots: Mapping[str, Any]) -> list[str]:
    return [k for k in QUESTIONS if slots.get(k) is not None]


def has_progress(slots: Mapping[str, Any]) -> bool:
    return any(slots.get(k) is not None for k in QUESTIONS if k != "consent")


def where_they_stopped(slots: Mapping[str, Any]) -> str:
    """The same, for a counselor reading the case ("Stopped at stage 2 of 7 – …")."""
    stage_key = next_stage(slots)
    if stage_key == COMPLETE:
        return "Completed all seven stages."
    stage = STAGES_BY_KEY[stage_key]
    question = QUESTIONS[missing_keys(stage, slots)[0]]
    return f"Stopped at {stage.header[:1].lower()}{stage.header[1:]} – next question: {question.label}."


def where_stopped(slots: Mapping[str, Any]) -> str:
    stage_key = next_stage(slots)
    if stage_key == COMPLETE:
        return "You've completed all seven stages – your answers are all here."
    stage = STAGES_BY_KEY[stage_key]
    question = QUESTIONS[missing_keys(stage, slots)[0]]
    return f"You stopped at {stage.header} – next up: {question.label}."
