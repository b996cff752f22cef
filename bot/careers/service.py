"""One object the conversation uses for everything career-related: the in-memory
catalogue and the title index, built once from the career tables."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.careers.catalogue import Catalogue, Occupation
from bot.careers.titles import Resolution, TitleIndex


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
