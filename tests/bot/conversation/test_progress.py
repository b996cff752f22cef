"""bot.conversation.progress: which questions a stage still needs and where someone stopped."""

from __future__ import annotations

import pytest

from bot.conversation.answers import AnswerContext, validate_answer
from bot.conversation.progress import answered_keys, has_progress, missing_keys, next_stage, required_keys, where_stopped
from bot.conversation.stages import COMPLETE, QUESTIONS, STAGES, STAGES_BY_KEY

ACTION_PLAN_BASE = ["action_steps", "development_means", "key_people"]


def _fill(stage_key: str, slots: dict) -> dict:
    """Slots with every question `stage_key` requires answered (key_people: manager)."""
    stage = STAGES_BY_KEY[stage_key]
    filled = dict(slots)
    if stage_key == "action_plan":
        filled["key_people"] = ["manager"]
    for key in required_keys(stage, filled):
        filled.setdefault(key, True if key == "consent" else f"answer to {key}")
    return filled


@pytest.fixture
def complete_slots() -> dict:
    slots: dict = {}
    for stage in STAGES:
        slots = _fill(stage.key, slots)
    return slots


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (None, ACTION_PLAN_BASE),
        ([], ACTION_PLAN_BASE),
        (["manager"], ACTION_PLAN_BASE + ["person_manager_help", "person_manager_engage"]),
        (
            ["hr", "manager"],  # catalogue order, not the order given
            ACTION_PLAN_BASE
            + ["person_manager_help", "person_manager_engage", "person_hr_help", "person_hr_engage"],
        ),
        ("manager", ACTION_PLAN_BASE),  # not a list: no follow-ups
    ],
)
def test_required_keys_for_action_plan_depend_on_key_people(people, expected):
    slots = {} if people is None else {"key_people": people}
    assert required_keys(STAGES_BY_KEY["action_plan"], slots) == expected


def test_required_keys_for_other_stages_are_the_catalogue():
    assert required_keys(STAGES_BY_KEY["welcome"], {}) == ["consent"]
    assert required_keys(STAGES_BY_KEY["needs"], {}) == [
        "situation", "current_role", "current_occupation", "department", "time_in_role", "education", "expectations",
    ]
    assert required_keys(STAGES_BY_KEY["exploration"], {}) == [
        "take_profiler", "career_direction", "path_type", "target_roles", "target_occupation", "skills_gap",
    ]
    assert required_keys(STAGES_BY_KEY["review"], {"key_people": ["hr"]}) == [
        "review_frequency",
        "next_review_date",
        "review_triggers",
        "session_rating",
        "rating_comment",
    ]


@pytest.mark.parametrize(
    ("take_profiler", "asks_profile"),
    [(True, True), (False, False), (None, False), ("(skipped)", False)],
)
def test_interest_profile_is_required_only_when_the_profiler_is_taken(take_profiler, asks_profile):
    keys = required_keys(STAGES_BY_KEY["exploration"], {"take_profiler": take_profiler})
    assert ("interest_profile" in keys) is asks_profile
    if asks_profile:
        assert keys[:2] == ["take_profiler", "interest_profile"]


def test_next_stage_moves_through_every_stage_as_slots_fill():
    slots: dict = {}
    seen = [next_stage(slots)]
    for stage in STAGES:
        slots = _fill(stage.key, slots)
        seen.append(next_stage(slots))
    assert seen == ["welcome", "needs", "assessment", "exploration", "goals", "action_plan", "review", COMPLETE]


def test_next_stage_waits_for_chosen_people_follow_ups(complete_slots):
    slots = dict(complete_slots, key_people=["manager", "family"])
    assert next_stage(slots) == "action_plan"
    assert missing_keys(STAGES_BY_KEY["action_plan"], slots) == ["person_family_help", "person_family_engage"]


def test_missing_keys_in_order():
    slots = {"consent": True, "situation": "stalled", "department": "IT"}
    assert missing_keys(STAGES_BY_KEY["needs"], slots) == [
        "current_role", "current_occupation", "time_in_role", "education", "expectations",
    ]


def test_skipped_goal_asks_for_no_date_measure_or_confirmation(today):
    """A skipped goal has nothing to date, measure or confirm: the next goal comes next."""
    slots: dict = {}
    for stage in STAGES[:4]:
        slots = _fill(stage.key, slots)
    outcome = validate_answer(QUESTIONS["goal_short"], "skip", AnswerContext(today=today, slots=slots))
    assert outcome.skipped is True
    slots.update(outcome.extra)
    slots["goal_short"] = outcome.value
    assert missing_keys(STAGES_BY_KEY["goals"], slots)[0] == "goal_medium"


def test_where_stopped_at_the_start():
    assert where_stopped({}) == (
        "You stopped at Stage 1 of 7 – Welcome – next up: consent to store answers."
    )


def test_where_stopped_mentions_stage_header_and_question_label():
    slots = _fill("needs", _fill("welcome", {}))
    message = where_stopped(slots)
    assert "Stage 3 of 7 – Assessment" in message
    assert QUESTIONS["interests"].label in message
    assert message == "You stopped at Stage 3 of 7 – Assessment – next up: interests."


def test_where_stopped_in_the_middle_of_a_stage():
    # "Analyst" names several O*NET occupations: the person picked one
    slots = dict(_fill("welcome", {}), situation="stalled", current_role="Analyst", current_occupation="13-1111.00")
    message = where_stopped(slots)
    assert "Stage 2 of 7 – Needs assessment" in message
    assert message.endswith("department.")


def test_where_stopped_before_the_occupation_is_chosen():
    slots = dict(_fill("welcome", {}), situation="stalled", current_role="Analyst")
    assert where_stopped(slots) == (
        "You stopped at Stage 2 of 7 – Needs assessment – next up: current occupation in the career database."
    )


def test_where_stopped_when_complete(complete_slots):
    assert where_stopped(complete_slots) == "You've completed all seven stages – your answers are all here."


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({}, False),
        ({"consent": True}, False),
        ({"consent": False}, False),
        ({"consent": True, "department": "IT"}, True),
        ({"department": "IT"}, True),
        ({"consent": True, "department": None}, False),
        ({"misunderstandings": 2}, False),  # not a question
    ],
)
def test_has_progress_ignores_consent(slots, expected):
    assert has_progress(slots) is expected


def test_answered_keys_in_catalogue_order():
    slots = {"path_type": "lateral", "consent": True, "department": "IT", "unrelated": 1, "situation": None}
    assert answered_keys(slots) == ["consent", "department", "path_type"]
