"""The REST channel's inbox and the guard in front of Rasa's HTTP API, the guard on a real
Sanic server with routes shaped like Rasa's."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any, AsyncIterator

import aiohttp
import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from sanic import Sanic, response

from tests.servers import serve
from waypoint_rasa.channels import Inbox, InboxOutput, RestWithInboxInput, install_api_guard

TOKEN = "s3cret-token"


# -- the inbox ------------------------------------------------------------------------------------------


def test_take_returns_a_senders_messages_in_order_and_empties_the_inbox() -> None:
    inbox = Inbox()
    for n in range(3):
        inbox.put("ann", {"recipient_id": "ann", "text": f"m{n}"})
    inbox.put("bob", {"recipient_id": "bob", "text": "for bob"})

    assert [m["text"] for m in inbox.take("ann")] == ["m0", "m1", "m2"]
    assert inbox.take("ann") == []
    assert inbox.take("bob") == [{"recipient_id": "bob", "text": "for bob"}]
    assert inbox.take("nobody") == []


def test_the_limit_drops_the_oldest_messages() -> None:
    inbox = Inbox(limit=3)
    for n in range(5):
        inbox.put("ann", {"text": f"m{n}"})
    inbox.put("bob", {"text": "b0"})

    assert [m["text"] for m in inbox.take("ann")] == ["m2", "m3", "m4"]
    assert [m["text"] for m in inbox.take("bob")] == ["b0"]  # per sender


async def test_inbox_output_puts_messages_per_recipient_and_still_collects() -> None:
    inbox = Inbox()
    output = InboxOutput(inbox)

    await output.send_text_message("ann", "Hello Ann")
    await output.send_text_with_buttons("bob", "Rate it", [{"title": "5", "payload": "5"}])
    await output.send_text_message("ann", "Second")

    assert InboxOutput.name() == "rest_inbox"
    assert output.messages == [
        {"recipient_id": "ann", "text": "Hello Ann"},
        {"recipient_id": "bob", "text": "Rate it", "buttons": [{"title": "5", "payload": "5"}]},
        {"recipient_id": "ann", "text": "Second"},
    ]
    assert inbox.take("ann") == [{"recipient_id": "ann", "text": "Hello Ann"}, {"recipient_id": "ann", "text": "Second"}]
    assert inbox.take("bob") == [{"recipient_id": "bob", "text": "Rate it", "buttons": [{"title": "5", "payload": "5"}]}]


async def test_the_rest_channel_is_the_output_of_trigger_intent_with_output_channel_latest() -> None:
    from rasa.server import _get_output_channel

    channel = RestWithInboxInput()
    request = SimpleNamespace(args={"output_channel": "latest"}, app=SimpleNamespace(ctx=SimpleNamespace(input_channels=[channel])))
    tracker = SimpleNamespace(get_latest_input_channel=lambda: "rest")

    output = _get_output_channel(request, tracker)
    await output.send_text_message("employee-1", "Ann Lee: hello")

    assert RestWithInboxInput.name() == "rest"
    assert isinstance(output, InboxOutput)
    assert channel.inbox.take("employee-1") == [{"recipient_id": "employee-1", "text": "Ann Lee: hello"}]


# -- a real server ------------------------------------------------------------------------------------------


def rasa_like_app(webhook: bool = True) -> Sanic:
    """A few routes shaped like Rasa's HTTP API and (unless a channel brings its own) a channel webhook."""
    app = Sanic(f"guard_{uuid.uuid4().hex[:12]}")

    async def ok(request, **_: Any):
        return response.json({"route": request.path})

    app.add_route(ok, "/", methods=["GET"], name="hello")
    app.add_route(ok, "/version", methods=["GET"], name="version")
    app.add_route(ok, "/status", methods=["GET"], name="status")
    app.add_route(ok, "/model", methods=["PUT", "DELETE"], name="load_model")
    app.add_route(ok, "/model/train", methods=["POST"], name="train")
    app.add_route(ok, "/conversations/<conversation_id:path>/tracker", methods=["GET"], name="tracker")
    app.add_route(ok, "/conversations/<conversation_id:path>/tracker/events", methods=["POST", "PUT"], name="events")
    app.add_route(ok, "/conversations/<conversation_id:path>/trigger_intent", methods=["POST"], name="trigger")
    app.add_route(ok, "/conversations/<conversation_id:path>/execute", methods=["POST"], name="execute")
    if webhook:
        app.add_route(ok, "/webhooks/rest/webhook", methods=["POST"], name="webhook")
    return app




@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    # Sanic 21.12 rewrites some methods once per process; test mode lets it do that for every app built here.
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
async def guarded() -> AsyncIterator[str]:
    app = rasa_like_app()
    install_api_guard(app, TOKEN)
    async for url in serve(app):
        yield url


@pytest.fixture
async def closed() -> AsyncIterator[str]:
    app = rasa_like_app()
    install_api_guard(app, None)
    async for url in serve(app):
        yield url


async def status(method: str, url: str, **kwargs: Any) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, **kwargs) as answer:
            await answer.read()
            return answer.status


ALLOWED = [("GET", "/conversations/employee-1/tracker"), ("POST", "/conversations/employee-1/trigger_intent")]
FORBIDDEN = [
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
    ("POST", "/conversations/employee-1/execute"),
    ("POST", "/conversations/employee-1/tracker/events"),
    ("GET", "/status"),
]


@pytest.mark.parametrize("method, path", FORBIDDEN)
async def test_other_api_routes_are_not_found_even_with_the_token(guarded, method, path) -> None:
    assert await status(method, guarded + path) == 404
    assert await status(method, guarded + path, params={"token": TOKEN}) == 404
    assert await status(method, guarded + path, headers={"Authorization": f"Bearer {TOKEN}"}) == 404


@pytest.mark.parametrize("method, path", ALLOWED)
async def test_the_consoles_routes_need_the_token(guarded, method, path) -> None:
    url = guarded + path
    assert await status(method, url) == 401
    assert await status(method, url, params={"token": "wrong"}) == 401
    assert await status(method, url, params={"token": TOKEN + "x"}) == 401
    assert await status(method, url, headers={"Authorization": "Bearer wrong"}) == 401
    assert await status(method, url, headers={"Authorization": f"Basic {TOKEN}"}) == 401
    assert await status(method, url, headers={"Authorization": "Bearer "}) == 401
    assert await status(method, url, params={"token": TOKEN}) == 200
    assert await status(method, url, headers={"Authorization": f"Bearer {TOKEN}"}) == 200
    assert await status(method, url, headers={"authorization": f"bearer {TOKEN}"}) == 200


async def test_the_token_is_checked_for_any_sender(guarded) -> None:
    assert await status("GET", guarded + "/conversations/someone%20else/tracker", params={"token": TOKEN}) == 200
    # The console quotes sender ids completely (bot/console/gateway.py): an encoded slash is one segment.
    assert await status("POST", guarded + "/conversations/a%2Fb/trigger_intent", params={"token": TOKEN}) == 200
    assert await status("POST", guarded + "/conversations/a%2Fb/trigger_intent") == 401
    # A sender id with a slash does not reach the console's routes (the guard allows one path segment).
    assert await status("GET", guarded + "/conversations/a/b/tracker", params={"token": TOKEN}) == 404


@pytest.mark.parametrize("method, path", ALLOWED)
async def test_without_a_configured_token_the_api_is_closed(closed, method, path) -> None:
    assert await status(method, closed + path) == 403
    assert await status(method, closed + path, params={"token": TOKEN}) == 403
    assert await status("POST", closed + "/model/train") == 404


async def assert_untouched(url: str) -> None:
    assert await status("POST", url + "/webhooks/rest/webhook", json={"sender": "x", "message": "hi"}) == 200
    assert await status("GET", url + "/") == 200
    assert await status("GET", url + "/version") == 200


async def test_webhooks_and_the_health_routes_are_untouched(guarded) -> None:
    await assert_untouched(guarded)
    # A wrong token on an open route changes nothing.
    assert await status("GET", guarded + "/version", params={"token": "wrong"}) == 200


async def test_webhooks_and_the_health_routes_are_untouched_when_the_api_is_closed(closed) -> None:
    await assert_untouched(closed)


# -- the REST channel on a server, as Rasa registers it -----------------------------------------------------------


class EchoAgent:
    """Stands in for Rasa's agent: answers through the message's output channel."""

    async def handle_message(self, message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


async def test_the_channel_installs_the_guard_and_serves_the_inbox(monkeypatch) -> None:
    monkeypatch.setenv("WAYPOINT_RASA_TOKEN", TOKEN)
    app = rasa_like_app(webhook=False)
    app.ctx.agent = EchoAgent()
    channel = RestWithInboxInput()
    register([channel], app, "/webhooks/")  # how `rasa run` adds its input channels

    async for url in serve(app):
        # The guard came with the channel's blueprint (read from the environment at start-up).
        assert await status("POST", url + "/model/train", params={"token": TOKEN}) == 404
        assert await status("GET", url + "/conversations/employee-1/tracker") == 401
        assert await status("GET", url + "/conversations/employee-1/tracker", params={"token": TOKEN}) == 200

        async with aiohttp.ClientSession() as session:
            async with session.post(url + "/webhooks/rest/webhook", json={"sender": "ann", "message": "hi"}) as answer:
                # The reply to the person's own request comes with the response, not also in the inbox.
                assert await answer.json() == [{"recipient_id": "ann", "text": "echo: hi"}]
            # A message sent outside the person's request (the counselor's reply) waits in the inbox.
            await channel.get_output_channel().send_text_message("ann", "Ann Lee: hello")
            async with session.get(url + "/webhooks/rest/inbox", params={"sender": "ann"}) as answer:
                assert answer.status == 200
                assert await answer.json() == [{"recipient_id": "ann", "text": "Ann Lee: hello"}]
            async with session.get(url + "/webhooks/rest/inbox", params={"sender": "ann"}) as answer:
                assert await answer.json() == []
            async with session.get(url + "/webhooks/rest/inbox") as answer:
                assert answer.status == 400


def test_collecting_output_is_what_the_webhook_uses() -> None:
    # The guard's premise for the inbox: RestInput's webhook answers with its own collector,
    # so only messages from outside the request (trigger_intent) reach the inbox.
    assert issubclass(InboxOutput, CollectingOutputChannel)
