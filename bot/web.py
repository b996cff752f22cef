"""The project's web server: the counselor console under /console, plan and data-export
links, the chat page, a health check; beside it, the notification outbox, the check for
cases nobody has taken and the daily retention purge.

    python -m bot.web        # listens on WAYPOINT_WEB_HOST:WAYPOINT_WEB_PORT

`create_app` builds the Sanic app from injected services, so tests can start as many as
they like; `background_tasks` run beside the server from start to stop (the notification
worker goes there).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import datetime, timezone
from typing import Awaitable, Callable, Sequence

from argon2 import PasswordHasher
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, raw, text

from bot.config import Settings
from bot.console.auth import Authenticator, Clock, Passwords
from bot.console.blueprint import add_security_headers, console_blueprint
from bot.console.context import Console
from bot.console.gateway import ConversationGateway, RasaGateway
from bot.console.render import make_templates
from bot.handoff.notify import deliver_forever
from bot.handoff.untaken import alert_forever
from bot.plan.web import plan_blueprint
from bot.privacy.retention import purge_daily
from bot.privacy.web import export_blueprint
from bot.storage import PersonalDataStore, PlanStore, Store, crypto
from bot.storage.cases import CaseStore
from bot.storage.reseal import reseal_forever
from bot.storage.tracker_events import TrackerEvents
from bot.widget import widget_blueprint

logger = logging.getLogger("bot.web")  # not "__main__" under python -m

BackgroundTask = Callable[[Sanic], Awaitable[None]]

# Sanic keeps a registry of apps by name: each app gets its own.
_app_numbers = itertools.count(1)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# A waypoint marker on the console's teal: the tab of the chat page and the console.
FAVICON_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    b'<rect width="32" height="32" rx="7" fill="#0b6e69"/>'
    b'<path d="M16 5c-4.4 0-8 3.4-8 7.8C8 18.6 16 27 16 27s8-8.4 8-14.2C24 8.4 20.4 5 16 5z" fill="#fff"/>'
    b'<circle cx="16" cy="12.8" r="3.2" fill="#0b6e69"/></svg>'
)


def create_app(
    settings: Settings,
    store: Store,
    case_store: CaseStore,
    gateway: ConversationGateway,
    clock: Clock | None = None,
    *,
    hasher: PasswordHasher | None = None,
    background_tasks: Sequence[BackgroundTask] = (),
    tracker_events: TrackerEvents | None = None,
) -> Sanic:
    """The web server. `hasher` defaults to argon2's own parameters (tests pass a cheap one);
    each of `background_tasks` is started with the app after the server starts and
    cancelled before it stops."""
    clock = clock or utc_now
    app = Sanic(f"waypoint_web_{next(_app_numbers)}", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = 1_000_000  # console forms are small; 4000-character texts at most
    passwords = Passwords(hasher)
    console = Console(
        settings=settings, store=store, case_store=case_store, gateway=gateway,
        auth=Authenticator(case_store, passwords, settings.console_idle_minutes, clock),
        passwords=passwords, clock=clock, templates=make_templates(), tracker_events=tracker_events,
    )
    app.ctx.console = console
    app.blueprint(console_blueprint(console))
    # the career plan's download links: /plan/<token>/<file>
    app.blueprint(plan_blueprint(store, PlanStore(store.engine), settings, clock))
    # a person's copy of their data: /export/<token>/ (bot/privacy)
    app.blueprint(export_blueprint(PersonalDataStore(store.engine), gateway, settings.retention_days, clock))
    # the chat page at / and /chat, and the widget's files under /widget/ (bot/widget)
    app.blueprint(widget_blueprint(settings))
    add_security_headers(app)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return text("ok")

    # The chat page and the console link it; browsers also ask for /favicon.ico on their own.
    async def favicon(request: Request) -> HTTPResponse:
        return raw(FAVICON_SVG, content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    app.add_route(favicon, "/favicon.svg", methods=["GET"], name="favicon_svg")
    app.add_route(favicon, "/favicon.ico", methods=["GET"], name="favicon_ico")

    # -- hook: long-running work beside the server (e.g. bot/handoff/notify.py's deliver_due loop) --
    @app.after_server_start
    async def start_background(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.background = [asyncio.create_task(_logged(task, app)) for task in background_tasks]

    @app.before_server_stop
    async def stop_background(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        running = getattr(app.ctx, "background", [])
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    return app


async def _logged(task: BackgroundTask, app: Sanic) -> None:
    """A background task that fails is logged rather than lost silently; the server goes on."""
    try:
        await task(app)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("background task %s stopped", getattr(task, "__name__", task))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    try:
        crypto.configure(settings.data_key, settings.data_key_file)
    except crypto.DataKeyError as error:
        raise SystemExit(f"error: {error}") from None
    store = Store.from_url(settings.database_url)
    case_store = CaseStore(store.engine)
    if not settings.rasa_token:
        logger.warning("WAYPOINT_RASA_TOKEN is not set: replies and hand-backs from the console cannot reach Rasa")
    gateway = RasaGateway(settings.rasa_url, settings.rasa_token)
    async def notification_worker(_app: Sanic) -> None:
        # the outbox of new and urgent cases, written by the action server (bot/handoff/notify.py)
        await deliver_forever(case_store, settings)

    async def untaken_alerts(_app: Sanic) -> None:
        # a case nobody has taken within its office time alerts the admins (bot/handoff/untaken.py)
        await alert_forever(case_store, settings)

    tracker_events = TrackerEvents.from_url(settings.tracker_database_url)

    async def retention_purge(_app: Sanic) -> None:
        # records older than WAYPOINT_RETENTION_DAYS go, once a day (bot/privacy/retention.py)
        await purge_daily(PersonalDataStore(store.engine), tracker_events, settings.retention_days, utc_now)

    async def reencryption(_app: Sanic) -> None:
        # values under an older data key (after a rotation) or still in the clear are re-sealed
        await reseal_forever(store.engine, tracker_events.engine)

    background_tasks: list[BackgroundTask] = [notification_worker, untaken_alerts, retention_purge, reencryption]
    app = create_app(settings, store, case_store, gateway, background_tasks=background_tasks, tracker_events=tracker_events)
    # One worker: the background tasks must run once, and SQLite has one writer anyway.
    app.run(host=settings.web_host, port=settings.web_port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main()
