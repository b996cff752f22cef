"""The retention purge, with a frozen clock: what is idle longer than the retention period
goes, what is not stays; a second run finds nothing; one run at a time, one server a day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text, update

from bot.conversation.messages import CONSENT_VERSION
from bot.conversation.reply import AnswerRecord, ConsentRecord
from bot.privacy import retention
from bot.storage import Store, migrate
from bot.storage.cases import CaseStore, CaseUpdate
from bot.storage.models import CounselingSession, Employee
from bot.storage.personal import ERASED_CHANNEL, PersonalDataStore
from bot.storage.tracker_events import TrackerEvents, tracker_engine

NOW = datetime(2028, 1, 10, 3, 0, tzinfo=timezone.utc)
DAYS = 730


@pytest.fixture
def stores(tmp_path):
    url = f"sqlite:///{tmp_path / 'waypoint.db'}"
    migrate(url)
    store = Store.from_url(url)
    engine = tracker_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.begin() as connection:  # Rasa's own table, as its SQL tracker store creates it
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255), "
            "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        ))
    yield store, PersonalDataStore(store.engine), TrackerEvents(engine)
    store.engine.dispose()
    engine.dispose()


def person(store: Store, sender: str, last_active: datetime) -> None:
    store.apply("rest", sender, [ConsentRecord(CONSENT_VERSION), AnswerRecord("situation", f"words of {sender}", "x")])
    with store.engine.begin() as connection:
        connection.execute(update(Employee).where(Employee.sender_id == sender).values(created_at=last_active))
        connection.execute(update(CounselingSession).values(updated_at=last_active).where(
            CounselingSession.employee_id.in_(text(f"SELECT id FROM employees WHERE sender_id = '{sender}'"))))


def said(tracker: TrackerEvents, sender: str, at: datetime) -> None:
    with tracker.engine.begin() as connection:
        connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                           {"s": sender, "t": at.timestamp()})


def test_the_purge_erases_only_what_is_idle_longer_than_the_retention_period(stores):
    store, personal, tracker = stores
    old, recent, talking = NOW - timedelta(days=DAYS + 1), NOW - timedelta(days=DAYS - 1), NOW - timedelta(days=3)
    person(store, "gone", old)
    said(tracker, "gone", old)
    person(store, "kept", recent)
    said(tracker, "kept", recent)
    person(store, "quiet-but-chatting", old)  # no new answers, but talked three days ago
    said(tracker, "quiet-but-chatting", talking)
    said(tracker, "never-consented", old)  # a transcript without a stored person
    cases = CaseStore(store.engine)
    closed, _ = cases.open_case("rest", "kept", CaseUpdate(reason="requested", summary={"x": "case words"}), now=old)
    cases.close_case(closed.id, "done", now=old)

    purged = retention.run_once(personal, tracker, DAYS, NOW)

    assert purged == retention.Purged(people=1, closed_cases=1, transcripts=1)
    assert not personal.holds_anything("rest", "gone")
    assert personal.holds_anything("rest", "kept") and personal.holds_anything("rest", "quiet-but-chatting")
    assert set(tracker.last_activity()) == {"kept", "quiet-but-chatting"}
    assert cases.case(closed.id).channel == ERASED_CHANNEL
    assert retention.run_once(personal, tracker, DAYS, NOW) == retention.Purged()  # idempotent


def test_one_purge_at_a_time_and_one_server_a_day(stores):
    store, personal, tracker = stores
    assert personal.take_lease(retention.RUNNING, "other-server", NOW + timedelta(hours=1), NOW)
    assert retention.run_once(personal, tracker, DAYS, NOW) is None  # another run is under way
    personal.release_lease(retention.RUNNING, "other-server")

    assert retention.run_daily(personal, tracker, DAYS, NOW, "web-1") == retention.Purged()
    assert retention.run_daily(personal, tracker, DAYS, NOW + timedelta(hours=2), "web-2") is None
    assert retention.run_daily(personal, tracker, DAYS, NOW + timedelta(days=1), "web-2") == retention.Purged()


def test_without_the_tracker_database_only_closed_cases_are_purged(stores):
    store, personal, _ = stores
    person(store, "gone", NOW - timedelta(days=DAYS + 1))

    assert retention.purge(personal, None, DAYS, NOW) == retention.Purged()
    assert personal.holds_anything("rest", "gone")
