"""bot.conversation.navigation: which answer someone wants to change or go back to."""

from __future__ import annotations

import pytest

from bot.conversation.navigation import edit_slots, editable, names_another_answer, previous_question, recently_answered, resolve_field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("change my answer about my team", "department"),
        ("my short-term goal", "goal_short"),
        ("the short term goal deadline", "goal_short"),
        ("change my long-term goal", "goal_long"),
        ("I want to change my job title", "current_role"),
        ("my time in role is wrong", "time_in_role"),
        ("change the review frequency", "review_frequency"),
        ("change what manager can do", "person_manager_help"),
        ("how to engage HR", "person_hr_engage"),
        ("change the weather", None),
        ("", None),
    ],
)
def test_resolve_field_from_text(text, expected):
    assert resolve_field(text) == expected


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ("department", "department"),
        ("goal_short_due", "goal_short"),
        ("goal_medium_measure", "goal_medium"),
        ("goal_long_confirmed", "goal_long"),
        ("next_review_date", "next_review_date"),
    ],
)
def test_resolve_field_from_entity(entity, expected):
    assert resolve_field("change it", entity) == expected


def test_entity_wins_over_text():
    assert resolve_field("change my answer about my team", "path_type") == "path_type"


def test_unknown_entity_falls_back_to_text():
    assert resolve_field("change my answer about my team", "no_such_slot") == "department"
    assert resolve_field("change it", "no_such_slot") is None


@pytest.mark.parametrize(("text", "entity"), [("change it", "consent"), ("change my consent", None), ("privacy", None)])
def test_consent_is_not_editable(text, entity):
    assert resolve_field(text, entity) is None
    assert editable("consent") is False


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("department", True),
        ("goal_short", True),
        ("goal_short_confirmed", False),
        ("consent", False),
        ("nonsense", False),
    ],
)
def test_editable(key, expected):
    assert editable(key) is expected


def test_previous_question_is_the_last_answered_before_the_requested_one():
    slots = {"consent": True, "situation": "stalled", "current_role": "Analyst"}
    assert previous_question(slots, "department") == "current_role"
    assert previous_question(slots, "current_role") == "situation"


def test_previous_question_skips_unanswered_questions():
    slots = {"consent": True, "situation": "stalled", "department": "IT"}
    assert previous_question(slots, "time_in_role") == "department"
    assert previous_question(slots, "department") == "situation"


def test_previous_question_without_request_is_the_last_answered():
    slots = {"consent": True, "situation": "stalled", "current_role": "Analyst"}
    assert previous_question(slots, None) == "current_role"


def test_previous_question_never_returns_consent():
    assert previous_question({"consent": True}, "situation") is None
    assert previous_question({}, None) is None


def test_previous_question_maps_goal_sub_questions_to_the_goal():
    slots = {
        "consent": True,
        "goal_short": "Become team lead",
        "goal_short_due": "2027-04-15",
        "goal_short_measure": "the title",
        "goal_short_confirmed": True,
    }
    assert previous_question(slots, "goal_medium") == "goal_short"


@pytest.mark.parametrize(
    ("key", "cleared"),
    [
        (
            "goal_short",
            {"goal_short": None, "goal_short_due": None, "goal_short_measure": None, "goal_short_confirmed": None},
        ),
        (
            "goal_long",
            {"goal_long": None, "goal_long_due": None, "goal_long_measure": None, "goal_long_confirmed": None},
        ),
        ("review_frequency", {"review_frequency": None, "next_review_date": None}),
        ("department", {"department": None}),
    ],
)
def test_edit_slots(key, cleared):
    assert edit_slots(key) == cleared


def test_recently_answered_excludes_consent_and_confirmations():
    slots = {
        "consent": True,
        "situation": "stalled",
        "department": "IT",
        "goal_short": "Become team lead",
        "goal_short_confirmed": True,
    }
    assert recently_answered(slots) == ["situation", "department", "goal_short"]
    assert recently_answered(slots, limit=2) == ["department", "goal_short"]


def test_a_longer_name_in_the_text_beats_a_shorter_entity():
    # DIET finds "interest" (-> interests); the words say the interest profile
    assert resolve_field("change my interest profile", "interests") == "interest_profile"
    assert resolve_field("change my interests", "interests") == "interests"


@pytest.mark.parametrize(
    ("text", "open_key", "names"),
    [
        ("actually put my dept as platform engineering", "expectations", True),
        ("change expectations to: figure out IC vs mgmt", "interests", True),
        ("update department: platform eng", "expectations", True),
        ("switch teams to get more data work", "goal_short", False),  # an answer: no question named before "to"
        ("make my manager aware to get support", "person_manager_engage", False),
    ],
)
def test_a_correction_names_the_question_right_after_the_verb(text, open_key, names):
    assert names_another_answer(text, open_key, {"department": "Support", "expectations": "x"}) is names


def test_a_restatement_without_a_correction_word_is_an_answer_to_the_open_question():
    answered = {"department": "Support"}
    assert not names_another_answer("yes clearly, the department is growing", "principle_development", answered)
    assert names_another_answer("oh wait, my department is actually Customer Experience, not Support", "values", answered)


def test_rejecting_the_options_shown_answers_the_open_question():
    assert not names_another_answer("none of these, I meant something like scrum master", "target_occupation", {})
    assert not names_another_answer("neither, I meant scrum master", "target_occupation", {})
    assert names_another_answer("sorry, I meant 5 years", "values", {"time_in_role": 3})


def test_i_said_x_its_y_corrects_an_earlier_answer_without_actually():
    assert names_another_answer("wait i said 3 yrs, its 5. been shift lead 5 years", "education", {"time_in_role": "3 yrs"})
