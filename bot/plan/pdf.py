"""The career plan as a PDF (fpdf2): A4, the ten parts in order, the charts in their parts.

fpdf2 draws text as given and interprets no markup: the person's words ("<script>",
"**bold**") appear exactly as typed. Never pass them to `write_html` or to a cell with
`markdown=True`. DejaVu Sans covers Latin, Greek and Cyrillic; Droid Sans Fallback is the
fallback font for the Chinese, Japanese and Korean glyphs DejaVu lacks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from bot.conversation.dates import format_date
from bot.plan.fonts import find_cjk_font, find_latin_font
from bot.plan.model import NOT_DISCUSSED, CareerPlan, Part

if TYPE_CHECKING:
    from bot.plan.charts import Charts

# Which part shows which chart (keys of Charts.png); the same in every format.
_FAMILY = "DejaVu"
_CJK_FAMILY = "DroidFallback"
_GREY = (90, 90, 90)
_MARGIN = 20.0  # mm
_CHART_WIDTH = 150.0  # mm of the 170 between the margins
_BODY_SIZE = 10.5
_LINE = 5.5  # mm per line of body text
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class _ParsedFont:
    template: TTFFont  # never output itself: each document gets a copy
    data: bytes
    glyph_order: tuple[str, ...]
    codepoints: frozenset[int]


@lru_cache(maxsize=None)
def _parsed(path: Path, style: str) -> _ParsedFont:
    # Parsing a font is most of a PDF's cost (the 4 MB CJK font alone ~0.3 s): done once per process.
    template = TTFFont(FPDF(), path, f"cached{style}", style)
    glyph_order = tuple(template.ttfont.getGlyphOrder())
    template.ttfont.close()  # each document reads its own copy of the file's bytes
    return _ParsedFont(template, path.read_bytes(), glyph_order, frozenset(template.cmap))


def preload_fonts() -> None:
    """Parse the fonts now (e.g. when the action server starts) rather than on the first plan."""
    _parsed(find_latin_font(), "")
    _parsed(find_latin_font(bold=True), "B")
    cjk = find_cjk_font()
    if cjk is not None:
        _parsed(cjk, "")


def _add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """`pdf.add_font` from the parsed copy. Only the per-document state is new: the subset of
    glyphs used, and the fontTools object that fpdf2's output subsets in place."""
    parsed = _parsed(path, style)
    font = copy.copy(parsed.template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.ttfont = TTFont(BytesIO(parsed.data), recalcTimestamp=False, lazy=True)
    font.ttfont.setGlyphOrder(list(parsed.glyph_order))  # saves rebuilding 50,000 names from the cmap
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font


class _PlanPDF(FPDF):
    def __init__(self, attribution: str | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._attribution = attribution

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        if self._attribution:
            self.cell(0, 4, self._attribution, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align=Align.C)


def render_pdf(plan: CareerPlan, charts: "Charts | None" = None) -> bytes:
    pdf = _PlanPDF(plan.attribution)
    _set_up(pdf, plan)
    unprintable = _add_fonts(pdf, plan)
    pdf.add_page()
    _title(pdf, plan, unprintable)
    images = _charts_by_part(plan, charts) if charts is not None else {}
    for part in plan.parts:
        _part(pdf, part, unprintable)
        for png, alt_text in images.get(part.number, ()):
            _chart(pdf, png, alt_text)
    return bytes(pdf.output())


def _set_up(pdf: FPDF, plan: CareerPlan) -> None:
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=22)  # room for the two footer lines
    pdf.set_title("Career plan")
    pdf.set_author("Waypoint")
    pdf.set_creator("Waypoint")
    pdf.set_lang(plan.language_hint)
    # The plan's own time, not "now": the same plan version gives the same document.
    pdf.set_creation_date(plan.generated_at)


def _add_fonts(pdf: FPDF, plan: CareerPlan) -> dict[int, str]:
    """Adds the fonts the plan needs; returns what to print instead of the characters no font has
    (U+FFFD, as in the charts: fpdf2 would silently leave them out)."""
    latin = find_latin_font()
    _add_font(pdf, _FAMILY, "", latin)
    _add_font(pdf, _FAMILY, "B", find_latin_font(bold=True))
    lacking = _characters(plan) - _parsed(latin, "").codepoints
    cjk = find_cjk_font() if lacking else None
    # Every font added is embedded, used or not: the CJK font only when it has a character
    # DejaVu lacks. Without the font, Chinese shows as U+FFFD; the rest of the plan still reads.
    if cjk is not None and lacking & _parsed(cjk, "").codepoints:
        _add_font(pdf, _CJK_FAMILY, "", cjk)
        # exact_match=False: bold labels use the regular CJK face, there is no bold one.
        pdf.set_fallback_fonts([_CJK_FAMILY], exact_match=False)
        lacking -= _parsed(cjk, "").codepoints
    return {code: " " if chr(code).isspace() else _REPLACEMENT for code in lacking}


def _texts(plan: CareerPlan) -> Iterator[str]:
    yield plan.target_title or ""
    yield plan.attribution or ""
    for part in plan.parts:
        yield part.title
        for item in part.items:
            yield item.label
            yield item.text


def _characters(plan: CareerPlan) -> set[int]:
    return {ord(ch) for text in _texts(plan) for ch in text if ch != "\n"}


def _title(pdf: FPDF, plan: CareerPlan, unprintable: dict[int, str]) -> None:
    pdf.set_font(_FAMILY, "B", 20)
    pdf.multi_cell(0, 10, "Career plan", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10)
    pdf.set_text_color(*_GREY)
    subtitle = f"Version {plan.version} · {format_date(plan.generated_at.date())}"
    if plan.target_title:
        subtitle += f" · Target occupation: {plan.target_title.translate(unprintable)}"
    pdf.multi_cell(0, 5, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def _part(pdf: FPDF, part: Part, unprintable: dict[int, str]) -> None:
    pdf.ln(4)
    # Keep a heading with its first line rather than alone at the foot of a page.
    if pdf.will_page_break(8 + 2 * _LINE):
        pdf.add_page()
    pdf.set_font(_FAMILY, "B", 13)
    pdf.multi_cell(0, 7, f"{part.number}. {part.title}", border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if not part.discussed:
        pdf.set_font(_FAMILY, "", _BODY_SIZE)
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(0, _LINE, NOT_DISCUSSED, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        return
    for item in part.items:
        # write() flows the bold label and the text as one wrapped paragraph.
        pdf.set_font(_FAMILY, "B", _BODY_SIZE)
        pdf.write(_LINE, f"{item.label}: ".translate(unprintable))
        pdf.set_font(_FAMILY, "", _BODY_SIZE)
        pdf.write(_LINE, item.text.translate(unprintable))
        pdf.ln(_LINE + 1.5)


def _chart(pdf: FPDF, png: bytes, alt_text: str) -> None:
    pdf.ln(2)
    pdf.image(BytesIO(png), x=Align.C, w=_CHART_WIDTH, alt_text=alt_text)
    pdf.ln(2)


def _charts_by_part(plan: CareerPlan, charts: "Charts") -> dict[int, list[tuple[bytes, str]]]:
    # Imported here: whoever passes charts has loaded the module already, and a plan without
    # charts needs no matplotlib.
    from bot.plan.charts import charts_by_part

    return charts_by_part(plan, charts)
