"""bot.plan.web: plan downloads from the real web server (bot.web.create_app with the plan
blueprint mounted as production mounts it), on 127.0.0.1 with a migrated SQLite database,
the real renderers and a clock the tests move."""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, AsyncIterator

import aiohttp
import pytest
from sanic import Sanic

from bot.config import Settings
from bot.plan import formats
from bot.plan.service import PlanService, token_hash
from bot.plan.web import HTML_CSP, NOT_FOUND
from bot.storage import CaseStore, PlanStore, Store, migrate
from bot.web import create_app

CHANNEL = "rest"
START = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 23)
CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ics": "text/calendar; charset=utf-8",
}
MAGIC = {"md": b"# ", "html": b"<!DOCTYPE html>", "pdf": b"%PDF-", "docx": b"PK\x03\x04", "ics": b"BEGIN:VCALENDAR"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class NoGateway:
    """The console's conversation gateway, never used by plan downloads."""

    async def transcript(self, case: Any) -> list:
        raise AssertionError("not used")

    async def deliver(self, case: Any, message_id: int) -> None:
        raise AssertionError("not used")

    async def hand_back(self, case: Any) -> None:
        raise AssertionError("not used")


@dataclass
class Fetched:
    status: int
    body: bytes
    headers: Any

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Server:
    base: str
    store: Store
    plans: PlanStore
    service: PlanService
    clock: Clock
    http: aiohttp.ClientSession

    def talk(self, sender: str, *answers: tuple[str, str]) -> None:
        for question, value in answers:
            self.store.record_answer(CHANNEL, sender, question, value, value)

    async def get(self, url: str) -> Fetched:
        async with self.http.get(url if url.startswith("http") else self.base + url, allow_redirects=False) as response:
            return Fetched(response.status, await response.read(), response.headers)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def server(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    migrate(url)
    store = Store.from_url(url)
    plans = PlanStore(store.engine)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=url, base_url=base, plan_link_days=30)
    clock = Clock(START)
    # create_app mounts the plan links (bot/web.py)
    app = create_app(settings, store, CaseStore(store.engine), NoGateway(), clock)  # type: ignore[arg-type]
    running = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    assert running is not None
    await running.startup()
    await running.before_start()
    await running.after_start()
    http = aiohttp.ClientSession()
    try:
        yield Server(base, store, plans, PlanService(store, plans, settings), clock, http)
    finally:
        await http.close()
        await running.before_stop()
        running.close()
        await running.wait_closed()
        await running.after_stop()
        store.engine.dispose()


def _plan_with_links(server: Server, sender: str = "alice", role: str = "Data analyst") -> dict[str, str]:
    server.talk(sender, ("current_role", role), ("goal_short", "Lead the reporting team"),
                ("goal_short_due", "2027-04-15"), ("next_review_date", "2027-05-01"))
    server.service.generate(CHANNEL, sender, server.clock(), TODAY)
    return server.service.new_links(CHANNEL, sender, server.clock())


async def test_every_format_downloads_with_its_type_name_and_headers(server):
    links = _plan_with_links(server)
    for key, url in links.items():
        got = await server.get(url)
        assert got.status == 200, (key, got.body[:200])
        assert got.headers["Content-Type"] == CONTENT_TYPES[key]
        assert got.body.startswith(MAGIC[key]), key
        disposition = "inline" if key == "html" else "attachment"
        assert got.headers["Content-Disposition"] == f'{disposition}; filename="career-plan-v1.{key}"'
        assert got.headers["Cache-Control"] == "no-store"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Referrer-Policy"] == "no-referrer"
        assert got.headers.get("Content-Security-Policy") == (HTML_CSP if key == "html" else None)
    page = (await server.get(links["html"])).text
    assert "Data analyst" in page
    token = links["html"].split("/")[-2]
    assert token not in page  # the page links to the other formats by relative URL
    assert 'href="career-plan.pdf"' in page
    assert "Data analyst" in (await server.get(links["md"])).text


async def test_charts_are_rendered_once_per_version_and_cached(server, monkeypatch):
    links = _plan_with_links(server)
    employee = server.store.employee_id(CHANNEL, "alice")
    assert server.plans.charts(employee, 1) is None
    threads: list[threading.Thread] = []
    real = formats.render_charts

    def counting(plan):
        threads.append(threading.current_thread())
        return real(plan)

    monkeypatch.setattr(formats, "render_charts", counting)
    assert (await server.get(links["md"])).status == 200  # no charts in Markdown
    assert threads == []
    assert (await server.get(links["pdf"])).status == 200
    cached = server.plans.charts(employee, 1)
    assert cached is not None and cached["png"]
    assert (await server.get(links["html"])).status == 200
    assert (await server.get(links["docx"])).status == 200
    assert len(threads) == 1 and threads[0] is not threading.main_thread()  # rendered in a worker thread


async def test_a_chart_failure_still_serves_the_plan_without_charts(server, monkeypatch):
    links = _plan_with_links(server)

    def broken(plan):
        raise ValueError("matplotlib fell over")

    monkeypatch.setattr(formats, "render_charts", broken)
    got = await server.get(links["pdf"])
    assert got.status == 200 and got.body.startswith(b"%PDF-")
    assert server.plans.charts(server.store.employee_id(CHANNEL, "alice"), 1) is None  # a failure is not cached


async def test_wrong_malformed_or_unknown_gets_the_same_plain_404(server):
    links = _plan_with_links(server)
    token = links["pdf"].split("/")[-2]
    other = ("A" if token[0] != "A" else "B") + token[1:]
    failures = [
        f"/plan/{other}/career-plan.pdf",  # well-formed, unknown
        "/plan/short/career-plan.pdf",  # malformed
        f"/plan/{token}x/career-plan.pdf",
        f"/plan/{token}/career-plan.exe",  # unknown file name
        f"/plan/{token}/plan.pdf",
    ]
    for path in failures:
        got = await server.get(path)
        assert got.status == 404, path
        assert got.text == NOT_FOUND, path
        assert got.headers["Content-Type"].startswith("text/plain")
        assert got.headers["Referrer-Policy"] == "no-referrer"
        assert "Content-Disposition" not in got.headers


async def test_an_expired_link_gets_the_same_404(server):
    links = _plan_with_links(server)
    server.clock.now = START + timedelta(days=30) - timedelta(seconds=1)
    assert (await server.get(links["md"])).status == 200
    server.clock.now = START + timedelta(days=30)
    got = await server.get(links["md"])
    assert (got.status, got.text) == (404, NOT_FOUND)


async def test_each_link_serves_only_its_own_employee_s_plan(server):
    alice = _plan_with_links(server, "alice", "Data analyst")
    bob = _plan_with_links(server, "bob", "Store manager")
    alice_md, bob_md = (await server.get(alice["md"])).text, (await server.get(bob["md"])).text
    assert "Data analyst" in alice_md and "Store manager" not in alice_md
    assert "Store manager" in bob_md and "Data analyst" not in bob_md
    alice_html = (await server.get(alice["html"])).text
    assert "Data analyst" in alice_html and "Store manager" not in alice_html


async def test_a_link_made_before_versions_were_recorded_serves_the_latest(server):
    _plan_with_links(server)
    employee = server.store.employee_id(CHANNEL, "alice")
    token = "L" * 43
    server.plans.create_link(token_hash(token), employee, server.clock() + timedelta(days=1), server.clock())  # no version
    server.talk("alice", ("current_role", "Reporting lead"))
    server.service.generate(CHANNEL, "alice", server.clock(), TODAY)
    got = await server.get(f"{server.base}/plan/{token}/career-plan.md")
    assert got.headers["Content-Disposition"] == 'attachment; filename="career-plan-v2.md"'
    assert "Reporting lead" in got.text and "Data analyst" not in got.text


async def test_a_deleted_plan_is_not_found(server):
    links = _plan_with_links(server)
    server.plans.delete_for(server.store.employee_id(CHANNEL, "alice"))
    got = await server.get(links["pdf"])
    assert (got.status, got.text) == (404, NOT_FOUND)


async def test_the_token_is_never_logged(server, caplog, capfd, monkeypatch):
    caplog.set_level(logging.DEBUG)
    links = _plan_with_links(server)
    token = links["pdf"].split("/")[-2]
    for url in links.values():
        assert (await server.get(url)).status == 200
    assert (await server.get(f"/plan/{token}/nothing.txt")).status == 404

    def broken(*args, **kwargs):
        raise RuntimeError(f"renderer failed on {token}")  # even an error that carries the URL

    monkeypatch.setattr(formats, "render", broken)
    failed = await server.get(links["md"])
    assert failed.status == 500 and token not in failed.text
    server.clock.now = START + timedelta(days=31)
    assert (await server.get(links["md"])).status == 404

    messages = [record.getMessage() for record in caplog.records]
    assert "plan version 1 served as pdf" in messages
    assert "plan download as md failed: RuntimeError" in messages
    out, err = capfd.readouterr()
    assert token not in caplog.text and token not in out and token not in err
    assert all(token not in str(record.args) for record in caplog.records)


async def test_a_link_serves_the_version_it_was_made_for(server):
    first = _plan_with_links(server, role="Data analyst")
    server.talk("alice", ("current_role", "Reporting lead"))
    server.service.generate(CHANNEL, "alice", server.clock(), TODAY)
    second = server.service.new_links(CHANNEL, "alice", server.clock())

    old = await server.get(first["md"])
    new = await server.get(second["md"])
    assert old.headers["Content-Disposition"].endswith('career-plan-v1.md"') and "Data analyst" in old.text
    assert new.headers["Content-Disposition"].endswith('career-plan-v2.md"') and "Reporting lead" in new.text
