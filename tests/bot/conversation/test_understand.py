"""What a message is: the deterministic signals and how the open question weighs the NLU."""

from __future__ import annotations

import pytest

from bot.conversation.stages import QUESTIONS
from bot.conversation.understand import (
    Kind,
    Nlu,
    Thresholds,
    asks_something,
    is_clear_goodbye,
    is_unsure,
    script_language,
    understand,
)

ALWAYS = lambda text: True  # noqa: E731 - every text fits a free-text question
NEVER = lambda text: False  # noqa: E731


def read(text, intent="inform", confidence=0.9, question="department", fits=ALWAYS, **kwargs):
    return understand(text, Nlu(intent=intent, confidence=confidence), QUESTIONS.get(question) if question else None, fits, Thresholds(), **kwargs)


@pytest.mark.parametrize(
    ("text", "language"),
    [("销售部", "zh"), ("我想和真人顾问谈谈", "zh"), ("hola, quiero hablar con una persona", "es"),
     ("ich möchte mit einem Menschen sprechen", "de"), ("je veux parler avec une personne", "fr"),
     ("I work in sales", "en"), ("Sales", "en"), ("la la land", "en")],
)
def test_the_language_of_a_message(text, language):
    assert script_language(text) == language


def test_a_short_chinese_statement_answers_a_free_text_question_and_a_chinese_question_does_not():
    assert read("销售部").kind is Kind.ANSWER
    assert read("你会说中文吗？").kind is Kind.OTHER_LANGUAGE
    assert read("你好").kind is Kind.OTHER_LANGUAGE
    assert read("销售部", question="time_in_role", fits=NEVER).kind is Kind.OTHER_LANGUAGE  # not a duration
    assert read("三年", question="time_in_role", fits=lambda text: True).kind is Kind.ANSWER  # a duration


@pytest.mark.parametrize("text", ["idk", "not sure tbh", "hmm no idea", "I don't know", "dunno"])
def test_uncertainty_is_recognised_whatever_the_nlu_says(text):
    assert is_unsure(text)
    assert read(text, intent="inform", confidence=0.9).kind is Kind.UNCERTAINTY


@pytest.mark.parametrize("text", ["I don't know the exact name, it's the outbound team", "not sure the company has a strategy, they keep changing"])
def test_an_answer_that_starts_unsure_is_still_an_answer(text):
    assert not is_unsure(text)


def test_a_career_topic_mid_question_must_be_asked_as_a_question():
    assert asks_something("btw how do i ask for a raise")
    assert not asks_something("Master's degree in economics")
    assert read("Master's degree in economics", "topic/study_and_certifications", 0.95, "education").kind is Kind.ANSWER
    assert read("btw how do i ask for a raise", "topic/raise", 0.95).kind is Kind.TOPIC


def test_a_questionnaire_item_takes_skip_as_its_answer():
    assert read("skip", "skip", 0.99, "interest_profile").kind is Kind.ANSWER


def test_goodbye_only_when_it_is_clearly_one():
    assert is_clear_goodbye("ok thanks, bye") and is_clear_goodbye("gotta go")
    assert not is_clear_goodbye("outbound, nights")
    assert read("outbound, nights", "goodbye", 0.7).kind is Kind.ANSWER
    assert read("bye!", "goodbye", 0.97).kind is Kind.SOCIAL


@pytest.mark.parametrize("text", ["can I talk to a real person", "is anyone there?", "please call me back", "book a session with a career coach"])
def test_asking_for_a_person_in_many_words(text):
    assert read(text, intent="inform", confidence=0.9).intent == "request_human"


@pytest.mark.parametrize("text", ["customer service representative", "call center agent", "Sales rep, B2B", "travel agent"])
def test_a_job_title_the_classifier_hears_as_a_request_for_a_person_is_the_answer(text):
    assert read(text, "request_human", 0.97, "current_role").kind is Kind.ANSWER


@pytest.mark.parametrize("text", ["i'll book a meeting with our HR business partner in March", "book a call with my mentor by June"])
def test_booking_a_meeting_with_someone_at_work_is_a_step_not_a_request(text):
    assert read(text, "inform", 0.9, "action_steps").kind is Kind.ANSWER


@pytest.mark.parametrize("text", ["agent please", "I need an agent", "can I get a human"])
def test_a_request_for_a_person_in_few_words_is_still_one(text):
    assert read(text, "request_human", 0.97, "current_role").intent == "request_human"


def test_the_thresholds_decide_between_answer_clarification_and_interruption():
    text = "you are just a bot"
    assert read(text, "bot_challenge", 0.9).kind is Kind.QUESTION
    half = read(text, "bot_challenge", 0.6)
    assert half.kind is Kind.QUESTION and half.clarify
    assert read(text, "bot_challenge", 0.3).kind is Kind.ANSWER
    once = read(text, "bot_challenge", 0.6, clarified=True)
    assert once.unsure and not once.clarify
    assert read(text, "bot_challenge", 0.6, clarified=True, last_unsure=text).kind is Kind.ANSWER
    # a reply that does not fit the question is never guessed to be its answer
    assert read(text, "bot_challenge", 0.3, fits=NEVER).kind is Kind.QUESTION


def test_a_statement_that_fits_is_the_answer_even_if_it_sounds_like_a_question_to_the_bot():
    assert read("robots are taking over the picking", "bot_challenge", 0.7, "env_technology").kind is Kind.ANSWER
    assert read("what do you store about me", "ask_privacy", 0.7).kind is Kind.QUESTION


def test_a_negative_that_starts_like_a_question_states_something():
    # "can't …" and "won't …" begin with a question word but say what is so
    assert read("can't relocate, my partner's job is here", "topic", 0.69, "constraints").kind is Kind.ANSWER
    assert not asks_something("can't relocate, my partner's job is here")
    assert not asks_something("can not travel much with two kids")
    assert asks_something("can I relocate later?") and asks_something("can't I skip this one?")


def test_a_button_says_what_it_is():
    assert read('/inform{"choice": "lateral"}', "inform", 1.0, "path_type").kind is Kind.ANSWER
    assert read("/request_human", "request_human", 1.0).intent == "request_human"


def test_crisis_comes_before_everything():
    reading = read("I want to kill myself", "inform", 0.99)
    assert (reading.kind, reading.crisis_kind) == (Kind.CRISIS, "self_harm")


@pytest.mark.parametrize(("likelihood", "intent"), [(0.7, "crisis"), (0.41, "safety_check"), (0.3, "safety_check")])
def test_crisis_language_no_rule_lists_is_crisis_when_the_classifier_hears_it_even_if_it_fits_the_question(likelihood, intent):
    # sure: the crisis response; less sure: the resources and "do you need help now?" – never an answer
    nlu = Nlu(intent="crisis_abuse", confidence=likelihood, ranking=(("inform", 1 - likelihood),))
    reading = understand("he came home angry again and i am scared", nlu, QUESTIONS["department"], ALWAYS, Thresholds())
    assert (reading.kind, reading.intent, reading.crisis_kind) == (Kind.CRISIS, intent, "abuse")


def test_the_crisis_intents_count_together_and_the_likeliest_names_the_kind():
    nlu = Nlu(intent="inform", confidence=0.5, ranking=(("crisis_self_harm", 0.2), ("crisis_harassment", 0.15)))
    reading = understand("scared of what comes next", nlu, QUESTIONS["department"], ALWAYS, Thresholds())
    assert (reading.kind, reading.crisis_kind) == (Kind.CRISIS, "self_harm")


def test_a_figure_of_speech_is_not_a_crisis_even_when_the_classifier_hears_one():
    nlu = Nlu(intent="crisis_self_harm", confidence=0.6, ranking=(("topic/interview_prep", 0.3),))
    reading = understand("I want to kill it at the interview tomorrow", nlu, None, ALWAYS, Thresholds())
    assert reading.kind is not Kind.CRISIS


def test_a_faint_crisis_intent_is_never_the_next_best_guess_for_a_question():
    nlu = Nlu(intent="inform", confidence=0.4, ranking=(("crisis_self_harm", 0.25), ("distress", 0.2)))
    reading = understand("why do i even bother anymore?", nlu, QUESTIONS["values"], ALWAYS, Thresholds())
    assert not reading.intent.startswith("crisis_")


def test_a_faint_crisis_score_is_not_a_crisis():
    nlu = Nlu(intent="inform", confidence=0.7, ranking=(("crisis_self_harm", 0.2),))
    assert understand("Night shift, outbound", nlu, QUESTIONS["department"], ALWAYS, Thresholds()).kind is Kind.ANSWER


@pytest.mark.parametrize(
    ("text", "language"),
    [("gracias, hasta luego", "es"), ("Ciao, come funziona questo?", "it"), ("yeh kitna time lega?", "hi"),
     ("no entiendo la pregunta", "es"), ("no idea, to be honest", "en")],
)
def test_more_languages_and_their_everyday_words(text, language):
    assert script_language(text) == language


def test_a_chinese_statement_of_intent_is_an_answer_and_not_understanding_the_question_is_not():
    assert read("想弄清楚下一步该怎么走", question="expectations").kind is Kind.ANSWER
    assert read("人工智能在取代一部分客服工作", question="env_technology").kind is Kind.ANSWER
    assert read("我不太明白这个问题", question="org_strategy").kind is Kind.OTHER_LANGUAGE
    assert read("我想和真人顾问谈谈").intent == "request_human"
    assert read("我想换工作，但是不知道从哪里开始", question=None).kind is Kind.OTHER_LANGUAGE  # nothing open to be unsure about


@pytest.mark.parametrize("text", ["am I talking to a real person", "is this a bot or a human?", "is there a person typing this"])
def test_asking_whether_a_person_writes_is_not_asking_for_one(text):
    assert read(text, "request_human", 0.98).intent == "bot_challenge"


@pytest.mark.parametrize("text", ["is there a real person I can talk to", "talk to ur boss", "get me a real person"])
def test_asking_for_a_person_in_plain_words(text):
    assert read(text, "inform", 0.8).intent == "request_human"


def test_talking_to_people_is_an_answer_about_the_job_not_a_request():
    assert read("I want to talk to people more in my job", "inform", 0.8, question="interests").kind is Kind.ANSWER


@pytest.mark.parametrize("text", ["not sure what I want from this", "no clue what HR could do", "honestly no idea which one"])
def test_uncertainty_about_the_question_with_more_words(text):
    assert read(text, "inform", 0.6, question="expectations").intent == "dont_know"


def test_uncertainty_words_before_a_career_question_the_classifier_hears_are_that_question():
    reading = read("idk how to write a cv", "topic", 0.9, question="expectations")
    assert reading.kind is not Kind.UNCERTAINTY


def test_asking_for_ideas_or_examples_is_a_request_for_a_suggestion_but_a_recipe_is_not():
    assert read("could you give me a few ideas for roles?", "ask_similar_occupations", 0.87, question="target_roles").intent == "ask_suggestion"
    assert read("examples of tech changes?", "inform", 0.86, question="env_technology").intent == "ask_suggestion"
    assert read("can you recommend something?", "inform", 0.5, question="values").intent == "ask_suggestion"
    assert read("can you recommend a vegetarian lasagna recipe", "out_of_scope", 0.95, question="values").intent == "out_of_scope"


def test_a_question_with_actually_in_it_is_no_correction():
    corrects = lambda text: True  # noqa: E731 - the navigation would see "is actually" and a question name
    reading = read("Which certification is actually worth it?", "topic/study_and_certifications", 0.9, question=None, corrects=corrects)
    assert reading.intent == "topic/study_and_certifications"
    assert read("oh wait, my department is actually CX", "inform", 0.9, question="time_in_role", corrects=corrects).intent == "change_answer"


@pytest.mark.parametrize("text", ["have a good one", "ok thanks, take care", "have a nice weekend!"])
def test_everyday_goodbyes(text):
    assert is_clear_goodbye(text)


def test_not_knowing_how_much_longer_one_can_go_on_is_distress():
    assert read("I don't know how much longer I can go on like this", "ask_duration", 0.86, question=None).kind is Kind.DISTRESS


@pytest.mark.parametrize("text", ["wat is demographics", "whats 1:1?", "what does OKR mean", "wat is mean SMART"])
def test_what_a_word_means_is_a_question_never_an_answer(text):
    reading = read(text, "inform", 0.6, "env_social")
    assert (reading.kind, reading.intent) == (Kind.QUESTION, "ask_term")


@pytest.mark.parametrize("text", ["?? no se", "no sé", "ni idea", "keine ahnung", "je ne sais pas"])
def test_i_dont_know_in_other_languages_is_uncertainty(text):
    assert read(text, "deny", 0.9, "org_strategy").kind is Kind.UNCERTAINTY


@pytest.mark.parametrize("text", ["this is taking too long", "so many questions lol", "how much longer?"])
def test_a_remark_on_the_length_is_not_an_answer(text):
    assert read(text, "inform", 0.8, "values").intent == "ask_duration"


def test_it_is_not_an_answer_asks_to_change_it():
    assert read("also 'expectations' is wrong, that wasnt an answer", "inform", 0.7, "interests").intent == "change_answer"


def test_a_remark_on_the_length_is_the_answer_where_feedback_is_asked():
    assert read("honestly this is way too long", "inform", 0.8, "rating_comment").kind is Kind.ANSWER


@pytest.mark.parametrize("text", ["what are some ideas", "what are common ones?", "what are my options"])
def test_asking_for_ideas_is_not_asking_what_a_word_means(text):
    assert read(text, "ask_suggestion", 0.9, "values").intent != "ask_term"


def test_declining_a_change_is_not_a_change_request():
    assert read("no i dont want to change anything", "change_answer", 0.86, "values").intent == "continue_session"


def test_you_didnt_answer_my_question_is_a_complaint_not_a_change():
    reading = read("wait u didnt answer my question about management", "change_answer", 0.9, "values")
    assert (reading.kind, reading.intent) == (Kind.QUESTION, "not_answered")


@pytest.mark.parametrize(
    ("text", "language"),
    [("sijui nifanye nini na kazi yangu tena", "und"), ("nie wiem co mam zrobić z moją pracą", "pl"),
     ("saya tidak tahu harus berbuat apa dengan pekerjaan saya", "id"), ("Ik weet niet wat ik met mijn werk moet", "nl"),
     ("hindi ko alam kung ano ang gagawin ko sa trabaho", "tl")],
)
def test_a_message_mostly_in_words_english_does_not_use_is_another_language(text, language):
    assert script_language(text) == language
    # whatever it says, it is never stored as an answer, even to a free-text question
    assert read(text, "inform", 0.9, question="department").kind is Kind.OTHER_LANGUAGE


@pytest.mark.parametrize(
    "text",
    ["im a forklift opr on nights, been there 6 yrs tbh", "Kubernetes, Terraform and a bit of GCP networking",
     "Priya Raghunathan from the Zendesk onboarding squad", "lol ngl my mgr is kinda sus abt the reorg", "teh recieving dock"],
)
def test_slang_typos_names_and_tools_are_english(text):
    assert script_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [("tengo dos hijos y trabajo de noche, quiero un horario mejor para verlos", "es"),
     ("ich arbeite seit fünf jahren im lager und möchte mehr verantwortung", "de")],
)
def test_a_long_message_in_a_language_whose_everyday_words_english_web_text_also_uses(text, language):
    # "de", "para", "und" are common on the English web: two everyday words and many unknown ones suffice
    assert script_language(text) == language


def test_a_few_foreign_words_in_an_english_answer_keep_it_english():
    text = "I work with la familia de mi esposa in the family business"
    assert script_language(text) == "en"


def test_a_crisis_topic_named_in_work_talk_is_the_safety_check_unless_the_classifier_hears_crisis_too():
    text = "our team runs the domestic abuse support desk and the self-harm awareness sessions"
    quiet = Nlu(intent="inform", confidence=0.9, ranking=(("crisis_abuse", 0.05),))
    uneasy = Nlu(intent="inform", confidence=0.8, ranking=(("crisis_abuse", 0.2),))
    alarmed = Nlu(intent="crisis_abuse", confidence=0.7)
    # the classifier hears no crisis language at all: the answer it is
    assert read_with(text, quiet).kind is Kind.ANSWER
    assert read_with(text, uneasy).intent == "safety_check"
    assert read_with(text, alarmed).intent == "crisis"


def test_a_crisis_topic_the_writer_speaks_of_as_their_own_is_the_crisis_response():
    reading = read_with("nobody listened when I reported the harassment", Nlu(intent="inform", confidence=0.9))
    assert (reading.kind, reading.intent, reading.crisis_kind) == (Kind.CRISIS, "crisis", "harassment")


@pytest.mark.parametrize(
    "text",
    ["no no i'm not in danger lol, that's just my job", "false alarm, honestly", "please don't flag this, I'm totally safe"],
)
def test_saying_plainly_one_is_safe_is_heard_before_the_classifiers_net(text):
    reading = read_with(text, Nlu(intent="crisis_self_harm", confidence=0.9))
    assert (reading.kind, reading.intent) == (Kind.SOCIAL, "reassure")


@pytest.mark.parametrize("text", ["i'm fine", "im ok i guess", "i'm not ok, i want to die"])
def test_a_bare_im_fine_is_no_reassurance_and_crisis_words_win(text):
    assert read_with(text, Nlu(intent="crisis_self_harm", confidence=0.9)).kind is Kind.CRISIS


def read_with(text, nlu, question="department"):
    return understand(text, nlu, QUESTIONS[question], ALWAYS, Thresholds())


def test_what_only_the_classifier_hears_in_talk_of_patients_or_clients_is_the_safety_check_however_sure():
    nlu = Nlu(intent="crisis_self_harm", confidence=0.9)
    assert read_with("night shifts on the hospice ward, most of my patients are actively dying", nlu).intent == "safety_check"
    assert read_with("he waits for me by my car after every shift", Nlu(intent="crisis_harassment", confidence=0.9)).intent == "crisis"
    # unless the harm is aimed at the writer: then a caller or a client is the one to fear
    harassment = Nlu(intent="crisis_harassment", confidence=0.9)
    assert read_with("a regular caller found my facebook and sends me threats", harassment).intent == "crisis"


def test_below_its_sure_mark_the_classifier_needs_a_word_of_harm_to_raise_the_safety_check():
    nlu = Nlu(intent="crisis_abuse", confidence=0.45, ranking=(("inform", 0.4),))
    assert read_with("video call with my husband and my mom this weekend", nlu, question="org_relationships").kind is Kind.ANSWER
    assert read_with("my husband was so angry this weekend, i'm scared of him", nlu, question="org_relationships").intent == "safety_check"


def test_how_much_longer_one_can_cope_is_not_about_the_conversations_length():
    text = "so tired, I cry before every shift and I don't know how much longer I can keep this up"
    assert read(text, "inform", 0.5, question="situation").intent != "ask_duration"
    assert read("how much longer?", "inform", 0.5, question="situation").intent == "ask_duration"


def test_doubt_followed_by_a_statement_is_a_hedged_answer():
    text = "idk tbh. theres talk of more automation, new WMS system coming"
    assert read(text, "inform", 0.6, question="env_technology").kind is Kind.ANSWER
    unsure = read(text, "dont_know", 0.6, question="env_technology")  # the classifier hears the doubt: it asks
    assert unsure.clarify
    assert read("idk what to put here honestly", "dont_know", 0.6, question="env_technology").kind is Kind.UNCERTAINTY


def test_you_tell_me_asks_for_a_suggestion():
    assert read("u tell me", "inform", 0.6, question="strengths").intent == "ask_suggestion"


def test_a_figure_of_speech_explained_is_a_reassurance():
    assert read("haha no mate im fine, its a figure of speech", "inform", 0.6, question="expectations").intent == "reassure"


@pytest.mark.parametrize("text", ["honestly I'm exhausted, some weeks I cry in the car after a shift", "crying before every shift lately"])
def test_crying_around_work_is_distress(text):
    assert read(text, "inform", 0.9, question="values").kind is Kind.DISTRESS


@pytest.mark.parametrize("text", ["im done for today", "this is long mate. stop", "lets call it a day", "that's enough for now"])
def test_stopping_for_now_in_plain_words_pauses_and_is_never_an_answer(text):
    assert read(text, "inform", 0.45, question="values").intent == "pause"


def test_saying_one_is_not_harassed_while_naming_harassment_as_work_is_a_reassurance():
    text = "Whoa, no – that's a figure of speech. I'm not in danger and I'm not being harassed, I investigate harassment."
    assert read_with(text, Nlu(intent="crisis_harassment", confidence=0.5)).intent == "reassure"
    assert read_with("Nobody is hurting me. Please just record it as my answer.", Nlu(intent="crisis_abuse", confidence=0.8)).intent == "reassure"


def test_an_idiom_is_not_harm_aimed_at_the_writer():
    from bot.handoff.crisis import aimed_at_the_writer

    assert not aimed_at_the_writer("this caseload is killing me – 40 open cases, half of them harassment claims")
    assert aimed_at_the_writer("a caller keeps sending me threats")


def test_a_request_for_suggested_goals_is_no_crisis_whatever_the_classifier_hears():
    text = "I'm asking about the goal itself, not the date. What should the goal be? Please suggest a few goals."
    nlu = Nlu(intent="crisis_self_harm", confidence=0.604, ranking=(("crisis_self_harm", 0.604), ("ask_suggestion", 0.241)))

    assert read_with(text, nlu, "goal_short").kind is not Kind.CRISIS


def test_words_of_harm_beside_a_request_for_goals_still_get_the_crisis_response():
    nlu = Nlu(intent="crisis_self_harm", confidence=0.7, ranking=(("crisis_self_harm", 0.7),))

    assert read_with("suggest goals? i want to kill myself", nlu, "goal_short").kind is Kind.CRISIS


@pytest.mark.parametrize("text", ["I'm not in any crisis. Please don't send anything urgent to a counselor about me.", "nothing urgent, I was asking about goals"])
def test_saying_it_was_no_crisis_is_a_false_alarm(text):
    from bot.conversation.understand import was_a_false_alarm

    assert was_a_false_alarm(text)


@pytest.mark.parametrize("text", [
    "I'm not sure how to phrase it. Can you suggest a short-term goal that moves me toward chief engineer?",
    "what should my first step be?",
    "could you recommend some success criteria",
])
def test_asking_waypoint_for_a_goal_or_a_step_is_asking_for_suggestions_not_an_answer(text):
    reading = read(text, "inform", 0.9, "goal_short")

    assert (reading.kind, reading.intent) == (Kind.UNCERTAINTY, "ask_suggestion")


def test_give_me_my_plan_is_no_request_for_suggestions():
    assert read("give me my plan", "show_plan", 0.9, "goal_short").intent == "show_plan"


@pytest.mark.parametrize("text", ["idk, normal things", "depende", "no sé, idk", "it depends", "no idea, stuff"])
def test_doubt_with_nothing_after_it_is_uncertainty_not_an_answer(text):
    from bot.conversation.understand import is_unsure

    assert is_unsure(text)
    assert read(text, "inform", 0.95, "interests").kind is Kind.UNCERTAINTY


@pytest.mark.parametrize("text", ["idk, sales mostly", "depends on the team lead role"])
def test_doubt_followed_by_content_is_not_mere_doubt(text):
    from bot.conversation.understand import is_unsure

    assert not is_unsure(text)


@pytest.mark.parametrize("text", ["sorry, I said I am a bit tired of my job", "i'm kind of fed up with my team"])
def test_how_someone_feels_about_their_job_is_not_an_answer_to_the_open_question(text):
    nlu = Nlu(intent="topic", confidence=0.72, topic="topic/job_satisfaction", topic_confidence=0.98)

    assert read_with(text, nlu, "org_opportunities").kind is Kind.TOPIC


def test_a_career_move_the_classifier_alone_hears_as_crisis_is_no_crisis():
    nlu = Nlu(intent="crisis_self_harm", confidence=0.696, ranking=(("inform", 0.284),))

    assert read_with("idk kinda thinking about moving up or into planning", nlu, "situation").kind is not Kind.CRISIS
    assert read_with("i am going to end it all", nlu, "situation").kind is Kind.CRISIS


def test_fine_and_it_was_about_something_else_is_safe():
    from bot.conversation.understand import says_safe

    assert says_safe("wtf?? im fine lol. just meant like a promotion")


@pytest.mark.parametrize("text", ["wait, the organisation's strategy is wrong, 'just tired' was about me", "and the opportunities one is also wrong"])
def test_saying_an_earlier_answer_is_wrong_is_a_correction(text):
    assert read(text, "inform", 0.8, "org_relationships").intent == "change_answer"


@pytest.mark.parametrize("text", ["estoy quemado", "la verdad estoy muy agotada", "je suis épuisée"])
def test_being_worn_out_in_another_language_gets_a_check_in_not_storage(text):
    assert read(text, "inform", 0.9, "constraints").kind is Kind.DISTRESS


@pytest.mark.parametrize("text", ["ya", "yes", "k"])
def test_a_bare_yes_to_an_open_question_is_not_its_answer(text):
    assert read(text, "affirm", 0.98, "values").kind is Kind.SOCIAL


def test_a_question_after_idk_is_a_question_not_a_choice():
    assert read("idk whats the diff between network and lateral", "ask_term", 0.978, "path_type").kind is Kind.QUESTION


@pytest.mark.parametrize("text", ["how much does a team lead make?", "like the salary. what does a team lead earn", "what would I earn as a nurse educator?"])
def test_a_pay_question_is_the_pay_topic(text):
    reading = read(text, "topic", 0.4, "env_economic")

    assert (reading.kind, reading.intent) == (Kind.TOPIC, "topic/pay_and_benefits")


def test_what_steps_would_you_suggest_asks_for_suggestions():
    reading = read("Not sure where to start - what steps would you suggest?", "topic", 0.5, "action_steps")

    assert (reading.kind, reading.intent) == (Kind.UNCERTAINTY, "ask_suggestion")


def test_maybe_alone_is_doubt_not_an_answer():
    assert read("maybe", "inform", 0.9, "interests").kind is Kind.UNCERTAINTY


@pytest.mark.parametrize(
    "text",
    ["ah ok, perdón. quiero hablar con una persona", "je voudrais parler à quelqu'un", "kann ich mit einem Menschen sprechen?",
     "posso falar com uma pessoa?"],
)
def test_a_person_asked_for_in_another_language_is_a_request_not_a_crisis(text):
    # the English classifier heard crisis language in the Spanish one (0.77)
    nlu = Nlu(intent="crisis_self_harm", confidence=0.77, ranking=(("crisis_self_harm", 0.77),))
    reading = understand(text, nlu, QUESTIONS["strengths"], ALWAYS, Thresholds())

    assert (reading.kind, reading.intent) == (Kind.REQUEST, "request_human")


def test_reasons_after_a_choice_are_not_a_crisis_by_the_classifier_alone():
    text = "partly I think. I like planning, I just worry it would be a desk job all day"
    nlu = Nlu(intent="crisis_self_harm", confidence=0.75, ranking=(("crisis_self_harm", 0.75),))

    assert understand(text, nlu, QUESTIONS["principle_preference"], ALWAYS, Thresholds()).kind is not Kind.CRISIS
    # the same words where no choice opens them, or with a word of distress, stay with the classifier
    assert understand("I just worry it would be a desk job all day", nlu, QUESTIONS["principle_preference"], ALWAYS,
                      Thresholds()).kind is Kind.CRISIS
    hopeless = "partly. honestly I feel hopeless about all of it"
    assert understand(hopeless, nlu, QUESTIONS["principle_preference"], ALWAYS, Thresholds()).kind is Kind.CRISIS
