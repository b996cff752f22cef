"""The retention purge: records are kept WAYPOINT_RETENTION_DAYS (default 730) and no longer.

    python -m bot.privacy.retention     # `make purge`: once, now

- A person whose records, cases and conversation have all been idle that long is erased
  whole, as if they had asked (bot/storage/personal.py), and so is their transcript.
- A case closed that long ago keeps only its anonymous count, even if the person is still
  active.
- A transcript with no stored person (a conversation that never got as far as consent)
  idle that long is deleted.

The web server runs it once a day (`purge_daily`). With several web servers only one runs
it each day: each first takes the day's lease in the database. Two runs never overlap (a
second lease is held while one runs, `make purge` included). It is idempotent: a second
run finds nothing.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from bot.storage.personal import PersonalDataStore
from bot.storage.tracker_events import TrackerEvents

logger = logging.getLogger(__name__)

RUNNING = "retention_purge"
TODAY = "retention_purge_day"
DAY = timedelta(days=1)
# A run takes seconds; the running lease outlives a crash mid-run only this long.
RUN_SPAN = timedelta(hours=1)


@dataclass(frozen=True)
class Purged:
    people: int = 0
    closed_cases: int = 0
    transcripts: int = 0

    def describe(self) -> str:
        return f"{self.people} people, {self.closed_cases} closed cases, {self.transcripts} transcripts"


def purge(store: PersonalDataStore, tracker: TrackerEvents | None, retention_days: int, now: datetime) -> Purged:
    """Erase what is older than the retention period. `tracker`: Rasa's events table (None
    when it is not reachable from here: then only people whose whole conversation is
    already gone from it could be judged idle, so nobody is erased but closed cases)."""
    cutoff = now - timedelta(days=retention_days)
    closed = store.erase_cases_closed_before(cutoff, now)
    if tracker is None:
        return Purged(closed_cases=closed)
    last_said = tracker.last_activity()
    people = 0
    for person in store.people_inactive_since(cutoff):
        said = last_said.get(person.sender_id)
        if said is not None and said >= cutoff:
            continue  # still talking (without new answers)
        store.erase(person.channel, person.sender_id, "retention", now=now)
        tracker.delete(person.sender_id)
        last_said.pop(person.sender_id, None)
        people += 1
    kept = store.stored_senders() | {p.sender_id for p in store.people_with_cases()}
    transcripts = 0
    for sender, said in last_said.items():
        if said < cutoff and sender not in kept:
            tracker.delete(sender)
            transcripts += 1
    return Purged(people=people, closed_cases=closed, transcripts=transcripts)


def new_holder() -> str:
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


def run_once(store: PersonalDataStore, tracker: TrackerEvents | None, retention_days: int, now: datetime,
             holder: str | None = None) -> Purged | None:
    """`purge` unless another run is under way (then None)."""
    holder = holder or new_holder()
    if not store.take_lease(RUNNING, holder, now + RUN_SPAN, now):
        return None
    try:
        purged = purge(store, tracker, retention_days, now)
    finally:
        store.release_lease(RUNNING, holder)
    logger.info("retention purge: %s", purged.describe())  # counts only
    return purged


def run_daily(store: PersonalDataStore, tracker: TrackerEvents | None, retention_days: int, now: datetime,
              holder: str) -> Purged | None:
    """Today's purge, by the first web server to ask (None for the others)."""
    if not store.take_lease(TODAY, holder, now + DAY - timedelta(minutes=5), now):
        return None
    return run_once(store, tracker, retention_days, now, holder)


async def purge_daily(
    store: PersonalDataStore, tracker: TrackerEvents | None, retention_days: int, clock: Callable[[], datetime],
    interval: timedelta = DAY,
) -> None:
    """The web server's daily purge (a background task)."""
    holder = new_holder()
    while True:
        try:
            await asyncio.to_thread(run_daily, store, tracker, retention_days, clock(), holder)
        except Exception as error:  # noqa: BLE001 - logged by type; tomorrow's run tries again
            logger.error("retention purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval.total_seconds())


def main() -> None:
    from bot.config import Settings
    from bot.storage import crypto, make_engine

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    crypto.configure(settings.data_key, settings.data_key_file)
    store = PersonalDataStore(make_engine(settings.database_url))
    tracker = TrackerEvents.from_url(settings.tracker_database_url)
    purged = run_once(store, tracker, settings.retention_days, datetime.now(timezone.utc))
    if purged is None:
        print("Another server is running the purge right now; nothing done.")
        return
    print(f"Erased what is older than {settings.retention_days} days: {purged.describe()}.")


if __name__ == "__main__":
    main()
