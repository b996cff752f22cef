"""bot.storage: the answer store, on SQLite and (when configured) PostgreSQL.

Every test gets a fresh migrated database from the `store` fixture (tests/bot/conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.storage.models import (
    ActionStep,
    Answer,
    AnswerRevision,
    CounselingSession,
    Feedback,
    Goal,
    Person,
    ReviewSchedule,
)
from bot.storage import slot_values

CHANNEL, SENDER = "rest", "user-1"


@pytest.fixture
def record(store):
    """record_answer for the default channel user."""

    def _record(question, value, slot_value=None, normalized=None, skipped=False):
        return store.record_answer(
            CHANNEL, SENDER, question, value, value if slot_value is None else slot_value, normalized, skipped
        )

    return _record


def _count(store, model) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back (stored as UTC); PostgreSQL gives aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- employees ----------------------------------------------------------------------------


def test_employee_id_is_stable_per_channel_and_sender(store):
    first = store.employee_id("rest", "alice")
    assert len(first) == 32
    assert store.employee_id("rest", "alice") == first
    assert store.employee_id("rest", "bob") != first
    assert store.count_employees() == 2


def test_employee_id_differs_across_channels(store):
    assert store.employee_id("rest", "alice") != store.employee_id("slack", "alice")
    assert store.count_employees() == 2


def test_answers_create_the_employee_once(store, record):
    record("department", "IT")
    record("current_role", "Analyst")
    assert store.count_employees() == 1
    assert store.session_record(CHANNEL, SENDER)["employee_id"] == store.employee_id(CHANNEL, SENDER)


# -- answers and revisions ----------------------------------------------------------------


def test_first_answer_is_revision_one(store, record):
    assert record("department", "IT") == 1
    stored = store.answers(CHANNEL, SENDER)["department"]
    assert (stored.question, stored.stage, stored.value, stored.slot_value) == ("department", "needs", "IT", "IT")
    assert stored.revision == 1
    assert stored.skipped is False
    assert [(r.revision, r.value) for r in store.history(CHANNEL, SENDER, "department")] == [(1, "IT")]


def test_changed_value_is_revision_two_with_history_in_order(store, record):
    assert record("department", "IT") == 1
    assert record("department", "Sales") == 2
    history = store.history(CHANNEL, SENDER, "department")
    assert [(r.revision, r.value) for r in history] == [(1, "IT"), (2, "Sales")]
    assert history[0].recorded_at <= history[1].recorded_at
    stored = store.answers(CHANNEL, SENDER)["department"]
    assert (stored.value, stored.revision) == ("Sales", 2)


def test_identical_value_adds_no_revision(store, record):
    record("department", "IT")
    record("department", "Sales")
    assert record("department", "Sales") == 2
    assert [r.value for r in store.history(CHANNEL, SENDER, "department")] == ["IT", "Sales"]
    assert _count(store, AnswerRevision) == 2


def test_skipping_an_answered_question_is_a_revision(store, record):
    record("department", "IT")
    assert record("department", "(skipped)", skipped=True) == 2
    stored = store.answers(CHANNEL, SENDER)["department"]
    assert stored.skipped is True
    assert stored.value == "(skipped)"


def test_answers_are_per_person(store, record):
    record("department", "IT")
    store.record_answer("slack", SENDER, "department", "Finance", "Finance")
    assert store.answers(CHANNEL, SENDER)["department"].value == "IT"
    assert store.answers("slack", SENDER)["department"].value == "Finance"
    assert store.answers("rest", "somebody-else") == {}
    assert store.history("rest", "somebody-else", "department") == []


@pytest.mark.parametrize(
    ("question", "value", "slot_value", "normalized"),
    [
        ("key_people", "My manager, HR", ["manager", "hr"], "manager,hr"),
        (
            "action_steps",
            "15 January 2027: Call HR",
            [{"description": "Call HR", "due": "2027-01-15"}, {"description": "Finish SQL", "due": "2027-02-22"}],
            None,
        ),
        ("consent", "yes", True, "true"),
        ("consent", "no", False, "false"),
        ("session_rating", "4 of 5", 4, "4"),
        ("review_frequency", "every 6 months", 6, "6"),
        ("key_people", "nobody named", [], ""),
        ("current_role", "软件工程师 <b>&</b>", "软件工程师 <b>&</b>", None),
    ],
)
def test_slot_value_round_trips(store, question, value, slot_value, normalized):
    store.record_answer(CHANNEL, SENDER, question, value, slot_value, normalized)
    stored = store.answers(CHANNEL, SENDER)[question]
    assert stored.slot_value == slot_value
    assert type(stored.slot_value) is type(slot_value)
    assert stored.value == value
    assert stored.normalized == normalized


def test_slot_values_restore_the_conversation(store, record):
    record("consent", "no", False, "false")
    record("key_people", "My manager", ["manager"], "manager")
    record("session_rating", "5 of 5", 5, "5")
    record("department", "IT")
    assert slot_values(store.answers(CHANNEL, SENDER).values()) == {
        "consent": False,
        "key_people": ["manager"],
        "session_rating": 5,
        "department": "IT",
    }


def test_answers_keep_recording_order(store, record):
    for key in ("path_type", "department", "consent"):
        record(key, "x")
    assert list(store.answers(CHANNEL, SENDER)) == ["path_type", "department", "consent"]


# -- goals --------------------------------------------------------------------------------


def _record_short_goal(record):
    record("goal_short", "Become team lead by next spring")
    record("goal_short_due", "15 April 2027", "2027-04-15", "2027-04-15")
    record("goal_short_measure", "Become team lead")
    record("goal_short_confirmed", "confirmed", True, "true")


def test_goal_filled_from_goal_due_measure_and_confirmation(store, record):
    _record_short_goal(record)
    assert store.session_record(CHANNEL, SENDER)["goals"] == {
        "short": {
            "description": "Become team lead by next spring",
            "target_date": date(2027, 4, 15),
            "success_criterion": "Become team lead",
            "confirmed": True,
        }
    }


def test_goal_without_confirmation_is_unconfirmed(store, record):
    record("goal_medium", "Lead a team of five")
    record("goal_medium_due", "22 November 2028", "2028-11-22", "2028-11-22")
    assert store.session_record(CHANNEL, SENDER)["goals"] == {
        "medium": {
            "description": "Lead a team of five",
            "target_date": date(2028, 11, 22),
            "success_criterion": None,
            "confirmed": False,
        }
    }


def test_changed_goal_needs_confirmation_again(store, record):
    _record_short_goal(record)
    record("goal_short", "Become head of the data team")
    goal = store.session_record(CHANNEL, SENDER)["goals"]["short"]
    assert goal["description"] == "Become head of the data team"
    assert goal["confirmed"] is False


def test_skipped_goal_removes_the_goal_row(store, record):
    _record_short_goal(record)
    record("goal_medium", "Lead a team of five")
    record("goal_short", "(skipped)", skipped=True)
    assert set(store.session_record(CHANNEL, SENDER)["goals"]) == {"medium"}
    assert _count(store, Goal) == 1


def test_goal_follow_ups_without_a_goal_store_no_goal(store, record):
    record("goal_long_due", "31 December 2032", "2032-12-31", "2032-12-31")
    assert store.session_record(CHANNEL, SENDER)["goals"] == {}


# -- action steps and people --------------------------------------------------------------


def test_action_steps_are_replaced_on_re_answer(store, record):
    record(
        "action_steps",
        "two steps",
        [{"description": "Call HR", "due": "2027-01-15"}, {"description": "Finish SQL", "due": "2027-02-22"}],
    )
    assert store.session_record(CHANNEL, SENDER)["action_steps"] == [
        {"description": "Call HR", "due_date": date(2027, 1, 15)},
        {"description": "Finish SQL", "due_date": date(2027, 2, 22)},
    ]
    record("action_steps", "one step", [{"description": "Ask for a mentor", "due": "2027-03-01"}])
    assert store.session_record(CHANNEL, SENDER)["action_steps"] == [
        {"description": "Ask for a mentor", "due_date": date(2027, 3, 1)}
    ]
    assert _count(store, ActionStep) == 1


def test_key_people_then_follow_ups_fill_people(store, record):
    record("key_people", "My manager, HR", ["manager", "hr"], "manager,hr")
    record("person_manager_help", "Give me a stretch project")
    record("person_manager_engage", "Raise it in my next 1:1")
    record("person_hr_help", "Tell me about the rotation programme")
    assert store.session_record(CHANNEL, SENDER)["people"] == {
        "manager": {"contribution": "Give me a stretch project", "engagement": "Raise it in my next 1:1"},
        "hr": {"contribution": "Tell me about the rotation programme", "engagement": None},
    }


def test_dropping_a_role_from_key_people_removes_that_person(store, record):
    record("key_people", "My manager, HR", ["manager", "hr"], "manager,hr")
    record("person_manager_help", "Give me a stretch project")
    record("person_hr_help", "Tell me about the rotation programme")
    record("key_people", "HR", ["hr"], "hr")
    assert store.session_record(CHANNEL, SENDER)["people"] == {
        "hr": {"contribution": "Tell me about the rotation programme", "engagement": None}
    }
    assert _count(store, Person) == 1


def test_nobody_in_key_people_removes_everyone(store, record):
    record("key_people", "My manager", ["manager"], "manager")
    record("key_people", "nobody named", [], "")
    assert store.session_record(CHANNEL, SENDER)["people"] == {}


# -- review and feedback ------------------------------------------------------------------


def test_review_schedule_and_feedback_filled(store, record):
    assert store.session_record(CHANNEL, SENDER) is None
    record("review_frequency", "every 3 months", 3, "3")
    record("next_review_date", "22 February 2027", "2027-02-22", "2027-02-22")
    record("review_triggers", "A new manager")
    record("session_rating", "4 of 5", 4, "4")
    record("rating_comment", "Helpful")
    stored = store.session_record(CHANNEL, SENDER)
    assert stored["review"] == {"frequency_months": 3, "next_review_on": date(2027, 2, 22), "triggers": "A new manager"}
    assert stored["feedback"] == {"rating": 4, "comment": "Helpful"}
    assert (_count(store, ReviewSchedule), _count(store, Feedback)) == (1, 1)


def test_skipped_comment_clears_feedback_comment(store, record):
    record("session_rating", "5 of 5", 5, "5")
    record("rating_comment", "Helpful")
    record("rating_comment", "(skipped)", skipped=True)
    assert store.session_record(CHANNEL, SENDER)["feedback"] == {"rating": 5, "comment": None}


def test_session_record_without_review_or_feedback(store, record):
    record("department", "IT")
    stored = store.session_record(CHANNEL, SENDER)
    assert stored["review"] is None
    assert stored["feedback"] is None
    assert stored["goals"] == {}
    assert stored["action_steps"] == []
    assert stored["people"] == {}


# -- the session ----------------------------------------------------------------------------


def test_clear_progress_deletes_everything(store, record):
    _record_short_goal(record)
    record("action_steps", "one step", [{"description": "Call HR", "due": "2027-01-15"}])
    record("key_people", "HR", ["hr"], "hr")
    record("person_hr_help", "Advice")
    record("review_frequency", "every 6 months", 6, "6")
    record("session_rating", "4 of 5", 4, "4")
    record("department", "IT")
    record("department", "Sales")
    store.record_consent(CHANNEL, SENDER)

    assert store.clear_progress(CHANNEL, SENDER) is True

    assert store.answers(CHANNEL, SENDER) == {}
    assert store.session_record(CHANNEL, SENDER) is None
    assert store.history(CHANNEL, SENDER, "department") == []
    for model in (CounselingSession, Answer, AnswerRevision, Goal, ActionStep, Person, ReviewSchedule, Feedback):
        assert _count(store, model) == 0, model.__tablename__


def test_clear_progress_without_records(store):
    assert store.clear_progress(CHANNEL, "never-seen") is False
    store.employee_id(CHANNEL, "known-but-empty")
    assert store.clear_progress(CHANNEL, "known-but-empty") is False


def test_clear_progress_leaves_other_people_alone(store, record):
    record("department", "IT")
    store.record_answer("rest", "user-2", "department", "Finance", "Finance")
    store.clear_progress(CHANNEL, SENDER)
    assert store.answers("rest", "user-2")["department"].value == "Finance"


def test_new_record_after_clear_starts_a_fresh_session(store, record):
    record("path_type", "Lateral", "lateral", "lateral")
    record("department", "IT")
    record("department", "Sales")
    store.record_consent(CHANNEL, SENDER)
    store.mark_completed(CHANNEL, SENDER)
    store.clear_progress(CHANNEL, SENDER)

    assert record("department", "Finance") == 1
    assert list(store.answers(CHANNEL, SENDER)) == ["department"]
    assert [(r.revision, r.value) for r in store.history(CHANNEL, SENDER, "department")] == [(1, "Finance")]
    stored = store.session_record(CHANNEL, SENDER)
    assert stored["status"] == "active"
    assert stored["stage_reached"] == "needs"
    assert stored["consent_at"] is None


def test_mark_completed_sets_status(store, record):
    record("department", "IT")
    assert store.session_record(CHANNEL, SENDER)["status"] == "active"
    store.mark_completed(CHANNEL, SENDER)
    stored = store.session_record(CHANNEL, SENDER)
    assert stored["status"] == "completed"
    assert stored["stage_reached"] == "review"


def test_mark_completed_without_a_session_creates_nothing(store):
    store.mark_completed(CHANNEL, "never-seen")
    assert store.session_record(CHANNEL, "never-seen") is None
    assert _count(store, CounselingSession) == 0


def test_record_consent_sets_consent_at_once(store):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    store.record_consent(CHANNEL, SENDER)
    first = store.session_record(CHANNEL, SENDER)["consent_at"]
    assert first is not None
    assert before <= _utc(first) <= datetime.now(timezone.utc) + timedelta(seconds=5)
    store.record_consent(CHANNEL, SENDER)
    assert store.session_record(CHANNEL, SENDER)["consent_at"] == first


def test_new_session_starts_at_welcome(store):
    store.record_consent(CHANNEL, SENDER)
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "welcome"


def test_stage_reached_advances_but_never_goes_back(store, record):
    record("consent", "yes", True, "true")
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "welcome"
    record("department", "IT")
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "needs"
    record("path_type", "Lateral", "lateral", "lateral")
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "exploration"
    record("department", "Sales")  # editing an earlier answer
    record("interests", "data")
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "exploration"
    record("session_rating", "5 of 5", 5, "5")
    assert store.session_record(CHANNEL, SENDER)["stage_reached"] == "review"


def test_start_over_deletes_the_plan_documents_and_their_links(store):
    from datetime import datetime, timedelta, timezone

    from bot.storage import PlanStore

    store.record_consent("rest", "plan-owner")
    store.record_answer("rest", "plan-owner", "situation", "stuck", "stuck", None, False)
    plans = PlanStore(store.engine)
    employee = store.employee_id("rest", "plan-owner")
    plans.save_version(employee, lambda n: {"version": n})
    now = datetime.now(timezone.utc)
    plans.create_link("a" * 64, employee, now + timedelta(days=30), now)
    assert store.clear_progress("rest", "plan-owner")
    assert plans.versions(employee) == [] and plans.link_employee("a" * 64, now) is None


# -- suggestions (issue 12) --------------------------------------------------------------------


def test_a_chosen_suggestion_is_marked_and_own_words_later_are_not(store):
    from bot.conversation.reply import AnswerRecord

    store.apply(CHANNEL, SENDER, [AnswerRecord("values", "Learning every year", "Learning every year", suggested=True)])
    assert store.answers(CHANNEL, SENDER)["values"].suggested is True

    store.apply(CHANNEL, SENDER, [AnswerRecord("values", "Fair pay", "Fair pay")])
    assert store.answers(CHANNEL, SENDER)["values"].suggested is False
    with store.engine.connect() as connection:
        marks = connection.execute(select(AnswerRevision.revision, AnswerRevision.suggested).order_by(AnswerRevision.revision)).all()
    assert [tuple(m) for m in marks] == [(1, True), (2, False)]
