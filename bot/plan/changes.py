"""What changed in the career plan since its last version, in a few lines for the chat.

One line per part that changed, the part's number and title first:

    Part 3 Social environment analysis: now discussed
    Part 6 Career goals and timeline: short-term goal changed; new: Long-term goal
    Part 9 Gap between current ability and goals: new: Action steps

Items are matched by their label ("Short-term goal", "Action steps"); the person's words
are never repeated here, only what kind of thing changed.
"""

from __future__ import annotations

from bot.plan.model import CareerPlan, Item, Part


def changes(old: CareerPlan | None, new: CareerPlan) -> list[str]:
    """The changes from `old` to `new`; empty when nothing changed or there is no `old`."""
    if old is None:
        return []
    before = {part.number: part for part in old.parts}
    lines = []
    for part in new.parts:
        found = _part_changes(before.get(part.number), part)
        if found:
            lines.append(f"Part {part.number} {part.title}: {'; '.join(found)}")
    return lines


def summary_text(lines: list[str], since: int | None) -> str:
    """The chat's words for `changes(...)`: `since` is the previous version's number
    (None when this is the first plan)."""
    if since is None:
        return "This is your first career plan."
    if not lines:
        return f"Nothing has changed since version {since}."
    return f"Since version {since}:\n" + "\n".join(f"- {line}" for line in lines)


def _part_changes(old: Part | None, new: Part) -> list[str]:
    was_discussed = old is not None and old.discussed
    if not was_discussed:
        return ["now discussed"] if new.discussed else []
    if not new.discussed:
        return ["no longer discussed"]
    assert old is not None
    old_items, new_items = _by_label(old.items), _by_label(new.items)
    changed = [label for label, texts in new_items.items() if label in old_items and old_items[label] != texts]
    added = [label for label in new_items if label not in old_items]
    removed = [label for label in old_items if label not in new_items]
    return (
        [f"{_lower_first(label)} changed" for label in changed]
        + [f"new: {label}" for label in added]
        + [f"removed: {label}" for label in removed]
    )


def _by_label(items: tuple[Item, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in items:
        found.setdefault(item.label, []).append(item.text)
    return found


def _lower_first(label: str) -> str:
    """'Short-term goal' -> 'short-term goal'; names like 'Critical Thinking' or
    'Holland code (O*NET ...)' keep their capitals."""
    if not label or any(ch.isupper() for ch in label[1:]):
        return label
    return label[0].lower() + label[1:]
