"""A brake on floods and on oversized input, for every channel.

* Per sender: each channel's messages are counted per sender (the channel's own identity –
  a REST sender, a Slack user, a widget identity), WAYPOINT_MESSAGES_PER_MINUTE at most
  (bot/ratelimit.py). A message over the limit is not read: the person is asked to slow
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

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

_settings: Settings | None = None
_limiter: RateLimiter | None = None
_address_limiter: RateLimiter | None = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def limiter() -> RateLimiter:
    """Per sender; one per Rasa process, shared by its channels."""
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(settings().messages_per_minute, 60.0)
    return _limiter


def address_limiter() -> RateLimiter:
    """Per client address; one per Rasa process."""
    global _address_limiter
    if _address_limiter is None:
        _address_limiter = RateLimiter(settings().messages_per_minute_per_address, 60.0)
    return _address_limiter


def address_allowed(channel: str, address: str, limits: RateLimiter | None = None) -> bool:
    """Counts one message from a client address; False when it is over the limit."""
    if (limits or address_limiter()).allow(f"{channel}@{address}"):
        return True
    logger.warning("A %s client address went over the message limit", channel)  # never which
    return False


def rate_limited(channel: str, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 limits: RateLimiter | None = None, max_chars: int | None = None) -> Callable[[UserMessage], Awaitable[Any]]:
    """The channel's handler behind the per-sender limit and the size cap."""

    async def handle(message: UserMessage) -> Any:
        if not (limits or limiter()).allow(f"{channel}:{message.sender_id}"):
            logger.warning("A %s sender went over the message limit", channel)  # never who, never what
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id or "", t("slow_down"))
            return None
        cap = max_chars if max_chars is not None else settings().max_message_chars
        if isinstance(message.text, str) and len(message.text) > cap + 1:
            message.text = message.text[: cap + 1]  # one more than the cap: the turn core says it is too long
        return await on_new_message(message)

    return handle
