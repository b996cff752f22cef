"""bot.handoff: the whole handoff decision (`next_action`) for every state and last step,
the case summary a counselor reads, and the specialty a case is routed by."""

from __future__ import annotations

import pytest

from bot.handoff.crisis import CrisisKind, parse_extra_phrases
from bot.handoff import (
    ACTION_COMPLAINT,
    ACTION_CONTINUE,
    ACTION_CRISIS,
    ACTION_DELIVER,
    ACTION_HAND_BACK,
    ACTION_LISTEN,
    ACTION_RATING,
    ACTION_RELAY,
    Turn,
    case_summary,
    crisis_in,
    holland_code,
    is_external,
    needed_specialty,
    next_action,
    waiting_message,
)

ALL_STATES = (None, "waiting", "queued", "active", "rating", "complaint")
ORDINARY = "I'd like to move into a management role"
CRISIS = "I want to kill myself"
# What Rasa's trigger_intent writes as the user text (rasa.shared.core.constants.EXTERNAL_MESSAGE_PREFIX).
EXTERNAL_REPLY = "EXTERNAL: counselor_reply"
EXTERNAL_HAND_BACK = "EXTERNAL: hand_back"


def decide(state, text, intent="inform", latest=ACTION_LISTEN, extra=()):
    return next_action(Turn(state=state, latest_action=latest, intent=intent, text=text), extra)


# -- a message has just arrived (latest action: action_listen) ------------------------------------

# What an ordinary message leads to in each state: relayed while a counselor has (or is about to
# have) the conversation, the rating or complaint while one is asked for, else the other policies.
AFTER_ORDINARY = {
    None: None,
    "waiting": ACTION_RELAY,
    "queued": None,
    "active": ACTION_RELAY,
    "rating": ACTION_RATING,
    "complaint": ACTION_COMPLAINT,
}


@pytest.mark.parametrize("state, expected", AFTER_ORDINARY.items())
def test_an_ordinary_message_in_each_state(state, expected) -> None:
    assert decide(state, ORDINARY) == expected


@pytest.mark.parametrize("state", ["waiting", "active", "rating", "complaint"])
def test_crisis_language_is_answered_while_the_handoff_holds_the_conversation(state) -> None:
    assert decide(state, CRISIS) == ACTION_CRISIS


@pytest.mark.parametrize("state", [None, "queued"])
def test_crisis_language_is_left_to_the_turn_core_while_the_bot_counsels(state) -> None:
    # the turn core reads every message then, crisis included (tests/bot/conversation/test_turn.py)
    assert decide(state, CRISIS) is None


@pytest.mark.parametrize("state", ["waiting", "active"])
def test_crisis_wins_over_the_silent_relay(state) -> None:
    assert decide(state, ORDINARY) == ACTION_RELAY
    assert decide(state, "My manager keeps harassing me and I'm scared") == ACTION_CRISIS


@pytest.mark.parametrize("state", ALL_STATES)
def test_the_consoles_reply_is_delivered_in_every_state(state) -> None:
    assert decide(state, EXTERNAL_REPLY, intent="counselor_reply") == ACTION_DELIVER


@pytest.mark.parametrize("state", ALL_STATES)
def test_the_consoles_hand_back_is_acted_on_in_every_state(state) -> None:
    assert decide(state, EXTERNAL_HAND_BACK, intent="hand_back") == ACTION_HAND_BACK


@pytest.mark.parametrize("state, expected", AFTER_ORDINARY.items())
@pytest.mark.parametrize("typed, intent", [("/hand_back", "hand_back"), ("/counselor_reply", "counselor_reply")])
def test_typed_console_intents_are_treated_as_ordinary_messages(state, expected, typed, intent) -> None:
    # Typed by a person the intent is not the console's: the state decides as for any message.
    assert decide(state, typed, intent=intent) == expected


@pytest.mark.parametrize("state", ALL_STATES)
def test_a_console_intent_needs_the_exact_external_prefix(state) -> None:
    for text in ("external: hand_back", " EXTERNAL: hand_back", "EXTERNAL:hand_back", "hand_back"):
        assert decide(state, text, intent="hand_back") == AFTER_ORDINARY[state], text


def test_the_external_prefix_alone_does_not_make_any_intent_the_consoles() -> None:
    # Only counselor_reply / hand_back are the console's; the prefix with another intent hands nothing back.
    assert decide("rating", "EXTERNAL: greet", intent="greet") == ACTION_RATING
    assert decide(None, "EXTERNAL: greet", intent="greet") is None


def test_a_console_message_is_never_read_for_crisis_language() -> None:
    assert crisis_in("EXTERNAL: kill myself") is None
    assert decide("waiting", "EXTERNAL: kill myself", intent="counselor_reply") == ACTION_DELIVER


def test_configured_crisis_phrases_are_used() -> None:
    extra = parse_extra_phrases("purple elephant")
    assert decide("active", "there is a purple elephant in my office") == ACTION_RELAY
    assert decide("active", "there is a purple elephant in my office", extra=extra) == ACTION_CRISIS


@pytest.mark.parametrize("state, expected", AFTER_ORDINARY.items())
def test_a_message_without_text_follows_the_state(state, expected) -> None:
    assert decide(state, None) == expected
    assert decide(state, "") == expected


# -- after the handoff's own actions ----------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("latest", [ACTION_RELAY, ACTION_DELIVER, ACTION_CRISIS, ACTION_HAND_BACK])
def test_after_relay_delivery_crisis_or_hand_back_the_bot_listens(state, latest) -> None:
    # Even when the message that led there is still the latest one (crisis text, the console's intent).
    assert decide(state, CRISIS, latest=latest) == ACTION_LISTEN
    assert decide(state, EXTERNAL_REPLY, intent="counselor_reply", latest=latest) == ACTION_LISTEN


@pytest.mark.parametrize("latest", [ACTION_RATING, ACTION_COMPLAINT])
@pytest.mark.parametrize(
    "state, expected",
    [("rating", ACTION_LISTEN), ("complaint", ACTION_LISTEN), (None, ACTION_CONTINUE)],
)
def test_after_the_rating_or_complaint(latest, state, expected) -> None:
    # Still asking (unclear rating, complaint wanted): wait for the reply; done: resume counseling.
    assert decide(state, "4", latest=latest) == expected


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize(
    "latest", ["action_continue_counseling", "action_request_human", "needs_form", "utter_greet", None]
)
def test_after_any_other_action_the_other_policies_decide(state, latest) -> None:
    assert decide(state, CRISIS, latest=latest) is None
    assert decide(state, ORDINARY, latest=latest) is None


def test_is_external() -> None:
    assert is_external("EXTERNAL: hand_back")
    assert not is_external("/hand_back")
    assert not is_external("Externally: hmm")


def test_crisis_in_names_the_kind() -> None:
    assert crisis_in(CRISIS).kind is CrisisKind.SELF_HARM
    assert crisis_in("my boss hits me").kind is CrisisKind.ABUSE
    assert crisis_in(None) is None and crisis_in("") is None
    assert crisis_in(ORDINARY) is None


# -- the case summary ---------------------------------------------------------------------------------

SLOTS = {
    "consent": True,
    "situation": "stalled",
    "current_role": "Senior accountant",
    "department": "Finance",
    "time_in_role": "3 years",
    "education": "master",
    "expectations": "A clear plan",
    "career_direction": "management",
    "interest_profile": {"code": "ECS", "scores": {"E": 30, "C": 28, "S": 25}},
    "goal_short": "Lead a small team",
    "goal_short_due": "2027-03-31",
    "goal_medium": "Become finance manager",
    "strengths": "Spreadsheets and patience",
    "env_economic": "Budgets are tight",  # not a key answer
}
# in the counselor's voice, not the employee's
PROGRESS = "Stopped at stage 2 of 7 – Needs assessment – next question: current occupation in the career database."


def test_without_consent_the_summary_holds_no_answers() -> None:
    summary = case_summary(SLOTS, False, "urgent support", "slack")

    assert summary == {"consented": False, "asked_for": "urgent support", "channel": "slack", "progress": PROGRESS}
    shown = repr(summary)
    for said in ("Senior accountant", "Finance", "A clear plan", "ECS", "Lead a small team", "stalled", "Management"):
        assert said not in shown


def test_with_consent_the_key_answers_holland_code_and_goals() -> None:
    summary = case_summary(SLOTS, True, "to talk to a counselor", "rest")

    assert summary["consented"] is True
    assert (summary["asked_for"], summary["channel"], summary["progress"]) == ("to talk to a counselor", "rest", PROGRESS)
    # In the order a counselor reads them, labelled as the questions are, values as people read them.
    assert list(summary["key_answers"].items()) == [
        ("what brings you here", "My career has stalled"),
        ("current role", "Senior accountant"),
        ("department", "Finance"),
        ("time in role", "3 years"),
        ("education", "Master's degree"),
        ("expectations", "A clear plan"),
        ("strengths", "Spreadsheets and patience"),
        ("career direction", "Management"),
    ]
    assert summary["holland_code"] == "ECS"
    assert summary["goals"] == ["Lead a small team (by 31 March 2027)", "Become finance manager"]
    assert "Budgets are tight" not in repr(summary)


def test_long_answers_are_cut_for_the_summary() -> None:
    summary = case_summary({**SLOTS, "current_role": "x" * 600, "goal_short": "y" * 400}, True, "a", "rest")

    assert summary["key_answers"]["current role"] == "x" * 500
    assert summary["goals"][0] == "y" * 300 + " (by 31 March 2027)"


@pytest.mark.parametrize("profile", [None, "skipped", {"code": ""}, {"scores": {"R": 3}}, ["ECS"]])
def test_no_holland_code_without_a_completed_profile(profile) -> None:
    slots = {**SLOTS, "interest_profile": profile}
    assert holland_code(slots) is None
    assert "holland_code" not in case_summary(slots, True, "a", "rest")


def test_a_summary_without_goals_has_an_empty_goal_list() -> None:
    summary = case_summary({"consent": True, "department": "IT"}, True, "a", "rest")
    assert summary["key_answers"] == {"department": "IT"}
    assert summary["goals"] == []


def test_needed_specialty() -> None:
    assert needed_specialty(SLOTS, crisis=True) == "crisis"
    assert needed_specialty(SLOTS, crisis=False) == "management"
    assert needed_specialty({}, crisis=False) is None
    assert needed_specialty({"career_direction": None}, crisis=True) == "crisis"


def test_waiting_messages() -> None:
    in_hours = waiting_message(None, None)
    assert "asked a counselor to join" in in_hours and "stay quiet" in in_hours
    after = waiting_message(None, "on Monday 30 November at 09:00 (Europe/Berlin time)")
    assert "they're back on Monday 30 November at 09:00 (Europe/Berlin time)." in after
    assert "go on with the self-service stages" in after
