"""The employee's data rights end to end over the REST channel: the disclosure, "what do you
store", answers encrypted at rest (in no file's bytes), an export with everything in it, and
an erasure that leaves the person's words in no table, no file and no log, with the plan and
export links answering 404. Withdrawn and
declined consent: the conversation goes on, and nothing is stored."""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from bot.storage import crypto
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

MARKER = "zorblatquince"


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("privacy"))
    stack.prepare_database()
    stack.start()
    yield stack
    stack.stop()


def say(stack: Stack, sender: str, message: str, expected: str = "") -> str:
    text = "\n".join(r.get("text") or "" for r in stack.send(sender, message))
    assert expected in text, f"after {message!r} expected {expected!r} in:\n{text}"
    return text


def status_of(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def rows_with(database: Path, word: str) -> list[str]:
    """The tables with `word` in a row, sealed values opened (the stack seals with this process's key)."""
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            t for t in tables for row in db.execute(f'SELECT * FROM "{t}"')
            if word in " ".join(str(crypto.unseal(v) if crypto.is_sealed(v) else v) for v in row)
        ]


def files_with(folder: Path, word: str) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and word.encode() in p.read_bytes()]


def test_export_then_erasure_leaves_nothing_anywhere(stack: Stack) -> None:
    sender = "e2e-privacy-1"
    welcome = say(stack, sender, "hi", "Do you agree that I store your answers?")
    disclosure = welcome[welcome.index("I'm an automated assistant"):]
    assert len(disclosure.splitlines()) <= 4 and "never your manager" in disclosure and "2 years" in disclosure
    say(stack, sender, "yes", "What brings you here?")
    say(stack, sender, f"I feel stuck as a {MARKER} analyst")
    said = say(stack, sender, "who can see this? does my boss see it", "Never your manager")
    assert "How long: until you delete it, and at most 2 years" in said

    # encryption at rest: the word is stored, yet in no file's bytes – databases, journals, logs
    assert rows_with(Path(stack.answers_url.removeprefix("sqlite:///")), MARKER) and rows_with(stack.tracker_db, MARKER)
    assert files_with(stack.workdir, MARKER) == []

    plan = say(stack, sender, "send me my plan")
    plan_link = re.search(r"(http\S+/plan/\S+)", plan)
    exported = say(stack, sender, "can you send me everything you have on me?", "a copy of everything I hold about you")
    page, json_link = re.findall(r"(http\S+/export/\S+)", exported)
    status, body = status_of(json_link)
    assert status == 200 and MARKER in body and '"transcript"' in body
    assert status_of(page)[0] == 200

    say(stack, sender, "delete all my data", "Delete it all?")
    say(stack, sender, "yes", "Done – everything I held about you is deleted")

    assert rows_with(Path(stack.answers_url.removeprefix("sqlite:///")), MARKER) == []
    assert rows_with(stack.tracker_db, MARKER) == []
    assert files_with(stack.workdir, MARKER) == []  # databases, their journals, and every server's log
    assert status_of(page)[0] == 404 and status_of(json_link)[0] == 404
    if plan_link:
        assert status_of(plan_link.group(1))[0] == 404
    say(stack, sender, "hello", "Do you agree that I store your answers?")  # a fresh start


def test_withdrawn_consent_erases_and_the_conversation_goes_on_unstored(stack: Stack) -> None:
    sender = "e2e-privacy-2"
    say(stack, sender, "hi", "Do you agree")
    say(stack, sender, "yes", "What brings you here?")
    say(stack, sender, f"my {MARKER} job feels stalled")

    say(stack, sender, "withdraw my consent", "Withdraw your consent?")
    after = say(stack, sender, "yes", "from now on nothing is stored")
    assert after.splitlines()[-1] == "What is your current role or job title?"  # where we were
    say(stack, sender, f"team lead of {MARKER}s")

    assert rows_with(Path(stack.answers_url.removeprefix("sqlite:///")), MARKER) == []
    assert rows_with(stack.tracker_db, MARKER) == []


def test_the_console_fetching_a_declined_conversation_does_not_end_it(stack: Stack) -> None:
    sender = "e2e-privacy-3"
    say(stack, sender, "hi", "Do you agree")
    say(stack, sender, "no", "I won't store your answers")
    say(stack, sender, "I want a new direction")

    tracker = stack.tracker(sender)  # what the console does when a counselor opens the case

    assert tracker["slots"]["consent"] is False
    reply = say(stack, sender, "I'm an accountant")
    assert "Do you agree" not in reply  # still the same conversation, not a new one
    assert rows_with(stack.tracker_db, "new direction") == []
