"""Fixtures for the channels' side of counselor-reply delivery (waypoint_rasa/delivery.py)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Iterator

import pytest
import redis

from bot.storage import CaseUpdate, make_engine, migrate
from bot.storage.cases import CaseStore
from waypoint_rasa import delivery
from waypoint_rasa.shared_state import MemoryState, RedisState, SharedState


@dataclass
class Replies:
    """An answer store with open cases; the channels confirm replies in it."""

    store: CaseStore

    def pending(self, channel: str, sender: str, text: str = "Anna Li: hello, I'm here now") -> int:
        """A counselor reply to `sender`'s open case, not yet delivered: its id."""
        found = self.store.open_case_for(channel, sender)
        case = found or self.store.open_case(channel, sender, CaseUpdate(reason="requested"))[0]
        known = {c.username: c for c in self.store.counselors()}
        counselor = known.get(f"anna{case.id}") or self.store.add_counselor(f"anna{case.id}", "Anna Li", "not-a-real-hash")
        return self.store.add_message(case.id, "counselor", text, counselor.id).id

    def delivered(self, message_id: int) -> bool:
        message = self.store.message(message_id)
        return message is not None and message.delivered_at is not None


@pytest.fixture
def replies(tmp_path) -> Iterator[Replies]:
    url = f"sqlite:///{tmp_path / 'answers.db'}"
    migrate(url)
    store = CaseStore(make_engine(url))
    delivery.use(store)
    yield Replies(store)
    delivery.use(None)
    store.engine.dispose()


@pytest.fixture(params=["memory", "redis"])
def states(request) -> Iterator[tuple[SharedState, SharedState]]:
    """What two replicas share: one process's memory (one replica), or a local Redis
    (WAYPOINT_TEST_REDIS_URL, set by .ci/run when one answers) seen by two."""
    if request.param == "memory":
        memory = MemoryState()
        yield memory, memory
        return
    url = os.environ.get("WAYPOINT_TEST_REDIS_URL")
    if not url:
        pytest.skip("no WAYPOINT_TEST_REDIS_URL: the replicas' Redis tests need a local Redis")
    prefix = f"waypoint-test:{uuid.uuid4().hex}:"  # this test's keys only
    yield RedisState.from_url(f"{url.rstrip('/')}/15", prefix), RedisState.from_url(f"{url.rstrip('/')}/15", prefix)
    cleanup = redis.Redis.from_url(f"{url.rstrip('/')}/15")
    for key in cleanup.scan_iter(f"{prefix}*"):
        cleanup.delete(key)


@pytest.fixture(autouse=True)
async def _kept_sessions_closed():
    """Action calls keep their connections per event loop (waypoint_rasa/speedups.py): closed
    with each test's loop, as the Rasa server closes them when it stops."""
    from waypoint_rasa import speedups

    yield
    await speedups.close_kept_sessions()
