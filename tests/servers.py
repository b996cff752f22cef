"""Running a Sanic app for real on loopback inside a test (Sanic 21.12 has no test client
without sanic-testing): `async for url in serve(app): ...`; and an app with routes shaped
like Rasa's HTTP API (`rasa_like_app`)."""

from __future__ import annotations

import socket
import uuid
from typing import Any, AsyncIterator

from sanic import Sanic, response


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


def rasa_like_app(webhook: bool = True, name: str | None = None) -> Sanic:
    """A few routes shaped like Rasa's HTTP API and (unless a channel brings its own) a channel webhook."""
    app = Sanic(name or f"guard_{uuid.uuid4().hex[:12]}")

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
