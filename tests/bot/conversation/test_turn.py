"""The turn core, message by message: what each kind of message does, and that only
answers are ever recorded. No tracker, no server: a Turn in, a Reply out."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any

import pytest

from bot.conversation import messages
from bot.conversation.messages import CONSENT_VERSION, text as t
from bot.conversation.reply import (
    AnswerRecord, ConsentRecord, CrisisSupport, EraseData, ExportData, ForgetAnswerRecord, NoteToCounselor, OpenCase, SendPlan,
    StartOver,
)
from bot.conversation.stages import QUESTIONS
from bot.conversation.topics import TopicCatalogue, topic_answer
from bot.conversation.turn import Turn, TurnSettings, read, respond, resume
from bot.conversation.understand import Kind, Nlu
from tests.conftest import TODAY

# The answers of someone who has reached the department question.
AT_DEPARTMENT = {
    "consent": True,
    "stage": "needs",
    "situation": "stalled",
    "current_role": "Warehouse supervisor",
    "current_occupation": "53-1047.00",
    "open_question": "department",
}


@pytest.fixture(scope="module")
def topics() -> TopicCatalogue:
    return TopicCatalogue.load()


@pytest.fixture
def make_turn(careers, topics):
    def build(text: str, intent: str = "inform", confidence: float = 0.95, topic: str | None = None, **slots: Any) -> Turn:
        state = dict(AT_DEPARTMENT)
        state.update(slots)
        nlu = Nlu(intent=intent, confidence=confidence, topic=topic, topic_confidence=confidence if topic else 0.0, entities={})
        return Turn(text, nlu, state, TODAY, TurnSettings(counselor_contact="careers@example.org"), careers, topics)

    return build


def answers(reply) -> dict[str, Any]:
    return {r.key: r.value for r in reply.records if isinstance(r, AnswerRecord)}


# ---- answers -------------------------------------------------------------------------------


def test_an_answer_is_recorded_and_the_next_question_follows(make_turn):
    reply = respond(make_turn("Outbound logistics"))

    assert reply.kind == "answer"
    assert answers(reply) == {"department": "Outbound logistics"}
    assert reply.slots["department"] == "Outbound logistics"
    assert reply.slots["open_question"] == "time_in_role"
    assert reply.texts() == ["Thanks – department: “Outbound logistics”", QUESTIONS["time_in_role"].prompt]


def test_a_long_open_answer_is_acknowledged_without_quoting_it_all(make_turn):
    long_answer = "Outbound logistics, mostly the night shift loading bays and the returns desk"

    reply = respond(make_turn(long_answer))

    assert answers(reply) == {"department": long_answer}
    assert reply.texts() == ["Thanks for putting it so fully – I've kept it under department.", QUESTIONS["time_in_role"].prompt]


def test_the_acknowledgement_quotes_markup_as_text(make_turn):
    reply = respond(make_turn("<b>Outbound</b> & returns"))

    assert reply.texts()[0] == "Thanks – department: “&lt;b&gt;Outbound&lt;/b&gt; & returns”"


def test_a_changed_answer_is_confirmed_once_not_acknowledged_twice(make_turn):
    reply = respond(make_turn("Inbound", department="Outbound logistics", open_question="department",
                              editing_field="department"))

    assert answers(reply) == {"department": "Inbound"}
    assert reply.texts()[0] == "Updated your department: “Inbound”."
    assert not any(text.startswith(("Noted –", "Got it –", "Thanks –")) for text in reply.texts())


def test_a_click_is_not_acknowledged_the_person_chose_it(make_turn):
    reply = respond(make_turn('/inform{"choice": "bachelor"}', open_question="education", department="x", time_in_role="2y"))

    assert answers(reply)["education"] == "bachelor"
    assert not any("education:" in text for text in reply.texts())


@pytest.mark.parametrize(
    ("question", "typed", "said"),
    [
        ("time_in_role", "2y", "Got it – time in role: 2 years."),  # a length, as it was read
        ("education", "bachelor's degree", "Thanks – education: Bachelor's degree."),  # filed in a category
        ("constraints", "none really", "Thanks – nothing on constraints."),  # not quoted back as “none really”
        ("constraints", "no nights", "Thanks – constraints: “no nights”"),  # a constraint, not a no
    ],
)
def test_a_typed_answer_is_said_back_as_it_was_kept(make_turn, question, typed, said):
    reply = respond(make_turn(typed, open_question=question, department="x", time_in_role="2y" if question != "time_in_role" else None))

    assert reply.kind == "answer"
    assert reply.texts()[0] == said


def test_an_answer_with_goodbye_like_words_does_not_end_the_session(make_turn):
    reply = respond(make_turn("outbound, nights", intent="goodbye", confidence=0.62))

    assert reply.kind == "answer"
    assert answers(reply) == {"department": "outbound, nights"}
    assert not any("Goodbye" in text for text in reply.texts())


def test_a_clear_goodbye_ends_without_storing(make_turn):
    reply = respond(make_turn("ok thanks, bye", intent="goodbye", confidence=0.97))

    assert reply.kind == "social"
    assert reply.records == []
    assert reply.texts() == ["Goodbye! Your progress is saved – come back any time and we'll continue where you stopped."]


def test_a_thank_you_inside_an_answer_is_an_answer(make_turn):
    reply = respond(make_turn("thanks, it's the sales team", intent="thank", confidence=0.7))

    assert answers(reply) == {"department": "it's the sales team"}  # the thanks is not part of it


def test_nothing_is_recorded_without_consent(make_turn):
    reply = respond(make_turn("Outbound logistics", consent=False))

    assert reply.records == []
    assert reply.slots["department"] == "Outbound logistics"


def test_consent_is_recorded_with_its_answer(make_turn):
    reply = respond(make_turn("yes", intent="affirm", consent=None, open_question="consent", stage="welcome", situation=None, current_role=None, current_occupation=None))

    assert ConsentRecord(CONSENT_VERSION) in reply.records
    assert answers(reply) == {"consent": True}
    assert reply.slots["open_question"] == "situation"


def test_a_reply_that_cannot_be_used_is_asked_again_and_the_third_time_offers_a_way_out(make_turn):
    first = respond(make_turn("hmm", open_question="time_in_role"))
    assert first.records == [] and first.slots["repeats"] == 1
    second = respond(make_turn("hmm", open_question="time_in_role", repeats=1))

    assert second.slots["repeats"] == 2
    help_prompt = second.messages[-1]
    assert help_prompt.text.startswith("Let's find a way forward")
    assert "For example: “about 3 years”" in help_prompt.text
    assert [b.payload for b in help_prompt.buttons][-2:] == ["skip", "/request_human"]


def test_an_answer_that_fits_is_taken_when_the_nlu_is_unsure_of_an_interruption(make_turn):
    reply = respond(make_turn("they are automating the warehouse", intent="bot_challenge", confidence=0.3, open_question="env_technology", stage="assessment"))

    assert reply.kind == "answer"
    assert answers(reply) == {"env_technology": "they are automating the warehouse"}


# ---- the bot cannot tell ---------------------------------------------------------------------


def test_half_sure_it_asks_once_whether_that_is_the_answer(make_turn):
    reply = respond(make_turn("we plan an internal counseling service", intent="request_human", confidence=0.6, open_question="org_strategy", stage="assessment"))

    assert reply.records == []
    assert reply.slots["pending"] == {"clarify": {"text": "we plan an internal counseling service", "intent": "request_human"}}
    assert reply.messages[0].text.startswith("Is “we plan an internal counseling service” your answer to “Where is your organisation heading")
    assert [b.payload for b in reply.messages[0].buttons] == ["/affirm", "/deny"]


def test_yes_to_the_clarification_records_the_original_message(make_turn):
    pending = {"clarify": {"text": "the company plans an internal counseling service", "intent": "request_human"}}
    reply = respond(make_turn("/affirm", intent="affirm", open_question="org_strategy", stage="assessment", pending=pending, clarified="org_strategy"))

    assert answers(reply) == {"org_strategy": "the company plans an internal counseling service"}
    assert reply.slots["pending"] is None


def test_the_same_words_again_after_the_clarification_are_the_answer(make_turn):
    pending = {"clarify": {"text": "planing", "intent": "show_plan"}}
    reply = respond(make_turn("Planing ", intent="show_plan", confidence=0.7, open_question="leaning_direction", stage="exploration", pending=pending, clarified="leaning_direction"))

    assert reply.kind == "answer"
    assert answers(reply) == {"leaning_direction": "planing"}
    assert reply.effects == []


def test_a_person_request_said_again_after_the_clarification_is_still_a_request(make_turn):
    pending = {"clarify": {"text": "someone from hr", "intent": "request_human"}}
    reply = respond(make_turn("someone from hr", intent="request_human", confidence=0.7, open_question="org_strategy", stage="assessment", pending=pending, clarified="org_strategy"))

    assert reply.records == []


@pytest.mark.parametrize("typed", ["question", "it's a question", "a question for you"])
def test_question_typed_at_the_clarification_is_not_stored(make_turn, typed):
    pending = {"clarify": {"text": "wat is 1:1?", "intent": "ask_term"}}
    reply = respond(make_turn(typed, intent="inform", open_question="org_strategy", stage="assessment", pending=pending))

    assert reply.records == []


def test_answer_typed_at_the_clarification_stores_the_message(make_turn):
    pending = {"clarify": {"text": "automation of the warehouse", "intent": "out_of_scope"}}
    reply = respond(make_turn("my answer", intent="inform", open_question="org_strategy", stage="assessment", pending=pending))

    assert answers(reply) == {"org_strategy": "automation of the warehouse"}


def test_that_was_my_answer_stores_the_message_read_as_a_topic(make_turn):
    text = "remote work i guess? we do 2 days from home now"
    slots = dict(open_question="env_social", stage="assessment")
    first = respond(topic_turn(make_turn, text, [("topic/flexible_work", 0.8)], **slots))
    assert first.records == [] and first.slots["last_interrupted"] == "env_social"  # the question, not the words

    turn = make_turn("that was my answer though", intent="inform", last_interrupted=first.slots["last_interrupted"], **slots)
    second = respond(replace(turn, previous_text=text))

    assert answers(second) == {"env_social": text}


def test_that_was_my_answer_needs_the_same_question_open(make_turn):
    turn = make_turn("that was my answer", intent="inform", confidence=0.4, open_question="env_economic", stage="assessment", last_interrupted="env_social")
    reply = respond(replace(turn, previous_text="remote work i guess"))

    assert "env_economic" not in answers(reply) or answers(reply)["env_economic"] != "remote work i guess"


def test_no_to_the_clarification_carries_out_the_request(make_turn):
    pending = {"clarify": {"text": "can i talk to someone", "intent": "request_human"}}
    reply = respond(make_turn("no", intent="deny", open_question="org_strategy", stage="assessment", pending=pending))

    assert reply.records == []
    assert reply.effects == [OpenCase("requested")]


def test_repeated_after_an_unsure_interruption_it_is_the_answer(make_turn):
    text = "robots everywhere now"
    first = respond(make_turn(text, intent="out_of_scope", confidence=0.6, open_question="env_technology", stage="assessment", clarified="env_technology"))
    assert first.kind == "out_of_scope" and first.slots["last_unsure"] == "robots everywhere now"

    second = respond(make_turn(text, intent="out_of_scope", confidence=0.6, open_question="env_technology", stage="assessment", clarified="env_technology", last_unsure=first.slots["last_unsure"]))

    assert answers(second) == {"env_technology": text}


def test_a_repeated_request_for_a_person_is_never_taken_as_an_answer(make_turn):
    reading = read(make_turn("i need someone from hr", intent="request_human", confidence=0.6, clarified="department", last_unsure="i need someone from hr"))

    assert reading.kind is Kind.REQUEST


# ---- questions, topics and requests ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("does my boss see this", "ask_privacy", "Who sees it: you; a counselor when you ask for one"),
        ("which languages do you speak", "ask_language", "I can hold the conversation in English"),
        ("how long does this take", "ask_duration", "There are about"),
        ("what can you do", "ask_capabilities", "I'm Waypoint, your organisation's career-counseling assistant"),
        ("can a counselor help with my visa", "ask_counselor_scope", "Our counselors help with career questions"),
        ("are you a bot", "bot_challenge", "I'm Waypoint, a bot"),
        ("why do you ask", "ask_why", QUESTIONS["department"].why),
    ],
)
def test_a_question_to_the_bot_is_answered_then_the_open_question_comes_again(make_turn, text, intent, expected):
    reply = respond(make_turn(text, intent=intent))

    assert reply.kind == "question"
    assert reply.records == []
    assert reply.texts()[0].startswith(expected)
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_a_remark_on_the_length_is_not_stored_and_says_how_much_is_left(make_turn):
    reply = respond(make_turn("this is taking too long", intent="inform", confidence=0.6, open_question="values", stage="assessment"))

    assert reply.records == []
    assert reply.texts()[0].startswith("There are about")
    assert reply.texts()[-1] == QUESTIONS["values"].prompt


def test_how_long_during_the_interest_profiler_counts_its_ratings(make_turn, careers):
    items = careers.catalogue.profiler_items
    turn = make_turn(
        "how much longer?", intent="ask_duration", open_question="interest_profile", stage="exploration",
        take_profiler=True, interest_responses={str(item.number): 3 for item in items[:10]},
    )
    first = respond(turn).texts()[0]

    assert first.startswith(f"There are {len(items) - 10} quick ratings left in the interest profiler")


def test_a_career_topic_gets_its_answer_and_the_question_again(make_turn, topics):
    reply = respond(topic_turn(make_turn, "how do i ask for a raise without sounding greedy", [("topic/raise", 0.8), ("topic/salary_negotiation", 0.1)]))

    assert reply.kind == "topic" and reply.intent == "topic/raise"
    assert reply.texts()[0].startswith(topics.topics["raise"].answer)
    assert reply.texts()[-1] == QUESTIONS["department"].prompt
    assert reply.records == []


def test_a_forum_question_as_a_first_message_gets_its_answer_and_the_way_in(make_turn, topics):
    fresh = dict(consent=None, open_question=None, stage=None, situation=None, current_role=None, current_occupation=None)
    reply = respond(topic_turn(make_turn, "i'm 35 and want to start over in a new field, is it too late?", [("topic/career_change", 0.7)], **fresh))

    assert reply.texts() == [topic_answer(topics.topics["career_change"])]
    assert "“let's continue”" in reply.texts()[0]
    assert reply.records == [] and "open_question" not in reply.slots

    going_on = respond(make_turn("let's continue", intent="continue_session", last_topic="career_change", **fresh))
    assert going_on.texts()[0].startswith("Stage 1 of 7 – Welcome")
    assert going_on.slots["open_question"] == "consent"


def test_the_same_topic_again_goes_to_a_person_instead_of_the_same_text(make_turn, topics):
    reply = respond(topic_turn(make_turn, "should i counter at 95 then?", [("topic/salary_negotiation", 0.6)], last_topic="salary_negotiation"))

    assert reply.texts()[0].startswith("That's my general advice on negotiating pay")
    assert reply.messages[0].buttons[0].payload == "/request_human"


def test_a_long_answer_heard_as_a_topic_given_before_is_checked_not_answered_again(make_turn, topics):
    text = "security is big for me, i have student loans. maybe a cert later, is that dumb?"
    reply = respond(topic_turn(make_turn, text, [("topic/study_and_certifications", 0.7)], open_question="values", stage="assessment",
                               topics_given=["study_and_certifications"]))

    assert reply.records == [] and reply.slots["pending"] == {"clarify": {"text": text, "intent": "topic/study_and_certifications"}}
    assert "your answer to “What matters most to you in work" in reply.texts()[0]


def test_a_topic_is_answered_once_per_conversation(make_turn, topics):
    reply = respond(topic_turn(make_turn, "how do i ask for a raise", [("topic/raise", 0.9)]))

    assert reply.slots["topics_given"] == ["raise"]


def topic_turn(make_turn, text: str, ranking: list[tuple[str, float]], confidence: float = 0.9, **slots: Any) -> Turn:
    turn = make_turn(text, intent="topic", topic=ranking[0][0], **slots)
    nlu = Nlu("topic", confidence, ranking[0][0], ranking[0][1], {}, topic_ranking=tuple(ranking))
    return Turn(turn.text, nlu, turn.slots, turn.today, turn.settings, turn.careers, turn.topics)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("hrbp is supposed to be more strategic no? and people analytics?", [("topic/pay_and_benefits", 0.37), ("topic/promotion", 0.2)]),
        ("i asked what social changes you think matter for hr in logistics", [("topic/discrimination", 0.37)]),
    ],
)
def test_a_topic_whose_words_the_message_does_not_have_is_not_answered(make_turn, text, ranking):
    reply = respond(topic_turn(make_turn, text, ranking, open_question="env_social", stage="assessment"))

    assert reply.records == []
    assert reply.texts()[0] == t("topic_unsure")  # no advice on pay or discrimination that nobody asked for


def test_a_topic_the_message_has_words_of_is_still_answered(make_turn, topics):
    reply = respond(topic_turn(make_turn, "any tips for my interview on thursday?", [("topic/interview_prep", 0.4)]))

    assert reply.texts()[0] == topic_answer(topics.topics["interview_prep"])


def test_what_do_you_think_at_an_open_question_asks_for_suggestions(make_turn):
    reply = respond(make_turn("what do you think? remote work doesnt really apply to warehouses", intent="topic", confidence=0.33,
                              open_question="env_social", stage="assessment"))

    assert reply.records == []
    assert reply.slots["suggestions_offered"]["key"] == "env_social"


def test_a_question_about_an_occupation_o_net_lacks_gets_no_unrelated_topic(make_turn):
    turn = make_turn("what does a people analytics person actually do?", intent="ask_occupation_description", confidence=0.98,
                     open_question="values", stage="assessment", current_occupation="13-1071.00")
    nlu = Nlu("ask_occupation_description", 0.98, "topic/performance_review", 0.24, {}, topic_ranking=(("topic/performance_review", 0.24),))
    reply = respond(Turn(turn.text, nlu, turn.slots, turn.today, turn.settings, turn.careers, turn.topics))

    assert "review" not in reply.texts()[0].casefold()


def test_a_topic_the_selector_is_half_sure_of_is_offered_with_the_next_best_to_choose(make_turn):
    ranking = [("topic/interview_followup", 0.25), ("topic/job_offer", 0.2), ("topic/networking", 0.1)]
    reply = respond(topic_turn(make_turn, "would it be weird to message the hiring manager on linkedin", ranking))

    assert reply.texts()[0] == "I'd like to get this right – which of these is your question closest to?"
    assert [b.payload for b in reply.messages[0].buttons] == [
        '/topic{"choice": "interview_followup"}', '/topic{"choice": "job_offer"}', '/topic{"choice": "networking"}', "/request_human",
    ]
    chosen = respond(make_turn('/topic{"choice": "job_offer"}', intent="topic"))
    assert chosen.intent == "topic/job_offer" and chosen.texts()[0].startswith(chosen.texts()[0][:20])


def test_a_topic_the_selector_cannot_place_gets_no_canned_answer(make_turn):
    reply = respond(topic_turn(make_turn, "hmm what about the thing with the guy", [("topic/retirement", 0.05)], confidence=0.85))

    assert reply.texts()[0].startswith("I'm not sure I understood that well enough")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_asking_for_a_person_opens_a_case_and_stores_nothing(make_turn):
    reply = respond(make_turn("is anyone there? i want a human", intent="greet", confidence=0.5))

    assert reply.effects == [OpenCase("requested")]
    assert reply.records == []


def test_after_two_unusable_replies_the_case_says_misunderstanding(make_turn):
    reply = respond(make_turn("talk to a counselor", intent="request_human", misunderstandings=2))

    assert reply.effects == [OpenCase("misunderstanding")]


def test_a_correction_with_its_new_value_changes_that_answer_and_goes_on(make_turn):
    reply = respond(make_turn("oh wait, my department is actually Customer Experience, not Support", intent="change_answer", department="Support", open_question="time_in_role"))

    assert answers(reply) == {"department": "Customer Experience"}
    assert reply.texts()[0] == "Updated your department: “Customer Experience”."
    assert reply.texts()[-1] == QUESTIONS["time_in_role"].prompt
    assert reply.slots["editing_field"] is None


@pytest.mark.parametrize(
    "text",
    ["wait my dept is actually inbound not outbound", "ffs. change department to inbound", "my department is inbound"],
)
def test_corrections_in_plain_chat_words_while_another_question_is_open(make_turn, text):
    reply = respond(make_turn(text, intent="inform", confidence=0.6, department="outbound, nights", open_question="time_in_role"))

    assert answers(reply) == {"department": "inbound"}
    assert reply.texts()[-1] == QUESTIONS["time_in_role"].prompt


def test_a_statement_about_another_topic_is_no_correction(make_turn):
    reply = respond(make_turn("my manager is supportive", intent="inform", confidence=0.9, department="Support", open_question="time_in_role"))

    assert "department" not in answers(reply)


def test_a_correction_that_names_the_open_question_is_its_answer(make_turn):
    reply = respond(make_turn("oh sorry i misread, my department is customer support", intent="change_answer", confidence=0.9))

    assert answers(reply) == {"department": "customer support"}


@pytest.mark.parametrize("text", ["nvm carry on", "好的, 那我们继续吧 let's go on", "ok lets continue"])
def test_carrying_on_is_never_stored_as_the_answer(make_turn, text):
    reply = respond(make_turn(text, intent="inform", confidence=0.7))

    assert reply.records == []
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_change_my_answer_without_a_value_asks_for_it(make_turn):
    reply = respond(make_turn("can i change my department", intent="change_answer", department="Support", open_question="time_in_role"))

    assert reply.records == []
    assert reply.slots["editing_field"] == "department"
    assert reply.texts()[0].startswith("Your department is currently: “Support”. What should it be instead?")


def test_show_my_plan_before_anything_was_asked_does_not_mention_consent(make_turn):
    reply = respond(make_turn("send me my plan", intent="show_plan", consent=None, open_question=None, stage=None, situation=None, current_role=None, current_occupation=None))

    assert reply.effects == []
    assert "chose not" not in reply.texts()[0]
    assert reply.texts()[0].startswith("We haven't started yet")


def test_show_my_plan_sends_it_then_asks_the_open_question(make_turn):
    reply = respond(make_turn("send me my plan", intent="show_plan"))

    assert reply.effects == [SendPlan()]
    assert reply.texts()[0] == "Your plan fills in as we go – most of its parts are still empty, and they'll say so."
    assert reply.after[-1].text == QUESTIONS["department"].prompt


def test_start_over_needs_a_yes(make_turn):
    asked = respond(make_turn("start over", intent="start_over"))
    assert asked.slots["pending"] == {"confirm": "start_over"}
    assert asked.effects == []

    confirmed = respond(make_turn("yes", intent="affirm", pending={"confirm": "start_over"}))
    assert confirmed.effects == [StartOver()]

    kept = respond(make_turn("no", intent="deny", pending={"confirm": "start_over"}))
    assert kept.effects == [] and kept.texts()[0] == "Good – nothing was changed. Let's carry on."


def test_export_asks_for_a_private_link_then_the_open_question_follows_it(make_turn):
    reply = respond(make_turn("can you send me everything you have on me?", intent="export_data", consent=True))

    assert reply.records == [] and reply.effects == [ExportData()]
    assert reply.messages == [] and reply.after  # the link first (said by the adapter), then the question


@pytest.mark.parametrize(("intent", "withdraw"), [("delete_data", False), ("withdraw_consent", True)])
def test_erasure_is_confirmed_first_and_a_no_keeps_everything(make_turn, intent, withdraw):
    asked = respond(make_turn("forget me", intent=intent, consent=True))

    assert asked.effects == [] and asked.records == []
    assert asked.slots["pending"] == {"confirm": "withdraw" if withdraw else "erase"}
    assert asked.messages[0] == messages.confirm_erase(withdraw)
    assert "can't be undone" in asked.texts()[0] or "nothing is stored" in asked.texts()[0]

    confirmed = respond(make_turn("yes", intent="affirm", consent=True, pending=asked.slots["pending"]))
    assert confirmed.effects == [EraseData(withdraw=withdraw)] and confirmed.messages == []

    kept = respond(make_turn("no", intent="deny", consent=True, pending=asked.slots["pending"]))
    assert kept.effects == [] and kept.texts()[0] == t("erase_kept")


def test_withdrawing_consent_never_given_says_nothing_is_stored(make_turn):
    reply = respond(make_turn("i withdraw my consent", intent="withdraw_consent", consent=False))

    assert reply.effects == [] and "pending" not in reply.slots
    assert reply.texts()[0] == t("consent_not_given")


def test_the_consent_question_discloses_a_bot_what_is_kept_who_sees_it_and_how_long(make_turn):
    reply = respond(make_turn("hi", intent="greet", consent=None, open_question=None, stage=None, situation=None,
                              current_role=None, current_occupation=None))

    consent = next(p for p in reply.messages if "Do you agree that I store your answers?" in p.text)
    lines = consent.text.splitlines()
    assert len(lines) <= 4
    assert "automated assistant, not a person" in lines[0] and "never your manager" in consent.text
    assert "2 years" in consent.text  # the retention period from the settings
    assert [b.payload for b in consent.buttons] == ["/affirm", "/deny", "/ask_privacy"]


# ---- skipping, uncertainty -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["skip", "none", "I don't have one", "no long-term goal yet"])
def test_an_optional_goal_is_skipped_in_plain_words(make_turn, text):
    reply = respond(make_turn(text, intent="skip", open_question="goal_long", stage="goals"))

    assert answers(reply)["goal_long"] == "(skipped)"
    assert reply.slots["goal_long_due"] == "(skipped)"
    assert reply.texts()[0] == "Skipped – your plan will say “not discussed” there."


def test_a_question_the_plan_needs_cannot_be_skipped(make_turn):
    reply = respond(make_turn("skip", intent="skip", open_question="goal_short_due", stage="goals", goal_short="Finish the course"))

    assert reply.records == []
    assert reply.texts()[0].startswith("This one can't be skipped")


@pytest.mark.parametrize("text", ["idk", "no idea to be honest, what would you suggest?", "not sure tbh"])
def test_uncertainty_gets_an_example_and_is_never_stored(make_turn, text):
    intent = "ask_suggestion" if "suggest" in text else "dont_know"
    reply = respond(make_turn(text, intent=intent, open_question="strengths", stage="assessment"))

    assert reply.kind == "uncertainty"
    assert reply.records == []
    assert "For example:" in reply.texts()[0]
    assert [b.payload for b in reply.messages[0].buttons] == ["skip", "/request_human"]


# ---- feelings ----------------------------------------------------------------------------------


def test_ambiguous_distress_gets_a_check_in_and_nothing_is_stored(make_turn):
    reply = respond(make_turn("honestly some days i feel like giving up on all of it", intent="inform", confidence=0.5, open_question="constraints", stage="assessment"))

    assert reply.kind == "distress"
    assert reply.records == []
    assert reply.texts()[0].startswith("That sounds really hard")
    assert [b.payload for b in reply.messages[0].buttons] == ["/request_human", "/affirm", "/continue_session"]
    pending = reply.slots["pending"]

    kept = respond(make_turn("/affirm", intent="affirm", open_question="constraints", stage="assessment", pending=pending))
    assert answers(kept) == {"constraints": "honestly some days i feel like giving up on all of it"}

    not_kept = respond(make_turn("no", intent="deny", open_question="constraints", stage="assessment", pending=pending))
    assert not_kept.records == [] and not_kept.texts() == [QUESTIONS["constraints"].prompt]


def test_distress_with_no_question_open_offers_a_counselor_only(make_turn):
    reply = respond(make_turn("i've reached my breaking point", intent="distress", open_question=None, stage="complete"))

    assert [b.payload for b in reply.messages[0].buttons] == ["/request_human", "/continue_session"]
    assert reply.records == [] and "pending" not in reply.slots


def test_crisis_language_asks_for_crisis_support_whatever_the_question(make_turn):
    reply = respond(make_turn("i want to kill myself", intent="inform", open_question="department"))

    assert reply.kind == "crisis"
    assert reply.effects == [CrisisSupport("self_harm")]
    assert reply.records == []


def test_crisis_the_classifier_hears_asks_for_support_of_its_kind(make_turn):
    reply = respond(make_turn("my partner took my keys and said i'm not leaving tonight", intent="crisis_abuse", confidence=0.6))

    assert reply.kind == "crisis"
    assert reply.effects == [CrisisSupport("abuse")]
    assert reply.records == []


# ---- out of scope, other languages -------------------------------------------------------------


def test_out_of_scope_gets_one_line_and_the_question_again(make_turn):
    reply = respond(make_turn("tell me a joke", intent="out_of_scope", confidence=0.9))

    assert reply.texts()[0].startswith("I can't help with that here")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt
    assert reply.records == []


def test_asking_for_a_person_in_chinese_opens_a_case(make_turn):
    assert respond(make_turn("我想和真人顾问谈谈", intent="inform", confidence=0.4)).effects == [OpenCase("requested")]


def test_a_message_the_bot_cannot_read_is_not_stored_and_gets_the_counselor_and_an_emergency_number(make_turn):
    reply = respond(make_turn("nie wiem co mam zrobić z moją pracą, szef na mnie krzyczy", intent="inform", confidence=0.9))

    assert reply.kind == "other_language"
    assert reply.records == []
    assert "findahelpline.com" in reply.texts()[0] and "112" in reply.texts()[0]
    assert reply.messages[0].buttons[0].payload == "/request_human"
    assert reply.texts()[-1] == QUESTIONS["department"].prompt  # then the open question again


@pytest.mark.parametrize("text", ["je pense à partir, je ne sais plus quoi faire de ma vie", "Ik weet niet meer wat ik moet doen met mijn werk"])
def test_a_sentence_in_a_language_the_bot_can_name_but_not_read_also_gets_the_emergency_number(make_turn, text):
    # it could say anything: a named language is no reason to leave the number out
    reply = respond(make_turn(text, intent="inform", confidence=0.9))

    assert reply.kind == "other_language" and reply.records == []
    assert "findahelpline.com" in reply.texts()[0]


def test_the_emergency_number_after_an_unreadable_sentence_is_given_once_not_after_every_one(make_turn):
    first = respond(make_turn("nie wiem co mam zrobić z moją pracą, szef na mnie krzyczy", intent="inform", confidence=0.9))
    second = respond(make_turn("dziękuję, może później napiszę więcej o mojej pracy", intent="inform", confidence=0.9, **first.slots))

    assert "findahelpline.com" in first.texts()[0] and first.texts()[0].count("just in case") == 1
    assert second.kind == "other_language" and "findahelpline.com" not in second.texts()[0]


def test_a_short_question_in_another_language_gets_no_emergency_number(make_turn):
    reply = respond(make_turn("¿hablas español?", intent="inform", confidence=0.4))

    assert reply.kind == "other_language"
    assert "findahelpline.com" not in reply.texts()[0]


def test_a_chinese_question_is_answered_in_chinese_with_the_counselor_offered(make_turn):
    reply = respond(make_turn("你会说中文吗？", intent="inform", confidence=0.4))

    assert reply.kind == "other_language"
    assert reply.texts()[0].startswith("我目前只能用英文交流")
    assert reply.messages[0].buttons[0].payload == "/request_human"
    assert reply.records == []


def test_a_chinese_answer_to_an_open_question_is_stored_as_typed(make_turn):
    reply = respond(make_turn("销售部", intent="inform", confidence=0.4))

    assert answers(reply) == {"department": "销售部"}


# ---- resuming ------------------------------------------------------------------------------------


def test_resume_says_where_we_are_and_asks_the_open_question(make_turn):
    reply = resume(make_turn(""), "Let's pick up where we left off.")

    assert reply.texts()[0] == "Let's pick up where we left off."
    assert reply.texts()[1].startswith("Stage 2 of 7 – Needs assessment")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def answered_before(stage_key: str) -> dict[str, Any]:
    """Every question of the stages before `stage_key` answered (the profiler declined)."""
    from bot.conversation.stages import STAGES

    slots: dict[str, Any] = {}
    for stage in STAGES:
        if stage.key == stage_key:
            break
        slots.update({q.key: "x" for q in stage.questions})
    slots.update(consent=True, take_profiler=False, interest_profile=None)
    return slots


def test_no_to_a_goal_asks_for_the_goal_again_not_its_confirmation(make_turn):
    slots = dict(answered_before("goals"), open_question="goal_short_confirmed", stage="goals", goal_short="Finish the planning course",
                 goal_short_due="2027-06-30", goal_short_measure="I have the certificate")
    reply = respond(make_turn("No, change it", intent="deny", **slots))

    assert reply.slots["goal_short"] is None and reply.slots["open_question"] == "goal_short"
    assert reply.texts()[-1] == QUESTIONS["goal_short"].prompt
    assert reply.slots.get("repeats", 0) == 0


def test_a_corrected_success_criterion_shows_the_goal_again_with_it(make_turn):
    slots = dict(answered_before("goals"), open_question="goal_short_confirmed", stage="goals", goal_short="Automate the weekly reports",
                 goal_short_due="2027-06-30", goal_short_measure="Automate the weekly reports")
    reply = respond(make_turn("no. done when = 3 reports automated", intent="deny", confidence=0.6, **slots))

    assert reply.slots["goal_short_measure"] == "3 reports automated"
    assert answers(reply) == {"goal_short_measure": "3 reports automated"}  # the goal itself is kept
    assert reply.texts()[0] == "Changed how you'll know it's done."
    assert "3 reports automated" in reply.texts()[-1]


def test_the_next_profiler_item_is_progress_not_a_repeat(make_turn, careers):
    slots = dict(answered_before("exploration"), open_question="interest_profile", stage="exploration", take_profiler=True, repeats=1)
    reply = respond(make_turn("4", **slots))

    assert reply.slots["repeats"] == 0 and "open_question" not in reply.slots  # still the profiler
    assert "2 of 60" in reply.texts()[-1]


def test_skip_these_questions_skips_the_rest_of_the_stage_that_can_be_skipped(make_turn):
    from bot.conversation.stages import STAGES_BY_KEY

    stage = STAGES_BY_KEY["assessment"]
    keys = [q.key for q in stage.questions]
    first = keys.index("env_social")
    slots = dict(answered_before("assessment"), **{k: "x" for k in keys[:first]}, open_question="env_social", stage="assessment")
    reply = respond(make_turn("can i skip these PEST questions", intent="skip", **slots))

    skipped = {r.key for r in reply.records if isinstance(r, AnswerRecord) and r.skipped}
    assert {"env_social", "env_economic", "env_technology"} <= skipped
    assert reply.texts()[0].startswith("Skipped, with the rest of these questions")
    assert "leaning_direction" not in skipped  # the next block is asked, not skipped unseen
    assert sum(QUESTIONS["env_economic"].prompt in text for text in reply.texts()) == 0  # not asked in passing


def test_like_what_gets_suggestions_straight_away(make_turn):
    reply = respond(make_turn("like what?", intent="ask_suggestion", confidence=0.45, open_question="values", stage="assessment"))

    assert reply.records == [] and "pending" not in reply.slots
    assert reply.texts()[0].startswith(t("suggest_values_intro"))
    offered = [b.title for b in reply.messages[0].buttons]
    assert offered[:3] == t("suggest_values_options").split("|")
    assert offered[3] == t("something_else")
    assert reply.slots["suggestions_offered"]["key"] == "values"


@pytest.mark.parametrize("text", ["what do you mean?", "i dont understand the question", "huh?"])
def test_a_question_about_the_question_is_explained_with_suggestions_not_stored(make_turn, text):
    reply = respond(make_turn(text, intent="ask_suggestion", confidence=0.45, open_question="values", stage="assessment"))

    assert reply.records == [] and "pending" not in reply.slots
    assert reply.texts()[0].startswith("Let me put it another way. " + QUESTIONS["values"].why)
    assert t("suggest_values_intro") in reply.texts()[0]
    assert len([b for b in reply.messages[0].buttons if "suggestion-" in b.payload]) == 3


def test_a_correction_keeps_the_whole_new_value(make_turn):
    slots = dict(answered_before("assessment"), open_question="interests", stage="assessment", department="HR")
    reply = respond(make_turn("sorry, my department is actually Health & Safety, not HR…", intent="inform", confidence=0.7, **slots))

    assert answers(reply) == {"department": "Health & Safety"}


@pytest.mark.parametrize(
    ("text", "kept"),
    [("better data quality", "better data quality"), ("a university degree", "a university degree"), ("sales, thanks", "sales"), ("sales ty", "sales")],
)
def test_only_whole_pleasantries_are_taken_off_an_answer(text, kept):
    from bot.conversation.turn import without_pleasantries

    assert without_pleasantries(text) == kept


def test_that_was_my_answer_with_the_answer_after_it_stores_only_the_answer(make_turn):
    slots = dict(answered_before("goals"), open_question="goal_long", stage="goals")
    reply = respond(make_turn("that was my answer: head of health and wellbeing by 2032", intent="inform", confidence=0.6, **slots))

    assert answers(reply)["goal_long"] == "head of health and wellbeing by 2032"


def test_unsure_then_an_answer_anyway_is_the_answer(make_turn):
    text = "I'm not sure yet. Perhaps head of health and wellbeing"
    slots = dict(answered_before("goals"), open_question="goal_long", stage="goals")
    reply = respond(make_turn(text, intent="inform", confidence=0.9, **slots))

    assert answers(reply)["goal_long"] == text


def test_a_question_about_no_occupation_in_particular_gets_the_career_topic(make_turn, topics):
    turn = make_turn("do I need a CIPD qualification to move into HR?", intent="ask_occupation_education", confidence=0.8)
    nlu = Nlu("ask_occupation_education", 0.8, "topic/study_and_certifications", 0.4, {},
              topic_ranking=(("topic/study_and_certifications", 0.4), ("topic/career_change", 0.3)))
    reply = respond(replace(turn, nlu=nlu))

    assert reply.texts()[0].startswith(topics.topics["study_and_certifications"].answer)
    assert not any("Which occupation do you mean" in text for text in reply.texts())


@pytest.mark.parametrize("typed", ["both lol", "that was my answer", "it's both"])
def test_both_or_that_was_my_answer_at_the_clarification_keeps_the_message_as_the_answer(make_turn, typed):
    pending = {"clarify": {"text": "cold calling and listening i guess? is that a strength", "intent": "topic/confidence"}}
    reply = respond(make_turn(typed, intent="inform", open_question="strengths", stage="assessment", pending=pending))

    assert answers(reply) == {"strengths": "cold calling and listening i guess? is that a strength"}


# ---- the safety check: crisis language the classifier is not sure of ----------------------

PARAMEDIC = "hoping to move into the ambulance service, you see people hurt and dying but i want that"


@pytest.fixture
def safety_check(make_turn):
    """The reply to an answer the classifier half hears as crisis language, and a helper for the next turn."""
    first = respond(make_turn(PARAMEDIC, intent="crisis_self_harm", confidence=0.45, open_question="department"))

    def then(text: str, intent: str = "inform", confidence: float = 0.95):
        return respond(make_turn(text, intent=intent, confidence=confidence, **first.slots))

    return first, then


def test_unsure_crisis_language_gives_the_resources_and_asks_before_anything_else(safety_check):
    first, _ = safety_check

    assert (first.kind, first.intent) == ("crisis", "safety_check")
    assert first.effects == [] and first.records == []
    assert "findahelpline.com" in first.texts()[0] and first.texts()[0].endswith("Do you need help right now?")
    assert [b.payload for b in first.messages[0].buttons] == ["/crisis", "/request_human", "/affirm", "/continue_session"]


def test_the_safety_check_for_abuse_gives_the_line_for_abuse_at_home_too(make_turn):
    reply = respond(make_turn("my husband shouts when I come home late and I am afraid of him", intent="crisis_abuse", confidence=0.45))

    assert reply.intent == "safety_check"
    assert "findahelpline.com" in reply.texts()[0] and "Domestic Abuse Helpline" in reply.texts()[0]


def test_after_the_safety_check_keeping_it_stores_the_first_message_as_the_answer(safety_check):
    _, then = safety_check
    for reply in (then("/affirm"), then("that was my answer")):
        assert answers(reply) == {"department": PARAMEDIC}
        assert reply.effects == []


@pytest.mark.parametrize("text", ["/crisis", "yes", "yeah"])
def test_after_the_safety_check_a_yes_is_the_crisis_response_with_the_first_words_for_the_counselor(safety_check, text):
    _, then = safety_check
    reply = then(text, intent="affirm")

    assert reply.effects == [CrisisSupport("self_harm", text=PARAMEDIC)]
    assert reply.records == []


def test_after_the_safety_check_a_no_stores_nothing_and_asks_the_question_again(safety_check):
    _, then = safety_check
    reply = then("no im fine", intent="deny")

    assert reply.records == [] and reply.effects == []
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_after_the_safety_check_crisis_words_get_the_crisis_response(safety_check):
    _, then = safety_check
    reply = then("honestly i want to end my life")

    assert reply.effects == [CrisisSupport("self_harm")]
    assert reply.records == []


def test_saying_one_is_not_in_danger_is_thanked_stored_nowhere_and_noted_for_an_alerted_counselor(make_turn):
    text = "im not in danger!! i work in a hospice, dying patients is literally my job"
    reply = respond(make_turn(text, intent="crisis_self_harm", confidence=0.85))

    assert (reply.kind, reply.intent) == ("social", "reassure")
    assert reply.records == []
    assert reply.effects == [NoteToCounselor(text)]
    assert reply.texts()[0].startswith("Thank you for telling me")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


# ---- after the crisis response out of hours ------------------------------------------------

HOLD = {"kind": "abuse", "back": "tomorrow at 09:00 (UTC time)", "notes": 0}
HELD = {"crisis_hold": HOLD, "handoff": "queued", "handoff_case": 7}


@pytest.mark.parametrize("text", ["nasa pilipinas ako. di ko alam sino tatawagan", "outbound logistics", "he said he'll come back tonight"])
def test_after_the_crisis_response_every_message_goes_to_the_case_and_nothing_is_stored(make_turn, text):
    reply = respond(make_turn(text, intent="inform", confidence=0.9, **HELD))

    assert reply.records == []
    assert reply.effects == [NoteToCounselor(text)]
    [said] = reply.texts()
    # when they're back, that nobody can call from here, and the numbers again – for abuse, its own line too
    assert "they're back tomorrow at 09:00 (UTC time)" in said and "Nobody can call you from this chat" in said
    assert "findahelpline.com" in said and "Domestic Abuse Helpline" in said
    assert reply.slots["crisis_hold"] == {**HOLD, "notes": 1}


def test_while_held_the_next_messages_get_a_short_note_not_the_same_long_text(make_turn):
    reply = respond(make_turn("what happens now", intent="inform", confidence=0.9, **dict(HELD, crisis_hold={**HOLD, "notes": 1})))

    assert reply.texts() == [messages.text("crisis_hold_again", back=" – they're back tomorrow at 09:00 (UTC time)")]
    assert reply.slots["crisis_hold"]["notes"] == 2


def test_an_older_hold_without_details_still_holds(make_turn):
    reply = respond(make_turn("outbound logistics", intent="inform", confidence=0.9, **dict(HELD, crisis_hold=True)))

    assert reply.records == [] and "findahelpline.com" in reply.texts()[0]


def test_safe_for_now_after_a_real_crisis_is_thanked_without_calling_it_a_false_alarm(make_turn):
    reply = respond(make_turn("i talked to them. im safe for now. can we continue", intent="inform", confidence=0.9, **HELD))

    assert reply.slots["crisis_hold"] is None and reply.records == []
    assert reply.texts()[0] == messages.text("safe_now")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_that_was_about_my_job_after_a_hold_is_still_an_apology_saying_a_counselor_was_alerted(make_turn):
    reply = respond(make_turn("i'm not in danger, that was about my job", intent="inform", confidence=0.9, **HELD))

    assert reply.texts()[0] == messages.text("reassured_alerted")  # the crisis opened a case: said plainly


def test_a_false_alarm_without_a_case_says_the_message_went_nowhere(make_turn):
    reply = respond(make_turn("i'm not in danger, that was about my job", intent="deny", confidence=0.9))

    assert reply.texts()[0] == messages.text("reassured")


@pytest.mark.parametrize(("text", "first"), [
    ("is it encrypted", "privacy_security"),
    ("is it anonymous? does it know my name", "privacy_identity"),
    ("is the old version with the boss thing gone now?", "privacy_versions"),
    ("how long do you keep it", "privacy_how_long"),
])
def test_a_privacy_question_gets_its_own_answer_first_and_the_rest_only_once(make_turn, text, first):
    kept = messages.kept_for(730)
    reply = respond(make_turn(text, intent="ask_privacy"))
    assert reply.texts()[0].startswith(messages.text(first, kept=kept).split(":")[0])
    assert messages.text("privacy_rights") in reply.texts()[0]  # the whole account, the first time

    again = respond(make_turn(text, intent="ask_privacy", topics_given=reply.slots["topics_given"]))
    assert messages.text("privacy_rights") not in again.texts()[0]  # then only what is asked
    assert again.texts()[0].startswith(messages.text(first, kept=kept).split(":")[0])


def test_continue_ends_the_hold_and_goes_back_to_the_question(make_turn):
    reply = respond(make_turn("continue", intent="continue_session", **HELD))

    assert reply.slots["crisis_hold"] is None
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


def test_distress_in_the_interest_profiler_is_not_a_rating(make_turn):
    slots = dict(answered_before("exploration"), open_question="interest_profile", stage="exploration", take_profiler=True)
    reply = respond(make_turn("i feel like giving up on the whole thing tbh", intent="distress", confidence=0.7, **slots))

    assert reply.kind == "distress"
    assert reply.records == [] and "interest_responses" not in reply.slots


def test_a_complaint_that_a_question_went_unanswered_asks_for_it_again_and_offers_a_person(make_turn):
    reply = respond(make_turn("u didnt answer my question", intent="change_answer", confidence=0.9, open_question="values", stage="assessment"))

    assert reply.records == []
    assert reply.texts()[0].startswith("Sorry – I didn't answer that properly")
    assert reply.messages[0].buttons[0].payload == "/request_human"
    assert reply.texts()[-1] == QUESTIONS["values"].prompt


def test_the_privacy_answer_says_that_crisis_language_alerts_a_counselor_unasked(make_turn):
    reply = respond(make_turn("will anyone be alerted about what I write here?", intent="ask_privacy"))

    assert any("I alert a counselor at once" in text for text in reply.texts())
    assert reply.records == []


@pytest.mark.parametrize(("text", "intent"), [("show my summary", "show_summary"), ("im done for today", "pause")])
def test_while_held_a_request_is_carried_out_and_still_reaches_the_counselor(make_turn, text, intent):
    reply = respond(make_turn(text, intent=intent, confidence=0.95, **HELD))

    assert reply.intent == intent and reply.records == []
    assert NoteToCounselor(text) in reply.effects
    assert reply.slots.get("crisis_hold", HOLD) == HOLD  # still held afterwards


def test_while_held_a_greeting_is_asked_how_they_are_with_the_numbers(make_turn):
    reply = respond(make_turn("hi", intent="greet", confidence=0.95, **HELD))

    [said] = reply.texts()
    assert said.startswith("Welcome back. How are you doing right now?") and "findahelpline.com" in said
    assert reply.records == [] and NoteToCounselor("hi") in reply.effects


def test_while_held_asking_for_a_call_stays_with_the_urgent_case(make_turn):
    reply = respond(make_turn("will anyone ring me", intent="request_human", confidence=0.9, **HELD))

    assert reply.intent == "crisis_hold" and OpenCase("requested") not in reply.effects


def test_bye_for_now_is_never_an_answer(make_turn):
    reply = respond(make_turn("bye for now", intent="inform", confidence=0.7, open_question="expectations", stage="needs"))

    assert reply.records == []


# ---- suggestions (issue 12) ------------------------------------------------------------------

OFFERED = {"key": "values", "options": ["Security and stability", "Learning something new every year"], "on_yes": None}


def test_a_suggestion_button_stores_its_text_marked_as_suggested(make_turn):
    reply = respond(make_turn('/inform{"choice": "suggestion-2"}', open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert [(r.key, r.value, r.suggested) for r in reply.records if isinstance(r, AnswerRecord)] == [
        ("values", "Learning something new every year", True)
    ]
    assert reply.slots["suggestions_offered"] is None


def test_a_suggestion_named_by_its_place_is_chosen(make_turn):
    reply = respond(make_turn("the first one", open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert answers(reply) == {"values": "Security and stability"}


def test_yes_to_does_that_fit_you_takes_all_of_them(make_turn):
    offered = {"key": "strengths", "options": ["Speaking – talking", "Active Listening – listening"], "on_yes": "Speaking and Active Listening"}
    reply = respond(make_turn("yes that fits", open_question="strengths", stage="assessment", suggestions_offered=offered))

    assert answers(reply) == {"strengths": "Speaking and Active Listening"}


def test_something_else_asks_for_own_words_and_stores_nothing(make_turn):
    reply = respond(make_turn('/inform{"choice": "something-else"}', open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert reply.records == []
    assert reply.texts() == [t("something_else_go")]


def test_an_offer_for_another_question_is_not_chosen(make_turn):
    reply = respond(make_turn("the first one", open_question="constraints", stage="assessment", suggestions_offered=OFFERED))

    assert "values" not in answers(reply)


def test_own_words_after_suggestions_are_stored_unmarked(make_turn):
    reply = respond(make_turn("Fair pay and a good team", open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert [(r.key, r.suggested) for r in reply.records if isinstance(r, AnswerRecord)] == [("values", False)]


def test_an_old_suggestion_button_is_never_stored_as_text(make_turn):
    reply = respond(make_turn('/inform{"choice": "suggestion-1"}', open_question="constraints", stage="assessment", suggestions_offered=OFFERED))

    assert reply.records == []
    assert reply.texts()[0] == t("suggestion_gone")
    assert reply.slots.get("open_question", "constraints") == "constraints"


def test_a_comparison_question_is_answered_side_by_side_and_nothing_is_stored(make_turn):
    reply = respond(make_turn(
        "can you compare chief engineer and plant manager for me?", intent="inform", confidence=0.6,
        open_question="target_roles", stage="exploration", current_occupation="17-2141.00",
    ))

    assert reply.records == []
    assert reply.texts()[0].startswith("Architectural and Engineering Managers and Industrial Production Managers, side by side")


def test_naming_two_targets_leads_to_the_comparison_and_keep_both_keeps_the_first_for_skills(make_turn):
    slots = dict(answered_before("exploration"), open_question="target_roles", stage="exploration", current_occupation="17-2141.00",
                 career_direction="technical_management", path_type="dual_ladder")
    first = respond(make_turn("plant manager or chief engineer", **slots))

    assert answers(first)["target_roles"] == "plant manager or chief engineer"
    assert "side by side" in first.texts()[-1]
    slots.update({k: v for k, v in first.slots.items()})
    second = respond(make_turn('/inform{"choice": "both"}', **slots))

    assert answers(second)["target_occupation"] == "11-3051.00"


# ---- from the role-played employees of issue 12 ------------------------------------------------


def test_turning_down_the_options_then_naming_a_role_stores_only_the_role(make_turn):
    slots = dict(answered_before("exploration"), open_question="target_roles", stage="exploration", current_occupation="15-1252.00",
                 career_direction="technical_management", path_type="lateral")
    reply = respond(make_turn("none of those really. product manager at a software company", **slots))

    assert answers(reply)["target_roles"] == "product manager at a software company"


def test_a_target_typed_at_the_occupation_question_is_read_in_context(make_turn):
    # a developer's "product manager" is not O*NET's Marketing Managers: the note, and the field's options first
    slots = dict(answered_before("exploration"), open_question="target_occupation", stage="exploration", current_occupation="15-1252.00",
                 target_roles="product manager at a software company", career_direction="technical_management", path_type="lateral")
    reply = respond(make_turn("product manager", **slots))

    assert "target_occupation" not in answers(reply)
    assert "O*NET has no occupation close to “product manager” in your field" in reply.texts()[0]
    offered = [c["code"] for c in reply.slots["occupation_candidates"]]
    assert offered[0] == "11-3021.00" and offered[-1] == "11-2021.00"  # IT management first; Marketing Managers last
    again = respond(make_turn("product manager", **{**slots, "occupation_candidates": reply.slots["occupation_candidates"]}))
    assert answers(again)["target_occupation"] == "11-2021.00"  # said again after the note: their choice


def test_a_question_about_a_role_filed_far_away_says_so(make_turn):
    reply = respond(make_turn("what does a product manager actually do?", intent="ask_occupation_description", confidence=0.9,
                              open_question="values", stage="assessment", current_occupation="15-1252.00"))

    assert reply.texts()[0].startswith("O*NET has no occupation of its own for “product manager” in your field")
    assert "Computer and Information Systems Managers" in reply.texts()[0]


def test_the_principles_name_the_direction_the_person_leans_to():
    from bot.conversation.prompts import question_prompt

    prompt = question_prompt(QUESTIONS["principle_preference"], {"leaning_direction": "Logistics planning"}, TODAY)

    assert prompt.text.startswith("Preference: do you genuinely like “Logistics planning”")


def test_why_an_occupation_was_named_is_explained_with_its_reasons(make_turn):
    reply = respond(make_turn("Why would I become an agricultural engineer? I make car parts.", intent="ask_why", confidence=0.8,
                              open_question="target_roles", stage="exploration", current_occupation="17-2141.00",
                              interest_profile={"code": "RIC", "scores": {"R": 32, "I": 30, "A": 10, "S": 8, "E": 18, "C": 20}}))

    assert reply.records == []
    assert reply.texts()[0].startswith("I named Agricultural Engineers because it is close to your work as Mechanical Engineers")
    assert "if it doesn't fit you, leave it" in reply.texts()[0]


def test_a_why_question_about_the_question_still_gets_the_reason_for_asking(make_turn):
    reply = respond(make_turn("why do you ask?", intent="ask_why", confidence=0.9, open_question="values", stage="assessment"))

    assert reply.texts()[0] == QUESTIONS["values"].why


def test_unsure_about_the_direction_gets_the_ones_the_interests_point_to(make_turn):
    slots = dict(answered_before("exploration"), open_question="career_direction", stage="exploration", current_occupation="17-2141.00")
    reply = respond(make_turn("no idea, what would you suggest?", intent="ask_suggestion", confidence=0.9, **slots))

    assert reply.texts()[0].startswith("People who work as Mechanical Engineers usually have realistic, investigative interests")
    chosen = respond(make_turn('/inform{"choice": "suggestion-1"}', **{**slots, **reply.slots}))
    assert [(r.key, r.suggested) for r in chosen.records if isinstance(r, AnswerRecord)][0] == ("career_direction", True)


# ---- from the second round of role-played employees (issue 12) -------------------------------

STEPS_OFFERED = {
    "key": "action_steps",
    "options": ["Talk to my manager about this plan by 31 December 2026; Shadow a planner by 31 January 2027",
                "Talk to my manager about this plan by 31 December 2026", "Shadow a planner by 31 January 2027"],
    "labels": ["All of these steps", "Talk to my manager about this plan by 31 December 2026", "Shadow a planner by 31 January 2027"],
    "on_yes": None,
    "all": "Talk to my manager about this plan by 31 December 2026; Shadow a planner by 31 January 2027",
}


@pytest.mark.parametrize("text", ["ya all of em", "all of them", "k all", '/inform{"choice": "suggestion-1"}'])
def test_taking_all_the_suggested_steps_stores_them_all_with_their_dates(make_turn, text):
    slots = dict(answered_before("action_plan"), open_question="action_steps", stage="action_plan", suggestions_offered=STEPS_OFFERED,
                 action_steps_draft=[{"description": "ya all of em", "due": None}])
    reply = respond(make_turn(text, **slots))

    steps = answers(reply)["action_steps"]
    assert [s["description"] for s in steps] == ["Talk to my manager about this plan", "Shadow a planner"]
    assert [s["due"] for s in steps] == ["2026-12-31", "2027-01-31"]


@pytest.mark.parametrize("text", ['/inform{"choice": "suggestion-2"}', "the 2nd one"])
def test_one_suggested_step_is_kept_and_the_others_stay_on_offer(make_turn, text):
    slots = dict(answered_before("action_plan"), open_question="action_steps", stage="action_plan", suggestions_offered=STEPS_OFFERED)
    reply = respond(make_turn(text, **slots))

    assert answers(reply) == {}  # not stored yet: "another step?"
    assert reply.slots["action_steps_draft"] == [{"description": "Talk to my manager about this plan", "due": "2026-12-31"}]
    assert reply.texts()[0].startswith("Added – your steps so far: 31 December 2026: Talk to my manager about this plan.")
    assert [b.title for b in reply.messages[-1].buttons] == ["Shadow a planner by 31 January 2027", t("steps_that_is_all")]
    second = respond(make_turn('/inform{"choice": "suggestion-1"}', **{**slots, **reply.slots}))
    steps = answers(second)["action_steps"]  # nothing left to offer: both are the plan's steps
    assert [(s["description"], s["due"]) for s in steps] == [
        ("Talk to my manager about this plan", "2026-12-31"), ("Shadow a planner", "2027-01-31")]
    assert [r.suggested for r in second.records if isinstance(r, AnswerRecord)] == [True]


@pytest.mark.parametrize("text", ["that's all", "no thanks", "nope that's it", '/inform{"choice": "steps-done"}', "skip"])
def test_thats_all_after_a_suggested_step_keeps_the_steps_chosen_so_far(make_turn, text):
    slots = dict(answered_before("action_plan"), open_question="action_steps", stage="action_plan", suggestions_offered=STEPS_OFFERED)
    first = respond(make_turn('/inform{"choice": "suggestion-2"}', **slots))
    done = respond(make_turn(text, intent="inform", confidence=0.5, **{**slots, **first.slots}))

    assert [(s["description"], s["due"]) for s in answers(done)["action_steps"]] == [("Talk to my manager about this plan", "2026-12-31")]
    assert done.slots["action_steps_draft"] is None and done.slots["open_question"] != "action_steps"


def test_a_step_typed_after_a_suggested_one_joins_it(make_turn):
    slots = dict(answered_before("action_plan"), open_question="action_steps", stage="action_plan", suggestions_offered=STEPS_OFFERED)
    first = respond(make_turn('/inform{"choice": "suggestion-2"}', **slots))
    typed = respond(make_turn("finish the Excel course by 1 March 2027", intent="inform", confidence=0.7, **{**slots, **first.slots}))

    assert [s["description"] for s in answers(typed)["action_steps"]] == ["Talk to my manager about this plan", "finish the Excel course"]


@pytest.mark.parametrize("text", ["k first one", "that one", "ya the 2nd", "ya learning something new every year"])
def test_a_suggestion_is_chosen_in_everyday_words(make_turn, text):
    reply = respond(make_turn(text, open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert answers(reply)["values"] == (OFFERED["options"][1] if "2nd" in text or "learning" in text else OFFERED["options"][0])


def test_whatever_you_think_takes_waypoints_first_advice_but_never_guesses_about_the_person(make_turn):
    goals = {"key": "goal_short", "options": ["Finish the planning course by June 2027", "Shadow a planner by March 2027"], "on_yes": None}
    advice = respond(make_turn("whatever u think", open_question="goal_short", stage="goals", suggestions_offered=goals))
    about_them = respond(make_turn("whatever u think", open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert answers(advice)["goal_short"] == "Finish the planning course by June 2027"
    assert about_them.records == [] and about_them.texts() == [t("only_you_know")]


def test_yes_with_one_of_the_options_takes_that_one_not_all(make_turn):
    offered = {"key": "strengths", "options": ["Programming – writing programs", "Systems Analysis – analysing"],
               "labels": ["Programming", "Systems Analysis"], "on_yes": "Programming and Systems Analysis"}
    reply = respond(make_turn("ya programming", open_question="strengths", stage="assessment", suggestions_offered=offered))

    assert answers(reply)["strengths"] == "Programming – writing programs"


def test_none_really_to_the_constraints_is_the_answer_none(make_turn):
    reply = respond(make_turn("none really", intent="skip", confidence=0.8, open_question="constraints", stage="assessment"))

    assert answers(reply)["constraints"] == "none really"


def test_whatever_you_think_without_suggestions_asks_for_them(make_turn):
    reply = respond(make_turn("whatever u think", intent="inform", confidence=0.5, open_question="values", stage="assessment"))

    assert reply.records == []
    assert reply.slots["suggestions_offered"]["key"] == "values"


def test_spanish_asking_for_a_suggestion_gets_suggestions_not_storage(make_turn):
    reply = respond(make_turn("no sé, ¿qué me recomiendas?", intent="inform", confidence=0.6, open_question="values", stage="assessment"))

    assert reply.records == []
    assert reply.slots["suggestions_offered"]["key"] == "values"


def test_a_sore_back_is_no_crisis(make_turn):
    reply = respond(make_turn("k. not lifting stuff my back hurts from lifting", intent="crisis_self_harm", confidence=0.7,
                              open_question="constraints", stage="assessment"))

    assert not any(isinstance(e, CrisisSupport) for e in reply.effects)
    assert answers(reply)["constraints"] == "k. not lifting stuff my back hurts from lifting"


def test_a_role_named_with_a_typo_is_read_in_context(make_turn):
    slots = dict(answered_before("exploration"), open_question="target_roles", stage="exploration", current_occupation="53-1042.00",
                 career_direction="technical_management", path_type="lateral")
    reply = respond(make_turn("logistics planer", **slots))

    assert answers(reply)["target_occupation"] == "13-1081.00"  # Logisticians, not the warehouse's managers


def test_a_direction_typed_with_a_slip_is_the_one_meant(make_turn):
    slots = dict(answered_before("exploration"), open_question="career_direction", stage="exploration")
    reply = respond(make_turn("technical plus managment", **slots))

    assert answers(reply)["career_direction"] == "technical_management"


def test_an_answer_about_a_mentor_does_not_change_the_current_role(make_turn):
    slots = dict(answered_before("action_plan"), open_question="person_mentor_help", stage="action_plan", current_role="Registered nurse",
                 key_people=["mentor"])
    reply = respond(make_turn("Our wound care CNS could tell me what the job is really like and how she did her master's while working.",
                              intent="change_answer", confidence=0.6, **slots))

    assert "current_role" not in answers(reply)


def test_compare_the_two_compares_the_persons_own_targets(make_turn):
    reply = respond(make_turn("Can you compare the two for me? Which one fits me better?", intent="out_of_scope", confidence=0.7,
                              open_question="goal_short", stage="goals", current_occupation="29-1141.00",
                              target_roles="nurse manager or clinical nurse specialist"))

    assert reply.texts()[0].startswith("Medical and Health Services Managers and Clinical Nurse Specialists, side by side")


def test_a_degree_in_a_question_is_not_a_job(make_turn):
    reply = respond(make_turn("Shouldn't I start a master's?", intent="ask_occupation_education", confidence=0.8,
                              open_question="goal_medium", stage="goals", current_occupation="29-1141.00"))

    assert "Captains" not in " ".join(reply.texts())


def test_the_success_criterion_question_comes_with_suggestions_to_tap(make_turn):
    slots = dict(answered_before("goals"), open_question="goal_short_due", stage="goals",
                 goal_short="Finish the supply chain planning course", goal_short_measure=None)
    reply = respond(make_turn("by June 2027", **slots))

    asked = reply.messages[-1]
    assert asked.text.startswith(QUESTIONS["goal_short_measure"].prompt)
    assert t("suggestions_under_question") in asked.text
    assert [b.title for b in asked.buttons][0] == t("suggest_measure_certificate")
    assert reply.slots["suggestions_offered"]["key"] == "goal_short_measure"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("I wasn't asking about pay at all. My answer is: a people analytics role in our HR team", "a people analytics role in our HR team"),
        ("Alright. More people want hybrid work", "More people want hybrid work"),
        ("hmm, flexible hours matter most", "flexible hours matter most"),
    ],
)
def test_what_says_itself_it_is_the_answer_is_what_is_kept(text, kept):
    from bot.conversation.turn import without_pleasantries

    assert without_pleasantries(text) == kept


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("yes that fits, the first one", "Security and stability"),
        ("the 2nd one, and fair pay too", "Learning something new every year; fair pay too"),
    ],
)
def test_a_suggestion_named_inside_a_sentence_is_chosen_and_the_rest_kept(make_turn, text, stored):
    reply = respond(make_turn(text, open_question="values", stage="assessment", suggestions_offered=OFFERED))

    assert answers(reply)["values"] == stored


def test_i_meant_with_a_word_like_role_in_the_new_words_corrects_the_open_question_not_the_role(make_turn):
    slots = dict(answered_before("goals"), open_question="goal_short_measure", stage="goals", current_role="Support agent",
                 goal_short="Try out team lead work on a real task by June 2027", goal_short_due="2027-06-30")
    reply = respond(make_turn("no, I meant: I have an offer for the role", intent="change_answer", confidence=0.7, **slots))

    assert "current_role" not in answers(reply)


def test_a_target_named_in_a_sentence_is_found(make_turn):
    slots = dict(answered_before("exploration"), open_question="target_roles", stage="exploration", current_occupation="13-2011.00",
                 career_direction="management", path_type="traditional")
    reply = respond(make_turn("I am aiming for Treasurers and Controllers, with a finance team lead role as the first step.", **slots))

    assert answers(reply)["target_occupation"] == "11-3031.01"


def test_keep_both_in_more_words_keeps_both(make_turn):
    compared = [{"code": "43-1011.00", "title": "First-Line Supervisors of Office and Administrative Support Workers", "words": "team lead",
                 "compared": True},
                {"code": "13-1151.00", "title": "Training and Development Specialists", "words": "trainer", "compared": True}]
    slots = dict(answered_before("exploration"), open_question="target_occupation", stage="exploration", current_occupation="43-4051.00",
                 target_roles="team lead or trainer", occupation_candidates=compared)
    reply = respond(make_turn("keep both, team lead first", **slots))

    assert answers(reply)["target_occupation"] == "43-1011.00"


def test_why_one_of_the_suggestions_gets_the_reason_it_was_suggested(make_turn):
    slots = dict(answered_before("exploration"), open_question="career_direction", stage="exploration", current_occupation="43-4051.00")
    offered = respond(make_turn("no idea, what would you suggest?", intent="ask_suggestion", confidence=0.9, **slots))
    label = offered.slots["suggestions_offered"]["labels"][0]
    reply = respond(make_turn(f"why {label.lower()}?", intent="dont_know", confidence=0.4, **{**slots, **offered.slots}))

    assert reply.records == []
    assert reply.texts()[0].startswith(f"I suggested “{label.lower()}” from what I know about you so far: People who work as Customer Service")


@pytest.mark.parametrize("text", ["I didn't ask for a counselor, let's go on", "why you keep sending me to counselor?? my job is tech support",
                                  "i don't need a counselor"])
def test_a_request_for_a_counselor_the_person_did_not_make_is_withdrawn(make_turn, text):
    from bot.conversation.reply import WithdrawRequest

    reply = respond(make_turn(text, intent="request_human", confidence=0.9, open_question="current_role", stage="needs", consent=True,
                              handoff="queued", handoff_case=7))

    assert reply.effects == [WithdrawRequest()]
    assert reply.records == []
    assert reply.after[0].text.startswith("What is your current role")


def test_without_a_queued_request_the_same_words_withdraw_nothing(make_turn):
    reply = respond(make_turn("i don't need a counselor", intent="inform", confidence=0.5, open_question="current_role", stage="needs"))

    assert not any(type(e).__name__ == "WithdrawRequest" for e in reply.effects)


@pytest.mark.parametrize(("text", "stored"), [
    ("you didn't react to that at all. Anyway: the hospital is digitising its records", "the hospital is digitising its records"),
    ("a sales course? no, that's not it. I'd do: talk to my manager about the claims app", "talk to my manager about the claims app"),
])
def test_an_aside_to_the_bot_before_the_answer_is_not_stored(make_turn, text, stored):
    reply = respond(make_turn(text, intent="inform", confidence=0.9, open_question="org_strategy", stage="assessment"))

    assert answers(reply)["org_strategy"] == stored


def test_strain_said_in_an_answer_is_acknowledged_and_the_answer_kept(make_turn):
    reply = respond(make_turn("regular daytime hours – honestly the night shifts are killing me", intent="inform", confidence=0.9,
                              open_question="constraints", stage="assessment"))

    assert answers(reply)["constraints"] == "regular daytime hours – honestly the night shifts are killing me"
    assert t("strain_heard") in reply.texts()


def test_ya_to_the_suggested_steps_takes_them_all(make_turn):
    slots = dict(answered_before("action_plan"), open_question="action_steps", stage="action_plan", suggestions_offered=STEPS_OFFERED)
    reply = respond(make_turn("ya", intent="affirm", confidence=0.98, **slots))

    assert [s["description"] for s in answers(reply)["action_steps"]] == ["Talk to my manager about this plan", "Shadow a planner"]


def test_being_tired_of_the_job_said_as_the_answer_is_acknowledged(make_turn):
    reply = respond(make_turn("im kinda tired of my job tbh", intent="inform", confidence=0.8, open_question="situation", stage="needs"))

    assert t("strain_heard") in reply.texts()


def test_a_message_longer_than_the_turn_reads_is_said_so_and_nothing_stored(make_turn):
    reply = respond(make_turn("word " * 1000, intent="inform", confidence=0.9, open_question="values", stage="assessment"))

    assert reply.records == [] and reply.intent == "too_long"
    assert reply.texts()[0].startswith("That message is very long – I can read up to 4,000 characters")
    assert reply.texts()[-1].startswith("What matters most to you in work")


def test_the_longest_message_read_is_configured(make_turn):
    base = make_turn("Stability, learning new things and a team I trust", intent="inform", confidence=0.9,
                     open_question="values", stage="assessment")
    short = dataclasses.replace(base, settings=dataclasses.replace(base.settings, max_message_chars=500))
    longer = dataclasses.replace(short, text="word " * 101)  # 505 characters

    assert respond(short).intent != "too_long" and answers(respond(short))["values"]
    reply = respond(longer)
    assert reply.records == [] and reply.intent == "too_long"
    assert reply.texts()[0].startswith("That message is very long – I can read up to 500 characters")


@pytest.mark.parametrize("text", ["pls delete the department one. i dont want that saved at all", "remove my answer about department"])
def test_removing_one_answer_forgets_it_with_its_history_and_counts_it_as_skipped(make_turn, text):
    reply = respond(make_turn(text, intent="delete_data", open_question="education", stage="needs", department="Outbound", time_in_role="36"))

    assert reply.records[0] == ForgetAnswerRecord("department")
    assert answers(reply) == {"department": "(skipped)"} and reply.slots["department"] == "(skipped)"
    assert reply.texts()[0] == messages.text("answer_removed", label=QUESTIONS["department"].label)
    assert reply.effects == []  # not the erasure of everything


def test_a_worry_about_answering_is_not_stored_and_says_the_answer_is_optional(make_turn):
    reply = respond(make_turn("hmm do i have to say? if i say finance team its like 4 people, they could figure out its me",
                              intent="inform", confidence=0.83, department=None))

    assert reply.records == [] and reply.kind == "question"
    assert reply.texts()[0].startswith("You don't have to")
    assert reply.texts()[-1] == QUESTIONS["department"].prompt


# ---- what role-played employees asked of their data (issue 13, rounds 1 and 2) ----------------


def test_forget_that_i_said_removes_the_answers_holding_it_and_is_never_stored(make_turn):
    reply = respond(make_turn("please forget that I said I'm job hunting", intent="inform", open_question="interests",
                              stage="assessment", situation="honestly I'm job hunting, I want to leave"))

    assert reply.records[0] == ForgetAnswerRecord("situation")
    assert answers(reply) == {"situation": "(skipped)"}  # and nothing stored as the interests answer
    assert reply.texts()[0].startswith("Done – I've removed that from your answers")


@pytest.mark.parametrize("text", ["ok... I'd rather you didn't store anything for now. no.", "please don't store my answers"])
def test_storing_declined_in_a_sentence_is_a_no_to_consent(make_turn, text):
    reply = respond(make_turn(text, intent="deny", consent=None, open_question="consent", stage="welcome", situation=None,
                              current_role=None, current_occupation=None))

    assert reply.slots["consent"] is False and reply.records == []


def test_a_question_after_declining_never_says_the_chat_is_stored(make_turn):
    reply = respond(make_turn("wait, did you save that?", intent="ask_privacy", consent=False))

    assert reply.texts()[0].startswith(messages.text("privacy_declined"))
    assert "stored encrypted" not in reply.texts()[0]


def test_asking_about_the_alert_says_whether_one_was_raised(make_turn):
    reply = respond(make_turn("who exactly gets that alert? did you just send one?", intent="ask_privacy"))

    assert messages.text("privacy_no_alert") in reply.texts()[0]
    assert reply.texts()[0].startswith("One exception")


def test_i_dont_want_to_say_skips_the_question_instead_of_storing_the_sentence(make_turn):
    reply = respond(make_turn("I no want say department", intent="inform", confidence=0.5))

    assert answers(reply) == {"department": "(skipped)"}


def test_asking_for_spanish_gets_no_emergency_numbers(make_turn):
    reply = respond(make_turn("¿puedes hablar en español por favor?", intent="inform", confidence=0.45))

    assert "findahelpline.com" not in " ".join(reply.texts())


@pytest.mark.parametrize("text", [
    "wait who are the 'administrators'?? is that HR? my boss is friends with hr ppl",
    "No, I'm not asking about a job. I'm asking whether people in my HR department can read what I type here.",
    "you mentioned an alert if someone is 'in danger'. Who exactly gets that alert – HR?",
    "i looked at the copy. why is there a 'crisis' case about me still open?? and it says harassment. i never said harassment",
])
def test_questions_about_ones_data_are_never_crisis_or_an_answer(make_turn, text):
    reply = respond(make_turn(text, intent="crisis_harassment", confidence=0.9, consent=None, open_question="consent",
                              stage="welcome", situation=None, current_role=None, current_occupation=None))

    assert reply.kind == "question" and reply.intent == "ask_privacy"
    assert reply.effects == [] and "consent" not in reply.slots


def test_the_consent_question_asked_again_after_a_question_is_the_question_alone(make_turn):
    reply = respond(make_turn("is it encrypted?", intent="ask_privacy", consent=None, open_question="consent", stage="welcome",
                              situation=None, current_role=None, current_occupation=None))

    assert reply.texts()[-1] == messages.text("consent_again")  # not the four lines of the welcome again
    assert [b.payload for b in reply.messages[-1].buttons] == ["/affirm", "/deny", "/ask_privacy"]


def test_a_question_about_the_open_question_gets_it_in_other_words_not_a_glossary_miss(make_turn):
    reply = respond(make_turn("what do you mean by strengths exactly?", intent="ask_term", open_question="strengths",
                              stage="assessment"))

    assert reply.records == []
    assert reply.texts()[0].startswith(t("explain_question", why=QUESTIONS["strengths"].why))
    assert not any("I don't have a definition" in text for text in reply.texts())


def test_an_unknown_term_with_no_question_open_names_the_terms_the_bot_can_explain(make_turn):
    reply = respond(make_turn("what is a flibbertigibbet?", intent="ask_term", open_question=None, stage="complete"))

    assert any(text.startswith("I don't have a definition for that.") for text in reply.texts())
