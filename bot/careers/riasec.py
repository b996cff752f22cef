"""The six RIASEC interest areas (Holland's types) as O*NET names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    letter: str
    name: str
    plain: str  # one sentence in plain words, shown with the person's profile

    @property
    def column(self) -> str:
        return self.name.lower()


AREAS: tuple[Area, ...] = (
    Area("R", "Realistic", "hands-on work with tools, machines, plants or animals, often outdoors"),
    Area("I", "Investigative", "working with ideas, studying and solving problems, searching for facts"),
    Area("A", "Artistic", "creating, designing and expressing yourself, working without a strict set of rules"),
    Area("S", "Social", "helping, teaching, advising and caring for people"),
    Area("E", "Enterprising", "starting up and carrying out projects, leading people and making decisions, taking risks"),
    Area("C", "Conventional", "working with data and details, following set procedures and keeping things in order"),
)
AREA_BY_LETTER: dict[str, Area] = {a.letter: a for a in AREAS}
AREA_BY_NAME: dict[str, Area] = {a.name: a for a in AREAS}
