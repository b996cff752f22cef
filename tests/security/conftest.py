"""Fixtures for the security review's tests (test_security_review.py): the environment the
servers read, the real domain, the action server's runtime on a fresh answer store, and
the counselor console running on loopback.

The fixtures of tests/bot/console/conftest.py and tests/actions/conftest.py are not
visible here; these build the same things from the same helpers (the console's browser,
fake gateway, clock and cheap argon2 parameters are imported, not copied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, AsyncIterator, Iterator

import pytest
from rasa.shared.core.domain import Domain
from sanic import Sanic

from actions import runtime
from bot.config import Settings
from bot.storage import CaseStore, Store, migrate
from bot.storage.cases import CounselorRecord
from bot.web import create_app
from tests.bot.console.conftest import FAST_HASHER, PASSWORD, START, Browser, Clock, FakeGateway
from tests.conftest import ROOT, TODAY
from tests.servers import serve
from waypoint_rasa import limits

RASA_TOKEN = "rasa-api-s3cret"
ACTIONS_TOKEN = "actions-s3cret"


@pytest.fixture(autouse=True)
def sanic_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sanic 21.12 rewrites some methods once per process and keeps one app per name
    # ("rasa_server", "rasa_sdk"): test mode and an empty registry let each test build its own.
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(Sanic, "_app_registry", {})


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the servers read from the environment: Rasa's API token and the action server's
    (endpoints.yml names it; Rasa will not read the file without it), nothing of the caller's."""
    for name in ("WAYPOINT_ALLOWED_HOSTS", "WAYPOINT_BASE_URL", "WAYPOINT_WEBCHAT_SOCKET_URL", "WAYPOINT_RASA_URL",
                 "WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET", "WAYPOINT_REST_TOKEN",
                 "WAYPOINT_TRUSTED_PROXIES", "WAYPOINT_MESSAGES_PER_MINUTE", "WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS",
                 "WAYPOINT_MAX_MESSAGE_CHARS", "SANIC_REQUEST_MAX_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WAYPOINT_RASA_TOKEN", RASA_TOKEN)
    monkeypatch.setenv("WAYPOINT_ACTIONS_TOKEN", ACTIONS_TOKEN)
    # the channels' limits are made once per process, from the environment: fresh ones for each test
    for cached in ("_settings", "_limiter", "_address_limiter"):
        monkeypatch.setattr(limits, cached, None)


@pytest.fixture(scope="session")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def answer_store(tmp_path: Any) -> Iterator[Store]:
    """A migrated SQLite answer store that the actions use (no career tables: none of these
    tests asks about an occupation), with a fixed clock."""
    url = f"sqlite:///{tmp_path / 'answers.db'}"
    migrate(url)
    store = Store.from_url(url)
    runtime.use_store(store, Settings(database_url=url, counselor_contact="careers@example.org"))
    runtime.use_clock(lambda: TODAY)
    runtime.use_careers(None)
    yield store
    runtime.use_careers(None)
    runtime.use_store(None)
    runtime.use_clock(date.today)
    store.engine.dispose()


@dataclass
class RunningConsole:
    app: Sanic
    base: str
    cases: CaseStore
    alice: CounselorRecord
    password: str
    browsers: list[Browser] = field(default_factory=list)

    def client(self) -> Browser:
        """A logged-out browser with its own cookie jar."""
        browser = Browser(self.base)
        self.browsers.append(browser)
        return browser


@pytest.fixture
async def console(tmp_path: Any) -> AsyncIterator[RunningConsole]:
    """The web server (console and all) on loopback, its production login limits, counselor Alice."""
    url = f"sqlite:///{tmp_path / 'console.db'}"
    migrate(url)
    store = Store.from_url(url)
    cases = CaseStore(store.engine)
    alice = cases.add_counselor("alice", "Alice Archer", FAST_HASHER.hash(PASSWORD))
    settings = Settings(database_url=url, base_url="http://127.0.0.1", console_idle_minutes=30)
    app = create_app(settings, store, cases, FakeGateway(), Clock(START), hasher=FAST_HASHER)
    running: RunningConsole | None = None
    try:
        async for base in serve(app):
            running = RunningConsole(app, base, cases, alice, PASSWORD)
            yield running
    finally:
        for browser in running.browsers if running else []:
            await browser.close()
        store.engine.dispose()
