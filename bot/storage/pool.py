"""Pooled database connections that are checked before use only when they sat idle.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` before every use of a pooled connection, so
that one the server dropped (a restart, a failover, an idle timeout) is replaced instead of
failing the statement. Under load that is a round trip on every unit of work – with several
replicas on PostgreSQL, a few per turn in each server, about 90 microseconds of CPU each
between the client and the server (make bench). A connection handed back within the last
FRESH_SECONDS was working then; only one idle for longer is pinged first.

If the server goes away within that second, the next statement on such a connection fails as
an unreachable database does (the person is told their message can't be saved right now,
nothing is half-written) and SQLAlchemy invalidates the pool: every later use connects anew.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

# A connection used this recently is taken as alive (a database restart takes longer than this).
FRESH_SECONDS = 1.0
_RETURNED_AT = "waypoint_returned_at"


def ping_when_idle(engine: Engine) -> Engine:
    """Installs the check on `engine` (created without pool_pre_ping); returns it."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()  # just made: nothing to check

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned < FRESH_SECONDS:
            return
        # the pool replaces a connection that raises this, and tries again
        if not dialect.do_ping(dbapi_connection):
            raise DisconnectionError("a pooled connection was dropped by the database server")

    return engine
