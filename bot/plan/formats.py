"""The formats a career plan is downloaded in: content type, file names, renderer.

The renderers are imported on first use (bot.plan.markdown, .html, .charts, .calendar, .pdf,
.docx): fpdf2, python-docx and matplotlib cost time to import, and a process that never
renders a PDF never pays for it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from bot.plan.model import CareerPlan

if TYPE_CHECKING:
    from bot.plan.charts import Charts


@dataclass(frozen=True)
class Format:
    key: str  # md | html | pdf | docx | ics
    content_type: str
    extension: str
    attachment: bool  # Content-Disposition: attachment (download) or inline (shown in the browser)
    uses_charts: bool
    renderer: str  # "module:function" under bot.plan

    @property
    def filename(self) -> str:
        """The file name in a plan link: /plan/<token>/career-plan.pdf."""
        return f"career-plan.{self.extension}"

    def download_name(self, version: int) -> str:
        """The name the file is saved under: career-plan-v3.pdf."""
        return f"career-plan-v{version}.{self.extension}"

    def content_disposition(self, version: int) -> str:
        return f'{"attachment" if self.attachment else "inline"}; filename="{self.download_name(version)}"'


FORMATS: Mapping[str, Format] = {
    "md": Format("md", "text/markdown; charset=utf-8", "md", True, False, "markdown:render_markdown"),
    "html": Format("html", "text/html; charset=utf-8", "html", False, True, "html:render_html"),
    "pdf": Format("pdf", "application/pdf", "pdf", True, True, "pdf:render_pdf"),
    "docx": Format(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", True, True,
        "docx:render_docx",
    ),
    "ics": Format("ics", "text/calendar; charset=utf-8", "ics", True, False, "calendar:render_ics"),
}
BY_FILENAME: Mapping[str, Format] = {f.filename: f for f in FORMATS.values()}


def _renderer(spec: str) -> Callable[..., Any]:
    module, function = spec.split(":")
    return getattr(importlib.import_module(f"bot.plan.{module}"), function)


def render_charts(plan: CareerPlan) -> "Charts":
    return _renderer("charts:render_charts")(plan)


def charts_from_dict(data: Mapping[str, Any]) -> "Charts":
    return importlib.import_module("bot.plan.charts").Charts.from_dict(data)


def render(
    plan: CareerPlan,
    fmt: str,
    charts: "Charts | None" = None,
    links: Mapping[str, str] | None = None,
    calendar_uid: str = "",
) -> bytes:
    """The plan in format `fmt` (a key of FORMATS). `charts` go into HTML, PDF and DOCX,
    `links` (format -> URL of the same plan in that format) into HTML, `calendar_uid`
    (stable per person, so that a re-import updates the events) into iCalendar."""
    spec = FORMATS[fmt]
    render_fn = _renderer(spec.renderer)
    if fmt == "md":
        result = render_fn(plan)
    elif fmt == "html":
        result = render_fn(plan, charts=charts, links=dict(links) if links else None)
    elif fmt == "ics":
        result = render_fn(plan, calendar_uid)
    else:
        result = render_fn(plan, charts=charts)
    return result.encode("utf-8") if isinstance(result, str) else bytes(result)
