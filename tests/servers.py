"""Running a Sanic app for real on loopback inside a test (Sanic 21.12 has no test client
without sanic-testing): `async for url in serve(app): ...`."""

from __future__ import annotations

import socket
from typing import AsyncIterator

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def serve(app: Sanic) -> AsyncIterator[str]:
    """Starts `app` on a free port, yields its base URL, and stops it afterwards."""
    port = free_port()
    # create_server already listens; the listeners run before any request is made
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
