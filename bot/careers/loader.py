"""Loads the O*NET files in `onet/` into the career tables, through the answer store's
SQLAlchemy engine (SQLite by default, PostgreSQL for replicas).

Idempotent: the tables are reloaded only when the files' digest differs from the one
recorded at the last load, and a load replaces everything in one transaction, so readers
never see half a database.

    python -m bot.careers.loader          # load if the files changed
    python -m bot.careers.loader --force  # reload anyway
"""

from __future__ import annotations

import argparse
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Engine

from bot.careers import onet_files
from bot.careers.onet_files import required
from bot.careers.riasec import AREAS, AREA_BY_NAME
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

logger = logging.getLogger(__name__)

# Children first: deleting in this order never breaks a foreign key.
CAREER_TABLES = (
    OnetTitle,
    OnetWorkValue,
    OnetRequirement,
    OnetTask,
    OnetTechnology,
    OnetRelated,
    OnetEducation,
    OnetOccupation,
    OnetElement,
    OnetLevelAnchor,
    OnetEducationCategory,
    OnetJobZone,
    OnetRiasecWord,
    OnetProfilerItem,
    OnetDataset,
)
BATCH = 5000


@dataclass(frozen=True)
class LoadResult:
    loaded: bool  # False: the tables already held these files
    fingerprint: str
    row_counts: dict[str, int]
    seconds: float


def _flag(value: str | None) -> bool:
    return value == "Y"


def _float(value: str | None) -> float | None:
    return float(value) if value is not None else None


class _Reader:
    """Turns O*NET rows into rows of the career tables."""

    def __init__(self, onet_dir: Path | None) -> None:
        self.db_dir = (onet_dir / "db_29_3") if onet_dir else None
        self.profiler_dir = (onet_dir / "interest_profiler") if onet_dir else None

    def table(self, name: str) -> Iterator[dict[str, str | None]]:
        return onet_files.read_table(name, self.db_dir)

    def occupations(self) -> list[dict[str, Any]]:
        zones = {r["O*NET-SOC Code"]: int(r["Job Zone"]) for r in self.table("Job Zones") if r["Job Zone"]}
        interests: dict[str, dict[str, Any]] = defaultdict(dict)
        for r in self.table("Interests"):
            code, name = required(r, "O*NET-SOC Code"), required(r, "Element Name")
            value = float(r["Data Value"] or 0)
            if r["Scale ID"] == "OI" and name in AREA_BY_NAME:
                interests[code][AREA_BY_NAME[name].column] = value
            elif r["Scale ID"] == "IH" and value >= 1:
                # high points are given as the area's position in RIASEC order (0 = none)
                interests[code][name] = AREAS[int(value) - 1].letter
        rows = []
        for r in self.table("Occupation Data"):
            code = required(r, "O*NET-SOC Code")
            profile = interests.get(code, {})
            high_points = "".join(
                profile.get(f"{n} Interest High-Point", "") for n in ("First", "Second", "Third")
            )
            rows.append(
                {
                    "code": code,
                    "title": r["Title"],
                    "description": r["Description"] or "",
                    "job_zone": zones.get(code),
                    **{a.column: profile.get(a.column) for a in AREAS},
                    "interest_code": high_points or None,
                }
            )
        return rows

    def titles(self, codes: set[str], occupations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = [{"code": o["code"], "title": o["title"], "kind": "title"} for o in occupations]
        for r in self.table("Alternate Titles"):
            if r["O*NET-SOC Code"] in codes:
                rows.append({"code": r["O*NET-SOC Code"], "title": r["Alternate Title"], "kind": "alternate"})
                if r["Short Title"]:
                    rows.append({"code": r["O*NET-SOC Code"], "title": r["Short Title"], "kind": "short"})
        for r in self.table("Sample of Reported Titles"):
            if r["O*NET-SOC Code"] in codes:
                rows.append({"code": r["O*NET-SOC Code"], "title": r["Reported Job Title"], "kind": "reported"})
        seen: set[tuple[str, str]] = set()
        unique = []
        for row in rows:
            key = (row["code"], row["title"].casefold())
            if key not in seen and row["title"]:
                seen.add(key)
                unique.append(row)
        return unique

    def requirements(self, codes: set[str]) -> list[dict[str, Any]]:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for kind, name in (("skill", "Skills"), ("knowledge", "Knowledge")):
            for r in self.table(name):
                code = required(r, "O*NET-SOC Code")
                if code not in codes or r["Scale ID"] not in ("IM", "LV"):
                    continue
                element_id = required(r, "Element ID")
                row = merged.setdefault(
                    (code, element_id),
                    {"code": code, "element_id": element_id, "kind": kind, "importance": None, "level": None},
                )
                value = _float(r["Data Value"])
                if r["Scale ID"] == "IM":
                    row["importance"] = value
                else:
                    # O*NET marks a level "not relevant" where the importance is too low to rate it
                    row["level"] = 0.0 if r.get("Not Relevant") == "Y" else value
        return list(merged.values())

    def elements(self) -> list[dict[str, Any]]:
        return [
            {"element_id": r["Element ID"], "name": r["Element Name"], "description": r["Description"]}
            for r in self.table("Content Model Reference")
        ]

    def anchors(self) -> list[dict[str, Any]]:
        return [
            {"element_id": r["Element ID"], "level": int(float(required(r, "Anchor Value"))), "description": r["Anchor Description"]}
            for r in self.table("Level Scale Anchors")
            if r["Scale ID"] == "LV" and r["Anchor Description"]
        ]

    def tasks(self, codes: set[str]) -> list[dict[str, Any]]:
        rows, seen = [], set()
        for r in self.table("Task Statements"):
            task_id = int(required(r, "Task ID"))
            if r["O*NET-SOC Code"] in codes and task_id not in seen:
                seen.add(task_id)
                rows.append(
                    {
                        "id": task_id,
                        "code": r["O*NET-SOC Code"],
                        "task": r["Task"],
                        "core": r["Task Type"] == "Core",
                        "incumbents_responding": int(float(r["Incumbents Responding"])) if r["Incumbents Responding"] else None,
                    }
                )
        return rows

    def technologies(self, codes: set[str]) -> list[dict[str, Any]]:
        return [
            {
                "code": r["O*NET-SOC Code"],
                "example": r["Example"],
                "category": r["Commodity Title"] or "",
                "hot": _flag(r["Hot Technology"]),
                "in_demand": _flag(r["In Demand"]),
            }
            for r in self.table("Technology Skills")
            if r["O*NET-SOC Code"] in codes and r["Example"]
        ]

    def work_values(self, codes: set[str]) -> list[dict[str, Any]]:
        """The six work values' extent (EX); the high-point rows (VH) only restate their order."""
        return [
            {"code": r["O*NET-SOC Code"], "element_id": r["Element ID"], "extent": float(required(r, "Data Value"))}
            for r in self.table("Work Values")
            if r["O*NET-SOC Code"] in codes and r["Scale ID"] == "EX"
        ]

    def related(self, codes: set[str]) -> list[dict[str, Any]]:
        return [
            {"code": r["O*NET-SOC Code"], "related_code": r["Related O*NET-SOC Code"], "tier": r["Relatedness Tier"], "rank": int(required(r, "Index"))}
            for r in self.table("Related Occupations")
            if r["O*NET-SOC Code"] in codes and r["Related O*NET-SOC Code"] in codes
        ]

    def education(self, codes: set[str]) -> list[dict[str, Any]]:
        return [
            {"code": r["O*NET-SOC Code"], "scale": r["Scale ID"], "category": int(r["Category"]), "percent": float(required(r, "Data Value"))}
            for r in self.table("Education, Training, and Experience")
            if r["O*NET-SOC Code"] in codes and r["Category"] and r["Scale ID"] in ("RL", "RW", "PT", "OJ")
        ]

    def education_categories(self) -> list[dict[str, Any]]:
        return [
            {"scale": r["Scale ID"], "category": int(required(r, "Category")), "description": r["Category Description"]}
            for r in self.table("Education, Training, and Experience Categories")
            if r["Scale ID"] in ("RL", "RW", "PT", "OJ")
        ]

    def job_zones(self) -> list[dict[str, Any]]:
        return [
            {
                "zone": int(required(r, "Job Zone")),
                "name": r["Name"],
                "experience": r["Experience"] or "",
                "education": r["Education"] or "",
                "training": r["Job Training"] or "",
                "examples": r["Examples"] or "",
            }
            for r in self.table("Job Zone Reference")
        ]

    def riasec_words(self, codes: set[str]) -> list[dict[str, Any]]:
        rows = [
            {"area": AREA_BY_NAME[required(r, "Element Name")].letter, "kind": (r["Keyword Type"] or "").lower(), "text": r["Keyword"]}
            for r in self.table("RIASEC Keywords")
        ]
        rows += [
            {"area": AREA_BY_NAME[r["Element Name"]].letter, "kind": "activity", "text": (r["Activity"] or "").rstrip(".")}
            for r in self.table("Interests Illustrative Activities")
            if r["Interest Type"] == "General" and r["Element Name"] in AREA_BY_NAME
        ]
        rows += [
            {"area": AREA_BY_NAME[r["Element Name"]].letter, "kind": "occupation", "text": r["O*NET-SOC Code"]}
            for r in self.table("Interests Illustrative Occupations")
            if r["Interest Type"] == "General" and r["Element Name"] in AREA_BY_NAME and r["O*NET-SOC Code"] in codes
        ]
        return rows

    def profiler_items(self) -> list[dict[str, Any]]:
        return [
            {"number": int(required(r, "Index")), "area": AREA_BY_NAME[required(r, "RIASEC Area")].letter, "item": r["Item"]}
            for r in onet_files.read_profiler("ip_short_form_60_items", self.profiler_dir)
        ]


def loaded_fingerprint(connection: Connection) -> str | None:
    try:
        return connection.execute(select(OnetDataset.fingerprint).where(OnetDataset.id == 1)).scalar_one_or_none()
    except Exception:  # noqa: BLE001 - no table yet: nothing is loaded
        return None


def _insert(connection: Connection, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    rows = list(rows)
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(model.__table__), rows[start : start + BATCH])
    return len(rows)


def load(engine: Engine, onet_dir: Path | None = None, force: bool = False) -> LoadResult:
    """Load the career tables from the O*NET files unless they already hold these files."""
    started = time.perf_counter()
    fingerprint = onet_files.fingerprint(onet_dir)
    with engine.connect() as connection:
        current = loaded_fingerprint(connection)
    if current == fingerprint and not force:
        return LoadResult(False, fingerprint, {}, time.perf_counter() - started)

    reader = _Reader(onet_dir)
    occupations = reader.occupations()
    codes = {o["code"] for o in occupations}
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (OnetOccupation, occupations),
        (OnetTitle, reader.titles(codes, occupations)),
        (OnetElement, reader.elements()),
        (OnetRequirement, reader.requirements(codes)),
        (OnetLevelAnchor, reader.anchors()),
        (OnetTask, reader.tasks(codes)),
        (OnetTechnology, reader.technologies(codes)),
        (OnetWorkValue, reader.work_values(codes)),
        (OnetRelated, reader.related(codes)),
        (OnetEducation, reader.education(codes)),
        (OnetEducationCategory, reader.education_categories()),
        (OnetJobZone, reader.job_zones()),
        (OnetRiasecWord, reader.riasec_words(codes)),
        (OnetProfilerItem, reader.profiler_items()),
    ]
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for model in CAREER_TABLES:
            connection.execute(delete(model.__table__))
        for model, rows in tables:
            counts[model.__tablename__] = _insert(connection, model, rows)
        connection.execute(
            insert(OnetDataset.__table__),
            [{"id": 1, "release": onet_files.RELEASE, "fingerprint": fingerprint, "row_counts": counts}],
        )
    return LoadResult(True, fingerprint, counts, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    from bot.config import Settings
    from bot.storage import make_engine

    parser = argparse.ArgumentParser(description="Load the O*NET career database")
    parser.add_argument("--force", action="store_true", help="reload even if the files did not change")
    args = parser.parse_args(argv)
    engine = make_engine(Settings.from_env().database_url)
    result = load(engine, force=args.force)
    engine.dispose()
    if result.loaded:
        total = sum(result.row_counts.values())
        print(f"O*NET {onet_files.RELEASE} career database loaded: {total} rows in {result.seconds:.1f} s")
    else:
        print(f"O*NET {onet_files.RELEASE} career database is up to date")


if __name__ == "__main__":
    main()
