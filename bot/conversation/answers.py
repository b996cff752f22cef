"""Validation of answers: what a reply means for a question, or why it can't be used.

`validate_answer` never raises on user input: a reply it can't use comes back with a
specific `problem` the bot says before asking again, and nothing already given is lost.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any, Mapping

from rapidfuzz import fuzz

from bot.conversation import dates
from bot.conversation.outcome import AnswerContext, Outcome
from bot.careers import conversation as career_talk
from bot.conversation.stages import (
    GOAL_HORIZONS,
    QUESTIONS,
    Choice,
    Kind,
    Question,
)
from bot.conversation.text import LONG_ANSWER, clean_answer, for_chat, has_words, normalise_for_matching

SKIPPED = "(skipped)"
SKIP_PHRASES = {
    "skip", "skip it", "skip this", "skip this one", "skip that", "pass", "next", "next question",
    "prefer not to say", "i'd rather not say", "rather not say", "i prefer not to say",
    "no comment", "n/a", "na", "i'd rather not answer", "skip please",
}
NO_COMMENT = {"no", "nope", "none", "nothing", "no thanks", "no thank you", "nothing else", "not really", "all good"}

# Button payloads look like /inform{"choice": "dual_ladder"}: they select a choice
# without going through intent classification.
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$", re.S)


def decode_payload(text: str) -> tuple[str | None, str | None]:
    """(intent, choice) of a button payload, or (None, None) for typed text."""
    m = _PAYLOAD.match(text.strip())
    if not m:
        return None, None
    choice = None
    if m.group("entities"):
        try:
            choice = json.loads(m.group("entities")).get("choice")
        except (ValueError, AttributeError):
            choice = None
    return m.group("intent"), (str(choice) if choice is not None else None)


def _phrases_of(choice: Choice) -> set[str]:
    return {
        normalise_for_matching(choice.title),
        choice.value.replace("_", " "),
        *(normalise_for_matching(s) for s in choice.synonyms),
    }


def _misspelt_choices(norm: str, choices: tuple[Choice, ...]) -> list[Choice]:
    """Choices one of whose words is typed with a slip ("managment", "laterel"): words of five
    letters or more, one or two letters off."""
    words = [w for w in norm.split() if len(w) >= 5]
    whole = [c for c in choices if any(fuzz.ratio(w, phrase) >= 85 for w in words for phrase in _phrases_of(c) if len(phrase) >= 5)]
    if len(whole) == 1:
        return whole  # "managment": the choice named by that one word, not the one that contains it
    found = []
    for choice in choices:
        names = {w for phrase in _phrases_of(choice) for w in phrase.split() if len(w) >= 5}
        if any(fuzz.ratio(word, name) >= 85 for word in words for name in names):
            found.append(choice)
    return found


def _spelt_as_the_choices(norm: str, choices: tuple[Choice, ...]) -> str:
    """Words typed with a slip put right against the choices' own words ("technical plus
    managment" -> "technical plus management"), so the longest phrase still wins."""
    vocabulary = {w for c in choices for phrase in _phrases_of(c) for w in phrase.split() if len(w) >= 5}
    fixed = []
    for word in norm.split():
        if len(word) >= 5 and word not in vocabulary:
            near = max(vocabulary, key=lambda v: fuzz.ratio(word, v), default=None)
            if near is not None and fuzz.ratio(word, near) >= 85:
                word = near
        fixed.append(word)
    return " ".join(fixed)


def _match_choices(text: str, choices: tuple[Choice, ...]) -> list[Choice]:
    """Choices named in the text, best match first (longest phrase wins)."""
    intent, payload_choice = decode_payload(text)
    if payload_choice is not None:
        return [c for c in choices if c.value == payload_choice]
    if intent in ("affirm", "deny"):
        text = "yes" if intent == "affirm" else "no"
    norm = _spelt_as_the_choices(normalise_for_matching(text), choices)
    if not norm:
        return []
    scored: list[tuple[int, int, Choice]] = []
    for index, choice in enumerate(choices):
        phrases = _phrases_of(choice)
        best = 0
        for phrase in phrases:
            if not phrase:
                continue
            if norm == phrase:
                best = max(best, 1000)
            elif re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", norm):
                best = max(best, len(phrase))
        if best:
            scored.append((best, -index, choice))
    if not scored and norm.isdigit() and 1 <= int(norm) <= len(choices):
        return [choices[int(norm) - 1]]
    if not scored:
        named = refers_to(norm, [c.title for c in choices])
        if named is not None:
            return [choices[named]]
        misspelt = _misspelt_choices(norm, choices)
        if len(misspelt) == 1:
            return misspelt
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [c for _, _, c in scored]


_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
}
_BY_POSITION = re.compile(
    r"^(?:i'?d (?:say|pick|go with|choose) |i (?:pick|choose|guess|think) |(?:let'?s )?go with |maybe |prob(?:ably)? )?"
    r"(?:the )?(?:(?P<ordinal>[a-z0-9]+|last|final|bottom|top)(?: (?:one|option|choice|button|answer|item))?"
    r"|(?:option|number|choice|no\.?|#|nr\.?) ?(?P<number>\d+))(?: one)?(?: (?:please|pls|i guess|i think|then))?$"
)
_THE_X_ONE = re.compile(r"^(?:the |that )?(?P<words>.+?) (?:one|option|choice)(?: (?:please|pls|i guess|i think))?$")


def refers_to(norm: str, titles: list[str]) -> int | None:
    """A choice named by its position ("2nd one", "the last option", "number 3") or by a
    word of its title ("the supervisor one"): its index, or None."""
    match = _BY_POSITION.match(norm)
    if match:
        word = match.group("ordinal") or ""
        if match.group("number"):
            position = int(match.group("number"))
        elif word in ("last", "final", "bottom"):
            position = len(titles)
        elif word == "top":
            position = 1
        elif word.isdigit() and len(word) <= 2:
            position = int(word)  # "3": the third of the options shown
        else:
            position = _ORDINALS.get(word, 0)
        if 1 <= position <= len(titles):
            return position - 1
    match = _THE_X_ONE.match(norm)
    if match:
        words = match.group("words").split()
        hits = [i for i, title in enumerate(titles) if all(w in normalise_for_matching(title) for w in words)]
        if len(hits) == 1:
            return hits[0]
    return None


def _options(choices: tuple[Choice, ...]) -> str:
    return ", ".join(f"“{c.title}”" for c in choices)


# Replies made of symbols that still mean something: 👍 for yes, ★★★ for a rating.
SYMBOLS_OK = frozenset({Kind.YES_NO, Kind.GOAL_CONFIRM, Kind.RATING, Kind.REVIEW_DATE, Kind.PROFILER, Kind.SKILL_RATING})


def _no_comment(text: str) -> bool:
    norm = normalise_for_matching(text)
    words = norm.split()
    return norm in NO_COMMENT or (bool(words) and words[0] in {"no", "nope", "nothing"} and len(words) <= 4)


def is_skip(text: str) -> bool:
    return normalise_for_matching(text) in SKIP_PHRASES


# "none", "I don't have one", "no long-term goal yet": nothing to give, so the question is
# skipped – except where "none" is itself the answer.
_NOTHING_TO_GIVE = re.compile(
    r"^(?:(?:um+|uh+|well|honestly|tbh|sorry|actually)[, ]+)*"
    r"(?:none|nothing|n/?a|not applicable|not yet|nothing yet|none yet|none for now|nothing for now|nothing to add|"
    r"(?:i )?(?:don'?t|do not) (?:have|got|really have) (?:one|any|a \w+(?: \w+)?|anything)(?: yet| right now| at the moment)?|"
    r"(?:i have )?no(?! idea| clue)(?: \S+){0,3} (?:goals?|mentors?|comments?|plans?|one|triggers?)(?: yet| for now| really| at the moment)?|"
    r"i haven'?t (?:got|thought of) (?:one|any)(?: yet)?)"
    r"(?:[, ]+(?:sorry|tbh|honestly|really|yet|for now))*$",
    re.I,
)
NONE_IS_AN_ANSWER = frozenset({"constraints", "key_people", "review_triggers", "rating_comment"})


def is_skip_request(text: str, question: Question) -> bool:
    """The person has nothing to give for a question they may skip."""
    if not question.skippable:
        return False
    if is_skip(text):
        return True
    return question.key not in NONE_IS_AN_ANSWER and bool(_NOTHING_TO_GIVE.match(normalise_for_matching(text)))


def validate_answer(question: Question, raw: object, ctx: AnswerContext) -> Outcome:
    text = clean_answer(raw)
    intent, _ = decode_payload(text)
    if not text or (not has_words(text) and question.kind not in SYMBOLS_OK):
        return Outcome.rejected(
            "I didn't catch an answer there – could you put it in a few words?"
            if not text
            else "I can't store just symbols or emoji as an answer – could you put it in words?"
        )
    if question.key == "action_steps" and _has_dated_draft(ctx) and (is_skip(text) or says_nothing_more(text)):
        return _steps_done(ctx)  # "that's all" after the steps chosen so far: those are the steps
    if is_skip_request(text, question):
        extra = {}
        if question.kind is Kind.GOAL:  # a skipped goal has no date, measure or confirmation
            horizon = horizon_of(question.key)
            extra = {f"goal_{horizon}{part}": SKIPPED for part in ("_due", "_measure", "_confirmed")}
        skipped = Outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True, extra=extra)
        if question.key in career_talk.OCCUPATION_OF:  # no role, so no occupation to look up
            skipped = career_talk.enrich_role(question.key, skipped, text, None, ctx)
        return skipped
    if question.key == "rating_comment" and _no_comment(text):
        return Outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)
    if question.key in career_talk.OCCUPATION_OF:
        _, choice = decode_payload(text)
        if choice is not None and career_talk.is_code(choice) and ctx.careers is not None and ctx.careers.occupation(choice):
            outcome = Outcome(ok=True, value=choice, display=choice)  # a suggestion button
        else:
            outcome = _VALIDATORS[question.kind](question, text, ctx)
        if outcome.ok:
            outcome = career_talk.enrich_role(question.key, outcome, text, choice, ctx)
    else:
        outcome = _VALIDATORS[question.kind](question, text, ctx)
    if outcome.ok and len(text) > LONG_ANSWER and not outcome.notice:
        outcome.notice = (
            f"That's a long answer ({len(text):,} characters) – I've kept all of it; the "
            "summary shows the beginning."
        )
    return outcome


def _text(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    if text.startswith("/") and decode_payload(text)[0]:
        return Outcome.rejected("Please type your answer in your own words.")
    return Outcome(ok=True, value=text, display=text)


def _choice(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    matches = _match_choices(text, question.choices)
    if matches:
        chosen = matches[0]
        return Outcome(ok=True, value=chosen.value, display=chosen.title, normalized=chosen.value)
    return Outcome.rejected(
        f"I didn't recognise that as one of the options: {_options(question.choices)}. "
        "Tap a button or type its name."
    )


def _choice_or_text(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    matches = _match_choices(text, question.choices)
    exact = decode_payload(text)[1] is not None or (
        matches
        and (
            normalise_for_matching(text) in _phrases_of(matches[0])
            or refers_to(normalise_for_matching(text), [c.title for c in question.choices]) is not None
        )
    )
    if matches and exact:
        chosen = matches[0]
        return Outcome(ok=True, value=chosen.value, display=chosen.title, normalized=chosen.value)
    # Their own words are kept as given; a choice they mention is noted alongside.
    outcome = _text(question, text, ctx)
    if outcome.ok and matches:
        outcome.normalized = matches[0].value
    return outcome


def _multi_choice(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    norm = normalise_for_matching(text)
    if question.key == "key_people" and norm in {"nobody", "no one", "noone", "none", "nobody really"}:
        return Outcome(ok=True, value=[], display="nobody named", normalized="")
    matches = _match_choices(text, question.choices)
    numbered = re.fullmatch(r"\s*(\d{1,2})(?:\s*(?:,|and|&|\+|/)?\s*(\d{1,2}))*\s*[.!]?\s*", norm)
    if numbered and not decode_payload(text)[1]:
        # "1 and 4": the buttons by their place in the list
        places = [int(n) for n in re.findall(r"\d{1,2}", norm)]
        if all(1 <= n <= len(question.choices) for n in places):
            matches = [question.choices[n - 1] for n in dict.fromkeys(places)]
    elif not decode_payload(text)[1]:
        matches = [c for c in question.choices if c in matches]  # every choice named, in order
    if matches:
        values = [c.value for c in matches]
        return Outcome(ok=True, value=values, display=", ".join(c.title for c in matches), normalized=",".join(values))
    if question.key == "key_people":
        return Outcome.rejected(
            f"Which of these matter for your plan: {_options(question.choices)}? You can name several, or say “nobody”."
        )
    return Outcome(ok=True, value=[text], display=text)


_ZH_YES = {"是", "是的", "对", "对的", "好", "好的", "可以", "行", "同意", "嗯", "没问题", "当然", "愿意", "是啊", "对啊", "好啊"}
_ZH_NO = {"不", "不是", "不要", "不同意", "不行", "不用", "没有", "否", "不愿意", "不可以", "不好"}


_HESITATION = frozenset({"um", "umm", "uh", "uhh", "hmm", "hm", "erm", "er", "well", "oh", "so", "ah"})


# "I'd rather you didn't store anything for now. no.": storing declined, however it is put
_DECLINES_STORING = re.compile(
    r"\b(?:rather (?:you )?(?:didn'?t|did not|not)|please (?:don'?t|do not)|(?:don'?t|do not) want you to) (?:store|save|keep|record)\b|"
    r"\bno storing\b|\bnot (?:store|save) (?:anything|my answers|it)\b",
)


def yes_or_no(text: str) -> bool | None:
    intent, choice = decode_payload(text)
    if intent == "affirm" or choice == "yes":
        return True
    if intent == "deny" or choice == "no":
        return False
    norm = normalise_for_matching(text)
    words = norm.split()
    chinese = text.strip().strip("。！!.,，~～ ")
    if chinese in _ZH_YES:
        return True
    if chinese in _ZH_NO:
        return False
    if not words and text.strip() in ("👍", "👌", "✅"):
        return True
    if not words and text.strip() in ("👎", "❌"):
        return False
    if norm in {"no problem", "no worries", "why not", "sure thing", "not a problem"}:
        return True
    if norm in {"not sure", "i'm not sure", "im not sure", "don't know", "i don't know", "dont know", "maybe", "perhaps"}:
        return None  # undecided: ask again rather than guess
    yes_words = {
        "yes", "y", "yeah", "yep", "yup", "ya", "yah", "yea", "yeh", "ye", "yas", "aye", "sure", "ok", "okay", "k", "kk",
        "alright", "agree", "agreed", "correct", "right", "fine", "absolutely", "definitely", "certainly", "totally",
        "si", "sí", "claro", "oui", "ja", "sim",  # a yes in the languages employees fall back to
    }
    no_words = {"no", "n", "nope", "nah", "disagree", "wrong", "not", "don't", "dont", "never"}
    if norm in {"i do not agree", "do not store", "don't store", "i don't agree", "i disagree"} or _DECLINES_STORING.search(norm):
        return False
    if norm in {"of course", "go ahead", "that's right", "i agree", "sounds good", "looks good", "go on then", "go on",
                "works", "that works", "works for me", "fine by me", "sounds right", "do it", "let's do it", "lets do it"}:
        return True
    # A longer message is a yes or a no only when it starts with one: "that's not what I
    # asked, is 35 too late?" is neither. Hesitation first is normal: "um yes i guess".
    while words and words[0] in _HESITATION:
        words = words[1:]
    if not words:
        return None
    if words[0] in yes_words and words[0] not in no_words:
        return True
    if words[0] in no_words:
        return False
    head = set(words[:1]) if len(words) > 4 else set(words[:3])
    if head & no_words:
        return False
    if head & yes_words:
        return True
    return None


def _yes_no(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    answer = yes_or_no(text)
    if answer is None:
        return Outcome.rejected("Please answer yes or no.")
    return Outcome(ok=True, value=answer, display="yes" if answer else "no", normalized=str(answer).lower())


def _duration(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    months = dates.parse_duration_months(text, ctx.today)
    if months is None:
        return Outcome.rejected(
            "How long is that in months or years? For example “2 years”, “8 months” or “since March 2023”."
        )
    return Outcome(ok=True, value=text, display=f"{text} ({dates.format_months(months)})" if not text[0].isdigit() else text, normalized=str(months))


# Words that make a goal checkable on their own: a result someone can point to.
MEASURABLE = re.compile(
    r"\d|\b(?:promot\w*|certif\w*|qualif\w*|(?:become|became|complete[ds]?|finish(?:ed)?|pass(?:ed)?|lead|launch|"
    r"publish|obtain|earn|deliver|hire|move|transfer|join|start|degree|course|exam|title|role|position|run|ship|land|"
    r"build|open|win|reach|head|director|manager|senior|principal|mba|phd|master'?s?|diploma|licen[cs]e)\b)",
    re.I,
)
VAGUE = re.compile(
    r"^(?:i want to |i'd like to |i would like to |to )?(?:be |get |become )?(?:better|happier|happy|"
    r"more successful|successful|grow|improve|develop|progress|do well|do better|more money|earn more)"
    r"(?: at (?:work|my job))?$",
    re.I,
)


def horizon_of(key: str) -> str:
    return key.split("_")[1]


def _goal(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    norm = normalise_for_matching(text)
    if VAGUE.match(norm) or len(norm.split()) < 2:
        return Outcome.rejected(
            "That's a direction more than a goal. What exactly would be different – which role, "
            "skill or result do you want to reach?"
        )
    horizon = horizon_of(question.key)
    extra: dict[str, Any] = {
        f"goal_{horizon}_due": None,
        f"goal_{horizon}_measure": None,
        f"goal_{horizon}_confirmed": None,
    }
    notice = None
    found = dates.find_date(text, ctx.today)
    if found:
        if found.when <= ctx.today:
            return Outcome.rejected(
                f"{dates.format_date(found.when)} has already passed – when do you want to reach this goal?"
            )
        extra[f"goal_{horizon}_due"] = found.when.isoformat()
        notice = _horizon_notice(horizon, found.when, ctx.today)
    # the success criterion is always asked on its own: copied from the goal it says nothing new
    return Outcome(ok=True, value=text, display=text, extra=extra, notice=notice)


def _without_date(text: str, date_words: str) -> str:
    pattern = rf"\s*\b(?:by|in|within|before|until|no later than)?\s*{re.escape(date_words)}"
    return re.sub(pattern, "", text, count=1, flags=re.I).strip(" ,.;")


def _horizon_notice(horizon: str, when: date, today: date) -> str | None:
    label, (low, high) = GOAL_HORIZONS[horizon]
    months = (when.year - today.year) * 12 + when.month - today.month
    if months > high:
        return f"Noted – that's further out than a typical {label} goal, which is fine if it fits you."
    if months < low:
        return f"Noted – that's sooner than a typical {label} goal; ambitious is good."
    return None


def _goal_due(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    when = dates.parse_date(text, ctx.today)
    if when is None:
        return Outcome.rejected(
            "I couldn't read a date there. Try something like “next spring”, “in 18 months” or “by June 2028”."
        )
    if when <= ctx.today:
        return Outcome.rejected(f"{dates.format_date(when)} has already passed – pick a date in the future.")
    horizon = horizon_of(question.key)
    return Outcome(
        ok=True,
        value=when.isoformat(),
        display=dates.format_date(when),
        normalized=when.isoformat(),
        notice=_horizon_notice(horizon, when, ctx.today),
    )


def _goal_measure(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    if len(normalise_for_matching(text).split()) < 2:
        return Outcome.rejected("Could you describe it a little more – what would you point to when it's done?")
    return Outcome(ok=True, value=text, display=text)


# At the goal check, one part corrected in words: "no. done when = 3 reports automated", "goal: team lead".
_GOAL_PART = re.compile(
    r"(?:^|[\s.,;:!-])(?P<part>done when|success(?: criteria| criterion| looks like)?|measured? by|measure|criteri(?:a|on)|"
    r"i'?ll know (?:it'?s done )?when|(?:the )?goal)\s*(?:[=:]|->|is|should be|would be|will be)\s*(?P<value>.+)$|"
    r"(?:^|[\s.,;:!-])(?P<part2>done when|i'?ll know (?:it'?s done )?when)\s+(?P<value2>(?:i|we|my|the|there|it)\b.+)$",
    re.I,
)


def _goal_part_corrected(text: str, horizon: str) -> Outcome | None:
    match = _GOAL_PART.search(text.strip())
    if match is None:
        return None
    part, value = (match.group("part"), match.group("value")) if match.group("part") else (match.group("part2"), match.group("value2"))
    if not has_words(value):
        return None
    value = value.strip(" .\"'“”")
    if part.casefold().endswith("goal"):
        return Outcome(ok=False, problem="Changed the goal.", extra={f"goal_{horizon}": value})
    return Outcome(ok=False, problem="Changed how you'll know it's done.", extra={f"goal_{horizon}_measure": value})


def _goal_confirm(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    horizon = horizon_of(question.key)
    answer = yes_or_no(text)
    if answer is True:
        return Outcome(ok=True, value=True, display="confirmed", normalized="true")
    corrected = _goal_part_corrected(text, horizon)
    if corrected is not None:
        return corrected  # the goal is shown again with the change
    new_date = dates.parse_date(text, ctx.today)
    if new_date is not None:
        if new_date <= ctx.today:
            return Outcome.rejected(f"{dates.format_date(new_date)} has already passed – pick a date in the future.")
        # "No, make it June" corrects the date and shows the goal again.
        return Outcome(
            ok=False,
            problem=f"Changed the date to {dates.format_date(new_date)}.",
            extra={f"goal_{horizon}_due": new_date.isoformat()},
        )
    if answer is False:
        return Outcome(
            ok=False,
            problem="OK, let's set that goal again.",
            extra={f"goal_{horizon}": None, f"goal_{horizon}_due": None, f"goal_{horizon}_measure": None},
        )
    return Outcome.rejected("Is the goal right as shown? Please say yes, no, or give another date.")


_DANGLING = re.compile(r"\b(?:by|in|of|the|end|until|before|on|at|within|from|to)\s*$", re.I)
_STEP_SPLIT = re.compile(r"\s*(?:\n|;|\s\|\s|(?:^|\s)\d+[.)]\s|(?:,\s*)?\bthen\b|•)\s*", re.I)


def split_steps(text: str) -> list[str]:
    return [p.strip(" ,.-–") for p in _STEP_SPLIT.split(text) if p and has_words(p)]


# "that's all", "no more", "nope that's it": no step to add to those chosen so far
_NOTHING_MORE = re.compile(
    r"^(?:(?:no|nope|nah|no thanks|no thank you|ok|okay|k|thats|that s)\s*[,.!]?\s*)*(?:that'?s (?:all|it|everything|enough)|"
    r"that is (?:all|it)|nothing (?:else|more)|no more|no other(?: steps?)?|done|i'?m done|all good|enough|no|nope|nah|"
    r"that s (?:all|it|everything|enough)|thats (?:all|it|everything|enough))(?:\s+(?:thanks|thx|for now))?\s*[.!]*$"
)


def says_nothing_more(text: str) -> bool:
    return _NOTHING_MORE.match(normalise_for_matching(text)) is not None


def _has_dated_draft(ctx: AnswerContext) -> bool:
    draft = ctx.slots.get("action_steps_draft") or []
    return bool(draft) and all(isinstance(s, Mapping) and s.get("due") for s in draft)


def _steps_done(ctx: AnswerContext) -> Outcome:
    draft = [dict(s) for s in ctx.slots.get("action_steps_draft") or []]
    return Outcome(ok=True, value=draft, display=steps_display(draft), extra={"action_steps_draft": None})


def _steps(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    draft: list[dict[str, Any]] = [dict(s) for s in (ctx.slots.get("action_steps_draft") or [])]
    undated = [s for s in draft if not s.get("due")]
    reply_date = dates.parse_date(text, ctx.today) if undated and len(text.split()) <= 6 else None
    norm = normalise_for_matching(text)
    if reply_date is not None:
        if reply_date <= ctx.today:
            return Outcome.rejected(f"{dates.format_date(reply_date)} has already passed – pick a date in the future.")
        undated[0]["due"] = reply_date.isoformat()
    elif undated and _ONGOING.search(norm):
        # "every week", "starting now": a habit starts within the week and is reviewed in a month
        start_now = _STARTING.search(norm) and not _RECURRING.search(norm)
        due = ctx.today + timedelta(days=7) if start_now else dates.add_months(ctx.today, 1)
        undated[0]["due"] = due.isoformat()
        if _RECURRING.search(norm) and "(" not in undated[0]["description"]:
            undated[0]["description"] += f" ({text.strip(' .')})"
    elif undated and _DROP_STEP.search(norm):
        draft.remove(undated[0])  # "no date", "leave that one out"
    elif undated and len(split_steps(text)) <= 1 and dates.find_date(text, ctx.today) is None:
        return Outcome.rejected(
            f"I still need a date for “{for_chat(undated[0]['description'])}” – for example “by 15 January” or "
            "“in 2 months”. If it's a habit, say “every week”; to leave it out, say “no date”.",
            action_steps_draft=draft,
        )
    else:
        for part in split_steps(text):
            found = dates.find_date(part, ctx.today)
            if found and found.when <= ctx.today:
                return Outcome.rejected(
                    f"“{for_chat(part)}”: {dates.format_date(found.when)} has already passed – give a date in the future.",
                    action_steps_draft=draft or None,
                )
            step_due: date | None = found.when if found else None
            if step_due is None and _RECURRING.search(normalise_for_matching(part)):
                step_due = dates.add_months(ctx.today, 1)  # a habit ("two evenings a week"): checked in a month
            # the date is kept as the step's date, not repeated in its words ("15 January: ask my manager")
            described = _without_date(part, found.text) if found else part
            if not has_words(described) or _DANGLING.search(described):
                described = part  # "by end of December" does not come apart cleanly: kept whole
            draft.append({"description": described, "due": step_due.isoformat() if step_due else None})
    if not draft:
        return Outcome.rejected("What is the first concrete step you'll take, and by when?")
    missing = [s for s in draft if not s.get("due")]
    if missing:
        return Outcome.rejected(
            f"When will you do “{for_chat(missing[0]['description'])}”? Give a date like “by 15 January” or “in 2 months”.",
            action_steps_draft=draft,
        )
    display = steps_display(draft)
    return Outcome(ok=True, value=draft, display=display, extra={"action_steps_draft": None})


_RECURRING = re.compile(
    r"\b(?:every|each) (?:day|week|weekday|morning|evening|month|quarter)|\b(?:daily|weekly|monthly|ongoing|regularly|"
    r"continuously|twice a \w+|once a \w+)\b|\b\w+ (?:times|evenings|mornings|days|hours|nights) (?:a|per|each) (?:week|month|day)\b"
)
_STARTING = re.compile(r"\b(?:now|right away|immediately|asap|today|this week|starting now|from now on|straight away)\b")
_ONGOING = re.compile(_RECURRING.pattern + "|" + _STARTING.pattern)
_DROP_STEP = re.compile(
    r"^(?:no date|no deadline|there'?s no date|(?:skip|drop|remove|forget|delete|leave out) (?:it|that|this|that one|this one|"
    r"the last one|that step|this step|the .+ one)|leave (?:it|that|that one|this one) out)$"
)


def steps_display(steps: list[dict[str, Any]]) -> str:
    """"15 January 2027: Call HR; 22 March 2027: finish the course" – date first, so the
    person's own words (which may name the date too) are kept as typed."""
    return "; ".join(f"{dates.format_date(date.fromisoformat(s['due']))}: {s['description']}" for s in steps)


_EVERY_N = re.compile(r"(?P<n>\d+|one|two|three|four|six|nine|twelve|eighteen|twenty-four)\s+months?", re.I)


def _frequency(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    matches = _match_choices(text, question.choices)
    months: int | None = int(matches[0].value) if matches else None
    if months is None:
        m = _EVERY_N.search(text)
        if m:
            months = int(dates._number(m.group("n")))
        elif re.search(r"\b(year|annual)", text, re.I):
            months = 12
        elif re.search(r"\b(?:monthly|every month|each month|once a month)\b", text, re.I):
            months = 1
        elif re.search(r"\b(?:quarterly|every quarter|each quarter|once a quarter)\b", text, re.I):
            months = 3
        elif re.search(r"\b(?:twice a year|every half[- ]year|half[- ]yearly|biannual(?:ly)?|semi[- ]annual(?:ly)?)\b", text, re.I):
            months = 6
        elif normalise_for_matching(text) in {"don't know", "dont know", "not sure", "you decide", "whatever"}:
            months = ctx.default_review_months
    if months is None or not 1 <= months <= 24:
        return Outcome.rejected(
            f"How many months between reviews? Most people choose every 3, 6 or 12 months (I'd suggest {ctx.default_review_months})."
        )
    return Outcome(ok=True, value=months, display=f"every {months} months", normalized=str(months))


def proposed_review_date(slots: Mapping[str, Any], today: date, default_months: int) -> date:
    months = slots.get("review_frequency")
    return dates.add_months(today, int(months) if isinstance(months, (int, float)) else default_months)


def _review_date(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    when: date | None
    if yes_or_no(text) is True:
        when = proposed_review_date(ctx.slots, ctx.today, ctx.default_review_months)
    else:
        when = dates.parse_date(text, ctx.today)
        if when is None:
            return Outcome.rejected("Say yes to keep the proposed date, or give another one (e.g. “1 June”).")
        if when <= ctx.today:
            return Outcome.rejected(f"{dates.format_date(when)} has already passed – pick a date in the future.")
    return Outcome(ok=True, value=when.isoformat(), display=dates.format_date(when), normalized=when.isoformat())


_RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def _rating(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    _, choice = decode_payload(text)
    candidates = [choice] if choice else re.findall(r"\b[1-5](?=(?:-?ish)?\b)|\bone\b|\btwo\b|\bthree\b|\bfour\b|\bfive\b", text.lower())
    if not candidates and set(text.strip()) == {"★"}:
        candidates = [str(len(text.strip()))]
    values = {int(c) if c.isdigit() else _RATING_WORDS[c] for c in candidates if c}
    if len(values) != 1 or not 1 <= next(iter(values)) <= 5:
        return Outcome.rejected("Please rate the session with one number from 1 (not useful) to 5 (very useful).")
    rating = values.pop()
    return Outcome(ok=True, value=rating, display=f"{rating} of 5", normalized=str(rating))


def _occupation(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    return career_talk.validate_occupation(question.key, text, decode_payload(text)[1], ctx)


def _profiler(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    return career_talk.validate_profiler(text, decode_payload(text)[1], ctx.slots, ctx)


def _skill_rating(question: Question, text: str, ctx: AnswerContext) -> Outcome:
    return career_talk.validate_skills(text, decode_payload(text)[1], ctx.slots, ctx)


_VALIDATORS = {
    Kind.OCCUPATION: _occupation,
    Kind.PROFILER: _profiler,
    Kind.SKILL_RATING: _skill_rating,
    Kind.TEXT: _text,
    Kind.CHOICE: _choice,
    Kind.CHOICE_OR_TEXT: _choice_or_text,
    Kind.MULTI_CHOICE: _multi_choice,
    Kind.YES_NO: _yes_no,
    Kind.DURATION: _duration,
    Kind.GOAL: _goal,
    Kind.GOAL_DUE: _goal_due,
    Kind.GOAL_MEASURE: _goal_measure,
    Kind.GOAL_CONFIRM: _goal_confirm,
    Kind.STEPS: _steps,
    Kind.FREQUENCY: _frequency,
    Kind.REVIEW_DATE: _review_date,
    Kind.RATING: _rating,
}


def display_value(key: str, value: Any) -> str:
    """A stored slot value as people read it (summary, "change my answer")."""
    try:
        return _display(QUESTIONS[key], value)
    except (TypeError, ValueError, KeyError, AttributeError):
        return str(value)  # a value from an older version of the conversation: shown as is


def _display(question: Question, value: Any) -> str:
    if value is None:
        return "not answered yet"
    if value == SKIPPED:
        return "skipped"
    if question.kind in (Kind.CHOICE, Kind.CHOICE_OR_TEXT):
        titles = {c.value: c.title for c in question.choices}
        return titles.get(value, str(value))
    if question.kind is Kind.MULTI_CHOICE:
        titles = {c.value: c.title for c in question.choices}
        return ", ".join(titles.get(v, str(v)) for v in value) if value else "nobody named"
    if question.kind is Kind.YES_NO:
        return "yes" if value else "no"
    if question.kind is Kind.OCCUPATION:
        return career_talk.occupation_display(value)
    if question.kind is Kind.PROFILER:
        return career_talk.profile_display(value)
    if question.kind is Kind.SKILL_RATING:
        return career_talk.gaps_display(value)
    if question.kind in (Kind.GOAL_DUE, Kind.REVIEW_DATE):
        return dates.format_date(date.fromisoformat(value))
    if question.kind is Kind.GOAL_CONFIRM:
        return "confirmed" if value else "not confirmed"
    if question.kind is Kind.STEPS:
        return steps_display(value)
    if question.kind is Kind.FREQUENCY:
        return f"every {value} months"
    if question.kind is Kind.RATING:
        return f"{value} of 5"
    return str(value)
