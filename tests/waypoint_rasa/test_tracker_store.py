"""The tracker store keeps conversations without consent out of the database, deletes
the transcript on start over, serves live trackers from memory when allowed, and installs
the Rasa server's guard."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import aiohttp
import pytest
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import test_postgres_url as postgres_url
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from tests.conftest import ROOT
from tests.servers import free_port, rasa_like_app, serve
from bot.storage import crypto
from waypoint_rasa import tracker_store
from waypoint_rasa.fail_closed import TrackerStoreUnavailable
from waypoint_rasa.shared_state import shared_state
from waypoint_rasa.tracker_store import WaypointTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def make_store(path: Path, domain: Domain, cache: bool) -> WaypointTrackerStore:
    return WaypointTrackerStore(domain, dialect="sqlite", db=str(path / "tracker.db"), cache_trackers=cache)


def stored_texts(store: WaypointTrackerStore, sender: str) -> list[str]:
    """The stored events of a conversation, opened (they are sealed with the data key)."""
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).all()
        return [crypto.unseal(row.data) for row in rows]


def raw_rows(store: WaypointTrackerStore) -> list[str]:
    with store.session_scope() as session:
        return [row.data for row in session.query(store.SQLEvent).all()]


def say(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
    tracker.update(BotUttered("noted"))


async def test_conversations_are_stored_and_survive_a_new_process(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("ana", domain.slots)
    say(tracker, "I work in finance")
    tracker.update(SlotSet("consent", True))
    await store.save(tracker)
    say(tracker, "three years")
    await store.save(tracker)

    reloaded = await make_store(tmp_path, domain, cache=True).retrieve("ana")

    assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == ["I work in finance", "three years"]
    assert len(stored_texts(store, "ana")) == len(tracker.events)
    assert all(crypto.is_sealed(row) for row in raw_rows(store)) and not any("finance" in row for row in raw_rows(store))


async def test_before_consent_nothing_is_written_and_after_it_only_what_follows(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("bo", domain.slots)
    say(tracker, "hello, what is this?")
    await store.save(tracker)
    assert stored_texts(store, "bo") == [] and await store.retrieve("bo") is tracker

    tracker.update(SlotSet("consent", True))
    say(tracker, "my department")
    await store.save(tracker)

    rows = " ".join(stored_texts(store, "bo"))
    assert "hello, what is this?" not in rows and "my department" in rows


async def test_when_consent_is_declined_nothing_is_written_and_earlier_events_are_deleted(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=False)
    tracker = DialogueStateTracker("ben", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "hello, what is this?")
    await store.save(tracker)
    assert stored_texts(store, "ben")

    tracker.update(SlotSet("consent", False))
    say(tracker, "my secret department")
    await store.save(tracker)

    assert stored_texts(store, "ben") == []
    live = await store.retrieve("ben")  # the conversation goes on from memory
    assert live is tracker
    assert await make_store(tmp_path, domain, cache=False).retrieve("ben") is None


async def test_start_over_deletes_the_earlier_transcript(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("cai", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "an answer I regret")
    await store.save(tracker)

    tracker.update(ActionExecuted("action_start_over"))
    say(tracker, "a fresh start")
    await store.save(tracker)

    rows = stored_texts(store, "cai")
    assert not any("an answer I regret" in row for row in rows)
    assert any("a fresh start" in row for row in rows)


async def test_cached_tracker_is_reloaded_when_its_last_message_was_not_saved(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("dee", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "saved")
    await store.save(tracker)
    assert await store.retrieve("dee") is tracker

    say(tracker, "processing failed before save")
    reloaded = await store.retrieve("dee")

    assert reloaded is not tracker
    assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == ["saved"]


async def test_without_cache_every_retrieve_reads_the_database(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=False)
    tracker = DialogueStateTracker("eli", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "hi")
    await store.save(tracker)

    assert await store.retrieve("eli") is not tracker


async def test_created_in_a_running_rasa_server_it_installs_the_guard_whatever_the_channels(tmp_path, domain, monkeypatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(Sanic, "_app_registry", {})  # only this test's apps
    monkeypatch.setenv("WAYPOINT_RASA_TOKEN", "s3cret-token")
    monkeypatch.delenv("WAYPOINT_ALLOWED_HOSTS", raising=False)
    app = rasa_like_app(webhook=False, name="rasa_server")  # `rasa run --enable-api` without any channel
    make_store(tmp_path, domain, cache=True)  # as Rasa does while the server starts (endpoints.yml)

    async def status(method: str, url: str, **kwargs) -> int:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, url, **kwargs) as answer:
                return answer.status

    async for url in serve(app):
        assert await status("PUT", url + "/model", params={"token": "s3cret-token"}) == 404
        assert await status("GET", url + "/conversations/ann/tracker") == 401
        assert await status("GET", url + "/conversations/ann/tracker", params={"token": "s3cret-token"}) == 200
        assert await status("GET", url + "/conversations/ann/tracker", params={"token": "s3cret-token"},
                            headers={"Host": "attacker.example"}) == 400


# ---- erasure and the memory-only conversations (bot/privacy) ----------------------------


def erase(tracker: DialogueStateTracker, action: str = "action_erase_data", succeeded: bool = True) -> None:
    tracker.update(ActionExecuted(action))
    if succeeded:
        tracker.update(AllSlotsReset())
    tracker.update(BotUttered("Done – everything I held about you is deleted"))


@pytest.mark.parametrize("cache", [True, False])
async def test_an_erasure_removes_the_transcript_stored_and_in_memory(tmp_path, domain, cache) -> None:
    store = make_store(tmp_path, domain, cache=cache)
    tracker = DialogueStateTracker("fay", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "my secret plan")
    await store.save(tracker)

    erase(tracker)
    await store.save(tracker)

    assert not any("my secret plan" in row for row in stored_texts(store, "fay"))
    again = await store.retrieve("fay")
    assert again is not tracker and not any(isinstance(e, UserUttered) for e in again.events)
    assert again.get_slot("consent") is None


async def test_an_erasure_drops_the_bot_messages_waiting_unread_in_the_rest_inbox(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    unread = shared_state("")  # what the REST channel keeps in this process (Redis with several replicas)
    await unread.put("ivy", {"message": {"text": "Ann Lee: about your promotion"}, "delivery": None}, 10)
    await unread.put("other", {"message": {"text": "for someone else"}, "delivery": None}, 10)
    tracker = DialogueStateTracker("ivy", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "words")
    await store.save(tracker)

    erase(tracker)
    await store.save(tracker)

    assert await unread.take("ivy") == []
    assert [item["message"]["text"] for item in await unread.take("other")] == ["for someone else"]


async def test_a_failed_erasure_deletes_nothing(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("gus", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "kept words")
    await store.save(tracker)

    erase(tracker, succeeded=False)  # the action could not delete the records: no reset
    await store.save(tracker)

    assert any("kept words" in row for row in stored_texts(store, "gus"))


async def test_withdrawn_consent_keeps_the_conversation_in_memory_only_without_its_past(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("hal", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "words before")
    await store.save(tracker)

    erase(tracker, "action_withdraw_consent")
    tracker.update(SlotSet("situation", "carried on"))
    tracker.update(SlotSet("consent", False))
    await store.save(tracker)

    assert stored_texts(store, "hal") == []
    live = await store.retrieve("hal")
    assert live.get_slot("situation") == "carried on" and live.get_slot("consent") is False
    assert not any(isinstance(e, UserUttered) for e in live.events)


async def test_fetching_a_declined_conversation_never_replaces_it_with_an_empty_one(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("ida", domain.slots)
    tracker.update(SlotSet("consent", False))
    say(tracker, "only in memory")
    await store.save(tracker)

    fetched = await store.get_or_create_full_tracker("ida", False)  # what the console's tracker call does

    assert fetched is tracker
    assert (await store.retrieve("ida")).get_slot("consent") is False


# -- several replicas: conversations without consent in the store every replica sees -------------------------


@pytest.fixture
def redis_db() -> int:
    """A local Redis (the replicas' set-up) – WAYPOINT_TEST_REDIS_URL, set by .ci/run when one answers."""
    url = os.environ.get("WAYPOINT_TEST_REDIS_URL")
    if not url:
        pytest.skip("no WAYPOINT_TEST_REDIS_URL: the replicas' Redis tests need a local Redis")
    return 15


def make_replica(path: Path, domain: Domain, prefix: str) -> WaypointTrackerStore:
    url = urlparse(os.environ["WAYPOINT_TEST_REDIS_URL"])
    store = WaypointTrackerStore(domain, dialect="sqlite", db=str(path / "tracker.db"), cache_trackers=True,
                                 check_cached_trackers=True, unconsented_redis_host=url.hostname, unconsented_redis_port=url.port or 6379,
                                 unconsented_redis_db=15)
    assert store.unconsented is not None
    store.unconsented.prefix = prefix  # this test's keys only
    return store


@pytest.fixture
def replicas(tmp_path, domain, redis_db) -> Iterator[tuple[WaypointTrackerStore, WaypointTrackerStore]]:
    prefix = f"waypoint-test:{uuid.uuid4().hex}:"
    first, second = make_replica(tmp_path, domain, prefix), make_replica(tmp_path, domain, prefix)
    yield first, second
    client = first.unconsented.client
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


async def test_a_declined_conversation_is_seen_by_every_replica_and_never_written(replicas, domain) -> None:
    one, other = replicas
    tracker = DialogueStateTracker("ivy", domain.slots)
    say(tracker, "hello")
    tracker.update(SlotSet("consent", False))
    tracker.update(SlotSet("handoff", "active"))  # a counselor is talking with her
    say(tracker, "my secret worry")
    await one.save(tracker)

    # The next message, or the console's fetch, on another replica finds the conversation as it is.
    fetched = await other.get_or_create_full_tracker("ivy", False)
    assert fetched.get_slot("consent") is False and fetched.get_slot("handoff") == "active"
    assert [e.text for e in fetched.events if isinstance(e, UserUttered)] == ["hello", "my secret worry"]
    going_on = await other.retrieve("ivy")
    say(going_on, "still only in memory")
    await other.save(going_on)
    back = await one.retrieve("ivy")  # the first replica does not serve its own stale copy
    assert [e.text for e in back.events if isinstance(e, UserUttered)][-1] == "still only in memory"

    # Nothing in the database; in Redis only sealed, under a hash of the sender id.
    assert stored_texts(one, "ivy") == []
    (key,) = list(one.unconsented.client.scan_iter(one.unconsented.prefix + "*"))
    raw = one.unconsented.client.get(key).decode()
    assert b"ivy" not in key and crypto.is_sealed(raw) and "secret" not in raw
    assert 0 < one.unconsented.client.ttl(key) <= tracker_store.MEMORY_ONLY_IDLE_SECONDS


async def test_consent_given_on_another_replica_writes_only_what_follows_and_clears_the_shared_copy(replicas, domain) -> None:
    one, other = replicas
    tracker = DialogueStateTracker("joe", domain.slots)
    say(tracker, "what is this thing?")
    await one.save(tracker)

    agreeing = await other.retrieve("joe")
    agreeing.update(SlotSet("consent", True))
    say(agreeing, "I work in logistics")
    await other.save(agreeing)

    rows = " ".join(stored_texts(one, "joe"))
    assert "I work in logistics" in rows and "what is this thing?" not in rows
    assert one.unconsented.get("joe") is None
    reloaded = await one.retrieve("joe")
    assert reloaded.get_slot("consent") is True


async def test_the_shared_store_down_fails_closed(tmp_path, domain, redis_db) -> None:
    store = WaypointTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"), cache_trackers=False,
                                 unconsented_redis_host="127.0.0.1", unconsented_redis_port=free_port(),
                                 unconsented_redis_db=15)
    tracker = DialogueStateTracker("kim", domain.slots)
    say(tracker, "hello")
    with pytest.raises(TrackerStoreUnavailable):
        await store.save(tracker)
    with pytest.raises(TrackerStoreUnavailable):
        await store.retrieve("kim")


async def test_an_idle_cached_tracker_is_read_again_from_the_database(tmp_path, domain, monkeypatch) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("jon", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "old words")
    await store.save(tracker)
    with store.session_scope() as session:  # the retention purge deletes it behind the server's back
        session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == "jon").delete()
        session.commit()
    clock = time.monotonic() + tracker_store.CACHE_IDLE_SECONDS + 1
    monkeypatch.setattr(tracker_store.time, "monotonic", lambda: clock)

    assert await store.retrieve("jon") is None


async def test_plan_and_export_links_are_stored_without_their_tokens(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("kim", domain.slots)
    tracker.update(SlotSet("consent", True))
    token = "b" * 43
    tracker.update(BotUttered(f"• PDF: http://localhost:8000/plan/{token}/career-plan.pdf"))
    await store.save(tracker)

    stored = " ".join(stored_texts(store, "kim"))
    assert token not in stored and "/plan/(private link, not kept)/career-plan.pdf" in stored


# ---- the tracker database down: the turn fails closed (waypoint_rasa/fail_closed.py) --------


async def test_a_tracker_database_error_is_unavailability_never_a_store_that_forgets(tmp_path, domain) -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore
    from sqlalchemy import text as sql

    from waypoint_rasa.fail_closed import TrackerStoreUnavailable

    store = make_store(tmp_path, domain, cache=False)
    tracker = DialogueStateTracker("lea", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "kept safe")
    await store.save(tracker)
    with store.engine.begin() as connection:
        connection.execute(sql("DROP TABLE events"))  # the database "goes down"
    say(tracker, "one more")

    with pytest.raises(TrackerStoreUnavailable):
        await FailSafeTrackerStore(store).save(tracker)  # Rasa's wrapper no longer falls back to memory
    with pytest.raises(TrackerStoreUnavailable):
        await FailSafeTrackerStore(store).retrieve("lea")  # nor starts an empty conversation


async def test_an_unavailable_tracker_store_answers_the_person_and_logs_no_text(monkeypatch, caplog) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.conversation.messages import text as t
    from waypoint_rasa import fail_closed

    async def database_down(self, message):
        raise fail_closed.TrackerStoreUnavailable() from OSError("connection refused")

    monkeypatch.setattr(fail_closed, "_original_handle_message", database_down)
    output = CollectingOutputChannel()

    replies = await fail_closed._handle_message(None, UserMessage("my private words", output, "ann"))

    assert [r["text"] for r in replies] == [t("cannot_save")]
    assert "my private words" not in caplog.text and "OSError" in caplog.text


async def test_a_turn_whose_save_fails_answers_only_that_it_cannot_save(monkeypatch) -> None:
    # the database gone between the turn and its save (the e2e's PostgreSQL outage): the REST
    # answer was "I couldn't save that answer … I'll carry on", the next question, then "I can't
    # save right now … send your message again" – and the person answered the question
    from rasa.core.channels.channel import UserMessage

    from bot.conversation.messages import text as t
    from bot.handoff.delivery import DELIVERY_KEY
    from waypoint_rasa import fail_closed
    from waypoint_rasa.delivery import DeliveryCollector

    async def turn_then_save_fails(self, message):
        await message.output_channel.send_text_message("ann", t("not_stored"))
        await message.output_channel.send_response("ann", {"text": "Anna Li: hello", DELIVERY_KEY: 7})
        await message.output_channel.send_text_message("ann", "Which department do you work in?")
        raise fail_closed.TrackerStoreUnavailable() from OSError("connection refused")

    monkeypatch.setattr(fail_closed, "_original_handle_message", turn_then_save_fails)
    output = DeliveryCollector()

    replies = await fail_closed._handle_message(None, UserMessage("Group finance", output, "ann"))

    assert replies == output.messages == [{"recipient_id": "ann", "text": t("cannot_save")}]
    assert output.deliveries == []  # the counselor's reply was not shown: it stays pending


async def test_an_action_server_failing_mid_call_is_said_and_asks_for_the_message_again(domain, caplog) -> None:
    # killed while it answered (HAProxy: 502), or unreachable: Rasa would carry on in silence
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import BotUttered
    from rasa.utils.endpoints import EndpointConfig

    from bot.conversation.messages import text as t
    from waypoint_rasa import fail_closed

    fail_closed.install()
    tracker = DialogueStateTracker("mia", domain.slots)
    say(tracker, "my private words")
    action = RemoteAction("action_turn", EndpointConfig("http://127.0.0.1:1/webhook"))

    events = await action.run(None, None, tracker, domain)

    assert [(type(e), e.text) for e in events] == [(BotUttered, t("not_taken_in"))]
    assert "my private words" not in caplog.text and "action_turn" in caplog.text


async def test_a_deleted_transcript_leaves_nothing_of_itself_in_the_database_files(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=True)
    tracker = DialogueStateTracker("dee", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "an answer I regret")
    await store.save(tracker)
    sealed = raw_rows(store)
    assert sealed

    tracker.update(ActionExecuted("action_start_over"))
    say(tracker, "a fresh start")
    await store.save(tracker)

    with store.session_scope() as session:  # the write-ahead log keeps a turn's save to one append
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    files = b"".join(p.read_bytes() for p in tmp_path.glob("tracker.db*"))
    gone = [row for row in sealed if row not in raw_rows(store)]
    assert gone and not any(row.encode() in files for row in gone)


# ---- several replicas on one database, each with its cache (endpoints.replicas.yml) ----------


def checked_replica(path: Path, domain: Domain) -> WaypointTrackerStore:
    return WaypointTrackerStore(domain, dialect="sqlite", db=str(path / "tracker.db"), cache_trackers=True,
                                check_cached_trackers=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_url(), reason="WAYPOINT_TEST_POSTGRES_URL not set"))])
def replica_pair(request, tmp_path, domain, monkeypatch) -> Iterator[tuple[WaypointTrackerStore, WaypointTrackerStore]]:
    """Two replicas' tracker stores on one database, each with its checked cache."""
    if request.param == "sqlite":
        yield checked_replica(tmp_path, domain), checked_replica(tmp_path, domain)
        return
    url = make_url(postgres_url())
    schema = f"wp_tracker_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)  # Rasa's own setting for the tracker store's schema
    stores = tuple(
        WaypointTrackerStore(domain, dialect="postgresql", host=url.host, port=url.port, db=url.database,
                             username=url.username, password=url.password, cache_trackers=True, check_cached_trackers=True)
        for _ in range(2)
    )
    try:
        yield stores  # type: ignore[misc]
    finally:
        for store in stores:
            store.engine.dispose()
            if store.single_statements is not None:
                store.single_statements.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def user_texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_replicas_taking_turns_each_see_what_the_other_wrote_and_store_it_once(replica_pair, domain) -> None:
    one, other = replica_pair
    tracker = DialogueStateTracker("jo", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "first")
    await one.save(tracker)

    for number, (here, there) in enumerate([(other, one), (one, other), (other, one), (one, other)]):
        current = await here.retrieve("jo")
        say(current, f"turn {number}")
        await here.save(current)
        assert user_texts(await there.retrieve("jo")) == ["first"] + [f"turn {n}" for n in range(number + 1)]

    cached = await one.retrieve("jo")
    assert cached is await one.retrieve("jo")  # caught up, not read again
    stored = [json.loads(row) for row in stored_texts(one, "jo")]
    assert [e["text"] for e in stored if e["event"] == "user"] == ["first", "turn 0", "turn 1", "turn 2", "turn 3"]
    one._live.clear()  # read from the database alone
    fresh = await one.retrieve("jo")
    assert fresh is not cached and fresh.current_state() == cached.current_state()


def drop_connections(store: WaypointTrackerStore) -> None:
    """The database server ends every connection the store holds, as a restart does."""
    backends = []
    for engine in (store.engine, store.single_statements):
        if engine is None:
            continue
        held = [engine.connect() for _ in range(engine.pool.checkedin())]
        for held_one in held:
            try:
                backends.append(held_one.execute(text("SELECT pg_backend_pid()")).scalar_one())
            except sqlalchemy.exc.DBAPIError:
                pass  # dropped already
            held_one.close()
    admin = sqlalchemy.create_engine(make_url(postgres_url()))
    with admin.connect() as connection:
        for backend in backends:
            # waits until the connection is gone (the server ends it asynchronously)
            assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend}).scalar_one()
    admin.dispose()


@pytest.mark.skipif(not postgres_url(), reason="WAYPOINT_TEST_POSTGRES_URL not set")
@pytest.mark.parametrize("replica_pair", ["postgresql"], indirect=True)  # SQLite has no server to drop a connection
async def test_a_dropped_database_connection_fails_one_turn_closed_and_loses_nothing(replica_pair, domain) -> None:
    """A connection used a moment ago is not pinged first (bot/storage/pool.py): when the server
    dropped it, the check or the save fails closed, as an unreachable database does, and the next
    try connects anew – nothing stored twice, nothing lost."""
    one, other = replica_pair
    tracker = DialogueStateTracker("lu", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "first")
    await one.save(tracker)
    await one.save(await one.retrieve("lu"))  # both kinds of its connections used
    elsewhere = await other.retrieve("lu")
    say(elsewhere, "second")
    await other.save(elsewhere)

    drop_connections(one)
    with pytest.raises(TrackerStoreUnavailable):
        await one.retrieve("lu")  # the check, on a dropped connection
    current = await one.retrieve("lu")
    assert user_texts(current) == ["first", "second"]

    say(current, "third")
    drop_connections(one)
    with pytest.raises(TrackerStoreUnavailable):
        await one.save(current)  # the turn's INSERT, on a dropped connection
    await one.save(current)
    assert [json.loads(row)["text"] for row in stored_texts(other, "lu") if json.loads(row)["event"] == "user"] == [
        "first", "second", "third"]
    assert user_texts(await other.retrieve("lu")) == ["first", "second", "third"]


async def test_a_replica_reads_again_a_conversation_another_one_started_over(replica_pair, domain) -> None:
    one, other = replica_pair
    tracker = DialogueStateTracker("kim", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "an answer I regret")
    await one.save(tracker)

    elsewhere = await other.retrieve("kim")
    elsewhere.update(ActionExecuted("action_start_over"))
    say(elsewhere, "a fresh start")
    await other.save(elsewhere)

    again = await one.retrieve("kim")
    assert again is not tracker and user_texts(again) == ["a fresh start"]


async def test_a_replica_reads_again_a_conversation_the_web_server_erased(tmp_path, domain) -> None:
    from bot.storage.tracker_events import TrackerEvents, tracker_engine

    one = checked_replica(tmp_path, domain)
    tracker = DialogueStateTracker("lee", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "something private")
    await one.save(tracker)
    TrackerEvents(tracker_engine(f"sqlite:///{tmp_path / 'tracker.db'}")).delete("lee")

    assert await one.retrieve("lee") is None


async def test_within_one_turn_a_replica_checks_the_conversation_once(tmp_path, domain) -> None:
    from sqlalchemy import event as sqlalchemy_event

    from waypoint_rasa.turn_check import one_check_per_turn

    one, other = checked_replica(tmp_path, domain), checked_replica(tmp_path, domain)
    tracker = DialogueStateTracker("max", domain.slots)
    tracker.update(SlotSet("consent", True))
    say(tracker, "first")
    await one.save(tracker)
    await one.retrieve("max")
    queries: list[str] = []
    sqlalchemy_event.listen(one.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))

    with one_check_per_turn():  # the channel holds the conversation's lock
        assert await one.retrieve("max") is tracker
        assert await one.retrieve("max") is tracker  # Rasa's own read, in the same turn
    assert len([q for q in queries if q.lstrip().upper().startswith("SELECT")]) == 1

    elsewhere = await other.retrieve("max")  # the next turn, on the other replica
    say(elsewhere, "second")
    await other.save(elsewhere)
    with one_check_per_turn():
        assert user_texts(await one.retrieve("max")) == ["first", "second"]  # checked again, every turn


@pytest.mark.parametrize("cache", [True, False])
async def test_a_read_during_a_turn_does_not_change_what_the_turn_saves(tmp_path, domain, cache) -> None:
    """The console's fetch, or a check before the conversation's lock, reads the conversation
    while a turn is under way on it (waiting for the action server)."""
    store = make_store(tmp_path, domain, cache=cache)
    tracker = DialogueStateTracker("noa", domain.slots)
    say(tracker, "before consent")  # kept in memory only
    await store.save(tracker)
    tracker.update(SlotSet("consent", True))
    say(tracker, "first")
    await store.save(tracker)

    in_turn = await store.retrieve("noa")
    say(in_turn, "second")  # the turn so far, not saved yet
    await store.retrieve("noa")  # meanwhile, outside the lock
    await store.retrieve_full_tracker("noa")
    await store.save(in_turn)

    stored = [json.loads(row) for row in stored_texts(store, "noa")]
    assert [e["text"] for e in stored if e["event"] == "user"] == ["first", "second"]
    assert user_texts(await store.retrieve("noa"))[-2:] == ["first", "second"]
