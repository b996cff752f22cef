"""Plan downloads: GET /plan/<token>/<filename> on the project's web server.

    app.blueprint(plan_blueprint(store, PlanStore(store.engine), settings, clock))

The token (bot/plan/service.py `new_links`) is looked up by its SHA-256; an unknown,
expired or malformed token and an unknown file name all get the same plain 404, so a
response tells nothing about which it was. A valid link serves the plan version it was made
for (links from before that was recorded: the latest) in the format its file name asks
for. Charts are rendered once per version, on the first download that needs them, and
cached in plan_versions.charts; rendering runs in a worker thread (matplotlib, fpdf2 and
python-docx are CPU work).

The token is a secret in the URL: it is never logged (the server's access log is off;
this module logs version numbers and formats only), and every response says
`Referrer-Policy: no-referrer` and `Cache-Control: no-store`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from datetime import datetime
from typing import Callable

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, raw, text

from bot.config import Settings
from bot.plan import formats
from bot.plan.formats import BY_FILENAME, FORMATS, Format
from bot.plan.model import CareerPlan
from bot.plan.service import calendar_uid, token_hash
from bot.storage import Store
from bot.storage.plans import PlanStore

logger = logging.getLogger(__name__)

# secrets.token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_blueprint_numbers = itertools.count(1)
NOT_FOUND = "Not found. This link may have expired: ask the assistant for a new one."
HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_COMMON_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _not_found() -> HTTPResponse:
    return text(NOT_FOUND, status=404, headers=dict(_COMMON_HEADERS))


def plan_blueprint(store: Store, plans: PlanStore, settings: Settings, clock: Callable[[], datetime]) -> Blueprint:
    """A new blueprint per call (each app gets its own)."""
    bp = Blueprint(f"plan_downloads_{next(_blueprint_numbers)}")

    @bp.get("/plan/<token:str>/<filename:str>")
    async def download(request: Request, token: str, filename: str) -> HTTPResponse:
        fmt = BY_FILENAME.get(filename)
        if fmt is None or not _TOKEN.fullmatch(token):
            return _not_found()
        try:
            produced = await asyncio.to_thread(_produce, plans, token_hash(token), clock(), fmt)
        except Exception as error:  # noqa: BLE001 - Sanic's own error log would print the URL, token and all
            logger.error("plan download as %s failed: %s", fmt.key, type(error).__name__)
            return text("Sorry, the plan could not be prepared. Please try again later.", status=500,
                        headers=dict(_COMMON_HEADERS))
        if produced is None:
            return _not_found()
        version, body = produced
        logger.info("plan version %d served as %s", version, fmt.key)
        headers = {**_COMMON_HEADERS, "Content-Disposition": fmt.content_disposition(version)}
        if fmt.key == "html":
            headers["Content-Security-Policy"] = HTML_CSP
        return raw(body, content_type=fmt.content_type, headers=headers)

    return bp


def _produce(plans: PlanStore, hashed_token: str, now: datetime, fmt: Format) -> tuple[int, bytes] | None:
    """(version, file) of the plan version the link was made for; None when the link is
    unknown or expired, or there is no such plan."""
    target = plans.link_target(hashed_token, now)
    if target is None:
        return None
    employee_id, version = target
    stored = plans.latest(employee_id) if version is None else plans.latest(employee_id, before=version + 1)
    if stored is not None and version is not None and stored.version != version:
        return None  # the version it was made for is gone (start over)
    if stored is None:
        return None
    plan = CareerPlan.from_dict(stored.content)
    charts = None
    if fmt.uses_charts:
        cached = plans.charts(employee_id, stored.version)
        if cached is not None:
            charts = formats.charts_from_dict(cached)
        else:
            try:
                charts = formats.render_charts(plan)
            except Exception as error:  # noqa: BLE001 - the plan without its charts beats no plan
                logger.error("charts of plan version %d failed: %s", stored.version, type(error).__name__)
            else:
                plans.store_charts(employee_id, stored.version, charts.to_dict())
    # the HTML page links to its siblings by relative URL: the token is not written into the page
    links = {key: other.filename for key, other in FORMATS.items() if key != "html"} if fmt.key == "html" else None
    body = formats.render(plan, fmt.key, charts=charts, links=links, calendar_uid=calendar_uid(employee_id))
    return stored.version, body
