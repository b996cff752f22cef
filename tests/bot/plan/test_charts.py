"""bot.plan.charts: the interest profile, skills gap and timeline charts, and their alt text."""

from __future__ import annotations

import dataclasses
import json
import warnings
import xml.etree.ElementTree as ET
from datetime import date
from io import BytesIO

import pytest
from PIL import Image

from bot.plan.charts import Charts, describe, render_charts, shorten, text_runs
from bot.plan.fonts import find_cjk_font
from bot.plan.model import CareerPlan, InterestProfile, Milestone, SkillGap

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
needs_cjk_font = pytest.mark.skipif(
    find_cjk_font() is None,
    reason="Droid Sans Fallback is not installed (apt-get install fonts-droid-fallback; scripts/check-fonts.sh does)",
)


@pytest.fixture(scope="module")
def charts(plan) -> Charts:
    return render_charts(plan)


def render_quietly(plan: CareerPlan) -> tuple[Charts, list[str]]:
    """Charts and every warning raised while rendering them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = render_charts(plan)
    return rendered, [str(w.message) for w in caught]


def test_a_full_plan_has_all_three_charts(charts):
    assert set(charts.svg) == set(charts.png) == {"interests", "skills", "timeline"}


def test_only_charts_with_data(cjk_plan, empty_plan):
    cjk = render_charts(cjk_plan)  # milestones, but no profiler and no skill ratings
    assert set(cjk.svg) == set(cjk.png) == {"timeline"}
    empty = render_charts(empty_plan)
    assert empty == Charts(svg={}, png={})


def test_png_images_are_small_and_real(charts):
    for key, data in charts.png.items():
        assert data.startswith(PNG_MAGIC), key
        with Image.open(BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.width == 640, key  # 6.4 in at 100 dpi
    with Image.open(BytesIO(charts.png["interests"])) as image:
        assert image.size == (640, 320)
    # Six skills: one row each, so the chart grows with the list (1.15 in + 0.42 in per skill).
    with Image.open(BytesIO(charts.png["skills"])) as image:
        assert image.height == 367


def test_svg_parses_draws_text_as_paths_and_has_its_own_ids(charts):
    for key, svg in charts.svg.items():
        assert svg.startswith("<svg "), key  # no XML prolog or doctype: ready to inline
        assert "<!--" not in svg
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert list(root.iter(f"{SVG}text")) == []  # text as glyph paths: the same in every viewer
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert ids and all(i.startswith(f"wp-{key}-") for i in ids), key
        assert len(ids) == len(set(ids))


def test_to_dict_and_back(charts):
    data = json.loads(json.dumps(charts.to_dict()))
    assert data["png"]["interests"].startswith("iVBORw0KGgo")  # base64 of the PNG magic
    assert Charts.from_dict(data) == charts


def test_user_text_never_reaches_the_svg(plan, charts):
    assert "Talk to my manager" in plan.milestones[0].title  # the step with <script> in it
    assert "<script" not in charts.svg["timeline"].lower()
    assert "Talk to my manager" not in charts.svg["timeline"]


def test_describe_gives_one_sentence_per_chart(plan, cjk_plan, empty_plan):
    assert describe(plan) == {
        "interests": "Bar chart of your interest scores from 0 to 40: Realistic 6, Investigative 24, Artistic 11, "
        "Social 22, Enterprising 31, Conventional 38; your Holland code CEI (Conventional, Enterprising, "
        "Investigative) is highlighted.",
        "skills": "Bar chart comparing your level with the level Financial and Investment Analysts needs on O*NET's "
        "0 to 7 scale – Judgment and Decision Making: you 2, needed 4.4; Speaking: you 3, needed 4.0; "
        "Critical Thinking: you 4, needed 4.1; Mathematics: you 6, needed 4.0; Active Learning: you 5, needed 4.0; "
        "Reading Comprehension: you not rated, needed 4.4.",
        "timeline": "Timeline of 3 goal deadlines, 2 action steps and 4 plan reviews from 15 January 2027 "
        "to 30 June 2032.",
    }
    assert describe(cjk_plan) == {
        "timeline": "Timeline of 1 goal deadline, 1 action step and 4 plan reviews from 10 January 2027 to 1 June 2030."
    }
    assert describe(empty_plan) == {}


def test_describe_one_date(empty_plan):
    one = dataclasses.replace(empty_plan, milestones=(Milestone("review", "Career plan review", date(2027, 5, 22)),))
    assert describe(one) == {"timeline": "Timeline of 1 plan review on 22 May 2027."}


@needs_cjk_font
def test_text_runs_split_by_font():
    assert text_runs("Short-term goal: 完成机器学习课程") == [("Short-term goal: ", False), ("完成机器学习课程", True)]
    assert text_runs("完成 Python 课程") == [("完成 ", True), ("Python ", False), ("课程", True)]
    assert text_runs("Plain text – 😀") == [("Plain text – 😀", False)]  # DejaVu Sans has this emoji
    assert text_runs("Job 💼") == [("Job \ufffd", False)]  # no font has it: a replacement character, not a box


@pytest.mark.parametrize(
    ("text", "limit", "short"),
    [
        ("Finish the course", 40, "Finish the course"),
        ("Finish the certification course", 12, "Finish the…"),
        ("完成机器学习课程", 7, "完成机…"),
        ("two\nlines  here", 40, "two lines here"),
    ],
)
def test_shorten(text, limit, short):
    assert shorten(text, limit) == short


@needs_cjk_font
def test_chinese_renders_without_missing_glyph_warnings(cjk_plan):
    mixed = dataclasses.replace(
        cjk_plan,
        interest_profile=InterestProfile("SAE", {"R": 5, "I": 12, "A": 25, "S": 33, "E": 28, "C": 9}),
        skill_gaps=(SkillGap("沟通能力 (Speaking)", 4.0, 2, 4.0, "培训"), SkillGap("Critical Thinking", 4.1, None, 3.9, "")),
        target_title="数据科学家",
        milestones=cjk_plan.milestones + (Milestone("step", "学习 SQL 💼 and statistics", date(2027, 2, 1)),),
    )
    rendered, caught = render_quietly(mixed)
    assert set(rendered.png) == {"interests", "skills", "timeline"}
    assert [message for message in caught if "missing from current font" in message] == []


def test_latin_plan_renders_without_warnings(plan):
    _rendered, caught = render_quietly(plan)
    assert caught == []

