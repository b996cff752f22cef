"""The career plan document in the conversation: "show my plan" at any time, and at the
end of the conversation – a new version of the plan, what changed, and links to it in
every format (bot/plan/)."""

from __future__ import annotations

import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from bot.conversation.summary import summary_text

logger = logging.getLogger(__name__)

FORMAT_NAMES = {
    "html": "Web page (print or save it from your browser)",
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "md": "Markdown",
    "ics": "Calendar file with your goal deadlines and review dates (.ics)",
}


async def send_plan(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Generates the plan's next version and sends its links; tells the person plainly
    when there is no stored plan or the plan cannot be made just now."""
    if not runtime.consented(tracker):
        dispatcher.utter_message(
            text="You chose not to have your answers stored, so there is no plan document to send – "
            "here is what we have in this conversation instead."
        )
        dispatcher.utter_message(text=summary_text(tracker.slots, False))
        return
    from bot.plan.service import NothingStored

    channel, sender = runtime.who(tracker)
    service = runtime.plan_service()
    try:
        generated = await runtime.in_thread(service.generate, channel, sender, runtime.now(), runtime.today())
        links = await runtime.in_thread(service.new_links, channel, sender, runtime.now())
    except NothingStored:
        dispatcher.utter_message(
            text="There's nothing in your plan yet – once you've answered a few questions, ask again and "
            "I'll send you the document."
        )
        return
    except Exception as error:  # noqa: BLE001 - told, never fatal; the answers are safe
        logger.error("Could not make a career plan: %s", type(error).__name__)
        dispatcher.utter_message(
            text="I couldn't make your plan document just now – your answers are safe. Please ask again in a moment."
        )
        return
    plan = generated.plan
    from bot.plan.changes import summary_text as changes_text

    intro = f"Here is your career plan – version {plan.version}."
    if generated.previous is not None:
        intro += " " + changes_text(generated.changes, generated.previous.version)
    days = runtime.settings().plan_link_days
    lines = [intro, ""] + [f"• {FORMAT_NAMES[fmt]}: {url}" for fmt, url in links.items() if fmt in FORMAT_NAMES]
    lines += ["", f"The links are yours alone and work for {days} days – please don't forward them."]
    dispatcher.utter_message(text="\n".join(lines))


class ActionShowPlan(Action):
    def name(self) -> Text:
        return "action_show_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        await send_plan(dispatcher, tracker)
        return []
