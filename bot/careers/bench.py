"""Speed of the career database (issue 3 targets, printed by `make bench`):
loading the tables from the O*NET files < 30 s; ranking every occupation for an interest
profile p95 < 20 ms; resolving a free-text job title p95 < 10 ms."""

from __future__ import annotations

import random
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Callable

from bot.careers.loader import load
from bot.careers.riasec import AREAS
from bot.careers.service import Careers
from bot.storage import make_engine, migrate

# Typed the way people type them: exact, alternate, sentences, typos, vague.
TITLE_QUERIES = (
    "I'm a backend dev at a bank", "data scientist", "sofware enginer", "registered nurse",
    "I work as a nurse in the ICU", "senior accountant", "team lead in logistics",
    "product manager, maybe", "HR business partner", "chef", "welder", "graphic desginer",
    "bookkeeper", "manager", "teacher", "head of analytics", "qwertyuiop", "ux designer",
    "frontend dev", "machine learning engineer", "I'd like to become a data scientist",
    "maintenance planner", "electrican", "truck driver", "phramacist", "financial analyst",
    "customer service rep", "warehouse associate", "civil engineer", "social worker",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(url: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'careers.db'}"
        migrate(url)
        engine = make_engine(url)
        started = time.perf_counter()
        load(engine, force=True)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        careers = Careers.from_engine(engine)
        memory_seconds = time.perf_counter() - started
        engine.dispose()

    rng = random.Random(3)
    profiles = [{a.letter: rng.uniform(0, 40) for a in AREAS} for _ in range(200)]
    ranking = []
    for profile in profiles:
        ranking += timed(partial(careers.catalogue.rank_by_interests, profile, zones=[3, 4], limit=10), 1)
    titles = []
    for _ in range(5):
        for query in TITLE_QUERIES:
            titles += timed(partial(careers.resolve, query), 1)
    return {
        "load_s": load_seconds,
        "catalogue_s": memory_seconds,
        "ranking_p50_ms": percentile(ranking, 0.5),
        "ranking_p95_ms": percentile(ranking, 0.95),
        "title_p50_ms": percentile(titles, 0.5),
        "title_p95_ms": percentile(titles, 0.95),
    }


def report(figures: dict[str, float]) -> None:
    print("Career database (O*NET 29.3):")
    print(f"  loading the tables from the data files: {figures['load_s']:.1f} s (target < 30 s); "
          f"reading them into memory: {figures['catalogue_s']:.1f} s")
    print(f"  ranking all occupations for a profile: p50 {figures['ranking_p50_ms']:.2f} ms, "
          f"p95 {figures['ranking_p95_ms']:.2f} ms (target p95 < 20 ms)")
    print(f"  resolving a free-text job title: p50 {figures['title_p50_ms']:.2f} ms, "
          f"p95 {figures['title_p95_ms']:.2f} ms (target p95 < 10 ms)")


if __name__ == "__main__":
    report(run())
