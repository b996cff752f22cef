"""Suggestions a counselor would offer for an open question: 2–4 concrete options built
from what Waypoint knows about this person (bot.counsel.known), each a possible answer
the person can choose with one tap or put in their own words.

`offer_for(key, known)` returns None when there is nothing personal enough to offer;
the conversation then falls back to the question's example answer.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from bot.careers import gaps as gap_rules
from bot.conversation.dates import add_months
from bot.conversation.messages import text as t
from bot.counsel.known import Known

MAX_OPTIONS = 4
LABEL_LENGTH = 70  # a button shows this much (Slack cuts button text at 75)


@dataclass(frozen=True)
class Option:
    text: str  # the answer as it is stored and shown in the plan
    label: str = ""  # the button's words, when shorter than the answer

    @property
    def button(self) -> str:
        words = self.label or self.text
        if len(words) <= LABEL_LENGTH:
            return words
        cut = words[: LABEL_LENGTH - 1]
        return cut[: cut.rfind(" ")].rstrip(" ,;:–-") + "…" if " " in cut else cut + "…"


@dataclass(frozen=True)
class Offer:
    intro: str  # what the counselor says before the options
    options: tuple[Option, ...]
    on_yes: str | None = None  # the answer a plain "yes, that fits" gives (all the options)
    source: str = ""  # where the options come from, for the plan and the tests ("onet", "answers", "common")
    extra: dict[str, str] = field(default_factory=dict)


def month_year(day: date) -> str:
    return f"{calendar.month_name[day.month]} {day.year}"


def _end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _in_months(known: Known, months: int) -> date:
    return _end_of_month(add_months(known.today, months))


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _offer(intro: str, options: list[Option], **kwargs: object) -> Offer | None:
    unique: list[Option] = []
    for option in options:
        if option.text and all(option.text.casefold() != o.text.casefold() for o in unique):
            unique.append(option)
    if len(unique) < 2:
        return None
    return Offer(intro, tuple(unique[:MAX_OPTIONS]), **kwargs)  # type: ignore[arg-type]


def _common(key: str) -> Callable[[Known], Offer | None]:
    """Options any counselor would name for this question (nothing about the person is
    known yet that would change them): from the message catalogue."""

    def build(known: Known) -> Offer | None:
        options = [Option(o) for o in t(f"suggest_{key}_options").split("|")]
        return _offer(t(f"suggest_{key}_intro"), options, source="common")

    return build


# ---- who the person is -----------------------------------------------------------------


def _strengths(known: Known) -> Offer | None:
    current = known.current
    if current is None or known.careers is None:
        return None
    skills = known.careers.catalogue.distinctive_skills(current.code, 3)
    if len(skills) < 2:
        return None
    options = [Option(f"{q.name} – {_lower_first(q.description.rstrip('.'))}", q.name) for q in skills]
    names = [q.name.lower() for q in skills]
    return _offer(
        t("suggest_strengths_intro", title=current.title, skills=_list(names)),
        options,
        on_yes=_list([q.name for q in skills]),
        source="onet",
    )


def _interests(known: Known) -> Offer | None:
    if known.careers is None:
        return None
    letters = known.interest_letters
    activities: list[str] = []
    for letter in letters[:3]:
        for activity in known.careers.catalogue.area_words(letter).get("activity", [])[:1]:
            activities.append(activity)
    current = known.current
    if len(activities) < 2 or current is None:
        return None
    return _offer(t("suggest_interests_intro", title=current.title), [Option(a) for a in activities], source="onet")


_VALUE_OF_AREA = {  # what people with interests in each area often say matters to them
    "R": "suggest_value_R",
    "I": "suggest_value_I",
    "A": "suggest_value_A",
    "S": "suggest_value_S",
    "E": "suggest_value_E",
    "C": "suggest_value_C",
}


def _values(known: Known) -> Offer | None:
    letters = known.interest_letters
    if len(letters) < 2:
        return _common("values")(known)
    options = [Option(t(_VALUE_OF_AREA[letter])) for letter in letters[:3] if letter in _VALUE_OF_AREA]
    profile = known.slots.get("interest_profile")
    current = known.current
    if isinstance(profile, dict) and profile.get("code") or current is None:
        intro = t("suggest_values_personal_intro")
    else:
        intro = t("suggest_values_work_intro", title=current.title)
    return _offer(intro, options, source="onet")


def _env_technology(known: Known) -> Offer | None:
    occupation = known.current or known.target
    if occupation is None or known.careers is None:
        return None
    technologies = known.careers.catalogue.distinctive_technologies(occupation.code, 3)
    if len(technologies) < 2:
        return None
    options = [Option(t("suggest_technology_option", technology=name), name) for name in technologies]
    return _offer(
        t("suggest_env_technology_intro", title=occupation.title, technologies=_list(technologies)),
        options,
        on_yes=t("suggest_technology_all", technologies=_list(technologies)),
        source="onet",
    )


def _org_opportunities(known: Known) -> Offer | None:
    current = known.current
    if current is None or known.careers is None:
        return None
    steps = known.careers.catalogue.neighbours(current.code, 3)
    options = [Option(t("suggest_opportunity_move", title=o.title), o.title) for o in steps]
    options.append(Option(t("suggest_opportunity_programme")))
    return _offer(t("suggest_org_opportunities_intro", title=current.title), options, source="onet")


def _leaning_direction(known: Known) -> Offer | None:
    current = known.current
    if current is None or known.careers is None:
        return None
    options = [Option(t("suggest_leaning_option", title=o.title), o.title) for o in known.careers.catalogue.neighbours(current.code, 3)]
    manager = known.careers.catalogue.managers_of(current.code, 1)
    if manager:
        options.append(Option(t("suggest_leaning_lead", title=manager[0].title), manager[0].title))
    return _offer(t("suggest_leaning_direction_intro", title=current.title), options, source="onet")


def _expectations(known: Known) -> Offer | None:
    leaning = known.answer("leaning_direction") or known.target_words
    options = [Option(o) for o in t("suggest_expectations_options").split("|")]
    if leaning:
        options.insert(0, Option(t("suggest_expectations_move", role=leaning)))
    return _offer(t("suggest_expectations_intro"), options, source="answers" if leaning else "common")


# The direction people with each interest area most often grow in (Holland's types and the
# four directions of the counseling model): a suggestion, never a verdict.
_DIRECTION_OF_AREA = {"R": "operational", "I": "professional_technical", "A": "professional_technical",
                      "S": "management", "E": "management", "C": "operational"}
_DIRECTION_TITLES = {
    "professional_technical": "Professional-technical", "management": "Management",
    "technical_management": "Technical plus management", "operational": "Operational skills",
}
_PATH_OF_DIRECTION = {
    "management": ("traditional", "dual_ladder"),
    "technical_management": ("dual_ladder", "traditional"),
    "professional_technical": ("dual_ladder", "network"),
    "operational": ("lateral", "network"),
}
_PATH_TITLES = {"traditional": "Traditional", "network": "Network", "lateral": "Lateral", "dual_ladder": "Dual ladder"}


def _career_direction(known: Known) -> Offer | None:
    """The directions the person's interests point to, the likeliest first, with why."""
    letters = known.interest_letters
    if len(letters) < 2:
        return None
    first, second = _DIRECTION_OF_AREA.get(letters[0]), _DIRECTION_OF_AREA.get(letters[1])
    ordered = [d for d in (first, second) if d]
    if first and second and first != second and {first, second} & {"management"}:
        ordered.insert(0, "technical_management")  # a specialist who also leads: both at once
    options = [Option(_DIRECTION_TITLES[d]) for d in dict.fromkeys(ordered)]
    from bot.careers.catalogue import area_names

    areas = ", ".join(area_names(letters[:2])).lower()
    if known.profile_letters:
        intro = t("suggest_career_direction_profile", areas=areas)
    else:  # not the person's interests: those usual in their work
        intro = t("suggest_career_direction_work", areas=areas, title=known.current.title if known.current else "")
    return _offer(intro, options, source="onet")


def _path_type(known: Known) -> Offer | None:
    direction = known.slots.get("career_direction")
    if not isinstance(direction, str) or direction not in _PATH_OF_DIRECTION:
        return None
    options = [Option(_PATH_TITLES[p]) for p in _PATH_OF_DIRECTION[direction]]
    return _offer(t("suggest_path_type_intro", direction=_DIRECTION_TITLES[direction].lower()), options, source="answers")


def _target_roles(known: Known) -> Offer | None:
    if known.careers is None:
        return None
    from bot.careers.conversation import role_suggestions

    _, offered = role_suggestions(known.slots, known.careers)
    options = [Option(s.occupation.title) for s in offered]
    return _offer(t("suggest_target_roles_intro"), options, source="onet")


# ---- goals -----------------------------------------------------------------------------

_GOAL_MONTHS = {"short": 6, "medium": 24, "long": 48}


def _goal(horizon: str) -> Callable[[Known], Offer | None]:
    def build(known: Known) -> Offer | None:
        target = known.target_words
        second = known.second_target_words
        gaps = known.gaps
        when = _in_months(known, _GOAL_MONTHS[horizon])
        by = month_year(when)
        options: list[Option] = []
        if horizon == "short":
            for gap in gaps[:2]:
                options.append(Option(
                    t("suggest_goal_close_gap", skill=gap.skill.lower(), means=gap_rules.means_short(gap.element_id), by=by),
                    t("suggest_goal_close_gap_label", skill=gap.skill.lower(), by=by),  # the date stays in view on a button
                ))
            if target:
                options.append(Option(t("suggest_goal_try_out", role=target, by=by)))
            if second:  # both targets kept: try out the other one too
                options.append(Option(t("suggest_goal_try_out", role=second, by=by)))
        elif horizon == "medium":
            if target:
                options.append(Option(t("suggest_goal_move", role=target, by=by)))
            if second:
                options.append(Option(t("suggest_goal_move", role=second, by=by)))
            if target:
                options.append(Option(t("suggest_goal_ready", role=target, by=month_year(_in_months(known, 18)))))
        else:
            manager = None
            if known.careers is not None and known.target is not None:
                found = known.careers.catalogue.managers_of(known.target.code, 1)
                manager = found[0].title if found and found[0].code != known.target.code else None
            if target:
                options.append(Option(t("suggest_goal_senior", role=target, by=by)))
                options.append(Option(t("suggest_goal_mentor", role=target, by=by)))
            if manager:
                options.append(Option(t("suggest_goal_lead", title=manager, by=by)))
        if len(options) < 2:
            return None
        return _offer(t(f"suggest_goal_{horizon}_intro"), options, source="onet" if gaps else "answers")

    return build


def _goal_due(horizon: str) -> Callable[[Known], Offer | None]:
    spans = {"short": (3, 6, 12), "medium": (18, 24, 36), "long": (48, 60)}

    def build(known: Known) -> Offer | None:
        options = [Option(t("suggest_due_option", when=month_year(_in_months(known, m)))) for m in spans[horizon]]
        return _offer(t("suggest_due_intro"), options, source="date")

    return build


_TRY_OUT = re.compile(r"\b(try out|trial|test|taste|explore|shadow|find out|decide)\b", re.I)
_COURSE = re.compile(r"\b(course|certificate|certification|qualification|degree|diploma|training|exam|class|mba|licen[cs]e)\b", re.I)
_ROLE_MOVE = re.compile(r"\b(role|job|position|move|become|promot\w*|work as|lead|manager|head of|senior)\b", re.I)
_PROJECT = re.compile(r"\b(project|release|launch|deliver|build|implement|automate|run)\b", re.I)
_SKILL = re.compile(r"\b(skill|learn|improve|get better|practi[cs]e|close)\b", re.I)


def _goal_measure(horizon: str) -> Callable[[Known], Offer | None]:
    """Checkable outcomes for the goal: something the person could point to."""

    def build(known: Known) -> Offer | None:
        goal = known.answer(f"goal_{horizon}") or ""
        if not goal:
            return None
        options: list[Option] = []
        if _TRY_OUT.search(goal):
            options += [Option(t("suggest_measure_tried")), Option(t("suggest_measure_decided"))]
        elif _COURSE.search(goal):
            options += [Option(t("suggest_measure_certificate")), Option(t("suggest_measure_applied"))]
        if _ROLE_MOVE.search(goal) and not _TRY_OUT.search(goal):
            if horizon == "long":  # years ahead: being established in the role, not just the offer
                options += [Option(t("suggest_measure_established")), Option(t("suggest_measure_leading"))]
            options += [Option(t("suggest_measure_offer")), Option(t("suggest_measure_first_months"))]
        if _PROJECT.search(goal):
            options += [Option(t("suggest_measure_delivered")), Option(t("suggest_measure_feedback"))]
        if _SKILL.search(goal) or len(options) < 2:
            options += [Option(t("suggest_measure_review")), Option(t("suggest_measure_on_my_own"))]
        # a criterion already chosen for another goal says nothing new about this one
        others = {str(known.answer(f"goal_{h}_measure") or "").casefold() for h in _GOAL_MONTHS if h != horizon}
        options = [o for o in options if o.text.casefold() not in others]
        if len(options) < 2:
            options += [Option(t("suggest_measure_review")), Option(t("suggest_measure_on_my_own"))]
        return _offer(t("suggest_measure_intro"), [o for o in options if o.text.casefold() not in others], source="answers")

    return build


# ---- the action plan ---------------------------------------------------------------------


def _steps(known: Known) -> Offer | None:
    """Dated steps from the largest gaps and the ways each is usually developed, all before
    the first goal's date."""
    target = known.target_words
    deadline = known.due("short") or _in_months(known, 6)
    options: list[Option] = []
    month = 1
    # both targets kept: the first's largest gap and the second's own largest one
    largest = known.gaps[:1] + known.second_gaps[:1] if known.second_gaps else known.gaps[:2]
    for gap in largest:
        when = min(_in_months(known, month), deadline)
        options.append(Option(t(f"suggest_step_{gap_rules.means_group(gap.element_id)}", skill=gap.skill.lower(), by=_day(when))))
        month += 1
    if target:
        options.append(Option(t("suggest_step_shadow", role=target, by=_day(min(_in_months(known, month), deadline)))))
        month += 1
    options.append(Option(t("suggest_step_manager", by=_day(min(_in_months(known, 0), deadline)))))
    options.sort(key=lambda o: _date_in(o.text))
    if len(options) >= 2:
        together = "; ".join(o.text for o in options[:3])
        options.insert(0, Option(together, t("suggest_steps_all")))
    return _offer(t("suggest_action_steps_intro"), options, source="onet" if known.gaps else "answers")


def _day(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _date_in(text: str) -> tuple[int, int, int]:
    match = re.search(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})", text)
    if not match:
        return (9999, 0, 0)
    month = list(calendar.month_name).index(match.group(2)) if match.group(2) in calendar.month_name else 0
    return (int(match.group(3)), month, int(match.group(1)))


def _person(role: str, part: str) -> Callable[[Known], Offer | None]:
    def build(known: Known) -> Offer | None:
        target = known.target_words or t("suggest_next_role")
        gap = known.gaps[0].skill.lower() if known.gaps else t("suggest_main_gap")
        key = f"suggest_{role}_{part}_options"
        if role == "family" and known.evenings_taken:
            key += "_evenings_taken"  # "no evenings – the kids": nothing that asks for them
        options = [Option(o.format(role=target, skill=gap)) for o in t(key).split("|")]
        return _offer(t(f"suggest_person_{part}_intro"), options, source="answers")

    return build


BUILDERS: dict[str, Callable[[Known], Offer | None]] = {
    "situation": _common("situation"),
    "expectations": _expectations,
    "interests": _interests,
    "strengths": _strengths,
    "values": _values,
    "constraints": _common("constraints"),
    "org_strategy": _common("org_strategy"),
    "org_opportunities": _org_opportunities,
    "org_relationships": _common("org_relationships"),
    "env_social": _common("env_social"),
    "env_economic": _common("env_economic"),
    "env_technology": _env_technology,
    "leaning_direction": _leaning_direction,
    "career_direction": _career_direction,
    "path_type": _path_type,
    "target_roles": _target_roles,
    "action_steps": _steps,
    "review_triggers": _common("review_triggers"),
    **{f"goal_{h}": _goal(h) for h in _GOAL_MONTHS},
    **{f"goal_{h}_due": _goal_due(h) for h in _GOAL_MONTHS},
    **{f"goal_{h}_measure": _goal_measure(h) for h in _GOAL_MONTHS},
    **{f"person_{r}_{p}": _person(r, p) for r in ("manager", "mentor", "hr", "peers", "family") for p in ("help", "engage")},
}


def offer_for(key: str, known: Known) -> Offer | None:
    """2–4 suggestions for question `key`, or None when there is nothing to offer."""
    build = BUILDERS.get(key)
    return build(known) if build else None
