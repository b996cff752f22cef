"""waypoint_rasa/limits.py: per sender, per channel; over the limit nothing is read."""

from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.conversation.messages import text as t
from bot.ratelimit import RateLimiter
from waypoint_rasa.limits import rate_limited


async def test_a_flooding_sender_is_asked_to_slow_down_and_others_are_not_held_back():
    read: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        read.append(f"{message.sender_id}: {message.text}")

    handle = rate_limited("rest", on_new_message, RateLimiter(2, 60.0))
    output = CollectingOutputChannel()
    for i in range(4):
        await handle(UserMessage(f"message {i}", output, "flooder"))
    await handle(UserMessage("hello", output, "calm"))

    assert read == ["flooder: message 0", "flooder: message 1", "calm: hello"]
    assert [m["text"] for m in output.messages] == [t("slow_down"), t("slow_down")]
