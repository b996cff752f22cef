"""The guard in front of the Rasa server – Host check and HTTP API guard – on a real Sanic
server with routes shaped like Rasa's, and installed by every channel alone."""

from __future__ import annotations

from typing import Any, AsyncIterator

import aiohttp
import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.config import Settings
from tests.servers import rasa_like_app, serve
from waypoint_rasa import http_guard
from waypoint_rasa.channels import RestWithInboxInput
from waypoint_rasa.http_guard import install, install_api_guard
from waypoint_rasa.slack import WaypointSlackInput
from waypoint_rasa.webchat import WaypointSocketIOInput

TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    # Sanic 21.12 rewrites some methods once per process; test mode lets it do that for every app built here.
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture(autouse=True)
def environment(monkeypatch) -> None:
    """What the channels' start-up listeners read: the API token, and nothing else of the caller's."""
    for name in ("WAYPOINT_ALLOWED_HOSTS", "WAYPOINT_BASE_URL", "WAYPOINT_WEBCHAT_SOCKET_URL", "WAYPOINT_RASA_URL",
                 "WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET", "WAYPOINT_REST_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WAYPOINT_RASA_TOKEN", TOKEN)


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


# -- the HTTP API guard ------------------------------------------------------------------------------------------

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


# -- the Host check ---------------------------------------------------------------------------------------------


@pytest.fixture
async def host_checked() -> AsyncIterator[str]:
    app = rasa_like_app()
    install(app, Settings(rasa_token=TOKEN, base_url="https://careers.example.org", webchat_socket_url="https://chat.example.org:8443"))
    async for url in serve(app):
        yield url


@pytest.mark.parametrize("host", ["localhost:5005", "LOCALHOST", "127.0.0.1:5005", "[::1]:5005", "localhost.",
                                  "careers.example.org", "chat.example.org:8443", "chat.example.org"])
async def test_the_allowed_hosts_and_those_of_the_configured_urls_pass(host_checked, host) -> None:
    headers = {"Host": host, "Authorization": f"Bearer {TOKEN}"}
    assert await status("GET", host_checked + "/conversations/ann/tracker", headers=headers) == 200
    assert await status("POST", host_checked + "/webhooks/rest/webhook", headers=headers, json={}) == 200


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:5005", "careers.example.org.attacker.example",
                                  "127.0.0.2", "[::2]", "localhost@attacker.example", ""])
async def test_any_other_host_is_refused_on_every_route_but_health(host_checked, host) -> None:
    headers = {"Host": host, "Authorization": f"Bearer {TOKEN}"}
    # a page whose name was rebound to 127.0.0.1 reads a conversation, posts a message, or opens the socket
    assert await status("GET", host_checked + "/conversations/ann/tracker", headers=headers) == 400
    assert await status("POST", host_checked + "/webhooks/rest/webhook", headers=headers, json={}) == 400
    assert await status("PUT", host_checked + "/model", headers=headers) == 400
    # health probes use whatever address they have
    assert await status("GET", host_checked + "/", headers=headers) == 200
    assert await status("GET", host_checked + "/version", headers=headers) == 200


async def test_installing_twice_installs_once() -> None:
    app = rasa_like_app()
    install(app, Settings(rasa_token=TOKEN))
    install(app, Settings(rasa_token=TOKEN))
    assert len(app.request_middleware) == 2  # the Host check and the API guard


# -- every channel brings the guard: a server without the REST channel is guarded too ------------------------------


class SilentAgent:
    async def handle_message(self, message: Any) -> None:
        pass


CHANNELS = {
    "REST": lambda: RestWithInboxInput(),
    "Slack (off)": lambda: WaypointSlackInput(None, None),
    "Slack (on)": lambda: WaypointSlackInput("xoxb-test", "signing-secret"),
    "web chat": lambda: WaypointSocketIOInput(Settings(webchat_secret="widget-secret")),
}


@pytest.mark.parametrize("channel", CHANNELS.values(), ids=CHANNELS.keys())
async def test_a_server_with_one_channel_alone_has_the_guard(channel) -> None:
    app = rasa_like_app(webhook=False)
    app.ctx.agent = SilentAgent()
    register([channel()], app, "/webhooks/")  # how `rasa run` adds its input channels

    async for url in serve(app):
        assert await status("PUT", url + "/model", params={"token": TOKEN}) == 404
        assert await status("POST", url + "/model/train", params={"token": TOKEN}) == 404
        assert await status("GET", url + "/conversations/employee-1/tracker") == 401
        assert await status("GET", url + "/conversations/employee-1/tracker", params={"token": TOKEN}) == 200
        assert await status("GET", url + "/conversations/employee-1/tracker", params={"token": TOKEN},
                            headers={"Host": "attacker.example"}) == 400
    assert len(app.request_middleware) == 2


async def test_several_channels_install_it_once() -> None:
    app = rasa_like_app(webhook=False)
    app.ctx.agent = SilentAgent()
    register([factory() for factory in CHANNELS.values() if factory is not CHANNELS["Slack (off)"]], app, "/webhooks/")
    async for url in serve(app):
        assert await status("PUT", url + "/model", params={"token": TOKEN}) == 404
    assert len(app.request_middleware) == 2


async def test_on_the_running_rasa_server_it_is_found_by_name(monkeypatch) -> None:
    monkeypatch.setattr(Sanic, "_app_registry", {})  # only this test's apps
    assert http_guard.install_on_rasa_server() is False  # not in a Rasa server: nothing to guard

    app = rasa_like_app(name="rasa_server")
    assert http_guard.install_on_rasa_server() is True
    async for url in serve(app):
        assert await status("PUT", url + "/model", params={"token": TOKEN}) == 404
        assert await status("GET", url + "/conversations/employee-1/tracker") == 401
