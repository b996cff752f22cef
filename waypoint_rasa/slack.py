"""The Slack channel: Rasa's Slack connector, configured from the environment and made
safe for a counseling conversation.

credentials.yml names the channel without arguments (`waypoint_rasa.slack.WaypointSlackInput:`);
the bot token and signing secret come from WAYPOINT_SLACK_BOT_TOKEN and
WAYPOINT_SLACK_SIGNING_SECRET (bot/config.py). Without both the channel is off: it adds no
routes, so /webhooks/slack/webhook answers 404. A token without a secret stops Rasa's
start with one line.

What Rasa 3.6's SlackInput already does and is kept: the HMAC signature check (its
`is_request_from_slack_authentic`: constant-time compare, five-minute window both ways),
answering Slack at once and running the bot's turn in a background task, reading button
clicks from interactivity payloads, stripping the bot's own @-mention.

What this module changes, and why:
- Requests are checked before anything is read from them and refused with 401 (Rasa: 400).
- Every retry (X-Slack-Retry-Num) is acknowledged and dropped, whatever the reason (Rasa
  drops only `http_timeout` retries); and the same event is handled once even when it
  comes again without retry headers (`SeenEvents`).
- Buttons: Rasa's SlackBot sends no buttons at all beyond five and puts the text in a
  plain_text block (no links); here up to 25 buttons per actions block, text as mrkdwn.
- Long texts are split into several messages of at most 3000 characters (a section
  block's limit) at paragraph, line or word boundaries; Rasa posts each paragraph as its
  own message and nothing guards the limits.
- Text is escaped for Slack (`&`, `<`, `>`, keeping the entities `for_chat` already made)
  and URLs are sent as Slack links (`<https://…>`), without link previews: Slack's servers
  must not fetch someone's private plan link.
- The conversation happens in the person's direct messages: a mention in a channel is
  answered there, and messages sent outside a request (a counselor's reply through
  `trigger_intent?output_channel=latest`) find the DM by the person's user id.
- Slack's escaping in what people type (`&amp;`, `<https://…|…>`) is undone before the
  text reaches the NLU and the answer store.
- Every Web API client uses WAYPOINT_SLACK_API_URL, so tests talk to a fake Slack.

Nothing here logs what people or the bot wrote; event ids and error codes only.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Generic, Iterable, List, Optional, Set, Text, TypeVar
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.handoff.delivery import delivery_of
from waypoint_rasa import delivery, http_guard, speedups
from waypoint_rasa.limits import rate_limited
from waypoint_rasa.shared_state import MemoryState, SharedState, shared_state

logger = logging.getLogger(__name__)

# Slack signs every request; older (or newer) than this and it may be a replay.
SIGNATURE_MAX_AGE = 5 * 60
# A section block's text; also well under chat.postMessage's 4000 recommended characters.
TEXT_LIMIT = 3000
BUTTONS_PER_BLOCK = 25
BUTTON_TITLE_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
# Event ids remembered against Slack's retries (which come within minutes): about 1 MB at most.
SEEN_LIMIT = 10_000
# Known direct-message channels of people (user id -> DM channel id).
DM_LIMIT = 10_000

K = TypeVar("K")
V = TypeVar("V")


# -- requests from Slack ------------------------------------------------------------------------------


def signature_ok(
    secret: str, timestamp: str | None, body: bytes, signature: str | None, now: float | None = None
) -> bool:
    """Slack's request signature (v0, HMAC-SHA256 of "v0:<timestamp>:<body>"), from at
    most five minutes ago or ahead, compared in constant time."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > SIGNATURE_MAX_AGE:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}".encode(), signature.encode())


class BoundedMap(Generic[K, V]):
    """A dict that forgets its least recently used keys beyond `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: "OrderedDict[K, V]" = OrderedDict()

    def get(self, key: K) -> V | None:
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


_SLACK_REFERENCE = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def incoming_text(text: str, bot_user_ids: Iterable[str] = ()) -> str:
    """What someone typed, without Slack's markup: the bot's own mention removed, links and
    mentions as they were typed, and `&amp;` `&lt;` `&gt;` back to `&` `<` `>`."""
    bots = set(bot_user_ids)

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "" if target[1:] in bots else "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if label:
            return label
        return target[len("mailto:"):] if target.startswith("mailto:") else target

    text = _SLACK_REFERENCE.sub(plain, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# -- messages to Slack --------------------------------------------------------------------------------------

_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
# A URL ends at white space or an escaped angle bracket; trailing punctuation is the sentence's.
_URL = re.compile(r"https?://(?:(?!&lt;|&gt;)[^\s<>|])+")
_TRAILING = ".,;:!?)]}'\"…"


def slack_text(text: str) -> str:
    """A bot message as Slack mrkdwn: `&`, `<`, `>` escaped (the entities `for_chat` made
    are kept, so quoted text shows as typed) and URLs as Slack links."""
    escaped = _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        kept = url.rstrip(_TRAILING)
        return f"<{kept}>{url[len(kept):]}"

    return _URL.sub(link, escaped)


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Whole text in parts of at most `limit` characters, cut at a paragraph, else a line,
    else a word; never inside a Slack link or an entity."""
    parts: List[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_at(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut_at(text: str, limit: int) -> int:
    window = text[:limit]
    for separator in ("\n\n", "\n", " "):
        position = window.rfind(separator)
        if position > limit // 3:
            return position
    # No break in sight: cut hard, but not inside "<…>" or "&…;".
    cut = limit
    opening = window.rfind("<")
    if 0 < opening and opening > window.rfind(">"):
        cut = opening
    ampersand = text.rfind("&", max(0, cut - 4), cut)  # "&amp;" is the longest entity here
    if 0 < ampersand and ";" not in text[ampersand:cut]:
        cut = ampersand
    return cut


def button_blocks(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Actions blocks of up to 25 buttons; a button's payload comes back as its value."""
    elements = []
    for index, button in enumerate(buttons):
        title, payload = str(button.get("title") or ""), str(button.get("payload") or "")
        if not payload or len(payload) > BUTTON_VALUE_LIMIT:
            logger.warning("A button without a payload or with one over %d characters was left out", BUTTON_VALUE_LIMIT)
            continue
        if len(title) > BUTTON_TITLE_LIMIT:
            title = title[: BUTTON_TITLE_LIMIT - 1].rstrip() + "…"
        elements.append(
            {
                "type": "button",
                "action_id": f"waypoint-button-{index}",  # unique within the message, as Slack requires
                "text": {"type": "plain_text", "text": title or payload[:BUTTON_TITLE_LIMIT], "emoji": True},
                "value": payload,
            }
        )
    return [
        {"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]}
        for start in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


class WaypointSlackBot(SlackBot):
    """Sends the bot's messages to Slack through WAYPOINT_SLACK_API_URL.

    `slack_channel` is the channel the person wrote in, when it was their DM; without
    it (a counselor's reply, a mention in a channel) messages go to the person's DM,
    found with conversations.open (im:write) unless already known.
    """

    def __init__(
        self,
        token: Text,
        api_url: str,
        slack_channel: Optional[Text] = None,
        direct_channels: BoundedMap[str, str] | None = None,
    ) -> None:
        super().__init__(token, slack_channel)
        self.client = AsyncWebClient(
            token,
            base_url=api_url,
            retry_handlers=[AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
        self.direct_channels = direct_channels if direct_channels is not None else BoundedMap(DM_LIMIT)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        # Rasa's methods pass `as_user` (classic apps only) and `type` (not a parameter).
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        kwargs.setdefault("unfurl_links", False)
        kwargs.setdefault("unfurl_media", False)
        # No channel of the conversation: `channel` is the person's user id; find their DM.
        direct = not self.slack_channel and channel.startswith(("U", "W"))
        target = await self._direct_channel(channel) if direct else channel
        await self.client.chat_postMessage(channel=target, **kwargs)

    async def _direct_channel(self, user_id: str) -> str:
        known = self.direct_channels.get(user_id)
        if known:
            return known
        try:
            opened = await self.client.conversations_open(users=user_id)
            channel = (opened.get("channel") or {}).get("id")
        except SlackApiError as error:
            # Slack also takes the user id as channel (the app's DM with them).
            logger.warning("conversations.open failed (%s); posting to the user id", error.response.get("error"))
            return user_id
        if not channel:
            return user_id
        self.direct_channels.put(user_id, channel)
        return str(channel)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        reply = delivery_of(message)
        await super().send_response(recipient_id, message)
        # chat.postMessage answered ok for every part (slack_sdk raises otherwise): delivered.
        if reply is not None:
            await delivery.confirm([reply])

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(slack_text(text)):
            await self._post_message(channel=self.slack_channel or recipient_id, text=part, mrkdwn=True)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        parts = split_text(slack_text(text or "")) or [""]
        for part in parts[:-1]:
            await self._post_message(channel=self.slack_channel or recipient_id, text=part, mrkdwn=True)
        last = parts[-1]
        section = [{"type": "section", "text": {"type": "mrkdwn", "text": last}}] if last else []
        blocks = section + button_blocks(buttons)
        fallback = last or ", ".join(str(b.get("title")) for b in buttons)
        await self._post_message(channel=self.slack_channel or recipient_id, text=fallback, blocks=blocks)


# -- the input channel --------------------------------------------------------------------------------------


class WaypointSlackInput(SlackInput):
    """Rasa's Slack channel under its usual name and URL (/webhooks/slack/webhook, for
    events and interactivity alike), configured from the environment."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if credentials:
            logger.warning(
                "Slack settings in credentials.yml are ignored: set WAYPOINT_SLACK_BOT_TOKEN and _SIGNING_SECRET"
            )
        try:
            settings = Settings.from_env()
        except ValueError as error:
            # A RasaException: `rasa run` prints this one line and exits with status 1.
            raise InvalidConfigException(str(error)) from None
        seen = shared_state(settings.redis_url) if settings.redis_url else None
        return cls(settings.slack_bot_token, settings.slack_signing_secret, settings.slack_api_url, seen=seen)

    def __init__(
        self,
        slack_token: Optional[Text],
        slack_signing_secret: Optional[Text],
        api_url: str = Settings.slack_api_url,
        seen_limit: int = SEEN_LIMIT,
        seen: SharedState | None = None,
    ) -> None:
        super().__init__(
            slack_token or "",
            slack_signing_secret=slack_signing_secret or "",
            use_threads=False,
            conversation_granularity="sender",
        )
        self.api_url = api_url
        # Events and clicks already handled, so that one delivered twice is answered once: Slack
        # retries an event it thinks failed, and a retry can arrive after the first delivery was
        # answered (retries carry X-Slack-Retry-Num and are dropped anyway; this also catches a
        # repeat without it). Keys: Slack's event_id, the message's channel and ts (one message can
        # come as message.im and app_mention), a click's trigger_id. In Redis with several
        # replicas, so that a repeat reaching another replica is recognised too.
        self.seen: SharedState = seen if seen is not None else MemoryState(max_keys=seen_limit)
        self.direct_channels: BoundedMap[str, str] = BoundedMap(DM_LIMIT)
        self._tasks: Set[asyncio.Task] = set()

    @property
    def enabled(self) -> bool:
        return bool(self.slack_token and self.slack_signing_secret)

    def _validate_credentials(self) -> None:
        if self.slack_token and not self.slack_signing_secret:
            raise InvalidConfigException(
                "WAYPOINT_SLACK_BOT_TOKEN is set but WAYPOINT_SLACK_SIGNING_SECRET is not: without it Slack's "
                "requests cannot be verified, so the Slack channel will not start"
            )

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> WaypointSlackBot:
        return WaypointSlackBot(self.slack_token, self.api_url, channel, self.direct_channels)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = rate_limited(self.name(), on_new_message)
        # the Rasa server's guard, whatever other channels there are – even with Slack off
        slack_webhook = speedups.close_when_stopped(http_guard.install_with(Blueprint("slack_webhook", __name__)))
        if not self.enabled:
            logger.info(
                "Slack channel off: set WAYPOINT_SLACK_BOT_TOKEN and WAYPOINT_SLACK_SIGNING_SECRET to turn it on"
            )
            return slack_webhook
        logger.info("Slack channel on: events and button clicks at /webhooks/slack/webhook")

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return slack_webhook

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """One request from Slack, answered at once: the bot's turn runs in the background
        (Slack retries whatever is not answered within 3 seconds)."""
        if not signature_ok(
            self.slack_signing_secret,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.body,
            request.headers.get("X-Slack-Signature"),
        ):
            logger.warning("Refused a request to the Slack webhook: signature missing, wrong or over 5 minutes old")
            return response.text("Not signed by Slack", status=401)

        # Every retry is dropped, whatever the reason. Each verified request is answered at
        # once, so a retry means either that Slack missed that answer (the first delivery is
        # being handled or already was, maybe by another replica) or that the first delivery
        # never reached us (Waypoint was down, and the person has to send again). Handling it
        # could answer twice and store the answer twice.
        retry = request.headers.get("X-Slack-Retry-Num")
        if retry is not None:
            logger.info(
                "Slack retry #%s (%s) acknowledged and not processed",
                retry[:8],
                request.headers.get("X-Slack-Retry-Reason", "no reason given")[:40],
            )
            return response.text("", headers={"X-Slack-No-Retry": "1"})

        kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            return await self._interaction(request.body, on_new_message)
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return response.text("Not JSON", status=400)
        if not isinstance(body, dict):
            return response.text("Not a Slack event", status=400)
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        if body.get("type") == "event_callback":
            return await self._event(body, on_new_message)
        return response.text("")

    async def _event(self, body: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        event = body.get("event") or {}
        if not self._is_user_message(body) or event.get("subtype") not in (None, "file_share", "thread_broadcast"):
            return response.text("")  # the bot's own messages, edits, joins …
        user, channel = event.get("user"), event.get("channel")
        direct = event.get("channel_type") == "im"
        if not user or not (direct or event.get("type") == "app_mention"):
            return response.text("")
        keys = [f"event:{body['event_id']}"] if body.get("event_id") else []
        keys += [f"message:{channel}:{event['ts']}"] if event.get("ts") else []
        if not await self.seen.first_time(keys):
            logger.info("Slack event %s came again; already handled", str(body.get("event_id"))[:40])
            return response.text("")
        bots = _bot_user_ids(body)
        text = incoming_text(str(event.get("text") or ""), bots)
        if not text:
            return response.text("")
        if direct and channel:
            self.direct_channels.put(user, channel)
        # Answered in the DM even when mentioned in a channel: counseling is private.
        metadata = {"out_channel": channel if direct else None, "thread_id": None, "users": bots}
        self._dispatch(on_new_message, text, user, metadata)
        return response.text("")

    async def _interaction(self, raw: bytes, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        try:
            payload = json.loads(parse_qs(raw.decode())["payload"][0])
        except (KeyError, IndexError, ValueError, UnicodeDecodeError):
            return response.text("No interaction payload", status=400)
        if not isinstance(payload, dict) or not self._is_interactive_message(payload):
            return response.text("")
        value = self._get_interactive_response(payload["actions"][0])
        user = (payload.get("user") or {}).get("id")
        if value is None or not user:
            return response.text("")  # a link button: Slack opens the link itself
        action_ts = payload["actions"][0].get("action_ts")
        keys = [f"click:{payload['trigger_id']}"] if payload.get("trigger_id") else []
        keys += [f"click:{user}:{action_ts}"] if action_ts else []
        if not await self.seen.first_time(keys):
            logger.info("A Slack button click came again; already handled")
            return response.text("")
        channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
        direct = isinstance(channel, str) and channel.startswith("D")
        if direct:
            self.direct_channels.put(user, channel)
        metadata = {"out_channel": channel if direct else None, "thread_id": None, "users": []}
        self._dispatch(on_new_message, str(value), user, metadata)
        return response.text("")

    def _dispatch(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str,
        metadata: Dict[str, Any],
    ) -> None:
        message = UserMessage(
            text,
            self.get_output_channel(metadata.get("out_channel")),
            sender_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        task = asyncio.create_task(on_new_message(message))
        self._tasks.add(task)  # a reference, so the task is not collected before it ran
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            detail = error.response.get("error") if isinstance(error, SlackApiError) else ""
            logger.error("A Slack message could not be handled: %s %s", type(error).__name__, detail)


def _bot_user_ids(body: Dict[str, Any]) -> List[str]:
    """The app's own user, whose @-mention is not part of what the person said."""
    users = [str(u) for u in body.get("authed_users") or []]
    users += [str(a.get("user_id")) for a in body.get("authorizations") or [] if a.get("user_id")]
    return users
