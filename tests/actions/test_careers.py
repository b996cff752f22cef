"""The actions that use the career database: questions about occupations, the Interest
Profiler and skills gap in the exploration form (stored as they come), redoing the
profiler, and resuming it after a lost conversation."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet

from actions import runtime
from actions.careers import ActionAnswerCareerQuestion
from actions.flow import ActionChangeAnswer, ActionSessionStart
from actions.forms import (
    ASK_ACTIONS,
    STAGE_VALIDATORS,
    AskEditedAnswer,
    AskQuestion,
    StageFormValidation,
    ValidateAnswerEditForm,
)
from bot.careers import profiler
from tests.actions.conftest import reply_events

REGISTERED_NURSES = "29-1141.00"


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def exploration() -> StageFormValidation:
    return next(cls() for cls in STAGE_VALIDATORS if cls.stage_key == "exploration")


def asker(slot: str) -> AskQuestion:
    return next(cls() for cls in ASK_ACTIONS if cls.slot == slot)


async def reply_in_exploration(text: str, slot: str, slots: dict[str, Any], make_tracker, dispatcher, domain):
    tracker = make_tracker(
        slots={"consent": True, **slots, slot: text, "requested_slot": slot},
        text=text,
        active_loop="exploration_form",
        events=reply_events(text, slot),
    )
    return await exploration().run(dispatcher, tracker, domain)


# ---- questions about occupations ---------------------------------------------------------


async def test_a_career_question_is_answered_from_the_entity(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        text="what skills does a nurse need?",
        intent="ask_occupation_skills",
        entities=[{"entity": "occupation", "value": "nurse", "start": 19, "end": 24}],
    )
    events = await ActionAnswerCareerQuestion().run(dispatcher, tracker, domain)

    assert events == []
    [answer] = texts(dispatcher)
    assert answer.startswith("The most important skills for Registered Nurses:")
    assert "Social Perceptiveness" in answer


async def test_similar_jobs_to_mine_use_the_current_occupation(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        slots={"current_occupation": "13-2011.00"}, text="what jobs are like mine?", intent="ask_similar_occupations"
    )
    await ActionAnswerCareerQuestion().run(dispatcher, tracker, domain)

    assert texts(dispatcher)[0].startswith("Occupations related to Accountants and Auditors:")


async def test_without_a_loaded_career_database_the_question_is_deferred(store, make_tracker, dispatcher, domain, caplog) -> None:
    runtime.use_careers(None)  # the answer store's database holds no career tables
    tracker = make_tracker(
        text="what does a data scientist do?",
        intent="ask_occupation_description",
        entities=[{"entity": "occupation", "value": "data scientist"}],
    )
    events = await ActionAnswerCareerQuestion().run(dispatcher, tracker, domain)

    assert events == []
    assert texts(dispatcher)[0].startswith("The career database is not available right now")
    assert "CareerDataMissing" in caplog.text


# ---- the interest profiler in the exploration form ----------------------------------------


async def test_profiler_answers_are_stored_as_they_come(store, make_tracker, dispatcher, domain) -> None:
    events = await reply_in_exploration("5", "interest_profile", {"take_profiler": True}, make_tracker, dispatcher, domain)

    assert slot_events(events) == {"interest_responses": {"1": 5}, "interest_profile": None}
    assert dispatcher.messages == []  # the form asks the next activity
    assert store.interest_responses("rest", "employee-1") == {1: 5}

    dispatcher.messages.clear()
    slots = {"take_profiler": True, "interest_responses": {"1": 5}}
    events = await reply_in_exploration("4 2", "interest_profile", slots, make_tracker, dispatcher, domain)

    assert slot_events(events)["interest_responses"] == {"1": 5, "2": 4, "3": 2}
    assert store.interest_responses("rest", "employee-1") == {1: 5, 2: 4, 3: 2}
    assert store.session_record("rest", "employee-1")["interest_responses"] == {1: 5, 2: 4, 3: 2}


async def test_profiler_steps_are_not_misunderstandings(store, make_tracker, dispatcher, domain) -> None:
    events = await reply_in_exploration(
        "skip", "interest_profile", {"take_profiler": True, "misunderstandings": 1}, make_tracker, dispatcher, domain
    )
    assert SlotSet("misunderstandings", 0) in events
    assert store.interest_responses("rest", "employee-1") == {1: None}


async def test_profiler_answers_are_not_stored_without_consent(store, make_tracker, dispatcher, domain) -> None:
    events = await reply_in_exploration(
        "5", "interest_profile", {"consent": False, "take_profiler": True}, make_tracker, dispatcher, domain
    )
    assert slot_events(events)["interest_responses"] == {"1": 5}
    assert store.count_employees() == 0


async def test_the_profiler_is_not_asked_unless_taken(store, make_tracker, dispatcher, domain) -> None:
    events = await reply_in_exploration("5", "interest_profile", {"take_profiler": False}, make_tracker, dispatcher, domain)

    assert "interest_responses" not in slot_events(events)
    assert store.interest_responses("rest", "employee-1") == {}


async def test_the_last_profiler_answer_stores_the_profile(store, careers, make_tracker, dispatcher, domain) -> None:
    items = careers.catalogue.profiler_items
    values = {"R": 1, "I": 4, "A": 5, "S": 3, "E": 1, "C": 2}
    responses = profiler.as_slot({i.number: values[i.area] for i in items[:59]})
    slots = {"take_profiler": True, "interest_responses": responses}

    events = await reply_in_exploration("2", "interest_profile", slots, make_tracker, dispatcher, domain)

    profile = slot_events(events)["interest_profile"]
    assert profile["code"] == "AIS"
    assert "Your Holland code is **AIS**" in texts(dispatcher)[0]
    assert store.answers("rest", "employee-1")["interest_profile"].slot_value == profile
    assert len(store.interest_responses("rest", "employee-1")) == 60


async def test_the_profiler_question_shows_the_next_activity(store, make_tracker, dispatcher, domain) -> None:
    await asker("interest_profile").run(dispatcher, make_tracker(slots={"interest_responses": {"1": 5, "2": 4, "3": 2}}), domain)

    message = dispatcher.messages[0]
    assert "Interest profiler · 4 of 60" in message["text"]
    assert len(message["buttons"]) == 5


# ---- skills gap in the exploration form --------------------------------------------------


async def test_skill_ratings_are_stored(store, careers, make_tracker, dispatcher, domain) -> None:
    skills = [q.element_id for q in careers.catalogue.top_skills(REGISTERED_NURSES, 6)]
    slots: dict[str, Any] = {"target_occupation": REGISTERED_NURSES}

    events = await reply_in_exploration("4", "skills_gap", slots, make_tracker, dispatcher, domain)

    set_now = slot_events(events)
    assert set_now["skill_levels"] == {skills[0]: 4}
    assert set_now["skills_gap"] is None  # asked again for the next skill
    assert "skill_ratings_record" not in set_now  # a record to store, not a slot
    assert [(r["element_id"], r["self_level"]) for r in store.skill_ratings("rest", "employee-1")] == [(skills[0], 4)]

    levels = {skills[0]: 4, skills[1]: 2, skills[2]: None, skills[3]: 5, skills[4]: 1}
    dispatcher.messages.clear()
    events = await reply_in_exploration("3", "skills_gap", {**slots, "skill_levels": levels}, make_tracker, dispatcher, domain)

    result = slot_events(events)["skills_gap"]
    assert result["occupation"] == REGISTERED_NURSES
    stored = store.skill_ratings("rest", "employee-1")
    assert [r["element_id"] for r in stored] == skills
    assert [r["self_level"] for r in stored] == [4, 2, None, 5, 1, 3]
    assert {r["occupation_code"] for r in stored} == {REGISTERED_NURSES}
    assert all(r["required_level"] > 0 and r["importance"] > 0 for r in stored)
    assert "Your biggest gaps, and how to close them:" in texts(dispatcher)[0]
    assert store.answers("rest", "employee-1")["skills_gap"].slot_value == result


async def test_a_new_target_replaces_the_old_ratings(store, careers, make_tracker, dispatcher, domain) -> None:
    await reply_in_exploration("4", "skills_gap", {"target_occupation": REGISTERED_NURSES}, make_tracker, dispatcher, domain)
    await reply_in_exploration("2", "skills_gap", {"target_occupation": "13-2011.00"}, make_tracker, dispatcher, domain)

    stored = store.skill_ratings("rest", "employee-1")
    assert [(r["occupation_code"], r["self_level"]) for r in stored] == [("13-2011.00", 2)]


# ---- redoing the profiler ----------------------------------------------------------------


async def test_change_my_interest_profile_redoes_the_profiler(store, make_tracker, dispatcher, domain) -> None:
    old = {"code": "AIS", "scores": {"R": 0.0, "I": 30.0, "A": 40.0, "S": 20.0, "E": 0.0, "C": 10.0}}
    tracker = make_tracker(
        slots={"consent": True, "take_profiler": True, "interest_profile": old, "interest_responses": {"1": 5}},
        text="change my interest profile",
        intent="change_answer",
    )
    events = await ActionChangeAnswer().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == ["Let's do your interest profile (Holland code) again."]
    assert SlotSet("interest_responses", None) in events
    assert SlotSet("take_profiler", True) in events
    assert SlotSet("editing_field", "interest_profile") in events
    assert ActiveLoop(None) in events
    assert SlotSet("interest_profile", None) not in events  # the old profile stays until the new one is complete


async def test_the_redone_profiler_asks_its_first_activity(store, make_tracker, dispatcher, domain) -> None:
    old = {"code": "AIS", "scores": {"R": 0.0, "I": 30.0, "A": 40.0, "S": 20.0, "E": 0.0, "C": 10.0}}
    tracker = make_tracker(slots={"interest_profile": old, "editing_field": "interest_profile"})
    await AskEditedAnswer().run(dispatcher, tracker, domain)

    assert "Interest profiler · 1 of 60" in texts(dispatcher)[0]
    assert "What should it be instead?" not in texts(dispatcher)[0]


async def test_the_redone_profiler_replaces_the_profile_when_complete(store, careers, make_tracker, dispatcher, domain) -> None:
    items = careers.catalogue.profiler_items
    old = {"code": "AIS", "scores": {"R": 0.0, "I": 30.0, "A": 40.0, "S": 20.0, "E": 0.0, "C": 10.0}}
    base = {"consent": True, "take_profiler": True, "interest_profile": old, "editing_field": "interest_profile"}

    def edit(text: str, slots: dict[str, Any]):
        return make_tracker(
            slots={**base, **slots, "edited_answer": text, "requested_slot": "edited_answer"},
            text=text,
            active_loop="answer_edit_form",
            events=reply_events(text, "edited_answer"),
        )

    first = await ValidateAnswerEditForm().run(dispatcher, edit("1", {}), domain)
    assert slot_events(first) == {"interest_responses": {"1": 1}, "edited_answer": None}

    responses = profiler.as_slot({i.number: 5 if i.area == "C" else 1 for i in items[:59]})
    last = await ValidateAnswerEditForm().run(dispatcher, edit("5", {"interest_responses": responses}), domain)

    new = slot_events(last)["interest_profile"]
    assert new["code"].startswith("C")
    assert texts(dispatcher)[-1].startswith("Updated your interest profile (Holland code): “C")


# ---- resuming after a lost conversation --------------------------------------------------


async def test_a_lost_conversation_resumes_the_profiler_where_it_stopped(store, make_tracker, dispatcher, domain) -> None:
    answers = {"consent": True, "situation": "stalled", "current_role": "Senior accountant", "take_profiler": True}
    for key, value in answers.items():
        store.record_answer("rest", "employee-1", key, str(value), value)
    store.record_interest_responses("rest", "employee-1", {1: 5, 2: None, 3: 4})
    store.record_skill_ratings(
        "rest", "employee-1", REGISTERED_NURSES,
        [{"element_id": "2.B.1.a", "skill": "Social Perceptiveness", "self_level": 3, "required_level": 4.38, "importance": 4.12}],
    )

    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    restored = slot_events(events)
    assert restored["interest_responses"] == {"1": 5, "2": None, "3": 4}
    assert restored["skill_levels"] == {"2.B.1.a": 3}
    assert restored["take_profiler"] is True
    assert texts(dispatcher)[0].startswith("Welcome back!")


async def test_nothing_to_resume_restores_no_questionnaire(store, make_tracker, dispatcher, domain) -> None:
    store.record_answer("rest", "employee-1", "situation", "stalled", "stalled")
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    restored = slot_events(events)
    assert "interest_responses" not in restored and "skill_levels" not in restored


async def test_a_live_conversation_keeps_its_own_responses(store, make_tracker, dispatcher, domain) -> None:
    store.record_interest_responses("rest", "employee-1", {1: 1, 2: 1})
    tracker = make_tracker(slots={"situation": "stalled", "interest_responses": {"1": 5}})
    events = await ActionSessionStart().run(dispatcher, tracker, domain)

    assert slot_events(events)["interest_responses"] == {"1": 5}


@pytest.mark.parametrize("broken", ["interest_responses", "skill_ratings"])
async def test_resume_goes_on_when_the_questionnaires_cannot_be_read(
    broken, store, make_tracker, dispatcher, domain, monkeypatch
) -> None:
    store.record_answer("rest", "employee-1", "situation", "stalled", "stalled")

    def fail(*args):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store, broken, fail)
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    assert slot_events(events)["situation"] == "stalled"
    assert texts(dispatcher)[0].startswith("Welcome back!")


async def test_stopping_a_redone_profiler_keeps_the_old_profile(store, make_tracker, dispatcher, domain) -> None:
    old = {"code": "AIS", "scores": {"R": 0.0, "I": 30.0, "A": 40.0, "S": 20.0, "E": 0.0, "C": 10.0}}
    tracker = make_tracker(
        slots={
            "consent": True, "take_profiler": True, "interest_profile": old, "editing_field": "interest_profile",
            "interest_responses": {"1": 1, "2": 2}, "edited_answer": "stop", "requested_slot": "edited_answer",
        },
        text="stop",
        active_loop="answer_edit_form",
        events=reply_events("stop", "edited_answer"),
    )
    events = await ValidateAnswerEditForm().run(dispatcher, tracker, domain)

    assert slot_events(events).get("interest_profile", old) == old
