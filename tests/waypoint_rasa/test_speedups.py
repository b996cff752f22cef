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
