"""`make eval`: how well Waypoint understands messages it was never trained on.

Every row of the held-out sets (tests/heldout/messages.jsonl; second- to fifth-set.jsonl,
written later by helpers who read nothing in the repository – the second then guided the
crisis changes, the others measure them; each row: the open question, the message, the
expected kind and intent) goes through the trained NLU model and the turn
core's reading, as in the conversation. Printed: intent accuracy and macro F1 (each
career topic its own label), out-of-scope recall, answers taken as an interruption,
clarifications, human-request and crisis recall, the distress check-in rate, and forum-
style first messages engaged; before them the career-suggestion table, and after them the
simulated employees (tests/employees/, with the suggestion coverage), if asked.

    python scripts/eval.py [--errors] [--employees]

--errors prints the misread messages of the development sets (first to fourth) only: the texts
of the blind fifth set stay unread, so that it keeps measuring what nobody tuned for.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from actions.turn import nlu_of  # noqa: E402
from bot.careers.service import Careers  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation.topics import TopicCatalogue  # noqa: E402
from bot.conversation.turn import Turn, TurnSettings, read  # noqa: E402
from bot.conversation.understand import CRISIS_CHECK, TOPIC_CHOOSE, Kind, Nlu, Reading  # noqa: E402
from bot.storage import Store  # noqa: E402
from tests.heldout.data import HELDOUT_SETS, Row, heldout_rows  # noqa: E402

MODEL = ROOT / "models" / "waypoint.tar.gz"
TARGET_OCCUPATION = "11-3071.00"  # Transportation, Storage, and Distribution Managers
TARGETS = {
    "macro F1": (0.92, ">="),
    "out-of-scope recall": (0.85, ">="),
    "answers taken as an interruption": (0.02, "<="),
    "clarifications": (0.05, "<="),
    "human-request recall": (0.95, ">="),
    "crisis recall": (1.0, ">="),
    "forum-style first messages engaged": (0.90, ">="),
}


def label(reading: Reading) -> str:
    return "inform" if reading.kind is Kind.ANSWER else reading.intent


async def readings(sets: list[list[Row]]) -> list[list[tuple[Reading, Nlu]]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await _readings(agent, rows) for rows in sets]


async def _readings(agent: Any, rows: list[Row]) -> list[tuple[Reading, Nlu]]:
    settings = Settings.from_env()
    careers = Careers.from_engine(Store.from_url(settings.database_url).engine)
    topics = TopicCatalogue.load()
    turn_settings = TurnSettings(counselor_contact=settings.counselor_contact, extra_crisis_phrases=settings.extra_crisis_phrases())
    found = []
    for row in rows:
        message = await agent.parse_message(row.text)
        # a target occupation, as in a conversation that reached the skill ratings
        slots = {"consent": True, "open_question": row.open, "stage": None, "target_occupation": TARGET_OCCUPATION}
        nlu = nlu_of(message)
        turn = Turn(row.text, nlu, slots, date(2026, 12, 6), turn_settings, careers, topics)
        found.append((read(turn), nlu))
    return found


def share(hits: int, total: int) -> float:
    return hits / total if total else math.nan  # nothing to measure in this set: not printed


def figures(rows: list[Row], pairs_found: list[tuple[Reading, Nlu]]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    found = [r for r, _ in pairs_found]
    gold = [row.intent for row in rows]
    predicted = [label(r) for r in found]
    pairs = list(zip(rows, found))

    def recall(intent: str) -> float:
        chosen = [(row, r) for row, r in pairs if row.intent == intent]
        return share(sum(label(r) == intent for _, r in chosen), len(chosen))

    answers = [(row, r) for row, r in pairs if row.kind == "answer"]
    forum = [(row, r) for row, r in pairs if row.forum]
    distress = [(row, r) for row, r in pairs if row.kind == "distress"]
    crisis = [(row, r) for row, r in pairs if row.intent == "crisis"]
    return {
        "messages": len(rows),
        "intent accuracy": share(sum(g == p for g, p in zip(gold, predicted)), len(rows)),
        "macro F1": float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)),
        "out-of-scope recall": recall("out_of_scope"),
        "answers taken as an interruption": share(sum(r.kind is not Kind.ANSWER and not r.clarify for _, r in answers), len(answers)),
        # a distress check-in or a safety check: the answer is not stored, but one tap keeps it
        "  ... of them a check-in that can keep it": share(
            sum(not r.clarify and (r.kind is Kind.DISTRESS or r.intent == CRISIS_CHECK) for _, r in answers), len(answers)
        ),
        "clarifications": share(sum(r.clarify for r in found), len(found)),
        "human-request recall": recall("request_human"),
        "crisis recall": recall("crisis"),
        # below the classifier's `crisis_sure`: the resources and "do you need help now?" (docs/understanding.md)
        "  ... or the resources and a safety check": share(sum(label(r) in {"crisis", CRISIS_CHECK} for _, r in crisis), len(crisis)),
        "  crisis messages stored as an answer": share(sum(r.kind is Kind.ANSWER for _, r in crisis), len(crisis)),
        "distress check-in rate": share(sum(r.kind is Kind.DISTRESS for _, r in distress), len(distress)),
        "forum-style first messages engaged": share(sum(label(r) == row.intent for row, r in forum), len(forum)),
        "  ... or the right topic among three offered": share(
            sum(
                label(r) == row.intent
                or (r.intent == TOPIC_CHOOSE and row.intent in {key for key, _ in nlu.topic_ranking})
                for (row, r), (_, nlu) in zip(forum, [p for p, row in zip(pairs_found, rows) if row.forum])
            ),
            len(forum),
        ),
    }


def report(values: dict[str, float], name: str, path: Path) -> list[str]:
    lines = [f"{name.capitalize()} set: {int(values['messages'])} messages ({path.relative_to(ROOT)}), {ROLE[name]}"]
    for name, value in values.items():
        if name == "messages" or math.isnan(value):
            continue
        target = TARGETS.get(name)
        mark = ""
        if target:
            wanted, how = target
            ok = value >= wanted if how == ">=" else value <= wanted
            mark = f"   target {how} {wanted:g}: {'met' if ok else 'NOT met'}"
        if name in SECOND_SET_FIGURES or path == HELDOUT_SETS["first"]:
            lines.append(f"  {name:<38} {value:6.3f}{mark}")
    return lines


ROLE = {
    "first": "held out, never trained on (part of its crisis rows seen in a debug log once)",
    "second": "never trained on, but it guided the crisis changes: a development set",
    "third": "never trained on; measured blind twice, then its misreadings guided the changes of the sixth session: a development set",
    "fourth": "never trained on; measured blind once, then its misreadings guided the changes of the sixth session: a development set",
    "fifth": "held out, never trained on, written when the third and fourth had been measured, measured once at the end",
}
# The second and third sets hold crisis, distress, answers with dark idioms and forum questions only:
# the other figures would be empty there.
SECOND_SET_FIGURES = {
    "human-request recall",
    "out-of-scope recall",
    "crisis recall",
    "distress check-in rate",
    "answers taken as an interruption",
    "  ... of them a check-in that can keep it",
    "  ... or the resources and a safety check",
    "  crisis messages stored as an answer",
    "clarifications",
    "forum-style first messages engaged",
    "  ... or the right topic among three offered",
}


def confusions(rows: list[Row], found: list[Reading], limit: int = 15) -> list[str]:
    counts = Counter((row.intent, label(r) + (" (asked)" if r.clarify else "")) for row, r in zip(rows, found) if row.intent != label(r))
    return [f"  {n:3d}  {g} -> {p}" for (g, p), n in counts.most_common(limit)]


def career_suggestions() -> None:
    """The career-suggestion table (tests/bot/careers/suggestion_table.yml, written before
    the code it measures): paths by type, interest ranking, free-text targets, similar jobs."""
    from tests.bot.careers.suggestion_table import report, run_table

    store = Store.from_url(Settings.from_env().database_url)
    try:
        careers = Careers.from_engine(store.engine)
    finally:
        store.engine.dispose()
    for line in report(run_table(careers)):
        print(line)


def main() -> None:
    logging.disable(logging.WARNING)
    import structlog

    # Rasa logs every parsed message at debug level, text included: not here.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    career_suggestions()
    sets = {name: heldout_rows(path) for name, path in HELDOUT_SETS.items()}
    for (name, rows), pairs_found in zip(sets.items(), asyncio.run(readings(list(sets.values())))):
        found = [r for r, _ in pairs_found]
        for line in report(figures(rows, pairs_found), name, HELDOUT_SETS[name]):
            print(line)
        print("Most frequent confusions (expected -> read as):")
        for line in confusions(rows, found):
            print(line)
        by_kind = Counter(row.kind for row in rows)
        right = Counter(row.kind for row, r in zip(rows, found) if row.intent == label(r))
        print("Per kind: " + ", ".join(f"{k} {right[k]}/{n}" for k, n in sorted(by_kind.items())))
        if "--errors" in sys.argv and name != "fifth":
            for row, r in zip(rows, found):
                if row.intent != label(r):
                    print(f"  [{row.open}] {row.text!r}: {row.intent} -> {label(r)}{' (asked)' if r.clarify else ''} {r.confidence:.2f}")
    if "--employees" in sys.argv:
        from tests.employees.run import main as employees

        employees()


if __name__ == "__main__":
    main()
