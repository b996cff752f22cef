"""How fast the console's queue answers with many cases (`make bench`): a database of
5,000 cases (with their messages) is made, the web server started on it, an admin logged
in, and the queue page fetched again and again; the time is the server's answer on
loopback. Target (issue 14): p95 ≤ 300 ms.
"""

from __future__ import annotations

import asyncio
import re
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
from argon2 import PasswordHasher
from sanic import Sanic

from bot.config import Settings
from bot.storage import Store, crypto, migrate
from bot.storage.cases import CaseRecord, CaseStore
from bot.storage.models import Case, CaseMessage

CASES = 5000
FETCHES = 40
PASSWORD = "bench-password-0123456789"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class QueueTimes:
    cases: int
    open_cases: int
    p50_ms: float
    p95_ms: float


class _NoConversation:
    """The queue never reaches Rasa."""

    async def transcript(self, case: CaseRecord) -> list[Any]:
        return []


def _fill(cases: CaseStore, total: int, open_share: float) -> int:
    """`total` cases, `open_share` of them open in every state, each with two messages."""
    counselors = [cases.add_counselor(f"c{n}", f"Counselor {n}", "unused").id for n in range(20)]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    opened = 0
    with cases._sessions.begin() as s:  # one transaction: thousands of rows in seconds
        for n in range(total):
            created = start + timedelta(minutes=37 * n)
            is_open = n % int(1 / open_share) == 0 if open_share < 1 else True
            state = n % 4
            row = Case(
                channel=("rest", "slack", "socketio")[n % 3], sender_id=f"bench-{n}", reason="requested",
                urgent=n % 29 == 0, stage="needs", summary={"consented": True}, created_at=created,
                status=("new", "assigned", "active", "active")[state] if is_open else "closed",
                counselor_id=None if is_open and state == 0 else counselors[n % 20],
                taken_at=created + timedelta(minutes=5) if (not is_open or state >= 2) else None,
                handed_back_at=created + timedelta(hours=1) if is_open and state == 3 and n % 2 else None,
                closed_at=None if is_open else created + timedelta(hours=2),
            )
            s.add(row)
            s.flush()
            s.add(CaseMessage(case_id=row.id, author="employee", text="Could someone help me?", created_at=created))
            s.add(CaseMessage(case_id=row.id, author="counselor", text="Of course.", counselor_id=row.counselor_id,
                              created_at=created + timedelta(minutes=6)))
            opened += is_open
    return opened


async def _fetch_queue(base: str, fetches: int) -> list[float]:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(base + "/console/login") as form:
            token = _CSRF.search(await form.text())
        assert token, "no login form"
        data = {"username": "admin", "password": PASSWORD, "csrf_token": token.group(1), "next": "/console/"}
        async with session.post(base + "/console/login", data=data, allow_redirects=False) as login:
            assert login.status == 302, f"login failed: {login.status}"
        times = []
        for _ in range(fetches):
            started = time.perf_counter()
            async with session.get(base + "/console/") as page:
                body = await page.text()
                assert page.status == 200 and 'id="queue-sections"' in body
            times.append((time.perf_counter() - started) * 1000)
        return times


async def _serve_and_measure(url: str, fetches: int) -> list[float]:
    from bot.web import create_app

    Sanic.test_mode = True
    store = Store.from_url(url)
    cases = CaseStore(store.engine)
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    cases.add_counselor("admin", "Bench Admin", hasher.hash(PASSWORD), role="admin")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(database_url=url), store, cases, _NoConversation(), hasher=hasher)  # type: ignore[arg-type]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        await _fetch_queue(f"http://127.0.0.1:{port}", 3)  # warm up: templates compiled, caches filled
        return await _fetch_queue(f"http://127.0.0.1:{port}", fetches)
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        store.engine.dispose()


def run(total: int = CASES, open_share: float = 0.1, fetches: int = FETCHES) -> QueueTimes:
    if not crypto.configured():
        settings = Settings.from_env()
        crypto.configure(settings.data_key, settings.data_key_file)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'queue.db'}"
        migrate(url)
        store = Store.from_url(url)
        opened = _fill(CaseStore(store.engine), total, open_share)
        store.engine.dispose()
        times = asyncio.run(_serve_and_measure(url, fetches))
    times.sort()
    return QueueTimes(total, opened, statistics.median(times), times[int(0.95 * (len(times) - 1))])


def report(result: QueueTimes) -> None:
    print(f"Console queue ({result.cases:,} cases in the database, {result.open_cases:,} open; the page as the server answers it):")
    print(f"  p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms (target p95 ≤ 300 ms)")
