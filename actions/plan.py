"""The career plan document in the conversation: "show my plan" at any time, and at the
end of the conversation – a new version of the plan, what changed, and links to it in
every format (bot/plan/). The turn core asks for it (bot.conversation.reply.SendPlan)."""

from __future__ import annotations

import logging


from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from bot.conversation.messages import text
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
        dispatcher.utter_message(text=text("plan_not_stored"))
        dispatcher.utter_message(text=summary_text(tracker.slots, False))
        return
    from bot.plan.service import NothingStored

    channel, sender = runtime.who(tracker)
    service = runtime.plan_service()
    try:
        generated = await runtime.in_thread(service.generate, channel, sender, runtime.now(), runtime.today())
        links = await runtime.in_thread(service.new_links, channel, sender, runtime.now())
    except NothingStored:
        dispatcher.utter_message(text=text("plan_empty"))
        return
    except Exception as error:  # noqa: BLE001 - told, never fatal; the answers are safe
        logger.error("Could not make a career plan: %s", type(error).__name__)
        dispatcher.utter_message(text=text("plan_failed"))
        return
    plan = generated.plan
    from bot.plan.changes import summary_text as changes_text

    intro = text("plan_intro", version=plan.version)
    if generated.previous is not None:
        intro += " " + changes_text(generated.changes, generated.previous.version)
    days = runtime.settings().plan_link_days
    lines = [intro, ""] + [f"• {FORMAT_NAMES[fmt]}: {url}" for fmt, url in links.items() if fmt in FORMAT_NAMES]
    lines += ["", text("plan_links_note", days=days)]
    dispatcher.utter_message(text="\n".join(lines))
