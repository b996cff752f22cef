"""bot.conversation.answers: what a reply means for a question, or why it can't be used."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.answers import SKIPPED, AnswerContext, decode_payload, display_value, split_steps, validate_answer
from bot.conversation.stages import QUESTIONS


@pytest.fixture
def answer(today):
    """validate_answer for a question key, with optional slots and review default."""

    def _answer(key: str, text: object, slots: dict | None = None, default_review_months: int = 6):
        ctx = AnswerContext(today=today, slots=slots or {}, default_review_months=default_review_months)
        return validate_answer(QUESTIONS[key], text, ctx)

    return _answer


# -- input every question shares ---------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_empty_reply_is_rejected(answer, text):
    outcome = answer("current_role", text)
    assert outcome.ok is False
    assert outcome.value is None
    assert outcome.problem == "I didn't catch an answer there – could you put it in a few words?"


@pytest.mark.parametrize("key", ["current_role", "path_type", "goal_short", "time_in_role"])
def test_emoji_only_reply_is_rejected(answer, key):
    outcome = answer(key, "🚀🚀 🎉")
    assert outcome.ok is False
    assert outcome.problem == "I can't store just symbols or emoji as an answer – could you put it in words?"


def test_markup_is_kept_verbatim(answer):
    outcome = answer("current_role", "<b>Lead</b> & <script>dev</script>")
    assert outcome.ok is True
    assert outcome.value == "<b>Lead</b> & <script>dev</script>"
    assert outcome.display == "<b>Lead</b> & <script>dev</script>"


def test_long_answer_is_kept_whole_with_a_notice(answer):
    text = "I enjoy analysing data. " * 110  # 2,640 characters before cleaning
    outcome = answer("interests", text)
    cleaned = text.strip()
    assert outcome.ok is True
    assert outcome.value == cleaned
    assert len(outcome.value) == 2639
    assert outcome.notice == (
        "That's a long answer (2,639 characters) – I've kept all of it; the summary shows the beginning."
    )


def test_answer_at_the_limit_has_no_notice(answer):
    outcome = answer("interests", "x" * 2000)
    assert outcome.ok is True
    assert outcome.notice is None


@pytest.mark.parametrize("text", ["软件工程师", "مهندس برمجيات", "Инженер-программист", "ソフトウェアエンジニア"])
def test_non_latin_scripts_are_accepted(answer, text):
    outcome = answer("current_role", text)
    assert outcome.ok is True
    assert outcome.value == text
    assert outcome.problem is None


@pytest.mark.parametrize("text", ["skip", "Skip this one", "prefer not to say", "N/A", "next question"])
@pytest.mark.parametrize("key", ["current_role", "education", "path_type", "goal_short", "session_rating"])
def test_skip_phrases_skip_skippable_questions(answer, key, text):
    outcome = answer(key, text)
    assert outcome.ok is True
    assert outcome.skipped is True
    assert outcome.value == SKIPPED
    assert outcome.display == "(skipped)"


def test_skip_is_refused_for_consent(answer):
    outcome = answer("consent", "skip")
    assert outcome.ok is False
    assert outcome.skipped is False
    assert outcome.problem == "Please answer yes or no."


@pytest.mark.parametrize("key", ["goal_short_due", "goal_short_measure", "goal_short_confirmed", "next_review_date"])
def test_skip_is_refused_for_required_follow_ups(answer, key):
    outcome = answer(key, "skip")
    assert outcome.ok is False
    assert outcome.skipped is False
    assert outcome.value is None


def test_typed_text_question_refuses_a_button_payload(answer):
    outcome = answer("current_role", '/inform{"choice": "lateral"}')
    assert outcome.ok is False
    assert outcome.problem == "Please type your answer in your own words."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('/inform{"choice": "lateral"}', ("inform", "lateral")),
        ("/affirm", ("affirm", None)),
        ('/inform{"choice": 3}', ("inform", "3")),
        ("/inform{not json}", ("inform", None)),
        ("lateral", (None, None)),
    ],
)
def test_decode_payload(text, expected):
    assert decode_payload(text) == expected


# -- YES_NO -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("/affirm", True),
        ("/deny", False),
        ("👍", True),
        ("👎", False),
        ("yes", True),
        ("Yes, I agree", True),
        ("sure", True),
        ("no", False),
        ("nope", False),
        ("I do not agree", False),
    ],
)
def test_yes_no(answer, text, value):
    outcome = answer("consent", text)
    assert outcome.ok is True
    assert outcome.value is value
    assert outcome.display == ("yes" if value else "no")
    assert outcome.normalized == ("true" if value else "false")


@pytest.mark.parametrize("text", ["maybe", "what do you store?", "🤷"])
def test_yes_no_unclear_is_rejected(answer, text):
    outcome = answer("consent", text)
    assert outcome.ok is False
    assert outcome.problem == "Please answer yes or no."


# -- CHOICE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "value", "display"),
    [
        ("path_type", '/inform{"choice": "lateral"}', "lateral", "Lateral"),
        ("path_type", "I'd like to move sideways", "lateral", "Lateral"),
        ("path_type", "dual ladder", "dual_ladder", "Dual ladder"),
        ("path_type", "2", "network", "Network"),  # the number of the option
        ("career_direction", "Technical plus management", "technical_management", "Technical plus management"),
        ("career_direction", "management", "management", "Management"),
        ("career_direction", '/inform{"choice": "operational"}', "operational", "Operational skills"),
    ],
)
def test_choice(answer, key, text, value, display):
    outcome = answer(key, text)
    assert outcome.ok is True
    assert outcome.value == value
    assert outcome.display == display
    assert outcome.normalized == value


@pytest.mark.parametrize("text", ["banana", '/inform{"choice": "bogus"}'])
def test_choice_not_recognised_lists_the_options(answer, text):
    outcome = answer("path_type", text)
    assert outcome.ok is False
    assert outcome.problem == (
        "I didn't recognise that as one of the options: “Traditional”, “Network”, “Lateral”, "
        "“Dual ladder”. Tap a button or type its name."
    )


# -- CHOICE_OR_TEXT -----------------------------------------------------------------------


def test_choice_or_text_keeps_own_words_with_normalized_choice(answer):
    outcome = answer("education", "master's in economics")
    assert outcome.ok is True
    assert outcome.value == "master's in economics"
    assert outcome.display == "master's in economics"
    assert outcome.normalized == "master"


@pytest.mark.parametrize(
    ("text", "value", "display"),
    [
        ("Master's degree", "master", "Master's degree"),
        ('/inform{"choice": "master"}', "master", "Master's degree"),
        ("phd", "doctorate", "Doctorate"),
    ],
)
def test_choice_or_text_exact_choice_gives_choice_value(answer, text, value, display):
    outcome = answer("education", text)
    assert outcome.ok is True
    assert outcome.value == value
    assert outcome.display == display
    assert outcome.normalized == value


def test_choice_or_text_without_any_choice_keeps_text(answer):
    outcome = answer("situation", "I want to understand my options")
    assert outcome.ok is True
    assert outcome.value == "I want to understand my options"
    assert outcome.normalized is None


def test_choice_or_text_mentioned_choice_is_noted(answer):
    outcome = answer("situation", "I feel stuck")
    assert outcome.value == "I feel stuck"
    assert outcome.normalized == "stalled"


# -- MULTI_CHOICE -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "display"),
    [
        ("my manager and HR", ["manager", "hr"], "My manager, HR"),
        ("HR and my boss", ["manager", "hr"], "My manager, HR"),  # catalogue order
        ('/inform{"choice": "mentor"}', ["mentor"], "A mentor"),
        ("my colleagues, my partner", ["peers", "family"], "Peers and colleagues, Family"),
    ],
)
def test_multi_choice_key_people(answer, text, values, display):
    outcome = answer("key_people", text)
    assert outcome.ok is True
    assert outcome.value == values
    assert outcome.display == display
    assert outcome.normalized == ",".join(values)


@pytest.mark.parametrize("text", ["nobody", "No one", "none"])
def test_multi_choice_key_people_nobody(answer, text):
    outcome = answer("key_people", text)
    assert outcome.ok is True
    assert outcome.value == []
    assert outcome.display == "nobody named"


def test_multi_choice_key_people_unknown_is_rejected(answer):
    outcome = answer("key_people", "the cat")
    assert outcome.ok is False
    assert outcome.problem.startswith("Which of these matter for your plan:")


def test_multi_choice_development_means_own_words_kept(answer):
    outcome = answer("development_means", "reading books")
    assert outcome.ok is True
    assert outcome.value == ["reading books"]


def test_multi_choice_development_means_several(answer):
    outcome = answer("development_means", "a course and a mentor")
    assert outcome.value == ["training", "mentoring"]
    assert outcome.display == "Training and courses, Mentoring or coaching"


# -- DURATION -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "display", "months"),
    [
        ("2 years", "2 years", "24"),
        ("since March 2023", "since March 2023 (3 years 8 months)", "44"),
        ("just started", "just started (0 months)", "0"),
    ],
)
def test_duration(answer, text, display, months):
    outcome = answer("time_in_role", text)
    assert outcome.ok is True
    assert outcome.value == text
    assert outcome.display == display
    assert outcome.normalized == months


def test_duration_nonsense_is_rejected(answer):
    outcome = answer("time_in_role", "quite a while")
    assert outcome.ok is False
    assert "months or years" in outcome.problem


# -- GOAL ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["be better", "Improve", "get better at work", "I want to be happier", "grow"])
def test_vague_goal_is_rejected(answer, text):
    outcome = answer("goal_short", text)
    assert outcome.ok is False
    assert outcome.problem.startswith("That's a direction more than a goal.")
    assert outcome.extra == {}


def test_goal_with_date_sets_due_and_asks_its_own_success_criterion(answer):
    outcome = answer("goal_short", "Become team lead by next spring")
    assert outcome.ok is True
    assert outcome.value == "Become team lead by next spring"
    # the goal text is not its own success criterion ("Done when: become team lead"): asked next
    assert outcome.extra == {
        "goal_short_due": "2027-04-15",
        "goal_short_measure": None,
        "goal_short_confirmed": None,
    }
    assert outcome.notice is None


def test_goal_without_date_leaves_due_none(answer):
    outcome = answer("goal_short", "Become team lead")
    assert outcome.ok is True
    assert outcome.extra["goal_short_due"] is None
    assert outcome.extra["goal_short_measure"] is None
    assert outcome.extra["goal_short_confirmed"] is None


def test_goal_without_measurable_result_leaves_measure_none(answer):
    outcome = answer("goal_short", "have a nicer life")
    assert outcome.ok is True
    assert outcome.extra["goal_short_measure"] is None


def test_goal_with_past_date_is_rejected(answer):
    outcome = answer("goal_short", "Become team lead by March 2025")
    assert outcome.ok is False
    assert outcome.problem == "31 March 2025 has already passed – when do you want to reach this goal?"


@pytest.mark.parametrize(
    ("key", "text", "due", "measure", "notice"),
    [
        (
            "goal_medium",
            "Lead a team of five in our data department within two years",
            "2028-11-22",
            "Lead a team of five in our data department",
            None,
        ),
        (
            "goal_medium",
            "Become team lead by next spring",
            "2027-04-15",
            "Become team lead",
            "Noted – that's sooner than a typical medium-term goal; ambitious is good.",
        ),
        ("goal_long", "Become head of analytics in 2032", "2032-12-31", "Become head of analytics", None),
        (
            "goal_short",
            "Get promoted to senior in 18 months",
            "2028-05-22",
            "Get promoted to senior",
            "Noted – that's further out than a typical short-term goal, which is fine if it fits you.",
        ),
    ],
)
def test_goal_horizons(answer, key, text, due, measure, notice):
    outcome = answer(key, text)
    assert outcome.ok is True
    assert outcome.extra[f"{key}_due"] == due
    assert outcome.extra[f"{key}_measure"] is None, measure  # the criterion is asked on its own (issue 12)
    assert outcome.notice == notice


# -- GOAL_DUE / GOAL_MEASURE --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "display"),
    [
        ("next spring", "2027-04-15", "15 April 2027"),
        ("by June 2027", "2027-06-30", "30 June 2027"),
        ("in 6 months", "2027-05-22", "22 May 2027"),
    ],
)
def test_goal_due(answer, text, value, display):
    outcome = answer("goal_short_due", text)
    assert outcome.ok is True
    assert outcome.value == value
    assert outcome.display == display
    assert outcome.normalized == value


def test_goal_due_unreadable_is_rejected(answer):
    outcome = answer("goal_short_due", "whenever")
    assert outcome.ok is False
    assert outcome.problem.startswith("I couldn't read a date there.")


def test_goal_due_past_is_rejected(answer):
    outcome = answer("goal_short_due", "1 January 2020")
    assert outcome.ok is False
    assert outcome.problem == "1 January 2020 has already passed – pick a date in the future."


def test_goal_due_far_out_has_notice(answer):
    outcome = answer("goal_short_due", "in 3 years")
    assert outcome.value == "2029-11-22"
    assert outcome.notice == "Noted – that's further out than a typical short-term goal, which is fine if it fits you."


def test_goal_measure(answer):
    assert answer("goal_short_measure", "I have the title").value == "I have the title"
    short = answer("goal_short_measure", "done")
    assert short.ok is False
    assert short.problem.startswith("Could you describe it a little more")


# -- GOAL_CONFIRM -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["yes", "/affirm", "👍"])
def test_goal_confirm_yes(answer, text):
    outcome = answer("goal_short_confirmed", text)
    assert outcome.ok is True
    assert outcome.value is True
    assert outcome.display == "confirmed"


@pytest.mark.parametrize("text", ["no", "/deny"])
def test_goal_confirm_no_clears_goal_due_and_measure(answer, text):
    outcome = answer("goal_short_confirmed", text)
    assert outcome.ok is False
    assert outcome.problem == "OK, let's set that goal again."
    assert outcome.extra == {"goal_short": None, "goal_short_due": None, "goal_short_measure": None}


@pytest.mark.parametrize("text", ["make it June 2027", "no, by June 2027"])
def test_goal_confirm_new_date_changes_due(answer, text):
    outcome = answer("goal_short_confirmed", text)
    assert outcome.ok is False
    assert outcome.problem == "Changed the date to 30 June 2027."
    assert outcome.extra == {"goal_short_due": "2027-06-30"}


@pytest.mark.parametrize(
    ("text", "extra", "problem"),
    [
        ("no. done when = 3 reports automated", {"goal_short_measure": "3 reports automated"}, "Changed how you'll know it's done."),
        ("success criteria: two dashboards live", {"goal_short_measure": "two dashboards live"}, "Changed how you'll know it's done."),
        ("no, the goal is lead the inbound team", {"goal_short": "lead the inbound team"}, "Changed the goal."),
        ("The date is fine. Done when I have shadowed an HR partner", {"goal_short_measure": "I have shadowed an HR partner"},
         "Changed how you'll know it's done."),
    ],
)
def test_goal_confirm_one_part_corrected_in_words(answer, text, extra, problem):
    outcome = answer("goal_short_confirmed", text)
    assert (outcome.ok, outcome.extra, outcome.problem) == (False, extra, problem)


def test_goal_confirm_past_date_is_rejected(answer):
    outcome = answer("goal_short_confirmed", "by June 2020")
    assert outcome.ok is False
    assert outcome.problem == "30 June 2020 has already passed – pick a date in the future."
    assert outcome.extra == {}


def test_goal_confirm_unclear_asks_again(answer):
    outcome = answer("goal_medium_confirmed", "hmm")
    assert outcome.ok is False
    assert outcome.problem == "Is the goal right as shown? Please say yes, no, or give another date."
    assert outcome.extra == {}


# -- STEPS --------------------------------------------------------------------------------


def test_steps_split_by_semicolon_each_with_a_date(answer):
    outcome = answer(
        "action_steps", "Ask my manager about the rotation by 15 January; finish the SQL course in 3 months"
    )
    assert outcome.ok is True
    assert outcome.value == [
        {"description": "Ask my manager about the rotation", "due": "2027-01-15"},
        {"description": "finish the SQL course", "due": "2027-02-22"},
    ]
    assert outcome.extra == {"action_steps_draft": None}
    assert outcome.display == (
        "15 January 2027: Ask my manager about the rotation; "
        "22 February 2027: finish the SQL course"
    )  # the date once, as the step's date


def test_step_without_date_is_asked_for_and_completed_by_a_date_reply(answer):
    first = answer("action_steps", "Ask my manager about the rotation by 15 January; finish the SQL course")
    assert first.ok is False
    assert first.problem == (
        "When will you do “finish the SQL course”? Give a date like “by 15 January” or “in 2 months”."
    )
    draft = first.extra["action_steps_draft"]
    assert draft == [
        {"description": "Ask my manager about the rotation", "due": "2027-01-15"},
        {"description": "finish the SQL course", "due": None},
    ]

    second = answer("action_steps", "in 2 months", slots={"action_steps_draft": draft})
    assert second.ok is True
    assert second.value == [
        {"description": "Ask my manager about the rotation", "due": "2027-01-15"},
        {"description": "finish the SQL course", "due": "2027-01-22"},
    ]
    assert second.extra == {"action_steps_draft": None}
    # the draft passed in is not modified
    assert draft[1]["due"] is None


def test_step_date_reply_in_the_past_is_rejected(answer):
    draft = [{"description": "call HR", "due": None}]
    outcome = answer("action_steps", "1 January 2020", slots={"action_steps_draft": draft})
    assert outcome.ok is False
    assert outcome.problem == "1 January 2020 has already passed – pick a date in the future."


def test_step_with_past_date_is_rejected(answer):
    outcome = answer("action_steps", "Call HR by 1 March 2025")
    assert outcome.ok is False
    assert outcome.problem == "“Call HR by 1 March 2025”: 1 March 2025 has already passed – give a date in the future."


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("a thing; b thing", ["a thing", "b thing"]),
        ("a thing\nb thing", ["a thing", "b thing"]),
        ("1. call HR 2. do course", ["call HR", "do course"]),
        ("Talk to HR by March then finish the course", ["Talk to HR by March", "finish the course"]),
        ("• one • two", ["one", "two"]),
        ("Lead the 3 projects; call HR", ["Lead the 3 projects", "call HR"]),
    ],
)
def test_split_steps(text, steps):
    assert split_steps(text) == steps


# -- FREQUENCY ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("quarterly", 3),
        ("twice a year", 6),
        ("every 4 months", 4),
        ("yearly", 12),
        ("monthly", 1),
        ("every quarter i guess", 3),
        ("half-yearly", 6),
        ('/inform{"choice": "12"}', 12),
        ("Every 6 months (recommended)", 6),
    ],
)
def test_frequency(answer, text, months):
    outcome = answer("review_frequency", text)
    assert outcome.ok is True
    assert outcome.value == months
    assert outcome.display == f"every {months} months"
    assert outcome.normalized == str(months)


def test_frequency_not_sure_takes_the_default(answer):
    outcome = answer("review_frequency", "not sure", default_review_months=3)
    assert outcome.value == 3


def test_frequency_out_of_range_is_rejected(answer):
    outcome = answer("review_frequency", "every 36 months")
    assert outcome.ok is False
    assert outcome.problem == (
        "How many months between reviews? Most people choose every 3, 6 or 12 months (I'd suggest 6)."
    )


# -- REVIEW_DATE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "default", "expected"),
    [
        ({"review_frequency": 3}, 6, "2027-02-22"),
        ({"review_frequency": 12}, 6, "2027-11-22"),
        ({}, 6, "2027-05-22"),
        ({}, 4, "2027-03-22"),
    ],
)
def test_review_date_yes_accepts_proposed_date(answer, slots, default, expected):
    outcome = answer("next_review_date", "yes", slots=slots, default_review_months=default)
    assert outcome.ok is True
    assert outcome.value == expected
    assert outcome.normalized == expected


def test_review_date_other_date(answer):
    outcome = answer("next_review_date", "1 June", slots={"review_frequency": 3})
    assert outcome.value == "2027-06-01"
    assert outcome.display == "1 June 2027"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no", "Say yes to keep the proposed date, or give another one (e.g. “1 June”)."),
        ("1 January 2020", "1 January 2020 has already passed – pick a date in the future."),
    ],
)
def test_review_date_rejected(answer, text, problem):
    outcome = answer("next_review_date", text)
    assert outcome.ok is False
    assert outcome.problem == problem


# -- RATING -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rating"),
    [("4 stars", 4), ("5", 5), ("four", 4), ("I'd give it 2", 2), ('/inform{"choice": "3"}', 3), ("4ish", 4)],
)
def test_rating(answer, text, rating):
    outcome = answer("session_rating", text)
    assert outcome.ok is True
    assert outcome.value == rating
    assert outcome.display == f"{rating} of 5"


def test_rating_typed_as_stars(answer):
    # the rating buttons are titled with stars; typing them is a rating too
    outcome = answer("session_rating", "★★★")
    assert outcome.ok is True
    assert outcome.value == 3


@pytest.mark.parametrize("text", ["7", "0", "3 or 4", "great"])
def test_rating_rejected(answer, text):
    outcome = answer("session_rating", text)
    assert outcome.ok is False
    assert outcome.problem == "Please rate the session with one number from 1 (not useful) to 5 (very useful)."


@pytest.mark.parametrize(("text", "skipped"), [("no", True), ("nothing else", True), ("Great bot", False)])
def test_rating_comment_no_counts_as_skipped(answer, text, skipped):
    outcome = answer("rating_comment", text)
    assert outcome.ok is True
    assert outcome.skipped is skipped
    assert outcome.value == (SKIPPED if skipped else text)


# -- display_value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("current_role", None, "not answered yet"),
        ("current_role", SKIPPED, "skipped"),
        ("current_role", "Analyst", "Analyst"),
        ("consent", True, "yes"),
        ("consent", False, "no"),
        ("path_type", "dual_ladder", "Dual ladder"),
        ("education", "master", "Master's degree"),
        ("education", "master's in economics", "master's in economics"),
        ("key_people", ["manager", "hr"], "My manager, HR"),
        ("key_people", [], "nobody named"),
        ("development_means", ["reading books"], "reading books"),
        ("goal_short_due", "2027-04-15", "15 April 2027"),
        ("next_review_date", "2027-05-22", "22 May 2027"),
        ("goal_short_confirmed", True, "confirmed"),
        ("goal_short_confirmed", False, "not confirmed"),
        ("action_steps", [{"description": "Call HR", "due": "2027-01-15"}], "15 January 2027: Call HR"),
        ("review_frequency", 6, "every 6 months"),
        ("session_rating", 4, "4 of 5"),
    ],
)
def test_display_value(key, value, shown):
    assert display_value(key, value) == shown


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("path_type", "2nd one", "network"),
        ("path_type", "the lateral one", "lateral"),
        ("path_type", "number 4", "dual_ladder"),
        ("career_direction", "the first option", "professional_technical"),
        ("education", "the last one", "doctorate"),
        ("situation", "the stalled one", "stalled"),
        ("path_type", "3", "lateral"),
        ("career_direction", "managment i think. supervisor", "management"),
        ("path_type", "laterel", "lateral"),
        ("career_direction", "operatonal", "operational"),
        ("path_type", "the third", "lateral"),
        ("career_direction", "first", "professional_technical"),
    ],
)
def test_a_choice_named_by_its_place_or_its_words(key, text, value):
    outcome = validate_answer(QUESTIONS[key], text, AnswerContext(today=date(2026, 12, 6)))
    assert (outcome.ok, outcome.value) == (True, value)


@pytest.mark.parametrize("text", ["ya", "yeah ok", "yep sure", "aye", "alright", "si", "sí", "um yes i guess thats fine?", "oui"])
def test_casual_yes(text):
    assert validate_answer(QUESTIONS["consent"], text, AnswerContext(today=date(2026, 12, 6))).value is True


def test_a_position_beyond_the_choices_is_not_a_choice():
    outcome = validate_answer(QUESTIONS["path_type"], "7th one", AnswerContext(today=date(2026, 12, 6)))
    assert not outcome.ok


def test_a_habit_among_the_steps_needs_no_date_and_a_date_reply_never_becomes_a_step():
    ctx = AnswerContext(today=date(2026, 12, 6))
    outcome = validate_answer(QUESTIONS["action_steps"], "Talk to my manager by end of December; study two evenings a week; write the RFC", ctx)
    draft = outcome.extra["action_steps_draft"]
    assert [s["due"] for s in draft] == ["2026-12-31", "2027-01-06", None]

    unclear = validate_answer(QUESTIONS["action_steps"], "hmm", AnswerContext(today=date(2026, 12, 6), slots={"action_steps_draft": draft}))
    assert unclear.problem.startswith("I still need a date for “write the RFC”")
    assert len(unclear.extra["action_steps_draft"]) == 3  # "hmm" did not become a step

    dropped = validate_answer(QUESTIONS["action_steps"], "no date", AnswerContext(today=date(2026, 12, 6), slots={"action_steps_draft": draft}))
    assert dropped.ok and [s["description"] for s in dropped.value] == ["Talk to my manager by end of December", "study two evenings a week"]

    habit = validate_answer(QUESTIONS["action_steps"], "every week starting now", AnswerContext(today=date(2026, 12, 6), slots={"action_steps_draft": draft}))
    assert habit.ok and habit.value[2]["description"] == "write the RFC (every week starting now)"


@pytest.mark.parametrize(("text", "values"), [("1 and 4", ["training", "projects"]), ("2, 3", ["mentoring", "job_rotation"])])
def test_several_choices_by_their_place(answer, text, values):
    assert answer("development_means", text).value == values


@pytest.mark.parametrize("text", ["go on then", "works", "that works", "works for me", "let's do it"])
def test_plain_ways_of_saying_yes(text):
    from bot.conversation.answers import yes_or_no

    assert yes_or_no(text) is True
