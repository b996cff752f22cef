"""waypoint_rasa/limits.py: per sender and per client address, per channel; over the limit nothing is
read; a message over the size cap is cut before anything reads it."""

from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError

from bot.conversation.messages import text as t
from bot.ratelimit import RateLimiter
from waypoint_rasa import limits
from waypoint_rasa.limits import address_allowed, rate_limited


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


async def test_a_message_longer_than_the_cap_is_cut_to_one_more_character_before_anything_reads_it():
    read: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        read.append(message.text)

    handle = rate_limited("rest", on_new_message, RateLimiter(100, 60.0), max_chars=500)
    output = CollectingOutputChannel()
    await handle(UserMessage("x" * 200_000, output, "ann"))  # a 200 KB message
    await handle(UserMessage("y" * 501, output, "ann"))
    await handle(UserMessage("short answer", output, "ann"))

    # The turn core sees it is over the cap (and says so); the language model reads 501 characters at most.
    assert [len(text) for text in read] == [501, 501, 12]
    assert output.messages == []


async def test_the_cap_comes_from_the_configuration(monkeypatch):
    monkeypatch.setenv("WAYPOINT_MAX_MESSAGE_CHARS", "300")
    monkeypatch.setattr(limits, "_settings", None)
    read: list[int] = []

    async def on_new_message(message: UserMessage) -> None:
        read.append(len(message.text))

    await rate_limited("slack", on_new_message, RateLimiter(100, 60.0))(UserMessage("z" * 5000, CollectingOutputChannel(), "U1"))
    monkeypatch.setattr(limits, "_settings", None)
    assert read == [301]


async def test_client_addresses_are_limited_each_on_its_own():
    per_address = RateLimiter(3, 60.0)
    assert [await address_allowed("rest", "203.0.113.9", per_address) for _ in range(4)] == [True, True, True, False]
    assert await address_allowed("rest", "198.51.100.7", per_address)
    assert await address_allowed("socketio", "203.0.113.9", per_address)  # each channel counts its own


async def test_a_message_that_cannot_take_its_conversations_lock_is_answered_not_met_with_silence():
    async def locked_out(message):
        raise LockError("waited too long")

    answer = CollectingOutputChannel()
    handle = rate_limited("rest", locked_out, RateLimiter(100, 60.0))

    assert await handle(UserMessage("hello", answer, "ann")) is None
    assert [m["text"] for m in answer.messages] == [t("cannot_save")]
