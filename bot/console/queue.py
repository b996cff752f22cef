"""The queue page: its sections, filters, paging and live updates.

    GET /console/                 the queue (filters and pages in the query string)
    GET /console/?fragment=1      its sections only, for the page's live update
    GET /console/queue.json       what changed: a signature of the sections, and how many
                                  cases are new and urgent (title and badge)

The page polls queue.json every few seconds and, when the signature changes, fetches its
own sections again (bot/console/static/console.js); nothing personal is in either answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, html, json

from bot.console.casefile import PAGE_SIZE, SECTIONS, QueueSection, closed_section, queue_sections
from bot.console.context import Console, json_api, me
from bot.storage.cases import OPEN_STATUSES, CounselorRecord, QueueEntry, QueueFilter

STATUS_CHOICES = {
    "open": ("Open cases", OPEN_STATUSES),
    "new": ("Waiting for a counselor", ("new",)),
    "assigned": ("Assigned, not yet taken", ("assigned",)),
    "active": ("Taken", ("active",)),
    "closed": ("Closed", ("closed",)),
}
URGENCY_CHOICES = {"any": None, "urgent": True, "not-urgent": False}


@dataclass(frozen=True)
class QueueQuery:
    """The filters as asked for (`chosen`, to show them again) and as the store reads them."""

    chosen: dict[str, str]
    filters: QueueFilter
    pages: dict[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def query_string(self, **changes: str | int) -> str:
        """"?…" with these filters and pages, and `changes` ("" when there is nothing to say)."""
        params = {k: v for k, v in self.chosen.items() if v and v != "any" and not (k == "status" and v == "open")}
        params.update({f"page-{k}": str(v) for k, v in self.pages.items() if v > 1})
        params.update({k: str(v) for k, v in changes.items()})
        params = {k: v for k, v in params.items() if not (k.startswith("page-") and v == "1")}
        return "?" + urlencode(sorted(params.items())) if params else ""

    def link(self, **changes: str | int) -> str:
        return "/console/" + self.query_string(**changes)


def read_query(args: Mapping[str, Any], me: CounselorRecord, counselors: Mapping[int, str],
               channels: Sequence[str]) -> QueueQuery:
    """The queue's filters from a query string; a value that makes no sense is named and left out."""

    def one(name: str) -> str:
        value = args.get(name) or ""  # Sanic's args give the first value; a plain dict of lists, the list
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        return str(value).strip()[:40]

    problems: list[str] = []
    status = one("status") or "open"
    if status not in STATUS_CHOICES:
        problems.append("status")
        status = "open"
    urgency = one("urgency") or "any"
    if urgency not in URGENCY_CHOICES:
        problems.append("urgency")
        urgency = "any"
    counselor = one("counselor") or "any"
    counselor_id, unassigned = None, False
    if counselor == "me":
        counselor_id = me.id
    elif counselor == "none":
        unassigned = True
    elif counselor.isdigit() and int(counselor) in counselors:
        counselor_id = int(counselor)
    elif counselor != "any":
        problems.append("counselor")
        counselor = "any"
    channel = one("channel") or "any"
    if channel != "any" and channel not in channels:
        problems.append("channel")
        channel = "any"
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = one(name)
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems.append(f"{name} date")
            dates[name] = None
    pages = {}
    for key, _ in (*SECTIONS, ("closed", "")):
        raw = one(f"page-{key}")
        if raw.isdigit() and 1 <= int(raw) <= 100_000:
            pages[key] = int(raw)
    opened_from = datetime.combine(dates["from"], time(), timezone.utc) if dates["from"] else None
    opened_before = datetime.combine(dates["to"] + timedelta(days=1), time(), timezone.utc) if dates["to"] else None
    chosen = {"status": status, "urgency": urgency, "counselor": counselor, "channel": channel,
              "from": dates["from"].isoformat() if dates["from"] else "", "to": dates["to"].isoformat() if dates["to"] else ""}
    filters = QueueFilter(STATUS_CHOICES[status][1], URGENCY_CHOICES[urgency], counselor_id, unassigned,
                          None if channel == "any" else channel, opened_from, opened_before)
    return QueueQuery(chosen, filters, pages, tuple(problems))


def signature(sections: Sequence[QueueSection]) -> str:
    """Changes when a case enters, leaves or moves between sections, or its status changes."""
    parts = [f"{s.key}:{s.total}:" + ",".join(f"{r.id}/{r.status}" for r in s.rows) for s in sections]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def add_queue_routes(bp: Blueprint, console: Console) -> None:
    cases = console.case_store

    def build(request: Request) -> tuple[QueueQuery, list[QueueSection], dict[str, int]]:
        names = console.names()
        query = read_query(request.args, me(request), names, cases.channels())
        now = console.clock()
        open_now, _ = cases.queue_entries(QueueFilter())  # every open case: the title's and badge's counts
        if query.filters.statuses == ("closed",):
            page = query.pages.get("closed", 1)
            entries, total = cases.queue_entries(query.filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
            sections = [closed_section(entries, total, page, names, me(request), now)]
        else:
            shown = open_now if query.filters == QueueFilter() else cases.queue_entries(query.filters)[0]
            sections = queue_sections(shown, names, me(request), now, query.pages)
        return query, sections, alerts(open_now)

    @bp.get("/")
    async def queue(request: Request) -> HTTPResponse:
        query, sections, counts = build(request)
        context: dict[str, Any] = dict(query=query, sections=sections, counts=counts, signature=signature(sections),
                                       statuses=STATUS_CHOICES, counselors=console.names(), channels=cases.channels())
        if request.args.get("fragment"):
            return html(console.templates.get_template("queue_sections.html").render(**context))
        return console.page(request, "queue.html", **context)

    @bp.get("/queue.json")
    @json_api
    async def queue_json(request: Request) -> HTTPResponse:
        _, sections, counts = build(request)
        return json({"signature": signature(sections), **counts})


def alerts(open_cases: Sequence[QueueEntry]) -> dict[str, int]:
    """What the title and the badge count: open cases nobody has taken, and the urgent ones among all open."""
    return {
        "new": sum(1 for c in open_cases if c.taken_at is None and c.handed_back_at is None),
        "urgent": sum(1 for c in open_cases if c.urgent and c.handed_back_at is None),
    }
