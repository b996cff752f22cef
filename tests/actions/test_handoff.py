"""The handoff actions: asking for a counselor in and after office hours, crisis support,
the silent relay, the counselor's replies, the hand-back, the rating and the complaint.

Calendar: 2026-11-23 is a Monday; Berlin is UTC+1 in winter. The office is open Mon–Fri
09:00–17:00 Berlin time and closed 24–26 December 2026 (Thursday to Saturday).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import SlotSet

from actions import runtime
from actions.turn import ActionTurn
from actions.handoff import (
    request_human,
    ActionCrisisSupport,
    ActionDeliverCounselorReply,
    ActionHandBack,
    ActionRelayToCounselor,
    ActionTakeComplaint,
    ActionTakeSessionRating,
    read_rating,
)
from bot.config import Settings
from bot.handoff.delivery import COUNSELOR_KEY, DELIVERY_KEY
from bot.storage import CaseUpdate, Store

BERLIN = ZoneInfo("Europe/Berlin")
SENDER = "employee-1"  # make_tracker's sender, on the "rest" channel
RESOURCES = "Waypoint crisis line: call 0800 111 222, day or night."
ABUSE_LINE = "Waypoint abuse line: call 0800 333 444."
HARASSMENT_LINE = "Talk to HR in confidence."
CONTACT = "careers@example.org"
SORRY = "I'm really sorry you're going through this. You don't have to handle it alone."

WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)  # in office hours
FRIDAY_18 = datetime(2026, 11, 27, 18, 0, tzinfo=BERLIN)
MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)

GO_ON_BUTTONS = [
    {"title": "Yes, let's go on", "payload": "/continue_session"},
    {"title": "No, I'll wait", "payload": "/goodbye"},
]
RATING_BUTTONS = [{"title": str(n), "payload": str(n)} for n in range(1, 6)] + [
    {"title": "Skip", "payload": "skip"},
    {"title": "I'd like to make a complaint", "payload": "complaint"},
]
WAITING_TEXT = (
    "I've asked a counselor to join this conversation. Until they hand you back to me "
    "I'll stay quiet – everything you write here goes straight to them."
)
ENDED_TEXT = (
    "The conversation with the counselor has ended, so you're back with me. "
    "Say “continue” to pick up where we left off, or “talk to a counselor” to ask again."
)


def office_settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        counselor_contact=CONTACT,
        office_timezone="Europe/Berlin",
        office_hours="Mon-Fri 09:00-17:00",
        office_holidays="2026-12-24..2026-12-26",
        crisis_resources=RESOURCES,
        abuse_resources=ABUSE_LINE,
        harassment_resources=HARASSMENT_LINE,
    )


@pytest.fixture
def office(store: Store):
    """The answer store with office hours and a clock frozen at Wednesday 10:00 in Berlin
    (tests move it with `at`); the previous settings and clock come back afterwards."""
    previous = runtime.settings()
    runtime.use_store(store, office_settings(str(store.engine.url)))
    at(WEDNESDAY_10)
    yield runtime.case_store()
    runtime.use_store(store, previous)
    runtime.use_now(lambda: datetime.now(timezone.utc))


def at(moment: datetime) -> None:
    runtime.use_now(lambda: moment)


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def slot_events(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def counselor(cases, username: str, *specialties: str):
    return cases.add_counselor(username, username.capitalize() + " Lee", "not-a-real-hash", specialties=specialties)


def open_own_case(cases, **changes):
    """This conversation's case as the console would find it."""
    case, _ = cases.open_case("rest", SENDER, CaseUpdate(reason="requested", **changes), now=WEDNESDAY_10)
    return case


# -- asking for a counselor ---------------------------------------------------------------------------


async def test_in_office_hours_a_case_is_opened_and_routed(office, make_tracker, dispatcher, domain) -> None:
    cases = office
    ann = counselor(cases, "ann", "management")
    cleo = counselor(cases, "cleo", "management")
    counselor(cases, "bob", "operational")  # not fitting
    cases.open_case("rest", "someone-else", CaseUpdate(reason="requested", specialty="management"))  # goes to Ann
    tracker = make_tracker(
        slots={"consent": True, "career_direction": "management", "department": "Finance", "stage": "exploration"},
        text="Can I talk to a real person?", intent="request_human",
    )

    events = await request_human(dispatcher, tracker, "requested")

    case = cases.open_case_for("rest", SENDER)
    assert events == [
        SlotSet("handoff_case", case.id), SlotSet("misunderstandings", 0),
        SlotSet("handoff", "waiting"),
    ]
    assert texts(dispatcher) == [WAITING_TEXT]
    assert dispatcher.messages[0]["buttons"] == []
    # Ann has one open case already: the least-loaded fitting counselor is Cleo.
    assert (case.counselor_id, case.status) == (cleo.id, "assigned") and case.counselor_id != ann.id
    assert (case.reason, case.urgent, case.specialty, case.stage) == ("requested", False, "management", "exploration")
    assert (case.after_hours, case.expected_at, case.crisis_kind) == (False, None, None)
    assert case.summary["consented"] is True and case.summary["key_answers"]["department"] == "Finance"
    assert case.summary["asked_for"] == "to talk to a counselor"


@pytest.mark.parametrize(
    "moment, wording, opening",
    [
        (FRIDAY_18, "on Monday 30 November at 09:00", MONDAY_9),
        (datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN), "on Monday 30 November at 09:00", MONDAY_9),  # closing time
        (datetime(2026, 11, 28, 11, 30, tzinfo=BERLIN), "on Monday 30 November at 09:00", MONDAY_9),  # Saturday
        (datetime(2026, 11, 29, 20, 0, tzinfo=BERLIN), "tomorrow at 09:00", MONDAY_9),  # Sunday
        (datetime(2026, 11, 30, 8, 59, tzinfo=BERLIN), "today at 09:00", MONDAY_9),
        # Christmas Eve is a holiday all day; 25–26 too, then the weekend: Monday 28 December.
        (datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN), "on Monday 28 December at 09:00",
         datetime(2026, 12, 28, 9, 0, tzinfo=BERLIN)),
        (datetime(2026, 12, 24, 18, 0, tzinfo=BERLIN), "on Monday 28 December at 09:00",
         datetime(2026, 12, 28, 9, 0, tzinfo=BERLIN)),
        (datetime(2026, 12, 23, 17, 30, tzinfo=BERLIN), "on Monday 28 December at 09:00",
         datetime(2026, 12, 28, 9, 0, tzinfo=BERLIN)),
        # The clock may be in any zone: 17:00 UTC on a Friday is 18:00 in Berlin.
        (datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc), "on Monday 30 November at 09:00", MONDAY_9),
    ],
)
async def test_after_hours_the_case_waits_for_the_next_opening(
    office, make_tracker, dispatcher, domain, moment, wording, opening
) -> None:
    at(moment)
    tracker = make_tracker(slots={"stage": "needs"}, text="I want to talk to someone", intent="request_human")

    events = await request_human(dispatcher, tracker, "requested")

    case = office.open_case_for("rest", SENDER)
    assert slot_events(events) == {"handoff_case": case.id, "misunderstandings": 0, "handoff": "queued"}
    (message,) = dispatcher.messages
    assert message["text"] == (
        f"Our counselors are away right now; they're back {wording} (Europe/Berlin time). I've passed your request "
        "on, and a counselor will reply here then. Meanwhile, would you like to go on with the self-service stages? "
        "Nothing is lost either way."
    )
    assert message["buttons"] == GO_ON_BUTTONS
    assert case.expected_at == opening
    assert case.after_hours is True and case.status == "new"  # no counselor registered: the general queue


async def test_a_second_request_adds_to_the_open_case(office, make_tracker, dispatcher, domain) -> None:
    at(FRIDAY_18)
    tracker = make_tracker(text="talk to a counselor", intent="request_human")
    first = slot_events(await request_human(dispatcher, tracker, "requested"))["handoff_case"]
    second = slot_events(await request_human(dispatcher, tracker, "requested"))["handoff_case"]

    assert first == second
    assert [case.id for case in office.cases()] == [first]


async def test_a_request_days_later_names_the_next_opening_from_now(office, make_tracker, dispatcher, domain) -> None:
    # Asked on Friday evening; nobody took the case on Monday; asked again on Monday evening.
    at(FRIDAY_18)
    tracker = make_tracker(text="talk to a counselor", intent="request_human")
    await request_human(dispatcher, tracker, "requested")
    at(datetime(2026, 11, 30, 18, 0, tzinfo=BERLIN))
    later = type(dispatcher)()

    events = await request_human(later, tracker, "requested")

    assert slot_events(events)["handoff"] == "queued"
    assert "they're back tomorrow at 09:00 (Europe/Berlin time)." in texts(later)[0]


@pytest.mark.parametrize("misunderstandings, reason, asked_for", [
    (0, "requested", "to talk to a counselor"),
    (1, "requested", "to talk to a counselor"),
    (2, "misunderstanding", "help after the bot misunderstood"),
    (3.0, "misunderstanding", "help after the bot misunderstood"),  # the slot is a float in the domain
])
async def test_repeated_misunderstandings_name_the_reason(
    office, make_tracker, dispatcher, domain, misunderstandings, reason, asked_for
) -> None:
    tracker = make_tracker(slots={"misunderstandings": misunderstandings}, text="a human please", intent="request_human")

    events = await ActionTurn().run(dispatcher, tracker, domain)  # the turn core names the reason

    case = office.open_case_for("rest", SENDER)
    assert (case.reason, case.summary["asked_for"]) == (reason, asked_for)
    assert SlotSet("misunderstandings", 0) in events


async def test_without_consent_the_case_summary_holds_no_answers(office, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(slots={"consent": False, "department": "Finance"}, text="a human", intent="request_human")
    await request_human(dispatcher, tracker, "requested")

    summary = office.open_case_for("rest", SENDER).summary
    assert summary["consented"] is False
    assert "key_answers" not in summary and "Finance" not in repr(summary)


# -- crisis support -----------------------------------------------------------------------------------


def crisis_tracker(make_tracker, text="I want to kill myself", **slots):
    """A crisis message typed while the department question is open."""
    return make_tracker(
        slots={"consent": True, "stage": "needs", "open_question": "department", **slots},
        text=text,
    )


async def test_crisis_in_office_hours(office, make_tracker, dispatcher, domain) -> None:
    counselor(office, "ann", "management")
    dana = counselor(office, "dana", "crisis")
    office.open_case("rest", "someone-else", CaseUpdate(reason="requested", specialty="crisis"))  # Dana is busier
    text = "I want to kill myself"

    events = await ActionCrisisSupport().run(dispatcher, crisis_tracker(make_tracker, text), domain)

    assert texts(dispatcher) == [
        SORRY,
        RESOURCES,
        "I've asked a counselor to join you here as a priority. Until they do, I'll stay quiet – "
        "anything you write goes straight to them.",
    ]
    case = office.open_case_for("rest", SENDER)
    assert events == [SlotSet("handoff_case", case.id), SlotSet("handoff", "waiting")]
    assert (case.reason, case.urgent, case.crisis_kind, case.specialty) == ("crisis", True, "self_harm", "crisis")
    assert case.counselor_id == dana.id  # only crisis-trained counselors fit, busy or not
    assert case.summary["asked_for"] == "urgent support"
    assert [(m.author, m.text) for m in office.messages(case.id)] == [("employee", text)]


async def test_crisis_in_the_counseling_goes_through_the_turn_core_and_stores_nothing(office, store, make_tracker, dispatcher, domain) -> None:
    tracker = crisis_tracker(make_tracker, department=None)

    events = await ActionTurn().run(dispatcher, tracker, domain)

    case = office.open_case_for("rest", SENDER)
    assert texts(dispatcher)[:2] == [SORRY, RESOURCES]
    assert events == [SlotSet("handoff_case", case.id), SlotSet("handoff", "waiting")]
    assert store.answers("rest", SENDER) == {}


async def test_crisis_the_classifier_heard_opens_a_case_of_its_kind(office, store, make_tracker, dispatcher, domain) -> None:
    text = "he locked the door and said i'm not going anywhere tonight"
    tracker = make_tracker(slots={"consent": True, "stage": "needs", "open_question": "department"}, text=text, intent="crisis_abuse")

    events = await ActionTurn().run(dispatcher, tracker, domain)

    case = office.open_case_for("rest", SENDER)
    assert texts(dispatcher)[:2] == [SORRY, f"{RESOURCES}\n\n{ABUSE_LINE}"]  # the line for abuse at home too
    assert events == [SlotSet("handoff_case", case.id), SlotSet("handoff", "waiting")]
    assert (case.reason, case.urgent, case.crisis_kind) == ("crisis", True, "abuse")
    assert store.answers("rest", SENDER) == {}


async def test_crisis_after_hours(office, make_tracker, dispatcher, domain) -> None:
    at(FRIDAY_18)

    events = await ActionCrisisSupport().run(dispatcher, crisis_tracker(make_tracker), domain)

    assert texts(dispatcher)[:2] == [SORRY, RESOURCES]
    assert texts(dispatcher)[2] == (
        "Our counselors are away right now; your message is with them as urgent, and they're back on Monday "
        "30 November at 09:00 (Europe/Berlin time). Please use the numbers above now if you need help. When you're "
        "ready, say “continue” and we'll pick up the career conversation where we left off."
    )
    assert slot_events(events)["handoff"] == "queued"
    # the career questions wait until "continue"; the turn core answers meanwhile with when they're back
    assert slot_events(events)["crisis_hold"] == {"kind": "self_harm", "back": "on Monday 30 November at 09:00 (Europe/Berlin time)", "notes": 0}
    case = office.open_case_for("rest", SENDER)
    assert case.urgent and case.expected_at == MONDAY_9


async def test_crisis_while_a_counselor_talks_keeps_them_and_flags_the_case(office, make_tracker, dispatcher, domain) -> None:
    ann = counselor(office, "ann", "management")
    case = open_own_case(office, specialty="management")
    office.take_case(case.id, ann.id)
    text = "My manager keeps harassing me and I'm scared"
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text=text)

    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [SORRY, f"{RESOURCES}\n\n{HARASSMENT_LINE}", "I've flagged this to your counselor as urgent."]
    assert events == [SlotSet("handoff_case", case.id)]  # the state stays "active"
    flagged = office.case(case.id)
    assert (flagged.urgent, flagged.reason, flagged.crisis_kind) == (True, "crisis", "harassment")
    assert (flagged.counselor_id, flagged.status) == (ann.id, "active")
    assert [(m.author, m.text) for m in office.messages(case.id)] == [("employee", text)]


async def test_a_second_crisis_message_adds_to_the_same_case(office, make_tracker, dispatcher, domain) -> None:
    await ActionCrisisSupport().run(dispatcher, crisis_tracker(make_tracker), domain)
    tracker = make_tracker(slots={"handoff": "waiting"}, text="my boss hits me")
    await ActionCrisisSupport().run(dispatcher, tracker, domain)

    (case,) = office.cases()
    assert [m.text for m in office.messages(case.id)] == ["I want to kill myself", "my boss hits me"]


# -- when the store fails -------------------------------------------------------------------------------


@pytest.fixture
def broken(office, tmp_path):
    """A database without the handoff's tables: every case store call fails."""
    broken_store = Store.from_url(f"sqlite:///{tmp_path / 'no-tables.db'}")
    runtime.use_store(broken_store, runtime.settings())
    yield
    broken_store.engine.dispose()


async def test_a_failing_store_still_tells_the_person_whom_to_contact(broken, make_tracker, dispatcher, domain) -> None:
    events = await request_human(dispatcher, make_tracker(text="a human", intent="request_human"), "requested")

    assert events == []
    assert texts(dispatcher) == [
        f"I couldn't reach the counselors' queue just now – sorry. Please contact {CONTACT} directly; "
        "your answers so far are kept."
    ]


async def test_a_failing_store_still_shows_crisis_resources(broken, make_tracker, dispatcher, domain) -> None:
    events = await ActionCrisisSupport().run(dispatcher, crisis_tracker(make_tracker), domain)

    assert texts(dispatcher) == [
        SORRY,
        RESOURCES,
        f"I couldn't alert a counselor automatically just now. Please contact {CONTACT} directly, or use the "
        "numbers above.",
    ]
    assert events == []


async def test_a_failing_store_does_not_end_the_relay(broken, make_tracker, dispatcher, domain) -> None:
    # A database hiccup is not the counselor leaving: the person stays with them and resends.
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": 1}, text="are you still there?")

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == []
    assert texts(dispatcher) == ["I couldn't pass that message on just now – please send it again in a moment."]


async def test_a_failing_store_is_quiet_elsewhere(broken, make_tracker, dispatcher, domain) -> None:
    reply = make_tracker(slots={"handoff": "active"}, text="EXTERNAL: counselor_reply", intent="counselor_reply")
    assert await ActionDeliverCounselorReply().run(dispatcher, reply, domain) == []
    back = make_tracker(slots={"handoff": "active"}, text="EXTERNAL: hand_back", intent="hand_back")
    assert await ActionHandBack().run(dispatcher, back, domain) == []
    assert dispatcher.messages == []

    rating = make_tracker(slots={"handoff": "rating", "handoff_case": 1}, text="4")
    events = await ActionTakeSessionRating().run(dispatcher, rating, domain)
    assert texts(dispatcher) == ["Thank you. (I couldn't save the rating just now.)", "Let's pick up where we left off."]
    assert slot_events(events) == {"handoff": None, "misunderstandings": 0}

    complaint = type(dispatcher)()
    tracker = make_tracker(slots={"handoff": "complaint", "handoff_case": 1}, text="He never answered my question.")
    events = await ActionTakeComplaint().run(complaint, tracker, domain)
    assert texts(complaint) == [
        f"I couldn't record your complaint just now – sorry. Please send it to {CONTACT} directly.",
        "Let's pick up where we left off.",
    ]
    assert events == [SlotSet("handoff", None)]


# -- the relay --------------------------------------------------------------------------------------------


async def test_the_relay_stores_the_message_and_says_nothing(office, make_tracker, dispatcher, domain) -> None:
    case = open_own_case(office)
    tracker = make_tracker(slots={"handoff": "waiting", "handoff_case": case.id}, text="  Thanks,   I'll wait <b>here</b>\x07 ")

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == [] and dispatcher.messages == []
    # Cleaned for storage; the markup is kept and escaped where the console shows it.
    assert [(m.author, m.text, m.counselor_id) for m in office.messages(case.id)] == [
        ("employee", "Thanks, I'll wait <b>here</b>", None)
    ]


async def test_the_relay_stores_nothing_for_an_empty_message(office, make_tracker, dispatcher, domain) -> None:
    case = open_own_case(office)
    events = await ActionRelayToCounselor().run(dispatcher, make_tracker(slots={"handoff": "waiting"}, text=" "), domain)

    assert events == [] and dispatcher.messages == []
    assert office.messages(case.id) == []


async def test_the_relay_after_the_case_was_closed(office, make_tracker, dispatcher, domain) -> None:
    case = open_own_case(office)
    office.close_case(case.id, "resolved")
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="hello?")

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == [SlotSet("handoff", None)]
    assert texts(dispatcher) == [ENDED_TEXT]
    assert office.messages(case.id) == []


async def test_the_relay_after_an_unheard_hand_back(office, make_tracker, dispatcher, domain) -> None:
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    office.hand_back(case.id)
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="hello?")

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == [SlotSet("handoff", None)]
    assert texts(dispatcher) == [ENDED_TEXT]


async def test_the_relay_sends_again_a_reply_whose_send_failed_on_rest(office, make_tracker, dispatcher, domain) -> None:
    # REST confirms at send time: a reply still pending when the person writes was not received.
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    lost = office.add_message(case.id, "counselor", "Shall we talk about the job market?", ann.id)
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="hello? anyone?")

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == []
    assert dispatcher.messages == [
        {"text": "Ann Lee: Shall we talk about the job market?", "buttons": [], "elements": [], "custom": {},
         "template": None, "response": None, "image": None, "attachment": None,
         COUNSELOR_KEY: {"name": "Ann Lee", "role": "Career counselor", "body": "Shall we talk about the job market?",
                         "first": True},
         DELIVERY_KEY: lost.id}
    ]
    assert [(m.author, m.text) for m in office.messages(case.id)] == [
        ("counselor", "Shall we talk about the job market?"), ("employee", "hello? anyone?"),
    ]


async def test_the_relay_leaves_web_chat_replies_to_the_next_connection(office, make_tracker, dispatcher, domain) -> None:
    # A widget that never acknowledges would otherwise get every reply again with each message.
    ann = counselor(office, "ann")
    case, _ = office.open_case("socketio", SENDER, CaseUpdate(reason="requested"), now=WEDNESDAY_10)
    office.take_case(case.id, ann.id)
    office.add_message(case.id, "counselor", "Are you there?", ann.id)
    latest = {"text": "yes", "intent": {"name": "inform", "confidence": 0.99}, "entities": []}
    tracker = make_tracker(
        slots={"handoff": "active", "handoff_case": case.id}, text="yes",
        events=[{"event": "user", "text": "yes", "input_channel": "socketio", "parse_data": latest}],
    )

    events = await ActionRelayToCounselor().run(dispatcher, tracker, domain)

    assert events == [] and dispatcher.messages == []
    assert [m.author for m in office.messages(case.id)] == ["counselor", "employee"]


# -- the counselor's replies --------------------------------------------------------------------------------


async def test_the_first_reply_introduces_the_counselor_and_replies_go_out_until_the_channel_confirms(
    office, make_tracker, dispatcher, domain
) -> None:
    ann = office.add_counselor("ann", "Ann <i>Lee</i> & Co", "not-a-real-hash")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    office.add_message(case.id, "employee", "hello?")
    first = office.add_message(case.id, "counselor", "Hello! <script>alert(1)</script>", ann.id)
    second = office.add_message(case.id, "counselor", "What would you like to talk about?", ann.id)
    # The person was going on with the self-service stages meanwhile: that form stops.
    tracker = make_tracker(
        slots={"handoff": "queued"}, text="EXTERNAL: counselor_reply",
        intent="counselor_reply",
    )

    events = await ActionDeliverCounselorReply().run(dispatcher, tracker, domain)

    who = "Ann &lt;i&gt;Lee&lt;/i&gt; & Co"
    assert texts(dispatcher) == [
        f"{who}, a career counselor, has joined the conversation. I'll stay quiet until they hand you back to me.",
        f"{who}: Hello! &lt;script&gt;alert(1)&lt;/script&gt;",
        f"{who}: What would you like to talk about?",
    ]
    assert events == [
        SlotSet("handoff", "active"), SlotSet("handoff_case", case.id),
    ]
    # Each reply carries its id for the channel, which alone marks it delivered (point 5).
    assert [m.get(DELIVERY_KEY) for m in dispatcher.messages] == [None, first.id, second.id]
    # … and its parts for a channel that shows the counselor apart: named with the role once
    assert [m.get(COUNSELOR_KEY) for m in dispatcher.messages] == [
        None,
        {"name": who, "role": "Career counselor", "body": "Hello! &lt;script&gt;alert(1)&lt;/script&gt;", "first": True},
        {"name": who, "role": "Career counselor", "body": "What would you like to talk about?", "first": False},
    ]
    assert all(m.delivered_at is None for m in office.messages(case.id) if m.author == "counselor")

    # Asked again before any confirmation (the send failed): both go out again, none is lost.
    again = type(dispatcher)()
    active = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="EXTERNAL: counselor_reply",
                          intent="counselor_reply")
    assert await ActionDeliverCounselorReply().run(again, active, domain) == []
    assert [m.get(DELIVERY_KEY) for m in again.messages] == [first.id, second.id]

    # Once the channel confirmed them, nothing is sent twice.
    assert office.mark_delivered([first.id, second.id]) == 2
    confirmed = type(dispatcher)()
    assert await ActionDeliverCounselorReply().run(confirmed, active, domain) == []
    assert confirmed.messages == []

    # A later message goes out alone, without a second introduction; right after the
    # counselor's own message it continues their run, after the bot's it names them again.
    office.add_message(case.id, "counselor", "Are you there?", ann.id)
    said = {"event": "bot", "text": f"{who}: What would you like to talk about?", "metadata": {DELIVERY_KEY: second.id}}
    bot = {"event": "bot", "text": "Your message has been passed on.", "metadata": {}}
    for before, named in ((said, False), (bot, True)):
        later = type(dispatcher)()
        after = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="EXTERNAL: counselor_reply",
                             intent="counselor_reply", events=[before])
        assert await ActionDeliverCounselorReply().run(later, after, domain) == []
        assert texts(later) == [f"{who}: Are you there?"]
        assert later.messages[0][COUNSELOR_KEY]["first"] is named


async def test_a_reply_without_an_open_case_sends_nothing(office, make_tracker, dispatcher, domain) -> None:
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    office.add_message(case.id, "counselor", "Too late", ann.id)
    office.close_case(case.id, "resolved")
    tracker = make_tracker(slots={"handoff": "active"}, text="EXTERNAL: counselor_reply", intent="counselor_reply")

    assert await ActionDeliverCounselorReply().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages == []


# -- the hand-back, the rating and the complaint --------------------------------------------------------------


async def test_no_hand_back_without_one_in_the_console(office, make_tracker, dispatcher, domain) -> None:
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="EXTERNAL: hand_back", intent="hand_back")

    assert await ActionHandBack().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages == []


async def test_no_hand_back_without_any_case(office, make_tracker, dispatcher, domain) -> None:
    tracker = make_tracker(text="EXTERNAL: hand_back", intent="hand_back")
    assert await ActionHandBack().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages == []


async def test_the_hand_back_asks_for_a_rating(office, make_tracker, dispatcher, domain) -> None:
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    office.hand_back(case.id)
    tracker = make_tracker(
        slots={"handoff": "active", "handoff_case": case.id, "misunderstandings": 1}, text="EXTERNAL: hand_back",
        intent="hand_back",
    )

    events = await ActionHandBack().run(dispatcher, tracker, domain)

    (message,) = dispatcher.messages
    assert message["text"] == (
        "Ann Lee has handed you back to me. Before we go on: how would you rate your conversation with the "
        "counselor, from 1 (poor) to 5 (excellent)?"
    )
    assert message["buttons"] == RATING_BUTTONS
    assert events == [SlotSet("handoff", "rating"), SlotSet("handoff_case", case.id), SlotSet("misunderstandings", 0)]


async def test_a_hand_back_before_anyone_talked_asks_no_rating(office, make_tracker, dispatcher, domain) -> None:
    case = open_own_case(office)
    office.hand_back(case.id)
    tracker = make_tracker(slots={"handoff": "waiting", "handoff_case": case.id}, text="EXTERNAL: hand_back", intent="hand_back")

    events = await ActionHandBack().run(dispatcher, tracker, domain)

    assert events == [SlotSet("handoff", None)]
    assert texts(dispatcher) == ["You're back with me. Say “continue” to pick up where we left off."]


@pytest.fixture
def rated_case(office):
    ann = counselor(office, "ann")
    case = open_own_case(office)
    office.take_case(case.id, ann.id)
    office.hand_back(case.id)
    return ann, case


async def test_a_rating_is_stored(office, rated_case, make_tracker, dispatcher, domain) -> None:
    _, case = rated_case
    tracker = make_tracker(slots={"handoff": "rating", "handoff_case": case.id}, text="4")

    events = await ActionTakeSessionRating().run(dispatcher, tracker, domain)

    assert office.case(case.id).rating == 4
    assert texts(dispatcher) == ["Thank you for rating the session.", "Let's pick up where we left off."]
    assert events == [SlotSet("handoff", None), SlotSet("misunderstandings", 0)]


async def test_a_skipped_rating_stores_nothing(office, rated_case, make_tracker, dispatcher, domain) -> None:
    _, case = rated_case
    tracker = make_tracker(slots={"handoff": "rating", "handoff_case": case.id}, text="skip")

    events = await ActionTakeSessionRating().run(dispatcher, tracker, domain)

    assert office.case(case.id).rating is None
    assert texts(dispatcher) == ["Let's pick up where we left off."]
    assert slot_events(events) == {"handoff": None, "misunderstandings": 0}


async def test_an_unclear_rating_is_asked_once_more_then_skipped(office, rated_case, make_tracker, dispatcher, domain) -> None:
    _, case = rated_case
    first = make_tracker(slots={"handoff": "rating", "handoff_case": case.id}, text="it was okay I guess")

    events = await ActionTakeSessionRating().run(dispatcher, first, domain)

    assert events == [SlotSet("misunderstandings", 1)]
    (message,) = dispatcher.messages
    assert message["text"] == "Please pick a number from 1 (poor) to 5 (excellent), or skip."
    assert message["buttons"] == RATING_BUTTONS

    second = make_tracker(slots={"handoff": "rating", "handoff_case": case.id, "misunderstandings": 1.0}, text="hmm")
    later = type(dispatcher)()
    events = await ActionTakeSessionRating().run(later, second, domain)

    assert texts(later) == ["No rating then – that's fine.", "Let's pick up where we left off."]
    assert events == [SlotSet("handoff", None), SlotSet("misunderstandings", 0)]
    assert office.case(case.id).rating is None


async def test_a_complaint_is_taken_and_tied_to_the_counselor(office, rated_case, make_tracker, dispatcher, domain) -> None:
    ann, case = rated_case
    asking = make_tracker(slots={"handoff": "rating", "handoff_case": case.id}, text="complaint")

    events = await ActionTakeSessionRating().run(dispatcher, asking, domain)

    assert events == [SlotSet("handoff", "complaint")]
    assert texts(dispatcher) == [
        "I'm sorry it didn't go well. Please tell me what happened, in your own words. Your complaint goes to the "
        "counseling service's administrators, not to the counselor."
    ]
    assert office.case(case.id).rating is None

    telling = make_tracker(
        slots={"handoff": "complaint", "handoff_case": case.id}, text="She  was dismissive and kept\x00 checking her phone."
    )
    told = type(dispatcher)()
    events = await ActionTakeComplaint().run(told, telling, domain)

    assert events == [SlotSet("handoff", None)]
    assert texts(told) == [
        "Thank you. Your complaint is recorded and goes to the administrators of the counseling service, who will "
        "follow it up.",
        "Let's pick up where we left off.",
    ]
    (complaint,) = office.complaints()
    assert (complaint.case_id, complaint.counselor_id) == (case.id, ann.id)
    assert complaint.text == "She was dismissive and kept checking her phone."


async def test_a_complaint_without_words_is_asked_for_again(office, rated_case, make_tracker, dispatcher, domain) -> None:
    _, case = rated_case
    tracker = make_tracker(slots={"handoff": "complaint", "handoff_case": case.id}, text="👎 !!")

    assert await ActionTakeComplaint().run(dispatcher, tracker, domain) == []
    assert texts(dispatcher) == ["Please describe what happened in a few words – or say “skip”."]
    assert office.complaints() == []


@pytest.mark.parametrize("text", ["skip", "No", "no thanks", "Rather not.", "skip it, please", "No complaints.", "never mind"])
async def test_a_complaint_can_be_skipped(office, rated_case, make_tracker, dispatcher, domain, text) -> None:
    _, case = rated_case
    tracker = make_tracker(slots={"handoff": "complaint", "handoff_case": case.id}, text=text)

    assert await ActionTakeComplaint().run(dispatcher, tracker, domain) == [SlotSet("handoff", None)]
    assert texts(dispatcher) == ["All right, no complaint. Let's pick up where we left off."]
    assert office.complaints() == []


@pytest.mark.parametrize("text", ["No help at all.", "No one listened", "Pass the blame, she did"])
async def test_a_short_complaint_that_starts_like_a_skip_is_recorded(
    office, rated_case, make_tracker, dispatcher, domain, text
) -> None:
    _, case = rated_case
    tracker = make_tracker(slots={"handoff": "complaint", "handoff_case": case.id}, text=text)

    assert await ActionTakeComplaint().run(dispatcher, tracker, domain) == [SlotSet("handoff", None)]
    assert [c.text for c in office.complaints()] == [text]


@pytest.mark.parametrize(
    "text, reading",
    [
        ("1", 1), ("5", 5), (" 3 ", 3), ("4.", 4), ("5!", 5), ("4/5", 4), ("4 / 5", 4), ("3 stars", 3),
        ("1 star", 1), ("2 out of 5", 2), ("four", 4), ("Five!", 5), ("ONE", 1),
        ("0", None), ("6", None), ("10", None), ("45", None), ("4.5", None), ("I'd give it a 4", None),
        ("maybe", None), ("", None), ("six", None),
        ("skip", "skip"), ("Skip it", "skip"), ("no", "skip"), ("No thanks", "skip"), ("no rating", "skip"),
        ("rather not", "skip"), ("pass", "skip"),
        ("complaint", "complaint"), ("I want to complain", "complaint"), ("1, and I'd like to complain", "complaint"),
        ("No complaints", "skip"), ("5, no complaints", None), ("I can't complain", None),
        ("nothing to complain about", None),
    ],
)
def test_read_rating(text, reading) -> None:
    assert read_rating(text) == reading


async def test_saying_it_was_a_false_alarm_goes_on_the_crisis_case_and_nothing_is_stored(office, store, make_tracker, dispatcher, domain) -> None:
    at(FRIDAY_18)
    await ActionCrisisSupport().run(dispatcher, crisis_tracker(make_tracker), domain)
    case = office.open_case_for("rest", SENDER)
    words = "false alarm – i'm not in danger, that was about my job"
    tracker = make_tracker(slots={"consent": True, "stage": "needs", "open_question": "department", "handoff": "queued",
                                  "handoff_case": case.id}, text=words, intent="crisis_self_harm")

    events = await ActionTurn().run(dispatcher, tracker, domain)

    assert events == [SlotSet("repeats", 1), SlotSet("last_interrupted", "department")]  # then the question again
    assert texts(dispatcher)[-2].startswith("Thank you for telling me")
    assert [(m.author, m.text) for m in office.messages(case.id)][-1] == ("employee", words)
    assert store.answers("rest", SENDER) == {}


async def test_yes_after_the_safety_check_opens_the_crisis_case_with_the_first_message(office, store, make_tracker, dispatcher, domain) -> None:
    first = "my sister keeps saying he'll hurt her if she leaves, and i'm staying with them"
    pending = {"clarify": {"text": first, "intent": "safety_check", "kind": "abuse"}}
    tracker = make_tracker(slots={"consent": True, "stage": "needs", "open_question": "department", "pending": pending},
                           text="/crisis", intent="crisis")

    events = await ActionTurn().run(dispatcher, tracker, domain)

    case = office.open_case_for("rest", SENDER)
    assert texts(dispatcher)[:2] == [SORRY, f"{RESOURCES}\n\n{ABUSE_LINE}"]
    assert events == [SlotSet("pending", None), SlotSet("handoff_case", case.id), SlotSet("handoff", "waiting")]
    assert (case.reason, case.urgent, case.crisis_kind) == ("crisis", True, "abuse")
    assert [(m.author, m.text) for m in office.messages(case.id)] == [("employee", first)]
    assert store.answers("rest", SENDER) == {}


async def test_a_queued_request_the_person_did_not_mean_is_withdrawn(office, make_tracker, dispatcher, domain) -> None:
    from actions.handoff import withdraw_request

    at(FRIDAY_18)
    asked = make_tracker(text="customer service representative", intent="request_human")
    case_id = slot_events(await request_human(dispatcher, asked, "requested"))["handoff_case"]
    tracker = make_tracker(slots={"handoff": "queued", "handoff_case": case_id}, text="I didn't ask for a counselor")
    said = type(dispatcher)()

    events = await withdraw_request(said, tracker)

    assert events == [SlotSet("handoff", None), SlotSet("handoff_case", None)]
    assert texts(said) == [
        "Sorry – I took that for a request to talk to a counselor. I've withdrawn it; no counselor will contact you about it. Let's carry on."
    ]
    case = office.case(case_id)
    assert (case.status, case.outcome) == ("closed", "withdrawn by the employee")


async def test_an_urgent_case_is_never_withdrawn(office, make_tracker, dispatcher, domain) -> None:
    from actions.handoff import withdraw_request

    case = open_own_case(office, urgent=True)
    tracker = make_tracker(slots={"handoff": "queued", "handoff_case": case.id}, text="I don't need a counselor")

    events = await withdraw_request(dispatcher, tracker)

    assert events == []
    assert office.case(case.id).status != "closed"
    assert texts(dispatcher)[0].startswith("I'll keep your earlier message with a counselor")


async def test_a_markdown_link_in_a_counselors_reply_or_name_reaches_the_widget_as_words(office, make_tracker, dispatcher, domain) -> None:
    eve = office.add_counselor("eve", "[Eve](javascript:alert(1))", "not-a-real-hash")
    case = open_own_case(office)
    office.take_case(case.id, eve.id)
    office.add_message(case.id, "counselor", "See [this](javascript:alert(document.cookie))", eve.id)
    tracker = make_tracker(slots={"handoff": "active", "handoff_case": case.id}, text="EXTERNAL: counselor_reply", intent="counselor_reply")

    await ActionDeliverCounselorReply().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == ["[Eve] (javascript:alert(1)): See [this] (javascript:alert(document.cookie))"]


def test_the_action_server_queues_slack_notices_without_holding_the_token(monkeypatch) -> None:
    # it never gets WAYPOINT_SLACK_TOKEN (bot/stack/servers.py): before the flag it queued none
    from actions.handoff import notify_by

    monkeypatch.setattr(runtime, "settings", lambda: Settings(slack_notifications=True, smtp_host="mail.example.org"))
    assert notify_by() == ["slack", "email"]
    monkeypatch.setattr(runtime, "settings", lambda: Settings())
    assert notify_by() == []
