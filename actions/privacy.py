"""The person's data rights in the conversation (bot/privacy): a private link to a copy
of everything held about them, and erasure – asked for by the person (the turn core has
them confirm it first), or by the console and the retention purge through Rasa's API.

An erasure action deletes the stored records; the tracker store then deletes the
transcript, in the database and in memory, because it sees the action succeed: an
`AllSlotsReset` after it (waypoint_rasa/tracker_store.py). If the records could not be
deleted, no reset is returned and nothing is touched.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from bot.conversation.messages import text as t
from bot.conversation.turn import TRANSIENT_SLOTS
from bot.handoff import is_external
from bot.privacy import ERASE_ACTION, ERASE_REQUEST_INTENT, WITHDRAW_ACTION

logger = logging.getLogger(__name__)

# What a withdrawal does not carry on with: the consent itself, and a handoff whose case is erased.
_NOT_CARRIED_ON = {"consent", "handoff", "handoff_case", "crisis_hold", "session_started_metadata"}


async def send_export_link(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    channel, sender = runtime.who(tracker)
    settings = runtime.settings()
    try:
        links = await runtime.in_thread(runtime.export_service().new_link, channel, sender, runtime.now())
    except Exception as error:  # noqa: BLE001 - told, never fatal
        logger.error("Could not make a data export link: %s", type(error).__name__)
        dispatcher.utter_message(text=t("export_failed", contact=settings.counselor_contact))
        return
    if links is None:
        declined = tracker.get_slot("consent") is False
        dispatcher.utter_message(text=t("export_nothing_declined" if declined else "export_nothing"))
        return
    dispatcher.utter_message(
        text=t("export_ready", page=links.page, json=links.json, days=settings.export_link_days, contact=settings.counselor_contact)
    )


def _asked_by_the_console(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    return intent == ERASE_REQUEST_INTENT and is_external(str(message.get("text") or ""))


class ActionEraseData(Action):
    """Everything about the person is deleted; the conversation begins afresh."""

    withdraw = False

    def name(self) -> Text:
        return ERASE_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        console = _asked_by_the_console(tracker)
        requested_by = "admin" if console else "person"
        try:
            await runtime.in_thread(runtime.personal_store().erase, channel, sender, requested_by)
        except Exception as error:  # noqa: BLE001 - nothing is reset unless the records are really gone
            logger.error("Could not erase a person's data: %s", type(error).__name__)
            if not console:
                dispatcher.utter_message(text=t("not_erased", contact=runtime.settings().counselor_contact))
            return []
        if console:
            return [AllSlotsReset()]  # the admin asked; the person is not messaged by the bot
        dispatcher.utter_message(text=t("consent_withdrawn" if self.withdraw else "erased"))
        return [AllSlotsReset(), *self.carried_on(tracker)]

    def carried_on(self, tracker: Tracker) -> List[EventType]:
        return []


class ActionWithdrawConsent(ActionEraseData):
    """Everything stored is deleted and consent is withdrawn; the conversation goes on
    where it was, kept in memory only (as when consent was declined)."""

    withdraw = True

    def name(self) -> Text:
        return WITHDRAW_ACTION

    def carried_on(self, tracker: Tracker) -> List[EventType]:
        slots: Dict[str, Any] = {
            k: v for k, v in tracker.slots.items() if v is not None and k not in _NOT_CARRIED_ON and k not in TRANSIENT_SLOTS
        }
        return [SlotSet(k, v) for k, v in slots.items()] + [SlotSet("consent", False)]
