"""The end-of-conversation summary: what was stored, stage by stage."""

from __future__ import annotations

from typing import Any, Mapping

from bot.conversation.answers import display_value
from bot.conversation.progress import required_keys
from bot.conversation.stages import QUESTIONS, STAGES, Kind
from bot.conversation.text import for_chat

_HIDDEN = {Kind.GOAL_CONFIRM}


def summary_lines(slots: Mapping[str, Any], stored: bool) -> list[str]:
    lines = ["Here's what I have " + ("stored" if stored else "noted (not stored, as you asked)") + ", stage by stage:"]
    for stage in STAGES[1:]:
        keys = [k for k in required_keys(stage, slots) if QUESTIONS[k].kind not in _HIDDEN]
        answered = [k for k in keys if slots.get(k) is not None]
        if not answered:
            lines.append(f"{stage.header}: nothing yet")
            continue
        lines.append(f"{stage.header}")
        for key in answered:
            label = QUESTIONS[key].label
            lines.append(f"• {label[0].upper() + label[1:]}: {for_chat(display_value(key, slots[key]), 400)}")
    return lines


def summary_text(slots: Mapping[str, Any], stored: bool) -> str:
    return "\n".join(summary_lines(slots, stored))
