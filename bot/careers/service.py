"""One object the conversation uses for everything career-related: the in-memory
catalogue and the title index, built once from the career tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.careers.catalogue import Catalogue, Occupation
from bot.careers.paths import SUPERVISED_GROUPS, is_supervisor
from bot.careers.titles import Resolution, TitleIndex, normalise, title_phrase

# Words that name a step up rather than a job: resolved among the person's own family
# ("sergeant" for a police officer, "principal" for a teacher, "team lead" for an agent).
_FIRST_LINE = frozenset({"lead", "leader", "supervisor", "foreman", "forewoman", "sergeant", "coordinator", "captain"})
_MANAGING = frozenset({"chief", "head", "manager", "director", "principal", "officer"})
_OWN_FIELD = frozenset({"tech", "technical", "it"})
_FILLER_WORDS = frozenset({"a", "an", "the", "of", "in", "at", "for", "my", "role", "job", "position", "team", "senior", "group", "shift", "department"})


def _as_a_word(word: str) -> str:
    if len(word) <= 4:
        return rf"\b{re.escape(word)}"  # a short word is an abbreviation: "tech", "ops", "hr"
    return rf"\b{re.escape(word[:-1] if word.endswith('e') else word)}(?:e|es|s|al|ial|ing|ed)?\b"


@dataclass(frozen=True)
class Target:
    """A free-text target role as Waypoint understood it."""

    occupation: Occupation | None  # None: O*NET has no close occupation in the person's context
    closest: Occupation | None  # what O*NET files the words under, used for skills only when occupation is None
    reason: str = ""
    # several occupations of the person's field fit the words equally ("financial analyst" for
    # an accountant): the person chooses among these, the field's first
    choices: tuple[Occupation, ...] = ()


@dataclass
class Careers:
    catalogue: Catalogue
    titles: TitleIndex

    @classmethod
    def from_engine(cls, engine: Engine) -> "Careers":
        catalogue = Catalogue.from_engine(engine)
        index = TitleIndex(catalogue.titles, {code: o.title for code, o in catalogue.occupations.items()})
        catalogue.titles = []  # the index has what it needs; 60,000 tuples less in memory
        return cls(catalogue, index)

    def resolve(self, text: str) -> Resolution:
        return self.titles.resolve(text)

    def occupation(self, code: object) -> Occupation | None:
        return self.catalogue.get(code) if isinstance(code, str) else None

    def target_in_context(self, text: str, current: Occupation | None) -> Occupation | None:
        return self.understand_target(text, current).occupation

    def understand_target(self, text: str, current: Occupation | None) -> Target:
        """A target role read in the person's context: among the occupations whose titles
        fit the words, the one in the person's field (same family, the management
        occupation that leads it, related work) wins. A title O*NET files far outside the
        field under an alternate name ("Product Manager" under Marketing Managers, for a
        software developer) is not taken as the target: the words are kept and that
        occupation serves for skills only, as the closest O*NET has."""
        resolution = self.titles.resolve(text, limit=10)
        if current is None:
            best = resolution.best
            found = self.occupation(best.code) if resolution.confident and best else None
            return Target(found, None)
        scored: dict[str, tuple[float, str]] = {m.code: (m.score / 100, m.matched) for m in resolution.matches}
        words = [w for w in normalise(title_phrase(text)).split() if w not in _FILLER_WORDS]
        if words:
            for code, title in self.titles.containing(words).items():
                # a title holding the words and little else ("Police Sergeant"), not "Product Support Manager"
                coverage = len(words) / max(1, len(normalise(title).split()))
                enough = 0.5 if set(words) <= _FIRST_LINE | _MANAGING else 0.75  # "sergeant" is "Desk Sergeant"
                if coverage >= enough and (code not in scored or scored[code][0] < 0.85):
                    scored[code] = (0.85, title)
        first_line = bool(_FIRST_LINE & set(words))
        managing = bool(_MANAGING & set(words))
        # "finance" in "finance team lead" says which management; "tech" in "tech lead" only that it is the person's own
        what = [w for w in words if w not in _FIRST_LINE | _MANAGING | _OWN_FIELD]
        managers = {m.code for m in self.catalogue.managers_of(current.code, 3)}
        if first_line or managing:
            # "team lead", "sergeant", "principal": the step up in the person's own family; where the
            # family has no first-line supervisors ("tech lead" for a developer), the management that leads it
            leads = list(managers) if managing or current.major_group not in SUPERVISED_GROUPS else []
            leads += [code for code, o in self.catalogue.occupations.items() if first_line and o.major_group == current.major_group and is_supervisor(o)]
            for code in leads:
                other = self.catalogue.occupations[code]
                about = f"{other.title} {other.description}".casefold()
                # each other word, as a word ("finance" ~ "financial"; "product" is not "production")
                if all(re.search(_as_a_word(w), about) for w in what):
                    if scored.get(code, (0.0, ""))[0] < 0.75:
                        scored[code] = (0.75, other.title)
        ranked: list[tuple[float, Occupation, str]] = []
        tiers: dict[str, float] = {}  # title score and closeness in the classification, before skill similarity
        similarity = self.catalogue.skill_similarity(current.code)
        for code, (score, matched) in scored.items():
            candidate = self.occupation(code)
            if candidate is None:
                continue
            other = candidate
            closeness = self.catalogue.closeness(current, other)
            steps_up = managing or (first_line and current.major_group not in SUPERVISED_GROUPS)
            if code == current.code or other.minor_group == current.minor_group or (code in managers and steps_up):
                bonus = 0.3
            elif code in managers or other.major_group == current.major_group:
                # the field's management, when the words name no step up ("logistics planer" is not a manager)
                bonus = 0.1
            elif closeness.in_field and self.catalogue.near_enough(current, other) and (
                self.titles.is_own_title(code, matched) or self.catalogue.related_to(current.code, code)
            ):
                # another family counts when the words are its own title, or O*NET relates the two: an
                # alternate title filed far away ("Tech Lead" under drafters) says little
                bonus = 0.05
            elif self.titles.is_own_title(code, matched) and score >= 0.9:
                bonus = 0.0  # a far move named by the occupation's own title: taken at its word
            else:
                continue
            if first_line and is_supervisor(other) and other.major_group == current.major_group:
                bonus += 0.25
            if managing and code in managers:
                bonus += 0.15  # "chief engineer" for an engineer: the management that leads engineering
            # among equals, the one closest to the person's own work ("sergeant": of police, not of firefighters)
            tiers[code] = score + bonus
            ranked.append((score + bonus + 0.1 * similarity.get(code, 0.0), other, closeness.reason))
        ranked.sort(key=lambda t: (-t[0], t[1].code))
        if len(ranked) >= 2 and abs(tiers[ranked[0][1].code] - tiers[ranked[1][1].code]) < 0.01:
            # as good a title, as close in the classification: theirs to choose, the likelier first
            tied = [o for _, o, _ in ranked if abs(tiers[o.code] - tiers[ranked[0][1].code]) < 0.01]
            # the likelier by the words first ("financial analyst": Financial and Investment Analysts before the quants)
            by_words = {m.code: i for i, m in enumerate(resolution.matches)}
            tied.sort(key=lambda o: by_words.get(o.code, len(by_words)))
            return Target(None, None, choices=tuple(tied[:3]))
        if ranked and ranked[0][0] >= 0.95:
            return Target(ranked[0][1], None, ranked[0][2])
        best = resolution.best
        return Target(None, self.occupation(best.code) if best else None)
