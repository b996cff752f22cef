"""Plans for the renderer tests (Markdown, HTML, charts, calendar, PDF, DOCX), assembled by
bot.plan.assemble from the slot values of finished conversations.

`plan`: an accountant moving into FP&A, in English, with markup typed into answers
(`<script>`, `**bold**`, `[link](…)`) that every format must show as text.
`cjk_plan`: someone who answered in Chinese. `empty_plan`: nothing answered yet.
Plans are frozen, so one per session serves every test.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from typing import Any

import pytest

from bot.plan.assemble import assemble
from bot.plan.model import CareerPlan

GENERATED_AT = datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)
VERSION = 3
SCRIPT = "<script>alert(1)</script>"

FULL_SLOTS: dict[str, Any] = {
    "consent": True,
    "situation": "stalled",
    "current_role": f"Senior accountant {SCRIPT}",
    "current_occupation": "13-2011.00",
    "department": "Group Finance & Controlling",
    "time_in_role": "about three years",
    "education": "master",
    "expectations": "A **clear** plan for my next step",
    "interests": "I enjoy analysing data and explaining the numbers to managers",
    "strengths": "Excel modelling, patience and explaining complex things simply",
    "values": "Learning, autonomy and fair pay",
    "constraints": "I have two small kids so I can't relocate",
    "org_strategy": "The company is centralising finance into a shared service centre",
    "org_opportunities": "A new FP&A team is being built next year – see [the intranet](http://evil.example)",
    "org_relationships": "Good with my manager, a bit distant from IT",
    "env_social": "Hybrid work has become normal in finance",
    "env_economic": "Higher interest rates and cost pressure on every department",
    "env_technology": "Automation of bookkeeping and AI forecasting tools",
    "leaning_direction": "Financial planning and analysis",
    "principle_preference": "yes",
    "principle_strength": "Partly, I still need to learn forecasting",
    "principle_value": "yes",
    "principle_development": "Yes, the FP&A team is growing fast",
    "take_profiler": True,
    "interest_profile": {"code": "CEI", "scores": {"R": 6, "I": 24, "A": 11, "S": 22, "E": 31, "C": 38}},
    "career_direction": "professional_technical",
    "path_type": "lateral",
    "target_roles": "FP&A analyst | senior analyst",
    "target_occupation": "13-2051.00",
    "skills_gap": {
        "occupation": "13-2051.00",
        "title": "Financial and Investment Analysts",
        "ratings": [
            {"element_id": "2.A.2.a", "skill": "Critical Thinking", "required_level": 4.12, "self_level": 4,
             "importance": 4.0},
            {"element_id": "2.A.1.e", "skill": "Mathematics", "required_level": 4.0, "self_level": 6,
             "importance": 3.88},
            {"element_id": "2.B.4.e", "skill": "Judgment and Decision Making", "required_level": 4.38,
             "self_level": 2, "importance": 3.88},
            {"element_id": "2.A.1.a", "skill": "Reading Comprehension", "required_level": 4.38, "self_level": None,
             "importance": 4.0},
            {"element_id": "2.A.2.b", "skill": "Active Learning", "required_level": 4.0, "self_level": 5,
             "importance": 3.62},
            {"element_id": "2.A.1.d", "skill": "Speaking", "required_level": 4.0, "self_level": 3,
             "importance": 3.75},
        ],
    },
    "goal_short": "Complete the financial modelling certification",
    "goal_short_due": "2027-04-15",
    "goal_short_measure": "I hold the *certificate*",
    "goal_short_confirmed": True,
    "goal_medium": "Move into the FP&A team as an analyst",
    "goal_medium_due": "2028-05-22",
    "goal_medium_measure": "I work in the FP&A team",
    "goal_medium_confirmed": True,
    "goal_long": "Become head of FP&A",
    "goal_long_due": "2032-06-30",
    "goal_long_measure": "I lead the FP&A team",
    "goal_long_confirmed": True,
    "action_steps": [
        {"description": f"Talk to my manager about FP&A {SCRIPT}", "due": "2027-01-15"},
        {"description": "Finish the certification course", "due": "2027-03-22"},
    ],
    "development_means": ["training", "mentoring"],
    "key_people": ["manager", "mentor"],
    "person_manager_help": "She can sponsor my move to FP&A",
    "person_manager_engage": "I'll raise it in our next one-to-one",
    "person_mentor_help": "Share how she moved from accounting to FP&A",
    "person_mentor_engage": "Ask her for a coffee once a month",
    "review_frequency": "6",
    "next_review_date": "2027-05-22",
    "review_triggers": "A reorganisation or a new manager",
    "session_rating": "4",
    "rating_comment": "It helped me structure my thoughts",
}

CJK_SLOTS: dict[str, Any] = {
    "consent": True,
    "situation": "我不知道该往哪里走",
    "current_role": "软件工程师",
    "department": "数据平台部",
    "expectations": "我想成为一名数据科学家",
    "interests": "数据分析和编程",
    "strengths": "Python、统计学",
    "goal_short": "完成机器学习课程",
    "goal_short_due": "2027-03-01",
    "goal_short_measure": "拿到课程证书",
    "goal_short_confirmed": True,
    "action_steps": [{"description": "每周学习十小时", "due": "2027-01-10"}],
    "review_frequency": "12",
    "next_review_date": "2027-06-01",
    "review_triggers": "换了新经理",
}


def make_plan(slots: dict[str, Any]) -> CareerPlan:
    return assemble(copy.deepcopy(slots), VERSION, GENERATED_AT, TODAY)


@pytest.fixture(scope="session")
def plan() -> CareerPlan:
    """A complete plan in English, with markup in the person's answers."""
    return make_plan(FULL_SLOTS)


@pytest.fixture(scope="session")
def cjk_plan() -> CareerPlan:
    """A plan answered in Chinese: parts 1, 6, 7, 8, 9 and 10 have items."""
    return make_plan(CJK_SLOTS)


@pytest.fixture(scope="session")
def empty_plan() -> CareerPlan:
    """Nothing answered: every part says NOT_DISCUSSED."""
    return make_plan({"consent": True})
