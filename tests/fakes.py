"""Stand-ins for the outside services Waypoint talks to, listening on 127.0.0.1.

`FakeSlack` answers the Slack Web API's chat.postMessage the way Slack does; `LocalSmtp`
is an aiosmtpd server that keeps what it receives. Each runs its own event loop in a
background thread, so both synchronous tests (the end-to-end stack) and async tests can
use them. Use them as context managers or through the `fake_slack` / `local_smtp`
fixtures; a test module makes the fixtures available by importing them:

    from tests.fakes import fake_slack_fixture, local_smtp_fixture  # noqa: F401
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, TypeVar

import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from typing_extensions import Self

SLACK_TOKEN = "test-bot-token-not-a-real-one"
SLACK_CHANNEL = "C0COUNSELORS"

T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Collected(list[T]):
    """A list filled by a server thread that a test can wait on."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def add(self, item: T) -> None:
        with self._changed:
            self.append(item)
            self._changed.notify_all()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[T]:
        """Block until at least `count` items arrived; for senders that notify in the background."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} item(s) within {timeout}s, got {len(self)}")
                self._changed.wait(remaining)
            return list(self)


@dataclass(frozen=True)
class SlackCall:
    method: str  # e.g. "chat.postMessage"
    authorization: str | None
    payload: dict[str, Any]


class FakeSlack:
    """The Slack Web API on loopback: checks the bearer token and channel, records chat.postMessage.

    `messages` holds the accepted chat.postMessage payloads, `calls` every request. Set
    `fail_with` to an error code (e.g. "ratelimited") to make every call answer ok=false.
    `dms` maps user ids to their direct-message channel with the app: conversations.open
    answers with it, and chat.postMessage accepts it as a channel.
    """

    def __init__(
        self,
        token: str = SLACK_TOKEN,
        channels: Collection[str] = (SLACK_CHANNEL, "#counselors"),
        dms: Mapping[str, str] | None = None,
    ) -> None:
        self.token = token
        self.dms = dict(dms or {})
        self.channels = set(channels) | set(self.dms.values())
        self.fail_with: str | None = None
        self.messages: _Collected[dict[str, Any]] = _Collected()
        self.calls: _Collected[SlackCall] = _Collected()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL to give the Slack client (SlackSettings.api_url)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-slack", daemon=True)
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _serve(self) -> int:
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        # Port 0 lets the OS pick, so parallel test runs never collide.
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        payload = await self._payload(request)
        authorization = request.headers.get("Authorization")
        self.calls.add(SlackCall(method, authorization, payload))
        # Slack answers HTTP 200 with ok=false for API errors; the checks follow its order.
        if authorization is None:
            return self._error("not_authed")
        if authorization != f"Bearer {self.token}":
            return self._error("invalid_auth")
        if self.fail_with:
            return self._error(self.fail_with)
        if method == "conversations.open":
            user = str(payload.get("users") or "")
            if user not in self.dms:
                return self._error("user_not_found")
            return web.json_response({"ok": True, "channel": {"id": self.dms[user]}})
        if method != "chat.postMessage":
            return self._error("unknown_method")
        channel = payload.get("channel")
        if channel not in self.channels:
            return self._error("channel_not_found")
        self.messages.add(payload)
        ts = f"{time.time():.6f}"
        return web.json_response({"ok": True, "channel": channel, "ts": ts, "message": {"text": payload.get("text")}})

    @staticmethod
    async def _payload(request: web.Request) -> dict[str, Any]:
        # Some methods (conversations.open) send their arguments in the query string.
        query = {key: str(value) for key, value in request.query.items()}
        if request.content_type == "application/json":
            return {**query, **dict(await request.json())}
        form = {**query, **{key: str(value) for key, value in (await request.post()).items()}}
        # Form-encoded calls carry blocks as a JSON string.
        if "blocks" in form:
            form["blocks"] = json.loads(form["blocks"])
        return form

    @staticmethod
    def _error(code: str) -> web.Response:
        return web.json_response({"ok": False, "error": code})


@dataclass(frozen=True)
class ReceivedMail:
    sender: str  # envelope MAIL FROM
    recipients: list[str]  # envelope RCPT TO, as accepted
    message: EmailMessage
    login: str | None  # the user that authenticated, if any


class LocalSmtp:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts in `messages`.

    With `users`, AUTH (PLAIN/LOGIN, without TLS) is required; addresses in `refuse` are
    answered 550 at RCPT TO, like unknown mailboxes.
    """

    def __init__(self, users: Mapping[str, str] | None = None, refuse: Collection[str] = ()) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.users = dict(users or {})
        self.refuse = {address.lower() for address in refuse}
        self.messages: _Collected[ReceivedMail] = _Collected()
        self._controller: Controller | None = None

    def start(self) -> None:
        # aiosmtpd's Controller connects to its port to confirm start-up, so it needs a real port, not 0.
        self.port = free_port()
        self._controller = Controller(
            self,
            hostname=self.host,
            port=self.port,
            server_hostname="localhost",  # skips a reverse DNS lookup for the greeting
            authenticator=self._authenticate if self.users else None,
            # Login is enforced in handle_MAIL: aiosmtpd's auth_required warns when TLS is not required too.
            auth_require_tls=False,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(login) == password:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    # aiosmtpd handler hooks
    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if self.users and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.messages.add(ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), message, login))
        return "250 Message accepted for delivery"


@pytest.fixture(name="fake_slack")
def fake_slack_fixture() -> Iterator[FakeSlack]:
    """A FakeSlack knowing SLACK_TOKEN and the channel SLACK_CHANNEL."""
    with FakeSlack() as server:
        yield server


@pytest.fixture(name="local_smtp")
def local_smtp_fixture() -> Iterator[LocalSmtp]:
    """A LocalSmtp without authentication that accepts every recipient."""
    with LocalSmtp() as server:
        yield server
