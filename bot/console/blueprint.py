"""The console as one Sanic blueprint under /console, with the guard every route passes:
a live session (else the login page, or 401 for scripts), the session's CSRF token on
every POST (else 403), and the admin role for admin pages."""

from __future__ import annotations

from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json, redirect

from bot.console.admin_views import add_admin_routes
from bot.console.auth import tokens_match
from bot.console.context import (
    ACCESS_MARK,
    ADMIN,
    CSRF_FIELD,
    JSON_MARK,
    LOGGED_IN,
    PREFIX,
    PUBLIC,
    SESSION_COOKIE,
    Console,
    login_url,
)
from bot.console.render import SECURITY_HEADERS, STATIC
from bot.console.queue import add_queue_routes
from bot.console.views import add_case_routes, add_login_routes

STATIC_PATH = f"{PREFIX}/static/"


def console_blueprint(console: Console) -> Blueprint:
    """A new blueprint per app, so that tests can build many apps in one process."""
    bp = Blueprint("console", url_prefix=PREFIX)
    add_login_routes(bp, console)
    add_queue_routes(bp, console)
    add_case_routes(bp, console)
    add_admin_routes(bp, console)
    bp.static("/static", str(STATIC), name="static")

    @bp.middleware("request")
    async def guard(request: Request) -> HTTPResponse | None:
        if request.route is None or request.path.startswith(STATIC_PATH):
            return None
        handler = request.route.handler
        access = getattr(handler, ACCESS_MARK, LOGGED_IN)
        if access == PUBLIC:
            return None
        is_json = getattr(handler, JSON_MARK, False)
        # Polling is not activity: an unattended case page must still time out.
        session = console.auth.resume(request.cookies.get(SESSION_COOKIE), touch=not is_json)
        if session is None:
            return json({"error": "not logged in"}, status=401) if is_json else redirect(login_url(request))
        request.ctx.session = session
        if request.method == "POST" and not tokens_match(session.csrf_token, request.form.get(CSRF_FIELD)):
            return console.error(request, 403, "This form has expired or did not come from the console. "
                                               "Go back, reload the page and try again.")
        if access == ADMIN and not session.counselor.is_admin:
            if is_json:
                return json({"error": "not allowed"}, status=403)
            return console.error(request, 403, "This page is for administrators.")
        return None

    return bp


def add_security_headers(app: Sanic) -> None:
    @app.on_response
    async def console_headers(request: Request, response: HTTPResponse) -> None:
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            for name, value in SECURITY_HEADERS.items():
                response.headers[name] = value
