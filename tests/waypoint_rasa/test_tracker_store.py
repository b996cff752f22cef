"""The tracker store keeps conversations without consent out of the database, deletes
the transcript on start over, and serves live trackers from memory when allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.conftest import ROOT
from waypoint_rasa.tracker_store import WaypointTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def make_store(path: Path, domain: Domain, cache: bool) -> WaypointTrackerStore:
    return WaypointTrackerStore(domain, dialect="sqlite", db=str(path / "tracker.db"), cache_trackers=cache)


def stored_texts(store: WaypointTrackerStore, sender: str) -> list[str]:
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).all()
        return [row.data for row in rows]


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


async def test_without_consent_nothing_is_written_and_earlier_events_are_deleted(tmp_path, domain) -> None:
    store = make_store(tmp_path, domain, cache=False)
    tracker = DialogueStateTracker("ben", domain.slots)
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
