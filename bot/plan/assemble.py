"""Assembling the ten-part career plan (seed 000) from what the person said.

Input is the conversation's answers as slot values (bot.storage.slot_values of the stored
answers); each part takes the person's words, lightly structured, and adds what is derived
from them: the Holland code and interest profile (8), target roles and path type (2),
skills gaps and how to close them (9), goals with dates and their criteria (6, 7), the
review schedule and triggers (10).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from bot.conversation import dates
from bot.conversation.answers import SKIPPED, display_value
from bot.careers import gaps as gap_rules
from bot.careers.replies import ATTRIBUTION
from bot.plan.model import PART_TITLES, RIASEC_NAMES, CareerPlan, InterestProfile, Item, Milestone, Part, SkillGap
from bot.conversation.stages import GOAL_HORIZONS, QUESTIONS, ROLE_TITLES
from bot.conversation.text import clean_answer
from bot.conversation.messages import text
from bot.counsel import analysis
from bot.counsel.known import Known

if TYPE_CHECKING:
    from bot.careers.service import Careers

# How many review dates part 10 and the calendar list ahead.
REVIEWS_AHEAD = 4
_HORIZON_WORDS = {"short": "Short-term", "medium": "Medium-term", "long": "Long-term"}


def _given(slots: Mapping[str, Any], key: str) -> bool:
    value = slots.get(key)
    return value is not None and value != SKIPPED and value != "" and value != []


def _text(slots: Mapping[str, Any], key: str) -> str:
    return clean_answer(display_value(key, slots[key]))


def _label(key: str) -> str:
    label = QUESTIONS[key].label
    return label[0].upper() + label[1:]


def _items(slots: Mapping[str, Any], keys: Iterable[str]) -> list[Item]:
    return [Item(_label(k), _text(slots, k)) for k in keys if _given(slots, k)]


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def assemble(
    slots: Mapping[str, Any], version: int, generated_at: datetime, today: date, careers: "Careers | None" = None
) -> CareerPlan:
    """The plan from the answers; with the career database, Waypoint's own analysis is
    added to parts 2, 3, 5 and 9 (bot.counsel.analysis)."""
    known = Known(slots, careers, today)
    goals = _goals(slots)
    steps = _steps(slots)
    reviews = _reviews(slots, today)
    profile = _profile(slots)
    gaps, target_title = _gaps(slots)
    parts = (
        _part(1, _items(slots, ("situation", "current_role", "current_occupation", "department", "time_in_role",
                                "education", "expectations"))),
        _part(2, _direction(slots) + _analysis(analysis.recommendation(known))),
        _part(3, _items(slots, ("env_social", "env_economic", "env_technology")) + _analysis(analysis.target_facts(known))),
        _part(4, _items(slots, ("org_strategy", "org_opportunities", "org_relationships"))),
        _part(5, _people(slots, known)),
        _part(6, [Item(f"{_HORIZON_WORDS[h]} goal", _goal_line(g)) for h, g in goals.items()]),
        _part(7, [Item(f"{_HORIZON_WORDS[h]} goal", g["measure"]) for h, g in goals.items() if g.get("measure")]),
        _part(8, _conditions(slots, profile)),
        _part(9, _gap_items(slots, gaps, target_title, steps) + _analysis(analysis.target_needs(known))),
        _part(10, _revision(slots, reviews)),
    )
    milestones = [
        Milestone("goal", f"{_HORIZON_WORDS[h]} goal: {g['description']}", g["due"], g.get("measure") or "")
        for h, g in goals.items() if g.get("due")
    ]
    milestones += [Milestone("step", description, due) for description, due in steps]
    triggers = _text(slots, "review_triggers") if _given(slots, "review_triggers") else ""
    milestones += [Milestone("review", "Career plan review", day, triggers) for day in reviews]
    uses_onet = profile is not None or bool(gaps) or any(
        _given(slots, k) for k in ("current_occupation", "target_occupation")
    )
    return CareerPlan(
        version=version,
        generated_at=generated_at,
        parts=parts,
        interest_profile=profile,
        skill_gaps=tuple(gaps),
        target_title=target_title,
        milestones=tuple(sorted(milestones, key=lambda m: (m.due, m.kind))),
        attribution=ATTRIBUTION if uses_onet else None,
        language_hint=_language(parts),
    )


def _language(parts: tuple[Part, ...]) -> str:
    """"zh" when the person wrote in Chinese (page language for fonts and screen readers), else "en"."""
    text = "".join(item.text for part in parts for item in part.items)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")
    return "zh" if han and han * 4 >= len(text.replace(" ", "")) else "en"


def _part(number: int, items: list[Item]) -> Part:
    return Part(number, PART_TITLES[number - 1], tuple(items))


def _direction(slots: Mapping[str, Any]) -> list[Item]:
    items = _items(slots, ("career_direction", "path_type", "target_roles", "target_occupation", "leaning_direction"))
    principles = [
        f"{QUESTIONS[k].label.split(' (')[0]}: {_text(slots, k)}"
        for k in ("principle_preference", "principle_strength", "principle_value", "principle_development")
        if _given(slots, k)
    ]
    if principles:
        items.append(Item("Tested against the four principles", "; ".join(principles)))
    return items


def _analysis(lines: list[analysis.Line]) -> list[Item]:
    return [Item(line.label, line.text, by_waypoint=True) for line in lines]


def _people(slots: Mapping[str, Any], known: Known) -> list[Item]:
    items: list[Item] = []
    key_people = slots.get("key_people")
    roles: list[str] = key_people if isinstance(key_people, list) else []  # the chosen role codes
    suggestions = analysis.people_suggestions(known, roles)
    for role in roles:
        help_key, engage_key = f"person_{role}_help", f"person_{role}_engage"
        parts = []
        if _given(slots, help_key):
            parts.append(f"Can help by: {_text(slots, help_key)}")
        if _given(slots, engage_key):
            parts.append(f"How I'll engage them: {_text(slots, engage_key)}")
        name = ROLE_TITLES.get(role, role)
        items.append(Item(name[0].upper() + name[1:], " – ".join(parts) if parts else "named as someone who matters"))
        if role in suggestions:
            items.append(Item(f"{name[0].upper() + name[1:]}: {text('analysis_label_person')}", suggestions[role], by_waypoint=True))
    return items


def _goals(slots: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    goals: dict[str, dict[str, Any]] = {}
    for horizon in GOAL_HORIZONS:
        key = f"goal_{horizon}"
        if not _given(slots, key):
            continue
        goal: dict[str, Any] = {"description": _text(slots, key)}
        due = _iso(slots.get(f"{key}_due")) if _given(slots, f"{key}_due") else None
        if due:
            goal["due"] = due
        if _given(slots, f"{key}_measure"):
            goal["measure"] = _text(slots, f"{key}_measure")
        goals[horizon] = goal
    return goals


def _goal_line(goal: Mapping[str, Any]) -> str:
    when = f" – by {dates.format_date(goal['due'])}" if goal.get("due") else " – no date yet"
    return goal["description"] + when


def _steps(slots: Mapping[str, Any]) -> list[tuple[str, date]]:
    steps = slots.get("action_steps")
    if not isinstance(steps, list):
        return []
    found = []
    for step in steps:
        due = _iso(step.get("due")) if isinstance(step, Mapping) else None
        if due:
            found.append((clean_answer(str(step.get("description", ""))), due))
    return found


def _reviews(slots: Mapping[str, Any], today: date) -> list[date]:
    first = _iso(slots.get("next_review_date")) if _given(slots, "next_review_date") else None
    if first is None:
        return []
    try:
        months = int(slots.get("review_frequency") or 0)
    except (TypeError, ValueError):
        months = 0
    if months <= 0:
        return [first]
    return [dates.add_months(first, months * n) for n in range(REVIEWS_AHEAD)]


def _profile(slots: Mapping[str, Any]) -> InterestProfile | None:
    value = slots.get("interest_profile")
    if not isinstance(value, Mapping) or not value.get("code") or not value.get("scores"):
        return None
    return InterestProfile(str(value["code"]), {k: float(v) for k, v in value["scores"].items()})


def _conditions(slots: Mapping[str, Any], profile: InterestProfile | None) -> list[Item]:
    items = _items(slots, ("interests", "strengths", "values", "constraints"))
    if profile is not None:
        areas = ", ".join(RIASEC_NAMES.get(letter, letter) for letter in profile.code)
        scores = ", ".join(f"{RIASEC_NAMES[k]} {profile.scores[k]:g}" for k in RIASEC_NAMES if k in profile.scores)
        items.append(Item("Holland code (O*NET Interest Profiler)", f"{profile.code} – {areas}"))
        items.append(Item("Interest scores (0–40)", scores))
    return items


def _gaps(slots: Mapping[str, Any]) -> tuple[list[SkillGap], str | None]:
    value = slots.get("skills_gap")
    if not isinstance(value, Mapping):
        return [], None
    found = []
    for gap in gap_rules.gaps(value.get("ratings") or []):
        _means, words = gap_rules.development_means(gap.element_id)
        found.append(SkillGap(gap.skill, float(gap.required_level), gap.self_level, float(gap.importance), words))
    return found, (str(value["title"]) if value.get("title") else None)


def _gap_items(
    slots: Mapping[str, Any], gaps: list[SkillGap], target_title: str | None, steps: list[tuple[str, date]]
) -> list[Item]:
    items: list[Item] = []
    widest = sorted((g for g in gaps if g.gap > 0), key=lambda g: -g.gap * g.importance)
    for gap in widest:
        items.append(
            Item(
                gap.skill,
                f"you rated yourself {gap.self_level} of 7; {target_title or 'the target role'} needs about "
                f"{gap.needed} – close it through {gap.development}",
            )
        )
    if gaps and not widest:
        items.append(Item("Skills", f"your ratings meet what {target_title or 'the target role'} needs"))
    items += _second_target_gaps(slots)
    items += _items(slots, ("development_means",))
    if steps:
        by_date: dict[date, list[str]] = {}
        for step, due in sorted(steps, key=lambda t: t[1]):
            by_date.setdefault(due, []).append(step)
        items.append(Item("Action steps", "; ".join(f"{dates.format_date(d)}: {' and '.join(s)}" for d, s in by_date.items())))
    return items


def _second_target_gaps(slots: Mapping[str, Any]) -> list[Item]:
    """Both targets kept: the second's gaps, in the skills the first does not rate."""
    value = slots.get("skills_gap")
    if not isinstance(value, Mapping) or not isinstance(also := value.get("also"), Mapping) or not also.get("title"):
        return []
    title = str(also["title"])
    first = {g.element_id for g in gap_rules.gaps(value.get("ratings") or [])}
    rated = [g for g in gap_rules.gaps(also.get("ratings") or []) if g.self_level is not None and g.element_id not in first]
    items = []
    for gap in sorted((g for g in rated if g.gap > 0), key=lambda g: -g.priority):
        _means, words = gap_rules.development_means(gap.element_id)
        items.append(Item(f"{gap.skill} (for {title})", f"you rated yourself {gap.self_level} of 7; {title} needs about {gap.needed} – close it through {words}"))
    if rated and not items:
        items.append(Item(f"Skills (for {title})", f"your ratings meet what {title} needs"))
    return items


def _revision(slots: Mapping[str, Any], reviews: list[date]) -> list[Item]:
    items = _items(slots, ("review_frequency",))
    if reviews:
        items.append(Item("Review dates", ", ".join(dates.format_date(d) for d in reviews)))
    items += _items(slots, ("review_triggers",))
    return items
