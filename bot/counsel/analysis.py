"""What a counselor writes into the plan beside the person's answers: a reasoned
recommendation (part 2), the O*NET facts behind the target (part 3), a suggestion for each
person who matters (part 5), and the gaps in order with concrete means (part 9).

Every line is derived from the answers and the career database – never from chat filler –
and is labelled as Waypoint's, so the person can tell their words from the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.careers.catalogue import Occupation, area_names
from bot.careers.paths import GENERIC_KNOWLEDGE
from bot.conversation.messages import text as t
from bot.careers.conversation import two_targets
from bot.counsel.compare import compare, comparison_text
from bot.counsel.known import Known

PATH_WORDS = {
    "traditional": "a traditional path (up the ladder in your field)",
    "lateral": "a lateral path (across to neighbouring work at your level)",
    "network": "a network path (between jobs that share your skill profile)",
    "dual_ladder": "a dual ladder (a specialist track beside the management track)",
}
DIRECTION_WORDS = {
    "professional_technical": "professional-technical",
    "management": "management",
    "technical_management": "technical plus management",
    "operational": "operational",
}
_PRINCIPLES = (
    ("principle_preference", "you like it"),
    ("principle_strength", "it uses your strengths"),
    ("principle_value", "it serves what you value"),
    ("principle_development", "it leaves room to grow"),
)


@dataclass(frozen=True)
class Line:
    """One line of Waypoint's analysis for a part of the plan."""

    label: str
    text: str


def recommendation(known: Known) -> list[Line]:
    """Part 2: the direction and path chosen, and why they fit the interests, the four
    principles and the gaps – or what to look at again where they do not."""
    direction = known.slots.get("career_direction")
    path_type = known.slots.get("path_type")
    current = known.current
    roles = known.answer("target_roles")
    two = two_targets(roles, known.careers, current) if roles and current is not None and known.careers is not None else None
    target = " or ".join(words for words, _ in two) if two else known.target_words  # both kept: both named
    if not isinstance(direction, str) or direction not in DIRECTION_WORDS:
        return []
    what = f"A {DIRECTION_WORDS[direction]} direction"
    if isinstance(path_type, str) and path_type in PATH_WORDS:
        what += f" along {PATH_WORDS[path_type]}"
    if target:
        what += f", toward {target}"
    reasons: list[str] = []
    letters = known.profile_letters  # only a profile the person took says what interests them
    occupation = known.target
    if occupation is not None and occupation.interest_code and letters:
        shared = [letter for letter in letters[:3] if letter in occupation.interest_code]
        profile = known.slots.get("interest_profile")
        scores = profile.get("scores") if isinstance(profile, dict) else None
        fit = known.careers.catalogue.interest_fit(scores, occupation.code) if isinstance(scores, dict) and known.careers else None
        if fit is not None and fit < 0.3:
            shared = []  # a letter in common is no fit when the profiles as a whole disagree (as the comparison says)
        if shared:
            reasons.append(t("analysis_interests_fit", areas=", ".join(area_names("".join(shared))).lower(), title=occupation.title))
        else:
            reasons.append(t("analysis_interests_differ", areas=", ".join(area_names(letters[:2])).lower(), title=occupation.title))
    said = {key: str(known.slots.get(key) or "").casefold() for key, _ in _PRINCIPLES}
    held = [words for key, words in _PRINCIPLES if said[key].startswith("yes")]
    partly = [words for key, words in _PRINCIPLES if said[key].startswith("partly")]
    doubtful = [words for key, words in _PRINCIPLES if said[key].startswith("no")]
    if held:
        reasons.append(t("analysis_principles", held=_list(held)))
    if partly:
        reasons.append(t("analysis_principles_partly", partly=_list(partly)))
    if doubtful:
        reasons.append(t("analysis_principles_doubt", doubtful=_list(doubtful)))
    gaps = known.gaps
    if gaps:
        largest = [g.skill.lower() for g in gaps[:2]]
        reasons.append(t("analysis_gaps", gaps=_list(largest)))
    elif known.slots.get("skills_gap") and isinstance(known.slots.get("skills_gap"), dict):
        reasons.append(t("analysis_no_gaps"))
    lines = [Line(t("analysis_label_recommendation"), what + (" – " + "; ".join(reasons) if reasons else "") + ".")]
    if two is not None:
        # both targets stay in the plan, side by side
        compared = comparison_text(compare(known, two[0], two[1])).splitlines()
        lines.append(Line(t("analysis_label_comparison"), " ".join(line.lstrip("• ") + ("" if line.endswith(":") else ".") for line in compared[1:])))
    if current is not None and known.careers is not None and isinstance(path_type, str) and path_type in PATH_WORDS:
        steps = known.careers.catalogue.paths(
            current.code, path_type, limit=3, direction=direction, toward=occupation.code if occupation else None
        )
        targets = {o.code for _, o in two} if two else ({occupation.code} if occupation else set())
        others = [f"{s.occupation.title} ({s.reason})" for s in steps if s.occupation.code not in targets]
        if others:
            lines.append(Line(t("analysis_label_alternatives"), "; ".join(others[:3]) + "."))
    return lines


def target_facts(known: Known) -> list[Line]:
    """Part 3: what O*NET says about the target – technologies, preparation, education,
    related occupations."""
    if known.careers is None:
        return []
    catalogue = known.careers.catalogue
    lines: list[Line] = []
    targets = known.targets
    for occupation in targets:  # both targets kept: the facts of each
        technologies = catalogue.distinctive_technologies(occupation.code, 5)
        if technologies:
            lines.append(Line(t("analysis_label_technologies", title=occupation.title), ", ".join(technologies) + "."))
        zone = catalogue.job_zones.get(occupation.job_zone or 0)
        shares = catalogue.education_shares(occupation.code)
        if zone is not None:
            education = f" Most common education: {shares[0].description.split(' - ')[0]} ({shares[0].percent:.0f}%)." if shares else ""
            label = t("analysis_label_preparation_for", title=occupation.title) if len(targets) > 1 else t("analysis_label_preparation")
            lines.append(Line(label, f"{zone.name}.{education}"))
        # not the same job's industry variants (Biomass or Geothermal Plant Managers beside
        # Industrial Production Managers): they say nothing new to someone outside those industries
        base = occupation.code[:7]
        related = [
            o for o in catalogue.similar(occupation.code, 10)
            if o.code not in {x.code for x in targets} and (o.code[:7] != base or (known.current is not None and known.current.code[:7] == base))
        ][:4]
        if related:
            lines.append(Line(t("analysis_label_related", title=occupation.title), ", ".join(o.title for o in related) + "."))
    return lines


def people_suggestions(known: Known, roles: list[str]) -> dict[str, str]:
    """Part 5: a countermeasure or suggestion for each person who matters."""
    target = known.target_words or t("suggest_next_role")
    gap = known.gaps[0].skill.lower() if known.gaps else t("suggest_main_gap")
    def key(role: str) -> str:
        return f"analysis_person_{role}" + ("_evenings_taken" if role == "family" and known.evenings_taken else "")

    return {role: t(key(role), role=target, skill=gap) for role in roles if f"analysis_person_{role}" in _KNOWN_ROLES}


_KNOWN_ROLES = {f"analysis_person_{r}" for r in ("manager", "mentor", "hr", "peers", "family")}


def target_needs(known: Known) -> list[Line]:
    """Part 9, beside the rated skills: the target's main knowledge areas and the
    technologies it asks for, from O*NET."""
    if known.careers is None:
        return []
    catalogue = known.careers.catalogue
    lines: list[Line] = []
    targets = known.targets
    for occupation in targets:  # both targets kept: what each needs
        knowledge = [
            q.name for q in catalogue.distinctive_skills(occupation.code, 6, kind="knowledge") if q.element_id not in GENERIC_KNOWLEDGE
        ][:3]
        technologies = catalogue.distinctive_technologies(occupation.code, 4)
        if knowledge:
            lines.append(Line(t("analysis_label_knowledge", title=occupation.title), ", ".join(knowledge) + "."))
        if technologies:
            label = t("analysis_label_tools_for", title=occupation.title) if len(targets) > 1 else t("analysis_label_tools")
            lines.append(Line(label, ", ".join(technologies) + "."))
        education = _education_gap(known, occupation)
        if education is not None:
            lines.append(education)
    return lines


# The person's education (the question's choices) on O*NET's scale of required level (RL 1-12)
_EDUCATION_LEVEL = {"secondary": 2, "vocational": 3, "bachelor": 6, "master": 8, "doctorate": 11}


def _education_gap(known: Known, occupation: Occupation) -> Line | None:
    """Most people in the target hold more education than the person: say so, with what to ask."""
    own = _EDUCATION_LEVEL.get(str(known.slots.get("education") or ""))
    found = known.careers.catalogue.most_common_education(occupation.code) if known.careers else None
    if own is None or found is None or found[0] <= own or found[2] < 40:
        return None  # no majority holding more: experience usually counts
    category, description, percent = found
    return Line(t("analysis_label_education", title=occupation.title),
                t("analysis_education_gap", education=description.split(" - ")[0].split(" (")[0].lower(), percent=f"{percent:.0f}"))


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
