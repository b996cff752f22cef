"""bot.handoff.crisis: crisis language fires at once; career talk with the same words does not.

Each borderline sentence below is a decision (see the module docstring): a false alarm costs a counselor's
minutes, a missed crisis can cost far more, so the doubtful distress phrasings stay on the positive side.
"""

from __future__ import annotations

import pytest

from bot.handoff.crisis import (
    CrisisKind,
    CrisisSignal,
    aimed_at_the_writer,
    detect_crisis,
    figure_of_speech,
    language_phrases,
    parse_extra_phrases,
)

SELF_HARM = [
    "I want to kill myself",
    "i want to talk about suicide",
    "suicide rates in my family scare me, my dad did it",
    "I'm so tired of living",
    "honestly sick of being alive",
    "I won't be a problem for you much longer",
    "i wont be anyone's burden any longer",
    "I WANT TO   KILL MY SELF",  # case and spacing
    "i want to killmyself",
    "I've been thinking about suicide lately",
    "honestly I feel SUICIDAL",
    "Suicidal thoughts again",
    "I don't want to live anymore",
    "I dont wanna live any more",
    "I don’t want to be alive",  # curly apostrophe
    "I want to end it all",
    "I'm going to end my life",
    "I keep thinking about taking my own life",
    "Everyone would be better off if I was gone",
    "I'd be better off dead",
    "I've been cutting myself again",
    "I self harm when work gets bad",
    "Self-Harm",
    "self - harm",
    "selfharm",
    "I keep wanting to hurt myself",
    "there's no reason to live",
    "I have nothing left to live for",
    "I just want to die",
    "i wanna die lol",
    "i want 2 die",
    "I just don't want to be here anymore",  # decided: fires alone; job context right after vetoes it
    "Sometimes I wish I were dead",
    "I called a suicide hotline last night",
    "I can't go on",
    "I can\u2019t go on like this in this job",  # decided: distress, a false alarm is acceptable
    "I can't take it anymore",
    "I'm killing myself with overtime",  # decided: the literal sense is too dangerous to ignore
    "I would never kill myself",  # decided: negation is not parsed, the subject came up
    "I work in sales and I think about suicide every day",
    "我不想活了",
    "我想死",
    "最近总想自杀",
    "我 想 死",  # spaces between Chinese characters
    "这份工作我撑不下去了",
]

HARASSMENT = [
    "my manager keeps harassing me",
    "he harasses me for dates every day",
    "my supervisor harasses me about my weight",
    "I'm experiencing sexual harassment from a colleague",
    "SEXUAL  HARASSMENT",
    "There's harassment in my team and HR does nothing",
    "HR ignored my harassment complaint",
    "I'm being bullied at work",
    "I'm the victim of workplace bullying",
    "my supervisor is a bully",
    "he touched me inappropriately",
    "He groped me at the Christmas party",
    "I was discriminated against because I'm pregnant",
    "discriminated against because I'm gay",
    "I'm facing age discrimination at work",
    "My colleague threatened me",
    "my boss threatened to fire me if I report it",  # decided: intimidation at work is a threat
    "I feel harassed by my team lead",
    "I'm being harassed by the training manager",  # a job word after the verb does not excuse it
    "There are racist jokes in my team every week",
    "She keeps sending me sexual messages",
    "My coworker makes sexist comments about me",
    "My manager keeps hitting on me",
    "someone is stalking me from the office",
    "he kissed me without consent",
    "I'm harassed at work every day",
    "my boss constantly yells at me and calls me names",
    "I work in a hostile work environment",
    "我被性骚扰了",
    "领导一直骚扰我",
    "我在公司被欺负",
    "我被同事排挤",
]

ABUSE = [
    "I'm being abused",
    "domestic violence",
    "I experienced domestic violence",
    "I have experience with domestic violence",  # personal "experience with": not a job
    "my partner hits me",
    "my husband often beats me",
    "I was assaulted",
    "I was sexually assaulted last year",
    "I was raped",
    "he threatened to kill me",
    "my ex threatened me with a knife",
    "I'm in an abusive relationship",
    "My boss is verbally abusive",
    "I was hit by my boyfriend",
    "I'm scared to go home",
    "My husband hurts me",
    "He says he'll kill me if I leave",
    "he forced himself on me",
    "I was attacked in the car park",
    "我被家暴了",
    "我昨天被打了",
    "老公打我",
]

NOT_A_CRISIS = [
    "I'd kill for a promotion",
    # figures and caseloads in one's work, trends said of other people, hassle for work things
    "we see a lot of overdose cases in A&E on weekends",
    "referrals for domestic violence doubled at our clinic",
    "domestic abuse figures went up during lockdown",
    "students talk a lot more openly about self-harm these days, so we retrained the pastoral team",
    "procurement harasses us for updates on every single order",
    "the regional office keeps harassing me for the forecast",
    "tired of living paycheck to paycheck",  # money, not life
    "sick of living in a city this expensive",
    "the printer won't be a problem much longer, IT is replacing it",
    "this project is killing me",  # decided: the idiom about work, not about the person
    "I want to kill it in the interview",
    "I'm going to kill it at work this year",
    "I want to kill the boring parts of my job",
    "The deadline is next Friday",
    "I feel stuck in a dead end job",
    "I'm dying to learn Python",
    "I'm dying of boredom in this role",
    "We need a killer app for the sales team",
    "I'd die for a chance to work at Google",
    "The exam killed me",
    "I work as a child abuse prevention specialist",
    "I'd like to become a substance abuse counselor",
    "I completed harassment prevention training last month",
    "I'd like to draft our anti-harassment policy",
    "I run our bullying prevention programme",
    "I'm passionate about anti-bullying work",
    "I work in suicide prevention",
    "I volunteer on a suicide hotline",
    "I was a Samaritans volunteer, trained in suicide awareness",
    "I want to move into domestic violence advocacy",
    "My degree is in domestic violence research",
    "I'm a sexual assault nurse examiner",
    "Quitting now would be career suicide",
    "That project was a suicide mission",
    "They filed an abuse of process claim",
    "I don't want to die at my desk",
    "I want to die knowing I made a difference",
    "I don't want to live in London anymore",
    "I don't want to be here anymore at this company",  # decided: in a career chat this is about the job
    "I can't go on the leadership course this year",
    "I can't go on holiday until the release",
    "I need to cut myself some slack",
    "I shoot myself in the foot in interviews",
    "I'm burning myself out",
    "our team is drowning in work",
    "I want to take my life in a new direction",
    "My manager pushed me to apply for the promotion",
    "She beat me to the promotion",
    "He hit me up on LinkedIn about a job",
    "The layoffs hit me hard",
    "I want to hit my targets",
    "My idea was shot down in the meeting",
    "Our servers were attacked last night",
    "How do I follow up without harassing the recruiter?",
    "As a hiring manager I don't want to discriminate against older candidates",
    "I'm interested in price discrimination models",
    "Is age discrimination a problem in tech hiring?",  # decided: a question about the market, not an event
    "AI threatens to replace us all",
    "I feel threatened by automation",
    "I've been stalking the company on LinkedIn",
    "I get unwanted messages from recruiters all day",
    "my manager yelled at me once",
    "he is a tough boss but fair",
    "I got attacked in code review",
    "I taught a course on workplace bullying",
    "My thesis was on bullying in schools",
    "my ex-manager hit me with a bad reference",
    "I will hang myself out to dry if I say yes",
    "I've been harming myself financially by staying here",
    "There's no reason to go on with this project",
    "no point in living in this city",
    "I'm so harassed this week, too many meetings",  # British "harassed": hassled
    "my boss will kill me if I leave early",
    "My manager hurt me with his comments",
    "She has beaten me to every promotion",
    "The layoffs hurt me",
    "I'd rather die than go back to sales",  # decided: an idiom of preference
    "I hate my life in this job",  # decided: unhappiness, not crisis language on its own
    "我总是被打断",  # 被打断: interrupted, not beaten
    "我在面试中被打了低分",  # 被打了低分: given a low score
    "我想死你了",  # "I miss you to death"
    "这份工作是死胡同",
    "我从事自杀干预工作",
    "我不想活在别人的期待里",
    "每天都有骚扰电话",  # spam calls
    "公司组织了防性骚扰培训",
    "他打我电话说面试通过了",  # 打我电话: called me
    "",
    "   ",
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is CrisisKind.SELF_HARM, signal


@pytest.mark.parametrize("text", HARASSMENT)
def test_harassment(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is CrisisKind.HARASSMENT, signal


@pytest.mark.parametrize("text", ABUSE)
def test_abuse(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is CrisisKind.ABUSE, signal


@pytest.mark.parametrize("text", NOT_A_CRISIS)
def test_career_talk_is_not_a_crisis(text: str) -> None:
    assert detect_crisis(text) is None


def test_signal_names_the_pattern_not_the_persons_words() -> None:
    signal = detect_crisis("Honestly, I want to kill myself after today's review")
    assert signal == CrisisSignal(CrisisKind.SELF_HARM, "kill_myself")


def test_most_urgent_kind_wins() -> None:
    signal = detect_crisis("my manager keeps harassing me and I want to end it all")
    assert signal is not None and signal.kind is CrisisKind.SELF_HARM
    signal = detect_crisis("my boss bullies me and last week he hit me")
    assert signal is not None and signal.kind is CrisisKind.ABUSE


def test_a_job_word_elsewhere_does_not_hide_a_crisis() -> None:
    # The occupation exclusion applies only right next to the topic word.
    assert detect_crisis("I did suicide prevention training and now I think about suicide myself") is not None
    assert detect_crisis("anti-harassment policy or not, my manager keeps harassing me") is not None


# -- extra phrases -----------------------------------------------------------------------------


def test_extra_phrase_with_kind() -> None:
    signal = detect_crisis("I might just walk into the sea tonight", ("self_harm: walk into the sea",))
    assert signal == CrisisSignal(CrisisKind.SELF_HARM, "extra: walk into the sea")
    signal = detect_crisis("He keeps leering at me", ["harassment: leering at me"])
    assert signal == CrisisSignal(CrisisKind.HARASSMENT, "extra: leering at me")


def test_plain_extra_phrase_counts_as_self_harm() -> None:
    signal = detect_crisis("I feel like giving up on everything", ["giving up on everything"])
    assert signal == CrisisSignal(CrisisKind.SELF_HARM, "extra: giving up on everything")


def test_extra_phrase_matches_whole_words_case_and_spacing_insensitively() -> None:
    extras = parse_extra_phrases("abuse: Locked Me In")
    assert detect_crisis("he   LOCKED me in the flat", extras) == CrisisSignal(CrisisKind.ABUSE, "extra: locked me in")
    assert detect_crisis("he unlocked me inbox access", extras) is None  # not inside other words


def test_extra_phrase_in_chinese_has_no_word_boundaries() -> None:
    extras = parse_extra_phrases("abuse: 关起来")
    assert detect_crisis("他把我关起来了", extras) == CrisisSignal(CrisisKind.ABUSE, "extra: 关起来")


def test_builtin_patterns_still_fire_with_extra_phrases() -> None:
    assert detect_crisis("I'm being bullied", ["self_harm: jump off"]) == CrisisSignal(CrisisKind.HARASSMENT, "bullied")


def test_parse_extra_phrases() -> None:
    raw = (
        "self_harm: jump off the bridge; Harassment : Leering\nABUSE:locked me in;;  \n giving up ;"
        "self-harm: jump off the bridge"  # a duplicate, with the kind spelled with a hyphen
    )
    assert parse_extra_phrases(raw) == (
        "self_harm: jump off the bridge",
        "harassment: leering",
        "abuse: locked me in",
        "self_harm: giving up",
    )
    assert parse_extra_phrases("") == ()
    assert parse_extra_phrases(" ; \n ") == ()
    assert parse_extra_phrases("abuse：被关起来；harassment：骚扰短信") == ("abuse: 被关起来", "harassment: 骚扰短信")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("violence: he hits me", "unknown kind 'violence'"),
        ("selfharm: jump", "unknown kind 'selfharm'"),
        (": jump off", "unknown kind ''"),
        ("abuse:   ", "at least two letters"),
        ("self_harm: !!", "at least two letters"),
        ("x", "at least two letters"),
    ],
)
def test_parse_extra_phrases_errors(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        parse_extra_phrases(f"self_harm: fine phrase; {raw}")
    assert "self_harm, harassment, abuse" in str(error.value) or "two letters" in str(error.value)


def test_invalid_extra_phrase_in_detect_raises() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        detect_crisis("anything", ["danger: anything"])


# Indirect phrasings added with the turn core (self-harm unless marked).
INDIRECT = [
    ("I just want to disappear forever", CrisisKind.SELF_HARM),
    ("sometimes I hope I don't wake up tomorrow", CrisisKind.SELF_HARM),
    ("nobody would even notice if I was gone", CrisisKind.SELF_HARM),
    ("my family would be better without me", CrisisKind.SELF_HARM),
    ("I feel like a burden to everyone", CrisisKind.SELF_HARM),
    ("I've been thinking about ending things", CrisisKind.SELF_HARM),
    ("I think I'm going to end it", CrisisKind.SELF_HARM),
    ("I've been saving up my sleeping pills", CrisisKind.SELF_HARM),
    ("I wrote a goodbye letter last night", CrisisKind.SELF_HARM),
    ("I won't be around much longer", CrisisKind.SELF_HARM),
    ("I can't see any way out", CrisisKind.SELF_HARM),
    ("my supervisor keeps touching me", CrisisKind.HARASSMENT),
    ("he asked me for sexual favours in return for the shift swap", CrisisKind.HARASSMENT),
    ("a colleague sent me explicit photos", CrisisKind.HARASSMENT),
    ("he followed me home after work", CrisisKind.HARASSMENT),
    ("I'm scared of my manager", CrisisKind.HARASSMENT),
    ("I don't feel safe at work anymore", CrisisKind.HARASSMENT),
    ("i feel trapped and the only way out is to die", CrisisKind.SELF_HARM),
    ("honestly the easiest solution would be ending it", CrisisKind.SELF_HARM),
    ("kms", CrisisKind.SELF_HARM),
    ("this job makes me want to kms", CrisisKind.SELF_HARM),
    ("can't see any reason to keep going", CrisisKind.SELF_HARM),
    ("i can't keep living like this", CrisisKind.SELF_HARM),
    ("i'm being picked on by my whole team", CrisisKind.HARASSMENT),
    ("they all gang up on me in the break room", CrisisKind.HARASSMENT),
    ("they mock me every day because i'm gay", CrisisKind.HARASSMENT),
    ("the guys on the line laugh at me for my accent", CrisisKind.HARASSMENT),
    # misspelt, or in social-media words
    ("been feeling sucidal since the layoff", CrisisKind.SELF_HARM),
    ("i think about suicde a lot", CrisisKind.SELF_HARM),
    ("thinking about sewerslide ngl", CrisisKind.SELF_HARM),
    ("i'm standing at the edge of the roof", CrisisKind.SELF_HARM),
    # Chinese, said indirectly
    ("我真的不想再继续下去了", CrisisKind.SELF_HARM),
    ("活着好累，想结束这一切", CrisisKind.SELF_HARM),
    ("我想从楼上跳下去", CrisisKind.SELF_HARM),
    ("我觉得自己是个累赘，大家没有我会更好", CrisisKind.SELF_HARM),
    ("我割了自己", CrisisKind.SELF_HARM),
    ("我吃了很多安眠药", CrisisKind.SELF_HARM),
    ("他威胁要杀了我", CrisisKind.ABUSE),
    ("我的经理总是对我动手动脚", CrisisKind.HARASSMENT),
    ("主管经常在大家面前羞辱我", CrisisKind.HARASSMENT),
    # other languages: the core phrases
    ("quiero morir", CrisisKind.SELF_HARM),
    ("ya no quiero vivir", CrisisKind.SELF_HARM),
    ("je veux me tuer", CrisisKind.SELF_HARM),
    ("ich will mich umbringen", CrisisKind.SELF_HARM),
    ("quero morrer", CrisisKind.SELF_HARM),
    ("mi voglio uccidere", CrisisKind.SELF_HARM),
    ("main marna chahta hoon", CrisisKind.SELF_HARM),
    ("死にたい", CrisisKind.SELF_HARM),
    ("자살하고 싶어", CrisisKind.SELF_HARM),
    ("mi esposo me pega", CrisisKind.ABUSE),
    ("mein mann schlägt mich", CrisisKind.ABUSE),
    ("mi jefe me acosa sexualmente", CrisisKind.HARASSMENT),
    ("ich werde am arbeitsplatz gemobbt", CrisisKind.HARASSMENT),
]
STILL_CAREER_TALK = [
    "I want to end it with my current employer on good terms",
    "I'm ending things with this company next month",
    "there's no way out of this contract before March",
    "I take my pills for blood pressure every morning",
    "I wrote a goodbye letter to my team",
    "my manager pushed me to apply for the promotion",
    "my commute is 30 kms each way",
    "the site is 12kms from home",
    "the only option left is to quit",
    "i was let go because of budget cuts",
    "i get overlooked because i'm quiet",
    "i was passed over because of my race",  # unequal treatment: the discrimination topic, not an emergency
    "i get treated differently since i'm pregnant",
    "they left me out of the meeting because i was on leave",
    "is age discrimination a thing when job hunting at 55?",
    "sucide prevention training for managers",
    "i'm on the bridge project right now",
    "i am on the edge of a breakdown with this workload",
    "老板会杀了我",  # "my boss will kill me": an idiom in Chinese too
    "我不想继续做这份工作",
    "我想结束这个项目",
    "我要吃药了",
    "我摸不清老板的想法",
    "quiero cambiar de trabajo",
    "je veux changer de métier",
    "ich will mehr Geld verdienen",
    "este trabajo me mata",  # "this job is killing me": an idiom in Spanish too
]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("I want to kill it at the interview tomorrow", True),
        ("this deadline is absolutely killing me", True),
        ("I'm dying to try product work", True),
        ("I'd kill for a four-day week", True),
        ("I want to kill myself", False),
        ("I'd rather die than keep living like this", False),  # could be meant: left to the classifier
        ("this commute is killing me", True),
        ("he says he's killing me if i leave", False),
        ("a team that isn't worked to death", True),
        ("bored to death in meetings", True),
        ("i need to stop beating myself up over small mistakes", True),
        ("the drive in is murder", True),
        ("we built the killer feature everyone copied", True),
        ("scared to death of going home tonight", False),
        ("my ex is a killer, he told me so", False),
        ("it's murder on me, i'm done", True),
    ],
)
def test_figures_of_speech(text: str, figure: bool) -> None:
    assert figure_of_speech(text) is figure


@pytest.mark.parametrize(("text", "kind"), INDIRECT)
def test_indirect_crisis_language(text: str, kind: CrisisKind) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is kind


@pytest.mark.parametrize("text", STILL_CAREER_TALK)
def test_the_same_words_in_career_talk(text: str) -> None:
    assert detect_crisis(text) is None


# Other languages: the core phrases of bot/handoff/crisis_phrases.yml.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("estoy pensando en quitarme la vida", CrisisKind.SELF_HARM),
        ("ya no quiero vivir asi", CrisisKind.SELF_HARM),  # typed without the accent
        ("meu chefe passou a mão em mim na reunião", CrisisKind.HARASSMENT),
        ("мой муж меня бьёт", CrisisKind.ABUSE),
        ("intihar etmeyi düşünüyorum", CrisisKind.SELF_HARM),
        ("mąż mnie bije od lat", CrisisKind.ABUSE),
        ("tôi muốn chết", CrisisKind.SELF_HARM),
        ("nataka kujiua", CrisisKind.SELF_HARM),
        ("ich will echt nicht mehr leben", CrisisKind.SELF_HARM),  # a word put in: "echt"
    ],
)
def test_core_phrases_in_other_languages(text: str, kind: CrisisKind) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is kind


@pytest.mark.parametrize(
    "text",
    ["me muero de ganas de empezar en el nuevo puesto", "c'était mort de rire hier au séminaire", "ich lach mich tot"],
)
def test_harmless_idioms_of_other_languages(text: str) -> None:
    assert detect_crisis(text) is None


def test_every_language_lists_each_kind_and_no_english_word() -> None:
    phrases = language_phrases()
    languages = {p.language for p in phrases}
    assert len(languages) >= 20
    for language in languages:
        assert {p.kind for p in phrases if p.language == language} >= {CrisisKind.SELF_HARM, CrisisKind.ABUSE, CrisisKind.HARASSMENT}
    # English is the rules' job, with their vetoes ("suicide prevention specialist")
    assert not {p.text for p in phrases} & {"suicide", "overdose", "harassment", "bullying", "stalking"}
    assert detect_crisis("suicide prevention specialist") is None


# Typed informally in the Latin script, as people write their own language on a phone: romanised
# (Hinglish, Roman Urdu, Banglish, Arabizi, Finglish, translit, Greeklish), without the language's own
# letters (Turkish, Polish, Vietnamese) or colloquially (Taglish, Indonesian and Malay slang, Swahili).
ROMANISED_CRISIS = [
    # Hindi (Hinglish)
    ("yaar main sach mein marna chahta hoon", CrisisKind.SELF_HARM),
    ("mujhe ab nahi jeena, sab khatam", CrisisKind.SELF_HARM),
    ("kal raat maine apni nas kaat li", CrisisKind.SELF_HARM),
    ("mera pati roz mujhe maarta hai", CrisisKind.ABUSE),
    ("wo kehta hai jaan se maar dega", CrisisKind.ABUSE),
    ("boss mujhe galat tarike se touch karta hai", CrisisKind.HARASSMENT),
    ("team lead mujhe dhamki deta hai ki nikal dega", CrisisKind.HARASSMENT),
    # Urdu (Roman Urdu)
    ("allah mujhe utha le bas, jeene ka dil nahi karta", CrisisKind.SELF_HARM),
    ("kal raat shohar ne mara", CrisisKind.ABUSE),
    ("supervisor ne baghair ijazat ke chhua", CrisisKind.HARASSMENT),
    # Bengali
    ("ami ar bachte chaina", CrisisKind.SELF_HARM),
    ("amar shami amake maardhor kore", CrisisKind.ABUSE),
    ("boss amake hoyrani kore", CrisisKind.HARASSMENT),
    # Tagalog (Taglish)
    ("ayoko na mabuhay", CrisisKind.SELF_HARM),
    ("gusto ko na lang mamatay", CrisisKind.SELF_HARM),
    ("di ko na kaya mabuhay", CrisisKind.SELF_HARM),
    ("binubugbog ako ng asawa ko", CrisisKind.ABUSE),
    ("hinipuan ako ng boss ko sa pantry", CrisisKind.HARASSMENT),
    # Indonesian
    ("aku pengen mati aja", CrisisKind.SELF_HARM),
    ("udah gak mau hidup lagi", CrisisKind.SELF_HARM),
    ("aku dipukulin pacar", CrisisKind.ABUSE),
    ("aku digrepe sama atasan", CrisisKind.HARASSMENT),
    # Malay
    ("aku dah taknak hidup", CrisisKind.SELF_HARM),
    ("suami pukul aku semalam", CrisisKind.ABUSE),
    ("aku kena buli kat tempat kerja", CrisisKind.HARASSMENT),
    # Swahili
    ("nimechoka kuishi", CrisisKind.SELF_HARM),
    ("mume wangu ananichapa kila siku", CrisisKind.ABUSE),
    ("bosi ananitongoza kila siku", CrisisKind.HARASSMENT),
    # Arabic (Arabizi)
    ("ana 3ayza amoot", CrisisKind.SELF_HARM),
    ("mesh 3ayez a3eesh ba2a", CrisisKind.SELF_HARM),
    ("jozi 3am yodrobni kil yom", CrisisKind.ABUSE),
    ("el moder beyet7arash biya", CrisisKind.HARASSMENT),
    # Persian (Finglish)
    ("nemikham dige zende basham", CrisisKind.SELF_HARM),
    ("shoharam mano mizane", CrisisKind.ABUSE),
    ("raisam mozahemam mishe", CrisisKind.HARASSMENT),
    # Russian and Ukrainian (translit)
    ("ya hochu umeret'", CrisisKind.SELF_HARM),
    ("ne hochu bolshe zhit", CrisisKind.SELF_HARM),
    ("muzh menya b'et", CrisisKind.ABUSE),
    ("nachalnik pristaet ko mne", CrisisKind.HARASSMENT),
    ("ne khochu bilshe zhyty", CrisisKind.SELF_HARM),
    ("cholovik mene b'ye", CrisisKind.ABUSE),
    ("nachalnyk chiplyayetsya do mene", CrisisKind.HARASSMENT),
    # Greek (Greeklish)
    ("den thelw na zw allo", CrisisKind.SELF_HARM),
    ("o antras mou me xtypaei", CrisisKind.ABUSE),
    ("o proistamenos me parenoxlei", CrisisKind.HARASSMENT),
    # Turkish without Turkish letters
    ("artik olmek istiyom", CrisisKind.SELF_HARM),
    ("canima kiymak istiyorum", CrisisKind.SELF_HARM),
    ("kocam bana dayak atiyor", CrisisKind.ABUSE),
    ("mudurum bana sarkiyor", CrisisKind.HARASSMENT),
    # Polish without Polish letters ("l" for "ł")
    ("nie chce mi sie zyc", CrisisKind.SELF_HARM),
    ("chyba sie zabije", CrisisKind.SELF_HARM),
    ("chlopak mnie pobil", CrisisKind.ABUSE),
    ("szef mnie macal", CrisisKind.HARASSMENT),
    # Vietnamese without tone marks ("d" for "đ" too: accent stripping does not turn "đ" into "d")
    ("toi ko muon song nua", CrisisKind.SELF_HARM),
    ("em hay nghi den tu tu", CrisisKind.SELF_HARM),
    ("em bi chong danh", CrisisKind.ABUSE),
    ("toi bi bao hanh", CrisisKind.ABUSE),
    ("toi bi quay roi o cong ty", CrisisKind.HARASSMENT),
]

# The same words in harmless talk: idioms of the language ("dying of laughter", "my boss will kill me"),
# and everyday words that look alike once the accents are gone. Most of them contain a listed phrase
# and are kept quiet by an entry in `not_crisis`, or were hits before a bare phrase was narrowed.
ROMANISED_HARMLESS = [
    "hans hans ke mar gaya yaar meeting mein",
    "boss mujhe maar dalega agar deadline miss hui",
    "usne mujhe taana maara sabke saamne",  # taunted me
    "maine naukri ko laat maar di aur business start kiya",  # quit the job
    "main apne sapno ka peecha karta hoon",  # chase my dreams
    "sexual harassment prevention training for managers",  # English: the rules' job, with their vetoes
    "hans hans kar mar gaya",
    "hashte hashte more gelam",
    "boss amake mere felbe jodi deri hoy",
    "namatay ako sa tawa sa meeting kanina",
    "binugbog ako sa interview ng mga tanong",  # grilled with questions
    "saya ingin bekerja mati-matian untuk karir saya",  # work my hardest
    "gak mau hidup di jakarta lagi, macet banget",  # live in a city
    "itu bunuh diri karir namanya",  # career suicide
    "besok pukul 9 aku ada interview",  # pukul: o'clock
    "bosan nak mati je kat office ni",
    "mentor wangu alinipiga jeki sana",  # gave me a push
    "alinipiga msasa kabla ya usaili",  # coached me
    "bosi ataniua nikichelewa",
    "el moder hay2telni law et2a5art",  # my boss will kill me
    "hamoot men el da7k",
    "raisam mano seda mizane",  # calls me
    "bemiram barat",
    "umirayu so smehu",
    "ne hochu zhit v moskve",  # live in Moscow
    "rabota dushit menya",
    "ne khochu zhyty v kyievi",
    "o proistamenos tha me skotosei",
    "den thelo na zo stin athina",
    "patronum beni oldurecek",
    "bu soz bana cok dokundu",  # moved me
    "szef mnie zabije jak sie spoznie",
    "nie chce zyc w warszawie",
    "sếp đánh giá tôi thấp",  # rated me low
    "sếp đã cho tôi cơ hội",  # "đã cho tôi", not "đá tôi"
    "tôi làm việc ở đây từ hai năm",  # "từ hai", not "tự hại"
    "tôi muốn từ từ tìm việc mới",  # "từ từ", not "tự tử"
    "tôi cười muốn chết",
    "video tôi quay rồi",  # "quay rồi", not "quấy rối"
    "laat maar, ik doe het zelf",  # Dutch "never mind", not Hindi "laat maar" (kicked)
]

# English career talk with the short words that romanised phrases are made of.
ENGLISH_WITH_ROMANISED_WORDS = [
    "I bet my manager will say no",
    "use my CV as a template please",
    "mar 3 is my start date",
    "my boss is demanding but fair",
    "can you comment on my body of work",
    "the figure in the report was off",
    "he said bye to me and left the meeting",
    "looking for a train driver job near the building site",
    "the blade server died during the demo",
    "Mari and Marta got promoted",
    "I love chai and long coffee breaks",
]


@pytest.mark.parametrize(("text", "kind"), ROMANISED_CRISIS)
def test_romanised_and_colloquial_crisis_language(text: str, kind: CrisisKind) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is kind, signal


@pytest.mark.parametrize("text", ROMANISED_HARMLESS + ENGLISH_WITH_ROMANISED_WORDS)
def test_romanised_harmless_talk_is_not_a_crisis(text: str) -> None:
    assert detect_crisis(text) is None


def test_indonesian_has_its_own_entry() -> None:
    phrases = [p for p in language_phrases() if p.language == "id"]
    assert {p.kind for p in phrases} >= {CrisisKind.SELF_HARM, CrisisKind.ABUSE, CrisisKind.HARASSMENT, None}
    assert detect_crisis("gue nyilet tangan lagi semalam") == CrisisSignal(CrisisKind.SELF_HARM, "id_phrase")


@pytest.mark.parametrize(
    "text",
    ["relapsed last week after eight months, the blades were still in my drawer", "i've relapsed with the razor again"],
)
def test_relapse_with_a_means_of_self_harm_is_self_harm(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is CrisisKind.SELF_HARM and not signal.topic


@pytest.mark.parametrize(
    "text",
    ["our sales relapsed after the price cut", "relapse prevention groups for the addiction service",
     "patients who relapse often stop taking pills"],
)
def test_relapse_in_work_talk_is_not_a_crisis(text: str) -> None:
    assert detect_crisis(text) is None


def test_a_topic_noun_is_the_writers_own_only_when_they_speak_of_themselves() -> None:
    impersonal = detect_crisis("remote work makes harassment harder to spot")
    personal = detect_crisis("nobody acted when I reported the harassment")
    assert impersonal is not None and impersonal.topic
    assert personal is not None and not personal.topic


@pytest.mark.parametrize(
    "text",
    ["I investigate harassment complaints across three sites", "I interview witnesses in harassment and threats cases"],
)
def test_an_investigators_caseload_is_not_a_crisis(text: str) -> None:
    assert detect_crisis(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "honestly i'm planning to OD this weekend",
        "gonna overdose after everyone's asleep",
        "i'm up on the ledge of the car park rn",
        "I'm standing at the edge of the platform right now",
        "how many paracetamol would it take to not wake up",
        "what if I took all my insulin at once",
        "the voice in my head keeps saying i should drown",
        "stopped taking my meds, hope it kills me",
    ],
)
def test_warning_signs_as_grammar_a_plan_a_place_a_means_a_voice(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is CrisisKind.SELF_HARM and not signal.topic


@pytest.mark.parametrize(
    "text",
    [
        "I'm on the platform team right now",
        "we're on the bridge project now, it's fun",
        "how many certifications would it take to get promoted",
        "the voice of the customer says we should jump on this",
        "my last day is friday, tell my team goodbye",
        "I hope it finishes before five",
    ],
)
def test_the_same_grammar_in_work_talk(text: str) -> None:
    assert detect_crisis(text) is None


def test_a_goodbye_to_the_team_is_a_weak_sign_that_asks_first() -> None:
    signal = detect_crisis("please tell my team i tried")
    assert signal is not None and signal.topic  # the safety check, unless the classifier hears more


@pytest.mark.parametrize(
    "text",
    [
        "I'm a paramedic: cardiac arrests, overdoses and collisions are every shift for me",
        "As a coroner's officer I look into sudden deaths, suicides mostly, and I like the detective side",
        "I'm a social worker; I visit homes where kids are being abused",
    ],
)
def test_harm_counted_as_cases_is_not_the_writers_own(text: str) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.topic


def test_harm_aimed_at_the_writer_is_their_own_even_among_clients() -> None:
    assert aimed_at_the_writer("a client keeps sending me threats")
    assert aimed_at_the_writer("my manager put his hand on my thigh in the car")
    assert not aimed_at_the_writer("I support clients who were threatened by partners")
    signal = detect_crisis("I was sexually assaulted by a client last week")
    assert signal is not None and not signal.topic


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("a plan so I stop shooting myself in the foot at promotion time", True),
        ("my old boss would stab you in the back in a heartbeat", True),
        ("I'm a killer closer, 140% of target", True),
        ("roles that won't bore me to death", True),
        ("die-hard fan of spreadsheets", True),
        ("if the restructure kills my role I'd look outside", True),
        ("drowning in spreadsheets for years, so data work is no scare", True),
        ("they will kill me if I talk", False),  # a threat, whatever it sounds like
        ("I want to drown", False),
    ],
)
def test_more_career_idioms(text: str, figure: bool) -> None:
    assert figure_of_speech(text) is figure


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a guy in my shift said he'd bring a knife in if they sack him", CrisisKind.HARASSMENT),
        ("don't plan on being around much longer tbh", CrisisKind.SELF_HARM),
        ("i dont think ill last the weekend", CrisisKind.SELF_HARM),
        ("I pick at my skin until it bleeds when I'm stressed", CrisisKind.SELF_HARM),
        ("worked out which of my meds would do it", CrisisKind.SELF_HARM),
        ("मैं खुद को खत्म करना चाहता हूँ", CrisisKind.SELF_HARM),
    ],
)
def test_more_warning_signs(text: str, kind: CrisisKind) -> None:
    signal = detect_crisis(text)
    assert signal is not None and signal.kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "we bring a knife in for the birthday cake",
        "the firm won't be around much longer if sales keep dropping",
        "I don't think I'll last long in this job, it's a bad fit",
        "I run until my legs hurt, it clears my head",
        "which of the courses would work for a career changer?",
    ],
)
def test_the_same_words_in_everyday_talk(text: str) -> None:
    assert detect_crisis(text) is None


def test_a_self_harm_phrase_whose_subject_is_someone_else_is_not_the_writers_own():
    # a helpline volunteer describing the work
    signal = detect_crisis("talking people down on the helpline when they've got a plan to end it")
    assert signal is not None and signal.topic
    mine = detect_crisis("they keep telling me I should just kill myself")
    assert mine is not None and not mine.topic


def test_if_im_still_here_is_a_weak_sign():
    signal = detect_crisis("dont know. if i still here then maybe team leader")
    assert signal is not None and signal.topic
    assert detect_crisis("if im still at this company next year, team lead") is None
    assert figure_of_speech("i'd die for a desk job haha")


def test_an_investigators_own_words_are_casework_and_saying_no_one_hurts_them_is_no_crisis() -> None:
    interview = detect_crisis("I interview complainants and alleged harassers, weigh the evidence, write findings")
    assert interview is not None and interview.topic
    threat = detect_crisis("last year a respondent threatened me in an interview and I de-escalated it; I interview victims of sexual assault")
    assert threat is not None and threat.topic
    assert detect_crisis("I'm not being harassed, nobody is hurting me") is None
    mine = detect_crisis("my harasser follows me home")
    assert mine is not None and not mine.topic
    assaulted = detect_crisis("I was sexually assaulted by a client last week")
    assert assaulted is not None and not assaulted.topic
