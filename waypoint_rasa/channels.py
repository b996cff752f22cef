"""The REST channel: Rasa's, with an inbox, its caller checked, and its conversations its own.

A counselor's reply reaches the employee through Rasa's HTTP API
(`trigger_intent?output_channel=latest`): Rasa then sends the bot's messages to the
output channel of the channel the employee last used. Slack and the web widget push
them; plain REST has no way to push, so its output channel keeps them in an inbox that
the REST client fetches (`GET /webhooks/rest/inbox?sender=…`).

REST is the local and test channel, and its caller names the sender, so:

* Who may call: with WAYPOINT_REST_TOKEN set, the webhook and the inbox need
  `Authorization: Bearer <token>` (compared in constant time); without it they answer
  only requests from this machine – a loopback peer that did not come through a proxy
  (no Forwarded / X-Forwarded-For / X-Real-IP header). `make shell`, the tests and the
  benchmark are local and need nothing.
* Whose conversation: the message's channel is always "rest" – Rasa's RestInput takes
  `input_channel` from the request body, which would let a caller write under a Slack
  or web chat identity in the answer store. And a sender id whose conversation in the
  tracker store came from another channel (a Slack user id is visible to the whole
  workspace) is refused with 403: Rasa keys conversations by sender id alone.

A client may give each message its own `message_id`: sent again after a timeout or a
failure, possibly to another replica, the message is handled once and answered as it was
the first time (`_exactly_once`).

The guard in front of Rasa's HTTP API and the Host check come with every Waypoint channel
and with the tracker store (waypoint_rasa/http_guard.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.lock_store import LockError
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
import rasa.utils.endpoints
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings, is_loopback
from bot.conversation.messages import text as t
from bot.handoff.delivery import delivery_of
from waypoint_rasa import delivery, http_guard, speedups
from waypoint_rasa.limits import address_allowed, rate_limited
from waypoint_rasa.shared_state import MemoryState, SharedState, SharedStateUnavailable, shared_state
from waypoint_rasa.turn_check import one_check_per_turn

logger = logging.getLogger(__name__)

# Messages kept per sender until fetched; older ones are dropped first.
INBOX_LIMIT = 100


class Inbox:
    """Bot messages for REST senders that arrived outside their own request, each with the
    counselor reply it carries (if any): a reply counts as delivered when its message is read.
    Kept where every replica finds them (waypoint_rasa/shared_state.py)."""

    def __init__(self, state: SharedState | None = None, limit: int = INBOX_LIMIT) -> None:
        self.state: SharedState = state if state is not None else MemoryState()
        self.limit = limit

    async def put(self, recipient: str, message: Dict[str, Any], delivery: Optional[int] = None) -> None:
        await self.state.put(recipient, {"message": message, "delivery": delivery}, self.limit)

    async def take(self, recipient: str) -> Tuple[List[Dict[str, Any]], List[int]]:
        """The messages, oldest first, and the replies they carried."""
        pending = await self.state.take(recipient)
        return [item["message"] for item in pending], [item["delivery"] for item in pending if item.get("delivery")]


class InboxOutput(CollectingOutputChannel):
    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self._inbox = inbox
        self._delivery: Optional[int] = None

    @classmethod
    def name(cls) -> Text:
        return "rest_inbox"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self._delivery = delivery_of(message)
        try:
            await super().send_response(recipient_id, message)
        finally:
            self._delivery = None

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        await super()._persist_message(message)
        await self._inbox.put(str(message.get("recipient_id")), message, self._delivery)


class RestWithInboxInput(RestInput):
    """Rasa's REST channel under its usual name and URL, plus the inbox and the checks above."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self, token: str | None = None, settings: Settings | None = None) -> None:
        self.token = token
        self.settings = settings or Settings()
        self.inbox = Inbox(shared_state(self.settings.redis_url))

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestWithInboxInput":
        try:
            settings = Settings.from_env()
        except ValueError as error:
            raise InvalidConfigException(str(error)) from None  # `rasa run` prints this one line
        return cls(settings.rest_token, settings)

    def client_address(self, request: Request) -> str:
        return self.settings.client_address(request.ip or "", request.headers.get("x-forwarded-for"))

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # never the caller's `input_channel`

    def get_output_channel(self) -> InboxOutput:
        return InboxOutput(self.inbox)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(rate_limited(self.name(), confirming_replies(on_new_message)))

        @webhook.middleware("request")
        async def check_caller(request: Request) -> HTTPResponse | None:
            path = request.path.rstrip("/")
            if not path.endswith(("/webhook", "/inbox")):
                return None  # the channel's health route
            if self.token is not None and not http_guard.token_matches(request, self.token):
                return response.json({"error": "Not authenticated"}, status=401)
            if self.token is None and not from_this_machine(request):
                return response.json({"error": "The REST channel answers only this machine (WAYPOINT_REST_TOKEN)"}, status=403)
            if path.endswith("/inbox"):
                return None
            if not _sender_of(request):
                # Rasa would file it under "default" (or the text of a list): one conversation for all
                return response.json({"error": "Say who is writing: a \"sender\" id"}, status=400)
            if not await address_allowed(self.name(), self.client_address(request)):
                return response.json({"error": "Too many messages from this address: try again in a minute"}, status=429)
            message_id: str | None = None
            if "message_id" in (request.json or {}):
                message_id = _message_id_of(request)
                if message_id is None:
                    return response.json({"error": MESSAGE_ID_RULE}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if not rasa.utils.endpoints.bool_arg(request, "stream", default=False) and getattr(agent, "processor", None):
                try:
                    return await self._in_turn(request, agent, message_id)
                except LockError:
                    # the conversation's lock (Redis) out of reach, or busy past the wait: nothing was
                    # read, and the person is told – as when the tracker store is down – not sent a 500
                    logger.error("REST: the message could not take its conversation's lock")
                    return response.json([{"recipient_id": _sender_of(request), "text": t("cannot_save")}], status=503)
            # streamed answers are Rasa's own receiver's: the checks here, outside the conversation's lock
            try:
                elsewhere = await self._another_channels(request)
            except Exception as error:  # noqa: BLE001 – the tracker store is down: fail closed, as a turn does
                logger.error("REST: the conversation could not be looked up: %s", type(error).__name__)
                return response.json([{"recipient_id": _sender_of(request), "text": t("cannot_save")}], status=503)
            if elsewhere:
                return response.json(ANOTHER_CHANNEL, status=403)
            return None

        @webhook.route("/inbox", methods=["GET"])
        async def inbox(request: Request) -> HTTPResponse:
            sender = request.args.get("sender")
            if not sender:
                return response.json({"error": "Say whose messages: ?sender=<sender id>"}, status=400)
            try:
                messages, deliveries = await self.inbox.take(sender)
            except SharedStateUnavailable:
                return response.json({"error": t("cannot_save")}, status=503)
            await delivery.confirm(deliveries)
            return response.json(messages)

        return speedups.close_when_stopped(http_guard.install_with(webhook))

    async def _in_turn(self, request: Request, agent: Any, message_id: str | None) -> HTTPResponse:
        """A message handled whole under the conversation's lock: the conversation read once
        (with several replicas, checked once against the database: waypoint_rasa/tracker_store.py),
        then whether it belongs to another channel, whether this is a message sent again, and
        the turn itself. With the client's own `message_id`, a message sent again (a timeout, a
        retry through another replica) gets the answer it got the first time, from the
        conversation, and nothing is stored twice; two copies arriving at once are handled one
        after the other."""
        sender = _sender_of(request)
        collector = CollectingOutputChannel()
        # the agent's own handle_message takes the same lock: under it, the processor directly
        handle = rate_limited(self.name(), confirming_replies(agent.processor.handle_message))
        async with agent.lock_store.lock(sender):
            with one_check_per_turn():
                try:
                    tracker = await agent.tracker_store.retrieve(sender)
                except Exception as error:  # noqa: BLE001 – the tracker store is down: fail closed, as a turn does
                    logger.error("REST: the conversation could not be looked up: %s", type(error).__name__)
                    return response.json([{"recipient_id": sender, "text": t("cannot_save")}], status=503)
                channel = tracker.get_latest_input_channel() if tracker is not None else None
                if channel not in (None, self.name()):
                    return response.json(ANOTHER_CHANNEL, status=403)
                earlier = answer_to(tracker, message_id) if tracker is not None and message_id is not None else None
                if earlier is not None:
                    logger.info("REST: a message sent again was answered as the first time, not handled twice")
                    return response.json(earlier)
                message = UserMessage(self._extract_message(request), collector, sender, input_channel=self.name(),
                                      metadata=self.get_metadata(request), message_id=message_id)
                try:
                    await handle(message)
                except Exception as error:  # noqa: BLE001 – as Rasa's own receiver: the answer so far, the error logged by type
                    logger.error("REST: the message could not be handled: %s", type(error).__name__)
        return response.json(collector.messages)

    async def _another_channels(self, request: Request) -> bool:
        """Whether the sender's stored conversation came from a channel other than REST."""
        sender = _sender_of(request)
        tracker_store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
        if not sender or tracker_store is None:
            return False
        tracker = await tracker_store.retrieve(sender)
        channel = tracker.get_latest_input_channel() if tracker is not None else None
        return channel not in (None, self.name())


def confirming_replies(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """The answer to a REST message hands the client every counselor reply in it: those
    count as delivered. (Rasa's REST receiver makes a plain collector and answers with its
    messages; ours collects into it, remembering the replies.)"""

    async def handle(message: UserMessage) -> Any:
        answer = message.output_channel
        if type(answer) is not CollectingOutputChannel:
            return await on_new_message(message)  # the streaming variant: no single answer to confirm
        collector = delivery.DeliveryCollector()
        message.output_channel = collector
        try:
            return await on_new_message(message)
        finally:
            answer.messages.extend(collector.messages)
            await delivery.confirm(collector.deliveries)

    return handle


ANOTHER_CHANNEL = {"error": "This sender's conversation is on another channel"}

# A client's own id for a message, so that sending it again never handles it twice.
_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
MESSAGE_ID_RULE = "message_id: 1 to 128 letters, digits or . _ : -"


def _message_id_of(request: Request) -> str | None:
    body = request.json if request.body else None
    value = body.get("message_id") if isinstance(body, dict) else None
    return value if isinstance(value, str) and _MESSAGE_ID.fullmatch(value) else None


def answer_to(tracker: DialogueStateTracker, message_id: str) -> list[dict[str, Any]] | None:
    """What the bot said after the person's message `message_id`, as the REST channel
    answered it then; None when no message of the conversation has that id – or when nothing
    was said after it (a server died on the way): then it is handled again."""
    answer: list[dict[str, Any]] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if answer is not None:
                break  # the next message of the person: the answer ended
            if event.message_id == message_id:
                answer = []
        elif isinstance(event, BotUttered) and answer is not None:
            data = event.data or {}
            answer.append(CollectingOutputChannel._message(
                tracker.sender_id, text=event.text, image=data.get("image"), buttons=data.get("buttons"),
                attachment=data.get("attachment"), custom=data.get("custom"),
            ))
    return answer or None


def _sender_of(request: Request) -> str:
    """The sender id as Rasa will use it: Rasa's REST channel turns a number into its text."""
    body = request.json if request.body else None
    sender = body.get("sender") if isinstance(body, dict) else None
    return str(sender) if isinstance(sender, (str, int, float)) and not isinstance(sender, bool) else ""


_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def from_this_machine(request: Request) -> bool:
    """A request from a loopback address that no proxy on this machine passed on."""
    return not any(header in request.headers for header in _PROXY_HEADERS) and is_loopback(request.ip or "")
