"""What the bot says when it asks a question: text plus buttons, built from the catalogue.

Buttons carry payloads like /inform{"choice": "lateral"} so that a click selects the choice
without depending on intent classification (bot/conversation/answers.py decodes them).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

from bot.conversation import dates
from bot.conversation.answers import proposed_review_date
from bot.careers import conversation as career_talk
from bot.conversation.reply import Button, Prompt
from bot.conversation.stages import QUESTIONS, STAGES_BY_KEY, Choice, Kind, Question
from bot.conversation.messages import text as t
from bot.conversation.outcome import Outcome
from bot.conversation.text import for_chat
from bot.counsel.compare import compare, comparison_text
from bot.counsel.known import Known

if TYPE_CHECKING:
    from bot.careers.service import Careers


def choice_button(choice: Choice) -> Button:
    return Button(choice.title, "/inform" + json.dumps({"choice": choice.value}))


YES = Button("Yes", "/affirm")
NO = Button("No", "/deny")

# A typed answer is said back, short, before the next question: the person sees it was
# heard and how it was kept (and can change it), not a bare next question. Clicks, dates
# and goals confirm themselves; a skipped question is said as skipped.
ACKNOWLEDGED_QUOTE_CHARS = 60
_OWN_WORDS = (Kind.TEXT, Kind.CHOICE_OR_TEXT)
_FILED = (Kind.CHOICE, Kind.CHOICE_OR_TEXT, Kind.DURATION)
# "no", "none", "nothing really": nothing to plan around, said as such, not quoted as "no"
_NOTHING = re.compile(
    r"^(?:no(?:pe)?|none|nothing|nah|not really|n/?a)(?:,?\s+(?:really|at all|thanks?|for now|that i know of|constraints?))*[\s.!]*$",
    re.IGNORECASE,
)
# Three ways to say the same, taken in turn by question, so a run of answers does not read canned.
_LEADS = ("Noted", "Got it", "Thanks")


def acknowledgement(question: Question, outcome: Outcome, typed: str) -> str | None:
    """The line that acknowledges an accepted typed answer; None where none is due."""
    said = outcome.display.strip()
    if outcome.skipped or not said or typed.lstrip().startswith("/"):
        return None
    label = question.label.split(" (")[0]  # "preference (do you like it)" -> "preference"
    variant = sum(map(ord, question.key)) % len(_LEADS)
    lead = _LEADS[variant]
    chose = question.choices and any(c.value == outcome.value for c in question.choices)
    if question.kind in _OWN_WORDS and not chose:
        if _NOTHING.match(said):
            return t("answer_heard_nothing", lead=lead, label=label)
        if len(said) > ACKNOWLEDGED_QUOTE_CHARS:
            return t(f"answer_heard_long_{variant + 1}", label=label)
        quoted = for_chat(said, ACKNOWLEDGED_QUOTE_CHARS)
        return t("answer_heard", lead=lead, label=label, value=quoted)
    if question.kind in _FILED:
        # read into a category or a length: shown as it was filed, to be corrected if wrong
        if question.kind is Kind.DURATION and outcome.normalized and outcome.normalized.isdigit():
            said = dates.format_months(int(outcome.normalized))  # "2y" -> "2 years"
        return t("answer_filed", lead=lead, label=label, value=for_chat(said, ACKNOWLEDGED_QUOTE_CHARS))
    return None


def question_prompt(
    question: Question, slots: Mapping[str, Any], today: date, default_review_months: int = 6, careers: Any = None
) -> Prompt:
    """The question with its buttons. `careers` (bot.careers.service.Careers) feeds the
    questions built from the career database."""
    kind = question.kind
    if kind is Kind.OCCUPATION:
        compared = slots.get(career_talk.CANDIDATES_SLOT) or []
        if question.key == "target_occupation" and careers is not None and len(compared) == 2 and compared[0].get(career_talk.COMPARED):
            return comparison_prompt(compared, slots, careers, today)
        return career_talk.occupation_prompt(question.key, slots, careers)
    if kind is Kind.PROFILER:
        return career_talk.profiler_prompt(slots, careers)
    if kind is Kind.SKILL_RATING:
        return career_talk.skills_prompt(slots, careers)
    if question.key == "take_profiler":
        return Prompt(career_talk.profiler_intro(careers), (YES, NO))
    if question.key == "target_roles":
        return career_talk.target_roles_prompt(question.prompt, slots, careers)
    if kind is Kind.GOAL_CONFIRM:
        return _goal_confirmation(question, slots)
    if kind is Kind.REVIEW_DATE:
        proposed = proposed_review_date(slots, today, default_review_months)
        return Prompt(
            f"Then your next review would be on {dates.format_date(proposed)}. Does that work, or would you like another date?",
            (Button("Yes, that works", "/affirm"),),
        )
    text = question.prompt
    leaning = slots.get("leaning_direction")
    if question.key.startswith("principle_") and isinstance(leaning, str) and leaning not in ("", "(skipped)"):
        # "that direction" is the one they just named: say which
        text = text.replace("that direction", f"“{for_chat(leaning, 60)}”", 1)
        options = [p.strip(" .") for p in re.split(r"\s*(?:,|;|/|\bor\b)\s*", leaning) if p.strip(" .")]
        if len(options) == 2:
            # two roles named: each may get its own answer
            text += "\n" + t("principle_two_options", a=for_chat(options[0], 40), b=for_chat(options[1], 40))
    if question.choices and any(c.explanation for c in question.choices):
        text += "\n" + "\n".join(f"• {c.title}: {c.explanation}" for c in question.choices)
    if kind is Kind.YES_NO:
        return Prompt(text, (YES, NO))
    buttons = tuple(choice_button(c) for c in question.choices)
    return Prompt(text, buttons)


def _goal_confirmation(question: Question, slots: Mapping[str, Any]) -> Prompt:
    horizon = question.key.split("_")[1]
    goal, due, measure = (slots.get(f"goal_{horizon}{s}") for s in ("", "_due", "_measure"))
    label = QUESTIONS[f"goal_{horizon}"].label
    when = dates.format_date(date.fromisoformat(due)) if due else "no date yet"
    text = (
        f"Your {label}: “{for_chat(str(goal))}”\n"
        f"• Reach it by: {when}\n"
        f"• Done when: {for_chat(str(measure)) if measure else 'not set yet'}\n"
        "Is that right? (Say yes, no, or give another date.)"
    )
    return Prompt(text, (Button("Yes, that's right", "/affirm"), Button("No, change it", "/deny")))


def stage_opening(stage_key: str) -> str:
    stage = STAGES_BY_KEY[stage_key]
    return f"{stage.header}\n{stage.intro}"


def misunderstanding_help(question: Question, counselor_contact: str) -> Prompt:
    """After two replies in a row that couldn't be used: buttons, and a human to turn to."""
    buttons = [choice_button(c) for c in question.choices]
    if question.kind is Kind.YES_NO or question.kind is Kind.GOAL_CONFIRM:
        buttons = [YES, NO]
    buttons.append(Button("Why do you ask?", "/ask_why"))
    if question.skippable:
        buttons.append(Button("Skip this question", "skip"))
    # accepting the offer hands the conversation to a human (actions/handoff.py)
    buttons.append(Button("Talk to a counselor", "/request_human"))
    return Prompt(
        "I'm having trouble understanding – sorry. You can use the buttons below, or talk to a counselor: "
        f"{counselor_contact} can help you in person.",
        tuple(buttons),
    )


def comparison_prompt(compared: list[dict[str, Any]], slots: Mapping[str, Any], careers: "Careers", today: date) -> Prompt:
    """The person's two targets side by side, to choose one or keep both."""
    sides = [(str(c.get("words") or c["title"]), careers.occupation(c["code"])) for c in compared]
    if any(o is None for _, o in sides):
        return career_talk.occupation_prompt("target_occupation", slots, careers)
    (wa, a), (wb, b) = sides
    assert a is not None and b is not None
    text = comparison_text(compare(Known(slots, careers, today), (wa, a), (wb, b))) + "\n\n" + t("compare_choose")
    buttons = (
        Button(a.title, f'/inform{{"choice": "{a.code}"}}'),
        Button(b.title, f'/inform{{"choice": "{b.code}"}}'),
        Button(t("compare_keep_both"), f'/inform{{"choice": "{career_talk.KEEP_BOTH}"}}'),
    )
    return Prompt(text, buttons)
