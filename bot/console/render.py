"""HTML for the console: the Jinja2 environment, its filters, and the response headers every
console page carries."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic.response import HTTPResponse, html

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

SECURITY_HEADERS = {
    # Scripts and styles from our own files only: no inline code, so injected markup cannot run.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Case pages hold personal details: no copies in browser or proxy caches.
    "Cache-Control": "no-store",
}


def format_time(moment: datetime | None) -> str:
    """Short and unambiguous: "2026-11-22 14:05 UTC"."""
    return "–" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def format_duration(span: timedelta | None) -> str:
    if span is None:
        return "–"
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def html_templates(folder: Path) -> Environment:
    """Jinja templates for HTML pages: everything someone typed is escaped where it is shown,
    and a missing value is an error, never an empty string."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def make_templates() -> Environment:
    env = html_templates(TEMPLATES)
    env.filters["when"] = format_time
    env.filters["duration"] = format_duration
    return env


def render_page(templates: Environment, name: str, status: int = 200, **context: Any) -> HTTPResponse:
    return html(templates.get_template(name).render(**context), status=status)
