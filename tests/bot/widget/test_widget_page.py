"""The chat page and the widget's files on the project's web server (bot/widget), on a real
Sanic server: the page, its CSP, the bundle from node_modules, and the settings they use."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest
from argon2 import PasswordHasher
from sanic import Sanic

from bot.config import Settings
from bot.storage import CaseStore, Store, migrate
from bot.web import create_app
from bot.widget import widget_blueprint
from bot.widget.options import allowed_origins, connect_sources, origin_of, socket_url
from bot.widget.page import NOT_INSTALLED, STATIC, TITLE, WEBCHAT_BUNDLE
from tests.servers import serve


def settings_with(monkeypatch: pytest.MonkeyPatch, **fields: str) -> Settings:
    return Settings(**fields)




@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)  # Sanic 21.12: many apps in one process


async def fetch(url: str) -> tuple[int, Any, bytes]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, allow_redirects=False) as answer:
            return answer.status, answer.headers, await answer.read()


@pytest.fixture
async def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The whole web server, as bot.web builds it, with the widget's socket URL configured."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    migrate(url)
    store = Store.from_url(url)
    settings = settings_with(monkeypatch, database_url=url, webchat_socket_url="https://rasa.example.org")
    app = create_app(settings, store, CaseStore(store.engine), gateway=None,  # type: ignore[arg-type]
                     hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    async for base in serve(app):
        yield base
    store.engine.dispose()


def widget_app(settings: Settings, bundle: Path = WEBCHAT_BUNDLE) -> Sanic:
    app = Sanic(f"widget_{uuid.uuid4().hex[:12]}")
    app.blueprint(widget_blueprint(settings, bundle))
    return app


EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self' https://rasa.example.org wss://rasa.example.org; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("path", ["/", "/chat"])
async def test_the_web_server_serves_the_chat_page(web: str, path: str) -> None:
    status, headers, body = await fetch(web + path)
    page = body.decode()

    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert f"<title>{TITLE}</title>" in page and "Waypoint – career counseling" in page
    assert headers["Content-Security-Policy"] == EXPECTED_CSP
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    # settings travel as data attributes: the page has no inline script for the CSP to allow
    assert 'data-socket-url="https://rasa.example.org"' in page and 'data-embedded="true"' in page
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/widget/webchat.js" defer>', '<script src="/widget/waypoint-chat.js" defer>']
    assert 'aria-label="Chat with Waypoint"' in page and 'role="status"' in page
    assert '<html lang="en">' in page


async def test_the_console_and_health_stay_where_they_were(web: str) -> None:
    assert (await fetch(web + "/console/"))[0] == 302
    status, _, body = await fetch(web + "/health")
    assert (status, body) == (200, b"ok")


async def test_the_widget_bundle_comes_from_node_modules_not_a_cdn(web: str) -> None:
    if not WEBCHAT_BUNDLE.is_file():
        pytest.fail(f"{WEBCHAT_BUNDLE} is missing: the set-up runs `npm ci` (package-lock.json)")
    status, headers, body = await fetch(web + "/widget/webchat.js")

    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    # the bundle as installed, less its Google font imports (the page's CSP would block them)
    assert b"fonts.googleapis.com" in WEBCHAT_BUNDLE.read_bytes() and b"fonts.googleapis.com" not in body
    assert len(WEBCHAT_BUNDLE.read_bytes()) - len(body) < 2000
    assert b"session_request" in body and b"socket.io-client" in body
    page = (await fetch(web + "/"))[2].decode()
    assert "cdn" not in page.lower() and "https://" not in page.replace("https://rasa.example.org", "")


@pytest.mark.parametrize("name, mime", [("waypoint-chat.js", "text/javascript"), ("waypoint-chat.css", "text/css")])
async def test_our_own_widget_files_are_served(web: str, name: str, mime: str) -> None:
    status, headers, body = await fetch(f"{web}/widget/{name}")
    assert status == 200 and headers["Content-Type"].startswith(mime)
    assert body == (STATIC / name).read_bytes()


@pytest.mark.parametrize("path", ["/widget/other.js", "/widget/..%2Fpage.py", "/widget/%2E%2E%2F__init__.py",
                                  "/widget/static", "/widget/"])
async def test_nothing_else_is_reachable_under_widget(web: str, path: str) -> None:
    status, _, body = await fetch(web + path)
    assert status == 404 and b"import" not in body


async def test_without_npm_ci_the_bundle_answers_503_and_the_page_says_so(monkeypatch, tmp_path: Path) -> None:
    settings = settings_with(monkeypatch, webchat_socket_url="http://localhost:5005")
    async for base in serve(widget_app(settings, bundle=tmp_path / "missing.js")):
        status, _, body = await fetch(base + "/widget/webchat.js")
        assert (status, body.decode()) == (503, NOT_INSTALLED)
        assert "The chat is not available on this server yet." in (await fetch(base + "/"))[2].decode()


async def test_an_empty_socket_url_means_the_pages_own_origin(monkeypatch) -> None:
    settings = settings_with(monkeypatch, webchat_socket_url="")
    async for base in serve(widget_app(settings)):
        _, headers, body = await fetch(base + "/chat")
        assert "connect-src 'self';" in headers["Content-Security-Policy"]
        assert 'data-socket-url=""' in body.decode()


# -- the settings ----------------------------------------------------------------------------------


def test_the_socket_url_defaults_to_rasa_on_this_machine(monkeypatch) -> None:
    monkeypatch.delenv("WAYPOINT_WEBCHAT_SOCKET_URL", raising=False)
    assert socket_url(Settings()) == "http://localhost:5005"
    assert socket_url(settings_with(monkeypatch, webchat_socket_url="https://Rasa.Example.org:443/")) == \
        "https://rasa.example.org"


@pytest.mark.parametrize("wrong", ["localhost:5005", "ftp://rasa.example.org", "https://example.org/rasa",
                                   "https://example.org/?x=1", "http://:5005"])
def test_a_socket_url_that_cannot_work_stops_the_start(monkeypatch, wrong: str) -> None:
    with pytest.raises(ValueError, match="WAYPOINT_WEBCHAT_SOCKET_URL"):
        widget_blueprint(settings_with(monkeypatch, webchat_socket_url=wrong))


def test_origins_and_connect_sources() -> None:
    assert origin_of("http://LOCALHOST:8000/console/?x") == "http://localhost:8000"
    assert origin_of("https://intranet.example.org:443/page") == "https://intranet.example.org"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("javascript:alert(1)") is None
    assert connect_sources("http://localhost:5005") == "'self' http://localhost:5005 ws://localhost:5005"
    assert connect_sources("https://rasa.example.org") == "'self' https://rasa.example.org wss://rasa.example.org"
    assert connect_sources("") == "'self'"


def test_the_socket_accepts_the_projects_page_and_the_listed_intranet_pages(monkeypatch) -> None:
    monkeypatch.delenv("WAYPOINT_WEBCHAT_ORIGINS", raising=False)
    assert allowed_origins(Settings()) == ["http://127.0.0.1:8000", "http://localhost:8000"]
    listed = settings_with(monkeypatch, base_url="https://waypoint.example.org/",
                           webchat_origins="https://intranet.example.org, https://hr.example.org:8443/")
    assert allowed_origins(listed) == [
        "https://hr.example.org:8443", "https://intranet.example.org", "https://waypoint.example.org"]
    assert allowed_origins(settings_with(monkeypatch, webchat_origins="*")) == "*"
    with pytest.raises(ValueError, match="not an http"):
        allowed_origins(settings_with(monkeypatch, webchat_origins="intranet.example.org"))
