"""Eight simulated employees who behave differently, for the harness in
tests/employees/harness.py.

Each answers the open question from their own answers; before or instead of an answer
they may do what real people do – say they don't know, ask something, make a request,
correct themselves, type in Chinese, open with a forum-style question. Every message
that is not an answer is marked, so the harness can check it never reaches the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tests.e2e.script import profiler_digits

# What a warehouse supervisor who wants to move into logistics planning would answer.
BASE: dict[str, str] = {
    "consent": "yes",
    "situation": "My career has stalled",
    "current_role": "warehouse shift supervisor",
    "department": "Outbound logistics",
    "time_in_role": "6 years",
    "education": "Vocational training",
    "expectations": "A clear next step and what I need to learn for it",
    "interests": "Planning the shifts and solving problems with my team",
    "strengths": "Staying calm under pressure and organising people",
    "values": "Security for my family and learning new things",
    "constraints": "I can't relocate",
    "org_strategy": "We are automating the warehouse and opening a second site",
    "org_opportunities": "A planner role at the new site",
    "org_relationships": "Good with my manager, a bit tense with the planning team",
    "env_social": "More people want flexible shifts",
    "env_economic": "Online retail keeps growing but margins are tight",
    "env_technology": "Robots are taking over the picking",
    "leaning_direction": "Logistics planning",
    "principle_preference": "Yes, clearly",
    "principle_strength": "Partly",
    "principle_value": "Yes, clearly",
    "principle_development": "Yes, clearly",
    "take_profiler": "no",
    "career_direction": "Technical plus management",
    "path_type": "Lateral",
    "target_roles": "Logistics planner",
    "skills_gap": "4",
    "goal_short": "Finish the supply chain planning course by June 2027",
    "goal_short_due": "by June 2027",
    "goal_short_measure": "I have the course certificate",
    "goal_medium": "Work as a logistics planner within two years",
    "goal_medium_due": "in two years",
    "goal_medium_measure": "I hold a planner position",
    "goal_long": "Lead the planning team by 2031",
    "goal_long_due": "in 2031",
    "goal_long_measure": "I am the planning team lead",
    "action_steps": "Ask my manager about a planning rotation by 15 January 2027; finish the Excel course in 3 months",
    "development_means": "training and mentoring",
    "key_people": "my manager",
    "person_manager_help": "Let me join the planning meetings once a month",
    "person_manager_engage": "Raise it in my next one-to-one",
    "person_mentor_help": "Tell me how she moved into planning",
    "person_mentor_engage": "Ask her for a coffee once a month",
    "review_frequency": "every 6 months",
    "next_review_date": "yes",
    "review_triggers": "A reorganisation or a new manager",
    "session_rating": "4",
    "rating_comment": "no",
}
# Questions whose buttons are the answer: the first button is clicked (as people do).
CLICK_FIRST = ("current_occupation", "target_occupation")
CONFIRM = ("goal_short_confirmed", "goal_medium_confirmed", "goal_long_confirmed")


@dataclass
class Move:
    text: str
    answer: bool  # False: a question, a request, uncertainty – it must never be stored
    asks: bool = False  # asking for ideas: the reply must offer at least two suggestions


@dataclass
class Employee:
    name: str
    kind: str
    answers: dict[str, str] = field(default_factory=dict)
    # Non-answers said before the answer to a question, once: {question: [messages]}.
    before: dict[str, list[str]] = field(default_factory=dict)
    opening: str = "hi"
    opening_is_answer: bool = False
    # {question: check(stored value) -> bool}: what the store must hold at the end.
    expect: dict[str, Callable[[object], bool]] = field(default_factory=dict)
    profiler_batches: list[str] = field(default_factory=list)
    said_before: set[str] = field(default_factory=set)
    # Questions where the employee asks for ideas (their `before` messages) and then taps
    # the first suggestion offered.
    takes_suggestions: tuple[str, ...] = ()
    asked: set[str] = field(default_factory=set)

    def answer_for(self, key: str) -> str:
        return self.answers.get(key, BASE.get(key, "yes"))

    def next_move(self, key: str | None, buttons: list[dict]) -> Move:
        if key is None:
            return Move("let's continue", False)
        pending = self.before.get(key) or []
        if pending:
            asking = key in self.takes_suggestions
            if asking:
                self.asked.add(key)
            return Move(pending.pop(0), False, asks=asking)
        if key in self.asked:
            offered = [b for b in buttons if '"suggestion-' in b.get("payload", "")]
            if offered:
                self.asked.discard(key)
                return Move(offered[0]["payload"], True)
        if key in CLICK_FIRST and buttons:
            return Move(buttons[0]["payload"], True)
        if key == "interest_profile":
            return Move(self.profiler_batches.pop(0) if self.profiler_batches else "3", True)
        if key in CONFIRM:
            return Move("yes", True)
        return Move(self.answer_for(key), True)


def employees() -> list[Employee]:
    return [
        Employee(
            "maria", "answers everything directly (and takes the interest profiler)",
            answers={"take_profiler": "yes"},
            profiler_batches=[profiler_digits(a, b) for a, b in ((1, 10), (11, 20), (21, 30), (31, 40), (41, 50), (51, 60))],
            expect={"department": lambda v: v == "Outbound logistics", "interest_profile": lambda v: isinstance(v, dict)},
        ),
        Employee(
            "sam", "unsure: idk, what would you suggest? – then takes a suggestion",
            before={
                "situation": ["idk"],
                "strengths": ["no idea to be honest, what would you suggest?"],
                "values": ["hmm not sure"],
                "leaning_direction": ["what do other people usually say here?"],
                "goal_short": ["idk, can you give me an example?"],
                "goal_short_measure": ["how would i even know? any ideas?"],
                "goal_medium": ["no idea, what would you suggest?"],
                "action_steps": ["what would you suggest?"],
                "person_manager_help": ["not sure what they could do"],
            },
            takes_suggestions=(
                "situation", "strengths", "values", "leaning_direction", "goal_short", "goal_short_measure", "goal_medium",
                "action_steps", "person_manager_help",
            ),
            expect={
                # what Waypoint suggested, chosen by the person: never the question they asked
                "strengths": lambda v: isinstance(v, str) and "–" not in v[:2] and len(v) > 5,
                "goal_short": lambda v: isinstance(v, str) and v.startswith(("Close my gap in", "Try out")),
                "goal_short_measure": lambda v: isinstance(v, str) and v != BASE["goal_short"],
            },
        ),
        Employee(
            "kev", "terse, types with typos",
            answers={
                "consent": "ya", "situation": "stuck", "current_role": "wharehouse supervsr", "department": "outbound, nights",
                "time_in_role": "20 yrs at the company, supervisor maybe 8", "education": "trade school",
                "expectations": "next step", "interests": "fixin stuff, the team", "strengths": "calm, orgnised",
                "values": "money n stability", "constraints": "none", "org_strategy": "robots coming",
                "org_opportunities": "new site", "org_relationships": "ok mostly", "env_social": "ppl want flex",
                "env_economic": "online shoping up", "env_technology": "robots", "leaning_direction": "planing",
                "principle_preference": "ya", "principle_strength": "kinda", "principle_value": "ya",
                "principle_development": "ya", "career_direction": "the first option", "path_type": "2nd one",
                "target_roles": "planner", "goal_short": "finish planing course by june 2027",
                "development_means": "training", "key_people": "my boss", "review_frequency": "6 months",
                "review_triggers": "new boss", "session_rating": "5, my reading is a bit slower", "rating_comment": "nah",
            },
            expect={"department": lambda v: v == "outbound, nights", "path_type": lambda v: v == "network", "time_in_role": lambda v: "8" in str(v)},
        ),
        Employee(
            "priya", "asks questions and makes requests mid-stage",
            before={
                "department": ["why do you ask?"],
                "values": ["does my boss see this?"],
                "org_strategy": ["how long does this take?"],
                "target_roles": ["what does a logistics planner do?"],
                "goal_short": ["btw how do i ask for a raise without sounding greedy?"],
                "development_means": ["show me my plan"],
                "review_triggers": ["what languages do you speak?"],
            },
            expect={"department": lambda v: v == BASE["department"], "values": lambda v: v == BASE["values"]},
        ),
        Employee(
            "tom", "corrects earlier answers in plain words",
            answers={"department": "Support", "time_in_role": "3 years"},
            before={
                "education": ["sorry, I meant 5 years not 3", "oh wait, my department is actually Customer Experience, not Support"],
            },
            expect={"department": lambda v: v == "Customer Experience", "time_in_role": lambda v: str(v).startswith("5 years")},
        ),
        Employee(
            "lena", "no medium- or long-term goal, no mentor, nothing to add",
            answers={"goal_medium": "I don't have one", "goal_long": "no long-term goal yet", "key_people": "my manager and a mentor",
                     "person_mentor_help": "skip", "person_mentor_engage": "none", "rating_comment": "nothing to add"},
            expect={"goal_medium": lambda v: v == "(skipped)", "goal_long": lambda v: v == "(skipped)"},
        ),
        Employee(
            "wei", "writes some messages in Chinese",
            answers={"department": "销售部", "values": "稳定和成长", "constraints": "要照顾孩子"},
            before={"interests": ["你会说中文吗？"]},
            expect={"department": lambda v: v == "销售部", "values": lambda v: v == "稳定和成长"},
        ),
        Employee(
            "alex", "opens with a real forum-style question",
            opening="I'm 35 and thinking about starting over in a new field, is it too late? "
            "I've been in warehouse operations for 10 years and feel stuck.",
            expect={"department": lambda v: v == BASE["department"]},
        ),
    ]
