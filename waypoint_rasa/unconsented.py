"""Conversations without consent, seen by every Rasa replica (security review, point 3).

A conversation whose person has not agreed (or declined) is never written to the tracker
database. On one machine it lives in the Rasa process's memory (waypoint_rasa/tracker_store.py).
With several replicas the next message, or the console's fetch, may reach another replica,
which would find nothing: the person would be greeted as new, and a counselor's relay would
stop. So with `unconsented_redis_host` set (endpoints.replicas.yml) such a conversation is
kept in Redis instead – as memory is: sealed with the data key (bot/storage/crypto.py),
under a hash of the sender id, and expiring after a day without a message. Configure that
Redis without persistence (`save ""`, `appendonly no`) so that it never reaches a disk.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

import redis

from bot.storage import crypto
from waypoint_rasa.fail_closed import TrackerStoreUnavailable

KEY_PREFIX = "waypoint:unconsented:"


class SharedUnconsented:
    """The events of conversations without consent, by sender id, in Redis."""

    def __init__(self, client: redis.Redis, ttl_seconds: float, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.ttl = max(1, int(ttl_seconds))
        self.prefix = prefix

    @classmethod
    def connect(cls, host: str, port: int, db: int, ttl_seconds: float, prefix: str = KEY_PREFIX) -> "SharedUnconsented":
        client = redis.Redis(host=host, port=int(port), db=int(db), socket_timeout=5, socket_connect_timeout=5)
        return cls(client, ttl_seconds, prefix)

    def _key(self, sender_id: str) -> str:
        # A listing of the keys shows no sender id (a Slack user id names a person).
        return self.prefix + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()

    def get(self, sender_id: str) -> Optional[list[dict[str, Any]]]:
        try:
            raw = self.client.get(self._key(sender_id))
        except redis.RedisError as error:
            raise TrackerStoreUnavailable() from error
        if raw is None:
            return None
        events = json.loads(crypto.unseal(raw.decode("ascii")) or "[]")
        return events if isinstance(events, list) else None

    def put(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        sealed = crypto.seal(json.dumps(events)) or ""
        try:
            self.client.set(self._key(sender_id), sealed, ex=self.ttl)
        except redis.RedisError as error:
            raise TrackerStoreUnavailable() from error

    def forget(self, sender_id: str) -> None:
        try:
            self.client.delete(self._key(sender_id))
        except redis.RedisError as error:
            raise TrackerStoreUnavailable() from error
