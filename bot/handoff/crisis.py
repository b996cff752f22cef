"""Crisis language in what employees type: self-harm, harassment, abuse.

Every message is checked here, before any other handling, at any stage of the conversation. When
`detect_crisis` returns a signal the bot shows support resources at once and opens an URGENT case for a
human counselor.

The detection is deterministic phrase matching (regular expressions on normalised text), on purpose:
a trained intent classifier can miss a phrasing, and a later retraining on career data can quietly
unlearn it; a listed phrase here always fires, can be tested sentence by sentence, and names the
pattern that matched for the case summary and audit (never the person's words). It is a safety net
that complements, never replaces, a human: a counselor reads every case it opens.

Trade-offs, in short (the tests hold a sentence for each decision):
- Missing a crisis is much worse than a false alarm, so ambiguous phrasings that are also common
  distress language fire: "I can't go on like this in this job", "I can't take it anymore", "I'm
  killing myself with overtime", "I hurt myself", "I don't want to be here anymore" (but not when job
  context follows: "... anymore at this company"). Negation is not parsed: "I would never kill myself"
  fires, the subject came up. The one exception is "I don't want to die", which says the opposite.
- Career talk is full of the same words, so bare words and idioms never fire: "kill it in the
  interview", "I'd kill for a promotion", "this project is killing me", "my boss will kill me",
  "I'm dying to learn", "I'd rather die than go back to sales", "dead end job", "abuse of process",
  "career suicide", "suicide mission", "cut myself some slack", "she beat me to the promotion",
  "hit me up", "following up without harassing the recruiter", "I'm so harassed this week"
  (British for hassled), "discriminate against candidates", "AI threatens to replace us";
  in Chinese 想死你了 (miss you), 被打断 (interrupted), 骚扰电话 (spam calls), 打我电话 (called me).
- A topic noun followed by a job, course or policy word names an occupation or a training, not an
  event ("suicide prevention specialist", "harassment training", "domestic violence advocate"), and so
  does one right after "anti-" or "I work in / my thesis was on / volunteer with". The cost: "I need
  harassment counseling" alone is not caught. "Substance abuse" is not ABUSE (no kind for it).
- Threats at work are HARASSMENT ("threatened to fire me" counts: intimidation); a threat of violence,
  anywhere, is ABUSE. When one message matches several kinds: SELF_HARM, then ABUSE, then HARASSMENT.
- Extra phrases come from configuration: "kind: phrase", or a plain phrase, which counts as
  self_harm (the most urgent kind: an unlabelled phrase was configured because it is dangerous).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.conversation.text import normalise_for_matching


class CrisisKind(str, Enum):
    SELF_HARM = "self_harm"  # suicide, self-harm, wanting to die, can't go on
    HARASSMENT = "harassment"  # harassment, sexual harassment, bullying, discrimination, threats at work
    ABUSE = "abuse"  # abuse, violence, assault, domestic violence, being hit/threatened


@dataclass(frozen=True)
class CrisisSignal:
    kind: CrisisKind
    phrase: str  # the pattern name that matched (NOT the user's text), for the case summary/audit
    # Not sure the danger is the writer's own: only a topic noun matched ("harassment", "suicide",
    # "overdose") in a message that does not speak of the writer (no I, me, my), or that speaks of
    # cases ("overdoses", "kids are being abused" from a social worker), or a weak sign such as a
    # goodbye to the team. HR officers, nurses and trainers use these words all day.
    topic: bool = False


# When one message matches several kinds, the most urgent one names the case.
_PRIORITY = (CrisisKind.SELF_HARM, CrisisKind.ABUSE, CrisisKind.HARASSMENT)

_CJK = r"\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "ʼ": "'", "′": "'", "＇": "'", "“": '"', "”": '"', "„": '"'})
_WORD_NOT_CJK = rf"[^\W{_CJK}]"  # a Latin-script word character: CJK text has no word boundaries
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def _normalise(text: str) -> str:
    """Casefolded NFKC text, straight quotes, single spaces; no spaces between CJK characters."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))
    return _CJK_GAP.sub("", normalise_for_matching(text))  # "不 想 活" is still 不想活


# -- shared fragments ---------------------------------------------------------------------------
_MYSELF = r"my[\s-]*self"
_CANT = r"(?:can'?t|cannot|can not|could ?n'?t|could not)"
_NOT = r"(?:don'?t|do not|doesn'?t|does not|no longer|never|not)"
_BE = r"(?:am|'m|im|is|are|was|were|be|been|being|get|gets|got|getting)"
_PERSON = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|spouse|ex|ex-\w+|fianc[eé]e?|father|dad|stepdad|"
    r"stepfather|mother|mom|mum|stepmother|stepmom|stepmum|parents?|brother|sister|son|daughter|uncle|aunt|"
    r"family|in-laws?|boss|manager|supervisor|team lead|colleague|co-?worker|landlord|flatmate|roommate|"
    r"neighbou?r|client|customer)"
)
# People at home: "my husband hurts me" is abuse, "my manager hurt me with his comments" is not.
_HOME = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|spouse|ex|fianc[eé]e?|father|dad|stepdad|stepfather|"
    r"mother|mom|mum|stepmother|stepmom|stepmum|parents?|brother|sister|family|in-laws?)"
)
_ZH_PERSON = (
    r"(?:他|她|老公|丈夫|男友|男朋友|女友|女朋友|老婆|妻子|伴侣|爸爸|父亲|爸|"
    r"妈妈|母亲|妈|家人|前夫|前妻|前任|老板|领导|上司|经理|同事)"
)
# Words that may stand between "he" / "my partner" and "hits me" ("my husband often hits me").
_OFTEN = (
    r"(?:often|always|sometimes|constantly|regularly|repeatedly|has|have|had|just|also|even|then|once|again|never|"
    r"would|will|keeps?|kept|started|starts|actually|physically|still)"
)
_HIT = (
    r"(?:hit|hits|hitting|beat|beats|beaten|beating|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|"
    r"chok(?:es|ed|ing)|strangl(?:es|ed|ing)|smack(?:s|ed|ing)?)"
)


@dataclass(frozen=True)
class _Rule:
    kind: CrisisKind
    name: str
    pattern: re.Pattern[str]
    # A topic noun ("harassment", "suicide") can also name a job, a course or a policy: see _names_a_job.
    topic: bool = False
    # A warning sign that is not always one ("tell my team I'm sorry"): the safety check, never more
    # on its own – the classifier can still make it the full response.
    weak: bool = False


def _rule(kind: CrisisKind, name: str, pattern: str, *, topic: bool = False, weak: bool = False) -> _Rule:
    return _Rule(kind, name, re.compile(pattern), topic, weak)


_S, _H, _A = CrisisKind.SELF_HARM, CrisisKind.HARASSMENT, CrisisKind.ABUSE

# The writer speaking of themselves: a topic noun in such a message may be their own ("my harassment complaint").
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|id|me|my|myself|mine)\b|我")

# A means of self-harm, as people recovering from it name it ("cut" alone is a price or a pay cut).
_MEANS = r"\b(?:razors?|blades?|cutting|cut (?:myself|again|deeper|my)|burn(?:ed|t|ing)? myself|pills|sh)\b"

_RULES: tuple[_Rule, ...] = (
    # -- self-harm ------------------------------------------------------------------------------
    _rule(_S, "kill_myself", rf"\bkill(?:s|ed|ing)?[\s-]*{_MYSELF}\b"),
    # Misspelt the way people type it in a hurry ("sucidal", "suicde"), or in the words social media uses.
    _rule(_S, "suicide_misspelt", r"\b(?:su[iy]?[cs]{1,2}[iy]?de?s?|su[iy]?[cs]{1,2}[iy]?d(?:al|le|el|ally|ial)|"
                                  r"s[u0o]{1,2}[i1!][cs][i1!]d(?:e|al)|sewer ?slide|sooicide|suecide)\b", topic=True),
    _rule(_S, "unalive", r"\bunaliv(?:e|ed|ing)\b"),
    _rule(_S, "suicide", r"\bsuicid(?:e|es|al|ality|ally)\b", topic=True),
    _rule(_S, "self_harm", r"\bself[\s-]*(?:harm(?:s|ed|ing)?|injur(?:y|ies|e|ed|ing)|mutilat\w*)\b", topic=True),
    _rule(_S, "hurt_myself", rf"\b(?:hurt|hurts|hurting|harm|harms|harmed|harming|injur(?:e|ed|ing)|cut|cuts|cutting)"
                             rf"[\s-]*{_MYSELF}\b"),
    # "Relapsed" with a means of self-harm in the same message: the word recovery from self-harm uses.
    _rule(_S, "relapse_self_harm", rf"(?:^|\b(?:i|i'?ve|i have|i had a|had a|just)\s+)(?:\w+\s+)?relaps(?:e|ed|ing)\b(?=.*{_MEANS})|"
                                   rf"{_MEANS}(?=.*\b(?:i|i'?ve|i have|i had a|had a|just)\s+(?:\w+\s+)?relaps(?:e|ed|ing)\b)"),
    _rule(_S, "cut_body", r"\b(?:cut|cuts|cutting|slit|slitting) my (?:wrists?|arms?|legs?|thighs?|skin)\b"),
    _rule(_S, "hang_myself", rf"\b(?:hang|hanging|hanged|poison|poisoning|shoot|shooting|starve|starving)"
                             rf" {_MYSELF}\b"),
    _rule(_S, "overdose", r"\bover[\s-]?dos(?:e|es|ed|ing)\b", topic=True),
    _rule(_S, "jump_off", r"\b(?:jump(?:ing)?|throw(?:ing)? myself) (?:off|from) (?:a|the|this|that|my) "
                          r"(?:\w+ )?(?:bridge|building|roof|rooftop|cliff|balcony|tower|window)\b"),
    _rule(_S, "on_the_edge", r"\b(?:i'?m|i am|standing|sitting|stood|been standing|been sitting) (?:\w+ )?(?:on|at) the edge "
                             r"of (?:the |a |this )?(?:roof|rooftop|bridge|building|cliff|platform|ledge|balcony)\b|"
                             r"\b(?:i'?m|i am|standing|sitting) on (?:the|a) (?:ledge|roof|rooftop|bridge|railing)(?: right)? now\b"),
    _rule(_S, "in_front_of_train", r"\b(?:jump(?:ing)?|step(?:ping)?|throw(?:ing)? myself) in front of (?:a|the) "
                                   r"(?:train|bus|car|truck|lorry|subway|tube)\b"),
    _rule(_S, "want_to_die", r"\b(?:want(?:s|ed|ing)?|wanna|wish(?:ed|ing)?|ready|deserve|feel(?:ing)? like) "
                             r"(?:to |2 )?(?:just )?(?:die|dying|be dead)\b"),
    _rule(_S, "wish_dead", r"\bwish(?:ed|ing)? (?:that )?i (?:was dead|were dead|could (?:just )?die|"
                           r"(?:had|'d) never been born|was never born|didn'?t exist|(?:wasn'?t|weren'?t) alive)\b"),
    _rule(_S, "better_off_dead", r"\bbetter off (?:dead|without me|if i(?: was| were|'m| am) (?:dead|gone)|"
                                 r"if i(?: wasn'?t| weren'?t) (?:here|around|alive))\b"),
    _rule(_S, "not_want_to_live", rf"\b{_NOT} (?:\w+ )?(?:want to|wanna|wish to) (?:live|be alive|exist|wake up)\b"),
    # Decided: fires alone; "... anymore at this company" (job context right after) is vetoed below.
    _rule(_S, "not_want_to_be_here", rf"\b{_NOT} (?:\w+ )?(?:want to|wanna) be here any ?(?:more|longer)\b"),
    _rule(_S, "end_my_life", r"\b(?:end|ends|ended|ending|take|takes|taking|took) my (?:own )?life\b"),
    _rule(_S, "end_it_all", r"\bend(?:s|ed|ing)? it all\b"),
    _rule(_S, "no_reason_to_live", r"\b(?:no|any) (?:reason|point|purpose) (?:to|in|of|for) (?:keep(?:ing)? (?:going|living)|"
                                   r"stay(?:ing)? alive|wak(?:e|ing) up|liv(?:e|ing)|"
                                   r"go(?:ing)? on|be(?:ing)? alive|carry(?:ing)? on|(?:my )?life)\b"),
    _rule(_S, "nothing_to_live_for", r"\bnothing (?:left )?to live for\b"),
    _rule(_S, "not_worth_living", r"\b(?:not|isn'?t|is not|no longer) worth (?:living|being alive)\b"),
    _rule(_S, "point_of_living", r"\bwhat'?s the point (?:of|in) (?:living|life|being alive|going on|carrying on)\b"),
    # Calling a crisis line is a crisis; working on one is a job (see _names_a_job).
    _rule(_S, "called_crisis_line", r"\b(?:call|called|calling|rang|ring|phoned|phone|texted|text|contacted) (?:a|the) "
                                    r"(?:suicide|crisis|samaritans) ?(?:hot|help|life)?line\b"),
    # Distress rather than a plan, and often about a job: a false alarm here is the accepted cost.
    _rule(_S, "cant_go_on", rf"\b{_CANT} (?:go|keep going|carry) on\b"),
    _rule(_S, "cant_take_it", rf"\b{_CANT} (?:take|bear|cope with|handle) (?:it|this|life) (?:any ?more|any longer)\b"),
    _rule(_S, "cant_cope", rf"\b{_CANT} cope (?:any ?more|any longer)\b"),
    _rule(_S, "cant_live", rf"\b{_CANT} (?:keep |go on |carry on )?liv(?:e|ing) (?:like this|like that|any ?more|any longer|with (?:myself|this pain))\b"),
    # Indirect but clear: wanting to disappear, being a burden, a plan, a goodbye.
    _rule(_S, "disappear_forever", r"\b(?:want|wish|wanna|going|gonna) (?:to )?(?:just )?(?:disappear|vanish|fade away|"
                                   r"go to sleep|sleep) (?:forever|for good|and never (?:wake up|come back))\b"),
    _rule(_S, "never_wake_up", r"\b(?:not|never|don'?t|didn'?t|wouldn'?t) (?:\w+ )?wake up (?:again|tomorrow|any ?more)\b|"
                               r"\bhope (?:that )?i (?:don'?t|do not|never) wake up\b"),
    _rule(_S, "nobody_would_miss_me", r"\b(?:no ?one|nobody|no-one) (?:would|will|'d|is going to|'s going to) "
                                      r"(?:even )?(?:miss|notice|care about) me\b|"
                                      r"\b(?:no ?one|nobody|no-one) would (?:even )?(?:notice|care) if i (?:was|were|'m) gone\b"),
    _rule(_S, "better_without_me", r"\b(?:everyone|everybody|my (?:family|kids|children|wife|husband|partner)|they|"
                                   r"the world|people) (?:would|will|'d) be (?:so )?(?:much )?better(?: off)? without me\b"),
    _rule(_S, "burden", r"\b(?:i'?m|i am|i feel like|feel like) (?:\w+ )?(?:just )?a burden (?:to|on) (?:everyone|everybody|"
                        r"my family|them|people|the world)\b"),
    _rule(_S, "end_things", r"\b(?:end|ending|ended) (?:things|everything|my suffering|the pain|my pain)\b"),
    _rule(_S, "going_to_end_it", r"\b(?:think\w* (?:about|of)|want(?:s|ed)? to|going to|gonna|plan\w* to|might|"
                                 r"could just|tempted to|consider\w*|decided to|ready to) end(?:ing)? it\b"),
    _rule(_S, "plan_to_die", r"\b(?:plan|planning|planned|researching|looked up|googl\w+) (?:how )?to (?:die|kill|end my)\b|"
                             r"\b(?:ways|how) to (?:kill (?:myself|yourself)|end (?:my|your) life|die painlessly)\b"),
    _rule(_S, "pills", r"(?<!stop )(?<!stops )(?<!stopped )(?<!forget )(?<!forgot )(?<!forgetting )\b(?:took|take|taking|swallow(?:ed|ing)?|stockpil\w+|saving up|collecting|hoarding) "
                       r"(?:all |every one of )?(?:my |the |a bunch of |a lot of |too many |enough )?"
                       r"(?:pills|tablets|sleeping pills|painkillers|meds)(?! (?:for|as|on|with|after|before|every|each|daily|at))\b"),
    _rule(_S, "goodbye_note", r"\b(?:writ(?:e|ing|ten)|wrote|left|leaving|drafted) (?:a |my )?(?:suicide|goodbye|farewell) "
                              r"(?:note|letter)s?\b(?! (?:to|for) (?:my|the|our) (?:team|colleagues|coworkers|co-workers|"
                              r"company|boss|manager|clients?))"),
    _rule(_S, "not_around_much_longer", r"(?:^|\bi\s+|\bi'?m\s+)(?:won'?t|will not|not going to) be (?:here|around|alive) (?:much longer|"
                                        r"for (?:much )?longer|tomorrow|next week|by)\b"),
    _rule(_S, "not_a_problem_much_longer", r"\bi (?:won'?t|will not|am not going to|'?m not going to) be (?:a |your |anyone'?s )?(?:problem|burden|bother|"
                                           r"nuisance|worry) (?:\w+ ){0,3}(?:much|any) longer\b"),
    _rule(_S, "tired_of_living", r"\b(?:tired|sick|weary) of (?:living|being alive|life itself|my life|existing|"
                                 r"waking up)\b(?! (?:in|at|with|out of|paycheck|pay ?check|from|on|like) )"),
    _rule(_S, "life_pointless", r"\b(?:my )?life (?:is|feels|seems) (?:completely |totally |so )?(?:pointless|meaningless|"
                                r"not worth (?:it|living))\b"),
    _rule(_S, "only_way_out", r"\b(?:only|one|last|best|easiest) (?:way out|escape|option|solution|answer) (?:left )?"
                              r"(?:is|would be|seems|is just) (?:to )?(?:just )?(?:die|dying|death|suicide|killing myself|"
                              r"end(?:ing)? (?:it|my life|everything))\b"),
    # Chat shorthand for "kill myself"; kilometres ("a 30 kms commute") are vetoed below.
    _rule(_S, "kms", r"\bkms\b"),
    _rule(_S, "no_way_out", r"\b(?:see|there'?s|there is|is) no way out\b|\b(?:can'?t|cannot|don'?t) see (?:a|any) way out\b"),
    _rule(_S, "hurt_myself_want", r"\b(?:urge|urges|tempted|want|wanting) to (?:hurt|harm|cut|punish) (?:myself|me)\b"),
    # Warning signs as grammar rather than phrases: a plan with a means, a dangerous place now,
    # the means counted, voices that command, hoping it ends one.
    _rule(_S, "plan_to_overdose", r"\b(?:plan\w*|going|gonna|about|ready|decided|want|wanna|tempted|thinking) "
                                  r"(?:to |2 |of |about )?(?:od|o\.d\.?|od'?ing|overdos(?:e|ing))\b"),
    _rule(_S, "at_a_drop_now", r"\b(?:i'?m|i am|im|sitting|standing) (?:\w+ ){0,2}(?:on|at|up on) (?:the|a|this|our) "
                               r"(?:\w+ ){0,3}?(?:roof|rooftop|ledge|bridge|railing|cliff|edge|balcony|platform|tracks)\b"
                               # the place itself, not "the bridge project" or "the platform team"
                               r"(?=\s*(?:[,.!?;]|$|(?:of|right|now|rn|tonight|at|in|near|and|again|alone)\b))"
                               r"(?=.{0,60}\b(?:right now|rn|now|tonight)\b)"),
    _rule(_S, "counting_the_means", r"\bhow many (?:of (?:my|her|his|the|these) )?(?:\w+ )?(?:pills|tablets|pens|insulin|"
                                    r"antidepressants|paracetamol|painkillers|sleeping pills|units|meds)\b.{0,40}"
                                    r"\b(?:take|enough|kill|die|fatal|lethal|end)\b|"
                                    r"\b(?:which|what) (?:of (?:the|my) )?(?:meds|pills|tablets|drugs|medicines?)\b.{0,30}\b(?:would|will|could) "
                                    r"(?:do it|do the job|be enough|kill|work)\b|"
                                    r"\b(?:took|take|taking|swallow\w*) all (?:of )?(?:my|her|his|the|these) "
                                    r"(?:\w+ )?(?:pills|tablets|meds|antidepressants|painkillers|insulin)\b"),
    _rule(_S, "commanding_voices", r"\bvoices? (?:\w+ ){0,3}(?:keeps? |kept )?(?:tell|tells|telling|told|say|says|saying|said) "
                                   r"(?:me )?(?:to|i should|i must|that i should) (?:\w+ )?(?:jump|die|kill|hurt|cut|end|"
                                   r"hang|drown|step)\b"),
    _rule(_S, "hope_it_ends_me", r"\bhope (?:it|this|that|they|the \w+) (?:finish(?:es)?|kills?|ends?) me\b"),
    _rule(_S, "wont_last", r"\b(?:don'?t think|not sure|doubt) (?:that )?i'?(?:ll| will| can| could)? (?:last|make it|survive|hold on) "
                           r"(?:\w+ ){0,2}(?:days?|nights?|the (?:week|weekend|night)|tonight|till|until|much longer|another)\b"),
    _rule(_S, "not_around_for_long", r"\b(?:don'?t|do not) (?:plan|intend|expect) (?:on |to )?(?:being|be) (?:here|around|alive) "
                                     r"(?:much |for )?(?:longer|long)\b|(?:^|\bi\s+)(?:won'?t|will not) be (?:around|alive) (?:much )?(?:longer|for long)\b"),
    _rule(_S, "until_it_bleeds", r"\b(?:scratch|pick|claw|bite|cut|burn|bang|hit|punch)\w* (?:at )?(?:my|myself)\b(?: \w+){0,3} "
                                 r"until (?:they|it|i|my \w+|the skin) (?:bleed|bleeds|bled|bruise|bruises|bruised|hurts?|breaks?)\b"),
    # A goodbye to the team or a last conversation: weak, people leave jobs with kind words too.
    _rule(_S, "goodbye_to_people", r"\b(?:tell|let) (?:my|the|our) (?:team|family|kids|children|wife|husband|partner|mum|mom|"
                                   r"dad|parents|sister|brother|friends) (?:know )?(?:that )?(?:i'?m sorry|i am sorry|"
                                   r"i tried|i love them|it'?s not their fault)\b|"
                                   r"\b(?:my last (?:conversation|night)|before (?:the end|i go for good|i'?m gone|"
                                   r"i am gone))\b(?! of)|\bif i'?m? (?:am )?(?:still )?(?:here|around|alive) (?:by|then|in|next)\b|"
                                   r"\bif i (?:still|even) (?:here|around|alive|make it)\b", weak=True),
    _rule(_S, "zh_suicide", r"自杀|轻生|自尽|寻死", topic=True),
    _rule(_S, "zh_self_harm", r"自残|自伤|割腕", topic=True),
    _rule(_S, "zh_want_to_die", r"想死|好想去死|想去死"),
    _rule(_S, "zh_not_want_to_live", r"不想活|活不下去|活着没(?:有)?意思|结束(?:自己的|我的)?生命"),
    _rule(_S, "zh_cant_go_on", r"撑不下去|熬不下去"),
    _rule(_S, "zh_jump", r"跳楼|跳河|跳桥|从(?:楼|楼上|楼顶|天台|阳台|桥|桥上|窗户|窗口)\S{0,3}跳"),
    # "I don't want to go on", "end all this", "tired of being alive", "better off without me".
    _rule(_S, "zh_cant_go_on_more", r"不想(?:再)?(?:继续)?(?:活|撑|坚持|熬)下去|不想(?:再)?继续下去|不想(?:再)?存在"),
    _rule(_S, "zh_end_it_all", r"结束(?:这)?一切|了结(?:自己|一切|生命)|一了百了"),
    _rule(_S, "zh_tired_of_living", r"活着(?:好|很|真|太|真的|实在)?(?:累|痛苦|没意思|没意义)"),
    _rule(_S, "zh_burden", r"没有我(?:\S{0,3})?(?:更好|会更好|过得更好)|(?:我|自己)(?:就)?是(?:个|一个)?(?:累赘|负担)"),
    _rule(_S, "zh_hurt_myself", r"(?:割|划|伤害|弄伤|伤)(?:了)?(?:我)?自己"),
    _rule(_S, "zh_pills", r"(?:吃|吞|囤|攒)(?:了)?(?:很多|一大把|一把|一瓶|好多|整瓶|大量|所有的?)(?:的)?(?:安眠药|药片|药)|"
                          r"(?:吃|吞|囤|攒)(?:了)?(?:很多|一些|好多)?安眠药"),
    # Other languages the workforce may write in: the core phrases only, a person in danger may not write English.
    _rule(_S, "es_pt_it_want_to_die", r"\b(?:quiero|quisiera|deseo|ganas de|quero|voglio) (?:morir(?:me)?|morrer|morire|"
                                      r"matarme|suicidarme|me matar|uccidermi|ammazzarmi)\b|"
                                      r"\b(?:me quiero|mi voglio|me quero) (?:matar|morir|suicidar|uccidere|ammazzare)\b|"
                                      r"\bsuicid(?:arme|io|ar-me|armi)\b|\bsuic[ií]dio\b|\bquitarme la vida\b|"
                                      r"\b(?:no|não|nao|non) (?:quiero|quero|voglio) (?:seguir |continuar a |più |mais )?"
                                      r"(?:vivir|viver|vivere)\b"),
    _rule(_S, "fr_want_to_die", r"\bje (?:veux|voudrais|vais) (?:mourir|me tuer|me suicider|en finir)\b|"
                                r"\bje ne veux plus vivre\b|\bmettre fin à (?:mes jours|ma vie)\b|\bme suicider\b"),
    _rule(_S, "de_want_to_die", r"\bich (?:will|möchte|moechte|wünschte|werde) (?:\w+ )?(?:sterben|tot sein|mich umbringen|"
                                r"mich töten|nicht mehr leben)\b|\b(?:selbstmord|suizid)\w*\b|\bmich umbringen\b|"
                                r"\bnicht mehr leben\b"),
    _rule(_S, "hi_want_to_die", r"\b(?:marna|mar jaana|mar jana|marne ka) (?:chaht[aie]|chahat[aie]|man)\w*\b|"
                                r"\bjeena nahi?n? (?:hai|chaht\w+)\b|\b(?:aatmahatya|atmahatya|khudkushi)\b|"
                                r"मरना चाहत|आत्महत्या|खुदकुशी|जीना नहीं"),
    _rule(_S, "ja_ko_want_to_die", r"死にたい|自殺|消えたい|자살|죽고 ?싶"),
    # -- abuse ----------------------------------------------------------------------------------
    _rule(_A, "domestic_violence", r"\b(?:domestic|family|intimate[\s-]partner|partner|relationship|sexual|physical)"
                                   r"[\s-]+(?:violence|abuse)\b", topic=True),
    _rule(_A, "kind_of_abuse", r"\b(?:child|emotional|verbal|psychological|elder|spousal|financial|"
                               r"narcissistic)[\s-]+abuse\b", topic=True),
    _rule(_A, "being_abused", rf"\b{_BE} (?:\w+ ){{0,2}}?(?:abused|molested|raped|assaulted|beaten up|beat up)\b", topic=True),
    _rule(_A, "abuses_me", r"\b(?:abus(?:es|ed|ing)|molest(?:s|ed|ing)?|rap(?:es|ed|ing)|assault(?:s|ed|ing)?) "
                           r"(?:me|us|my (?:child|children|kids?|son|daughter|mother|mom|mum|sister|brother))\b"),
    _rule(_A, "abusive_person", rf"\babusive (?:\w+ )?(?:relationship|marriage|home|household|{_PERSON})\b"),
    # A person who is abusive; "these working hours are abusive" is a complaint about the job.
    _rule(_A, "is_abusive", rf"\b(?:he|she|they|{_PERSON})(?:'s| is| was| are| were| has been| have been| gets| got| "
                            rf"became| can be)(?: so| very| really| verbally| physically| emotionally| sexually)* "
                            rf"abusive\b"),
    _rule(_A, "abuse_at_home", rf"\babuse (?:at home|from (?:my|his|her) {_PERSON}|by (?:my|his|her) {_PERSON})\b"),
    _rule(_A, "sexual_assault", r"\b(?:sexual(?:ly)?|physical(?:ly)?|violent(?:ly)?)[\s-]+(?:assault(?:s|ed)?|"
                                r"attack(?:s|ed)?)\b", topic=True),
    _rule(_A, "rape", r"\b(?:rape|rapes|raped|rapist|molestation)\b", topic=True),
    _rule(_A, "hits_me", rf"\b(?:he|she|they|my (?:\w+ )?{_PERSON})(?:'s|'d|'ve)?(?: {_OFTEN})* {_HIT} me\b"),
    _rule(_A, "hurts_me_at_home", rf"\bmy (?:\w+ )?{_HOME}(?:'s|'d|'ve)?(?: {_OFTEN})* (?:hurt|hurts|hurting|abus\w+|"
                                  rf"threaten\w*|rap(?:es|ed)|chok\w+) (?:me|us)\b"),
    _rule(_A, "says_will_kill_me", r"\b(?:says?|said|told me|threaten\w*|swore|swears) (?:that )?(?:he|she|they)"
                                   r"(?:'ll|'d| will| would| is going to| was going to| are going to| were going to|"
                                   r" gonna)(?: \w+)? (?:kill|hurt|beat|hit|stab|shoot) (?:me|us|my)\b"),
    _rule(_A, "kill_me_if_i_leave", rf"\b(?:he|she|they|my (?:\w+ )?{_HOME})(?:'ll|'d| will| would| is going to| "
                                    rf"are going to| gonna) (?:\w+ )?(?:kill|hurt|beat) (?:me|us) if i (?:leave|tell|"
                                    rf"report|go to the police|call the police|speak up|talk)\b"),
    _rule(_A, "forced_sex", r"\bforced (?:himself|herself|themselves) on me\b|\bforced me (?:to|into) (?:have )?"
                            r"(?:sex|sexual|perform|do sexual)\w*"),
    _rule(_A, "hit_by_person", rf"\b{_BE} (?:hit|beaten|punched|kicked|slapped|choked|strangled|attacked) "
                               rf"by (?:my|his|her|their|a|the) (?:\w+ )?{_PERSON}\b"),
    # Only a person as the victim: "our servers were attacked" is a security story.
    _rule(_A, "attacked", r"\b(?:i|we)(?:'ve|'m|'re)?(?: \w+){0,2}? (?:was|were|been|got|get|getting|am|are) "
                          r"(?:physically |violently )?(?:attacked|mugged|stabbed)\b"),
    _rule(_A, "threat_of_violence", r"\bthreat(?:en|ens|ened|ening)? (?:me |us )?(?:to (?:kill|hurt|hit|beat|stab|"
                                    r"shoot|rape|harm|attack|strangle) (?:me|us|my|him|her|you)|with (?:a |an )?"
                                    r"(?:knife|gun|weapon|violence))\b"),
    _rule(_A, "death_threats", r"\b(?:death|rape) threats?\b"),
    _rule(_A, "afraid_at_home", r"\b(?:afraid|scared|frightened|terrified) (?:of (?:my )?(?:partner|husband|wife|"
                                r"boyfriend|girlfriend|spouse|ex)|to go (?:back )?home)\b"),
    _rule(_A, "other_languages_hits_me", r"\bme (?:pega|golpea|maltrata|viola|bate|frappe|bat|viole)\b|\bmi picchia\b|"
                                         r"\b(?:schlägt|schlaegt|vergewaltigt) mich\b|\bviolencia (?:doméstica|domestica|de "
                                         r"género|de genero|intrafamiliar)\b|\bviolences? conjugales?\b|\bhäusliche gewalt\b|"
                                         r"\bviolência doméstica\b|\bviolenza domestica\b|\bघरेलू हिंसा\b"),
    _rule(_A, "zh_domestic_violence", r"家暴|家庭暴力", topic=True),
    # 被打 only when nothing follows that makes another word: 被打断 (interrupted), 被打扰 (disturbed)...
    _rule(_A, "zh_beaten", rf"(?:被|挨)(?:{_ZH_PERSON})?(?:殴)?打(?:伤|过|得|骂|哭|残|$|\s|"
                           rf"了(?!\S{{0,3}}(?:分|折|叉|勾|回|卡|电话|针|包|招呼)))|挨打|殴打|暴打|"
                           rf"{_ZH_PERSON}(?:经常|总是|又|一直|天天|常常|动手)?打(?:了)?我(?!电话|手机|的)"),
    _rule(_A, "zh_threat_to_kill", r"(?:威胁|扬言|说)(?:\S{0,2})?(?:要|会)?(?:杀|打死|弄死|砍)(?:了)?(?:我|我们|孩子)"),
    _rule(_A, "zh_abused", r"被虐待|虐待我|性侵|强奸|猥亵", topic=True),
    # -- harassment -----------------------------------------------------------------------------
    _rule(_H, "harassment", r"\bharassment\b", topic=True),
    # A threat of violence at work, whoever makes it: "said he'd bring a gun in if the layoffs go ahead".
    _rule(_H, "weapon_threat", r"(?:\b(?:threaten\w*|said|says|saying|going to|gonna|will|would|might|could)|'d|'ll)\b.{0,25}?"
                               r"\b(?:bring|brings|bringing|bringin|take|taking) (?:a |his |her |their |my )?"
                               r"(?:gun|guns|knife|knives|weapon|weapons|rifle|bomb) (?:in|into|to (?:work|the office|the site))\b(?! for)"),
    # The verb only with the person as its object: "how to follow up without harassing the recruiter" is advice.
    # Not "I'm so harassed this week" (British for hassled): harassed by someone, somewhere, or sexually.
    _rule(_H, "harassed", rf"\b(?:harass(?:es|ed|ing)? (?:me|us)|(?:being|been|getting|get|got|was|were) "
                          rf"(?:\w+ )?harassed|(?:{_BE}|feel|feels|felt|feeling) (?:\w+ )?harassed "
                          rf"(?:by|at|in|on|online|daily|every|constantly|because|for)|sexually harassed|"
                          rf"keeps? harassing|harassing (?:messages|calls|emails|e-mails|texts|comments|"
                          rf"behaviou?r))\b"),
    # "my harasser" is the writer's; "I interview complainants and alleged harassers" is casework
    _rule(_H, "harasser", r"\bharassers?\b", topic=True),
    _rule(_H, "bullying", r"\bbullying\b", topic=True),
    _rule(_H, "bullied", r"\b(?:bullied|bull(?:y|ies) (?:me|us)|bullies|(?:picked|ganged) (?:on|up on)|singled out and|"
                         r"(?:pick(?:s|ing)?|gang(?:s|ing)? up) on me|(?:is|'s|are|was|were) (?:a|such a|the) "
                         r"(?:\w+ )?bully)\b"),
    # Habitual shouting and name-calling is bullying; one raised voice is not named here.
    _rule(_H, "yells_at_me", r"\b(?:always|constantly|keeps?|kept|every day|daily) (?:scream|yell|shout|swear)\w* "
                             r"at (?:me|us)\b|\bcall(?:s|ed|ing)? me (?:names|a (?:\w+ )?(?:slur|bitch|whore|slut))\b|"
                             r"\bname[\s-]calling\b"),
    _rule(_H, "mobbing", r"\bmobbing\b", topic=True),
    # Not the bare verb: a hiring manager asks how not to "discriminate against candidates".
    _rule(_H, "discriminated", rf"\b(?:{_BE}|feel|feels|felt) (?:\w+ )?discriminated against|\bdiscriminated against "
                               rf"because\b|\bdiscriminat(?:e|es|ed|ing) against (?:me|us)\b"),
    # "Age discrimination in tech hiring" alone is a fair career question: the person must be facing it.
    _rule(_H, "discrimination", r"\b(?:fac(?:e|es|ed|ing)|experienc(?:e|es|ed|ing)|suffer(?:s|ed|ing)?|"
                                r"endur(?:e|ed|ing)|subjected to|victim of|target of|because of|due to|there is|"
                                r"there's) (?:\w+ ){0,2}?discrimination\b|\bdiscrimination (?:at|in) (?:work|my|our|"
                                r"the (?:office|team|workplace))\b", topic=True),
    # Hostility aimed at who one is: "they mock me because I'm gay". Unequal treatment without it ("passed over
    # because I'm a woman") is the discrimination topic, whose answer leads to HR and a counselor.
    _rule(_H, "hostile_because", r"\b(?:mock(?:s|ed|ing)? (?:me|us)|made fun of|mak(?:e|es|ing) fun of (?:me|us)|laugh(?:s|ed|ing)? at "
                                 r"(?:me|us)|insult(?:s|ed|ing)? (?:me|us)|harass(?:es|ed|ing)? (?:me|us)|humiliat(?:e|es|ed|ing) "
                                 r"(?:me|us)|picked on|pick(?:s|ing)? on (?:me|us)|call(?:s|ed|ing)? (?:me|us) names|"
                                 r"target(?:s|ed|ing)? (?:me|us)|threaten(?:s|ed|ing)? (?:me|us)) (?:\w+ ){0,4}?(?:because|just because|"
                                 r"since|for being|due to|for) (?:of )?(?:my|i'?m|i am|i was|being|i have|i wear)"
                                 r" (?:a |an )?(?:race|skin|colou?r|ethnicity|ethnic|religion|religious|faith|gender|"
                                 r"sex|sexuality|sexual orientation|orientation|age|disabilit\w*|disabled|pregnan\w*|"
                                 r"accent|nationality|origin|gay|lesbian|bi|bisexual|trans|transgender|queer|muslim|"
                                 r"jewish|christian|hindu|sikh|black|asian|brown|latin[aox]|hispanic|immigrant|foreign|"
                                 r"a woman|female|old|older|autis\w+|adhd|hijab|headscarf|turban|wheelchair|name|caste|"
                                 r"stammer|stutter|weight|body|looks)\b"),
    _rule(_H, "sexual_misconduct", r"\b(?:sexual(?:ly)?|racist|sexist|homophobic|transphobic|lewd) (?:\w+ )?"
                                   r"(?:comments?|remarks?|jokes?|advances?|touch\w*|messages?|photos?|pictures?|"
                                   r"texts?|slurs?|names|favou?rs|innuendos?|contact|behaviou?r|language|abuse)\b"),
    # "Unwanted messages" alone is recruiter spam: these words only with advances, touching, attention.
    _rule(_H, "unwanted_advances", r"\b(?:unwanted|unwelcome|inappropriate) (?:\w+ )?(?:advances?|touch\w*|sexual \w+|"
                                   r"physical contact|comments? about my (?:body|looks|appearance|weight|figure))\b|"
                                   r"\binappropriate (?:comments|remarks|messages|texts|photos|pictures)\b"),
    _rule(_H, "touched_me", r"\b(?:touch(?:es|ed|ing)? me (?:\w+ )?(?:inappropriately|without (?:my )?consent|"
                            r"against my will)|inappropriate(?:ly)? touch\w*|grop(?:e|es|ed|ing))\b"),
    _rule(_H, "without_consent", r"\b(?:kiss|touch|grab|grop|hug|fondl|undress|film|photograph|record)\w* me "
                                 r"(?:\w+ ){0,2}?(?:without (?:my )?consent|against my will)\b"),
    _rule(_H, "hitting_on_me", r"\bhit(?:s|ting)? on me\b"),
    _rule(_H, "slur", r"\b(?:racial|ethnic|homophobic|sexist) slurs?\b"),
    # "Threatens to" only with what a person threatens: "AI threatens to replace us" is a career question.
    _rule(_H, "threatened_me", r"\bthreat(?:en|ens|ened|ening) (?:me|us)\b|\bthreat(?:en|ens|ened|ening) to "
                               r"(?:fire|sack|report|sue|expose|ruin|demote|dismiss|punish|destroy|get rid of|out|dox|"
                               r"doxx|leak|blackmail|humiliate|embarrass|ban|block|transfer) (?:\w+ ){0,2}?(?:me|us)\b|"
                               r"\bthreatening (?:messages|emails|e-mails|texts|calls|letters|notes|voicemails|"
                               r"behaviou?r|comments)\b"),
    _rule(_H, "feel_threatened", rf"\b(?:feel|feels|felt|feeling) (?:\w+ )?(?:threatened|unsafe) "
                                 rf"(?:by|around|with|near) (?:my|a|the|his|her|our|this|that) (?:\w+ )?{_PERSON}\b"),
    _rule(_H, "stalked", r"\b(?:stalk(?:s|ed|ing)? (?:me|us)|(?:being|been|was|am|'m) stalked|(?:a|my) stalker)\b"),
    _rule(_H, "hostile_environment", r"\bhostile (?:work|working|workplace) environment\b"),
    _rule(_H, "retaliation", r"\bretaliat(?:e|es|ed|ing) against (?:me|us)\b"),
    _rule(_H, "touches_me", r"\b(?:keeps?|kept|always|constantly|keep on|won'?t stop|doesn'?t stop) touch(?:ing|es)? me\b|"
                            r"\btouch(?:es|ed|ing) my (?:body|breasts?|chest|bum|butt|ass|backside|legs?|thighs?|waist|hips?|"
                            r"hair|face|neck)\b"),
    _rule(_H, "sexual_requests", r"\b(?:asks?|asked|asking|pressur\w+|demand\w*|want(?:s|ed)?|expects?) (?:me )?(?:for|into|to "
                                 r"(?:have|send)) (?:sex|sexual favou?rs|favou?rs in return|nudes|naked (?:pictures|photos))\b"),
    _rule(_H, "explicit_material", r"\b(?:sends?|sent|sending|show(?:s|ed)?|forward\w*) (?:me )?(?:\w+ )?(?:explicit|dirty|"
                                   r"nude|naked|porn\w*|obscene) (?:photos?|pictures?|pics|images?|messages?|texts?|videos?|"
                                   r"content|jokes)\b"),
    _rule(_H, "followed_me", r"\bfollow(?:s|ed|ing)? me (?:home|to my car|to the car park|to the parking lot|around|"
                             r"after work|into the)\b"),
    _rule(_H, "grabbed_me", r"\b(?:grab(?:s|bed|bing)?|pinch(?:es|ed|ing)?|shov(?:es|ed|ing)|spat on|spits? on|cornered|"
                            r"blocked the door|locked me in) (?:me|my)\b"),
    _rule(_H, "afraid_of_colleague", r"\b(?:afraid|scared|terrified|frightened) of (?:my|our|the|this) (?:\w+ )?(?:boss|manager|"
                                     r"supervisor|colleague|coworker|co-worker|team lead|director|client)\b|"
                                     r"\b(?:feel|felt|am|'m|don'?t feel|do not feel) (?:\w+ )?(?:unsafe|not safe) "
                                     r"(?:at work|at the office|in the office|on site|on shift)\b|"
                                     r"\b(?:don'?t|do not|no longer|never) feel safe (?:at work|at the office|in the office|"
                                     r"on site|on shift|around (?:him|her|them|my))\b"),
    _rule(_H, "intimidates_me", r"\bintimidat(?:es|ed|ing) me (?:at work|every|daily|constantly|into)\b|"
                                r"\b(?:keeps?|always) intimidating me\b"),
    _rule(_H, "slur_word", r"\bcall(?:s|ed|ing)? me (?:the |an? )?[a-z]-word\b|\b(?:racist|racial|homophobic|sexist) "
                           r"(?:insults?|abuse|names|harassment|bullying)\b"),
    _rule(_H, "other_languages_harassment", r"\b(?:acoso|acosa|acosado|acosada|acosando|harcèlement|harcelement|"
                                            r"harcel[ée]e?|harc[eè]le|ass[eé]dio|assediad[ao]|molestie|molestat[ao]|"
                                            r"belästigt|belaestigt|belästigung|belaestigung|gemobbt|mobbt)\b"),
    _rule(_H, "zh_sexual_harassment", r"性骚扰", topic=True),
    _rule(_H, "zh_harassment", r"骚扰", topic=True),
    _rule(_H, "zh_bullying", r"霸凌|被\S{0,4}?(?:欺负|排挤|pua)|(?:欺负|排挤|pua)我", topic=True),
    _rule(_H, "zh_discrimination", r"被歧视|歧视我|受到(?:\S{0,4})?歧视|遭(?:受|到)(?:\S{0,4})?歧视"),
    _rule(_H, "zh_threatened", r"威胁我|被威胁|恐吓我|被恐吓"),
    _rule(_H, "zh_groping", r"动手动脚|摸我|对我毛手毛脚|毛手毛脚"),
    _rule(_H, "zh_humiliated", r"(?:羞辱|辱骂|侮辱)(?:了)?我|被(?:\S{0,4})?(?:羞辱|辱骂|侮辱)"),
)

# Idioms and senses the rules above would otherwise catch. A hit overlapping one of these is dropped.
_VETOES = re.compile(
    "|".join(
        (
            # the word itself, denied or quoted from a label: "i never said harassment", "it says harassment"
            r"\b(?:never|didn'?t|did not|don'?t|do not|haven'?t|have not) (?:even |ever )?(?:say|said|mention(?:ed)?|write|wrote|type|typed|"
            r"talk(?:ed)? about|report(?:ed)?|claim(?:ed)?)\s+(?:anything (?:about|of) |any )?['\"‘“]?(?:harassment|harassed|bullying|"
            r"bullied|abuse|abused|suicide|suicidal|self[\s-]?harm|crisis|danger)\b",
            r"\b(?:it|that|this|the (?:case|copy|file|export|label|record|summary)) (?:says|said|shows|showed|lists|listed|marks?|marked|"
            r"calls?|called|is labell?ed|was labell?ed)\s+(?:it |me |this )?(?:as )?['\"‘“]?(?:harassment|bullying|abuse|suicide|"
            r"self[\s-]?harm|crisis)\b",
            r"\b(?:a|the) ['\"‘“]?(?:crisis|harassment)['\"”’]? (?:case|label|flag|tag|alert)\b",
            # the bot's own rule asked about: "an alert if someone is 'in danger'", "what counts as danger?"
            r"\b(?:alert|alarm|notif\w*|warn\w*|flag\w*)\b[^.?!]{0,20}\bif (?:someone|somebody|anyone|a person|people|you|i|they) "
            r"(?:is|are|was|were|am|seems?|might be) ['\"‘“]?in (?:danger|crisis)\b",
            r"['\"‘“](?:in danger|danger|crisis|harassment|self[\s-]?harm)['\"”’]",
            # said not to happen: "I'm not being harassed", "nobody is hurting me", "he never hit me"
            r"\b(?:not|never|n't|nobody|no one|no-one)\s+(?:(?:is|are|was|were|has|have|had|been|being|getting|got|ever|"
            r"really|actually)\s+){0,3}(?:harass|hurt|harm|abus|hit|threaten|bull|stalk|assault|touch|grop|beat|attack)\w*"
            r"(?:\s+(?:me|us))?\b",
            r"\b(?:career|professional|political|social|commercial|financial|reputational|corporate|electoral) "
            r"suicide\b",
            r"\bsuicide (?:mission|missions|squad|run|runs|drill|drills|doors?)\b",
            r"\bshoot(?:s|ing)? myself in the foot\b|\bstabbed in the back\b|\bshot down\b",
            r"\boverdos\w* on (?:coffee|caffeine|sugar|chocolate|meetings|work|information|content|news)\b",
            r"想死(?:你|您|他|她|它|我了|我们|了你)|不想死|不想活(?:在|成|得)|跳楼(?:价|甩卖|大甩卖|清仓|打折)",
            rf"\bcut(?:s|ting)? {_MYSELF} (?:some |a little |a bit of )?(?:slack|off|out|short|free|loose|a break|"
            rf"down)\b",
            r"\b(?:don'?t|do not|never|doesn'?t|wouldn'?t|won'?t|not|am not|'m not) (?:\w+ )?(?:want|wanna|wish|ready|"
            r"deserve)(?:s|ed)? (?:to )?(?:just )?(?:die|be dead)\b",  # "I don't want to die at my desk"
            r"\b(?:die|dying) (?:of|from) (?:boredom|embarrassment|laughing|laughter|shame|curiosity|excitement)\b",
            r"\bdie (?:happy|rich|old|peacefully|knowing|having|doing|with(?:out)? (?:no |any )?regrets?)\b",
            # Relocation and lifestyle: "I don't want to live in London", "... to live to work".
            rf"\b{_NOT} (?:\w+ )?(?:want to|wanna|wish to) live (?:in|at|on|near|nearer|closer|further|abroad|"
            rf"overseas|there|here|with|without|far|close|somewhere|anywhere|elsewhere|alone|paycheck|paycheque|as|"
            rf"off|for|to work|by|out|the|a|an|this far|so far|from)\b",
            r"\b(?:take|takes|taking|took) my (?:own )?life (?:in|into|to|back|forward|somewhere|seriously|"
            r"more seriously)\b",
            rf"\b{_CANT} go on (?:a|an|the|my|our|holiday|holidays|vacation|leave|parental|maternity|paternity|sick|"
            rf"strike|record|tour|trips?|courses?|business|dates?|interviews?|about|air|stage|camera|site|call|calls|"
            rf"shift|shifts|secondment|exchange|sabbatical|without (?:a|the|more))\b",
            r"\bhit(?:s|ting)? me (?:up|back)\b",
            # Hassled for work things: "sales harasses us for discounts every quarter end".
            r"\bharass(?:es|ed|ing)? (?:me|us) (?:for|about|over|to (?:send|sign|approve|finish|deliver|update|give)) "
            r"(?:a |an |the |more |our |my |their |some |those |these )?(?:\w+ )?(?:discounts?|updates?|reports?|numbers|"
            r"figures|sign-?offs?|approvals?|feedback|answers?|quotes?|deadlines?|invoices?|payments?|data|status|"
            r"tickets?|estimates?|budgets?|forecasts?|deliverables?|timesheets?|slides|decks?|specs?|deals?|"
            r"prices?|pricing|stock|orders?|samples?|refunds?|favou?rs? at work)\b",
            # "Hit me with a bad reference / more work": vetoed unless what follows is something to strike with.
            r"\bhit(?:s|ting)? me with (?!(?:a |an |the |his |her |their |some )?(?:\w+ )?(?:fists?|hands?|belts?|"
            r"sticks?|bats?|bottles?|shoes?|objects?|chairs?|phones?|books?|plates?|cups?|knives|knife|hammers?|"
            r"elbows?|knees?|head|palm|backhand|things)\b)",
            # Competition: "she beat me to the role".
            r"\b(?:beat|beats|beaten|beating) me (?:to|in|at|for|by|out of|on)\b",
            r"\bkick(?:s|ed|ing)? me (?:out|off)\b",
            r"\bwas abused\b(?= of)|\b(?:trust|system|process|power|position|privileges?|policy|account|goodwill|"
            r"generosity|flexibility) (?:was|is|has been|had been|is being|got|gets) abused\b",
            r"\bprice discrimination\b",
            r"\b\d+(?:[.,]\d+)?\s*kms\b|\bkms (?:away|from|to|of|per|a day|a week|each way|daily|drive|driving|walk|"
            r"commute|round trip|on|in|by)\b|\b(?:many|few|several|hundred|thousand|more|extra) kms\b",
            r"\bend(?:s|ed|ing)? it (?:with|there|here|now with|early|on a|off)\b",
            r"\bend(?:s|ed|ing)? things (?:with|on a|off)\b",
            r"\bno way out of (?:this|the|my|our|that) (?:\w+ )?(?:job|contract|company|role|deal|lease|meeting|project|"
            r"agreement|notice|situation at work|non-compete|clause)\b",
            # Verbal "attacks" in the daily work: "I got attacked in code review".
            r"\battacked (?:in|during|at|on|over|for) (?:the |a |my |our |this |that |today'?s |yesterday'?s )?"
            r"(?:code review|review|meeting|standup|stand-up|retro|retrospective|interview|presentation|e-?mail|slack|"
            r"teams|chat|comments?|call|pr|pull request|performance review|all-hands|thread|forum|twitter|linkedin)\b",
            r"\bend(?:s|ed|ing)? it all (?:with|at|in) (?:this|that|the|my|our) (?:company|job|firm|employer|team|role|"
            r"career|business|project)\b",
            rf"\b(?:hurt|hurting|harm|harming) {_MYSELF} (?:financially|professionally|career-wise|long-term|"
            rf"in (?:the )?(?:long run|interviews?))\b",
            rf"\bhang(?:s|ing|ed)? {_MYSELF} (?:out to dry|up)\b",
            # Job context right after "here": "I don't want to be here anymore at this company".
            r"\bhere (?:any ?more |any longer )?(?:at|in|on|with|working|doing|for)\b",
            r"\b(?:go(?:ing)?|carry(?:ing)?) on with (?:the|this|that|our|my|these|those) (?:\w+ )?(?:project|plan|job|"
            r"role|course|degree|application|process|interview|meeting|idea|career|company|team|work|programme|"
            r"program|training|tasks?|search)\b",
            r"\b(?:reason|point|purpose) (?:to|in|of|for) liv(?:e|ing) (?:in|at|near|abroad|overseas|here|there|close|"
            r"with|off)\b",
        )
    )
)

# Figures of speech that career talk borrows from crisis language: "I want to kill it at the interview",
# "this deadline is killing me", "I'm dying to try product work". No rule fires on them; when one is in a
# message and no rule fired, the classifier's crisis net stays quiet as well, since it hears the words,
# not the sense. Never a phrase that could also be meant ("I'd rather die than ..." is left to the net).
_FIGURES_OF_SPEECH = re.compile(
    r"\bkill(?:s|ed|ing)? it (?:at|in|on|during|with|today|tomorrow|this|next|out there)\b|\bkilling it\b(?! all)|"
    r"\b(?:is|are|was|were|'s|'re|been) (?:\w+ )?killing (?:me|us)\b(?! (?:if|when|unless))|"
    r"\b(?:i'?m|i am|was|been) dying (?:to (?:know|get|start|try|learn|see|hear|move|join|work|apply|ask|tell|go|"
    r"be a|become)|for (?:a|an|some|the) (?:coffee|break|holiday|vacation|weekend|change|promotion|raise|chance))\b|"
    r"\b(?:would|'d) (?:kill|die) for (?:a|an|that|this|the|some)\b|\bto die for\b|"
    # "worked to death", "bored to death", "beating myself up", "the commute is murder", "a killer app"
    # (not "scared to death", "sick to death": they can be meant, and the classifier hears those)
    r"\b(?:work(?:s|ed|ing)?|bored|overworked|flogged|nagged|talked|loved|done|analy[sz]ed|discussed) "
    r"(?:\w+ )?to death\b|"
    r"\b(?:beat(?:s|ing)?|beaten) (?:myself|yourself|ourselves|themselves) up\b|"
    r"\b(?:commute|drive|traffic|schedule|rota|shift pattern|workload|deadline|week|job|it)(?: \w+)?(?: is| was|'s) "
    r"(?:absolute |pure |sheer |just )?murder\b|"
    r"\bkiller (?:app|apps|feature|features|product|deal|deals|question|questions|instinct|combo|idea|ideas|"
    r"presentation|pitch|cv|resume|portfolio|team|skills?|closer|salesperson|salesman|saleswoman|negotiator|"
    r"recruiter|smile|portfolio)\b|"
    # "shooting myself in the foot", "stab you in the back", "bore me to death",
    # "a die-hard fan", "the restructure kills my role", "jump ship", "drowning in spreadsheets"
    r"\bshoot(?:s|ing)? (?:myself|yourself|ourselves|themselves|me|us) in the foot\b|"
    r"\bstab(?:s|bed|bing)? (?:you|me|us|people|someone|them|him|her|colleagues) in the back\b|"
    r"\b(?:bore|bores|boring|bored) (?:me|us|you|them|people)? ?to (?:death|tears)\b|\bdie[- ]hard\b|"
    r"\b(?:kill|kills|killed|killing) (?:my|the|our|their|his|her) (?:role|job|position|project|team|department|budget|"
    r"idea|plan|deal|momentum|career|chances?|promotion|motivation|productivity)\b|"
    r"\bjump(?:ing|ed)? ship\b|\btake (?:a|the) bullet for\b|\bpull(?:ed|ing)? the trigger on\b|"
    r"\bdrown(?:ing|ed)? in (?:emails?|e-mails?|work|paperwork|spreadsheets?|meetings?|admin|tickets|data|debt)\b"
)

# A topic noun followed by one of these names a job, a course or a policy ("suicide prevention specialist",
# "harassment training", "domestic violence advocate"). Missed-crisis cost: "harassment counseling" alone.
_TOPIC_LINK = (
    r"(?:and|or|&|/|-|anti|awareness|prevention|response|risk|assessment|ideation|intervention|crisis|first|aid|"
    r"mental|health|sexual|domestic|workplace|child|elder|substance|abuse|violence|harassment|bullying|"
    r"discrimination|assault|threats?|stalking|suicide|self-harm|self|harm|survivors?|victims?|support|case|cases|claims?|"
    r"compliance|investigations?)"
)
_JOB_WORD = (
    r"(?:prevention|preventing|counsel+ors?|counsel+ing|specialists?|investigators?|trainings?|trainers?|courses?|"
    r"class(?:es)?|workshops?|modules?|seminars?|webinars?|certifications?|certificates?|polic(?:y|ies)|awareness|"
    r"hotlines?|helplines?|lifelines?|advocates?|advocacy|officers?|coordinators?|researchers?|research|studies|"
    r"nurses?|therapists?|caseworkers?|case ?workers?|workers?|programs?|programmes?|services?|charit(?:y|ies)|"
    r"non-?profits?|ngos?|organi[sz]ations?|foundations?|laws?|lawyers?|attorneys?|legislation|handlers?|"
    r"teams?|units?|departments?|field|sector|consultants?|consultancy|experts?|educators?|education|"
    r"facilitators?|volunteers?|campaigns?|screening|protocols?|frameworks?|guidelines|free|"
    # figures and caseloads: "domestic abuse referrals have gone up", "overdose cases"
    r"investigations?|leave|referrals?|cases|case ?loads?|complaints|complainants|allegations|grievances|disclosures|statistics|stats|figures|numbers|data|trends?|reports|shelters?|"
    r"预防|防治|防范|干预|热线|培训|课程|政策|制度|法|专员|顾问|咨询|研究|宣传|讲座|社工|志愿|项目|电话|短信|邮件|广告)"
)
_END = rf"(?!{_WORD_NOT_CJK}|')"  # end of a Latin word; Chinese words run on without spaces
_AFTER_TOPIC = re.compile(rf"(?:\s*(?:{_TOPIC_LINK}){_END})*\s*[-/]?\s*{_JOB_WORD}{_END}")
_BEFORE_TOPIC = re.compile(
    r"(?:\banti\s*-?\s*|(?:反|防|防止|预防|杜绝|打击|反对)|"
    r"\b(?:investigat(?:e|es|ed|ing)|handl(?:e|es|ed|ing)|tackl(?:e|es|ed|ing)|deal(?:s|t|ing)? with|"
    r"(?:work(?:s|ed|ing)?|volunteer(?:s|ed|ing)?) (?:in|on|at|with|for|against|into)|"
    r"(?:career|job|role|specialis\w+|specializ\w+|degree|phd|masters?|thesis|dissertation|research(?:ed|ing)?|"
    r"study|studied|studying|expertise|background|experience|qualified|qualifications?|certified|trained|"
    r"training|teach(?:es|ing)?|taught|lectur\w+|courses?|modules?|campaign\w*|expert|specialist|advocate)"
    r"(?: is| was| are| were)? (?:in|on|into|about|against)) (?:(?:the|a|an) )?"
    rf"(?:(?:field|area|sector|topic|subject|issue)s? of )?(?:{_TOPIC_LINK} )*|"
    # a trend in society or at work, said of other people: "people talk more openly about suicide now"
    r"\b(?:people|society|everyone|everybody|students|pupils|kids|young people|teens|employees|staff|colleagues|"
    r"patients|clients|customers|men|women|parents|the media|companies|employers|workplaces) (?:\w+ ){0,3}"
    r"(?:talk|talks|talking|speak|speaks|speaking|open up|opening up|learn|learning|know) (?:\w+ ){0,4}about "
    rf"(?:{_TOPIC_LINK} )*|"
    r"\b(?:referrals?|cases|calls|reports|statistics|stats|figures|numbers|funding|services?|shelters?|charit(?:y|ies)|"
    r"helplines?|hotlines?|policy|policies|training|awareness) (?:for|of|on|about|related to|linked to) "
    rf"(?:{_TOPIC_LINK} )*)$"
)


def _names_a_job(text: str, start: int, end: int) -> bool:
    """True when the topic noun at text[start:end] names an occupation, a course or a policy."""
    return bool(_AFTER_TOPIC.match(text, end) or _BEFORE_TOPIC.search(text[max(0, start - 80):start]))


def _builtin_hit(rule: _Rule, text: str, vetoes: list[tuple[int, int]]) -> int | None:
    """Where the rule matches (its start), or None."""
    for match in rule.pattern.finditer(text):
        start, end = match.span()
        if any(v_start < end and start < v_end for v_start, v_end in vetoes):
            continue
        if rule.topic and _names_a_job(text, start, end):
            continue
        return start
    return None


# Someone else is the subject just before a self-harm phrase, and the writer is not: "talking
# people down on the helpline when they've got a plan to end it" is a volunteer's work.
_OTHERS_AS_SUBJECT = re.compile(
    r"\b(?:they|they'?ve|they'?re|they'?d|he|he'?s|he'?d|she|she'?s|she'?d|someone|somebody|people|callers?|patients?|"
    r"clients?|victims?|residents?|customers?|kids|children|students|pupils|teens|colleagues?)\b"
)


def _of_others(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start]
    return bool(_OTHERS_AS_SUBJECT.search(before)) and not _FIRST_PERSON.search(before)


# -- configured extra phrases -------------------------------------------------------------------
_KIND_NAMES = {kind.value: kind for kind in CrisisKind}


def _parse_entry(entry: str) -> tuple[CrisisKind, str]:
    """("kind: phrase" or "phrase") → kind and the normalised phrase. Raises ValueError."""
    raw = unicodedata.normalize("NFKC", entry).strip()
    kind = CrisisKind.SELF_HARM  # unlabelled: the most urgent kind, see the module docstring
    label, colon, rest = raw.partition(":")
    if colon:
        key = re.sub(r"[\s-]+", "_", label.strip().casefold())
        if key not in _KIND_NAMES:
            raise ValueError(
                f"crisis phrase {entry.strip()!r}: unknown kind {label.strip()!r}; write 'kind: phrase' with kind "
                f"one of {', '.join(_KIND_NAMES)}, or the phrase alone for self_harm"
            )
        kind, raw = _KIND_NAMES[key], rest
    phrase = _normalise(raw)
    if len(phrase.replace(" ", "")) < 2 or not any(ch.isalnum() for ch in phrase):
        raise ValueError(f"crisis phrase {entry.strip()!r}: the phrase needs at least two letters")
    return kind, phrase


@lru_cache(maxsize=256)
def _compile_entry(entry: str) -> tuple[CrisisKind, str, re.Pattern[str]]:
    kind, phrase = _parse_entry(entry)
    body = r"\s*".join(re.escape(word) for word in phrase.split(" "))
    left = "" if re.match(rf"[{_CJK}]", phrase) else rf"(?<!{_WORD_NOT_CJK})"
    right = "" if re.search(rf"[{_CJK}]$", phrase) else rf"(?!{_WORD_NOT_CJK})"
    return kind, phrase, re.compile(left + body + right)


def parse_extra_phrases(raw: str) -> tuple[str, ...]:
    """Configured extra phrases, split on ";" or newlines, validated, as canonical "kind: phrase" entries.

    A phrase without a kind counts as self_harm. Raises ValueError naming the first bad entry.
    """
    entries: list[str] = []
    for part in re.split(r"[;\n\r]+", unicodedata.normalize("NFKC", raw or "")):
        if part.strip():
            kind, phrase = _parse_entry(part)
            canonical = f"{kind.value}: {phrase}"
            if canonical not in entries:
                entries.append(canonical)
    return tuple(entries)


# The people and places of a job that deals with other people's harm: a nurse's patients, a
# paramedic's ambulance, an HR investigator's complainants (not "shift" or "team": harassment at
# work is a crisis kind). A message the classifier alone hears as crisis language that
# speaks of these gets the safety check rather than the full response (the resources either way).
_OTHERS_AT_WORK = re.compile(
    r"\b(?:patients?|clients?|residents?|service users?|victims?|survivors?|complainants?|inmates?|prisoners?|"
    r"callers?|caseloads?|referrals?|(?:my|our|the) cases|hospice|icu|ward|wards|ambulance)\b"
)


# Words of harm, death, violence, fear or despair. The classifier learns style as well as sense
# ("tmrw", "this weekend", "my husband" are common in its crisis examples): what it hears
# without any of these words is at most the safety check, and below its sure mark nothing.
_DANGER_WORDS = re.compile(
    r"\b(?:die|dies|died|dying|dead|death|kill\w*|murder\w*|suicid\w*|kms|kys|ctb|unaliv\w*|harm\w*|hurt\w*|"
    r"injur\w*|cut|cuts|cutting|bleed\w*|blood\w*|scars?|razors?|blades?|pills?|overdos\w*|meds|medication|"
    r"paracetamol|poison\w*|rope|noose|hang\w*|bridge|jump\w*|ledge|roof|balcony|train|gun|guns|knife|knives|"
    r"weapons?|gone|goodbye|farewell|disappear\w*|vanish\w*|burden\w*|hopeless\w*|pointless|worthless|"
    r"alive|living|exist\w*|forever|funeral|grave|scared|afraid|fear\w*|terrifi\w*|frighten\w*|unsafe|"
    r"danger\w*|hit|hits|hitting|beat|beats|beating|beaten|punch\w*|slap\w*|kick\w*|chok\w*|strangl\w*|"
    r"shov\w*|bruis\w*|grab\w*|threat\w*|abus\w*|violen\w*|rape\w*|assault\w*|molest\w*|touch\w*|grop\w*|"
    r"harass\w*|stalk\w*|creep\w*|sexual\w*|nudes?|naked|bully|bullied|bullying|intimidat\w*|blackmail\w*|"
    r"trapped|locked|escape|relaps\w*|sh)\b"
)


# Harm counted as cases, the way people who deal with it at work speak: plural events ("overdoses,
# gunshot wounds"), a caseload or a job that handles them. A topic noun in such a message is not
# the writer's own danger even with "I" in it ("I'm a coroner's officer … suicides, overdoses").
_CASEWORK = re.compile(
    r"\b(?:overdoses|suicides|deaths|stabbings|shootings|assaults|rapes|murders|homicides|fatalities|"
    r"gunshot wounds|cardiac arrests|collisions|casualties|injuries|self-harm cases|abuse cases|"
    r"(?:death|injury|abuse|harassment|assault) (?:claims|cases|investigations|allegations|referrals)|"
    r"homes where|families where|kids who|children who|people who (?:have|are|were))\b"
)
# The writer as the one harmed: "sends me threats", "his hand on my thigh". Such a message is the
# writer's own danger even when it also speaks of callers or clients.
_AIMED_AT_THE_WRITER = re.compile(
    r"\b(?:threat\w*|threaten\w*|touch\w*|grop\w*|grab\w*|hit\w*|follow\w*|stalk\w*|harass\w*|hurt\w*|"
    r"kill\w*|find|found|message\w*|text\w*|send\w*|sent|sends|corner\w*|push\w*|shov\w*|chok\w*|"
    r"strangl\w*|punch\w*|slap\w*|kick\w*|rap\w*|assault\w*|abus\w*) (?:\w+ ){0,2}?me\b|"
    r"\b(?:i|i'?ve been|i was|i got|i'?m being|i am being|i keep getting) (?:\w+ ){0,2}?(?:assaulted|raped|groped|touched|"
    r"threatened|stalked|harassed|attacked|hit|beaten|abused|molested|followed|cornered)\b|"
    r"\b(?:hand|hands|fingers) (?:\w+ ){0,2}(?:on|around|up) my\b|\bmy (?:thigh|throat|neck|breasts?|chest|bum|butt|"
    r"waist|body|legs?|arms?|face)\b"
)


def speaks_of_casework(text: str) -> bool:
    norm = _normalise(text or "")
    return bool(_CASEWORK.search(norm) or _OTHERS_AT_WORK.search(norm))


# Said plainly to have happened to the writer: overrides talk of cases ("I was sexually
# assaulted by a client last week"); "a respondent threatened me in an interview" among
# casework does not – the classifier weighs that one.
_HARMED_WRITER = re.compile(
    r"\b(?:i|i'?ve been|i was|i got|i'?m being|i am being|i keep getting) (?:\w+ ){0,2}?(?:assaulted|raped|groped|molested|"
    r"attacked|beaten|abused|stalked)\b|\b(?:hand|hands|fingers) (?:\w+ ){0,2}(?:on|around|up) my\b|"
    r"\bmy (?:thigh|throat|neck|breasts?|chest|bum|butt|waist|body)\b"
)


def aimed_at_the_writer(text: str) -> bool:
    """Harm aimed at the writer ("a caller sends me threats"), idioms left out ("this caseload is killing me")."""
    norm = _FIGURES_OF_SPEECH.sub(" ", _normalise(text or ""))
    return bool(_AIMED_AT_THE_WRITER.search(norm))


def harmed_the_writer(text: str) -> bool:
    return bool(_HARMED_WRITER.search(_normalise(text or "")))


def names_a_danger(text: str) -> bool:
    """A word of danger that is not denied or quoted from a label ("i never said harassment")."""
    norm = _normalise(text or "")
    vetoes = [match.span() for match in _VETOES.finditer(norm)]
    return any(
        not any(start <= m.start() and m.end() <= end for start, end in vetoes) for m in _DANGER_WORDS.finditer(norm)
    )


def speaks_of_others_at_work(text: str) -> bool:
    return bool(_OTHERS_AT_WORK.search(_normalise(text or "")))


# Pain in a part of the body – the reason many leave physical work ("my back hurts from
# lifting", "my knees are shot") – is no crisis on its own.
_BODILY_PAIN = re.compile(
    r"\b(?:my |the |bad |sore )?(?:back|lower back|knees?|neck|shoulders?|wrists?|hips?|feet|foot|legs?|arms?|joints?|spine|hands?|eyes)"
    r"(?:'s| is| are)? (?:\w+ )?(?:hurts?|hurting|aches?|aching|sore|shot|killing me|bad|worse|injured|pain|problems?|injury|gets? worse)\b|"
    r"\b(?:back|knee|neck|shoulder|joint|hip|wrist) (?:pain|injury|injuries|problems?|trouble)\b",
    re.I,
)
_HARMS_ONESELF = re.compile(r"\b(?:myself|my ?self|kill|suicid\w*|die|dying|end (?:it|my life)|cut(?:ting)?|overdose|od)\b", re.I)


def bodily_pain(text: str) -> bool:
    """The message speaks of pain in a part of the body, and of nothing harming oneself."""
    normal = _normalise(text or "")
    return bool(_BODILY_PAIN.search(normal)) and not _HARMS_ONESELF.search(normal)


def figure_of_speech(text: str) -> bool:
    """True when the message uses crisis words as career talk does ("kill it at the interview")."""
    return bool(_FIGURES_OF_SPEECH.search(_normalise(text or "")))


# -- other languages (crisis_phrases.yml) -------------------------------------------------------
PHRASES_FILE = Path(__file__).with_name("crisis_phrases.yml")
_ARABIC_SCRIPT = r"\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"


def _without_accents(text: str) -> str:
    # "quiero suicidarme" and "quitarme la vida" are often typed without accents; Devanagari,
    # Bengali and Arabic marks are part of the letters and stay
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and unicodedata.name(ch, "").startswith("COMBINING")))
    return unicodedata.normalize("NFKC", kept)


_NOT_A_WORD = re.compile(r"[^\w']+")
# Where a script writes no spaces between words (Chinese, Japanese) or joins prefixes to them
# (Arabic "و"), a phrase is found anywhere; elsewhere it must be whole words.
_NO_WORD_BOUNDARIES = re.compile(rf"[{_CJK}{_ARABIC_SCRIPT}]")


def _words(text: str) -> str:
    """Casefolded words without accents, single-spaced, with a space at each end."""
    return f" {' '.join(_NOT_A_WORD.sub(' ', _without_accents(text)).split())} "


@dataclass(frozen=True)
class _Phrase:
    text: str  # as _words gives it, without the outer spaces
    kind: CrisisKind | None  # None: a harmless idiom of that language
    language: str

    @property
    def needle(self) -> str:
        return self.text if _NO_WORD_BOUNDARIES.search(self.text) else f" {self.text} "

    def spans(self, words: str, needle: str) -> list[tuple[int, int]]:
        found, start = [], words.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = words.find(needle, start + 1)
        return found

    def loose_spans(self, words: str) -> list[tuple[int, int]]:
        """Where the phrase's words occur with at most one other word between each two ("ayoko na
        talaga mabuhay" for "ayoko na mabuhay"): people put an intensifier in. Harmless idioms and
        one-word phrases match exactly only."""
        return [m.span() for m in _loose_pattern(self.text).finditer(words)]


@lru_cache(maxsize=4096)
def _loose_pattern(text: str) -> re.Pattern[str]:
    return re.compile("(?<= )" + r"(?: \S+)? ".join(re.escape(word) for word in text.split(" ")) + "(?= )")


@lru_cache(maxsize=1)
def language_phrases(path: Path = PHRASES_FILE) -> tuple[_Phrase, ...]:
    """Every listed phrase of every language, longest first; harmless idioms carry no kind."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    phrases = []
    for language, entry in data.items():
        for key, kind in [*((k.value, k) for k in _PRIORITY), ("not_crisis", None)]:
            for raw in entry.get(key) or ():
                text = _words(_normalise(str(raw))).strip()
                if text:
                    phrases.append(_Phrase(text, kind, str(language)))
    return tuple(sorted(phrases, key=lambda p: -len(p.text)))


@lru_cache(maxsize=1)
def _needles() -> tuple[tuple[_Phrase, str, frozenset[str]], ...]:
    return tuple((phrase, phrase.needle, frozenset(phrase.text.split(" "))) for phrase in language_phrases())


@lru_cache(maxsize=1)
def _needles_by_word() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Where to look: a phrase of whole words can only be in a message holding each of its words,
    so each is filed under its longest word; phrases in scripts without spaces are always tried.
    (Trying all ~4,000 phrases on every message was a tenth of the action server's work.)"""
    by_word: dict[str, list[int]] = {}
    always: list[int] = []
    for position, (_phrase, needle, phrase_words) in enumerate(_needles()):
        if needle.startswith(" ") and needle.endswith(" "):
            by_word.setdefault(max(sorted(phrase_words), key=len), []).append(position)
        else:
            always.append(position)
    return {word: tuple(found) for word, found in by_word.items()}, tuple(always)


def _language_hits(text: str) -> dict[CrisisKind, str]:
    """For each kind: the language of a listed phrase in `text` that is not inside a harmless idiom."""
    words = _words(text)
    tokens = frozenset(words.split())
    by_word, always = _needles_by_word()
    needles = _needles()
    candidates = sorted({*always, *(position for token in tokens for position in by_word.get(token, ()))})
    found: list[tuple[_Phrase, list[tuple[int, int]]]] = []
    for phrase, needle, phrase_words in (needles[position] for position in candidates):  # in the list's order
        if needle in words:
            found.append((phrase, phrase.spans(words, needle)))
        elif phrase.kind is not None and len(phrase_words) > 1 and phrase_words <= tokens and needle.startswith(" "):
            found.append((phrase, phrase.loose_spans(words)))
    harmless = [span for phrase, spans in found if phrase.kind is None for span in spans]
    hits: dict[CrisisKind, str] = {}
    for phrase, spans in found:
        if phrase.kind is None or phrase.kind in hits:
            continue
        for start, end in spans:
            if not any(h_start <= start and end <= h_end for h_start, h_end in harmless):
                hits[phrase.kind] = phrase.language
                break
    return hits


def detect_crisis(text: str, extra_phrases: Sequence[str] = ()) -> CrisisSignal | None:
    """The crisis signal in one message, or None. The most urgent kind wins when several match.

    `extra_phrases` are entries as `parse_extra_phrases` returns them (plain phrases are accepted too);
    an invalid one raises ValueError, which the start-up validation makes impossible in production.
    """
    extras = [_compile_entry(entry) for entry in extra_phrases if entry.strip()]
    norm = _normalise(text or "")
    if not norm:
        return None
    vetoes = [match.span() for match in _VETOES.finditer(norm)]
    other_languages = _language_hits(norm)
    topic_only: CrisisSignal | None = None
    casework = speaks_of_casework(norm) and not harmed_the_writer(norm)
    for kind in _PRIORITY:
        for rule in _RULES:
            at = _builtin_hit(rule, norm, vetoes) if rule.kind is kind else None
            if at is not None:
                # a weak sign; someone else's words of self-harm; a threat among the cases of a job that
                # handles them ("a respondent threatened me in an interview and I de-escalated it"):
                # not sure it is the writer's own danger now – the classifier weighs it
                if rule.weak or (kind is CrisisKind.SELF_HARM and _of_others(norm, at)) or (
                    kind is CrisisKind.HARASSMENT and casework
                ):
                    topic_only = topic_only or CrisisSignal(kind, rule.name, topic=True)
                    continue
                if not rule.topic or (_FIRST_PERSON.search(norm) and not casework):
                    return CrisisSignal(kind, rule.name)
                # a topic noun: a rule that makes it the writer's own may still follow
                topic_only = topic_only or CrisisSignal(kind, rule.name, topic=True)
        for extra_kind, phrase, pattern in extras:
            if extra_kind is kind and pattern.search(norm):
                return CrisisSignal(kind, f"extra: {phrase}")
        if kind in other_languages:
            return CrisisSignal(kind, f"{other_languages[kind]}_phrase")
    return topic_only
