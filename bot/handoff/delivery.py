"""When a counselor's reply counts as delivered (security review, point 5).

The console stores a reply and asks Rasa to send it; the action that sends it tags each
message with the reply's id (`DELIVERY_KEY`, carried in the bot message's metadata) and
marks nothing. The channel marks the reply delivered only when it has confirmation:

* Slack: `chat.postMessage` answered ok;
* REST: the reply was handed to the client – in the answer to its own message, or when
  it read its inbox (`GET /webhooks/rest/inbox`);
* web chat (socket.io): a connected socket of that person acknowledged the emit.

Until then the reply is pending: the console shows it as "not delivered yet", and it is
sent again – with the person's next message on channels that confirm at send time (a
pending reply there was a failed send), and on the person's next connection on the web
chat (a widget that never acknowledges would otherwise get every reply again with each
of its messages). A reply may so arrive twice, never not at all.
"""

from __future__ import annotations

from typing import Any, Mapping

# The metadata key of a bot message that carries a counselor's reply: the reply's id.
DELIVERY_KEY = "waypoint_delivery"

# Channels that know at send time whether a message arrived.
_CONFIRMED_AT_SEND = frozenset({"rest", "slack"})


def delivery_of(message: Mapping[str, Any]) -> int | None:
    """The counselor reply a bot message carries, if any."""
    value = message.get(DELIVERY_KEY)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def resend_with_next_message(channel: str) -> bool:
    """Whether pending replies go out again when the person next writes on this channel."""
    return channel in _CONFIRMED_AT_SEND
