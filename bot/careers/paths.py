"""Career paths and closeness, grounded in the person's field.

"The person's field" (issue 12): the same SOC major group, O*NET's related occupations,
a shared main knowledge area, or the management occupation that leads the family
(bot/careers/family_managers.yml, a reviewed map: O*NET's related lists often leave it
out). Every step carries the reason it was suggested; nothing outside the field is
added to fill a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import yaml

if TYPE_CHECKING:
    from bot.careers.catalogue import Catalogue, Occupation, Suggestion

FAMILY_MANAGERS_FILE = Path(__file__).with_name("family_managers.yml")
# Knowledge areas nearly every occupation rates highly: sharing one says nothing about the field.
GENERIC_KNOWLEDGE = frozenset({
    "2.C.1.a",  # Administration and Management
    "2.C.1.e",  # Customer and Personal Service
    "2.C.4.a",  # Mathematics
    "2.C.6",  # Education and Training
    "2.C.7.a",  # English Language
    "2.C.8.a",  # Public Safety and Security
})
TOP_KNOWLEDGE = 3  # an occupation's main knowledge areas: its three most important, less the generic ones
PATH_TYPES = ("traditional", "lateral", "network", "dual_ladder")
MANAGING_DIRECTIONS = ("management", "technical_management")


@lru_cache(maxsize=1)
def family_managers() -> dict[str, tuple[str, ...]]:
    """Code prefix -> management occupations, from the reviewed map."""
    data = yaml.safe_load(FAMILY_MANAGERS_FILE.read_text(encoding="utf-8")) or {}
    return {str(prefix): tuple(str(c) for c in codes or ()) for prefix, codes in data.items()}


# The SOC major groups whose minor group 1 holds first-line supervisors (in the
# professional groups 13-29, minor group 1 is ordinary work: 29-1141 is Registered Nurses).
SUPERVISED_GROUPS = frozenset({"33", "35", "37", "39", "41", "43", "45", "47", "49", "51", "53", "55"})


def is_supervisor(occupation: "Occupation") -> bool:
    """A first-line supervisor (SOC xx-1xxx in the groups that have them)."""
    return occupation.major_group in SUPERVISED_GROUPS and occupation.code[3] == "1"


@dataclass(frozen=True)
class Closeness:
    in_field: bool
    reason: str  # why it is (or is not) in the person's field


class Paths:
    """Path building over one catalogue (built once; the catalogue is read-only)."""

    def __init__(self, catalogue: "Catalogue") -> None:
        self.catalogue = catalogue
        self._knowledge: dict[str, frozenset[str]] = {}
        for code in catalogue.occupations:
            top = [q for q in catalogue.top_skills(code, 10, kind="knowledge") if q.element_id not in GENERIC_KNOWLEDGE]
            self._knowledge[code] = frozenset(q.element_id for q in top[:TOP_KNOWLEDGE] if q.importance >= 3.0)
        self._related_both: dict[str, set[str]] = {code: set() for code in catalogue.occupations}
        for code, rows in catalogue.related.items():
            for other, _ in rows:
                self._related_both.setdefault(code, set()).add(other)
                self._related_both.setdefault(other, set()).add(code)
        managers = family_managers()
        self._managers = {code: self._managers_for(code, managers) for code in catalogue.occupations}

    # ---- the field -------------------------------------------------------------------

    def _managers_for(self, code: str, managers: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        for length in range(len(code), 1, -1):
            found = managers.get(code[:length])
            if found is not None:
                return tuple(c for c in found if c in self.catalogue.occupations and c != code)
        return ()

    def managers_of(self, code: str) -> list["Occupation"]:
        return [self.catalogue.occupations[c] for c in self._managers.get(code, ())]

    def shared_knowledge(self, a: str, b: str) -> list[str]:
        shared = self._knowledge.get(a, frozenset()) & self._knowledge.get(b, frozenset())
        return sorted(self.catalogue.elements.get(e, (e, ""))[0] for e in shared)

    def closeness(self, start: "Occupation", other: "Occupation") -> Closeness:
        if other.code in self._managers.get(start.code, ()):
            return Closeness(True, "the management occupation that leads your field")
        if other.major_group == start.major_group:
            return Closeness(True, "same occupational family")
        if other.code in self._related_both.get(start.code, ()):
            shared = self.shared_knowledge(start.code, other.code)
            if shared:
                return Closeness(True, f"related in O*NET, and shares your main knowledge area ({shared[0]})")
            return Closeness(True, "related in O*NET")
        shared = self.shared_knowledge(start.code, other.code)
        if shared:
            return Closeness(True, f"shares your main knowledge area ({shared[0]})")
        return Closeness(False, "a different field")

    def neighbouring(self, start: "Occupation", other: "Occupation", strict: bool = False) -> bool:
        """Close enough for a move: the same family (or the management that leads it), or a
        main knowledge area in common (a related occupation in other work is not a
        neighbour: supervising janitors is not next to supervising a warehouse). `strict`:
        another family's supervisors never, and two main knowledge areas in common unless
        O*NET relates the two."""
        if other.major_group == start.major_group or other.code in self._managers.get(start.code, ()):
            return True
        if strict and is_supervisor(other):
            return False
        shared = self.shared_knowledge(start.code, other.code)
        if strict and other.code not in self._related_both.get(start.code, set()):
            return len(shared) >= 2
        return bool(shared)

    # ---- paths -----------------------------------------------------------------------

    def build(
        self, start: "Occupation", path_type: str, limit: int, direction: str | None = None, toward: "Occupation | None" = None
    ) -> list["Suggestion"]:
        builders = {
            "traditional": self._traditional,
            "lateral": self._lateral,
            "network": self._network,
            "dual_ladder": self._dual_ladder,
        }
        if path_type not in builders:
            raise ValueError(f"unknown path type {path_type!r}")
        return builders[path_type](start, limit, direction, toward)

    def _scores(self, start: "Occupation", toward: "Occupation | None") -> dict[str, float]:
        """How close each occupation is to where the person is and where they said they
        are heading: skill and knowledge similarity, with kin first – the same detailed
        occupation, broad occupation and minor group – and O*NET's related ones."""
        similarity = self.catalogue.skill_similarity(start.code)
        if toward is not None and toward.code != start.code:
            aim = self.catalogue.skill_similarity(toward.code)
            similarity = {c: 0.6 * s + 0.4 * aim.get(c, 0.0) for c, s in similarity.items()}
            similarity[toward.code] = similarity.get(toward.code, 0.0) + 0.2
        related = self._related_tier(start.code)
        return {c: s + kinship(start.code, c) + related.get(c, 0.0) for c, s in similarity.items()}

    def _related_tier(self, code: str) -> dict[str, float]:
        """O*NET's related occupations, weighted by its tiers (Primary-Short are the closest)."""
        weights = {"primary-short": 0.2, "primary-long": 0.1}
        tiers = {c: weights.get(tier.lower(), 0.05) for c, tier in self.catalogue.related.get(code, [])}
        for other in self._related_both.get(code, set()):
            tiers.setdefault(other, 0.05)  # it lists this one among its own related
        return tiers

    def _ranked(self, candidates: Iterable["Occupation"], scores: dict[str, float]) -> list["Occupation"]:
        return sorted(candidates, key=lambda o: (-scores.get(o.code, 0.0), o.code))

    def _traditional(self, start: "Occupation", limit: int, direction: str | None, toward: "Occupation | None") -> list["Suggestion"]:
        """Up the ladder in the same family: the team's supervisor, the next job zone, a
        more specialised role of the family, and the management occupation that leads it
        – in the order the direction asks for, each kind represented."""
        if start.job_zone is None:
            return []
        scores = self._scores(start, toward)
        related = self._related_both.get(start.code, set())
        zone = start.job_zone
        family = [
            o for o in self.catalogue.occupations.values()
            if o.code != start.code and not o.is_management and o.job_zone is not None
            and (o.major_group == start.major_group or (o.code in related and self.neighbouring(start, o) and not is_supervisor(o)))
        ]
        supervisors = [] if is_supervisor(start) else [
            o for o in self._ranked((o for o in family if is_supervisor(o) and o.major_group == start.major_group and (o.job_zone or 0) >= zone - 1), scores)
        ][:2]
        if len(supervisors) == 2 and supervisors[1].code not in related:
            supervisors = supervisors[:1]  # a second team's supervisor only when O*NET relates it
        up = self._ranked(
            (o for o in family if o.job_zone == zone + 1 and not is_supervisor(o)
             and (o.minor_group == start.minor_group or o.code in related)), scores
        )
        specialised = self._ranked(
            (o for o in family if o.job_zone == zone and not is_supervisor(o) and o.minor_group == start.minor_group
             and scores.get(o.code, 0.0) - kinship(start.code, o.code) >= 0.9), scores
        )
        managers = [m for m in self.managers_of(start.code) if (m.job_zone or zone) >= zone - 1]
        groups: list[list[tuple[Occupation, str]]] = [
            [(o, "leading a team in your field") for o in supervisors],
            [(o, f"same family, one level up (job zone {zone} → {zone + 1})") for o in up],
            [(o, f"a more specialised role in your family ({self._alike(start, o)}% alike in skills)") for o in specialised],
            [(o, "the management occupation that leads your field") for o in managers],
        ]
        if direction in MANAGING_DIRECTIONS or is_supervisor(start):
            # leading people: the field's management first, then the rest of the ladder
            ordered = groups[3][:2] + _round_robin([groups[0], groups[1], groups[2], groups[3][2:]])
        elif direction in ("professional_technical", "operational"):
            # growing as a specialist: the ladder of the work itself first, leading people last
            ordered = _round_robin([groups[1], groups[1][1:], groups[2]]) + groups[0] + groups[3]
        else:
            ordered = _round_robin(groups)
        return [self.catalogue.step(o, scores.get(o.code, 0.0), reason) for o, reason in ordered[:limit]]

    def _alike(self, start: "Occupation", other: "Occupation") -> int:
        return round(self.catalogue.skill_similarity(start.code).get(other.code, 0.0) * 100)

    def _lateral(self, start: "Occupation", limit: int, direction: str | None, toward: "Occupation | None") -> list["Suggestion"]:
        """Across to neighbouring work at the same level (job zone): O*NET's related
        occupations first, in its order, then the closest of the same family."""
        steps: list[Suggestion] = []
        seen = {start.code}
        for code, tier in self.catalogue.related.get(start.code, []):
            other = self.catalogue.occupations.get(code)
            if other is None or other.job_zone != start.job_zone or (other.is_management and not start.is_management):
                continue
            if not self.neighbouring(start, other) or (is_supervisor(other) and other.major_group != start.major_group):
                continue
            seen.add(code)
            steps.append(self.catalogue.step(other, 1.0 - len(steps) / 100, f"related occupation ({tier.lower()}), same job zone {start.job_zone}"))
        if len(steps) < limit:
            scores = self._scores(start, toward)
            family = [
                o for o in self.catalogue.occupations.values()
                if o.code not in seen and o.job_zone == start.job_zone and o.major_group == start.major_group
                and o.is_management == start.is_management and scores.get(o.code, 0.0) - kinship(start.code, o.code) >= 0.8
            ]
            for other in self._ranked(family, scores):
                steps.append(self.catalogue.step(other, scores.get(other.code, 0.0), f"same family and level, {self._alike(start, other)}% alike in skills"))
                if len(steps) >= limit:
                    break
        if toward is not None:
            # where the person said they are heading comes first among equals
            aim = {**self.catalogue.skill_similarity(toward.code), toward.code: 2.0}
            steps.sort(key=lambda s: -aim.get(s.occupation.code, 0.0))
        return steps[:limit]

    def _network(self, start: "Occupation", limit: int, direction: str | None, toward: "Occupation | None") -> list["Suggestion"]:
        """Occupations in the person's field sharing most of the skill and knowledge
        profile, within one job zone: the network of jobs a person can move between."""
        similarity = self.catalogue.skill_similarity(start.code)
        ranked = sorted(similarity.items(), key=lambda t: (-t[1], t[0]))
        steps = []
        for code, score in ranked:
            other = self.catalogue.occupations[code]
            if start.job_zone and other.job_zone and abs(other.job_zone - start.job_zone) > 1:
                continue
            if not self.closeness(start, other).in_field:
                continue
            steps.append(self.catalogue.step(other, score, f"shares {round(score * 100)}% of the skill and knowledge profile"))
            if len(steps) >= limit:
                break
        return steps

    def _dual_ladder(self, start: "Occupation", limit: int, direction: str | None, toward: "Occupation | None") -> list["Suggestion"]:
        """Two parallel ladders: the senior specialist track of the same field, and the
        management occupation that leads it."""
        scores = self._scores(start, toward)
        zone = start.job_zone or 0
        related = self._related_both.get(start.code, set())
        specialists = [
            o for o in self.catalogue.occupations.values()
            if o.code != start.code and not o.is_management and not is_supervisor(o) and (o.job_zone or zone) >= zone - 1
            and (o.minor_group == start.minor_group or (o.major_group == start.major_group and o.code in related))
            and scores.get(o.code, 0.0) - kinship(start.code, o.code) >= 0.8
        ]
        if start.is_management:
            specialists = []
        managers = self.managers_of(start.code)
        if len(managers) < 2:
            # the family's map names one: add the closest related management occupations in the field
            related_managers = [
                self.catalogue.occupations[c] for c in self._related_both.get(start.code, set())
                if c in self.catalogue.occupations and self.catalogue.occupations[c].is_management and c not in {m.code for m in managers}
            ]
            managers += [m for m in self._ranked(related_managers, scores) if self.shared_knowledge(start.code, m.code)][: 2 - len(managers)]
        half = max(1, limit // 2)
        management = managers[: limit - half] if specialists else managers[:limit]
        specialist = self._ranked(specialists, scores)[: limit - len(management)]
        return [
            self.catalogue.step(o, scores.get(o.code, 0.0), "specialist track: deeper expertise in your field without managing people", "specialist")
            for o in specialist
        ] + [
            self.catalogue.step(o, scores.get(o.code, 0.0), "management track: leading the people who do this work", "management")
            for o in management
        ]


def kinship(a: str, b: str) -> float:
    """How near two codes are in the classification: the same detailed occupation (an
    O*NET specialisation), broad occupation, or minor group."""
    if a[:7] == b[:7]:
        return 0.15
    if a[:6] == b[:6]:
        return 0.1
    if a[:4] == b[:4]:
        return 0.05
    return 0.0


def _round_robin(groups: list[list[tuple["Occupation", str]]]) -> list[tuple["Occupation", str]]:
    ordered: list[tuple[Occupation, str]] = []
    seen: set[str] = set()
    for position in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if position < len(group) and group[position][0].code not in seen:
                seen.add(group[position][0].code)
                ordered.append(group[position])
    return ordered
