"""Waypoint's analysis in the plan (bot.counsel.analysis via bot.plan.assemble): parts 2,
3, 5 and 9 carry a counselor's reasoning and O*NET's facts, labelled as Waypoint's."""

from __future__ import annotations

import copy

import pytest

from bot.careers.conversation import rated_requirements
from bot.plan.assemble import assemble
from tests.bot.plan.conftest import FULL_SLOTS, GENERATED_AT, TODAY, VERSION


@pytest.fixture(scope="module")
def plan(careers):
    return assemble(copy.deepcopy(FULL_SLOTS), VERSION, GENERATED_AT, TODAY, careers)


def analysis(plan, number: int) -> dict[str, str]:
    return {i.label: i.text for i in plan.part(number).items if i.by_waypoint}


def test_part_2_recommends_the_direction_with_its_reasons(plan) -> None:
    part = analysis(plan, 2)
    recommendation = part["Waypoint's recommendation"]
    assert recommendation.startswith(
        "A professional-technical direction along a lateral path (across to neighbouring work at your level), toward FP&A analyst – "
    )
    assert "you said you like it" in recommendation
    assert "your largest gaps" in recommendation  # the fixture's ratings leave gaps
    alternatives = part["Other options on this path (Waypoint, from O*NET)"]
    assert "Financial and Investment Analysts" not in alternatives  # the chosen target is not an alternative to itself
    assert "(related occupation" in alternatives  # every alternative says why


def test_part_3_gives_the_onet_facts_behind_the_target(plan, careers) -> None:
    part = analysis(plan, 3)
    hot = careers.catalogue.distinctive_technologies("13-2051.00", 5)
    assert "Microsoft Outlook" not in hot  # listed for most occupations: says nothing about this one
    assert part["Technologies in demand for Financial and Investment Analysts (Waypoint, from O*NET)"] == ", ".join(hot) + "."
    assert part["Preparation it takes (Waypoint, from O*NET)"].startswith("Job Zone Four: Considerable Preparation Needed.")
    assert "Occupations related to Financial and Investment Analysts (Waypoint, from O*NET)" in part


def test_part_9_adds_the_knowledge_and_tools_the_target_needs(plan, careers) -> None:
    part = analysis(plan, 9)
    knowledge = part["Knowledge Financial and Investment Analysts rely on most (Waypoint, from O*NET)"]
    assert "Economics and Accounting" in knowledge
    assert "English Language" not in knowledge  # nearly every occupation's: not what this one needs
    assert "Tools to learn (Waypoint, from O*NET)" in part


def test_the_analysis_survives_a_stored_plan_version(plan) -> None:
    from bot.plan.model import CareerPlan

    again = CareerPlan.from_dict(plan.to_dict())
    assert [i.by_waypoint for i in again.part(2).items] == [i.by_waypoint for i in plan.part(2).items]


def test_two_targets_kept_in_the_plan_are_compared_in_part_2(careers) -> None:
    slots = {
        **copy.deepcopy(FULL_SLOTS), "current_occupation": "17-2141.00", "target_roles": "plant manager or chief engineer",
        "target_occupation": "11-3051.00", "career_direction": "technical_management", "path_type": "dual_ladder",
    }
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    compared = analysis(plan, 2)["Your two targets side by side (Waypoint, from O*NET)"]

    assert compared.startswith("Fit with your interests:") or compared.startswith("Close to your current skills:")
    assert "How you'd get there:" in compared



def test_both_targets_kept_have_their_gaps_needs_and_steps_in_the_plan(careers) -> None:
    from bot.counsel.known import Known
    from bot.counsel.suggestions import offer_for

    ratings = lambda rows: [dict(r, self_level=1) for r in rows]  # noqa: E731
    first = [{"element_id": q.element_id, "skill": q.name, "required_level": q.level, "importance": q.importance}
             for q in rated_requirements(careers, "11-3051.00")]
    second = [{"element_id": q.element_id, "skill": q.name, "required_level": q.level, "importance": q.importance}
              for q in rated_requirements(careers, "11-9041.00")]
    slots = {
        **copy.deepcopy(FULL_SLOTS), "current_occupation": "17-2141.00", "target_roles": "plant manager or chief engineer",
        "target_occupation": "11-3051.00", "career_direction": "technical_management", "path_type": "dual_ladder",
        "skills_gap": {"occupation": "11-3051.00", "title": "Industrial Production Managers", "ratings": ratings(first),
                       "also": {"occupation": "11-9041.00", "title": "Architectural and Engineering Managers", "ratings": ratings(second)}},
    }
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    labels = [i.label for i in plan.part(9).items]
    own = {q["skill"] for q in second} - {q["skill"] for q in first}

    assert own and all(f"{skill} (for Architectural and Engineering Managers)" in labels for skill in own)
    assert "Knowledge Architectural and Engineering Managers rely on most (Waypoint, from O*NET)" in labels
    assert "Tools to learn for Architectural and Engineering Managers (Waypoint, from O*NET)" in labels
    steps = offer_for("action_steps", Known(slots, careers, TODAY))
    assert steps is not None
    second_gap = Known(slots, careers, TODAY).second_gaps[0].skill.lower()
    assert any(second_gap in o.text for o in steps.options)


def test_the_recommendation_claims_no_interests_without_a_profile_and_keeps_partly_apart(careers) -> None:
    slots = {**copy.deepcopy(FULL_SLOTS), "principle_preference": "partly", "principle_strength": "partly"}
    slots.pop("interest_profile", None)
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    recommendation = analysis(plan, 2)["Waypoint's recommendation"]

    assert "interests" not in recommendation  # the profiler was not taken: nothing to claim
    assert "partly that you like it and it uses your strengths" in recommendation
    assert "you said it serves what you value and it leaves room to grow" in recommendation


def test_occupations_related_to_the_target_leave_out_its_industry_variants(careers) -> None:
    slots = {**copy.deepcopy(FULL_SLOTS), "current_occupation": "17-2141.00", "target_roles": "plant manager", "target_occupation": "11-3051.00"}
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    related = analysis(plan, 3)["Occupations related to Industrial Production Managers (Waypoint, from O*NET)"]

    assert "Biomass" not in related and "Biofuels" not in related and "General and Operations Managers" in related


def test_the_recommendation_claims_no_fit_the_interest_profiles_as_a_whole_deny(careers) -> None:
    # R-E-C profile: Management Analysts (CIE) share two letters, yet the profiles agree weakly (r 0.18)
    slots = {**copy.deepcopy(FULL_SLOTS), "target_occupation": "13-1111.00",
             "interest_profile": {"code": "ECR", "scores": {"R": 30, "I": 8, "A": 10, "S": 12, "E": 35, "C": 28}}}
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    recommendation = analysis(plan, 2)["Waypoint's recommendation"]

    assert "fits your" not in recommendation and "Management Analysts" in recommendation


def test_part_9_says_when_most_people_in_the_target_hold_more_education(careers) -> None:
    slots = {**copy.deepcopy(FULL_SLOTS), "current_occupation": "29-1141.00", "education": "bachelor",
             "target_roles": "nurse educator", "target_occupation": "25-1072.00"}
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)
    education = analysis(plan, 9)["Education for Nursing Instructors and Teachers, Postsecondary (Waypoint, from O*NET)"]

    assert education.startswith("most people in it hold a master's degree (50%), more than you have")


def test_no_education_note_when_the_person_already_has_what_most_hold(careers) -> None:
    slots = {**copy.deepcopy(FULL_SLOTS), "education": "master", "target_occupation": "25-1072.00"}
    plan = assemble(slots, VERSION, GENERATED_AT, TODAY, careers)

    assert not any(label.startswith("Education for") for label in analysis(plan, 9))
