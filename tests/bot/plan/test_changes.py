"""bot.plan.changes: what changed since the last plan version, worked out by hand."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.plan.changes import changes, summary_text
from bot.plan.model import PART_TITLES, CareerPlan, Item, Part

WHEN = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def _plan(version: int, **items: list[tuple[str, str]]) -> CareerPlan:
    """A plan whose part N has the items given as pN=[(label, text), ...]."""
    parts = tuple(
        Part(n, PART_TITLES[n - 1], tuple(Item(label, text) for label, text in items.get(f"p{n}", ())))
        for n in range(1, 11)
    )
    return CareerPlan(version=version, generated_at=WHEN, parts=parts)


BASE = {
    "p1": [("Department", "IT"), ("Current role", "Analyst")],
    "p6": [("Short-term goal", "Lead a team – by 15 April 2027")],
    "p9": [("Critical Thinking", "you rated yourself 3 of 7")],
}


def test_the_same_plan_has_no_changes():
    assert changes(_plan(1, **BASE), _plan(2, **BASE)) == []


def test_no_previous_plan_has_no_changes():
    assert changes(None, _plan(1, **BASE)) == []


def test_a_changed_item_is_named_by_its_label():
    new = {**BASE, "p6": [("Short-term goal", "Lead a team – by 30 June 2027")]}
    assert changes(_plan(1, **BASE), _plan(2, **new)) == ["Part 6 Career goals and timeline: short-term goal changed"]


def test_new_and_removed_items():
    new = {
        **BASE,
        "p1": [("Department", "IT")],
        "p9": [("Critical Thinking", "you rated yourself 3 of 7"), ("Action steps", "15 January 2027: Call HR")],
    }
    assert changes(_plan(1, **BASE), _plan(2, **new)) == [
        "Part 1 Basic information: removed: Current role",
        "Part 9 Gap between current ability and goals: new: Action steps",
    ]


def test_a_part_discussed_for_the_first_time_and_one_no_longer_discussed():
    new = {"p1": BASE["p1"], "p3": [("Social environment", "AI changes my field")], "p9": BASE["p9"]}
    assert changes(_plan(1, **BASE), _plan(2, **new)) == [
        "Part 3 Social environment analysis: now discussed",
        "Part 6 Career goals and timeline: no longer discussed",
    ]


def test_several_changes_in_one_part_make_one_line_and_names_keep_their_capitals():
    new = {
        **BASE,
        "p6": [("Short-term goal", "Lead two teams – by 15 April 2027"), ("Long-term goal", "Head of data")],
        "p9": [("Critical Thinking", "you rated yourself 5 of 7")],
    }
    assert changes(_plan(1, **BASE), _plan(2, **new)) == [
        "Part 6 Career goals and timeline: short-term goal changed; new: Long-term goal",
        "Part 9 Gap between current ability and goals: Critical Thinking changed",
    ]


def test_the_person_s_words_are_not_repeated():
    new = {**BASE, "p1": [("Department", "Secret Project X"), ("Current role", "Analyst")]}
    lines = changes(_plan(1, **BASE), _plan(2, **new))
    assert lines == ["Part 1 Basic information: department changed"]
    assert "Secret" not in " ".join(lines)


def test_summary_text():
    assert summary_text([], None) == "This is your first career plan."
    assert summary_text([], 2) == "Nothing has changed since version 2."
    assert summary_text(["Part 3 Social environment analysis: now discussed", "Part 9 Gap: new: Action steps"], 2) == (
        "Since version 2:\n- Part 3 Social environment analysis: now discussed\n- Part 9 Gap: new: Action steps"
    )
