"""bot.storage.plans: plan versions and plan links, on SQLite and (when configured) PostgreSQL.

Every test gets a fresh migrated database from the `store` fixture (tests/bot/conftest.py).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select

from bot.storage.models import Employee, PlanLink, PlanVersion
from bot.storage import PlanStore

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def plans(store) -> PlanStore:
    return PlanStore(store.engine)


def _content(n: int, words: str = "plan") -> dict:
    return {"version": n, "words": words}


def _count(store, model) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- versions -----------------------------------------------------------------------------


def test_versions_are_numbered_per_employee(store, plans):
    alice, bob = store.employee_id("rest", "alice"), store.employee_id("rest", "bob")
    assert plans.save_version(alice, _content, now=NOW) == (1, {"version": 1, "words": "plan"})
    assert plans.save_version(alice, _content, now=NOW + timedelta(hours=1))[0] == 2
    assert plans.save_version(bob, _content, now=NOW)[0] == 1
    assert plans.save_version(alice, lambda n: _content(n, "third"), now=NOW)[0] == 3
    assert plans.versions(alice) == [(1, NOW), (2, NOW + timedelta(hours=1)), (3, NOW)]
    assert plans.versions(bob) == [(1, NOW)]
    assert plans.version(alice, 3) == {"version": 3, "words": "third"}
    assert plans.version(bob, 2) is None
    assert plans.versions(store.employee_id("rest", "carol")) == []


def test_latest_and_latest_before(store, plans):
    alice = store.employee_id("rest", "alice")
    assert plans.latest(alice) is None
    for _ in range(3):
        plans.save_version(alice, _content, now=NOW)
    latest = plans.latest(alice)
    assert (latest.version, latest.content, latest.created_at) == (3, _content(3), NOW)
    assert plans.latest(alice, before=3).version == 2
    assert plans.latest(alice, before=2).version == 1
    assert plans.latest(alice, before=1) is None


def test_version_numbers_are_unique_per_employee(store, plans):
    alice = store.employee_id("rest", "alice")
    plans.save_version(alice, _content, now=NOW)
    with pytest.raises(Exception) as raised:
        with plans._sessions.begin() as s:
            s.add(PlanVersion(employee_id=alice, version=1, content={}, created_at=NOW))
    assert "unique" in str(raised.value).lower() or "duplicate" in str(raised.value).lower()


def test_a_failing_build_stores_nothing(store, plans):
    alice = store.employee_id("rest", "alice")

    def build(n: int) -> dict:
        raise RuntimeError("assembling failed")

    with pytest.raises(RuntimeError):
        plans.save_version(alice, build, now=NOW)
    assert plans.versions(alice) == []
    assert plans.save_version(alice, _content, now=NOW)[0] == 1


def test_saving_for_an_unknown_employee_fails(plans):
    with pytest.raises(LookupError):
        plans.save_version("0" * 32, _content, now=NOW)


def test_a_number_taken_meanwhile_is_retried(store, plans):
    """Another writer takes version 1 between our read of the numbers and our insert: the
    unique constraint refuses ours, and the unit runs again with number 2."""
    alice = store.employee_id("rest", "alice")
    calls: list[int] = []

    def build(n: int) -> dict:
        calls.append(n)
        if len(calls) == 1:  # the other writer, committed on its own connection
            with store.engine.begin() as connection:
                connection.execute(PlanVersion.__table__.insert().values(
                    employee_id=alice, version=n, content=_content(n, "other"), created_at=NOW))
        return _content(n)

    assert plans.save_version(alice, build, now=NOW)[0] == 2
    assert calls == [1, 2]
    assert plans.version(alice, 1) == _content(1, "other")


def test_concurrent_saves_get_distinct_numbers(store, plans):
    alice = store.employee_id("rest", "alice")
    got: list[int] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            got.append(plans.save_version(alice, _content, now=NOW)[0])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(got) == [1, 2, 3, 4, 5, 6]


def test_charts_are_cached_per_version(store, plans):
    alice = store.employee_id("rest", "alice")
    plans.save_version(alice, _content, now=NOW)
    plans.save_version(alice, _content, now=NOW)
    assert plans.charts(alice, 1) is None
    assert plans.store_charts(alice, 1, {"png": {"skills": "aGVsbG8="}}) is True
    assert plans.charts(alice, 1) == {"png": {"skills": "aGVsbG8="}}
    assert plans.charts(alice, 2) is None
    assert plans.store_charts(alice, 9, {}) is False
    # no chart stored is SQL NULL, not JSON null
    with store.engine.connect() as connection:
        nulls = connection.execute(select(func.count()).select_from(PlanVersion).where(PlanVersion.charts.is_(None)))
        assert nulls.scalar_one() == 1


# -- links --------------------------------------------------------------------------------


def test_link_finds_its_employee_until_it_expires(store, plans):
    alice = store.employee_id("rest", "alice")
    token = secrets.token_urlsafe(32)
    plans.create_link(_hash(token), alice, NOW + timedelta(days=30), NOW)
    assert plans.link_employee(_hash(token), NOW) == alice
    assert plans.link_employee(_hash(token), NOW + timedelta(days=30) - timedelta(seconds=1)) == alice
    assert plans.link_employee(_hash(token), NOW + timedelta(days=30)) is None
    assert plans.link_employee(_hash(token), NOW + timedelta(days=31)) is None
    assert plans.link_employee(_hash("another token"), NOW) is None


def test_link_times_in_other_zones_are_compared_in_utc(store, plans):
    alice = store.employee_id("rest", "alice")
    berlin = timezone(timedelta(hours=1))
    plans.create_link(_hash("t"), alice, datetime(2026, 11, 23, 12, 0, tzinfo=berlin), NOW)  # 11:00 UTC
    assert plans.link_employee(_hash("t"), datetime(2026, 11, 23, 10, 59, tzinfo=timezone.utc)) == alice
    assert plans.link_employee(_hash("t"), datetime(2026, 11, 23, 11, 30, tzinfo=timezone.utc)) is None
    with pytest.raises(ValueError):
        plans.link_employee(_hash("t"), datetime(2026, 11, 23, 10, 0))  # naive: refused


def test_only_the_hash_of_a_token_is_stored(store, plans):
    alice = store.employee_id("rest", "alice")
    token = secrets.token_urlsafe(32)
    with pytest.raises(ValueError):
        plans.create_link(token, alice, NOW + timedelta(days=1), NOW)  # the raw token is refused
    plans.create_link(_hash(token), alice, NOW + timedelta(days=1), NOW)
    with store.engine.connect() as connection:
        rows = [tuple(str(v) for v in row) for row in connection.execute(select(PlanLink.__table__))]
    assert rows and all(token not in value for row in rows for value in row)
    assert rows[0][0] == _hash(token)


def test_creating_a_link_clears_expired_ones(store, plans):
    alice = store.employee_id("rest", "alice")
    plans.create_link(_hash("old"), alice, NOW + timedelta(days=1), NOW)
    plans.create_link(_hash("new"), alice, NOW + timedelta(days=40), NOW + timedelta(days=10))
    assert _count(store, PlanLink) == 1
    assert plans.link_employee(_hash("new"), NOW + timedelta(days=11)) == alice


# -- erasure ------------------------------------------------------------------------------


def test_delete_for_removes_versions_and_links_of_that_employee_only(store, plans):
    alice, bob = store.employee_id("rest", "alice"), store.employee_id("rest", "bob")
    for who in (alice, alice, bob):
        plans.save_version(who, _content, now=NOW)
    plans.create_link(_hash("a"), alice, NOW + timedelta(days=1), NOW)
    plans.create_link(_hash("b"), bob, NOW + timedelta(days=1), NOW)
    assert plans.delete_for(alice) == 2
    assert plans.versions(alice) == [] and plans.link_employee(_hash("a"), NOW) is None
    assert plans.versions(bob) == [(1, NOW)] and plans.link_employee(_hash("b"), NOW) == bob
    assert plans.save_version(alice, _content, now=NOW)[0] == 1  # numbering starts over


def test_deleting_the_employee_cascades(store, plans):
    alice, bob = store.employee_id("rest", "alice"), store.employee_id("rest", "bob")
    plans.save_version(alice, _content, now=NOW)
    plans.save_version(bob, _content, now=NOW)
    plans.create_link(_hash("a"), alice, NOW + timedelta(days=1), NOW)
    with store.engine.begin() as connection:
        connection.execute(delete(Employee).where(Employee.id == alice))
    assert _count(store, PlanVersion) == 1
    assert _count(store, PlanLink) == 0
    assert plans.versions(bob) == [(1, NOW)]
