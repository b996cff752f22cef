"""bot/storage/pool.py: a pooled connection is pinged before use only after sitting idle, and
one the database server dropped is replaced – before use when it was idle, after one failed
statement when it was not."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import config
from bot.storage import make_engine
from bot.storage import pool

pytestmark = pytest.mark.skipif(not config.test_postgres_url(), reason="WAYPOINT_TEST_POSTGRES_URL not set")


@pytest.fixture
def engine():
    engine = make_engine(str(config.test_postgres_url()), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch) -> list[object]:
    """Every ping the engine's dialect sends."""
    sent: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _backend(engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _drop(backend: int) -> None:
    """The server ends the connection, as a restart does."""
    admin = make_engine(str(config.test_postgres_url()))
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    admin.dispose()


def test_a_connection_in_use_is_not_pinged_again(engine, pings) -> None:
    for _ in range(20):
        _backend(engine)
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dropped_one_replaced(engine, pings, monkeypatch) -> None:
    first = _backend(engine)
    _drop(first)
    monkeypatch.setattr(pool, "FRESH_SECONDS", 0.0)  # as if it sat idle

    second = _backend(engine)  # no error: the ping found it dropped and the pool connected anew

    assert second != first
    assert len(pings) >= 1


def test_a_recently_used_connection_dropped_fails_one_statement_then_connects_anew(engine, pings) -> None:
    first = _backend(engine)
    _drop(first)

    with pytest.raises(DBAPIError) as failed:
        _backend(engine)
    assert failed.value.connection_invalidated
    assert _backend(engine) != first
    assert pings == []
