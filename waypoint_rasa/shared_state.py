"""What the channels remember between messages, where every Rasa replica sees it.

Three small memories: the REST inbox (bot messages a REST client fetches later), the
events Slack delivered already (a repeat is answered once), and the message counts behind
the rate limits. On one machine they live in the Rasa process (`MemoryState`, and
bot/ratelimit.py for the counts); with
several replicas behind a load balancer, the next request may reach another replica, so
with WAYPOINT_REDIS_URL set they live in Redis (`RedisState`):

* inbox messages are sealed with the data key (they can hold a counselor's words) and
  expire after a day unread; keys hold a hash of the sender id, never the id itself;
* an event id is kept with SET NX and a TTL: of two replicas, one handles it;
* counts are per fixed minute (INCR, and EXPIRE on a window's first count, in one script: one
  command a message, where a MULTI/EXEC transaction cost the Rasa server a third more): a brake
  on floods, not an exact quota.

Redis down: inbox and counts fail closed with `SharedStateUnavailable` (the channel answers
"I can't save right now" or 503); Slack's repeat check lets the event through (a rare
double answer is better than a lost message).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict, defaultdict, deque
from typing import Any, Deque, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.storage import crypto

KEY_PREFIX = "waypoint:"
INBOX_TTL_SECONDS = 24 * 3600
SEEN_TTL_SECONDS = 24 * 3600
# KEYS: the window's count; ARGV: its lifetime in seconds. The count so far, this one included.
_COUNT = """
local counted = redis.call('INCR', KEYS[1])
if counted == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return counted
"""


class SharedStateUnavailable(Exception):
    """Redis could not be reached; nothing was read or written."""


class SharedState(Protocol):
    async def put(self, box: str, item: dict[str, Any], limit: int) -> None:
        """Appends `item` to `box`, keeping the newest `limit`."""

    async def take(self, box: str) -> list[dict[str, Any]]:
        """Every item of `box`, oldest first, and empties it."""

    async def first_time(self, keys: list[str]) -> bool:
        """True (and remembered) when none of `keys` was seen before."""

    async def forget(self, box: str) -> None:
        """Drops `box` unread (an erasure)."""


def _hashed(name: str) -> str:
    # a key listing shows no sender id (a Slack user id names a person)
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


class MemoryState:
    """One process's memory, bounded: the oldest keys go first."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._boxes: dict[str, Deque[dict[str, Any]]] = defaultdict(deque)
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def put(self, box: str, item: dict[str, Any], limit: int) -> None:
        items = self._boxes[box]
        items.append(item)
        while len(items) > limit:
            items.popleft()

    async def take(self, box: str) -> list[dict[str, Any]]:
        return list(self._boxes.pop(box, ()))

    async def forget(self, box: str) -> None:
        self._boxes.pop(box, None)

    async def first_time(self, keys: list[str]) -> bool:
        # no await in between: two deliveries on one event loop can't both pass
        new = not any(key in self._seen for key in keys)
        for key in keys:
            self._seen[key] = None
            self._seen.move_to_end(key)  # refreshed, so a repeat keeps it remembered
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)
        return new


class RedisState:
    """The same, in Redis, for several replicas."""

    def __init__(self, client: aioredis.Redis, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._count = client.register_script(_COUNT)

    @classmethod
    def from_url(cls, url: str, prefix: str = KEY_PREFIX) -> "RedisState":
        return cls(aioredis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5), prefix)

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}:{_hashed(name)}"

    async def put(self, box: str, item: dict[str, Any], limit: int) -> None:
        key = self._key("inbox", box)
        sealed = crypto.seal(json.dumps(item)) or ""
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.rpush(key, sealed).ltrim(key, -limit, -1).expire(key, INBOX_TTL_SECONDS)
                await pipe.execute()
        except (RedisError, OSError) as error:
            raise SharedStateUnavailable() from error

    async def take(self, box: str) -> list[dict[str, Any]]:
        key = self._key("inbox", box)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.lrange(key, 0, -1).delete(key)
                sealed, _ = await pipe.execute()
        except (RedisError, OSError) as error:
            raise SharedStateUnavailable() from error
        items = [json.loads(crypto.unseal(raw.decode("ascii")) or "null") for raw in sealed]
        return [item for item in items if isinstance(item, dict)]

    async def forget(self, box: str) -> None:
        try:
            await self.client.delete(self._key("inbox", box))
        except (RedisError, OSError) as error:
            raise SharedStateUnavailable() from error

    async def first_time(self, keys: list[str]) -> bool:
        if not keys:
            return True
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                for key in keys:
                    pipe.set(self._key("seen", key), b"1", nx=True, ex=SEEN_TTL_SECONDS)
                answers = await pipe.execute()
        except (RedisError, OSError):
            return True  # let it through: answered twice at worst, never lost
        return all(answers)

    async def count(self, key: str, window: float) -> int:
        """Counts one event for `key` in the current fixed window of `window` seconds; the count so far."""
        slot = int(time.time() // window)
        name = f"{self.prefix}count:{_hashed(key)}:{slot}"
        try:
            counted = await self._count(keys=[name], args=[int(window) + 1])
        except (RedisError, OSError) as error:
            raise SharedStateUnavailable() from error
        return int(counted)


_states: dict[str, SharedState] = {}


def shared_state(redis_url: str) -> SharedState:
    """The process's shared state: Redis when a URL is configured, else its own memory (one
    per URL, so every channel of the process sees the same)."""
    if redis_url not in _states:
        _states[redis_url] = RedisState.from_url(redis_url) if redis_url else MemoryState()
    return _states[redis_url]
