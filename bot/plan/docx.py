"""The career plan as a Word document (python-docx), for people who want to edit it.

python-docx writes text as text: the person's words ("<script>", "**bold**") stay exactly
as typed. Word picks fonts per script, so the Normal style names an East Asian font as well:
without it Word may show Chinese in a font that lacks it.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.run import Run

from bot.conversation.dates import format_date
from bot.plan.model import NOT_DISCUSSED, CareerPlan, Part

if TYPE_CHECKING:
    from bot.plan.charts import Charts

# Which part shows which chart (keys of Charts.png), as in the PDF: not imported from
# bot.plan.pdf, which would load fpdf2 (0.3 s) for a Word file.
# Microsoft YaHei ships with Windows; Word elsewhere substitutes a CJK font it has.
EAST_ASIAN_FONT = "Microsoft YaHei"
CHART_WIDTH = Cm(15)
_GREY = RGBColor(0x59, 0x59, 0x59)
# XML 1.0 forbids these; lxml refuses them rather than writing a broken file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_docx(plan: CareerPlan, charts: "Charts | None" = None) -> bytes:
    document = Document()
    _set_up(document, plan)
    document.add_heading("Career plan", level=0)
    subtitle = f"Version {plan.version} · {format_date(plan.generated_at.date())}"
    if plan.target_title:
        subtitle += f" · Target occupation: {_xml_safe(plan.target_title)}"
    _grey(document.add_paragraph().add_run(subtitle))
    images = _charts_by_part(plan, charts) if charts is not None else {}
    for part in plan.parts:
        _part(document, part)
        for png, alt_text in images.get(part.number, ()):
            _picture(document, png, alt_text)
    if plan.attribution:
        _grey(document.add_paragraph().add_run(plan.attribution)).font.size = Pt(8)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: DocxDocument, plan: CareerPlan) -> None:
    properties = document.core_properties
    properties.title = "Career plan"
    properties.author = "Waypoint"
    properties.last_modified_by = "Waypoint"
    properties.revision = max(1, plan.version)
    properties.created = plan.generated_at  # the plan's own time: one version, one document
    properties.modified = plan.generated_at
    properties.language = plan.language_hint
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _part(document: DocxDocument, part: Part) -> None:
    document.add_heading(f"{part.number}. {part.title}", level=1)
    if not part.discussed:
        _grey(document.add_paragraph().add_run(NOT_DISCUSSED))
        return
    for item in part.items:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{_xml_safe(item.label)}: ").bold = True
        paragraph.add_run(_xml_safe(item.text))  # "\n" becomes a line break


def _picture(document: DocxDocument, png: bytes, alt_text: str) -> None:
    shape = document.add_picture(BytesIO(png), width=CHART_WIDTH)
    # Screen readers read descr; python-docx has no API for it.
    shape._inline.docPr.set("descr", _xml_safe(alt_text))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _grey(run: Run) -> Run:
    run.font.color.rgb = _GREY
    return run


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _charts_by_part(plan: CareerPlan, charts: "Charts") -> dict[int, list[tuple[bytes, str]]]:
    # Imported here: whoever passes charts has loaded the module already, and a plan without
    # charts needs no matplotlib.
    from bot.plan.charts import charts_by_part

    return charts_by_part(plan, charts)
