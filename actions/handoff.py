"""The human handoff in the conversation: asking for a counselor, crisis support, the
silent relay while a counselor talks, their replies, the hand-back and the rating.

Which of these runs when is decided by bot.handoff (applied by waypoint_rasa's
HandoffPolicy); these adapters move data between the tracker and the case store.
"""

from __future__ import annotations

import logging
import re
from typing import Any, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.runtime import say
from bot import handoff
from bot.conversation import messages
from bot.handoff import ACTIVE, COMPLAINT, QUEUED, RATING, WAITING
from bot.handoff.delivery import DELIVERY_KEY, counselor_message, resend_with_next_message
from bot.handoff.notify import notification_transports
from bot.handoff.office_hours import format_opening
from bot.conversation.prompts import Button, Prompt
from bot.storage import CaseRecord, CaseUpdate
from bot.conversation.text import clean_answer, for_chat, has_words

logger = logging.getLogger(__name__)

HANDOFF_SLOT = "handoff"
CRISIS_HOLD_SLOT = "crisis_hold"  # bot/conversation/turn.py reads it
CASE_SLOT = "handoff_case"
# A counselor's reply can be long; the chat shows it whole.
REPLY_LIMIT = 4000

GO_ON_OFFER = (Button("Yes, let's go on", "/continue_session"), Button("No, I'll wait", "/goodbye"))
RATING_BUTTONS = tuple(Button(str(n), str(n)) for n in range(1, 6)) + (
    Button("Skip", "skip"),
    Button("I'd like to make a complaint", "complaint"),
)


def notify_by() -> list[str]:
    """Transports configured for counselor notifications (the web server delivers them)."""
    return list(notification_transports(runtime.settings()))


async def _open_case(tracker: Tracker, reason: str, crisis_kind: str | None = None) -> tuple[CaseRecord | None, bool]:
    """Opens (or adds to) this conversation's case; (case, in office hours)."""
    settings = runtime.settings()
    moment = runtime.now()
    office = settings.office()
    in_hours = office.is_open(moment)
    slots = dict(tracker.slots)
    channel, sender = runtime.who(tracker)
    asked_for = {"crisis": "urgent support", "misunderstanding": "help after the bot misunderstood"}.get(
        reason, "to talk to a counselor"
    )
    update = CaseUpdate(
        reason=reason,
        urgent=reason == "crisis",
        crisis_kind=crisis_kind,
        specialty=handoff.needed_specialty(slots, reason == "crisis"),
        stage=slots.get("stage"),
        after_hours=not in_hours,
        expected_at=None if in_hours else office.next_opening(moment),
        summary=handoff.case_summary(slots, runtime.consented(tracker), asked_for, channel),
    )
    try:
        case, _created = await runtime.in_thread(runtime.case_store().open_case, channel, sender, update, notify_by(), moment)
    except Exception as error:  # noqa: BLE001 - the person must still be told how to reach someone
        logger.error("Could not open a case: %s", type(error).__name__)
        return None, in_hours
    return case, in_hours


def _opening_text(case: CaseRecord | None) -> str | None:
    """The next opening from now. Not the case's `expected_at`: a case kept open since an
    earlier request holds that request's opening, which may have passed ("back now")."""
    if case is None:
        return None
    moment = runtime.now()
    opening = runtime.settings().office().next_opening(moment)
    return format_opening(opening, moment) if opening is not None else None


async def request_human(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    """"I want to talk to a person": a counselor joins (in office hours) or the case is
    queued for the next opening, and the person may go on with the bot meanwhile."""
    case, in_hours = await _open_case(tracker, reason)
    if case is None:
        dispatcher.utter_message(text=messages.text("handoff_unreachable", contact=runtime.settings().counselor_contact))
        return []
    events: List[EventType] = [SlotSet(CASE_SLOT, case.id), SlotSet("misunderstandings", 0)]
    if in_hours:
        dispatcher.utter_message(text=handoff.waiting_message(None, None))
        return events + [SlotSet(HANDOFF_SLOT, WAITING)]
    say(dispatcher, Prompt(handoff.waiting_message(case.expected_at, _opening_text(case) or "soon"), GO_ON_OFFER))
    held = [SlotSet(CRISIS_HOLD_SLOT, None)] if tracker.get_slot(CRISIS_HOLD_SLOT) else []  # a new, non-crisis request
    return events + [SlotSet(HANDOFF_SLOT, QUEUED)] + held


async def withdraw_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """"I didn't ask for a counselor": a queued request nobody has taken yet is closed as
    withdrawn; an urgent one stays, and the person is told so."""
    case_id = tracker.get_slot(CASE_SLOT)
    case = await runtime.guarded(runtime.case_store().case, int(case_id), default=None) if case_id else None
    if case is None or not case.is_open:
        dispatcher.utter_message(text=messages.text("withdrawn_nothing"))
        return [SlotSet(HANDOFF_SLOT, None)]
    if case.urgent:
        dispatcher.utter_message(text=messages.text("withdraw_urgent"))
        return []
    closed = await runtime.guarded(runtime.case_store().close_case, case.id, "withdrawn by the employee", runtime.now(), default=None)
    if closed is None:
        dispatcher.utter_message(text=messages.text("withdraw_failed", contact=runtime.settings().counselor_contact))
        return []
    dispatcher.utter_message(text=messages.text("withdrawn"))
    return [SlotSet(HANDOFF_SLOT, None), SlotSet(CASE_SLOT, None)]


async def crisis_support(
    dispatcher: CollectingDispatcher, tracker: Tracker, kind: str | None = None, words: str | None = None
) -> List[EventType]:
    """Crisis language, at any point: support resources at once, and an urgent case
    whatever the hour. `kind`: what the turn core recognised, when no listed phrase did;
    `words`: the person's message for the case, when it is not the latest (a tapped
    "Yes, I need help" after the safety check)."""
    settings = runtime.settings()
    text = words or (tracker.latest_message or {}).get("text") or ""
    signal = handoff.crisis_in(text, settings.extra_crisis_phrases())
    dispatcher.utter_message(text=messages.text("crisis_sorry"))
    kind = signal.kind.value if signal else kind
    dispatcher.utter_message(text=settings.resources_for(kind))
    case, in_hours = await _open_case(tracker, "crisis", kind)
    state = tracker.get_slot(HANDOFF_SLOT)
    events: List[EventType] = []
    if case is None:
        dispatcher.utter_message(
            text=messages.text("crisis_no_case", contact=settings.counselor_contact)
        )
        return events
    await runtime.guarded(runtime.case_store().add_message, case.id, "employee", clean_answer(text))
    events.append(SlotSet(CASE_SLOT, case.id))
    if state == ACTIVE:
        dispatcher.utter_message(text=messages.text("crisis_flagged"))
        return events
    if in_hours:
        dispatcher.utter_message(
            text=messages.text("crisis_counselor_coming")
        )
        return events + [SlotSet(HANDOFF_SLOT, WAITING)]
    back = _opening_text(case) or messages.text("as_soon_as_possible")
    dispatcher.utter_message(text=messages.text("crisis_after_hours", back=back))
    # what the turn core needs to answer the messages that follow until "continue"
    hold = {"kind": kind, "back": back, "notes": 0}
    return events + [SlotSet(HANDOFF_SLOT, QUEUED), SlotSet(CRISIS_HOLD_SLOT, hold)]


async def note_to_counselor(tracker: Tracker, text: str) -> None:
    """The person's words on their open case, if they have one ("that was a false alarm")."""
    channel, sender = runtime.who(tracker)
    store = runtime.case_store()
    case = await runtime.guarded(store.open_case_for, channel, sender)
    if case is not None:
        await runtime.guarded(store.add_message, case.id, "employee", clean_answer(text))


class ActionCrisisSupport(Action):
    """Crisis language while a counselor has the conversation (the HandoffPolicy's
    call); otherwise the turn core asks for the same support (actions/turn.py)."""

    failure_message = "action_failed_crisis"  # even failing, the person gets the emergency number

    def name(self) -> Text:
        return "action_crisis_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await crisis_support(dispatcher, tracker)


_UNREACHABLE = object()
_RESEND = messages.text("relay_failed")


class ActionRelayToCounselor(Action):
    """While a counselor has (or is about to have) the conversation, the person's
    messages go to the case and the bot says nothing."""

    def name(self) -> Text:
        return "action_relay_to_counselor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        store = runtime.case_store()
        case = await runtime.guarded(store.open_case_for, channel, sender, default=_UNREACHABLE)
        if case is _UNREACHABLE:
            # the store failed: the counselor is still there, the message must be sent again
            dispatcher.utter_message(text=_RESEND)
            return []
        if case is None or (case.handed_back_at is not None and case.status == "active"):
            # the counselor closed or handed back without the bot hearing of it
            dispatcher.utter_message(
                text=messages.text("counselor_session_ended")
            )
            return [SlotSet(HANDOFF_SLOT, None)]
        text = clean_answer((tracker.latest_message or {}).get("text") or "")
        if text:
            if await runtime.guarded(store.add_message, case.id, "employee", text) is None:
                dispatcher.utter_message(text=_RESEND)
        if not resend_with_next_message(channel):
            return []
        # A reply still pending on a channel that confirms at send time was a failed send.
        return await send_pending_replies(dispatcher, tracker, channel, sender)


class ActionDeliverCounselorReply(Action):
    """The console stored a counselor's message and asked Rasa (trigger_intent) to send
    it: every undelivered counselor message of the case goes out, oldest first."""

    def name(self) -> Text:
        return "action_deliver_counselor_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        return await send_pending_replies(dispatcher, tracker, channel, sender)


async def send_pending_replies(
    dispatcher: CollectingDispatcher, tracker: Tracker, channel: str, sender: str
) -> List[EventType]:
    """Every counselor reply of the person's open case not yet confirmed delivered, oldest
    first, each tagged with its id: the channel marks it delivered when it has confirmation
    (bot/handoff/delivery.py), so a failed send leaves it pending, never lost."""
    store = runtime.case_store()
    found = await runtime.guarded(store.pending_replies, channel, sender)
    if found is None:
        return []
    case, pending = found
    counselor = await runtime.guarded(store.counselor, case.counselor_id) if case.counselor_id else None
    who = counselor.display_name if counselor else messages.text("your_counselor")
    events: List[EventType] = []
    # the first of a run of the counselor's messages names them with their role
    first = not _last_said_by_a_counselor(tracker)
    if tracker.get_slot(HANDOFF_SLOT) != ACTIVE:
        dispatcher.utter_message(
            text=messages.text("counselor_joined", who=for_chat(who, 120))
        )
        events = [SlotSet(HANDOFF_SLOT, ACTIVE), SlotSet(CASE_SLOT, case.id)]
        first = True
    for message in pending:
        shown = counselor_message(
            for_chat(who, 120), messages.text("counselor_role"), for_chat(message.text, REPLY_LIMIT), first=first
        )
        dispatcher.utter_message(**shown, **{DELIVERY_KEY: message.id})
        first = False
    return events


def _last_said_by_a_counselor(tracker: Tracker) -> bool:
    last = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    return last is not None and DELIVERY_KEY in (last.get("metadata") or {})


class ActionHandBack(Action):
    """The counselor handed the conversation back: ask for a rating first, then resume."""

    def name(self) -> Text:
        return "action_hand_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel, sender = runtime.who(tracker)
        store = runtime.case_store()
        case = await runtime.guarded(store.latest_case_for, channel, sender)
        if case is None or case.handed_back_at is None:
            return []  # not handed back in the console: nothing happened
        if case.taken_at is None:
            # nobody talked to the person: nothing to rate
            dispatcher.utter_message(text=messages.text("back_with_me"))
            return [SlotSet(HANDOFF_SLOT, None)]
        counselor = await runtime.guarded(store.counselor, case.counselor_id) if case.counselor_id else None
        who = for_chat(counselor.display_name, 120) if counselor else messages.text("the_counselor")
        say(
            dispatcher,
            Prompt(
                messages.text("rate_session", who=who),
                RATING_BUTTONS,
            ),
        )
        return [SlotSet(HANDOFF_SLOT, RATING), SlotSet(CASE_SLOT, case.id), SlotSet("misunderstandings", 0)]


_RATING = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|stars?|out of 5))?\s*[.!]?\s*$", re.IGNORECASE)
_RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SKIP = re.compile(r"^\s*(skip|no(?: thanks?)?|no rating|rather not|pass)\b", re.IGNORECASE)
_COMPLAINT = re.compile(r"\bcomplain", re.IGNORECASE)
# "no complaints", "I can't complain": not a wish to complain.
_NO_COMPLAINT = re.compile(r"\b(?:no|not|nothing to|can'?t|cannot)\s+complain\w*", re.IGNORECASE)
# Declining to complain: the whole reply is one of these (a complaint may start with "No ...").
_SKIP_COMPLAINT = re.compile(
    r"^\s*(?:skip(?: it)?|no(?: thanks?)?|no complaints?|rather not|pass|never ?mind)(?:,?\s*(?:please|thanks?))?"
    r"\s*[.!]*\s*$",
    re.IGNORECASE,
)


def read_rating(text: str) -> int | str | None:
    """1–5, "skip", "complaint", or None when the reply is none of these."""
    if _COMPLAINT.search(_NO_COMPLAINT.sub("", text)):
        return "complaint"
    match = _RATING.match(text)
    if match:
        return int(match.group(1))
    word = text.strip().strip(".!").lower()
    if word in _RATING_WORDS:
        return _RATING_WORDS[word]
    if _SKIP.match(text):
        return "skip"
    return None


class ActionTakeSessionRating(Action):
    def name(self) -> Text:
        return "action_take_session_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        reading = read_rating(text)
        case_id = tracker.get_slot(CASE_SLOT)
        if reading == "complaint":
            dispatcher.utter_message(
                text=messages.text("complaint_ask")
            )
            return [SlotSet(HANDOFF_SLOT, COMPLAINT)]
        if reading is None:
            tries = int(tracker.get_slot("misunderstandings") or 0) + 1
            if tries < 2:
                say(dispatcher, Prompt(messages.text("rating_again"), RATING_BUTTONS))
                return [SlotSet("misunderstandings", tries)]
            dispatcher.utter_message(text=messages.text("rating_none"))
        elif isinstance(reading, int) and case_id is not None:
            stored = await runtime.guarded(runtime.case_store().record_rating, int(case_id), reading, default=False)
            dispatcher.utter_message(
                text=messages.text("rating_thanks" if stored is not False else "rating_not_saved")
            )
        dispatcher.utter_message(text=messages.text("pick_up"))
        return [SlotSet(HANDOFF_SLOT, None), SlotSet("misunderstandings", 0)]


class ActionTakeComplaint(Action):
    def name(self) -> Text:
        return "action_take_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = clean_answer((tracker.latest_message or {}).get("text") or "")
        case_id = tracker.get_slot(CASE_SLOT)
        if not has_words(text):
            dispatcher.utter_message(text=messages.text("complaint_describe"))
            return []
        if _SKIP_COMPLAINT.match(text):
            dispatcher.utter_message(text=messages.text("complaint_none"))
            return [SlotSet(HANDOFF_SLOT, None)]
        stored: Any = None
        if case_id is not None:
            stored = await runtime.guarded(runtime.case_store().add_complaint, int(case_id), text)
        if stored is None:
            contact = runtime.settings().counselor_contact
            dispatcher.utter_message(
                text=messages.text("complaint_not_saved", contact=contact)
            )
        else:
            dispatcher.utter_message(
                text=messages.text("complaint_recorded")
            )
        dispatcher.utter_message(text=messages.text("pick_up"))
        return [SlotSet(HANDOFF_SLOT, None)]
