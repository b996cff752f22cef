"""No error of an action leaves the action server with the conversation in it.

rasa_sdk answers an unhandled exception with HTTP 500 and the whole request – the tracker,
every answer – in the body, and Rasa logs that body at ERROR. Every action of this package
is wrapped: an error is logged by its type only, the person is told something went wrong
(nothing is lost), and the action ends with no events.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation import messages

logger = logging.getLogger(__name__)


def guarded(action: type[Action]) -> type[Action]:
    original = action.run
    if getattr(original, "guarded", False):
        return action

    @functools.wraps(original)
    async def run(self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> List[EventType]:
        try:
            return await original(self, dispatcher, tracker, domain)
        except Exception as error:  # noqa: BLE001 - whatever it was, the tracker must not travel with it
            logger.error("Action %s failed: %s", self.name(), type(error).__name__)
            dispatcher.utter_message(text=messages.text(getattr(self, "failure_message", "action_failed")))
            return []

    run.guarded = True  # type: ignore[attr-defined]
    action.run = run  # type: ignore[method-assign]
    return action


def ours() -> list[type[Action]]:
    """Every action class of this package, however deep its base classes."""
    found, pending = [], list(Action.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("actions."):
            found.append(cls)
    return found


def guard_all() -> None:
    for action in ours():
        guarded(action)
