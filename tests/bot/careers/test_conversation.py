"""The career database in the conversation, through bot.conversation.answers.validate_answer and
bot.conversation.prompts.question_prompt as the stage forms use them."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversation.answers import AnswerContext, Outcome, validate_answer
from bot.careers import profiler
from bot.careers.conversation import SKIPPED, answer_career_question, occupations_in_question
from bot.conversation.progress import missing_keys
from bot.conversation.prompts import question_prompt
from bot.conversation.stages import QUESTIONS, STAGES_BY_KEY

WEB_DEVELOPERS = "15-1254.00"
REGISTERED_NURSES = "29-1141.00"
ACCOUNTANTS = "13-2011.00"


@pytest.fixture
def reply(careers, today):
    """Validates one reply to a question, with the given slots and the career database."""

    def answer(key: str, text: str, slots: dict[str, Any] | None = None, with_careers: bool = True) -> Outcome:
        ctx = AnswerContext(today=today, slots=slots or {}, careers=careers if with_careers else None)
        return validate_answer(QUESTIONS[key], text, ctx)

    return answer


@pytest.fixture
def ask(careers, today):
    def prompt(key: str, slots: dict[str, Any] | None = None):
        return question_prompt(QUESTIONS[key], slots or {}, today, careers=careers)

    return prompt


def choice(value: str) -> str:
    return f'/inform{{"choice": "{value}"}}'


# ---- current and target roles ------------------------------------------------------------


def test_a_clear_current_role_fills_the_occupation(reply) -> None:
    outcome = reply("current_role", "I'm a backend dev at a bank")

    assert outcome.ok
    assert outcome.value == "I'm a backend dev at a bank"  # the person's words are kept
    assert outcome.extra == {"current_occupation": WEB_DEVELOPERS, "occupation_candidates": None}
    assert outcome.notice == "I'll use O*NET's “Web Developers” for that."


def test_an_ambiguous_current_role_leaves_candidates(reply) -> None:
    outcome = reply("current_role", "teacher")

    assert outcome.ok and outcome.value == "teacher"
    assert outcome.extra["current_occupation"] is None
    candidates = outcome.extra["occupation_candidates"]
    assert len(candidates) == 3
    assert all(set(c) == {"code", "title"} and "Teacher" in c["title"] for c in candidates)
    assert outcome.notice is None


def test_an_ambiguous_role_keeps_the_needs_stage_on_the_occupation(reply) -> None:
    outcome = reply("current_role", "teacher")
    slots = {"situation": "stalled", "current_role": outcome.value, **outcome.extra}
    assert missing_keys(STAGES_BY_KEY["needs"], slots)[0] == "current_occupation"


def test_an_unknown_current_role_leaves_no_candidates(reply) -> None:
    outcome = reply("current_role", "qwertyuiop")
    assert outcome.ok
    assert outcome.extra == {"current_occupation": None, "occupation_candidates": []}


def test_without_the_career_database_the_occupation_is_skipped(reply) -> None:
    outcome = reply("current_role", "data scientist", with_careers=False)
    assert outcome.ok
    assert outcome.extra["current_occupation"] == SKIPPED


def test_a_suggested_role_button_takes_the_occupation_title(reply) -> None:
    outcome = reply("target_roles", choice("15-2051.00"))

    assert outcome.ok
    assert outcome.value == "Data Scientists"
    assert outcome.extra["target_occupation"] == "15-2051.00"
    assert outcome.extra["skills_gap"] is None  # to be asked: Data Scientists have skills to rate


def test_the_first_of_several_target_roles_is_looked_up(reply) -> None:
    outcome = reply("target_roles", "data scientist or product manager")
    assert outcome.value == "data scientist or product manager"
    assert outcome.extra["target_occupation"] == "15-2051.00"


def test_current_occupation_button_is_taken(reply) -> None:
    outcome = reply("current_occupation", choice("25-2031.00"), {"current_role": "teacher"})

    assert outcome.ok
    assert outcome.value == "25-2031.00"  # the code is stored; people see the title
    assert outcome.display == "Secondary School Teachers, Except Special and Career/Technical Education"
    assert outcome.extra == {"occupation_candidates": None}


@pytest.mark.parametrize("text", [choice("none"), "none of these", "None of them", "neither"])
def test_none_of_these_skips_the_occupation(reply, text) -> None:
    outcome = reply("current_occupation", text, {"current_role": "teacher"})

    assert outcome.ok and outcome.skipped
    assert outcome.value == SKIPPED
    assert outcome.extra == {"occupation_candidates": None}


def test_a_typed_occupation_is_resolved(reply) -> None:
    outcome = reply("current_occupation", "data scientist", {"current_role": "analyst"})
    assert outcome.ok and outcome.value == "15-2051.00"


def test_an_ambiguous_typed_occupation_offers_candidates(reply) -> None:
    outcome = reply("current_occupation", "high school teacher", {"current_role": "teacher"})

    assert not outcome.ok
    assert outcome.problem == "I found a few occupations by that name – which one is closest?"
    assert "25-2031.00" in [c["code"] for c in outcome.extra["occupation_candidates"]]


def test_an_unknown_typed_occupation_is_asked_again(reply) -> None:
    outcome = reply("current_occupation", "qwertyuiop", {"current_role": "teacher"})
    assert not outcome.ok
    assert outcome.problem.startswith("I couldn't find “qwertyuiop” among O*NET's occupations.")


def test_occupation_prompt_offers_the_candidates_as_buttons(ask) -> None:
    candidates = [
        {"code": "25-2031.00", "title": "Secondary School Teachers"},
        {"code": "25-2021.00", "title": "Elementary School Teachers"},
    ]
    prompt = ask("current_occupation", {"current_role": "teacher", "occupation_candidates": candidates})

    assert "which of these is closest to “teacher”" in prompt.text
    assert [(b.title, b.payload) for b in prompt.buttons] == [
        ("Secondary School Teachers", choice("25-2031.00")),
        ("Elementary School Teachers", choice("25-2021.00")),
        ("None of these", choice("none")),
    ]


def test_occupation_prompt_looks_the_role_up_again_after_a_restart(ask) -> None:
    prompt = ask("current_occupation", {"current_role": "nurse"})  # candidates were not kept
    assert choice(REGISTERED_NURSES) in [b.payload for b in prompt.buttons]


def test_target_roles_prompt_suggests_steps_along_the_chosen_path(ask) -> None:
    prompt = ask("target_roles", {"current_occupation": REGISTERED_NURSES, "path_type": "traditional"})

    assert prompt.text.startswith("From Registered Nurses, a traditional path")
    assert choice("29-1171.00") in [b.payload for b in prompt.buttons]  # Nurse Practitioners


@pytest.mark.parametrize(
    ("key", "follow_ups", "stage"),
    [("current_role", ["current_occupation"], "needs"), ("target_roles", ["target_occupation", "skills_gap"], "exploration")],
)
def test_skipping_a_role_skips_its_occupation(reply, key, follow_ups, stage) -> None:
    outcome = reply(key, "skip")
    assert outcome.skipped

    slots = {key: outcome.value, **outcome.extra}
    assert {k: slots.get(k) for k in follow_ups} == dict.fromkeys(follow_ups, SKIPPED)
    assert not set(follow_ups) & set(missing_keys(STAGES_BY_KEY[stage], slots))


# ---- the interest profiler ---------------------------------------------------------------


@pytest.fixture
def items(careers):
    return careers.catalogue.profiler_items


def test_one_answer_is_kept_and_the_next_item_asked(reply) -> None:
    outcome = reply("interest_profile", "5", {"take_profiler": True})

    assert not outcome.ok
    assert outcome.problem == ""  # not a misunderstanding: nothing to tell
    assert outcome.extra == {"interest_responses": {"1": 5}}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (choice("4"), {"1": 5, "2": 4}),
        ("strongly dislike", {"1": 5, "2": 1}),
        ("skip", {"1": 5, "2": None}),
        ("3 2 1", {"1": 5, "2": 3, "3": 2, "4": 1}),
    ],
)
def test_answers_go_to_the_next_items(reply, text, kept) -> None:
    outcome = reply("interest_profile", text, {"interest_responses": {"1": 5}})
    assert outcome.extra == {"interest_responses": kept}


def test_an_unclear_answer_explains_the_scale(reply) -> None:
    outcome = reply("interest_profile", "bananas", {"interest_responses": {"1": 5}})

    assert not outcome.ok
    assert outcome.problem.startswith("Tap one of the buttons, or type a number: 1 Strongly dislike")
    assert outcome.extra == {}  # nothing kept, nothing lost


def test_the_last_answer_gives_the_holland_code_and_suggestions(reply, items) -> None:
    values = {"R": 1, "I": 4, "A": 5, "S": 3, "E": 1, "C": 2}
    responses = profiler.as_slot({i.number: values[i.area] for i in items[:59]})
    assert items[59].area == "C"

    outcome = reply("interest_profile", "2", {"interest_responses": responses, "education": "bachelor"})

    assert outcome.ok
    assert outcome.value == {"code": "AIS", "scores": {"R": 0.0, "I": 30.0, "A": 40.0, "S": 20.0, "E": 0.0, "C": 10.0}}
    assert outcome.display == "AIS – Artistic, Investigative, Social (R 0, I 30, A 40, S 20, E 0, C 10)"
    assert len(outcome.extra["interest_responses"]) == 60
    assert "Your Holland code is AIS – Artistic, Investigative, Social." in outcome.notice
    # a bachelor's degree: suggestions at job zone 4 and the next
    assert "Occupations that fit your interests at job zones 4 and 5 (your level and the next):\n1. " in outcome.notice
    assert "never a basis for selection" in outcome.notice


def test_suggestions_use_the_current_occupation_job_zone(reply, items) -> None:
    responses = profiler.as_slot({i.number: 5 if i.area == "C" else 2 for i in items[:59]})
    outcome = reply("interest_profile", "5", {"interest_responses": responses, "current_occupation": "43-4171.00"})

    assert outcome.value["code"].startswith("C")
    assert "at job zones 2 and 3" in outcome.notice  # receptionists are job zone 2


def test_stopping_with_too_few_answers_warns_once_then_skips_the_profile(reply) -> None:
    warned = reply("interest_profile", "stop", {"interest_responses": {"1": 5, "2": 4}})

    assert not warned.ok and warned.problem.startswith("You've rated 2 activities so far. To score your interest profile")
    assert warned.extra == {"interest_responses": {"1": 5, "2": 4}, "profiler_stop_warned": True}

    outcome = reply("interest_profile", "stop", {"interest_responses": {"1": 5, "2": 4}, "profiler_stop_warned": True})

    assert outcome.ok and outcome.skipped
    assert outcome.value == SKIPPED
    assert outcome.display == "not scored (too few answers)"
    assert outcome.notice.startswith("There aren't enough answers to score your interest profile")
    assert outcome.extra == {"interest_responses": {"1": 5, "2": 4}, "profiler_stop_warned": None}


def test_stopping_after_half_still_scores(reply, items) -> None:
    # the first 36 items hold six of each area: enough to score every area
    values = {"R": 2, "I": 3, "A": 4, "S": 5, "E": 1, "C": 1}
    responses = profiler.as_slot({i.number: values[i.area] for i in items[:36]})
    outcome = reply("interest_profile", "stop", {"interest_responses": responses})

    assert outcome.ok and not outcome.skipped
    assert outcome.value["code"] == "SAI"
    assert outcome.value["scores"] == {"R": 10.0, "I": 20.0, "A": 30.0, "S": 40.0, "E": 0.0, "C": 0.0}


def test_a_flat_profile_is_not_blamed_on_too_few_answers(reply, items) -> None:
    responses = profiler.as_slot({i.number: 3 for i in items[:59]})
    outcome = reply("interest_profile", "3", {"interest_responses": responses})

    assert outcome.skipped
    assert "enough answers" not in outcome.notice
    assert "too few" not in outcome.display


def test_profiler_prompt_shows_the_next_item_with_five_buttons(ask, items) -> None:
    prompt = ask("interest_profile", {"interest_responses": {"1": 5, "2": None}})

    assert "Interest profiler · 3 of 60 (batch 1 of 6)" in prompt.text
    assert f"“{items[2].text}”" in prompt.text and "**" not in prompt.text  # plain text: no markup shown raw
    assert [b.title for b in prompt.buttons] == ["Strongly dislike", "Dislike", "Unsure", "Like", "Strongly like"]
    assert [b.payload for b in prompt.buttons] == [choice(str(v)) for v in range(1, 6)]


def test_profiler_prompt_marks_the_end_of_a_batch(ask) -> None:
    prompt = ask("interest_profile", {"interest_responses": {str(n): 4 for n in range(1, 11)}})
    assert prompt.text.startswith("Batch 1 of 6 done – 50 to go. Your answers are kept.\nInterest profiler · 11 of 60")


def test_take_profiler_prompt_explains_the_profiler(ask) -> None:
    prompt = ask("take_profiler")
    assert "60 short work activities" in prompt.text
    assert [b.payload for b in prompt.buttons] == ["/affirm", "/deny"]


# ---- skills gap ---------------------------------------------------------------------------


@pytest.fixture
def nurse_skills(careers) -> list[str]:
    """What Registered Nurses are rated on, as it is asked (issue 12): the four skills that set
    them apart – not the Reading Comprehension every occupation needs – and two main knowledge areas."""
    from bot.careers.conversation import rated_requirements

    rated = rated_requirements(careers, REGISTERED_NURSES)
    assert [q.kind for q in rated] == ["skill"] * 4 + ["knowledge"] * 2
    return [q.element_id for q in rated]


def rate(reply, answers: list[str], slots: dict[str, Any]) -> list[Outcome]:
    outcomes = []
    for text in answers:
        outcome = reply("skills_gap", text, slots)
        outcomes.append(outcome)
        if "skill_levels" in outcome.extra:
            slots = {**slots, "skill_levels": outcome.extra["skill_levels"]}
    return outcomes


def test_choosing_a_target_occupation_opens_the_skills_gap(reply) -> None:
    outcome = reply("target_occupation", choice(REGISTERED_NURSES), {"target_roles": "nurse"})
    assert outcome.ok and outcome.value == REGISTERED_NURSES
    assert outcome.extra == {"skill_levels": None, "skills_gap": None, "occupation_candidates": None}


def test_a_target_without_skill_ratings_skips_the_skills_gap(reply) -> None:
    outcome = reply("target_occupation", choice("11-9199.00"), {"target_roles": "manager"})  # Managers, All Other
    assert outcome.extra["skills_gap"] == SKIPPED


def test_ratings_are_taken_one_by_one_and_the_last_names_the_gaps(reply, nurse_skills) -> None:
    # Service Orientation 2, Social Perceptiveness 4, Coordination skipped, Judgment and
    # Decision Making 6; knowledge: Medicine and Dentistry 1, Psychology 3
    outcomes = rate(reply, [choice("2"), "4", "skip", "advanced", "level 1", choice("3")], {"target_occupation": REGISTERED_NURSES})

    for step, outcome in enumerate(outcomes[:-1], 1):
        assert not outcome.ok and outcome.problem == ""
        assert len(outcome.extra["skill_levels"]) == step
        assert len(outcome.extra["skill_ratings_record"]["ratings"]) == step
    last = outcomes[-1]
    assert last.ok
    assert last.value["occupation"] == REGISTERED_NURSES
    assert [r["element_id"] for r in last.value["ratings"]] == nurse_skills
    assert [r["self_level"] for r in last.value["ratings"]] == [2, 4, None, 6, 1, 3]
    record = last.extra["skill_ratings_record"]
    assert record["occupation_code"] == REGISTERED_NURSES
    assert [{k: v for k, v in r.items() if k != "occupation_code"} for r in record["ratings"]] == last.value["ratings"]
    assert "also" not in last.value
    # largest gap (in whole levels) x importance first: Psychology and Medicine and Dentistry are both
    # 3 levels short, and Psychology matters more to nurses
    assert last.display == (
        "for Registered Nurses: Psychology (3 of 6 needed), Medicine and Dentistry (1 of 4 needed), "
        "Service Orientation (2 of 4 needed)"
    )
    assert "Your biggest gaps, and how to close them:" in last.notice
    gaps_part = last.notice.split("Your biggest gaps, and how to close them:")[1]
    assert [line.split(":")[0] for line in gaps_part.strip().splitlines()[:3]] == [
        "• Psychology", "• Medicine and Dentistry", "• Service Orientation",
    ]
    assert "• Service Orientation: mentoring or coaching" in last.notice


def test_stop_leaves_the_remaining_skills_unrated(reply) -> None:
    outcomes = rate(reply, ["5", "stop"], {"target_occupation": REGISTERED_NURSES})
    last = outcomes[-1]

    assert last.ok
    assert [r["self_level"] for r in last.value["ratings"]] == [5, None, None, None, None, None]
    assert last.display == "no skill gaps found for Registered Nurses"


def test_an_unclear_rating_is_asked_again(reply) -> None:
    outcome = reply("skills_gap", "bananas", {"target_occupation": REGISTERED_NURSES})
    assert not outcome.ok
    assert outcome.problem.startswith("Tap a level or type a number from 0 (none) to 7 (expert)")
    assert outcome.extra == {}


def test_several_ratings_at_once_are_asked_one_at_a_time(reply) -> None:
    outcome = reply("skills_gap", "6 6 5 6 5", {"target_occupation": REGISTERED_NURSES})
    assert not outcome.ok
    assert outcome.problem.startswith("One skill at a time, please")
    assert outcome.extra == {}


def test_no_target_occupation_skips_the_skills_gap(reply) -> None:
    outcome = reply("skills_gap", "4", {"target_occupation": SKIPPED})
    assert outcome.ok and outcome.skipped


def test_skills_prompt_names_the_skill_and_the_needed_level(ask) -> None:
    prompt = ask("skills_gap", {"target_occupation": REGISTERED_NURSES, "skill_levels": {"2.B.1.f": 3}})

    assert prompt.text.startswith("Skills gap for Registered Nurses · 2 of 6: Social Perceptiveness")
    assert "Registered Nurses need about level 4 of 7" in prompt.text
    assert [b.payload for b in prompt.buttons] == [choice(str(v)) for v in (0, 2, 4, 6, 7)]


# ---- questions about occupations at any time ----------------------------------------------


@pytest.mark.parametrize(
    ("intent", "text", "slots", "start"),
    [
        ("ask_occupation_description", "what does a data scientist do?", {}, "Data Scientists: Develop and implement"),
        ("ask_occupation_skills", "what skills does a nurse need?", {}, "The most important skills for Registered Nurses:"),
        (
            "ask_similar_occupations",
            "what jobs are like mine?",
            {"current_occupation": ACCOUNTANTS},
            "Occupations related to Accountants and Auditors:",
        ),
        ("ask_occupation_education", "what education does a pharmacist need?", {}, "Education of people working as Pharmacists:"),
    ],
)
def test_career_questions_are_answered(careers, intent, text, slots, start) -> None:
    assert answer_career_question(intent, text, [], slots, careers).startswith(start)


def test_answers_hold_the_facts(careers) -> None:
    description = answer_career_question("ask_occupation_description", "what does a data scientist do?", [], {}, careers)
    skills = answer_career_question("ask_occupation_skills", "what skills does a nurse need?", [], {}, careers)
    similar = answer_career_question(
        "ask_similar_occupations", "what jobs are like mine?", [], {"current_occupation": ACCOUNTANTS}, careers
    )
    education = answer_career_question("ask_occupation_education", "what education does a pharmacist need?", [], {}, careers)

    assert "Typical tasks:\n• " in description
    assert "• Social Perceptiveness – importance 4.1/5, level 4.4/7" in skills
    assert "• Budget Analysts (job zone 4)" in similar
    assert "• Doctoral Degree: 78%" in education
    assert "Job Zone Five: Extensive Preparation Needed." in education


def test_the_occupation_entity_wins_over_the_words(careers) -> None:
    reply = answer_career_question("ask_occupation_skills", "what skills do I need for that?", ["accountant"], {}, careers)
    assert reply.startswith("The most important skills for Accountants and Auditors:")


def test_the_role_aimed_for_is_taken_from_the_slots(careers) -> None:
    reply = answer_career_question(
        "ask_occupation_skills",
        "what skills does the role I'm aiming for need?",
        [],
        {"target_occupation": REGISTERED_NURSES},
        careers,
    )
    assert reply.startswith("The most important skills for Registered Nurses:")


def test_borrowed_ratings_are_said_to_be_borrowed(careers) -> None:
    reply = answer_career_question("ask_occupation_skills", "what skills does a software developer need?", [], {}, careers)
    assert reply.startswith("The most important skills for Software Developers (O*NET has not rated this occupation yet;")


def test_an_ambiguous_occupation_names_the_alternatives(careers) -> None:
    reply = answer_career_question("ask_occupation_description", "what does a nurse do?", [], {}, careers)
    assert reply.startswith("Registered Nurses: ")
    assert "ask about it by name.)" in reply.splitlines()[-2]  # the last line is the O*NET credit
    assert "(If you meant Acute Care Nurses or Critical Care Nurses" in reply


@pytest.mark.parametrize(
    ("intent", "text", "slots"),
    [
        ("ask_occupation_description", "what does a qwertyuiop do?", {}),
        ("ask_occupation_skills", "what skills do I need?", {}),
        ("ask_similar_occupations", "what jobs are similar?", {}),
    ],
)
def test_an_unknown_occupation_asks_which_one(careers, intent, text, slots) -> None:
    assert answer_career_question(intent, text, [], slots, careers).startswith("Which occupation do you mean?")


def test_jobs_like_mine_without_a_known_occupation_asks_which_one(careers) -> None:
    reply = answer_career_question("ask_similar_occupations", "what jobs are like mine?", [], {}, careers)
    assert reply.startswith("I don't know your current job in the career database yet.")
    assert "Explosives" not in reply


def test_without_the_career_database_the_question_waits(careers) -> None:
    reply = answer_career_question("ask_occupation_skills", "what skills does a nurse need?", ["nurse"], {}, None)
    assert reply.startswith("The career database is not available right now")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("what does a data scientist do?", "data scientist"),
        ("what skills does a nurse need?", "nurse"),
        ("what education does a pharmacist need?", "pharmacist"),
        ("tell me about being a graphic designer", "graphic designer"),
        ("what does a data scientist actually do?", "data scientist"),
    ],
)
def test_occupation_in_question(text, phrase) -> None:
    assert occupations_in_question(text)[0] == phrase


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("what does a nurse do day to day?", "Registered Nurses"),
        ("what does a software engineer do all day?", "Software Developers"),
    ],
)
def test_questions_with_a_tail_after_do(careers, text, title) -> None:
    reply = answer_career_question("ask_occupation_description", text, [], {}, careers)
    assert reply.startswith(f"{title}: ")


def test_skill_ratings_for_an_unrated_occupation_say_whose_levels_they_are(careers) -> None:
    # O*NET has no skill ratings for Software Developers; a related occupation's stand in
    from bot.careers.conversation import skills_prompt

    source = careers.catalogue.requirement_source("15-1252.00")
    assert source and source != "15-1252.00"
    prompt = skills_prompt({"target_occupation": "15-1252.00"}, careers)
    assert careers.catalogue.get(source).title in prompt.text
    rated = skills_prompt({"target_occupation": "15-2011.00"}, careers)
    assert "has not rated" not in rated.text


def test_no_target_occupation_means_no_skills_gap_and_an_unclear_new_target_clears_the_old_gap(careers) -> None:
    from bot.conversation.answers import AnswerContext, validate_answer
    from bot.conversation.stages import QUESTIONS
    from tests.conftest import TODAY

    old_gap = {"occupation": "13-2051.00", "title": "Financial and Investment Analysts", "ratings": []}
    slots = {"target_occupation": "13-2051.00", "skills_gap": old_gap, "target_roles": "financial analyst"}
    ctx = AnswerContext(today=TODAY, slots=slots, careers=careers)
    unclear = validate_answer(QUESTIONS["target_roles"], "teacher", ctx)
    assert unclear.ok and unclear.extra["target_occupation"] is None and unclear.extra["skills_gap"] is None
    none = validate_answer(QUESTIONS["target_occupation"], '/inform{"choice": "none"}', ctx)
    assert none.ok and none.skipped and none.extra["skills_gap"] == "(skipped)"


def test_answers_from_the_database_credit_onet(careers) -> None:
    from bot.careers.replies import ATTRIBUTION

    reply = answer_career_question("ask_occupation_skills", "what skills does a nurse need?", [], {}, careers)
    assert reply.endswith(ATTRIBUTION)


def test_the_longest_name_in_a_question_is_the_occupation_asked_about(careers) -> None:
    from bot.careers.conversation import answer_career_question

    answer = answer_career_question("ask_occupation_description", "What does a chief engineer do?", ["engineer"],
                                    {"current_occupation": "17-2141.00"}, careers)

    assert answer.startswith("Architectural and Engineering Managers:")


def test_a_suggested_role_named_by_its_words_is_that_role(reply) -> None:
    slots = {"current_occupation": "43-4051.00", "path_type": "traditional", "career_direction": "management"}
    outcome = reply("target_roles", "the first-line supervisors one", slots)

    assert outcome.ok and outcome.value == "First-Line Supervisors of Office and Administrative Support Workers"
    assert outcome.extra["target_occupation"] == "43-1011.00"


@pytest.mark.parametrize("text", ["no", "nope", "none of those"])
def test_no_to_the_occupations_offered_is_none_of_them(reply, text) -> None:
    offered = [{"code": "11-1011.00", "title": "Chief Executives"}]
    outcome = reply("target_occupation", text, {"target_roles": "team lead", "occupation_candidates": offered, "current_occupation": "43-4051.00"})

    assert outcome.ok and outcome.skipped and outcome.display == "none of O*NET's titles"


def test_a_target_o_net_files_under_the_persons_own_job_is_not_taken_silently(reply) -> None:
    outcome = reply("target_roles", "hr business partner", {"current_occupation": "13-1071.00"})

    assert outcome.ok and outcome.value == "hr business partner" and outcome.extra["target_occupation"] is None
    assert outcome.notice.startswith("O*NET files “hr business partner” under Human Resources Specialists – the same occupation as your current job")
    offered = [c["code"] for c in outcome.extra["occupation_candidates"]]
    assert offered[0] == "11-3121.00" and offered[-1] == "13-1071.00"  # the field's step up first, their own job last


def test_a_target_o_net_has_nothing_for_offers_the_fields_next_steps(reply) -> None:
    outcome = reply("target_roles", "people analytics", {"current_occupation": "13-1071.00"})

    assert outcome.ok and outcome.extra["target_occupation"] is None
    assert outcome.notice.startswith("O*NET has no occupation close to “people analytics” in your field")
    assert outcome.extra["occupation_candidates"][0]["code"] == "11-3121.00"


def test_the_rating_reference_leaves_out_o_nets_lowest_examples(careers) -> None:
    from bot.careers.conversation import skills_to_rate
    from bot.careers.replies import skill_prompt

    target, rows = skills_to_rate({"target_occupation": "11-3031.00"}, careers)
    assert target is not None
    text = skill_prompt(target, rows[0], 1, len(rows), careers.catalogue)

    assert "For reference: level 4 – " in text and "level 2 – " not in text


def test_a_long_message_is_read_for_occupations_in_linear_time() -> None:
    # the old ".*\b(?:an?|the)\s+(.+)$" backtracked: 16k characters took seconds on the action server's loop
    import time

    from bot.careers.conversation import occupations_in_question

    started = time.perf_counter()
    for text in ("ab " * 6000, "a " * 8000, "what do you do " * 1100):
        occupations_in_question(text)
    assert time.perf_counter() - started < 1.0  # was about 12 s
    assert occupations_in_question("what does a product manager actually do?")[0] == "product manager"
