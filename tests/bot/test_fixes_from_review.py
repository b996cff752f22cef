"""Cases found while reviewing the conversation with real phrasing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation import dates
from bot.conversation.answers import SKIPPED, AnswerContext, validate_answer
from bot.conversation.navigation import resolve_field
from bot.conversation.stages import QUESTIONS

TODAY = date(2026, 11, 22)


def test_end_of_a_season_is_the_last_day_of_that_season() -> None:
    assert dates.find_date("by the end of next summer", TODAY).when == date(2027, 8, 31)
    assert dates.find_date("next summer", TODAY).when == date(2027, 7, 15)


@pytest.mark.parametrize(
    "goal", ["get better at presenting to management", "become a manager", "finish the AWS certification by June"]
)
def test_a_goal_never_fills_its_own_success_criterion(goal: str) -> None:
    # "Done when: become a manager" only repeats the goal: how to know it is done is asked next
    outcome = validate_answer(QUESTIONS["goal_short"], goal, AnswerContext(today=TODAY))
    assert outcome.ok
    assert outcome.extra["goal_short_measure"] is None


@pytest.mark.parametrize("reply", ["no, all good", "nothing else", "no comment"])
def test_no_comment_replies_store_no_comment(reply: str) -> None:
    outcome = validate_answer(QUESTIONS["rating_comment"], reply, AnswerContext(today=TODAY))
    assert outcome.value == SKIPPED


def test_people_answers_can_be_named_with_my() -> None:
    assert resolve_field("change my answer about what my manager can do") == "person_manager_help"
    assert resolve_field("change how to engage my mentor") == "person_mentor_engage"


@pytest.mark.parametrize(
    "reply, meaning",
    [("no problem", True), ("why not", True), ("not sure", None), ("maybe", None), ("no thanks", False), ("yes please", True)],
)
def test_yes_or_no_reads_common_idioms(reply: str, meaning: bool | None) -> None:
    from bot.conversation.answers import yes_or_no

    assert yes_or_no(reply) is meaning


def test_undecided_consent_is_asked_again_not_taken_as_no() -> None:
    outcome = validate_answer(QUESTIONS["consent"], "not sure", AnswerContext(today=TODAY))
    assert not outcome.ok and outcome.problem == "Please answer yes or no."
