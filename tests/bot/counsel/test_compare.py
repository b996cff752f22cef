"""bot.counsel.compare: two target roles side by side, and where the conversation offers it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.careers.conversation import COMPARED, skills_to_rate, two_targets
from bot.conversation.prompts import question_prompt
from bot.conversation.stages import QUESTIONS
from bot.counsel.compare import compare, comparison_text, phrases_compared
from bot.counsel.known import Known

TODAY = date(2026, 12, 6)
MECHANICAL_ENGINEERS = "17-2141.00"
ENGINEERING_MANAGERS = "11-9041.00"
PRODUCTION_MANAGERS = "11-3051.00"
ENGINEER = {
    "current_occupation": MECHANICAL_ENGINEERS,
    "interest_profile": {"code": "RIC", "scores": {"R": 32, "I": 30, "A": 10, "S": 8, "E": 18, "C": 20}},
}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("can you compare chief engineer and plant manager for me?", ("chief engineer", "plant manager")),
        ("Could you compare a logistics planner with a warehouse manager?", ("logistics planner", "warehouse manager")),
        ("plant manager vs chief engineer?", ("plant manager", "chief engineer")),
        ("plant manager or chief engineer", None),  # an answer naming two targets, not a question
        ("I want to compare notes with my team", None),
        ("my boss keeps comparing me to others", None),
    ],
)
def test_the_two_roles_of_a_comparison_question(text, named) -> None:
    assert phrases_compared(text) == named


def test_two_targets_are_read_in_the_engineers_context(careers) -> None:
    two = two_targets("plant manager or chief engineer", careers, careers.occupation(MECHANICAL_ENGINEERS))

    assert two is not None
    assert [(words, o.code) for words, o in two] == [("plant manager", PRODUCTION_MANAGERS), ("chief engineer", ENGINEERING_MANAGERS)]


def test_one_target_is_no_dilemma(careers) -> None:
    assert two_targets("plant manager", careers, careers.occupation(MECHANICAL_ENGINEERS)) is None


def test_the_comparison_shows_fit_distance_needs_preparation_and_path(careers) -> None:
    known = Known(ENGINEER, careers, TODAY)
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    comparison = compare(known, ("plant manager", a), ("chief engineer", b))
    text = comparison_text(comparison)

    assert text.splitlines()[0] == "Industrial Production Managers and Architectural and Engineering Managers, side by side (from O*NET):"
    for label in ("Fit with your interests:", "Close to your current skills:", "What it needs more of", "Preparation: job zone", "How you'd get there:"):
        assert label in text
    assert all(side.path and "management occupation that leads your field" in side.path for side in comparison.sides)
    assert all(side.alike is not None and side.alike > 50 for side in comparison.sides)


def test_two_targets_are_offered_side_by_side_with_keep_both(careers) -> None:
    compared = [
        {"code": PRODUCTION_MANAGERS, "title": "Industrial Production Managers", "words": "plant manager", COMPARED: True},
        {"code": ENGINEERING_MANAGERS, "title": "Architectural and Engineering Managers", "words": "chief engineer", COMPARED: True},
    ]
    prompt = question_prompt(QUESTIONS["target_occupation"], {**ENGINEER, "occupation_candidates": compared}, TODAY, careers=careers)

    assert "side by side" in prompt.text and "keep both" in prompt.text
    assert [b.payload for b in prompt.buttons] == [
        '/inform{"choice": "11-3051.00"}', '/inform{"choice": "11-9041.00"}', '/inform{"choice": "both"}'
    ]


def test_equally_fitting_occupations_of_the_field_are_the_persons_to_choose(careers) -> None:
    understood = careers.understand_target("financial analyst", careers.occupation("13-2011.00"))

    assert understood.occupation is None
    assert {o.code for o in understood.choices} == {"13-2051.00", "13-2099.01"}  # Statisticians, another family, not offered


def test_tech_lead_for_a_developer_is_not_an_alternate_title_filed_with_drafters(careers) -> None:
    web_developer = careers.occupation("15-1254.00")
    two = two_targets("tech lead or product manager", careers, web_developer)

    assert two is not None
    assert [(words, o.code) for words, o in two] == [
        ("tech lead", "11-3021.00"),  # the management that leads computing work, not Electrical and Electronics Drafters
        ("product manager", "11-2021.00"),  # filed far from the field: compared, and the comparison says how far
    ]
    text = comparison_text(compare(Known({"current_occupation": "15-1254.00"}, careers, TODAY), *two))
    assert "a move outside your usual paths" in text


BOTH = {
    **ENGINEER, "target_roles": "plant manager or chief engineer", "target_occupation": PRODUCTION_MANAGERS,
}


def test_both_targets_kept_rate_the_seconds_own_skills_too(careers) -> None:
    from bot.careers.conversation import SECOND_TARGET_EXTRA, rated_requirements

    target, rows = skills_to_rate(BOTH, careers)
    first = [q.element_id for q in rated_requirements(careers, PRODUCTION_MANAGERS)]
    second = [q.element_id for q in rated_requirements(careers, ENGINEERING_MANAGERS)]

    assert target is not None and target.code == PRODUCTION_MANAGERS
    assert [r["element_id"] for r in rows[: len(first)]] == first
    extra = rows[len(first):]
    assert 0 < len(extra) <= SECOND_TARGET_EXTRA
    assert all(r["occupation_code"] == ENGINEERING_MANAGERS and r["element_id"] in second and r["element_id"] not in first for r in extra)


def test_both_targets_kept_get_a_gap_each(careers) -> None:
    from bot.conversation.answers import validate_answer
    from bot.conversation.outcome import AnswerContext

    slots = dict(BOTH)
    _, rows = skills_to_rate(BOTH, careers)
    outcome = None
    for _ in rows:
        outcome = validate_answer(QUESTIONS["skills_gap"], "2", AnswerContext(today=TODAY, slots=slots, careers=careers))
        slots = {**slots, "skill_levels": outcome.extra["skill_levels"]}
    assert outcome is not None and outcome.ok
    assert outcome.value["occupation"] == PRODUCTION_MANAGERS
    assert outcome.value["also"]["occupation"] == ENGINEERING_MANAGERS
    assert len(outcome.value["also"]["ratings"]) >= 3
    assert "Your skills against Industrial Production Managers" in outcome.notice
    assert "Your skills against Architectural and Engineering Managers" in outcome.notice
    assert outcome.display.startswith("for Industrial Production Managers: ") and "; for Architectural and Engineering Managers: " in outcome.display
    known = Known({**slots, "skills_gap": outcome.value}, careers, TODAY)
    assert known.second_target is not None and known.second_target.code == ENGINEERING_MANAGERS
    assert known.second_gaps and all(g.element_id not in {x.element_id for x in known.gaps} for g in known.second_gaps)


def test_choosing_one_of_the_two_leaves_the_other_out_of_the_plan(careers) -> None:
    from bot.conversation.answers import validate_answer
    from bot.conversation.outcome import AnswerContext

    compared = [
        {"code": PRODUCTION_MANAGERS, "title": "Industrial Production Managers", "words": "plant manager", COMPARED: True},
        {"code": ENGINEERING_MANAGERS, "title": "Architectural and Engineering Managers", "words": "chief engineer", COMPARED: True},
    ]
    slots = {**ENGINEER, "target_roles": "plant manager or chief engineer", "occupation_candidates": compared}
    one = validate_answer(QUESTIONS["target_occupation"], '/inform{"choice": "11-9041.00"}', AnswerContext(today=TODAY, slots=slots, careers=careers))
    both = validate_answer(QUESTIONS["target_occupation"], '/inform{"choice": "both"}', AnswerContext(today=TODAY, slots=slots, careers=careers))

    assert one.value == ENGINEERING_MANAGERS and one.extra["target_roles"] == "chief engineer"
    assert both.value == PRODUCTION_MANAGERS and "target_roles" not in both.extra
    assert Known({**slots, "target_roles": "chief engineer", "target_occupation": ENGINEERING_MANAGERS}, careers, TODAY).second_target is None


def test_the_seconds_own_skills_are_asked_about_the_second(careers) -> None:
    from bot.conversation.prompts import question_prompt

    _, rows = skills_to_rate(BOTH, careers)
    first_count = sum(r["occupation_code"] == PRODUCTION_MANAGERS for r in rows)
    levels = {r["element_id"]: 3 for r in rows[:first_count]}
    prompt = question_prompt(QUESTIONS["skills_gap"], {**BOTH, "skill_levels": levels}, TODAY, careers=careers)

    assert prompt.text.startswith(f"Skills gap for Architectural and Engineering Managers · {first_count + 1} of {len(rows)}: ")


def test_the_comparison_reads_the_persons_values_and_names_the_constraint_onet_cannot_judge(careers) -> None:
    said = {**ENGINEER, "values": "work-life balance, stability and doing technically good work",
            "constraints": "no night shifts or on-call, two young kids"}
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    comparison = compare(Known(said, careers, TODAY), ("plant manager", a), ("chief engineer", b))
    text = comparison_text(comparison)

    conditions = next(v for v in comparison.values if v.element == "Working Conditions")
    assert conditions.words == "work-life balance, stability"
    assert conditions.a == careers.catalogue.work_values[PRODUCTION_MANAGERS]["1.B.2.b"]
    assert "• What you value – work-life balance, stability (O*NET's “working conditions”): high (5.7 of 7) | high (6.0 of 7)" in text
    assert "“no night shifts or on-call, two young kids”: O*NET's data here says nothing about shifts" in text


def test_without_values_or_schedule_constraints_the_comparison_claims_nothing_about_them(careers) -> None:
    said = {**ENGINEER, "values": "hmm", "constraints": "none really"}
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    comparison = compare(Known(said, careers, TODAY), ("plant manager", a), ("chief engineer", b))

    assert comparison.values == () and comparison.constraint is None
    assert "What you value" not in comparison_text(comparison)


def test_both_targets_kept_get_goals_toward_each(careers) -> None:
    from bot.counsel.suggestions import offer_for

    known = Known(BOTH, careers, TODAY)
    short, medium = offer_for("goal_short", known), offer_for("goal_medium", known)

    assert known.second_target_words == "chief engineer"
    assert short is not None and any("chief engineer" in o.text for o in short.options)
    assert medium is not None and [o.text for o in medium.options][:2] == [
        "Move into a plant manager role by December 2028", "Move into a chief engineer role by December 2028"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can you compare architectural and engineering managers with industrial production managers?", (ENGINEERING_MANAGERS, PRODUCTION_MANAGERS)),
        ("Which one fits me better given I can't do nights – chief engineer or plant manager?", (ENGINEERING_MANAGERS, PRODUCTION_MANAGERS)),
        ("can you compare the two?", (PRODUCTION_MANAGERS, ENGINEERING_MANAGERS)),  # the person's own targets, in their order
    ],
)
def test_the_pair_a_comparison_names_is_found_wherever_the_words_split(careers, text, expected) -> None:
    from bot.counsel.compare import named_pair

    pair = named_pair(text, Known(BOTH, careers, TODAY))

    assert pair is not None and (pair[0][1].code, pair[1][1].code) == expected


def test_the_comparison_ends_with_a_reasoned_view_and_what_may_decide_it(careers) -> None:
    said = {**ENGINEER, "education": "master", "values": "doing technically good work", "constraints": "no night shifts"}
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    last = comparison_text(compare(Known(said, careers, TODAY), ("plant manager", a), ("chief engineer", b))).splitlines()[-1]

    assert last.startswith("Weighing it up (Waypoint): ")
    assert "chief engineer" in last and "it offers more of what you value (good work)" in last
    assert "less preparation" not in last  # a master's degree reaches either
    assert last.endswith("What may well decide it is your constraint – “no night shifts”: ask how each role handles it where you work before you choose.")


def test_pay_is_never_read_from_o_nets_working_conditions(careers) -> None:
    said = {**ENGINEER, "values": "salary and good pay"}
    a, b = careers.occupation(PRODUCTION_MANAGERS), careers.occupation(ENGINEERING_MANAGERS)
    comparison = compare(Known(said, careers, TODAY), ("plant manager", a), ("chief engineer", b))

    assert comparison.values == ()
    assert "salary" not in comparison_text(comparison) and "pay" not in comparison_text(comparison).split("Weighing")[1]


def test_an_accountants_finance_manager_or_fpa_analyst_are_two_targets(careers) -> None:
    two = two_targets("finance manager or FP&A analyst", careers, careers.occupation("13-2011.00"))

    assert two is not None and [o.code for _, o in two] == ["11-3031.00", "13-2051.00"]
