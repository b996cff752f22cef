"""bot.careers.gaps: reading self-ratings, computing and ordering skill gaps, and the
development means proposed for them."""

from __future__ import annotations

import pytest

from bot.careers.gaps import Gap, development_means, gaps, read_level, top_gaps
from bot.conversation.stages import DEVELOPMENT_MEANS


@pytest.mark.parametrize(
    ("choice", "level"),
    [("0", 0), ("4", 4), ("7", 7), ("skip", "skip"), ("stop", "stop"), ("8", None), ("-1", None), ("good", None)],
)
def test_button_choices(choice, level) -> None:
    assert read_level("whatever was typed", choice) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("4", 4),
        ("0", 0),
        ("7", 7),
        ("level 5", 5),
        ("Level 3.", 3),
        ("5/7", 5),
        ("3 out of 7", 3),
        ("intermediate", 4),
        ("I'd say intermediate", 4),
        ("not very good", 2),
        ("not good at all", 2),
        ("I'm not an expert", 2),
        ("very good", 5),
        ("pretty good", 4),
        ("good", 4),
        ("expert", 7),
        ("advanced", 6),
        ("basic", 2),
        ("a little", 1),
        ("none", 0),
        ("no experience", 0),
        ("decent", 3),
        ("I'd say 5. I speak to managers every day", 5),
        ("not sure what the next one means for HR, but I'll say 4.", 4),
        ("I did say 4. Writing is 4.", 4),
        ("4ish", 4),
        ("~4", 4),
        ("maybe 3-ish", 3),
    ],
)
def test_typed_levels(text, level) -> None:
    assert read_level(text) == level


@pytest.mark.parametrize("text", ["skip", "pass", "skip this one", "don't know", "no idea"])
def test_skip_leaves_one_skill_out(text) -> None:
    assert read_level(text) == "skip"


@pytest.mark.parametrize("text", ["stop", "skip the rest", "enough", "done"])
def test_stop_ends_the_ratings(text) -> None:
    assert read_level(text) == "stop"


@pytest.mark.parametrize("text", ["8", "level 8", "10", "-1", "bananas", "", "4 or 5"])
def test_what_is_not_a_level(text) -> None:
    assert read_level(text) is None


def rating(skill: str, required: float, own: int | None, importance: float, element_id: str = "2.A.1.a") -> dict:
    return {"element_id": element_id, "skill": skill, "required_level": required, "self_level": own, "importance": importance}


RATINGS = [
    rating("Ready", 3.0, 5, 5.0),  # no gap
    rating("Small", 4.0, 3, 4.0),  # gap 1 x 4/5 = 0.8
    rating("Unrated", 6.0, None, 5.0),  # not rated: last
    rating("Wide", 6.0, 2, 3.0),  # gap 4 x 3/5 = 2.4
    rating("Important", 5.0, 2, 4.0),  # gap 3 x 4/5 = 2.4, more important than Wide
    rating("Biggest", 4.4, 1, 5.0),  # level 4 needed: gap 3 x 5/5 = 3.0
]


def test_gaps_are_ordered_by_priority() -> None:
    ordered = gaps(RATINGS)

    assert [g.skill for g in ordered] == ["Biggest", "Important", "Wide", "Small", "Ready", "Unrated"]
    assert [round(g.priority, 2) for g in ordered] == [3.0, 2.4, 2.4, 0.8, 0.0, 0.0]


def test_top_gaps_leave_out_met_and_unrated_skills() -> None:
    assert [g.skill for g in top_gaps(RATINGS)] == ["Biggest", "Important", "Wide"]
    assert [g.skill for g in top_gaps(RATINGS, n=10)] == ["Biggest", "Important", "Wide", "Small"]
    assert top_gaps([rating("Ready", 3.0, 5, 5.0), rating("Unrated", 6.0, None, 5.0)]) == []


@pytest.mark.parametrize(
    ("required", "own", "gap"),
    [(5.38, 4, 1.0), (4.0, 4, 0.0), (4.4, 4, 0.0), (4.5, 4, 1.0), (3.0, 6, 0.0), (4.12, 1, 3.0), (6.0, None, 0.0)],
)
def test_the_gap_is_counted_in_whole_levels_and_never_negative(required, own, gap) -> None:
    # "4 / 4" as the person sees it is no gap, though O*NET's level is 4.4
    assert Gap("2.A.1.a", "Reading", required, own, 4.0).gap == gap


@pytest.mark.parametrize(
    ("element_id", "means"),
    [
        ("2.A.1.a", "training"),  # Reading Comprehension (basic content skills)
        ("2.A.1.e", "training"),  # Mathematics
        ("2.A.2.a", "mentoring"),  # Critical Thinking (process skills)
        ("2.B.1.a", "mentoring"),  # Social Perceptiveness (social skills)
        ("2.B.2.i", "projects"),  # Complex Problem Solving
        ("2.B.3.e", "training"),  # Programming (technical skills)
        ("2.B.4.e", "job_rotation"),  # Judgment and Decision Making (systems skills)
        ("2.B.5.a", "projects"),  # Time Management (resource management)
        ("2.C.4.a", "training"),  # a knowledge area: the general advice
    ],
)
def test_development_means_by_skill_group(element_id, means) -> None:
    value, words = development_means(element_id)
    assert value == means
    assert words


def test_development_means_are_choices_of_the_action_plan() -> None:
    choices = {c.value for c in DEVELOPMENT_MEANS}
    for element_id in ("2.A.1.a", "2.A.2.a", "2.B.1.a", "2.B.2.i", "2.B.3.e", "2.B.4.e", "2.B.5.a", "9.9"):
        assert development_means(element_id)[0] in choices


def test_every_rated_skill_of_onet_has_a_group(careers) -> None:
    """Every O*NET skill falls into one of the groups with specific advice."""
    skill_ids = {q.element_id for items in careers.catalogue.requirements.values() for q in items if q.kind == "skill"}
    generic = development_means("none")[1]
    assert skill_ids
    assert [e for e in skill_ids if development_means(e)[1] == generic] == []



@pytest.mark.parametrize("text", ["3 or 4", "between 3 and 5", "10 years in the job, so maybe 6"])
def test_no_level_is_guessed_from_several_numbers(text) -> None:
    assert read_level(text) is None
