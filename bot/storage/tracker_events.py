"""Rasa's own table of conversation events (`events`, written by Rasa's SQL tracker store
and waypoint_rasa/tracker_store.py), for the two jobs outside Rasa that must reach it: the
retention purge and an admin's erasure while Rasa cannot be reached."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Float, String, column, create_engine, delete, event, func, inspect, select, table
from sqlalchemy.engine import Engine

from bot.storage.pool import ping_when_idle

EVENTS = table("events", column("sender_id", String), column("timestamp", Float))


def tracker_engine(url: str) -> Engine:
    """An engine on Rasa's tracker database; on SQLite, deleted rows are zeroed in the file."""
    if not url.startswith("sqlite"):
        return ping_when_idle(create_engine(url, future=True, hide_parameters=True))
    engine = create_engine(url, future=True, hide_parameters=True, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _secure_delete(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return engine


class TrackerEvents:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> "TrackerEvents":
        return cls(tracker_engine(url))

    def _exists(self) -> bool:
        return inspect(self.engine).has_table("events")

    def last_activity(self) -> dict[str, datetime]:
        """Each conversation's latest event (sender id -> when)."""
        if not self._exists():
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(select(EVENTS.c.sender_id, func.max(EVENTS.c.timestamp)).group_by(EVENTS.c.sender_id))
            return {sender: datetime.fromtimestamp(float(last or 0), timezone.utc) for sender, last in rows}

    def delete(self, sender_id: str) -> int:
        """Delete a conversation's events; returns how many there were."""
        if not self._exists():
            return 0
        with self.engine.begin() as connection:
            deleted = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount or 0
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(deleted)
