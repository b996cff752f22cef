"""The adapter between Rasa and the turn core (bot/conversation/turn.py): every message
of the counseling conversation is one `action_turn`.

It translates the tracker into a `Turn` and applies the core's `Reply`: the records in
one transaction (only with consent), the messages, the effects only an adapter can carry
out (a case for a counselor, crisis support, the plan, starting over), and the slot
updates. It decides nothing itself.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, AllSlotsReset, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.handoff import crisis_support, note_to_counselor, request_human, withdraw_request
from actions.plan import send_plan
from actions.privacy import send_export_link
from actions.runtime import say
from bot.careers import conversation as career_talk
from bot.careers import profiler
from bot.conversation import progress
from bot.conversation.messages import text as t
from bot.conversation.reply import (
    CrisisSupport, EraseData, ExportData, MarkCompleted, NoteToCounselor, OpenCase, Reply, SendPlan, StartOver, WithdrawRequest,
)
from bot.conversation.turn import TRANSIENT_SLOTS, Turn, TurnSettings, respond, resume
from bot.conversation.understand import Nlu, Thresholds
from bot.handoff import SILENT_STATES
from bot.privacy import ERASE_ACTION, WITHDRAW_ACTION
from bot.storage import slot_values

logger = logging.getLogger(__name__)

ACTION_TURN = "action_turn"
ACTION_RESUME = "action_continue_counseling"
ACTION_START_OVER = "action_start_over"
TOPIC_SELECTOR = "topic"


def nlu_of(message: Dict[str, Any]) -> Nlu:
    """The intent, its confidence, the topic the response selector chose, the entities."""
    intent = message.get("intent") or {}
    selected = (message.get("response_selector") or {}).get(TOPIC_SELECTOR) or {}
    selector = selected.get("response") or {}
    entities: Dict[str, List[str]] = {}
    for entity in message.get("entities") or []:
        if entity.get("entity") and entity.get("value") is not None:
            entities.setdefault(str(entity["entity"]), []).append(str(entity["value"]))
    return Nlu(
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        topic=selector.get("intent_response_key"),
        topic_confidence=float(selector.get("confidence") or 0.0),
        entities={k: tuple(v) for k, v in entities.items()},
        ranking=tuple(
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in (message.get("intent_ranking") or [])[1:4]
            if r.get("name")
        ),
        topic_ranking=tuple(
            (str(r.get("intent_response_key")), float(r.get("confidence") or 0.0))
            for r in (selected.get("ranking") or [])[:3]
            if r.get("intent_response_key")
        ),
    )


async def turn_of(tracker: Tracker) -> Turn:
    settings = runtime.settings()
    message = tracker.latest_message or {}
    return Turn(
        text=message.get("text") or "",
        nlu=nlu_of(message),
        slots=dict(tracker.slots),
        today=runtime.today(),
        settings=TurnSettings(
            counselor_contact=settings.counselor_contact,
            default_review_months=settings.default_review_months,
            retention_days=settings.retention_days,
            extra_crisis_phrases=settings.extra_crisis_phrases(),
            crisis_resources=settings.crisis_resources,
            abuse_resources=settings.abuse_resources,
            harassment_resources=settings.harassment_resources,
            max_message_chars=settings.max_message_chars,
            thresholds=Thresholds(),
        ),
        careers=await runtime.careers_async(),
        topics=runtime.topics(),
        previous_text=previous_user_text(tracker),
    )


def previous_user_text(tracker: Tracker) -> str | None:
    """The person's message before the latest one."""
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return str(said[-2]) if len(said) >= 2 and said[-2] else None


async def apply(reply: Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Carry out a reply: store, say, act, then set the slots."""
    events: List[EventType] = []
    consented = tracker.get_slot("consent") is True or any(type(r).__name__ == "ConsentRecord" for r in reply.records)
    if reply.records and consented:
        channel, sender = runtime.who(tracker)
        try:
            await runtime.in_thread(runtime.store().apply, channel, sender, reply.records)
        except Exception as error:  # noqa: BLE001 - the person is told; the answer stays in the conversation
            logger.error("Could not store a turn's answers: %s", type(error).__name__)
            dispatcher.utter_message(text=t("not_stored"))
    for prompt in reply.messages:
        say(dispatcher, prompt)
    for effect in reply.effects:
        if isinstance(effect, OpenCase):
            events += await request_human(dispatcher, tracker, effect.reason)
        elif isinstance(effect, CrisisSupport):
            events += await crisis_support(dispatcher, tracker, effect.kind, effect.text)
        elif isinstance(effect, NoteToCounselor):
            await note_to_counselor(tracker, effect.text)
        elif isinstance(effect, SendPlan):
            await send_plan(dispatcher, tracker)
        elif isinstance(effect, MarkCompleted):
            channel, sender = runtime.who(tracker)
            await runtime.guarded(runtime.store().mark_completed, channel, sender)
        elif isinstance(effect, StartOver):
            events.append(FollowupAction(ACTION_START_OVER))
        elif isinstance(effect, WithdrawRequest):
            events += await withdraw_request(dispatcher, tracker)
        elif isinstance(effect, ExportData):
            await send_export_link(dispatcher, tracker)
        elif isinstance(effect, EraseData):
            events.append(FollowupAction(WITHDRAW_ACTION if effect.withdraw else ERASE_ACTION))
    for prompt in reply.after:
        say(dispatcher, prompt)
    logger.info("Turn understood as %s (%s)", reply.kind or "-", reply.intent or "-")  # kinds only, never text
    return [SlotSet(k, v) for k, v in reply.slots.items()] + events


class ActionTurn(Action):
    """Every message of the counseling conversation."""

    def name(self) -> Text:
        return ACTION_TURN

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        turn = await turn_of(tracker)
        # The turn core is CPU work (reading, career lookups, comparisons): off the event loop,
        # so that the server goes on answering Rasa's other calls meanwhile.
        return await apply(await runtime.in_thread(respond, turn), dispatcher, tracker)


class ActionContinueCounseling(Action):
    """Back to the counseling after a human session's rating or a start over: where we
    are, then the open question."""

    def name(self) -> Text:
        return ACTION_RESUME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        turn = await turn_of(tracker)
        return await apply(await runtime.in_thread(resume, turn), dispatcher, tracker)


class ActionStartOver(Action):
    """Confirmed "start over": the stored answers go (the tracker store drops the
    transcript when it sees this action), then the welcome."""

    def name(self) -> Text:
        return ACTION_START_OVER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        if await runtime.guarded(runtime.store().clear_progress, channel, sender, default=None) is None:
            # nothing is reset unless the stored answers are really gone
            dispatcher.utter_message(text=t("not_deleted"))
            return []
        dispatcher.utter_message(text=t("started_over"))
        return [AllSlotsReset()]


class ActionSessionStart(Action):
    """A new session (first contact, or back after the session expired): carry the
    person's answers over, from the tracker or else from the store, and say where they
    stopped."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        runtime.warm_careers()
        slots = {k: v for k, v in tracker.slots.items() if k not in TRANSIENT_SLOTS and k != "session_started_metadata"}
        slots["open_question"] = tracker.get_slot("open_question")
        if not progress.has_progress(slots):
            channel, sender = runtime.who(tracker)
            stored = await runtime.guarded(runtime.store().answers, channel, sender, default={})
            if stored:
                slots.update(slot_values(stored.values()))
                slots.update(await _stored_questionnaires(channel, sender))
        events: List[EventType] = [SessionStarted()]
        events += [SlotSet(k, v) for k, v in slots.items() if v is not None]
        if progress.has_progress(slots) and slots.get("handoff") not in SILENT_STATES:
            # (while a counselor has the conversation the bot stays silent, also here)
            dispatcher.utter_message(text=t("welcome_back", where=progress.where_stopped(slots)))
        events.append(ActionExecuted("action_listen"))
        return events


async def _stored_questionnaires(channel: str, sender: str) -> dict:
    """Interest Profiler answers and skill ratings given so far, to resume in the middle."""
    store = runtime.store()
    responses = await runtime.guarded(store.interest_responses, channel, sender, default={})
    ratings = await runtime.guarded(store.skill_ratings, channel, sender, default=[])
    restored: dict = {}
    if responses:
        restored[career_talk.RESPONSES_SLOT] = profiler.as_slot(responses)
    if ratings:
        restored[career_talk.LEVELS_SLOT] = {r["element_id"]: r["self_level"] for r in ratings}
    return restored
