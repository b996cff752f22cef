"""The PDF plan (bot.plan.pdf), read back with pypdf: what a person sees, and what a screen
reader or a search finds, is the text of the plan in the order of its ten parts."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from bot.plan import pdf as pdf_module
from bot.plan.charts import Charts, render_charts
from bot.plan.model import NOT_DISCUSSED, PART_TITLES, CareerPlan, Item, Part
from bot.plan.pdf import render_pdf

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def charts(plan: CareerPlan) -> Charts:
    return render_charts(plan)


@pytest.fixture(scope="module")
def plan_pdf(plan: CareerPlan, charts: Charts) -> bytes:
    return render_pdf(plan, charts)


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


_FOOTER = re.compile(r"^(Page \d+ of \d+|Career information from O\*NET .*)$")


def _text(data: bytes) -> str:
    """The extracted text without the page footers (which interrupt a paragraph that goes on
    over a page break), each run of white space as one space: lines wrap at spaces."""
    lines = [line for page in _reader(data).pages for line in page.extract_text().splitlines()]
    return " ".join(" ".join(line for line in lines if not _FOOTER.match(line.strip())).split())


def _font_names(data: bytes) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in _reader(data).pages
        for font in page["/Resources"]["/Font"].values()
    }


def _with_item(plan: CareerPlan, number: int, item: Item) -> CareerPlan:
    parts = list(plan.parts)
    parts[number - 1] = Part(number, parts[number - 1].title, parts[number - 1].items + (item,))
    return dataclasses.replace(plan, parts=tuple(parts))


def test_a_pdf_with_metadata(plan_pdf: bytes) -> None:
    assert plan_pdf.startswith(b"%PDF-")
    reader = _reader(plan_pdf)
    assert len(reader.pages) >= 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Career plan"
    assert reader.metadata.author == "Waypoint"
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def test_title_version_and_the_ten_parts_in_order(plan: CareerPlan, plan_pdf: bytes) -> None:
    text = _text(plan_pdf)
    assert text.startswith(f"Career plan Version {plan.version} · 22 November 2026")
    positions = [text.find(f"{n}. {title}") for n, title in enumerate(PART_TITLES, start=1)]
    assert -1 not in positions, positions
    assert positions == sorted(positions)


def test_every_item_is_label_and_the_persons_words(plan: CareerPlan, plan_pdf: bytes) -> None:
    text = _text(plan_pdf)
    items = [item for part in plan.parts for item in part.items]
    assert len(items) > 20
    for item in items:
        assert " ".join(f"{item.label}: {item.text}".split()) in text


def test_markup_is_printed_as_typed(plan_pdf: bytes) -> None:
    text = _text(plan_pdf)
    assert f"Senior accountant {SCRIPT}" in text
    assert "A **clear** plan for my next step" in text
    assert "[the intranet](http://evil.example)" in text
    assert "I hold the *certificate*" in text


def test_one_image_per_chart(charts: Charts, plan_pdf: bytes) -> None:
    assert set(charts.png) == {"interests", "skills", "timeline"}
    images = [image for page in _reader(plan_pdf).pages for image in page.images]
    assert len(images) >= len(charts.png)


def test_charts_sit_in_their_parts(plan_pdf: bytes) -> None:
    # Part 6 (timeline) and parts 8–9 (interests, skills) each have a chart on the page where
    # the part starts or the next one; parts without charts have none in between.
    pages = [(" ".join(page.extract_text().split()), len(page.images)) for page in _reader(plan_pdf).pages]

    def page_of(number: int) -> int:
        return next(i for i, (text, _) in enumerate(pages) if f"{number}. {PART_TITLES[number - 1]}" in text)

    assert sum(count for _, count in pages[page_of(1): page_of(6)]) == 0
    assert sum(count for _, count in pages[page_of(6): page_of(7) + 1]) >= 1
    assert sum(count for _, count in pages[page_of(8):]) >= 2


def test_without_charts_no_images(plan: CareerPlan) -> None:
    data = render_pdf(plan)
    assert sum(len(page.images) for page in _reader(data).pages) == 0
    assert "1. Basic information" in _text(data)


def test_parts_not_discussed_say_so(empty_plan: CareerPlan) -> None:
    data = render_pdf(empty_plan, render_charts(empty_plan))
    text = _text(data)
    assert text.count(NOT_DISCUSSED) == 10
    for number, title in enumerate(PART_TITLES, start=1):
        assert f"{number}. {title}" in text


def test_chinese_is_drawn_with_the_fallback_font_and_extractable(cjk_plan: CareerPlan) -> None:
    data = render_pdf(cjk_plan, render_charts(cjk_plan))
    text = "".join(_text(data).split())  # Chinese wraps anywhere, not only at spaces
    for words in ("我想成为一名数据科学家", "软件工程师", "完成机器学习课程", "拿到课程证书", "每周学习十小时"):
        assert words in text
    assert "Expectations:" in text
    assert any("DroidSansFallback" in name for name in _font_names(data))
    assert text.count("".join(NOT_DISCUSSED.split())) == 4  # parts 2-5


def test_the_cjk_font_is_embedded_only_when_needed(plan_pdf: bytes) -> None:
    # An English plan does not carry the 4 MB font's subset, nor pay for subsetting it.
    assert not any("Droid" in name for name in _font_names(plan_pdf))


def test_without_a_cjk_font_chinese_becomes_a_replacement_character(
    cjk_plan: CareerPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_module, "find_cjk_font", lambda: None)
    text = _text(render_pdf(cjk_plan))
    assert "Current role: \ufffd\ufffd\ufffd\ufffd\ufffd" in text
    assert "1. Basic information" in text


def test_characters_no_font_has_are_replaced_not_dropped(plan: CareerPlan) -> None:
    text = _text(render_pdf(_with_item(plan, 1, Item("Motto", "Aim high 🚀 and keep going"))))
    assert "Motto: Aim high \ufffd and keep going" in text


def test_long_answers_wrap_and_nothing_is_cut_off(plan: CareerPlan) -> None:
    long_answer = " ".join(f"word{n}" for n in range(400))
    unbroken = "x" * 300  # no space to wrap at: broken inside the word
    chinese = "我想成为一名数据科学家" * 30
    data = render_pdf(_with_item(plan, 3, Item("Notes", f"{long_answer} {unbroken} {chinese} the end")))
    text = _text(data)
    assert long_answer in text
    assert unbroken in text.replace(" ", "")
    assert chinese in "".join(text.split())
    assert "the end" in text
    # Every line stays between the margins.
    widths = [max(len(line) for line in page.extract_text().splitlines()) for page in _reader(data).pages]
    assert max(widths) < 120


def test_answers_with_line_breaks_keep_them(plan: CareerPlan) -> None:
    data = render_pdf(_with_item(plan, 4, Item("Opportunities", "first line\nsecond line")))
    raw = "\n".join(page.extract_text() for page in _reader(data).pages)
    # the footer of a page break may fall between the two lines: read the text without it
    body = re.sub(r"Career information from O\*NET[^\n]*\nPage \d+ of \d+\n", "", raw)
    assert re.search(r"Opportunities: first line\s*\n\s*second line", body)


def test_attribution_and_page_numbers_in_the_footer(plan: CareerPlan, plan_pdf: bytes, empty_plan: CareerPlan) -> None:
    assert plan.attribution
    pages = [" ".join(page.extract_text().split()) for page in _reader(plan_pdf).pages]
    for number, page in enumerate(pages, start=1):
        assert plan.attribution in page
        assert f"Page {number} of {len(pages)}" in page
    empty = " ".join(page.extract_text() for page in _reader(render_pdf(empty_plan)).pages)
    assert "O*NET" not in empty
    assert "Page 1 of 1" in empty


def test_the_same_plan_gives_the_same_bytes(plan: CareerPlan, charts: Charts, plan_pdf: bytes) -> None:
    # Also shows that the fonts parsed once per process survive being output (fpdf2 subsets
    # the font objects in place).
    assert render_pdf(plan, charts) == plan_pdf
