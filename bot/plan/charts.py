"""The plan's charts (matplotlib's object-oriented API: no pyplot, so no global figure state to
share between requests): the interest profile (part 8), the skills gap (part 9) and the
timeline of goals, action steps and reviews (part 6), each as SVG (for HTML) and PNG (for
PDF and DOCX).

Fonts: matplotlib 3.5 (Rasa 3.6 pins matplotlib < 3.6) has no per-glyph font fallback, and
Droid Sans Fallback has no Latin letters. So every text is split into runs of one font –
DejaVu Sans where it has the glyph, Droid Sans Fallback for Chinese, Japanese and Korean –
and mixed runs are laid out side by side. Characters neither font has become U+FFFD, so a
chart never shows an empty box or warns about a missing glyph.

SVG text is drawn as paths (matplotlib's default `svg.fonttype`), so a chart looks the same
without the fonts installed, and the person's words appear in the SVG only as escaped
comments, which `_clean_svg` removes.
"""

from __future__ import annotations

import base64
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Mapping, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import LOAD_NO_HINTING, FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation, Transform, blended_transform_factory

from bot.conversation.dates import format_date
from bot.plan.fonts import find_cjk_font
from bot.plan.model import CHART_PARTS, RIASEC_NAMES, RIASEC_ORDER, CareerPlan, Milestone

WIDTH = 6.4  # inches
DPI = 100
MAX_INTEREST = 40  # O*NET Interest Profiler: 0-40 per area
MAX_LEVEL = 7  # O*NET level scale
_REPLACEMENT = "\ufffd"

# Okabe–Ito colours (readable with colour-blindness); shapes differ too, so colour is never the only cue.
_HIGHLIGHT = "#0072B2"
_MUTED = "#B9C6D3"
_NEEDED = "#9AA5B1"
_TEXT = "#222222"
_GRID = "#DDDDDD"
_MILESTONE_STYLE: Mapping[str, tuple[str, str, str]] = {
    # kind: (marker, colour, legend label)
    "goal": ("D", "#D55E00", "Goal deadline"),
    "step": ("o", "#0072B2", "Action step"),
    "review": ("s", "#009E73", "Plan review"),
}
_KIND_WORDS: Mapping[str, tuple[str, str]] = {
    "goal": ("goal deadline", "goal deadlines"),
    "step": ("action step", "action steps"),
    "review": ("plan review", "plan reviews"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MEASURE_LOCK = threading.Lock()
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REF = re.compile(r'(xlink:href="#|href="#|url\(#)')


@dataclass(frozen=True)
class Charts:
    """Rendered charts by key ("interests", "skills", "timeline"); a key is absent when the plan has no data for it."""

    svg: Mapping[str, str]
    png: Mapping[str, bytes]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (PNG as base64), to cache the charts with their plan version."""
        return {
            "svg": dict(self.svg),
            "png": {key: base64.b64encode(data).decode("ascii") for key, data in self.png.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Charts":
        return cls(
            svg=dict(data.get("svg") or {}),
            png={key: base64.b64decode(text) for key, text in (data.get("png") or {}).items()},
        )


# ---- fonts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    latin_path: str
    latin_bold_path: str
    cjk_path: str | None
    latin_chars: frozenset[int]
    cjk_chars: frozenset[int]


@lru_cache(maxsize=1)
def _fonts() -> _Fonts:
    # Fonts by file, not by family name: a family list gives no per-glyph fallback in matplotlib 3.5, and
    # matplotlib's own copy of DejaVu Sans is always there.
    latin_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    latin = str(latin_dir / "DejaVuSans.ttf")
    cjk = find_cjk_font()
    cjk_path = str(cjk) if cjk else None
    return _Fonts(
        latin_path=latin,
        latin_bold_path=str(latin_dir / "DejaVuSans-Bold.ttf"),
        cjk_path=cjk_path,
        latin_chars=frozenset(FT2Font(latin).get_charmap()),
        cjk_chars=frozenset(FT2Font(cjk_path).get_charmap()) if cjk_path else frozenset(),
    )


def _font(cjk: bool, size: float, bold: bool = False) -> FontProperties:
    fonts = _fonts()
    if cjk and fonts.cjk_path:
        return FontProperties(fname=fonts.cjk_path, size=size)  # Droid has no bold face
    return FontProperties(fname=fonts.latin_bold_path if bold else fonts.latin_path, size=size)


def text_runs(text: str) -> list[tuple[str, bool]]:
    """The text split into (run, is_cjk) by the font that has its glyphs; characters no font has become U+FFFD."""
    fonts = _fonts()
    runs: list[tuple[str, bool]] = []
    for char in text:
        code = ord(char)
        if code in fonts.latin_chars or char.isspace():
            cjk = False if not runs else (runs[-1][1] and char.isspace())  # spaces stay with the run they are in
        elif code in fonts.cjk_chars:
            cjk = True
        else:
            char, cjk = _REPLACEMENT, False
        if runs and runs[-1][1] == cjk:
            runs[-1] = (runs[-1][0] + char, cjk)
        else:
            runs.append((char, cjk))
    return runs


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` columns (wide CJK characters count two), cut with an ellipsis."""
    line = " ".join(text.split())
    if _width(line) <= limit:
        return line
    kept, used = [], 0
    for char in line:
        used += _width(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _draw_text(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    transform: Transform,
    *,
    size: float,
    ha: str = "left",
    va: str = "center",
    bold: bool = False,
    color: str = _TEXT,
) -> None:
    """Text in as many fonts as it needs. Latin-only text is a plain Text; text with CJK is drawn as glyph
    outlines, run by run: a Text in Droid Sans Fallback would warn about the glyphs of "lp" that matplotlib
    3.5 measures every font with, and one Text cannot mix fonts."""
    runs = text_runs(text)
    if not any(cjk for _run, cjk in runs):
        ax.text(x, y, "".join(run for run, _cjk in runs), transform=transform, ha=ha, va=va, color=color,
                fontproperties=_font(False, size, bold), clip_on=False)
        return
    paths, offset = [], 0.0
    for run, cjk in runs:
        paths.append(TextPath((offset, 0.0), run, prop=_font(cjk, size, bold)))
        offset += _advance(run, cjk, bold, size)
    dx = {"left": 0.0, "center": -offset / 2, "right": -offset}[ha]
    dy = {"baseline": 0.0, "bottom": 0.22 * size, "center": -0.36 * size, "top": -0.8 * size}[va]
    # Points from the anchor, then display pixels at whatever dpi the figure is saved with.
    to_display = (
        Affine2D().translate(dx, dy).scale(1 / 72) + ax.figure.dpi_scale_trans + ScaledTranslation(x, y, transform)
    )
    for path in paths:
        ax.add_artist(PathPatch(path, transform=to_display, facecolor=color, edgecolor="none", clip_on=False))


@lru_cache(maxsize=4)
def _ft2font(path: str) -> FT2Font:
    return FT2Font(path)


def _advance(run: str, cjk: bool, bold: bool, size: float) -> float:
    """Advance width of a run in points (spaces included, unlike a glyph bounding box)."""
    fonts = _fonts()
    path = fonts.cjk_path if cjk and fonts.cjk_path else (fonts.latin_bold_path if bold else fonts.latin_path)
    with _MEASURE_LOCK:  # an FT2Font keeps its size and last glyph: one user at a time
        font = _ft2font(path)
        font.set_size(size, 72)
        return sum(font.load_char(ord(char), flags=LOAD_NO_HINTING).linearHoriAdvance for char in run) / 65536


def _style_axes(ax: Axes, size: float = 8) -> None:
    # New ticks copy the first tick's text properties, so date ticks made at draw time get the font too.
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(_font(False, size))
    ax.tick_params(colors=_TEXT, labelsize=size)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _title(figure: Figure, ax: Axes, text: str) -> None:
    height = figure.get_figheight()
    _draw_text(ax, 0.015, 1 - 0.1 / height, text, figure.transFigure, size=10.5, bold=True, va="top")


def _legend(figure: Figure, ax: Axes, **kwargs: Any) -> None:
    """A one-line legend in the top right corner, beside the title."""
    height = figure.get_figheight()
    ax.legend(loc="upper right", bbox_to_anchor=(0.985, 1 - 0.3 / height), bbox_transform=figure.transFigure,
              frameon=False, prop=_font(False, 8), borderaxespad=0, handletextpad=0.4, **kwargs)


def _axis_label(ax: Axes, axis: str, text: str) -> None:
    setter = ax.set_xlabel if axis == "x" else ax.set_ylabel
    setter(text, fontproperties=_font(False, 8.5), color=_TEXT)


# ---- the charts ---------------------------------------------------------------------------


def render_charts(plan: CareerPlan) -> Charts:
    """Every chart the plan has data for, as SVG and PNG."""
    svg: dict[str, str] = {}
    png: dict[str, bytes] = {}
    for key, figure in _figures(plan).items():
        svg[key], png[key] = _save(figure, key)
    return Charts(svg=svg, png=png)


def _figures(plan: CareerPlan) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    if plan.interest_profile is not None and plan.interest_profile.scores:
        figures["interests"] = _interests(plan.interest_profile.code, plan.interest_profile.scores)
    if plan.skill_gaps:
        figures["skills"] = _skills(plan)
    if plan.milestones:
        figures["timeline"] = _timeline(plan.milestones)
    return figures


def _new_figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _interests(code: str, scores: Mapping[str, float]) -> Figure:
    figure, ax = _new_figure(3.2)
    figure.subplots_adjust(left=0.1, right=0.98, top=1 - 0.6 / 3.2, bottom=0.62 / 3.2)
    values = [float(scores.get(letter, 0.0)) for letter in RIASEC_ORDER]
    highlighted = [letter in code for letter in RIASEC_ORDER]
    xs = range(len(RIASEC_ORDER))
    ax.bar(xs, values, width=0.65, color=[_HIGHLIGHT if h else _MUTED for h in highlighted], zorder=2)
    for x, value, letter, high in zip(xs, values, RIASEC_ORDER, highlighted):
        ax.text(x, value + 0.8, f"{value:g}", ha="center", va="bottom", color=_TEXT,
                fontproperties=_font(False, 8, bold=high))
        if high and value >= 4:
            ax.text(x, value - 0.8, letter, ha="center", va="top", color="white", fontproperties=_font(False, 9, True))
    ax.set_ylim(0, MAX_INTEREST)
    ax.set_yticks(range(0, MAX_INTEREST + 1, 10))
    ax.set_xticks(list(xs))
    ax.set_xticklabels([RIASEC_NAMES[letter] for letter in RIASEC_ORDER])
    ax.yaxis.grid(True, color=_GRID, zorder=0)
    _style_axes(ax)
    for label, high in zip(ax.get_xticklabels(), highlighted):
        label.set_fontproperties(_font(False, 8, bold=high))
    _axis_label(ax, "y", "Score (0–40)")
    _axis_label(ax, "x", "Interest area (your Holland code in dark blue)")
    _title(figure, ax, f"Interest profile – Holland code {code}")
    return figure


def _skills(plan: CareerPlan) -> Figure:
    gaps = plan.skill_gaps
    figure, ax = _new_figure(max(2.4, 1.15 + 0.42 * len(gaps)))
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.36, right=0.97, top=1 - 0.6 / height, bottom=0.55 / height)
    ys = list(range(len(gaps)))
    needed = [g.required_level for g in gaps]
    own = [0.0 if g.self_level is None else float(g.self_level) for g in gaps]
    ax.barh([y - 0.19 for y in ys], needed, height=0.36, color=_NEEDED, label="Level needed", zorder=2)
    ax.barh([y + 0.19 for y in ys], own, height=0.36, color=_HIGHLIGHT, label="Your level", zorder=2)
    for y, gap, mine in zip(ys, gaps, own):
        ax.text(gap.required_level + 0.08, y - 0.19, f"{gap.required_level:.1f}", va="center", color=_TEXT,
                fontproperties=_font(False, 7.5))
        words = "not rated" if gap.self_level is None else f"{gap.self_level}"
        ax.text(mine + 0.08, y + 0.19, words, va="center", color=_TEXT, fontproperties=_font(False, 7.5))
    ax.set_xlim(0, MAX_LEVEL)
    ax.set_xticks(range(MAX_LEVEL + 1))
    ax.set_ylim(len(gaps) - 0.5, -0.5)  # first skill at the top, as given
    ax.set_yticks(ys)
    ax.set_yticklabels([])
    ax.xaxis.grid(True, color=_GRID, zorder=0)
    _style_axes(ax)
    labels = blended_transform_factory(ax.transAxes, ax.transData)
    for y, gap in zip(ys, gaps):
        _draw_text(ax, -0.02, y, shorten(gap.skill, 34), labels, size=8, ha="right")
    _axis_label(ax, "x", "Level on O*NET's 0–7 scale")
    _legend(figure, ax, ncol=2)
    target = shorten(plan.target_title, 40) if plan.target_title else "the target role"
    _title(figure, ax, f"Skills gap – {target}")
    return figure


def _timeline(milestones: Sequence[Milestone]) -> Figure:
    figure, ax = _new_figure(max(2.4, min(7.5, 1.2 + 0.27 * len(milestones))))
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.03, right=0.97, top=1 - 0.6 / height, bottom=0.45 / height)
    days = [date2num(m.due) for m in milestones]
    first, last = min(days), max(days)
    span = last - first
    # A month either side when the dates are close, else a margin in proportion.
    low, high = (first - 30, last + 30) if span < 60 else (first - 0.06 * span, last + 0.06 * span)
    ax.set_xlim(low, high)
    ax.set_ylim(len(milestones) - 0.4, -0.6)
    for y, (milestone, day) in enumerate(zip(milestones, days)):
        marker, colour, _label = _MILESTONE_STYLE.get(milestone.kind, _MILESTONE_STYLE["step"])
        ax.axhline(y, color=_GRID, linewidth=0.6, zorder=0)
        ax.plot([day], [y], marker=marker, color=colour, markersize=6.5, linestyle="none", zorder=3)
        label = f"{_short_date(milestone.due)} · {shorten(milestone.title, 44)}"
        right_half = (day - low) / (high - low) > 0.5
        _draw_text(ax, day + (-1 if right_half else 1) * 0.018 * (high - low), y, label, ax.transData, size=7.5,
                   ha="right" if right_half else "left")
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    _style_axes(ax)
    kinds = [k for k in _MILESTONE_STYLE if any(m.kind == k for m in milestones)]
    handles = [
        Line2D([], [], marker=_MILESTONE_STYLE[k][0], color=_MILESTONE_STYLE[k][1], linestyle="none",
               label=_MILESTONE_STYLE[k][2])
        for k in kinds
    ]
    _legend(figure, ax, handles=handles, ncol=len(handles))
    _title(figure, ax, "Timeline")
    return figure


def _short_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"  # not strftime: its month names follow the locale


def _save(figure: Figure, key: str) -> tuple[str, bytes]:
    png = BytesIO()
    figure.savefig(png, format="png", dpi=DPI, facecolor="white")
    svg = BytesIO()
    figure.savefig(svg, format="svg", facecolor="white", metadata={"Date": None})
    return _clean_svg(svg.getvalue().decode("utf-8"), key), png.getvalue()


def _clean_svg(svg: str, key: str) -> str:
    """SVG ready to inline in HTML: no XML prolog or doctype, no comments, ids unique to this chart."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    prefix = f"wp-{key}-"
    svg = _SVG_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _SVG_REF.sub(lambda m: f"{m.group(1)}{prefix}", svg)


# ---- alt text -----------------------------------------------------------------------------


def describe(plan: CareerPlan) -> dict[str, str]:
    """One sentence per chart the plan has, for alt attributes and screen readers."""
    texts: dict[str, str] = {}
    profile = plan.interest_profile
    if profile is not None and profile.scores:
        scores = ", ".join(f"{RIASEC_NAMES[k]} {float(profile.scores.get(k, 0)):g}" for k in RIASEC_ORDER)
        areas = ", ".join(RIASEC_NAMES.get(letter, letter) for letter in profile.code)
        texts["interests"] = (
            f"Bar chart of your interest scores from 0 to 40: {scores}; "
            f"your Holland code {profile.code} ({areas}) is highlighted."
        )
    if plan.skill_gaps:
        skills = "; ".join(
            f"{g.skill}: you {'not rated' if g.self_level is None else g.self_level}, needed {g.required_level:.1f}"
            for g in plan.skill_gaps
        )
        target = plan.target_title or "the target role"
        texts["skills"] = (
            f"Bar chart comparing your level with the level {target} needs on O*NET's 0 to 7 scale – {skills}."
        )
    if plan.milestones:
        counts = [
            f"{n} {_KIND_WORDS[kind][n != 1]}"
            for kind in _KIND_WORDS
            if (n := sum(1 for m in plan.milestones if m.kind == kind))
        ]
        if not counts:  # only kinds this version does not know
            counts = [f"{len(plan.milestones)} dates"]
        listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
        first, last = min(m.due for m in plan.milestones), max(m.due for m in plan.milestones)
        span = f"on {format_date(first)}" if first == last else f"from {format_date(first)} to {format_date(last)}"
        texts["timeline"] = f"Timeline of {listed} {span}."
    return texts



def charts_by_part(plan: CareerPlan, charts: Charts) -> dict[int, list[tuple[bytes, str]]]:
    """Part number -> [(PNG, alt text)] of the charts the plan has (PDF and DOCX place them so)."""
    alt_texts = describe(plan)
    placed: dict[int, list[tuple[bytes, str]]] = {}
    for key, png in charts.png.items():
        if png and key in CHART_PARTS:
            placed.setdefault(CHART_PARTS[key], []).append((png, alt_texts.get(key) or f"{key.capitalize()} chart"))
    return placed
