"""Regenerates the parts of domain.yml that mirror the catalogue in bot/conversation/stages.py: the
question slots, the stage forms, the question responses and the ask/validate actions.

    make domain          # rewrite domain.yml
    python scripts/sync_domain.py --check   # exit 1 if domain.yml is out of date

Everything outside the `# >>> ... # <<<` markers is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversation.stages import STAGES  # noqa: E402

DOMAIN = ROOT / "domain.yml"
INTERRUPTIONS = [
    "ask_why", "ask_term", "change_answer", "start_over", "continue_session", "show_summary",
    "request_human", "bot_challenge", "how_are_you", "thank", "goodbye", "greet",
    "ask_occupation_description", "ask_occupation_skills", "ask_similar_occupations", "ask_occupation_education",
    "counselor_reply", "hand_back", "show_plan",
]


def question_slots() -> list[str]:
    lines: list[str] = []
    first = True
    for stage in STAGES:
        lines.append(f"  # {stage.header}")
        for question in stage.questions:
            not_intent = ("&interruptions [" + ", ".join(INTERRUPTIONS) + "]") if first else "*interruptions"
            first = False
            lines += [
                f"  {question.key}:",
                "    type: any",
                "    influence_conversation: false",
                "    mappings:",
                "    - type: from_text",
                f"      not_intent: {not_intent}",
                "      conditions:",
                f"      - active_loop: {stage.form}",
                f"        requested_slot: {question.key}",
            ]
    return lines


def forms() -> list[str]:
    lines: list[str] = []
    for stage in STAGES:
        lines += [f"  {stage.form}:", "    required_slots:"] + [f"    - {x.key}" for x in stage.questions]
    return lines


def actions() -> list[str]:
    lines = [f"- validate_{stage.form}" for stage in STAGES]
    lines += [f"- action_ask_{x.key}" for stage in STAGES for x in stage.questions]
    return lines


BLOCKS = {"question slots": question_slots, "stage forms": forms, "question actions": actions}


def render(text: str) -> str:
    for name, build in BLOCKS.items():
        pattern = re.compile(rf"(^ *# >>> {name}[^\n]*\n)(.*?)(^ *# <<< {name}\n)", re.M | re.S)
        if not pattern.search(text):
            raise SystemExit(f"domain.yml has no '# >>> {name}' ... '# <<< {name}' block")
        text = pattern.sub(lambda m: m.group(1) + "\n".join(build()) + "\n" + m.group(3), text)
    return text


def main() -> None:
    current = DOMAIN.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in sys.argv:
        if wanted != current:
            raise SystemExit("domain.yml is out of date with bot/conversation/stages.py: run `make domain`")
        return
    DOMAIN.write_text(wanted, encoding="utf-8")


if __name__ == "__main__":
    main()
