"""Each of the ten parts from a fixture conversation (tests/bot/plan/conftest.py)."""

from __future__ import annotations

from datetime import date

from bot.plan.model import NOT_DISCUSSED, PART_TITLES
from tests.bot.plan.conftest import CJK_SLOTS, FULL_SLOTS, SCRIPT, make_plan


def items(plan, number: int) -> dict[str, str]:
    return {i.label: i.text for i in plan.part(number).items}


def test_ten_parts_with_their_titles_in_order(plan):
    assert [p.title for p in plan.parts] == list(PART_TITLES)
    assert [p.number for p in plan.parts] == list(range(1, 11))
    assert all(p.discussed for p in plan.parts)


def test_1_basic_information_in_the_persons_words(plan):
    basic = items(plan, 1)
    assert basic["Current role"] == f"Senior accountant {SCRIPT}"  # kept as typed; renderers escape
    assert basic["Department"] == "Group Finance & Controlling"
    assert basic["Current occupation in the career database"] == "Accountants and Auditors"
    assert basic["Education"] == "Master's degree"


def test_2_direction_path_type_and_target_roles(plan):
    direction = items(plan, 2)
    assert direction["Career direction"] == "Professional-technical"
    assert direction["Career path type"] == "Lateral"
    assert direction["Target roles"] == "FP&A analyst | senior analyst"
    assert direction["Target occupation in the career database"] == "Financial and Investment Analysts"
    assert direction["Tested against the four principles"].startswith("preference: Yes")


def test_3_4_environment_and_organisation(plan):
    assert set(items(plan, 3)) == {"Social trends", "Economic trends", "Technological trends"}
    assert items(plan, 4)["Organisation's strategy"] == "The company is centralising finance into a shared service centre"


def test_5_people_with_what_they_can_do_and_how_to_engage_them(plan):
    people = {i.label: i.text for i in plan.part(5).items if not i.by_waypoint}
    assert people == {
        "Manager": "Can help by: She can sponsor my move to FP&A – How I'll engage them: I'll raise it in our next one-to-one",
        "Mentor": "Can help by: Share how she moved from accounting to FP&A – How I'll engage them: Ask her for a coffee "
        "once a month",
    }


def test_6_7_goals_with_dates_and_their_criteria(plan):
    assert items(plan, 6) == {
        "Short-term goal": "Complete the financial modelling certification – by 15 April 2027",
        "Medium-term goal": "Move into the FP&A team as an analyst – by 22 May 2028",
        "Long-term goal": "Become head of FP&A – by 30 June 2032",
    }
    assert items(plan, 7) == {
        "Short-term goal": "I hold the *certificate*",
        "Medium-term goal": "I work in the FP&A team",
        "Long-term goal": "I lead the FP&A team",
    }


def test_8_conditions_with_the_holland_code_and_scores(plan):
    conditions = items(plan, 8)
    assert conditions["Holland code (O*NET Interest Profiler)"] == "CEI – Conventional, Enterprising, Investigative"
    assert conditions["Interest scores (0–40)"] == (
        "Realistic 6, Investigative 24, Artistic 11, Social 22, Enterprising 31, Conventional 38"
    )
    assert plan.interest_profile.code == "CEI"


def test_9_gaps_widest_first_with_how_to_close_them_and_the_steps(plan):
    gaps = plan.part(9).items
    # whole levels × importance: judgment 2×3.88, speaking 1×3.75; critical thinking (4 of 4.12) and the rest have no gap
    assert [i.label for i in gaps[:3]] == ["Judgment and Decision Making", "Speaking", "Development means"]
    assert gaps[0].text.startswith("you rated yourself 2 of 7; Financial and Investment Analysts needs about 4 –")
    assert "close it through" in gaps[0].text
    assert items(plan, 9)["Development means"] == "Training and courses, Mentoring or coaching"
    assert items(plan, 9)["Action steps"].startswith("15 January 2027: Talk to my manager about FP&A")
    assert [g.skill for g in plan.skill_gaps if g.self_level is None] == ["Reading Comprehension"]


def test_10_review_schedule_and_triggers(plan):
    revision = items(plan, 10)
    assert revision["Review frequency"] == "every 6 months"
    assert revision["Review dates"] == "22 May 2027, 22 November 2027, 22 May 2028, 22 November 2028"
    assert revision["Triggers for an earlier review"] == "A reorganisation or a new manager"


def test_milestones_for_the_timeline_and_calendar_in_date_order(plan):
    assert [(m.kind, m.due) for m in plan.milestones][:4] == [
        ("step", date(2027, 1, 15)), ("step", date(2027, 3, 22)), ("goal", date(2027, 4, 15)),
        ("review", date(2027, 5, 22)),
    ]
    assert sum(m.kind == "review" for m in plan.milestones) == 4
    assert plan.attribution and "O*NET" in plan.attribution


def test_nothing_said_means_every_part_is_not_discussed(empty_plan):
    assert not any(p.discussed for p in empty_plan.parts)
    assert NOT_DISCUSSED.startswith("Not discussed yet")
    assert empty_plan.milestones == () and empty_plan.attribution is None


def test_skipped_answers_are_left_out_not_shown_as_skipped():
    plan = make_plan({"consent": True, "situation": "stalled", "department": "(skipped)"})
    assert list(items(plan, 1)) == ["What brings you here"]


def test_chinese_answers_mark_the_plan_as_chinese():
    assert make_plan(CJK_SLOTS).language_hint == "zh"
    assert make_plan(FULL_SLOTS).language_hint == "en"


def test_5_waypoint_suggests_what_to_ask_of_each_person(plan):
    suggested = {i.label: i.text for i in plan.part(5).items if i.by_waypoint}
    assert set(suggested) == {"Manager: Waypoint's suggestion", "Mentor: Waypoint's suggestion"}
    assert "stretch task in" in suggested["Manager: Waypoint's suggestion"]
    assert suggested["Mentor: Waypoint's suggestion"].startswith("choose someone who already works as FP&A analyst")


def test_without_the_career_database_only_the_onet_free_analysis_is_added(plan):
    assert not any(i.by_waypoint for number in (3, 9) for i in plan.part(number).items)
