"""The career plan as Markdown (CommonMark / GitHub flavour): the ten parts in order, each
item as "- **Label:** text".

Every text is escaped, labels too ("O*NET" is in one): what the person typed, "<script>" or
"**bold**" included, shows as the characters they typed in any Markdown viewer.
"""

from __future__ import annotations

import re

from bot.conversation.dates import format_date
from bot.plan.model import NOT_DISCUSSED, CareerPlan, Part

TITLE = "Career plan"
# Significant anywhere in a line (inline markup, HTML, tables, entities, GitHub's math and strikethrough).
_INLINE = re.compile(r"([\\`*_\[\]<>|~#&$])")
# Significant only where a line starts: list markers, setext underlines, ordered lists.
_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])(?=\s|$)")


def escape(text: str) -> str:
    """Text that Markdown shows as typed: backslash escapes, which CommonMark allows before any punctuation."""
    escaped = _INLINE.sub(r"\\\1", text)
    return "\n".join(_LINE_START.sub(_escape_start, line) for line in escaped.split("\n"))


def _escape_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def render_markdown(plan: CareerPlan) -> str:
    lines = [f"# {TITLE}", "", f"Version {plan.version} · generated {format_date(plan.generated_at.date())}", ""]
    for part in plan.parts:
        lines += _part(part)
    if plan.attribution:
        lines += ["---", "", escape(plan.attribution), ""]
    return "\n".join(lines)


def _part(part: Part) -> list[str]:
    lines = [f"## {part.number}. {escape(part.title)}", ""]
    if not part.items:
        return lines + [NOT_DISCUSSED, ""]
    for item in part.items:
        # A line break inside an answer: a hard break ("\" at the end), the next line indented into the item.
        text = escape(item.text).replace("\n", "\\\n  ")
        lines.append(f"- **{escape(item.label)}:** {text}")
    return lines + [""]
