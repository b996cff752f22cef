"""The web server's own parts: background tasks run beside it from start to stop."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from sanic import Sanic

from bot.config import Settings
from bot.storage import Store
from bot.web import create_app


async def test_background_tasks_run_while_the_server_runs_and_stop_with_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Sanic, "test_mode", True)
    started, stopped = asyncio.Event(), asyncio.Event()

    async def worker(app: Sanic) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    async def broken(app: Sanic) -> None:
        raise RuntimeError("a failing worker is logged, the server goes on")

    store = Store.from_url("sqlite://")
    app = create_app(Settings(), store, None, None, background_tasks=[worker, broken])  # type: ignore[arg-type]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    await asyncio.wait_for(started.wait(), 2)
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/health") as response:
        assert response.status == 200
    await server.before_stop()
    server.close()
    await server.wait_closed()
    await server.after_stop()
    assert stopped.is_set()
