"""Two target roles side by side: how each fits the person's interests, how far each is
from their current skills and what it needs most, its preparation (job zone and
education), and the path that leads there from where they are now."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.careers.catalogue import Occupation, Suggestion
from bot.careers.conversation import EDUCATION_ZONE, two_targets
from bot.careers.paths import PATH_TYPES
from bot.conversation.messages import text as t
from bot.conversation.text import for_chat
from bot.counsel.known import Known

# "compare chief engineer and plant manager", "plant manager vs chief engineer", "chief engineer or plant manager – which?"
COMPARE = re.compile(
    r"^(?:(?:can|could|would) you |please |pls |help me |i'?d like to |i want to |let'?s )*(?:a )?"
    r"compar(?:e|ing|ison)\b(?: (?:between|of))?\s+(?!notes\b|prices\b)(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus|or)\s+(?P<b>.+?)"
    r"(?:\s+(?:for me|please|pls|roles?|jobs?))*\s*[?.!]*$|"
    r"^(?:should i (?:go for|become|aim for|choose|pick) )?(?P<a2>[\w ,&'/-]+?)\s+(?:vs\.?|versus)\s+(?P<b2>[\w ,&'/-]+?)\s*[?.!]*$",
    re.I,
)
# "can you compare the two?", "which one fits me better?": the person's own two targets
COMPARE_THEM = re.compile(
    r"\bcompar(?:e|ing)\s+(?:the two|both|them|these two|those two|my (?:two )?(?:options|targets|roles|choices))\b|"
    r"\bwhich (?:one|of the two|of them)\s+(?:fits|suits|is better for|would suit|would fit)\s+me\b",
    re.I,
)
_LEADING_ARTICLE = re.compile(r"^(?:an?|the|being an?|becoming an?)\s+", re.I)


# What people say they value, read as O*NET's six work values (element ids of Work Values)
_WORK_VALUE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1.B.2.a", re.compile(r"\b(achiev\w*|accomplish\w*|results?|good work|quality|craft\w*|master\w*|excellen\w*|impact|use my (?:skills|abilities|strengths))\b", re.I)),
    # not pay: O*NET's extent of "working conditions" is no salary figure, and must not read as one
    ("1.B.2.b", re.compile(r"\b(stab\w*|secur\w*|steady|conditions|work[- ]life(?: balance)?|balance|variety)\b", re.I)),
    ("1.B.2.c", re.compile(r"\b(recogni\w*|advanc\w*|promot\w*|career growth|status|prestige|leadership|authority|influence|respect)\b", re.I)),
    ("1.B.2.d", re.compile(r"\b(help(?:ing)? (?:people|others)|service|colleagues|teamwork|team|friendly|difference|ethic\w*|moral\w*|purpose)\b", re.I)),
    ("1.B.2.e", re.compile(r"\b(support\w*|fair\w*|good (?:manager|management|boss)|backing)\b", re.I)),
    ("1.B.2.f", re.compile(r"\b(autonom\w*|independen\w*|freedom|own decisions|creativ\w*|own ideas|flexib\w*)\b", re.I)),
)
# Constraints O*NET's files here cannot judge: schedules, shifts, travel, place
_SCHEDULE = re.compile(
    r"\b(nights?|shifts?|on[- ]call|weekends?|evenings?|hours|overtime|travel\w*|relocat\w*|move|commut\w*|part[- ]time|"
    r"childcare|kids|children|family|school run)\b",
    re.I,
)


@dataclass(frozen=True)
class ValueCompared:
    words: str  # the person's words for it ("stability, work-life balance")
    element: str  # O*NET's name ("Working Conditions")
    a: float | None  # extent 1-7 for each side
    b: float | None


@dataclass(frozen=True)
class Side:
    occupation: Occupation
    words: str  # the person's words for it
    interest_fit: float | None  # Pearson's r with the person's interest profile, or None without one
    alike: int | None  # % of the skill profile shared with the current occupation
    needs: tuple[str, ...]  # what it needs most that the current occupation needs less
    zone: int | None
    education: str | None
    path: str | None  # the path type from the current occupation that reaches it, with its reason


@dataclass(frozen=True)
class Comparison:
    sides: tuple[Side, Side]
    values: tuple[ValueCompared, ...] = ()  # what the person values, as O*NET rates each side
    constraint: str | None = None  # a constraint (shifts, travel) O*NET's data here cannot judge
    education_zone: int | None = None  # the job zone the person's own education reaches


def phrases_compared(text: str) -> tuple[str, str] | None:
    """The two roles named in "can you compare chief engineer and plant manager for me?"."""
    match = COMPARE.search(text.strip())
    if match is None:
        return None
    a, b = (match.group("a"), match.group("b")) if match.group("a") else (match.group("a2"), match.group("b2"))
    a = _LEADING_ARTICLE.sub("", re.sub(r"^(?:can you |could you |please )", "", a.strip(" ,"), flags=re.I))
    b = _LEADING_ARTICLE.sub("", b.strip(" ,"))
    return (a, b) if a and b else None


_SEPARATOR = re.compile(r"\s+(?:and|with|to|vs\.?|versus|or)\s+", re.I)
_AFTER_COMPARE = re.compile(r"\bcompar(?:e|ing|ison)\b(?:\s+(?:between|of))?\s+(?P<rest>.+)$", re.I | re.S)
# "which one fits me better given I can't do nights – chief engineer or plant manager?": the pair at the end
_PAIR_AT_THE_END = re.compile(r"(?:[–:—,-]|\bbetween\b)\s*(?P<rest>[^–:—,]+?\s+or\s+[^–:—,]+?)\s*[?.!]*$", re.I)
_TAIL = re.compile(r"\s+(?:for me|please|pls|roles?|jobs?|then)\s*$|[?.!]+$", re.I)


def named_pair(text: str, known: Known) -> tuple[tuple[str, Occupation], tuple[str, Occupation]] | None:
    """The two occupations a comparison question names, each read in the person's context.
    Every place the words could split is tried ("architectural and engineering managers with
    industrial production managers" splits at "with", not at the first "and"); "compare the
    two" means the person's own two targets."""
    spans = [m.group("rest") for m in (_AFTER_COMPARE.search(text), _PAIR_AT_THE_END.search(text.strip())) if m]
    named = phrases_compared(text)
    if named:
        spans.append(f"{named[0]} or {named[1]}")
    found: list[tuple[int, tuple[str, Occupation], tuple[str, Occupation]]] = []
    for span in spans:
        span = _TAIL.sub("", span.strip()).strip(" ,")
        for separator in _SEPARATOR.finditer(span):
            a = _LEADING_ARTICLE.sub("", span[: separator.start()].strip(" ,"))
            b = _LEADING_ARTICLE.sub("", _TAIL.sub("", span[separator.end():]).strip(" ,"))
            (first, sure_a), (second, sure_b) = _occupation(a, known), _occupation(b, known)
            if first is not None and second is not None and first.code != second.code:
                found.append((sure_a + sure_b, (a, first), (b, second)))
    if found:
        # the split whose both sides name an occupation surely ("architectural" alone is only a guess)
        best = max(found, key=lambda f: f[0])
        return best[1], best[2]
    if known.careers is not None and known.current is not None:
        for key in ("target_roles", "leaning_direction"):  # "compare the two": the person's own two
            roles = known.answer(key)
            two = two_targets(roles, known.careers, known.current) if roles else None
            if two:
                return two[0], two[1]
    return None


def _occupation(words: str, known: Known) -> tuple[Occupation | None, int]:
    """The occupation the words name in the person's context, and 1 when it is named surely."""
    careers = known.careers
    if careers is None or not words or len(words) > 80:
        return None, 0
    current = known.current
    if current is not None:
        understood = careers.understand_target(words, current)
        if understood.occupation is not None:
            return understood.occupation, 1
        if understood.choices:
            return understood.choices[0], 0
    resolution = careers.resolve(words)
    if resolution.confident and resolution.best:
        return careers.occupation(resolution.best.code), 1
    return None, 0


def compare(known: Known, first: tuple[str, Occupation], second: tuple[str, Occupation]) -> Comparison:
    paths: dict[str, list[Suggestion]] = {}  # built once for both sides
    sides = (_side(known, *first, paths), _side(known, *second, paths))
    education = known.slots.get("education")
    zone = EDUCATION_ZONE.get(education) if isinstance(education, str) else None
    return Comparison(sides, _values(known, first[1], second[1]), _constraint(known), zone)


def _values(known: Known, a: Occupation, b: Occupation) -> tuple[ValueCompared, ...]:
    """The person's values, each read as one of O*NET's work values, with how far each
    target satisfies it (O*NET's extent, 1–7)."""
    said = known.answer("values")
    if not said or known.careers is None:
        return ()
    catalogue = known.careers.catalogue
    found: list[ValueCompared] = []
    for element_id, words in _WORK_VALUE_WORDS:
        named = list(dict.fromkeys(m.group(0).lower() for m in words.finditer(said)))
        if not named:
            continue
        extent_a = catalogue.work_values.get(a.code, {}).get(element_id)
        extent_b = catalogue.work_values.get(b.code, {}).get(element_id)
        if extent_a is None and extent_b is None:
            continue
        element = catalogue.elements.get(element_id, (element_id, ""))[0]
        found.append(ValueCompared(", ".join(named[:2]), element, extent_a, extent_b))
    return tuple(found[:3])


def _constraint(known: Known) -> str | None:
    said = known.answer("constraints")
    return said if said and _SCHEDULE.search(said) else None


def _side(known: Known, words: str, occupation: Occupation, paths: dict[str, list[Suggestion]]) -> Side:
    assert known.careers is not None
    catalogue = known.careers.catalogue
    current = known.current
    fit = None
    profile = known.slots.get("interest_profile")
    if isinstance(profile, dict) and isinstance(profile.get("scores"), dict):
        fit = catalogue.interest_fit(profile["scores"], occupation.code)
    alike = None
    needs: list[str] = []
    path = None
    if current is not None:
        alike = round(catalogue.skill_similarity(current.code).get(occupation.code, 0.0) * 100)
        own = {q.element_id for q in catalogue.distinctive_skills(current.code, 8)}
        needs = [q.name for q in catalogue.distinctive_skills(occupation.code, 8) if q.element_id not in own][:3]
        chosen = known.slots.get("path_type")
        order = sorted(PATH_TYPES, key=lambda p: p != chosen)  # the person's own path type first
        for path_type in order:
            if path_type not in paths:
                paths[path_type] = catalogue.paths(current.code, path_type, limit=8, direction=None)
            steps = paths[path_type]
            step = next((s for s in steps if s.occupation.code == occupation.code), None)
            if step is not None:
                path = t(f"compare_path_{path_type}", reason=step.reason)
                break
    shares = catalogue.education_shares(occupation.code)
    education = f"{shares[0].description.split(' - ')[0]} ({shares[0].percent:.0f}%)" if shares else None
    return Side(occupation, words, fit, alike, tuple(needs), occupation.job_zone, education, path)


def comparison_text(comparison: Comparison) -> str:
    a, b = comparison.sides
    lines = [t("compare_intro", a=a.occupation.title, b=b.occupation.title)]
    if a.interest_fit is not None and b.interest_fit is not None:
        lines.append(t("compare_interests", a=_fit(a.interest_fit), b=_fit(b.interest_fit)))
    if a.alike is not None and b.alike is not None:
        lines.append(t("compare_alike", a=a.alike, b=b.alike))
    if a.needs or b.needs:
        lines.append(t("compare_needs", a=", ".join(a.needs) or "–", b=", ".join(b.needs) or "–"))
    lines.append(t("compare_preparation", a=_preparation(a), b=_preparation(b)))
    lines.append(t("compare_path", a=a.path or t("compare_path_far"), b=b.path or t("compare_path_far")))
    for value in comparison.values:
        lines.append(t("compare_value", words=for_chat(value.words, 40), element=value.element.lower(),
                       a=_extent(value.a), b=_extent(value.b)))
    if comparison.constraint:
        lines.append(t("compare_constraint", words=for_chat(comparison.constraint, 80)))
    lines.append(verdict(comparison))
    return "\n".join(lines)


def verdict(comparison: Comparison) -> str:
    """What a counselor would say after the table: which fits better on what is known, on
    which counts, and what is left for the person to find out."""
    a, b = comparison.sides
    ahead: tuple[list[str], list[str]] = ([], [])

    def count(first: float | None, second: float | None, margin: float, reason: str, higher_is_better: bool = True) -> None:
        if first is None or second is None or abs(first - second) < margin:
            return
        ahead[0 if (first > second) == higher_is_better else 1].append(reason)

    count(a.interest_fit, b.interest_fit, 0.15, t("verdict_interests"))
    count(a.alike, b.alike, 5, t("verdict_skills"))
    if comparison.education_zone is None or comparison.education_zone < max(a.zone or 0, b.zone or 0):
        count(a.zone, b.zone, 1, t("verdict_preparation"), higher_is_better=False)  # a master's degree needs no less preparation
    valued: tuple[list[str], list[str]] = ([], [])
    for value in comparison.values:
        if value.a is not None and value.b is not None and abs(value.a - value.b) >= 0.5:
            valued[0 if value.a > value.b else 1].append(for_chat(value.words, 40))
    for side, words in enumerate(valued):
        if words:  # one reason, however many values: "more of what you value (impact, autonomy)"
            ahead[side].append(t("verdict_value", words=", ".join(words)))
    if (a.path is None) != (b.path is None):
        ahead[0 if a.path else 1].append(t("verdict_path"))
    names = (for_chat(a.words, 40), for_chat(b.words, 40))
    if len(ahead[0]) != len(ahead[1]):
        leader = 0 if len(ahead[0]) > len(ahead[1]) else 1
        text = t("verdict_leader", role=names[leader], reasons=_and(ahead[leader]))
        if ahead[1 - leader]:
            text += " " + t("verdict_other", role=names[1 - leader], reasons=_and(ahead[1 - leader]))
    elif ahead[0]:
        text = t("verdict_split", a=names[0], a_reasons=_and(ahead[0]), b=names[1], b_reasons=_and(ahead[1]))
    else:
        text = t("verdict_close")
    decides = t("verdict_constraint", words=for_chat(comparison.constraint, 60)) if comparison.constraint else t("verdict_yours")
    return f"{t('verdict_label')} {text} {decides}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _extent(value: float | None) -> str:
    if value is None:
        return "–"
    word = t("compare_value_high") if value >= 5.5 else t("compare_value_some") if value >= 4 else t("compare_value_low")
    return f"{word} ({value:.1f} of 7)"


def _fit(r: float) -> str:
    return t("compare_fit_strong") if r >= 0.6 else t("compare_fit_fair") if r >= 0.3 else t("compare_fit_weak")


def _preparation(side: Side) -> str:
    zone = f"job zone {side.zone}" if side.zone else "job zone unknown"
    return f"{zone}, {side.education}" if side.education else zone


def compares_the_targets(text: str) -> bool:
    return bool(COMPARE_THEM.search(text))
