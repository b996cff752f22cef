"""The turn core: one pure function from what the person said, in context, to everything
the bot does about it.

`respond(turn)` first works out what the message is (bot.conversation.understand), then
answers a question, carries out a request, helps with uncertainty, checks in on distress,
or – only for answers – validates and records. Nothing here talks to Rasa or a database:
actions/turn.py translates a tracker into a `Turn` and applies the `Reply` (the records in
one transaction, the effects, the messages, the slot updates).

Conversation state lives in slots:
- the answers, keyed by question (bot.conversation.stages);
- `stage`, `open_question` (the question waiting for an answer), `editing_field` (an
  earlier answer being changed);
- `pending`: a confirmation or a clarification the bot is waiting for;
- `repeats`: how often the open question was asked in a row with nothing new;
- `last_unsure`: the last message, when it was taken as an interruption on a hunch;
- `clarified`: the question the bot already asked "answer or question?" about;
- `misunderstandings`: unusable replies in a row (a handoff then says "misunderstanding").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from bot.careers import conversation as career_talk
from bot.config import DEFAULT_ABUSE_RESOURCES, DEFAULT_CRISIS_RESOURCES, DEFAULT_HARASSMENT_RESOURCES, resources_for
from bot.careers import profiler
from bot.conversation import glossary, messages, navigation, progress
from bot.conversation.progress import missing_keys, next_stage
from bot.conversation.answers import (
    NONE_IS_AN_ANSWER,
    SKIPPED,
    decode_payload,
    display_value,
    refers_to,
    says_nothing_more,
    steps_display,
    validate_answer,
    yes_or_no,
)
from bot.conversation.messages import text as t
from bot.conversation.outcome import AnswerContext, Outcome
from bot.conversation.prompts import acknowledgement, question_prompt, stage_opening
from bot.conversation.reply import (
    AnswerRecord,
    Button,
    ConsentRecord,
    CrisisSupport,
    EraseData,
    ExportData,
    ForgetAnswerRecord,
    InterestResponsesRecord,
    MarkCompleted,
    OpenCase,
    Prompt,
    NoteToCounselor,
    Reply,
    SendPlan,
    SkillRatingsRecord,
    StartOver,
    WithdrawRequest,
)
from bot.conversation.stages import COMPLETE, QUESTIONS, STAGES_BY_KEY, Kind as QuestionKind, Question, example_for
from bot.conversation.summary import summary_text
from bot.conversation.text import clean_answer, for_chat, normalise_for_matching
from bot.conversation.topics import TopicCatalogue, topic_answer
from bot.careers.replies import ATTRIBUTION
from bot.counsel.compare import compare, comparison_text, named_pair
from bot.counsel.known import Known
from bot.counsel.suggestions import Offer, offer_for
from bot.conversation.understand import (
    FORGET_SAID,
    asks_for_a_language,
    CRISIS_CHECK,
    INFORM,
    REASSURE,
    FOREIGN_MIN_WORDS,
    UNKNOWN_LANGUAGE,
    NEVER_AN_ANSWER_BY_GUESS,
    TOPIC_CHOOSE,
    TOPIC_GUESS,
    asks_something,
    is_unsure,
    Kind,
    Nlu,
    Reading,
    Thresholds,
    kind_of,
    understand,
    was_a_false_alarm,
)

# Slots of the moment, not of the person's progress.
# "delete the department one": one answer, not everything ("delete all my data", "forget me")
_REMOVES_ONE = re.compile(r"\b(?:delete|remove|erase|drop|wipe|take out|get rid of|scrap)\b", re.I)
_REMOVES_ALL = re.compile(r"(?<!\bat )\b(?:all|everything|every|whole|account|my data|my info\w*|forget me|about me|on me)\b", re.I)
# The parts of the privacy answer a question asks about (the most particular first), and the whole account.
_PRIVACY_PARTS = (
    ("privacy_versions", re.compile(r"\b(?:old|older|earlier|previous) (?:version|answer)s?\b|\bhistory\b|\breally (?:gone|deleted)\b", re.I)),
    ("privacy_security", re.compile(r"\b(?:encrypt\w*|secure|security|safe|hack\w*|cloud|server)\b", re.I)),
    ("privacy_identity", re.compile(r"\b(?:anonym\w*|names?|identif\w*|login|who uses|used this|track\w*|traced?)\b", re.I)),
    ("privacy_crisis", re.compile(r"\b(?:alert\w*|alarm\w*|danger|emergenc\w*)\b", re.I)),
    ("privacy_how_long", re.compile(r"\b(?:how long|keep|kept|retention|forever|afterwards)\b", re.I)),
    ("privacy_who", re.compile(r"\b(?:who|see|sees|seen|read|reads|access|boss|manager|hr|admins?|administrators?|colleagues?|"
                               r"team|share|shared|company|employer|report)\b", re.I)),
    ("privacy_what", re.compile(r"\b(?:what|which) (?:\w+ )?(?:do you |does it )?(?:store|keep|save|collect|record|log)\w*\b|"
                                r"\b(?:stored|saved|logged|recorded)\b", re.I)),
    ("privacy_rights", re.compile(r"\b(?:export|copy|delete|erase|remove|rights?|gdpr)\b", re.I)),
)
_PRIVACY_FULL = ("privacy_what", "privacy_who", "privacy_how_long", "privacy_security", "privacy_crisis", "privacy_rights")
# What a "yes" to a confirmation does (the request, its effect), and what a "no" says.
_CONFIRMED: dict[str, tuple[str, Any, str]] = {
    "start_over": ("start_over", StartOver(), "kept_answers"),
    "erase": ("delete_data", EraseData(withdraw=False), "erase_kept"),
    "withdraw": ("withdraw_consent", EraseData(withdraw=True), "erase_kept"),
}
TRANSIENT_SLOTS = (
    "open_question", "editing_field", "pending", "repeats", "last_unsure", "clarified", "misunderstandings",
    "action_steps_draft", "last_topic", "last_interrupted", "topics_given",
)
FREE_TEXT = (QuestionKind.TEXT, QuestionKind.CHOICE_OR_TEXT, QuestionKind.GOAL, QuestionKind.GOAL_MEASURE)
# "That was my answer": the message before, taken as a question or a topic, was meant as the answer.
_WAS_MY_ANSWER = re.compile(
    r"\b(?:that|this|it|those|these)(?:'s| is| was| were) (?:\w+ )?(?:my|an|the) answers?\b|\bi was answering\b|"
    r"\bthat was (?:me )?answering\b|\bi (?:was|wasn'?t|was not) (?:not )?asking\b.*\b(?:answer|meant)\b",
    re.I,
)
# "skip these", "skip all of these questions", "skip this section": more than the one question.
_SKIP_SEVERAL = re.compile(
    r"\bskip\b.*\b(?:these|all|them|the rest|this (?:section|stage|part|bit|block|lot)|those|everything)\b", re.I
)
# Questions asked as a block, which "skip these" means: the organisation, the environment (PEST),
# the four principles, the people who matter.
_FAMILIES = ("org_", "env_", "principle_", "person_")


def _family(key: str) -> str:
    return next((prefix for prefix in _FAMILIES if key.startswith(prefix)), key)


# "Both" to "your answer or a question?": the answer is kept (the question can be asked again on its own).
_SAYS_BOTH = re.compile(r"^\s*(?:it'?s |a bit of |kind of |kinda )?both\b", re.I)
# The reply to "your answer or a question for me?" typed instead of tapped.
_SAYS_ANSWER = re.compile(r"^(?:(?:it'?s|it is|that'?s|that is|this is|a|an|my|the|yes|yeah)[,]?\s+)*answer\b", re.I)
_KEEPS = re.compile(r"^\s*(?:please\s+)?keep\b", re.I)  # "keep it as my answer", typed
_SAYS_QUESTION = re.compile(r"^(?:(?:it'?s|it is|that'?s|that is|this is|a|an|no|nope)[,]?\s+)*question\b", re.I)
_PLEASANTRY_START = re.compile(
    r"^(?:(?:ok(?:ay)?|so|well|alright|all right|um+|uh+|hm+|hi|hello|hey|thanks|thx|ty|dunno|idk|i guess|"
    # words about the answer, not of it: "thats my goal. retire", "said that. warehouse"
    r"that'?s (?:my|the) (?:goal|step|answer|target|plan)|(?:like |as )?i (?:already )?said(?: that)?(?: before)?|said that|"
    r"i told you)[,.!:;-]*\s+)+",
    re.I,
)
_PLEASANTRY_END = re.compile(r"(?:[,.;!]*\s*\b(?:thx|thanks|thank you|ty|cheers|pls|please|lol)[.!]*)+$", re.I)  # whole words: "quality" keeps its "ty"


# "none of those really. product manager at a software company": the options shown are
# turned down, and what follows is the answer
_NONE_OF_THOSE = re.compile(
    r"^(?:no[,.]?\s+)?(?:none of (?:these|those|them|the above)|neither(?: of (?:these|those|them))?|not (?:these|those|any of (?:these|those|them)))"
    r"(?:\s+(?:really|tbh|i'?m afraid|sorry))?\s*[,.;:!–-]+\s*(?:i (?:mean|meant|want|think|'?d say)\s+|more like\s+|rather\s+|maybe\s+)?",
    re.I,
)


# "I wasn't asking about pay. My answer is: …": what follows says itself that it is the answer
_MY_ANSWER = re.compile(
    r"\bmy (?:real |actual )?answer (?:is|would be|here is)\s*[:–-]?\s*(?P<answer>\S.*)$|"
    # "you didn't react to that at all. Anyway: the hospital is digitising…", "a course? no. I'd do: talk to my manager"
    r"(?:^|[.!?]\s+)(?:anyway|anyways|fine|ok(?:ay)?|so|my own|mine|i'?d do|i'?d say|i'?ll do|instead|rather)\s*[:–]\s*(?P<after>\S.*)$",
    re.I | re.S,
)


def without_pleasantries(text: str) -> str:
    """"ok so, outbound logistics, thx" is stored as "outbound logistics"; "none of those
    really. product manager" as "product manager"; "… My answer is: X" as "X"."""
    said = _MY_ANSWER.search(text)
    answer = said.group("answer") or said.group("after") if said else None
    if answer and len(answer.split()) >= 2:
        text = answer
    stripped = _PLEASANTRY_END.sub("", _NONE_OF_THOSE.sub("", _PLEASANTRY_START.sub("", text))).strip(" ,;")
    return stripped if any(ch.isalnum() for ch in stripped) else text



SKILL_RECORD = "skill_ratings_record"
COUNSELOR = Button(t("talk_to_counselor"), "/request_human")
CARRY_ON = Button(t("carry_on"), "/continue_session")
KEEP_ANSWER = "/affirm"  # "Keep it as my answer" – a tap, never a typed "yes"
# Open questions asked with Waypoint's suggestions under them (as examples to tap): the
# success criteria, the strengths, what the people who matter can do.
_SUGGESTED_WITH_THE_QUESTION = re.compile(r"^(?:goal_(?:short|medium|long)_measure|strengths|person_\w+_help)$")
# Words around a choice that change nothing: "k first one", "ya the 2nd", "ok that one".
_CHOICE_FILLER = re.compile(r"^(?:(?:k|ok|okay|ya|yeah|yes|yep|sure|um+|hmm+|fine|alright|go with|i'?ll take|i take)[,.!]?\s+)+")
_ALL_OF_THEM = re.compile(r"^(?:all|all of (?:them|em|these|those|it)|(?:take |do )?(?:them|em|those|these) all|every one|the lot|all three|both)\b")
_YOUR_PICK = re.compile(
    r"^(?:whatever (?:u|you) (?:think|say|suggest)|(?:u|you) (?:choose|pick|decide)|up to (?:u|you)|your (?:call|choice)|"
    r"that one|this one|the one you (?:said|suggested)|(?:the )?(?:first|top) one you (?:said|suggested))\s*[.!]*$"
)
_NONE = re.compile(r"^(?:none|nothing|no(?:pe)?|nah|not really|no constraints|none at all)\b")
# Questions about the person or their organisation: only they know the answer, so "whatever
# u think" takes no suggestion there (it does for goals, steps, a direction: advice).
_ONLY_THEY_KNOW = frozenset({
    "situation", "expectations", "interests", "strengths", "values", "constraints", "org_strategy", "org_opportunities",
    "org_relationships", "env_social", "env_economic", "env_technology", "leaning_direction",
})
_WHATEVER = re.compile(r"^(?:whatever|(?:u|you) (?:choose|pick|decide)|up to|your (?:call|choice))")
# "yes", "ya that fits", "yes all of them": a plain yes, nothing else said
_BARE_YES = re.compile(r"^(?:yes|ya|yeah|yep|yup|sure|correct|right|exactly|definitely|absolutely)?\s*(?:that'?s? (?:fits?|right|me|true|it)|fits|all of (?:them|those|these)|they do|sounds right|spot on)?\s*$|^(?:yes|ya|yeah|yep|yup|sure|correct|right|exactly|definitely|absolutely)$")
# "why would I become an agricultural engineer?", "why agricultural engineer?"
_WHY_ROLE = re.compile(
    r"^why (?:would|should|do|did|must) (?:i|you) (?:want to |suggest |recommend |become |be |go for |look at )*(?:an? |the )?(?P<role>[^?]{3,80})"
    r"|^why (?:an? |the )?(?P<role2>[a-z][\w ,&'/-]{2,60})\?*$",
    re.I,
)
# Strain said in an answer, as a figure of speech or plainly: acknowledged before going on
_STRAIN = re.compile(
    r"\b(?:killing me|wearing me (?:out|down)|worn (?:out|down)|exhausting|exhausted|burn(?:ing|t|ed) (?:me )?out|"
    r"draining|drained|can'?t (?:take|do) (?:it|this|them) (?:any ?more|much longer)|so tired of|"
    r"(?:kinda |kind of |a bit |really |so )?(?:tired|sick|fed up) (?:of|with) (?:my|this) (?:job|work|role))\b",
    re.I,
)
# The request for a counselor was not meant
_WITHDRAWS = re.compile(
    r"\bi (?:didn'?t|did not|never) (?:ask|want|request)(?:ed)?(?: for)?(?: to talk to)? (?:a |an |the |any )?(?:counsel+or|human|person|handoff)|"
    r"\b(?:i )?(?:don'?t|do not) (?:need|want) (?:a |an |the |any )?(?:counsel+or|human|person)\b|"
    r"\bcancel (?:the |my |that )?(?:request|handoff|counsel+or)|\bwithdraw (?:the |my |that )?request\b|"
    r"\b(?:why|stop) (?:do |are )?(?:you )?(?:keep )?(?:sending|send|passing|pass|handing|hand)(?:ing)? me (?:to|over to|on to) (?:a |the )?(?:counsel+or|human)",
    re.I,
)
# "why technical plus management?", "why that one": about one of the options offered
_WHY_OPTION = re.compile(r"^why (?:would (?:i|you) (?:choose|pick|suggest) |did you (?:suggest|say) |not |)(?:an? |the )?(?P<what>[\w +&'/-]{3,60}?)\s*\??$")
URGENT_LINE_SLOT = "urgent_line_given"
SUGGESTIONS_SLOT = "suggestions_offered"  # {"key", "options": [answer texts], "on_yes"}: the last offer
# The longest message the turn core reads by default (a chat message, not a document);
# WAYPOINT_MAX_MESSAGE_CHARS sets it (TurnSettings.max_message_chars)
MAX_MESSAGE_CHARS = 4000
# Sure enough of a career topic to answer it even when the message has none of its words
TOPIC_CERTAIN = 0.8
SUGGESTION = "suggestion-"  # a suggestion button's choice: "suggestion-2" is the second option
SOMETHING_ELSE = "something-else"
STEPS_DONE = "steps-done"  # "That's all": the steps chosen so far are the plan's steps


# Requests a person may make while the career questions wait after a crisis response.
_HONOURED_WHILE_HELD = frozenset(
    # not "talk to a person": the urgent case is open already, and a second request would end the wait
    {"pause", "goodbye", "show_summary", "show_plan", "export_data", "delete_data", "withdraw_consent", "ask_privacy"}
)


@dataclass(frozen=True)
class TurnSettings:
    counselor_contact: str = "your HR career counselor"
    default_review_months: int = 6
    retention_days: int = 730  # how long records are kept (told in the consent text and the privacy answer)
    extra_crisis_phrases: tuple[str, ...] = ()
    thresholds: Thresholds = Thresholds()
    crisis_resources: str = DEFAULT_CRISIS_RESOURCES
    abuse_resources: str = DEFAULT_ABUSE_RESOURCES
    harassment_resources: str = DEFAULT_HARASSMENT_RESOURCES
    max_message_chars: int = MAX_MESSAGE_CHARS


@dataclass(frozen=True)
class Turn:
    text: str
    nlu: Nlu
    slots: Mapping[str, Any]
    today: date
    settings: TurnSettings = TurnSettings()
    careers: Any = None  # bot.careers.service.Careers, or None without the career database
    topics: TopicCatalogue | None = None
    answer_career_question: Callable[..., str] | None = None  # defaults to bot.careers.conversation's
    previous_text: str | None = None  # the person's message before this one ("that was my answer")


@dataclass
class _State:
    """The slots as this turn changes them."""

    slots: dict[str, Any]
    updates: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.updates[key] if key in self.updates else self.slots.get(key)

    def set(self, key: str, value: Any) -> None:
        self.updates[key] = value

    def merged(self) -> dict[str, Any]:
        return {**self.slots, **self.updates}


def respond(turn: Turn) -> Reply:
    """Everything the bot does about one message."""
    core = _Core(turn)
    return core.run()


def read(turn: Turn) -> Reading:
    """What the core takes the message to be (the same reading `respond` acts on)."""
    return _Core(turn).reading()


def resume(turn: Turn, greeting: str | None = None) -> Reply:
    """Back to the counseling (after a counselor hands back, a rating, "let's continue"):
    where we are, then the open question."""
    core = _Core(turn)
    if greeting:
        core.reply.say(greeting)
    core.continue_counseling(announce=True)
    return core.finish()


class _Core:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.state = _State(dict(turn.slots))
        self.reply = Reply()
        self.text = clean_answer(turn.text)
        self.left_crisis_hold = False  # this message ends the wait after a crisis response
        self.suggested_key: str | None = None  # the answer stored this turn is a suggestion the person chose

    # ---- the open question --------------------------------------------------------------

    @property
    def open_key(self) -> str | None:
        editing = self.state.get("editing_field")
        if editing in QUESTIONS:
            return str(editing)
        key = self.state.get("open_question")
        return str(key) if key in QUESTIONS else None

    @property
    def question(self) -> Question | None:
        key = self.open_key
        return QUESTIONS[key] if key else None

    def context(self) -> AnswerContext:
        return AnswerContext(
            today=self.turn.today,
            slots=self.state.merged(),
            default_review_months=self.turn.settings.default_review_months,
            careers=self.turn.careers,
        )

    def fits(self, text: str) -> bool:
        question = self.question
        if question is None:
            return False
        if question.kind in (QuestionKind.PROFILER, QuestionKind.SKILL_RATING):
            # one item of a questionnaire: a usable rating, not a sentence
            outcome = validate_answer(question, text, self.context())
            if question.kind is QuestionKind.PROFILER:
                return outcome.ok or bool(outcome.extra)  # a rating, or a stop it answers with a warning
            return outcome.ok or (not outcome.problem and bool(outcome.extra))
        return validate_answer(question, text, self.context()).ok

    @property
    def started(self) -> bool:
        return self.state.get("consent") is not None or progress.has_progress(self.state.merged())

    # ---- the turn -----------------------------------------------------------------------

    def run(self) -> Reply:
        limit = self.turn.settings.max_message_chars
        if len(self.text) > limit:
            # read by nothing: no answer is that long, and every rule below would pay for it
            self.reply.kind, self.reply.intent = Kind.OUT_OF_SCOPE.value, "too_long"
            self.reply.say(t("too_long", limit=f"{limit:,}"))
            if self.started or self.open_key is not None:
                self.ask_open(again=False)
            return self.finish()
        pending = self.state.get("pending") or {}
        if pending:
            self.state.set("pending", None)
            handled = self.settle(pending)
            if handled:
                return self.finish()
        if self.was_the_answer() or self.chose_suggestion() or self.withdrew_request():
            return self.finish()
        reading = self.reading()
        if self.state.get("crisis_hold") and self.state.get("handoff") == "queued" and self.holds(reading):
            return self.finish()
        self.state.set("last_unsure", normalise_for_matching(self.text) if reading.unsure else None)
        interrupted = reading.kind in (Kind.QUESTION, Kind.TOPIC, Kind.OUT_OF_SCOPE, Kind.SOCIAL, Kind.UNCERTAINTY) and not (
            reading.clarify or is_unsure(self.text)
        )
        open_key = self.open_key
        self.handle(reading, self.text)
        # kept for one turn, so that "that was my answer" can take it as the answer
        # (the question only: the message itself stays in the conversation, not in a slot)
        self.state.set("last_interrupted", open_key if interrupted and open_key else None)
        return self.finish()

    def holds(self, reading: Reading) -> bool:
        """After the crisis response out of hours, until "continue": each message goes to the
        urgent case and is never stored; the career questions wait."""
        hold = self.state.get("crisis_hold")
        if reading.intent in ("continue_session", REASSURE):
            self.state.set("crisis_hold", None)
            self.left_crisis_hold = True
            return False  # back to the counseling (with thanks, for a reassurance)
        if reading.kind is not Kind.CRISIS and reading.intent in _HONOURED_WHILE_HELD and not reading.unsure:
            # "show my summary", "can I stop now and do the rest tomorrow", "bye for now": carried
            # out as ever (none stores anything), and still read by the counselor
            self.reply.effects.append(NoteToCounselor(self.text))
            return False
        details = hold if isinstance(hold, Mapping) else {}
        back = t("crisis_hold_back", back=details["back"]) if details.get("back") else ""
        notes = int(details.get("notes") or 0)
        self.reply.kind, self.reply.intent = Kind.CRISIS.value, "crisis_hold"
        self.reply.effects.append(NoteToCounselor(self.text))
        if reading.intent == "greet":  # back after a while: ask how they are before anything else
            settings = self.turn.settings
            resources = resources_for(details.get("kind"), settings.crisis_resources, settings.abuse_resources, settings.harassment_resources)
            text = t("crisis_hold_welcome", back=back, resources=resources)
        elif notes == 0:
            settings = self.turn.settings
            resources = resources_for(details.get("kind"), settings.crisis_resources, settings.abuse_resources, settings.harassment_resources)
            text = t("crisis_hold", back=back, resources=resources)
        else:  # the numbers were just given: the same long text again reads as a form letter
            text = t("crisis_hold_again", back=back)
        self.reply.say(Prompt(text, (CARRY_ON,)))
        self.state.set("crisis_hold", {**details, "notes": notes + 1})
        return True

    def withdrew_request(self) -> bool:
        """"I didn't ask for a counselor", "why do you keep sending me to a counselor?": the
        request they did not make, waiting for the next opening, is withdrawn."""
        if self.state.get("handoff") != "queued" or self.state.get("crisis_hold") or not _WITHDRAWS.search(self.text):
            return False
        self.reply.kind, self.reply.intent = Kind.REQUEST.value, "withdraw_request"
        self.reply.effects.append(WithdrawRequest())
        if self.open_key:
            self.reply.after.append(self.prompt_for(self.open_key))  # after the action says it is withdrawn
        return True

    def was_the_answer(self) -> bool:
        """"That was my answer" after a message read as a question or a topic: store that message.
        "That was my answer: X" stores X."""
        said = _WAS_MY_ANSWER.search(self.text)
        if said is None or self.open_key is None:
            return False
        restated = re.match(r"\s*[:,–-]\s*(?P<answer>.+)$", self.text[said.end():])
        if restated and len(restated.group("answer").split()) >= 2 and self.fits(restated.group("answer")):
            earlier = restated.group("answer").strip()
        else:
            earlier = self.turn.previous_text or ""
            if self.state.get("last_interrupted") != self.open_key:
                return False
            if earlier.startswith("/") or not self.fits(earlier):
                return False  # a button is not typed text
        self.state.set("last_interrupted", None)
        self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
        self.answer(earlier, Reading(Kind.ANSWER, INFORM))
        return True

    def chose_suggestion(self) -> bool:
        """A suggestion offered for the open question, chosen by its button, by its place
        ("the second one"), or – when it said "does that fit you?" – by a plain "yes"."""
        offer = self.state.get(SUGGESTIONS_SLOT)
        key = self.open_key
        _, choice = decode_payload(self.text)
        if not isinstance(offer, Mapping) or key is None or offer.get("key") != key:
            if choice is not None and (choice.startswith(SUGGESTION) or choice == SOMETHING_ELSE):
                # an old suggestion button (another question's): never stored as a text
                self.reply.kind, self.reply.intent = Kind.UNCERTAINTY.value, "suggestion_gone"
                self.reply.say(t("suggestion_gone"))
                self.ask_open(again=True)
                return True
            return False
        options = [str(o) for o in offer.get("options") or []]
        chosen: str | None = None
        asked_why = _WHY_OPTION.match(normalise_for_matching(self.text)) if choice is None else None
        if asked_why and offer.get("why"):
            # "why technical plus management?": the reason Waypoint gave for its suggestions
            labels = [normalise_for_matching(str(label)) for label in offer.get("labels") or options]
            named = asked_why.group("what")
            if any(named and (named in label or label in named) for label in labels):
                self.reply.kind, self.reply.intent = Kind.QUESTION.value, "ask_why"
                self.reply.say(t("why_offered", option=for_chat(self.text.strip(" ?")[4:].strip(), 60), reason=str(offer["why"]).rstrip(":– ")))
                self.ask_open(again=False)
                return True
        if choice == SOMETHING_ELSE:
            self.reply.kind, self.reply.intent = Kind.UNCERTAINTY.value, "something_else"
            self.reply.say(t("something_else_go"))
            return True
        if offer.get("more") and (choice == STEPS_DONE or (choice is None and says_nothing_more(self.text))):
            self.state.set(SUGGESTIONS_SLOT, None)
            self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
            self.suggested_key = key
            self.answer(t("steps_that_is_all"), Reading(Kind.ANSWER, INFORM))
            return True
        if choice is not None and choice.startswith(SUGGESTION):
            index = choice.removeprefix(SUGGESTION)
            if index.isdigit() and 1 <= int(index) <= len(options):
                chosen = options[int(index) - 1]
        elif choice is None:
            norm = _CHOICE_FILLER.sub("", normalise_for_matching(self.text))
            labels = [str(label) for label in offer.get("labels") or options]
            index_named = refers_to(norm, labels) if options else None
            named_by_words = [i for i, label in enumerate(labels) if normalise_for_matching(label) == norm]
            if index_named is None and len(named_by_words) == 1:
                index_named = named_by_words[0]  # "ya programming": the one option with those words
            extra = ""
            if index_named is None:
                # "yes that fits, the first one", "the third one, and remote work too": one clause names
                # an option, the others add to it
                raw = [c.strip() for c in re.split(r"\s*[,;.–-]\s*|\s+and\s+", self.text) if c.strip()]
                clauses = [c for c in (normalise_for_matching(r) for r in raw) if c]
                named = [(c, refers_to(_CHOICE_FILLER.sub("", c), labels)) for c in clauses]
                found = [(c, i) for c, i in named if i is not None]
                if len(found) == 1:
                    index_named = found[0][1]
                    rest = [c for c, i in named if i is None and not _BARE_YES.match(_CHOICE_FILLER.sub("", c)) and len(c.split()) >= 2]
                    extra = "; ".join(re.sub(r"^(?:and|also|plus|but)\s+", "", c) for c in rest)
            if index_named is not None:
                chosen = options[index_named] + (f"; {extra}" if extra else "")
            elif _ALL_OF_THEM.match(norm) and offer.get("all"):
                chosen = str(offer["all"])  # "ya all of em": the option that takes every step
            elif _YOUR_PICK.match(norm) and options:
                if key in _ONLY_THEY_KNOW and _WHATEVER.match(norm):
                    # about them or their organisation: a guess of Waypoint's is not their answer
                    self.reply.kind, self.reply.intent = Kind.UNCERTAINTY.value, "only_you_know"
                    self.reply.say(t("only_you_know"))
                    return True
                chosen = options[0]  # "whatever u think", "that one": the first, Waypoint's closest fit
            elif offer.get("on_yes") and yes_or_no(self.text) is True and _BARE_YES.match(norm):
                chosen = str(offer["on_yes"])
            elif offer.get("all") and yes_or_no(self.text) is True and _BARE_YES.match(norm):
                chosen = str(offer["all"])  # "ya" to "take them all or one": all of them
        if chosen is None:
            if choice is not None and choice.startswith(SUGGESTION):
                self.reply.kind, self.reply.intent = Kind.UNCERTAINTY.value, "suggestion_gone"
                self.reply.say(t("suggestion_gone"))
                self.ask_open(again=True)
                return True
            return False
        self.state.set(SUGGESTIONS_SLOT, None)
        if key == "action_steps":
            # steps still waiting for a date are replaced by the chosen ones, which have dates
            draft = self.state.get("action_steps_draft") or []
            self.state.set("action_steps_draft", [s for s in draft if isinstance(s, Mapping) and s.get("due")] or None)
            if chosen != offer.get("all") and self.gathered_step(chosen, offer, options):
                return True
        self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
        self.suggested_key = key
        self.answer(chosen, Reading(Kind.ANSWER, INFORM))
        return True

    def gathered_step(self, chosen: str, offer: Mapping[str, Any], options: list[str]) -> bool:
        """One suggested step chosen: it joins the steps so far, and the others stay on offer
        ("another step?") – a plan of one step is rarely what the person meant."""
        question = QUESTIONS["action_steps"]
        outcome = validate_answer(question, chosen, self.context())
        draft = outcome.value if outcome.ok and isinstance(outcome.value, list) else None
        everything = offer.get("all")
        taken = {str(s.get("description")) for s in draft or []}
        labels = [str(label) for label in offer.get("labels") or options]
        left = [
            (text, label) for text, label in zip(options, labels)
            if text != everything and text != chosen and not any(d in text for d in taken)
        ]
        if draft is None or not left:
            return False
        self.state.set("action_steps_draft", draft)
        self.state.set(SUGGESTIONS_SLOT, {
            "key": "action_steps", "options": [text for text, _ in left], "labels": [label for _, label in left],
            "on_yes": None, "all": None, "more": True,
        })
        self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
        buttons = tuple(Button(label, f'/inform{{"choice": "{SUGGESTION}{i}"}}') for i, (_, label) in enumerate(left, 1))
        self.reply.say(Prompt(
            t("step_added_more", steps=for_chat(steps_display(draft))),
            (*buttons, Button(t("steps_that_is_all"), f'/inform{{"choice": "{STEPS_DONE}"}}')),
        ))
        self.state.set("open_question", "action_steps")
        return True

    def offer(self, key: str) -> Offer | None:
        """What a counselor would suggest for `key`, from what Waypoint knows by now."""
        return offer_for(key, Known(self.state.merged(), self.turn.careers, self.turn.today))

    def reading(self) -> Reading:
        return understand(
            self.text,
            self.turn.nlu,
            self.question,
            self.fits,
            self.turn.settings.thresholds,
            clarified=self.state.get("clarified") == self.open_key and self.open_key is not None,
            last_unsure=self.state.get("last_unsure"),
            extra_crisis_phrases=self.turn.settings.extra_crisis_phrases,
            offered=self.offered(),
            corrects=(lambda text: navigation.names_another_answer(text, self.open_key, self.state.merged()))
            if progress.has_progress(self.state.merged())
            else None,
        )

    def offered(self) -> tuple[str, ...]:
        """Buttons shown with the open question besides its choices: O*NET candidates."""
        question = self.question
        if question is None or question.kind is not QuestionKind.OCCUPATION:
            return ()
        candidates = self.state.get(career_talk.CANDIDATES_SLOT) or []
        compared = bool(candidates) and isinstance(candidates[0], Mapping) and bool(candidates[0].get(career_talk.COMPARED))
        both = (t("compare_keep_both"), "both", "keep both") if compared else ()
        return tuple(str(c.get("title")) for c in candidates[:3] if isinstance(c, Mapping)) + both + ("None of these", "none", "neither")

    def count(self, slot: str, value: int) -> None:
        """Counters change only when they change (None and 0 are the same)."""
        if int(self.state.get(slot) or 0) != value:
            self.state.set(slot, value)

    def finish(self) -> Reply:
        self.reply.slots = {k: v for k, v in self.state.updates.items() if self.turn.slots.get(k) != v or k not in self.turn.slots}
        return self.reply

    def settle(self, pending: Mapping[str, Any]) -> bool:
        """A reply to what the bot asked last turn: a confirmation or a clarification.
        Anything else is read as a new message."""
        from bot.conversation.answers import yes_or_no

        said = yes_or_no(self.text) if len(self.text.split()) <= 6 else None
        if said is None and pending.get("clarify") and len(self.text.split()) <= 6:
            said = True if _SAYS_ANSWER.search(self.text) else False if _SAYS_QUESTION.search(self.text) else None
        if said is None and pending.get("clarify") and (_WAS_MY_ANSWER.search(self.text) or _SAYS_BOTH.match(self.text)):
            said = True  # "that was my answer", "both": keep it as the answer
        confirmed = _CONFIRMED.get(str(pending.get("confirm")))
        if confirmed is not None:
            intent, effect, kept = confirmed
            if said is True:
                self.reply.kind, self.reply.intent = Kind.REQUEST.value, intent
                self.reply.effects.append(effect)
                return True
            if said is False:
                self.reply.kind, self.reply.intent = Kind.ANSWER.value, "deny"
                self.reply.say(t(kept))
                self.then_continue(again=False)
                return True
            return False
        clarify = pending.get("clarify")
        if isinstance(clarify, Mapping) and clarify.get("intent") == CRISIS_CHECK:
            return self.settle_safety_check(clarify, said)
        if (
            isinstance(clarify, Mapping)
            and clarify.get("intent") not in NEVER_AN_ANSWER_BY_GUESS
            and normalise_for_matching(self.text) == normalise_for_matching(str(clarify.get("text") or ""))
        ):
            # asked "your answer or a question?", they said it again: it is their answer
            self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
            self.answer(str(clarify.get("text")), Reading(Kind.ANSWER, INFORM))
            return True
        if isinstance(clarify, Mapping) and said is not None:
            original = str(clarify.get("text") or "")
            if said:
                self.answer(original, Reading(Kind.ANSWER, INFORM))
            elif clarify.get("intent") == "distress":
                self.ask_open(again=False)  # not an answer: on with the question
            else:
                intent = str(clarify.get("intent") or "out_of_scope")
                self.handle(Reading(kind_of(intent, question_open=False), intent), original)
            return True
        return False

    def handle(self, reading: Reading, text: str) -> None:
        self.reply.kind, self.reply.intent = reading.kind.value, reading.intent
        if reading.kind is not Kind.TOPIC and self.state.get("last_topic"):
            self.state.set("last_topic", None)
        if reading.clarify and self.question is not None:
            self.clarify(reading, text)
            return
        handler = {
            Kind.ANSWER: self.answer,
            Kind.SOCIAL: self.social,
            Kind.QUESTION: self.question_to_bot,
            Kind.TOPIC: self.topic,
            Kind.REQUEST: self.request,
            Kind.UNCERTAINTY: self.uncertainty,
            Kind.DISTRESS: self.distress,
            Kind.CRISIS: self.crisis,
            Kind.OUT_OF_SCOPE: self.out_of_scope,
            Kind.OTHER_LANGUAGE: self.other_language,
        }[reading.kind]
        handler(text, reading)

    # ---- asking -------------------------------------------------------------------------

    def prompt_for(self, key: str) -> Prompt:
        if key == "consent":
            # the four lines once; asked again (after a question, say), only the question
            shown = self.turn.slots.get("open_question") == "consent"
            return messages.consent_prompt(self.turn.settings.retention_days, short=shown)
        return question_prompt(
            QUESTIONS[key], self.state.merged(), self.turn.today, self.turn.settings.default_review_months, self.turn.careers
        )

    def ask(self, key: str, *, again: bool) -> None:
        """Ask `key`. The third time in a row with nothing new it comes with a way out:
        an example answer, skip where allowed, a counselor."""
        repeats = int(self.state.get("repeats") or 0) + 1 if again and key == self.state.get("open_question") else 0
        prompt = self.prompt_for(key)
        editing = self.state.get("editing_field") == key
        if editing and key not in navigation.REDO_PROGRESS:
            current = display_value(key, self.state.get(key)) if self.state.get(key) is not None else "not answered yet"
            prompt = Prompt(
                t("current_answer", label=QUESTIONS[key].label, value=for_chat(current), question=prompt.text), prompt.buttons
            )
        if repeats >= 2:
            prompt = self.way_out(QUESTIONS[key], prompt)
        elif not prompt.buttons and _SUGGESTED_WITH_THE_QUESTION.match(key):
            prompt = self.with_examples(key, prompt)
        self.reply.say(prompt)
        if not editing:
            self.state.set("open_question", key)
        self.count("repeats", repeats)

    def with_examples(self, key: str, prompt: Prompt) -> Prompt:
        """Open questions that are hard to answer from nothing (how will you know a goal is
        done? what are you good at?) come with Waypoint's suggestions as examples to tap."""
        offer = self.offer(key)
        if offer is None:
            return prompt
        self.remember_offer(key, offer)
        buttons = tuple(Button(o.button, f'/inform{{"choice": "{SUGGESTION}{i}"}}') for i, o in enumerate(offer.options, 1))
        return Prompt(f"{prompt.text}\n{t('suggestions_under_question')}", buttons)

    def remember_offer(self, key: str, offer: Offer) -> None:
        everything = next((o.text for o in offer.options if o.label == t("suggest_steps_all")), None)
        self.state.set(SUGGESTIONS_SLOT, {
            "key": key, "options": [o.text for o in offer.options], "labels": [o.button for o in offer.options],
            "on_yes": offer.on_yes, "all": everything, "why": offer.intro,
        })

    def ask_open(self, *, again: bool) -> None:
        """The open question again (or, with none open, the next one)."""
        key = self.open_key
        if key is None:
            self.continue_counseling(announce=False)
        else:
            self.ask(key, again=again)

    def way_out(self, question: Question, prompt: Prompt) -> Prompt:
        lines = [t("stuck")]
        example = example_for(question.key)
        if example:
            lines.append(t("example", example=example))
        if question.skippable:
            lines.append(t("can_skip"))
        lines.append(f"({prompt.text.splitlines()[0]})")
        buttons = list(prompt.buttons[:5])
        if question.skippable:
            buttons.append(Button(t("skip_button"), "skip"))
        buttons.append(COUNSELOR)
        return Prompt("\n".join(lines), tuple(buttons))

    def continue_counseling(self, *, announce: bool, progress: bool = False) -> None:
        """The first question still open, in the first stage that has one; the stage's
        opening when it is new (or `announce`); the end when nothing is left."""
        slots = self.state.merged()
        stage = next_stage(slots)
        previous = self.state.get("stage")
        self.state.set("editing_field", None)
        if stage == COMPLETE:
            if previous != COMPLETE:
                self.complete()
            else:
                self.reply.say(t("all_done"))
            self.state.set("stage", COMPLETE)
            self.state.set("open_question", None)
            return
        if stage != previous or announce:
            self.reply.say(stage_opening(stage))
        self.state.set("stage", stage)
        key = missing_keys(STAGES_BY_KEY[stage], slots)[0]
        self.ask(key, again=key == self.state.get("open_question") and not announce and not progress and stage == previous)

    def complete(self) -> None:
        stored = self.state.get("consent") is True
        self.reply.say(t("plan_complete"))
        self.reply.say(summary_text(self.state.merged(), stored))
        if stored:
            self.reply.effects += [MarkCompleted(), SendPlan()]

    def start(self) -> None:
        """The welcome: what the service is, and consent (its introduction only once)."""
        self.continue_counseling(announce=self.state.get("open_question") is None)

    def then_continue(self, *, again: bool = True) -> None:
        """After answering something else: back to the question (or the welcome). Each
        time counts as asking it again, so a third time comes with a way out."""
        if not self.started and self.open_key is None:
            self.start()
        else:
            self.ask_open(again=again)

    # ---- answers ------------------------------------------------------------------------

    def answer(self, text: str, reading: Reading | None = None) -> None:
        question = self.question
        if question is None:
            # an answer with no question open: the conversation goes on from where it is
            self.then_continue()
            return
        self.state.set("clarified", None)
        if question.kind in FREE_TEXT:
            text = without_pleasantries(text)
        outcome = validate_answer(question, text, self.context())
        self.take_records(outcome)
        updates = {k: v for k, v in outcome.extra.items() if k not in (SKILL_RECORD,)}
        for key, value in updates.items():
            self.state.set(key, value)
        if not outcome.ok:
            if outcome.problem:
                self.reply.say(outcome.problem)
            if outcome.extra:
                # progress ("when will you do that step?", the next profiler item, "let's set
                # that goal again") is not a misunderstanding: on with whatever is open now
                self.count("misunderstandings", 0)
                self.store_answers({k: v for k, v in outcome.extra.items() if k in QUESTIONS and v is not None})
                self.continue_counseling(announce=False, progress=True)
                return
            self.count("misunderstandings", int(self.state.get("misunderstandings") or 0) + 1)
            self.ask(question.key, again=True)
            return
        key = question.key
        self.state.set(key, outcome.value)
        self.count("misunderstandings", 0)
        editing = self.state.get("editing_field") == key
        if outcome.notice:
            self.reply.say(outcome.notice)
        elif question.kind in FREE_TEXT and _STRAIN.search(text):
            self.reply.say(t("strain_heard"))  # "the night shifts are killing me": heard, not passed over
        elif not editing and (heard := acknowledgement(question, outcome, text)):
            self.reply.say(heard)
        if key == "consent":
            if outcome.value is True:
                self.reply.records.append(ConsentRecord(messages.CONSENT_VERSION))
                self.reply.say(t("consent_given"))
            else:
                self.reply.say(t("consent_declined"))
        stored = {key: outcome}
        stored.update({k: v for k, v in outcome.extra.items() if k in QUESTIONS and v is not None})
        self.store_answers(stored)
        if editing:
            for dependent, cleared in navigation.edit_slots(key).items():
                if dependent not in outcome.extra and dependent != key:
                    self.state.set(dependent, cleared)
            self.reply.say(t("updated", label=QUESTIONS[key].label, value=for_chat(display_value(key, outcome.value))))
            self.state.set("editing_field", None)
        self.continue_counseling(announce=False)

    def take_records(self, outcome: Outcome) -> None:
        if self.state.get("consent") is not True:
            return
        responses = outcome.extra.get(career_talk.RESPONSES_SLOT)
        if responses:
            self.reply.records.append(InterestResponsesRecord(profiler.from_slot(responses)))
        record = outcome.extra.get(SKILL_RECORD)
        if record:
            self.reply.records.append(SkillRatingsRecord(record["occupation_code"], tuple(record["ratings"])))

    def store_answers(self, answers: Mapping[str, Any]) -> None:
        """Answers become records only with consent (given now or before)."""
        consented = self.state.get("consent") is True
        if not consented:
            return
        for key, item in answers.items():
            if isinstance(item, Outcome):
                suggested = key == self.suggested_key
                self.reply.records.append(AnswerRecord(key, item.display, item.value, item.normalized, item.skipped, suggested))
            else:
                self.reply.records.append(AnswerRecord(key, display_value(key, item), item))

    # ---- the bot asks back ----------------------------------------------------------------

    def clarify(self, reading: Reading, text: str) -> None:
        question = self.question
        assert question is not None
        self.state.set("pending", {"clarify": {"text": text, "intent": reading.intent}})
        self.state.set("clarified", question.key)
        asked = self.question_line(question)
        self.reply.say(
            Prompt(
                t("clarify", text=for_chat(text, 120), question=for_chat(asked, 160)),
                (Button(t("clarify_answer"), "/affirm"), Button(t("clarify_question"), "/deny")),
            )
        )

    def question_line(self, question: Question) -> str:
        """The question itself, for quoting it: never a header or a list line above it."""
        for text in (question.prompt, self.prompt_for(question.key).text):
            lines = [line.strip() for line in text.splitlines() if line.strip().endswith("?")]
            if lines:
                return lines[0]
        return question.label

    # ---- everything that is not an answer ---------------------------------------------------

    def social(self, text: str, reading: Reading) -> None:
        intent = reading.intent
        if intent == "goodbye":
            self.reply.say(t("goodbye_stored" if self.state.get("consent") is True else "goodbye"))
            return
        if intent == "greet":
            if self.started:
                self.reply.say(t("greet_again"))
                self.continue_counseling(announce=True)
            else:
                self.start()
            return
        if intent == REASSURE:
            # nothing stored; the counselor an alarm may have reached reads it too. "That was about
            # my job" gets an apology; "I'm safe for now" after a real crisis gets none
            if was_a_false_alarm(text) or not self.left_crisis_hold:
                # say plainly whether the message went to a counselor (a case is open) or nowhere
                self.reply.say(t("reassured_alerted" if self.state.get("handoff_case") else "reassured"))
            else:
                self.reply.say(t("safe_now"))
            self.reply.effects.append(NoteToCounselor(text))
        elif intent == "affirm" and self.question is not None and self.question.kind in FREE_TEXT:
            self.reply.say(t("a_few_words"))  # "ya" to "what matters most to you?"
        elif intent == "thank":
            self.reply.say(t("thanks"))
        elif intent == "how_are_you":
            self.reply.say(t("how_are_you"))
        self.then_continue(again=intent not in ("thank", "how_are_you"))

    def question_to_bot(self, text: str, reading: Reading) -> None:
        intent = reading.intent
        key = self.open_key
        explained = self.why_suggested(text)
        if explained is not None:
            # "why would I become an agricultural engineer?": why Waypoint suggested it
            self.reply.say(explained)
        elif intent == "ask_why":
            self.reply.say(QUESTIONS[key].why if key else t("why_general"))
        elif intent == "ask_term":
            term = glossary.find_term(text, self.turn.nlu.entity("term"))
            if term:
                self.reply.say(glossary.explain(term))
            elif self.question is not None:
                # "what do you mean by strengths exactly?", "worth doing?": no glossary term, but
                # the open question is what puzzles them – said another way, with an example
                self.uncertainty(text, Reading(Kind.UNCERTAINTY, "explain_question"))
                return
            else:
                known = ", ".join(title for title, _ in glossary.TERMS.values())
                self.reply.say(t("term_unknown", known=known))
        elif intent == "ask_privacy":
            self.answer_privacy(text)
        elif intent == "ask_language":
            self.reply.say(t("languages"))
        elif intent == "ask_duration":
            self.reply.say(self.duration())
        elif intent == "ask_capabilities":
            self.reply.say(t("capabilities"))
        elif intent == "ask_counselor_scope":
            self.reply.say(t("counselor_scope"))
        elif intent == "bot_challenge":
            self.reply.say(t("bot"))
        elif intent == "ask_optional":
            question = QUESTIONS[key] if key else None
            if question is not None and question.skippable:
                self.reply.say(t("optional_answer", why=question.why))
            else:
                self.reply.say(t("needed_answer", why=question.why if question else t("why_general")))
        elif intent == "not_answered":
            self.reply.say(Prompt(t("not_answered"), (COUNSELOR,)))
        elif intent == "ask_occupation_comparison":
            self.reply.say(self.comparison(text))
        elif intent.startswith("ask_occupation") or intent == "ask_similar_occupations":
            topic = self.likely_topic()
            occupations = list((self.turn.nlu.entities or {}).get("occupation") or ())
            if topic is not None and intent != "ask_similar_occupations" and not career_talk.names_an_occupation(
                text, occupations, self.turn.careers
            ):
                # "do I need a CIPD to move into HR?": no occupation to look up, but a career topic
                self.topic(text, Reading(Kind.TOPIC, f"topic/{topic}"))
                return
            self.reply.say(self.career_answer(intent, text))
        self.then_continue(again=False)  # something new was said: not a repeat

    def likely_topic(self) -> str | None:
        """The career topic the classifier ranks first, when it is at least a fair guess."""
        ranking = self.turn.nlu.topic_ranking or ((self.turn.nlu.topic, self.turn.nlu.topic_confidence),)
        key, confidence = ranking[0] if ranking else (None, 0.0)
        if not key or confidence < TOPIC_GUESS or self.turn.topics is None or not self.turn.topics.shares_words(key, self.text):
            return None  # "what does a people analytics person do?" is not about performance reviews
        name = key.split("/", 1)[-1]
        return name if self.turn.topics.get(f"topic/{name}") is not None else None

    def duration(self) -> str:
        slots = self.state.merged()
        stage = progress.next_stage(slots)
        if stage == COMPLETE:
            return t("duration_done")
        left = sum(len(progress.missing_keys(s, slots)) for s in STAGES_BY_KEY.values())
        careers = self.turn.careers
        if slots.get("take_profiler") is True and slots.get("interest_profile") is None and careers is not None:
            # the interest profiler counts as one question but is many quick ratings: say so
            rated = len(profiler.from_slot(slots.get(career_talk.RESPONSES_SLOT)))
            ratings = max(len(careers.catalogue.profiler_items) - rated, 0)
            return t("duration_with_profiler", left=left - 1, ratings=ratings, where=STAGES_BY_KEY[stage].header)
        return t("duration", left=left, where=STAGES_BY_KEY[stage].header)

    def why_suggested(self, text: str) -> str | None:
        """The reasons behind an occupation Waypoint named, when the person asks why."""
        match = _WHY_ROLE.match(text.strip())
        careers = self.turn.careers
        if match is None or careers is None:
            return None
        current = careers.occupation(self.state.get("current_occupation"))
        named = match.group("role") or match.group("role2")
        role = re.split(r"\s*(?:,|\bor\b|\band\b|\?)\s*", named)[0].strip(" ?.!")
        understood = careers.understand_target(role, current) if current else None
        occupation = (understood.occupation or (understood.choices[0] if understood.choices else None)) if understood else None
        if occupation is None:
            resolution = careers.resolve(role)
            occupation = careers.occupation(resolution.best.code) if resolution.confident and resolution.best else None
        if occupation is None:
            return None
        reasons = []
        if current is not None:
            closeness = careers.catalogue.closeness(current, occupation)
            reasons.append(t("why_close", reason=closeness.reason, current=current.title) if closeness.in_field else t("why_far", current=current.title))
        profile = self.state.get("interest_profile")
        if isinstance(profile, Mapping) and profile.get("code") and occupation.interest_code:
            shared = [letter for letter in str(profile["code"])[:3] if letter in occupation.interest_code]
            if shared:
                from bot.careers.catalogue import area_names

                reasons.append(t("why_interests", areas=", ".join(area_names("".join(shared))).lower()))
        if not reasons:
            return None
        return t("why_suggested", title=occupation.title, reasons="; ".join(reasons))

    def comparison(self, text: str) -> str:
        """Two occupations side by side, each read in the person's context."""
        if self.turn.careers is None:
            return t("compare_not_found")
        known = Known(self.state.merged(), self.turn.careers, self.turn.today)
        pair = named_pair(text, known)
        if pair is None:
            return t("compare_not_found")
        return comparison_text(compare(known, *pair)) + "\n" + ATTRIBUTION

    def career_answer(self, intent: str, text: str) -> str:
        answer = self.turn.answer_career_question or career_talk.answer_career_question
        occupations = list((self.turn.nlu.entities or {}).get("occupation") or ())
        return answer(intent, text, occupations, self.state.merged(), self.turn.careers)

    def topic(self, text: str, reading: Reading) -> None:
        catalogue = self.turn.topics
        topic = catalogue.get(reading.intent) if catalogue else None
        certain = self.turn.nlu.topic_confidence >= TOPIC_CERTAIN or text.startswith("/")
        if catalogue and (reading.intent == TOPIC_CHOOSE or (topic is not None and not certain and not catalogue.shares_words(topic.key, text))):
            # not sure which career topic (or the likeliest has nothing to do with the words):
            # the likely ones that do, to choose from – or none, rather than a wrong answer
            options = [o for o in (catalogue.get(key) for key, _ in self.turn.nlu.topic_ranking) if o is not None and catalogue.shares_words(o.key, text)]
            if options:
                buttons = tuple(Button(o.title, f'/topic{{"choice": "{o.key}"}}') for o in options[:3])
                self.reply.say(Prompt(t("topic_choose"), buttons + (COUNSELOR,)))
                return
            question = self.question
            if question is not None and self.state.get("clarified") != question.key and self.fits(text) and not asks_something(text):
                self.clarify(reading, text)  # a statement that fits was more likely meant as the answer
                return
            topic = None
        if topic is None:
            # rather no answer than a wrong one
            self.reply.say(Prompt(t("topic_unsure"), (COUNSELOR,)))
            if self.started or self.open_key is not None:
                self.ask_open(again=False)
            return
        given = list(self.state.get("topics_given") or [])
        if topic.key in given or topic.key == self.state.get("last_topic"):
            question = self.question
            long_or_statement = len(text.split()) >= 12 or not asks_something(text)
            if question is not None and self.state.get("clarified") != question.key and long_or_statement and self.fits(text):
                # the same advice again would not help; a long message that fits was more likely meant as the answer
                self.clarify(reading, text)
                return
            # the general advice was given; the specifics need a person
            self.reply.say(Prompt(t("topic_again", title=topic.title.lower()), (COUNSELOR,)))
        else:
            self.reply.say(topic_answer(topic, catalogue.company if catalogue else None))
            self.state.set("last_topic", topic.key)
            self.state.set("topics_given", [*given, topic.key])
        if self.started or self.open_key is not None:
            self.ask_open(again=False)
        # before the counseling has started the answer ends with its own next step

    def request(self, text: str, reading: Reading) -> None:
        intent = reading.intent
        if intent == "request_human":
            reason = "misunderstanding" if int(self.state.get("misunderstandings") or 0) >= 2 else "requested"
            self.reply.effects.append(OpenCase(reason))
            self.count("misunderstandings", 0)
            self.count("repeats", 0)
            return
        if intent == "show_plan":
            self.show_plan()
            return
        if intent == "show_summary":
            if self.started and progress.has_progress(self.state.merged()):
                self.reply.say(summary_text(self.state.merged(), self.state.get("consent") is True))
            else:
                self.reply.say(t("nothing_to_summarise"))
            self.then_continue(again=False)
            return
        if intent == "remove_said":
            self.remove_said(text)
            return
        if intent in ("change_answer", "delete_data") and _REMOVES_ONE.search(text) and not _REMOVES_ALL.search(text):
            key = navigation.resolve_field(text, self.turn.nlu.entity("field"))
            if key is not None and key in QUESTIONS:
                self.remove_answer(key)  # "pls delete the department one": that answer, not everything
                return
        if intent == "change_answer":
            self.change_answer(text)
            return
        if intent == "skip":
            self.skip(text)
            return
        if intent == "pause":
            self.reply.say(t("pause_stored" if self.state.get("consent") is True else "pause"))
            return
        if intent == "start_over":
            if not self.started:
                self.start()
                return
            self.state.set("pending", {"confirm": "start_over"})
            self.reply.say(messages.confirm_start_over())
            return
        if intent == "continue_session":
            self.continue_counseling(announce=True)
            return
        if intent == "give_consent":
            self.give_consent()
            return
        if intent == "export_data":
            self.reply.effects.append(ExportData())
            self.after_effects_continue()
            return
        if intent in ("delete_data", "withdraw_consent"):
            self.ask_to_erase(withdraw=intent == "withdraw_consent")
            return
        self.then_continue()

    def answer_privacy(self, text: str) -> None:
        """What the question asks about first (who sees it, encryption, names, earlier
        versions ...); the whole account the first time, or when nothing in particular is asked."""
        asked = [part for part, words in _PRIVACY_PARTS if words.search(text)]
        given = list(self.state.get("topics_given") or [])
        parts = list(asked)
        if not asked or "privacy" not in given:
            parts += [part for part in _PRIVACY_FULL if part not in parts]
            self.state.set("topics_given", [*given, "privacy"])
        if self.state.get("consent") is False:
            # nothing is stored: no word of what is stored, for how long, or how it is encrypted
            parts = ["privacy_declined", *[p for p in parts if p not in ("privacy_what", "privacy_how_long", "privacy_security")]]
        if "privacy_crisis" in asked:
            parts.insert(parts.index("privacy_crisis") + 1, "privacy_case_open" if self.state.get("handoff_case") else "privacy_no_alert")
        kept = messages.kept_for(self.turn.settings.retention_days)
        contact = self.turn.settings.counselor_contact
        self.reply.say("\n".join(t(part, kept=kept, contact=contact) for part in parts))

    def remove_said(self, text: str) -> None:
        """"Forget that I said I'm job hunting": every answer holding those words goes, with
        its earlier versions; if no answer holds them, the person is asked which one."""
        said = FORGET_SAID.search(text)
        words = normalise_for_matching(said.group("what") if said else "").split()
        words = [w for w in words if w not in ("i", "im", "i'm", "am", "was", "that", "the", "a", "an", "my", "me", "about")]
        slots = self.state.merged()
        holding = [
            key for key in QUESTIONS
            if words and isinstance(slots.get(key), str) and slots.get(key) != SKIPPED
            and all(w in normalise_for_matching(str(slots[key])).split() for w in words)
        ]
        if not holding:
            self.reply.say(t("remove_which"))
            self.ask_open(again=False)
            return
        for key in holding:
            if self.state.get("consent") is True:
                self.reply.records.append(ForgetAnswerRecord(key))
            self.state.set(key, SKIPPED)
            self.store_answers({key: Outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)})
        labels = ", ".join(QUESTIONS[key].label for key in holding)
        self.reply.say(t("said_removed", labels=labels))
        self.then_continue(again=False)

    def remove_answer(self, key: str) -> None:
        """One answer, with its earlier versions, gone from the record; the question counts as
        skipped (a question that cannot be skipped is asked again)."""
        question = QUESTIONS[key]
        if self.state.get(key) is None:
            self.reply.say(t("not_answered_yet", label=question.label))
            self.ask_open(again=False)
            return
        if self.state.get("consent") is True:
            self.reply.records.append(ForgetAnswerRecord(key))
        if question.skippable:
            self.state.set(key, SKIPPED)
            self.store_answers({key: Outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)})
            self.reply.say(t("answer_removed", label=question.label))
            self.then_continue(again=False)
            return
        self.state.set(key, None)
        self.reply.say(t("answer_removed_ask_again", label=question.label))
        self.ask(key, again=False)

    def ask_to_erase(self, withdraw: bool) -> None:
        """Erasure deletes for good: it is confirmed first. Withdrawing consent that was
        never given has nothing of the answers to delete, but a case may still be held."""
        if withdraw and self.state.get("consent") is not True:
            self.reply.say(t("consent_not_given"))
            self.then_continue(again=False)
            return
        self.state.set("pending", {"confirm": "withdraw" if withdraw else "erase"})
        self.reply.say(messages.confirm_erase(withdraw))

    def give_consent(self) -> None:
        """Consent given later (or again): from now on answers are stored – and so are the
        ones given so far in this conversation."""
        if self.state.get("consent") is True:
            self.reply.say(t("consent_already"))
            self.then_continue(again=False)
            return
        if self.open_key == "consent":
            self.answer("yes")
            return
        self.state.set("consent", True)
        self.reply.records.append(ConsentRecord(messages.CONSENT_VERSION))
        slots = self.state.merged()
        self.store_answers({key: slots[key] for key in QUESTIONS if slots.get(key) is not None})
        self.reply.say(t("consent_given_later"))
        self.then_continue(again=False)

    def show_plan(self) -> None:
        consent = self.state.get("consent")
        if consent is None:
            self.reply.say(t("plan_not_started"))
            self.then_continue()
            return
        if consent is False:
            self.reply.say(t("plan_not_stored"))
            self.reply.say(summary_text(self.state.merged(), False))
        else:
            if progress.next_stage(self.state.merged()) in ("welcome", "needs", "assessment"):
                self.reply.say(t("plan_early"))
            self.reply.effects.append(SendPlan())
        self.after_effects_continue()

    def after_effects_continue(self) -> None:
        """The open question follows what the effects say (the plan links first)."""
        said = len(self.reply.messages)
        self.then_continue()
        self.reply.after.extend(self.reply.messages[said:])
        del self.reply.messages[said:]

    def skip(self, text: str = "") -> None:
        question = self.question
        if question is None:
            self.then_continue()
            return
        if question.key in NONE_IS_AN_ANSWER and _NONE.match(normalise_for_matching(text)):
            self.answer(text)  # "none really" to "any constraints? say none if there aren't": that is the answer
            return
        if not question.skippable:
            self.reply.say(t("cannot_skip", why=question.why))
            self.ask(question.key, again=True)
            return
        several = bool(_SKIP_SEVERAL.search(text)) and self.state.get("editing_field") is None
        stage = self.state.get("stage")
        self.reply.say(t("skipped_several" if several else "skipped"))
        self.answer("skip")
        while several:
            # "skip these questions": the rest of this stage that can be skipped goes too
            following = self.question
            if (
                following is None or following.key == question.key or not following.skippable
                or self.state.get("stage") != stage or _family(following.key) != _family(question.key)
            ):
                break
            asked = self.reply.messages.pop() if self.reply.messages else None
            if asked is not None and self.prompt_for(following.key).text not in asked.text:
                self.reply.messages.append(asked)  # not just its question: keep it and stop here
                break
            question = following
            self.answer("skip")

    def uncertainty(self, text: str, reading: Reading) -> None:
        question = self.question
        if question is None:
            self.reply.say(t("capabilities"))
            self.then_continue()
            return
        again = int(self.state.get("repeats") or 0) >= 1 and self.state.get("open_question") == question.key
        if reading.intent == "explain_question":
            # "what do you mean?": why it is asked, then an example – in other words than the question
            lines = [t("explain_question", why=question.why)]
            again = False
        elif reading.intent == "ask_suggestion" and not again:
            lines = []  # "like what?": the example is the answer, no reassurance needed
        else:
            lines = [t("unsure_again" if again else "unsure")]
        offer = self.offer(question.key)
        if offer is not None:
            # a counselor's suggestions for this person, each one tap away, or their own words
            if reading.intent == "ask_suggestion":
                lines = []
            lines += [offer.intro, t("suggestions_pick_yes" if offer.on_yes else "suggestions_pick")]
            self.remember_offer(question.key, offer)
            offered = [Button(o.button, f'/inform{{"choice": "{SUGGESTION}{i}"}}') for i, o in enumerate(offer.options, 1)]
            offered.append(Button(t("something_else"), f'/inform{{"choice": "{SOMETHING_ELSE}"}}'))
            if question.skippable:
                offered.append(Button(t("skip_button"), "skip"))
            offered.append(COUNSELOR)
            self.reply.say(Prompt("\n".join(lines), tuple(offered)))
            self.count("repeats", int(self.state.get("repeats") or 0) + 1)
            return
        example = example_for(question.key)
        if example and not again:
            lines.append(t("example", example=example))
            if question.kind not in (QuestionKind.PROFILER, QuestionKind.SKILL_RATING):
                # "that one": the example is taken as the answer (never for a self-rating: only they know)
                self.state.set(SUGGESTIONS_SLOT, {"key": question.key, "options": [example], "on_yes": None, "all": None})
        lines.append(t("own_words"))
        buttons: list[Button] = list(self.prompt_for(question.key).buttons)[:8]
        if question.skippable:
            lines.append(t("can_skip"))
            buttons.append(Button(t("skip_button"), "skip"))
        buttons.append(COUNSELOR)
        self.reply.say(Prompt("\n".join(lines), tuple(buttons)))
        self.count("repeats", int(self.state.get("repeats") or 0) + 1)

    def distress(self, text: str, reading: Reading) -> None:
        """A warm check-in; nothing is stored unless the person says it is their answer."""
        question = self.question
        if question is not None and self.fits(text):
            self.state.set("pending", {"clarify": {"text": text, "intent": "distress"}})
            keep = Button(t("keep_as_answer"), "/affirm")
            self.reply.say(Prompt(t("distress") + " " + t("distress_keep"), (COUNSELOR, keep, CARRY_ON)))
            return
        self.reply.say(Prompt(t("distress"), (COUNSELOR, CARRY_ON)))

    def crisis(self, text: str, reading: Reading) -> None:
        if reading.intent == CRISIS_CHECK:
            self.safety_check(text, reading)
            return
        self.reply.effects.append(CrisisSupport(reading.crisis_kind))

    def safety_check(self, text: str, reading: Reading) -> None:
        """Crisis language the classifier is not sure of: the resources at once, and the
        person says whether they need help now. Nothing is stored unless they keep it as
        their answer; a "yes" or anything alarming gets the full crisis response."""
        self.state.set("pending", {"clarify": {"text": text, "intent": CRISIS_CHECK, "kind": reading.crisis_kind}})
        buttons = [Button(t("safety_check_help"), "/crisis"), COUNSELOR]
        if self.question is not None and self.fits(text):
            buttons.append(Button(t("keep_as_answer"), KEEP_ANSWER))
        buttons.append(CARRY_ON)
        settings = self.turn.settings
        resources = resources_for(reading.crisis_kind, settings.crisis_resources, settings.abuse_resources, settings.harassment_resources)
        self.reply.say(Prompt(t("safety_check", resources=resources), tuple(buttons)))

    def settle_safety_check(self, check: Mapping[str, Any], said: bool | None) -> bool:
        original = str(check.get("text") or "")
        kind = str(check["kind"]) if check.get("kind") else None
        if self.text.strip() == KEEP_ANSWER or any(p.search(self.text) for p in (_WAS_MY_ANSWER, _SAYS_ANSWER, _KEEPS)):
            self.reply.kind, self.reply.intent = Kind.ANSWER.value, INFORM
            self.answer(original, Reading(Kind.ANSWER, INFORM))
            return True
        if said is True or self.text.strip() == "/crisis":
            # "yes": they need help now – with their first words for the counselor
            self.reply.kind, self.reply.intent = Kind.CRISIS.value, "crisis"
            self.reply.effects.append(CrisisSupport(kind, text=original))
            return True
        if said is False:
            self.reply.kind, self.reply.intent = Kind.SOCIAL.value, "deny"
            self.reply.say(t("safety_check_fine"))
            self.ask_open(again=False)
            return True
        return False  # anything else is read as a new message, crisis language first

    def out_of_scope(self, text: str, reading: Reading) -> None:
        self.reply.say(t("out_of_scope"))
        self.then_continue(again=True)

    def other_language(self, text: str, reading: Reading) -> None:
        language = reading.language if reading.language in messages.CATALOGUE else messages.ENGLISH
        notice = t("other_language", language)
        unreadable = reading.language == UNKNOWN_LANGUAGE or (
            reading.language != "zh" and len(text.split()) >= FOREIGN_MIN_WORDS and not asks_for_a_language(text)
        )  # "¿puedes hablar en español por favor?" is read well enough: no emergency numbers for it
        if unreadable and not self.state.get(URGENT_LINE_SLOT):
            # a language the bot cannot name, or a whole sentence it cannot read: it cannot tell
            # whether the person is in danger ("hablas español?" alone is no reason to say it) –
            # said once, gently: after every harmless sentence it alarms more than it helps
            notice += " " + t("other_language_urgent", language)
            self.state.set(URGENT_LINE_SLOT, True)
        self.reply.say(Prompt(notice, (Button(t("talk_to_counselor", language), "/request_human"),)))
        if self.started or self.open_key is not None:
            self.ask_open(again=True)

    # ---- changing an earlier answer -----------------------------------------------------------

    def change_answer(self, text: str) -> None:
        slots = self.state.merged()
        field_entity = self.turn.nlu.entity("field")
        key = navigation.resolve_field(text, field_entity)
        if key is None and not field_entity and navigation.means_go_back(text):
            key = navigation.previous_question(slots, self.open_key)
        if key in navigation.REDO_PROGRESS and (slots.get(key) is not None or key == "interest_profile"):
            self.reply.say(t("redo", label=QUESTIONS[key].label))
            for slot, value in navigation.redo_slots(key).items():
                if slot != key:
                    self.state.set(slot, value)
            self.state.set("editing_field", key)
            self.ask(key, again=False)
            return
        if key is not None and key == self.open_key and slots.get(key) is None:
            # "oh sorry, misread – customer support": the answer to the open question after all
            self.answer(navigation.corrected_value(text, key) or text)
            return
        if key is not None and slots.get(key) is None:
            self.reply.say(t("not_answered_yet", label=QUESTIONS[key].label))
            self.ask_open(again=False)
            return
        if key is None:
            recent = navigation.recently_answered(slots)
            if not recent:
                self.reply.say(t("nothing_to_change"))
                self.then_continue()
                return
            self.reply.say(
                Prompt(
                    t("which_answer"),
                    tuple(
                        Button(QUESTIONS[k].label[0].upper() + QUESTIONS[k].label[1:], f'/change_answer{{"field": "{k}"}}')
                        for k in recent
                    ),
                )
            )
            return
        value = navigation.corrected_value(text, key)
        if value:
            outcome = validate_answer(QUESTIONS[key], value, self.context())
            if outcome.ok:
                self.state.set("editing_field", key)
                self.answer(value)
                return
        self.state.set("editing_field", key)
        self.ask(key, again=False)
