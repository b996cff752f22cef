"""bot.plan.markdown: the plan as Markdown, every answer shown as typed."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from bot.plan.markdown import escape, render_markdown
from bot.plan.model import NOT_DISCUSSED, CareerPlan, Item, Part

HEADINGS = [
    "## 1. Basic information",
    "## 2. Personal career direction",
    "## 3. Social environment analysis",
    "## 4. Organization analysis",
    "## 5. Relevant people, countermeasures and suggestions",
    "## 6. Career goals and timeline",
    "## 7. Criteria for success",
    "## 8. Evaluation of own conditions and potential",
    "## 9. Gap between current ability and goals",
    "## 10. Plan revision",
]
# CommonMark with GitHub's tables and strikethrough: the ways typed characters could turn into markup.
COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class _ListItems(HTMLParser):
    """The text of each <li> of rendered Markdown, <strong> label left out, <br> as a line break."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.tags: list[str] = []
        self._in_li = self._in_strong = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "li":
            self._in_li = True
            self.items.append("")
        elif tag == "strong":
            self._in_strong = True
        elif tag == "br" and self._in_li:
            self.items[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_li = False
        elif tag == "strong":
            self._in_strong = False

    def handle_data(self, data: str) -> None:
        if self._in_li and not self._in_strong:
            self.items[-1] += data


def rendered_items(markdown: str) -> _ListItems:
    parser = _ListItems()
    parser.feed(COMMONMARK.render(markdown).replace("<br />\n", "<br />"))
    parser.items = [text.strip(" ") for text in parser.items]  # the space after the label
    return parser


def one_item_plan(base: CareerPlan, label: str, text: str) -> CareerPlan:
    parts = (Part(1, base.parts[0].title, (Item(label, text),)),) + base.parts[1:]
    return dataclasses.replace(base, parts=parts)


def test_title_version_and_date_come_first(plan):
    assert render_markdown(plan).splitlines()[:4] == [
        "# Career plan",
        "",
        "Version 3 · generated 22 November 2026",
        "",
    ]


def test_the_ten_parts_in_order(plan):
    headings = [line for line in render_markdown(plan).splitlines() if line.startswith("## ")]
    assert headings == HEADINGS


def test_items_are_bold_labels_with_escaped_text(plan):
    lines = render_markdown(plan).splitlines()
    part_1 = lines[lines.index(HEADINGS[0]) + 2 : lines.index(HEADINGS[1]) - 1]
    assert part_1 == [
        "- **What brings you here:** My career has stalled",
        r"- **Current role:** Senior accountant \<script\>alert(1)\</script\>",
        "- **Current occupation in the career database:** Accountants and Auditors",
        r"- **Department:** Group Finance \& Controlling",
        "- **Time in role:** about three years",
        "- **Education:** Master's degree",
        r"- **Expectations:** A \*\*clear\*\* plan for my next step",
    ]
    assert r"- **Holland code (O\*NET Interest Profiler):** CEI – Conventional, Enterprising, Investigative" in lines


def test_every_answer_renders_as_the_text_typed(plan):
    """Rendered by a CommonMark parser, each item reads exactly as the plan's text: no markup got through."""
    parsed = rendered_items(render_markdown(plan))
    expected = [item.text for part in plan.parts for item in part.items]
    assert parsed.items == expected
    assert not {"script", "em", "a", "code", "table", "del", "h3"} & set(parsed.tags)


@pytest.mark.parametrize(
    "typed",
    [
        "<b>bold</b> <img src=x onerror=alert(1)>",
        "**bold** and __bold__ and *it* and _it_",
        "# a heading",
        "- a list",
        "+ a list",
        "1. numbered",
        "3) numbered",
        "[a link](http://evil.example) ![an image](x.png)",
        "<http://evil.example>",
        "`code` and ```fence```",
        "a | table | row",
        "~~struck~~",
        "&amp; &lt;b&gt; &#42;",
        r"a back\slash \* \\",
        "> a quote",
        "---",
        "$x^2$",
        "first line\n===\n- second\n# third",
    ],
)
def test_typed_markup_shows_as_text(empty_plan, typed):
    parsed = rendered_items(render_markdown(one_item_plan(empty_plan, "Answer *", typed)))
    assert parsed.items == [typed]
    assert parsed.tags.count("li") == 1


def test_a_line_break_in_an_answer_stays_inside_the_item(empty_plan):
    markdown = render_markdown(one_item_plan(empty_plan, "Interests", "Data\nPeople"))
    assert "- **Interests:** Data\\\n  People" in markdown
    assert rendered_items(markdown).items == ["Data\nPeople"]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a_b*c", r"a\_b\*c"),
        ("<script>", r"\<script\>"),
        ("[x](y)", r"\[x\](y)"),
        ("`x` | ~y~ # & $", r"\`x\` \| \~y\~ \# \& \$"),
        ("back\\slash", "back\\\\slash"),
        ("- item", r"\- item"),
        ("12. item", r"12\. item"),
        ("x\n+ y\n= z", "x\n\\+ y\n\\= z"),
        ("1.5 - 2.0 (fine)", "1.5 - 2.0 (fine)"),
        ("完成机器学习课程", "完成机器学习课程"),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_an_empty_part_says_not_discussed(empty_plan):
    lines = render_markdown(empty_plan).splitlines()
    for heading in HEADINGS:
        assert lines[lines.index(heading) + 1 : lines.index(heading) + 3] == ["", NOT_DISCUSSED]
    assert lines.count(NOT_DISCUSSED) == 10
    assert not [line for line in lines if line.startswith("- ")]


def test_attribution_ends_the_plan_when_set(plan, empty_plan):
    assert render_markdown(plan).rstrip("\n").splitlines()[-3:] == [
        "---",
        "",
        r"Career information from O\*NET 29.3 (USDOL/ETA), used under CC BY 4.0.",
    ]
    assert "O\\*NET 29.3" not in render_markdown(empty_plan)
    assert "---" not in render_markdown(empty_plan)


def test_chinese_answers_are_kept(cjk_plan):
    markdown = render_markdown(cjk_plan)
    assert "- **Expectations:** 我想成为一名数据科学家" in markdown
    assert "- **Short-term goal:** 完成机器学习课程 – by 1 March 2027" in markdown
    assert "- **Strengths:** Python、统计学" in markdown
