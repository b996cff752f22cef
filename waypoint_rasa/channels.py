"""The REST channel with an inbox, and the guard in front of Rasa's HTTP API.

A counselor's reply reaches the employee through Rasa's HTTP API
(`trigger_intent?output_channel=latest`): Rasa then sends the bot's messages to the
output channel of the channel the employee last used. Slack and the web widget push
them; plain REST has no way to push, so its output channel keeps them in an inbox that
the REST client fetches (`GET /webhooks/rest/inbox?sender=…`). The inbox trusts callers
exactly as much as the REST webhook does (whoever may post as a sender gets the replies
to that sender): REST is the local and test channel and listens on localhost.

The guard: Rasa's HTTP API (started with `--enable-api`) is reachable only on the two
routes the console needs, and only with the token from configuration
(WAYPOINT_RASA_TOKEN, compared in constant time). Every other API route – model upload
and training among them – answers 404 whoever asks. The token is read from the
environment rather than passed with `--auth-token`, so it never shows in a process list.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings

logger = logging.getLogger(__name__)

# Messages kept per sender until fetched; older ones are dropped first.
INBOX_LIMIT = 100

_ALLOWED_API_ROUTES = (
    ("GET", re.compile(r"^/conversations/[^/]+/tracker$")),
    ("POST", re.compile(r"^/conversations/[^/]+/trigger_intent$")),
)
_OPEN_ROUTES = (
    ("GET", re.compile(r"^/$")),
    ("GET", re.compile(r"^/version$")),
    # the web chat widget's socket.io endpoint (waypoint_rasa/webchat.py): long polling and the websocket
    ("GET", re.compile(r"^/socket\.io$")),
    ("POST", re.compile(r"^/socket\.io$")),
    ("OPTIONS", re.compile(r"^/socket\.io$")),
)


class Inbox:
    """Bot messages for REST senders that arrived outside their own request."""

    def __init__(self, limit: int = INBOX_LIMIT) -> None:
        self._messages: Dict[str, Deque[Dict[str, Any]]] = defaultdict(lambda: deque(maxlen=limit))

    def put(self, recipient: str, message: Dict[str, Any]) -> None:
        self._messages[recipient].append(message)

    def take(self, recipient: str) -> List[Dict[str, Any]]:
        pending = self._messages.pop(recipient, None)
        return list(pending) if pending else []


class InboxOutput(CollectingOutputChannel):
    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self._inbox = inbox

    @classmethod
    def name(cls) -> Text:
        return "rest_inbox"

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        await super()._persist_message(message)
        self._inbox.put(str(message.get("recipient_id")), message)


class RestWithInboxInput(RestInput):
    """Rasa's REST channel under its usual name and URL, plus the inbox."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.inbox = Inbox()

    def get_output_channel(self) -> InboxOutput:
        return InboxOutput(self.inbox)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.route("/inbox", methods=["GET"])
        async def inbox(request: Request) -> HTTPResponse:
            sender = request.args.get("sender")
            if not sender:
                return response.json({"error": "Say whose messages: ?sender=<sender id>"}, status=400)
            return response.json(self.inbox.take(sender))

        @webhook.listener("before_server_start")
        async def install_guard(app: Sanic, _loop: Any) -> None:
            install_api_guard(app, Settings.from_env().rasa_token)

        return webhook


def install_api_guard(app: Sanic, token: str | None) -> None:
    async def guard(request: Request) -> HTTPResponse | None:
        path, method = request.path.rstrip("/") or "/", request.method
        if path.startswith("/webhooks/") or any(m == method and p.match(path) for m, p in _OPEN_ROUTES):
            return None
        if not any(m == method and p.match(path) for m, p in _ALLOWED_API_ROUTES):
            return response.json({"error": "Not found"}, status=404)
        if not token:
            return response.json({"error": "The HTTP API is closed: no WAYPOINT_RASA_TOKEN is configured."}, status=403)
        provided = request.args.get("token") or _bearer(request.headers.get("authorization", ""))
        if not provided or not hmac.compare_digest(provided.encode(), token.encode()):
            return response.json({"error": "Not authenticated"}, status=401)
        return None

    app.register_middleware(guard, "request")
    logger.info("Rasa HTTP API limited to the console's routes%s", "" if token else " (closed: no token configured)")


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
