"""When the tracker database is down, the turn fails closed.

Rasa wraps every tracker store in a FailSafeTrackerStore: a database error on reading makes
it start an empty conversation (the person is treated as new, a counselor's relay stops),
and on saving it falls back to a store in memory that forgets them. Waypoint's tracker
store (waypoint_rasa/tracker_store.py) raises `TrackerStoreUnavailable` instead; here the
fail-safe wrapper lets that through, and the message handler answers the person with "I
can't save right now – please try again in a minute": nothing is half-stored, nobody is
forgotten, and no message text goes into the log (Rasa's channels log it with the error).
What the turn had said before its save failed is not in the conversation either, so a
collecting channel (REST) answers with that line alone: the next question with it would be
answered, and the answer filed under the question the conversation is still at. (A channel
that pushes each message – Slack, the web chat – has sent them already.)

An action server that fails mid-call (killed while it answered, unreachable) fails the turn
the same way: Rasa would log it and carry on in silence – the person's message taken in,
nothing said, their answer lost and the next one filed under the wrong question. Instead
the bot says it did not take the message in and asks for it again.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.messages import text as t
from waypoint_rasa.delivery import DeliveryCollector

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(Exception):
    """The tracker database could not be read or written (the cause is chained, by type)."""


async def _retrieve(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve(sender_id)


async def _retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve_full_tracker(sender_id)


async def _save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    await self._tracker_store.save(tracker)


_original_handle_message = MessageProcessor.handle_message


async def _handle_message(self: MessageProcessor, message: UserMessage) -> Optional[List[Any]]:
    try:
        return await _original_handle_message(self, message)
    except TrackerStoreUnavailable as error:
        logger.error("The tracker database is unavailable (%s): the turn was refused", type(error.__cause__).__name__)
        channel = message.output_channel
        if isinstance(channel, CollectingOutputChannel):
            channel.messages.clear()
            if isinstance(channel, DeliveryCollector):
                channel.deliveries.clear()  # a counselor's reply among them stays pending: sent again
        if channel is not None:
            await channel.send_text_message(message.sender_id or "", t("cannot_save"))
            if isinstance(channel, CollectingOutputChannel):
                return channel.messages
        return None


_original_remote_run = RemoteAction.run


async def _run_remote(self: RemoteAction, output_channel: Any, nlg: Any, tracker: DialogueStateTracker,
                      domain: Any) -> List[Event]:
    try:
        return await _original_remote_run(self, output_channel, nlg, tracker, domain)
    except Exception as error:  # noqa: BLE001 – any failure of the call: said, never silent
        logger.error("The action server failed on %s (%s): the person is asked to send the message again",
                     self.name(), type(error).__name__)
        return [BotUttered(t("not_taken_in"))]


def install() -> None:
    # no fallback to a store that forgets the person: the error reaches the message handler
    FailSafeTrackerStore.retrieve = _retrieve  # type: ignore[method-assign]
    FailSafeTrackerStore.retrieve_full_tracker = _retrieve_full_tracker  # type: ignore[method-assign]
    FailSafeTrackerStore.save = _save  # type: ignore[method-assign]
    MessageProcessor.handle_message = _handle_message  # type: ignore[method-assign]
    RemoteAction.run = _run_remote  # type: ignore[method-assign]
