"""A brake on floods: each channel's messages are counted per sender (the channel's own
identity – a REST sender, a Slack user, a widget identity), WAYPOINT_MESSAGES_PER_MINUTE
at most (bot/ratelimit.py). A message over the limit is not read: the person is asked to
slow down, and nothing reaches the turn core or the database.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    """One per Rasa process, shared by its channels."""
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(Settings.from_env().messages_per_minute, 60.0)
    return _limiter


def rate_limited(channel: str, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 limits: RateLimiter | None = None) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> Any:
        if (limits or limiter()).allow(f"{channel}:{message.sender_id}"):
            return await on_new_message(message)
        logger.warning("A %s sender went over the message limit", channel)  # never who, never what
        if message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id or "", t("slow_down"))
        return None

    return handle
