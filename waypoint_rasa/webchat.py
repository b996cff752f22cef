"""The web chat widget's channel: Rasa's socket.io channel (name "socketio", path
/socket.io), with the conversation decided by the server, never by the browser.

    credentials.yml:   waypoint_rasa.webchat.WaypointSocketIOInput:

Settings come from the environment (bot/config.py), not from credentials.yml.

Who is talking (the sender id, which names the conversation in the tracker store):

* An employee: the intranet page passes a JWT (HS256, signed with
  WAYPOINT_WEBCHAT_JWT_SECRET, claims "sub", "exp", "iat" and "aud": "waypoint", a day at most) – in socket.io's `auth` payload
  (`{"token": ...}`, as Rasa's own channel reads it) or, since rasa-webchat cannot set
  `auth`, as `?token=` on the socket URL. The sender is "employee-" + an HMAC of "sub",
  the same on every device and not the employee's name. An expired, forged or otherwise
  invalid token, or a token when no JWT secret is configured, refuses the connection.
* Anyone else: an anonymous identity the server issues, "anon-<random>", handed to the
  browser signed (HMAC with WAYPOINT_WEBCHAT_SECRET) as the session id that rasa-webchat
  keeps in localStorage and sends back on every visit. A session id without a valid
  signature – guessed, forged, or another person's bare sender id – gets a NEW identity
  and an empty conversation, never someone else's.

The session id the browser sends with each message is ignored: each message goes to the
conversation its socket was given at `session_request`. Bot messages go to a socket.io
room named after the sender, which every socket of that identity joins (a reloaded page,
a second tab, an employee's second device), so a counselor's reply reaches them too.

Nothing identifying is logged: no tokens, no session ids, no message text.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text
from urllib.parse import parse_qs, urlsplit

import jwt
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.widget.options import allowed_origins
from bot.handoff import COUNSELOR_REPLY_INTENT
from bot.handoff.delivery import delivery_of, widget_counselor_message
from waypoint_rasa import delivery, http_guard, speedups
from waypoint_rasa.limits import address_allowed, rate_limited

logger = logging.getLogger(__name__)

ANONYMOUS_PREFIX = "anon-"
EMPLOYEE_PREFIX = "employee-"
JWT_ALGORITHM = "HS256"  # the only one accepted: "none", RS256 … are refused
# Clock difference tolerated between the intranet server and this one.
JWT_LEEWAY_SECONDS = 30
# The token is meant for Waypoint (not another intranet service that shares the secret) …
JWT_AUDIENCE = "waypoint"
# … and is a working day's token at most: one that lives longer, or was issued longer ago, is refused
JWT_MAX_AGE_SECONDS = 24 * 3600
MAX_TOKEN_CHARS = 4096
# Socket.io packets are limited; the length of a message is capped for every channel (waypoint_rasa/limits.py).
MAX_PACKET_BYTES = 64 * 1024
# The Redis pub/sub channel the replicas' socket.io servers share (WAYPOINT_REDIS_URL), one per
# Redis database: pub/sub ignores the database number, and two deployments on one Redis server
# (each in its own database) must not hear each other's messages.
PUBSUB_CHANNEL = "waypoint-socketio"


def pubsub_channel(redis_url: str) -> str:
    """The channel for the deployment whose shared state is in this Redis database."""
    database = urlsplit(redis_url).path.strip("/") or "0"
    return f"{PUBSUB_CHANNEL}:{database}"

_ANONYMOUS_TOKEN = re.compile(r"(anon-[0-9a-f]{32})\.([A-Za-z0-9_-]{43})")


class InvalidToken(Exception):
    """The employee token was refused; the message says why, without the token."""


@dataclass(frozen=True)
class Identities:
    """Issues and checks widget identities. `secret` signs anonymous ids and keys the employee
    ids; `jwt_secret` verifies the intranet's tokens (None: employee tokens are refused)."""

    secret: bytes
    jwt_secret: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "Identities":
        if settings.webchat_secret:
            secret = settings.webchat_secret.encode()
        else:
            secret = secrets.token_bytes(32)
            logger.warning(
                "WAYPOINT_WEBCHAT_SECRET is not set: web chat identities are signed with a random key for this "
                "process only, so browsers and employees start new conversations after a restart "
                "(scripts/run-stack.sh keeps a key in var/webchat-secret)"
            )
        return cls(secret, settings.webchat_jwt_secret or None)

    def _mac(self, purpose: str, value: str) -> bytes:
        return hmac.new(self.secret, f"waypoint-webchat:{purpose}:{value}".encode(), hashlib.sha256).digest()

    def new_anonymous(self) -> tuple[str, str]:
        """A new anonymous sender id and the signed session id the browser keeps."""
        sender = ANONYMOUS_PREFIX + secrets.token_hex(16)
        return sender, self.anonymous_token(sender)

    def anonymous_token(self, sender: str) -> str:
        signature = base64.urlsafe_b64encode(self._mac("anonymous", sender)).rstrip(b"=").decode()
        return f"{sender}.{signature}"

    def anonymous(self, token: object) -> str | None:
        """The sender id of a session id this server signed, else None."""
        if not isinstance(token, str):
            return None
        match = _ANONYMOUS_TOKEN.fullmatch(token)
        if match is None:
            return None
        expected = self.anonymous_token(match.group(1))
        return match.group(1) if hmac.compare_digest(expected.encode(), token.encode()) else None

    def employee(self, token: str) -> str:
        """The sender id of the employee a valid intranet JWT names; InvalidToken otherwise."""
        if not self.jwt_secret:
            raise InvalidToken("a token was presented but WAYPOINT_WEBCHAT_JWT_SECRET is not set")
        if len(token) > MAX_TOKEN_CHARS:
            raise InvalidToken("token too long")
        try:
            claims = jwt.decode(
                token, self.jwt_secret, algorithms=[JWT_ALGORITHM], audience=JWT_AUDIENCE,
                options={"require": ["sub", "exp", "iat", "aud"]}, leeway=JWT_LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("expired token") from None
        except jwt.MissingRequiredClaimError as error:
            raise InvalidToken(f"token without the {error.claim!r} claim") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken(f"token not for {JWT_AUDIENCE!r}") from None
        except jwt.InvalidTokenError:
            raise InvalidToken("invalid token") from None
        issued, expires = claims.get("iat"), claims.get("exp")
        if not isinstance(issued, (int, float)) or not isinstance(expires, (int, float)):
            raise InvalidToken("invalid token")
        if expires - issued > JWT_MAX_AGE_SECONDS or time.time() - issued > JWT_MAX_AGE_SECONDS + JWT_LEEWAY_SECONDS:
            raise InvalidToken("token older or longer-lived than a day")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip():
            raise InvalidToken("token with an empty 'sub' claim")
        return self.employee_sender(subject)

    def employee_sender(self, subject: str) -> str:
        return EMPLOYEE_PREFIX + self._mac("employee", subject).hex()[:32]


def presented_token(environ: Dict[str, Any], auth: object) -> str | None:
    """The JWT from socket.io's auth payload, else from the connection URL's `token`."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str) and auth["token"].strip():
        token: str = auth["token"].strip()
    else:
        values = parse_qs(environ.get("QUERY_STRING", "")).get("token", [])
        token = values[0].strip() if values else ""
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    return token or None


class WaypointSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output; a line break in a message stays a line break in the widget,
    which renders Markdown (where a single newline would join the lines).

    A counselor's reply (bot/handoff/delivery.py) goes to each connected socket of the
    person – on any replica – with an acknowledgement callback; the first socket to acknowledge marks it
    delivered. With no socket connected, or a widget that never acknowledges, it stays
    pending and is sent again on the person's next connection (`session_request`)."""

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await super()._send_message(socket_id, _with_line_breaks(response))

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        reply = delivery_of(message)
        if reply is None:
            await super().send_response(recipient_id, message)
            return

        async def acknowledged(*_: Any) -> None:
            await delivery.confirm([reply])

        payload = _with_line_breaks(widget_counselor_message(message) or {"text": message.get("text") or ""})
        # to the person's room: every socket of theirs, on this replica or (through Redis) another;
        # the first acknowledgement comes back here and marks it delivered
        await self.sio.emit(self.bot_message_evt, payload, room=recipient_id, callback=acknowledged)


def _with_line_breaks(response: Any) -> Any:
    if isinstance(response, dict) and isinstance(response.get("text"), str):
        return {**response, "text": re.sub(r"(?<!\n)\n(?!\n)", "  \n", response["text"])}
    return response


class WaypointSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with server-decided identities (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WaypointSocketIOInput":
        if credentials:
            logger.warning("the web chat channel ignores its credentials.yml entries (%s): it reads WAYPOINT_* "
                           "settings", ", ".join(sorted(credentials)))
        return cls()

    def __init__(self, settings: Settings | None = None, identities: Identities | None = None) -> None:
        settings = settings or Settings.from_env()
        super().__init__(session_persistence=True, socketio_path="/socket.io", jwt_key=None)
        self.settings = settings
        self.identities = identities or Identities.from_settings(settings)
        self.origins = allowed_origins(settings)
        self.app: Any = None
        self._resending: Set["asyncio.Task[None]"] = set()

    async def resend_pending_replies(self, sender: str) -> None:
        """Counselor replies not yet acknowledged go out again, as the console sends them:
        the external intent runs the action that sends every pending reply of the case."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        if agent is None or agent.processor is None or self.sio is None:
            return
        try:
            async with agent.lock_store.lock(sender):
                tracker = await agent.processor.fetch_tracker_and_update_session(sender)
                output = WaypointSocketIOOutput(self.sio, self.bot_message_evt)
                await agent.trigger_intent(COUNSELOR_REPLY_INTENT, [], output, tracker)
        except Exception as error:  # noqa: BLE001 – they stay pending; the console can send them again
            logger.warning("web chat: pending counselor replies not sent again: %s", type(error).__name__)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Where replies from outside a message go (a counselor's, via Rasa's HTTP API)."""
        return WaypointSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = rate_limited(self.name(), on_new_message)
        # Browsers on other origins (the intranet) poll with XHR: the allowed origins get CORS
        # headers, and a browser on any other origin is refused by python-engineio.
        # With several replicas, a message for a person's room reaches their sockets on every
        # replica through Redis (a counselor's reply sent by one, the widget connected to another).
        shared = {"client_manager": AsyncRedisManager(self.settings.redis_url, channel=pubsub_channel(self.settings.redis_url))} if self.settings.redis_url else {}
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origins, max_http_buffer_size=MAX_PACKET_BYTES, **shared)
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # get_output_channel: replies pushed from outside a message (a counselor's)
        identities = self.identities

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        if shared:
            @webhook.listener("after_server_start")
            async def listen_to_the_other_replicas(*_: Any) -> None:
                # python-socketio starts listening on the first connection to this replica; a
                # replica that only sends (a counselor's reply) must hear the acknowledgements too
                if not sio.manager_initialized:
                    sio.manager_initialized = True
                    sio.manager.initialize()

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict[str, Any], auth: object = None) -> None:
            token = presented_token(environ, auth)
            employee = None
            if token is not None:
                try:
                    employee = identities.employee(token)
                except InvalidToken as refused:
                    logger.info("web chat connection refused: %s", refused)
                    raise ConnectionRefusedError(str(refused)) from None
            peer = str(environ.get("REMOTE_ADDR") or "")
            address = self.settings.client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))
            await sio.save_session(sid, {"employee": employee, "sender": None, "address": address})
            request = environ.get("sanic.request")
            if request is not None:
                self.app = request.app  # its agent resends pending counselor replies (below)

        @sio.on("disconnect")
        async def disconnect(sid: Text, *_: Any) -> None:
            pass  # python-socketio forgets the socket's rooms and session itself

        @sio.on("session_request")
        async def session_request(sid: Text, data: Any = None) -> None:
            session = await sio.get_session(sid)
            presented = data.get("session_id") if isinstance(data, dict) else data
            if session.get("employee"):
                sender = confirmed = session["employee"]
            else:
                sender = identities.anonymous(presented)
                if sender is not None:
                    confirmed = presented
                else:
                    if presented:
                        logger.info("web chat: a session id without a valid signature got a new identity")
                    sender, confirmed = identities.new_anonymous()
            if session.get("sender") not in (None, sender):
                await sio.leave_room(sid, session["sender"])
            session["sender"] = sender
            await sio.save_session(sid, session)
            await sio.enter_room(sid, sender)
            await sio.emit("session_confirm", confirmed, room=sid)
            if await delivery.has_pending(self.name(), sender):
                resend = asyncio.create_task(self.resend_pending_replies(sender))
                self._resending.add(resend)  # a reference, so the task is not collected mid-way
                resend.add_done_callback(self._resending.discard)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any = None) -> None:
            session = await sio.get_session(sid)
            sender = session.get("sender")
            text = data.get("message") if isinstance(data, dict) else None
            if sender is None or not isinstance(text, str):
                return  # no session_request yet, or not a message: nothing to answer
            output = WaypointSocketIOOutput(sio, self.bot_message_evt)
            if not await address_allowed(self.name(), session.get("address") or ""):
                await output._send_message(sid, {"text": t("slow_down")})
                return
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name()))

        # the Rasa server's guard, whatever other channels there are
        return speedups.close_when_stopped(http_guard.install_with(webhook))
