"""Cost of Waypoint's counseling (issue 12 target, printed by `make bench`): building the
suggestions for a question, the career paths and a side-by-side comparison, all from the
in-memory catalogue – p95 at most 20 ms each."""

from __future__ import annotations

import random
from datetime import date
from functools import partial
from typing import Any

from bot.careers.bench import percentile, timed
from bot.careers.paths import PATH_TYPES
from bot.careers.service import Careers
from bot.counsel.compare import compare
from bot.counsel.known import Known
from bot.counsel.suggestions import BUILDERS, offer_for

TODAY = date(2026, 12, 6)
# (current occupation, target occupation): people in many fields
PEOPLE = (
    ("53-1042.00", "13-1081.00"), ("15-1252.00", "11-3021.00"), ("17-2141.00", "11-9041.00"), ("13-2011.00", "11-3031.00"),
    ("29-1141.00", "11-9111.00"), ("43-4051.00", "43-1011.00"), ("47-2111.00", "47-1011.00"), ("25-2021.00", "11-9032.00"),
)


def _slots(careers: Careers, current: str, target: str, rng: random.Random) -> dict[str, Any]:
    skills = careers.catalogue.distinctive_skills(target, 6)
    occupation = careers.occupation(current)
    ratings = [
        {"element_id": q.element_id, "skill": q.name, "required_level": q.level, "importance": q.importance, "self_level": rng.randint(0, 6)}
        for q in skills
    ]
    return {
        "current_role": occupation.title if occupation else current,
        "current_occupation": current, "target_occupation": target, "target_roles": "my next role",
        "skills_gap": {"occupation": target, "title": target, "ratings": ratings},
        "career_direction": rng.choice(["management", "technical_management", "professional_technical", "operational"]),
        "goal_short": "Finish the planning course by June 2027", "goal_medium": "Move into the target role",
        "goal_long": "Lead the team", "goal_short_due": "2027-06-30",
        "interest_profile": {"code": "RIC", "scores": {a: rng.uniform(0, 40) for a in "RIASEC"}},
    }


def run(careers: Careers) -> dict[str, float]:
    rng = random.Random(12)
    suggestions: list[float] = []
    paths: list[float] = []
    comparisons: list[float] = []
    for _ in range(5):
        for current, target in PEOPLE:
            known = Known(_slots(careers, current, target, rng), careers, TODAY)
            for key in BUILDERS:
                suggestions += timed(partial(offer_for, key, known), 1)
            for path_type in PATH_TYPES:
                paths += timed(partial(careers.catalogue.paths, current, path_type, 6, known.slots["career_direction"]), 1)
            a, b = careers.occupation(target), careers.occupation(rng.choice(PEOPLE)[1])
            if a is not None and b is not None:
                comparisons += timed(partial(compare, known, ("one", a), ("two", b)), 1)
    return {
        "suggestions_p50_ms": percentile(suggestions, 0.5), "suggestions_p95_ms": percentile(suggestions, 0.95),
        "paths_p50_ms": percentile(paths, 0.5), "paths_p95_ms": percentile(paths, 0.95),
        "comparison_p50_ms": percentile(comparisons, 0.5), "comparison_p95_ms": percentile(comparisons, 0.95),
    }


def report(figures: dict[str, float]) -> None:
    print("Counseling (suggestions, paths, comparisons; in-memory catalogue):")
    for name, label in (("suggestions", "suggestions for one question"), ("paths", "a career path"), ("comparison", "two targets side by side")):
        print(f"  {label}: p50 {figures[f'{name}_p50_ms']:.2f} ms, p95 {figures[f'{name}_p95_ms']:.2f} ms (target p95 ≤ 20 ms)")
