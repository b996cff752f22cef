"""What the bot says about careers: interest profiles, suggestions, paths, skills gaps and
answers to "what does a ... do?". Plain text for chat; user text never appears here
unescaped (titles and tasks come from O*NET)."""

from __future__ import annotations

from typing import Sequence

from bot.careers import gaps as gap_rules
from bot.careers.catalogue import Catalogue, Occupation, ProfilerItem, Suggestion, area_names
from bot.careers.profiler import BATCH_SIZE, MAX_SCORE, Profile
from bot.careers.riasec import AREAS, AREA_BY_LETTER

EXPLORATION_NOTE = (
    "This is for exploring, not a test: O*NET's Interest Profiler shows what kinds of work "
    "you may enjoy, and is never a basis for selection or placement decisions."
)
# O*NET's credit wherever its data is shown (onet/NOTICE.md has the full text).
ATTRIBUTION = "Career information from O*NET 29.3 (USDOL/ETA), used under CC BY 4.0."


def profiler_intro(total: int) -> str:
    return (
        f"O*NET's Interest Profiler lists {total} short work activities. For each, tell me how you'd "
        "feel doing it – from “Strongly dislike” to “Strongly like”. Don't think about pay or training, "
        f"just whether you'd enjoy it. It takes about five minutes, in batches of {BATCH_SIZE}; you can "
        "say “skip” for one activity, “stop” to finish early, and if you leave, we continue where you stopped. "
        f"{EXPLORATION_NOTE}\nShall we do it?"
    )


def profiler_stop_warning(rated: int, per_area: int) -> str:
    return (
        f"You've rated {rated} activities so far. To score your interest profile I need at least {per_area} in each of "
        "the six areas, so if we stop now it will be left out of your plan. Say “stop” again to leave it out, "
        "or rate the next activity to carry on."
    )


def profiler_item_prompt(item: ProfilerItem, position: int, total: int) -> str:
    batch, batches = (position - 1) // BATCH_SIZE + 1, (total + BATCH_SIZE - 1) // BATCH_SIZE
    head = ""
    if position > 1 and (position - 1) % BATCH_SIZE == 0:
        head = f"Batch {batch - 1} of {batches} done – {total - position + 1} to go. Your answers are kept.\n"
    return (
        f"{head}Interest profiler · {position} of {total} (batch {batch} of {batches})\n"
        f"How would you feel about this: “{item.text}”?\n"
        "(You can also type 1–5.)"
    )


def _area_line(letter: str, profile: Profile, catalogue: Catalogue) -> str:
    area = AREA_BY_LETTER[letter]
    words = catalogue.area_words(letter)
    keywords = ", ".join(w.lower() for w in (words.get("action", [])[:4] + words.get("object", [])[:3]))
    activity = (words.get("activity") or [""])[0]
    line = f"• {area.name} ({profile.scores[letter]:g}/{MAX_SCORE}): {area.plain}."
    if keywords:
        line += f" O*NET's words for it: {keywords}."
    if activity:
        line += f" For example: “{activity}”."
    return line


def profile_text(profile: Profile, catalogue: Catalogue) -> str:
    if not profile.scored and profile.too_few_answers:
        return (
            "There aren't enough answers to score your interest profile (each area needs at least five), "
            "so I'll leave it out – you can still explore every path."
        )
    if not profile.scored:
        return (
            "Your answers came out the same for all six areas, so no kind of work stands out yet – "
            "that happens, and it's fine. We'll explore paths from your experience instead; you can "
            "redo the profiler any time (“change my interest profile”)."
        )
    ranked = sorted(AREAS, key=lambda a: -profile.scores[a.letter])
    scores = ", ".join(f"{a.name} {profile.scores[a.letter]:g}" for a in ranked)
    names = ", ".join(area_names(profile.code))
    lines = [
        f"Your interest profile: {scores} (each out of {MAX_SCORE}).",
        f"Your Holland code is {profile.code} – {names}. In plain words:",
        *[_area_line(letter, profile, catalogue) for letter in profile.code],
        EXPLORATION_NOTE,
        ATTRIBUTION,
    ]
    return "\n".join(lines)


def suggestion_line(number: int, s: Suggestion) -> str:
    o = s.occupation
    parts = [f"{number}. {o.title}" + (f" (job zone {o.job_zone})" if o.job_zone else "")]
    if s.reason:
        parts.append(f"   why: {s.reason}")
    if s.shared_areas:
        parts.append(f"   shares your {', '.join(area_names(''.join(s.shared_areas)))} interests")
    if s.tasks:
        parts.append(f"   e.g. {s.tasks[0]}")
    if s.hot_technologies:
        parts.append(f"   hot technologies: {', '.join(s.hot_technologies)}")
    return "\n".join(parts)


def suggestions_text(suggestions: Sequence[Suggestion], zones: Sequence[int] | None) -> str:
    if not suggestions:
        return "I found no occupations to suggest for that profile."
    where = f" at job zones {' and '.join(str(z) for z in zones)} (your level and the next)" if zones else ""
    lines = [f"Occupations that fit your interests{where}:"]
    lines += [suggestion_line(i, s) for i, s in enumerate(suggestions, 1)]
    return "\n".join(lines)


PATH_NAMES = {
    "traditional": "traditional path (up the ladder in your field)",
    "lateral": "lateral path (across to related work at your level)",
    "network": "network path (jobs that share most of your skill profile)",
    "dual_ladder": "dual ladder (a specialist track beside the management track)",
}


def paths_text(start: Occupation, path_type: str, steps: Sequence[Suggestion]) -> str:
    name = PATH_NAMES.get(path_type, path_type)
    if not steps:
        return f"O*NET has no {name} steps from {start.title}; name the role you have in mind."
    lines = [f"From {start.title}, a {name} could lead to:"]
    lines += [suggestion_line(i, s) for i, s in enumerate(steps, 1)]
    return "\n".join(lines)


def describe(occupation: Occupation, catalogue: Catalogue) -> str:
    tasks = catalogue.example_tasks(occupation.code, 3)
    lines = [f"{occupation.title}: {occupation.description}"]
    if tasks:
        lines.append("Typical tasks:")
        lines += [f"• {t}" for t in tasks]
    if occupation.job_zone and occupation.job_zone in catalogue.job_zones:
        lines.append(f"Preparation: {catalogue.job_zones[occupation.job_zone].name}.")
    return "\n".join(lines)


def _source_note(code: str, source: str | None, catalogue: Catalogue) -> str:
    closest = catalogue.get(source) if source and source != code else None
    if closest:
        return f" (O*NET has not rated this occupation yet; these figures are for {closest.title}, the closest related one)"
    return ""


def skills_answer(occupation: Occupation, catalogue: Catalogue) -> str:
    skills = catalogue.top_skills(occupation.code, 6)
    knowledge = catalogue.top_skills(occupation.code, 4, kind="knowledge")
    if not skills:
        return f"O*NET has no skill ratings for {occupation.title}."
    note = _source_note(occupation.code, catalogue.requirement_source(occupation.code), catalogue)
    lines = [f"The most important skills for {occupation.title}{note}:"]
    lines += [f"• {q.name} – importance {q.importance:.1f}/5, level {q.level:.1f}/7" for q in skills]
    if knowledge:
        lines.append("Knowledge: " + ", ".join(q.name for q in knowledge) + ".")
    hot = catalogue.hot_technologies(occupation.code, 5)
    if hot:
        lines.append("Hot technologies: " + ", ".join(hot) + ".")
    return "\n".join(lines)


def similar_answer(occupation: Occupation, catalogue: Catalogue) -> str:
    related = catalogue.related_occupations(occupation.code, 6)
    if not related:
        return f"O*NET lists no occupations related to {occupation.title}."
    lines = [f"Occupations related to {occupation.title}:"]
    lines += [f"• {o.title}" + (f" (job zone {o.job_zone})" if o.job_zone else "") for o in related]
    return "\n".join(lines)


def education_answer(occupation: Occupation, catalogue: Catalogue) -> str:
    shares = catalogue.education_shares(occupation.code, "RL")
    note = _source_note(occupation.code, catalogue.education_source(occupation.code), catalogue)
    lines = []
    if shares:
        lines.append(f"Education of people working as {occupation.title}{note}:")
        lines += [f"• {s.description.split(' - ')[0]}: {s.percent:.0f}%" for s in shares[:4]]
    zone = catalogue.job_zones.get(occupation.job_zone or 0)
    if zone:
        lines.append(f"{zone.name}. {zone.education}")
        lines.append(f"Experience: {zone.experience}")
    return "\n".join(lines) if lines else f"O*NET has no education data for {occupation.title}."


def skill_prompt(occupation: Occupation, skill: dict, position: int, total: int, catalogue: Catalogue) -> str:
    anchors = catalogue.skill_anchors(skill["element_id"])
    description = catalogue.elements.get(skill["element_id"], ("", ""))[1]
    lines = [
        f"Skills gap for {occupation.title} · {position} of {total}: {skill['skill']}"
        + (f" – {description.rstrip('.')}." if description else ""),
        f"{occupation.title} need about level {gap_rules.whole_level(skill['required_level'])} of 7. Where are you today (0–7)?",
    ]
    # O*NET's lowest examples ("sell cakes at a bake sale") read as talking down to people with
    # years of work behind them: the working and expert levels say where the scale goes
    shown = {lvl: text for lvl, text in anchors.items() if lvl >= 3} if sum(lvl >= 3 for lvl in anchors) >= 2 else anchors
    if shown:
        lines.append("For reference: " + "; ".join(f"level {lvl} – {text}" for lvl, text in sorted(shown.items())) + ".")
    source = catalogue.get(catalogue.requirement_source(occupation.code) or "")
    if position == 1 and source is not None and source.code != occupation.code:
        lines.append(
            f"(O*NET has not rated {occupation.title} yet; these levels are those of {source.title}, "
            "the closest related occupation.)"
        )
    return "\n".join(lines)


def gap_text(occupation: Occupation, ratings: Sequence[dict]) -> str:
    found = gap_rules.gaps(ratings)
    rated = [g for g in found if g.self_level is not None]
    if not rated:
        return f"No ratings given, so I can't compute your skills gap for {occupation.title} yet."
    top = [g for g in rated if g.gap > 0][:3]
    lines = [f"Your skills against {occupation.title} (you / needed, of 7):"]
    lines += [f"• {g.skill}: {g.self_level} / {g.needed}" + (f" – gap {g.gap:g}" if g.gap > 0 else " – ready") for g in rated]
    if not top:
        lines.append("You already meet the level of every skill you rated – the gap is in experience, not skills.")
    else:
        lines.append("Your biggest gaps, and how to close them:")
        for g in top:
            _, words = gap_rules.development_means(g.element_id)
            lines.append(f"• {g.skill}: {words}")
        lines.append("These go into part 9 of your career plan (gap between current ability and goals).")
    return "\n".join(lines)


def stand_in_note(words: str) -> str:
    """The target has no close O*NET occupation in the person's field: their words stay the
    target, and the occupation they pick next is used for the skills only."""
    from bot.conversation.text import for_chat

    return (
        f"O*NET has no occupation close to “{for_chat(words, 60)}” in your field, so your own words stay the target. "
        "Next I'll ask which occupation comes closest – I'll use it only to compare skills."
    )


def same_as_current_note(words: str, current: Occupation) -> str:
    """The target is filed under the person's own occupation: its skills would compare them
    with the job they already do."""
    from bot.conversation.text import for_chat

    return (
        f"O*NET files “{for_chat(words, 60)}” under {current.title} – the same occupation as your current job, so its skills "
        "would only compare you with what you already do. Your own words stay the target; next I'll ask which "
        "occupation comes closest to the step you mean, to compare skills with."
    )


def filed_elsewhere_note(words: str, filed_under: Occupation, near: Sequence[str]) -> str:
    """The words name a job O*NET files far from the person's field: say so before its facts."""
    from bot.conversation.text import for_chat

    note = (
        f"O*NET has no occupation of its own for “{for_chat(words, 60)}” in your field – it files the title under "
        f"{filed_under.title}, so what follows may differ from the job you mean."
    )
    if near:
        note += f" Nearest in your own field: {', '.join(near)}."
    return note
