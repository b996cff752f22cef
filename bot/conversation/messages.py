"""The message catalogue: everything the bot says outside the question catalogue
(bot/conversation/stages.py holds the questions and their "why"), keyed by id, per language.

`text(key, language, **values)` fills a template; a language without its own text falls
back to English. Values quoted from what people typed must already be made safe with
`bot.conversation.text.for_chat`.
"""

from __future__ import annotations

from bot.conversation.reply import Button, Prompt

# The version of the consent text (consent_disclosure and the consent question): each
# consent is stored with the version the person agreed to. Change it when that text changes.
CONSENT_VERSION = "2026-12-07"

ENGLISH = "en"
CHINESE = "zh"
# The languages the conversation itself is held in; others get a notice in their language.
CONVERSATION_LANGUAGES = (ENGLISH,)

EN: dict[str, str] = {
    # consent, the end, storage
    "consent_given": "Thank you. Your answers are stored confidentially; you can stop at any time and continue later.",
    "consent_declined": (
        "Understood – I won't store your answers. We can still go through everything together; nothing you say is "
        "added to your counseling record, so if you leave, we'll start again next time."
    ),
    "not_understood": "Sorry, I didn't quite follow that.",
    "all_done": (
        "You've completed all seven stages. You can say “send me my plan”, “show my summary”, "
        "“change my answer about …”, or “start over”."
    ),
    "plan_complete": "That's all seven stages – well done. Your answers are the basis of your ten-part career plan.",
    "why_general": (
        "I ask these questions because they are the steps a career counselor goes through: understanding your needs, "
        "assessing you, your organisation and your field, exploring directions, setting SMART goals, planning actions "
        "and agreeing on reviews. Together they make your career plan."
    ),
    "confirm_start_over": "Starting over deletes all your answers and begins again from the welcome. Are you sure?",
    "start_over_yes": "Yes, start over",
    "start_over_no": "No, keep my answers",
    "kept_answers": "Good – nothing was changed. Let's carry on.",
    "started_over": "Done – your answers are deleted. Let's begin again.",
    "action_failed": "Something went wrong on my side – sorry. Nothing you wrote is lost: please try again in a moment, or say “talk to a counselor”.",
    "action_failed_crisis": (
        "Something went wrong on my side – sorry. If you need help now, call your local emergency number (112, 911, 999); "
        "findahelpline.com lists crisis lines. Please write again in a moment, or say “talk to a counselor”."
    ),
    "not_stored": (
        "I couldn't save that answer just now – it's kept in our conversation, and I'll carry on. "
        "If this keeps happening, please tell your counselor."
    ),
    "not_deleted": (
        "I couldn't delete your answers just now, so nothing was reset. Please try “start over” "
        "again in a moment, or ask your counselor to delete them."
    ),
    "welcome_back": "Welcome back! {where} Send any message to continue, or say “start over” to begin again.",
    "picking_up": "Let's pick up where we left off.",
    # social
    "greet_again": "Hi again!",
    "thanks": "You're welcome!",
    "how_are_you": "I'm doing well, thanks for asking!",
    "goodbye_stored": "Goodbye! Your progress is saved – come back any time and we'll continue where you stopped.",
    "goodbye": "Goodbye! Come back any time.",
    "pause_stored": (
        "Of course – take your time. Everything you've answered is saved; when you come back, just say hi and "
        "we'll pick up where we stopped."
    ),
    "pause": (
        "Of course. As you asked, nothing is stored, so if you leave now we'll start again next time – "
        "say “let's continue” whenever you're ready."
    ),
    # questions to the bot
    "bot": "I'm Waypoint, a bot – not a person, and not a general AI chatbot like ChatGPT: I follow the steps of career counseling and use a real occupations database (O*NET). A human counselor can take over whenever you like: just say “talk to a counselor”.",
    "capabilities": (
        "I'm Waypoint, your organisation's career-counseling assistant. I can:\n"
        "• guide you through a career conversation – your needs, strengths, directions, SMART goals and an action "
        "plan – and make your ten-part career plan;\n"
        "• answer career questions – job search, pay, interviews, changing jobs, burnout and more;\n"
        "• look up occupations, skills and education in the O*NET career database;\n"
        "• put you in touch with a human counselor at any time."
    ),
    # what is stored, who sees it, how long (the "privacy" answer is these parts, in this order)
    "privacy_what": (
        "What I store: with your consent, your answers (with their earlier versions), your goals, questionnaires, "
        "career plans and our chat. Questions, worries and “I don't know” are never stored as answers. Without "
        "consent nothing is kept after the chat."
    ),
    "privacy_who": (
        "Who sees it: you; a counselor when you ask for one; and the counseling service's administrators – the few "
        "people your organisation named to run this service (they manage counselor accounts and data requests). "
        "Whether they or the counselors sit in HR depends on your organisation – {contact} can tell you who they are. "
        "Never your manager or colleagues, unless you share your plan yourself – and no third parties."
    ),
    "privacy_how_long": "How long: until you delete it, and at most {kept} after you last use Waypoint.",
    "privacy_security": (
        "Security: your answers, any counselor case and our chat are stored encrypted (AES-256), so a copy of the "
        "database alone shows nothing. The service's own servers hold the key; counselors and administrators see "
        "records only through the counselor console, which logs every case they open."
    ),
    "privacy_identity": (
        "Your name: I know you by your chat account's id – on Slack or the intranet that id is tied to your work "
        "account, so it is not anonymous, though I don't store your name unless you type it. Nobody gets a list "
        "of who uses Waypoint – counselors see only the people who ask for one (or who write that they're in danger)."
    ),
    "privacy_versions": (
        "Earlier versions: when you change an answer I keep the earlier one too (your copy shows them). To remove "
        "an answer completely, with its earlier versions, say “remove my answer about …”."
    ),
    "privacy_crisis": (
        "One exception: if you write that you or someone else is in danger, I alert a counselor at once, with that "
        "message – whether or not you asked. The alert goes to the counseling team, not to your manager."
    ),
    "privacy_no_alert": "No alert or counselor case has been raised about you in this conversation.",
    "privacy_case_open": "A counselor case is open for you in this conversation: that counselor sees it.",
    "privacy_rights": (
        "Your rights: “show my summary” shows your answers, “export my data” gives you a copy of everything, "
        "“delete all my data” erases it all, and “withdraw my consent” erases it and goes on without storing."
    ),
    "privacy_declined": (
        "You chose not to have your answers stored, so I keep nothing of this conversation in your record. "
        "If you ask for a counselor, they see only where you are in the conversation and what you write to them."
    ),
    "languages": (
        "I can hold the conversation in English for now. Answers you type in another language – Chinese included – "
        "are kept exactly as you wrote them. A human counselor may speak your language: say “talk to a counselor”."
    ),
    "other_language": (
        "Sorry – I can only chat in English for now. A counselor may speak your language: say “talk to a counselor” "
        "or tap the button."
    ),
    "other_language_urgent": (
        "(As I can't read it, just in case: if you ever need urgent help, your local emergency number – 112, 911, 999 – "
        "and findahelpline.com, with crisis lines in many languages, are there day and night.)"
    ),
    "duration": (
        "There are about {left} questions left ({where}). Most take under a minute. You can stop at any time and "
        "continue later – nothing you've answered is lost."
    ),
    "duration_with_profiler": (
        "There are {ratings} quick ratings left in the interest profiler – say “stop” there whenever you like, and "
        "it scores what you've rated – and then about {left} questions ({where}). You can stop at any time and "
        "continue later – nothing you've answered is lost."
    ),
    "duration_done": "We've been through all seven stages – there's nothing left to answer.",
    "counselor_scope": (
        "Our counselors help with career questions of every kind – direction, development, changing jobs, "
        "difficult situations at work, and your career plan. For legal, medical, financial or IT matters they'll "
        "point you to the right people. Say “talk to a counselor” to reach one."
    ),
    "term_unknown": "I don't have a definition for that. I can explain: {known}.",
    "career_database_missing": (
        "The career database is not available right now – please ask again later, or ask your counselor."
    ),
    # what people ask of their record: a copy, erasure, withdrawn consent
    "consent_disclosure": (
        "Please note: I'm an automated assistant, not a person.\n"
        "To build your plan and let you continue later, I'd like to store your answers. Only you, a counselor you "
        "ask for and the service's administrators see them – never your manager.\n"
        "They're erased after {kept} without use, or whenever you ask; you can also get a copy.\n"
        "Do you agree that I store your answers?"
    ),
    "privacy_more": "More about privacy",
    "consent_again": "So – do you agree that I store your answers?",
    "export_ready": (
        "Here is a copy of everything I hold about you – answers and their earlier versions, goals and steps, "
        "questionnaires, plans, our chat and any counselor cases – as a page to read and as a JSON file:\n"
        "• Page: {page}\n• JSON: {json}\n"
        "The link is private and works for {days} days: please don't forward it. Counselors' private notes are "
        "not included; {contact} can send them if you ask."
    ),
    "export_nothing": "I hold nothing about you – there's nothing stored to export.",
    "export_nothing_declined": (
        "You chose not to have anything stored, so there's nothing to export: what you tell me stays only in this chat."
    ),
    "export_failed": "Sorry – I couldn't prepare your copy just now. Please try again in a minute, or ask {contact}.",
    "confirm_erase": (
        "This deletes everything I hold about you – your answers, plans, questionnaires, our chat and any counselor "
        "case – for good. It can't be undone. (To change or remove just one answer, say “change my answer about …”.) "
        "Delete it all?"
    ),
    "confirm_withdraw": (
        "Withdrawing your consent deletes everything I hold about you – your answers, plans, questionnaires, our "
        "chat and any counselor case – and from then on nothing is stored. We can still carry on talking. Withdraw "
        "your consent?"
    ),
    "erase_yes": "Yes, delete everything",
    "withdraw_yes": "Yes, withdraw and delete",
    "erase_no": "No, keep it",
    "erase_kept": "Nothing was deleted – everything stays as it was.",
    "erased": (
        "Done – everything I held about you is deleted, our chat included. If you come back, we'll start fresh."
    ),
    "consent_withdrawn": (
        "Done – everything I held about you is deleted, and from now on nothing is stored. We can carry on where we "
        "were: what you tell me now stays only in this chat and is gone when it ends."
    ),
    "not_erased": (
        "Sorry – I couldn't delete your data just now, so nothing has changed. Please try again in a minute, or ask "
        "{contact}."
    ),
    "consent_not_given": (
        "You haven't agreed to storing your answers, so none of them is kept. If you'd also like any counselor case "
        "removed, say “delete all my data”."
    ),
    "answer_removed": (
        "Done – your answer about {label} is removed, with its earlier versions; it now counts as skipped. "
        "(What you typed is still in our chat history – “delete all my data” removes that too.)"
    ),
    "said_removed": (
        "Done – I've removed that from your answers ({labels}), with their earlier versions; they now count as "
        "skipped. (It is still in our chat history – “delete all my data” removes that too.)"
    ),
    "remove_which": (
        "I couldn't find that in your answers. Which answer should go? Say “remove my answer about …” with the "
        "topic, or “show my summary” to see them all."
    ),
    "answer_removed_ask_again": (
        "Done – your answer about {label} is removed, with its earlier versions. This one is needed for your plan, "
        "so here it is again – anything general is fine."
    ),
    "slow_down": "You're sending messages faster than I can read them – please wait a moment, then send your last one again.",
    "not_taken_in": "Sorry – something went wrong on my side and I didn't take that in. Could you send it again?",
    "cannot_save": "I can't save right now – please try again in a minute. Nothing is lost: send your message again then.",
    "optional_answer": (
        "You don't have to – every answer is up to you. Say “skip” and we'll move on, or give just as much as "
        "you're comfortable with (something general is fine). Why I ask: {why}"
    ),
    "needed_answer": "This one I do need, I'm afraid: {why}",
    "nothing_to_summarise": "There's nothing stored yet – we're just getting started.",
    # help with an answer
    "unsure": "That's fine – it's not always easy to say.",
    "explain_question": "Let me put it another way. {why}",
    "not_answered": (
        "Sorry – I didn't answer that properly. Ask it again on its own, in a few words, and I'll do better; "
        "or a counselor can take it: say “talk to a counselor”."
    ),
    "unsure_again": "No problem – there's no wrong answer here. A few words are enough, even a rough idea.",
    "consent_given_later": (
        "Thank you – from now on your answers are stored confidentially, including the ones you gave so far in this "
        "conversation."
    ),
    "consent_already": "Your answers are already stored – thank you.",
    "example": "For example: “{example}”.",
    # suggestions (bot/counsel/suggestions.py): options the person can choose or put in their own words
    "why_offered": "I suggested “{option}” from what I know about you so far: {reason}. It's only a suggestion – if it doesn't fit, leave it.",
    "strain_heard": "That sounds wearing – thank you for saying it. I've kept it, and it's a good reason to plan the change; if it ever gets too much, a counselor is one message away.",
    "too_long": "That message is very long – I can read up to {limit} characters at a time. Could you send the key part, or split it into a few messages? Nothing was stored.",
    "a_few_words": "Could you put it in a few words of your own? Even a rough idea is fine – or say “idk” and I'll suggest some.",
    "suggestions_under_question": "Tap one of my suggestions below, or say it in your own words.",
    "suggestions_pick": "Tap the one that fits best, or tell me in your own words.",
    "suggestions_pick_yes": "Say “yes” if all of them fit, tap the one that fits best, or tell me in your own words.",
    "something_else": "Something else",
    "only_you_know": (
        "Only you can say that one – my suggestions are just common answers. Tap the closest, put it in your own words, "
        "or say “skip”."
    ),
    "something_else_go": "Of course – tell me in your own words.",
    "suggestion_gone": "That suggestion belonged to an earlier question, so I haven't stored it.",
    "suggest_situation_intro": "People usually come to career counseling for one of these reasons – is one of them yours?",
    "suggest_situation_options": (
        "I feel stuck in my current role and don't see the next step|I want to grow into a bigger role|"
        "I'm thinking about changing to a different kind of work|I'd like to understand my strengths and where they could take me"
    ),
    "suggest_expectations_intro": "Here's what people often want to take away – does one fit you?",
    "suggest_expectations_options": (
        "A clear next step and what I need to learn for it|A better idea of my strengths and options|"
        "A plan I can discuss with my manager"
    ),
    "suggest_expectations_move": "A concrete plan to move toward {role}",
    "suggest_interests_intro": "People who choose work like yours ({title}) often enjoy activities like these – does one sound like you?",
    "suggest_strengths_intro": "In O*NET, {title} are often strong at {skills} – does that fit you?",
    "suggest_values_personal_intro": "People with interests like yours often say these matter most at work – which is closest for you?",
    "suggest_values_work_intro": "People who choose work like yours ({title}) often say these matter most – which is closest for you?",
    "suggest_values_intro": "What matters most at work differs from person to person – for example:",
    "suggest_values_options": "Security and stability for me and my family|Learning something new every year|Recognition for good work",
    "suggest_value_R": "Seeing practical, visible results of my work",
    "suggest_value_I": "Learning and understanding how things work",
    "suggest_value_A": "Freedom to create and try my own ideas",
    "suggest_value_S": "Helping people and working in a good team",
    "suggest_value_E": "Responsibility, recognition and the chance to lead",
    "suggest_value_C": "Security, clear expectations and a stable structure",
    "suggest_constraints_intro": "Common limits people name – does one of these apply to you?",
    "suggest_constraints_options": (
        "I can't relocate|I need to keep at least my current salary|I have caring duties at home|No real constraints"
    ),
    "suggest_org_strategy_intro": "Think of what your organisation is changing – is it something like this?",
    "suggest_org_strategy_options": (
        "We're growing and opening new teams or sites|We're automating and digitising our work|"
        "We're cutting costs and restructuring|I don't know the strategy well – I'd like to find out"
    ),
    "suggest_org_opportunities_intro": "In organisations with {title} roles, people often move on like this – is one of these open to you?",
    "suggest_opportunity_move": "An internal move toward {title} work",
    "suggest_opportunity_programme": "The company's training or leadership programme",
    "suggest_org_relationships_intro": "For example – which is closest?",
    "suggest_org_relationships_options": (
        "Good with my manager and my team|Good with my team, but I rarely talk to my manager about my career|"
        "Some tension with another team I depend on"
    ),
    "suggest_env_social_intro": "Changes people often notice around them at work – do any of these fit your field?",
    "suggest_env_social_options": (
        "More people want flexible or remote work|Many experienced colleagues are retiring|"
        "Customers expect faster, more personal service"
    ),
    "suggest_env_economic_intro": "How is your industry doing? For example:",
    "suggest_env_economic_options": (
        "The industry is growing and hiring|Margins are tight and budgets are being cut|It's stable – not much change"
    ),
    "suggest_env_technology_intro": (
        "O*NET lists {technologies} among the technologies in demand for {title}. Is that what's changing in your field?"
    ),
    "suggest_technology_option": "More and more of our work runs on {technology}",
    "suggest_technology_all": "More and more of our work runs on {technologies}",
    "suggest_leaning_direction_intro": "People who work as {title} often move on to work like this – does one of these appeal?",
    "suggest_leaning_option": "Moving toward {title}",
    "suggest_leaning_lead": "Leading the team: {title}",
    "why_suggested": (
        "I named {title} because {reasons}. It's a suggestion, not advice to move: if it doesn't fit you, leave it – "
        "and tell me what you'd rather look at."
    ),
    "why_close": "it is close to your work as {current} in O*NET ({reason})",
    "why_far": "it fits your interests, though it's far from your work as {current}",
    "why_interests": "it suits your {areas} interests",
    "suggest_career_direction_profile": (
        "Your interest profile is strongest in {areas}. People with those interests most often grow in these "
        "directions – the first is the closest fit, but only you can say which you'd stick with:"
    ),
    "suggest_career_direction_work": (
        "People who work as {title} usually have {areas} interests (you skipped the profiler, so this is about the "
        "work, not about you). They most often grow in these directions – only you can say which you'd stick with:"
    ),
    "suggest_path_type_intro": (
        "For a {direction} direction, these kinds of path are the usual ones – the first most often fits:"
    ),
    "suggest_target_roles_intro": "From what you've told me, these roles are close to your field – would one be your target?",
    "suggest_goal_short_intro": "Here are short-term goals that lead toward your target, each with a date – pick one or adapt it:",
    "suggest_goal_medium_intro": "A medium-term goal usually puts you in the role itself – for example:",
    "suggest_goal_long_intro": "A long-term goal looks further ahead – for example:",
    "suggest_goal_close_gap": "Close my gap in {skill} with {means} by {by}",
    "suggest_goal_close_gap_label": "Close my gap in {skill} by {by}",
    "suggest_goal_try_out": "Try out {role} work on a real task by {by}",
    "suggest_goal_move": "Move into a {role} role by {by}",
    "suggest_goal_ready": "Be ready to apply for {role} roles by {by}",
    "suggest_goal_senior": "Be an experienced {role} others come to for advice by {by}",
    "suggest_goal_mentor": "Train and mentor newer colleagues in {role} work by {by}",
    "suggest_goal_lead": "Move into a role as {title} by {by}",
    "suggest_due_intro": "A date that fits this kind of goal – for example:",
    "suggest_due_option": "By {when}",
    "suggest_measure_intro": "How would you show it's done? Something you could point to, for example:",
    "suggest_measure_tried": "I've done one real task of that work and talked it over with my manager",
    "suggest_measure_decided": "I know whether I want that role, and why",
    "suggest_measure_certificate": "I have the certificate in hand",
    "suggest_measure_applied": "I've used what I learned on a real piece of work",
    "suggest_measure_offer": "I have an offer for the role",
    "suggest_measure_first_months": "I've completed my first three months in the role",
    "suggest_measure_established": "I've held the role for a year and my review rates me as performing well",
    "suggest_measure_leading": "I lead the team's main work on my own, and people come to me for decisions",
    "suggest_measure_delivered": "The work is delivered and in use",
    "suggest_measure_feedback": "My manager confirms it in my review",
    "suggest_measure_review": "My manager rates me as strong in it in my next review",
    "suggest_measure_on_my_own": "I do it on my own, without help, on real work",
    "suggest_action_steps_intro": "Steps that close your largest gaps, each dated before your first goal – take them all or one:",
    "suggest_steps_all": "All of these steps",
    "step_added_more": "Added – your steps so far: {steps}.\nAnother step? Tap one, type your own with a date, or say “that's all”.",
    "steps_that_is_all": "That's all",
    "suggest_step_2.A.1": "Stretch my {skill} on real work, with a colleague's feedback, from {by}",
    "suggest_step_2.A.2": "Ask a mentor for feedback on my {skill} by {by}",
    "suggest_step_2.B.1": "Shadow a colleague who is strong in {skill} by {by}",
    "suggest_step_2.B.2": "Take on a stretch project that needs {skill} by {by}",
    "suggest_step_2.B.3": "Book hands-on training in {skill} by {by}",
    "suggest_step_2.B.4": "Ask for a rotation or shadowing to practise {skill} by {by}",
    "suggest_step_2.B.5": "Take on a stretch assignment that needs {skill} by {by}",
    "suggest_step_2.C": "Sign up for a course in {skill} by {by}",
    "suggest_step_other": "Start practising {skill} on real work by {by}",
    "suggest_step_shadow": "Shadow someone who works as {role} for a day by {by}",
    "suggest_step_manager": "Talk to my manager about this plan by {by}",
    "suggest_next_role": "my next role",
    "suggest_main_gap": "the skills I need most",
    "suggest_person_help_intro": "Here's what they could do for you – which fits?",
    "suggest_person_engage_intro": "Ways people usually raise it – which suits you?",
    "suggest_manager_help_options": (
        "Give me a stretch task in {skill}|Support a rotation or shadowing in {role} work|"
        "Give me honest feedback on my progress every quarter"
    ),
    "suggest_manager_engage_options": "Raise it in my next one-to-one|Ask for 30 minutes this month to talk about my plan",
    "suggest_mentor_help_options": (
        "Tell me how they got into {role} work|Review my progress on {skill} once a month|Introduce me to people in that field"
    ),
    "suggest_mentor_engage_options": "Ask for a coffee once a month|Ask HR to match me with a mentor",
    "suggest_hr_help_options": (
        "Tell me about openings for {role} and what they require|Tell me about the training budget and courses for {skill}|"
        "Help me set up a rotation or a mentoring programme"
    ),
    "suggest_hr_engage_options": "Book a meeting with my HR business partner this month|Email HR with my questions this week",
    "suggest_peers_help_options": "Show me how they work and the tools they use|Give me feedback on {skill}|Tell me about openings they hear of",
    "suggest_peers_engage_options": "Ask to shadow a colleague for a day|Join their team meeting once a month",
    "suggest_family_help_options": "Give me time in the evenings for a course|Support me through a change of job",
    "suggest_family_engage_options": "Talk it over this weekend|Plan my course evenings together",
    "suggest_family_help_options_evenings_taken": "Cover a few hours at the weekend so I can study|Support me through a change of job",
    "suggest_family_engage_options_evenings_taken": "Talk it over this weekend|Plan together which weekend hours go to learning",
    # Waypoint's analysis in the plan (bot/counsel/analysis.py)
    "analysis_label_recommendation": "Waypoint's recommendation",
    "analysis_label_comparison": "Your two targets side by side (Waypoint, from O*NET)",
    "analysis_label_alternatives": "Other options on this path (Waypoint, from O*NET)",
    "analysis_interests_fit": "it fits your {areas} interests, which {title} share",
    "analysis_interests_differ": (
        "your strongest interests ({areas}) are not the ones {title} mostly use – worth testing with a trial task first"
    ),
    "analysis_principles": "you said {held}",
    "analysis_principles_partly": "partly that {partly}",
    "analysis_principles_doubt": "look again at whether {doubtful}, which you doubted",
    "analysis_gaps": "your largest gaps, {gaps}, can be closed with the steps in part 9",
    "analysis_no_gaps": "your skills already meet what the target needs",
    "analysis_label_technologies": "Technologies in demand for {title} (Waypoint, from O*NET)",
    "analysis_label_preparation": "Preparation it takes (Waypoint, from O*NET)",
    "analysis_label_preparation_for": "Preparation {title} takes (Waypoint, from O*NET)",
    "analysis_label_related": "Occupations related to {title} (Waypoint, from O*NET)",
    "analysis_label_knowledge": "Knowledge {title} rely on most (Waypoint, from O*NET)",
    "analysis_label_tools": "Tools to learn (Waypoint, from O*NET)",
    "analysis_label_education": "Education for {title} (Waypoint, from O*NET)",
    "analysis_education_gap": (
        "most people in it hold a {education} ({percent}%), more than you have: ask your organisation whether it "
        "requires one for this role or counts your experience instead – and if it does, add the degree to your steps"
    ),
    "analysis_label_tools_for": "Tools to learn for {title} (Waypoint, from O*NET)",
    "analysis_label_person": "Waypoint's suggestion",
    "analysis_person_manager": "ask for a stretch task in {skill} and a short progress check each quarter; name {role} as the aim",
    "analysis_person_mentor": "choose someone who already works as {role}, and bring one question about {skill} to each meeting",
    "analysis_person_hr": "ask which openings for {role} come up and which training budget covers {skill}",
    "analysis_person_peers": "ask a colleague strong in {skill} to let you shadow them, and offer help in return",
    "analysis_person_family": "agree which evenings go to learning, and when you'll review together how it's going",
    "analysis_person_family_evenings_taken": "agree which weekend hours go to learning (your evenings are taken), and when you'll review together how it's going",
    # two target roles side by side (bot/counsel/compare.py)
    "compare_intro": "{a} and {b}, side by side (from O*NET):",
    "compare_interests": "• Fit with your interests: {a} | {b}",
    "compare_fit_strong": "strong",
    "compare_fit_fair": "fair",
    "compare_fit_weak": "weak",
    "compare_alike": "• Close to your current skills: {a}% alike | {b}% alike",
    "compare_needs": "• What it needs more of than your work now: {a} | {b}",
    "compare_preparation": "• Preparation: {a} | {b}",
    "compare_path": "• How you'd get there: {a} | {b}",
    "compare_path_traditional": "a traditional step ({reason})",
    "compare_path_lateral": "a lateral move ({reason})",
    "compare_path_network": "a network move ({reason})",
    "compare_path_dual_ladder": "the dual ladder ({reason})",
    "compare_path_far": "a move outside your usual paths",
    "compare_value": "• What you value – {words} (O*NET's “{element}”): {a} | {b}",
    "verdict_label": "Weighing it up (Waypoint):",
    "verdict_interests": "it fits your interests better",
    "verdict_skills": "it is closer to what you do now",
    "verdict_preparation": "it takes less preparation",
    "verdict_value": "it offers more of what you value ({words})",
    "verdict_path": "it lies on one of your usual paths",
    "verdict_leader": "on what you've told me and what O*NET knows, {role} fits a little better – {reasons}.",
    "verdict_other": "{role}, though: {reasons}.",
    "verdict_split": "the two are even: {a} because {a_reasons}; {b} because {b_reasons}.",
    "verdict_close": "on what O*NET can tell, the two are close.",
    "verdict_constraint": "What may well decide it is your constraint – “{words}”: ask how each role handles it where you work before you choose.",
    "verdict_yours": "What decides it is what you want your days to look like: talk to someone in each role.",
    "compare_value_high": "high",
    "compare_value_some": "some",
    "compare_value_low": "low",
    "compare_constraint": (
        "• Your constraint – “{words}”: O*NET's data here says nothing about shifts, hours or travel, so ask "
        "people in both roles how often it comes up before you choose."
    ),
    "compare_choose": "Which will you aim for? Or keep both in your plan – then I'll ask about the skills of both.",
    "compare_keep_both": "Keep both",
    "principle_two_options": "If it differs between the two, say so – for example “yes for {a}, partly for {b}”.",
    "compare_not_found": (
        "I could only find one of those in the career database – ask about each with its title, for example "
        "“what does a plant manager do?”."
    ),
    "suggest_review_triggers_intro": "Things that usually make people look at their plan again – which apply to you?",
    "suggest_review_triggers_options": (
        "A reorganisation or a new manager|A job offer or an internal opening|Reaching or missing a goal"
    ),
    "own_words": "Answer in your own words, or tap a button.",
    "can_skip": "You can also skip this one – your plan will then say “not discussed”.",
    "cannot_skip": "This one can't be skipped: {why}",
    "skipped": "Skipped – your plan will say “not discussed” there.",
    "skipped_several": "Skipped, with the rest of these questions – your plan will say “not discussed” there.",
    "stuck": "Let's find a way forward – you can answer in your own words, use the buttons, or talk to a counselor.",
    "trouble": (
        "I'm having trouble understanding – sorry. You can use the buttons below, or talk to a counselor: "
        "{contact} can help you in person."
    ),
    "clarify": "Is “{text}” your answer to “{question}” – or a question for me?",
    "clarify_answer": "Yes, that's my answer",
    "clarify_question": "No, it's a question",
    "clarify_unclear": "I'm still not sure what you meant – could you say it another way?",
    # feelings
    "distress": (
        "That sounds really hard – I'm sorry you're feeling this way. You don't have to sort it out alone: a "
        "counselor can talk it through with you in confidence. Would you like that, or shall we carry on for now?"
    ),
    "distress_keep": "If what you wrote is also your answer to my question, I can keep it as it is.",
    "keep_as_answer": "Keep it as my answer",
    "safety_check": (
        "I want to be sure I've understood you. If you are thinking of harming yourself, or someone is hurting or "
        "threatening you, you don't have to deal with it alone.\n{resources}\nDo you need help right now?"
    ),
    "safety_check_help": "Yes, I need help",
    "crisis_hold": (
        "I've added this to your urgent message, so the counselor reads it first{back}. Nobody can call you from this "
        "chat: if you'd like a call, write your number and a time that is safe for you, and I'll add it for them. "
        "The numbers again:\n{resources}\nI won't ask career questions now; when you want to go on with them, "
        "say “continue”."
    ),
    "crisis_hold_welcome": (
        "Welcome back. How are you doing right now? Your message is still with the counselor as urgent{back}, and "
        "anything you write here goes to them too.\n{resources}\nSay “continue” when you want to go back to the career "
        "questions."
    ),
    "crisis_hold_again": (
        "Added to your urgent message{back}. If you are in danger now, call your local emergency number (112, 911, 999) "
        "or one of the lines above. Say “continue” when you want to go back to the career questions."
    ),
    "crisis_hold_back": " – they're back {back}",
    "safe_now": (
        "Thank you for telling me – I'm glad you're safe right now. Your message stays with the counselor, and they'll "
        "still be in touch. If it gets hard again, say so at any time; the numbers I gave work day and night."
    ),
    "reassured": (
        "Thank you for telling me – and I'm sorry for the alarm: words like those can sound to me like someone in "
        "danger. That message isn't stored as one of your answers, and if anything changes, a counselor is one "
        "message away."
    ),
    "reassured_alerted": (
        "Thank you for telling me – and I'm sorry for the alarm: words like those can sound to me like someone in "
        "danger, so I passed that message to a counselor, as I always do then. They'll see this too, so they know it "
        "was a false alarm. It isn't stored as one of your answers."
    ),
    "safety_check_fine": "Thank you for telling me. If that changes, say so at any time – a counselor is one message away.",
    "crisis_sorry": "I'm really sorry you're going through this. You don't have to handle it alone.",
    "carry_on": "Let's carry on",
    "withdrawn": "Sorry – I took that for a request to talk to a counselor. I've withdrawn it; no counselor will contact you about it. Let's carry on.",
    "withdrawn_nothing": "No counselor request is open for you – let's carry on.",
    "withdraw_urgent": (
        "I'll keep your earlier message with a counselor: it sounded urgent, and they'll check in once, "
        "gently – you can tell them you're fine. Let's carry on meanwhile."
    ),
    "withdraw_failed": "I couldn't withdraw the request just now – if a counselor writes, just tell them you're fine, or write to {contact}.",
    "talk_to_counselor": "Talk to a counselor",
    "why_ask": "Why do you ask?",
    "skip_button": "Skip this question",
    # out of scope
    "out_of_scope": (
        "I can't help with that here – I'm Waypoint, your career-counseling assistant. I can help you think "
        "through your career, answer career questions (pay, interviews, changing jobs…), build your career plan, "
        "or put you in touch with a counselor."
    ),
    # changing answers
    "nothing_to_change": "There's nothing to change yet.",
    "which_answer": "Which answer would you like to change?",
    "not_answered_yet": "You haven't answered the question about your {label} yet – we'll get to it.",
    "redo": "Let's do your {label} again.",
    "current_answer": "Your {label} is currently: “{value}”. What should it be instead?\n({question})",
    "updated": "Updated your {label}: “{value}”.",
    "answer_heard": "{lead} – {label}: “{value}”",
    "answer_heard_nothing": "{lead} – nothing on {label}.",
    "answer_heard_long_1": "Thank you – I've kept that as your answer on {label}.",
    "answer_heard_long_2": "That's helpful – it's kept under {label}.",
    "answer_heard_long_3": "Thanks for putting it so fully – I've kept it under {label}.",
    "answer_filed": "{lead} – {label}: {value}.",
    # topics
    "topic_again": (
        "That's my general advice on {title} – for your own situation a counselor can help you think it through, in "
        "confidence: say “talk to a counselor” or tap the button."
    ),
    "topic_choose": "I'd like to get this right – which of these is your question closest to?",
    "topic_unsure": (
        "I'm not sure I understood that well enough to give you good advice, and I'd rather not guess. You could put it "
        "another way, or a counselor can look at your situation with you – say “talk to a counselor”."
    ),
    "plan_early": "Your plan fills in as we go – most of its parts are still empty, and they'll say so.",
    "company_rule": "Where your organisation's rules apply: {rule}",
    "topic_company": "At {company}: {note}",
    "topic_more": "{next}",
    # the handoff
    "handoff_unreachable": (
        "I couldn't reach the counselors' queue just now – sorry. Please contact {contact} directly; your answers "
        "so far are kept."
    ),
    "handoff_waiting": (
        "I've asked a counselor to join this conversation. Until they hand you back to me I'll stay quiet – "
        "everything you write here goes straight to them."
    ),
    "handoff_queued": (
        "Our counselors are away right now; they're back {opening}. I've passed your request on, and a counselor "
        "will reply here then. Meanwhile, would you like to go on with the self-service stages? Nothing is lost "
        "either way."
    ),
    "go_on": "Yes, let's go on",
    "wait": "No, I'll wait",
    # the plan
    "plan_not_stored": (
        "You chose not to have your answers stored, so there is no plan document to send – "
        "here is what we have in this conversation instead."
    ),
    "plan_not_started": (
        "We haven't started yet, so there's no plan to send. Your plan is built from your answers – "
        "let's begin, and you can ask for it at any time."
    ),
    "plan_empty": (
        "There's nothing in your plan yet – once you've answered a few questions, ask again and "
        "I'll send you the document."
    ),
    "plan_failed": "I couldn't make your plan document just now – your answers are safe. Please ask again in a moment.",
    "plan_intro": "Here is your career plan – version {version}.",
    "plan_links_note": "The links are yours alone and work for {days} days – please don't forward them.",
    # the human handoff (actions/handoff.py)
    "crisis_no_case": "I couldn't alert a counselor automatically just now. Please contact {contact} directly, or use the numbers above.",
    "crisis_flagged": "I've flagged this to your counselor as urgent.",
    "crisis_counselor_coming": "I've asked a counselor to join you here as a priority. Until they do, I'll stay quiet – anything you write goes straight to them.",
    "crisis_after_hours": "Our counselors are away right now; your message is with them as urgent, and they're back {back}. Please use the numbers above now if you need help. When you're ready, say “continue” and we'll pick up the career conversation where we left off.",
    "relay_failed": "I couldn't pass that message on just now – please send it again in a moment.",
    "counselor_session_ended": "The conversation with the counselor has ended, so you're back with me. Say “continue” to pick up where we left off, or “talk to a counselor” to ask again.",
    "counselor_joined": "{who}, a career counselor, has joined the conversation. I'll stay quiet until they hand you back to me.",
    "back_with_me": "You're back with me. Say “continue” to pick up where we left off.",
    "rate_session": "{who} has handed you back to me. Before we go on: how would you rate your conversation with the counselor, from 1 (poor) to 5 (excellent)?",
    "complaint_ask": "I'm sorry it didn't go well. Please tell me what happened, in your own words. Your complaint goes to the counseling service's administrators, not to the counselor.",
    "rating_again": "Please pick a number from 1 (poor) to 5 (excellent), or skip.",
    "rating_none": "No rating then – that's fine.",
    "rating_thanks": "Thank you for rating the session.",
    "rating_not_saved": "Thank you. (I couldn't save the rating just now.)",
    "complaint_describe": "Please describe what happened in a few words – or say “skip”.",
    "complaint_none": "All right, no complaint. Let's pick up where we left off.",
    "complaint_not_saved": "I couldn't record your complaint just now – sorry. Please send it to {contact} directly.",
    "complaint_recorded": "Thank you. Your complaint is recorded and goes to the administrators of the counseling service, who will follow it up.",
    "as_soon_as_possible": "as soon as possible",
    "pick_up": "Let's pick up where we left off.",
    "your_counselor": "Your counselor",
    "counselor_role": "Career counselor",
    "the_counselor": "The counselor",
}

# The second language starts with what someone who writes Chinese must understand at once.
ZH: dict[str, str] = {
    "other_language": (
        "我目前只能用英文交流。开放式的问题您可以用中文回答，我会原样保存；选择题请点击按钮。"
        "如果您希望用中文详谈，可以请人工顾问——请点击下面的按钮，或输入 “talk to a counselor”。"
    ),
    "talk_to_counselor": "联系人工顾问 (Talk to a counselor)",
    "languages": (
        "我目前只能用英文交流。开放式的问题您可以用中文回答，我会原样保存。人工顾问可能会说中文——请输入 “talk to a counselor”。"
    ),
}

CATALOGUE: dict[str, dict[str, str]] = {ENGLISH: EN, CHINESE: ZH}


def text(key: str, language: str = ENGLISH, **values: object) -> str:
    """The text `key` in `language` (English when it has none), with `values` filled in."""
    template = CATALOGUE.get(language, EN).get(key) or EN[key]
    return template.format(**values) if values else template


def kept_for(days: int) -> str:
    """A retention period in words: 730 -> "2 years", 90 -> "3 months", 10 -> "10 days"."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days >= 60 and days % 30 == 0:
        return f"{days // 30} months"
    return f"{days} day{'s' if days != 1 else ''}"


def consent_prompt(retention_days: int, short: bool = False) -> Prompt:
    """The welcome's disclosure and consent question (CONSENT_VERSION), with a way to read
    more; `short`: the question alone, the disclosure having been shown."""
    return Prompt(
        text("consent_again") if short else text("consent_disclosure", kept=kept_for(retention_days)),
        (Button("Yes", "/affirm"), Button("No", "/deny"), Button(text("privacy_more"), "/ask_privacy")),
    )


def confirm_erase(withdraw: bool) -> Prompt:
    return Prompt(
        text("confirm_withdraw" if withdraw else "confirm_erase"),
        (Button(text("withdraw_yes" if withdraw else "erase_yes"), "/affirm"), Button(text("erase_no"), "/deny")),
    )


def confirm_start_over() -> Prompt:
    return Prompt(
        text("confirm_start_over"),
        (Button(text("start_over_yes"), "/affirm"), Button(text("start_over_no"), "/deny")),
    )


# Kept for the modules that name them directly.
CONSENT_GIVEN = EN["consent_given"]
CONSENT_DECLINED = EN["consent_declined"]
NOT_UNDERSTOOD = EN["not_understood"]
ALL_DONE = EN["all_done"]
PLAN_COMPLETE = EN["plan_complete"]
WHY_GENERAL = EN["why_general"]
STARTED_OVER = EN["started_over"]
NOT_STORED = EN["not_stored"]
NOT_DELETED = EN["not_deleted"]
CONFIRM_START_OVER = confirm_start_over()
