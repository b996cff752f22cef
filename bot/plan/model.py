"""The career plan as data: the one source every format (Markdown, HTML, PDF, DOCX,
iCalendar) is rendered from.

Text in the model is the person's own words (cleaned, not escaped): each renderer
escapes for its format. `to_dict` / `from_dict` keep a plan version in the database
exactly as it was generated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from bot.careers.gaps import whole_level

PART_TITLES = (
    "Basic information",
    "Personal career direction",
    "Social environment analysis",
    "Organization analysis",
    "Relevant people, countermeasures and suggestions",
    "Career goals and timeline",
    "Criteria for success",
    "Evaluation of own conditions and potential",
    "Gap between current ability and goals",
    "Plan revision",
)
# Which part each chart illustrates: the goal timeline, the interest profile, the skills gap.
CHART_PARTS = {"timeline": 6, "interests": 8, "skills": 9}
NOT_DISCUSSED = "Not discussed yet – continue the conversation or ask your counselor."
RIASEC_ORDER = ("R", "I", "A", "S", "E", "C")
RIASEC_NAMES = {
    "R": "Realistic", "I": "Investigative", "A": "Artistic", "S": "Social", "E": "Enterprising", "C": "Conventional",
}


@dataclass(frozen=True)
class Item:
    """One line of a part: what it is about, and the person's words (or a derived fact)."""

    label: str
    text: str
    by_waypoint: bool = False  # Waypoint's analysis, not the person's words


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    items: tuple[Item, ...] = ()

    @property
    def discussed(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class InterestProfile:
    """Interest Profiler result (part 8): 0–40 per RIASEC area and the Holland code."""

    code: str
    scores: Mapping[str, float]  # letter -> 0..40


@dataclass(frozen=True)
class SkillGap:
    """A skill of the target occupation (part 9), on O*NET's 0–7 level scale."""

    skill: str
    required_level: float
    self_level: int | None  # None: not rated
    importance: float  # O*NET importance 1–5
    development: str  # how to close the gap, in words

    @property
    def needed(self) -> int:
        return whole_level(self.required_level)

    @property
    def gap(self) -> float:
        return 0.0 if self.self_level is None else float(max(0, self.needed - self.self_level))


@dataclass(frozen=True)
class Milestone:
    """A dated point of the plan: a goal deadline, an action step or a review (timeline, calendar)."""

    kind: str  # goal | step | review
    title: str
    due: date
    detail: str = ""


@dataclass(frozen=True)
class CareerPlan:
    version: int
    generated_at: datetime
    parts: tuple[Part, ...]
    interest_profile: InterestProfile | None = None
    skill_gaps: tuple[SkillGap, ...] = ()
    target_title: str | None = None
    milestones: tuple[Milestone, ...] = ()
    attribution: str | None = None  # O*NET credit when O*NET data is shown
    language_hint: str = "en"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def part(self, number: int) -> Part:
        return self.parts[number - 1]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        for milestone in data["milestones"]:
            milestone["due"] = milestone["due"].isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CareerPlan":
        profile = data.get("interest_profile")
        return cls(
            version=int(data["version"]),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            parts=tuple(
                Part(p["number"], p["title"], tuple(Item(i["label"], i["text"], bool(i.get("by_waypoint", False))) for i in p["items"]))
                for p in data["parts"]
            ),
            interest_profile=InterestProfile(profile["code"], dict(profile["scores"])) if profile else None,
            skill_gaps=tuple(SkillGap(**g) for g in data.get("skill_gaps", ())),
            target_title=data.get("target_title"),
            milestones=tuple(
                Milestone(m["kind"], m["title"], date.fromisoformat(m["due"]), m.get("detail", ""))
                for m in data.get("milestones", ())
            ),
            attribution=data.get("attribution"),
            language_hint=data.get("language_hint", "en"),
            extra=dict(data.get("extra") or {}),
        )
