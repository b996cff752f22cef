"""The O*NET Interest Profiler Short Form: 60 activities, 10 per RIASEC area, each answered
on five steps from "Strongly dislike" to "Strongly like".

Scoring follows O*NET's (as My Next Move shows it): an answer counts 0-4 (strongly dislike
= 0 ... strongly like = 4), so each area scores 0-40. A skipped item is left out and the
area's score is pro-rated from the items answered; an area with fewer than
`MIN_ITEMS_PER_AREA` answers cannot be scored. The Holland code is the three highest
areas; ties keep RIASEC order. Results are for exploration, never for selection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from bot.careers.catalogue import ProfilerItem
from bot.careers.riasec import AREAS

ITEMS_PER_AREA = 10
MIN_ITEMS_PER_AREA = 5
BATCH_SIZE = 10  # items between two progress check-points
MAX_SCORE = 40

RESPONSE_LABELS = {1: "Strongly dislike", 2: "Dislike", 3: "Unsure", 4: "Like", 5: "Strongly like"}
# Longest phrases first: "strongly dislike" must win over "dislike" and "like".
_RESPONSE_PHRASES: tuple[tuple[str, int], ...] = tuple(
    sorted(
        {
            "strongly dislike": 1, "really dislike": 1, "hate": 1, "hate it": 1, "hate that": 1, "never": 1,
            "definitely not": 1, "no way": 1, "absolutely not": 1, "strongly dislike it": 1,
            "dislike": 2, "don't like": 2, "do not like": 2, "dont like": 2, "not for me": 2, "not really": 2,
            "no": 2, "nope": 2, "rather not": 2, "not much": 2,
            "unsure": 3, "not sure": 3, "neutral": 3, "don't know": 3, "dont know": 3, "no idea": 3,
            "maybe": 3, "?": 3, "so so": 3, "so-so": 3, "indifferent": 3, "either way": 3, "meh": 3,
            "like": 4, "like it": 4, "i like it": 4, "i'd like that": 4, "yes": 4, "sure": 4, "ok": 4,
            "okay": 4, "sounds good": 4, "quite like": 4, "i like": 4,
            "strongly like": 5, "really like": 5, "love": 5, "love it": 5, "i love it": 5, "i love that": 5,
            "definitely": 5, "absolutely": 5, "very much": 5, "strongly like it": 5, "yes please": 5,
        }.items(),
        key=lambda t: -len(t[0]),
    )
)
SKIP_WORDS = frozenset({"skip", "pass", "next", "skip it", "skip this", "skip this one", "skip that"})
STOP_WORDS = frozenset(
    {
        "stop", "stop the profiler", "stop the questionnaire", "enough", "that's enough", "finish",
        "finish now", "end", "end it", "skip the rest", "skip all", "skip the profiler", "stop here",
        "no more", "i'm done", "im done", "done",
    }
)
# Asking to stop in a sentence: "can i stop this part?", "stop, 太长了", "let's finish the questionnaire".
_STOP_REQUEST = re.compile(
    r"\b(?:stop|end|finish|quit|skip|leave|be done with|get out of|get through) (?:\w+ ){0,2}?(?:this|the|these) "
    r"(?:part|section|profiler|questionnaire|quiz|test|questions|ratings|activities|list|bit|thing|rest)\b|"
    r"^(?:stop|enough|end)(?:[\s,.!;:，。！]|$)|^skip (?:all )?(?:of )?(?:these|them|those|the rest)\b"
)
_NEGATION = re.compile(r"\b(?:not|no|never|hardly|nor)\b|n't\b|\b(?:dont|wont|wouldnt|cant|isnt|doesnt)\b")
_DIGITS = re.compile(r"^[1-5](?:[\s,;/]+[1-5])*$")


@dataclass(frozen=True)
class Reply:
    """What one chat reply means for the profiler."""

    responses: tuple[int | None, ...] = ()  # answers to the next items in order; None = skipped
    stop: bool = False
    understood: bool = True


def read_reply(text: str, choice: str | None = None) -> Reply:
    """A button value ("1"-"5"), digits ("4", or "5 4 3" for the next three items), words
    ("strongly like", "not sure"), "skip", or "stop"."""
    if choice is not None:
        if choice in {"1", "2", "3", "4", "5"}:
            return Reply((int(choice),))
        if choice == "skip":
            return Reply((None,))
        if choice == "stop":
            return Reply(stop=True)
        return Reply(understood=False)
    cleaned = re.sub(r"\s+", " ", text.strip().casefold()).strip(" .!")
    if not cleaned:
        return Reply(understood=False)
    # "ya 5", "4 thx", "maybe 4": the rating without the words around it
    bare = re.sub(r"^(?:(?:ya|yeah|yes|yep|ok|okay|um+|uh+|hmm+|maybe|probably|prob|i think|i guess)[,.!]?\s+)+", "", cleaned)
    bare = re.sub(r"(?:[,.!]?\s+(?:thx|thanks|thank you|ty|pls|please|i think|i guess|maybe|probably|lol))+$", "", bare)
    if _DIGITS.match(bare):
        return Reply(tuple(int(d) for d in re.findall(r"[1-5]", bare)))
    if cleaned in SKIP_WORDS:
        return Reply((None,))
    if cleaned in STOP_WORDS or _STOP_REQUEST.search(cleaned):
        return Reply(stop=True)
    for phrase, value in _RESPONSE_PHRASES:
        if phrase == "?" and cleaned == "?":
            return Reply((3,))
        if phrase != "?" and re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", cleaned):
            # "not like" / "don't really like" read as dislike, not like
            if value >= 4 and _NEGATION.search(cleaned):
                return Reply((2,))
            return Reply((value,))
    return Reply(understood=False)


@dataclass(frozen=True)
class Profile:
    scores: dict[str, float]  # RIASEC letter -> 0-40
    answered: dict[str, int]  # items answered per area
    code: str  # Holland code, e.g. "ASI"; "" when it cannot be scored

    @property
    def scored(self) -> bool:
        return bool(self.code)

    @property
    def too_few_answers(self) -> bool:
        return min(self.answered.values()) < MIN_ITEMS_PER_AREA


def next_item(items: Sequence[ProfilerItem], responses: Mapping[int, int | None]) -> ProfilerItem | None:
    return next((item for item in items if item.number not in responses), None)


def score(items: Sequence[ProfilerItem], responses: Mapping[int, int | None]) -> Profile:
    totals = {a.letter: 0 for a in AREAS}
    answered = {a.letter: 0 for a in AREAS}
    for item in items:
        value = responses.get(item.number)
        if value is None:
            continue
        totals[item.area] += int(value) - 1
        answered[item.area] += 1
    scores = {
        letter: (round(totals[letter] * ITEMS_PER_AREA / answered[letter], 1) if answered[letter] else 0.0)
        for letter in totals
    }
    if min(answered.values()) < MIN_ITEMS_PER_AREA or len(set(scores.values())) == 1:
        return Profile(scores, answered, "")  # too few answers, or a flat profile: no code
    ranked = sorted(AREAS, key=lambda a: -scores[a.letter])  # stable: ties keep RIASEC order
    return Profile(scores, answered, "".join(a.letter for a in ranked[:3]))


def as_slot(responses: Mapping[int, int | None]) -> dict[str, int | None]:
    """Slots are JSON: item numbers become strings."""
    return {str(k): v for k, v in sorted(responses.items())}


def from_slot(value: object) -> dict[int, int | None]:
    if not isinstance(value, dict):
        return {}
    result: dict[int, int | None] = {}
    for key, response in value.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            continue
        if response is None or (isinstance(response, int) and 1 <= response <= 5):
            result[number] = response
    return result
