"""Rasa's SQL tracker store with two things Waypoint needs, loaded by the Rasa server
from endpoints.yml (`type: waypoint_rasa.tracker_store.WaypointTrackerStore`).

Privacy: a conversation is written to the database only once its `consent` slot is True:
before the person agrees, and after they decline, it lives in this process's memory only
– with several replicas, in Redis, sealed and expiring, where every replica sees it
(waypoint_rasa/unconsented.py) – whatever was written before a "no" is deleted, and
fetching it for the console never replaces it with an empty one. On consent the transcript is written from the consent on:
what was said before it stays unwritten, as the welcome promised. After "start
over" the earlier transcript is deleted too, so starting over really clears what was
said. After an erasure (bot/privacy: "delete all my data", "withdraw my consent", an
admin's erasure) the transcript goes from the database and from memory: the tracker
carries on with only the events from the erasure on. On SQLite, deleted rows are zeroed
in the file (`secure_delete`). Every event is stored sealed with the data key, and plan and
export links without their tokens.

Security: Rasa creates the tracker store while its server starts, so this is where the
guard in front of the server is installed whatever the channels (waypoint_rasa/http_guard.py).

Speed: with `cache_trackers: true` (one Rasa process per conversation, as on one
machine) the live tracker stays in memory between messages, so a message costs one
INSERT instead of re-reading and replaying the whole conversation. With several Rasa
replicas on one database add `check_cached_trackers: true` (endpoints.replicas.yml): each
message then checks how many events the database holds for the conversation and the newest
one's id, appends to the cached tracker what other replicas wrote since (they take turns under
the conversation's lock), and reads the conversation again when the database lost any of what
it held. A cached tracker idle for
CACHE_IDLE_SECONDS is read again from the database, so a conversation deleted there
(the retention purge, bot/privacy/retention.py) does not live on in memory; one kept
only in memory (no consent) is forgotten after MEMORY_ONLY_IDLE_SECONDS.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, Event
import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import SQLAlchemyError
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import Settings
from bot.privacy import redact_private_links
from bot.storage import crypto
from bot.storage.pool import ping_when_idle
from waypoint_rasa import fail_closed, http_guard, speedups, turn_check
from waypoint_rasa.fail_closed import TrackerStoreUnavailable
from waypoint_rasa.shared_state import SharedStateUnavailable, shared_state
from waypoint_rasa.unconsented import SharedUnconsented

logger = logging.getLogger(__name__)
speedups.install()  # this module is what the Rasa server loads of ours
fail_closed.install()

START_OVER_ACTION = "action_start_over"
# bot.privacy.ERASURE_ACTIONS (not imported: this module is what the Rasa server loads, kept to Rasa's needs)
ERASURE_ACTIONS = ("action_erase_data", "action_withdraw_consent")
CACHE_IDLE_SECONDS = 3600.0
# the attribute of a remembered tracker that says how many of its events are saved or meant to stay unsaved
_ACCOUNTED_FOR = "_waypoint_events_accounted_for"
MEMORY_ONLY_IDLE_SECONDS = 86400.0


def erasure_index(events: list[Event]) -> int | None:
    """Where a successful erasure starts among `events`: its ActionExecuted, when the action
    reset the slots (it does only once the stored records are gone)."""
    for i, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.action_name in ERASURE_ACTIONS:
            for later in events[i + 1:]:
                if isinstance(later, AllSlotsReset):
                    return i
                if isinstance(later, ActionExecuted):
                    break
    return None


class WaypointTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        cache_trackers: bool = False,
        cache_size: int = 500,
        check_cached_trackers: bool = False,
        unconsented_redis_host: Optional[str] = None,
        unconsented_redis_port: int = 6379,
        unconsented_redis_db: int = 2,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, **kwargs)
        # Several replicas: conversations without consent in Redis, where every replica sees
        # them (waypoint_rasa/unconsented.py); one machine: in this process's memory.
        self.unconsented: Optional[SharedUnconsented] = (
            SharedUnconsented.connect(unconsented_redis_host, unconsented_redis_port, unconsented_redis_db,
                                      MEMORY_ONLY_IDLE_SECONDS)
            if unconsented_redis_host else None
        )
        # Rasa's engine again, with the two settings it lacks: database errors never carry the
        # events (answer text) into the logs, and a connection dropped by the server is noticed
        # (checked before use when it sat idle: bot/storage/pool.py)
        url = self.engine.url
        self.engine.dispose()
        self.engine = ping_when_idle(sa.create_engine(url, hide_parameters=True, **_engine_kwargs(url)))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # PostgreSQL: what is one statement each turn – the replicas' check, a turn's one INSERT –
        # runs outside an explicit transaction (a statement is atomic by itself), so a turn
        # costs the database four round trips less (BEGIN/ROLLBACK, BEGIN/COMMIT)
        self.single_statements: Optional[sa.engine.Engine] = (
            ping_when_idle(sa.create_engine(url, hide_parameters=True, isolation_level="AUTOCOMMIT", **_engine_kwargs(url)))
            if url.get_backend_name() == "postgresql" else None
        )
        self.cache_trackers = bool(cache_trackers)
        self.cache_size = int(cache_size)
        # Several replicas share the database: a cached tracker is checked against it on every
        # message and brought up to date with what other replicas wrote (_catch_up).
        self.check_cached_trackers = bool(check_cached_trackers)
        # sender id -> how many events the database held for it, the newest one's id and a digest of
        # its data, when this replica last read or wrote them (check_cached_trackers)
        self._marks: dict[Text, tuple[int, int, bytes]] = {}
        # _catch_up's query, built once: building it for every message cost more than running it
        events = self.SQLEvent
        count_all = sa.select(sa.func.count()).select_from(events).where(events.sender_id == sa.bindparam("sender"))
        self._since_query = (
            sa.select(events.id, events.data, count_all.scalar_subquery().label("count"))
            .where(events.sender_id == sa.bindparam("sender"), events.id >= sa.bindparam("seen"))
            .order_by(events.id)
        )
        # sender id -> the live tracker, how many of its events are accounted for in the
        # database, when it was last used, and whether it is in the database at all
        self._live: OrderedDict[Text, tuple[DialogueStateTracker, int, float, bool]] = OrderedDict()
        if self.engine.dialect.name == "sqlite":
            sqlalchemy_event.listen(self.engine, "connect", _sqlite_pragmas)
        if not crypto.configured():
            # the Rasa server's own process: the events are sealed with the data key (bot/storage/crypto.py)
            settings = Settings.from_env()
            crypto.configure(settings.data_key, settings.data_key_file)
        # Rasa creates its tracker store while the server starts, whatever channels credentials.yml
        # names: the guard in front of the server (Host check, HTTP API) is installed here too.
        http_guard.install_on_rasa_server()

    def _remember(self, tracker: DialogueStateTracker, stored: bool = True) -> None:
        self._live[tracker.sender_id] = (tracker, len(tracker.events), time.monotonic(), stored)
        # The tracker itself carries how many of its events are accounted for: a read outside the
        # conversation's lock (the console, a channel's check) may put a fresh copy in the cache
        # while a turn is under way on this one, and that turn's save must still write exactly
        # what it added.
        setattr(tracker, _ACCOUNTED_FOR, len(tracker.events))
        self._live.move_to_end(tracker.sender_id)
        while len(self._live) > self.cache_size:
            self._live.popitem(last=False)

    def _live_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        live = self._live.get(sender_id)
        if live is None:
            return None
        tracker, saved, used, stored = live
        if not stored and self.unconsented is not None:
            return None  # another replica may have moved it on: the shared copy is the one
        idle = time.monotonic() - used
        if len(tracker.events) != saved or idle > (CACHE_IDLE_SECONDS if stored else MEMORY_ONLY_IDLE_SECONDS):
            # the last message failed before its events were saved, or it sat unused: read
            # what the database holds (nothing, for a conversation kept only in memory)
            del self._live[sender_id]
            return None
        self._live[sender_id] = (tracker, saved, time.monotonic(), stored)
        self._live.move_to_end(sender_id)
        return tracker

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        live = self._live_tracker(sender_id)
        if live is not None and (not self.check_cached_trackers or turn_check.checked_in_this_turn(sender_id)):
            return live
        if live is not None:
            with _unavailable_on_database_error():
                current = self._catch_up(live)
            if current is not None:
                turn_check.mark_checked(sender_id)
                return current
        shared = self._shared_unconsented(sender_id)
        if shared is not None:
            return shared
        with _unavailable_on_database_error():
            tracker = await super().retrieve(sender_id)
            if tracker is not None and self.cache_trackers:
                self._remember(tracker)
                self._mark(sender_id)
                turn_check.mark_checked(sender_id)
        return tracker

    def _mark(self, sender_id: Text, session: Any = None) -> None:
        """Remembers what the database holds of the conversation now (check_cached_trackers)."""
        if not self.check_cached_trackers:
            return
        if session is None:
            with self.session_scope() as session:
                return self._mark(sender_id, session)
        newest = session.execute(
            sa.select(self.SQLEvent.id, self.SQLEvent.data)
            .where(self.SQLEvent.sender_id == sender_id)
            .order_by(self.SQLEvent.id.desc())
            .limit(1)
        ).one_or_none()
        if newest is None:
            self._marks.pop(sender_id, None)
        else:
            self._marks[sender_id] = (self._count(session, sender_id), newest.id, _digest(newest.data))

    def _count(self, session: Any, sender_id: Text) -> int:
        return int(session.execute(
            sa.select(sa.func.count()).select_from(self.SQLEvent).where(self.SQLEvent.sender_id == sender_id)
        ).scalar_one())

    def _catch_up(self, tracker: DialogueStateTracker) -> Optional[DialogueStateTracker]:
        """The cached tracker with what other replicas appended since this one last saw the
        conversation (the conversation's lock keeps them from writing meanwhile); None when the
        database lost some of what it held – a deletion, an erasure, the retention purge – and
        the conversation must be read again. The newest event this replica saw must still be
        there as it was (its sealed data is unique: SQLite may give a deleted row's id again)."""
        sender_id = tracker.sender_id
        seen = self._marks.get(sender_id)
        if seen is None:
            return None
        seen_count, seen_id, seen_digest = seen
        with (self.single_statements or self.engine).connect() as connection:
            # one round trip: the rows from the newest seen on, and the count
            rows = connection.execute(self._since_query, {"sender": sender_id, "seen": seen_id}).all()
        if not rows or rows[0].id != seen_id or _digest(rows[0].data) != seen_digest:
            return None
        count = int(rows[0].count)
        if count != seen_count + len(rows) - 1:
            return None
        for row in rows[1:]:
            event = Event.from_parameters(json.loads(crypto.unseal(row.data) or "{}"))
            if event is not None:
                tracker.update(event, self.domain)
        self._marks[sender_id] = (count, rows[-1].id, _digest(rows[-1].data))
        self._remember(tracker)
        return tracker

    def _shared_unconsented(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """A conversation without consent from the store every replica sees, if there is one."""
        if self.unconsented is None or self.domain is None:
            return None
        events = self.unconsented.get(sender_id)
        if not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        self._remember(tracker, stored=False)  # _save: what it holds so far is not in the database
        return tracker

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's own, with the events unsealed (the data column is encrypted at rest)."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()
            events = [json.loads(crypto.unseal(row.data) or "{}") for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """The whole conversation (the console's transcript, a data export). One kept only
        in memory is returned as it is: the database has nothing of it, and an empty
        tracker in its place would end the conversation and store the next message."""
        live = self._live_tracker(conversation_id)
        if live is not None and not self._live[conversation_id][3]:
            return live
        shared = self._shared_unconsented(conversation_id)
        if shared is not None:
            return shared
        with _unavailable_on_database_error():
            return await super().retrieve_full_tracker(conversation_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with _unavailable_on_database_error():
            await self._save(tracker)

    async def _save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        live = self._live.get(tracker.sender_id)
        was_unconsented = live is not None and not live[3]
        accounted_for = getattr(tracker, _ACCOUNTED_FOR, None)
        if accounted_for is not None:
            # (kept in memory only until now: what was said before consent is never written)
            saved = int(accounted_for)
        else:
            with self.session_scope() as session:
                saved = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        new_events = list(itertools.islice(tracker.events, saved, None))

        erased_at = erasure_index(new_events)
        if erased_at is not None:
            # everything before the erasure goes, stored and in memory
            self._delete(tracker.sender_id)
            self._live.pop(tracker.sender_id, None)
            if self.unconsented is not None:
                self.unconsented.forget(tracker.sender_id)
            await self._forget_unread(tracker.sender_id)
            new_events = new_events[erased_at:]
            tracker = self.init_tracker(tracker.sender_id)
            for event in new_events:
                tracker.update(event, self.domain)

        if tracker.get_slot("consent") is not True:
            # not (yet) agreed to, or declined: nothing in the database, whatever was written before
            self._delete(tracker.sender_id)
            self._remember(tracker, stored=False)  # the only copy: lost with this process, by design
            if self.unconsented is not None:
                # … or with the shared copy's expiry, several replicas
                events = [json.loads(redact_private_links(json.dumps(e.as_dict()))) for e in tracker.events]
                self.unconsented.put(tracker.sender_id, events)
            return
        if was_unconsented and self.unconsented is not None:
            self.unconsented.forget(tracker.sender_id)  # agreed: from now on in the database

        restart_at = next(
            (i for i, e in enumerate(new_events) if isinstance(e, ActionExecuted) and e.action_name == START_OVER_ACTION),
            None,
        )
        if restart_at is not None:
            self._delete(tracker.sender_id)
            new_events = new_events[restart_at:]
        self._insert(tracker.sender_id, new_events, mark=self.cache_trackers)
        if self.cache_trackers:
            self._remember(tracker)
        elif erased_at is not None:
            self._live.pop(tracker.sender_id, None)

    async def _forget_unread(self, sender_id: Text) -> None:
        """Bot messages waiting in the REST inbox (a counselor's words) go with the erasure."""
        try:
            await shared_state(Settings.from_env().redis_url).forget(sender_id)
        except SharedStateUnavailable as error:
            raise TrackerStoreUnavailable() from error  # fails closed: the erasure is tried again

    def _insert(self, sender_id: Text, events: list, mark: bool = False) -> None:
        if not events:
            if mark:
                self._mark(sender_id)
            return
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": crypto.seal(redact_private_links(json.dumps(data))),
            })
        table = self.SQLEvent.__table__
        seen = self._marks.get(sender_id) if mark and self.check_cached_trackers else None
        # One INSERT of many rows, not the ORM's unit of work per event: the ORM's flush was
        # most of the cost of saving a turn (make bench).
        if seen is not None and self.single_statements is not None:
            # the new rows' ids come back with the insert (one statement, whole or not at all):
            # what the database holds now is known without asking again (under the
            # conversation's lock nobody else writes)
            with self.single_statements.connect() as connection:
                ids = _insert_returning_ids(connection, table, rows)
            newest = max(range(len(ids)), key=lambda i: ids[i])
            self._marks[sender_id] = (seen[0] + len(rows), int(ids[newest]), _digest(rows[newest]["data"]))
            return
        with self.engine.begin() as connection:
            connection.execute(sa.insert(table), rows)
            if mark:
                self._mark(sender_id, connection)

    def _delete(self, sender_id: Text) -> None:
        self._marks.pop(sender_id, None)
        turn_check.forget_checked(sender_id)
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
            if deleted and self.engine.dialect.name == "sqlite":
                # the zeroed pages replace the old ones in the file, and the log is emptied
                session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        if deleted:
            logger.debug("Deleted %s stored events of a conversation", deleted)


_EVENT_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


def _insert_returning_ids(connection: Any, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """PostgreSQL: the rows in one INSERT … RETURNING id, through psycopg2's execute_values.
    SQLAlchemy 1.4 compiles a many-row INSERT … RETURNING afresh for every number of rows
    (it caches no such statement): that compiling was most of the Rasa server's cost of a save."""
    from psycopg2.extras import execute_values

    prepare = connection.dialect.identifier_preparer
    columns = ", ".join(prepare.quote(name) for name in _EVENT_COLUMNS)
    statement = f"INSERT INTO {prepare.format_table(table)} ({columns}) VALUES %s RETURNING {prepare.quote('id')}"
    dbapi_connection = connection.connection
    cursor = dbapi_connection.cursor()
    try:
        found = execute_values(cursor, statement, [tuple(row[name] for name in _EVENT_COLUMNS) for row in rows],
                               page_size=len(rows), fetch=True)
    except connection.dialect.dbapi.Error as error:
        # as SQLAlchemy's own execution would: a dropped connection leaves the pool, and the error
        # is a database error (the turn fails closed: _unavailable_on_database_error), its
        # parameters – the sealed events – never in its text
        dropped = connection.dialect.is_disconnect(error, dbapi_connection, cursor)
        if dropped:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(statement, None, error, connection.dialect.dbapi.Error,
                                         hide_parameters=True, connection_invalidated=dropped,
                                         dialect=connection.dialect) from error
    finally:
        if not cursor.closed:
            cursor.close()
    return [int(row[0]) for row in found]


def _digest(data: Optional[str]) -> bytes:
    return hashlib.blake2b((data or "").encode(), digest_size=16).digest()


def _engine_kwargs(url: Any) -> dict[str, Any]:
    """Rasa's engine settings; on a SQLite file, connections kept in a pool rather than opened
    and closed for every save (SQLAlchemy 1.4's default there), which cost a turn a new
    connection and its set-up (make bench)."""
    kwargs = create_engine_kwargs(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        kwargs.update(poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False, "timeout": 15})
    return kwargs


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Deleted rows are zeroed in the file, so erased transcripts do not linger in it.
    cursor.execute("PRAGMA secure_delete=ON")
    # A write-ahead log, as the answers' database (bot/storage): a turn's save is one append, and
    # the console reads transcripts while the bot writes. NORMAL never corrupts the file; a power
    # cut may lose the turns written since the log was last synced.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def _unavailable_on_database_error() -> Iterator[None]:
    """A database error is the tracker store being unavailable: the turn fails closed
    (waypoint_rasa/fail_closed.py) rather than forget the person."""
    try:
        yield
    except SQLAlchemyError as error:
        raise TrackerStoreUnavailable() from error
