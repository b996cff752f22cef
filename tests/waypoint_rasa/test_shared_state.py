"""waypoint_rasa.shared_state: what the channels remember, in one process or in Redis for
every replica – and, in Redis, sealed and keyed without the sender's id."""

from __future__ import annotations

import os

import pytest
import redis

from waypoint_rasa.limits import SharedLimiter
from waypoint_rasa.shared_state import MemoryState, RedisState, SharedStateUnavailable

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


async def test_an_event_is_handled_by_one_replica_only(states) -> None:
    first, second = states

    assert await first.first_time(["event:Ev1", "ts:C1:1.0"]) is True
    assert await second.first_time(["event:Ev1"]) is False  # the same event, at the other replica
    assert await second.first_time(["ts:C1:1.0", "event:Ev2"]) is False  # the same message under another event id
    assert await second.first_time(["event:Ev3"]) is True


async def test_what_redis_holds_names_nobody_and_reads_as_nothing_without_the_key(states) -> None:
    first, _ = states
    if not isinstance(first, RedisState):
        pytest.skip("memory holds nothing outside the process")
    await first.put("U0PERSON", {"message": {"text": "Ann Lee: about your promotion"}, "delivery": 3}, 10)

    raw = redis.Redis.from_url(f"{os.environ['WAYPOINT_TEST_REDIS_URL'].rstrip('/')}/15")
    keys = [key.decode() for key in raw.scan_iter(f"{first.prefix}*")]
    assert keys and not any("U0PERSON" in key for key in keys)
    stored = b"".join(raw.lrange(keys[0], 0, -1))
    assert b"promotion" not in stored and b"Ann Lee" not in stored


async def test_messages_are_counted_for_every_replica_together(states) -> None:
    first, second = states
    if not isinstance(first, RedisState) or not isinstance(second, RedisState):
        pytest.skip("one process counts with bot/ratelimit.py")
    at_one, at_other = SharedLimiter(first, 3), SharedLimiter(second, 3)

    allowed = [await at_one.allow("rest:ann"), await at_other.allow("rest:ann"), await at_one.allow("rest:ann"),
               await at_other.allow("rest:ann")]

    assert allowed == [True, True, True, False]
    assert await at_other.allow("rest:bob")


@pytest.mark.parametrize("states", ["redis"], indirect=True)  # one process counts with bot/ratelimit.py
async def test_a_count_expires_with_its_window_and_costs_one_command(states, monkeypatch) -> None:
    first, _ = states
    commands = []
    real_execute = first.client.execute_command

    async def counted(*args, **kwargs):
        commands.append(args[0])
        return await real_execute(*args, **kwargs)

    monkeypatch.setattr(first.client, "execute_command", counted)
    assert [await first.count("rest:cy", 60) for _ in range(3)] == [1, 2, 3]
    assert len(commands) == 3  # one a message (EVALSHA), not MULTI … EXEC

    raw = redis.Redis.from_url(f"{os.environ['WAYPOINT_TEST_REDIS_URL'].rstrip('/')}/15")
    keys = [key for key in raw.scan_iter(f"{first.prefix}count:*")]
    assert keys and all(0 < raw.ttl(key) <= 61 for key in keys)


async def test_redis_out_of_reach_fails_closed_but_never_loses_a_slack_event() -> None:
    state = RedisState.from_url(NOTHING_LISTENS)

    with pytest.raises(SharedStateUnavailable):
        await state.put("ann", {"message": {}}, 10)
    with pytest.raises(SharedStateUnavailable):
        await state.take("ann")
    with pytest.raises(SharedStateUnavailable):
        await state.count("rest:ann", 60)
    assert await state.first_time(["event:Ev1"]) is True  # answered twice at worst


async def test_memory_forgets_the_oldest_events_first() -> None:
    memory = MemoryState(max_keys=2)
    for key in ("a", "b", "c"):
        await memory.first_time([key])

    assert await memory.first_time(["a"]) is True  # forgotten
    assert await memory.first_time(["c"]) is False
