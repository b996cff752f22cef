"""The web chat channel: identities (employee JWTs, signed anonymous ids) as pure functions,
then the channel on a real Sanic server with python-socketio clients – the conversation is
the server's choice, whatever id a browser sends."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import time
import uuid
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable

import aiohttp
import jwt
import pytest
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from sanic import Sanic

from bot.config import Settings
from bot.conversation.messages import text as t
from bot.handoff import COUNSELOR_REPLY_INTENT
from bot.handoff.delivery import DELIVERY_KEY, counselor_message
from bot.ratelimit import RateLimiter
from waypoint_rasa import limits
from waypoint_rasa.webchat import (
    ANONYMOUS_PREFIX,
    EMPLOYEE_PREFIX,
    Identities,
    InvalidToken,
    WaypointSocketIOInput,
    presented_token,
)

JWT_SECRET = "intranet-signing-secret-" + "0123456789abcdef" * 3  # 64 bytes: long enough for HS512 too
SECRET = b"widget-secret-0123456789abcdef0123"
IDENTITIES = Identities(SECRET, JWT_SECRET)


def employee_token(sub: str = "e12345", *, key: str = JWT_SECRET, algorithm: str = "HS256",
                   lifetime: float = 600, **claims: Any) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": int(now + lifetime), "aud": "waypoint", **claims}, key, algorithm=algorithm)


# -- employees: the intranet's JWT ------------------------------------------------------------------


def test_a_valid_token_names_a_stable_pseudonymous_conversation() -> None:
    sender = IDENTITIES.employee(employee_token("e12345"))

    assert sender.startswith(EMPLOYEE_PREFIX) and "e12345" not in sender
    assert IDENTITIES.employee(employee_token("e12345", lifetime=3000)) == sender, "same person, any token, any device"
    assert IDENTITIES.employee(employee_token("e12346")) != sender
    assert Identities(b"another-secret", JWT_SECRET).employee(employee_token("e12345")) != sender


def test_a_bearer_prefix_and_the_auth_payload_or_the_url_carry_the_token() -> None:
    token = employee_token()
    assert presented_token({}, {"token": token}) == token
    assert presented_token({}, {"token": f"Bearer {token}"}) == token
    assert presented_token({"QUERY_STRING": f"EIO=4&transport=polling&token={token}"}, None) == token
    assert presented_token({"QUERY_STRING": "token=from-url"}, {"token": "from-auth"}) == "from-auth"
    assert presented_token({"QUERY_STRING": "EIO=4&transport=polling"}, None) is None
    assert presented_token({"QUERY_STRING": "token="}, {"token": "  "}) is None
    assert presented_token({}, "not a dict") is None


@pytest.mark.parametrize(
    "token, reason",
    [
        (employee_token(lifetime=-120), "expired token"),
        (employee_token(key="not-the-intranet-secret-0123456789"), "invalid token"),
        (employee_token(algorithm="HS512"), "invalid token"),  # the right key, another algorithm
        (jwt.encode({"sub": "e12345", "exp": int(time.time()) + 600}, None, algorithm="none"), "invalid token"),
        (jwt.encode({"sub": "e12345", "iat": int(time.time()), "aud": "waypoint"}, JWT_SECRET, algorithm="HS256"), "token without the 'exp' claim"),
        (jwt.encode({"exp": int(time.time()) + 600, "iat": int(time.time()), "aud": "waypoint"}, JWT_SECRET, algorithm="HS256"),
         "token without the 'sub' claim"),
        (employee_token(sub=""), "token with an empty 'sub' claim"),
        (employee_token(nbf=int(time.time()) + 3600), "invalid token"),  # not valid yet
        ("not.a.jwt", "invalid token"),
        ("x" * 5000, "token too long"),
        (employee_token(aud="another-intranet-app"), "token not for 'waypoint'"),
        (jwt.encode({"sub": "e12345", "iat": int(time.time()), "exp": int(time.time()) + 600}, JWT_SECRET, algorithm="HS256"),
         "token without the 'aud' claim"),
        (jwt.encode({"sub": "e12345", "aud": "waypoint", "exp": int(time.time()) + 600}, JWT_SECRET, algorithm="HS256"),
         "token without the 'iat' claim"),
        (employee_token(lifetime=30 * 24 * 3600), "token older or longer-lived than a day"),  # a month-long token
        (employee_token(iat=int(time.time()) - 2 * 24 * 3600), "token older or longer-lived than a day"),  # issued two days ago
    ],
    ids=["expired", "forged", "wrong-algorithm", "alg-none", "no-exp", "no-sub", "empty-sub", "not-yet-valid",
         "garbage", "too-long", "other-audience", "no-aud", "no-iat", "month-long", "issued-days-ago"],
)
def test_invalid_tokens_are_refused_with_a_reason(token: str, reason: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        IDENTITIES.employee(token)
    assert str(refused.value) == reason
    assert token not in str(refused.value)


def test_a_token_just_expired_is_accepted_within_the_clock_leeway() -> None:
    assert IDENTITIES.employee(employee_token(lifetime=-10)).startswith(EMPLOYEE_PREFIX)


def test_without_a_jwt_secret_every_token_is_refused() -> None:
    with pytest.raises(InvalidToken, match="WAYPOINT_WEBCHAT_JWT_SECRET is not set"):
        Identities(SECRET, None).employee(employee_token())


# -- anonymous identities -----------------------------------------------------------------------


def test_anonymous_ids_are_issued_signed_and_verified() -> None:
    sender, token = IDENTITIES.new_anonymous()
    other_sender, _ = IDENTITIES.new_anonymous()

    assert sender.startswith(ANONYMOUS_PREFIX) and sender != other_sender
    assert token.startswith(sender + ".")
    assert IDENTITIES.anonymous(token) == sender
    assert Identities(SECRET, None).anonymous(token) == sender, "the JWT secret plays no part"


@pytest.mark.parametrize("forge", [
    lambda sender, token: sender,  # a bare sender id (as a counselor or a log might show it)
    lambda sender, token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
    lambda sender, token: ANONYMOUS_PREFIX + "0" * 32 + token[len(sender):],  # signature moved to another id
    lambda sender, token: Identities(b"another-secret").anonymous_token(sender),  # signed with another key
    lambda sender, token: token + "x",
    lambda sender, token: "employee-" + token[len(ANONYMOUS_PREFIX):],
    lambda sender, token: "",
    lambda sender, token: None,
    lambda sender, token: 12345,
    lambda sender, token: {"session_id": token},
])
def test_forged_or_guessed_session_ids_are_not_accepted(forge) -> None:
    sender, token = IDENTITIES.new_anonymous()
    assert IDENTITIES.anonymous(forge(sender, token)) is None


def test_without_a_configured_secret_a_random_key_is_used_and_said(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="waypoint_rasa.webchat")
    first = Identities.from_settings(Settings(webchat_secret=None))
    second = Identities.from_settings(Settings(webchat_secret=None))

    assert first.secret != second.secret and len(first.secret) == 32
    assert "WAYPOINT_WEBCHAT_SECRET is not set" in caplog.text
    configured = Identities.from_settings(Settings(webchat_secret="s3cret", webchat_jwt_secret="j"))
    assert (configured.secret, configured.jwt_secret) == (b"s3cret", "j")


# -- the channel on a real server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """The channel in a Sanic app as Rasa mounts it; the bot echoes each message to its sender."""

    def __init__(self, channel: WaypointSocketIOInput) -> None:
        self.channel = channel
        self.received: list[UserMessage] = []
        self.url = ""
        self.app: Any = None

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"echo: {message.text}", [{"title": "Yes", "payload": "/affirm"}]
        )


@pytest.fixture
async def served(monkeypatch) -> AsyncIterator[Served]:
    monkeypatch.setattr(Sanic, "test_mode", True)  # Sanic 21.12: many apps in one process
    async for serving in serve_channel(SETTINGS):
        yield serving


SETTINGS = Settings(webchat_secret=SECRET.decode(), webchat_jwt_secret=JWT_SECRET, base_url="http://chat.example.org")


async def serve_channel(settings: Settings) -> AsyncIterator[Served]:
    port = free_port()
    channel = WaypointSocketIOInput(settings)
    serving = Served(channel)
    app = Sanic(f"webchat_{uuid.uuid4().hex[:12]}")
    app.blueprint(channel.blueprint(serving.on_new_message), url_prefix=channel.url_prefix())
    serving.app = app
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    serving.url = f"http://127.0.0.1:{port}"
    try:
        yield serving
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


@pytest.fixture
async def two_replicas(monkeypatch) -> AsyncIterator[tuple[Served, Served]]:
    """The channel on two servers sharing a local Redis (WAYPOINT_TEST_REDIS_URL), as replicas do."""
    url = os.environ.get("WAYPOINT_TEST_REDIS_URL")
    if not url:
        pytest.skip("no WAYPOINT_TEST_REDIS_URL: the replicas' Redis tests need a local Redis")
    monkeypatch.setattr(Sanic, "test_mode", True)
    settings = dataclasses.replace(SETTINGS, redis_url=f"{url.rstrip('/')}/14")
    async for first in serve_channel(settings):
        async for second in serve_channel(settings):
            await asyncio.sleep(0.3)  # both listen on the pub/sub channel
            yield first, second


class Browser:
    """A socket.io client the way rasa-webchat uses the channel."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.bot: list[dict[str, Any]] = []
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.bot.append)
        self.refusals: list[Any] = []
        self.sio.on("connect_error", self._refused)

    def _refused(self, data: Any) -> None:
        self.refusals.append(data)
        # refused: close the transport at once rather than wait out the long poll
        asyncio.ensure_future(self.sio.eio.disconnect(abort=True))

    async def connect(self, url: str, **kwargs: Any) -> "Browser":
        # polling only: python-engineio 4.15's websocket client needs a newer aiohttp than Rasa pins (3.9);
        # the browser test covers the websocket upgrade
        await self.sio.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=5, **kwargs)
        return self

    async def close(self) -> None:
        # abort: python-engineio's polling client otherwise waits out the server's long poll (25 s)
        await self.sio.eio.disconnect(abort=True)

    async def session(self, session_id: object = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 5)

    async def say(self, text: str, session_id: object = None) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id, "customData": {}})

    async def wait_for_bot(self, count: int, timeout: float = 5) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.bot) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.bot


async def test_an_anonymous_browser_gets_a_signed_id_and_keeps_its_conversation_on_reload(served: Served) -> None:
    first = await Browser().connect(served.url)
    token = await first.session(None)
    sender = IDENTITIES.anonymous(token)
    assert sender is not None

    await first.say("hello", token)
    replies = await first.wait_for_bot(1)
    assert replies == [{"text": "echo: hello", "quick_replies": [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"}]}]
    await first.close()

    reloaded = await Browser().connect(served.url)
    assert await reloaded.session(token) == token, "the same signed id is confirmed"
    await reloaded.say("/affirm", token)
    await reloaded.wait_for_bot(1)
    await reloaded.close()
    assert [(m.sender_id, m.text, m.input_channel) for m in served.received] == [
        (sender, "hello", "socketio"), (sender, "/affirm", "socketio")]


async def test_a_guessed_or_forged_session_id_gets_a_new_empty_conversation(served: Served) -> None:
    victim = await Browser().connect(served.url)
    victim_token = await victim.session(None)
    victim_sender = IDENTITIES.anonymous(victim_token)
    assert victim_sender is not None

    attacker = await Browser().connect(served.url)
    for guess in (victim_sender, victim_token[:-2] + "xx", IDENTITIES.employee(employee_token())):
        confirmed = await attacker.session(guess)
        assert confirmed != victim_token and IDENTITIES.anonymous(confirmed) not in (None, victim_sender)

    # the id a browser sends with a message is ignored: the message goes to its own conversation
    await attacker.say("is anyone there?", victim_token)
    await victim.say("my private answer", victim_token)
    await victim.wait_for_bot(1)
    await attacker.wait_for_bot(1)
    await asyncio.sleep(0.2)

    assert [m["text"] for m in victim.bot] == ["echo: my private answer"]
    assert [m["text"] for m in attacker.bot] == ["echo: is anyone there?"]
    senders = {m.text: m.sender_id for m in served.received}
    assert senders["my private answer"] == victim_sender
    assert senders["is anyone there?"] not in (victim_sender, None)
    for browser in (victim, attacker):
        await browser.close()


async def test_an_employee_token_opens_the_employees_conversation_on_every_device(served: Served) -> None:
    laptop = await Browser().connect(served.url, auth={"token": employee_token("e12345")})
    phone = await Browser().connect(served.url + f"/?token={employee_token('e12345', lifetime=900)}")
    expected = IDENTITIES.employee(employee_token("e12345"))

    assert await laptop.session(None) == expected
    _, anonymous_token = IDENTITIES.new_anonymous()
    assert await phone.session(anonymous_token) == expected, "the token decides, not the stored session id"

    await laptop.say("I feel stuck")
    await laptop.wait_for_bot(1)
    await phone.wait_for_bot(1)
    assert served.received[-1].sender_id == expected
    assert [m["text"] for m in phone.bot] == ["echo: I feel stuck"], "every device of the employee sees the reply"

    # the same id without the token is just a guess
    stranger = await Browser().connect(served.url)
    assert await stranger.session(expected) != expected
    for browser in (laptop, phone, stranger):
        await browser.close()


@pytest.mark.parametrize("token, reason", [
    (employee_token(lifetime=-3600), "expired token"),
    (employee_token(key="forged-key-0123456789abcdef0123456789"), "invalid token"),
    ("garbage", "invalid token"),
], ids=["expired", "forged", "garbage"])
async def test_a_connection_with_an_invalid_token_is_refused(served: Served, token: str, reason: str) -> None:
    for kwargs in ({"auth": {"token": token}}, {}):
        url = served.url if kwargs else served.url + f"/?token={token}"
        browser = Browser()
        with pytest.raises(socketio.exceptions.ConnectionError):
            await browser.connect(url, **kwargs)
        await browser.close()
        assert browser.refusals == [{"message": reason}]
    assert served.received == []


async def test_a_counselors_reply_reaches_the_widget_through_the_output_channel(served: Served) -> None:
    browser = await Browser().connect(served.url)
    sender = IDENTITIES.anonymous(await browser.session(None))
    assert sender is not None

    output = served.channel.get_output_channel()
    assert output is not None
    await output.send_text_message(sender, "Anna Li: hello\nHow are you?\n\nTake your time.")
    await browser.wait_for_bot(2)
    # a line break stays one in the widget's Markdown; a blank line still starts a new message
    assert browser.bot == [{"text": "Anna Li: hello  \nHow are you?"}, {"text": "Take your time."}]
    await browser.close()


async def wait_until(check: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return check()


async def test_a_reply_is_delivered_when_a_socket_of_the_person_acknowledges_it(served: Served, replies) -> None:
    browser = await Browser().connect(served.url)
    sender = IDENTITIES.anonymous(await browser.session(None))
    assert sender is not None
    reply = replies.pending("socketio", sender)

    output = served.channel.get_output_channel()
    assert output is not None
    await output.send_response(sender, {"text": "Anna Li: hello\nHow are you?\n\nTake your time.", DELIVERY_KEY: reply})

    # One message (a counselor's reply is not split), which the socket acknowledges.
    assert await wait_until(lambda: replies.delivered(reply))
    assert browser.bot == [{"text": "Anna Li: hello  \nHow are you?\n\nTake your time."}]
    await browser.close()


async def test_a_counselor_reply_gets_its_own_bubble_headed_by_name_and_role(served: Served, replies) -> None:
    browser = await Browser().connect(served.url)
    sender = IDENTITIES.anonymous(await browser.session(None))
    assert sender is not None
    output = served.channel.get_output_channel()
    assert output is not None
    first, second = replies.pending("socketio", sender), replies.pending("socketio", sender)

    for reply, opens_run in ((first, True), (second, False)):
        message = counselor_message("Anna Li", "Career counselor", "hello\nHow are you?", first=opens_run)
        await output.send_response(sender, {**message, DELIVERY_KEY: reply})

    assert await wait_until(lambda: replies.delivered(first) and replies.delivered(second))
    bubble = {"customCss": {"style": "class", "css": "waypoint-counselor"}}
    assert browser.bot == [
        {"text": "**Anna Li** · Career counselor  \nhello  \nHow are you?", "metadata": bubble},
        {"text": "hello  \nHow are you?", "metadata": bubble},
    ]
    await browser.close()


class ResendingAgent:
    """Stands in for Rasa's agent on a reconnection: the counselor-reply intent runs the
    action that sends every pending reply of the person (actions/handoff.py), tagged."""

    def __init__(self, replies) -> None:
        self.replies = replies
        self.triggered: list[tuple[str, str]] = []
        self.lock_store = InMemoryLockStore()
        self.processor = self

    async def fetch_tracker_and_update_session(self, sender: str) -> Any:
        return SimpleNamespace(sender_id=sender)

    async def trigger_intent(self, intent_name: str, entities: list, output_channel: Any, tracker: Any) -> None:
        self.triggered.append((intent_name, tracker.sender_id))
        found = self.replies.store.pending_replies("socketio", tracker.sender_id)
        for message in found[1] if found else []:
            await output_channel.send_response(tracker.sender_id, {"text": message.text, DELIVERY_KEY: message.id})


async def test_a_reply_nobody_received_stays_pending_and_goes_out_on_the_next_connection(served: Served, replies) -> None:
    agent = ResendingAgent(replies)
    served.app.ctx.agent = agent
    browser = await Browser().connect(served.url)
    session_id = await browser.session(None)
    sender = IDENTITIES.anonymous(session_id)
    assert sender is not None
    await browser.close()
    await asyncio.sleep(0.2)  # the server notices the closed socket

    # The widget is closed: nobody acknowledges, the reply stays pending.
    reply = replies.pending("socketio", sender, "Anna Li: are you still there?")
    output = served.channel.get_output_channel()
    assert output is not None
    await output.send_response(sender, {"text": "Anna Li: are you still there?", DELIVERY_KEY: reply})
    await asyncio.sleep(0.3)
    assert not replies.delivered(reply)

    # The person comes back: the pending reply is sent again, and delivered.
    again = await Browser().connect(served.url)
    assert await again.session(session_id) == session_id
    assert await wait_until(lambda: replies.delivered(reply))
    assert again.bot == [{"text": "Anna Li: are you still there?"}]
    assert agent.triggered == [(COUNSELOR_REPLY_INTENT, sender)]

    # Nothing pending: the next connection triggers nothing.
    await again.close()
    third = await Browser().connect(served.url)
    await third.session(session_id)
    await asyncio.sleep(0.3)
    assert agent.triggered == [(COUNSELOR_REPLY_INTENT, sender)] and third.bot == []
    await third.close()


async def test_a_flooding_client_address_is_asked_to_slow_down_whatever_identities_it_uses(served: Served, monkeypatch) -> None:
    monkeypatch.setattr(limits, "_address_limiter", RateLimiter(3, 60.0))
    browsers = [await Browser().connect(served.url) for _ in range(2)]
    for browser in browsers:
        await browser.session(None)  # two anonymous identities, one address
    for n in range(2):
        await browsers[0].say(f"first {n}")
        await browsers[1].say(f"second {n}")
    await browsers[1].wait_for_bot(2)

    assert len(served.received) == 3  # the fourth message from the address was not read
    assert {"text": t("slow_down")} in browsers[1].bot
    for browser in browsers:
        await browser.close()


async def test_messages_before_a_session_and_malformed_ones_are_ignored(served: Served) -> None:
    browser = await Browser().connect(served.url)
    await browser.say("too early", "anon-whatever")
    await browser.sio.emit("user_uttered", "not a dict")
    token = await browser.session(None)
    await browser.sio.emit("user_uttered", {"message": {"nested": True}, "session_id": token})
    await browser.say("x" * 5000, token)
    await browser.wait_for_bot(1)
    await browser.close()
    # cut to one more than the cap: the turn core answers that it is too long (never a cut answer)
    assert [len(m.text) for m in served.received] == [4001]


async def test_only_the_configured_pages_may_open_the_socket(served: Served) -> None:
    async def polling(origin: str) -> tuple[int, str | None]:
        async with aiohttp.ClientSession() as session:
            async with session.get(served.url + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                                   headers={"Origin": origin}) as answer:
                await answer.read()
                return answer.status, answer.headers.get("Access-Control-Allow-Origin")

    assert await polling("http://chat.example.org") == (200, "http://chat.example.org")
    assert (await polling("https://evil.example.com"))[0] == 400


async def test_a_reply_sent_by_one_replica_reaches_a_widget_connected_to_the_other(two_replicas, replies) -> None:
    sending, connected = two_replicas
    browser = await Browser().connect(connected.url)
    sender = IDENTITIES.anonymous(await browser.session(None))
    assert sender is not None
    reply = replies.pending("socketio", sender)

    output = sending.channel.get_output_channel()
    assert output is not None
    await output.send_response(sender, {"text": "Anna Li: hello from the other replica", DELIVERY_KEY: reply})

    # it arrives, once, and the widget's acknowledgement travels back: delivered
    assert await wait_until(lambda: replies.delivered(reply))
    assert [m["text"] for m in browser.bot] == ["Anna Li: hello from the other replica"]
    # the bot's own answers to a message reach the person's room on every replica too
    await sending.channel.get_output_channel().send_text_message(sender, "a message for every socket of theirs")
    assert await wait_until(lambda: len(browser.bot) == 2)
    await browser.close()


def test_deployments_on_one_redis_server_never_share_a_socket_io_channel() -> None:
    from waypoint_rasa.webchat import pubsub_channel

    # Redis's pub/sub ignores the database number: the channel carries it
    assert pubsub_channel("redis://redis:6379/3") != pubsub_channel("redis://redis:6379/4")
    assert pubsub_channel("redis://redis:6379/3") == pubsub_channel("redis://other-name:6379/3/")
    assert pubsub_channel("redis://redis:6379") == pubsub_channel("redis://redis:6379/0")
