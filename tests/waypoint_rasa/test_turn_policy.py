"""TurnPolicy inside Rasa: every message goes to the turn core, then the bot listens."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from waypoint_rasa.turn_policy import TurnPolicy, next_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def policy(tmp_path) -> TurnPolicy:
    return TurnPolicy.create(TurnPolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("turn"), ExecutionContext(GraphSchema({}), "1"))


def said(text: str, intent: str) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return UserUttered(text, intent=parse["intent"], parse_data=parse, input_channel="rest")


def predicted(policy: TurnPolicy, domain: Domain, *events) -> str | None:
    tracker = DialogueStateTracker.from_events("employee-1", [ActionExecuted("action_session_start"), ActionExecuted("action_listen"), *events], slots=domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0.0:
        return None
    assert prediction.policy_priority == 6
    return domain.action_names_or_texts[prediction.max_confidence_index]


@pytest.mark.parametrize("intent", ["inform", "greet", "request_human", "topic", "out_of_scope", "goodbye"])
def test_every_message_goes_to_the_turn_core_then_the_bot_listens(policy, domain, intent) -> None:
    assert predicted(policy, domain, said("hello there", intent)) == "action_turn"
    assert predicted(policy, domain, said("hello there", intent), ActionExecuted("action_turn")) == "action_listen"


def test_after_starting_over_the_conversation_resumes_then_listens(policy, domain) -> None:
    events = [said("yes", "affirm"), ActionExecuted("action_turn"), ActionExecuted("action_start_over")]
    assert predicted(policy, domain, *events) == "action_continue_counseling"
    assert predicted(policy, domain, *events, ActionExecuted("action_continue_counseling")) == "action_listen"


def test_nothing_to_do_before_the_first_message() -> None:
    assert next_action("action_listen", has_message=False) is None
    assert next_action(None, has_message=False) is None


def test_an_empty_message_is_answered_too(policy, domain) -> None:
    empty = UserUttered("", intent={"name": None, "confidence": 0.0}, parse_data={"text": "", "intent": {}, "entities": []})
    assert predicted(policy, domain, empty) == "action_turn"
