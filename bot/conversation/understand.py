"""What a message is, before anything is done with it: an answer to the open question, a
question to the bot, a career topic, a request, uncertainty, distress, crisis, something
out of scope, another language – or something the bot must ask about.

The NLU's intent ranking is one signal; the open question is the other. A message that
fits the open question's answer type is only taken as an interruption when the NLU is
sure of it; when the bot cannot tell, it asks once. A few deterministic rules come first
because their mistakes would cost most: button payloads, crisis language, another script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Mapping

from bot.conversation.answers import decode_payload, is_skip_request, refers_to
from bot.conversation.stages import Kind as QuestionKind
from bot.conversation.stages import Question
from bot.conversation.text import clean_answer, normalise_for_matching
from bot.conversation.english_words import english_words
from bot.counsel.compare import compares_the_targets, phrases_compared
from bot.handoff.crisis import aimed_at_the_writer, bodily_pain, detect_crisis, figure_of_speech, names_a_danger, speaks_of_others_at_work


class Kind(str, Enum):
    ANSWER = "answer"
    SOCIAL = "social"
    QUESTION = "question"
    TOPIC = "topic"
    REQUEST = "request"
    UNCERTAINTY = "uncertainty"
    DISTRESS = "distress"
    CRISIS = "crisis"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER_LANGUAGE = "other_language"


INFORM = "inform"
TOPIC_INTENT = "topic"
# The classifier's crisis intents name the kind: crisis_self_harm, crisis_abuse, crisis_harassment.
CRISIS_INTENT_PREFIX = "crisis_"
# Crisis language the classifier is not sure of: the resources, and "do you need help now?"
CRISIS_CHECK = "safety_check"
# "I'm not in danger", "false alarm": the person says a crisis reading was wrong
REASSURE = "reassure"
KIND_OF_INTENT: dict[str, Kind] = {
    INFORM: Kind.ANSWER,
    **{i: Kind.SOCIAL for i in ("greet", "goodbye", "thank", "how_are_you", "affirm", "deny")},
    **{
        i: Kind.QUESTION
        for i in (
            "ask_why", "ask_term", "ask_privacy", "ask_language", "ask_duration", "ask_capabilities",
            "ask_counselor_scope", "bot_challenge", "ask_occupation_description", "ask_occupation_skills",
            "ask_similar_occupations", "ask_occupation_education",
        )
    },
    **{
        i: Kind.REQUEST
        for i in (
            "request_human", "show_plan", "show_summary", "change_answer", "skip", "pause", "start_over",
            "continue_session", "export_data", "delete_data", "withdraw_consent", "give_consent",
        )
    },
    "reassure": Kind.SOCIAL,
    "dont_know": Kind.UNCERTAINTY,
    "ask_suggestion": Kind.UNCERTAINTY,
    "distress": Kind.DISTRESS,
    "crisis": Kind.CRISIS,
    **{CRISIS_INTENT_PREFIX + kind: Kind.CRISIS for kind in ("self_harm", "abuse", "harassment")},
    "out_of_scope": Kind.OUT_OF_SCOPE,
    "other_language": Kind.OTHER_LANGUAGE,
}
# Never taken as an answer on a hunch (a low score, a repeat): missing one of these costs
# more than asking.
NEVER_AN_ANSWER_BY_GUESS = frozenset(
    {"request_human", "distress", "crisis", "ask_privacy", "export_data", "delete_data", "withdraw_consent", "goodbye", "start_over"}
)
# Questions whose answer is yes or no: "yes"/"no" (affirm/deny) are answers there.
YES_NO_KINDS = frozenset({QuestionKind.YES_NO, QuestionKind.GOAL_CONFIRM, QuestionKind.REVIEW_DATE})
# One item of a questionnaire per turn: "4", "skip", "stop" are its answers.
QUESTIONNAIRE_KINDS = frozenset({QuestionKind.PROFILER, QuestionKind.SKILL_RATING})
# Questions whose answer may be free text in any language.
FREE_TEXT_KINDS = frozenset(
    {QuestionKind.TEXT, QuestionKind.CHOICE_OR_TEXT, QuestionKind.MULTI_CHOICE, QuestionKind.GOAL, QuestionKind.GOAL_MEASURE, QuestionKind.STEPS}
)


@dataclass(frozen=True)
class Thresholds:
    """How sure the NLU must be. At or above `sure` an interruption wins over an answer
    that fits; below `unsure` a fitting answer wins; in between the bot asks (once)."""

    sure: float = 0.8
    unsure: float = 0.45
    # The classifier's probability of crisis language (its crisis intents together) from
    # which the bot acts on crisis language: low on purpose (docs/understanding.md). From
    # `crisis` it gives the resources and asks whether the person needs help now; from
    # `crisis_sure` on it gives the full crisis response at once.
    crisis: float = 0.3
    crisis_sure: float = 0.6
    # A topic noun in talk of cases or with no I/me/my ("overdoses, gunshot wounds" from an ER
    # nurse), or a weak sign, is nothing when the classifier hears almost no crisis language:
    # on the development sets such answers scored at most 0.09, such crisis messages 0.74 or more.
    crisis_quiet: float = 0.1


@dataclass(frozen=True)
class Nlu:
    """What the NLU made of a message."""

    intent: str | None = None
    confidence: float = 0.0
    topic: str | None = None  # the full retrieval intent, "topic/raise"
    topic_confidence: float = 0.0
    entities: Mapping[str, tuple[str, ...]] = None  # type: ignore[assignment]
    ranking: tuple[tuple[str, float], ...] = ()  # the intents after the first, best first
    topic_ranking: tuple[tuple[str, float], ...] = ()  # the response selector's best topics

    def entity(self, name: str) -> str | None:
        values = (self.entities or {}).get(name) or ()
        return values[0] if values else None


@dataclass(frozen=True)
class Reading:
    kind: Kind
    intent: str
    confidence: float = 1.0
    clarify: bool = False  # the bot cannot tell an answer from this interruption: it asks
    unsure: bool = False  # taken as an interruption without the NLU being sure
    language: str = "en"
    crisis_kind: str | None = None


# ---- deterministic signals -------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
# A question, a greeting or a request to the bot – not an answer ("我想换工作" answers "what
# brings you here?"). Asking for a person is _ZH_HUMAN; "顾问" or "客服" alone can be a job.
_ZH_QUESTION = re.compile(
    r"[？?]|吗|呢|什么|怎么|为什么|如何|多少|多久|多长|哪|能不能|可不可以|是否|会不会|请|帮我|联系|"
    r"你好|您好|谢谢|再见|嗨|喂"
)
# "I want / I hope / I plan to …" is a statement even with a question word inside it
# (想弄清楚下一步该怎么走: "I want to work out how to go on"), unless it asks (？, 吗, 呢).
_ZH_STATEMENT = re.compile(r"^(?:我)?(?:想|希望|打算|计划|准备|需要|要)(?!.*[？?吗呢])")
# "I don't understand (the question)": the bot cannot explain in Chinese yet.
_ZH_NOT_UNDERSTOOD = re.compile(r"不(?:太|大)?(?:明白|懂|理解)|看不懂|听不懂")
# "quiero hablar con una persona", "je veux parler à quelqu'un": a person asked for in the
# languages people most often switch to – which the English classifier cannot read, and
# has heard as crisis language ("hablar con una persona" near "talk to someone")
_FOREIGN_HUMAN = re.compile(
    r"\b(?:hablar|habla|platicar) con (?:una persona|alguien|un humano|un ser humano|un(?:a)? (?:asesor|consejer|orientador)[oa]?s?)\b|"
    r"\b(?:una persona real|un humano)\b|"
    r"\bparler (?:à|a|avec) (?:quelqu'un|quelqu’un|une personne|un humain|un(?:e)? conseill[eè]re?)\b|"
    r"\bmit (?:einem menschen|jemandem|einer person|einem berater|einer beraterin) (?:sprechen|reden)\b|"
    r"\bfalar com (?:uma pessoa|alguém|um humano|um conselheiro|uma conselheira)\b|"
    r"\bparlare con (?:una persona|qualcuno|un umano|un consulente)\b",
    re.IGNORECASE,
)
_ZH_UNSURE = re.compile(r"不知道|不清楚|不确定|没想好|不太确定|说不好|不好说|随便|没想过")
_ZH_HUMAN = re.compile(r"(?:真人|人工|顾问|客服|人类|辅导员|咨询师).{0,6}(?:谈|聊|说话|联系|沟通|服务)|(?:找|转|要|需要|想要|联系)(?:一个|一位)?(?:真人|人工|顾问|客服|咨询师)")
_FUNCTION_WORDS = {
    "es": {"hola", "quiero", "puedo", "hablar", "con", "una", "persona", "que", "por", "favor", "cuánto", "cómo", "gracias", "trabajo", "necesito", "ayuda", "está", "usted", "tengo", "mi", "es", "el", "la", "los", "las", "para", "hay", "habla", "español", "dónde", "buenos", "días", "hablas", "hablar", "inglés", "tiempo", "cuándo", "puede", "ayudar", "alguien", "sí", "hasta", "luego",
           "entiendo", "pregunta", "qué", "esto", "funciona", "trabajar", "empleo", "adiós", "muchas"},
    "de": {"ich", "möchte", "mit", "einem", "einer", "sprechen", "bitte", "wie", "lange", "dauert", "das", "ist", "nicht", "und", "mein", "meine", "arbeit", "hallo", "danke", "können", "sie", "gibt", "es", "der", "die", "ein", "sprichst", "deutsch", "was", "kann", "wo", "guten", "tag", "sprichst", "englisch", "jemand", "jemandem", "menschen", "hilfe", "zeit", "bin"},
    "fr": {"je", "veux", "parler", "avec", "bonjour", "combien", "merci", "une", "personne", "est-ce", "que", "mon", "travail", "vous", "pouvez", "comment", "pourquoi", "français", "parlez", "le", "la", "les", "des", "suis", "pas", "c'est", "salut", "parles", "anglais", "quelqu'un", "aide", "temps", "voudrais", "avez", "qui"},
    "pt": {"olá", "quero", "falar", "com", "uma", "pessoa", "obrigado", "obrigada", "trabalho", "você", "fala", "português", "preciso", "ajuda", "não", "meu", "minha", "como", "quanto", "tempo"},
    "hi": {"mujhe", "kya", "hai", "aap", "nahi", "naukri", "kaise", "karna", "chahiye", "mera", "meri", "baat", "kisi", "se", "hindi", "bolte", "ho", "kitna", "samay", "lagega", "namaste", "yeh", "ye", "lega",
           "kab", "kyun", "kaun", "haan", "accha", "theek", "karo", "batao", "sakte", "hain"},
    "it": {"ciao", "come", "funziona", "questo", "questa", "voglio", "parlare", "lavoro", "grazie", "buongiorno", "per",
           "favore", "che", "sono", "non", "capisco", "domanda", "una", "persona", "posso", "quanto", "tempo", "parli",
           "italiano", "aiuto", "vorrei", "cosa", "perché", "buonasera"},
    "nl": {"ik", "niet", "naar", "mijn", "het", "een", "wat", "waar", "hoe", "jij", "met", "voor", "van", "dat", "wil",
           "ben", "heb", "weet", "graag", "werk", "hallo", "bedankt", "iemand", "spreken", "praten", "nederlands", "ook",
           "maar", "ze", "zij", "hij", "wij", "jullie", "moet", "kan", "heel", "geen", "nog"},
    "pl": {"nie", "jest", "się", "sie", "mnie", "mi", "że", "jak", "co", "chcę", "chce", "moja", "mój", "moj", "pracy",
           "praca", "dziękuję", "dziekuje", "dzień", "dobry", "czy", "ktoś", "ktos", "porozmawiać", "proszę", "prosze",
           "jestem", "mam", "tak", "już", "juz", "bardzo", "polsku", "mówisz", "mowisz"},
    "tl": {"ako", "ko", "ang", "ng", "mga", "hindi", "po", "ano", "paano", "gusto", "trabaho", "ba", "kasi", "lang",
           "siya", "niya", "ikaw", "mo", "akin", "ito", "yung", "naman", "talaga", "pero", "salamat", "kayo", "tagalog"},
    "id": {"saya", "tidak", "yang", "dan", "ini", "itu", "aku", "apa", "bagaimana", "kerja", "mau", "bisa", "ingin",
           "dengan", "untuk", "tolong", "terima", "kasih", "bahasa", "kamu", "anda", "sudah", "belum", "pekerjaan"},
}
_ENGLISH_WORDS = {
    "i", "my", "me", "the", "a", "an", "to", "is", "are", "and", "you", "what", "how", "can", "do", "does", "of", "in",
    "for", "it", "with", "on", "be", "have", "this", "that", "want", "would", "should", "job", "work", "about", "not",
    "no", "yes", "please", "talk", "speak", "your", "we", "at", "or", "from",
}
_UNSURE_PHRASE = (
    r"(?:i\s*(?:'m|am)?\s*)?(?:really\s+|honestly\s+|just\s+)?"
    r"(?:idk|dunno|not sure|unsure|no idea|no clue|don'?t know|do not know|haven'?t (?:a clue|thought about it)|"
    r"i (?:really )?don'?t know|not really sure|can'?t say|hard to say|no idea really|good question|"
    r"(?:it )?depends|depende|maybe|perhaps|possibly|(?:yo )?no (?:lo )?s[eé]|ni idea|no estoy segur[oa]|je ne sais pas|aucune idée|keine ahnung|weiß nicht|"
    r"weiss nicht|não sei|nao sei|non lo so|pata nahi|pata nahin)"
)
_UNSURE = re.compile(
    r"^(?:hm+|um+|uh+|er+|well|honestly|tbh|to be honest|,|\.|\s)*"
    # "no sé, idk": the doubt said twice is still only doubt
    rf"{_UNSURE_PHRASE}(?:[\s,.;/]+{_UNSURE_PHRASE})*"
    r"(?:\s*(?:tbh|honestly|really|yet|to be honest|sorry|lol|haha|bro|man|dude|mate|fr|ngl))*"
    # "idk, normal things": a vague word after the doubt gives nothing to store
    r"(?:[\s,.;:–-]+(?:(?:just |the |some )?(?:normal|usual|regular|general|random|basic) (?:things|stuff)|the usual|stuff|things|"
    r"whatever|nothing special|the normal stuff|(?:the )?same as (?:everyone|everybody|others)))?"
    r"[\s.!?…]*$",
    re.I,
)
_HUMAN = re.compile(
    r"\b(?:(?:talk|speak|chat|connect|put|transfer|get)\s+(?:me\s+)?(?:to|with|through to)\s+(?:a|an|some|the|your|ur|one of your|someone|somebody|anyone|actual|real|live)?\s*"
    r"(?:(?:real|actual|live|human)\s+people|(?:real\s+|actual\s+|live\s+|human\s+)?(?:human|person|counsel+or|coach|advisor|adviser|agent|representative|rep|someone|somebody|staff|member of staff|executive|technician))\b"
    r"|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:your|ur|the)\s+(?:boss|manager|supervisor)\b"
    r"|\breal (?:person|human)\b|\bactual (?:person|human)\b|\bhuman being\b|\blive (?:agent|person|chat)\b"
    r"|\bcall me back\b|\bcan (?:someone|somebody|anyone) (?:call|contact|ring|phone|email) me\b"
    r"|\b(?:is )?(?:any(?:one|body)|someone|somebody) (?:there|here|around|real)\b"
    r"|\bbook (?:a |an )?(?:session|appointment|meeting|call) with (?:you|your|ur|one of your|an? (?:career |real |human )?(?:counsel+or|coach|advis[eo]r|human|person)|"
    r"(?:the )?counsel+or|someone|somebody)\b"
    r"|\b(?:need|want|get|find|reach|see|contact|ask for|request|prefer|rather have|have|give me)\s+(?:to\s+(?:talk|speak|chat)\s+"
    r"(?:to|with)\s+)?(?:a|an|some|the|your|one of your)\s+(?:real\s+|actual\s+|live\s+|human\s+)?(?:human|person|"
    r"representative|rep|agent|advisor|adviser|counsel+or|coach|staff member|executive|technician|operator)\b"
    r"|\b(?:have|can|could|would|will)\s+(?:someone|somebody|a person|a counsel+or|a human|you|anyone)\s+(?:please\s+)?"
    r"(?:call|contact|email|e-mail|phone|ring|reach out to|get back to|get in touch with)\s+me\b"
    r"|\bcall me(?: back| please| asap| today| tomorrow)\b|\bget back to me\b"
    r"|\b(?:is|are) there (?:any(?:one|body)|a (?:human|person|real person)|humans?|people)\b"
    r"|\b(?:hello|hi|hey)\W+(?:any(?:one|body)|someone|somebody)\b"
    r"|\b(?:not|no more|stop|done with|tired of|hate)\s+(?:talking to\s+)?(?:a |this |the |your )?(?:bot|robot|machine|chatbot|"
    r"automated \w+)\b.*\b(?:someone|somebody|person|human|real|people)\b"
    r"|\b(?:someone|somebody|a person|a human) (?:real|else|who can help|from (?:hr|your team|the team|staff))\b)",
    re.I,
)
_SUGGEST = re.compile(
    r"^(?:u|you|ya) tell me\b|^whatever (?:u|you) (?:think|say|suggest)\b|^(?:u|you) (?:choose|pick|decide)\b|^up to (?:u|you)\b|"
    # "what do you think? remote work doesn't apply to warehouses": the question back, then a remark
    r"^(?:(?:so|hmm+|well|ok|idk)[,.]?\s+)?what do (?:u|you) (?:think|suggest|recommend)\s*(?:\?|$)|"
    # Spanish, French, German, Portuguese, Italian: "what do you suggest / recommend?"
    r"\b(?:qu[eé]|cu[aá]l) me (?:recomiendas|sugieres|aconsejas)\b|\bque (?:me )?(?:conseilles|sugg[eè]res|recommandes)[- ]tu\b|"
    r"\bwas (?:schl[aä]gst|empfiehlst) du\b|\bo que (?:voc[eê] )?(?:sugere|recomenda)\b|\bcosa (?:mi )?(?:consigli|suggerisci)\b|\b(?:what (?:would|do|should|could|did) (?:you|u|others|other people|people|most people) (?:suggest|recommend|say|put|answer|"
    r"write|choose|pick)|any (?:suggestions?|ideas|examples|tips) (?:for|on) (?:this|that|what)|(?:give|show) me (?:an? |some |a few |few |any |more )?"
    r"(?:examples?|suggestions?|ideas|options)|^examples? (?:of|for)|"
    # "can you recommend something?" asks for an answer; "… a lasagna recipe" does not
    r"can you (?:suggest|recommend)(?=\s*(?:$|[?.!,]|(?:some|something|one|anything|an? (?:answer|example|idea|option)|"
    r"for (?:me|this|that|it))\b))|can you help me (?:answer|with this|decide|choose|think)|"
    r"what do (?:most|other) people (?:say|put|answer|write)|help me (?:out here|answer)|no clue what to (?:say|put|write|answer)|"
    r"what (?:should|could|would) i (?:say|put|write|answer)|(?:i )?need (?:some )?(?:ideas|examples|suggestions)|"
    r"what are (?:some |the )?(?:options|examples)|"
    # "how would i even know? any ideas?": asking for ideas, at the end of a message
    r"any (?:suggestions?|ideas|examples|tips)(?=\s*[?.!]*\s*$))\b",
    re.I,
)
_DISTRESS = re.compile(
    r"\b(?:giving up on (?:all of it|everything|it all|the whole thing|myself|life)|give up on (?:everything|the whole thing|myself)|"
    r"feel(?:ing)? like giving up|breaking point|can'?t cope|cannot cope|"
    r"can'?t take (?:it|this) any ?more|falling apart|at the end of my rope|so done with (?:everything|it all|all of it)|"
    r"can'?t do this any ?more|completely overwhelmed|drowning|hopeless|no way out|what'?s the point|"
    r"(?:so |really |totally |completely )?(?:overwhelmed|exhausted|burnt out|burned out) and (?:crying|hopeless|empty|lost|scared)|"
    r"cry(?:ing)? (?:every day|all the time|at work|in the toilets?|at my desk|myself to sleep)|panic attacks?|"
    # "some weeks I cry in the car after a shift", "crying before every shift", "exhausted all the time"
    r"(?:cry|cries|cried|crying) (?:\w+ ){0,2}(?:in the car|in the loo|in the bathroom|before (?:every |each |my )?(?:shift|work|meeting)s?|"
    r"after (?:every |each |a |my )?(?:shift|work|meeting)s?|on the way (?:to|home from) work)|"
    r"(?:i'?m|i am|feel(?:ing)?) (?:so |just |completely |totally |utterly |honestly )?(?:exhausted|burnt out|burned out|running on empty) "
    r"(?:all the time|every day|constantly|always|and (?:crying|can'?t))|"
    r"(?:i'?m|i am|feel(?:ing)?) (?:so |really |very )?(?:depressed|empty|worthless|numb|broken|miserable)|"
    r"(?:i'?m|i am) (?:losing it|not okay|not ok|struggling (?:so much|a lot|badly)|at the end of my tether)|"
    r"nothing matters|(?:i )?hate my life|(?:i'?m|i am) done with (?:everything|it all|all of this)|"
    r"(?:how much longer|how long) (?:i|i'?ll|i can|can i|i'?m able to) (?:go on|keep going|keep (?:this|it) up|take (?:it|this)|last)|"
    r"go on like this)\b",
    re.I,
)
_BYE = re.compile(r"\b(?:bye|goodbye|cya|see (?:you|ya)|gotta go|got to go|have to go|talk (?:to you )?later|take care|good ?night)\b", re.I)
_CLEAR_GOODBYE = re.compile(
    r"^(?:ok(?:ay)?[,.!]?\s+|thanks?(?: you)?[,.!]?\s+|that'?s all[,.!]?\s+)*"
    r"(?:bye|goodbye|good bye|bye bye|see (?:you|ya)(?: later| soon)?|cya|later|ciao|gotta go|got to go|have to go|i'?m off|"
    r"good ?night|talk (?:to you )?later|that'?s all(?: for (?:now|today))?|i'?m done(?: for (?:now|today))?|take care|"
    r"have a (?:good|nice|great|lovely) (?:one|day|evening|night|weekend))"
    r"(?:[,.!]?\s*(?:thanks?(?: you)?|bye|for now|for today|!+))*[\s.!]*$",
    re.I,
)
_BARE_YES_WORD = re.compile(r"^(?:ya+|yes+|yeah|yep|yup|k+|kk|sure|yes please)[.!]*$", re.I)
_SOCIAL_WORDS = {
    "hi", "hello", "hey", "hiya", "yo", "morning", "good", "evening", "afternoon", "thanks", "thank", "you", "thx",
    "ty", "cheers", "ok", "okay", "bye", "goodbye", "see", "later", "night", "great", "cool", "nice", "so",
    "well", "oh", "ah", "again", "there", "how", "are", "doing", "much", "lot", "a", "what", "whats", "s", "up", "sup",
    "going", "it", "is", "everything", "all", "alright", "fine", "and", "yourself", "today",
}  # ("ya" is not here: "ya" is a yes)


_ASKS = re.compile(
    # at the start of any sentence: "like the salary. what does a team lead earn"
    r"\?|(?:^|[.!;]\s+)(?:(?:ok|so|and|but|also|btw|by the way|quick question|question|hey|hi|hm+|um+|uh+|well|sorry|idk|dunno|not sure|wait)[,:.]?\s+)*"
    r"(?:how|what|whats|what's|wat|wats|wut|why|when|where|who|whom|which|can|could|should|shall|would|will|is|are|am|do|does|did|"
    r"may|might|any|anyone|tips?|advice|help|tell me|explain|i need (?:help|advice|tips)|i want to know|"
    r"i'?d like to know|i wonder|wondering|is it|was it|have you|has anyone|ideas?|thoughts|"
    # "i asked what social changes you think matter": the question said again
    r"i (?:was |am )?ask(?:ed|ing)(?: you)? (?:what|how|why|which|whether|if|about|for))\b(?!['’]t\b|\s+not\b)",
    re.I,
)


_QUESTION_START = re.compile(
    r"^(?:(?:ok|so|and|but|also|btw|hey|hi|um+|well|sorry)[,:]?\s+)*(?:how|hows|how's|what|whats|what's|wat|wats|wut|why|when|where|who|which|can|"
    r"could|should|would|is|are|do|does|did|will)\b(?!['’]t\b|\s+not\b)",  # "can't relocate" states
    re.I,
)
# An answer phrased as a question is rare: below this the NLU's "it is an answer" is weighed.
QUESTION_WORD_SURE = 0.95
_GIVES_CONSENT = re.compile(
    r"\b(?:i (?:do |now |hereby )?(?:give (?:my |you my )?)?consent(?! to nothing)|i (?:now |do )?agree (?:to|that) (?:you )?(?:stor|sav|keep)\w+|"
    r"(?:you can|you may|please|go ahead and|do|ok,? ?) (?:store|save|keep) (?:my answers|my data|them|it|everything)|"
    r"i (?:want|'d like) you to (?:store|save|keep)|(?:turn|switch) (?:storing|saving|storage) (?:back )?on|"
    r"(?:start|go back to) (?:storing|saving)|i (?:agree|consent) now)\b",
    re.I,
)
# A question about what happens to one's data or this chat ("are the administrators HR?", "and is
# it encrypted", "did a real person already read it?"): the privacy answer, never a crisis or a
# request for a person, whatever words of work relationships it holds.
_DATA_WORDS = (
    r"(?:the|these|those|your|its) (?:service'?s? )?['\"‘“]?administrators?|the ['\"‘“]?admins?|encrypt\w*|anonym\w*|confidential\w*|privacy|"
    r"(?:is|are|stays?|kept) (?:this |it |that |my \w+ )?private|stored|saved|kept|logged|"
    r"(?:store|save|keep|log)s? (?:my|this|it|that|what|everything|the chat|these|any|anything)|"
    r"my (?:data|answers|info(?:rmation)?|details|name|login|messages?|chats?|records?)|the copy|the export|my export|"
    r"(?:read|see|seen|access) (?:this|it|that|my|these|what i|the (?:chat|case|message|conversation))|"
    r"access to (?:this|it|my|the chat|these)|case (?:about|on|for) me|my case|my copy|the json|employee[_ ]?id|"
    r"(?:the|that|an|this) (?:alert|alarm)"
)
_ABOUT_MY_DATA = re.compile(
    rf"(?:^|[.!?]\s+)(?:(?:and|but|so|ok|okay|also|wait|hmm+|um+|then|like|no)[ ,.]+)*(?:who|what|how|is|are|does|do|can|could|will|"
    rf"would|did|has|have|where|when|why|which|i'?m asking (?:whether|if|about)|i (?:want|need) to know (?:whether|if)|"
    rf"i'?m wondering (?:whether|if)|tell me (?:whether|if))\b[^.!?]*\b(?:{_DATA_WORDS})\b|"
    rf"\b(?:did|has|have|will|can|could|does|do)\b[^.!?]*\b(?:read|see|seen|access)\b[^.!?]*\b(?:it|this|that|my \w+|the \w+)\s*\?|"
    rf"\b(?:{_DATA_WORDS})\b[^.!]*\?\s*$",
    re.I,
)
# The data requests and the privacy question in the languages people most often switch to: a
# request about one's data is acted on (in English), never stored as an answer or left unread.
_FOREIGN_DATA_REQUESTS = (
    ("delete_data", re.compile(
        r"\b(?:borra[rn]?|borre|elimina[rn]?|elimine|suprim\w*|supprime[rz]?|effacer|efface[rz]?|lösch\w*|losch\w*|apagar|apague|"
        r"excluir|exclua|cancella\w*)\b.{0,40}\b(?:mis|mes|meine|meus|minhas|miei|dati|datos|données|donnees|daten|dados|todo|tout|"
        r"alles|tudo|tutto|información|informations|respuestas|réponses|antworten|respostas|cuenta|compte|konto|conta)\b|"
        r"删除我的|删掉我的|清除我的|把我的(?:数据|资料|信息)删", re.I)),
    ("export_data", re.compile(
        r"\b(?:copia|copie|kopie|cópia|copy)\b.{0,30}\b(?:datos|données|donnees|daten|dados|dati)\b|\bexporta\w*|\bexportieren\b|"
        r"导出我的|我的(?:数据|资料)(?:副本|拷贝)", re.I)),
    ("ask_privacy", re.compile(
        r"\b(?:quién|quien|qui|wer|quem|chi)\b.{0,40}\b(?:ver|ve|voir|voit|sehen|sieht|lesen|liest|leer|lee|lire|lit|vê|vede|vedere|"
        r"acceso|accès|zugriff|acesso)\b|\bconfidencial|\bconfidentiel|\bvertraulich|\bdatenschutz|\bprivacidad|\bvie privée|"
        r"\bprivacidade|\bmi jefe\b.{0,30}\b(?:ve|ver|lee|sabe)|谁(?:能|可以|会)看|保密|隐私", re.I)),
)
# "please forget that I said I'm job hunting": a request about an answer, never an answer
FORGET_SAID = re.compile(
    r"\b(?:forget|delete|remove|erase|scrap|take back|unsay|strike)\b (?:that |what |the (?:bit|part) (?:where |about |that )?)?"
    r"i (?:said|told you|wrote|mentioned|typed|put)\b(?: (?:that|about|the bit about))?\s*(?P<what>[^.!?]*)",
    re.I,
)
# "I don't want to say", "no quiero decir": the question skipped, not a sentence stored as its answer
_DECLINES_TO_SAY = re.compile(
    r"\b(?:i )?(?:don'?t|do not|no|dont) (?:want|wanna|wish) (?:to )?(?:say|tell|answer|give|share)\b|\bi'?d rather not (?:say|tell|answer)\b|"
    r"\bno quiero (?:decir|responder|contestar|dar|compartir)\b|\bprefiero no (?:decir|responder|contestar)\b|"
    r"\bje (?:ne veux|préfère ne) pas (?:dire|répondre)\b|\bich (?:möchte|will) (?:das |es )?nicht (?:sagen|angeben|antworten)\b|"
    r"\bnão quero (?:dizer|responder)\b|不想(?:说|回答|告诉)",
    re.I,
)
# Asking for another language: "¿puedes hablar en español?", "can we do this in German?"
_ASKS_LANGUAGE = re.compile(
    r"\b(?:habla[rs]?|hablas|puedes hablar|parle[rz]?|sprechen|sprichst|falar|fala|speak|talk|chat|write|do this)\b.{0,25}"
    r"\b(?:español|espanol|spanish|français|francais|french|deutsch|german|portugu[eê]s|portuguese|chino|chinese|mandarin|中文)\b|"
    r"\ben (?:español|espanol|français|francais)\b\s*\??\s*$|说中文|讲中文",
    re.I,
)
_MUST_I_ANSWER = re.compile(
    r"\b(?:do|must|should) i (?:really )?(?:have|need) to (?:say|answer|tell|share)\b|^\W*do i have to\W*$|"
    r"\bdo i have to\?|\bis (?:this|it|that) (?:question )?(?:mandatory|required|optional|compulsory|obligatory)\b",
    re.I,
)
DATA_REQUESTS = {"ask_privacy", "export_data", "delete_data", "withdraw_consent", "give_consent", "show_summary", "change_answer"}
_YOU = re.compile(r"\b(?:you|u|ur|you'?re|youre|r u|this (?:bot|thing|chat))\b", re.I)
_ABOUT_THE_CONVERSATION = re.compile(
    r"\bi (?:didn'?t|did not|never) (?:say|said|mean|type|write|choose|pick|ask)\b|\bthat'?s not what i (?:said|meant|asked|wrote|typed)\b|"
    r"\byou (?:got|misunderstood|misread|stored|saved|put) (?:that|it|me|this) wrong\b|\bthat was (?:a )?typo\b|"
    r"\b(?:was ?n'?t|was not|is ?n'?t|is not|not) (?:an|my) answer\b|[\"'“‘][\w ]+[\"'”’] (?:is|was) wrong\b|"
    r"\bthe [\w' ]{3,40}? (?:one |answer )?(?:is|was) (?:also |all )?wrong\b",
    re.I,
)


# "what is X", "wat is mean X", "what does X mean": asking what a word means, never an answer.
_WHAT_IS = re.compile(
    r"^(?:(?:what|wat|wut)\s+(?:is|are|does|do|is mean|mean|means|is meaning of|is the meaning of)|what'?s|wats)\s+"
    r"(?!(?:this|that|it|the point|next|the next|left|your|you|my|going on|happening|the difference|up|new|wrong|"
    r"good|the matter|the plan|the time|some|any|examples?|ideas?|options?|common|typical|possible|other|popular|usual|"
    r"suggestions?|the options|my options|the best|best|good ones)\b)"
    r"(?:a |an |the )?[\w:/&*.+-]+(?:\s+[\w:/&*.+-]+)?\s*(?:mean|means|stand for|stands for)?\s*\??$",
    re.I,
)


# A question about the open question itself: "what do you mean?", "like what?", "i don't get the
# question". Never its answer, and no need to ask whether it is: an example and other words are the reply.
_ABOUT_THE_QUESTION = re.compile(
    r"^(?:(?:sorry|um+|hm+|uh+|ok|so|and|but|huh|wait|lol|erm)[,.?!]*\s+)*(?:what (?:do |d )?(?:you|u|ya) mean(?: by (?:that|this|it))?|"
    r"wdym|what\?*|what does (?:that|this|it) mean|"
    r"like what|such as|for (?:example|instance)|example|examples|e\.?g\.?|"
    r"i (?:don'?t|do not|dont) (?:understand|get)(?: (?:the|this|that|your) question| (?:it|that|this|you))?|"
    r"(?:don'?t|dont) (?:understand|get it)|what(?:'s| is) the question|what should i (?:say|write|put|answer)(?: here)?|"
    r"how (?:do|should) i answer (?:this|that)|which one|what kind of (?:answer|thing)s?(?: do you (?:mean|want))?|"
    r"huh|pardon|come again|meaning)\s*[?!.]*(?:\s+(?:sorry|lol|\?+))?$",
    re.I,
)


# Where a remark on the conversation is the answer: the rating and its comment.
FEEDBACK_QUESTIONS = frozenset({"session_rating", "rating_comment"})


# Declining a change: "no i don't want to change anything" (the classifier hears "change").
_NO_CHANGE = re.compile(
    r"\b(?:don'?t|dont|do not|no need to|not going to|won'?t)\s+(?:want to\s+|wanna\s+|need to\s+)?(?:change|edit|correct)"
    r"\s+(?:anything|it|that|them|a thing|my answers?)\b|\bnothing to change\b|\bleave (?:it|them|everything) as (?:it|they) (?:is|are)\b",
    re.I,
)
# "you didn't answer my question": a complaint about the last reply, not a request to change an answer.
_NOT_ANSWERED = re.compile(
    r"\b(?:you|u)\s+(?:didn'?t|didnt|did not|never|haven'?t|havent|have not)\s+(?:really\s+)?answer(?:ed)?\s+(?:my|the|that)\s+question\b",
    re.I,
)


# A remark on how long the conversation is, never an answer to the open question ("this is taking
# too long" is not a value): how much is left is the reply, with the reminder that one can stop.
# Stopping for now, in words the classifier may not be sure of; "stop" alone can also mean
# "stop storing", which the bot asks about.
_PAUSES = re.compile(
    r"\b(?:i'?m|im|i am|we'?re|were) (?:\w+ )?done for (?:today|now|the day|tonight|this week)\b|"
    r"\b(?:that'?s|thats) (?:enough|it) for (?:today|now|tonight)\b|"
    r"\b(?:let'?s|lets|can we|could we) (?:stop|pause|call it a day)(?: (?:here|there|now|for now|for today))?\b(?!\s*(?:storing|saving|keeping|recording))|"
    r"\bstop for (?:now|today)\b|"
    r"[.!,;]\s*(?:stop|pause|enough)[.!]*$",
    re.I,
)
_ABOUT_THE_LENGTH = re.compile(
    r"\b(?:this|it|that|these|the questions?)(?:'s| is| are) (?:taking |getting )?(?:way |so |too |really |very )*"
    r"(?:long|forever|ages|a lot of questions|endless|never-?ending)\b(?! (?:to|for|before|until|in|at) )|"
    r"\b(?:too|so) many questions\b|\bhow (?:much|many) (?:longer|more)\b(?! (?:i|i'?ll|i can|can i|could i|will i|should i|do i|am i|i'?m|before i|until i)\b)|\bare we (?:nearly |almost )?(?:done|there) yet\b|"
    r"\bwhen (?:does|will) (?:this|it) end\b",
    re.I,
)


# Asking whether a person or a bot is writing is not asking for a person.
_IS_IT_A_PERSON = re.compile(
    r"\b(?:am i|are we) (?:talking|chatting|speaking|writing) (?:to|with) (?:a |an )?(?:real |actual |live )?"
    r"(?:person|human|bot|robot|machine|computer|ai)\s*[?!.]*$"
    r"|\bis (?:this|it|that) (?:a |an )?(?:real |actual |live )?(?:person|human|bot|robot|machine|computer|ai)"
    r"(?: or (?:a |an )?(?:real |actual )?(?:person|human|bot|robot|machine|computer|ai))?\s*[?!.]*$"
    r"|\bis (?:there )?(?:a |an )?(?:real |actual |live )?(?:person|human|someone) (?:typing|writing|answering|replying|"
    r"behind (?:this|the screen)|on the other (?:end|side))\b",
    re.I,
)


# Going on after a pause, a person request or a topic: never an answer to the open question.
_CARRY_ON = re.compile(
    r"^(?:(?:ok(?:ay)?|fine|sure|alright|all right|no|nah|never ?mind|nvm|forget it|好的|好|那|thanks?|thx)[,.!\s]*)*"
    r"(?:(?:let'?s |lets |we can |can we |please )?(?:carry on|go on|continue|keep going|move on|get going|resume|proceed)"
    r"(?: (?:then|with (?:the|this)(?: \w+)?|where we (?:left off|were)|please|for now))*|never ?mind|nvm|forget it|"
    r"(?:我们)?继续(?:吧)?)[\s.!。！]*$",
    re.I,
)


_ACKNOWLEDGES = re.compile(r"^(?:ok(?:ay)?|fine|sure|alright|all right|no|nah|thanks?|thx|好的|好|行|嗯)[.!。！]*$", re.I)


def carries_on(text: str) -> bool:
    """"nvm carry on", "好的, 那我们继续吧 let's go on": back to the counseling."""
    parts = [p.strip() for p in re.split(r"[,，。]\s*|\s+(?=let'?s\b)", text.strip()) if p.strip()]
    on = [bool(_CARRY_ON.match(p)) for p in parts]
    return bool(_CARRY_ON.match(text.strip())) or (any(on) and all(o or _ACKNOWLEDGES.match(p) for o, p in zip(on, parts)))


def asks_something(text: str) -> bool:
    """A question or a request for advice, not a statement: "how do I ask for a raise",
    "tips for interviews?" – unlike "Master's degree in economics"."""
    return bool(_ASKS.search(text.strip()))


def script_language(text: str) -> str:
    """'en' for English (and anything the bot cannot tell), else a language code."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return "en"
    cjk = len(_CJK.findall(text))
    if _KANA_HANGUL.search(text) and len(_KANA_HANGUL.findall(text)) * 3 >= len(letters):
        return "ja/ko"
    if cjk and cjk * 3 >= len(letters):
        return "zh"
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.casefold())
    if len(words) < 2:
        return "en"
    english = sum(w in _ENGLISH_WORDS for w in words)
    best, hits = "en", 0
    for language, vocabulary in _FUNCTION_WORDS.items():
        count = len({w for w in words if w in vocabulary})  # distinct words: "la la land" is not Spanish
        if count > hits:
            best, hits = language, count
    if hits >= 2 and hits > english * 2 and hits * 3 >= len(words):
        return best
    marks = {"es": "¿¡ñ", "de": "ßäöü", "fr": "çèêàùœ", "pt": "ãõç"}
    if hits >= 1 and english == 0 and any(ch in marks.get(best, "") for ch in text.casefold()):
        return best
    if len(words) <= 2 and english == 0 and " ".join(words) in _FOREIGN_GREETINGS:
        return _FOREIGN_GREETINGS[" ".join(words)]
    if len(words) >= FOREIGN_MIN_WORDS:
        common = english_words()
        share = sum(w not in common for w in words) / len(words)
        # mostly words English does not use – or, with two everyday words of a language the bot
        # knows, many (English web text is full of "de", "para", "und"): a language it cannot read
        if share >= FOREIGN_SHARE or (hits >= 2 and share >= FOREIGN_SHARE_NAMED):
            return best if hits >= 2 else UNKNOWN_LANGUAGE
    return "en"


# A message this long with this share of words that are not common English is in another
# language (docs/understanding.md); shorter ones are names, titles and fragments.
FOREIGN_MIN_WORDS = 5
FOREIGN_SHARE = 0.6
FOREIGN_SHARE_NAMED = 0.35
UNKNOWN_LANGUAGE = "und"  # BCP 47: undetermined


_FOREIGN_GREETINGS = {
    "hola": "es", "buenos días": "es", "buenas tardes": "es", "gracias": "es", "bonjour": "fr", "salut": "fr",
    "merci": "fr", "hallo": "de", "guten tag": "de", "danke": "de", "servus": "de", "olá": "pt", "obrigado": "pt",
    "namaste": "hi", "ciao": "it", "grazie": "it", "buongiorno": "it",
}


def looks_like_an_answer_in(language: str, text: str) -> bool:
    """A short statement in another language (销售部, 稳定和成长): an answer, not a request."""
    if language == "zh":
        if len(text) > 60 or _ZH_NOT_UNDERSTOOD.search(text):
            return False
        return not _ZH_QUESTION.search(text) or (bool(_ZH_STATEMENT.match(text)) and not _ZH_HUMAN.search(text))
    return False


# Saying plainly that one is safe – after the bot heard danger in words from work. Only
# explicit statements: a bare "i'm fine" can hide a crisis and is read as usual (the crisis
# rules above have already run, so "i'm not ok, i want to die" never gets here).
_SAYS_SAFE = re.compile(
    r"\b(?:i'?m|i am|im) (?:\w+ )?(?:not|n't|never) (?:\w+ )?(?:in (?:any )?danger|at risk|suicidal|in (?:a )?crisis|"
    r"going to (?:hurt|harm|kill) (?:my ?self))\b|"
    r"\b(?:nobody|no one|no-one) (?:is |'s |has |was )?(?:\w+ )?(?:hurting|hurt|harming|threatening|threatened|harassing|"
    r"harassed|hitting|hit|abusing|abused) (?:me|us)\b|\bfalse alarm\b|\b(?:a |just a )?figure of speech\b|\b(?:i was|i'?m|im|just) (?:only )?(?:joking|kidding)\b|\bjust an? (?:expression|joke)\b|\b(?:i'?m|i am|im) (?:totally |perfectly |completely |really )?safe\b|"
    r"\bnot (?:a |an )?(?:crisis|emergency)\b|\b(?:don'?t|do not|no need to|pls don'?t|please don'?t) "
    r"(?:flag|escalate|send (?:\w+ )?(?:urgent|alert)|alert)\w*\b|"
    r"\b(?:i'?m|i am|im) (?:totally |perfectly |really |completely )?(?:fine|ok|okay)\b[,. ]+(?:it'?s|its) (?:just|only) (?:my|the) \w+|"
    # "wtf?? im fine lol. just meant like a promotion": fine, and it was about something else
    r"\b(?:i'?m|i am|im) (?:totally |perfectly |really |completely )?(?:fine|ok|okay)\b.{0,24}\b(?:i )?(?:just |only )?meant\b|"
    r"\b(?:it'?s|it is|that'?s|that is|that was|it was) (?:just |only |all )?(?:about )?(?:my (?:job|work)|work stuff|work|"
    r"what i do for (?:a living|work))\b",
    re.I,
)


def says_safe(text: str) -> bool:
    return bool(_SAYS_SAFE.search(normalise_for_matching(text) or text))


_FALSE_ALARM = re.compile(
    r"\bfalse alarm\b|figure of speech|\b(?:joking|kidding)\b|\bjust an? (?:expression|joke)\b|\bnot (?:a |an )?(?:crisis|emergency)\b|"
    r"\b(?:flag|escalate|alert)\w*\b|\babout (?:my (?:job|work)|work)\b|\bwhat i do for|\bwork stuff\b|"
    r"\b(?:not|n't|never) (?:\w+ )?(?:in (?:any )?danger|at risk|suicidal|in (?:a |any )?crisis|going to)\b|"
    r"\bdon'?t (?:send|flag|escalate|alert)\b|\bnothing urgent\b",
    re.I,
)


def was_a_false_alarm(text: str) -> bool:
    """"I'm not in danger", "that was about my job" – unlike "I'm safe for now" after a real crisis."""
    return bool(_FALSE_ALARM.search(normalise_for_matching(text) or text))


def is_unsure(text: str) -> bool:
    return bool(_UNSURE.match(normalise_for_matching(text) or text.strip()))


# "not sure what I want from this", "no clue what HR could do": uncertainty about the
# question, unless the classifier hears a question or request in the rest ("idk how to
# write a cv" is a career topic).
_STARTS_UNSURE = re.compile(
    r"^(?:(?:hm+|um+|uh+|well|honestly|tbh|to be honest|so)[,.]?\s+)*(?:i\s*(?:'m|am)?\s*)?(?:really\s+|honestly\s+|just\s+)?"
    r"(?:idk|dunno|not sure|unsure|no idea|no clue|(?:i )?(?:really )?(?:don'?t|do not) know|not really sure|can'?t say)"
    r"\s+(?:what|which|how|who|where|whether|if|about|yet|really|tbh|honestly)\b",
    re.I,
)
UNSURE_UNLESS_HEARD = frozenset({INFORM, "dont_know", "ask_suggestion", "skip", "out_of_scope", "distress"})


def starts_unsure(text: str, intent: str, confidence: float, thresholds: Thresholds) -> bool:
    """Begins with uncertainty, and the classifier is not sure it is a question or request."""
    norm = normalise_for_matching(text) or text.strip()
    doubt = _STARTS_UNSURE.match(norm)
    if not doubt:
        return False
    if _HEDGED_ANSWER.search(text):
        return False  # "not sure yet. Perhaps head of wellbeing by 2032": an answer, hedged
    rest = norm[doubt.end():].strip(" .,;:!–-")
    if len(rest.split()) >= 5 and not asks_something(rest) and not _SUGGEST.search(rest):
        return False  # "idk tbh. theres talk of more automation, new WMS coming": the doubt, then the answer
    return intent in UNSURE_UNLESS_HEARD or confidence < thresholds.sure


# After the doubt, a sentence that gives an answer anyway: "…. Perhaps X", "…, but probably X".
_HEDGED_ANSWER = re.compile(
    r"[.;,!–-]\s*(?:but\s+|so\s+|though\s+)?(?:perhaps|maybe|probably|possibly|i guess|i think|i'?d say|likely|"
    r"something like|ideally)\s+(?:\S+\s+){2,}\S+",
    re.I,
)


# "What should the goal be? Please suggest a few goals.": a request for the counseling's own
# content – with no word of harm or distress, what the classifier alone hears in it is no crisis
_ASKS_FOR_COUNSEL = re.compile(
    r"\b(?:(?:can|could|would) you |please |pls )?(?:suggest|recommend|propose)\b(?:\s+(?:me|us))?\s+(?:an? |some |a few |few |one |two |three |any |my |the )?"
    r"(?:[\w-]+\s+){0,3}(?:goals?|steps?|roles?|options|answers?|dates?|targets?|strengths|criteri(?:a|on)|directions?|paths?|ideas?|examples?)\b|"
    r"\bwhat should (?:the|my|a) (?:[\w-]+\s+){0,2}(?:goals?|steps?|answer|target|criterion|criteria) be\b|"
    r"\bwhat (?:[\w-]+\s+){0,2}(?:goals?|steps?|options|roles?|criteria|targets?) (?:would|do|can|could|should) (?:you|u) (?:suggest|recommend|propose)\b|"
    r"\b(?:ideas?|examples?) (?:of|for) (?:an? |some |my )?(?:[\w-]+\s+){0,2}(?:goals?|steps?|answers?|criteri(?:a|on))\b",
    re.I,
)


# How the person feels about their work, said of themselves
_FEELS_ABOUT_THE_JOB = re.compile(
    r"\bi(?:'?m| am| feel| have been|'?ve been)\s+(?:(?:a bit|a little|kind of|kinda|so|really|very|just|getting|quite|pretty)\s+)*"
    r"(?:tired|sick|fed up|bored|frustrated|exhausted|unhappy|miserable|burnt out|burned out|drained|stuck|done)\s+(?:of|with|in|at)\s+"
    r"(?:my|this|the)\s+(?:job|work|role|team|company|career)\b",
    re.I,
)


# What a role pays, asked
_ASKS_PAY = re.compile(
    r"\bhow much (?:does|do|would|will|can|could|might) (?:a |an |the |my )?[\w /&-]{2,40}? (?:make|earn|get paid|be paid)\b|"
    r"\bwhat (?:does|do|would|will|could|might) (?:a |an |the )?[\w /&-]{2,40}? (?:earn|make)\b(?! of)|"
    r"\bwhat(?:'s| is| are)? (?:the )?(?:salary|pay|wage|salaries|wages) (?:of|for) (?:a |an |the )?\w|"
    r"\b(?:what|how much) would i (?:earn|make|get paid)\b",
    re.I,
)
# "thinking about moving up or into planning": a move in one's career, which the crisis
# classifier alone can hear as "moving on" – with no word of harm, no crisis
_CAREER_MOVE = re.compile(
    r"\b(?:mov(?:e|ing)|step(?:ping)?|switch(?:ing)?|get(?:ting)?|go(?:ing)?|transfer(?:ring)?)\s+(?:up\b|(?:into|to|towards?|over to)\s+"
    r"(?:a |an |the |my )?(?:\w+\s+){0,2}?(?:planning|management|role|job|position|team|department|lead|manager|supervisor|analyst|"
    r"career|office|sales|hr|logistics|engineering|training|promotion)\b)|\bpromotion\b|\bcareer (?:move|change|step)\b",
    re.I,
)


# Being worn out, said in the languages people most often switch to
_FOREIGN_DISTRESS = re.compile(
    r"\b(?:estoy|me siento|ando) (?:muy |un poco |bastante |tan )?(?:quemad[oa]|agotad[oa]|cansad[oa]|harto|harta|estresad[oa]|deprimid[oa]|"
    r"desmotivad[oa])\b|\bsíndrome de burnout\b|"
    r"\bje suis (?:très |tellement |un peu )?(?:épuisée?|crevée?|à bout|fatiguée?|déprimée?)\b|\bich bin (?:total |so |sehr )?(?:erschöpft|ausgebrannt|fertig)\b|"
    r"\b(?:estou|sinto-me) (?:muito |tão )?(?:esgotad[oa]|exaust[oa]|cansad[oa])\b|\bsono (?:molto |così )?(?:esaurit[oa]|stanc[oa]|sfinit[oa])\b",
    re.I,
)


def asks_for_counsel(text: str) -> bool:
    return bool(_ASKS_FOR_COUNSEL.search(text))


def asks_for_a_language(text: str) -> bool:
    return bool(_ASKS_LANGUAGE.search(text))


def asks_about_my_data(text: str) -> bool:
    return bool(_ABOUT_MY_DATA.search(text))


def asks_for_a_person(text: str) -> bool:
    return bool(_HUMAN.search(text))


# Words without which a message cannot be a request for a person: someone asking speaks of
# themselves or the person they want, or asks. "customer service representative" or "call
# center agent" typed for a job title is no request, however the classifier hears "agent".
_REQUEST_WORDS = re.compile(
    r"\?|\b(?:i|i'?d|i'?m|me|my|we|us|want|need|can|could|would|please|pls|plz|let|get|talk|speak|chat|"
    r"someone|somebody|anyone|human|person|people|counsel+or|coach|advis[eo]r|help)\b",
    re.I,
)


def could_ask_for_a_person(text: str) -> bool:
    return bool(_REQUEST_WORDS.search(text))


def sounds_distressed(text: str) -> bool:
    return bool(_DISTRESS.search(text))


def is_clear_goodbye(text: str) -> bool:
    return bool(_CLEAR_GOODBYE.match(normalise_for_matching(text) or ""))


def only_social_words(text: str) -> bool:
    words = normalise_for_matching(text).replace("'", " ").split()
    return all(w in _SOCIAL_WORDS for w in words)


def names_an_option(question: Question, text: str, offered: tuple[str, ...] = ()) -> bool:
    """The text is one of the options shown – a choice or an offered button, word for word
    ("lateral", "None of these") or by its place ("2nd one")."""
    norm = normalise_for_matching(text)
    titles = [c.title for c in question.choices] + list(offered)
    for choice in question.choices:
        phrases = {normalise_for_matching(choice.title), choice.value.replace("_", " "), *(normalise_for_matching(s) for s in choice.synonyms)}
        if norm in phrases:
            return True
    if norm in {normalise_for_matching(t) for t in offered}:
        return True
    return bool(titles) and refers_to(norm, titles) is not None


# The first clause of a message: "partly I think" of "partly I think. I like planning, …"
_FIRST_CLAUSE = re.compile(r"^[^.!?;]+")


def _opens_with_a_choice(text: str, question: Question | None) -> bool:
    """"partly I think. I like planning, I just worry it would be a desk job all day": the
    message opens by naming one of the question's choices – the rest is the person's
    reasons, which the classifier alone can hear as crisis language (it has, at 0.75)."""
    if question is None or not question.choices:
        return False
    clause = _FIRST_CLAUSE.match(text.strip())
    if clause is None:
        return False
    opening = clause.group(0).strip(" ,")
    first_word = opening.split()[0] if opening.split() else ""
    return names_an_option(question, opening) or names_an_option(question, first_word)


# ---- the reading --------------------------------------------------------------------------


def understand(
    text: str,
    nlu: Nlu,
    question: Question | None,
    fits: Callable[[str], bool],
    thresholds: Thresholds = Thresholds(),
    *,
    clarified: bool = False,
    last_unsure: str | None = None,
    extra_crisis_phrases: tuple[str, ...] = (),
    offered: tuple[str, ...] = (),
    corrects: Callable[[str], bool] | None = None,
) -> Reading:
    """What `text` is, given the open `question` (None when no question is open).

    `fits(text)` says whether the text is a usable answer to the open question;
    `clarified`: the bot already asked "answer or question?" about this question;
    `last_unsure`: the last message, when it was taken as an interruption unsurely;
    `offered`: the titles of buttons shown with the question besides its choices;
    `corrects(text)`: the text corrects an earlier answer and states the new value.
    """
    text = clean_answer(text)
    payload_intent, payload_choice = decode_payload(text)
    if payload_intent is not None:
        return _from_payload(payload_intent, question, payload_choice)
    signal = detect_crisis(text, extra_crisis_phrases) if text else None
    crisis_kind, crisis_likelihood = _likeliest_crisis(nlu)
    if signal is not None and signal.topic and says_safe(text):
        return Reading(Kind.SOCIAL, REASSURE)  # "I'm not being harassed, I investigate harassment"
    if signal is not None and (not signal.topic or crisis_likelihood >= thresholds.crisis_quiet):
        # a topic noun alone ("I investigate harassment complaints") is the safety check,
        # unless the classifier hears crisis language too – or hears none at all
        sure = not signal.topic or crisis_likelihood >= thresholds.crisis_sure
        return Reading(Kind.CRISIS, "crisis" if sure else CRISIS_CHECK, crisis_likelihood, crisis_kind=signal.kind.value)
    if says_safe(text):
        return Reading(Kind.SOCIAL, REASSURE)  # "I'm not in danger, it's my job": before the classifier's net
    if carries_on(text):
        return Reading(Kind.REQUEST, "continue_session")
    danger = names_a_danger(text)
    if _FOREIGN_HUMAN.search(text) and not danger:
        return Reading(Kind.REQUEST, "request_human", language=script_language(text))
    plain = not danger and not sounds_distressed(text)
    if crisis_likelihood >= thresholds.crisis and not figure_of_speech(text) and not bodily_pain(text) and (
        danger or crisis_likelihood >= thresholds.crisis_sure
    ) and not (
        (asks_for_counsel(text) or _CAREER_MOVE.search(text) or asks_about_my_data(text) or _opens_with_a_choice(text, question))
        and plain
    ):
        # no listed phrase, but the classifier hears crisis language: sure, and not of one's
        # patients or clients (unless aimed at the writer: "a caller sends me threats"), the crisis response; otherwise the resources and a question (a
        # paramedic's answer can sound alike) – and below its sure mark only with words of harm
        # ("video call with my husband this weekend" is not a question of safety)
        sure = crisis_likelihood >= thresholds.crisis_sure and (not speaks_of_others_at_work(text) or aimed_at_the_writer(text))
        intent = "crisis" if sure else CRISIS_CHECK
        return Reading(Kind.CRISIS, intent, crisis_likelihood, crisis_kind=crisis_kind)
    if question is not None and question.kind in QUESTIONNAIRE_KINDS and fits(text) and not sounds_distressed(text):
        # a rating, "skip" or "stop", in any words – but "i feel like giving up" holds no rating
        return Reading(Kind.ANSWER, INFORM, nlu.confidence)
    language = script_language(text)
    if language == "en" and _ASKS_LANGUAGE.search(text) and not names_a_danger(text):
        return Reading(Kind.QUESTION, "ask_language", language=language)  # "can we do this in German?"
    if FORGET_SAID.search(text):
        return Reading(Kind.REQUEST, "remove_said", language=language)
    if question is not None and _DECLINES_TO_SAY.search(text) and question.skippable and not asks_something(text):
        return Reading(Kind.REQUEST, "skip", language=language)
    if _FOREIGN_DISTRESS.search(text):
        return Reading(Kind.DISTRESS, "distress", language=language)  # "estoy quemado": a check-in, never an answer
    for data_intent, words in _FOREIGN_DATA_REQUESTS:
        if words.search(text):
            # "quiero borrar mis datos", "¿quién puede ver mis respuestas?": acted on, in English
            return Reading(kind_of(data_intent, question is not None), data_intent, language=language)
    if language != "en":
        if language == "zh" and _ZH_HUMAN.search(text):
            return Reading(Kind.REQUEST, "request_human", language=language)
        if question is not None and _SUGGEST.search(text):
            return Reading(Kind.UNCERTAINTY, "ask_suggestion", language=language)  # "no sé, ¿qué me recomiendas?"
        if question is not None and is_unsure(text):
            return Reading(Kind.UNCERTAINTY, "dont_know", language=language)  # "je ne sais pas", "no sé"
        if language == "zh" and question is not None and _ZH_UNSURE.search(text) and len(text) <= 20:
            return Reading(Kind.UNCERTAINTY, "dont_know", language=language)
        if question is not None and looks_like_an_answer_in(language, text) and (question.kind in FREE_TEXT_KINDS or fits(text)):
            return Reading(Kind.ANSWER, INFORM, language=language)
        return Reading(Kind.OTHER_LANGUAGE, "other_language", language=language)
    intent, confidence = _intent(nlu)
    if question is not None and _BYE.search(text) and is_clear_goodbye(text):
        return Reading(Kind.SOCIAL, "goodbye")  # "bye for now", whatever the classifier thinks: never an answer
    if _GIVES_CONSENT.search(text):
        return Reading(Kind.REQUEST, "give_consent")
    if asks_about_my_data(text) and intent not in DATA_REQUESTS - {"ask_privacy"} and not sounds_distressed(text):
        return Reading(Kind.QUESTION, "ask_privacy", max(confidence, thresholds.sure))
    if corrects is not None and corrects(text) and not asks_something(text):
        # ("which certification is actually worth it?" names no earlier answer)
        return Reading(Kind.REQUEST, "change_answer")
    if question is not None and _ABOUT_THE_CONVERSATION.search(text) and not asks_something(text):
        return Reading(Kind.REQUEST, "change_answer")  # "i didn't say peers", "that's not what I meant"
    if question is not None and names_an_option(question, text, offered) and fits(text):
        return Reading(Kind.ANSWER, INFORM, confidence)
    if _NO_CHANGE.search(text):
        return Reading(Kind.REQUEST, "continue_session")  # "no, I don't want to change anything"
    if _NOT_ANSWERED.search(text):
        return Reading(Kind.QUESTION, "not_answered")
    if question is not None and _MUST_I_ANSWER.search(text):
        # "do i have to say? if i say finance team they could figure out its me": a worry, not the answer
        return Reading(Kind.QUESTION, "ask_optional")
    if question is not None and _ABOUT_THE_QUESTION.match(text.strip()):
        # "like what?" asks for examples; "what do you mean?" for the question in other words
        wants_examples = re.search(r"\b(?:like what|such as|example|examples|instance|e\.?g)\b", text, re.I)
        return Reading(Kind.UNCERTAINTY, "ask_suggestion" if wants_examples else "explain_question")
    if _ASKS_PAY.search(text) and not asks_for_a_person(text):
        # "how much does a team lead make?": the pay topic, whatever else the words resemble
        return Reading(Kind.TOPIC, "topic/pay_and_benefits", max(confidence, thresholds.sure))
    if (phrases_compared(text) is not None or compares_the_targets(text)) and not (
        question is not None and names_an_option(question, text, offered)
    ):
        # "can you compare chief engineer and plant manager?": two occupations side by side
        return Reading(Kind.QUESTION, "ask_occupation_comparison", max(confidence, thresholds.sure))
    if question is not None and _WHAT_IS.match(text.strip()) and intent not in ("ask_why", "ask_privacy", "ask_capabilities"):
        return Reading(Kind.QUESTION, intent if intent.startswith("ask_occupation") else "ask_term", max(confidence, 0.5))
    if question is not None and _PAUSES.search(text) and not asks_something(text):
        return Reading(Kind.REQUEST, "pause")  # "im done for today", "this is long mate. stop"
    if question is not None and question.key not in FEEDBACK_QUESTIONS and _ABOUT_THE_LENGTH.search(text) and not asks_for_a_person(text):
        return Reading(Kind.QUESTION, "ask_duration")
    if _IS_IT_A_PERSON.search(text):
        return Reading(Kind.QUESTION, "bot_challenge")
    if asks_for_a_person(text) and intent != "ask_counselor_scope":
        return Reading(Kind.REQUEST, "request_human", max(confidence, thresholds.sure))
    if question is not None and is_skip_request(text, question):
        return Reading(Kind.REQUEST, "skip")
    if is_unsure(text) and intent not in ("ask_suggestion",):
        return Reading(Kind.UNCERTAINTY, "dont_know")
    if question is not None and starts_unsure(text, intent, confidence, thresholds) and not _SUGGEST.search(text) and not asks_for_counsel(text):
        return Reading(Kind.UNCERTAINTY, "dont_know")
    if question is not None and (_SUGGEST.search(text) or asks_for_counsel(text)):
        # "can you suggest a short-term goal that moves me toward plant manager?"
        return Reading(Kind.UNCERTAINTY, "ask_suggestion")
    if sounds_distressed(text) and intent != "distress":
        return Reading(Kind.DISTRESS, "distress", confidence)
    kind = kind_of(intent, question is not None)
    if question is None:
        return Reading(kind, intent, confidence)

    # A question is open: is this its answer?
    if intent == INFORM and nlu.ranking and asks_something(text) and (
        confidence < thresholds.sure or (confidence < QUESTION_WORD_SURE and _QUESTION_START.match(text))
    ):
        # asked as a question, and the NLU is not sure it is an answer: weigh what else it could be
        # (crisis language was weighed before, and not heard: never the next best guess)
        intent, confidence = next(
            ((name, score) for name, score in nlu.ranking if not name.startswith(CRISIS_INTENT_PREFIX)), (INFORM, 0.0)
        )
        if intent == TOPIC_INTENT:
            intent = nlu.topic or "out_of_scope"
        kind = kind_of(intent, True)
    if intent in ("affirm", "deny") and question.kind in YES_NO_KINDS:
        return Reading(Kind.ANSWER, INFORM, confidence)
    if intent == "request_human" and not text.startswith("/") and not could_ask_for_a_person(text) and fits(text):
        return Reading(Kind.ANSWER, INFORM, confidence)  # a job title with "agent" in it: the answer
    if kind is Kind.ANSWER:
        return Reading(Kind.ANSWER, INFORM, confidence)
    talks_to_the_bot = intent == "bot_challenge" and _YOU.search(text)  # "you're a bot lol", not "robots do the picking"
    if kind is Kind.TOPIC and _FEELS_ABOUT_THE_JOB.search(text):
        # "I'm a bit tired of my job" says how they feel, not what the question asked: the topic
        return Reading(kind, intent, confidence)
    if kind in (Kind.TOPIC, Kind.QUESTION) and not talks_to_the_bot and not asks_something(text) and fits(text):
        # a career topic or a question to the bot comes as a question; a statement that
        # fits the open question is its answer
        return Reading(Kind.ANSWER, INFORM, confidence)
    if intent == "goodbye" and not is_clear_goodbye(text) and fits(text):
        return Reading(Kind.ANSWER, INFORM, confidence)
    if intent == "affirm" and question.kind in FREE_TEXT_KINDS and not question.choices and _BARE_YES_WORD.match(text.strip()):
        return Reading(Kind.SOCIAL, "affirm", confidence)  # "ya" to "what matters most to you?" says nothing to store
    if kind is Kind.SOCIAL and not only_social_words(text) and fits(text):
        return Reading(Kind.ANSWER, INFORM, confidence)
    if confidence >= thresholds.sure:
        return Reading(kind, intent, confidence)
    if kind in (Kind.QUESTION, Kind.TOPIC, Kind.OUT_OF_SCOPE) and confidence >= thresholds.unsure and asks_something(text):
        # asked as a question and not meant as the answer: no need to ask which
        return Reading(kind, intent, confidence, unsure=True)
    guessable = intent not in NEVER_AN_ANSWER_BY_GUESS
    norm = normalise_for_matching(text)
    if guessable and last_unsure is not None and norm == last_unsure and fits(text):
        return Reading(Kind.ANSWER, INFORM, confidence)  # said again: it was meant as the answer
    if guessable and confidence < thresholds.unsure and fits(text) and not asks_something(text):
        return Reading(Kind.ANSWER, INFORM, confidence)
    if not clarified and fits(text):
        return Reading(kind, intent, confidence, clarify=True)
    return Reading(kind, intent, confidence, unsure=True)


def kind_of(intent: str, question_open: bool = True) -> Kind:
    if intent.startswith(TOPIC_INTENT + "/"):
        return Kind.TOPIC
    return KIND_OF_INTENT.get(intent, Kind.ANSWER if question_open else Kind.OUT_OF_SCOPE)


# How sure the response selector must be of a career topic to answer it outright
# (on the held-out topics 94 % of such picks were right, 81 % of all); less sure, the bot offers its best
# three to choose from; below TOPIC_GUESS it does not guess at all.
TOPIC_SURE = 0.3
TOPIC_GUESS = 0.1
TOPIC_CHOOSE = "topic/choose"
TOPIC_UNSURE = "topic/unsure"


def _likeliest_crisis(nlu: Nlu) -> tuple[str | None, float]:
    """The most likely crisis kind and the probability of any crisis intent."""
    scores = [(nlu.intent or "", nlu.confidence), *nlu.ranking]
    crisis = [(name[len(CRISIS_INTENT_PREFIX):], score) for name, score in scores if name.startswith(CRISIS_INTENT_PREFIX)]
    if not crisis:
        return None, 0.0
    return max(crisis, key=lambda c: c[1])[0], sum(score for _, score in crisis)


def _intent(nlu: Nlu) -> tuple[str, float]:
    intent = nlu.intent or INFORM
    confidence = nlu.confidence
    if intent.startswith(CRISIS_INTENT_PREFIX):
        # crisis language was weighed (and not heard) before: read it as the likeliest other thing
        intent, confidence = next(
            ((name, score) for name, score in nlu.ranking if not name.startswith(CRISIS_INTENT_PREFIX)), (INFORM, 0.0)
        )
    if intent == TOPIC_INTENT:
        if nlu.topic and nlu.topic_confidence >= TOPIC_SURE:
            return nlu.topic, confidence
        if nlu.topic and len(nlu.topic_ranking) > 1 and (nlu.topic_confidence >= TOPIC_GUESS or confidence >= 0.5):
            # a career question, surely, but which: the likeliest topics to choose from
            return TOPIC_CHOOSE, confidence
        return TOPIC_UNSURE, confidence
    if intent == "nlu_fallback":
        return INFORM, 0.0
    return intent, confidence


def _from_payload(intent: str, question: Question | None, choice: str | None = None) -> Reading:
    """A button: what it says, with certainty."""
    if intent == TOPIC_INTENT and choice:
        return Reading(Kind.TOPIC, f"{TOPIC_INTENT}/{choice}")
    if intent == INFORM:
        return Reading(Kind.ANSWER, INFORM)
    if intent in ("affirm", "deny") and question is not None:
        return Reading(Kind.ANSWER, INFORM)
    return Reading(kind_of(intent, question_open=False), intent)
