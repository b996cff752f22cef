"""Actions that move the conversation: start and resume, continue to the next stage,
answer questions in the middle of a form, change an answer, start over, summary."""

from __future__ import annotations

import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, AllSlotsReset, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.forms import EDIT_SLOT, say
from actions.plan import send_plan
from bot.conversation import glossary, messages, navigation, progress
from bot.handoff import HANDOFF_ACTIONS, SILENT_STATES
from bot.careers import conversation as career_talk
from bot.careers import profiler
from bot.conversation.prompts import Button, Prompt, stage_opening
from bot.conversation.stages import COMPLETE, QUESTIONS, STAGES_BY_KEY
from bot.storage import slot_values
from bot.conversation.summary import summary_text

logger = logging.getLogger(__name__)

# Slots that belong to one moment of the conversation, not to the person's progress.
TRANSIENT_SLOTS = (
    "requested_slot", "editing_field", EDIT_SLOT, "misunderstandings", "action_steps_draft",
)
RESUME_INTENTS = ("greet", "continue_session")


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


class ActionSessionStart(Action):
    """A new session (first contact, or back after the session expired): carry the
    person's answers over, from the tracker or else from the store, and say where they
    stopped."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        runtime.warm_careers()
        slots = {k: v for k, v in tracker.slots.items() if k not in TRANSIENT_SLOTS and k != "session_started_metadata"}
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
            dispatcher.utter_message(
                text=f"Welcome back! {progress.where_stopped(slots)} "
                "Send any message to continue, or say “start over” to begin again."
            )
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


class ActionContinueCounseling(Action):
    """Goes on with the first stage that still has questions; the stage slot lets the
    rules start that stage's form."""

    def name(self) -> Text:
        return "action_continue_counseling"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = dict(tracker.slots)
        stage = progress.next_stage(slots)
        previous = slots.get("stage")
        intent = latest_intent(tracker)
        # after a rating or a complaint, the message that NLU found unclear was understood
        after_handoff = tracker.latest_action_name in HANDOFF_ACTIONS
        if intent == "nlu_fallback" and tracker.active_loop_name is None and not after_handoff:
            dispatcher.utter_message(text=messages.NOT_UNDERSTOOD)
        if stage == COMPLETE:
            if previous != COMPLETE:
                await self._finish(dispatcher, tracker)
            else:
                dispatcher.utter_message(text=messages.ALL_DONE)
        elif stage != previous or intent in RESUME_INTENTS:
            # a new stage, or picking up again: say where we are; after a question in
            # the middle of a form or an edit, the form simply asks again
            dispatcher.utter_message(text=stage_opening(stage))
        events: List[EventType] = [SlotSet("stage", stage), SlotSet("editing_field", None), SlotSet(EDIT_SLOT, None)]
        if tracker.active_loop_name and (stage == COMPLETE or tracker.active_loop_name != STAGES_BY_KEY[stage].form):
            events.append(ActiveLoop(None))
        return events

    async def _finish(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        stored = runtime.consented(tracker)
        if stored:
            channel, sender = runtime.who(tracker)
            await runtime.guarded(runtime.store().mark_completed, channel, sender)
        dispatcher.utter_message(text=messages.PLAN_COMPLETE)
        dispatcher.utter_message(text=summary_text(tracker.slots, stored))
        if stored:
            await send_plan(dispatcher, tracker)


class ActionExplainQuestion(Action):
    """"Why do you ask?" – about the question being asked, or the service in general."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        key = tracker.get_slot("requested_slot")
        if key == EDIT_SLOT:
            key = tracker.get_slot("editing_field")
        if key in QUESTIONS:
            dispatcher.utter_message(text=QUESTIONS[key].why)
        else:
            dispatcher.utter_message(text=messages.WHY_GENERAL)
        return []


class ActionExplainTerm(Action):
    def name(self) -> Text:
        return "action_explain_term"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        key = glossary.find_term((tracker.latest_message or {}).get("text") or "", entity(tracker, "term"))
        if key:
            dispatcher.utter_message(text=glossary.explain(key))
        else:
            known = ", ".join(title for title, _ in glossary.TERMS.values())
            dispatcher.utter_message(text=f"I don't have a definition for that. I can explain: {known}.")
        return []


class ActionChangeAnswer(Action):
    """"Go back" / "change my answer about X": picks the answer and opens the editor."""

    def name(self) -> Text:
        return "action_change_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = dict(tracker.slots)
        text = (tracker.latest_message or {}).get("text") or ""
        key = navigation.resolve_field(text, entity(tracker, "field"))
        if key is None and not entity(tracker, "field") and _means_go_back(text):
            requested = slots.get("requested_slot")
            key = navigation.previous_question(slots, requested if requested in QUESTIONS else None)
        if key in navigation.REDO_PROGRESS and (slots.get(key) is not None or key == "interest_profile"):
            # a questionnaire is redone in the answer editor, one item per turn; the old
            # result stays until the new one is complete
            dispatcher.utter_message(text=f"Let's do your {QUESTIONS[key].label} again.")
            redo = [SlotSet(k, v) for k, v in navigation.redo_slots(key).items() if k != key]
            return redo + [SlotSet("editing_field", key), SlotSet(EDIT_SLOT, None), SlotSet("requested_slot", None), ActiveLoop(None)]
        if key is not None and slots.get(key) is None:
            dispatcher.utter_message(
                text=f"You haven't answered the question about your {QUESTIONS[key].label} yet – we'll get to it."
            )
            key = None
        if key is None:
            recent = navigation.recently_answered(slots)
            if not recent:
                dispatcher.utter_message(text="There's nothing to change yet.")
                return [SlotSet("editing_field", None), ActiveLoop(None)]
            # the stage form is left (it resumes after the edit), so it doesn't ask over the choice
            say(
                dispatcher,
                Prompt(
                    "Which answer would you like to change?",
                    tuple(
                        Button(QUESTIONS[k].label[0].upper() + QUESTIONS[k].label[1:], f'/change_answer{{"field": "{k}"}}')
                        for k in recent
                    ),
                ),
            )
            return [SlotSet("editing_field", None), ActiveLoop(None)]
        return [SlotSet("editing_field", key), SlotSet(EDIT_SLOT, None), SlotSet("requested_slot", None), ActiveLoop(None)]


def _means_go_back(text: str) -> bool:
    lowered = text.lower()
    return any(p in lowered for p in ("back", "undo", "previous", "last answer", "mistake", "change that", "change it", "wrong"))


class ActionConfirmStartOver(Action):
    def name(self) -> Text:
        return "action_confirm_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        say(dispatcher, messages.CONFIRM_START_OVER)
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionStartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        if await runtime.guarded(runtime.store().clear_progress, channel, sender, default=None) is None:
            # nothing is reset unless the stored answers are really gone
            dispatcher.utter_message(text=messages.NOT_DELETED)
            return []
        dispatcher.utter_message(text=messages.STARTED_OVER)
        return [AllSlotsReset(), ActiveLoop(None)]


class ActionShowSummary(Action):
    def name(self) -> Text:
        return "action_show_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=summary_text(tracker.slots, runtime.consented(tracker)))
        return []
