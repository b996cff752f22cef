"""actions/guard.py: no action's error leaves the action server with the conversation in it."""

from __future__ import annotations

import logging

import pytest
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401  (registers and guards the actions)
from actions import turn as turn_actions
from actions.guard import ours

SECRET = "my manager bullies me and I earn 41,000"


def test_every_action_of_the_package_is_guarded() -> None:
    found = ours()

    assert {a().name() for a in found} >= {"action_turn", "action_crisis_support", "action_deliver_counselor_reply", "action_session_start"}
    assert all(getattr(a.run, "guarded", False) for a in found)


async def test_an_error_in_an_action_is_told_by_its_type_only_and_the_person_gets_an_apology(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fails(_turn: object) -> None:
        raise ValueError(SECRET)  # an error whose text carries what the person wrote

    async def turn_of(_tracker: object) -> object:
        return object()

    monkeypatch.setattr(turn_actions, "respond", fails)
    monkeypatch.setattr(turn_actions, "turn_of", turn_of)
    executor = ActionExecutor()
    executor.register_package("actions")
    call = {
        "next_action": "action_turn",
        "sender_id": "employee-1",
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": "employee-1", "slots": {"values": SECRET}, "latest_message": {"text": SECRET, "intent": {"name": "inform"}},
            "events": [], "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None,
        },
    }

    with caplog.at_level(logging.DEBUG):
        result = await executor.run(call)  # rasa_sdk answers an escaping error with the whole tracker: none escapes

    assert result is not None and result["events"] == []
    assert [r.get("text") for r in result["responses"]] == [
        "Something went wrong on my side – sorry. Nothing you wrote is lost: please try again in a moment, or say “talk to a counselor”."
    ]
    assert "Action action_turn failed: ValueError" in caplog.text
    assert SECRET not in caplog.text
