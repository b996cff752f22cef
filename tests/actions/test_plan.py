"""The plan document in the conversation: links on request and at the end."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from rasa_sdk.events import SlotSet

from actions import runtime
from actions.plan import send_plan
from actions.turn import ActionTurn
from bot.storage import PlanStore


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def links_in(text: str) -> dict[str, str]:
    return dict(re.findall(r"• ([^:\n]+): (\S+)", text))


def store_answers(store, sender: str = "employee-1") -> None:
    store.record_consent("rest", sender)
    store.record_answer("rest", sender, "situation", "I feel stuck", "I feel stuck", None, False)
    store.record_answer("rest", sender, "current_role", "Accountant", "Accountant", None, False)


async def test_show_my_plan_sends_a_new_version_with_links_in_every_format(store, make_tracker, dispatcher, domain):
    store_answers(store)
    tracker = make_tracker({"consent": True}, text="send me my plan", intent="show_plan")

    await send_plan(dispatcher, tracker)

    message = texts(dispatcher)[0]
    assert message.startswith("Here is your career plan – version 1.")
    links = links_in(message)
    assert set(links) == {
        "Web page (print or save it from your browser)", "PDF", "Word (DOCX)", "Markdown",
        "Calendar file with your goal deadlines and review dates (.ics)",
    }
    token = links["PDF"].split("/plan/")[1].split("/")[0]
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert "work for 30 days" in message


async def test_asking_again_says_what_changed_since_the_last_version(store, make_tracker, dispatcher, domain):
    store_answers(store)
    tracker = make_tracker({"consent": True}, text="send me my plan", intent="show_plan")
    await send_plan(dispatcher, tracker)
    store.record_answer("rest", "employee-1", "department", "Finance", "Finance", None, False)
    dispatcher.messages.clear()

    await send_plan(dispatcher, tracker)

    message = texts(dispatcher)[0]
    assert message.startswith("Here is your career plan – version 2.")
    assert "Part 1 Basic information" in message
    assert PlanStore(store.engine).versions(store.employee_id("rest", "employee-1"))[-1][0] == 2


async def test_without_consent_there_is_no_document_but_the_summary(store, make_tracker, dispatcher, domain):
    tracker = make_tracker({"consent": False, "situation": "stalled"}, text="send me my plan", intent="show_plan")

    await send_plan(dispatcher, tracker)

    said = texts(dispatcher)
    assert "no plan document to send" in said[0]
    assert said[1].startswith("Here's what I have noted (not stored")
    assert "/plan/" not in " ".join(said)


async def test_nothing_stored_yet_says_so(store, make_tracker, dispatcher, domain):
    store.record_consent("rest", "employee-1")
    await send_plan(dispatcher, make_tracker({"consent": True}, intent="show_plan"))
    assert texts(dispatcher) == [
        "There's nothing in your plan yet – once you've answered a few questions, ask again and I'll send you the document."
    ]


async def test_a_failing_database_is_told_and_nothing_breaks(store, make_tracker, dispatcher, domain):
    store_answers(store)
    store.engine.dispose()
    broken = type(store).from_url("sqlite:////nonexistent/dir/answers.db")
    runtime.use_store(broken)
    try:
        await send_plan(dispatcher, make_tracker({"consent": True}, intent="show_plan"))
    finally:
        runtime.use_store(store)
    assert texts(dispatcher) == [
        "I couldn't make your plan document just now – your answers are safe. Please ask again in a moment."
    ]


async def test_the_end_of_the_conversation_sends_the_plan(store, make_tracker, dispatcher, domain, monkeypatch):
    store_answers(store)
    monkeypatch.setattr("bot.conversation.turn.next_stage", lambda slots: "complete")
    runtime.use_now(lambda: datetime(2026, 11, 22, 12, tzinfo=timezone.utc))
    try:
        tracker = make_tracker({"consent": True, "stage": "review", "open_question": "rating_comment"}, text="no, all good")
        events = await ActionTurn().run(dispatcher, tracker, domain)
    finally:
        runtime.use_now(lambda: datetime.now(timezone.utc))
    said = texts(dispatcher)
    assert any(t.startswith("Here is your career plan – version 1.") for t in said), said
    assert said[:2] == ["That's all seven stages – well done. Your answers are the basis of your ten-part career plan.", said[1]]
    assert said[1].startswith("Here's what I have stored, stage by stage:")
    assert events == [
        SlotSet("rating_comment", "(skipped)"), SlotSet("stage", "complete"), SlotSet("open_question", None),
    ]
    assert store.session_record("rest", "employee-1")["status"] == "completed"
