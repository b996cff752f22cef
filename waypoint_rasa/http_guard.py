"""The guard in front of the Rasa server, on whatever channels credentials.yml names.

Two request middlewares, installed once per Sanic app (`install`):

* Host check (against DNS rebinding): a request whose Host header names none of the
  allowed hosts – WAYPOINT_ALLOWED_HOSTS plus the hosts of WAYPOINT_BASE_URL,
  WAYPOINT_WEBCHAT_SOCKET_URL and WAYPOINT_RASA_URL (Settings.allowed_host_names) – gets
  400, so a web page whose name was rebound to 127.0.0.1 cannot reach Rasa from a
  browser. The health paths `/` and `/version` answer whatever the Host.
* HTTP API guard: Rasa's HTTP API (started with `--enable-api`) is reachable only on the
  two routes the console needs, and only with the token from configuration
  (WAYPOINT_RASA_TOKEN, compared in constant time). Every other API route – model upload
  and training among them – answers 404 whoever asks. The token is read from the
  environment rather than passed with `--auth-token`, so it never shows in a process list.

Who installs it: every Waypoint channel (REST, Slack, web chat) from its blueprint's
start-up listener, and the tracker store, which Rasa creates from endpoints.yml while the
server starts (`install_on_rasa_server`). So a credentials.yml without the REST channel –
or without any of Waypoint's channels – still has the guard.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any, Callable, Coroutine

from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings, host_name

logger = logging.getLogger(__name__)

# The names rasa.server.create_app (`--enable-api`) and rasa.core.run (without it) give the app.
RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")

HEALTH_PATHS = frozenset({"/", "/version"})
_ALLOWED_API_ROUTES = (
    ("GET", re.compile(r"^/conversations/[^/]+/tracker$")),
    ("POST", re.compile(r"^/conversations/[^/]+/trigger_intent$")),
)
_OPEN_ROUTES = (
    ("GET", re.compile(r"^/$")),
    ("GET", re.compile(r"^/version$")),
    # the web chat widget's socket.io endpoint (waypoint_rasa/webchat.py): long polling and the websocket
    ("GET", re.compile(r"^/socket\.io$")),
    ("POST", re.compile(r"^/socket\.io$")),
    ("OPTIONS", re.compile(r"^/socket\.io$")),
)

Middleware = Callable[[Request], Coroutine[Any, Any, "HTTPResponse | None"]]


def install(app: Sanic, settings: Settings) -> None:
    """The host check, then the API guard; a second call on the same app does nothing."""
    if getattr(app.ctx, "waypoint_guard", False):
        return
    app.ctx.waypoint_guard = True
    app.register_middleware(host_check(settings.allowed_host_names()), "request")
    install_api_guard(app, settings.rasa_token)


def install_with(blueprint: Blueprint) -> Blueprint:
    """Installs the guard on the app the channel's blueprint is registered with, at start-up."""

    @blueprint.listener("before_server_start")
    async def install_guard(app: Sanic, _loop: Any) -> None:
        install(app, Settings.from_env())

    return blueprint


def install_on_rasa_server() -> bool:
    """Installs the guard on the running Rasa server's app, if there is one in this process."""
    for name in RASA_APP_NAMES:
        try:
            app = Sanic.get_app(name)
        except SanicException:
            continue
        install(app, Settings.from_env())
        return True
    return False


def host_check(allowed: frozenset[str]) -> Middleware:
    async def check(request: Request) -> HTTPResponse | None:
        if (request.path.rstrip("/") or "/") in HEALTH_PATHS:
            return None
        if host_name(request.headers.get("host", "")) in allowed:
            return None
        logger.warning("Refused a request for a host name not in WAYPOINT_ALLOWED_HOSTS")
        return response.json({"error": "Unknown host: add it to WAYPOINT_ALLOWED_HOSTS"}, status=400)

    return check


def install_api_guard(app: Sanic, token: str | None) -> None:
    async def guard(request: Request) -> HTTPResponse | None:
        path, method = request.path.rstrip("/") or "/", request.method
        if path.startswith("/webhooks/") or any(m == method and p.match(path) for m, p in _OPEN_ROUTES):
            return None
        if not any(m == method and p.match(path) for m, p in _ALLOWED_API_ROUTES):
            return response.json({"error": "Not found"}, status=404)
        if not token:
            return response.json({"error": "The HTTP API is closed: no WAYPOINT_RASA_TOKEN is configured."}, status=403)
        provided = request.args.get("token") or bearer(request.headers.get("authorization", ""))
        if not provided or not hmac.compare_digest(provided.encode(), token.encode()):
            return response.json({"error": "Not authenticated"}, status=401)
        return None

    app.register_middleware(guard, "request")
    logger.info("Rasa HTTP API limited to the console's routes%s", "" if token else " (closed: no token configured)")


def bearer(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_matches(request: Request, token: str) -> bool:
    """Whether the request carries `Authorization: Bearer <token>` (compared in constant time)."""
    provided = bearer(request.headers.get("authorization", ""))
    return provided is not None and hmac.compare_digest(provided.encode(), token.encode())
