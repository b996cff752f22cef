"""The career database in memory: occupations, their interests, skills, tasks,
technologies, relations and education, read once from the career tables.

Everything here is read-only and answers in microseconds to milliseconds: ranking every
occupation for an interest profile is one matrix product (see `make bench`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.careers.riasec import AREAS, AREA_BY_LETTER

if TYPE_CHECKING:
    from bot.careers.paths import Closeness, Paths
from bot.storage.models import (
    OnetDataset,
    OnetEducation,
    OnetEducationCategory,
    OnetElement,
    OnetJobZone,
    OnetLevelAnchor,
    OnetOccupation,
    OnetProfilerItem,
    OnetRelated,
    OnetRequirement,
    OnetRiasecWord,
    OnetTask,
    OnetTechnology,
    OnetTitle,
    OnetWorkValue,
)

MANAGEMENT_GROUP = "11"  # SOC major group 11: management occupations
SIMILARITIES_KEPT = 256  # occupations whose similarity to all others stays in memory (~30 kB each)
UBIQUITOUS = 0.6  # a technology more occupations than this list says nothing about one of them
TASKS_KEPT = 5  # example tasks kept in memory per occupation (the most reported core tasks)


class CareerDataMissing(RuntimeError):
    """The career tables are empty: `make run`/`make test` load them (bot.careers.loader)."""


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    title: str
    description: str
    job_zone: int | None
    interests: tuple[float, ...] | None  # OI 1-7 in RIASEC order
    interest_code: str | None  # O*NET's high-point code, e.g. "IC"

    @property
    def major_group(self) -> str:
        return self.code[:2]

    @property
    def minor_group(self) -> str:
        return self.code[:4]  # e.g. "15-1": computer and mathematical occupations

    @property
    def is_management(self) -> bool:
        return self.major_group == MANAGEMENT_GROUP


@dataclass(frozen=True, slots=True)  # tens of thousands of them live in the action server
class Requirement:
    element_id: str
    name: str
    description: str
    kind: str  # skill | knowledge
    importance: float  # 1-5
    level: float  # 0-7


@dataclass(frozen=True, slots=True)  # tens of thousands of them live in the action server
class Technology:
    example: str
    category: str
    hot: bool
    in_demand: bool


@dataclass(frozen=True)
class JobZone:
    zone: int
    name: str
    experience: str
    education: str
    training: str
    examples: str


@dataclass(frozen=True, slots=True)
class EducationShare:
    description: str
    percent: float


@dataclass(frozen=True, slots=True)
class ProfilerItem:
    number: int
    area: str  # R I A S E C
    text: str


@dataclass(frozen=True)
class Suggestion:
    """An occupation suggested for someone, with the reasons it was suggested."""

    occupation: Occupation
    score: float
    shared_areas: tuple[str, ...] = ()  # RIASEC letters both have among their high points
    tasks: tuple[str, ...] = ()
    hot_technologies: tuple[str, ...] = ()
    reason: str = ""  # for career paths: why this step belongs to the path
    track: str = ""  # dual ladder: "specialist" or "management"


@dataclass
class Catalogue:
    occupations: dict[str, Occupation]
    requirements: dict[str, list[Requirement]]  # by code, most important first
    tasks: dict[str, list[str]]  # by code, core tasks first (TASKS_KEPT of them)
    technologies: dict[str, list[Technology]]  # hot technologies only
    related: dict[str, list[tuple[str, str]]]  # code -> [(related code, tier)] in O*NET's order
    education: dict[str, dict[str, list[tuple[int, float]]]]  # code -> scale -> [(category, %)]
    education_categories: dict[tuple[str, int], str]
    job_zones: dict[int, JobZone]
    anchors: dict[str, dict[int, str]]  # element id -> level -> example
    elements: dict[str, tuple[str, str]]  # element id -> (name, description)
    riasec_words: dict[str, dict[str, list[str]]]  # letter -> kind -> words
    profiler_items: list[ProfilerItem]
    release: str = ""
    titles: list[tuple[str, str, str]] = field(default_factory=list)  # (title, code, kind)
    work_values: dict[str, dict[str, float]] = field(default_factory=dict)  # code -> work value element id -> extent 1-7
    # derived matrices for ranking and similarity
    _interest_codes: list[str] = field(default_factory=list, repr=False)
    _interest_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 6)), repr=False)
    _skill_codes: list[str] = field(default_factory=list, repr=False)
    _skill_index: dict[str, int] = field(default_factory=dict, repr=False)
    _skill_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)

    # ---- loading -------------------------------------------------------------------

    @classmethod
    def from_engine(cls, engine: Engine) -> "Catalogue":
        with engine.connect() as c:
            release = c.execute(select(OnetDataset.release)).scalar_one_or_none()
            if release is None:
                raise CareerDataMissing("The career database is not loaded: run `python -m bot.careers.loader`.")
            occupations = {
                r.code: Occupation(
                    r.code,
                    r.title,
                    r.description,
                    r.job_zone,
                    None if r.realistic is None else tuple(float(getattr(r, a.column)) for a in AREAS),
                    r.interest_code,
                )
                for r in c.execute(select(OnetOccupation))
            }
            elements = {r.element_id: (r.name, r.description or "") for r in c.execute(select(OnetElement))}
            requirements: dict[str, list[Requirement]] = defaultdict(list)
            for r in c.execute(select(OnetRequirement)):
                name, description = elements.get(r.element_id, (r.element_id, ""))
                requirements[r.code].append(
                    Requirement(r.element_id, name, description, r.kind, r.importance or 0.0, r.level or 0.0)
                )
            for occupation_requirements in requirements.values():
                occupation_requirements.sort(key=lambda q: (-q.importance, -q.level, q.name))
            tasks: dict[str, list[str]] = defaultdict(list)
            task_rows = c.execute(select(OnetTask).order_by(OnetTask.code, OnetTask.core.desc(), OnetTask.incumbents_responding.desc(), OnetTask.id))
            for r in task_rows:
                if len(tasks[r.code]) < TASKS_KEPT:
                    tasks[r.code].append(r.task)
            technologies: dict[str, list[Technology]] = defaultdict(list)
            # only hot technologies are shown; the rest stay in the tables
            for r in c.execute(select(OnetTechnology).where(OnetTechnology.hot.is_(True)).order_by(OnetTechnology.id)):
                technologies[r.code].append(Technology(r.example, r.category, r.hot, r.in_demand))
            related: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for r in c.execute(select(OnetRelated).order_by(OnetRelated.code, OnetRelated.rank)):
                related[r.code].append((r.related_code, r.tier))
            education: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
            for r in c.execute(select(OnetEducation).order_by(OnetEducation.code, OnetEducation.scale, OnetEducation.category)):
                education[r.code][r.scale].append((r.category, r.percent))
            categories = {(r.scale, r.category): r.description for r in c.execute(select(OnetEducationCategory))}
            zones = {
                r.zone: JobZone(r.zone, r.name, r.experience, r.education, r.training, r.examples)
                for r in c.execute(select(OnetJobZone))
            }
            anchors: dict[str, dict[int, str]] = defaultdict(dict)
            for r in c.execute(select(OnetLevelAnchor).order_by(OnetLevelAnchor.id)):
                anchors[r.element_id].setdefault(r.level, r.description)
            words: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            for r in c.execute(select(OnetRiasecWord).order_by(OnetRiasecWord.id)):
                words[r.area][r.kind].append(r.text)
            items = [ProfilerItem(r.number, r.area, r.item) for r in c.execute(select(OnetProfilerItem).order_by(OnetProfilerItem.number))]
            titles = [(r.title, r.code, r.kind) for r in c.execute(select(OnetTitle.title, OnetTitle.code, OnetTitle.kind).order_by(OnetTitle.id))]
            work_values: dict[str, dict[str, float]] = defaultdict(dict)
            for r in c.execute(select(OnetWorkValue)):
                work_values[r.code][r.element_id] = r.extent
        catalogue = cls(
            occupations=occupations,
            requirements=dict(requirements),
            tasks=dict(tasks),
            technologies=dict(technologies),
            related=dict(related),
            education={k: dict(v) for k, v in education.items()},
            education_categories=categories,
            job_zones=zones,
            anchors=dict(anchors),
            elements=elements,
            riasec_words={k: dict(v) for k, v in words.items()},
            work_values=dict(work_values),
            profiler_items=items,
            release=release,
            titles=titles,
        )
        catalogue._build_matrices()
        return catalogue

    def _build_matrices(self) -> None:
        with_interests = [o for o in self.occupations.values() if o.interests is not None]
        self._interest_codes = [o.code for o in with_interests]
        matrix = np.array([o.interests for o in with_interests], dtype=np.float64).reshape(-1, 6)
        # centred and scaled rows: a dot product with a centred, scaled profile is Pearson's r
        matrix = matrix - matrix.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._interest_matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)

        element_ids = sorted({q.element_id for items in self.requirements.values() for q in items})
        position = {e: i for i, e in enumerate(element_ids)}
        self._skill_codes = [c for c in self.requirements if c in self.occupations]
        self._skill_index = {c: i for i, c in enumerate(self._skill_codes)}
        skills = np.zeros((len(self._skill_codes), len(element_ids)))
        for row, code in enumerate(self._skill_codes):
            for q in self.requirements[code]:
                skills[row, position[q.element_id]] = q.importance
        # importance 1 means "not important": only what matters above that counts
        skills = np.clip(skills - 1.0, 0.0, None)
        norms = np.linalg.norm(skills, axis=1, keepdims=True)
        self._skill_matrix = np.divide(skills, norms, out=np.zeros_like(skills), where=norms > 0)

    # ---- single occupations ----------------------------------------------------------

    def get(self, code: str) -> Occupation | None:
        return self.occupations.get(code)

    def example_tasks(self, code: str, n: int = 3) -> list[str]:
        return self.tasks.get(code, [])[:n]

    def hot_technologies(self, code: str, n: int = 3) -> list[str]:
        items = self.technologies.get(code, [])
        ranked = sorted((t for t in items if t.hot), key=lambda t: not t.in_demand)
        seen: list[str] = []
        for t in ranked:
            if t.example not in seen:
                seen.append(t.example)
        return seen[:n]

    def distinctive_skills(self, code: str, n: int = 6, kind: str = "skill") -> list[Requirement]:
        """The skills (or knowledge areas) that set `code` apart: important for it (3 of 5
        or more) and more important than for the average occupation – Monitoring and
        Coordination for a supervisor rather than Reading Comprehension, which nearly
        every occupation rates highly. The most important fill up when too few stand out."""
        if "_mean_importance" not in self.__dict__:
            sums: dict[str, float] = defaultdict(float)
            counts: dict[str, int] = defaultdict(int)
            for items in self.requirements.values():
                for q in items:
                    sums[q.element_id] += q.importance
                    counts[q.element_id] += 1
            self.__dict__["_mean_importance"] = {e: sums[e] / counts[e] for e in sums}
        mean: dict[str, float] = self.__dict__["_mean_importance"]
        important = [q for q in self.top_skills(code, 100, kind=kind) if q.importance >= 3.0]
        standing_out = sorted(
            (q for q in important if q.importance - mean.get(q.element_id, 0.0) >= 0.3),
            key=lambda q: (-(q.importance - mean.get(q.element_id, 0.0)), q.name),
        )
        chosen = standing_out[:n]
        chosen += [q for q in important if q not in chosen][: n - len(chosen)]
        return chosen

    def distinctive_technologies(self, code: str, n: int = 3) -> list[str]:
        """Technologies that say something about the work: O*NET's in-demand ones first, the
        more widely used next, and never the office tools most occupations list (e-mail,
        word processing, slides) – spreadsheets stay, they are analysis tools."""
        if "_technology_share" not in self.__dict__:
            counts: dict[str, int] = defaultdict(int)
            for items in self.technologies.values():
                for example in {t.example for t in items}:
                    counts[example] += 1
            total = max(1, len(self.occupations))
            self.__dict__["_technology_share"] = {example: c / total for example, c in counts.items()}
        share: dict[str, float] = self.__dict__["_technology_share"]
        seen: dict[str, Technology] = {}
        for item in self.technologies.get(code, []):
            if item.hot and item.example not in seen:
                seen[item.example] = item
        kept = [
            t for t in seen.values()
            if share.get(t.example, 0.0) <= UBIQUITOUS or t.category.casefold().startswith("spreadsheet")
        ]
        kept.sort(key=lambda t: (not t.in_demand, -share.get(t.example, 0.0), t.example))
        return [t.example for t in kept[:n]]

    def requirement_source(self, code: str) -> str | None:
        """Whose skill ratings stand for `code`: its own, or – for the few occupations
        O*NET has not rated yet – those of its closest related occupation."""
        if self.requirements.get(code):
            return code
        return next((c for c, _ in self.related.get(code, []) if self.requirements.get(c)), None)

    def education_source(self, code: str) -> str | None:
        if self.education.get(code, {}).get("RL"):
            return code
        return next((c for c, _ in self.related.get(code, []) if self.education.get(c, {}).get("RL")), None)

    def top_skills(self, code: str, n: int = 6, kind: str = "skill") -> list[Requirement]:
        source = self.requirement_source(code)
        return [q for q in self.requirements.get(source, []) if q.kind == kind][:n] if source else []

    def related_occupations(self, code: str, n: int = 5) -> list[Occupation]:
        return [self.occupations[c] for c, _ in self.related.get(code, []) if c in self.occupations][:n]

    def education_shares(self, code: str, scale: str = "RL", minimum: float = 10.0) -> list[EducationShare]:
        """Categories held by at least `minimum` % of workers, most common first."""
        source = self.education_source(code)
        shares = self.education.get(source, {}).get(scale, []) if source else []
        kept = [
            EducationShare(self.education_categories.get((scale, cat), str(cat)), pct)
            for cat, pct in shares
            if pct >= minimum
        ]
        return sorted(kept, key=lambda s: -s.percent)

    def most_common_education(self, code: str) -> tuple[int, str, float] | None:
        """(O*NET category 1-12, its description, % of workers) of the education most workers hold."""
        source = self.education_source(code)
        shares = self.education.get(source, {}).get("RL", []) if source else []
        if not shares:
            return None
        category, percent = max(shares, key=lambda s: s[1])
        return category, self.education_categories.get(("RL", category), str(category)), percent

    # ---- interests -------------------------------------------------------------------

    def rank_by_interests(
        self,
        scores: Mapping[str, float],
        zones: Iterable[int] | None = None,
        limit: int = 10,
        exclude: Sequence[str] = (),
        near: str | None = None,
        far: bool = False,
    ) -> list[Suggestion]:
        """Occupations whose interest profile fits `scores` (RIASEC letter -> score) best.

        Fit is the correlation of the two profiles' shapes (Pearson's r, the usual measure
        of profile similarity), so a person's whole pattern counts, not one area. With the
        person's occupation (`near`), fit is weighed together with closeness to it (skills
        and knowledge), and only occupations in their field are offered – unless `far`
        moves were asked for, which then come with the reason.
        """
        person = np.array([float(scores.get(a.letter, 0.0)) for a in AREAS])
        centred = person - person.mean()
        norm = np.linalg.norm(centred)
        if norm == 0:
            return []  # a flat profile says nothing about fit
        fit = self._interest_matrix @ (centred / norm)
        start = self.occupations.get(near or "")
        closeness = self.skill_similarity(start.code) if start is not None else {}
        if start is not None and zones is None and start.job_zone:
            zones = [z for z in (start.job_zone, start.job_zone + 1) if z <= 5]
        ranking = fit if start is None else np.array(
            [0.5 * f + 0.5 * closeness.get(code, 0.0) for code, f in zip(self._interest_codes, fit)]
        )
        allowed = set(zones) if zones else None
        order = np.argsort(-ranking, kind="stable")
        person_top = top_areas(scores)
        skip = set(exclude) | ({start.code} if start is not None else set())
        results: list[Suggestion] = []
        for index in order:
            code = self._interest_codes[index]
            occupation = self.occupations[code]
            if code in skip or (allowed is not None and occupation.job_zone not in allowed):
                continue
            reason = ""
            if start is not None:
                close = self.closeness(start, occupation)
                near_enough = close.in_field and self.near_enough(start, occupation)
                if not near_enough and not far:
                    continue
                reason = close.reason if near_enough else "a far move from your field: it fits your interests, not your experience"
            suggestion = self.explain_fit(occupation, person_top, float(fit[index]))
            results.append(Suggestion(**{**{f: getattr(suggestion, f) for f in suggestion.__dataclass_fields__}, "reason": reason}))
            if len(results) >= limit:
                break
        return results

    def interest_fit(self, scores: Mapping[str, float], code: str) -> float | None:
        """Pearson's r between a person's interest profile and one occupation's (as ranked)."""
        occupation = self.occupations.get(code)
        if occupation is None or occupation.interests is None:
            return None
        person = np.array([float(scores.get(a.letter, 0.0)) for a in AREAS])
        theirs = np.array(occupation.interests, dtype=np.float64)
        person, theirs = person - person.mean(), theirs - theirs.mean()
        norm = float(np.linalg.norm(person) * np.linalg.norm(theirs))
        return float(person @ theirs / norm) if norm else None

    def explain_fit(self, occupation: Occupation, person_top: str, score: float) -> Suggestion:
        own = occupation.interest_code or ""
        shared = tuple(letter for letter in person_top if letter in own)
        return Suggestion(
            occupation,
            score,
            shared_areas=shared,
            tasks=tuple(self.example_tasks(occupation.code, 2)),
            hot_technologies=tuple(self.hot_technologies(occupation.code, 3)),
        )

    def area_words(self, letter: str) -> dict[str, list[str]]:
        return self.riasec_words.get(letter, {})

    # ---- career paths ----------------------------------------------------------------

    def skill_similarity(self, code: str) -> dict[str, float]:
        """Cosine similarity of skill and knowledge importance to every other occupation
        (kept for the occupations asked about most recently: a path asks many times; the
        dict is shared, so callers never change it)."""
        cache: dict[str, dict[str, float]] = self.__dict__.setdefault("_similarity_cache", {})
        found = cache.get(code)
        if found is None:
            source = self.requirement_source(code)
            index = self._skill_index.get(source) if source else None
            if index is None:
                return {}
            sims = self._skill_matrix @ self._skill_matrix[index]
            found = {c: float(s) for c, s in zip(self._skill_codes, sims) if c != code}
            if len(cache) >= SIMILARITIES_KEPT:
                cache.pop(next(iter(cache)))  # the oldest
            cache[code] = found
        return found

    @property
    def _paths(self) -> "Paths":
        from bot.careers.paths import Paths

        built = self.__dict__.get("_paths_built")
        if built is None:
            built = self.__dict__["_paths_built"] = Paths(self)
        return built

    def paths(
        self, code: str, path_type: str, limit: int = 4, direction: str | None = None, toward: str | None = None
    ) -> list[Suggestion]:
        """Next steps from `code` along a path type (traditional, lateral, network,
        dual_ladder), in the person's field; `direction` and the occupation they are
        heading `toward` order them."""
        start = self.occupations.get(code)
        if start is None:
            from bot.careers.paths import PATH_TYPES

            if path_type not in PATH_TYPES:
                raise ValueError(f"unknown path type {path_type!r}")
            return []
        return self._paths.build(start, path_type, limit, direction, self.occupations.get(toward or ""))

    def step(self, occupation: Occupation, score: float, reason: str, track: str = "") -> Suggestion:
        return Suggestion(
            occupation,
            score,
            tasks=tuple(self.example_tasks(occupation.code, 2)),
            hot_technologies=tuple(self.hot_technologies(occupation.code, 3)),
            reason=reason,
            track=track,
        )

    def closeness(self, start: Occupation, other: Occupation) -> "Closeness":
        return self._paths.closeness(start, other)

    def related_to(self, code: str, other: str) -> bool:
        """O*NET lists one of the two among the other's related occupations."""
        return other in self._paths._related_both.get(code, set())

    def near_enough(self, start: Occupation, other: Occupation) -> bool:
        """Close enough to count as the same field for a move: family, the management that
        leads it, or related work sharing main knowledge areas (not one shared area alone)."""
        return self._paths.neighbouring(start, other, strict=True)

    def managers_of(self, code: str, n: int = 2) -> list[Occupation]:
        """The management occupations that lead `code`'s family (the reviewed map)."""
        return self._paths.managers_of(code)[:n]

    def neighbours(self, code: str, n: int = 3) -> list[Occupation]:
        """Neighbouring work at the same level: the lateral path's occupations."""
        return [s.occupation for s in self.paths(code, "lateral", limit=n)]

    def similar(self, code: str, n: int = 5) -> list[Occupation]:
        """Occupations like `code`: O*NET's related ones in the same field first, then the
        closest skill profiles in the field."""
        start = self.occupations.get(code)
        if start is None:
            return []
        found: list[Occupation] = []
        for other in self.related_occupations(code, 20):
            if self._paths.neighbouring(start, other):
                found.append(other)
        for step in self._paths.build(start, "network", n * 2):
            if step.occupation not in found:
                found.append(step.occupation)
        return found[:n]

    # ---- skills gap ------------------------------------------------------------------

    def skill_anchors(self, element_id: str) -> dict[int, str]:
        return self.anchors.get(element_id, {})


def top_areas(scores: Mapping[str, float], n: int = 3) -> str:
    """The Holland code: the `n` highest areas, ties kept in RIASEC order."""
    ranked = sorted(AREAS, key=lambda a: -float(scores.get(a.letter, 0.0)))
    return "".join(a.letter for a in ranked[:n])


def area_names(letters: str) -> list[str]:
    return [AREA_BY_LETTER[letter].name for letter in letters if letter in AREA_BY_LETTER]

