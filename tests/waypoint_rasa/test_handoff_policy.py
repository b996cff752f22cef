"""HandoffPolicy inside Rasa: created and loaded as Rasa's graph does it, predicting on
trackers built from events with the project's domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from waypoint_rasa.handoff_policy import HandoffPolicy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "1")


@pytest.fixture
def policy(storage, monkeypatch) -> HandoffPolicy:
    monkeypatch.delenv("WAYPOINT_CRISIS_PHRASES", raising=False)
    return HandoffPolicy.create(HandoffPolicy.get_default_config(), storage, Resource("handoff"), context())


def said(text: str, intent: str = "inform") -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.98}, "entities": []}
    return UserUttered(text, intent=parse["intent"], parse_data=parse, input_channel="rest")


def tracker(domain: Domain, state: str | None, *events: Any) -> DialogueStateTracker:
    """A conversation in handoff state `state`, then `events`."""
    start: list[Any] = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    if state is not None:
        start.append(SlotSet("handoff", state))
    if not events or not isinstance(events[0], ActionExecuted):
        start.append(ActionExecuted("action_listen"))
    return DialogueStateTracker.from_events("employee-1", start + list(events), slots=domain.slots)


def predicted(policy: HandoffPolicy, domain: Domain, tracker: DialogueStateTracker) -> str | None:
    prediction = policy.predict_action_probabilities(tracker, domain)
    assert len(prediction.probabilities) == domain.num_actions
    if max(prediction.probabilities) == 0.0:
        assert prediction.is_no_user_prediction is False
        return None
    assert sorted(prediction.probabilities)[-2:] == [0.0, 1.0]  # exactly one action, with certainty
    assert prediction.is_no_user_prediction is True
    assert prediction.policy_priority == 7
    return domain.action_names_or_texts[prediction.max_confidence_index]


@pytest.mark.parametrize("state", ["waiting", "active"])
def test_silent_relay_while_a_counselor_has_the_conversation(policy, domain, state) -> None:
    assert predicted(policy, domain, tracker(domain, state, said("I'd like to change teams"))) == "action_relay_to_counselor"
    relayed = tracker(domain, state, said("I'd like to change teams"), ActionExecuted("action_relay_to_counselor"))
    assert predicted(policy, domain, relayed) == "action_listen"


@pytest.mark.parametrize("state", [None, "queued"])
def test_abstains_when_the_bot_counsels(policy, domain, state) -> None:
    prediction = policy.predict_action_probabilities(tracker(domain, state, said("I'd like to change teams")), domain)
    assert prediction.probabilities == [0.0] * domain.num_actions
    assert prediction.is_no_user_prediction is False


def test_abstains_at_the_start_of_a_conversation(policy, domain) -> None:
    empty = DialogueStateTracker.from_events("employee-1", [], slots=domain.slots)
    assert predicted(policy, domain, empty) is None


@pytest.mark.parametrize("state", ["waiting", "active", "rating", "complaint"])
def test_crisis_language_is_answered_while_the_handoff_holds_the_conversation(policy, domain, state) -> None:
    assert predicted(policy, domain, tracker(domain, state, said("I want to kill myself"))) == "action_crisis_support"


def test_crisis_during_a_handoff_beats_the_turn_policy(policy, domain) -> None:
    waiting = tracker(domain, "waiting", said("I want to kill myself"))
    ours = policy.predict_action_probabilities(waiting, domain)
    turn_path = [0.0] * domain.num_actions
    turn_path[domain.index_for_action("action_turn")] = 1.0
    turn = PolicyPrediction(turn_path, "TurnPolicy", policy_priority=6)

    for order in ([turn, ours], [ours, turn]):
        best = DefaultPolicyPredictionEnsemble._pick_best_policy(order)
        assert best.policy_name == "HandoffPolicy"
        assert domain.action_names_or_texts[best.max_confidence_index] == "action_crisis_support"


@pytest.mark.parametrize("text", ["Finance", "I want to kill myself"])
def test_while_the_bot_counsels_every_message_is_left_to_the_turn_core(policy, domain, text) -> None:
    assert predicted(policy, domain, tracker(domain, None, said(text))) is None


@pytest.mark.parametrize("state", [None, "queued", "waiting", "active"])
def test_the_consoles_intents_through_trigger_intent(policy, domain, state) -> None:
    # How Rasa's trigger_intent logs them: the text is "EXTERNAL: <intent>".
    reply = UserUttered.create_external("counselor_reply", [{"entity": "message_id", "value": "7"}], "rest")
    assert reply.text == "EXTERNAL: counselor_reply"
    assert predicted(policy, domain, tracker(domain, state, reply)) == "action_deliver_counselor_reply"
    back = UserUttered.create_external("hand_back", [], "rest")
    assert predicted(policy, domain, tracker(domain, state, back)) == "action_hand_back"


@pytest.mark.parametrize("state, expected", [(None, None), ("queued", None), ("active", "action_relay_to_counselor")])
def test_typed_console_intents_are_ignored(policy, domain, state, expected) -> None:
    assert predicted(policy, domain, tracker(domain, state, said("/hand_back", "hand_back"))) == expected
    assert predicted(policy, domain, tracker(domain, state, said("/counselor_reply", "counselor_reply"))) == expected


def test_rating_and_complaint(policy, domain) -> None:
    assert predicted(policy, domain, tracker(domain, "rating", said("4"))) == "action_take_session_rating"
    assert predicted(policy, domain, tracker(domain, "complaint", said("He was late"))) == "action_take_complaint"
    # The rating taken (state cleared by the action): back to the counseling.
    done = tracker(domain, "rating", said("4"), ActionExecuted("action_take_session_rating"), SlotSet("handoff", None))
    assert predicted(policy, domain, done) == "action_continue_counseling"
    unclear = tracker(domain, "rating", said("hmm"), ActionExecuted("action_take_session_rating"))
    assert predicted(policy, domain, unclear) == "action_listen"


def test_configured_crisis_phrases_are_read_when_the_policy_is_built(storage, domain, monkeypatch) -> None:
    message = tracker(domain, "waiting", said("there is a purple elephant in my office"))
    monkeypatch.delenv("WAYPOINT_CRISIS_PHRASES", raising=False)
    plain = HandoffPolicy.create(HandoffPolicy.get_default_config(), storage, Resource("handoff"), context())
    assert predicted(plain, domain, message) == "action_relay_to_counselor"

    monkeypatch.setenv("WAYPOINT_CRISIS_PHRASES", "harassment: purple elephant")
    configured = HandoffPolicy.create(HandoffPolicy.get_default_config(), storage, Resource("handoff"), context())
    assert predicted(configured, domain, message) == "action_crisis_support"


def test_train_then_load(policy, storage, domain, monkeypatch) -> None:
    monkeypatch.delenv("WAYPOINT_CRISIS_PHRASES", raising=False)
    resource = policy.train([], domain)

    assert resource == Resource("handoff")
    with storage.read_from(resource) as path:  # persisted: raises ValueError when it was not
        assert Path(path).is_dir()
    loaded = HandoffPolicy.load(HandoffPolicy.get_default_config(), storage, resource, context())
    assert isinstance(loaded, HandoffPolicy)
    assert loaded.priority == 7
    assert predicted(loaded, domain, tracker(domain, "active", said("hello?"))) == "action_relay_to_counselor"


def test_every_action_it_predicts_is_in_the_domain(domain) -> None:
    from bot import handoff

    for action in handoff.HANDOFF_ACTIONS + (handoff.ACTION_LISTEN, handoff.ACTION_CONTINUE):
        assert action in domain.action_names_or_texts, action
    for intent in handoff.EXTERNAL_INTENTS:
        assert intent in domain.intents, intent
