"""Moving around the conversation: which answer someone wants to change."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot.conversation.progress import answered_keys, required_keys
from bot.conversation.stages import QUESTIONS, STAGES, Kind
from bot.conversation.text import normalise_for_matching

# Sub-questions are edited through their main question: "change my short-term goal".
_EDIT_TARGET = {
    key: re.sub(r"_(due|measure|confirmed)$", "", key) for key in QUESTIONS if key.startswith("goal_")
}
_NOT_EDITABLE = {"consent"}


def editable(key: str) -> bool:
    return key in QUESTIONS and key not in _NOT_EDITABLE and QUESTIONS[key].kind is not Kind.GOAL_CONFIRM


def _phrases() -> list[tuple[str, str]]:
    pairs = []
    for key, q in QUESTIONS.items():
        target = _EDIT_TARGET.get(key, key)
        for phrase in (q.label, key.replace("_", " "), *q.aliases):
            pairs.append((normalise_for_matching(phrase), target))
    return sorted(set(pairs), key=lambda p: len(p[0]), reverse=True)


# each name with its pattern, compiled once: the names are looked for in every message
_PHRASE_INDEX = [(phrase, key, re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")) for phrase, key in _phrases()]


def resolve_field(text: str, entity: str | None = None) -> str | None:
    """The question someone wants to change, from the NLU entity or their words."""
    by_text = _field_in_text(text)
    if entity:
        target = _EDIT_TARGET.get(entity, entity)
        if editable(target):
            # a longer name in the text is more specific than the entity: "my interest
            # profile" (the entity found "interests") means the profile
            if by_text and by_text[1] != target and len(by_text[0].split()) > 1:
                return by_text[1]
            return target
    return by_text[1] if by_text else None


def _field_in_text(text: str) -> tuple[str, str] | None:
    """(phrase, question) of the longest question name in the text."""
    norm = normalise_for_matching(text)
    for phrase, key, pattern in _PHRASE_INDEX:
        if phrase and phrase in norm and pattern.search(norm) and editable(key):
            return phrase, key
    return None


def previous_question(slots: Mapping[str, Any], requested: str | None) -> str | None:
    """The answer "go back" revises: the last answered question before the current one."""
    asked = [k for stage in STAGES for k in required_keys(stage, slots)]
    order = asked if requested is None or requested not in asked else asked[: asked.index(requested)]
    for key in reversed(order):
        target = _EDIT_TARGET.get(key, key)
        if slots.get(key) is not None and editable(target):
            return target
    return None


def edit_slots(key: str) -> dict[str, None]:
    """Slots cleared when an answer is edited: a goal takes its date and measure with it."""
    cleared = {key: None}
    if key in ("goal_short", "goal_medium", "goal_long"):
        cleared.update({f"{key}_due": None, f"{key}_measure": None, f"{key}_confirmed": None})
    if key == "review_frequency":
        cleared["next_review_date"] = None
    return cleared


# Questionnaires answered over many turns are redone in the answer editor, item by item;
# their progress so far is cleared first.
REDO_PROGRESS = {"interest_profile": "interest_responses", "skills_gap": "skill_levels"}


def redo_slots(key: str) -> dict[str, Any]:
    cleared: dict[str, Any] = {key: None, REDO_PROGRESS[key]: None}
    if key == "interest_profile":
        cleared["take_profiler"] = True
    return cleared


def recently_answered(slots: Mapping[str, Any], limit: int = 6) -> list[str]:
    keys = [k for k in answered_keys(slots) if editable(k)]
    return keys[-limit:]



_GO_BACK = re.compile(r"\b(?:back|undo|previous|last answer|mistake|change that|change it|wrong|i meant|meant to say|correction)\b", re.I)


def means_go_back(text: str) -> bool:
    """"Go back", "undo that", "sorry, I meant …": the answer just given is the one to change."""
    return bool(_GO_BACK.search(text))


# "my department is actually Customer Experience, not Support", "sorry I meant 5 years not 3",
# "change my role to team lead", "correction: finance team": the new value, without the old.
_NEW_VALUE = (
    re.compile(r"\b(?:is|was|are|'s)\s+(?:actually|really|in fact)\s+(?P<value>.+)$", re.I),
    re.compile(r"\b(?:i\s+)?meant(?:\s+to\s+say)?\s*:?\s+(?P<value>.+)$", re.I),
    re.compile(r"\bshould\s+(?:be|say|read)\s*:?\s+(?P<value>.+)$", re.I),
    re.compile(r"\bcorrection\s*[:,-]\s*(?P<value>.+)$", re.I),
    re.compile(r"\b(?:change|set|update|switch|make)\s+(?:my\s+|the\s+)?(?P<field>[\w\s'-]+?)\s+to\s*[:=]?\s+(?P<value>.+)$", re.I),
    re.compile(r"\b(?:put|enter|record|save|write|list)\s+(?:down\s+)?(?:my\s+|the\s+)?(?P<field>[\w\s'-]+?)\s+as\s*:?\s+(?P<value>.+)$", re.I),
    re.compile(r"^(?:please\s+)?(?:change|set|update|correct)\s+(?:my\s+|the\s+)?(?P<field>[\w\s'-]+?)\s*[:=]\s*(?P<value>.+)$", re.I),
    re.compile(r"\b(?:it'?s|it\s+is)\s+(?:actually|really)\s+(?P<value>.+)$", re.I),
)
_FIELD_BEFORE_VALUE = frozenset(_NEW_VALUE[4:7])  # change/set/put … : the question is named before the value
_FIELD_IS = re.compile(r"^(?:my|the)\s+[\w\s-]+?\s+(?:is|was|are)\s+(?P<value>.+)$", re.I)
_NOT_OLD = re.compile(r"(?:,|;|\s)\s*(?:and\s+)?not\s+(?:the\s+)?[^,;]+$|\s+instead(?:\s+of\s+.+)?$", re.I)


def corrected_value(text: str, key: str, *, marked: bool = False) -> str | None:
    """The new answer stated in a correction, or None when it names none. `marked`: only
    where the words say it is a correction ("actually", "I meant", "change … to") – "yes
    clearly, the department is growing" restates nothing."""
    restated = _RESTATED_ANYWHERE.search(text.strip())
    if restated and _in_a_clause(text.strip(), restated.start()):
        restated = None  # "tell me what the job is really like": a clause about something else, no restatement
    if restated and not marked and _field_in_text(restated.group("field")) == (normalise_for_matching(restated.group("field")), key):
        return _NOT_OLD.sub("", restated.group("value")).strip(" .,!;:\"'“”") or None
    for pattern in _NEW_VALUE:
        match = pattern.search(text.strip())
        if match and pattern in _FIELD_BEFORE_VALUE and not _names_just_the_field(match.group("field"), key):
            # "put teamwork as my top value", "switch teams to get more data work": the words between
            # the verb and "to"/"as" must be the question's name, nothing else
            continue
        if match and _in_a_clause(text.strip(), match.start()):
            continue
        if match:
            value = match.group("value")
            restated = _FIELD_IS.match(value.strip())
            if restated:
                value = restated.group("value")
            value = _NOT_OLD.sub("", value).strip(" .,!;:\"'“”")
            if value and len(value) <= 300:
                return value
    return None


_CLAUSE_WORDS = frozenset({"what", "how", "where", "who", "which", "why", "when", "whether", "if"})


def _in_a_clause(text: str, start: int) -> bool:
    """The words at `start` belong to a clause like "what the job is really like"."""
    return any(word.casefold() in _CLAUSE_WORDS for word in text[:start].split()[-3:])


def _names_just_the_field(words: str, key: str) -> bool:
    found = _field_in_text(words)
    return found is not None and found[1] == key and normalise_for_matching(words) == found[0]


_I_MEANT = re.compile(
    r"\b(?:i meant|i mean't|meant to say|correction\s*[:,-])|"
    # "wait i said 3 years, its actually 5", "X is wrong, change it to …"
    r"\bi (?:said|put|wrote|typed)\b.{1,60}\b(?:it'?s|it is|it was|should be) actually\b|"
    r"\b(?:wait|sorry|oops|no)[,.!]?\s+i (?:said|put|wrote|typed)\b.{1,40}[,;.]\s*(?:it'?s|its|it is|it was|should be|it should be)\b|"
    r"\b(?:is|was) wrong\b.{0,20}\b(?:change|make|put|update|set) it to\b",
    re.I,
)


_REJECTS_THE_OPTIONS = re.compile(r"^(?:no[,.]?\s+)?(?:none of (?:these|those|them|the above)|neither|not (?:these|those|any of (?:these|those|them)))\b", re.I)


# "my department is inbound" while another question is open: the whole message restates an
# earlier answer (checked against the answers given, so "my manager is supportive" at a
# question about relationships is that answer).
_RESTATED = r"(?:my|the)\s+(?P<field>[\w\s-]+?)\s+(?:is|was|are|should be)\s+(?:actually\s+|really\s+|in fact\s+)?(?P<value>.+)$"
_RESTATES = re.compile(r"^(?:(?:no|wait|sorry|oops|actually|hang on)[,.!]?\s+)*" + _RESTATED, re.I)
_RESTATED_ANYWHERE = re.compile(r"\b" + _RESTATED, re.I)


def names_another_answer(text: str, open_key: str | None, answered: Mapping[str, Any] | None = None) -> bool:
    """A correction of an earlier answer stated with its new value: "oh wait, my
    department is actually Customer Experience, not Support", "sorry, I meant 5 years",
    "change department to inbound", or "my dept is inbound" when the department was answered."""
    if _REJECTS_THE_OPTIONS.match(text.strip()):
        return False  # "none of these, I meant something like scrum master": the options just shown
    meant = _I_MEANT.search(text)
    if meant:
        # "no, I meant: I have an offer for the role": a word like "role" inside the new words
        # names no earlier answer – it is the open question's answer, put another way
        named_before = resolve_field(text[: meant.start()])
        return not (open_key is not None and named_before is None and resolve_field(text[meant.end():]) is not None)
    key = resolve_field(text)
    if key is None or key == open_key:
        return False
    if corrected_value(text, key, marked=True) is not None:
        return True
    restated = _RESTATES.match(text.strip())
    return bool(
        restated and answered is not None and answered.get(key) is not None
        and _field_in_text(restated.group("field")) is not None
        and normalise_for_matching(restated.group("field")) == _field_in_text(restated.group("field"))[0]  # type: ignore[index]
    )
