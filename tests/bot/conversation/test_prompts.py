"""bot.conversation.prompts: the text and buttons of each question."""

from __future__ import annotations

import json

import pytest

from bot.conversation.prompts import Button, misunderstanding_help, question_prompt, stage_opening
from bot.conversation.stages import QUESTIONS


@pytest.mark.parametrize(
    "key", ["career_direction", "path_type", "education", "situation", "key_people", "review_frequency"]
)
def test_choice_prompt_has_one_button_per_choice(today, key):
    question = QUESTIONS[key]
    prompt = question_prompt(question, {}, today)
    assert [b.title for b in prompt.buttons] == [c.title for c in question.choices]
    assert [b.payload for b in prompt.buttons] == [
        "/inform" + json.dumps({"choice": c.value}) for c in question.choices
    ]
    assert prompt.text.startswith(question.prompt)


def test_path_type_buttons_carry_inform_payloads(today):
    prompt = question_prompt(QUESTIONS["path_type"], {}, today)
    assert [b.as_dict() for b in prompt.buttons] == [
        {"title": "Traditional", "payload": '/inform{"choice": "traditional"}'},
        {"title": "Network", "payload": '/inform{"choice": "network"}'},
        {"title": "Lateral", "payload": '/inform{"choice": "lateral"}'},
        {"title": "Dual ladder", "payload": '/inform{"choice": "dual_ladder"}'},
    ]


@pytest.mark.parametrize("key", ["career_direction", "path_type"])
def test_choice_prompt_explains_each_choice(today, key):
    question = QUESTIONS[key]
    prompt = question_prompt(question, {}, today)
    assert prompt.text == question.prompt + "\n" + "\n".join(f"• {c.title}: {c.explanation}" for c in question.choices)
    assert "• Dual ladder: A specialist track that runs parallel to the management track, with equal standing." in (
        question_prompt(QUESTIONS["path_type"], {}, today).text
    )


def test_choices_without_explanations_show_only_the_question(today):
    assert question_prompt(QUESTIONS["education"], {}, today).text == QUESTIONS["education"].prompt


def test_yes_no_prompt_has_affirm_and_deny(today):
    prompt = question_prompt(QUESTIONS["consent"], {}, today)
    assert prompt.text == QUESTIONS["consent"].prompt
    assert prompt.buttons == (Button("Yes", "/affirm"), Button("No", "/deny"))


def test_text_question_has_no_buttons(today):
    prompt = question_prompt(QUESTIONS["current_role"], {}, today)
    assert prompt.text == "What is your current role or job title?"
    assert prompt.buttons == ()


def test_goal_confirmation_shows_goal_date_and_measure_escaped(today):
    slots = {
        "goal_short": "Lead <team> & more",
        "goal_short_due": "2027-04-15",
        "goal_short_measure": "I'm <i>lead</i>",
    }
    prompt = question_prompt(QUESTIONS["goal_short_confirmed"], slots, today)
    assert prompt.text == (
        "Your short-term goal: “Lead &lt;team&gt; & more”\n"
        "• Reach it by: 15 April 2027\n"
        "• Done when: I'm &lt;i&gt;lead&lt;/i&gt;\n"
        "Is that right? (Say yes, no, or give another date.)"
    )
    assert [b.payload for b in prompt.buttons] == ["/affirm", "/deny"]


def test_goal_confirmation_uses_its_own_horizon(today):
    slots = {
        "goal_short": "Something else",
        "goal_long": "Become head of analytics",
        "goal_long_due": "2032-12-31",
        "goal_long_measure": "the appointment letter",
    }
    text = question_prompt(QUESTIONS["goal_long_confirmed"], slots, today).text
    assert text.startswith("Your long-term goal: “Become head of analytics”\n")
    assert "• Reach it by: 31 December 2032\n" in text
    assert "• Done when: the appointment letter\n" in text


@pytest.mark.parametrize(
    ("slots", "default", "proposed"),
    [
        ({"review_frequency": 3}, 6, "22 February 2027"),
        ({"review_frequency": 12}, 6, "22 November 2027"),
        ({}, 6, "22 May 2027"),
        ({}, 12, "22 November 2027"),
    ],
)
def test_review_date_prompt_proposes_today_plus_frequency(today, slots, default, proposed):
    prompt = question_prompt(QUESTIONS["next_review_date"], slots, today, default)
    assert prompt.text == (
        f"Then your next review would be on {proposed}. Does that work, or would you like another date?"
    )
    assert prompt.buttons == (Button("Yes, that works", "/affirm"),)


def test_misunderstanding_help_for_a_skippable_choice_question():
    prompt = misunderstanding_help(QUESTIONS["path_type"], "Ann Smith in HR (ext. 1234)")
    assert "Ann Smith in HR (ext. 1234) can help you in person" in prompt.text
    assert "talk to a counselor" in prompt.text
    assert [b.title for b in prompt.buttons] == [
        "Traditional",
        "Network",
        "Lateral",
        "Dual ladder",
        "Why do you ask?",
        "Skip this question",
        "Talk to a counselor",
    ]
    assert prompt.buttons[-3].payload == "/ask_why"
    assert prompt.buttons[-2].payload == "skip"
    assert prompt.buttons[-1].payload == "/request_human"  # accepting the offer hands over


@pytest.mark.parametrize("key", ["consent", "goal_short_confirmed"])
def test_misunderstanding_help_for_yes_no_questions_is_not_skippable(key):
    prompt = misunderstanding_help(QUESTIONS[key], "your HR career counselor")
    assert "your HR career counselor can help you in person" in prompt.text
    assert prompt.buttons == (
        Button("Yes", "/affirm"), Button("No", "/deny"), Button("Why do you ask?", "/ask_why"),
        Button("Talk to a counselor", "/request_human"),
    )


@pytest.mark.parametrize(
    ("key", "skip_offered"), [("current_role", True), ("goal_short_due", False), ("next_review_date", False)]
)
def test_misunderstanding_help_offers_skip_only_for_skippable_questions(key, skip_offered):
    titles = [b.title for b in misunderstanding_help(QUESTIONS[key], "HR").buttons]
    assert ("Skip this question" in titles) is skip_offered
    assert titles[0] == "Why do you ask?"


def test_stage_opening():
    assert stage_opening("goals").startswith("Stage 5 of 7 – Goals\nNow let's set SMART goals")


def test_the_principles_about_two_roles_invite_an_answer_for_each():
    from datetime import date

    from bot.conversation.prompts import question_prompt
    from bot.conversation.stages import QUESTIONS

    prompt = question_prompt(QUESTIONS["principle_preference"], {"leaning_direction": "chief engineer or plant manager"}, date(2026, 12, 7))

    assert "“yes for chief engineer, partly for plant manager”" in prompt.text
