"""The Word plan (bot.plan.docx), read back with python-docx: the ten parts as headings,
the person's words as plain text, the charts as pictures with alt text."""

from __future__ import annotations

import dataclasses
import io

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm

from bot.plan.charts import Charts, describe, render_charts
from bot.plan.docx import EAST_ASIAN_FONT, render_docx
from bot.plan.model import CHART_PARTS
from bot.plan.model import NOT_DISCUSSED, PART_TITLES, CareerPlan, Item, Part

SCRIPT = "<script>alert(1)</script>"
HEADINGS = [f"{n}. {title}" for n, title in enumerate(PART_TITLES, start=1)]


@pytest.fixture(scope="module")
def charts(plan: CareerPlan) -> Charts:
    return render_charts(plan)


@pytest.fixture(scope="module")
def document(plan: CareerPlan, charts: Charts) -> DocxDocument:
    return _read(render_docx(plan, charts))


def _read(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def _texts(document: DocxDocument) -> list[str]:
    return [p.text for p in document.paragraphs]


def _part_paragraphs(document: DocxDocument, number: int) -> list[str]:
    """The paragraphs between part `number`'s heading and the next heading."""
    texts = _texts(document)
    start = texts.index(HEADINGS[number - 1]) + 1
    end = texts.index(HEADINGS[number]) if number < len(HEADINGS) else len(texts)
    return texts[start:end]


def test_a_word_document_with_properties(plan: CareerPlan) -> None:
    data = render_docx(plan)
    assert data.startswith(b"PK")  # a zip package
    properties = _read(data).core_properties
    assert properties.title == "Career plan"
    assert properties.author == "Waypoint"
    assert properties.created is not None and properties.created.date() == plan.generated_at.date()


def test_title_and_the_ten_parts_as_heading_1(plan: CareerPlan, document: DocxDocument) -> None:
    first = document.paragraphs[0]
    assert (first.style.name, first.text) == ("Title", "Career plan")
    assert document.paragraphs[1].text.startswith(f"Version {plan.version} · 22 November 2026")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS


def test_items_are_bold_label_and_the_persons_words(plan: CareerPlan, document: DocxDocument) -> None:
    for part in plan.parts:
        paragraphs = [p for p in document.paragraphs if p.text in {f"{i.label}: {i.text}" for i in part.items}]
        assert [p.text for p in paragraphs] == [f"{i.label}: {i.text}" for i in part.items]
        for paragraph, item in zip(paragraphs, part.items):
            label, words = paragraph.runs[0], paragraph.runs[1]
            assert (label.text, label.bold) == (f"{item.label}: ", True)
            assert (words.text, words.bold) == (item.text, None)


def test_markup_is_plain_text(document: DocxDocument) -> None:
    texts = _texts(document)
    assert f"Current role: Senior accountant {SCRIPT}" in texts
    assert "Expectations: A **clear** plan for my next step" in texts
    assert any("[the intranet](http://evil.example)" in text for text in texts)


def test_parts_not_discussed_say_so(empty_plan: CareerPlan) -> None:
    document = _read(render_docx(empty_plan, render_charts(empty_plan)))
    for number in range(1, 11):
        assert _part_paragraphs(document, number) == [NOT_DISCUSSED]
    assert not document.inline_shapes


def test_charts_are_pictures_with_alt_text_in_their_parts(
    plan: CareerPlan, charts: Charts, document: DocxDocument
) -> None:
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(charts.png) == 3
    alt_texts = describe(plan)
    assert [shape._inline.docPr.get("descr") for shape in shapes] == [
        alt_texts["timeline"], alt_texts["interests"], alt_texts["skills"]
    ]
    for shape in shapes:
        assert shape.width == pytest.approx(Cm(15), rel=0.01)
    # Each picture's paragraph follows its part's items, before the next heading.
    body = [(p.style.name, p.text, bool(p._element.xpath(".//pic:pic"))) for p in document.paragraphs]
    for key, number in CHART_PARTS.items():
        start = body.index(("Heading 1", HEADINGS[number - 1], False))
        end = body.index(("Heading 1", HEADINGS[number], False)) if number < 10 else len(body)
        assert sum(has_picture for _, _, has_picture in body[start:end]) == 1, key


def test_without_charts_no_pictures(plan: CareerPlan) -> None:
    assert not _read(render_docx(plan)).inline_shapes


def test_chinese_text_and_an_east_asian_font(cjk_plan: CareerPlan) -> None:
    document = _read(render_docx(cjk_plan, render_charts(cjk_plan)))
    texts = _texts(document)
    assert "Expectations: 我想成为一名数据科学家" in texts
    assert "Current role: 软件工程师" in texts
    assert _part_paragraphs(document, 2) == [NOT_DISCUSSED]
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
    assert len(document.inline_shapes) == 1  # the timeline


def test_attribution_only_with_onet_data(plan: CareerPlan, document: DocxDocument, empty_plan: CareerPlan) -> None:
    assert plan.attribution
    assert _texts(document)[-1] == plan.attribution
    assert not any("O*NET" in text for text in _texts(_read(render_docx(empty_plan))))


def test_line_breaks_and_characters_xml_forbids(plan: CareerPlan) -> None:
    # A plan stored by an older version (from_dict) may hold control characters that
    # clean_answer would now remove: lxml refuses them, so the renderer drops them.
    parts = list(plan.parts)
    parts[3] = Part(4, parts[3].title, (Item("Opportunities", "first line\nsecond\x00 line\x0b"),))
    document = _read(render_docx(dataclasses.replace(plan, parts=tuple(parts))))
    assert _part_paragraphs(document, 4) == ["Opportunities: first line\nsecond line"]
