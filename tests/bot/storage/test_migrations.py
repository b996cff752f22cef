"""Migration 0011 (untaken-case alerts) on a database made at 0010 with cases in it, on SQLite
and PostgreSQL: what the cases already waiting on deploy become, the outbox's existing
notices staying case notices, and the way back."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from bot.config import test_postgres_url as postgres_url
from bot.storage import make_engine
from bot.storage.cases import CaseStore

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime.now(timezone.utc)

CASES = sa.table(
    "cases",
    sa.column("id", sa.Integer), sa.column("channel", sa.String), sa.column("sender_id", sa.String),
    sa.column("status", sa.String), sa.column("urgent", sa.Boolean), sa.column("reason", sa.String),
    sa.column("after_hours", sa.Boolean), sa.column("summary", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("taken_at", sa.DateTime(timezone=True)),
    sa.column("closed_at", sa.DateTime(timezone=True)),
)
MESSAGES = sa.table(
    "case_messages",
    sa.column("case_id", sa.Integer), sa.column("author", sa.String), sa.column("text", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
NOTIFICATIONS = sa.table(
    "notifications",
    sa.column("id", sa.Integer), sa.column("case_id", sa.Integer), sa.column("transport", sa.String),
    sa.column("urgent", sa.Boolean), sa.column("attempts", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("next_attempt_at", sa.DateTime(timezone=True)),
)


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_url(), reason="WAYPOINT_TEST_POSTGRES_URL not set"))])
def engine_at_0010(request, tmp_path) -> Iterator[Engine]:
    """An empty database at revision 0010: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'at-0010.db'}")
        _migrate(engine, "0010")
        yield engine
        engine.dispose()
        return
    url = postgres_url()
    assert url
    schema = f"wp_test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        _migrate(engine, "0010")
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _case(id: int, status: str, age: timedelta, taken: bool = False) -> dict:
    opened = NOW - age
    return {
        "id": id, "channel": "rest", "sender_id": f"person{id}", "status": status, "urgent": False,
        "reason": "requested", "after_hours": False, "summary": "{}", "created_at": opened,
        "taken_at": opened + timedelta(minutes=5) if taken else None,
        "closed_at": opened + timedelta(hours=1) if status == "closed" else None,
    }


def test_cases_waiting_on_deploy_alert_once_when_due_and_the_old_backlog_does_not(engine_at_0010):
    engine = engine_at_0010
    with engine.begin() as connection:
        connection.execute(CASES.insert(), [
            _case(1, "new", timedelta(hours=3)),  # opened this morning: waiting, may be due
            _case(2, "assigned", timedelta(days=6)),  # routed last week, not taken: still within a week
            _case(3, "new", timedelta(days=30)),  # a month-old backlog item
            _case(4, "assigned", timedelta(days=8)),
            _case(5, "active", timedelta(days=30), taken=True),
            _case(6, "closed", timedelta(days=30)),
        ])
        connection.execute(NOTIFICATIONS.insert(), [
            {"case_id": 1, "transport": "slack", "urgent": False, "attempts": 0,
             "created_at": NOW - timedelta(hours=3), "next_attempt_at": NOW - timedelta(hours=3)},
        ])
        connection.execute(MESSAGES.insert(), [{"case_id": 1, "author": "employee", "text": "sealed", "created_at": NOW}])

    _migrate(engine, "head")

    with engine.connect() as connection:
        marked = dict(connection.execute(sa.text("SELECT id, untaken_alerted_at FROM cases ORDER BY id")).all())
        kinds = connection.execute(sa.text("SELECT case_id, kind FROM notifications")).all()
    assert {case for case, at in marked.items() if at is not None} == {3, 4}  # the backlog: marked as reminded
    assert kinds == [(1, "case")]  # a notice already in the outbox stays what it was
    assert _count(engine, "case_messages") == 1
    waiting = CaseStore(engine).untaken_cases(opened_before=NOW, urgent_opened_before=NOW)
    assert [case.id for case in waiting] == [2, 1]  # oldest first; each alerted once when its office time is up


def test_the_way_back_drops_the_columns_and_the_reminders_only(engine_at_0010):
    engine = engine_at_0010
    with engine.begin() as connection:
        connection.execute(CASES.insert(), [_case(1, "new", timedelta(hours=3))])
        connection.execute(MESSAGES.insert(), [{"case_id": 1, "author": "employee", "text": "sealed", "created_at": NOW}])
    _migrate(engine, "head")
    cases = CaseStore(engine)
    with engine.begin() as connection:
        connection.execute(NOTIFICATIONS.insert(), [
            {"case_id": 1, "transport": "email", "urgent": False, "attempts": 0,
             "created_at": NOW, "next_attempt_at": NOW},
        ])
    assert cases.alert_untaken(1, ("slack", "email"), now=NOW) is True
    assert [n["kind"] for n in cases.notifications()] == ["case", "untaken", "untaken"]

    _migrate(engine, "0010", down=True)

    inspector = sa.inspect(engine)
    assert "kind" not in {c["name"] for c in inspector.get_columns("notifications")}
    assert "untaken_alerted_at" not in {c["name"] for c in inspector.get_columns("cases")}
    with engine.connect() as connection:
        # the older code would have sent the reminders as new-case notices to the counselors
        assert connection.execute(sa.text("SELECT case_id, transport FROM notifications")).all() == [(1, "email")]
    assert _count(engine, "case_messages") == 1  # not lost to a cascade when SQLite rebuilds a table


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
