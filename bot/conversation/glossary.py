"""Terms people ask about mid-conversation ("what is a dual ladder?")."""

from __future__ import annotations

import re

from bot.conversation.stages import DIRECTIONS, PATH_TYPES
from bot.conversation.text import normalise_for_matching

_DIRECTION = {c.value: c for c in DIRECTIONS}
_PATH = {c.value: c for c in PATH_TYPES}

TERMS: dict[str, tuple[str, str]] = {
    "dual_ladder": ("Dual ladder", _PATH["dual_ladder"].explanation + " It lets experts advance without becoming managers."),
    "traditional_path": ("Traditional career path", _PATH["traditional"].explanation),
    "network_path": ("Network career path", _PATH["network"].explanation),
    "lateral_path": ("Lateral career path", _PATH["lateral"].explanation),
    "smart": ("SMART goals", "Goals that are Specific, Measurable, Achievable, Relevant and Time-bound – so you can tell when you've reached them."),
    "professional_technical": ("Professional-technical direction", _DIRECTION["professional_technical"].explanation),
    "management_direction": ("Management direction", _DIRECTION["management"].explanation),
    "technical_management": ("Technical plus management direction", _DIRECTION["technical_management"].explanation),
    "operational_skills": ("Operational-skills direction", _DIRECTION["operational"].explanation),
    "four_principles": ("The four principles", "A direction is worth pursuing when you like it (preference), are good at it (strength), find it worth doing (value) and it has room to grow (development)."),
    "career_direction": ("Career direction", "The broad line your career develops along: professional-technical, management, technical plus management, or operational skills."),
    "path_type": ("Career path type", "How you move: traditional (up one ladder), network (between related jobs), lateral (across functions) or dual ladder (a specialist track beside management)."),
}

# Surface forms found in free text, longest first so "dual ladder" beats "ladder".
PHRASES: list[tuple[str, str]] = sorted(
    [
        ("dual ladder", "dual_ladder"), ("dual career", "dual_ladder"), ("dual track", "dual_ladder"),
        ("specialist track", "dual_ladder"), ("traditional", "traditional_path"),
        ("network", "network_path"), ("lateral", "lateral_path"), ("smart", "smart"),
        ("professional-technical", "professional_technical"), ("professional technical", "professional_technical"),
        ("technical plus management", "technical_management"), ("technical management", "technical_management"),
        ("operational", "operational_skills"), ("four principles", "four_principles"),
        ("principles", "four_principles"), ("direction", "career_direction"), ("path type", "path_type"),
        ("career path", "path_type"), ("management", "management_direction"),
    ],
    key=lambda p: len(p[0]),
    reverse=True,
)


def find_term(text: str, entity: str | None = None) -> str | None:
    """The glossary key a question is about: the NLU's entity if known, else the text."""
    if entity in TERMS:
        return entity
    norm = normalise_for_matching(text)
    for phrase, key in PHRASES:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", norm):
            return key
    return None


def explain(key: str) -> str:
    title, definition = TERMS[key]
    return f"{title}: {definition}"
