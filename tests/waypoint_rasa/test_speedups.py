"""The cached response validation accepts and rejects exactly what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa.utils.endpoints import EndpointConfig

from actions.handoff import _last_said_by_a_counselor
from actions.turn import previous_user_text
from waypoint_rasa import speedups


@pytest.fixture
def action() -> RemoteAction:
    speedups.install()
    return RemoteAction("action_continue_counseling", EndpointConfig("http://127.0.0.1:1/webhook"))


GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "stage", "value": "needs"}], "responses": [{"text": "hi"}]},
]
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": "stage", "value": "needs"}], "responses": ["not an object"]},
    {"events": [{"no_event_key": 1}], "responses": []},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass(action: RemoteAction, result) -> None:
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_are_rejected_as_before(action: RemoteAction, result) -> None:
    import jsonschema

    with pytest.raises(ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())  # Rasa's own way
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_installed_by_the_tracker_store_module() -> None:
    import waypoint_rasa.tracker_store  # noqa: F401 - what the Rasa server imports

    assert RemoteAction._validate_action_result is speedups.validate_action_result


# ---- what the action server is sent -------------------------------------------------------


def _conversation(turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker("someone", slots=[])
    tracker.update(ActionExecuted("action_listen"))
    for i in range(turns):
        tracker.update(UserUttered(f"message {i}", {"name": "answer", "confidence": 1.0}, input_channel="rest"))
        tracker.update(ActionExecuted("action_turn"))
        tracker.update(BotUttered(f"reply {i}", metadata={"n": i}))
        tracker.update(SlotSet("stage", f"s{i}"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def test_the_call_carries_the_messages_the_actions_read_and_not_the_whole_conversation() -> None:
    speedups.install()
    action = RemoteAction("action_turn", EndpointConfig("http://127.0.0.1:1/webhook"))
    tracker = _conversation(60)
    tracker.update(UserUttered("the latest", input_channel="rest"))
    call = action._action_call_format(tracker, Domain.empty())
    events = call["tracker"]["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["message 59", "the latest"]  # the message before the latest, and the latest
    assert [e["text"] for e in events if e["event"] == "bot"] == ["reply 59"]
    assert len(events) == 6 < len(tracker.events)
    assert "domain" not in call
    # the rest of the state is Rasa's own
    full = tracker.current_state()
    assert {k: v for k, v in call["tracker"].items() if k != "events"} == {k: v for k, v in full.items() if k != "events"}
    assert call["next_action"] == "action_turn" and call["sender_id"] == "someone"


def test_the_bots_last_message_is_sent_however_far_back_it_is() -> None:
    tracker = _conversation(3)
    for text in ("one", "two", "three"):  # a counselor holds the conversation: the bot is silent
        tracker.update(UserUttered(text))
        tracker.update(ActionExecuted("action_listen"))
    events = speedups.recent_events(list(tracker.events))
    assert [e.as_dict().get("text") for e in events if e.type_name == "bot"] == ["reply 2"]
    assert [e.text for e in events if e.type_name == "user"] == ["one", "two", "three"]


def test_a_short_conversation_is_sent_whole() -> None:
    tracker = _conversation(0)
    tracker.update(UserUttered("hello"))
    assert speedups.recent_events(list(tracker.events)) == list(tracker.events)


def test_an_action_that_asks_for_the_domain_gets_it() -> None:
    speedups.install()
    domain = Domain.from_dict({"actions": [{"action_needs_domain": {"send_domain": True}}]})
    action = RemoteAction("action_needs_domain", EndpointConfig("http://127.0.0.1:1/webhook"))
    assert action._action_call_format(_conversation(1), domain)["domain"] == domain.as_dict()


def test_the_actions_read_the_same_from_the_shorter_call() -> None:
    """What actions/turn.py and actions/handoff.py read of the events is unchanged."""
    speedups.install()
    tracker = _conversation(30)
    tracker.update(UserUttered("now", input_channel="slack"))
    action = RemoteAction("action_turn", EndpointConfig("http://127.0.0.1:1/webhook"))
    short = Tracker.from_dict(action._action_call_format(tracker, Domain.empty())["tracker"])
    whole = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    assert previous_user_text(short) == previous_user_text(whole) == "message 29"
    assert _last_said_by_a_counselor(short) == _last_said_by_a_counselor(whole)
    assert short.get_latest_input_channel() == whole.get_latest_input_channel() == "slack"
    assert short.latest_message == whole.latest_message and short.slots == whole.slots


# ---- how the action server is called ------------------------------------------------------


@pytest.fixture
async def action_server():
    """A stand-in action server that records each call's connection and headers."""
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    calls: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        calls.append({"peer": request.transport.get_extra_info("peername"), "headers": dict(request.headers),
                      "body": await request.json()})
        if request.query.get("fail"):
            return web.Response(status=500, text="it broke")
        return web.json_response({"events": [], "responses": [{"text": "hi"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server, calls
    await server.close()


async def test_action_calls_share_one_kept_connection(action_server) -> None:
    server, calls = action_server
    speedups.install()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook", headers={"Authorization": "Bearer t"})
    answers = [await endpoint.request(json={"n": n}, method="post") for n in range(3)]
    await endpoint.copy().request(json={"n": 3}, method="post")  # Rasa copies endpoints: same session
    assert answers == [{"events": [], "responses": [{"text": "hi"}]}] * 3
    assert [c["body"] for c in calls] == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}]
    assert len({c["peer"] for c in calls}) == 1  # one connection, not four
    assert all(c["headers"]["Authorization"] == "Bearer t" for c in calls)
    assert all(c["headers"]["Content-Type"] == "application/json" for c in calls)


async def test_an_idle_connection_is_closed_before_the_servers_would(action_server, monkeypatch) -> None:
    server, calls = action_server
    monkeypatch.setattr(speedups, "KEEP_ALIVE_SECONDS", 0.2)
    speedups.install()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook?fresh=1")
    await endpoint.request(json={}, method="post")
    import asyncio

    await asyncio.sleep(1.5)  # aiohttp closes idle connections on a one-second tick past their time
    await endpoint.request(json={}, method="post")
    assert len({c["peer"] for c in calls}) == 2
    assert speedups.KEEP_ALIVE_SECONDS < 5  # Sanic's keep-alive (the action server's)


async def test_an_error_answer_is_raised_as_rasa_raises_it(action_server) -> None:
    from rasa.utils.endpoints import ClientResponseError

    server, _ = action_server
    speedups.install()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook", params={"fail": "1"})
    with pytest.raises(ClientResponseError) as raised:
        await endpoint.request(json={}, method="post")
    assert raised.value.status == 500 and raised.value.text == b"it broke"


# ---- an event's class from its name -------------------------------------------------------


def _rasas_walk(type_name: str):
    """Rasa's own Event.resolve_by_type, whatever is installed."""
    from rasa.shared.utils.common import all_subclasses

    from rasa.shared.core.events import Event

    return next((cls for cls in all_subclasses(Event) if cls.type_name == type_name), None)


def test_every_event_name_resolves_to_the_class_rasas_walk_finds() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    speedups.install()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is _rasas_walk(name)
    assert Event.from_parameters({"event": "slot", "name": "stage", "value": "needs"}) == SlotSet("stage", "needs")


def test_unknown_names_are_answered_as_rasa_answers_them() -> None:
    from rasa.shared.core.events import Event

    speedups.install()
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no such event'"):
        Event.resolve_by_type("no such event")
    with pytest.raises(ValueError):
        Event.from_parameters({"event": "no such event"})
    assert Event.from_parameters({"event": "topic"}) is None


def test_an_event_class_defined_later_is_found() -> None:
    from rasa.shared.core.events import Event

    speedups.install()
    assert Event.resolve_by_type("user") is UserUttered  # the walk's answer is kept from here on

    class LaterEvent(Event):
        type_name = "waypoint_test_later_event"

        def as_story_string(self) -> str:
            return ""

        def __eq__(self, other: object) -> bool:
            return isinstance(other, LaterEvent)

        def __hash__(self) -> int:
            return 0

    assert Event.resolve_by_type("waypoint_test_later_event") is LaterEvent
    assert Event.resolve_by_type("user") is UserUttered


def test_the_walk_over_the_subclasses_runs_once(monkeypatch) -> None:
    from rasa.shared.core.events import Event

    speedups.install()
    walks = []
    real_walk = speedups.all_subclasses
    monkeypatch.setattr(speedups, "all_subclasses", lambda cls: walks.append(cls) or real_walk(cls))
    speedups._event_classes.clear()
    for _ in range(100):
        Event.from_parameters({"event": "slot", "name": "stage", "value": "needs"})
    assert walks == [Event]
