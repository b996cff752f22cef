"""A per-conversation lock that really serialises one conversation across Rasa replicas.

Loaded by the Rasa server from endpoints.replicas.yml
(`lock_store: type: waypoint_rasa.lock_store.FifoRedisLockStore`).

Why: Rasa's RedisLockStore (rasa/core/lock_store.py, RasaHQ/rasa#9213) issues a ticket by
reading the whole lock from Redis, adding a ticket in Python and writing it back. Two
replicas that read before either writes hand out the same ticket, and both handle the same
conversation at once (tests/waypoint_rasa/test_lock_store.py shows it on a local Redis).
Its tickets also expire after a fixed lifetime whether or not their holder is still working.

How this one works, per conversation (the keys hold a hash of the conversation id, never
the id – a Slack user id names a person):

* a ticket is taken in one Lua script: a number from a counter (HINCRBY), a place in a
  queue ordered by that number (a sorted set), and a deadline (Redis's clock, so the
  replicas' clocks do not matter). Messages of one person are served in the order their
  tickets were taken, which is the order they reached Rasa.
* the lock belongs to the lowest ticket whose deadline has not passed. Waiters ask in
  another script; it drops dead tickets from the head of the queue, so a waiter or holder
  that died blocks nobody for longer than its deadline.
* each replica keeps the deadlines of its own tickets `ttl_seconds` (10 s) ahead, every
  `refresh_seconds` (1 s), from a thread of its own: Rasa runs the language model inside
  the event loop, and a turn that blocks the loop for a while must not lose its lock. A
  killed replica stops refreshing, so its lock is gone at most `ttl_seconds` later. A
  living holder keeps the lock for as long as its turn lasts, up to `max_hold_seconds`
  (300 s, Rasa's timeout for one call to the action server): a turn hung beyond that lets
  the person's later messages through rather than block them for ever.
* a message waits for its turn at most `lock_lifetime` seconds (Rasa's TICKET_LOCK_LIFETIME,
  60 s by default), then Rasa's `LockError` is raised; it also is when Redis cannot be
  reached, so the turn fails instead of running unlocked.

What it cannot do: a replica whose whole process is frozen (not only its event loop) for
longer than `ttl_seconds` – a paused VM, SIGSTOP – loses its lock while its turn is still
running; the heartbeat then logs an error. Switch every replica to this store at the same
time: it does not exclude replicas still running Rasa's store (their keys differ).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import threading
import time
import uuid
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from typing import Any, AsyncGenerator, Optional, Text

import redis
import redis.asyncio as aioredis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY_NAME = "waypoint-lock:"

# Redis's clock in milliseconds. replicate_commands: Redis 5–6 replicate the script's writes
# rather than the script (it reads the clock); from Redis 7 on that is the only mode.
_NOW = """
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function alive(token)
  local due = tonumber(redis.call('HGET', KEYS[2], token))
  return due ~= nil and due >= now
end
"""

# The ticket's place: 0: the lock is its own; n > 0: n live tickets before it; -1: it lapsed.
# Dead tickets at the head of the queue are dropped on the way.
_PLACE = """
local function place(token)
  if not alive(token) or not redis.call('ZSCORE', KEYS[1], token) then
    redis.call('ZREM', KEYS[1], token)
    redis.call('HDEL', KEYS[2], token)
    return -1
  end
  while true do
    local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
    if head == token then
      return 0
    end
    if alive(head) then
      return redis.call('ZRANK', KEYS[1], token)
    end
    redis.call('ZREM', KEYS[1], head)
    redis.call('HDEL', KEYS[2], head)
  end
end
"""

# KEYS: the queue (sorted set: token by ticket number), the tickets (hash: token -> deadline,
# and '#next', the counter). ARGV: token, ttl ms, idle ms. Returns the ticket's number and its
# place: a message with nobody before it (the usual case) takes its lock in one round trip.
_TAKE = _NOW + _PLACE + """
local number = redis.call('HINCRBY', KEYS[2], '#next', 1)
redis.call('ZADD', KEYS[1], number, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', now + tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {number, place(ARGV[1])}
"""

# ARGV: token. The ticket's place (see _PLACE), asked again while it waits.
_TRY = _NOW + _PLACE + """
return place(ARGV[1])
"""

# 1: the deadline moved on; 0: the ticket had lapsed (it is never revived: someone may have
# been served since).
_HEARTBEAT = _NOW + """
if not alive(ARGV[1]) or not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', now + tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""

# Tickets are told apart by their random token, so restarting the count once the queue is
# empty cannot hand a lapsed holder someone else's ticket.
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 1
"""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class RedisLockOptions:
    """The lock store's settings: Rasa's RedisLockStore options, and the lock's timing."""

    host: str = "localhost"
    port: int = 6379
    db: int = 1
    username: Optional[str] = None
    password: Optional[str] = None
    use_ssl: bool = False
    ssl_certfile: Optional[str] = None
    ssl_keyfile: Optional[str] = None
    ssl_ca_certs: Optional[str] = None
    key_prefix: Optional[str] = None
    # short, unlike Rasa's 10 s: the calls run in the event loop's turn
    socket_timeout: float = 2.0
    ttl_seconds: float = 10.0
    refresh_seconds: float = 1.0
    poll_seconds: float = 0.05
    max_hold_seconds: float = 300.0

    def __post_init__(self) -> None:
        timings = (self.ttl_seconds, self.refresh_seconds, self.poll_seconds, self.max_hold_seconds,
                   self.socket_timeout)
        if min(timings) <= 0:
            raise ValueError("lock_store: timings must be positive")
        if self.refresh_seconds * 3 > self.ttl_seconds:
            # one late or failed heartbeat must not cost a living holder its lock
            raise ValueError("lock_store: refresh_seconds must be at most a third of ttl_seconds")
        if self.key_prefix and not re.fullmatch(r"[A-Za-z0-9_-]+", self.key_prefix):
            raise ValueError("lock_store: key_prefix may hold letters, digits, '-' and '_' only")

    @classmethod
    def from_endpoint(cls, config: EndpointConfig) -> "RedisLockOptions":
        """The options of a `lock_store` entry of endpoints.yml (`url` is the host)."""
        given = {name: value for name, value in config.kwargs.items() if value is not None}
        known = {field.name: field for field in fields(cls)}
        unknown = sorted(set(given) - set(known))
        if unknown:
            # a misspelt option would otherwise leave a default in force unnoticed
            raise ValueError(f"lock_store: unknown option(s) {', '.join(unknown)}")
        values: dict[str, Any] = {name: _converted(known[name].default, value) for name, value in given.items()}
        if config.url:
            values["host"] = str(config.url)
        return cls(**values)

    def connection(self) -> dict[str, Any]:
        """Keyword arguments for a Redis client, sync or asyncio."""
        return dict(host=self.host, port=self.port, db=self.db, username=self.username, password=self.password,
                    ssl=self.use_ssl, ssl_certfile=self.ssl_certfile, ssl_keyfile=self.ssl_keyfile,
                    ssl_ca_certs=self.ssl_ca_certs, socket_timeout=self.socket_timeout,
                    socket_connect_timeout=self.socket_timeout)


def _converted(default: Any, value: Any) -> Any:
    # endpoints.yml values filled from the environment arrive as text
    if isinstance(default, bool):
        text = str(value).strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError(f"lock_store: not a yes/no value: {value!r}")
        return text in _TRUE
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return str(value)


@dataclass
class _Kept:
    keys: list[str]
    until: float  # time.monotonic() after which it is no longer refreshed
    held: bool


class _Heartbeat:
    """Moves the deadlines of one replica's tickets on, from a thread of its own, so that a
    turn blocking the event loop (the language model) keeps its lock, and a dead replica's
    tickets lapse."""

    def __init__(self, client: redis.Redis, options: RedisLockOptions) -> None:
        self._client = client
        self._script = client.register_script(_HEARTBEAT)
        self._options = options
        self._kept: dict[str, _Kept] = {}
        self._guard = threading.Lock()
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def keep(self, token: str, keys: list[str], until: float = math.inf, held: bool = False) -> None:
        with self._guard:
            self._kept[token] = _Kept(keys, until, held)
            if self._thread is None or not self._thread.is_alive():
                self._stopped.clear()
                self._thread = threading.Thread(target=self._run, name="waypoint-lock-heartbeat", daemon=True)
                self._thread.start()

    def drop(self, token: str) -> None:
        with self._guard:
            self._kept.pop(token, None)

    def stop(self) -> None:
        """Refreshes nothing more (the tickets lapse): a replica that shuts down, or dies."""
        self._stopped.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self._options.refresh_seconds + self._options.socket_timeout + 1)

    def _run(self) -> None:
        while not self._stopped.wait(self._options.refresh_seconds):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 – the thread must go on beating for the other tickets
                logger.exception("lock heartbeat failed")

    def beat(self) -> None:
        now = time.monotonic()
        with self._guard:
            overdue = [token for token, kept in self._kept.items() if kept.until < now]
            for token in overdue:
                del self._kept[token]
            due = list(self._kept.items())
        if overdue:
            logger.warning("a turn held its conversation's lock for over %.0f s: the lock lapses, so the person's "
                           "later messages are not blocked", self._options.max_hold_seconds)
        if not due:
            return
        ttl_ms, idle_ms = _milliseconds(self._options)
        try:
            pipe = self._client.pipeline(transaction=False)
            for token, kept in due:
                self._script(keys=kept.keys, args=[token, ttl_ms, idle_ms], client=pipe)
            results = pipe.execute()
        except (RedisError, OSError) as error:
            logger.warning("lock heartbeat: Redis unavailable (%s); this replica's locks lapse in %.0f s unless it "
                           "answers again", type(error).__name__, self._options.ttl_seconds)
            return
        for (token, kept), refreshed in zip(due, results):
            if refreshed:
                continue
            with self._guard:
                # a turn that ended meanwhile was dropped before its release: that is no loss
                lost = self._kept.get(token) is kept
                if lost:
                    del self._kept[token]
            if lost and kept.held:
                logger.error("a conversation's lock lapsed while its turn was running (this replica was paused "
                             "or Redis lost it): another replica may have handled the same conversation")


def _milliseconds(options: RedisLockOptions) -> tuple[int, int]:
    ttl_ms = int(options.ttl_seconds * 1000)
    # the keys outlive every live deadline; an abandoned queue is gone soon after its last ticket
    return ttl_ms, 2 * ttl_ms + 1000


class FifoRedisLockStore(LockStore):
    """Rasa's lock store contract (`lock()` yields, `LockError` when the lock cannot be had),
    atomic across processes and first come, first served per conversation (module docstring)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 options: Optional[RedisLockOptions] = None) -> None:
        # Rasa creates a custom lock store as `cls(endpoint_config=...)`
        if options is None:
            options = RedisLockOptions.from_endpoint(endpoint_config) if endpoint_config else RedisLockOptions()
        self.options = options
        self.key_prefix = (f"{options.key_prefix}:" if options.key_prefix else "") + KEY_NAME
        # Nothing is connected yet: a replica starting while Redis is briefly away still starts,
        # and its turns fail with LockError until Redis answers.
        self._client = aioredis.Redis(**options.connection())
        self._sync = redis.Redis(**options.connection())  # the heartbeat thread's, and get_lock's
        self._take = self._client.register_script(_TAKE)
        self._try = self._client.register_script(_TRY)
        self._release = self._client.register_script(_RELEASE)
        self._heartbeat = _Heartbeat(self._sync, options)
        super().__init__()

    def _keys(self, conversation_id: Text) -> list[str]:
        digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()
        # {digest}: a hash tag, so a Redis cluster keeps both keys of a conversation together
        return [f"{self.key_prefix}{{{digest}}}:queue", f"{self.key_prefix}{{{digest}}}:tickets"]

    async def _call(self, script: Any, keys: list[str], *args: Any) -> Any:
        try:
            return await script(keys=keys, args=list(args))
        except (RedisError, OSError) as error:
            raise LockError(f"The lock store (Redis) is unavailable: {type(error).__name__}") from error

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation's lock while the block runs, after the messages that came
        before. Waits at most `lock_lifetime` seconds, polling at most every
        `wait_time_in_seconds` (sooner: `poll_seconds`), then raises `LockError`.

        Each call to Redis runs shielded from the caller's cancellation: redis-py 4.6 can lose a
        cancellation that arrives while its reply is on the way (the waiter then carried on
        waiting for a message nobody wanted answered any more), and a call cut off halfway
        leaves it unknown whether the ticket was taken. A cancelled waiter lets its call finish,
        then gives its ticket back and leaves the queue at once."""
        keys = self._keys(conversation_id)
        token = uuid.uuid4().hex
        ttl_ms, idle_ms = _milliseconds(self.options)
        calls: list[asyncio.Future[Any]] = []

        async def call(script: Any, *args: Any) -> Any:
            calls.append(asyncio.ensure_future(self._call(script, keys, *args)))
            return await asyncio.shield(calls[-1])

        try:
            number, place = (int(x) for x in await call(self._take, token, ttl_ms, idle_ms))
            self._heartbeat.keep(token, keys)
            ahead = place
            give_up_at = time.monotonic() + max(lock_lifetime, 0.0)
            poll = max(0.001, min(wait_time_in_seconds, self.options.poll_seconds))
            while ahead != 0:
                if ahead < 0:
                    # this replica's heartbeat did not reach Redis in time (paused, or Redis lost it)
                    raise LockError("The message's place in the conversation's queue lapsed.")
                remaining = give_up_at - time.monotonic()
                if remaining <= 0:
                    # no conversation id: it can name a person, and the error is logged
                    raise LockError(f"The conversation's lock was not free within {lock_lifetime:.0f} s.")
                await asyncio.sleep(min(poll, remaining))
                ahead = int(await call(self._try, token))
            self._heartbeat.keep(token, keys, until=time.monotonic() + self.options.max_hold_seconds, held=True)
            yield TicketLock(conversation_id, deque([Ticket(number, time.time() + self.options.ttl_seconds)]))
        finally:
            # also for a waiter that gave up or was cancelled: it leaves the queue at once, after
            # its last call (a ticket still being taken would otherwise stay behind)
            self._heartbeat.drop(token)
            for pending in calls:
                if not pending.done():
                    await asyncio.wait([pending])
                if not pending.cancelled():
                    pending.exception()  # seen here: a failed call has raised already, or its caller is gone
            taken = calls[0]
            if not taken.cancelled() and taken.exception() is None:  # (a failed take has nothing to give back)
                try:
                    await self._call(self._release, keys, token)
                except LockError as error:
                    logger.warning("lock not released (%s): it lapses in %.0f s", error.__cause__.__class__.__name__,
                                   self.options.ttl_seconds)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """The conversation's live tickets, first served first (a snapshot, for inspection:
        Rasa 3.6 itself only calls `lock()`)."""
        queue, tickets = self._keys(conversation_id)
        try:
            seconds, microseconds = self._sync.time()
            entries = self._sync.zrange(queue, 0, -1, withscores=True)
            deadlines = self._sync.hmget(tickets, [member for member, _ in entries]) if entries else []
        except (RedisError, OSError) as error:
            raise LockError(f"The lock store (Redis) is unavailable: {type(error).__name__}") from error
        # deadlines are on Redis's clock: given on this machine's, as Rasa's tickets are
        left = [(int(score), int(due) / 1000 - seconds - microseconds / 1e6)
                for (_, score), due in zip(entries, deadlines) if due is not None]
        live = deque(Ticket(number, time.time() + seconds_left) for number, seconds_left in left if seconds_left >= 0)
        return TicketLock(conversation_id, live) if live else None

    def delete_lock(self, conversation_id: Text) -> None:
        """Empties the conversation's queue by force (an operator's reset): its holder's
        heartbeat then reports the lock lost, and its waiters raise LockError."""
        try:
            deleted = self._sync.delete(*self._keys(conversation_id))
        except (RedisError, OSError) as error:
            raise LockError(f"The lock store (Redis) is unavailable: {type(error).__name__}") from error
        self._log_deletion(conversation_id, bool(deleted))

    def save_lock(self, lock: TicketLock) -> None:
        # Writing back a lock read earlier is the read-modify-write this store exists to avoid.
        raise NotImplementedError("FifoRedisLockStore changes its locks only atomically, through lock()")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        # A ticket only lives while its taker refreshes it: lock() takes and keeps it.
        raise NotImplementedError("FifoRedisLockStore issues tickets inside lock() only")

    async def close(self) -> None:
        """Stops the heartbeat (this replica's tickets then lapse) and the connections."""
        self._heartbeat.stop()
        await self._client.close()
        self._sync.close()
