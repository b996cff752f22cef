"""actions/turn.py: the tracker becomes a Turn, the Reply becomes stored records,
messages and events. Exact event lists; the decisions themselves are tested on the core."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import ActionExecuted, AllSlotsReset, FollowupAction, SessionStarted, SlotSet

from actions import runtime
from actions.turn import ActionContinueCounseling, ActionSessionStart, ActionStartOver, ActionTurn, nlu_of
from bot.conversation.stages import QUESTIONS

SENDER = "employee-1"
AT_DEPARTMENT = {"consent": True, "stage": "needs", "situation": "stalled", "current_role": "Warehouse supervisor",
                 "current_occupation": "53-1047.00", "open_question": "department"}


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def parse(intent: str, confidence: float = 0.97, topic: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"intent": {"name": intent, "confidence": confidence}, "entities": []}
    if topic:
        data["response_selector"] = {"topic": {"response": {"intent_response_key": topic, "confidence": 0.91}, "ranking": []}}
    return data


def tracker_for(make_tracker, text: str, intent: str = "inform", slots: dict[str, Any] | None = None, **parse_data: Any):
    tracker = make_tracker({**AT_DEPARTMENT, **(slots or {})}, text=text, intent=intent)
    tracker.latest_message.update(parse(intent, **parse_data))
    return tracker


def test_the_nlu_result_is_read_with_the_topic_the_response_selector_chose() -> None:
    message = {"text": "raise?", **parse("topic", 0.88, "topic/raise"),
               "entities": [{"entity": "occupation", "value": "nurse"}, {"entity": "occupation", "value": "chef"}]}

    nlu = nlu_of(message)

    assert (nlu.intent, nlu.confidence, nlu.topic, nlu.topic_confidence) == ("topic", 0.88, "topic/raise", 0.91)
    assert nlu.entities == {"occupation": ("nurse", "chef")}


async def test_an_answer_is_stored_and_the_next_question_asked(store, make_tracker, dispatcher, domain) -> None:
    store.record_consent("rest", SENDER)

    events = await ActionTurn().run(dispatcher, tracker_for(make_tracker, "Outbound logistics"), domain)

    assert events == [SlotSet("department", "Outbound logistics"), SlotSet("open_question", "time_in_role")]
    assert texts(dispatcher) == ["Thanks – department: “Outbound logistics”", QUESTIONS["time_in_role"].prompt]
    assert store.answers("rest", SENDER)["department"].value == "Outbound logistics"


async def test_a_question_to_the_bot_is_answered_and_nothing_is_stored(store, make_tracker, dispatcher, domain) -> None:
    events = await ActionTurn().run(dispatcher, tracker_for(make_tracker, "does my boss see this?", "ask_privacy"), domain)

    # the question it interrupted, never the words; and that the whole privacy account was given once
    assert events == [SlotSet("topics_given", ["privacy"]), SlotSet("last_interrupted", "department")]
    assert texts(dispatcher)[0].startswith("Who sees it:")
    assert texts(dispatcher)[-1] == QUESTIONS["department"].prompt
    assert store.answers("rest", SENDER) == {}


async def test_that_was_my_answer_stores_the_message_before(store, make_tracker, dispatcher, domain) -> None:
    said = "sales ops? we plan the routes"
    tracker = tracker_for(make_tracker, "that was my answer", "inform", {"last_interrupted": "department"}, confidence=0.5)
    tracker.events = [{"event": "user", "text": said}, {"event": "bot", "text": "..."}, {"event": "user", "text": "that was my answer"}]

    events = await ActionTurn().run(dispatcher, tracker, domain)

    assert SlotSet("department", said) in events
    assert store.answers("rest", SENDER)["department"].value == said


async def test_a_topic_is_answered_from_the_catalogue(store, make_tracker, dispatcher, domain) -> None:
    await ActionTurn().run(dispatcher, tracker_for(make_tracker, "how do i ask for a raise", "topic", topic="topic/raise"), domain)

    assert texts(dispatcher)[0].startswith(runtime.topics().topics["raise"].answer)


async def test_consent_is_recorded_in_the_same_transaction_as_its_answer(store, make_tracker, dispatcher, domain) -> None:
    slots = {"consent": None, "stage": "welcome", "open_question": "consent", "situation": None, "current_role": None, "current_occupation": None}

    events = await ActionTurn().run(dispatcher, tracker_for(make_tracker, "yes", "affirm", slots), domain)

    assert events == [SlotSet("consent", True), SlotSet("stage", "needs"), SlotSet("open_question", "situation")]
    assert store.session_record("rest", SENDER)["consent_at"] is not None
    assert store.answers("rest", SENDER)["consent"].value == "yes"


async def test_without_consent_nothing_reaches_the_database(store, make_tracker, dispatcher, domain) -> None:
    await ActionTurn().run(dispatcher, tracker_for(make_tracker, "Outbound logistics", slots={"consent": False}), domain)

    assert store.answers("rest", SENDER) == {}


async def test_a_failing_store_is_told_and_the_conversation_goes_on(store, make_tracker, dispatcher, domain, tmp_path) -> None:
    broken = type(store).from_url(f"sqlite:///{tmp_path / 'no-tables.db'}")
    runtime.use_store(broken)
    try:
        events = await ActionTurn().run(dispatcher, tracker_for(make_tracker, "Outbound logistics"), domain)
    finally:
        runtime.use_store(store)
        broken.engine.dispose()

    assert texts(dispatcher)[0].startswith("I couldn't save that answer just now")
    assert texts(dispatcher)[-1] == QUESTIONS["time_in_role"].prompt
    assert SlotSet("department", "Outbound logistics") in events


async def test_a_confirmed_start_over_hands_over_to_the_start_over_action(store, make_tracker, dispatcher, domain) -> None:
    tracker = tracker_for(make_tracker, "yes", "affirm", {"pending": {"confirm": "start_over"}})

    events = await ActionTurn().run(dispatcher, tracker, domain)

    assert events == [SlotSet("pending", None), FollowupAction("action_start_over")]


async def test_start_over_deletes_then_the_welcome_follows(store, make_tracker, dispatcher, domain) -> None:
    store.record_consent("rest", SENDER)
    store.record_answer("rest", SENDER, "department", "Finance", "Finance")

    assert await ActionStartOver().run(dispatcher, make_tracker(AT_DEPARTMENT), domain) == [AllSlotsReset()]
    assert store.answers("rest", SENDER) == {}

    events = await ActionContinueCounseling().run(dispatcher, make_tracker({}), domain)
    assert texts(dispatcher)[0] == "Done – your answers are deleted. Let's begin again."
    assert texts(dispatcher)[1].startswith("Stage 1 of 7 – Welcome")
    assert events == [SlotSet("stage", "welcome"), SlotSet("open_question", "consent")]


async def test_a_new_session_brings_back_the_stored_answers(store, make_tracker, dispatcher, domain) -> None:
    store.record_consent("rest", SENDER)
    store.record_answer("rest", SENDER, "consent", "yes", True)
    store.record_answer("rest", SENDER, "situation", "I feel stuck", "I feel stuck")

    events = await ActionSessionStart().run(dispatcher, make_tracker({}), domain)

    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    assert SlotSet("situation", "I feel stuck") in events and SlotSet("consent", True) in events
    assert texts(dispatcher) == [
        "Welcome back! You stopped at Stage 2 of 7 – Needs assessment – next up: current role. "
        "Send any message to continue, or say “start over” to begin again."
    ]
