"""Resume, continue, interruptions, edits and start-over actions."""

from __future__ import annotations

from rasa_sdk.events import ActionExecuted, ActiveLoop, AllSlotsReset, SessionStarted, SlotSet

from actions.flow import (
    ActionChangeAnswer,
    ActionConfirmStartOver,
    ActionContinueCounseling,
    ActionExplainQuestion,
    ActionExplainTerm,
    ActionSessionStart,
    ActionShowSummary,
    ActionStartOver,
)
from bot.conversation import messages
from bot.conversation.stages import QUESTIONS

# "Senior accountant" resolves clearly to O*NET's Accountants and Auditors, so the needs
# stage fills the current occupation on the way.
NEEDS_DONE = {
    "consent": True, "situation": "stalled", "current_role": "Senior accountant", "current_occupation": "13-2011.00",
    "department": "Finance", "time_in_role": "3 years", "education": "master", "expectations": "A clear plan",
}


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_new_conversation_starts_with_the_welcome(store, make_tracker, dispatcher, domain) -> None:
    events = await ActionContinueCounseling().run(dispatcher, make_tracker(text="hi", intent="greet"), domain)

    assert SlotSet("stage", "welcome") in events
    assert texts(dispatcher)[0].startswith("Stage 1 of 7 – Welcome\nI'm Waypoint")


async def test_finished_stage_moves_on_with_a_progress_header(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots={**NEEDS_DONE, "stage": "needs"})
    events = await ActionContinueCounseling().run(dispatcher, tracker, domain)

    assert SlotSet("stage", "assessment") in events
    assert texts(dispatcher)[0].startswith("Stage 3 of 7 – Assessment")


async def test_a_role_without_a_clear_occupation_keeps_the_needs_stage_open(store, make_tracker, dispatcher, domain) -> None:
    slots = {**NEEDS_DONE, "current_role": "Analyst", "current_occupation": None, "stage": "needs"}
    events = await ActionContinueCounseling().run(dispatcher, make_tracker(slots=slots), domain)

    assert SlotSet("stage", "needs") in events
    assert SlotSet("stage", "assessment") not in events


async def test_after_a_question_mid_form_the_form_just_resumes(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots={**NEEDS_DONE, "stage": "assessment"}, intent="ask_why", active_loop="assessment_form")
    events = await ActionContinueCounseling().run(dispatcher, tracker, domain)

    assert SlotSet("stage", "assessment") in events
    assert dispatcher.messages == []
    assert ActiveLoop(None) not in events


async def test_completion_shows_the_summary_once(store, make_tracker, dispatcher, domain) -> None:
    slots = {key: "an answer" for key in QUESTIONS if not key.startswith("person_")}
    slots.update(consent=True, key_people=[], stage="review", action_steps=[], development_means=["training"])
    store.record_answer("rest", "employee-1", "current_role", "an answer", "an answer")
    events = await ActionContinueCounseling().run(dispatcher, make_tracker(slots=slots), domain)

    assert SlotSet("stage", "complete") in events
    assert messages.PLAN_COMPLETE in texts(dispatcher)
    assert any(t.startswith("Here's what I have stored, stage by stage:") for t in texts(dispatcher))
    assert store.session_record("rest", "employee-1")["status"] == "completed"


async def test_returning_person_is_told_where_they_stopped(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots={**NEEDS_DONE, "stage": "assessment", "interests": "data", "requested_slot": "strengths"})
    events = await ActionSessionStart().run(dispatcher, tracker, domain)

    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    carried = slot_events(events)
    assert carried["interests"] == "data" and "requested_slot" not in carried
    assert texts(dispatcher) == [
        "Welcome back! You stopped at Stage 3 of 7 – Assessment – next up: strengths. "
        "Send any message to continue, or say “start over” to begin again."
    ]


async def test_lost_conversation_is_restored_from_the_store(store, make_tracker, dispatcher, domain) -> None:
    for key, value in NEEDS_DONE.items():
        store.record_answer("rest", "employee-1", key, str(value), value)
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    assert slot_events(events) == NEEDS_DONE
    assert "Stage 3 of 7 – Assessment" in texts(dispatcher)[0]


async def test_brand_new_person_gets_no_welcome_back(store, make_tracker, dispatcher, domain) -> None:
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    assert events == [SessionStarted(), ActionExecuted("action_listen")]
    assert dispatcher.messages == []


async def test_change_answer_names_the_question(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots=NEEDS_DONE, text="change my answer about my team", intent="change_answer")
    events = await ActionChangeAnswer().run(dispatcher, tracker, domain)

    assert SlotSet("editing_field", "department") in events


async def test_go_back_revises_the_previous_question(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(
        slots={**NEEDS_DONE, "interests": "data", "requested_slot": "strengths"}, text="go back", intent="change_answer"
    )
    events = await ActionChangeAnswer().run(dispatcher, tracker, domain)

    assert SlotSet("editing_field", "interests") in events


async def test_unknown_field_offers_the_recent_answers(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots=NEEDS_DONE, text="I want to change something", intent="change_answer")
    events = await ActionChangeAnswer().run(dispatcher, tracker, domain)

    assert SlotSet("editing_field", None) in events
    assert ActiveLoop(None) in events  # the form waits until a button is picked
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert '/change_answer{"field": "department"}' in payloads


async def test_unanswered_question_cannot_be_changed_yet(store, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots=NEEDS_DONE, text="change my long-term goal", intent="change_answer")
    await ActionChangeAnswer().run(dispatcher, tracker, domain)

    assert texts(dispatcher)[0] == "You haven't answered the question about your long-term goal yet – we'll get to it."


async def test_start_over_asks_first_then_deletes_everything(store, make_tracker, dispatcher, domain) -> None:
    store.record_answer("rest", "employee-1", "department", "Finance", "Finance")
    confirm = await ActionConfirmStartOver().run(dispatcher, make_tracker(slots=NEEDS_DONE), domain)
    assert ActiveLoop(None) in confirm
    assert store.answers("rest", "employee-1")  # nothing deleted before the yes

    events = await ActionStartOver().run(dispatcher, make_tracker(slots=NEEDS_DONE), domain)

    assert AllSlotsReset() in events
    assert store.answers("rest", "employee-1") == {}
    assert messages.STARTED_OVER in texts(dispatcher)


async def test_why_do_you_ask_explains_the_current_question(store, make_tracker, dispatcher, domain) -> None:
    await ActionExplainQuestion().run(dispatcher, make_tracker(slots={"requested_slot": "values"}), domain)
    assert texts(dispatcher) == [QUESTIONS["values"].why]


async def test_terms_are_explained_from_entity_or_text(store, make_tracker, dispatcher, domain) -> None:
    await ActionExplainTerm().run(dispatcher, make_tracker(text="what's a dual career ladder?", intent="ask_term"), domain)
    assert texts(dispatcher)[0].startswith("Dual ladder: A specialist track")


async def test_summary_escapes_what_people_typed(store, make_tracker, dispatcher, domain) -> None:
    await ActionShowSummary().run(dispatcher, make_tracker(slots={**NEEDS_DONE, "department": "<b>R&D</b>"}), domain)
    assert "• Department: &lt;b&gt;R&D&lt;/b&gt;" in texts(dispatcher)[0]


async def test_start_over_resets_nothing_when_the_answers_cannot_be_deleted(store, make_tracker, dispatcher, domain, monkeypatch) -> None:
    def broken(*args):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store, "clear_progress", broken)
    events = await ActionStartOver().run(dispatcher, make_tracker(slots=NEEDS_DONE), domain)

    assert events == []
    assert texts(dispatcher) == [messages.NOT_DELETED]


async def test_resume_still_works_when_the_store_is_down(store, make_tracker, dispatcher, domain, monkeypatch) -> None:
    def broken(*args):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store, "answers", broken)
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)

    assert events == [SessionStarted(), ActionExecuted("action_listen")]
