"""The action server: rasa_sdk's, answering only Rasa (`python -m actions.server --port 5055`).

The actions read, write and delete counseling records for whoever calls them, and
`rasa_sdk --actions actions` asks no caller who it is: a forged tracker POSTed to
/webhook runs any action. Here every route but /health needs
`Authorization: Bearer <WAYPOINT_ACTIONS_TOKEN>` (compared in constant time), which Rasa
sends from endpoints.yml (`action_endpoint: headers:`). The server listens on
WAYPOINT_ACTIONS_HOST (loopback by default); any other address without a token stops the
start with one line. Without a token on loopback it answers every local caller, as
rasa_sdk does (scripts/run-stack.sh always makes one).

Command-line options are rasa_sdk's (`--port`, `--cors`, `--ssl-*`, `--auto-reload`,
logging); `--actions` defaults to this package. SANIC_WORKERS is honoured as rasa_sdk does.
"""

from __future__ import annotations

import hmac
import logging
import sys
import types
from typing import Any, Callable, Coroutine, Sequence

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app as create_sdk_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})
# Rasa posts the whole tracker with each call: a long conversation is a few MB; Sanic's
# default (100 MB) would let any caller make the server read that much before the token check.
REQUEST_MAX_BYTES = 16 * 1024 * 1024


def create_app(
    token: str | None,
    actions: str | types.ModuleType = "actions",
    cors_origins: str | list[str] | None = None,
    auto_reload: bool = False,
) -> Sanic:
    """rasa_sdk's app with the token check in front of it (none without a token)."""
    app = create_sdk_app(actions, cors_origins=cors_origins, auto_reload=auto_reload)
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES
    if token:
        app.register_middleware(_require(token), "request")
    return app


def _require(token: str) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse | None]]:
    expected = token.encode()

    async def check(request: Request) -> HTTPResponse | None:
        if request.path.rstrip("/") in OPEN_PATHS:
            return None
        scheme, _, provided = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(provided.strip().encode(), expected):
            logger.warning("Refused a call to %s without the action server's token", request.path[:40])
            return response.json({"error": "Not authenticated"}, status=401)
        return None

    return check


def main(argv: Sequence[str] | None = None) -> None:
    parser = create_argument_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        host = settings.actions_bind()
    except ValueError as error:
        sys.exit(f"The action server will not start: {error}")

    # as rasa_sdk.__main__ does
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()

    if not settings.actions_token:
        logger.warning("WAYPOINT_ACTIONS_TOKEN is not set: the action server answers any caller on this machine")
    app = create_app(settings.actions_token, args.actions or "actions", cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info("Action server on %s://%s:%s", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
