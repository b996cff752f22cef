"""The cached response validation accepts and rejects exactly what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

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
