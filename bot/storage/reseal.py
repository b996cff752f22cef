"""Re-encryption: every sealed value is brought under the ring's current key, and any value
still in the clear (written before encryption) is sealed. Run by the web server in the
background after a key rotation (bot/web.py) and safe to run at any time: rows already
under the current key are skipped in the query itself.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, Text, inspect, select, update
from sqlalchemy.engine import Engine

from bot.storage import crypto
from bot.storage.crypto import EncryptedJSON, EncryptedText
from bot.storage.models import Base
from bot.storage.personal import PersonalDataStore

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str


def sealed_columns() -> list[SealedColumn]:
    """Every encrypted column of the answer store, read from the models."""
    return [
        SealedColumn(table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, (EncryptedText, EncryptedJSON))
    ]


def _stale(column: Column, current_prefix: str):  # type: ignore[no-untyped-def]
    """Not under the current key: an older key's, or still in the clear."""
    return column.is_not(None) & ~column.startswith(current_prefix, autoescape=True)


def reseal_column(engine: Engine, table_name: str, column_name: str, key_column: str = "id") -> int:
    """Re-seal one column in batches; returns how many values changed."""
    if not inspect(engine).has_table(table_name):
        return 0
    # plain text columns here: the values are handled sealed, as they are stored
    table = Table(table_name, MetaData(), Column(key_column, Integer, primary_key=True), Column(column_name, Text))
    key, value = table.c[key_column], table.c[column_name]
    changed, last = 0, 0
    while True:
        ring = crypto.ring(fresh=True)
        prefix = f"{crypto.PREFIX}{ring.current_id}:"
        with engine.begin() as connection:
            rows = connection.execute(
                select(key, value).where(key > last, _stale(value, prefix)).order_by(key).limit(BATCH)
            ).all()
            for row_key, stored in rows:
                opened = (crypto.unseal(stored) if crypto.is_sealed(stored) else stored) or ""
                connection.execute(update(table).where(key == row_key, value == stored).values({column_name: ring.encrypt(opened)}))
                changed += 1
        if len(rows) < BATCH:
            return changed
        last = rows[-1][0]


def reseal_answer_store(engine: Engine) -> int:
    return sum(reseal_column(engine, c.table, c.column) for c in sealed_columns())


def reseal_tracker(engine: Engine) -> int:
    """Rasa's events (the transcript) in the tracker database."""
    return reseal_column(engine, "events", "data")


LEASE = "reseal"


def reseal_once(answers: Engine, tracker: Engine | None, holder: str) -> int | None:
    """Both databases, by one web server at a time (None: another one is at it)."""
    leases = PersonalDataStore(answers)
    now = datetime.now(timezone.utc)
    if not leases.take_lease(LEASE, holder, now + timedelta(hours=1), now):
        return None
    try:
        changed = reseal_answer_store(answers)
        if tracker is not None:
            changed += reseal_tracker(tracker)
        return changed
    finally:
        leases.release_lease(LEASE, holder)


async def reseal_forever(answers: Engine, tracker: Engine | None, interval_seconds: float = 3600.0) -> None:
    """The web server's background re-encryption: at start, then hourly."""
    holder = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    while True:
        try:
            changed = await asyncio.to_thread(reseal_once, answers, tracker, holder)
            if changed:
                logger.info("re-encrypted %d values under the current data key", changed)
        except Exception as error:  # noqa: BLE001 - logged by type; the next round tries again
            logger.error("re-encryption failed: %s", type(error).__name__)
        await asyncio.sleep(interval_seconds)
