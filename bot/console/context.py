"""What every console route shares: the services, who may call a route, cookies and redirects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar
from urllib.parse import quote

from jinja2 import Environment
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.storage.tracker_events import TrackerEvents
from bot.console.auth import LOGIN_WINDOW_SECONDS, LOGINS_PER_ADDRESS, LOGINS_PER_NAME, Authenticator, Clock, Passwords
from bot.console.gateway import ConversationGateway
from bot.console.render import render_page
from bot.storage import Store
from bot.storage.cases import CaseStore, CounselorRecord

PREFIX = "/console"
SESSION_COOKIE = "waypoint_console"
LOGIN_CSRF_COOKIE = "waypoint_login_csrf"
CSRF_FIELD = "csrf_token"

# Who may call a route. Routes without a mark need a live session (deny by default).
PUBLIC, LOGGED_IN, ADMIN = "public", "logged_in", "admin"
ACCESS_MARK = "console_access"
JSON_MARK = "console_json"

Handler = TypeVar("Handler", bound=Callable[..., Any])

ERROR_TITLES = {400: "Please check the form", 403: "Not allowed", 404: "Not found"}


def public(handler: Handler) -> Handler:
    setattr(handler, ACCESS_MARK, PUBLIC)
    return handler


def admin_only(handler: Handler) -> Handler:
    setattr(handler, ACCESS_MARK, ADMIN)
    return handler


def json_api(handler: Handler) -> Handler:
    """A route for scripts: without a session it answers 401 rather than redirecting to the login page."""
    setattr(handler, JSON_MARK, True)
    return handler


_UNSAFE_IN_NEXT = re.compile(r"[\\\s\x00-\x1f\x7f]")


def safe_next(value: str | None) -> str:
    """Where to go after logging in: only a console path, so the login page cannot send anyone elsewhere."""
    if (
        value and value.startswith(PREFIX + "/") and "//" not in value and "/.." not in value
        and not _UNSAFE_IN_NEXT.search(value)
    ):
        return value
    return PREFIX + "/"


def login_url(request: Request) -> str:
    if request.method != "GET":
        return f"{PREFIX}/login"
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return f"{PREFIX}/login?next={quote(safe_next(target), safe='')}"


@dataclass
class Console:
    settings: Settings
    store: Store
    case_store: CaseStore
    gateway: ConversationGateway
    auth: Authenticator
    passwords: Passwords
    clock: Clock
    templates: Environment
    # Rasa's tracker table, to delete a transcript when Rasa cannot be reached (bot/privacy/requests.py)
    tracker_events: TrackerEvents | None = None
    # logins from one address, and for one user name, per five minutes (beyond the account lock)
    login_limits: RateLimiter = field(default_factory=lambda: RateLimiter(LOGINS_PER_ADDRESS, LOGIN_WINDOW_SECONDS))
    login_limits_by_name: RateLimiter = field(default_factory=lambda: RateLimiter(LOGINS_PER_NAME, LOGIN_WINDOW_SECONDS))

    @property
    def secure_cookies(self) -> bool:
        return self.settings.base_url.lower().startswith("https://")

    def set_cookie(self, response: HTTPResponse, name: str, value: str, path: str, max_age: int | None = None) -> None:
        response.cookies[name] = value
        cookie = response.cookies[name]
        cookie["path"] = path
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        if self.secure_cookies:
            cookie["secure"] = True
        if max_age is not None:
            cookie["max-age"] = max_age

    def clear_cookie(self, response: HTTPResponse, name: str, path: str) -> None:
        self.set_cookie(response, name, "", path, max_age=0)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
        session = getattr(request.ctx, "session", None)
        return render_page(
            self.templates, template, status,
            me=session.counselor if session else None, csrf=session.csrf_token if session else "", **context,
        )

    def error(self, request: Request, status: int, message: str) -> HTTPResponse:
        return self.page(request, "error.html", status, title=ERROR_TITLES.get(status, "Error"), message=message)

    def names(self) -> dict[int, str]:
        return {c.id: c.display_name for c in self.case_store.counselors()}


def me(request: Request) -> CounselorRecord:
    return request.ctx.session.counselor
