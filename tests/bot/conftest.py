"""Fixtures shared by the bot/ unit tests.

`store` runs every storage test on a fresh, migrated SQLite file and – when
WAYPOINT_TEST_POSTGRES_URL is set – once more on a throw-away PostgreSQL schema.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from bot.config import test_postgres_url
from bot.storage import Store, make_engine, migrate

TODAY = date(2026, 11, 22)

_POSTGRES_URL = test_postgres_url()


@pytest.fixture
def today() -> date:
    """The fixed reference day every date in these tests is resolved against."""
    return TODAY


@pytest.fixture
def sqlite_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'waypoint.db'}"
    migrate(url)
    store = Store.from_url(url)
    try:
        yield store
    finally:
        store.engine.dispose()


@pytest.fixture
def postgresql_store():
    url = test_postgres_url()
    assert url, "WAYPOINT_TEST_POSTGRES_URL must be set for the PostgreSQL store"
    schema = f"wp_test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrate(url, engine=engine)
        yield Store(engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not _POSTGRES_URL, reason="WAYPOINT_TEST_POSTGRES_URL not set"),
        ),
    ]
)
def store(request) -> Store:
    """A migrated, empty answer store on each configured database."""
    return request.getfixturevalue(f"{request.param}_store")
