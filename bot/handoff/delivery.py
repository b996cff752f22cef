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

import re
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


# -- how a counselor's message looks -------------------------------------------------------

# The metadata key of a bot message that carries a counselor's reply: who wrote it and what
# it says, so a channel that can show it apart (the web chat) does, and others read the text.
COUNSELOR_KEY = "waypoint_counselor"
# The widget's class for a counselor's bubble (bot/widget/static/waypoint-chat.css).
COUNSELOR_BUBBLE_CLASS = "waypoint-counselor"
_MARKDOWN = re.compile(r"([\\`*_\[\]#])")


def counselor_message(name: str, role: str, body: str, *, first: bool) -> dict[str, Any]:
    """The text every channel can show ("Ann Lee: …") and, under COUNSELOR_KEY, the parts
    a richer channel lays out itself. `first`: the first of a run of the counselor's
    messages, which names them with their role."""
    return {"text": f"{name}: {body}", COUNSELOR_KEY: {"name": name, "role": role, "body": body, "first": first}}


def widget_counselor_message(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """The web chat's form of a counselor's message: its own bubble (rasa-webchat's
    customCss class), the body alone, headed by the name and role on the first of a run.
    None when the message is not a counselor's."""
    parts = message.get(COUNSELOR_KEY)
    if not isinstance(parts, Mapping) or not isinstance(parts.get("body"), str):
        return None
    text = parts["body"]
    if parts.get("first") and parts.get("name"):
        # the widget renders Markdown: the name is bold, and its own * or _ stay characters
        name = _MARKDOWN.sub(r"\\\1", str(parts["name"]))
        role = _MARKDOWN.sub(r"\\\1", str(parts.get("role") or ""))
        text = f"**{name}**" + (f" · {role}" if role else "") + "\n" + text
    return {"text": text, "metadata": {"customCss": {"style": "class", "css": COUNSELOR_BUBBLE_CLASS}}}
