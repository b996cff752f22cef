"""A channel's confirmation marks a counselor reply delivered (security review, point 5);
the channels' own tests (test_channels, test_slack, test_webchat) show when each confirms."""

from __future__ import annotations

import logging

from bot.handoff.delivery import DELIVERY_KEY, delivery_of, resend_with_next_message
from waypoint_rasa import delivery


async def test_a_confirmation_marks_the_reply_delivered_once(replies) -> None:
    reply = replies.pending("rest", "ann")
    other = replies.pending("rest", "bob")

    await delivery.confirm([reply, reply])

    assert replies.delivered(reply) and not replies.delivered(other)
    first = replies.store.message(reply).delivered_at
    await delivery.confirm([reply])
    assert replies.store.message(reply).delivered_at == first
    assert await delivery.has_pending("rest", "ann") is False
    assert await delivery.has_pending("rest", "bob") is True
    assert await delivery.has_pending("socketio", "bob") is False  # the key is channel and sender


async def test_a_store_that_fails_leaves_the_reply_pending_and_logs_no_content(replies, caplog) -> None:
    reply = replies.pending("rest", "ann", "my secret reply")

    class Broken:
        def mark_delivered(self, ids):
            raise RuntimeError("INSERT … my secret reply")

        def has_pending_replies(self, channel, sender):
            raise RuntimeError("down")

    delivery.use(Broken())  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        await delivery.confirm([reply])
        assert await delivery.has_pending("rest", "ann") is False
    delivery.use(replies.store)

    assert not replies.delivered(reply)
    assert "secret" not in caplog.text and "RuntimeError" in caplog.text


def test_the_reply_a_bot_message_carries() -> None:
    assert delivery_of({"text": "x", DELIVERY_KEY: 7}) == 7
    for value in (None, 0, -1, True, "7", 7.0):
        assert delivery_of({"text": "x", DELIVERY_KEY: value}) is None
    assert delivery_of({"text": "x"}) is None


def test_only_channels_that_confirm_at_send_time_resend_with_the_next_message() -> None:
    assert resend_with_next_message("rest") and resend_with_next_message("slack")
    assert not resend_with_next_message("socketio")
