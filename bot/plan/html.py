"""The career plan as one self-contained HTML page (Jinja2, templates/plan.html): inline CSS,
no external fonts or scripts, readable on a phone, printable, charts in their parts.

Everything the person said is escaped by autoescape. The only markup let through unescaped
is chart SVG, which matplotlib generates from our data: text in it is drawn as glyph paths
and the escaped text comments are removed (bot.plan.charts), and `_inline_svg` refuses any
SVG that could run script, in case a cached chart was tampered with.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from bot.conversation.dates import format_date
from bot.plan.model import CHART_PARTS, NOT_DISCUSSED, CareerPlan

if TYPE_CHECKING:
    from bot.plan.charts import Charts

TEMPLATES = Path(__file__).parent / "templates"
# Which part shows which chart (keys of Charts), as in the PDF and DOCX.
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    auto_reload=False,
)
_TEMPLATE = _ENV.get_template("plan.html")
_ENV.get_template("plan.css")  # compiled now, not on the first request
_UNSAFE_SVG = re.compile(r"<script|<foreignobject|<iframe|\son[a-z]+\s*=|javascript:|<!\[cdata\[", re.I)
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_LINK_SCHEMES = ("", "http", "https")
# Link texts for the format keys of bot.plan.formats; other names are shown as given.
LINK_NAMES: Mapping[str, str] = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "md": "Markdown",
    "ics": "Calendar of your dates (iCalendar)",
    "html": "Web page",
}


@dataclass(frozen=True)
class _Chart:
    key: str
    alt: str
    svg: Markup | None
    png: str | None  # base64


def render_html(plan: CareerPlan, charts: Charts | None = None, links: Mapping[str, str] | None = None) -> str:
    """The plan as an HTML page; `charts` pre-rendered (render_charts), `links`: format (key or name) -> URL."""
    generated = plan.generated_at
    return _TEMPLATE.render(
        plan=plan,
        lang=plan.language_hint if _LANG.match(plan.language_hint or "") else "en",
        generated=format_date(generated.date()),
        generated_iso=generated.isoformat(),
        not_discussed=NOT_DISCUSSED,
        charts=_charts_by_part(plan, charts),
        links=[(LINK_NAMES.get(name, name), url) for name, url in (links or {}).items() if _safe_link(url)],
    )


def _charts_by_part(plan: CareerPlan, charts: Charts | None) -> dict[int, list[_Chart]]:
    if charts is None or not (charts.svg or charts.png):
        return {}
    # Imported here: a page without charts needs no matplotlib.
    from bot.plan.charts import describe

    alt = describe(plan)
    by_part: dict[int, list[_Chart]] = {}
    for key, part in CHART_PARTS.items():
        text = alt.get(key) or f"{key.capitalize()} chart"
        svg = _inline_svg(charts.svg[key], text) if key in charts.svg else None
        png = base64.b64encode(charts.png[key]).decode("ascii") if svg is None and key in charts.png else None
        if svg is not None or png is not None:
            by_part.setdefault(part, []).append(_Chart(key, text, svg, png))
    return by_part


def _inline_svg(svg: str, alt: str) -> Markup | None:
    """The chart's SVG as markup with its alt text, or None when it is not plain matplotlib output."""
    svg = svg.strip()
    if not svg.startswith("<svg ") or _UNSAFE_SVG.search(svg):
        return None
    return Markup(svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{escape(alt)}" ', 1))


def _safe_link(url: str) -> bool:
    try:
        return urlsplit(url.strip()).scheme.lower() in _LINK_SCHEMES
    except ValueError:
        return False
