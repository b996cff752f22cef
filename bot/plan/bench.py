"""Speed of the plan document (issue 5 targets, printed by `make bench`): Markdown and HTML
for a complete plan p95 < 50 ms each; all formats with their charts < 1.5 s together."""

from __future__ import annotations

import statistics

from bot.careers.bench import percentile, timed
from bot.plan.calendar import render_ics
from bot.plan.charts import render_charts
from bot.plan.docx import render_docx
from bot.plan.html import render_html
from bot.plan.markdown import render_markdown
from bot.plan.model import CareerPlan
from bot.plan.pdf import render_pdf


def all_formats(plan: CareerPlan) -> None:
    charts = render_charts(plan)
    render_markdown(plan)
    render_html(plan, charts)
    render_pdf(plan, charts)
    render_docx(plan, charts)
    render_ics(plan, "bench")


def report(plan: CareerPlan, runs: int = 200) -> None:
    charts = render_charts(plan)  # cached per plan version by the web server
    markdown = timed(lambda: render_markdown(plan), runs)
    html = timed(lambda: render_html(plan, charts), runs)
    first = timed(lambda: all_formats(plan), 1)[0]
    together = timed(lambda: all_formats(plan), 5)
    print("Career plan document (a complete plan, three charts):")
    print(f"  Markdown: p50 {statistics.median(markdown):.1f} ms, p95 {percentile(markdown, 0.95):.1f} ms (target p95 < 50 ms)")
    print(f"  HTML with its charts: p50 {statistics.median(html):.1f} ms, p95 {percentile(html, 0.95):.1f} ms (target p95 < 50 ms)")
    print(
        f"  all formats with charts drawn (MD, HTML, PDF, DOCX, iCalendar): median {statistics.median(together):.0f} ms,"
        f" max {max(together):.0f} ms, first run {first:.0f} ms (target < 1.5 s)"
    )
