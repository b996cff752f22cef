"""bot.counsel.compare: two target roles side by side, and where the conversation offers it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.careers.conversation import COMPARED, two_targets
from bot.conversation.prompts import question_prompt
from bot.conversation.stages import QUESTIONS
from bot.counsel.compare import compare, comparison_text, phrases_compared
from bot.counsel.known import Known

TODAY = date(2026, 12, 6)
MECHANICAL_ENGINEERS = "17-2141.00"
ENGINEERING_MANAGERS = "11-9041.00"
PRODUCTION_MANAGERS = "11-3051.00"
ENGINEER = {
    "current_occupation": MECHANICAL_ENGINEERS,
    "interest_profile": {"code": "RIC", "scores": {"R": 32, "I": 30, "A": 10, "S": 8, "E": 18, "C": 20}},
}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("can you compare chief engineer and plant manager for me?", ("chief engineer", "plant manager")),
        ("Could you compare a logistics planner with a warehouse manager?", ("logistics planner", "warehouse manager")),
        ("plant manager vs chief engineer?", ("plant manager", "chief engineer")),
        ("plant manager or chief engineer", None),  # an answer naming two targets, not a question
        ("I want to compare notes with my team", None),
        ("my boss keeps comparing me to others", None),
    ],
)
def test_the_two_roles_of_a_comparison_question(text, named) -> None:
    assert phrases_compared(text) == named


def test_two_targets_are_read_in_the_engineers_context(careers) -> None:
    two = two_targets("plant manager or chief engineer", careers, careers.occupation(MECHANICAL_ENGINEERS))

    assert two is not None
    assert [(words, o.code) for words, o in two] == [("plant manager", PRODUCTION_MANAGERS), ("chief engineer", ENGINEERING_MANAGERS)]


def test_one_target_is_no_dilemma(careers) -> None:
    assert two_targets("plant manager", careers, careers.occupation(MECHANICAL_ENGINEERS)) is None


def test_the_comparison_shows_fit_distance_needs_preparation_and_path(careers) -> None:
    known = Known(ENGINEER, careers, TODAY)
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    comparison = compare(known, ("plant manager", a), ("chief engineer", b))
    text = comparison_text(comparison)

    assert text.splitlines()[0] == "Industrial Production Managers and Architectural and Engineering Managers, side by side (from O*NET):"
    for label in ("Fit with your interests:", "Close to your current skills:", "What it needs more of", "Preparation: job zone", "How you'd get there:"):
        assert label in text
    assert all(side.path and "management occupation that leads your field" in side.path for side in comparison.sides)
    assert all(side.alike is not None and side.alike > 50 for side in comparison.sides)


def test_two_targets_are_offered_side_by_side_with_keep_both(careers) -> None:
    compared = [
        {"code": PRODUCTION_MANAGERS, "title": "Industrial Production Managers", "words": "plant manager", COMPARED: True},
        {"code": ENGINEERING_MANAGERS, "title": "Architectural and Engineering Managers", "words": "chief engineer", COMPARED: True},
    ]
    prompt = question_prompt(QUESTIONS["target_occupation"], {**ENGINEER, "occupation_candidates": compared}, TODAY, careers=careers)

    assert "side by side" in prompt.text and "keep both" in prompt.text
    assert [b.payload for b in prompt.buttons] == [
        '/inform{"choice": "11-3051.00"}', '/inform{"choice": "11-9041.00"}', '/inform{"choice": "both"}'
    ]


def test_equally_fitting_occupations_of_the_field_are_the_persons_to_choose(careers) -> None:
    understood = careers.understand_target("financial analyst", careers.occupation("13-2011.00"))

    assert understood.occupation is None
    assert {o.code for o in understood.choices} == {"13-2051.00", "13-2099.01"}  # Statisticians, another family, not offered


def test_tech_lead_for_a_developer_is_not_an_alternate_title_filed_with_drafters(careers) -> None:
    web_developer = careers.occupation("15-1254.00")
    two = two_targets("tech lead or product manager", careers, web_developer)

    assert two is not None
    assert [(words, o.code) for words, o in two] == [
        ("tech lead", "11-3021.00"),  # the management that leads computing work, not Electrical and Electronics Drafters
        ("product manager", "11-2021.00"),  # filed far from the field: compared, and the comparison says how far
    ]
    text = comparison_text(compare(Known({"current_occupation": "15-1254.00"}, careers, TODAY), *two))
    assert "a move outside your usual paths" in text
