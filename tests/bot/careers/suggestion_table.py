"""Runs the career-suggestion table (suggestion_table.yml, written before the code it
measures) against the career database: used by test_suggestion_table.py and `make eval`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.careers.service import Careers

TABLE = Path(__file__).with_name("suggestion_table.yml")
TOP_PATH, TOP_RANKED = 6, 5


@dataclass
class Result:
    case: dict[str, Any]
    suggested: list[str]
    problems: list[str]
    outside_without_reason: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def cases() -> list[dict[str, Any]]:
    return list(yaml.safe_load(TABLE.read_text(encoding="utf-8"))["cases"])


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def run_case(case: dict[str, Any], careers: Careers) -> Result:
    catalogue = careers.catalogue
    kind = case["kind"]
    current = careers.occupation(case.get("current"))
    problems: list[str] = []
    outside: list[str] = []
    suggested: list[str] = []
    if kind == "path":
        assert current is not None, case["current"]
        steps = catalogue.paths(current.code, case["path_type"], limit=TOP_PATH, direction=case.get("direction"))
        suggested = [s.occupation.code for s in steps]
        problems += [f"missing {c}" for c in _as_list(case.get("expect", [])) if c not in suggested]
        outside = [s.occupation.code for s in steps if not catalogue.closeness(current, s.occupation).in_field and "field" not in s.reason]
    elif kind == "interests":
        found = catalogue.rank_by_interests(case["profile"], limit=TOP_RANKED, near=current.code if current else None)
        suggested = [s.occupation.code for s in found]
        expected = _as_list(case.get("expect_any", []))
        if expected and not set(expected) & set(suggested):
            problems.append(f"none of {expected}")
        if current is not None:
            outside = [s.occupation.code for s in found if not catalogue.closeness(current, s.occupation).in_field and not s.reason]
    elif kind == "target":
        target = careers.target_in_context(case["text"], current)
        chosen = target.code if target is not None else "none"
        suggested = [chosen]
        expected = _as_list(case.get("expect", []))
        if chosen not in expected:
            problems.append(f"chose {chosen}, expected {' or '.join(expected)}")
    elif kind == "similar":
        assert current is not None, case["current"]
        suggested = [o.code for o in catalogue.similar(current.code, TOP_RANKED)]
        expected = _as_list(case.get("expect_any", []))
        if expected and not set(expected) & set(suggested):
            problems.append(f"none of {expected}")
    else:
        raise ValueError(f"unknown case kind {kind!r}")
    problems += [f"forbidden {c}" for c in _as_list(case.get("forbid", [])) if c in suggested]
    return Result(case, suggested, problems, outside)


def run_table(careers: Careers) -> list[Result]:
    return [run_case(case, careers) for case in cases()]


def report(results: list[Result]) -> list[str]:
    passed = sum(r.passed for r in results)
    outside = sum(len(r.outside_without_reason) for r in results)
    by_kind: dict[str, list[Result]] = {}
    for r in results:
        by_kind.setdefault(r.case["kind"], []).append(r)
    lines = [
        f"Career-suggestion table ({TABLE.name}): {passed}/{len(results)} cases pass = {passed / len(results):.3f} (target ≥ 0.90)",
        "  by kind: " + ", ".join(f"{k} {sum(r.passed for r in rs)}/{len(rs)}" for k, rs in by_kind.items()),
        f"  suggestions outside the person's field without a stated reason: {outside} (target 0)",
    ]
    for r in results:
        if not r.passed:
            lines.append(f"  FAIL {r.case['name']}: {'; '.join(r.problems)}")
    return lines
