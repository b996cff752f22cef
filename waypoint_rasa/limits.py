"""A brake on floods and on oversized input, for every channel.

* Per sender: each channel's messages are counted per sender (the channel's own identity –
  a REST sender, a Slack user, a widget identity), WAYPOINT_MESSAGES_PER_MINUTE at most
  (bot/ratelimit.py; with WAYPOINT_REDIS_URL, counted in Redis for all replicas together:
  waypoint_rasa/shared_state.py). A message over the limit is not read: the person is asked to slow
  down, and nothing reaches the turn core or the database.
* Per client address (REST and web chat): WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS, the
  address taken from X-Forwarded-For only when a trusted proxy sent it
  (WAYPOINT_TRUSTED_PROXIES). Slack's requests all come from Slack's servers: Slack is
  limited per sender only.
* Size: a message longer than WAYPOINT_MAX_MESSAGE_CHARS is cut to one character more
  before Rasa reads it, so the language model never works on more, and the turn core
  answers that it is too long (bot/conversation/turn.py) and asks its question again.
  (The servers' request sizes are limited too: SANIC_REQUEST_MAX_SIZE, socket.io packets.)
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Protocol

from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.ratelimit import RateLimiter
from waypoint_rasa.shared_state import RedisState, SharedStateUnavailable, shared_state

logger = logging.getLogger(__name__)

class Limiter(Protocol):
    def allow(self, key: str) -> bool | Awaitable[bool]:
        """Counts one event for `key`; False when it is over the limit."""


class SharedLimiter:
    """At most `limit` events per minute for each key, counted in Redis for every replica
    (per fixed minute: a brake on floods, not an exact quota)."""

    def __init__(self, state: RedisState, limit: int, window: float = 60.0) -> None:
        self.state = state
        self.limit = limit
        self.window = window

    async def allow(self, key: str) -> bool:
        return await self.state.count(key, self.window) <= self.limit


_settings: Settings | None = None
_limiter: Limiter | None = None
_address_limiter: Limiter | None = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def _counting(limit: int) -> Limiter:
    state = shared_state(settings().redis_url)
    return SharedLimiter(state, limit) if isinstance(state, RedisState) else RateLimiter(limit, 60.0)


def limiter() -> Limiter:
    """Per sender; one per Rasa process, shared by its channels (and by every replica, in Redis)."""
    global _limiter
    if _limiter is None:
        _limiter = _counting(settings().messages_per_minute)
    return _limiter


def address_limiter() -> Limiter:
    """Per client address."""
    global _address_limiter
    if _address_limiter is None:
        _address_limiter = _counting(settings().messages_per_minute_per_address)
    return _address_limiter


async def _allowed(limits: Limiter, key: str) -> bool:
    allowed = limits.allow(key)
    return await allowed if inspect.isawaitable(allowed) else bool(allowed)


async def address_allowed(channel: str, address: str, limits: Limiter | None = None) -> bool:
    """Counts one message from a client address; False when it is over the limit. With Redis
    unreachable it lets the message on to the per-sender check, which fails closed."""
    try:
        if await _allowed(limits or address_limiter(), f"{channel}@{address}"):
            return True
    except SharedStateUnavailable:
        return True
    logger.warning("A %s client address went over the message limit", channel)  # never which
    return False


def rate_limited(channel: str, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 limits: Limiter | None = None, max_chars: int | None = None) -> Callable[[UserMessage], Awaitable[Any]]:
    """The channel's handler behind the per-sender limit and the size cap."""

    async def handle(message: UserMessage) -> Any:
        try:
            allowed = await _allowed(limits or limiter(), f"{channel}:{message.sender_id}")
        except SharedStateUnavailable:
            # the shared counts are out of reach: nothing is read, the person is told to resend
            logger.error("A %s message could not be counted: Redis unreachable", channel)
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id or "", t("cannot_save"))
            return None
        if not allowed:
            logger.warning("A %s sender went over the message limit", channel)  # never who, never what
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id or "", t("slow_down"))
            return None
        cap = max_chars if max_chars is not None else settings().max_message_chars
        if isinstance(message.text, str) and len(message.text) > cap + 1:
            message.text = message.text[: cap + 1]  # one more than the cap: the turn core says it is too long
        try:
            return await on_new_message(message)
        except LockError:
            # the conversation stayed busy past the wait, or the lock's Redis is out of reach:
            # nothing was read, and the person is told rather than met with silence
            logger.error("A %s message could not take its conversation's lock", channel)
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id or "", t("cannot_save"))
            return None

    return handle
