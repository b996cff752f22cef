"""The console started for real on 127.0.0.1 with a migrated SQLite database, counselors
Alice and Bob and an admin, a fake conversation gateway and a clock the tests move.

`console` is the running app (`ConsoleUnderTest`); `client()` gives a logged-out browser
(its own cookie jar); `logged_in(user)` one that has logged in.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import quote

import aiohttp
import pytest
from argon2 import PasswordHasher
from sanic import Sanic

from bot.config import Settings
from bot.console.gateway import GatewayError, TranscriptEntry
from bot.storage.models import Case
from bot.storage import CaseStore, Store, migrate
from bot.storage.cases import CaseRecord, CaseUpdate, CounselorRecord
from bot.web import create_app

# Cheap argon2 parameters: production keeps argon2-cffi's defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "correct horse battery staple"
START = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


@dataclass
class FakeGateway:
    """Records what the console asked of the conversation; `failing` makes every call fail."""

    transcripts: dict[int, list[TranscriptEntry]] = field(default_factory=dict)
    failing: bool = False
    delivered: list[tuple[int, int]] = field(default_factory=list)  # (case id, message id)
    handed_back: list[int] = field(default_factory=list)
    conversations: dict[str, list[TranscriptEntry]] = field(default_factory=dict)  # by sender id
    erased: list[str] = field(default_factory=list)  # sender ids

    async def transcript(self, case: CaseRecord) -> list[TranscriptEntry]:
        if self.failing:
            raise GatewayError(f"tracker for case {case.id}: Rasa answered HTTP 502")
        return self.transcripts.get(case.id, [])

    async def deliver(self, case: CaseRecord, message_id: int) -> None:
        if self.failing:
            raise GatewayError(f"trigger_intent for case {case.id}: Rasa answered HTTP 502")
        self.delivered.append((case.id, message_id))

    async def hand_back(self, case: CaseRecord) -> None:
        if self.failing:
            raise GatewayError(f"trigger_intent for case {case.id}: Rasa answered HTTP 502")
        self.handed_back.append(case.id)

    async def conversation(self, sender_id: str) -> list[TranscriptEntry]:
        if self.failing:
            raise GatewayError("tracker for a data export: Rasa answered HTTP 502")
        return self.conversations.get(sender_id, [])

    async def erase(self, sender_id: str) -> None:
        if self.failing:
            raise GatewayError("trigger_intent for an erasure: Rasa answered HTTP 502")
        self.erased.append(sender_id)
        self.conversations.pop(sender_id, None)


@dataclass
class Page:
    status: int
    text: str
    headers: Any

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def csrf(self) -> str:
        found = _CSRF.search(self.text)
        assert found, "no CSRF token on the page"
        return found.group(1)


class Browser:
    """One person's browser: its own cookies, redirects not followed so that tests see them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf_token = ""

    async def get(self, path: str) -> Page:
        async with self.session.get(self.base + path, allow_redirects=False) as response:
            return Page(response.status, await response.text(), response.headers)

    async def post(self, path: str, data: dict[str, str] | None = None, csrf: bool = True) -> Page:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf_token)
        async with self.session.post(self.base + path, data=form, allow_redirects=False) as response:
            return Page(response.status, await response.text(), response.headers)

    async def json(self, path: str) -> tuple[int, Any]:
        async with self.session.get(self.base + path, allow_redirects=False) as response:
            return response.status, await response.json(content_type=None)

    async def login(self, username: str, password: str = PASSWORD, next_path: str | None = None) -> Page:
        form = await self.get("/console/login" + (f"?next={quote(next_path, safe='')}" if next_path else ""))
        data = {"username": username, "password": password, "csrf_token": form.csrf()}
        if next_path:
            data["next"] = next_path
        page = await self.post("/console/login", data, csrf=False)
        if page.status == 302 and page.location and "/login" not in page.location:
            self.csrf_token = (await self.get("/console/")).csrf()
        return page

    async def close(self) -> None:
        await self.session.close()


@dataclass
class ConsoleUnderTest:
    app: Sanic
    base: str
    store: Store
    cases: CaseStore
    gateway: FakeGateway
    clock: Clock
    password: str
    alice: CounselorRecord
    bob: CounselorRecord
    admin: CounselorRecord
    client: Callable[[], Browser]
    logged_in: Callable[..., Awaitable[Browser]]

    def open_case(
        self, sender_id: str = "employee-1", to: CounselorRecord | None = None, taken: bool = False,
        channel: str = "rest", **fields: Any,
    ) -> CaseRecord:
        """A case opened the way the bot opens one, then put where the test wants it: in the
        general queue (default), routed `to` a counselor, or also `taken` by them."""
        fields.setdefault("reason", "requested")
        case, _ = self.cases.open_case(channel, sender_id, CaseUpdate(**fields), now=self.clock())
        with self.cases._sessions.begin() as s:  # test set-up only: routing itself is tested with the store
            row = s.get(Case, case.id)
            row.counselor_id, row.status = (to.id, "assigned") if to else (None, "new")
        if to and taken:
            return self.cases.take_case(case.id, to.id, now=self.clock())
        return self.cases.case(case.id)  # type: ignore[return-value]

    def audit_actions(self, case_id: int | None = None) -> list[tuple[int | None, str, str]]:
        return [(e.counselor_id, e.action, e.detail) for e in reversed(self.cases.audit_log(case_id=case_id))]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    """Settings a test module overrides (e.g. an https base URL)."""
    return {}


@pytest.fixture
async def console(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, settings_changes: dict[str, Any]
) -> AsyncIterator[ConsoleUnderTest]:
    # Sanic 21.12 rewrites some methods once per process; test mode lets it do that for every app built here.
    monkeypatch.setattr(Sanic, "test_mode", True)
    url = f"sqlite:///{tmp_path / 'console.db'}"
    migrate(url)
    store = Store.from_url(url)
    cases = CaseStore(store.engine)
    alice = cases.add_counselor("alice", "Alice Archer", FAST_HASHER.hash(PASSWORD))
    bob = cases.add_counselor("bob", "Bob Baker", FAST_HASHER.hash(PASSWORD))
    admin = cases.add_counselor("root", "Ada Admin", FAST_HASHER.hash(PASSWORD), role="admin")
    clock = Clock(START)
    gateway = FakeGateway()
    settings = Settings(**{"database_url": url, "base_url": "http://127.0.0.1", "console_idle_minutes": 30,
                           **settings_changes})
    app = create_app(settings, store, cases, gateway, clock, hasher=FAST_HASHER)
    port = _free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    browsers: list[Browser] = []
    base = f"http://127.0.0.1:{port}"

    def client() -> Browser:
        browser = Browser(base)
        browsers.append(browser)
        return browser

    async def logged_in(who: CounselorRecord) -> Browser:
        browser = client()
        page = await browser.login(who.username)
        assert page.status == 302, page.text
        return browser

    try:
        yield ConsoleUnderTest(app, base, store, cases, gateway, clock, PASSWORD, alice, bob, admin, client, logged_in)
    finally:
        for browser in browsers:
            await browser.close()
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        store.engine.dispose()

