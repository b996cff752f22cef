"""A person's data export: GET /export/<token>/your-data.html (the readable page) and
/export/<token>/waypoint-data.json on the project's web server.

Like a plan link (bot/plan/web.py): an unknown, expired or malformed token and an unknown
file name all get the same plain 404; the token is never logged; responses are neither
cached nor sent on as a referrer. The copy is made when the link is opened; if Rasa cannot
give the transcript just then, the answer is 503 (a copy without it would not be complete).
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
from sanic.response import HTTPResponse, html, raw, text

from bot.console.gateway import ConversationGateway, GatewayError
from bot.plan.service import token_hash
from bot.privacy import export
from bot.storage.personal import PersonalDataStore

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_blueprint_numbers = itertools.count(1)
NOT_FOUND = "Not found. This link may have expired: ask the assistant for a new one (say “export my data”)."
UNAVAILABLE = "Your copy can't be made just now. Please try again in a few minutes."
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def export_blueprint(
    store: PersonalDataStore, gateway: ConversationGateway, retention_days: int, clock: Callable[[], datetime]
) -> Blueprint:
    bp = Blueprint(f"data_exports_{next(_blueprint_numbers)}")

    async def document(token: str) -> dict | HTTPResponse:
        if not _TOKEN.fullmatch(token):
            return text(NOT_FOUND, status=404, headers=dict(_HEADERS))
        now = clock()
        owner = await asyncio.to_thread(store.export_link_owner, token_hash(token), now)
        if owner is None:
            return text(NOT_FOUND, status=404, headers=dict(_HEADERS))
        try:
            said = await gateway.conversation(owner.sender_id)
        except GatewayError as error:
            logger.error("data export: %s", error)  # the gateway's errors carry no token and no text
            return text(UNAVAILABLE, status=503, headers=dict(_HEADERS))
        records = await asyncio.to_thread(store.collect, owner.channel, owner.sender_id)
        transcript = [export.TranscriptLine(line.author, line.text, line.at) for line in said]
        logger.info("data export served")
        return export.build(records, transcript, now, retention_days)

    @bp.get("/export/<token:str>/<filename:str>")
    async def download(request: Request, token: str, filename: str) -> HTTPResponse:
        if filename not in (export.PAGE_FILENAME, export.JSON_FILENAME):
            return text(NOT_FOUND, status=404, headers=dict(_HEADERS))
        built = await document(token)
        if isinstance(built, HTTPResponse):
            return built
        if filename == export.PAGE_FILENAME:
            return html(export.to_html(built), headers={**_HEADERS, "Content-Security-Policy": PAGE_CSP})
        return raw(
            export.to_json(built), content_type="application/json; charset=utf-8",
            headers={**_HEADERS, "Content-Disposition": f'attachment; filename="{export.JSON_FILENAME}"'},
        )

    return bp
