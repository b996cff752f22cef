"""Skills gap: the employee rates themselves on a target occupation's most important
skills (O*NET's level scale 0-7); the gap to the level the occupation needs is computed,
the largest gaps (weighted by importance) named, and development means proposed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

SKILLS_TO_RATE = 6  # in all: skills, then the main knowledge areas
KNOWLEDGE_TO_RATE = 2
MAX_LEVEL = 7
# Button choices on O*NET's 0-7 level scale.
LEVEL_CHOICES: tuple[tuple[int, str], ...] = ((0, "None"), (2, "Basic"), (4, "Working"), (6, "Advanced"), (7, "Expert"))
_LEVEL_WORDS = {
    "none": 0, "nothing": 0, "zero": 0, "no experience": 0, "not at all": 0,
    "beginner": 1, "a little": 1, "a bit": 1, "little": 1, "novice": 1,
    "basic": 2, "basics": 2, "some": 2, "weak": 2,
    "ok": 3, "okay": 3, "decent": 3, "fair": 3, "average": 3, "moderate": 3,
    "working": 4, "intermediate": 4, "good": 4, "solid": 4, "competent": 4, "pretty good": 4, "quite good": 4,
    "strong": 5, "very good": 5,
    "advanced": 6, "excellent": 6, "great": 6,
    "expert": 7, "master": 7, "mastery": 7, "outstanding": 7,
}
_LEVEL_PHRASES = sorted(_LEVEL_WORDS.items(), key=lambda t: -len(t[0]))

# How each group of O*NET skills is usually developed (element id prefix -> means).
# Values are those of the action plan's development means (bot.conversation.stages.DEVELOPMENT_MEANS).
_MEANS_BY_GROUP: tuple[tuple[str, str, str], ...] = (
    # said to people who may already be good at it: the next level, not the basics
    ("2.A.1", "training", "an advanced course or workshop in it, then regular use on real work with feedback"),
    ("2.A.2", "mentoring", "harder real cases with a mentor's feedback, and a stretch task to apply it"),
    ("2.B.1", "mentoring", "mentoring or coaching, and more work with people: shadow someone strong at it"),
    ("2.B.2", "projects", "a stretch project where you own a hard problem from start to finish"),
    ("2.B.3", "training", "hands-on technical training, then practice on real work (a rotation into that team helps)"),
    ("2.B.4", "job_rotation", "a job rotation or shadowing people who make system-level decisions"),
    ("2.B.5", "projects", "responsibility for a budget, schedule or small team in a stretch assignment"),
    ("2.C", "training", "a course in it, then using it at work beside a colleague who knows it well"),
)


def whole_level(level: float) -> int:
    """O*NET's level as the person sees it: 4.4 is level 4, 4.5 is level 5. A gap is counted
    on this scale, so "4 / 4" is never shown as a gap of 0.4."""
    return int(level + 0.5)


@dataclass(frozen=True)
class Gap:
    element_id: str
    skill: str
    required_level: float
    self_level: int | None  # None: not rated
    importance: float

    @property
    def needed(self) -> int:
        return whole_level(self.required_level)

    @property
    def gap(self) -> float:
        return 0.0 if self.self_level is None else float(max(0, self.needed - self.self_level))

    @property
    def priority(self) -> float:
        """Bigger gaps in more important skills come first."""
        return self.gap * self.importance / 5


# The same means in a few words, to fit in a goal or a step ("Close my gap in X with ...").
_SHORT_MEANS: tuple[tuple[str, str], ...] = (
    ("2.A.1", "a course and weekly practice"),
    ("2.A.2", "a mentor's feedback on real problems"),
    ("2.B.1", "coaching and shadowing a strong colleague"),
    ("2.B.2", "a stretch project"),
    ("2.B.3", "hands-on training"),
    ("2.B.4", "a rotation or shadowing"),
    ("2.B.5", "a stretch assignment with a budget or schedule"),
    ("2.C", "a course"),  # knowledge areas
)


def means_group(element_id: str) -> str:
    """The skill group whose development means fit `element_id` ("2.B.1"), for phrasing a step."""
    return next((prefix for prefix, _ in _SHORT_MEANS if element_id.startswith(prefix)), "other")


def means_short(element_id: str) -> str:
    return next((words for prefix, words in _SHORT_MEANS if element_id.startswith(prefix)), "training and practice")


def development_means(element_id: str) -> tuple[str, str]:
    """(development means value, suggestion in words) for a skill."""
    for prefix, means, words in _MEANS_BY_GROUP:
        if element_id.startswith(prefix):
            return means, words
    return "training", "training and deliberate practice"


# Words around a rating that change nothing: "ya 5", "maybe 4", "4 i think", "4 thx".
FILLER = r"(?:(?:ya|yeah|yes|yep|ok|okay|um+|uh+|hmm+|maybe|probably|prob|i think|i guess|i'?d say|like|about|around|roughly|honestly|tbh|hm)[,.!]?\s+)*"


def read_level(text: str, choice: str | None = None) -> int | str | None:
    """A self-rating: a level 0-7, "skip", "stop", or None when not understood."""
    if choice is not None:
        if choice in ("skip", "stop"):
            return choice
        return int(choice) if choice.isdigit() and 0 <= int(choice) <= MAX_LEVEL else None
    cleaned = re.sub(r"\s+", " ", text.strip().casefold()).strip(" .!")
    if cleaned in ("skip", "pass", "next", "skip it", "skip this one", "don't know", "dont know", "no idea"):
        return "skip"
    if cleaned in ("stop", "skip the rest", "skip all", "enough", "done", "finish"):
        return "stop"
    number = re.fullmatch(r"(?:level\s*)?([0-7])(?:\s*(?:/|of|out of)\s*7)?", cleaned)
    if number:
        return int(number.group(1))
    # "4 – I can do it with some help", "maybe 4", "5 probably, I brief the team daily": the number leads
    # ("4ish", "~4" and "4-ish" are that number too)
    leading = re.match(rf"{FILLER}~?\s*(?:level\s*)?([0-7])(?:-?ish)?(?![\d./]|,\d|\s*(?:or|to|-|–)\s*\d)\b", cleaned)
    if leading:
        return int(leading.group(1))
    # "I'd say 5. I speak to managers every day", "not sure what it means for HR, but I'll say 4":
    # one level, said once (or repeated) inside a sentence, and no other number to confuse it with
    numbers = re.findall(r"(?<![\w.,/-])\d+(?:[.,]\d+)?(?![\w/])", cleaned)
    if numbers and len(set(numbers)) == 1 and re.fullmatch(r"[0-7]", numbers[0]) and not re.search(
        r"\d\s*(?:or|to|-|–)\s*\d", cleaned
    ):
        return int(numbers[0])
    for phrase, level in _LEVEL_PHRASES:
        if re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", cleaned):
            if re.search(r"\b(not|never)\b", cleaned) and level >= 3:
                return 2  # "not very good" is basic, not good
            return level
    return None


def gaps(ratings: Sequence[Mapping[str, Any]]) -> list[Gap]:
    """Gaps from stored ratings, largest priority first; unrated skills last."""
    items = [
        Gap(r["element_id"], r["skill"], float(r["required_level"]), r.get("self_level"), float(r["importance"]))
        for r in ratings
    ]
    return sorted(items, key=lambda g: (g.self_level is None, -g.priority, -g.importance, g.skill))


def top_gaps(ratings: Sequence[Mapping[str, Any]], n: int = 3) -> list[Gap]:
    return [g for g in gaps(ratings) if g.gap > 0][:n]

