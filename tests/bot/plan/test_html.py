"""bot.plan.html: the plan as one self-contained, escaped, printable page."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import date
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from bot.plan.charts import Charts, describe, render_charts
from bot.plan.html import render_html
from bot.plan.model import NOT_DISCUSSED, PART_TITLES, CareerPlan, Item, Milestone, Part

SCRIPT = "<script>alert(1)</script>"  # as typed into the answers of the `plan` fixture
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    """Checks that tags nest and close, and collects headings, items and where charts are."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.h2: list[str] = []
        self.items: list[tuple[str, str]] = []
        self.figures: list[tuple[str, str]] = []  # (section id, figure class)
        self.images: list[dict[str, str | None]] = []
        self._section = ""
        self._text: list[str] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self._section = attributes.get("id") or ""
        if tag == "figure":
            self.figures.append((self._section, attributes.get("class") or ""))
        if tag == "img":
            self.images.append(attributes)
        if tag in ("h2", "dt", "dd"):
            self._text = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        text = "".join(self._text or [])
        if tag == "h2":
            self.h2.append(text)
        elif tag == "dt":
            self._label = text
        elif tag == "dd":
            self.items.append((self._label, text))
        if tag in ("h2", "dt", "dd"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def charts(plan) -> Charts:
    return render_charts(plan)


@pytest.fixture(scope="module")
def page(plan, charts) -> str:
    return render_html(plan, charts, {"PDF": "/plans/3.pdf", "Calendar (ICS)": "https://example.org/plan.ics?v=3&x=1"})


def test_the_page_is_well_formed(page):
    parsed = parse(page)
    assert parsed.problems == []
    assert parsed.stack == []
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>Career plan – version 3</title>" in page


def test_the_ten_parts_in_order_with_their_numbers(page):
    titles = [f"{n}. {title}" for n, title in enumerate(PART_TITLES, start=1)]
    assert parse(page).h2 == ["Download this plan"] + titles
    assert [f'id="part-{n}"' in page for n in range(1, 11)] == [True] * 10


def test_every_item_reads_as_the_person_typed_it(plan, page):
    expected = [(item.label, item.text) for part in plan.parts for item in part.items]
    assert parse(page).items == expected


def test_markup_in_answers_is_escaped(plan, page):
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A **clear** plan for my next step" in page
    assert "<strong>" not in page
    for part in plan.parts:
        for item in part.items:
            assert f"<dd>{escape(item.text)}</dd>" in page


def test_a_script_in_a_milestone_title_cannot_become_markup(empty_plan):
    hostile = dataclasses.replace(
        empty_plan,
        parts=empty_plan.parts[:5]
        + (Part(6, PART_TITLES[5], (Item("Short-term goal", SCRIPT),)),)
        + empty_plan.parts[6:],
        milestones=(Milestone("goal", f'Short-term goal: {SCRIPT}"><img src=x onerror=alert(2)>', date(2026, 12, 22)),),
    )
    charts = render_charts(hostile)
    page = render_html(hostile, charts)
    assert "timeline" in charts.svg
    assert "<script" not in charts.svg["timeline"].lower()
    assert "alert" not in charts.svg["timeline"]
    assert "<script" not in page.lower()
    assert "onerror" not in page
    assert parse(page).problems == []


def test_chinese_answers_are_on_the_page(cjk_plan):
    page = render_html(cjk_plan, render_charts(cjk_plan))
    assert ("Expectations", "我想成为一名数据科学家") in parse(page).items
    assert ("Short-term goal", "完成机器学习课程 – by 1 March 2027") in parse(page).items
    assert '"Noto Sans CJK SC", "Droid Sans Fallback", "PingFang SC", "Microsoft YaHei", sans-serif' in page


def test_charts_sit_in_their_parts_with_alt_text(plan, charts, page):
    parsed = parse(page)
    assert parsed.figures == [
        ("part-6", "figure-timeline"),
        ("part-8", "figure-interests"),
        ("part-9", "figure-skills"),
    ]
    alt = describe(plan)
    for key in ("interests", "skills", "timeline"):
        assert f'<svg class="chart" role="img" aria-label="{escape(alt[key])}" ' in page
    assert alt["interests"].startswith("Bar chart of your interest scores from 0 to 40: Realistic 6,")


def test_png_charts_when_there_is_no_svg(plan, charts):
    page = render_html(plan, Charts(svg={}, png=charts.png))
    images = parse(page).images
    assert [image["alt"] for image in images] == [describe(plan)[key] for key in ("timeline", "interests", "skills")]
    assert all((image["src"] or "").startswith("data:image/png;base64,iVBORw0KGgo") for image in images)


def test_an_svg_that_could_run_script_is_not_inlined(plan, charts):
    script_svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    tampered = Charts(svg={"interests": script_svg}, png={})
    page = render_html(plan, tampered)
    assert "<script" not in page.lower()
    assert parse(page).figures == []
    with_png = render_html(plan, Charts(svg=tampered.svg, png={"interests": charts.png["interests"]}))
    assert parse(with_png).figures == [("part-8", "figure-interests")]
    assert "<script" not in with_png.lower()


def test_no_charts_no_figures(plan):
    assert "<figure" not in render_html(plan)
    assert "<svg" not in render_html(plan, Charts(svg={}, png={}))


def test_empty_parts_say_not_discussed(empty_plan):
    page = render_html(empty_plan)
    assert page.count(f'<p class="not-discussed">{escape(NOT_DISCUSSED)}</p>') == 10
    assert "<dl" not in page
    assert "<footer>" not in page  # no O*NET data shown, no attribution
    assert parse(page).problems == []


def test_download_links_are_listed_and_only_safe_ones(plan):
    page = render_html(
        plan,
        links={"PDF": "/plans/3.pdf", "Calendar": "https://example.org/plan.ics?v=3&x=1", "Bad": "javascript:alert(1)"},
    )
    assert '<li><a href="/plans/3.pdf" download>PDF</a></li>' in page
    assert '<li><a href="https://example.org/plan.ics?v=3&amp;x=1" download>Calendar</a></li>' in page
    assert "javascript:" not in page
    assert "Download this plan" not in render_html(plan)


def test_format_keys_get_readable_link_texts(plan):
    page = render_html(plan, links={"pdf": "career-plan.pdf", "ics": "career-plan.ics", "md": "career-plan.md"})
    assert '<li><a href="career-plan.pdf" download>PDF</a></li>' in page
    assert '<li><a href="career-plan.ics" download>Calendar of your dates (iCalendar)</a></li>' in page
    assert '<li><a href="career-plan.md" download>Markdown</a></li>' in page


def test_attribution_footer(page):
    assert "<footer>\n<p>Career information from O*NET 29.3 (USDOL/ETA), used under CC BY 4.0.</p>\n</footer>" in page


def test_self_contained_and_printable(page):
    assert "<link" not in page
    assert not re.search(r'src="https?:', page)
    assert "@import" not in page and "url(http" not in page
    assert "@media print" in page
    assert "nav, .downloads { display: none; }" in page
    assert "#part-6, #part-8 { break-before: page;" in page


@pytest.mark.parametrize(("hint", "lang"), [("zh-CN", "zh-CN"), ("de", "de"), ('en"><script>', "en"), ("", "en")])
def test_lang_attribute(plan, hint, lang):
    assert f'<html lang="{lang}">' in render_html(dataclasses.replace(plan, language_hint=hint))


def test_rendering_with_charts_is_fast(plan, charts):
    times = []
    for _ in range(40):
        start = time.perf_counter()
        render_html(plan, charts, {"PDF": "/plans/3.pdf"})
        times.append(time.perf_counter() - start)
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    assert p95 < 0.05, f"p95 {p95 * 1000:.1f} ms"


def _plan_with_html_in_labels(plan: CareerPlan) -> CareerPlan:
    part = Part(4, PART_TITLES[3], (Item("<i>Label</i>", "x"),))
    return dataclasses.replace(plan, parts=plan.parts[:3] + (part,) + plan.parts[4:])


def test_labels_are_escaped_too(plan):
    page = render_html(_plan_with_html_in_labels(plan))
    assert "<dt>&lt;i&gt;Label&lt;/i&gt;</dt>" in page
