"""Form validation and question asking for the seven stage forms and the answer editor.

Thin adapters: the meaning of an answer comes from bot.conversation.answers, the questions from
bot.conversation.stages and bot.conversation.prompts; this module moves values between the tracker, the store
and the person.
"""

from __future__ import annotations

import logging
from abc import ABC
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from bot.conversation import messages
from bot.conversation.answers import AnswerContext, Outcome, display_value, validate_answer
from bot.careers import conversation as career_talk
from bot.careers import profiler
from bot.careers.service import Careers
from bot.conversation.navigation import REDO_PROGRESS, edit_slots
from bot.conversation.progress import required_keys
from bot.conversation.prompts import Prompt, misunderstanding_help, question_prompt
from bot.conversation.stages import QUESTIONS, STAGES, Question
from bot.conversation.text import for_chat

logger = logging.getLogger(__name__)

EDIT_SLOT = "edited_answer"
EDIT_FORM = "answer_edit_form"


def say(dispatcher: CollectingDispatcher, prompt: Prompt) -> None:
    dispatcher.utter_message(text=prompt.text, buttons=[b.as_dict() for b in prompt.buttons])


def answer_context(tracker: Tracker, careers: Careers | None = None) -> AnswerContext:
    return AnswerContext(
        today=runtime.today(),
        slots=dict(tracker.slots),
        default_review_months=runtime.settings().default_review_months,
        careers=careers,
    )


# Outcome extras that are records to store, not slots.
RECORD_KEYS = ("skill_ratings_record",)


async def persist_career_records(tracker: Tracker, extra: Dict[str, Any], dispatcher: CollectingDispatcher) -> None:
    """Interest Profiler answers and skill self-ratings go to their own tables as they
    come, so an interrupted questionnaire resumes where it stopped."""
    if not runtime.consented(tracker):
        return
    channel, sender = runtime.who(tracker)
    store = runtime.store()
    try:
        if extra.get(career_talk.RESPONSES_SLOT):
            responses = profiler.from_slot(extra[career_talk.RESPONSES_SLOT])
            await runtime.in_thread(store.record_interest_responses, channel, sender, responses)
        record = extra.get("skill_ratings_record")
        if record:
            await runtime.in_thread(store.record_skill_ratings, channel, sender, record["occupation_code"], record["ratings"])
    except Exception as error:  # noqa: BLE001 - as in persist(): told, never fatal
        logger.error("Could not store career answers of a conversation: %s", type(error).__name__)
        dispatcher.utter_message(text=messages.NOT_STORED)


async def persist(tracker: Tracker, answers: Dict[str, Outcome | Any], dispatcher: CollectingDispatcher) -> None:
    """Store validated answers (only with consent). If the database fails, the person is
    told and the conversation goes on: the answer is still in the conversation."""
    if not runtime.consented(tracker) or not answers:
        return
    channel, sender = runtime.who(tracker)
    store = runtime.store()
    try:
        for key, item in answers.items():
            if isinstance(item, Outcome):
                await runtime.in_thread(
                    store.record_answer, channel, sender, key, item.display, item.value, item.normalized, item.skipped
                )
            else:
                await runtime.in_thread(
                    store.record_answer, channel, sender, key, display_value(key, item), item, None, False
                )
    except Exception as error:  # noqa: BLE001 - any storage failure must not end the turn
        # the engine hides SQL parameters, so the message holds no answer text
        logger.error("Could not store answers of a conversation: %s", type(error).__name__)
        dispatcher.utter_message(text=messages.NOT_STORED)


async def handle_reply(
    question: Question, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Dict[str, Any]:
    """Validate one reply for `question`, talk back, store it; returns the slot updates."""
    outcome = validate_answer(question, value, answer_context(tracker, await runtime.careers_async()))
    await persist_career_records(tracker, outcome.extra, dispatcher)
    updates: Dict[str, Any] = {k: v for k, v in outcome.extra.items() if k not in RECORD_KEYS}
    if outcome.ok:
        updates[slot] = outcome.value
        if slot != question.key:
            updates[question.key] = outcome.value
        if tracker.get_slot("misunderstandings"):
            updates["misunderstandings"] = 0
        if outcome.notice:
            dispatcher.utter_message(text=outcome.notice)
        to_store: Dict[str, Any] = {question.key: outcome}
        to_store.update({k: v for k, v in outcome.extra.items() if k in QUESTIONS and v is not None})
        if question.key == "consent":
            await _consent_given(outcome.value, dispatcher, tracker, to_store)
        else:
            await persist(tracker, to_store, dispatcher)
        return updates
    updates[slot] = None
    if outcome.problem:
        dispatcher.utter_message(text=outcome.problem)
    if outcome.extra:
        # a follow-up ("when will you do that step?", "let's set that goal again") is
        # progress, not a misunderstanding
        if tracker.get_slot("misunderstandings"):
            updates["misunderstandings"] = 0
        await persist(tracker, {k: v for k, v in outcome.extra.items() if k in QUESTIONS and v is not None}, dispatcher)
        return updates
    misunderstandings = int(tracker.get_slot("misunderstandings") or 0) + 1
    updates["misunderstandings"] = misunderstandings
    if misunderstandings >= 2:
        say(dispatcher, misunderstanding_help(question, runtime.settings().counselor_contact))
    return updates


async def _consent_given(agreed: bool, dispatcher: CollectingDispatcher, tracker: Tracker, to_store: Dict[str, Any]) -> None:
    if agreed:
        channel, sender = runtime.who(tracker)
        await runtime.in_thread(runtime.store().record_consent, channel, sender)
        tracker.slots["consent"] = True
        await persist(tracker, to_store, dispatcher)
        dispatcher.utter_message(text=messages.CONSENT_GIVEN)
    else:
        dispatcher.utter_message(text=messages.CONSENT_DECLINED)


def latest_text(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("text")


class StageFormValidation(FormValidationAction, ABC):
    """Validates every slot of a stage form with bot.conversation.answers; subclasses name the stage."""

    stage_key: str = ""

    def name(self) -> Text:
        return f"validate_{self.stage_key}_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        stage = next(s for s in STAGES if s.key == self.stage_key)
        return required_keys(stage, tracker.slots)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        text = latest_text(tracker)
        updates: Dict[str, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            # Only a reply just typed is validated; values carried over when the form
            # (re)activates were validated when they were given.
            if slot in required and isinstance(value, str) and value == text:
                result = await handle_reply(QUESTIONS[slot], slot, value, dispatcher, tracker)
                updates.update(result)
                tracker.slots.update(result)
        return [SlotSet(k, v) for k, v in updates.items()]


def _stage_validator(stage_key: str) -> type:
    return type(f"Validate{stage_key.title().replace('_', '')}Form", (StageFormValidation,), {"stage_key": stage_key})


STAGE_VALIDATORS = [_stage_validator(stage.key) for stage in STAGES]


class ValidateAnswerEditForm(FormValidationAction):
    """The one-question form that takes a new answer for `editing_field`."""

    def name(self) -> Text:
        return f"validate_{EDIT_FORM}"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        target = tracker.get_slot("editing_field")
        value = tracker.get_slot(EDIT_SLOT)
        if target not in QUESTIONS:
            return [SlotSet(EDIT_SLOT, "(nothing to edit)")]
        if not (isinstance(value, str) and value == latest_text(tracker)):
            return []
        result = await handle_reply(QUESTIONS[target], EDIT_SLOT, value, dispatcher, tracker)
        if result.get(EDIT_SLOT) is not None:
            # answers that depend on the edited one are asked again ("every 3 months"
            # moves the next review date), unless the new answer already set them
            for key, cleared in edit_slots(target).items():
                result.setdefault(key, cleared)
            dispatcher.utter_message(
                text=f"Updated your {QUESTIONS[target].label}: “{for_chat(display_value(target, result[target]))}”."
            )
        return [SlotSet(k, v) for k, v in result.items()]


class AskQuestion(Action, ABC):
    """`action_ask_<slot>`: the question with its buttons, built by bot.conversation.prompts."""

    slot: str = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        settings = runtime.settings()
        careers = await runtime.careers_async()
        say(dispatcher, question_prompt(QUESTIONS[self.slot], tracker.slots, runtime.today(), settings.default_review_months, careers))
        return []


class AskEditedAnswer(Action):
    def name(self) -> Text:
        return f"action_ask_{EDIT_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        target = tracker.get_slot("editing_field")
        if target not in QUESTIONS:
            return []  # the validation action closes the editor: there is nothing to edit
        question = QUESTIONS[target]
        current = display_value(target, tracker.get_slot(target))
        careers = await runtime.careers_async()
        prompt = question_prompt(question, tracker.slots, runtime.today(), runtime.settings().default_review_months, careers)
        if target in REDO_PROGRESS:  # a questionnaire: its next item, not "what should it be instead?"
            say(dispatcher, prompt)
            return []
        dispatcher.utter_message(
            text=f"Your {question.label} is currently: “{for_chat(current)}”. What should it be instead?\n({prompt.text})",
            buttons=[b.as_dict() for b in prompt.buttons],
        )
        return []


# One `action_ask_<question>` per question. (Domain responses would save the call to the
# action server, but `rasa data validate --fail-on-warning` rejects the utter_ask_*
# responses that only forms use as "not used in any story or rule".)
ASK_ACTIONS = [type(f"Ask{key.title().replace('_', '')}", (AskQuestion,), {"slot": key}) for key in QUESTIONS]
