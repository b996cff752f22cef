"""bot.plan.service: plan versions from a stored conversation, and links to them.

Runs on SQLite and (when configured) PostgreSQL through the `store` fixture.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.storage.models import PlanLink
from bot.plan.model import CareerPlan
from bot.plan.service import NothingStored, PlanService
from bot.storage import PlanStore

CHANNEL = "rest"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 23)
URL = re.compile(r"https://waypoint\.example\.org/plan/([A-Za-z0-9_-]{43})/(career-plan\.(md|html|pdf|docx|ics))")


@pytest.fixture
def settings() -> Settings:
    return Settings(base_url="https://waypoint.example.org", plan_link_days=14)


@pytest.fixture
def service(store, settings) -> PlanService:
    return PlanService(store, PlanStore(store.engine), settings)


def _talk(store, sender: str, *answers: tuple) -> None:
    """Answers stored the way the conversation stores them: (question, value[, slot value[, normalized]])."""
    for question, value, *rest in answers:
        slot_value = rest[0] if rest else value
        normalized = rest[1] if len(rest) > 1 else None
        store.record_answer(CHANNEL, sender, question, value, slot_value, normalized)


FIRST_CONVERSATION = (
    ("department", "IT"),
    ("current_role", "Data analyst"),
    ("goal_short", "Lead the reporting team"),
    ("goal_short_due", "15 April 2027", "2027-04-15", "2027-04-15"),
)


def test_generate_twice_with_a_change_in_between(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    first = service.generate(CHANNEL, "alice", NOW, TODAY)
    assert first.version == 1 and first.previous is None and first.changes == []
    assert first.summary == "This is your first career plan."
    part1 = [(i.label, i.text) for i in first.plan.part(1).items]
    assert part1 == [("Current role", "Data analyst"), ("Department", "IT")]
    assert first.plan.part(6).items[0].text == "Lead the reporting team – by 15 April 2027"

    _talk(
        store, "alice",
        ("goal_short_due", "30 June 2027", "2027-06-30", "2027-06-30"),
        ("env_social", "AI is changing reporting work"),
        ("action_steps", "one step", [{"description": "Finish the SQL course", "due": "2027-01-31"}]),
    )
    later = NOW + timedelta(days=2)
    second = service.generate(CHANNEL, "alice", later, TODAY + timedelta(days=2))
    assert second.version == 2
    assert second.previous == first.plan
    assert second.changes == [
        "Part 3 Social environment analysis: now discussed",
        "Part 6 Career goals and timeline: short-term goal changed",
        "Part 9 Gap between current ability and goals: now discussed",
    ]
    assert second.summary.startswith("Since version 1:\n- Part 3 Social environment analysis: now discussed")

    employee = store.employee_id(CHANNEL, "alice")
    assert service.plans.versions(employee) == [(1, NOW), (2, later)]
    assert CareerPlan.from_dict(service.plans.version(employee, 2)) == second.plan
    assert second.plan.generated_at == later


def test_every_generate_is_a_new_version_even_without_changes(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    third = service.generate(CHANNEL, "alice", NOW, TODAY)
    assert third.version == 3 and third.changes == []
    assert third.summary == "Nothing has changed since version 2."


def test_new_item_in_a_discussed_part(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    _talk(store, "alice", ("goal_medium", "Head of analytics"))
    assert service.generate(CHANNEL, "alice", NOW, TODAY).changes == [
        "Part 6 Career goals and timeline: new: Medium-term goal"
    ]


def test_versions_are_per_person(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    _talk(store, "bob", ("department", "Sales"))
    service.generate(CHANNEL, "alice", NOW, TODAY)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    bob = service.generate(CHANNEL, "bob", NOW, TODAY)
    assert bob.version == 1 and bob.previous is None
    assert bob.plan.part(1).items == (bob.plan.part(1).items[0],) and bob.plan.part(1).items[0].text == "Sales"


def test_nothing_stored_means_no_plan(store, service):
    with pytest.raises(NothingStored):
        service.generate(CHANNEL, "nobody", NOW, TODAY)
    assert store.count_employees() == 0  # asking created no one


def test_only_skipped_answers_make_no_plan(store, service):
    store.record_answer(CHANNEL, "alice", "department", "(skipped)", "(skipped)", skipped=True)
    with pytest.raises(NothingStored):
        service.generate(CHANNEL, "alice", NOW, TODAY)
    assert service.plans.versions(store.employee_id(CHANNEL, "alice")) == []


# -- links --------------------------------------------------------------------------------


def test_links_one_fresh_256_bit_token_per_call(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    links = service.new_links(CHANNEL, "alice", NOW)
    assert set(links) == {"md", "html", "pdf", "docx", "ics"}
    matches = {key: URL.fullmatch(url) for key, url in links.items()}
    assert all(matches.values()), links
    assert {key: m.group(2) for key, m in matches.items()} == {
        "md": "career-plan.md", "html": "career-plan.html", "pdf": "career-plan.pdf",
        "docx": "career-plan.docx", "ics": "career-plan.ics",
    }
    tokens = {m.group(1) for m in matches.values()}
    assert len(tokens) == 1
    token = tokens.pop()
    assert len(base64.urlsafe_b64decode(token + "=")) == 32  # 256 bits
    again = service.new_links(CHANNEL, "alice", NOW)
    assert URL.fullmatch(again["pdf"]).group(1) != token


def test_links_expire_after_the_configured_days_and_only_their_hash_is_stored(store, service):
    _talk(store, "alice", *FIRST_CONVERSATION)
    service.generate(CHANNEL, "alice", NOW, TODAY)
    token = URL.fullmatch(service.new_links(CHANNEL, "alice", NOW)["html"]).group(1)
    hashed = hashlib.sha256(token.encode()).hexdigest()
    employee = store.employee_id(CHANNEL, "alice")
    assert service.plans.link_employee(hashed, NOW + timedelta(days=14) - timedelta(seconds=1)) == employee
    assert service.plans.link_employee(hashed, NOW + timedelta(days=14)) is None
    with store.engine.connect() as connection:
        stored = [tuple(map(str, row)) for row in connection.execute(select(PlanLink.__table__))]
    assert stored[0][0] == hashed and all(token not in value for value in stored[0])


def test_no_links_before_a_plan_exists(store, service):
    with pytest.raises(NothingStored):
        service.new_links(CHANNEL, "nobody", NOW)
    _talk(store, "alice", *FIRST_CONVERSATION)
    with pytest.raises(NothingStored):
        service.new_links(CHANNEL, "alice", NOW)
