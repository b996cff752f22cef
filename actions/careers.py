"""Questions about occupations at any moment ("what does a data scientist do?"): answered
from the career database by bot.careers, then the conversation continues."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from bot.careers.conversation import answer_career_question


class ActionAnswerCareerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_career_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or ""
        occupations = [str(v) for v in tracker.get_latest_entity_values("occupation")]
        careers = await runtime.careers_async()
        reply = answer_career_question(intent, message.get("text") or "", occupations, dict(tracker.slots), careers)
        dispatcher.utter_message(text=reply)
        return []
