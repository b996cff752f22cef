"""The stage forms' validation and ask actions, on trackers built as rasa-sdk's tests do."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.forms import AskQuestion, ValidateAnswerEditForm, StageFormValidation, ASK_ACTIONS, STAGE_VALIDATORS
from bot.conversation import messages
from tests.actions.conftest import reply_events


def validator(stage: str) -> StageFormValidation:
    return next(cls() for cls in STAGE_VALIDATORS if cls.stage_key == stage)


def asker(slot: str) -> AskQuestion:
    return next(cls() for cls in ASK_ACTIONS if cls.slot == slot)


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


async def validate(stage, slot, text, make_tracker, dispatcher, domain, slots=None, intent="inform"):
    tracker = make_tracker(
        slots={**(slots or {}), slot: text, "requested_slot": slot},
        text=text,
        intent=intent,
        active_loop=f"{stage}_form",
        events=reply_events(text, slot, intent),
    )
    return await validator(stage).run(dispatcher, tracker, domain)


def test_every_stage_has_a_validation_action() -> None:
    names = {cls().name() for cls in STAGE_VALIDATORS}
    assert names == {f"validate_{s}_form" for s in ("welcome", "needs", "assessment", "exploration", "goals", "action_plan", "review")}


async def test_valid_answer_is_set_and_stored(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("needs", "current_role", "Senior accountant", make_tracker, dispatcher, domain, {"consent": True})

    # the role resolves clearly to an O*NET occupation, which fills the occupation question
    assert len(events) == 3
    assert SlotSet("current_role", "Senior accountant") in events
    assert SlotSet("current_occupation", "13-2011.00") in events
    assert SlotSet("occupation_candidates", None) in events
    assert texts(dispatcher) == ["I'll use O*NET's “Accountants and Auditors” for that."]
    stored = store.answers("rest", "employee-1")
    assert stored["current_role"].value == "Senior accountant"
    assert stored["current_role"].stage == "needs"
    assert stored["current_occupation"].slot_value == "13-2011.00"
    assert stored["current_occupation"].stage == "needs"


async def test_nothing_is_stored_without_consent(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("needs", "department", "Finance", make_tracker, dispatcher, domain, {"consent": False})

    assert SlotSet("department", "Finance") in events
    assert store.answers("rest", "employee-1") == {}
    assert store.count_employees() == 0


async def test_consent_given_is_recorded(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("welcome", "consent", "yes, I agree", make_tracker, dispatcher, domain)

    assert SlotSet("consent", True) in events
    assert messages.CONSENT_GIVEN in texts(dispatcher)
    assert store.session_record("rest", "employee-1")["consent_at"] is not None
    assert store.answers("rest", "employee-1")["consent"].slot_value is True


async def test_consent_declined_stores_nothing_and_says_so(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("welcome", "consent", "no", make_tracker, dispatcher, domain)

    assert SlotSet("consent", False) in events
    assert messages.CONSENT_DECLINED in texts(dispatcher)
    assert store.count_employees() == 0


async def test_unusable_reply_is_asked_again_with_a_specific_reason(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("needs", "department", "🎉🎉", make_tracker, dispatcher, domain, {"consent": True})

    assert SlotSet("department", None) in events
    assert SlotSet("misunderstandings", 1) in events
    assert texts(dispatcher) == ["I can't store just symbols or emoji as an answer – could you put it in words?"]
    assert dispatcher.messages[0]["buttons"] == []


async def test_reply_after_a_misunderstanding_resets_the_count(store, make_tracker, dispatcher, domain) -> None:
    events = await validate("needs", "department", "Finance", make_tracker, dispatcher, domain, {"misunderstandings": 1})

    assert SlotSet("misunderstandings", 0) in events


async def test_second_misunderstanding_offers_buttons_and_a_counselor(store, make_tracker, dispatcher, domain) -> None:
    events = await validate(
        "exploration", "career_direction", "bananas", make_tracker, dispatcher, domain, {"consent": True, "misunderstandings": 1}
    )

    assert SlotSet("misunderstandings", 2) in events
    help_message = dispatcher.messages[-1]
    assert "careers@example.org" in help_message["text"]
    titles = [b["title"] for b in help_message["buttons"]]
    assert titles[:4] == ["Professional-technical", "Management", "Technical plus management", "Operational skills"]
    assert "Skip this question" in titles


async def test_goal_with_date_fills_its_follow_ups(store, make_tracker, dispatcher, domain) -> None:
    events = await validate(
        "goals", "goal_short", "Become team lead by next spring", make_tracker, dispatcher, domain, {"consent": True}
    )

    assert SlotSet("goal_short_due", "2027-04-15") in events
    assert SlotSet("goal_short_measure", "Become team lead") in events
    goal = store.session_record("rest", "employee-1")["goals"]["short"]
    assert str(goal["target_date"]) == "2027-04-15"
    assert goal["success_criterion"] == "Become team lead"
    assert goal["confirmed"] is False


@pytest.mark.parametrize(
    "text",
    ["x" * 2500, "我想成为数据分析团队的负责人", "<script>alert('hi')</script> Sales & Marketing", "مهندس برمجيات"],
)
async def test_long_foreign_and_markup_answers_are_stored_as_text(text, store, make_tracker, dispatcher, domain) -> None:
    await validate("assessment", "interests", text, make_tracker, dispatcher, domain, {"consent": True})

    assert store.answers("rest", "employee-1")["interests"].value == text


async def test_values_carried_into_a_form_are_not_validated_again(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        slots={"consent": True, "situation": "stalled", "requested_slot": "current_role"},
        text="hello again",
        active_loop="needs_form",
        events=reply_events("hello again", "situation", "greet")[:1] + [{"event": "slot", "name": "situation", "value": "stalled"}],
    )
    events = await validator("needs").run(dispatcher, tracker, domain)

    assert events == []  # Rasa keeps the carried-over value and asks the next question
    assert dispatcher.messages == []
    assert store.answers("rest", "employee-1") == {}


async def test_people_follow_ups_are_required_only_for_chosen_people(make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots={"key_people": ["manager", "hr"]}, active_loop="action_plan_form")
    required = await validator("action_plan").required_slots([], dispatcher, tracker, domain)

    assert required == [
        "action_steps", "development_means", "key_people",
        "person_manager_help", "person_manager_engage", "person_hr_help", "person_hr_engage",
    ]


async def test_edited_answer_replaces_the_old_one_and_keeps_history(store, make_tracker, dispatcher, domain) -> None:
    store.record_answer("rest", "employee-1", "department", "Finance", "Finance")
    tracker = make_tracker(
        slots={"consent": True, "department": "Finance", "editing_field": "department", "edited_answer": "Group Finance", "requested_slot": "edited_answer"},
        text="Group Finance",
        active_loop="answer_edit_form",
        events=reply_events("Group Finance", "edited_answer"),
    )
    events = await ValidateAnswerEditForm().run(dispatcher, tracker, domain)

    assert SlotSet("department", "Group Finance") in events
    assert SlotSet("edited_answer", "Group Finance") in events
    assert texts(dispatcher) == ["Updated your department: “Group Finance”."]
    assert [r.value for r in store.history("rest", "employee-1", "department")] == ["Finance", "Group Finance"]


async def test_invalid_edit_keeps_the_old_answer(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        slots={"consent": True, "session_rating": 4, "editing_field": "session_rating", "edited_answer": "seven", "requested_slot": "edited_answer"},
        text="seven",
        active_loop="answer_edit_form",
        events=reply_events("seven", "edited_answer"),
    )
    events = await ValidateAnswerEditForm().run(dispatcher, tracker, domain)

    assert SlotSet("edited_answer", None) in events
    assert not any(e["event"] == "slot" and e["name"] == "session_rating" for e in events)


async def test_ask_action_shows_choices_with_their_explanations(store, make_tracker, dispatcher, domain) -> None:
    await asker("path_type").run(dispatcher, make_tracker(), domain)

    message = dispatcher.messages[0]
    assert "Dual ladder: A specialist track that runs parallel to the management track" in message["text"]
    assert {"title": "Lateral", "payload": '/inform{"choice": "lateral"}'} in message["buttons"]


async def test_review_date_proposal_follows_the_chosen_frequency(store, make_tracker, dispatcher, domain) -> None:
    await asker("next_review_date").run(dispatcher, make_tracker(slots={"review_frequency": 3}), domain)

    assert dispatcher.messages[0]["text"].startswith("Then your next review would be on 22 February 2027.")


async def test_goal_confirmation_shows_the_real_date(store, make_tracker, dispatcher, domain) -> None:
    slots = {"goal_medium": "Lead a team", "goal_medium_due": "2028-11-22", "goal_medium_measure": "I lead a team of five"}
    await asker("goal_medium_confirmed").run(dispatcher, make_tracker(slots=slots), domain)

    assert "Reach it by: 22 November 2028" in dispatcher.messages[0]["text"]


async def test_editing_the_review_frequency_asks_for_the_review_date_again(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        slots={"consent": True, "review_frequency": 6, "next_review_date": "2027-05-22", "editing_field": "review_frequency",
               "edited_answer": "quarterly", "requested_slot": "edited_answer"},
        text="quarterly",
        active_loop="answer_edit_form",
        events=reply_events("quarterly", "edited_answer"),
    )
    events = await ValidateAnswerEditForm().run(dispatcher, tracker, domain)

    assert SlotSet("review_frequency", 3) in events
    assert SlotSet("next_review_date", None) in events


async def test_a_database_failure_is_told_and_the_answer_kept(store, make_tracker, dispatcher, domain, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store, "record_answer", broken)
    events = await validate("needs", "department", "Secret Lab 7", make_tracker, dispatcher, domain, {"consent": True})

    assert SlotSet("department", "Secret Lab 7") in events
    assert messages.NOT_STORED in texts(dispatcher)
    assert "Secret Lab 7" not in caplog.text


async def test_asking_for_a_step_date_is_not_a_misunderstanding(store, make_tracker, dispatcher, domain) -> None:
    events = await validate(
        "action_plan", "action_steps", "read a book on negotiation", make_tracker, dispatcher, domain,
        {"consent": True, "misunderstandings": 1},
    )

    assert SlotSet("misunderstandings", 0) in events
    assert texts(dispatcher) == ["When will you do “read a book on negotiation”? Give a date like “by 15 January” or “in 2 months”."]
