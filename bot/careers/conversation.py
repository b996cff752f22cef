"""The career database in the conversation: validating and asking the questions that use
it (occupations, the Interest Profiler, skills self-ratings) and enriching the answers
about current and target roles with O*NET occupations.

Called from bot.conversation.answers and bot.conversation.prompts (it imports neither); `ctx.careers` / `careers` is a
bot.careers.service.Careers, or None when the career database is unavailable – then the
questions that need it are skipped and the conversation goes on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from bot.careers import gaps as gap_rules
from bot.careers import profiler, replies
from bot.careers.catalogue import Occupation, Suggestion
from bot.careers.titles import Resolution
from bot.conversation.text import for_chat

from bot.conversation.outcome import AnswerContext, Outcome
from bot.conversation.reply import Button, Prompt

if TYPE_CHECKING:
    from bot.careers.service import Careers

SKIPPED = "(skipped)"
NONE_OF_THESE = "none"
# The question that resolves each free-text role, and the role question it resolves.
OCCUPATION_OF = {"current_role": "current_occupation", "target_roles": "target_occupation"}
ROLE_OF = {v: k for k, v in OCCUPATION_OF.items()}
CANDIDATES_SLOT = "occupation_candidates"
COMPARED = "compared"  # candidates that are the person's two targets, shown side by side
KEEP_BOTH = "both"
RESPONSES_SLOT = "interest_responses"
STOP_WARNED_SLOT = "profiler_stop_warned"
LEVELS_SLOT = "skill_levels"
EDUCATION_ZONE = {"secondary": 2, "vocational": 3, "bachelor": 4, "master": 5, "doctorate": 5}
# "logistics planner, then team lead"; not "and": O*NET titles have it ("Computer and Information Systems Managers")
_ROLE_SPLIT = re.compile(r"\s*(?:,|;|/|\bor\b|\bthen\b)\s*", re.I)
_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")


def is_code(value: object) -> bool:
    return isinstance(value, str) and bool(_CODE.match(value))


def _outcome(**kwargs: Any) -> Outcome:
    return Outcome(**kwargs)


def _rejected(problem: str, **extra: Any) -> Outcome:
    return Outcome.rejected(problem, **extra)


def _candidates(resolution: Resolution) -> list[dict[str, str]]:
    return [{"code": m.code, "title": m.title} for m in resolution.matches]


# ---- current and target roles --------------------------------------------------------


def first_role(text: str) -> str:
    parts = [p for p in _ROLE_SPLIT.split(text) if p.strip()]
    return parts[0] if parts else text


def occupation_from_reply(careers: "Careers", text: str, choice: str | None) -> tuple[Occupation | None, Resolution | None]:
    """A chosen button (an O*NET code) or free text resolved to an occupation."""
    if choice is not None and is_code(choice):
        return careers.occupation(choice), None
    resolution = careers.resolve(first_role(text))
    if resolution.confident and resolution.best:
        return careers.occupation(resolution.best.code), resolution
    return None, resolution


def enrich_role(key: str, outcome: "Outcome", text: str, choice: str | None, ctx: "AnswerContext") -> "Outcome":
    """After a current or target role is given, look it up in O*NET: a clear match fills
    the occupation question, an unclear one leaves candidates for it to offer."""
    occupation_key = OCCUPATION_OF[key]
    careers: Careers | None = ctx.careers
    if outcome.skipped or careers is None:
        outcome.extra[occupation_key] = SKIPPED
        if key == "target_roles":
            outcome.extra["skills_gap"] = SKIPPED
        return outcome
    if key == "target_roles" and choice is None:
        shown = _role_suggestion_named(text, ctx.slots, careers)  # "the first-line supervisors one"
        if shown is not None:
            choice = shown.code
    occupation, resolution = occupation_from_reply(careers, text, choice)
    current = careers.occupation(ctx.slots.get("current_occupation"))
    if key == "target_roles" and choice is None and current is not None:
        two = two_targets(text, careers, current)
        if two is not None:
            # a real dilemma ("plant manager or chief engineer"): compared side by side next
            outcome.extra[OCCUPATION_OF[key]] = None
            outcome.extra["skills_gap"] = None
            outcome.extra[CANDIDATES_SLOT] = [{"code": o.code, "title": o.title, "words": w, COMPARED: True} for w, o in two]
            return outcome
        # the target read in the person's context: "team lead" for an agent is their team's supervisor
        understood = careers.understand_target(first_role(text), current)
        if understood.occupation is not None and understood.occupation.code == current.code:
            # "HR business partner" for an HR specialist: O*NET files it under their own job, whose
            # skills gap would compare them with what they already do – the field's next steps to choose
            outcome.extra[OCCUPATION_OF[key]] = None
            outcome.extra["skills_gap"] = None
            outcome.extra[CANDIDATES_SLOT] = _near_candidates(careers, current, current)
            note = replies.same_as_current_note(first_role(text), current)
            outcome.notice = f"{outcome.notice}\n{note}" if outcome.notice else note
            return outcome
        if understood.occupation is not None:
            occupation = understood.occupation
        elif understood.choices:
            outcome.extra[OCCUPATION_OF[key]] = None
            outcome.extra["skills_gap"] = None
            outcome.extra[CANDIDATES_SLOT] = [{"code": o.code, "title": o.title} for o in understood.choices]
            return outcome
        elif understood.closest is not None:
            # nothing close in the person's field: their words stay the target, and they pick
            # the occupation whose skills to compare with – their field's first, then what
            # O*NET files the words under
            outcome.extra[OCCUPATION_OF[key]] = None
            outcome.extra["skills_gap"] = None
            outcome.extra[CANDIDATES_SLOT] = _near_candidates(careers, current, understood.closest)
            note = replies.stand_in_note(first_role(text))
            outcome.notice = f"{outcome.notice}\n{note}" if outcome.notice else note
            return outcome
    if occupation is not None:
        if choice is not None:  # a suggestion button: the role is the occupation's title
            outcome.value = outcome.display = occupation.title
        outcome.extra.update(occupation_chosen(occupation_key, occupation, careers))
        outcome.extra[CANDIDATES_SLOT] = None
        note = f"I'll use O*NET's “{occupation.title}” for that."
        outcome.notice = f"{outcome.notice}\n{note}" if outcome.notice else note
    else:
        outcome.extra[occupation_key] = None
        outcome.extra[CANDIDATES_SLOT] = _candidates(resolution) if resolution else []
        if key == "target_roles":
            outcome.extra["skills_gap"] = None  # an earlier target's gap no longer applies
            if not outcome.extra[CANDIDATES_SLOT] and current is not None:
                # "people analytics": O*NET has nothing by that name – the words stay the target,
                # and the field's next steps are offered for comparing skills
                outcome.extra[CANDIDATES_SLOT] = [{"code": o.code, "title": o.title} for o in _field_steps(careers, current)]
                note = replies.stand_in_note(first_role(text))
                outcome.notice = f"{outcome.notice}\n{note}" if outcome.notice else note
    return outcome


def _field_steps(careers: "Careers", current: Occupation) -> list[Occupation]:
    return (careers.catalogue.managers_of(current.code, 2) + careers.catalogue.neighbours(current.code, 2))[:3]


def _role_suggestion_named(text: str, slots: Mapping[str, Any], careers: "Careers") -> Occupation | None:
    """One of the roles suggested with the question, named by its place or its words."""
    from bot.conversation.answers import refers_to
    from bot.conversation.text import normalise_for_matching

    _, offered = role_suggestions(slots, careers)
    if not offered:
        return None
    index = refers_to(normalise_for_matching(text), [s.occupation.title for s in offered[:7]])
    return offered[index].occupation if index is not None else None


def _near(careers: "Careers", current: Occupation, closest: Occupation) -> list[Occupation]:
    near = careers.catalogue.managers_of(current.code, 2) + careers.catalogue.neighbours(current.code, 1)
    return [o for o in near if o.code != closest.code][:2]


def _near_candidates(careers: "Careers", current: Occupation, closest: Occupation) -> list[dict[str, str]]:
    """For a target O*NET has nothing close to in the person's field: the field's own next
    steps first, then what O*NET files the words under."""
    return [{"code": o.code, "title": o.title} for o in [*_near(careers, current, closest), closest]]


def two_targets(text: str, careers: "Careers", current: Occupation) -> list[tuple[str, Occupation]] | None:
    """Two different occupations named as targets, each read in the person's context."""
    roles = [p.strip(" .") for p in _ROLE_SPLIT.split(text) if p.strip(" .")]
    found: list[tuple[str, Occupation]] = []
    for words in roles:
        understood = careers.understand_target(words, current)
        # one O*NET files far from the field ("product manager" for a developer) is compared too, and says so
        occupation = understood.occupation or (understood.choices[0] if understood.choices else understood.closest)
        if occupation is not None and all(occupation.code != o.code for _, o in found):
            found.append((words, occupation))
    return found[:2] if len(found) >= 2 else None


def occupation_chosen(occupation_key: str, occupation: Occupation, careers: "Careers") -> dict[str, Any]:
    updates: dict[str, Any] = {occupation_key: occupation.code}
    if occupation_key == "target_occupation":
        updates[LEVELS_SLOT] = None
        updates["skills_gap"] = None if careers.catalogue.top_skills(occupation.code) else SKIPPED
    return updates


def validate_occupation(question_key: str, text: str, choice: str | None, ctx: "AnswerContext") -> "Outcome":
    careers: Careers | None = ctx.careers
    if careers is None:
        return _outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)
    offered_first = (ctx.slots.get(CANDIDATES_SLOT) or [{}])[0]
    keeps_both = re.match(r"^(?:keep |i'?ll keep |let'?s keep )?both\b", text.strip().casefold()) is not None
    keeps_both = (choice == KEEP_BOTH or keeps_both) and bool(offered_first.get(COMPARED))
    if keeps_both:  # "keep both, team lead first"
        choice = str(offered_first["code"])  # both stay in the plan (the target roles name them); the first sets the skills
    if choice == NONE_OF_THESE or text.strip().casefold().strip(" .!") in (
        "none", "none of these", "none of them", "neither", "other", "no", "nope", "no thanks", "none of those", "not those",
    ):
        extra: dict[str, Any] = {CANDIDATES_SLOT: None}
        if question_key == "target_occupation":
            extra["skills_gap"] = SKIPPED  # no occupation, no skills to compare with
        return _outcome(ok=True, value=SKIPPED, display="none of O*NET's titles", skipped=True, extra=extra)
    offered = ctx.slots.get(CANDIDATES_SLOT) or []
    if choice is None and offered:
        # "the 2nd one", "the supervisor one": a button named by its place or its words
        from bot.conversation.answers import refers_to
        from bot.conversation.text import normalise_for_matching

        index = refers_to(normalise_for_matching(text), [c["title"] for c in offered[:3]] + ["none of these"])
        if index is not None:
            if index == min(len(offered), 3):
                return validate_occupation(question_key, NONE_OF_THESE, NONE_OF_THESE, ctx)
            choice = offered[index]["code"]
    current = careers.occupation(ctx.slots.get("current_occupation"))
    if question_key == "target_occupation" and choice is None and current is not None:
        # typed here too, a target is read in the person's context ("product manager" for a
        # developer is not Marketing Managers): nothing close in the field -> choose, with the note
        understood = careers.understand_target(first_role(text), current)
        shown = {c.get("code") for c in ctx.slots.get(CANDIDATES_SLOT) or []}
        if understood.occupation is None and understood.closest is not None and understood.closest.code in shown:
            choice = understood.closest.code  # said again after the note: their choice
        elif understood.occupation is None and understood.closest is not None:
            return _rejected(replies.stand_in_note(first_role(text)), **{CANDIDATES_SLOT: _near_candidates(careers, current, understood.closest)})
        if understood.occupation is not None:
            choice = understood.occupation.code
    occupation, resolution = occupation_from_reply(careers, text, choice)
    if occupation is not None:
        extra = occupation_chosen(question_key, occupation, careers)
        extra.pop(question_key)
        extra[CANDIDATES_SLOT] = None
        chose_one = [c for c in offered if c.get(COMPARED) and c.get("code") == occupation.code and not keeps_both]
        if chose_one and chose_one[0].get("words"):
            extra[ROLE_OF[question_key]] = str(chose_one[0]["words"])  # one of the two chosen: the other leaves the plan
        return _outcome(ok=True, value=occupation.code, display=occupation.title, normalized=occupation.code, extra=extra)
    candidates = _candidates(resolution) if resolution else []
    if candidates:
        return _rejected("I found a few occupations by that name – which one is closest?", **{CANDIDATES_SLOT: candidates})
    return _rejected(
        f"I couldn't find “{for_chat(text)}” among O*NET's occupations. Try a more common title "
        "(for example “software developer” or “nurse”), or say “skip”."
    )


def occupation_display(value: object) -> str:
    """An O*NET code as people read it; the code is kept because titles can change."""
    from bot.careers.titles import occupation_title

    return occupation_title(value) if is_code(value) else str(value)


def occupation_prompt(
    question_key: str, slots: Mapping[str, Any], careers: "Careers | None"
) -> "Prompt":
    role = slots.get(ROLE_OF[question_key])
    candidates = slots.get(CANDIDATES_SLOT) or []
    if not candidates and careers is not None and isinstance(role, str) and role != SKIPPED:
        # e.g. after a restart, when only the answers were kept
        candidates = _candidates(careers.resolve(first_role(role)))
    what = "your current role" if question_key == "current_occupation" else "the role you're aiming for"
    shown = for_chat(str(role)) if isinstance(role, str) else "that role"
    if candidates:
        text = (
            f"To look up {what} in the career database (O*NET): which of these is closest to “{shown}”? "
            "Or type another title."
        )
    else:
        text = (
            f"I couldn't match “{shown}” to an occupation in the career database (O*NET). "
            "What's the closest common title? (or “skip”)"
        )
    buttons = [Button(c["title"], f'/inform{{"choice": "{c["code"]}"}}') for c in candidates[:3]]
    buttons.append(Button("None of these", f'/inform{{"choice": "{NONE_OF_THESE}"}}'))
    return Prompt(text, tuple(buttons))


# ---- the interest profiler -----------------------------------------------------------


def validate_profiler(text: str, choice: str | None, slots: Mapping[str, Any], ctx: "AnswerContext") -> "Outcome":
    careers: Careers | None = ctx.careers
    if careers is None:
        return _outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)
    items = careers.catalogue.profiler_items
    responses = profiler.from_slot(slots.get(RESPONSES_SLOT))
    reply = profiler.read_reply(text, choice)
    if not reply.understood:
        labels = ", ".join(f"{v} {label}" for v, label in profiler.RESPONSE_LABELS.items())
        return _rejected(f"Tap one of the buttons, or type a number: {labels}. You can also say “skip” or “stop”.")
    for value in reply.responses:
        item = profiler.next_item(items, responses)
        if item is None:
            break
        responses[item.number] = value
    finished = reply.stop or profiler.next_item(items, responses) is None
    extra: dict[str, Any] = {RESPONSES_SLOT: profiler.as_slot(responses)}
    if not finished:
        return _rejected("", **extra)  # the next item is asked; not a misunderstanding
    profile = profiler.score(items, responses)
    if reply.stop and not profile.scored and profile.too_few_answers and not slots.get(STOP_WARNED_SLOT):
        # stopping now loses every rating given: say so once, before it happens
        rated = sum(1 for value in responses.values() if value is not None)
        extra[STOP_WARNED_SLOT] = True
        return _rejected(replies.profiler_stop_warning(rated, profiler.MIN_ITEMS_PER_AREA), **extra)
    extra[STOP_WARNED_SLOT] = None
    notice = replies.profile_text(profile, careers.catalogue)
    if not profile.scored:
        earlier = slots.get("interest_profile")
        if isinstance(earlier, dict) and earlier.get("code"):
            # a redo stopped early: the finished earlier profile stays
            return _outcome(
                ok=True, value=earlier, display=profile_display(earlier), normalized=str(earlier["code"]), extra=extra,
                notice=f"{notice}\nYour earlier profile ({earlier['code']}) is kept.",
            )
        why = "too few answers" if profile.too_few_answers else "no area stood out"
        return _outcome(ok=True, value=SKIPPED, display=f"not scored ({why})", skipped=True, extra=extra, notice=notice)
    zones = suggestion_zones(slots, careers)
    current = careers.occupation(slots.get("current_occupation"))
    suggestions = careers.catalogue.rank_by_interests(profile.scores, zones=zones, limit=5, near=current.code if current else None)
    notice += "\n\n" + replies.suggestions_text(suggestions, zones)
    scored = {"code": profile.code, "scores": profile.scores}
    return _outcome(ok=True, value=scored, display=profile_display(scored), normalized=profile.code, extra=extra, notice=notice)


def profile_display(value: Mapping[str, Any]) -> str:
    from bot.careers.catalogue import area_names

    code = str(value.get("code", ""))
    scores = value.get("scores") or {}
    return f"{code} – {', '.join(area_names(code))} (" + ", ".join(f"{k} {v:g}" for k, v in scores.items()) + ")"


def suggestion_zones(slots: Mapping[str, Any], careers: "Careers") -> list[int] | None:
    """The person's job zone and the next: from their current occupation, else from their
    education; None (all zones) when neither is known."""
    current = careers.occupation(slots.get("current_occupation"))
    zone = current.job_zone if current and current.job_zone else None
    if zone is None:
        education = slots.get("education")
        zone = EDUCATION_ZONE.get(education) if isinstance(education, str) else None
    if zone is None:
        return None
    return [z for z in (zone, zone + 1) if 1 <= z <= 5]


def profiler_prompt(slots: Mapping[str, Any], careers: "Careers | None") -> "Prompt":
    if careers is None:
        return Prompt("The career database is not available right now – say “skip” to go on.", ())
    items = careers.catalogue.profiler_items
    responses = profiler.from_slot(slots.get(RESPONSES_SLOT))
    item = profiler.next_item(items, responses)
    if item is None:
        return Prompt("That was the last activity – say anything to see your results.", ())
    position = len(responses) + 1
    buttons = tuple(Button(label, f'/inform{{"choice": "{value}"}}') for value, label in profiler.RESPONSE_LABELS.items())
    return Prompt(replies.profiler_item_prompt(item, position, len(items)), buttons)


def profiler_intro(careers: "Careers | None") -> str:
    total = len(careers.catalogue.profiler_items) if careers else 60
    return replies.profiler_intro(total)


# ---- target roles --------------------------------------------------------------------


def role_suggestions(slots: Mapping[str, Any], careers: "Careers") -> tuple[str, list[Suggestion]]:
    """Text and suggestions offered with the target-role question: next steps along the
    chosen path type from the current occupation, and occupations that fit the interests."""
    parts: list[str] = []
    offered: list[Suggestion] = []
    current = careers.occupation(slots.get("current_occupation"))
    path_type = slots.get("path_type")
    if current is not None and isinstance(path_type, str) and path_type in replies.PATH_NAMES:
        direction = slots.get("career_direction")
        toward = leaning_occupation(slots, careers, current)
        steps = careers.catalogue.paths(
            current.code, path_type, limit=4, direction=direction if isinstance(direction, str) else None,
            toward=toward.code if toward else None,
        )
        parts.append(replies.paths_text(current, path_type, steps))
        offered += steps
    profile = slots.get("interest_profile")
    if isinstance(profile, dict) and profile.get("scores"):
        exclude = [s.occupation.code for s in offered] + ([current.code] if current else [])
        zones = suggestion_zones(slots, careers)
        fits = careers.catalogue.rank_by_interests(
            profile["scores"], zones=zones, limit=3, exclude=exclude, near=current.code if current else None
        )
        if fits:
            parts.append("Fitting your interests (" + str(profile.get("code")) + "): " + "; ".join(s.occupation.title for s in fits) + ".")
            offered += fits
    return "\n\n".join(parts), offered


def leaning_occupation(slots: Mapping[str, Any], careers: "Careers", current: Occupation) -> Occupation | None:
    """Where the person said they lean ("logistics planning"), as an occupation in their field."""
    leaning = slots.get("leaning_direction")
    if not isinstance(leaning, str) or leaning == SKIPPED:
        return None
    return careers.understand_target(leaning, current).occupation


def target_roles_prompt(base: str, slots: Mapping[str, Any], careers: "Careers | None") -> "Prompt":
    if careers is None:
        return Prompt(base, ())
    text, offered = role_suggestions(slots, careers)
    if not offered:
        return Prompt(base, ())
    buttons = tuple(Button(s.occupation.title, f'/inform{{"choice": "{s.occupation.code}"}}') for s in offered[:7])
    return Prompt(f"{text}\n\n{base} Tap a suggestion or type your own.", buttons)


# ---- skills gap ----------------------------------------------------------------------


# Both targets kept ("plant manager or chief engineer"): the second's own skills are rated
# too, up to this many beyond those the first already asks about.
SECOND_TARGET_EXTRA = 3


def second_target(slots: Mapping[str, Any], careers: "Careers") -> Occupation | None:
    """The other of two targets the person named and kept, when the target occupation is one
    of them (choosing one of the two rewrites the target roles to that one)."""
    roles, chosen = slots.get("target_roles"), slots.get("target_occupation")
    current = careers.occupation(slots.get("current_occupation"))
    if not isinstance(roles, str) or current is None or not is_code(chosen):
        return None
    two = two_targets(roles, careers, current)
    if not two or chosen not in {o.code for _, o in two}:
        return None
    return next(o for _, o in two if o.code != chosen)


def _rows(careers: "Careers", occupation: Occupation) -> list[dict[str, Any]]:
    return [
        {"element_id": q.element_id, "skill": q.name, "required_level": q.level, "importance": q.importance, "occupation_code": occupation.code}
        for q in rated_requirements(careers, occupation.code)
    ]


def skills_to_rate(slots: Mapping[str, Any], careers: "Careers") -> tuple[Occupation | None, list[dict[str, Any]]]:
    """The target's skills to rate, then – both targets kept – the second's own ones."""
    target = careers.occupation(slots.get("target_occupation"))
    if target is None:
        return None, []
    rows = _rows(careers, target)
    other = second_target(slots, careers)
    if other is not None:
        asked = {r["element_id"] for r in rows}
        rows += [r for r in _rows(careers, other) if r["element_id"] not in asked][:SECOND_TARGET_EXTRA]
    return target, rows


def rated_requirements(careers: "Careers", code: str) -> list[Any]:
    """What the person rates themselves on for a target: the skills that set it apart
    (Operations Analysis for a logistician, not Reading Comprehension, which every job rates
    highly) and its main knowledge areas (Transportation), six in all."""
    from bot.careers.paths import GENERIC_KNOWLEDGE

    catalogue = careers.catalogue
    knowledge = [q for q in catalogue.distinctive_skills(code, 6, kind="knowledge") if q.element_id not in GENERIC_KNOWLEDGE]
    knowledge = knowledge[: gap_rules.KNOWLEDGE_TO_RATE]
    skills = catalogue.distinctive_skills(code, gap_rules.SKILLS_TO_RATE - len(knowledge))
    return skills + knowledge


def _levels(slots: Mapping[str, Any]) -> dict[str, int | None]:
    value = slots.get(LEVELS_SLOT)
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def validate_skills(text: str, choice: str | None, slots: Mapping[str, Any], ctx: "AnswerContext") -> "Outcome":
    careers: Careers | None = ctx.careers
    target, skills = skills_to_rate(slots, careers) if careers else (None, [])
    if target is None or not skills:
        return _outcome(ok=True, value=SKIPPED, display=SKIPPED, skipped=True)
    levels = _levels(slots)
    pending = [s for s in skills if s["element_id"] not in levels]
    if choice is None and re.fullmatch(r"\s*[0-7](?:\s*[,;/ ]\s*[0-7])+\s*[.!]?\s*", text):
        # ratings for skills not shown yet would be guesses: one at a time
        return _rejected("One skill at a time, please – type one number from 0 (none) to 7 (expert) for this one.")
    reading = gap_rules.read_level(text, choice)
    if reading is None:
        return _rejected("Tap a level or type a number from 0 (none) to 7 (expert); “skip” leaves this skill out.")
    if reading == "stop":
        levels.update({s["element_id"]: None for s in pending})
    elif pending:
        levels[pending[0]["element_id"]] = None if reading == "skip" else int(reading)
    rated = [dict(s, self_level=levels.get(s["element_id"])) for s in skills if s["element_id"] in levels]
    extra: dict[str, Any] = {LEVELS_SLOT: levels, "skill_ratings_record": {"occupation_code": target.code, "ratings": rated}}
    if len(rated) < len(skills):
        return _rejected("", **extra)
    ratings = [_without_code(r) for r in rated if r["occupation_code"] == target.code]
    value: dict[str, Any] = {"occupation": target.code, "title": target.title, "ratings": ratings}
    notice = replies.gap_text(target, ratings)
    other = second_target(slots, careers) if careers else None
    if other is not None and careers is not None:
        # the person's own level on a skill is the same whichever target it is compared with
        theirs = [_without_code(dict(r, self_level=levels[r["element_id"]])) for r in _rows(careers, other) if r["element_id"] in levels]
        value["also"] = {"occupation": other.code, "title": other.title, "ratings": theirs}
        notice += "\n\n" + replies.gap_text(other, theirs)
    return _outcome(ok=True, value=value, display=gaps_display(value), normalized=target.code, extra=extra, notice=notice)


def _without_code(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "occupation_code"}


def gap_values(value: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The gap of each target: the first, then – both kept – the second."""
    also = value.get("also")
    return [value, *([also] if isinstance(also, Mapping) else [])]


def gaps_display(value: Mapping[str, Any]) -> str:
    parts = []
    for each in gap_values(value):
        top = gap_rules.top_gaps(each.get("ratings") or [])
        title = each.get("title", "the target role")
        parts.append(
            f"for {title}: " + ", ".join(f"{g.skill} ({g.self_level} of {g.needed} needed)" for g in top)
            if top else f"no skill gaps found for {title}"
        )
    return "; ".join(parts)


def skills_prompt(slots: Mapping[str, Any], careers: "Careers | None") -> "Prompt":
    if careers is None:
        return Prompt("The career database is not available right now – say “skip” to go on.", ())
    target, skills = skills_to_rate(slots, careers)
    levels = _levels(slots)
    pending = [s for s in skills if s["element_id"] not in levels]
    if target is None or not pending:
        return Prompt("That's all the skills – say anything to see your skills gap.", ())
    position = len(skills) - len(pending) + 1
    # the second target's own skills (both kept) are asked about that occupation
    occupation = careers.occupation(pending[0].get("occupation_code")) or target
    text = replies.skill_prompt(occupation, pending[0], position, len(skills), careers.catalogue)
    buttons = tuple(Button(f"{label} ({level})", f'/inform{{"choice": "{level}"}}') for level, label in gap_rules.LEVEL_CHOICES)
    return Prompt(text, buttons)


# ---- questions at any time -------------------------------------------------------------

CAREER_QUESTIONS = {
    "ask_occupation_description": replies.describe,
    "ask_occupation_skills": replies.skills_answer,
    "ask_similar_occupations": replies.similar_answer,
    "ask_occupation_education": replies.education_answer,
}
_MINE = re.compile(r"\b(mine|my (?:current )?(?:job|role|work|occupation|position|background)|i do now|what i do)\b", re.I)
_TARGET = re.compile(r"\b(target|aiming|that job|that role|the role i want|my goal|i want to become|the job i want)\b", re.I)
# An article: what follows the last one names the occupation ("... to be a web developer").
# Found by scanning forward, not by ".*" and backtracking, which took seconds on long messages.
_ARTICLE = re.compile(r"\b(?:an?|the)\s+", re.I)
# A question about an occupation is short: longer messages are read by their end only
QUESTION_CHARS = 400
_AFTER_LEAD = re.compile(r"\b(?:does|do|for|about|as|being|become|becoming|of|like|are|is|to)\s+(.+)$", re.I)
_QUESTION_TAIL = re.compile(
    r"\s+(?:do|does|did|need|needs|require|requires|have|has|actually|all\s+day|day\s+to\s+day|earn|earns|"
    r"make|makes|like|really|usually|typically|every\s+day|job|jobs|role|work)\b.*$|[?!.]+$",
    re.I,
)


# Qualifications, not jobs: "do I need a master's?" asks about a degree (O*NET files "Master"
# under ship captains).
_QUALIFICATIONS = re.compile(
    r"^(?:an? |the )?(?:master'?s?|bachelor'?s?|degree|phd|doctorate|mba|diploma|certificate|certification|qualification|licen[cs]e)"
    r"(?: degree| course| programme| program)?$",
    re.I,
)


def occupations_in_question(text: str) -> list[str]:
    """Phrases that may name the occupation in "what does a data scientist do?", most
    likely first: what follows the last article, then what follows a lead word."""
    phrases: list[str] = []
    text = text.strip()[-QUESTION_CHARS:]
    last_article = None
    for last_article in _ARTICLE.finditer(text):
        pass
    lead = _AFTER_LEAD.search(text)
    for found in (text[last_article.end():] if last_article else None, lead.group(1) if lead else None):
        if found:
            phrase = _QUESTION_TAIL.sub("", found).strip(" ?!.,")
            if phrase and phrase not in phrases and not _QUALIFICATIONS.match(phrase):
                phrases.append(phrase)
    return phrases


def names_an_occupation(text: str, occupation_entities: Sequence[str], careers: "Careers | None") -> bool:
    """The question names an occupation the database knows, or means the person's own or target one."""
    if occupation_entities or _TARGET.search(text) or _MINE.search(text):
        return True
    return careers is not None and any(careers.resolve(phrase).confident for phrase in occupations_in_question(text))


def answer_career_question(
    intent: str, text: str, occupation_entities: Sequence[str], slots: Mapping[str, Any], careers: "Careers | None"
) -> str:
    """The answer to a question about an occupation, from the career database."""
    if careers is None:
        return "The career database is not available right now – please ask again later, or ask your counselor."
    answer = CAREER_QUESTIONS.get(intent, replies.describe)
    occupation: Occupation | None = None
    others: list[str] = []
    about_own = not occupation_entities and (_TARGET.search(text) or _MINE.search(text))
    if about_own:
        # "what jobs are like mine?", "what does the role I'm aiming for need?"
        own_key = "target_occupation" if _TARGET.search(text) else "current_occupation"
        occupation = careers.occupation(slots.get(own_key))
        if occupation is None:
            which = "the role you're aiming for" if own_key == "target_occupation" else "your current job"
            return (
                f"I don't know {which} in the career database yet. Ask with its title, for example "
                "“what jobs are like an accountant?”."
            )
    # the longest name first: "chief engineer" in the question, not the entity "engineer" inside it
    named = [re.sub(r"^(?:an?|the)\s+", "", p, flags=re.I) for p in [*occupation_entities, *occupations_in_question(text)]]
    phrases = [] if occupation else sorted(dict.fromkeys(named), key=lambda p: -len(p.split()))
    current = careers.occupation(slots.get("current_occupation"))
    filed_elsewhere = ""
    for phrase in phrases:
        if not phrase:
            continue
        if current is not None:
            # read in the person's context: a developer's "product manager" is not Marketing Managers
            understood = careers.understand_target(phrase, current)
            if understood.occupation is not None:
                occupation = understood.occupation
                break
            if understood.closest is not None:
                occupation = understood.closest
                near = [o.title for o in _near(careers, current, understood.closest)]
                filed_elsewhere = replies.filed_elsewhere_note(phrase, understood.closest, near)
                break
        resolution = careers.resolve(phrase)
        if resolution.best:
            occupation = careers.occupation(resolution.best.code)
            if not resolution.confident:
                others = [m.title for m in resolution.matches[1:3]]
            break
    if occupation is None and intent == "ask_similar_occupations":
        occupation = careers.occupation(slots.get("current_occupation"))
    if occupation is None:
        return (
            "Which occupation do you mean? Ask with its title, for example "
            "“what does a data scientist do?” or “what skills does a nurse need?”."
        )
    reply = answer(occupation, careers.catalogue)
    if filed_elsewhere:
        reply = f"{filed_elsewhere}\n{reply}"
    if others:
        reply += f"\n(If you meant {' or '.join(others)}, ask about it by name.)"
    return f"{reply}\n{replies.ATTRIBUTION}"
